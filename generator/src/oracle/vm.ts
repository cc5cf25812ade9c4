// The VM side of the oracle, for hosts whose kernel cannot run i386 programs: Debian 12's own
// i386 kernel (package linux-image-686, fetched with apt-get download from the i386
// architecture that generator/setup.sh adds, only /boot/vmlinuz unpacked) boots in
// qemu-system-i386 (TCG) with an initramfs the project assembles: tests/oracle/oracle-init.c
// as /init, the i386 build of the trap harness, the jobs file and every program at its host
// path. One boot runs a whole batch; results stream back on the second serial port
// (tests/oracle/oracle-init.c describes the records), the kernel console goes to a log file.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILD_DIR, rootPath } from '../paths.ts';
import { HARNESS_SRC } from '../elf/harness.ts';
import { TRAP_HEADER } from '../musl/build.ts';
import { withLock } from '../musl/lock.ts';
import { S_IFCHR, S_IFDIR, S_IFREG, writeCpio, type CpioEntry } from './cpio.ts';
import { signalName, type I386Job, type I386Result } from './index.ts';
import { busyboxStatic, downloadI386, requireI386Architecture, run, testRootI386, type RootFile } from '../debian/packages.ts';

export const ORACLE_DIR = path.join(BUILD_DIR, 'oracle');
const KERNEL_DIR = path.join(ORACLE_DIR, 'kernel');
const INIT_SRC = rootPath('tests', 'oracle', 'oracle-init.c');
const KERNEL_META = 'linux-image-686:i386';
/** Where the i386 harness lives inside the VM. */
const VM_HARNESS = '/oracle/lxss-harness';
/** Allowance for the kernel's boot under TCG, on top of the jobs' own timeouts. */
const BOOT_ALLOWANCE_MS = 180_000;

type Log = (line: string) => void;

/** Debian's i386 kernel image (downloaded and unpacked once into .lxss/oracle/kernel). */
export function ensureKernel(log: Log): string {
  const have = existsSync(KERNEL_DIR) ? readdirSync(KERNEL_DIR).find((f) => f.startsWith('vmlinuz-')) : undefined;
  if (have) return path.join(KERNEL_DIR, have);
  requireI386Architecture('the i386 oracle VM');
  const deps = run('apt-cache', ['depends', KERNEL_META]);
  const pkg = deps.match(/Depends:\s+(linux-image-[^\s:]+)/)?.[1];
  if (!pkg) throw new Error(`apt-cache depends ${KERNEL_META} names no kernel package (run apt-get update, or sh generator/setup.sh):\n${deps}`);
  const deb = downloadI386(pkg, log, "i386 oracle (Debian's i386 kernel)");
  const tmp = mkdtempSync(path.join(ORACLE_DIR, 'kernel-'));
  const tar = spawnSync('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards "./boot/vmlinuz-*"', 'sh', deb, tmp], {
    encoding: 'utf8',
  });
  if (tar.status !== 0) throw new Error(`unpacking /boot/vmlinuz from ${deb} failed:\n${tar.stderr}`);
  const image = readdirSync(path.join(tmp, 'boot')).find((f) => f.startsWith('vmlinuz-'));
  if (!image) throw new Error(`${deb} has no /boot/vmlinuz-*`);
  mkdirSync(KERNEL_DIR, { recursive: true });
  renameSync(path.join(tmp, 'boot', image), path.join(KERNEL_DIR, image));
  writeFileSync(path.join(KERNEL_DIR, 'package'), `${path.basename(deb)}\n`);
  rmSync(tmp, { recursive: true, force: true });
  return path.join(KERNEL_DIR, image);
}

