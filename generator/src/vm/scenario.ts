// Tests of the desktop driven by keys (`lxgen test --scenario FILE`): the boot goes on after
// the runner to a console window running `lxrun --transcript PROGRAM` (Setup\CmdLine), keys
// are typed through QEMU's QMP (input-send-event, a US keyboard), and what the console shows
// is checked against the text lxrun reads back from it and logs on the debug port
// ("lxscreen: NN|text" per row, "lxscreen: cursor R C", "lxscreen: end N" once it settles).
//
// A scenario file, one step per line ('#' starts a comment line):
//   before ARGS...             (only before run, repeatable) an lxrun run first, in the same
//                              console, whatever its result (a batch file runs them all):
//                              lxrun --import...; its messages are on the debug port too
//   run [OPTIONS] PROGRAM ...  first step after them: lxrun's arguments (options such as
//                              -e N=V, then a program of the guest's Linux root and its
//                              arguments)
//   wait /REGEX/ [SECONDS]     until the screen's text (its rows joined by \n) matches
//                              (default 60 s)
//   type TEXT                  the characters of TEXT (the rest of the line, as written)
//   key NAME...                keys or chords: Enter Esc Tab Backspace Space Up Down Left
//                              Right Home End PgUp PgDn Insert Delete F1..F12, a character,
//                              with Ctrl+ Alt+ Shift+ before it (Ctrl+C, Ctrl+Z, Alt+X)
//   screenshot FILE            the VM's display as a PNG (QMP screendump), FILE relative to
//                              the project
//   sleep MILLISECONDS
export type Step =
  | { kind: 'before'; argv: string[]; line: number }
  | { kind: 'run'; argv: string[]; line: number }
  | { kind: 'wait'; pattern: RegExp; timeoutMs: number; line: number }
  | { kind: 'type'; text: string; line: number }
  | { kind: 'key'; chords: string[][]; line: number }
  | { kind: 'screenshot'; file: string; line: number }
  | { kind: 'sleep'; ms: number; line: number };

/** The QMP keys (qcodes) of a US keyboard for a printable ASCII character: [shifted, qcode] */
const UNSHIFTED: Record<string, string> = {
  ' ': 'spc', '-': 'minus', '=': 'equal', '[': 'bracket_left', ']': 'bracket_right', ';': 'semicolon',
  "'": 'apostrophe', '`': 'grave_accent', '\\': 'backslash', ',': 'comma', '.': 'dot', '/': 'slash',
};
const SHIFTED: Record<string, string> = {
  '!': '1', '@': '2', '#': '3', $: '4', '%': '5', '^': '6', '&': '7', '*': '8', '(': '9', ')': '0',
  _: 'minus', '+': 'equal', '{': 'bracket_left', '}': 'bracket_right', ':': 'semicolon', '"': 'apostrophe',
  '~': 'grave_accent', '|': 'backslash', '<': 'comma', '>': 'dot', '?': 'slash',
};
const NAMED: Record<string, string> = {
  enter: 'ret', esc: 'esc', escape: 'esc', tab: 'tab', backspace: 'backspace', space: 'spc', up: 'up', down: 'down',
  left: 'left', right: 'right', home: 'home', end: 'end', pgup: 'pgup', pgdn: 'pgdn', insert: 'insert', delete: 'delete',
};
const MODIFIERS: Record<string, string> = { ctrl: 'ctrl', alt: 'alt', shift: 'shift' };

/** The qcodes held together for one character: [] if it cannot be typed */
export function charChord(c: string): string[] {
  if (/^[a-z0-9]$/.test(c)) return [c];
  if (/^[A-Z]$/.test(c)) return ['shift', c.toLowerCase()];
  if (c in UNSHIFTED) return [UNSHIFTED[c]!];
  if (c in SHIFTED) return ['shift', SHIFTED[c]!];
  if (c === '\n') return ['ret'];
  if (c === '\t') return ['tab'];
  return [];
}

