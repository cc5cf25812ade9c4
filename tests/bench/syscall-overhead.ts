// Benchmark: the cost of one system call natively and through the trap harness.
// Builds tests/bench/getpid_loop.c natively (gcc -m32 -O2 -static, glibc) and with
// `lxgen cc` (patched musl), runs each RUNS times and prints ns per getpid for both and
// the median ratio (harness / native). Both run on the i386 oracle: this host, or (--vm, or
// a host that cannot run i386 programs) Debian's i386 kernel under qemu-system-i386, both
// programs in the same boot. Run: `npx lxgen bench [--vm] [calls] [runs]` or
// `npx tsx tests/bench/syscall-overhead.ts [calls] [runs]`.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILD_DIR, rootPath } from '../../generator/src/paths.ts';
import { buildMusl, HOST_CC } from '../../generator/src/musl/build.ts';
import { cc } from '../../generator/src/musl/cc.ts';
import { i386Batch, type I386Job, type OracleKind } from '../../generator/src/oracle/index.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export async function bench(calls = 20000, runs = 5, kind?: OracleKind): Promise<{ native: number; harness: number; ratio: number }> {
  await buildMusl();
  const dir = path.join(BUILD_DIR, 'bench');
  mkdirSync(dir, { recursive: true });
  const src = rootPath('tests', 'bench', 'getpid_loop.c');
  const nativeBin = path.join(dir, 'getpid_loop.native');
  const lxssBin = path.join(dir, 'getpid_loop.lxss');
  const n = spawnSync(HOST_CC, ['-m32', '-O2', '-static', '-o', nativeBin, src], { encoding: 'utf8' });
  if (n.status !== 0) throw new Error(`native build failed: ${n.stderr}`);
  const l = cc(['-O2', '-o', lxssBin, src], { capture: true });
  if (l.status !== 0) throw new Error(`lxgen cc build failed: ${l.output}`);
  const jobs: I386Job[] = [];
  for (let i = 0; i < runs; i++) {
    // The native loop is cheap: give it 50x the calls for a stable figure.
    jobs.push({ id: `native-${i}`, argv: [nativeBin, String(calls * 50)], timeoutMs: 600_000 });
    jobs.push({ id: `harness-${i}`, argv: [lxssBin, String(calls)], harness: [], timeoutMs: 600_000 });
  }
  const batch = i386Batch(jobs, { kind });
  const runOnce = async (id: string): Promise<number> => {
    const r = await batch.result(id);
    if (r.status !== 0) throw new Error(`${id} failed (${r.status}): ${r.stderr}`);
    return Number(r.stdout.trim());
  };
  const nat: number[] = [];
  const har: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = await runOnce(`native-${i}`);
    const b = await runOnce(`harness-${i}`);
    nat.push(a);
    har.push(b);
    ratios.push(b / a);
    console.log(`run ${i + 1}: native ${a.toFixed(1)} ns/call, harness ${b.toFixed(1)} ns/call, ratio ${(b / a).toFixed(1)}`);
  }
  const result = { native: median(nat), harness: median(har), ratio: median(ratios) };
  console.log(
    `getpid: native ${result.native.toFixed(1)} ns, through the harness ${result.harness.toFixed(1)} ns ` +
      `(median of ${runs} runs; median ratio ${result.ratio.toFixed(1)}x)`,
  );
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [calls, runs] = process.argv.slice(2).map(Number);
  await bench(calls || undefined, runs || undefined);
}
