// Strict TAP 13 check for one ELF test's stdout: "TAP version 13", a plan "1..N" (before
// or after the results), exactly N results numbered 1..N in order, every one "ok".
// A "# SKIP" directive counts as passing only when allowSkip is set.

export interface TapCheck {
  ok: boolean;
  planned: number | null;
  passed: number;
  failed: string[];
  skipped: string[];
  problems: string[];
}

export function checkTap(out: string, opts: { allowSkip?: boolean } = {}): TapCheck {
  const lines = out.split('\n').map((l) => l.replace(/\r$/, ''));
  const problems: string[] = [];
  const failed: string[] = [];
  const skipped: string[] = [];
  let planned: number | null = null;
  let passed = 0;
  let next = 1;
  if (lines[0] !== 'TAP version 13') problems.push(`first line is not "TAP version 13": ${JSON.stringify(lines[0])}`);
  for (const line of lines) {
    const plan = /^1\.\.(\d+)(\s+#.*)?$/.exec(line);
    if (plan) {
      if (planned !== null) problems.push('more than one plan line');
      planned = Number(plan[1]);
      continue;
    }
    if (/^Bail out!/.test(line)) {
      problems.push(line);
      continue;
    }
    const res = /^(not ok|ok)\s+(\d+)\s*(?:-\s*)?([^#]*?)\s*(?:#\s*(.*))?$/.exec(line);
    if (!res) continue;
    const [, status, num, desc, directive] = res;
    if (Number(num) !== next) problems.push(`result ${num} out of order (expected ${next})`);
    next = Number(num) + 1;
    const isSkip = /^skip\b/i.test(directive ?? '');
    if (status === 'ok' && isSkip) {
      skipped.push(`${num} - ${desc}: ${directive}`);
      if (!opts.allowSkip) problems.push(`test ${num} skipped: ${directive}`);
    } else if (status === 'ok') passed++;
    else failed.push(`${num} - ${desc}${directive ? ` # ${directive}` : ''}`);
  }
  const results = next - 1;
  if (planned === null) problems.push('no plan line 1..N');
  else if (planned !== results) problems.push(`planned ${planned} results, got ${results}`);
  if (planned === 0) problems.push('empty plan');
  return { ok: problems.length === 0 && failed.length === 0, planned, passed, failed, skipped, problems };
}
