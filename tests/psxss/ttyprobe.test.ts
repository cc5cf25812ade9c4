// The terminal probe (tests/psxss/guest/ttyprobe.c) on the host: built with the patched musl
// and run through the trap harness, once with stdout a pipe (what every ELF test runner gives
// a program: not a terminal, -ENOTTY) and once on a pseudo-terminal made by script(1), which
// is what lxrun's LXSS_CREATE_STDIO_TTY imitates in a ReactOS console. In the guest the same
// binary runs under lxrun (tests/psxss/guest/README.md).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_DIR, ROOT } from '../../generator/src/paths.ts';
import { buildMusl } from '../../generator/src/musl/build.ts';
import { cc } from '../../generator/src/musl/cc.ts';
import { buildHarness, runUnderHarness } from '../../generator/src/elf/harness.ts';

const SRC = path.join(ROOT, 'tests', 'psxss', 'guest', 'ttyprobe.c');
const OUT = path.join(BUILD_DIR, 'psxss-tests', 'ttyprobe');

// Same host facilities as tests/musl (ptrace of i386 children, the 32-bit vDSO).
function harnessUnavailable(): string | null {
  const r = spawnSync('sh', ['-c', 'cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null; cat /proc/sys/abi/vsyscall32 2>/dev/null'], {
    encoding: 'utf8',
  });
  const [scope, vdso32] = r.stdout.trim().split('\n');
  if (scope === '3' || (scope === '2' && process.getuid?.() !== 0)) return `ptrace of children is not allowed (kernel.yama.ptrace_scope=${scope})`;
  if (vdso32 === '0') return 'the 32-bit vDSO is disabled (abi.vsyscall32=0)';
  return null;
}
const skipReason = harnessUnavailable();
if (skipReason) console.log(`SKIP ttyprobe tests: ${skipReason}`);
const noScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status !== 0;
if (!skipReason && noScript) console.log('SKIP ttyprobe pseudo-terminal test: no script(1) (util-linux)');

function tapOk(out: string): string[] {
  return out.split(/\r?\n/).filter((l) => /^ok \d+ - /.test(l));
}
function tapNotOk(out: string): string[] {
  return out.split(/\r?\n/).filter((l) => /^not ok \d+ - /.test(l));
}

describe.skipIf(!!skipReason)('ttyprobe', () => {
  let harness = '';
  beforeAll(async () => {
    await buildMusl({ log: (l) => console.log(l) });
    harness = buildHarness();
    mkdirSync(path.dirname(OUT), { recursive: true });
    const r = cc(['-O1', '-Wall', '-Werror', '-o', OUT, SRC], { capture: true });
    expect(r.status, r.output).toBe(0);
  });

  it('stdout a pipe: not a terminal, TCGETS and TIOCGWINSZ fail with ENOTTY', async () => {
    const r = await runUnderHarness(OUT, ['notty'], { timeoutMs: 60_000 });
    expect(tapNotOk(r.stdout), r.stdout + r.stderr).toEqual([]);
    expect(tapOk(r.stdout)).toHaveLength(3);
    expect(r.status, r.stdout + r.stderr).toBe(0);

    // The terminal checks fail here, by exit status: stdin is /dev/null, so check 1 (isatty(0))
    const t = await runUnderHarness(OUT, ['tty'], { timeoutMs: 60_000 });
    expect(t.status, t.stdout).toBe(11);
    expect(t.stdout).toMatch(/^not ok 1 - isatty\(0\)/m);
    // Without a terminal there is no size to report
    expect((await runUnderHarness(OUT, ['rows'], { timeoutMs: 60_000 })).status).toBe(255);
  });

  it.skipIf(noScript)('on a pseudo-terminal: isatty, cooked termios, the window size; "> file" is none', () => {
    const h = `${harness} --`;
    const script = [
      'stty rows 33 cols 111',
      `${h} ${OUT} tty; echo "rc_tty=$?"`,
      `${h} ${OUT} rows; echo "rc_rows=$?"`,
      `${h} ${OUT} cols; echo "rc_cols=$?"`,
      `${h} ${OUT} notty > /dev/null; echo "rc_notty_redirected=$?"`,
      `${h} ${OUT} tty > /dev/null; echo "rc_tty_redirected=$?"`,
    ].join('; ');
    const r = spawnSync('script', ['-qec', script, '/dev/null'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    const rc = (name: string): number => Number(out.match(new RegExp(`${name}=(\\d+)`))?.[1] ?? NaN);
    expect(tapNotOk(out), out).toEqual([]);
    expect(tapOk(out).length, out).toBe(11);
    expect(out).toMatch(/# after TCSETS without ECHO, TCGETS says ECHO off \(applied\)/);
    expect(out).toMatch(/# window 33 rows x 111 columns/);
    expect(rc('rc_tty'), out).toBe(0);
    expect(rc('rc_rows'), out).toBe(33);
    expect(rc('rc_cols'), out).toBe(111);
    expect(rc('rc_notty_redirected'), out).toBe(0);
    // isatty(0) holds (the pty), isatty(1) is check 2 and fails on /dev/null
    expect(rc('rc_tty_redirected'), out).toBe(12);
  });
});
