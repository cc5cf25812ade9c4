// The native side of the oracle: the host kernel runs the i386 job itself, in a scratch
// directory (cwd and $TMPDIR), under the host build of the trap harness when asked, and on
// a pseudo-terminal made by script(1) (util-linux) for a tty job; a job's delayed stdin line is
// written by a shell into a pipe, or (tty job) into script's stdin, which types it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildHarness } from '../elf/harness.ts';
import { signalNumber, type I386Job, type I386Result } from './index.ts';

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The host command line of a job. */
export function nativeCommand(job: I386Job): string[] {
  const argv = job.harness ? [buildHarness(), ...job.harness, '--', ...job.argv] : job.argv;
  if (job.stdin && !job.tty) {
    // A real pipe (node's stdio pipes are sockets, whose hang-up poll reports differently),
    // written by the shell after the delay and closed when it is done.
    if (!job.stdin.close) throw new Error(`job ${job.id}: a delayed stdin without a terminal must be closed`);
    return ['sh', '-c', '(sleep "$1"; printf %s "$2") | (shift 2; exec "$@")', 'sh', String(job.stdin.delayMs / 1000), job.stdin.text, ...argv];
  }
  if (!job.tty) return argv;
  const redirect = job.stdout === 'null' ? ' > /dev/null' : '';
  const inner = `stty rows ${job.tty.rows} cols ${job.tty.cols}; exec ${argv.map(shellQuote).join(' ')}${redirect}`;
  return ['script', '-qec', inner, '/dev/null'];
}

export function runNative(job: I386Job): Promise<I386Result> {
  const [file, ...args] = nativeCommand(job);
  const scratch = mkdtempSync(path.join(os.tmpdir(), `lxss-${job.id.replace(/[^\w.-]/g, '_')}-`));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file!, args, {
      cwd: scratch,
      env: { ...process.env, TMPDIR: scratch },
      stdio: [job.stdin && job.tty ? 'pipe' : 'ignore', job.stdout === 'null' && !job.tty ? 'ignore' : 'pipe', 'pipe'],
    });
    // The delayed line of a terminal job: script(1) types what it reads into the terminal.
    const feed = job.tty ? job.stdin : undefined;
    const typing = feed
      ? setTimeout(() => {
          child.stdin?.write(feed.text);
          if (feed.close) child.stdin?.end();
        }, feed.delayMs)
      : null;
    child.stdin?.on('error', () => {});
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL'); // the harness's tracees die with it (PTRACE_O_EXITKILL)
    }, job.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      if (typing) clearTimeout(typing);
      rmSync(scratch, { recursive: true, force: true });
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (typing) clearTimeout(typing);
      rmSync(scratch, { recursive: true, force: true });
      resolve({
        status: code ?? (signal ? 128 + signalNumber(signal) : 1),
        signal: code === null ? signal : null,
        stdout,
        stderr,
        timedOut,
        ms: Date.now() - started,
      });
    });
  });
}
