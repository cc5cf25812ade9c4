// `lxgen musl`: builds the lxss-patched static i386 musl into .lxss/sysroot.
import { buildMusl } from '../musl/build.ts';
import { scanBinary } from '../elf/scan.ts';
import path from 'node:path';

export const summary = 'build the patched i386 musl sysroot (.lxss/sysroot) from the pinned tarball';
export const usage = `usage: lxgen musl [--force] [--scan]

Unpacks .lxss/downloads/musl_1.2.3.orig.tar.gz (sha256-pinned), applies musl-patches/series,
copies musl-patches/generated/lxss_trap.h into arch/i386/ and builds a static musl with
gcc -m32 into .lxss/sysroot. Skipped when nothing changed (use --force to rebuild).
--scan disassembles the installed libc.a and reports int $0x2e trap sites and any native
system call instruction (int $0x80, sysenter, syscall, call *%gs:0x10).`;

export async function run(args: string[]): Promise<number> {
  const force = args.includes('--force');
  const scan = args.includes('--scan');
  const bad = args.filter((a) => a !== '--force' && a !== '--scan');
  if (bad.length) {
    console.error(usage);
    return 2;
  }
  const r = await buildMusl({ force });
  console.log(`${r.rebuilt ? 'built' : 'up to date'}: ${r.sysroot}`);
  if (scan) {
    const s = scanBinary(path.join(r.sysroot, 'lib', 'libc.a'));
    console.log(`libc.a: ${s.trapSites} int $0x2e trap sites, ${s.native.length} native system call instructions`);
    for (const n of s.native) console.log(`  ${n.object}: ${n.line}`);
    return s.native.length ? 1 : 0;
  }
  return 0;
}
