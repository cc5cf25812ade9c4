// Recognises ReactOS kernel failures in the serial debug log.
//
// Formats, as ReactOS prints them (read in the tree):
//   ntoskrnl/ke/bug.c KeBugCheckWithTf, when a debugger is enabled (DbgPrint, so on COM1):
//       "\n*** Fatal System Error: 0x%08lx\n                       (0x%p,0x%p,0x%p,0x%p)\n\n"
//     optionally followed by "Driver at fault: %s.\n"
//   ntoskrnl/ke/bug.c KiDisplayBlueScreen (screen / headless):
//       "*** STOP: 0x%08lX (0x%p,0x%p,0x%p,0x%p)"
//   ntoskrnl/kdbg/kdb.c KdbEnterDebuggerException:
//       "Entered debugger on embedded INT3 at 0x%04x:0x%p."
//       "Entered debugger on %s-chance exception (Exception Code: 0x%x) (%s)"
//       "Entered debugger on breakpoint #%d: ..." / "Entered debugger on unexpected debug trap!"
//     and then the prompt "kdb:> " (kdbg/kdb_cli.c KdbPromptStr), waiting for input.
//   sdk/lib/rtl/assert.c RtlAssert: "*** Assertion failed: %s%s" then the "(boipt)? " prompt.
//   boot/freeldr (ERR lines, "(<file>:<line>) err: ..."), before the kernel runs:
//       ntldr/registry.c "CmCheckRegistry detected problems with the loaded flat hive (check
//       code %lu)" and "Failed to initialize the flat hive (Status 0x%lx)": the SYSTEM hive is
//       refused; ui/ui.c (series patch "[FREELDR] Log the text of message boxes"):
//       "Message box: %s" -- "Could not load SYSTEM.ALT hive!", "Error reading NLS file
//       c_1252.nls", ...: FreeLdr waits for a key that never comes.
//   ntoskrnl/ke/i386/exp.c KiDispatchException (user mode, 3rd strike):
//       "Kill %.16s, ExceptionCode: %lx, ExceptionAddress: %p, ..."  (a process was killed,
//     not a system failure: reported as a note on the running test).

export interface Bugcheck {
  kind: 'bugcheck';
  code: number;
  /** STOP code in the usual spelling, e.g. 0x0000001E. */
  stop: string;
  name: string | null;
  params: string[];
  driver: string | null;
  line: number;
}

export interface DebuggerEntry {
  kind: 'debugger';
  /** The "Entered debugger on ..." text, or the assertion text. */
  reason: string;
  line: number;
}

/** FreeLdr could not start the kernel (a refused hive, a message box): the boot stops there. */
export interface BootFailure {
  kind: 'boot';
  reason: string;
  /** FreeLdr shows a message box: it now waits for a key. */
  waiting: boolean;
  line: number;
}

export type KernelFailure = Bugcheck | DebuggerEntry | BootFailure;

export interface ProcessKill {
  image: string;
  exceptionCode: string;
  address: string;
  line: number;
}

