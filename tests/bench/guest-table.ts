// The comparison table (issue 15 item 4): the same work done by a static Linux program under
// lxcore in the ReactOS guest, by a native NT program in the same boot, and by the same Linux
// binary on Debian's i386 kernel in the same QEMU (TCG, the guest's memory, CPU count and CPU
// model). tests/bench/benchwork.h defines the rows and the work; tests/bench/lxbench.c is the
// Linux program (built against stock musl: one binary for both kernels, trapping with int
// $0x80; a second build against the patched musl gives the null call through int $0x2e),
// tests/bench/ntbench.c the NT one (run by smss before the test runner).
// Each program does every row BENCH_ROUNDS times; a cell is the median. Every figure is a cost
// (time per unit of work), so a ratio above 1 means lxcore is slower than the peer.
// Prints the table as Markdown; --out FILE also writes it there with the date and the machine.
//   npx tsx tests/bench/guest-table.ts --build /work/ros-build [--smp N] [--out docs/benchmarks.md]
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { i386Batch } from '../../generator/src/oracle/index.ts';
import { BUILD_DIR, ROOT, rootPath } from '../../generator/src/paths.ts';
import { buildBenchProgram, figuresOf, lxgenTest, median, ntbenchArgs, reactosBuild } from './guest-bench.ts';

/** The guest's machine (generator/src/vm/qemu.ts): 256 MiB, QEMU's default CPU model. */
const GUEST_MEMORY_MIB = 256;
/** The payload disk's free space: the 64 MiB data files of both programs, one after the other. */
const SCRATCH_MIB = 160;

interface Row {
  /** the key lxbench prints for the lxss cell (the NT and Linux cells use `peer`) */
  key: string;
  peer: string;
  what: string;
  unit: string;
}

const ROWS: Row[] = [
  { key: 'null_int2e_ns', peer: 'null_ns', what: 'null call: getpid through int $0x2e / NtTestAlert / getpid', unit: 'ns' },
  { key: 'null_ns', peer: 'null_ns', what: 'null call: getpid through int $0x80 / NtTestAlert / getpid', unit: 'ns' },
  { key: 'spawn_us', peer: 'spawn_us', what: 'spawn: fork+execve+wait4 / RtlCreateUserProcess+wait', unit: 'µs' },
  { key: 'create_us', peer: 'create_us', what: 'create+close an empty file (10,000 in one directory)', unit: 'µs' },
  { key: 'stat_us', peer: 'stat_us', what: 'stat by path / NtQueryFullAttributesFile', unit: 'µs' },
  { key: 'walk_us', peer: 'walk_us', what: 'directory walk, per entry: getdents64 / NtQueryDirectoryFile', unit: 'µs' },
  { key: 'unlink_us', peer: 'unlink_us', what: 'unlink / NtDeleteFile', unit: 'µs' },
  { key: 'write_us_mib', peer: 'write_us_mib', what: 'file write, 64 MiB in 64 KiB writes', unit: 'µs/MiB' },
  { key: 'read_us_mib', peer: 'read_us_mib', what: 'file read of it, 64 KiB reads', unit: 'µs/MiB' },
  { key: 'pipe_us_mib', peer: 'pipe_us_mib', what: 'pipe, 64 MiB from a second thread / NPFS pipe', unit: 'µs/MiB' },
  { key: 'thread_us', peer: 'thread_us', what: 'thread create+join / RtlCreateUserThread+wait', unit: 'µs' },
  { key: 'futex_us', peer: 'futex_us', what: 'round trip: futex wake+wait / NT event pair', unit: 'µs' },
  { key: 'tcp_us_mib', peer: 'tcp_us_mib', what: 'TCP on 127.0.0.1, 16 MiB from a second thread (AF_INET socket / AFD endpoint)', unit: 'µs/MiB' },
  { key: 'tcp_rtt_us', peer: 'tcp_rtt_us', what: 'TCP on 127.0.0.1, a 1-byte round trip between two threads', unit: 'µs' },
];

/** Rows only the Linux program has (tests/bench/benchwork.h): lxcore against Linux */
const PARTS: Omit<Row, 'peer'>[] = [
  { key: 'futex_wake_ns', what: 'FUTEX_WAKE with no waiter', unit: 'ns' },
  { key: 'futex_eagain_ns', what: 'FUTEX_WAIT of a changed value (EAGAIN)', unit: 'ns' },
  { key: 'unix_us_mib', what: 'AF_UNIX socketpair, 16 MiB from a second thread', unit: 'µs/MiB' },
  { key: 'unix_rtt_us', what: 'AF_UNIX socketpair, a 1-byte round trip between two threads', unit: 'µs' },
];

