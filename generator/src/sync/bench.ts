// Benchmark: wall time of `lxgen sync` as a user runs it (a fresh node process through the bin
// script), into a temporary root so the repository is not touched. Prints every run and the median.
//   npx tsx generator/src/sync/bench.ts [runs=7]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../paths.ts';
import { loadDefinitions } from '../defs/load.ts';
import { renderOutputs } from './outputs.ts';

const runs = Number(process.argv[2] ?? 7);
const bin = path.join(ROOT, 'generator', 'bin', 'lxgen.js');
const out = mkdtempSync(path.join(os.tmpdir(), 'lxss-bench-'));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
try {
  for (const [label, extra] of [['sync (writes every file)', []], ['sync --check (up to date)', ['--check']]] as const) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      if (extra.length === 0) rmSync(path.join(out, 'lxcore'), { recursive: true, force: true });
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [bin, 'sync', ...extra, '--out', out], { encoding: 'utf8' });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) throw new Error(`lxgen sync failed: ${r.stderr}`);
      times.push(ms);
    }
    console.log(`lxgen ${label}: runs ${times.map((t) => t.toFixed(0)).join(' ')} ms; median ${median(times).toFixed(0)} ms over ${runs} runs`);
  }
  // The same work inside this process (no node/tsx start-up): parse + validate + render.
  const inner: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    renderOutputs(loadDefinitions());
    inner.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  console.log(`in-process load+render: runs ${inner.map((t) => t.toFixed(0)).join(' ')} ms; median ${median(inner).toFixed(0)} ms`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
