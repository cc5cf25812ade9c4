// `lxgen conformance`: an outside conformance suite (busybox's own testsuite from Debian's
// source package, generator/src/conformance/busybox.ts) on Linux and in the ReactOS guest,
// the same binaries on both, compared test by test.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BUILD_DIR } from '../paths.ts';
import { i386Batch } from '../oracle/index.ts';
import { BUSYBOX_DIR, compareRuns, counts, parseRuntest, prepareBusyboxSuite, type SuiteResult } from '../conformance/busybox.ts';
import { runTests } from './test.ts';

export const summary = 'run busybox\'s own testsuite (Debian source package) on Linux and in the guest; compare';

export const usage = `usage: lxgen conformance [--build DIR] [--applets "a b ..."] [--linux-only|--guest-only] [--smp N] [--timeout S]
       lxgen conformance --report

Runs busybox's own testsuite (testsuite/runtest from Debian 12's busybox source package, with
the configuration of Debian's busybox-static) against Debian's busybox-static:i386 binary:
first on Linux, in the i386 oracle VM (Debian's i386 kernel, /bin/sh = that busybox), then in
the ReactOS guest as a pico process (lxgen test with the tree on the payload disk, /bin/sh =
that busybox). Prints both tallies, the pass rate in the guest of the tests that pass on
Linux, and every test that passes on Linux but not in the guest; writes them with both raw
outputs to .lxss/conformance/busybox/.

options:
  --build DIR     the ReactOS build directory (as for lxgen test)
  --applets LIST  only these applets (space or comma separated), e.g. "sed grep"
  --linux-only    run on Linux only
  --guest-only    run in the guest only, comparing with the last Linux run's saved output
  --smp N         boot the guest's multiprocessor kernel on N CPUs
  --timeout S     time allowed to the whole suite on each system (default 3600); a guest run
                  cut short still reports the tests it reached
  --report        compare the last runs' saved outputs again (linux.txt, guest.txt)`;

function tally(r: SuiteResult): string {
  const c = counts(r);
  return `${c.PASS} passed, ${c.FAIL} failed, ${c.SKIPPED + c.UNTESTED} skipped or untested (${r.results.size} results)`;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      build: { type: 'string' },
      applets: { type: 'string' },
      'linux-only': { type: 'boolean', default: false },
      'guest-only': { type: 'boolean', default: false },
      smp: { type: 'string' },
      timeout: { type: 'string', default: '3600' },
      report: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.report) {
    const saved = (f: string) => readFileSync(path.join(BUSYBOX_DIR, f), 'utf8');
    report('(saved outputs)', parseRuntest(saved('linux.txt')), parseRuntest(saved('guest.txt')));
    return 0;
  }
  const timeoutS = Number(values.timeout);
  if (!Number.isInteger(timeoutS) || timeoutS < 60) throw new Error(`--timeout must be a whole number of seconds, at least 60, not ${values.timeout}`);
  const log = (l: string) => console.log(l);
  const applets = values.applets?.split(/[\s,]+/).filter(Boolean);
  const suite = await prepareBusyboxSuite(log, applets);
  console.log(`busybox ${suite.version} testsuite: ${suite.files.length} files in ${path.relative(process.cwd(), suite.tree)}${applets ? ` (applets: ${applets.join(' ')})` : ''}`);

  // Linux: the oracle VM, so that /bin/sh (what #! lines and runtest's own children run) is
  // that busybox as in the guest, whatever this host's shell is.
  let linux: SuiteResult;
  const linuxFile = path.join(BUSYBOX_DIR, 'linux.txt');
  if (values['guest-only']) {
    if (!existsSync(linuxFile)) throw new Error(`no saved Linux run (${linuxFile}): run lxgen conformance without --guest-only first`);
    linux = parseRuntest(readFileSync(linuxFile, 'utf8'));
    console.log(`Linux (saved run): ${tally(linux)}`);
  } else {
    const t0 = Date.now();
    const batch = i386Batch([{ id: 'busybox', argv: [suite.bbrun], files: suite.files, timeoutMs: timeoutS * 1000 }], { kind: 'vm', log });
    const lin = await batch.result('busybox');
    writeFileSync(linuxFile, lin.stdout + lin.stderr);
    linux = parseRuntest(lin.stdout);
    console.log(`Linux (i386 oracle VM, ${((Date.now() - t0) / 1000).toFixed(0)} s${lin.timedOut ? ', TIMED OUT' : ''}): ${tally(linux)}`);
    if (linux.results.size === 0) throw new Error(`runtest gave no result on Linux (status ${lin.status}):\n${(lin.stdout + lin.stderr).slice(-2000)}`);
  }
  if (values['linux-only']) return 0;

  const manifest = path.join(BUSYBOX_DIR, 'manifest.json');
  writeFileSync(manifest, JSON.stringify([{ name: 'busybox-testsuite', group: 'conformance', needs: [], timeout: timeoutS, exit: 0, path: suite.bbrun }], null, 2));
  const testArgs = ['--manifest', manifest, '--payload', `elf=${suite.tree}`, '--timeout', String(timeoutS + 300)];
  if (values.build) testArgs.push('--build', values.build);
  if (values.smp) testArgs.push('--smp', values.smp);
  const t1 = Date.now();
  const outcome = await runTests(testArgs);
  const serial = readFileSync(path.join(BUILD_DIR, 'vm', 'last-serial.log'), 'latin1');
  const guestLines = serial.split('\n').filter((l) => /^lxss\[\d+\]: /.test(l)).map((l) => l.replace(/^lxss\[\d+\]: /, ''));
  writeFileSync(path.join(BUSYBOX_DIR, 'guest.txt'), guestLines.join('\n') + '\n');
  const guest = parseRuntest(guestLines.join('\n'));
  console.log(`ReactOS guest (${((Date.now() - t1) / 1000).toFixed(0)} s, lxgen test exit ${outcome.exitCode}): ${tally(guest)}`);

  report(suite.version, linux, guest);
  return 0;
}

/** Prints the comparison and writes it to report.txt. */
function report(version: string, linux: SuiteResult, guest: SuiteResult): void {
  const cmp = compareRuns(linux, guest);
  const pct = (n: number, of: number) => (of ? ((100 * n) / of).toFixed(1) : '0');
  const lines = [
    `busybox ${version} testsuite, Debian busybox-static:i386, ${new Date().toISOString()}`,
    `Linux: ${tally(linux)}`,
    `guest: ${tally(guest)}`,
    `of the ${cmp.linux.PASS} tests that pass on Linux, ${cmp.bothPass} pass in the guest (${pct(cmp.bothPass, cmp.linux.PASS)}%); ` +
      `${cmp.reached} of them ran there (${pct(cmp.bothPass, cmp.reached)}% of those pass)`,
    `passing on Linux, not in the guest (${cmp.regressions.length}):`,
    ...cmp.regressions.map((r) => `  ${r}`),
    `passing in the guest, not on Linux (${cmp.guestOnly.length}):`,
    ...cmp.guestOnly.map((r) => `  ${r}`),
  ];
  writeFileSync(path.join(BUSYBOX_DIR, 'report.txt'), lines.join('\n') + '\n');
  console.log(lines.slice(1, 5).join('\n'));
  const shown = cmp.regressions.filter((r) => !r.endsWith(': no result'));
  for (const r of shown.slice(0, 60)) console.log(`  ${r}`);
  if (shown.length > 60) console.log(`  ... ${shown.length - 60} more in ${path.join(BUSYBOX_DIR, 'report.txt')}`);
}