/** A static i386 glibc build of one C file, rebuilt when its inputs change. */
export function buildStaticI386(src: string, out: string, extra: string[] = [], inputs: string[] = []): string {
  const flags = ['-m32', '-static', '-O2', '-Wall', '-Wextra', '-Werror', ...extra];
  const hash = createHash('sha256').update(flags.join(' '));
  for (const f of [src, ...inputs]) hash.update(readFileSync(f));
  const key = hash.digest('hex');
  const stamp = `${out}.key`;
  if (existsSync(out) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === key) return out;
  mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const r = spawnSync('gcc', [...flags, '-o', tmp, src], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new Error(`gcc -m32 -static ${path.basename(src)} failed (gcc-multilib gives the i386 glibc; run sh generator/setup.sh):\n${r.error?.message ?? ''}${r.stderr}`);
  renameSync(tmp, out);
  writeFileSync(stamp, `${key}\n`);
  return out;
}

interface VmBinaries {
  init: string;
  harness: string;
  /** /bin/sh: Debian's busybox-static, as a Linux system has a shell */
  sh: string;
  /** Debian's i386 loader and libraries for dynamically linked programs, /etc's name service files */
  runtime: RootFile[];
}

function vmBinaries(log: Log): VmBinaries {
  return {
    init: buildStaticI386(INIT_SRC, path.join(ORACLE_DIR, 'bin', 'oracle-init')),
    harness: buildStaticI386(HARNESS_SRC, path.join(ORACLE_DIR, 'bin', 'lxss-harness'), ['-I', path.dirname(TRAP_HEADER)], [TRAP_HEADER]),
    sh: busyboxStatic(log),
    runtime: testRootI386(log),
  };
}

/** The jobs file: one line a job (tests/oracle/oracle-init.c). */
export function jobsFile(jobs: I386Job[]): string {
  return jobs
    .map((j) => {
      const argv = j.harness ? [VM_HARNESS, ...j.harness, '--', ...j.argv] : j.argv;
      for (const f of [j.id, ...argv])
        if (/[\t\n]/.test(f) || f === '') throw new Error(`i386 oracle: job ${JSON.stringify(j.id)}: an empty field or a tab or newline in ${JSON.stringify(f)}`);
      if (argv.length > 64) throw new Error(`i386 oracle: job ${j.id} has more than 64 arguments`);
      const tty = j.tty ? `${j.tty.rows}x${j.tty.cols}` : '-';
      const stdin = j.stdin ? `${j.stdin.delayMs},${j.stdin.close ? 1 : 0},${Buffer.from(j.stdin.text).toString('hex')}` : '-';
      return [j.id, String(j.timeoutMs), tty, j.stdout ?? 'pipe', stdin, ...argv].join('\t');
    })
    .map((l) => `${l}\n`)
    .join('');
}

/** The initramfs of a batch: /init, /oracle/{jobs,lxss-harness}, /bin/sh, /dev/console, every program at its host path. */
export function initramfs(jobs: I386Job[], bins: VmBinaries): Buffer {
  const entries: CpioEntry[] = [];
  const dirs = new Set<string>();
  const addDir = (d: string) => {
    if (d === '' || d === '.' || dirs.has(d)) return;
    addDir(path.posix.dirname(d));
    dirs.add(d);
    entries.push({ name: d, mode: S_IFDIR | 0o755 });
  };
  const files = new Set<string>();
  const addFile = (name: string, data: Buffer, perm: number) => {
    if (files.has(name)) return;
    files.add(name);
    addDir(path.posix.dirname(name));
    entries.push({ name, mode: S_IFREG | perm, data });
  };
  for (const d of ['dev', 'proc', 'tmp', 'oracle']) addDir(d);
  entries.push({ name: 'dev/console', mode: S_IFCHR | 0o600, rdev: { major: 5, minor: 1 } });
  addFile('init', readFileSync(bins.init), 0o755);
  addFile('oracle/lxss-harness', readFileSync(bins.harness), 0o755);
  addFile('oracle/jobs', Buffer.from(jobsFile(jobs)), 0o644);
  addFile('bin/sh', readFileSync(bins.sh), 0o755);
  for (const r of bins.runtime) addFile(r.diskPath, readFileSync(r.file), r.diskPath.startsWith('etc/') ? 0o644 : 0o755);
  for (const j of jobs) {
    for (const f of [j.argv[0]!, ...(j.files ?? [])]) {
      if (!path.isAbsolute(f)) throw new Error(`i386 oracle: job ${j.id}: ${f} is not an absolute path`);
      if (!existsSync(f)) throw new Error(`i386 oracle: job ${j.id}: ${f} does not exist`);
      addFile(f.slice(1), readFileSync(f), statSync(f).mode & 0o7777);
    }
  }
  return writeCpio(entries);
}

export interface VmRecord {
  id: string;
  result: I386Result;
}

/** Splits the result port's byte stream into records; feed() returns the complete ones. */
export class RecordReader {
  private buf = Buffer.alloc(0);
  readyMs: number | undefined;
  done = false;
  errors: string[] = [];

  feed(chunk: Buffer): VmRecord[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: VmRecord[] = [];
    for (;;) {
      const start = this.buf.indexOf('@@LXSS-ORACLE ');
      if (start < 0) {
        this.buf = this.buf.subarray(Math.max(0, this.buf.length - 13)); // keep a partial marker
        return out;
      }
      const nl = this.buf.indexOf('\n', start);
      if (nl < 0) return out;
      const words = this.buf.subarray(start, nl).toString('utf8').split(' ');
      if (words[1] === 'job') {
        const [, , id, status, sig, timedOut, ms, outLen, errLen] = words;
        const o = Number(outLen);
        const e = Number(errLen);
        if (this.buf.length < nl + 1 + o + e + 1) return out;
        const body = this.buf.subarray(nl + 1, nl + 1 + o + e);
        out.push({
          id: id!,
          result: {
            status: Number(status),
            signal: signalName(Number(sig)),
            stdout: body.subarray(0, o).toString('utf8'),
            stderr: body.subarray(o).toString('utf8'),
            timedOut: timedOut === '1',
            ms: Number(ms),
          },
        });
        this.buf = this.buf.subarray(nl + 1 + o + e + 1);
        continue;
      }
      if (words[1] === 'ready') this.readyMs = Number(words[2]);
      else if (words[1] === 'done') this.done = true;
      else if (words[1] === 'error') this.errors.push(words.slice(2).join(' '));
      this.buf = this.buf.subarray(nl + 1);
    }
  }
}

/**
 * The VM's machine: by default 1 GiB, 2 CPUs and TCG's `max` CPU model; a benchmark that
 * compares with the ReactOS guest gives the guest's (tests/bench/guest-table.ts): its memory,
 * CPU count and QEMU's default CPU model (cpu: null).
 */
export interface VmMachine {
  memoryMiB: number;
  smp: number;
  cpu?: string | null;
}

export function qemuArgs(kernel: string, initrd: string, consoleLog: string, machine?: VmMachine): string[] {
  const accel = process.env.LXSS_ORACLE_ACCEL ?? 'tcg';
  const cpu = machine?.cpu === null ? [] : ['-cpu', machine?.cpu ?? (accel === 'tcg' ? 'max' : 'host')];
  return [
    '-nodefaults', '-display', 'none', '-no-reboot', '-monitor', 'none',
    '-machine', 'pc', '-accel', accel, ...cpu, '-m', String(machine?.memoryMiB ?? 1024), '-smp', String(machine?.smp ?? 2),
    '-kernel', kernel, '-initrd', initrd,
    '-append', 'console=ttyS0 loglevel=4 panic=-1 rdinit=/init',
    '-serial', `file:${consoleLog}`, '-serial', 'stdio',
  ];
}

/** Boots the VM once for `jobs`; every job's promise settles as its record arrives. */
export function runInVm(jobs: I386Job[], opts: { log?: Log; machine?: VmMachine } = {}): Map<string, Promise<I386Result>> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const pending = new Map<string, { resolve: (r: I386Result) => void; reject: (e: Error) => void }>();
  const results = new Map<string, Promise<I386Result>>();
  for (const j of jobs) {
    const p = new Promise<I386Result>((resolve, reject) => pending.set(j.id, { resolve, reject }));
    p.catch(() => {}); // a job nobody asks about must not be an unhandled rejection
    results.set(j.id, p);
  }
  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  void boot(jobs, log, pending, opts.machine).catch(failAll);
  return results;
}

