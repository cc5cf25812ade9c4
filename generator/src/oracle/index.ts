// The Linux i386 oracle: where i386 programs (the ELF suites through the trap harness, the
// stock suite, C test drivers built with -m32) run on the host side. `native` when the host
// kernel executes i386 programs; `vm` otherwise: Debian's own i386 kernel in
// qemu-system-i386 with an initramfs of the programs, one boot for a whole batch (vm.ts).
// Chosen once per process by running a minimal i386 program (probe.ts); LXSS_ORACLE=native
// or LXSS_ORACLE=vm forces a side.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { probeHostI386 } from './probe.ts';
import { runNative } from './native.ts';
import { runInVm, type VmMachine } from './vm.ts';

export type OracleKind = 'native' | 'vm';

export interface OracleChoice {
  kind: OracleKind;
  /** One line for the start of a test run: the choice and why. */
  line: string;
  /** What the probe saw (whether or not LXSS_ORACLE overrode it). */
  hostRunsI386: boolean;
  probe: string;
}

let choice: OracleChoice | undefined;

export function oracle(): OracleChoice {
  if (choice) return choice;
  const forced = process.env.LXSS_ORACLE;
  if (forced && forced !== 'native' && forced !== 'vm') throw new Error(`LXSS_ORACLE=${forced}: use native or vm`);
  const probe = probeHostI386();
  choice = decideOracle(probe, forced as OracleKind | undefined);
  return choice;
}

/** The decision, apart from the probe (unit-tested). */
export function decideOracle(probe: { runs: boolean; why: string }, forced?: OracleKind): OracleChoice {
  const seen = { hostRunsI386: probe.runs, probe: probe.why };
  if (forced === 'vm') return { kind: 'vm', line: `i386 oracle: vm (LXSS_ORACLE=vm; ${probe.why})`, ...seen };
  if (forced === 'native') {
    if (!probe.runs) throw new Error(`LXSS_ORACLE=native, but ${probe.why}: unset it to use the VM oracle`);
    return { kind: 'native', line: `i386 oracle: native (LXSS_ORACLE=native; ${probe.why})`, ...seen };
  }
  return probe.runs
    ? { kind: 'native', line: `i386 oracle: native (${probe.why})`, ...seen }
    : { kind: 'vm', line: `i386 oracle: vm, Debian's i386 kernel in qemu-system-i386 (${probe.why})`, ...seen };
}

export interface I386Job {
  /** Unique in its batch. */
  id: string;
  /** argv[0] is an i386 ELF (a host path; in the VM it has the same path). */
  argv: string[];
  /** Run under the int $0x2e trap harness with these harness options. */
  harness?: string[];
  timeoutMs: number;
  /** Run on a new pseudo-terminal of this size (stdin, stdout and stderr; output in stdout). */
  tty?: { rows: number; cols: number };
  /** stdout to /dev/null instead of captured. */
  stdout?: 'pipe' | 'null';
  /**
   * stdin a pipe (or, with tty, the terminal) into which `text` is written `delayMs` after the
   * start; `close` then closes the pipe (else it stays open until the job ends). Without it
   * stdin is /dev/null (or the terminal, with nothing typed).
   */
  stdin?: { text: string; delayMs: number; close: boolean };
  /** More host files the program needs in the VM, at the same paths. */
  files?: string[];
  /**
   * The id of an earlier job of the same batch that must have ended before this one starts
   * (persist_check reads what persist left). The VM runs a batch's jobs one by one in order,
   * on one file system; natively this one waits for that one.
   */
  after?: string;
}

export interface I386Result {
  /** Exit status, or 128 + the signal that ended the program. */
  status: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

export interface I386Batch {
  /** The result of one job (native: the job starts now; vm: the batch boots once). */
  result(id: string): Promise<I386Result>;
}

/** Prepares `jobs` for the chosen oracle (or `kind`); nothing runs until a result is asked for. */
export function i386Batch(jobs: I386Job[], opts: { kind?: OracleKind; log?: (line: string) => void; machine?: VmMachine } = {}): I386Batch {
  const ids = new Set<string>();
  for (const j of jobs) {
    if (ids.has(j.id)) throw new Error(`i386 batch: job id ${j.id} twice`);
    if (j.after !== undefined && !ids.has(j.after)) throw new Error(`i386 batch: job ${j.id} runs after ${j.after}, which is not an earlier job of the batch`);
    ids.add(j.id);
  }
  const kind = opts.kind ?? oracle().kind;
  const known = (id: string): I386Job => {
    const job = jobs.find((j) => j.id === id);
    if (!job) throw new Error(`i386 batch: no job ${id}`);
    return job;
  };
  if (kind === 'native') {
    const started = new Map<string, Promise<I386Result>>();
    const batch: I386Batch = {
      result(id) {
        const job = known(id);
        if (!started.has(id)) {
          const before = job.after !== undefined ? batch.result(job.after).catch(() => undefined) : Promise.resolve();
          started.set(id, before.then(() => runNative(job)));
        }
        return started.get(id)!;
      },
    };
    return batch;
  }
  let all: Map<string, Promise<I386Result>> | undefined;
  return {
    result(id) {
      known(id);
      all ??= runInVm(jobs, { log: opts.log, machine: opts.machine });
      return all.get(id)!;
    },
  };
}

/** Runs one job on the chosen oracle. */
export function runI386(job: Omit<I386Job, 'id'>, opts: { kind?: OracleKind; log?: (line: string) => void; machine?: VmMachine } = {}): Promise<I386Result> {
  return i386Batch([{ ...job, id: 'job' }], opts).result('job');
}

// Linux numbers its signals alike on i386 and on the host's architecture (x86).
export function signalName(n: number): NodeJS.Signals | null {
  if (!n) return null;
  const found = Object.entries(os.constants.signals).find(([, v]) => v === n);
  return found ? (found[0] as NodeJS.Signals) : null;
}
export function signalNumber(name: NodeJS.Signals): number {
  return os.constants.signals[name] ?? 0;
}

/** Why the trap harness cannot run here, or null: natively it needs ptrace of i386 children
 *  and the 32-bit vDSO (its int $0x80); the VM's kernel has both. */
export function harnessUnavailable(): string | null {
  if (oracle().kind === 'vm') return null;
  const r = spawnSync('sh', ['-c', 'cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null; cat /proc/sys/abi/vsyscall32 2>/dev/null'], {
    encoding: 'utf8',
  });
  const [scope, vdso32] = r.stdout.trim().split('\n');
  if (scope === '3' || (scope === '2' && process.getuid?.() !== 0)) return `ptrace of children is not allowed (kernel.yama.ptrace_scope=${scope})`;
  if (vdso32 === '0') return 'the 32-bit vDSO is disabled (abi.vsyscall32=0); the harness takes its int $0x80 from it';
  return null;
}
