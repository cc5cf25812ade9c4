// `lxgen run`: runs a patched static i386 ELF on Linux through the ptrace trap harness.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { buildHarness } from '../elf/harness.ts';
import { MANIFEST, readManifest } from '../elf/suite.ts';

export const summary = 'run a patched i386 ELF on Linux through the int $0x2e trap harness';
export const usage = `usage: lxgen run [-v] [-c] [-e NR,...] ELF|test-name [args...]

Runs ELF under tests/harness/lxss-harness (built into .lxss/harness if needed): every
int $0x2e system call is performed in the program's own context; a native system call
fails the run (exit status 125). A name from .lxss/elf/manifest.json (see lxgen elf) may
stand for its program. -v traces each call on stderr, -c counts them, -e answers the
listed syscall numbers with -ENOSYS (e.g. -e 243 exercises musl's modify_ldt fallback).
Exits with the program's exit status (128+signal if a signal killed it).`;

export async function run(args: string[]): Promise<number> {
  const opts: string[] = [];
  while (args[0] === '-v' || args[0] === '-c' || args[0] === '-e') {
    const o = args.shift() as string;
    opts.push(o);
    if (o === '-e') {
      if (!args[0]) break;
      opts.push(args.shift() as string);
    }
  }
  if (args[0] === '--') args.shift();
  const [target, ...rest] = args;
  if (!target) {
    console.error(usage);
    return 2;
  }
  let elf = target;
  if (!existsSync(elf) && !elf.includes('/') && existsSync(MANIFEST)) {
    const entry = readManifest().find((e) => e.name === elf);
    if (entry) elf = entry.path;
  }
  const bin = buildHarness();
  const r = spawnSync(bin, [...opts, '--', elf, ...rest], { stdio: 'inherit' });
  if (r.error) throw new Error(`cannot run ${bin}: ${r.error.message}`);
  return r.status ?? 1;
}
