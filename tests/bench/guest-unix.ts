// Benchmark in the ReactOS guest: AF_UNIX stream sockets against lxcore's pipes between two
// Linux processes (issue 12, item 6, in part: the baseline is lxcore's own pipe, not yet a
// native NT program or TCP). tests/bench/unix_bench.c; RUNS copies run in one boot with `lxgen
// test --manifest`. Prints each run's figures (from the serial log), the medians and the
// ratios from the same boot:
//   unix_mib_s / pipe_mib_s     throughput, 16 MiB in 64 KiB writes (1: as fast as a pipe)
//   unix_rtt_us / pipe_rtt_us   a 1-byte round trip (1: as fast as a pipe)
// TCG figures: compare them with each other, not with hardware.
//   npx tsx tests/bench/guest-unix.ts --build /work/ros-build [--runs 3] [--smp N]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BUILD_DIR, ROOT, rootPath } from '../../generator/src/paths.ts';
import { buildMusl } from '../../generator/src/musl/build.ts';
import { cc } from '../../generator/src/musl/cc.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const { values } = parseArgs({ options: { build: { type: 'string' }, runs: { type: 'string', default: '3' }, smp: { type: 'string' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a whole number above 0, not ${values.runs}`);
const dir = path.join(BUILD_DIR, 'bench-unix');
mkdirSync(dir, { recursive: true });
const { sysroot } = await buildMusl({ variant: 'patched' });
const bin = path.join(dir, 'unix_bench');
const r = cc(['-O2', '-o', bin, rootPath('tests', 'bench', 'unix_bench.c')], { capture: true, sysroot });
if (r.status !== 0) throw new Error(`building ${bin} failed: ${r.output}`);
const manifest = Array.from({ length: runs }, (_, i) => {
  const name = `unix_bench_${i + 1}`;
  copyFileSync(bin, path.join(dir, name));
  return { name, group: 'bench', needs: ['socketpair', 'pipe', 'fork'], timeout: 600, exit: 0, path: path.join(dir, name) };
});
const manifestFile = path.join(dir, 'manifest.json');
writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);

const args = ['test', '--manifest', manifestFile];
if (values.build) args.push('--build', values.build);
if (values.smp) args.push('--smp', values.smp);
const t = spawnSync(process.execPath, [path.join(ROOT, 'generator', 'bin', 'lxgen.js'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
for (const l of t.stdout.split('\n').filter((x) => /tests: |timing/.test(x))) console.log(l);
if (t.status !== 0) {
  console.log(t.stdout);
  throw new Error('lxgen test failed');
}

// "lxss[pid]: UNIXBENCH: unix_mib_s 12.34"
const log = readFileSync(path.join(BUILD_DIR, 'vm', 'last-serial.log'), 'utf8');
const KEYS = ['unix_mib_s', 'pipe_mib_s', 'unix_rtt_us', 'pipe_rtt_us'];
const figures = new Map<string, number[]>();
for (const m of log.matchAll(/UNIXBENCH: (\w+) (-?\d+(?:\.\d+)?)\s*$/gm)) {
  figures.set(m[1]!, [...(figures.get(m[1]!) ?? []), Number(m[2])]);
  console.log(`${m[1]}: ${m[2]}`);
}
for (const k of KEYS) {
  const got = figures.get(k) ?? [];
  if (got.length !== runs || got.some((x) => x <= 0)) throw new Error(`expected ${runs} positive ${k} figures in the serial log, found ${JSON.stringify(got)}`);
}
const [unixT, pipeT, unixR, pipeR] = KEYS.map((k) => median(figures.get(k)!)) as [number, number, number, number];
console.log(
  `guest (two processes, median of ${runs}${values.smp ? `, --smp ${values.smp}` : ''}): ` +
    `AF_UNIX ${unixT.toFixed(2)} MiB/s, pipe ${pipeT.toFixed(2)} MiB/s, unix/pipe ${(unixT / pipeT).toFixed(2)}; ` +
    `round trip AF_UNIX ${unixR.toFixed(1)} us, pipe ${pipeR.toFixed(1)} us, unix/pipe ${(unixR / pipeR).toFixed(2)}`,
);
