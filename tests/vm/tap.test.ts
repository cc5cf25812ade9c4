// TAP 13 parser: standard TAP, the runner's run/done comments, and TAP interleaved with
// kernel debug output on one serial port (recorded logs in fixtures/).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTap, TapParser } from '../../generator/src/tap/tap.ts';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('TAP parser', () => {
  it('parses plain TAP 13 without a prefix', () => {
    const s = parseTap(
      ['TAP version 13', '1..4', 'ok 1 - a', 'not ok 2 - b # exit 3', 'ok 3 - c # SKIP no clock', 'not ok 4 - d # TODO later'].join('\n'),
      null,
    );
    expect(s.version).toBe(13);
    expect(s.plan).toMatchObject({ start: 1, end: 4 });
    expect(s.results.map((r) => [r.id, r.ok, r.description, r.directive, r.reason])).toEqual([
      [1, true, 'a', null, ''],
      [2, false, 'b', null, 'exit 3'],
      [3, true, 'c', 'skip', 'no clock'],
      [4, false, 'd', 'todo', 'later'],
    ]);
    expect(s.missing).toEqual([]);
  });

  it('numbers results without a number sequentially and finds missing and duplicate tests', () => {
    const s = parseTap(['1..4', 'ok', 'ok - second', 'ok 2 - again'].join('\n'), null);
    expect(s.results.map((r) => r.id)).toEqual([1, 2, 2]);
    expect(s.missing).toEqual([3, 4]);
    expect(s.duplicates).toEqual([2]);
  });

  it('keeps escaped hashes in descriptions and reads a skipped plan', () => {
    const s = parseTap(['1..0 # SKIP no lxcore', 'ok 1 - a \\# b'].join('\n'), null);
    expect(s.plan?.skipReason).toBe('no lxcore');
    expect(s.results[0]!.description).toBe('a # b');
    expect(s.missing).toEqual([]);
  });

  it('attaches YAML diagnostics to the preceding result', () => {
    const s = parseTap(['1..1', 'not ok 1 - x', '  ---', '  got: 139', '  expected: 0', '  ...', '# done total=1 pass=0 fail=1 skip=0'].join('\n'), null);
    expect(s.results[0]!.diagnostics).toEqual(['got: 139', 'expected: 0']);
    expect(s.done).toMatchObject({ total: 1, pass: 0, fail: 1, skip: 0 });
  });

  it('ignores kernel output and finds prefixed TAP anywhere in a line', () => {
    const s = parseTap(fixture('mixed.serial.txt'));
    expect(s.plan).toMatchObject({ start: 1, end: 5 });
    expect(s.results.map((r) => `${r.ok ? 'ok' : 'not ok'} ${r.id} ${r.directive ?? ''}`.trim())).toEqual([
      'ok 1',
      'not ok 2',
      'ok 3 skip',
      'not ok 4 todo',
      'ok 5',
    ]);
    expect(s.results[1]!.reason).toBe('exit status 139, expected 0');
    expect(s.results[1]!.diagnostics).toEqual(['expected: 0', 'got: 139']);
    expect(s.done).toMatchObject({ total: 5, pass: 2, fail: 2, skip: 1 });
    expect(s.unknown).toEqual([]);
  });

  it('reports run lines, bail out and malformed lines as events', () => {
    const p = new TapParser();
    p.feedLine('noise');
    expect(p.feedLine('LXTAP: # run 7 - pipes/x')).toEqual([{ kind: 'run', id: 7, name: 'pipes/x', line: 2 }]);
    expect(p.feedLine('LXTAP: Bail out! no payload disk')[0]).toMatchObject({ kind: 'bailout', reason: 'no payload disk' });
    expect(p.feedLine('LXTAP: garbage')[0]).toMatchObject({ kind: 'unknown', text: 'garbage' });
    expect(p.summary().bailout).toBe('no payload disk');
  });

  it("keeps the runner's leak check after the last test (the last one wins; none without one)", () => {
    const leak = parseTap(['1..1', 'ok 1 - a', '# leaks before: files 0 (0 B)', '# leak check: LEAK files +3 (+65712 B)', '# done total=1 pass=1 fail=0 skip=0'].join('\n'), null);
    expect(leak.leakCheck).toBe('LEAK files +3 (+65712 B)');
    const clean = parseTap(['1..1', 'ok 1 - a', '# leak check: clean (settled after 100 ms)'].join('\n'), null);
    expect(clean.leakCheck).toBe('clean (settled after 100 ms)');
    expect(parseTap(['1..1', 'ok 1 - a'].join('\n'), null).leakCheck).toBeNull();
  });

  it('sees the missing test in a recorded log', () => {
    const s = parseTap(fixture('missing.serial.txt'));
    expect(s.missing).toEqual([2]);
    expect(s.done?.total).toBe(2);
  });
});
