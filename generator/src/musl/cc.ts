// `lxgen cc`: a gcc-compatible driver that builds static i386 ELF programs against the
// lxss-patched musl in .lxss/sysroot, the way musl-gcc does, but without a specs file:
//   gcc -m32 -static -no-pie -nostdinc -nostdlib -isystem SYSROOT/include -isystem GCCINC
//       SYSROOT/lib/crt1.o crti.o <user args> -L SYSROOT/lib -lc libgcc.a crtn.o
// so `lxgen cc -O2 -o prog prog.c -lpthread` just works (-lpthread, -lm, -lrt ... are
// musl's empty stub archives). Compile-only invocations (-c, -S, -E, -M without -MD) get
// no startup files or libraries. `lxgen cc --stock` does the same against the unpatched
// musl in .lxss/sysroot-stock (ordinary Linux binaries trapping with int $0x80).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { HOST_CC, SYSROOT } from './build.ts';

function gccQuery(args: string[]): string {
  const r = spawnSync(HOST_CC, ['-m32', ...args], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`${HOST_CC} -m32 ${args.join(' ')} failed; is gcc-multilib installed?`);
  return r.stdout.trim();
}

export function isCompileOnly(args: string[]): boolean {
  return args.some((a) => a === '-c' || a === '-S' || a === '-E' || a === '-M' || a === '-MM');
}

/** The full gcc argument list for a user's `lxgen cc` arguments. */
export function ccArgs(userArgs: string[], sysroot = SYSROOT): string[] {
  const lib = path.join(sysroot, 'lib');
  const base = [
    '-m32',
    '-static',
    '-no-pie',
    '-fno-pie',
    '-nostdinc',
    '-isystem',
    path.join(sysroot, 'include'),
    '-isystem',
    gccQuery(['-print-file-name=include']),
  ];
  if (isCompileOnly(userArgs)) return [...base, ...userArgs];
  return [
    ...base,
    '-nostdlib',
    path.join(lib, 'crt1.o'),
    path.join(lib, 'crti.o'),
    ...userArgs,
    '-L',
    lib,
    '-Wl,--start-group',
    '-lc',
    gccQuery(['-print-libgcc-file-name']),
    '-Wl,--end-group',
    path.join(lib, 'crtn.o'),
  ];
}

/** Runs the compiler; resolves to its exit status. stdio is inherited unless captured. */
export function cc(userArgs: string[], opts: { capture?: boolean; cwd?: string; sysroot?: string } = {}): {
  status: number;
  output: string;
} {
  const r = spawnSync(HOST_CC, ccArgs(userArgs, opts.sysroot), {
    stdio: opts.capture ? 'pipe' : 'inherit',
    encoding: 'utf8',
    cwd: opts.cwd,
  });
  if (r.error) throw new Error(`cannot run ${HOST_CC}: ${r.error.message}`);
  return { status: r.status ?? 1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
