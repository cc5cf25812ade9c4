// The conformance runner's own logic (generator/src/conformance/busybox.ts): reading runtest's
// result lines, repeated names, the guest's serial-log prefix, the comparison, and the
// source version behind a binary package's file name. The suite itself runs with
// `lxgen conformance` (tests/conformance/README.md): it needs the network and a ReactOS build.
import { describe, expect, it } from 'vitest';
import { compareRuns, parseRuntest, sourceVersionOfDeb } from '../../generator/src/conformance/busybox.ts';

describe('busybox testsuite results', () => {
  it('reads PASS/FAIL/SKIPPED/UNTESTED lines and numbers repeated names', () => {
    const r = parseRuntest(['PASS: sed a', 'FAIL: sed b', 'noise', 'PASS: sed a', 'SKIPPED: xz (not built)', 'UNTESTED: tar-1', '======'].join('\n'));
    expect([...r.results]).toEqual([
      ['sed a', 'PASS'],
      ['sed b', 'FAIL'],
      ['sed a #2', 'PASS'],
      ['xz (not built)', 'SKIPPED'],
      ['tar-1', 'UNTESTED'],
    ]);
  });

  it('reads the guest serial log lines after their prefix, CRs dropped', () => {
    const r = parseRuntest('lxss[12]: PASS: cat -n\r\nlxss[13]: FAIL: cat -b\r\nPASS: not ours\n', /^lxss\[\d+\]: /);
    expect([...r.results]).toEqual([
      ['cat -n', 'PASS'],
      ['cat -b', 'FAIL'],
    ]);
  });

  it('compares: passes on both, regressions with what the guest gave, guest-only passes', () => {
    const linux = parseRuntest('PASS: a\nPASS: b\nPASS: c\nFAIL: d\nUNTESTED: e');
    const guest = parseRuntest('PASS: a\nFAIL: b\nPASS: d');
    const cmp = compareRuns(linux, guest);
    expect(cmp.bothPass).toBe(1);
    expect(cmp.reached).toBe(2);
    expect(cmp.regressions).toEqual(['b: FAIL', 'c: no result']);
    expect(cmp.guestOnly).toEqual(['d']);
    expect(cmp.linux).toEqual({ PASS: 3, FAIL: 1, SKIPPED: 0, UNTESTED: 1 });
    expect(cmp.guest).toEqual({ PASS: 2, FAIL: 1, SKIPPED: 0, UNTESTED: 0 });
  });

  it('finds the source version of a binary package file (epoch and binNMU dropped)', () => {
    expect(sourceVersionOfDeb('busybox-static_1%3a1.35.0-4+deb12u1+b1_i386.deb')).toBe('1.35.0-4+deb12u1');
    expect(sourceVersionOfDeb('busybox-static_1.36.1-9_i386.deb')).toBe('1.36.1-9');
  });
});
