// The musl patch kit proven on Linux (issue 3): builds the patched musl from the pinned
// tarball, the ELF test suite and the trap harness (all incremental, under .lxss/), checks
// that no native system call instruction is left, and runs every ELF test through the
// harness on the i386 oracle, requiring its whole TAP stream to pass and its exit status
// to match.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_DIR, ROOT } from '../../generator/src/paths.ts';
import { buildMusl, SYSROOT, TRAP_HEADER } from '../../generator/src/musl/build.ts';
import { buildElfSuite, parseMeta, readManifest, testSources, type ManifestEntry } from '../../generator/src/elf/suite.ts';
import { buildHarness } from '../../generator/src/elf/harness.ts';
import { describeRun, judge, oracleEntries, suiteJob } from '../../generator/src/elf/check.ts';
import { harnessUnavailable, i386Batch, oracle, type I386Batch, type I386Job } from '../../generator/src/oracle/index.ts';
import { scanBinary } from '../../generator/src/elf/scan.ts';
import { checkTap } from '../../generator/src/elf/tap-check.ts';

const metas = testSources().map((src) => parseMeta(src, readFileSync(src, 'utf8')));

// Every i386 program runs on the oracle (generator/src/oracle): natively when this host
// runs i386 programs, else in Debian's i386 kernel under QEMU, one boot for the whole file.
// Natively, the harness tests are skipped with one line where the host lacks what it needs.
const skipReason = harnessUnavailable();
if (skipReason) console.log(`SKIP musl harness tests: ${skipReason}`);

const NATIVE_INT80_DIR = path.join(BUILD_DIR, 'harness');
const NATIVE_INT80 = path.join(NATIVE_INT80_DIR, 'native_int80');

/** A program that makes one trapped and one native system call: the harness must fail it. */
function buildNativeInt80(): void {
  mkdirSync(NATIVE_INT80_DIR, { recursive: true });
  const src = path.join(NATIVE_INT80_DIR, 'native_int80.S');
  writeFileSync(
    src,
    `#include "lxss_trap.h"
	.text
	.globl _start
_start:	pushl $0
	movl %esp,%edx
	movl $(LXSS_SYSCALL_BASE + 20),%eax
	int $LXSS_TRAP_VECTOR    /* getpid through the trap: fine */
	movl $20,%eax
	int $0x80                /* native getpid: a violation */
	movl $1,%eax
	xorl %ebx,%ebx
	int $0x80
	.section .note.GNU-stack,"",@progbits
`,
  );
  const cc = spawnSync('gcc', ['-m32', '-static', '-no-pie', '-nostdlib', '-I', path.dirname(TRAP_HEADER), '-o', NATIVE_INT80, src], {
    encoding: 'utf8',
  });
  if (cc.status !== 0) throw new Error(`building native_int80: ${cc.stderr}`);
}

let manifest: ManifestEntry[] = [];
let runs: I386Batch;
const byName = (name: string): ManifestEntry => {
  const e = manifest.find((m) => m.name === name);
  if (!e) throw new Error(`${name} is not in the manifest`);
  return e;
};
beforeAll(async () => {
  const log = (l: string) => console.log(l);
  await buildMusl({ log });
  await buildElfSuite({ log });
  manifest = readManifest();
  if (oracle().kind === 'native' && !skipReason) buildHarness();
  buildNativeInt80();
  const jobs: I386Job[] = oracleEntries(manifest).map((e) => suiteJob(e, 'patched'));
  // A patched program without the harness: its first int $0x2e faults.
  jobs.push({ id: 'unharnessed:hello_asm', argv: [byName('hello_asm').path], timeoutMs: 20_000 });
  if (!skipReason) {
    jobs.push({ id: 'native_int80', argv: [NATIVE_INT80], harness: [], timeoutMs: 20_000 });
    // errno lives in the thread structure reached through %gs, so these only pass if the
    // modify_ldt fallback's LDT descriptor gives a working thread pointer.
    for (const name of ['errno', 'file'])
      jobs.push({ id: `ldt:${name}`, argv: [byName(name).path], harness: ['-v', '-e', '243'], timeoutMs: byName(name).timeout * 1000 });
  }
  runs = i386Batch(jobs, { log });
});