/** Names of the STOP codes most likely to show up while developing a kernel driver. */
export const BUGCHECK_NAMES: Record<number, string> = {
  0x01: 'APC_INDEX_MISMATCH',
  0x0a: 'IRQL_NOT_LESS_OR_EQUAL',
  0x12: 'TRAP_CAUSE_UNKNOWN',
  0x19: 'BAD_POOL_HEADER',
  0x1a: 'MEMORY_MANAGEMENT',
  0x1e: 'KMODE_EXCEPTION_NOT_HANDLED',
  0x32: 'PHASE1_INITIALIZATION_FAILED',
  0x35: 'NO_MORE_IRP_STACK_LOCATIONS',
  0x3b: 'SYSTEM_SERVICE_EXCEPTION',
  0x44: 'MULTIPLE_IRP_COMPLETE_REQUESTS',
  0x49: 'PAGE_FAULT_WITH_INTERRUPTS_OFF',
  0x4a: 'IRQL_GT_ZERO_AT_SYSTEM_SERVICE',
  0x4c: 'FATAL_UNHANDLED_HARD_ERROR',
  0x4e: 'PFN_LIST_CORRUPT',
  0x50: 'PAGE_FAULT_IN_NONPAGED_AREA',
  0x5c: 'HAL_INITIALIZATION_FAILED',
  0x67: 'CONFIG_INITIALIZATION_FAILED',
  0x6b: 'PROCESS1_INITIALIZATION_FAILED',
  0x6f: 'SESSION3_INITIALIZATION_FAILED',
  0x76: 'PROCESS_HAS_LOCKED_PAGES',
  0x77: 'KERNEL_STACK_INPAGE_ERROR',
  0x7a: 'KERNEL_DATA_INPAGE_ERROR',
  0x7b: 'INACCESSIBLE_BOOT_DEVICE',
  0x7e: 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED',
  0x7f: 'UNEXPECTED_KERNEL_MODE_TRAP',
  0x8e: 'KERNEL_MODE_EXCEPTION_NOT_HANDLED',
  0x93: 'INVALID_KERNEL_HANDLE',
  0xbe: 'ATTEMPTED_WRITE_TO_READONLY_MEMORY',
  0xc2: 'BAD_POOL_CALLER',
  0xc4: 'DRIVER_VERIFIER_DETECTED_VIOLATION',
  0xc5: 'DRIVER_CORRUPTED_EXPOOL',
  0xce: 'DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS',
  0xd1: 'DRIVER_IRQL_NOT_LESS_OR_EQUAL',
  0xe2: 'MANUALLY_INITIATED_CRASH',
  0xf4: 'CRITICAL_OBJECT_TERMINATION',
  0xc000021a: 'STATUS_SYSTEM_PROCESS_TERMINATED',
  // FATAL_UNHANDLED_HARD_ERROR shows the hard error's status as the STOP code
  0xc0000420: 'STATUS_ASSERTION_FAILURE (hard error)',
};

const HEX = '(?:0x)?([0-9a-fA-F]+)';
const PARAMS_RE = new RegExp(`\\(\\s*${HEX}\\s*,\\s*${HEX}\\s*,\\s*${HEX}\\s*,\\s*${HEX}\\s*\\)`);
const FATAL_RE = /\*\*\* Fatal System Error: 0x([0-9a-fA-F]+)/;
const STOP_RE = /\*\*\* STOP: 0x([0-9a-fA-F]+)/;
const DRIVER_RE = /Driver at fault: (.*?)\.?\s*$/;
const ENTERED_RE = /Entered debugger on (.*?)\s*$/;
const ASSERT_RE = /\*\*\* Assertion failed: (.*?)\s*$/;
const HIVE_RE = /(CmCheckRegistry detected problems with the loaded flat hive \(check code \d+\)|Failed to initialize the flat hive.*?)\s*$/;
const MESSAGE_BOX_RE = /\) err: Message box: (.*?)\s*$/;
const KILL_RE = /Kill (.{1,16}?), ExceptionCode: ([0-9a-fA-Fx]+), ExceptionAddress: ([0-9a-fA-Fx]+)/;
/** KDBG's input prompt and RtlAssert's: the kernel now waits for the host. */
export const KDB_PROMPT = 'kdb:> ';
export const ASSERT_PROMPT = '(boipt)? ';

function hex8(n: number): string {
  return '0x' + n.toString(16).toUpperCase().padStart(8, '0');
}

function normParam(p: string): string {
  return '0x' + p.toUpperCase().padStart(8, '0');
}

/**
 * Incremental scanner over the kernel log. feedLine() is called for every complete line;
 * waitingForInput() tells whether the partial (unterminated) last line is a debugger prompt.
 */
export class KernelScanner {
  private lineNo = 0;
  /** A Fatal System Error header whose parameter line has not come yet. */
  private pendingBugcheck: Bugcheck | null = null;
  readonly failures: KernelFailure[] = [];
  readonly kills: ProcessKill[] = [];

