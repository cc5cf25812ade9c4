// Expected-exec-failure entries ("execError" in a manifest entry): manifest parsing, the
// plan's sixth field for the runner, the report, and the malformed-ELF corpus (group
// elfcorpus) that `lxgen test` runs this way.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { planTests, planText, readManifest, readManifests } from '../../generator/src/vm/payload.ts';
import { buildReport, formatReport, groupSummary } from '../../generator/src/tap/report.ts';
import { parseTap } from '../../generator/src/tap/tap.ts';
import { buildElfCorpus, corpusEntries, CORPUS_DIR, defaultTestEntries } from '../../generator/src/elf/corpus.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'lxss-execerr-'));

function manifestWith(entries: unknown[]): string {
  const d = tmp();
  for (const f of ['hello', 'bad.elf', 'other.elf']) writeFileSync(path.join(d, f), 'x');
  const m = path.join(d, 'manifest.json');
  writeFileSync(m, JSON.stringify(entries));
  return m;
}

describe('execError manifest entries', () => {
  const m = manifestWith([
    { name: 'hello', group: 'basic', needs: [], timeout: 5, path: 'hello' },
    { name: 'bad', group: 'elfcorpus', needs: [], timeout: 10, path: 'bad.elf', execError: -8 },
  ]);

  it('reads execError and leaves it out of ordinary entries', () => {
    const e = readManifest(m);
    expect(e.map((x) => [x.name, x.execError])).toEqual([
      ['hello', undefined],
      ['bad', -8],
    ]);
    expect('execError' in (e[0] as object)).toBe(false);
  });

  it('rejects an execError that is not a negative errno, or one given with exit', () => {
    for (const bad of [8, 0, -8.5, '-8', -5000]) {
      const f = manifestWith([{ name: 'bad', group: 'g', needs: [], timeout: 10, path: 'bad.elf', execError: bad }]);
      expect(() => readManifest(f), JSON.stringify(bad)).toThrow(/execError/);
    }
    const both = manifestWith([{ name: 'bad', group: 'g', needs: [], timeout: 10, path: 'bad.elf', execError: -8, exit: 1 }]);
    expect(() => readManifest(both)).toThrow(/exclude/);
  });

  it('plans it with a sixth field the runner reads; ordinary lines keep five', () => {
    const tests = planTests(readManifest(m));
    expect(tests.map((t) => t.execError)).toEqual([undefined, -8]);
    expect(planText(tests).split('\n').slice(1, 3)).toEqual(['1\tbasic/hello\telf/hello\t0\t5', '2\telfcorpus/bad\telf/bad.elf\t0\t10\t-8']);
    expect(planTests(readManifest(m), 'elfcorpus/*').map((t) => [t.id, t.name])).toEqual([[1, 'elfcorpus/bad']]);
  });

  it('merges several manifests in order', () => {
    const other = manifestWith([{ name: 'other', group: 'elfcorpus', needs: [], timeout: 10, path: 'other.elf', execError: -2 }]);
    expect(readManifests([m, other]).map((e) => e.name)).toEqual(['hello', 'bad', 'other']);
  });
});

function report(lines: string[], planned: { id: number; name: string; timeout: number; execError?: number }[]) {
  return buildReport({
    planned,
    tap: parseTap(lines.join('\n'), null),
    stop: { kind: 'done' },
    vmExitedByItself: true,
    lastLines: [],
  });
}

describe('the report for execError entries', () => {
  const planned = [
    { id: 1, name: 'elfcorpus/00-empty', timeout: 10, execError: -8 },
    { id: 2, name: 'elfcorpus/04-bad-magic', timeout: 10, execError: -8 },
    { id: 3, name: 'basic/hello', timeout: 5 },
  ];

  it('passes a refused exec, fails an accepted one or a wrong error, and sums up per group', () => {
    const r = report(
      [
        'TAP version 13',
        '1..3',
        'ok 1 - elfcorpus/00-empty',
        'not ok 2 - elfcorpus/04-bad-magic # exec succeeded (pid 5), expected exec failure -8 (SIGKILL sent)',
        'ok 3 - basic/hello',
        '# done total=3 pass=2 fail=1 skip=0',
      ],
      planned,
    );
    expect(r.tests.map((t) => [t.outcome, t.detail])).toEqual([
      ['pass', 'exec refused with -8 as expected'],
      ['fail', 'exec succeeded (pid 5), expected exec failure -8 (SIGKILL sent)'],
      ['pass', ''],
    ]);
    expect(r.exitCode).toBe(1);
    const text = formatReport(r);
    expect(text).toContain('group elfcorpus: 2 tests, 1 passed, 1 not');
    expect(text).toContain('group basic: 1 test, 1 passed');
  });

  it('prints no group lines for a single one-test group', () => {
    expect(groupSummary([{ id: 1, name: 'basic/hello', outcome: 'pass', detail: '' }])).toEqual([]);
  });
});

const gcc = spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status === 0;
if (!gcc) console.log('SKIP malformed-ELF corpus build: no gcc on this machine (run generator/setup.sh)');

describe('the malformed-ELF corpus as a test group', () => {
  it('names one entry per .elf file, sorted, each expecting -ENOEXEC', () => {
    const e = corpusEntries('/c', ['01-b.elf', 'manifest.json', '00-a.elf']);
    expect(e.map((x) => [x.name, x.group, x.path, x.execError])).toEqual([
      ['00-a', 'elfcorpus', '/c/00-a.elf', -8],
      ['01-b', 'elfcorpus', '/c/01-b.elf', -8],
    ]);
  });

  it.runIf(gcc)('builds the 64-file corpus from tests/lxcore/c/test_elf.c and adds it to the default entries', () => {
    const manifest = buildElfCorpus({ force: true });
    const files = readdirSync(path.join(CORPUS_DIR, 'files'));
    expect(files.length).toBeGreaterThanOrEqual(64);
    const suite = manifestWith([{ name: 'hello', group: 'basic', needs: [], timeout: 5, path: 'hello' }]);
    const all = defaultTestEntries(readManifest, suite, () => {});
    expect(all[0]?.name).toBe('hello');
    const corpus = all.filter((e) => e.group === 'elfcorpus');
    expect(corpus.length).toBe(files.length);
    // -ENOEXEC, except a valid program whose interpreter is wrong: the errno its name gives
    expect(corpus.every((e) => e.execError === (/\.e\d+$/.test(e.name) ? -Number(/\.e(\d+)$/.exec(e.name)![1]) : -8))).toBe(true);
    expect(corpus.find((e) => e.name === '60-interp-missing.e2')?.execError).toBe(-2);
    expect(corpus.find((e) => e.name === '62-interp-not-elf.e80')?.execError).toBe(-80);
    expect(readManifest(manifest).length).toBe(files.length);
    // planned with safe disk names, one line each
    const plan = planText(planTests(all, 'elfcorpus/*')).trim().split('\n').slice(1);
    expect(plan.length).toBe(files.length);
    expect(plan[0]).toBe('1\telfcorpus/00-empty\telf/00-empty.elf\t0\t10\t-8');
  });
});
