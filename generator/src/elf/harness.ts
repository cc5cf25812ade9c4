// The host trap harness (tests/harness/lxss-harness.c): built with the host compiler into
// .lxss/harness/ when its source or the trap constants change, and run on patched ELF
// programs (see the C file's header for how it works).
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILD_DIR, rootPath } from '../paths.ts';
import { HOST_CC, TRAP_HEADER } from '../musl/build.ts';

export const HARNESS_SRC = rootPath('tests', 'harness', 'lxss-harness.c');
export const HARNESS_DIR = path.join(BUILD_DIR, 'harness');
export const HARNESS_BIN = path.join(HARNESS_DIR, 'lxss-harness');
const FLAGS = ['-O2', '-Wall', '-Wextra', '-Werror'];

function harnessKey(): string {
  return createHash('sha256')
    .update(FLAGS.join(' '))
    .update(readFileSync(HARNESS_SRC))
    .update(readFileSync(TRAP_HEADER))
    .digest('hex');
}

/** Builds the harness unless up to date; returns the binary's path. */
export function buildHarness(): string {
  const key = harnessKey();
  const stamp = `${HARNESS_BIN}.key`;
  if (existsSync(HARNESS_BIN) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === key) return HARNESS_BIN;
  mkdirSync(HARNESS_DIR, { recursive: true });
  const tmp = `${HARNESS_BIN}.${process.pid}.tmp`;
  const r = spawnSync(
    HOST_CC,
    [...FLAGS, '-I', path.dirname(TRAP_HEADER), '-o', tmp, HARNESS_SRC],
    { encoding: 'utf8' },
  );
  if (r.error || r.status !== 0)
    throw new Error(`building the trap harness failed:\n${r.error?.message ?? ''}${r.stdout}${r.stderr}`);
  renameSync(tmp, HARNESS_BIN);
  writeFileSync(stamp, `${key}\n`);
  return HARNESS_BIN;
}

export interface HarnessRun {
  /** Exit status of the program (128+signal if killed), 125 harness violation. */
  status: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

export interface HarnessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  harnessArgs?: string[];
}

/** Runs ELF args... under the harness, capturing its output. */
export function runUnderHarness(elf: string, args: string[] = [], opts: HarnessOptions = {}): Promise<HarnessRun> {
  const bin = buildHarness();
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...(opts.harnessArgs ?? []), '--', elf, ...args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL'); // the harness's tracees die with it (PTRACE_O_EXITKILL)
        }, opts.timeoutMs)
      : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        status: code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 1),
        stdout,
        stderr,
        timedOut,
        ms: Date.now() - started,
      });
    });
  });
}

function signalNumber(name: NodeJS.Signals): number | undefined {
  const n = (
    { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 } as Record<string, number>
  )[name];
  return n;
}