/** "Ctrl+Alt+X", "Enter", "F5", "q" -> qcodes held together */
export function keyChord(name: string): string[] {
  const parts = name.split('+');
  const last = parts.pop()!;
  const mods = parts.map((p) => {
    const m = MODIFIERS[p.toLowerCase()];
    if (!m) throw new Error(`unknown modifier ${p} in ${name}`);
    return m;
  });
  let keys: string[];
  const lower = last.toLowerCase();
  if (lower in NAMED) keys = [NAMED[lower]!];
  else if (/^f([1-9]|1[0-2])$/.test(lower)) keys = [lower];
  else if (last.length === 1 && charChord(last).length) keys = charChord(mods.length && /^[A-Z]$/.test(last) ? last.toLowerCase() : last);
  else throw new Error(`unknown key ${name}`);
  return [...mods, ...keys.filter((k) => !mods.includes(k))];
}

/** Parses a scenario; errors name the line. */
export function parseScenario(text: string, file = 'scenario'): Step[] {
  const steps: Step[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const where = `${file}:${line}`;
    const s = raw.replace(/^\s+/, '');
    if (s === '' || s.startsWith('#')) return;
    const sp = s.indexOf(' ');
    const verb = sp < 0 ? s : s.slice(0, sp);
    const rest = sp < 0 ? '' : s.slice(sp + 1);
    switch (verb) {
      case 'before':
      case 'run':
        if (!rest.trim()) throw new Error(`${where}: ${verb} needs lxrun's arguments`);
        if (steps.some((s) => s.kind !== 'before')) throw new Error(`${where}: ${verb} must come first (before steps, then run)`);
        steps.push({ kind: verb, argv: rest.trim().split(/\s+/), line });
        break;
      case 'wait': {
        const m = /^\/(.*)\/([a-z]*)(?:\s+(\d+(?:\.\d+)?))?\s*$/.exec(rest);
        if (!m) throw new Error(`${where}: wait /REGEX/ [SECONDS]`);
        let pattern: RegExp;
        try {
          pattern = new RegExp(m[1]!, m[2]);
        } catch (e) {
          throw new Error(`${where}: ${(e as Error).message}`);
        }
        steps.push({ kind: 'wait', pattern, timeoutMs: m[3] ? Number(m[3]) * 1000 : 60_000, line });
        break;
      }
      case 'type':
        for (const c of rest) if (!charChord(c).length) throw new Error(`${where}: cannot type ${JSON.stringify(c)} on a US keyboard`);
        steps.push({ kind: 'type', text: rest, line });
        break;
      case 'key':
        try {
          steps.push({ kind: 'key', chords: rest.trim().split(/\s+/).map(keyChord), line });
        } catch (e) {
          throw new Error(`${where}: ${(e as Error).message}`);
        }
        break;
      case 'screenshot':
        if (!rest.trim()) throw new Error(`${where}: screenshot needs a file`);
        steps.push({ kind: 'screenshot', file: rest.trim(), line });
        break;
      case 'sleep':
        if (!/^\d+$/.test(rest.trim())) throw new Error(`${where}: sleep MILLISECONDS`);
        steps.push({ kind: 'sleep', ms: Number(rest.trim()), line });
        break;
      default:
        throw new Error(`${where}: unknown step ${verb} (run, wait, type, key, screenshot, sleep)`);
    }
  });
  const run = steps.find((s) => s.kind !== 'before');
  if (!run || run.kind !== 'run') throw new Error(`${file}: the first step must be run PROGRAM (before steps may precede it)`);
  return steps;
}

/** The last complete screen lxrun logged */
export interface Screen {
  rows: string[];
  cursor: [number, number];
  frame: number;
}

/** Collects "lxscreen:" lines into screens */
export class ScreenLog {
  private rows: string[] = [];
  private cursor: [number, number] = [0, 0];
  last: Screen | null = null;
  private listeners: (() => void)[] = [];

  feed(line: string): void {
    const m = /lxscreen: (?:(\d+)\|(.*?)\r?$|cursor (\d+) (\d+)|end (\d+))/.exec(line);
    if (!m) return;
    if (m[1] !== undefined) this.rows[Number(m[1])] = m[2]!;
    else if (m[3] !== undefined) this.cursor = [Number(m[3]), Number(m[4])];
    else {
      this.last = { rows: Array.from(this.rows, (r) => r ?? ''), cursor: this.cursor, frame: Number(m[5]) };
      this.rows = [];
      for (const l of this.listeners.splice(0)) l();
    }
  }

