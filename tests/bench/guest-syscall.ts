// Benchmark in the ReactOS guest: the cost of one getpid through lxcore's two gates, against
// a native NT system call in the same boot.
// Builds tests/bench/getpid_loop.c (100000 getpid calls, prints ns per call) twice: with the
// patched musl (int $0x2e, NT service table 2) and with stock musl (call *%gs:16 ->
// int $128: the full-frame int $0x80 gate, lxcore/entry/pico.c), RUNS copies of each in
// alternating order, and the native baseline tests/bench/ntbench.c (its null-call rows:
// NtTestAlert and NtQueryInformationProcess, 3 rounds each), which smss runs before the test
// runner (`--inf`: Session Manager\BootExecute = "ntbench","lxtestrun", overriding lxgen's own).
// Boots the build once with `lxgen test --manifest` and reads each figure from the serial
// log ("lxss[pid]: 1234.5", "NTBENCH: null_ns 650.2"). Prints per run, the medians and the
// ratios. TCG figures: compare them with each other, not with hardware. The whole table
// (spawn, files, pipes, threads, futexes; and Linux on the same QEMU) is guest-table.ts.
//   npx tsx tests/bench/guest-syscall.ts --build /work/ros/build [--runs 3] [--runner build] [--smp N]
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BUILD_DIR } from '../../generator/src/paths.ts';
import { buildBenchProgram, figuresOf, lxgenTest, median, ntbenchArgs, reactosBuild } from './guest-bench.ts';

const { values } = parseArgs({
  options: {
    build: { type: 'string' },
    runs: { type: 'string', default: '3' },
    runner: { type: 'string', default: 'auto' },
    smp: { type: 'string' },
  },
});
const runs = Number(values.runs);
const dir = path.join(BUILD_DIR, 'bench-guest');
const gates = [
  { tag: 'int2e', variant: 'patched' as const, what: 'int $0x2e (patched musl, table 2)' },
  { tag: 'int80', variant: 'stock' as const, what: 'int $0x80 (stock musl, full-frame gate)' },
];
for (const g of gates) await buildBenchProgram('getpid_loop', path.join(dir, `getpid_${g.tag}`), g.variant);
const manifest: object[] = [];
for (let i = 1; i <= runs; i++) {
  for (const g of gates) {
    const name = `getpid_${g.tag}_${i}`;
    copyFileSync(path.join(dir, `getpid_${g.tag}`), path.join(dir, name));
    manifest.push({ name, group: 'bench', needs: ['getpid'], timeout: 120, exit: 0, path: path.join(dir, name) });
  }
}
const manifestFile = path.join(dir, 'manifest.json');
writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);

const args = ['--manifest', manifestFile, '--runner', values.runner ?? 'auto', ...(await ntbenchArgs(reactosBuild(values.build), dir))];
if (values.build) args.push('--build', values.build);
if (values.smp) args.push('--smp', values.smp);
const log = lxgenTest(args);

// "LXTAP: # run N - bench/getpid_int80_1", then the program's "lxss[pid]: 1234.5".
const figures = new Map<string, number[]>(gates.map((g) => [g.tag, []]));
let current: string | null = null;
for (const line of log.split('\n')) {
  const run = /LXTAP: # run \d+ - bench\/getpid_(int2e|int80)_\d+/.exec(line);
  if (run) {
    current = run[1] as string;
    continue;
  }
  const out = /lxss\[\d+\]: (\d+(?:\.\d+)?)\s*$/.exec(line);
  if (out && current) {
    figures.get(current)!.push(Number(out[1]));
    console.log(`${current}: ${out[1]} ns/getpid`);
    current = null;
  }
}
for (const g of gates) {
  const f = figures.get(g.tag)!;
  if (f.length !== runs) throw new Error(`expected ${runs} figures for ${g.tag}, found ${f.length} in the serial log`);
}
// "NTBENCH: null_ns 650.200" before the runner's first line.
const native = figuresOf(log, 'NTBENCH');
for (const k of ['null_ns', 'query_ns']) for (const x of native.get(k) ?? []) console.log(`native ${k}: ${x} ns/call`);
if (!native.get('null_ns')?.length) throw new Error('no NTBENCH figures in the serial log: ntbench did not run before the runner');
const a = median(figures.get('int2e')!);
const b = median(figures.get('int80')!);
const nt = median(native.get('null_ns')!);
const query = median(native.get('query_ns') ?? [NaN]);
console.log(
  `guest getpid (100000 calls, median of ${runs}${values.smp ? `, --smp ${values.smp}` : ''}): ` +
    `${gates[0]!.what} ${a.toFixed(1)} ns, ${gates[1]!.what} ${b.toFixed(1)} ns, int80/int2e ${(b / a).toFixed(2)}`,
);
console.log(
  `native NT in the same boot: NtTestAlert ${nt.toFixed(1)} ns, NtQueryInformationProcess ${query.toFixed(1)} ns; ` +
    `getpid int2e/NtTestAlert ${(a / nt).toFixed(2)}, int80/NtTestAlert ${(b / nt).toFixed(2)}`,
);
