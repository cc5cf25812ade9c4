// Benchmark in the ReactOS guest: what idle descriptors cost epoll_wait and poll through
// lxcore (issue 12, item 6, in part). tests/bench/epoll_bench.c watches 1,000 idle and 10
// active eventfds; RUNS copies run in one boot with `lxgen test --manifest`. Prints each run's
// figures (ns per call, from the serial log), the medians and two ratios from the same boot:
//   epoll_wait_all / epoll_wait_active   what 1,000 idle items add (near 1: nothing)
//   poll_all / epoll_wait_all            what epoll saves over poll on the same descriptors
// TCG figures: compare them with each other, not with hardware.
//   npx tsx tests/bench/guest-epoll.ts --build /work/ros-build [--runs 3] [--smp N]
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
const dir = path.join(BUILD_DIR, 'bench-epoll');
mkdirSync(dir, { recursive: true });
const { sysroot } = await buildMusl({ variant: 'patched' });
const bin = path.join(dir, 'epoll_bench');
const r = cc(['-O2', '-o', bin, rootPath('tests', 'bench', 'epoll_bench.c')], { capture: true, sysroot });
if (r.status !== 0) throw new Error(`building ${bin} failed: ${r.output}`);
const manifest = Array.from({ length: runs }, (_, i) => {
  const name = `epoll_bench_${i + 1}`;
  copyFileSync(bin, path.join(dir, name));
  return { name, group: 'bench', needs: ['epoll_wait', 'poll', 'eventfd2'], timeout: 300, exit: 0, path: path.join(dir, name) };
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

// "lxss[pid]: EPOLLBENCH: epoll_wait_all 1234.5"
const log = readFileSync(path.join(BUILD_DIR, 'vm', 'last-serial.log'), 'utf8');
const figures = new Map<string, number[]>();
for (const m of log.matchAll(/EPOLLBENCH: (epoll_wait_all|epoll_wait_active|poll_all) (\d+(?:\.\d+)?)\s*$/gm)) {
  figures.set(m[1]!, [...(figures.get(m[1]!) ?? []), Number(m[2])]);
  console.log(`${m[1]}: ${m[2]} ns/call`);
}
for (const k of ['epoll_wait_all', 'epoll_wait_active', 'poll_all']) {
  if ((figures.get(k) ?? []).length !== runs) throw new Error(`expected ${runs} ${k} figures in the serial log, found ${(figures.get(k) ?? []).length}`);
}
const all = median(figures.get('epoll_wait_all')!);
const active = median(figures.get('epoll_wait_active')!);
const poll = median(figures.get('poll_all')!);
console.log(
  `guest (1,000 idle + 10 active eventfds, median of ${runs}${values.smp ? `, --smp ${values.smp}` : ''}): ` +
    `epoll_wait ${all.toFixed(1)} ns, epoll_wait over the 10 active only ${active.toFixed(1)} ns, poll ${poll.toFixed(1)} ns; ` +
    `epoll_wait_all/epoll_wait_active ${(all / active).toFixed(2)}, poll/epoll_wait ${(poll / all).toFixed(2)}`,
);
