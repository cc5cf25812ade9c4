// Watches the guest's serial log while the VM runs: feeds the TAP parser and the kernel
// failure scanner, knows which test is running, and decides when to stop the VM:
//   - the runner's done line (it then powers off; the host stops waiting after a short grace),
//     or with `until` the first line after it that matches (the boot went on after the runner),
//   - a bugcheck or kernel debugger entry (the kernel waits at a prompt forever),
//   - FreeLdr refusing the SYSTEM hive or showing a message box (it waits for a key),
//   - a hang: the overall timeout, no TAP at all within the boot timeout, or a running test
//     silent (no TAP line) for longer than its own timeout plus a grace period.
// Time is passed in by the caller (milliseconds), so timeout handling is tested without
// waiting for real time.
import { TapParser, TAP_PREFIX, type TapEvent } from './tap.ts';
import { KernelScanner, isDebuggerPrompt, type KernelFailure } from './kernel.ts';

/** lxcore's debug stdio: a pico process's fd 1/2 output, one DbgPrint per line. */
const STDIO_RE = /lxss\[\d+\]: ?(.*)$/;

export interface PlannedTest {
  id: number;
  name: string;
  /** Seconds the runner gives the test before killing it. */
  timeout: number;
  /** Expected-exec-failure entry: the LinuxError the exec must fail with (the program never runs). */
  execError?: number;
}

export interface MonitorOptions {
  /** Whole run, from VM start. */
  overallTimeoutMs: number;
  /** From VM start to the first TAP line (boot to runner). */
  bootTimeoutMs: number;
  /** Added to a test's own timeout before the host calls it a hang. */
  testGraceMs: number;
  /** After a kernel failure without a prompt, wait this long for more evidence. */
  failureSettleMs: number;
  /** After the done line, wait this long for the VM to power off by itself. */
  doneGraceMs: number;
  /** TAP prefix on the shared serial port; null when the stream is TAP only. */
  prefix: string | null;
  /** How many trailing log lines to keep as evidence. */
  tailLines: number;
  /**
   * After the runner's done line, go on until a line matches this (the runner was told to let
   * the boot go on: lxgen test --until), instead of stopping doneGraceMs after it.
   */
  until: RegExp | null;
}

export const DEFAULT_MONITOR_OPTIONS: MonitorOptions = {
  overallTimeoutMs: 600_000,
  bootTimeoutMs: 240_000,
  testGraceMs: 20_000,
  failureSettleMs: 3_000,
  doneGraceMs: 10_000,
  prefix: TAP_PREFIX,
  tailLines: 40,
  until: null,
};

export type StopReason =
  | { kind: 'done' }
  | { kind: 'kernel-failure'; failure: KernelFailure; atPrompt: boolean; test: RunningTest | null }
  | { kind: 'timeout'; what: 'overall' | 'boot' | 'test' | 'until'; test: RunningTest | null; afterMs: number };

export interface RunningTest {
  id: number;
  name: string;
  startedAt: number;
}

export class SerialMonitor {
  readonly tap: TapParser;
  readonly kernel = new KernelScanner();
  readonly opts: MonitorOptions;
  private partial = '';
  private tail: string[] = [];
  private readonly planned = new Map<number, PlannedTest>();
  private running: RunningTest | null = null;
  private lastTapAt: number | null = null;
  private firstTapAt: number | null = null;
  private doneAt: number | null = null;
  private failureAt: number | null = null;
  private untilAt: number | null = null;
  /** Programs' output (lxss[pid]: ...) and the --until line, after the runner's done line. */
  readonly afterDone: string[] = [];
  private stopped: StopReason | null = null;
  /** The running test's own output (lxcore debug stdio lines "lxss[pid]: ..."), by test id. */
  private readonly output = new Map<number, string[]>();
  /** Called for every TAP event (progress display). */
  /** Every serial line, as it comes (lxgen test --trace prints the trace lines). */
  onLine?: (line: string, now: number) => void;
  onTap: ((e: TapEvent, now: number) => void) | null = null;
  /** Called when a kernel failure is first seen. */
  onKernelFailure: ((f: KernelFailure, now: number) => void) | null = null;

  constructor(
    readonly startedAt: number,
    planned: PlannedTest[],
    opts: Partial<MonitorOptions> = {},
  ) {
    this.opts = { ...DEFAULT_MONITOR_OPTIONS, ...opts };
    this.tap = new TapParser(this.opts.prefix);
    for (const t of planned) this.planned.set(t.id, t);
  }

  /** Feeds a chunk of serial output received at time `now`. */
  feed(chunk: string, now: number): void {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.feedLine(line, now);
  }

  /** Flushes an unterminated last line (at the end of the log). */
  flush(now: number): void {
    if (this.partial !== '') {
      const l = this.partial;
      this.partial = '';
      this.feedLine(l, now);
    }
  }

