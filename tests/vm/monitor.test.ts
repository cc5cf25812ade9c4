// The serial monitor's stop decisions and the final report, replaying recorded logs with a
// simulated clock (no real waiting).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SerialMonitor, type PlannedTest } from '../../generator/src/tap/monitor.ts';
import { buildReport, formatReport } from '../../generator/src/tap/report.ts';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const plan = (...names: string[]): PlannedTest[] => names.map((name, i) => ({ id: i + 1, name, timeout: 10 }));

/** Feeds a log one line per `stepMs`, checking after each line; returns the monitor and stop time. */
function replay(log: string, planned: PlannedTest[], stepMs = 100, opts = {}) {
  const m = new SerialMonitor(0, planned, opts);
  let now = 0;
  const parts = log.split(/(?<=\n)/);
  for (const part of parts) {
    now += stepMs;
    m.feed(part, now);
    const stop = m.check(now);
    if (stop) return { m, now, stop };
  }
  return { m, now, stop: null };
}

function report(m: SerialMonitor, planned: PlannedTest[], stop: ReturnType<SerialMonitor['check']>, exited = false) {
  return buildReport({ planned, tap: m.tap.summary(), stop, vmExitedByItself: exited, lastLines: m.lastLines() });
}

describe('serial monitor and report', () => {
  it('passes a clean run once the done line is seen and the VM powers off', () => {
    const planned = plan('basic/hello', 'asm/hello_asm', 'file/open_close');
    const { m, stop } = replay(fixture('pass-all.serial.txt'), planned);
    expect(stop).toBeNull(); // waits for the VM to power off by itself
    expect(m.sawDone()).toBe(true);
    const r = report(m, planned, m.vmExited(5000), true);
    expect(r.counts.pass).toBe(3);
    expect(r.problems).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  it('stops waiting doneGraceMs after the done line if the VM does not power off', () => {
    const planned = plan('basic/hello', 'asm/hello_asm', 'file/open_close');
    const m = new SerialMonitor(0, planned, { doneGraceMs: 5000 });
    m.feed(fixture('pass-all.serial.txt'), 1000);
    expect(m.check(5999)).toBeNull();
    expect(m.check(6000)).toEqual({ kind: 'done' });
    expect(report(m, planned, m.check(6000)).exitCode).toBe(0);
  });

  it('fails on a failed test and counts skip and todo', () => {
    const planned = plan('basic/hello', 'signals/sigaction', 'time/nanosleep', 'threads/clone', 'errno/efault');
    const { m } = replay(fixture('mixed.serial.txt'), planned);
    const r = buildReport({
      planned, tap: m.tap.summary(), stop: m.vmExited(10_000), vmExitedByItself: true, lastLines: m.lastLines(), notes: m.failureNotes(),
    });
    expect(r.tests.map((t) => t.outcome)).toEqual(['pass', 'fail', 'skip', 'todo', 'pass']);
    expect(r.tests[1]!.detail).toContain('exit status 139');
    // the test's own failing check, from its stdout on lxcore's debug stdio
    expect(m.testOutput(2)).toEqual(['TAP version 13', '1..2', 'ok 1 - sigaction installs handler', 'not ok 2 - handler ran # got 0, want 1']);
    expect(r.tests[1]!.detail).toContain('not ok 2 - handler ran # got 0, want 1');
    expect(r.tests[0]!.detail).toBe('');
    expect(r.problems).toEqual([]);
    expect(r.exitCode).toBe(1);
  });

  it('fails on a missing test even when the runner says done', () => {
    const planned = plan('basic/hello', 'asm/hello_asm', 'file/open_close');
    const { m } = replay(fixture('missing.serial.txt'), planned);
    const r = report(m, planned, m.vmExited(5000), true);
    expect(r.tests.map((t) => t.outcome)).toEqual(['pass', 'missing', 'pass']);
    expect(r.exitCode).toBe(1);
  });

  it('stops at the KDBG prompt after a bugcheck and blames the running test', () => {
    const planned = plan('basic/hello', 'memory/mmap_bad', 'file/open_close');
    // the prompt is the unterminated last line: the kernel waits there, so the host stops now
    const { m, stop: s } = replay(fixture('bugcheck.serial.txt'), planned);
    expect(s).toMatchObject({ kind: 'kernel-failure', atPrompt: true, test: { id: 2, name: 'memory/mmap_bad' } });
    const r = report(m, planned, s);
    expect(r.tests.map((t) => t.outcome)).toEqual(['pass', 'crashed', 'missing']);
    expect(r.problems[0]).toMatch(/STOP 0x0000001E KMODE_EXCEPTION_NOT_HANDLED .*while test 2 \(memory\/mmap_bad\)/);
    expect(r.evidence.at(-1)).toBe('kdb:> ');
    expect(r.evidence.length).toBeLessThanOrEqual(40);
    expect(formatReport(r).join('\n')).toContain('--- last');
    expect(r.exitCode).toBe(1);
  });

  it('reports the real bugcheck captured from ReactOS (crash test) with its backtrace', () => {
    const planned = [{ id: 1, name: 'selftest/bugcheck', timeout: 30 }];
    const { m, stop } = replay(fixture('real-bugcheck.serial.txt'), planned);
    expect(stop).toMatchObject({ kind: 'kernel-failure', test: { id: 1 }, failure: { kind: 'bugcheck', stop: '0xC0000420' } });
    const r = report(m, planned, stop);
    expect(r.tests[0]!.outcome).toBe('crashed');
    expect(r.evidence.join('\n')).toContain('NtRaiseHardError');
    expect(r.evidence.join('\n')).not.toContain('\x1b');
  });

  it('collects a test\'s own output from a real log with CRLF line ends', () => {
    const m = new SerialMonitor(0, plan('errno/errno'));
    m.feed('LXTAP: # run 1 - errno/errno\r\nlxss[4]: ok 1 - a\r\nlxss[4]: not ok 2 - b # errno 2\r\nLXTAP: not ok 1 - errno/errno # exit status 1\r\n', 1);
    expect(m.testOutput(1)).toEqual(['ok 1 - a', 'not ok 2 - b # errno 2']);
    expect(m.failureNotes().get(1)).toEqual(['  not ok 2 - b # errno 2']);
  });

  it('shows where a test stopped when it failed without a failing check (timeout)', () => {
    const planned = plan('signals/signals', 'basic/hello');
    const m = new SerialMonitor(0, planned);
    m.feed(
      'LXTAP: # run 1 - signals/signals\nlxss[3]: ok 1 - a\nlxss[3]: ok 2 - b\nlxss[3]: ok 3 - c\nlxss[3]: ok 4 - d\n' +
        'LXTAP: not ok 1 - signals/signals # timeout after 20 s (SIGKILL sent)\n' +
        'LXTAP: # run 2 - basic/hello\nlxss[4]: hello\nLXTAP: ok 2 - basic/hello\n',
      1,
    );
    const r = buildReport({ planned, tap: m.tap.summary(), stop: null, vmExitedByItself: false, lastLines: [], notes: m.failureNotes() });
    expect(r.tests[0]!.detail.split('\n')).toEqual(['timeout after 20 s (SIGKILL sent)', '  last output:', '  ok 2 - b', '  ok 3 - c', '  ok 4 - d']);
    expect(r.tests[1]!.detail).toBe(''); // a passing test's output is not repeated
  });

  it('replays a real run of the ELF suite on ReactOS (lxcore of 10:26, 13 tests)', () => {
    const names = ['basic/args', 'basic/hello_asm', 'errno/errno', 'file/file', 'basic/hello', 'identity/identity', 'memory/memory',
      'pipes/pipes', 'process/process', 'signals/signals', 'threads/threads', 'time/time', 'tls/tls'];
    const planned = names.map((name, i) => ({ id: i + 1, name, timeout: name === 'file/file' || name === 'threads/threads' ? 30 : 10 }));
    const { m } = replay(fixture('real-suite.serial.txt'), planned);
    const r = buildReport({
      planned, tap: m.tap.summary(), stop: m.vmExited(60_000), vmExitedByItself: true, lastLines: m.lastLines(), notes: m.failureNotes(),
    });
    expect(r.problems).toEqual([]);
    expect(r.tests.filter((t) => t.outcome === 'pass').map((t) => t.name)).toEqual(['basic/args', 'basic/hello_asm', 'file/file', 'basic/hello', 'time/time']);
    expect(r.tests.find((t) => t.name === 'threads/threads')!.detail).toMatch(/^timeout after 30 s/);
    expect(r.tests.find((t) => t.name === 'pipes/pipes')!.detail).toContain('not ok 1 - pipe # pipe(p) = -1');
    expect(r.exitCode).toBe(1);
  });

  it('calls the runner\'s real hang (hang test) a hang of the running test', () => {
    const planned = [{ id: 1, name: 'selftest/hang', timeout: 1 }];
    const m = new SerialMonitor(0, planned, { testGraceMs: 20_000 });
    m.feed(fixture('real-hang.serial.txt'), 15_000);
    expect(m.check(35_999)).toBeNull();
    const s = m.check(36_000);
    expect(s).toMatchObject({ kind: 'timeout', what: 'test', test: { id: 1, name: 'selftest/hang' } });
    const r = report(m, planned, s);
    expect(r.tests[0]!.outcome).toBe('hung');
    expect(r.evidence.at(-1)).toBe('LXTAP: # hang test: the runner now sleeps forever');
  });

  it('reads the real boot-only log of a ReactOS boot: empty plan, done, no failure', () => {
    const { m } = replay(fixture('real-boot-only.serial.txt'), []);
    const r = report(m, [], m.vmExited(20_000), true);
    expect(m.kernel.failures).toEqual([]);
    expect(m.tap.summary()).toMatchObject({ version: 13, plan: { start: 1, end: 0 }, done: { total: 0 } });
    expect(r.exitCode).toBe(0);
  });

  it('treats a failed kernel ASSERT as a crash of the running test', () => {
    const planned = plan('threads/clone');
    const { m, stop } = replay(fixture('assertion.serial.txt'), planned);
    expect(stop).toMatchObject({ kind: 'kernel-failure', atPrompt: true, test: { id: 1 } });
    const r = report(m, planned, stop);
    expect(r.tests[0]).toMatchObject({ outcome: 'crashed', detail: 'kernel debugger entered: assertion failed: KeGetCurrentIrql() <= APC_LEVEL' });
    expect(r.evidence.join('\n')).toContain('Source File: subsystems/lxss/lxcore/nt/pico.c, line 318');
  });

  it('ends a boot that FreeLdr stops on a refused SYSTEM hive at once, with the cause (recorded log)', () => {
    const planned = plan('basic/hello');
    // real-freeldr-bad-hive: hives of the unpatched mkhive with Setup\CmdLine overridden by a
    // longer string; FreeLdr's CmCheckRegistry fails (code 31), then its SYSTEM.ALT message box.
    const { m, now, stop } = replay(fixture('real-freeldr-bad-hive.serial.txt'), planned, 100, { failureSettleMs: 3000 });
    expect(now).toBeLessThan(5000); // not the 240 s boot timeout
    expect(stop).toMatchObject({ kind: 'kernel-failure', test: null, failure: { kind: 'boot' } });
    const r = report(m, planned, stop);
    expect(r.problems[0]).toBe(
      'boot failed before the kernel: FreeLdr: CmCheckRegistry detected problems with the loaded flat hive (check code 31); ' +
        'then the message box "Could not load SYSTEM.ALT hive!"',
    );
    expect(r.tests[0]!.outcome).toBe('missing');
    expect(r.exitCode).toBe(1);
  });

  it('ends a boot that FreeLdr stops at a message box (missing NLS file, recorded log)', () => {
    const m = new SerialMonitor(0, plan('basic/hello'), { failureSettleMs: 3000 });
    m.feed(fixture('real-freeldr-no-nls.serial.txt'), 500);
    const stop = m.check(500); // a message box waits for a key: no settle time
    expect(stop).toMatchObject({ kind: 'kernel-failure', failure: { kind: 'boot' } });
    expect(report(m, plan('basic/hello'), stop).problems[0]).toMatch(
      /^boot failed before the kernel: FreeLdr stopped at the message box "Error reading NLS file .*\\system32\\c_1252\.nls"$/,
    );
  });

  it('with until, goes on after the done line until a line matches, collecting the programs\' output', () => {
    const planned = plan('basic/hello');
    const tap = 'LXTAP: TAP version 13\nLXTAP: 1..1\nLXTAP: # run 1 - basic/hello\nLXTAP: ok 1 - basic/hello\nLXTAP: # done total=1 pass=1 fail=0 skip=0\n';
    const m = new SerialMonitor(0, planned, { until: /PSXTEST done/, doneGraceMs: 1000, overallTimeoutMs: 60_000 });
    m.feed(tap, 1000);
    expect(m.check(30_000)).toBeNull(); // long past doneGraceMs: still waiting
    m.feed('lxss[4]: PSXTEST hello_to_nul=0\r\nsome kernel line\r\nlxss[6]: PSXTEST done\r\n', 31_000);
    expect(m.check(31_000)).toEqual({ kind: 'done' });
    expect(m.untilTime()).toBe(31_000);
    expect(m.afterDone).toEqual(['PSXTEST hello_to_nul=0', 'PSXTEST done']);
    expect(report(m, planned, m.check(31_000)).exitCode).toBe(0);

    const never = new SerialMonitor(0, planned, { until: /PSXTEST done/, overallTimeoutMs: 60_000 });
    never.feed(tap, 1000);
    const stop = never.check(60_000);
    expect(stop).toMatchObject({ kind: 'timeout', what: 'until' });
    const r = report(never, planned, stop);
    expect(r.problems[0]).toBe('the runner finished, but no later line matched --until within 60 s (the boot went on after the runner)');
    expect(r.exitCode).toBe(1);
  });

  it('stops after failureSettleMs when a bugcheck is not followed by a prompt', () => {
    const planned = plan('a');
    const m = new SerialMonitor(0, planned, { failureSettleMs: 3000 });
    m.feed('LXTAP: 1..1\nLXTAP: # run 1 - a\n*** Fatal System Error: 0x0000000a\n   (0x0,0x2,0x0,0x8040ab12)\n', 1000);
    expect(m.check(3999)).toBeNull();
    expect(m.check(4000)).toMatchObject({ kind: 'kernel-failure', atPrompt: false });
  });

  it('calls a silent test a hang after its timeout plus grace, naming the test', () => {
    const planned = plan('basic/hello', 'pipes/pipe_block', 'x');
    const m = new SerialMonitor(0, planned, { testGraceMs: 5000 });
    m.feed(fixture('hang.serial.txt'), 1000);
    // kernel chatter that is not TAP does not count as progress
    m.feed('(ntoskrnl/mm/ARM3/pagfault.c:10) noise\n', 12_000);
    expect(m.check(15_999)).toBeNull(); // 10 s test timeout + 5 s grace from t=1000
    const s = m.check(16_000);
    expect(s).toMatchObject({ kind: 'timeout', what: 'test', test: { id: 2, name: 'pipes/pipe_block' } });
    const r = report(m, planned, s);
    expect(r.tests.map((t) => t.outcome)).toEqual(['pass', 'hung', 'missing']);
    expect(r.problems[0]).toContain('test 2 (pipes/pipe_block) silent for 15 s');
    expect(r.evidence.at(-1)).toContain('noise');
  });

  it('calls a boot that never reaches the runner a hang', () => {
    const planned = plan('a');
    const m = new SerialMonitor(0, planned, { bootTimeoutMs: 60_000 });
    m.feed(fixture('boot-no-runner.serial.txt'), 20_000);
    expect(m.check(59_999)).toBeNull();
    const s = m.check(60_000);
    expect(s).toMatchObject({ kind: 'timeout', what: 'boot' });
    const r = report(m, planned, s);
    expect(r.problems[0]).toMatch(/boot did not reach the runner/);
    expect(r.evidence.join('\n')).toContain('BootExecute lxtestrun failed');
    expect(r.exitCode).toBe(1);
  });

  it('enforces the overall timeout even while tests make progress', () => {
    const planned = plan('a', 'b');
    const m = new SerialMonitor(0, planned, { overallTimeoutMs: 30_000 });
    m.feed('LXTAP: 1..2\nLXTAP: # run 1 - a\n', 1000);
    expect(m.check(29_000)).toBeNull();
    expect(m.check(30_000)).toMatchObject({ kind: 'timeout', what: 'overall', test: { id: 1 } });
  });

  it('fails when the VM stops before the done line', () => {
    const planned = plan('a');
    const m = new SerialMonitor(0, planned);
    m.feed('LXTAP: 1..1\nLXTAP: # run 1 - a\n', 1000);
    const r = report(m, planned, m.vmExited(2000), true);
    expect(r.problems.join('\n')).toContain('stopped before the runner finished');
    expect(r.exitCode).toBe(1);
  });

  it('rejects a done line whose counts disagree with the results', () => {
    const planned = plan('a');
    const m = new SerialMonitor(0, planned);
    m.feed('LXTAP: 1..1\nLXTAP: ok 1 - a\nLXTAP: # done total=1 pass=0 fail=1 skip=0\n', 1000);
    const r = report(m, planned, m.vmExited(2000), true);
    expect(r.problems[0]).toContain('does not match');
    expect(r.exitCode).toBe(1);
  });
});
