// `lxgen run`: runs a patched static i386 ELF on Linux through the ptrace trap harness.
import { spawnSync } from 'node:child_process';
import { buildHarness } from '../elf/harness.ts';

export const summary = 'run a patched i386 ELF on Linux through the int $0x2e trap harness';
export const usage = `usage: lxgen run [-v] [-c] ELF [args...]

Runs ELF under tests/harness/lxss-harness (built into .lxss/harness if needed): every
int $0x2e system call is performed in the program's own context; a native system call
fails the run (exit status 125). -v traces each call on stderr, -c counts them.
Exits with the program's exit status (128+signal if a signal killed it).`;

export async function run(args: string[]): Promise<number> {
  const opts: string[] = [];
  while (args[0] === '-v' || args[0] === '-c') opts.push(args.shift() as string);
  if (args[0] === '--') args.shift();
  if (args.length === 0) {
    console.error(usage);
    return 2;
  }
  const bin = buildHarness();
  const r = spawnSync(bin, [...opts, '--', ...args], { stdio: 'inherit' });
  if (r.error) throw new Error(`cannot run ${bin}: ${r.error.message}`);
  return r.status ?? 1;
}