  text(): string {
    return this.last ? this.last.rows.join('\n') : '';
  }

  /** Resolves at the next complete screen, or after ms */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.listeners.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

export interface ScenarioIo {
  /** holds the keys of each chord down, then lets them go, one chord after the other */
  keys: (chords: string[][]) => Promise<void>;
  screenshot: (file: string) => Promise<void>;
  log: (line: string) => void;
}

export interface ScenarioResult {
  ok: boolean;
  /** the step that failed, and why */
  failure?: string;
  steps: number;
}

/** Runs the steps after run (the program is started by the boot) against the screens fed. */
export async function runScenario(steps: Step[], screens: ScreenLog, io: ScenarioIo, file = 'scenario'): Promise<ScenarioResult> {
  let done = 0;
  for (const step of steps) {
    const where = `${file}:${step.line}`;
    switch (step.kind) {
      case 'before':
      case 'run':
        break;
      case 'wait': {
        const end = Date.now() + step.timeoutMs;
        while (!step.pattern.test(screens.text())) {
          const left = end - Date.now();
          if (left <= 0) {
            return { ok: false, steps: done, failure: `${where}: the screen never matched ${step.pattern} within ${step.timeoutMs / 1000} s; it shows:\n${screens.text()}` };
          }
          await screens.next(Math.min(left, 1000));
        }
        io.log(`${where}: the screen matches ${step.pattern}`);
        break;
      }
      case 'type':
        await io.keys([...step.text].map(charChord));
        io.log(`${where}: typed ${JSON.stringify(step.text)}`);
        break;
      case 'key':
        await io.keys(step.chords);
        io.log(`${where}: keys ${step.chords.map((c) => c.join('+')).join(' ')}`);
        break;
      case 'screenshot':
        await io.screenshot(step.file);
        io.log(`${where}: screenshot ${step.file}`);
        break;
      case 'sleep':
        await new Promise((r) => setTimeout(r, step.ms));
        break;
    }
    done++;
  }
  return { ok: true, steps: done };
}

/** QMP input-send-event commands for chords: each chord's keys down in order, then up in reverse */
export function keyEvents(chords: string[][]): object[] {
  return chords.map((chord) => ({
    execute: 'input-send-event',
    arguments: {
      events: [
        ...chord.map((k) => ({ type: 'key', data: { down: true, key: { type: 'qcode', data: k } } })),
        ...[...chord].reverse().map((k) => ({ type: 'key', data: { down: false, key: { type: 'qcode', data: k } } })),
      ],
    },
  }));
}

/** The batch file of a scenario with before steps (Setup\CmdLine holds a MAX_PATH command
 * line at most): each lxrun run on a line of its own, whatever the results, then the run */
export const SCENARIO_SCRIPT = 'lxscenario.cmd';

function checkArgs(all: string[][]): void {
  for (const a of all)
    if (/["\r\n<>|&^%]/.test(a.join(' '))) throw new Error(`run ${a.join(' ')}: no quotes, line breaks or characters cmd.exe interprets (< > | & ^ %)`);
}

export function scenarioScript(argv: string[], before: string[][]): string {
  checkArgs([...before, argv]);
  return ['@echo off', ...before.map((b) => ['lxrun.exe', ...b].join(' ')), ['lxrun.exe', '--transcript', ...argv].join(' '), ''].join('\r\n');
}

/** The .inf that makes winlogon start lxrun on the scenario's program (Setup\CmdLine), in
 * cmd.exe's console window (winlogon gives a program it starts there no console of its own);
 * with before steps, cmd.exe runs SCENARIO_SCRIPT (system32) instead */
export function scenarioInf(argv: string[], before: string[][] = []): string {
  checkArgs([...before, argv]);
  const cmd = before.length ? `cmd.exe /c ${SCENARIO_SCRIPT}` : ['cmd.exe', '/c', 'lxrun.exe', '--transcript', ...argv].join(' ');
  return ['[Version]', 'Signature = "$Windows NT$"', '', '[AddReg]', `HKLM,"SYSTEM\\Setup","CmdLine",0x00020000,"${cmd}"`, ''].join('\r\n');
}