  private feedLine(line: string, now: number): void {
    this.onLine?.(line.replace(/\r/g, ''), now);
    // KDBG probes the terminal with escape sequences: keep the evidence readable.
    this.tail.push(line.replace(/\r/g, '').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''));
    if (this.tail.length > this.opts.tailLines) this.tail.shift();
    for (const f of this.kernel.feedLine(line)) {
      if (this.failureAt === null) this.failureAt = now;
      this.onKernelFailure?.(f, now);
    }
    const out = STDIO_RE.exec(line.replace(/\r/g, ''));
    if (this.doneAt !== null && this.untilAt === null) {
      if (out && this.afterDone.length < 2000) this.afterDone.push(out[1]!);
      if (this.opts.until?.test(line.replace(/\r/g, ''))) this.untilAt = now;
    }
    if (out && this.running) {
      const list = this.output.get(this.running.id) ?? [];
      if (list.length < 2000) list.push(out[1]!);
      this.output.set(this.running.id, list);
    }
    for (const e of this.tap.feedLine(line)) {
      this.lastTapAt = now;
      this.firstTapAt ??= now;
      if (e.kind === 'run') this.running = { id: e.id, name: e.name, startedAt: now };
      else if (e.kind === 'result' && this.running && this.running.id === e.result.id) this.running = null;
      else if (e.kind === 'done' || e.kind === 'bailout') {
        this.running = null;
        this.doneAt ??= now;
      }
      this.onTap?.(e, now);
    }
  }

  /** What a test printed (its stdout/stderr through lxcore's debug stdio). */
  testOutput(id: number): string[] {
    return this.output.get(id) ?? [];
  }

  /**
   * For each test: the failing lines of its own TAP output, or if none failed (a timeout, a
   * crash) its last lines, to show where it stopped (the report uses them for failed tests).
   */
  failureNotes(maxPerTest = 8): Map<number, string[]> {
    const notes = new Map<number, string[]>();
    for (const [id, lines] of this.output) {
      const bad = lines.filter((l) => /^\s*(not ok\b|Bail out!)/.test(l) && !/#\s*TODO/i.test(l));
      if (bad.length) {
        const shown = bad.slice(0, maxPerTest).map((l) => `  ${l.trim()}`);
        if (bad.length > maxPerTest) shown.push(`  ... ${bad.length - maxPerTest} more`);
        notes.set(id, shown);
      } else if (lines.length) {
        notes.set(id, ['  last output:', ...lines.slice(-3).map((l) => `  ${l.trim()}`)]);
      }
    }
    return notes;
  }

  /** The test the runner announced and has not reported yet. */
  currentTest(): RunningTest | null {
    return this.running;
  }

  /** The last lines of the log (evidence), including an unterminated last line. */
  lastLines(): string[] {
    const t = [...this.tail];
    if (this.partial !== '') t.push(this.partial.replace(/\r/g, ''));
    return t.slice(-this.opts.tailLines);
  }

  /** True when the kernel sits at a debugger or assertion prompt waiting for input. */
  atDebuggerPrompt(): boolean {
    return isDebuggerPrompt(this.partial) || (this.partial === '' && isDebuggerPrompt(this.tail.at(-1) ?? ''));
  }

  sawDone(): boolean {
    return this.doneAt !== null;
  }

  /** When a line matched `until` after the done line, or null. */
  untilTime(): number | null {
    return this.untilAt;
  }

  /** When the runner's done line (or bail out) arrived, or null. */
  doneTime(): number | null {
    return this.doneAt;
  }

  /**
   * Decides whether the VM should be stopped now. Returns the reason once (and then keeps
   * returning the same reason).
   */
  check(now: number): StopReason | null {
    if (this.stopped) return this.stopped;
    const elapsed = now - this.startedAt;
    if (this.kernel.primary() === null && this.atDebuggerPrompt()) {
      // A prompt with no banner we know (DbgPrompt from a driver, a critical process exit):
      // the kernel waits for an answer that will never come.
      const last = this.lastLines().filter((l) => l.trim() !== '');
      const reason = `waiting at a debugger prompt: ${last.slice(-2).join(' | ').trim()}`;
      const f: KernelFailure = { kind: 'debugger', reason, line: -1 };
      this.kernel.failures.push(f);
      this.failureAt = now;
      this.onKernelFailure?.(f, now);
    }
    const failure = this.kernel.primary();
    if (failure && this.failureAt !== null) {
      const atPrompt = this.atDebuggerPrompt();
      const atMessageBox = failure.kind === 'boot' && failure.waiting;
      if (atPrompt || atMessageBox || now - this.failureAt >= this.opts.failureSettleMs) {
        return (this.stopped = { kind: 'kernel-failure', failure, atPrompt, test: this.running });
      }
      return null;
    }
    if (this.doneAt !== null && this.opts.until) {
      if (this.untilAt !== null) return (this.stopped = { kind: 'done' });
      if (elapsed >= this.opts.overallTimeoutMs) return (this.stopped = { kind: 'timeout', what: 'until', test: null, afterMs: elapsed });
      return null;
    }
    if (this.doneAt !== null) {
      if (now - this.doneAt >= this.opts.doneGraceMs) return (this.stopped = { kind: 'done' });
      return null;
    }
    if (elapsed >= this.opts.overallTimeoutMs) {
      return (this.stopped = { kind: 'timeout', what: 'overall', test: this.running, afterMs: elapsed });
    }
    if (this.firstTapAt === null) {
      if (elapsed >= this.opts.bootTimeoutMs) {
        return (this.stopped = { kind: 'timeout', what: 'boot', test: null, afterMs: elapsed });
      }
      return null;
    }
    if (this.running) {
      const limit = (this.planned.get(this.running.id)?.timeout ?? 30) * 1000 + this.opts.testGraceMs;
      const silent = now - Math.max(this.running.startedAt, this.lastTapAt ?? 0);
      if (silent >= limit) {
        return (this.stopped = { kind: 'timeout', what: 'test', test: this.running, afterMs: silent });
      }
    }
    return null;
  }

  /** Records that the VM exited by itself (after the done line, or not). */
  vmExited(now: number): StopReason | null {
    this.flush(now);
    const failure = this.kernel.primary();
    if (failure) return (this.stopped ??= { kind: 'kernel-failure', failure, atPrompt: false, test: this.running });
    if (this.doneAt !== null) return (this.stopped ??= { kind: 'done' });
    return this.stopped;
  }
}
