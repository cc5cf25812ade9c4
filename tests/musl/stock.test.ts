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
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMusl, SYSROOT_STOCK } from '../../generator/src/musl/build.ts';
import { buildElfSuite, readManifest, suitePrograms, MANIFEST_STOCK, type ManifestEntry } from '../../generator/src/elf/suite.ts';
import { scanBinary } from '../../generator/src/elf/scan.ts';
import { checkTap } from '../../generator/src/elf/tap-check.ts';

// tests/elf/*.c and asm/*.S on stock musl, the C ones again on static glibc (<name>-glibc),
// and the glibc-only programs of tests/elf/glibc/.
const metas = suitePrograms('stock').map((p) => p.meta);

let manifest: ManifestEntry[] = [];
beforeAll(async () => {
  const log = (l: string) => console.log(l);
  const t0 = Date.now();
  await buildMusl({ log, variant: 'stock' });
  await buildElfSuite({ log, variant: 'stock' });
  console.log(`stock musl + stock ELF suite ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  manifest = readManifest('stock');
});

interface NativeRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runNative(file: string, cwd: string, timeoutMs: number): Promise<NativeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [], { cwd, env: { ...process.env, TMPDIR: cwd }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, timedOut });
    });
  });
}

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
    const cSources = suitePrograms('patched').filter((p) => p.kind === 'c').length;
    expect(glibcTwins).toBe(cSources);
    for (const e of manifest) {
      expect(e.path).toContain(`${path.sep}elf-stock${path.sep}`);
      const s = scanBinary(e.path);
      expect(s.trapSites, `${e.name} has int $0x2e`).toBe(0);
      expect(s.native.length, `${e.name} has no native system call instruction`).toBeGreaterThan(0);
    }
  });
});

describe('stock ELF suite natively on the host kernel', () => {
  for (const m of metas) {
    it(`${m.name} (${m.group}) passes natively, exit status ${m.exit}`, { timeout: (m.timeout + 30) * 1000 }, async () => {
      const entry = manifest.find((e) => e.name === m.name);
      expect(entry).toBeDefined();
      const scratch = mkdtempSync(path.join(os.tmpdir(), `lxss-stock-${m.name}-`));
      try {
        const r = await runNative(entry!.path, scratch, m.timeout * 1000);
        const tap = checkTap(r.stdout);
        const why = `${m.name}: status ${r.status} signal ${r.signal}${r.timedOut ? ' (timed out)' : ''}\n${[...tap.problems, ...tap.failed].join('\n')}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
        expect(r.timedOut, why).toBe(false);
        expect(tap.ok, why).toBe(true);
        expect(r.status, why).toBe(m.exit);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });
  }
});
