// Turns what the monitor saw into per-test results, a summary and an exit status.
// Anything short of "every planned test reported ok, the runner said done, no kernel failure"
// is a failure: a missing test, a bugcheck, a hang, a runner that never finished.
import type { TapSummary } from './tap.ts';
import { describeFailure } from './kernel.ts';
import type { PlannedTest, StopReason } from './monitor.ts';

export type Outcome = 'pass' | 'fail' | 'skip' | 'todo' | 'missing' | 'crashed' | 'hung';

export interface TestOutcome {
  id: number;
  name: string;
  outcome: Outcome;
  detail: string;
}

export interface RunReport {
  tests: TestOutcome[];
  counts: Record<Outcome, number>;
  /** Problems that are not one test's: bugcheck, hang, no done line, plan mismatch. */
  problems: string[];
  /** Evidence (the last lines of the log) when the run ended badly. */
  evidence: string[];
  exitCode: number;
}

export interface ReportInput {
  planned: PlannedTest[];
  tap: TapSummary;
  stop: StopReason | null;
  /** True when QEMU exited by itself (powered off / rebooted with -no-reboot). */
  vmExitedByItself: boolean;
  lastLines: string[];
  /** Runner-reported process kills etc., by test id. */
  notes?: Map<number, string[]>;
}

export function buildReport(input: ReportInput): RunReport {
  const { planned, tap, stop } = input;
  const problems: string[] = [];
  const byId = new Map(tap.results.map((r) => [r.id, r]));
  const blamed = stop && stop.kind !== 'done' ? currentTestOf(stop) : null;
  const tests: TestOutcome[] = [];

  for (const p of planned) {
    const r = byId.get(p.id);
    let outcome: Outcome;
    let detail = '';
    if (!r) {
      if (blamed === p.id && stop?.kind === 'kernel-failure') {
        outcome = 'crashed';
        detail = describeFailure(stop.failure);
      } else if (blamed === p.id && stop?.kind === 'timeout') {
        outcome = 'hung';
        detail = `no result after ${Math.round(stop.afterMs / 1000)} s`;
      } else {
        outcome = 'missing';
        detail = 'no result reported';
      }
    } else {
      if (r.description && r.description !== p.name) {
        problems.push(`test ${p.id}: runner reported "${r.description}", plan says "${p.name}"`);
      }
      if (r.directive === 'skip') outcome = 'skip';
      else if (r.directive === 'todo') outcome = 'todo';
      else outcome = r.ok ? 'pass' : 'fail';
      detail = r.reason;
      if (outcome === 'pass' && p.execError !== undefined && !detail) detail = `exec refused with ${p.execError} as expected`;
      if (!r.ok && r.diagnostics.length) detail += (detail ? '\n' : '') + r.diagnostics.join('\n');
    }
    const notes = outcome === 'fail' || outcome === 'crashed' || outcome === 'hung' ? input.notes?.get(p.id) : undefined;
    if (notes?.length) detail += (detail ? '\n' : '') + notes.join('\n');
    tests.push({ id: p.id, name: p.name, outcome, detail });
  }
  const plannedIds = new Set(planned.map((p) => p.id));
  for (const r of tap.results) {
    if (!plannedIds.has(r.id)) problems.push(`result for test ${r.id} ("${r.description}") which is not in the plan`);
  }
  for (const id of tap.duplicates) problems.push(`test ${id} reported more than once`);
  if (tap.plan && !tap.plan.skipReason && tap.plan.end - tap.plan.start + 1 !== planned.length) {
    problems.push(`runner's plan is ${tap.plan.start}..${tap.plan.end}, the host planned ${planned.length} tests`);
  }
  if (tap.bailout !== null) problems.push(`runner bailed out: ${tap.bailout}`);

  let evidence: string[] = [];
  if (!stop) {
    problems.push(
      input.vmExitedByItself
        ? 'the VM stopped before the runner finished (no done line): reboot, triple fault or power-off'
        : 'the run ended without a done line',
    );
    evidence = input.lastLines;
  } else if (stop.kind === 'kernel-failure') {
    const during = blamed !== null ? ` while test ${blamed} (${nameOf(planned, blamed)}) was running` : '';
    problems.push(`${describeFailure(stop.failure)}${during}`);
    evidence = input.lastLines;
  } else if (stop.kind === 'timeout') {
    const secs = Math.round(stop.afterMs / 1000);
    if (stop.what === 'until') problems.push(`the runner finished, but no later line matched --until within ${secs} s (the boot went on after the runner)`);
    else if (stop.what === 'boot') problems.push(`hang: no TAP output from the runner ${secs} s after the VM started (boot did not reach the runner)`);
    else if (stop.what === 'test') problems.push(`hang: test ${stop.test?.id} (${stop.test?.name}) silent for ${secs} s`);
    else problems.push(`hang: overall timeout after ${secs} s${stop.test ? ` while test ${stop.test.id} (${stop.test.name}) was running` : ''}`);
    evidence = input.lastLines;
  } else if (tap.done) {
    const d = tap.done;
    const seen = {
      pass: tap.results.filter((r) => r.ok && r.directive !== 'skip').length,
      fail: tap.results.filter((r) => !r.ok && r.directive !== 'skip').length,
      skip: tap.results.filter((r) => r.directive === 'skip').length,
    };
    if (d.total !== tap.results.length || d.pass !== seen.pass || d.fail !== seen.fail || d.skip !== seen.skip) {
      problems.push(
        `runner's done line (total=${d.total} pass=${d.pass} fail=${d.fail} skip=${d.skip}) does not match the results seen ` +
          `(total=${tap.results.length} pass=${seen.pass} fail=${seen.fail} skip=${seen.skip})`,
      );
    }
  }

  const counts: Record<Outcome, number> = { pass: 0, fail: 0, skip: 0, todo: 0, missing: 0, crashed: 0, hung: 0 };
  for (const t of tests) counts[t.outcome]++;
  const bad = counts.fail + counts.missing + counts.crashed + counts.hung;
  return { tests, counts, problems, evidence, exitCode: bad > 0 || problems.length > 0 ? 1 : 0 };
}

