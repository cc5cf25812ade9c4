// Benchmark in the ReactOS guest: the cost of one getpid through lxcore's two gates, against
// a native NT system call in the same boot.
// Builds tests/bench/getpid_loop.c (100000 getpid calls, prints ns per call) twice: with the
// patched musl (int $0x2e, NT service table 2) and with stock musl (call *%gs:16 ->
// int $128: the full-frame int $0x80 gate, lxcore/entry/pico.c), RUNS copies of each in
// alternating order, and the native baseline tests/bench/ntbench.c (NtTestAlert and
// NtQueryInformationProcess, 3 rounds each), which smss runs before the test runner
// (`--inf`: Session Manager\BootExecute = "ntbench","lxtestrun", overriding lxgen's own).
// Boots the build once with `lxgen test --manifest` and reads each figure from the serial
// log ("lxss[pid]: 1234.5", "NTBENCH: NtTestAlert 650.2"). Prints per run, the medians and
// the ratios. TCG figures: compare them with each other, not with hardware.
//   npx tsx tests/bench/guest-syscall.ts --build /work/ros/build [--runs 3] [--runner build] [--smp N]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BUILD_DIR, ROOT, rootPath } from '../../generator/src/paths.ts';
import { buildMusl } from '../../generator/src/musl/build.ts';
import { cc } from '../../generator/src/musl/cc.ts';
import { resolveBuildDir } from '../../generator/src/vm/config.ts';
import { buildNativeProgram } from '../../generator/src/vm/runner-build.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

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
mkdirSync(dir, { recursive: true });
const src = rootPath('tests', 'bench', 'getpid_loop.c');
const gates = [
  { tag: 'int2e', variant: 'patched' as const, what: 'int $0x2e (patched musl, table 2)' },
  { tag: 'int80', variant: 'stock' as const, what: 'int $0x80 (stock musl, full-frame gate)' },
];
const manifest: object[] = [];
for (const g of gates) {
  const { sysroot } = await buildMusl({ variant: g.variant });
  const bin = path.join(dir, `getpid_${g.tag}`);
  const r = cc(['-O2', '-o', bin, src], { capture: true, sysroot });
  if (r.status !== 0) throw new Error(`building ${bin} failed: ${r.output}`);
}
for (let i = 1; i <= runs; i++) {
  for (const g of gates) {
    const name = `getpid_${g.tag}_${i}`;
    copyFileSync(path.join(dir, `getpid_${g.tag}`), path.join(dir, name));
    manifest.push({ name, group: 'bench', needs: ['getpid'], timeout: 120, exit: 0, path: path.join(dir, name) });
  }
}
const manifestFile = path.join(dir, 'manifest.json');
writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);

const buildDir = resolveBuildDir(values.build)?.dir;
if (!buildDir) throw new Error('no ReactOS build: pass --build DIR or set LXSS_REACTOS_BUILD');
const ntbench = await buildNativeProgram(buildDir, path.join(ROOT, 'tests', 'bench', 'ntbench.c'), dir);
const inf = path.join(dir, 'ntbench.inf');
writeFileSync(
  inf,
  [
    '[Version]',
    'Signature = "$Windows NT$"',
    '[AddReg]',
    'HKLM,"SYSTEM\\CurrentControlSet\\Control\\Session Manager","BootExecute",0x00010000,"ntbench","lxtestrun"',
    '',
  ].join('\r\n'),
);
const args = ['test', '--manifest', manifestFile, '--runner', values.runner ?? 'auto', '--add', `reactos/system32/ntbench.exe=${ntbench}`, '--inf', inf];
if (values.build) args.push('--build', values.build);
if (values.smp) args.push('--smp', values.smp);
const t = spawnSync(process.execPath, [path.join(ROOT, 'generator', 'bin', 'lxgen.js'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const summary = t.stdout.split('\n').filter((l) => /tests: |timing/.test(l));
for (const l of summary) console.log(l);
if (t.status !== 0) {
  console.log(t.stdout);
  throw new Error('lxgen test failed');
}

// "LXTAP: # run N - bench/getpid_int80_1", then the program's "lxss[pid]: 1234.5".
const log = readFileSync(path.join(BUILD_DIR, 'vm', 'last-serial.log'), 'utf8');
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
// "NTBENCH: NtTestAlert 650.2" before the runner's first line.
const native = new Map<string, number[]>();
for (const m of log.matchAll(/NTBENCH: (Nt\w+) (\d+(?:\.\d+)?)\s*$/gm)) {
  native.set(m[1]!, [...(native.get(m[1]!) ?? []), Number(m[2])]);
  console.log(`native ${m[1]}: ${m[2]} ns/call`);
}
if (!native.get('NtTestAlert')?.length) throw new Error('no NTBENCH figures in the serial log: ntbench did not run before the runner');
const a = median(figures.get('int2e')!);
const b = median(figures.get('int80')!);
const nt = median(native.get('NtTestAlert')!);
const query = median(native.get('NtQueryInformationProcess') ?? [NaN]);
console.log(
  `guest getpid (100000 calls, median of ${runs}${values.smp ? `, --smp ${values.smp}` : ''}): ` +
    `${gates[0]!.what} ${a.toFixed(1)} ns, ${gates[1]!.what} ${b.toFixed(1)} ns, int80/int2e ${(b / a).toFixed(2)}`,
);
console.log(
  `native NT in the same boot: NtTestAlert ${nt.toFixed(1)} ns, NtQueryInformationProcess ${query.toFixed(1)} ns; ` +
    `getpid int2e/NtTestAlert ${(a / nt).toFixed(2)}, int80/NtTestAlert ${(b / nt).toFixed(2)}`,
);
