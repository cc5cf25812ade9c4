// What the guest benchmarks share: the command line (--build, --runs, --smp), building one
// benchmark program against the patched musl, RUNS copies of it in one boot with `lxgen test
// --manifest`, and collecting the figures it prints as "TAG: key value" lines.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BUILD_DIR, ROOT, rootPath } from '../../generator/src/paths.ts';
import { buildMusl } from '../../generator/src/musl/build.ts';
import { cc } from '../../generator/src/musl/cc.ts';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export interface GuestBench {
  /** tests/bench/<program>.c */
  program: string;
  /** The system calls it needs (manifest "needs"). */
  needs: string[];
  /** The prefix of its figure lines ("EPOLLBENCH"). */
  tag: string;
  /** The keys it must print, once a run. */
  keys: string[];
}

export interface GuestBenchResult {
  runs: number;
  smp: string | undefined;
  /** key -> one figure a run */
  figures: Map<string, number[]>;
}

/** Parses the command line, runs the benchmark in one boot and returns its figures. */
export async function runGuestBench(bench: GuestBench): Promise<GuestBenchResult> {
  const { values } = parseArgs({ options: { build: { type: 'string' }, runs: { type: 'string', default: '3' }, smp: { type: 'string' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a whole number above 0, not ${values.runs}`);
  const dir = path.join(BUILD_DIR, `bench-${bench.program}`);
  mkdirSync(dir, { recursive: true });
  const { sysroot } = await buildMusl({ variant: 'patched' });
  const bin = path.join(dir, bench.program);
  const r = cc(['-O2', '-o', bin, rootPath('tests', 'bench', `${bench.program}.c`)], { capture: true, sysroot });
  if (r.status !== 0) throw new Error(`building ${bin} failed: ${r.output}`);
  const manifest = Array.from({ length: runs }, (_, i) => {
    const name = `${bench.program}_${i + 1}`;
    copyFileSync(bin, path.join(dir, name));
    return { name, group: 'bench', needs: bench.needs, timeout: 600, exit: 0, path: path.join(dir, name) };
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

  // "lxss[pid]: TAG: key 1234.5"
  const log = readFileSync(path.join(BUILD_DIR, 'vm', 'last-serial.log'), 'utf8');
  const figures = new Map<string, number[]>();
  for (const m of log.matchAll(new RegExp(`${bench.tag}: (\\w+) (-?\\d+(?:\\.\\d+)?)\\s*$`, 'gm'))) {
    figures.set(m[1]!, [...(figures.get(m[1]!) ?? []), Number(m[2])]);
    console.log(`${m[1]}: ${m[2]}`);
  }
  for (const k of bench.keys) {
    const got = figures.get(k) ?? [];
    if (got.length !== runs || got.some((x) => !(x > 0))) throw new Error(`expected ${runs} positive ${k} figures in the serial log, found ${JSON.stringify(got)}`);
  }
  return { runs, smp: values.smp, figures };
}