function currentTestOf(stop: StopReason): number | null {
  if (stop.kind === 'timeout') return stop.test?.id ?? null;
  if (stop.kind === 'kernel-failure') return stop.test?.id ?? null;
  return null;
}

function nameOf(planned: PlannedTest[], id: number): string {
  return planned.find((p) => p.id === id)?.name ?? '?';
}

/**
 * One line per group ("group/name" prefix) when the run has several groups or a group of
 * more than one test: "group elfcorpus: 60 tests, 60 passed".
 */
export function groupSummary(tests: TestOutcome[]): string[] {
  const groups = new Map<string, TestOutcome[]>();
  for (const t of tests) {
    const g = t.name.includes('/') ? t.name.slice(0, t.name.indexOf('/')) : '-';
    groups.set(g, [...(groups.get(g) ?? []), t]);
  }
  if (groups.size < 2 && [...groups.values()].every((l) => l.length < 2)) return [];
  return [...groups].map(([g, list]) => {
    const pass = list.filter((t) => t.outcome === 'pass').length;
    const other = list.length - pass;
    return `group ${g}: ${list.length} test${list.length === 1 ? '' : 's'}, ${pass} passed${other ? `, ${other} not` : ''}`;
  });
}

/** Human-readable report lines. */
export function formatReport(r: RunReport): string[] {
  const out: string[] = [];
  const mark: Record<Outcome, string> = {
    pass: 'PASS', fail: 'FAIL', skip: 'SKIP', todo: 'TODO', missing: 'MISSING', crashed: 'CRASHED', hung: 'HUNG',
  };
  for (const t of r.tests) {
    out.push(`${mark[t.outcome].padEnd(7)} ${String(t.id).padStart(3)} ${t.name}${t.detail ? ` # ${t.detail.split('\n')[0]}` : ''}`);
    for (const extra of t.detail.split('\n').slice(1)) out.push(`            ${extra}`);
  }
  out.push(...groupSummary(r.tests));
  for (const p of r.problems) out.push(`ERROR   ${p}`);
  if (r.evidence.length) {
    out.push(`--- last ${r.evidence.length} lines of the serial log ---`);
    out.push(...r.evidence);
    out.push('--- end of log excerpt ---');
  }
  const c = r.counts;
  out.push(
    `${r.tests.length} tests: ${c.pass} passed, ${c.fail} failed, ${c.skip} skipped, ${c.todo} todo, ` +
      `${c.missing} missing, ${c.crashed} crashed, ${c.hung} hung -> ${r.exitCode === 0 ? 'OK' : 'FAILED'}`,
  );
  return out;
}
