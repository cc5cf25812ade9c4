// An outside conformance suite: busybox's own testsuite (testsuite/runtest and its *.tests),
// from Debian 12's busybox source package, run against Debian's busybox-static:i386 binary,
// once on Linux (the i386 oracle VM, whose /bin/sh is that same busybox) and once in the
// ReactOS guest (whose payload /bin/sh is too), and the results compared test by test.
//
// Layout (.lxss/conformance/busybox/tree/, copied whole to both systems):
//   bbrun       tests/conformance/bbrun.c built against stock musl: runs runtest (no
//               launcher passes arguments in the guest)
//   busybox     the busybox-static binary (bin/busybox of the package)
//   .config     debian/config/pkg/static: the configuration that binary was built with,
//               which runtest reads to skip what is not built
//   testsuite/  testsuite/ of the source package (after Debian's patches)
//   applets     optional: the applets to test, space separated
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILD_DIR, rootPath } from '../paths.ts';
import { busyboxStatic, requireI386Architecture, run, type Log } from '../debian/packages.ts';
import { cc } from '../musl/cc.ts';
import { buildMusl, sysrootOf } from '../musl/build.ts';

export const BUSYBOX_DIR = path.join(BUILD_DIR, 'conformance', 'busybox');
export const BUSYBOX_TREE = path.join(BUSYBOX_DIR, 'tree');
const SOURCE_DIR = path.join(BUILD_DIR, 'downloads', 'busybox-source');
const BBRUN_SRC = rootPath('tests', 'conformance', 'bbrun.c');

/** Debian's version of a package file name: busybox-static_1%3a1.35.0-4+deb12u1+b1_i386.deb -> 1.35.0-4+deb12u1 (no epoch, no binNMU). */
export function sourceVersionOfDeb(debName: string): string {
  const v = decodeURIComponent(debName.split('_')[1] ?? '');
  return v.replace(/^\d+:/, '').replace(/\+b\d+$/, '');
}

/** The busybox source package, unpacked with its Debian patches (apt-get source; deb-src from generator/setup.sh). */
function ensureSource(log: Log): string {
  const unpacked = path.join(SOURCE_DIR, 'src');
  if (existsSync(path.join(unpacked, 'testsuite', 'runtest'))) return unpacked;
  mkdirSync(SOURCE_DIR, { recursive: true });
  if (!readdirSync(SOURCE_DIR).some((f) => f.endsWith('.dsc'))) {
    log('conformance: fetching the busybox source package with apt-get source --download-only');
    try {
      run('apt-get', ['source', '--download-only', '-q', '-o', 'APT::Sandbox::User=root', 'busybox'], { cwd: SOURCE_DIR });
    } catch (err) {
      throw new Error(`${(err as Error).message}\nthe busybox source package needs deb-src entries: run sh generator/setup.sh`);
    }
  }
  const dsc = readdirSync(SOURCE_DIR).find((f) => f.endsWith('.dsc'))!;
  const tmp = mkdtempSync(path.join(SOURCE_DIR, '.src-'));
  rmSync(tmp, { recursive: true });
  run('dpkg-source', ['-x', dsc, path.basename(tmp)], { cwd: SOURCE_DIR });
  rmSync(unpacked, { recursive: true, force: true });
  cpSync(tmp, unpacked, { recursive: true });
  rmSync(tmp, { recursive: true, force: true });
  return unpacked;
}

