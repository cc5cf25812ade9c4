// `lxgen cc`: gcc-compatible compiler driver for static i386 programs on the patched musl.
import { buildMusl, type MuslVariant } from '../musl/build.ts';
import { cc, ccArgs } from '../musl/cc.ts';

export const summary = 'compile/link static i386 ELF programs against the patched musl (gcc-compatible; --stock: stock musl)';
export const usage = `usage: lxgen cc [--stock] [gcc options] files...

Runs gcc -m32 -static -no-pie -nostdinc -nostdlib with the patched musl's headers, crt1.o,
crti.o, crtn.o, libc.a and libgcc (building the sysroot first if needed), e.g.
    npx lxgen cc -O2 -o prog prog.c -lpthread
--stock (first argument) uses the unpatched musl of \`lxgen musl --stock\` instead
(.lxss/sysroot-stock): an ordinary Linux i386 binary that traps with int $0x80.
LXGEN_CC_SHOW=1 prints the full gcc command line.`;

export async function run(args: string[]): Promise<number> {
  if (args.length === 0) {
    console.error(usage);
    return 2;
  }
  const variant: MuslVariant = args[0] === '--stock' ? 'stock' : 'patched';
  if (variant === 'stock') args = args.slice(1);
  if (args.length === 0) {
    console.error(usage);
    return 2;
  }
  const { sysroot } = await buildMusl({ variant });
  if (process.env.LXGEN_CC_SHOW) console.error(`gcc ${ccArgs(args, sysroot).join(' ')}`);
  return cc(args, { sysroot }).status;
}