async function boot(
  jobs: I386Job[],
  log: Log,
  pending: Map<string, { resolve: (r: I386Result) => void; reject: (e: Error) => void }>,
  machine?: VmMachine,
): Promise<void> {
  const { kernel, bins } = await withLock(path.join(ORACLE_DIR, '.lock'), async () => ({ kernel: ensureKernel(log), bins: vmBinaries(log) }));
  mkdirSync(ORACLE_DIR, { recursive: true });
  const work = mkdtempSync(path.join(ORACLE_DIR, 'run-'));
  const initrd = path.join(work, 'initrd.cpio');
  const consoleLog = path.join(work, 'console.log');
  writeFileSync(initrd, initramfs(jobs, bins));
  const qemu = process.env.LXSS_QEMU || 'qemu-system-i386';
  const started = Date.now();
  const child = spawn(qemu, qemuArgs(kernel, initrd, consoleLog, machine), { stdio: ['ignore', 'pipe', 'pipe'] });
  const reader = new RecordReader();
  let stderr = '';
  let firstResultMs: number | undefined;
  const limit = BOOT_ALLOWANCE_MS + jobs.reduce((s, j) => s + j.timeoutMs + 2000, 0);
  const timer = setTimeout(() => child.kill('SIGKILL'), limit);
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.on('data', (chunk: Buffer) => {
    for (const rec of reader.feed(chunk)) {
      firstResultMs ??= Date.now() - started;
      pending.get(rec.id)?.resolve(rec.result);
      pending.delete(rec.id);
    }
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (e) => reject(new Error(`${qemu}: ${e.message} (install qemu-system-x86: sh generator/setup.sh)`)));
    child.on('close', resolve);
  });
  clearTimeout(timer);
  const total = Date.now() - started;
  if (reader.done && pending.size === 0) {
    log(
      `i386 oracle VM: ${jobs.length} job(s) in ${(total / 1000).toFixed(1)} s; kernel to init ${((reader.readyMs ?? 0) / 1000).toFixed(1)} s, ` +
        `first result after ${((firstResultMs ?? total) / 1000).toFixed(1)} s`,
    );
    rmSync(work, { recursive: true, force: true });
    return;
  }
  const console_ = existsSync(consoleLog) ? readFileSync(consoleLog, 'utf8').split('\n').slice(-30).join('\n') : '';
  const why = total >= limit ? `did not finish in ${limit / 1000} s` : `exited (status ${code}) before the batch ended`;
  throw new Error(
    `i386 oracle VM ${why}; ${pending.size} of ${jobs.length} job(s) without a result` +
      `${reader.errors.length ? `; init: ${reader.errors.join('; ')}` : ''}\n` +
      `${stderr ? `qemu: ${stderr}\n` : ''}kernel console (${consoleLog}), last lines:\n${console_}`,
  );
}
