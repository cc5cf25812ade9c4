// The musl patch kit proven on Linux (issue 3): builds the patched musl from the pinned
// tarball, the ELF test suite and the trap harness (all incremental, under .lxss/), checks
// that no native system call instruction is left, and runs every ELF test through the
// harness, requiring its whole TAP stream to pass and its exit status to match.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_DIR, ROOT } from '../../generator/src/paths.ts';
import { buildMusl, SYSROOT, TRAP_HEADER } from '../../generator/src/musl/build.ts';
import { buildElfSuite, parseMeta, readManifest, testSources, type ManifestEntry } from '../../generator/src/elf/suite.ts';
import { buildHarness, runUnderHarness } from '../../generator/src/elf/harness.ts';
import { scanBinary } from '../../generator/src/elf/scan.ts';
import { checkTap } from '../../generator/src/elf/tap-check.ts';

const metas = testSources().map((src) => parseMeta(src, readFileSync(src, 'utf8')));

// ptrace of i386 children and a 32-bit vDSO are host facilities the harness needs; when
// they are missing (some containers), the harness tests are skipped with one line.
function harnessUnavailable(): string | null {
  const r = spawnSync('sh', ['-c', 'cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null; cat /proc/sys/abi/vsyscall32 2>/dev/null'], {
    encoding: 'utf8',
  });
  const [scope, vdso32] = r.stdout.trim().split('\n');
  if (scope === '3' || (scope === '2' && process.getuid?.() !== 0)) return `ptrace of children is not allowed (kernel.yama.ptrace_scope=${scope})`;
  if (vdso32 === '0') return 'the 32-bit vDSO is disabled (abi.vsyscall32=0); the harness takes its int $0x80 from it';
  return null;
}
const skipReason = harnessUnavailable();
if (skipReason) console.log(`SKIP musl harness tests: ${skipReason}`);

let manifest: ManifestEntry[] = [];
beforeAll(async () => {
  const log = (l: string) => console.log(l);
  await buildMusl({ log });
  await buildElfSuite({ log });
  buildHarness();
  manifest = readManifest();
});

describe('patched musl', () => {
  it('libc.a traps only through int $0x2e', () => {
    const s = scanBinary(path.join(SYSROOT, 'lib', 'libc.a'));
    console.log(`libc.a: ${s.trapSites} int $0x2e trap sites`);
    expect(s.native, s.native.map((n) => `${n.object}: ${n.line}`).join('\n')).toEqual([]);
    expect(s.trapSites).toBeGreaterThan(100);
  });

  it('every ELF test traps only through int $0x2e', () => {
    for (const e of manifest) {
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

  it('a patched program cannot run natively (its first system call faults)', () => {
    const hello = manifest.find((e) => e.name === 'hello_asm');
    expect(hello).toBeDefined();
    const r = spawnSync(hello!.path, [], { encoding: 'utf8' });
    expect(r.signal).toBe('SIGSEGV');
  });
});

describe.skipIf(skipReason !== null)('ELF tests through the trap harness', () => {
  for (const m of metas) {
    it(`${m.name} (${m.group}) passes, exit status ${m.exit}`, { timeout: (m.timeout + 30) * 1000 }, async () => {
      const entry = manifest.find((e) => e.name === m.name);
      expect(entry).toBeDefined();
      const scratch = mkdtempSync(path.join(os.tmpdir(), `lxss-${m.name}-`));
      try {
        const r = await runUnderHarness(entry!.path, [], {
          cwd: scratch,
          env: { ...process.env, TMPDIR: scratch },
          timeoutMs: m.timeout * 1000,
        });
        const tap = checkTap(r.stdout);
        const why = `${m.name}: status ${r.status}${r.timedOut ? ' (timed out)' : ''}\n${[...tap.problems, ...tap.failed].join('\n')}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
        expect(r.timedOut, why).toBe(false);
        expect(tap.ok, why).toBe(true);
        expect(r.status, why).toBe(m.exit);
        expect(r.stderr, why).not.toMatch(/VIOLATION/);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });
  }
});

describe.skipIf(skipReason !== null)('trap harness', () => {
  it('fails a run that makes a native int $0x80 system call', async () => {
    const dir = path.join(BUILD_DIR, 'harness');
    mkdirSync(dir, { recursive: true });
    const src = path.join(dir, 'native_int80.S');
    const bin = path.join(dir, 'native_int80');
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
    const cc = spawnSync('gcc', ['-m32', '-static', '-no-pie', '-nostdlib', '-I', path.dirname(TRAP_HEADER), '-o', bin, src], {
      encoding: 'utf8',
    });
    expect(cc.status, cc.stderr).toBe(0);
    const r = await runUnderHarness(bin, [], { timeoutMs: 20_000 });
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/VIOLATION.*native system call 20/);
  });

  it("musl's modify_ldt fallback works when set_thread_area is ENOSYS", async () => {
    // errno lives in the thread structure reached through %gs, so these tests only pass
    // if the fallback's LDT descriptor gives a working thread pointer.
    for (const name of ['errno', 'file']) {
      const e = manifest.find((m) => m.name === name)!;
      const scratch = mkdtempSync(path.join(os.tmpdir(), `lxss-ldt-${name}-`));
      try {
        const r = await runUnderHarness(e.path, [], {
          cwd: scratch,
          env: { ...process.env, TMPDIR: scratch },
          timeoutMs: e.timeout * 1000,
          harnessArgs: ['-v', '-e', '243'],
        });
        expect(r.stderr).toMatch(/syscall 243 = -38 \(forced by -e\)/);
        expect(r.stderr).toMatch(/syscall 123 \(0x1, 0x[0-9a-f]+, 0x10,.*\n.*syscall 123 = 0/);
        const tap = checkTap(r.stdout);
        expect(tap.ok, [...tap.problems, ...tap.failed].join('\n') + r.stdout).toBe(true);
        expect(r.status).toBe(0);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    }
  });

  it('`lxgen run` returns the program exit status and counts its system calls', () => {
    // By manifest name.
    const r = spawnSync(process.execPath, [path.join(ROOT, 'generator', 'bin', 'lxgen.js'), 'run', '-c', 'hello_asm'], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(7);
    expect(r.stdout).toMatch(/^hello$/m);
    expect(r.stdout).toMatch(/ok 3 - break \(17\) = -38 0xffffffda/);
    // 11 writes (header, hello, ok 1, ok 2 + pid + newline, ok 3 + dec + space + hex +
    // newline), getpid, break, exit_group.
    expect(r.stderr).toMatch(/lxss-harness: 14 trapped system calls/);
  });
});