describe('patched musl', () => {
  it('libc.a traps only through int $0x2e', () => {
    const s = scanBinary(path.join(SYSROOT, 'lib', 'libc.a'));
    console.log(`libc.a: ${s.trapSites} int $0x2e trap sites`);
    expect(s.native, s.native.map((n) => `${n.object}: ${n.line}`).join('\n')).toEqual([]);
    expect(s.trapSites).toBeGreaterThan(100);
  });

  it('every ELF test traps only through int $0x2e (those linked against Debian\'s shared musl name its loader)', () => {
    for (const e of manifest.filter((m) => m.libc === 'musl-dynamic'))
      expect(readFileSync(e.path).includes('/lib/ld-musl-i386.so.1\0'), `${e.name} names /lib/ld-musl-i386.so.1`).toBe(true);
    for (const e of manifest.filter((m) => m.libc !== 'musl-dynamic')) {
      const s = scanBinary(e.path);
      expect(s.native, `${e.name}: ${s.native.map((n) => n.line).join('; ')}`).toEqual([]);
      expect(s.trapSites, `${e.name} has no int $0x2e at all`).toBeGreaterThan(0);
    }
  });

  it('the manifest lists every test source with its metadata', () => {
    expect(manifest.map((e) => e.name).sort()).toEqual(metas.map((m) => m.name).sort());
    for (const e of manifest) {
      expect(path.isAbsolute(e.path)).toBe(true);
      expect(e.timeout).toBeGreaterThan(0);
    }
  });

  // on the VM it waits for the whole batch, which runs the suite first
  it('a patched program cannot run on Linux without the harness (its first system call faults)', { timeout: 600_000 }, async () => {
    const r = await runs.result('unharnessed:hello_asm');
    expect(r.signal, r.stdout + r.stderr).toBe('SIGSEGV');
  });
});

describe.skipIf(skipReason !== null)('ELF tests through the trap harness', () => {
  for (const m of oracleEntries(metas)) {
    it(`${m.name} (${m.group}) passes, exit status ${m.exit}${m.after ? `, after ${m.after}` : ''}`, { timeout: (m.timeout + 30) * 1000 }, async () => {
      const e = byName(m.name);
      const r = await runs.result(e.name);
      expect(judge(e, r), describeRun(e, r)).toEqual([]);
    });
  }
});

describe.skipIf(skipReason !== null)('trap harness', () => {
  it('fails a run that makes a native int $0x80 system call', async () => {
    const r = await runs.result('native_int80');
    expect(r.status, r.stderr).toBe(125);
    expect(r.stderr).toMatch(/VIOLATION.*native system call 20/);
  });

  it("musl's modify_ldt fallback works when set_thread_area is ENOSYS", async () => {
    for (const name of ['errno', 'file']) {
      const r = await runs.result(`ldt:${name}`);
      expect(r.stderr).toMatch(/syscall 243 = -38 \(forced by -e\)/);
      expect(r.stderr).toMatch(/syscall 123 \(0x1, 0x[0-9a-f]+, 0x10,.*\n.*syscall 123 = 0/);
      const tap = checkTap(r.stdout);
      expect(tap.ok, [...tap.problems, ...tap.failed].join('\n') + r.stdout).toBe(true);
      expect(r.status).toBe(0);
    }
  });

  it('`lxgen run` returns the program exit status and counts its system calls', { timeout: 300_000 }, async () => {
    // By manifest name; with --vm where the oracle is the VM (a boot of its own).
    const vm = oracle().kind === 'vm' ? ['--vm'] : [];
    const r = await execa(process.execPath, [path.join(ROOT, 'generator', 'bin', 'lxgen.js'), 'run', ...vm, '-c', 'hello_asm'], {
      reject: false,
    });
    expect(r.exitCode, r.stderr).toBe(7);
    expect(r.stdout).toMatch(/^hello$/m);
    expect(r.stdout).toMatch(/ok 3 - break \(17\) = -38 0xffffffda/);
    // 11 writes (header, hello, ok 1, ok 2 + pid + newline, ok 3 + dec + space + hex +
    // newline), getpid, break, exit_group.
    expect(r.stderr).toMatch(/lxss-harness: 14 trapped system calls/);
  });
});
