// The checks around mkhive in `lxgen test`:
//   - before it runs, the user's --inf files are read as mkhive would and refused, with their
//     file and line, where mkhive would silently do nothing or something else: a root key it
//     does not know, a key outside the hives it makes, a section it does not read, flags or a
//     REG_DWORD that are not numbers, a quote left open;
//   - after it runs, every hive is read back and checked (hive.ts); a corrupt hive is refused
//     naming the key, the value and the .inf line that wrote it last (and the earlier lines
//     that line overrides, since an override is what mkhive has got wrong before);
//   - every value the --inf files set last is read back from its hive and compared with what
//     the line says (REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ, REG_DWORD).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { applyRegLines, FLG_ADDREG_BINVALUETYPE, infLines, infNumber, readInfText, type InfLine } from './boot-files.ts';
import { findKey, findValue, readHive, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_SZ, valueStrings, type HiveKey } from './hive.ts';

/** The hives `lxgen test` has mkhive make, by file name, and the registry path each is loaded at. */
export const HIVE_ROOTS: Record<string, string> = {
  system: 'HKLM\\SYSTEM',
  software: 'HKLM\\SOFTWARE',
  default: 'HKU\\.DEFAULT',
  sam: 'HKLM\\SAM',
  security: 'HKLM\\SECURITY',
};

const ROOTS: Record<string, string> = {
  HKLM: 'HKLM',
  HKEY_LOCAL_MACHINE: 'HKLM',
  HKU: 'HKU',
  HKEY_USERS: 'HKU',
  HKCU: 'HKU\\.DEFAULT', // mkhive: \Registry\User\.DEFAULT
  HKEY_CURRENT_USER: 'HKU\\.DEFAULT',
  HKCR: 'HKLM\\SOFTWARE\\Classes',
  HKEY_CLASSES_ROOT: 'HKLM\\SOFTWARE\\Classes',
};

/** Where an .inf line's root and key land: hive file name and lower-cased path in it, or why not. */
export function hiveLocation(root: string, key: string): { hive: string; path: string } | { error: string } {
  const r = ROOTS[root.trim().toUpperCase()];
  if (!r) return { error: `root key "${root}" is not one mkhive writes to (HKLM, HKCU, HKU, HKCR)` };
  const full = `${r}\\${key.replace(/^\\+|\\+$/g, '')}`.replace(/\\+$/, '').toLowerCase();
  for (const [hive, at] of Object.entries(HIVE_ROOTS)) {
    const a = at.toLowerCase();
    if (full === a || full.startsWith(`${a}\\`)) {
      // mkhive makes CurrentControlSet a link to ControlSet001.
      const p = full.slice(a.length + 1).replace(/^currentcontrolset(?=\\|$)/, 'controlset001');
      return { hive, path: p };
    }
  }
  return { error: `${r}\\${key} is in none of the hives mkhive makes (${Object.values(HIVE_ROOTS).join(', ')})` };
}

function keyId(root: string, key: string): string | null {
  const at = hiveLocation(root, key);
  return 'error' in at ? null : `${at.hive}:${at.path}`;
}

/** A line in a file, for messages. */
export interface InfLineRef extends InfLine {
  file: string;
}

const where = (l: InfLineRef) => `${l.file}:${l.line}`;

const KNOWN_SECTIONS = new Set(['version', 'addreg', 'delreg', 'strings']);
const NUMBER = /^(0x[0-9a-f]+|[0-9]+)$/i;

/** Every unterminated quote of a text: 1-based line numbers. */
function openQuotes(text: string): number[] {
  const out: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    let quoted = false;
    for (const c of line) {
      if (c === '"') quoted = !quoted;
      else if (c === ';' && !quoted) break;
    }
    if (quoted) out.push(i + 1);
  });
  return out;
}

/**
 * What in a user's .inf mkhive would not do as written: a list of "file:line: why"
 * (empty when the file is fine).
 */
export function lintInf(file: string): string[] {
  if (!existsSync(file)) return [`${file}: does not exist`];
  const text = readInfText(file);
  const problems = openQuotes(text).map((n) => `${file}:${n}: a quote is not closed`);
  const sections = new Set<string>();
  for (const l of infLines(text)) {
    const at = `${file}:${l.line}`;
    if (l.section === '') {
      problems.push(`${at}: a line outside any section`);
      continue;
    }
    if (!KNOWN_SECTIONS.has(l.section)) {
      if (!sections.has(l.section)) problems.push(`${at}: mkhive reads only [AddReg] and [DelReg]; section [${l.section}] would be ignored`);
      sections.add(l.section);
      continue;
    }
    if (l.section !== 'addreg' && l.section !== 'delreg') continue;
    const [root = '', key = '', , flags] = l.fields;
    const loc = hiveLocation(root, key);
    if ('error' in loc) problems.push(`${at}: ${loc.error}`);
    if (!key) problems.push(`${at}: no key`);
    if (flags !== undefined && flags !== '' && !NUMBER.test(flags)) problems.push(`${at}: flags "${flags}" are not a number`);
    const n = flags ? infNumber(flags) : 0;
    if (l.section === 'addreg' && (n & 0xffff0001) === 0x00010001 && l.fields.length === 5 && !NUMBER.test(l.fields[4] ?? '')) {
      problems.push(`${at}: REG_DWORD data "${l.fields[4]}" is not a number`);
    }
  }
  return problems;
}

/** What a line writes, as far as it can be compared after mkhive: type and data. */
interface Expected {
  line: InfLineRef;
  type: number | null;
  strings?: string[];
  dword?: number;
}