/** Builds the tree both systems run (see the header); `applets` limits the run. */
export async function prepareBusyboxSuite(log: Log, applets?: string[]): Promise<{ tree: string; bbrun: string; files: string[]; version: string }> {
  requireI386Architecture('the busybox conformance suite');
  const busybox = busyboxStatic(log);
  const src = ensureSource(log);
  const dsc = readdirSync(SOURCE_DIR).find((f) => f.endsWith('.dsc'))!;
  const srcVersion = dsc.replace(/^busybox_/, '').replace(/\.dsc$/, '');
  const debs = readdirSync(path.join(BUILD_DIR, 'downloads')).filter((f) => f.startsWith('busybox-static_'));
  const binVersion = sourceVersionOfDeb(debs[0] ?? '');
  if (binVersion !== srcVersion)
    throw new Error(`busybox-static is built from busybox ${binVersion} but the source package is ${srcVersion}: remove .lxss/downloads/busybox* and .lxss/debian/busybox-static and run again`);

  rmSync(BUSYBOX_TREE, { recursive: true, force: true });
  mkdirSync(path.join(BUSYBOX_TREE, 'tmp'), { recursive: true });
  copyFileSync(busybox, path.join(BUSYBOX_TREE, 'busybox'));
  copyFileSync(path.join(src, 'debian', 'config', 'pkg', 'static'), path.join(BUSYBOX_TREE, '.config'));
  cpSync(path.join(src, 'testsuite'), path.join(BUSYBOX_TREE, 'testsuite'), { recursive: true });
  writeFileSync(path.join(BUSYBOX_TREE, 'tmp', '.keep'), '');
  if (applets?.length) writeFileSync(path.join(BUSYBOX_TREE, 'applets'), `${applets.join(' ')}\n`);

  await buildMusl({ variant: 'stock', log });
  const bbrun = path.join(BUSYBOX_TREE, 'bbrun');
  const r = cc(['-O2', '-Wall', '-Wextra', '-Werror', '-o', bbrun, BBRUN_SRC], { capture: true, sysroot: sysrootOf('stock') });
  if (r.status !== 0) throw new Error(`building ${BBRUN_SRC} failed:\n${r.output}`);

  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (statSync(p).isFile()) files.push(p);
    }
  };
  walk(BUSYBOX_TREE);
  return { tree: BUSYBOX_TREE, bbrun, files, version: srcVersion };
}

export type Verdict = 'PASS' | 'FAIL' | 'SKIPPED' | 'UNTESTED';

export interface SuiteResult {
  /** One entry per result line, in order; a name seen twice gets " #2" appended. */
  results: Map<string, Verdict>;
}

/** Reads runtest's "PASS: name" / "FAIL: name" / "SKIPPED: name" / "UNTESTED: name" lines (after an optional prefix). */
export function parseRuntest(text: string, prefix = /^/): SuiteResult {
  const results = new Map<string, Verdict>();
  const re = new RegExp(`${prefix.source}(PASS|FAIL|SKIPPED|UNTESTED): (.*?)\\r?$`);
  for (const line of text.split('\n')) {
    const m = line.match(re);
    if (!m) continue;
    const base = m[m.length - 1]!;
    let name = base;
    for (let n = 2; results.has(name); n++) name = `${base} #${n}`;
    results.set(name, m[m.length - 2] as Verdict);
  }
  return { results };
}

export interface Comparison {
  linux: Record<Verdict, number>;
  guest: Record<Verdict, number>;
  /** Passing on Linux, and not passing (or absent) in the guest. */
  regressions: string[];
  /** Passing in the guest but not on Linux. */
  guestOnly: string[];
  /** Tests passing on Linux that also pass in the guest. */
  bothPass: number;
  /** Tests passing on Linux that have a result in the guest (the rest were not reached). */
  reached: number;
}

export function counts(r: SuiteResult): Record<Verdict, number> {
  const c: Record<Verdict, number> = { PASS: 0, FAIL: 0, SKIPPED: 0, UNTESTED: 0 };
  for (const v of r.results.values()) c[v]++;
  return c;
}

export function compareRuns(linux: SuiteResult, guest: SuiteResult): Comparison {
  const regressions: string[] = [];
  const guestOnly: string[] = [];
  let bothPass = 0;
  let reached = 0;
  for (const [name, v] of linux.results) {
    const g = guest.results.get(name);
    if (v === 'PASS' && g !== undefined) reached++;
    if (v === 'PASS' && g === 'PASS') bothPass++;
    else if (v === 'PASS') regressions.push(`${name}: ${g ?? 'no result'}`);
  }
  for (const [name, g] of guest.results) if (g === 'PASS' && linux.results.get(name) !== 'PASS') guestOnly.push(name);
  return { linux: counts(linux), guest: counts(guest), regressions, guestOnly, bothPass, reached };
}
