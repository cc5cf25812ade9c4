// The ELF suites on the i386 oracle (generator/src/oracle): every program of a manifest as
// one job (patched programs under the trap harness, stock ones as they are), its TAP stream
// and exit status judged the same way wherever it ran. Shared by `lxgen elf --check` and the
// host tests (tests/musl).
import type { MuslVariant } from '../musl/build.ts';
import { i386Batch, type I386Batch, type I386Job, type I386Result, type OracleKind } from '../oracle/index.ts';
import { STDIN_DELAY_MS, STDIN_LINE, type ManifestEntry } from './suite.ts';
import { checkTap } from './tap-check.ts';

/** Groups whose oracle is not the host or the VM: group rootfs needs Debian's root file
 * system (python3, xz, procps, busybox...), so on Linux it runs in a chroot of that rootfs
 * (tests/rootfs/rootfs.test.ts), in the guest with lxgen test --rootfs. */
export const CHROOT_GROUPS: readonly string[] = ['rootfs'];

/** The entries the host or VM oracle checks (CHROOT_GROUPS left out), those that run after
 * another (after=, persist_check after persist) last, so that theirs comes before them. */
export function oracleEntries<T extends { group: string; after?: string }>(entries: T[]): T[] {
  const here = entries.filter((e) => !CHROOT_GROUPS.includes(e.group));
  return [...here.filter((e) => !e.after), ...here.filter((e) => e.after)];
}

/** The job of one suite program: patched ones trap through the harness. */
export function suiteJob(e: ManifestEntry, variant: MuslVariant): I386Job {
  const job: I386Job = { id: e.name, argv: [e.path], harness: variant === 'patched' ? [] : undefined, timeoutMs: e.timeout * 1000, after: e.after };
  // stdin the launcher holds (as the guest runner does): the line comes after a delay
  if (e.stdin) job.stdin = { text: STDIN_LINE, delayMs: STDIN_DELAY_MS, close: e.stdin === 'pipe' };
  if (e.stdin === 'tty') job.tty = { rows: 25, cols: 80 };
  return job;
}

export function suiteBatch(entries: ManifestEntry[], variant: MuslVariant, opts: { kind?: OracleKind; log?: (l: string) => void } = {}): I386Batch {
  return i386Batch(oracleEntries(entries).map((e) => suiteJob(e, variant)), opts);
}

/** Why a run of `e` failed (empty when it passed): TAP problems, exit status, harness violations. */
export function judge(e: ManifestEntry, r: I386Result): string[] {
  const tap = checkTap(r.stdout);
  const why: string[] = [];
  if (r.timedOut) why.push(`timed out after ${e.timeout} s`);
  why.push(...tap.problems, ...tap.failed.map((f) => `not ok ${f}`));
  if (r.status !== e.exit) why.push(`exit status ${r.status}${r.signal ? ` (${r.signal})` : ''}, expected ${e.exit}`);
  if (/VIOLATION/.test(r.stderr)) why.push(`harness: ${r.stderr.match(/.*VIOLATION.*/)?.[0]}`);
  return why;
}

/** The full story of a failed run, for an assertion message. */
export function describeRun(e: ManifestEntry, r: I386Result): string {
  return `${e.name}: ${judge(e, r).join('; ') || 'passed'}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
}
