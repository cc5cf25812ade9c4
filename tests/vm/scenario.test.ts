// The desktop scenarios' parts that need no VM (generator/src/vm/scenario.ts): the step
// parser and its errors, US-keyboard chords, QMP events, the transcript of screens lxrun
// logs, and the runner of steps against a fake screen and fake keys.
import { describe, expect, it } from 'vitest';
import { charChord, keyChord, keyEvents, parseScenario, runScenario, scenarioInf, scenarioScript, ScreenLog } from '../../generator/src/vm/scenario.ts';

describe('scenario parser', () => {
  it('reads run, wait, type, key, screenshot and sleep steps', () => {
    const steps = parseScenario(['# a comment', 'run /bin/bash --norc', 'wait /\\$ $/m 30', 'type echo hi', 'key Enter Ctrl+C Alt+x F5 Up', 'screenshot docs/x.png', 'sleep 100', ''].join('\n'));
    expect(steps.map((s) => s.kind)).toEqual(['run', 'wait', 'type', 'key', 'screenshot', 'sleep']);
    expect(steps[0]).toMatchObject({ argv: ['/bin/bash', '--norc'] });
    expect(steps[1]).toMatchObject({ timeoutMs: 30_000 });
    expect((steps[1] as { pattern: RegExp }).pattern.test('x\n$ ')).toBe(true);
    expect(steps[3]).toMatchObject({ chords: [['ret'], ['ctrl', 'c'], ['alt', 'x'], ['f5'], ['up']] });
  });

  it('refuses what it cannot do, naming the line', () => {
    expect(() => parseScenario('wait /x/')).toThrow(/first step must be run/);
    expect(() => parseScenario('run /bin/sh\nfrobnicate')).toThrow(/scenario:2: unknown step frobnicate/);
    expect(() => parseScenario('run /bin/sh\nwait /(/')).toThrow(/scenario:2:/);
    expect(() => parseScenario('run /bin/sh\ntype é')).toThrow(/cannot type "é"/);
    expect(() => parseScenario('run /bin/sh\nkey Hyper+A')).toThrow(/unknown modifier Hyper/);
    expect(() => parseScenario('run /bin/sh\nrun /bin/sh')).toThrow(/run must come first/);
  });

  it('types on a US keyboard: shift for capitals and symbols', () => {
    expect(charChord('a')).toEqual(['a']);
    expect(charChord('Q')).toEqual(['shift', 'q']);
    expect(charChord(':')).toEqual(['shift', 'semicolon']);
    expect(charChord('/')).toEqual(['slash']);
    expect(charChord(' ')).toEqual(['spc']);
    expect(keyChord('Ctrl+Z')).toEqual(['ctrl', 'z']);
    expect(keyChord('Shift+Tab')).toEqual(['shift', 'tab']);
    expect(keyEvents([['ctrl', 'c']])).toEqual([
      {
        execute: 'input-send-event',
        arguments: {
          events: [
            { type: 'key', data: { down: true, key: { type: 'qcode', data: 'ctrl' } } },
            { type: 'key', data: { down: true, key: { type: 'qcode', data: 'c' } } },
            { type: 'key', data: { down: false, key: { type: 'qcode', data: 'c' } } },
            { type: 'key', data: { down: false, key: { type: 'qcode', data: 'ctrl' } } },
          ],
        },
      },
    ]);
  });

  it('starts lxrun --transcript from Setup\\CmdLine', () => {
    expect(scenarioInf(['/bin/bash', '-i'])).toContain('HKLM,"SYSTEM\\Setup","CmdLine",0x00020000,"cmd.exe /c lxrun.exe --transcript /bin/bash -i"');
    expect(() => scenarioInf(['a"b'])).toThrow(/no quotes/);
  });

  it('runs the before steps from a batch file, each whatever the result, then the run', () => {
    const steps = parseScenario('before --import d C:\\d C:\\x.tar\nbefore --list\nrun /bin/sh\nwait /x/\n', 's.scn');
    expect(steps.map((s) => s.kind)).toEqual(['before', 'before', 'run', 'wait']);
    expect(scenarioInf(['/bin/sh'], [['--list']])).toContain('"CmdLine",0x00020000,"cmd.exe /c lxscenario.cmd"');
    expect(scenarioScript(['/bin/sh'], [['--import', 'd', 'C:\\d', 'C:\\x.tar'], ['--list']])).toBe(
      '@echo off\r\nlxrun.exe --import d C:\\d C:\\x.tar\r\nlxrun.exe --list\r\nlxrun.exe --transcript /bin/sh\r\n');
    expect(() => parseScenario('run /bin/sh\nbefore --list\n', 's.scn')).toThrow(/before must come first/);
  });
});

describe('scenario runs', () => {
  const frame = (log: ScreenLog, rows: string[], n: number) => {
    rows.forEach((r, i) => log.feed(`(lxrun.exe) lxscreen: ${String(i).padStart(2, '0')}|${r}`));
    log.feed('lxscreen: cursor 1 2');
    log.feed(`lxscreen: end ${n}`);
  };

  it('waits for screens, types, and stops at a wait that times out', async () => {
    const log = new ScreenLog();
    const typed: string[][][] = [];
    const io = { keys: async (c: string[][]) => void typed.push(c), screenshot: async () => {}, log: () => {} };
    setTimeout(() => frame(log, ['$ '], 1), 50);
    setTimeout(() => frame(log, ['$ echo hi', 'hi', '$ '], 2), 150);
    const steps = parseScenario('run /bin/sh\nwait /^\\$ $/m 2\ntype hi\nwait /^hi$/m 2\nwait /never/ 0.3');
    const r = await runScenario(steps, log, io);
    expect(r.ok).toBe(false);
    expect(r.steps).toBe(4);
    expect(r.failure).toMatch(/scenario:5: the screen never matched \/never\/ within 0.3 s; it shows:\n\$ echo hi\nhi\n\$ /);
    expect(typed).toEqual([[['h'], ['i']]]);
    expect(log.last?.cursor).toEqual([1, 2]);
  });
});