/** String types by the flags' high word (FLG_ADDREG_TYPE_SZ, _MULTI_SZ, _EXPAND_SZ). */
const TYPE_OF_FLAGS: Record<number, number> = { 0x0000_0000: REG_SZ, 0x0001_0000: REG_MULTI_SZ, 0x0002_0000: REG_EXPAND_SZ };

function expectedOf(l: InfLineRef, flags: number): Expected {
  const f = l.fields;
  const data = f.slice(4);
  // Strings with %substitutions% and appended multi-strings depend on more than this line.
  if (data.some((d) => d.includes('%')) || flags & 0x8 /* FLG_ADDREG_APPEND */) return { line: l, type: null };
  if ((flags & 0xffff0001) === 0x00010001) return data.length <= 1 ? { line: l, type: REG_DWORD, dword: data[0] ? infNumber(data[0]) : 0 } : { line: l, type: null };
  if (flags & FLG_ADDREG_BINVALUETYPE) return { line: l, type: null };
  const type = TYPE_OF_FLAGS[flags & 0xffff0000] ?? null;
  if (type === null) return { line: l, type: null };
  return { line: l, type, strings: type === REG_MULTI_SZ ? data : [data.join(',')] };
}

/** For every value the inputs set: the line that set it last and what it wrote, per key id. */
export function lastWriters(inputs: string[]): Map<string, Map<string, Expected>> {
  const model = new Map<string, Map<string, Expected>>();
  for (const file of inputs) {
    const lines = infLines(readInfText(file)).map((l) => ({ ...l, file }));
    applyRegLines(model, lines, keyId, (l, flags) => expectedOf(l as InfLineRef, flags));
  }
  return model;
}

/** Every AddReg line of the inputs that writes this value (oldest first). */
function writersOf(inputs: string[], hive: string, keyPath: string, value: string | null): InfLineRef[] {
  const out: InfLineRef[] = [];
  const id = `${hive}:${keyPath.toLowerCase()}`;
  for (const file of inputs) {
    for (const l of infLines(readInfText(file))) {
      if (l.section !== 'addreg' || keyId(l.fields[0] ?? '', l.fields[1] ?? '') !== id) continue;
      if (value !== null && (l.fields[2] ?? '').toLowerCase() !== value.toLowerCase()) continue;
      out.push({ ...l, file });
    }
  }
  return out;
}

function describe(type: number | null, data: { strings?: string[]; dword?: number }): string {
  if (type === REG_DWORD) return `REG_DWORD 0x${(data.dword ?? 0).toString(16)}`;
  const name = type === REG_MULTI_SZ ? 'REG_MULTI_SZ' : type === REG_EXPAND_SZ ? 'REG_EXPAND_SZ' : type === REG_SZ ? 'REG_SZ' : `type ${type}`;
  return `${name} ${JSON.stringify(type === REG_MULTI_SZ ? data.strings : data.strings?.[0])}`;
}

/**
 * Checks the hives mkhive wrote into `hiveDir` from `inputs` (in mkhive's order); `userInfs`
 * are the --inf files among them, whose values are read back. Returns the problems, each a
 * message naming the .inf line responsible where one is.
 */
export function checkHives(hiveDir: string, inputs: string[], userInfs: string[]): string[] {
  const problems: string[] = [];
  const roots = new Map<string, HiveKey>();
  /** Values a structural problem names already ("hive:key:value", lower case). */
  const damaged = new Set<string>();
  for (const hive of Object.keys(HIVE_ROOTS)) {
    const file = path.join(hiveDir, hive);
    const report = readHive(readFileSync(file));
    if (report.root) roots.set(hive, report.root);
    for (const p of report.problems) {
      if (p.key !== null && p.value !== null) damaged.add(`${hive}:${p.key}:${p.value}`.toLowerCase());
      const at = p.key === null ? '' : `${HIVE_ROOTS[hive]}\\${p.key}${p.value ? `, value "${p.value}"` : ''}: `;
      let blame = '';
      if (p.key !== null) {
        const writers = writersOf(inputs, hive, p.key, p.value);
        const last = writers.at(-1);
        if (last) {
          // What a value's last line overrides: the overwrite of a value is where mkhive erred.
          const earlier = p.value === null ? [] : writers.slice(0, -1).map(where);
          blame = `\n    written last by ${where(last)}${earlier.length ? ` (overriding ${earlier.join(', ')})` : ''}`;
        }
      }
      problems.push(`${hive.toUpperCase()} hive: ${at}${p.message}${blame}`);
    }
  }
  const user = new Set(userInfs.map((f) => path.resolve(f)));
  for (const [id, values] of lastWriters(inputs)) {
    for (const [name, exp] of values) {
      if (!user.has(path.resolve(exp.line.file)) || exp.type === null || damaged.has(`${id}:${name}`)) continue;
      const [hive, keyPath] = [id.slice(0, id.indexOf(':')), id.slice(id.indexOf(':') + 1)];
      const root = roots.get(hive);
      if (!root) continue;
      const key = findKey(root, keyPath);
      const v = key && findValue(key, name);
      const want = describe(exp.type, exp);
      const shown = `${exp.line.fields[0]}\\${exp.line.fields[1]} "${exp.line.fields[2] ?? ''}"`;
      if (!v) {
        problems.push(`${where(exp.line)}: ${shown} is not in the hive mkhive made (expected ${want})`);
        continue;
      }
      const got = v.type === REG_DWORD ? { dword: v.data.length >= 4 ? v.data.readUInt32LE(0) : -1 } : { strings: valueStrings(v) };
      if (describe(v.type, got) !== want) problems.push(`${where(exp.line)}: ${shown} is ${describe(v.type, got)} in the hive, the line says ${want}`);
    }
  }
  return problems;
}
