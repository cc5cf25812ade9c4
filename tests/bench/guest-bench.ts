// What the guest benchmarks share: the command line (--build, --runs, --smp), building a
// benchmark program against the patched or stock musl, booting the build once with `lxgen
// test --manifest` (and, for a native NT baseline, tests/bench/ntbench.c run by smss before
// the test runner), and collecting the figures printed as "TAG: key value" lines.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BUILD_DIR, ROOT, rootPath } from '../../generator/src/paths.ts';
import { buildMusl } from '../../generator/src/musl/build.ts';
import { cc } from '../../generator/src/musl/cc.ts';
import { resolveBuildDir } from '../../generator/src/vm/config.ts';
import { buildNativeProgram } from '../../generator/src/vm/runner-build.ts';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Builds tests/bench/<program>.c statically against the patched (int $0x2e) or stock (int $0x80) musl. */
export async function buildBenchProgram(program: string, out: string, variant: 'patched' | 'stock' = 'patched', flags: string[] = []): Promise<string> {
  mkdirSync(path.dirname(out), { recursive: true });
  const { sysroot } = await buildMusl({ variant });
  const r = cc(['-O2', ...flags, '-o', out, rootPath('tests', 'bench', `${program}.c`), '-lpthread'], { capture: true, sysroot });
  if (r.status !== 0) throw new Error(`building ${out} failed: ${r.output}`);
  return out;
}

/** The ReactOS build (--build, else $LXSS_REACTOS_BUILD, else the user's configuration). */
export function reactosBuild(build: string | undefined): string {
  const dir = resolveBuildDir(build)?.dir;
  if (!dir) throw new Error('no ReactOS build: pass --build DIR or set LXSS_REACTOS_BUILD');
  return dir;
}

/** tests/bench/ntbench.c built against the ReactOS build (its TCP rows use tests/runner/ntafd.h, over lxcore/include/lxafd.h) */
export function buildNtbench(buildDir: string, workDir: string): Promise<string> {
  return buildNativeProgram(buildDir, path.join(ROOT, 'tests', 'bench', 'ntbench.c'), workDir, [path.join(ROOT, 'lxcore', 'include'), path.join(ROOT, 'tests', 'runner')]);
}

/**
 * The `lxgen test` arguments that put tests/bench/ntbench.exe on the boot disk and have smss
 * run it (with `ntbenchArgs`) before the test runner, in the same boot.
 */
export async function ntbenchArgs(buildDir: string, workDir: string, args: string[] = []): Promise<string[]> {
  const exe = await buildNtbench(buildDir, workDir);
  const inf = path.join(workDir, 'ntbench.inf');
  const command = ['ntbench', ...args].join(' ');
  writeFileSync(
    inf,
    [
      '[Version]',
      'Signature = "$Windows NT$"',
      '[AddReg]',
      `HKLM,"SYSTEM\\CurrentControlSet\\Control\\Session Manager","BootExecute",0x00010000,"${command}","lxtestrun"`,
      '',
    ].join('\r\n'),
  );
  return ['--add', `reactos/system32/ntbench.exe=${exe}`, '--inf', inf];
}

/** Boots the build once with `lxgen test ARGS`; throws if it fails; returns the serial log. */
export function lxgenTest(args: string[]): string {
  const t = spawnSync(process.execPath, [path.join(ROOT, 'generator', 'bin', 'lxgen.js'), 'test', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  for (const l of t.stdout.split('\n').filter((x) => /tests: |timing/.test(x))) console.log(l);
  if (t.status !== 0) {
    console.log(t.stdout);
    throw new Error('lxgen test failed');
  }
  return readFileSync(path.join(BUILD_DIR, 'vm', 'last-serial.log'), 'utf8');
}

/** Every "TAG: key 12.5" line of `log`: key -> the figures in order. */
export function figuresOf(log: string, tag: string): Map<string, number[]> {
  const figures = new Map<string, number[]>();
  for (const m of log.matchAll(new RegExp(`${tag}: (\\w+) (-?\\d+(?:\\.\\d+)?)\\s*$`, 'gm'))) figures.set(m[1]!, [...(figures.get(m[1]!) ?? []), Number(m[2])]);
  return figures;
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
  const bin = await buildBenchProgram(bench.program, path.join(dir, bench.program));
  const manifest = Array.from({ length: runs }, (_, i) => {
    const name = `${bench.program}_${i + 1}`;
    copyFileSync(bin, path.join(dir, name));
    return { name, group: 'bench', needs: bench.needs, timeout: 600, exit: 0, path: path.join(dir, name) };
  });
  const manifestFile = path.join(dir, 'manifest.json');
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);

  const args = ['--manifest', manifestFile];
  if (values.build) args.push('--build', values.build);
  if (values.smp) args.push('--smp', values.smp);
  const figures = figuresOf(lxgenTest(args), bench.tag);
  for (const [k, v] of figures) for (const x of v) console.log(`${k}: ${x}`);
  for (const k of bench.keys) {
    const got = figures.get(k) ?? [];
    if (got.length !== runs || got.some((x) => !(x > 0))) throw new Error(`expected ${runs} positive ${k} figures in the serial log, found ${JSON.stringify(got)}`);
  }
  return { runs, smp: values.smp, figures };
}
