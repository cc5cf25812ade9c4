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
const total: number[] = [];
const rows: string[] = [];
for (let r = 1; r <= runs; r++) {
  const o = await runTests(argv);
  rows.push(`run ${r}: exit ${o.exitCode}, boot to runner ${o.bootMs === null ? 'n/a' : (o.bootMs / 1000).toFixed(1) + ' s'}, boot to results ${o.elapsedMs === null ? 'n/a' : (o.elapsedMs / 1000).toFixed(1) + ' s'}${o.exitedByItself ? ' (VM stopped by itself)' : ''}`);
  if (o.bootMs !== null) boot.push(o.bootMs);
  if (o.elapsedMs !== null) total.push(o.elapsedMs);
}
console.log(`\n=== lxgen test boot benchmark (${argv.join(' ') || 'defaults'}) ===`);
for (const r of rows) console.log(r);
console.log(`median boot to runner: ${(median(boot) / 1000).toFixed(1)} s; median boot to results: ${(median(total) / 1000).toFixed(1)} s (${total.length} runs)`);
