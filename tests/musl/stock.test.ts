// The stock build of the ELF suite (unmodified Linux binaries, issue "unmodified binaries,
// measured"): `lxgen musl --stock` builds the same pinned musl 1.2.3 tarball WITHOUT the
// patch series into .lxss/sysroot-stock, `lxgen elf --stock` the same tests/elf programs into
// .lxss/elf-stock/, plus the C programs linked with the host's static i386 glibc as
// <name>-glibc and tests/elf/glibc/*.c. Here:
//   - the scanner shows the stock libc.a is really unmodified (native int $0x80 and
//     call *%gs:0x10 sites, no int $0x2e), and every stock program traps natively;
//   - every stock program runs NATIVELY on the host kernel (no harness) and passes its TAP
//     with its expected exit status: the tests themselves are right on real Linux.
// The same binaries run in the ReactOS guest through lxcore's int $0x80 path
// (tests/vm/lxgen-test-stock.test.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMusl, SYSROOT_STOCK } from '../../generator/src/musl/build.ts';
import { buildElfSuite, readManifest, suitePrograms, MANIFEST_STOCK, type ManifestEntry } from '../../generator/src/elf/suite.ts';
import { scanBinary } from '../../generator/src/elf/scan.ts';
import { describeRun, judge, oracleEntries, suiteBatch } from '../../generator/src/elf/check.ts';
import type { I386Batch } from '../../generator/src/oracle/index.ts';

// tests/elf/*.c and asm/*.S on stock musl, the C ones again on static glibc (<name>-glibc),
// and the glibc-only programs of tests/elf/glibc/.
const metas = suitePrograms('stock').map((p) => p.meta);

let manifest: ManifestEntry[] = [];
let runs: I386Batch;
beforeAll(async () => {
  const log = (l: string) => console.log(l);
  const t0 = Date.now();
  await buildMusl({ log, variant: 'stock' });
  await buildElfSuite({ log, variant: 'stock' });
  console.log(`stock musl + stock ELF suite ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  manifest = readManifest('stock');
  runs = suiteBatch(manifest, 'stock', { log });
});

describe('stock musl (unpatched)', () => {
  it('libc.a is unmodified: native int $0x80 and call *%gs:0x10 sites, no int $0x2e', () => {
    const s = scanBinary(path.join(SYSROOT_STOCK, 'lib', 'libc.a'));
    const int80 = s.native.filter((n) => /\bint\s+\$0x80\b/.test(n.line)).length;
    const vsys = s.native.filter((n) => /\bcall\s+\*%gs:0x10\b/.test(n.line)).length;
    console.log(`stock libc.a: ${int80} int $0x80 sites, ${vsys} call *%gs:0x10 sites, ${s.trapSites} int $0x2e`);
    expect(s.trapSites).toBe(0);
    expect(int80).toBeGreaterThan(5); // upstream's assembly files: clone, vfork, restorers, syscall_cp, ...
    expect(vsys).toBeGreaterThan(100); // the inlined __syscallN
  });

  it('the stock manifest lists every test source, each a native-trapping program', () => {
    expect(MANIFEST_STOCK).toMatch(/elf-stock\/manifest\.json$/);
    expect(manifest.map((e) => e.name).sort()).toEqual(metas.map((m) => m.name).sort());
    expect(manifest.some((e) => e.source.startsWith('tests/elf/glibc/'))).toBe(true);
    const glibcTwins = manifest.filter((e) => e.name.endsWith('-glibc')).length;
    const dynTwins = manifest.filter((e) => e.name.endsWith('-dyn')).length;
    const cSources = suitePrograms('patched').filter((p) => p.kind === 'c').length;
    expect(glibcTwins).toBe(cSources);
    expect(dynTwins).toBe(cSources);
    for (const e of manifest) {
      expect(e.path).toContain(`${path.sep}elf-stock${path.sep}`);
      const s = scanBinary(e.path);
      expect(s.trapSites, `${e.name} has int $0x2e`).toBe(0);
      if (e.libc === 'musl-dynamic') {
        // linked against Debian's shared musl: it traps inside libc.so
        expect(readFileSync(e.path).includes('/lib/ld-musl-i386.so.1\0'), `${e.name} names /lib/ld-musl-i386.so.1`).toBe(true);
        continue;
      }
      if (e.name.endsWith('-dyn')) {
        // a dynamic program traps inside libc.so.6: it names its interpreter instead
        expect(readFileSync(e.path).includes('/lib/ld-linux.so.2\0'), `${e.name} names /lib/ld-linux.so.2`).toBe(true);
        continue;
      }
      expect(s.native.length, `${e.name} has no native system call instruction`).toBeGreaterThan(0);
    }
  });
});

describe('stock ELF suite on Linux (the i386 oracle: this host kernel, or the VM)', () => {
  for (const m of oracleEntries(metas)) {
    it(`${m.name} (${m.group}) passes on Linux, exit status ${m.exit}${m.after ? `, after ${m.after}` : ''}`, { timeout: (m.timeout + 30) * 1000 }, async () => {
      const e = manifest.find((x) => x.name === m.name);
      expect(e).toBeDefined();
      const r = await runs.result(m.name);
      expect(judge(e!, r), describeRun(e!, r)).toEqual([]);
    });
  }
});
