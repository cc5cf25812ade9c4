// `lxgen run`: runs a patched static i386 ELF on Linux through the ptrace trap harness,
// on this host or (--vm) in the Linux i386 oracle VM.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildHarness } from '../elf/harness.ts';
import { MANIFEST, readManifest } from '../elf/suite.ts';
import { oracle, runI386 } from '../oracle/index.ts';

export const summary = 'run a patched i386 ELF on Linux through the int $0x2e trap harness (--vm: in the i386 oracle VM)';
export const usage = `usage: lxgen run [--vm] [-v] [-c] [-e NR,...] ELF|test-name [args...]

Runs ELF under tests/harness/lxss-harness (built into .lxss/harness if needed): every
int $0x2e system call is performed in the program's own context; a native system call
fails the run (exit status 125). A name from .lxss/elf/manifest.json (see lxgen elf) may
stand for its program. -v traces each call on stderr, -c counts them, -e answers the
listed syscall numbers with -ENOSYS (e.g. -e 243 exercises musl's modify_ldt fallback).
--vm runs it in Debian's i386 kernel under qemu-system-i386 instead (for hosts whose
kernel cannot run i386 programs; output is shown when the program has ended, stdin is
/dev/null, the timeout is LXSS_RUN_TIMEOUT seconds, default 300).
Exits with the program's exit status (128+signal if a signal killed it).`;

export async function run(args: string[]): Promise<number> {
  const opts: string[] = [];
  let vm = false;
  while (['-v', '-c', '-e', '--vm'].includes(args[0] ?? '')) {
    const o = args.shift() as string;
    if (o === '--vm') {
      vm = true;
      continue;
    }
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
  if (vm) {
    const timeoutMs = Number(process.env.LXSS_RUN_TIMEOUT ?? 300) * 1000;
    const r = await runI386({ argv: [path.resolve(elf), ...rest], harness: opts, timeoutMs }, { kind: 'vm', log: (l) => console.error(l) });
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    if (r.timedOut) console.error(`lxgen run: killed after ${timeoutMs / 1000} s (LXSS_RUN_TIMEOUT)`);
    return r.status;
  }
  if (!oracle().hostRunsI386) {
    console.error(`lxgen run: ${oracle().probe}; run it in the Linux i386 VM instead: lxgen run --vm ${[...opts, target, ...rest].join(' ')}`);
    return 1;
  }
  const bin = buildHarness();
  const r = spawnSync(bin, [...opts, '--', elf, ...rest], { stdio: 'inherit' });
  if (r.error) throw new Error(`cannot run ${bin}: ${r.error.message}`);
  return r.status ?? 1;
}
