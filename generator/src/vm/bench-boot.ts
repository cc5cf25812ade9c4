// Boot-time benchmark for `lxgen test`: runs it N times and prints each run's boot-to-runner
// and boot-to-results times and their medians.
//   npx tsx generator/src/vm/bench-boot.ts [--runs 3] [lxgen test options, e.g. --boot-only --accel tcg]
import { runTests } from '../commands/test.ts';

const argv = process.argv.slice(2);
let runs = 3;
const i = argv.indexOf('--runs');
if (i >= 0) {
  runs = Number(argv[i + 1]);
  argv.splice(i, 2);
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const boot: number[] = [];
const results: number[] = [];
const total: number[] = [];
const rows: string[] = [];
for (let r = 1; r <= runs; r++) {
  const o = await runTests(argv).catch((err: Error) => {
    console.error(`run ${r}: ${err.message}`);
    return { exitCode: 1, bootMs: null, resultsMs: null, elapsedMs: null, exitedByItself: false };
  });
  const sec = (ms: number | null) => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);
  rows.push(
    `run ${r}: exit ${o.exitCode}, boot to runner ${sec(o.bootMs)}, boot to results ${sec(o.resultsMs)}, ` +
      `VM stopped ${sec(o.elapsedMs)}${o.exitedByItself ? ' (by itself)' : ' (by lxgen)'}`,
  );
  if (o.bootMs !== null) boot.push(o.bootMs);
  if (o.resultsMs !== null) results.push(o.resultsMs);
  if (o.elapsedMs !== null) total.push(o.elapsedMs);
}
console.log(`\n=== lxgen test boot benchmark (${argv.join(' ') || 'defaults'}) ===`);
for (const r of rows) console.log(r);
const med = (xs: number[]) => (xs.length ? `${(median(xs) / 1000).toFixed(1)} s` : 'n/a');
console.log(`median of ${runs} runs: boot to runner ${med(boot)}, boot to results ${med(results)}, VM stopped ${med(total)}`);
