// `lxgen musl`: builds the lxss-patched static i386 musl into .lxss/sysroot (--stock: the
// unpatched one into .lxss/sysroot-stock).
import { buildMusl } from '../musl/build.ts';
import { scanBinary } from '../elf/scan.ts';
import path from 'node:path';

export const summary = 'build the patched i386 musl sysroot (.lxss/sysroot) from the pinned tarball (--stock: unpatched)';
export const usage = `usage: lxgen musl [--stock] [--force] [--scan]

Unpacks .lxss/downloads/musl_1.2.3.orig.tar.gz (sha256-pinned), applies musl-patches/series,
copies musl-patches/generated/lxss_trap.h into arch/i386/ and builds a static musl with
gcc -m32 into .lxss/sysroot. Skipped when nothing changed (use --force to rebuild).
--scan disassembles the installed libc.a and reports int $0x2e trap sites and any native
system call instruction (int $0x80, sysenter, syscall, call *%gs:0x10).
--stock builds the same tarball WITHOUT the patch series into .lxss/sysroot-stock (work
tree .lxss/musl-stock): stock musl, whose programs trap with int $128 / call *%gs:16 like
any Linux i386 binary. With --scan it reports those native sites (exit 0 when present).`;

export async function run(args: string[]): Promise<number> {
  const force = args.includes('--force');
  const scan = args.includes('--scan');
  const stock = args.includes('--stock');
  const bad = args.filter((a) => a !== '--force' && a !== '--scan' && a !== '--stock');
  if (bad.length) {
    console.error(usage);
    return 2;
  }
  const r = await buildMusl({ force, variant: stock ? 'stock' : 'patched' });
  console.log(`${r.rebuilt ? 'built' : 'up to date'}: ${r.sysroot}`);
  if (scan) {
    const s = scanBinary(path.join(r.sysroot, 'lib', 'libc.a'));
    console.log(`libc.a: ${s.trapSites} int $0x2e trap sites, ${s.native.length} native system call instructions`);
    if (stock) return s.native.length > 0 && s.trapSites === 0 ? 0 : 1;
    for (const n of s.native) console.log(`  ${n.object}: ${n.line}`);
    return s.native.length ? 1 : 0;
  }
  return 0;
}