  feedLine(raw: string): KernelFailure[] {
    this.lineNo++;
    const line = raw.replace(/\r/g, '');
    const found: KernelFailure[] = [];
    let m: RegExpExecArray | null;

    if (this.pendingBugcheck) {
      const p = PARAMS_RE.exec(line);
      if (p) {
        this.pendingBugcheck.params = [p[1]!, p[2]!, p[3]!, p[4]!].map(normParam);
        this.pendingBugcheck = null;
        return found;
      }
      if ((m = DRIVER_RE.exec(line))) {
        this.pendingBugcheck.driver = m[1]!.trim();
        return found;
      }
      if (line.trim() !== '') this.pendingBugcheck = null;
    }
    if ((m = DRIVER_RE.exec(line))) {
      const last = [...this.failures].reverse().find((f): f is Bugcheck => f.kind === 'bugcheck');
      if (last && !last.driver) last.driver = m[1]!.trim();
    }

    if ((m = FATAL_RE.exec(line)) || (m = STOP_RE.exec(line))) {
      const code = parseInt(m[1]!, 16) >>> 0;
      // The screen's STOP line repeats a Fatal System Error already seen: keep the first.
      const dup = this.failures.find((f): f is Bugcheck => f.kind === 'bugcheck' && f.code === code);
      const p = PARAMS_RE.exec(line.slice(m.index));
      if (dup) {
        if (p && dup.params.length === 0) dup.params = [p[1]!, p[2]!, p[3]!, p[4]!].map(normParam);
        return found;
      }
      const b: Bugcheck = {
        kind: 'bugcheck',
        code,
        stop: hex8(code),
        name: BUGCHECK_NAMES[code] ?? null,
        params: p ? [p[1]!, p[2]!, p[3]!, p[4]!].map(normParam) : [],
        driver: null,
        line: this.lineNo,
      };
      if (!p) this.pendingBugcheck = b;
      this.failures.push(b);
      found.push(b);
    } else if ((m = ENTERED_RE.exec(line))) {
      const d: DebuggerEntry = { kind: 'debugger', reason: m[1]!.replace(/\.$/, ''), line: this.lineNo };
      this.failures.push(d);
      found.push(d);
    } else if ((m = ASSERT_RE.exec(line))) {
      const d: DebuggerEntry = { kind: 'debugger', reason: `assertion failed: ${m[1]!}`, line: this.lineNo };
      this.failures.push(d);
      found.push(d);
    } else if ((m = MESSAGE_BOX_RE.exec(line)) || (m = HIVE_RE.exec(line))) {
      const text = m[1]!;
      const box = MESSAGE_BOX_RE.test(line);
      const earlier = this.failures.find((f): f is BootFailure => f.kind === 'boot');
      if (earlier) {
        // The message box that follows a refused hive: one failure with both.
        earlier.reason += `; then ${box ? `the message box "${text}"` : text}`;
        earlier.waiting ||= box;
      } else {
        const d: BootFailure = { kind: 'boot', reason: box ? `FreeLdr stopped at the message box "${text}"` : `FreeLdr: ${text}`, waiting: box, line: this.lineNo };
        this.failures.push(d);
        found.push(d);
      }
    } else if ((m = KILL_RE.exec(line))) {
      this.kills.push({ image: m[1]!.trim(), exceptionCode: m[2]!, address: m[3]!, line: this.lineNo });
    }
    return found;
  }

  /** The most telling failure: a bugcheck wins over a debugger entry. */
  primary(): KernelFailure | null {
    return this.failures.find((f) => f.kind === 'bugcheck') ?? this.failures[0] ?? null;
  }
}

/** True when a (possibly partial) last line is a prompt the kernel is blocked on. */
export function isDebuggerPrompt(partialLine: string): boolean {
  const t = partialLine.replace(/\r/g, '').trimEnd();
  return t.endsWith(KDB_PROMPT.trimEnd()) || t.endsWith(ASSERT_PROMPT.trimEnd());
}

export function describeFailure(f: KernelFailure): string {
  if (f.kind === 'bugcheck') {
    const name = f.name ? ` ${f.name}` : '';
    const params = f.params.length ? ` (${f.params.join(', ')})` : '';
    const drv = f.driver ? `, driver at fault: ${f.driver}` : '';
    return `bugcheck STOP ${f.stop}${name}${params}${drv}`;
  }
  if (f.kind === 'boot') return `boot failed before the kernel: ${f.reason}`;
  return `kernel debugger entered: ${f.reason}`;
}

/** Scans a whole log. */
export function scanKernelLog(log: string): KernelScanner {
  const s = new KernelScanner();
  for (const line of log.split('\n')) s.feedLine(line);
  return s;
}