const ROUNDS = Number(/#define BENCH_ROUNDS\s+(\d+)/.exec(readFileSync(rootPath('tests', 'bench', 'benchwork.h'), 'utf8'))?.[1]);

const { values } = parseArgs({ options: { build: { type: 'string' }, smp: { type: 'string' }, out: { type: 'string' } } });
const smp = values.smp === undefined ? 1 : Number(values.smp);
if (!Number.isInteger(smp) || smp < 1 || smp > 8) throw new Error(`--smp takes a whole number of CPUs from 1 to 8, not ${values.smp}`);
const dir = path.join(BUILD_DIR, 'bench-table');
const lxbench = await buildBenchProgram('lxbench', path.join(dir, 'lxbench'), 'stock');
const lxbench2e = await buildBenchProgram('lxbench', path.join(dir, 'lxbench_int2e'), 'patched', ['-DLXBENCH_NULL_ONLY', '-DLXBENCH_NULL_KEY="null_int2e_ns"']);

// The guest: ntbench from BootExecute, then the two Linux programs through the runner.
const manifest = [
  { name: 'lxbench_int2e', group: 'bench', needs: ['getpid'], timeout: 600, exit: 0, path: lxbench2e },
  { name: 'lxbench', group: 'bench', needs: ['fork', 'execve', 'wait4', 'getdents64', 'futex', 'pipe'], timeout: 3600, exit: 0, path: lxbench },
];
const manifestFile = path.join(dir, 'manifest.json');
writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
const args = [
  '--manifest', manifestFile, '--scratch', String(SCRATCH_MIB), '--boot-timeout', '3600', '--timeout', '10800',
  ...(await ntbenchArgs(reactosBuild(values.build), dir, ['\\Device\\Harddisk1\\Partition1\\tmp'])),
];
if (values.build) args.push('--build', values.build);
if (values.smp) args.push('--smp', values.smp);
const log = lxgenTest(args);
const lxss = figuresOf(log, 'LXBENCH');
const nt = figuresOf(log, 'NTBENCH');

// Then Linux (about a minute): Debian's i386 kernel, the same machine as the guest. Not at
// the same time as the guest: both would share the host's cores.
console.log(`Linux: ${path.basename(lxbench)} on Debian's i386 kernel (TCG, ${GUEST_MEMORY_MIB} MiB, ${smp} CPU, QEMU's default CPU model)`);
const vm = await i386Batch([{ id: 'lxbench', argv: [lxbench, '/tmp'], timeoutMs: 1_800_000 }], {
  kind: 'vm',
  machine: { memoryMiB: GUEST_MEMORY_MIB, smp, cpu: null },
}).result('lxbench');
if (vm.status !== 0) throw new Error(`lxbench on Linux: exit ${vm.status}${vm.timedOut ? ' (timed out)' : ''}\n${vm.stdout}${vm.stderr}`);
const linux = figuresOf(vm.stdout, 'LXBENCH');

for (const [side, f] of [['lxss', lxss], ['NT', nt], ['Linux', linux]] as const) {
  const errors = [...(side === 'Linux' ? vm.stdout : log).matchAll(/(?:LX|NT)BENCH: error .*/g)].map((m) => m[0]);
  if (errors.length) throw new Error(`${side}: ${errors.join('; ')}`);
  if (!f.get('done')) throw new Error(`${side}: the benchmark did not finish (no "done" line)`);
}

const cell = (f: Map<string, number[]>, key: string): number => {
  const xs = f.get(key);
  if (!xs?.length) throw new Error(`no ${key} figure`);
  return median(xs);
};
const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const lines = [
  '| row | unit | lxss (lxcore) | NT native | Linux i386 | lxss/NT | lxss/Linux |',
  '|---|---|---:|---:|---:|---:|---:|',
];
for (const r of ROWS) {
  const [a, b, c] = [cell(lxss, r.key), cell(nt, r.peer), cell(linux, r.peer)];
  lines.push(`| ${r.what} | ${r.unit} | ${fmt(a)} | ${fmt(b)} | ${fmt(c)} | ${(a / b).toFixed(2)} | ${(a / c).toFixed(2)} |`);
}
lines.push('', 'Where the futex row goes, lxss against Linux (no NT peer):', '', '| part | unit | lxss (lxcore) | Linux i386 | lxss/Linux |', '|---|---|---:|---:|---:|');
for (const r of PARTS) {
  const [a, c] = [cell(lxss, r.key), cell(linux, r.key)];
  lines.push(`| ${r.what} | ${r.unit} | ${fmt(a)} | ${fmt(c)} | ${(a / c).toFixed(2)} |`);
}
const table = lines.join('\n');
console.log(table);

if (values.out) {
  const qemu = spawnSync(process.env.LXSS_QEMU || 'qemu-system-i386', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', cwd: ROOT }).stdout.trim() || 'unknown';
  writeFileSync(
    values.out,
    [
      '# lxss against native NT and Linux: one run of the comparison table',
      '',
      `Made by \`npx tsx tests/bench/guest-table.ts --build BUILD${values.smp ? ` --smp ${values.smp}` : ''} --out ${values.out}\` on ` +
        `${new Date().toISOString().slice(0, 10)} (lxcore of commit ${commit}), on a ${os.arch()} host with ${os.cpus().length} cores (${cpu}), ${qemu}, TCG.`,
      '',
      `Every figure is a cost: time per unit of work, the median of ${ROUNDS} rounds; a ratio above 1 means lxcore is`,
      'slower than the peer. The work of each row is in tests/bench/benchwork.h.',
      '',
      '- **lxss:** tests/bench/lxbench.c, static, stock musl (int $0x80), as a pico process under',
      '  lxcore, with its files on the payload disk (FAT16, fastfat); the first row is the same',
      '  program built against the patched musl (int $0x2e).',
      '- **NT native:** tests/bench/ntbench.c in the same boot (smss BootExecute, before the test',
      '  runner), with its files in the same directory of the same volume.',
      `- **Linux i386:** the same lxbench binary on Debian 12's i386 kernel in the same QEMU (TCG, ${GUEST_MEMORY_MIB} MiB,`,
      `  ${smp} CPU, QEMU's default CPU model), its files in the initramfs (tmpfs: no disk under them).`,
      '',
      table,
      '',
    ].join('\n'),
  );
  console.log(`written to ${values.out}`);
}
