// Runs QEMU headless for one test session: boot disk + payload disk, COM1 on QEMU's stdio
// (streamed into the serial monitor and a log file), -no-reboot so the runner's reboot ends
// the VM. Stops the VM itself on a bugcheck/debugger prompt (after asking KDBG for a
// backtrace), a hang or the runner's done line.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { SerialMonitor, type StopReason } from '../tap/monitor.ts';
import { screendump } from './screendump.ts';
import { NIC } from './boot-medium.ts';

export type Accel = 'tcg' | 'kvm';

export interface QemuOptions {
  qemu?: string;
  /** Boot disk (opened with snapshot=on: never written). */
  bootDisk: string;
  payload: string;
  /** More raw disks after the payload (IDE index 2, 3), opened with snapshot=on. */
  disks?: string[];
  accel: Accel;
  memoryMiB?: number;
  /** Number of virtual CPUs (-smp); QEMU's default (1) when absent. */
  smp?: number;
  gdb?: boolean;
  /** Extra QEMU arguments (from $LXSS_QEMU_ARGS). */
  extraArgs?: string[];
  /** QMP unix socket (screenshots as evidence of early hangs). */
  qmpSocket?: string;
  /**
   * A network card (boot-medium.ts's NIC: a PCnet on slot 3) on QEMU's user-mode network,
   * restricted (restrict=on: the guest reaches nothing outside), with one TCP port of the
   * host's loopback forwarded to the guest's address. Without it the VM has no NIC.
   */
  hostForward?: { hostPort: number; guestPort: number };
}


export function qemuArgs(o: QemuOptions): string[] {
  const args = [
    '-machine', `pc,accel=${o.accel}`,
    // No default CD-ROM, floppy or parallel port: ReactOS probes each (about 2 s with TCG).
    '-nodefaults',
    '-vga', 'std',
    '-m', String(o.memoryMiB ?? 256),
    ...(o.smp ? ['-smp', String(o.smp)] : []),
    '-drive', `file=${o.bootDisk},format=raw,if=ide,index=0,media=disk,snapshot=on`,
    '-drive', `file=${o.payload},format=raw,if=ide,index=1,media=disk`,
    ...(o.disks ?? []).flatMap((d, i) => ['-drive', `file=${d},format=raw,if=ide,index=${2 + i},media=disk,snapshot=on`]),
    '-boot', 'order=c,menu=off',
    '-chardev', 'stdio,id=com1,signal=off',
    '-serial', 'chardev:com1',
    '-display', 'none',
    '-monitor', 'none',
    ...(o.hostForward
      ? [
          '-netdev', `user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:${o.hostForward.hostPort}-${NIC.address}:${o.hostForward.guestPort}`,
          // slot 3, as the instance id in the hives says; no option ROM (no PXE at boot)
          '-device', 'pcnet,netdev=net0,addr=0x3,romfile=',
        ]
      : ['-nic', 'none']),
    '-no-reboot',
    // A status port the guest may use to end the VM with an exit code (MicroNT-style).
    '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
  ];
  if (o.qmpSocket) args.push('-qmp', `unix:${o.qmpSocket},server=on,wait=off`);
  if (o.gdb) args.push('-s', '-S');
  if (o.extraArgs) args.push(...o.extraArgs);
  return args;
}

export interface SessionResult {
  stop: StopReason | null;
  /** QEMU ended on its own (power-off, reboot with -no-reboot, isa-debug-exit). */
  exitedByItself: boolean;
  qemuExitCode: number | null;
  elapsedMs: number;
  /** Time from start to the first TAP line (boot to runner), if seen. */
  bootMs: number | null;
  /** Time from start to the runner's done line (boot to results), if seen. */
  resultsMs: number | null;
  stderr: string;
  /** Screenshot taken on a hang, if any. */
  screenshot: string | null;
}

export interface SessionOptions {
  monitor: SerialMonitor;
  logFile: string;
  /** On a hang, save a screenshot of the VM here (PNG); needs QemuOptions.qmpSocket. */
  screenshot?: string;
  /** Called about once a second with the elapsed time (progress display). */
  onTick?: (elapsedMs: number) => void;
  now?: () => number;
}

// KDBG's commands, one at a time (KDBG drops what comes while it prints): a backtrace.
const KDBG_COMMANDS = ['bt\r'];
const KDBG_COMMAND_GAP_MS = 1500;

export async function runSession(q: QemuOptions, s: SessionOptions): Promise<SessionResult> {
  const now = s.now ?? (() => Date.now());
  const start = s.monitor.startedAt;
  const log = createWriteStream(s.logFile);
  const child = spawn(q.qemu ?? 'qemu-system-i386', qemuArgs(q), { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let bootMs: number | null = null;
  const prevOnTap = s.monitor.onTap;
  s.monitor.onTap = (e, t) => {
    bootMs ??= t - start;
    prevOnTap?.(e, t);
  };

  let exited = false;
  let exitCode: number | null = null;
  let killedByUs = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', (code) => {
      exited = true;
      exitCode = code;
      resolve();
    });
    child.on('error', (err) => {
      stderr += `${err.message}\n`;
      exited = true;
      resolve();
    });
  });
  child.stdout.on('data', (buf: Buffer) => {
    const text = buf.toString('latin1');
    log.write(buf);
    s.monitor.feed(text, now());
  });
  child.stderr.on('data', (buf: Buffer) => {
    stderr += buf.toString();
  });

  let stop: StopReason | null = null;
  let screenshot: string | null = null;
  let lastTick = 0;
  while (!exited) {
    await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 200))]);
    if (exited) break;
    const t = now();
    if (s.onTick && t - lastTick >= 1000) {
      lastTick = t;
      s.onTick(t - start);
    }
    stop = s.monitor.check(t);
    if (stop) {
      if (stop.kind === 'timeout' && q.qmpSocket && s.screenshot) {
        screenshot = await screendump(q.qmpSocket, s.screenshot);
      }
      if (stop.kind === 'kernel-failure' && stop.atPrompt) {
        // Ask KDBG for a backtrace: it goes into the log as evidence.
        for (const cmd of KDBG_COMMANDS) {
          child.stdin.write(cmd);
          await Promise.race([exitPromise, new Promise((r) => setTimeout(r, KDBG_COMMAND_GAP_MS))]);
        }
        await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 2500))]);
      }
      break;
    }
  }
  if (!exited) {
    killedByUs = true;
    child.kill('SIGTERM');
    await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 3000))]);
    if (!exited) child.kill('SIGKILL');
    await exitPromise;
  }
  const end = now();
  const byItself = !killedByUs;
  if (byItself) stop = s.monitor.vmExited(end) ?? stop;
  else s.monitor.flush(end);
  await new Promise<void>((r) => log.end(r));
  const doneAt = s.monitor.doneTime();
  return { stop, exitedByItself: byItself, qemuExitCode: exitCode, elapsedMs: end - start, bootMs, resultsMs: doneAt === null ? null : doneAt - start, stderr, screenshot };
}
