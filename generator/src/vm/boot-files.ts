// The files a boot from `lxgen test`'s medium cannot do without, and the refusal when the build
// lacks any of them. A tree built with plain `ninja` (target all) has no code page tables
// (media/nls/c_*.nls come from gen_nls, which all does not include): FreeLdr then stops on an
// "Error reading NLS file" box and the run ends as a 240 s hang with an empty serial log. So
// before anything boots, every file below must exist, else the run is refused with each
// missing file and the ninja target that makes it (build-ninja.ts):
//   - the boot sectors (dosmbr.bin, fat.bin), loader/freeldr.sys and loader/rosload.exe;
//   - the kernel, HAL and KD transport FreeLdr loads (ntoskrnl.exe, hal.dll, kdcom.dll; with
//     --smp the ntkrnlmp.exe and halmacpi.dll booted under those names), bootvid.dll;
//   - the NLS files FreeLdr loads, named by the hives: Control\Nls\CodePage ACP and OEMCP, and
//     Control\Nls\Language Default, each naming a value that holds the file name
//     (boot/freeldr/freeldr/ntldr/wlregistry.c WinLdrGetNLSNames);
//   - every boot driver: each Services\<Name> whose Start is 0 (ImagePath, else
//     system32\drivers\<Name>.sys), plus the boot file system's driver (fastfat: the medium is
//     FAT), as ntoskrnl/config/cmboot.c CmpFindDrivers picks them for FreeLdr;
//   - the DLLs those modules import (FreeLdr loads them from the importer's directory), as far
//     as the modules that exist can be read;
//   - ntdll.dll and smss.exe (the kernel maps the first and starts the second);
//   - the hives' inputs (registry.inf and the .inf files mkhive merges).
// The hives are read from the same .inf files mkhive gets, applied in the same order
// ([DelReg] then [AddReg] of each file), for HKLM\SYSTEM only.
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import type { PathListEntry } from './reactos-build.ts';
import { readNinjaIndex, targetFor, type NinjaIndex } from './build-ninja.ts';

/** A file the boot needs: its path on the medium (or a host path for medium-less inputs). */
export interface BootNeed {
  /** Path on the medium ('/' separated), or null for a build input (boot sector, hive input). */
  dest: string | null;
  /** The host file, or null when nothing in the build's lists provides it. */
  src: string | null;
  why: string;
}

// ---------------------------------------------------------------- registry (.inf) reading

/** The text of an .inf file: UTF-16LE with a BOM (registry.inf) or UTF-8. */
export function readInfText(file: string): string {
  const raw = readFileSync(file);
  if (raw[0] === 0xff && raw[1] === 0xfe) return raw.subarray(2).toString('utf16le');
  const text = raw.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** One line of an .inf file: its section (lower-cased), fields, and 1-based line number. */
export interface InfLine {
  section: string;
  fields: string[];
  line: number;
}

/**
 * The lines of an .inf file as fields. Quotes group ("" is a quote), ';' starts a comment
 * outside quotes, an unquoted '\' that ends a line continues it. Lines before any section
 * header have the section ''.
 */
export function infLines(text: string): InfLine[] {
  const out: InfLine[] = [];
  let section = '';
  const physical = text.split(/\r?\n/);
  for (let i = 0; i < physical.length; i++) {
    const lineNo = i + 1;
    let line = physical[i]!;
    const trimmed = line.trimStart();
    if (trimmed.startsWith('[')) {
      const close = trimmed.indexOf(']');
      if (close < 0) continue;
      section = trimmed.slice(1, close).trim().toLowerCase();
      continue;
    }
    const fields: string[] = [];
    let tok = '';
    let quoted = false;
    let any = false;
    for (let j = 0; ; j++) {
      if (j >= line.length) {
        if (quoted) quoted = false; // an unterminated quote ends with the line
        break;
      }
      const c = line[j]!;
      if (quoted) {
        if (c === '"') {
          if (line[j + 1] === '"') {
            tok += '"';
            j++;
          } else quoted = false;
        } else tok += c;
        continue;
      }
      if (c === '"') {
        quoted = true;
        any = true;
      } else if (c === ';') break;
      else if (c === ',') {
        fields.push(tok.trim());
        tok = '';
        any = true;
      } else if (c === '\\' && /^\\[\s\\]*(;.*)?$/.test(line.slice(j)) && i + 1 < physical.length) {
        line = physical[++i]!; // continuation
        j = -1;
      } else {
        tok += c;
        if (c.trim()) any = true;
      }
    }
    if (!any) continue;
    fields.push(tok.trim());
    out.push({ section, fields, line: lineNo });
  }
  return out;
}

/** The lines of an .inf file as fields, per section (repeated sections merged in order, as inflib does). */
export function parseInf(text: string): Map<string, string[][]> {
  const sections = new Map<string, string[][]>();
  for (const l of infLines(text)) {
    if (l.section === '') continue;
    const list = sections.get(l.section) ?? [];
    list.push(l.fields);
    sections.set(l.section, list);
  }
  return sections;
}

export type RegValue = { type: 'dword'; data: number } | { type: 'string'; data: string } | { type: 'other' };

/** HKLM\SYSTEM as the .inf files build it: lower-cased key path -> lower-cased value name -> value. */
export type SystemHive = Map<string, Map<string, RegValue>>;

export const FLG_ADDREG_BINVALUETYPE = 0x1;
const FLG_ADDREG_NOCLOBBER = 0x2;
const FLG_ADDREG_DELVAL = 0x4;
const FLG_ADDREG_KEYONLY = 0x10;
const FLG_ADDREG_OVERWRITEONLY = 0x20;
const FLG_ADDREG_KEYONLY_COMMON = 0x2000;
const FLG_ADDREG_DELREG_BIT = 0x8000;

/** strtoul(s, NULL, 0), as inflib and mkhive read numbers. */
export function infNumber(s: string): number {
  const t = s.trim();
  const n = /^0x[0-9a-f]+/i.test(t) ? parseInt(t.slice(2), 16) : /^0[0-7]+/.test(t) ? parseInt(t, 8) : parseInt(t, 10);
  return Number.isFinite(n) ? n >>> 0 : 0;
}

/** "SYSTEM\CurrentControlSet\Services\Disk" -> "system\currentcontrolset\services\disk"; null outside HKLM\SYSTEM. */
function systemKey(root: string, key: string): string | null {
  if (root.toUpperCase() !== 'HKLM' && root.toUpperCase() !== 'HKEY_LOCAL_MACHINE') return null;
  const k = key.replace(/\\+$/, '').toLowerCase();
  if (k !== 'system' && !k.startsWith('system\\')) return null;
  // mkhive links CurrentControlSet to ControlSet001.
  return k.replace(/^system\\controlset001(?=\\|$)/, 'system\\currentcontrolset');
}

function deleteKey<T>(hive: Map<string, Map<string, T>>, key: string): void {
  for (const k of [...hive.keys()]) if (k === key || k.startsWith(`${key}\\`)) hive.delete(k);
}

/** The lines of [DelReg] then of [AddReg] (reginf.c's order within one file). */
function regLines(lines: InfLine[]): { del: boolean; l: InfLine }[] {
  return [true, false].flatMap((del) => lines.filter((l) => l.section === (del ? 'delreg' : 'addreg')).map((l) => ({ del, l })));
}

/**
 * Applies one .inf file's registry lines as mkhive's reginf.c does: [DelReg] then [AddReg],
 * deletions, KEYONLY, NOCLOBBER and OVERWRITEONLY. `keyOf` maps root and key to a key id (null:
 * not modelled), `make` gives the value a line writes.
 */
export function applyRegLines<T>(
  hive: Map<string, Map<string, T>>,
  lines: InfLine[],
  keyOf: (root: string, key: string) => string | null,
  make: (l: InfLine, flags: number) => T,
): void {
  for (const { del, l } of regLines(lines)) {
    const f = l.fields;
    const key = keyOf(f[0] ?? '', f[1] ?? '');
    if (key === null) continue;
    let flags = f[3] ? infNumber(f[3]) : 0;
    if (del) {
      if (!flags) flags = FLG_ADDREG_DELREG_BIT;
      else if (!(flags & FLG_ADDREG_DELREG_BIT)) continue;
    } else if (flags & FLG_ADDREG_DELREG_BIT) continue;
    const valueName = (f[2] ?? '').toLowerCase();
    if (flags & (FLG_ADDREG_DELREG_BIT | FLG_ADDREG_DELVAL)) {
      if (valueName && !(flags & FLG_ADDREG_KEYONLY_COMMON)) hive.get(key)?.delete(valueName);
      else deleteKey(hive, key);
      continue;
    }
    let values = hive.get(key);
    if (!values) {
      if (flags & FLG_ADDREG_OVERWRITEONLY) continue;
      values = new Map();
      hive.set(key, values);
    }
    if (flags & (FLG_ADDREG_KEYONLY | FLG_ADDREG_KEYONLY_COMMON)) continue;
    if (flags & FLG_ADDREG_NOCLOBBER && values.has(valueName)) continue;
    if (flags & FLG_ADDREG_OVERWRITEONLY && !values.has(valueName)) continue;
    values.set(valueName, make(l, flags));
  }
}

/** Applies one .inf file's [DelReg] then [AddReg] lines (reginf.c order) to the SYSTEM hive. */
export function applyInf(hive: SystemHive, sections: Map<string, string[][]>): void {
  const lines = [...sections].flatMap(([section, list]) => list.map((fields) => ({ section, fields, line: 0 })));
  applyRegLines(hive, lines, systemKey, ({ fields: f }, flags): RegValue => {
    // REG_DWORD: FLG_ADDREG_TYPE_DWORD, or a raw type 4 in the high word.
    const dword = (flags & 0xffff0001) === 0x00010001 || (flags & FLG_ADDREG_BINVALUETYPE && flags >>> 16 === 4);
    if (dword) {
      // REG_DWORD: a number in field 5, or little-endian bytes in fields 5..8.
      return f.length <= 5
        ? { type: 'dword', data: f[4] ? infNumber(f[4]) : 0 }
        : { type: 'dword', data: Buffer.from([0, 1, 2, 3].map((b) => parseInt(f[4 + b] ?? '0', 16) & 0xff)).readUInt32LE(0) };
    }
    if (!(flags & FLG_ADDREG_BINVALUETYPE)) return { type: 'string', data: f.slice(4).join(',') };
    return { type: 'other' };
  });
}

/** HKLM\SYSTEM from the hive inputs, in mkhive's order. */
export function readSystemHive(infFiles: string[]): SystemHive {
  const hive: SystemHive = new Map();
  for (const f of infFiles) applyInf(hive, parseInf(readInfText(f)));
  return hive;
}

const CCS = 'system\\currentcontrolset';

function str(hive: SystemHive, key: string, value: string): string | null {
  const v = hive.get(`${CCS}\\${key}`.toLowerCase())?.get(value.toLowerCase());
  return v?.type === 'string' ? v.data : null;
}

/**
 * The NLS files FreeLdr loads (WinLdrGetNLSNames): CodePage\<ACP> and CodePage\<OEMCP> and
 * Language\<Default>, with FreeLdr's own fallbacks (c_1252.nls, c_437.nls, l_intl.nls) when the
 * value they point at is absent. Without ACP, OEMCP or Language Default FreeLdr cannot boot at
 * all; the standard files are listed then too, so the check still names what the tree must hold.
 */
export function nlsNeeds(hive: SystemHive): { file: string; why: string }[] {
  const one = (key: 'CodePage' | 'Language', pointer: string, fallback: string, what: string) => {
    const k = `Control\\Nls\\${key}`;
    const id = str(hive, k, pointer);
    const file = (id !== null && str(hive, k, id)) || fallback;
    return { file, why: `${what} (${k} ${pointer}=${id ?? 'unset'}, FreeLdr loads it)` };
  };
  return [
    one('CodePage', 'ACP', 'c_1252.nls', 'ANSI code page'),
    one('CodePage', 'OEMCP', 'c_437.nls', 'OEM code page'),
    one('Language', 'Default', 'l_intl.nls', 'Unicode case table'),
  ];
}

/** ImagePath as FreeLdr resolves it under SystemRoot: "system32\drivers\x.sys" -> "system32/drivers/x.sys". */
function underSystemRoot(imagePath: string): string {
  return imagePath
    .replace(/^(\\SystemRoot\\|%SystemRoot%\\|SystemRoot\\)/i, '')
    .replace(/\\/g, '/')
    .replace(/^\/+/, '');
}

/** The boot drivers (Start=0, plus the boot file system's driver): path under SystemRoot and why. */
export function bootDriverNeeds(hive: SystemHive, bootFileSystem = 'fastfat'): { file: string; why: string }[] {
  const prefix = `${CCS}\\services\\`;
  const out: { file: string; why: string }[] = [];
  const taken = new Set<string>();
  const add = (key: string, why: string) => {
    taken.add(key);
    const name = key.slice(prefix.length);
    const image = hive.get(key)!.get('imagepath');
    const file = image?.type === 'string' && image.data ? underSystemRoot(image.data) : `system32/drivers/${name}.sys`;
    out.push({ file, why });
  };
  for (const [key, values] of hive) {
    if (!key.startsWith(prefix) || key.includes('\\', prefix.length)) continue;
    const start = values.get('start');
    if (start?.type === 'dword' && start.data === 0) add(key, `boot driver (Services\\${key.slice(prefix.length)} Start=0)`);
  }
  // CmpFindDrivers adds the boot volume's file system driver whatever its Start.
  const fs = `${prefix}${bootFileSystem.toLowerCase()}`;
  if (hive.has(fs) && !taken.has(fs)) add(fs, `boot file system driver (the boot disk is FAT: Services\\${bootFileSystem})`);
  return out;
}

// ---------------------------------------------------------------- PE imports

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
export type ByteReader = (offset: number, length: number) => Buffer;

/**
 * The DLL names a PE image imports (its import directory), or null when it is not a PE image.
 * Reads only the headers, the import descriptors and the names (a debug ntoskrnl.exe is 5 MB).
 */
export function peImports(image: Buffer | ByteReader): string[] | null {
  const read: ByteReader = Buffer.isBuffer(image) ? (o, l) => image.subarray(o, o + l) : image;
  const dos = read(0, 64);
  if (dos.length < 64 || dos.readUInt16LE(0) !== 0x5a4d) return null;
  const pe = dos.readUInt32LE(0x3c);
  const nt = read(pe, 24 + 2 + 110 + 16 * 8);
  if (nt.length < 26 || nt.readUInt32LE(0) !== 0x4550) return null;
  const sections = nt.readUInt16LE(6);
  const optSize = nt.readUInt16LE(20);
  const magic = nt.readUInt16LE(24);
  const dirs = magic === 0x20b ? 24 + 112 : magic === 0x10b ? 24 + 96 : -1;
  if (dirs < 0 || nt.length < dirs + 16) return null;
  if (nt.readUInt32LE(dirs - 4) < 2) return []; // NumberOfRvaAndSizes: no import directory
  const importRva = nt.readUInt32LE(dirs + 8);
  if (!importRva) return [];
  const table = read(pe + 24 + optSize, sections * 40);
  const toOffset = (rva: number): number => {
    for (let h = 0; h + 40 <= table.length; h += 40) {
      const va = table.readUInt32LE(h + 12);
      const size = Math.max(table.readUInt32LE(h + 8), table.readUInt32LE(h + 16));
      if (rva >= va && rva < va + size) return table.readUInt32LE(h + 20) + (rva - va);
    }
    return -1;
  };
  const names: string[] = [];
  const first = toOffset(importRva);
  if (first < 0) return [];
  for (let d = first; ; d += 20) {
    const desc = read(d, 20);
    if (desc.length < 20) break;
    const nameRva = desc.readUInt32LE(12);
    if (!nameRva) break;
    const at = toOffset(nameRva);
    if (at < 0) break;
    const raw = read(at, 260);
    const end = raw.indexOf(0);
    names.push(raw.toString('latin1', 0, end < 0 ? raw.length : end));
  }
  return names;
}

/** peImports of a file, reading only the parts it needs; null when unreadable or not PE. */
export function peImportsOfFile(file: string): string[] | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    return peImports((offset, length) => {
      const b = Buffer.alloc(length);
      return b.subarray(0, readSync(fd, b, 0, length, offset));
    });
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------- the boot-critical set

export interface BootNeedsInput {
  /** The medium's files (dest -> src), after --smp substitution and --add; a src may not exist. */
  files: PathListEntry[];
  /** Registry inputs for mkhive, in its order. */
  hiveInputs: string[];
  /** Build files that are not on the medium's file list: boot sectors. */
  buildFiles?: { src: string; why: string }[];
  /** Whether the medium boots the multiprocessor kernel and HAL (for the explanations only). */
  smp?: boolean;
}

const SYSROOT = 'reactos/';

/** Every file the boot needs, each once, in about the order the boot uses them. */
export function bootNeeds(input: BootNeedsInput): BootNeed[] {
  const byDest = new Map(input.files.map((e) => [e.dest.toLowerCase(), e] as const));
  const needs: BootNeed[] = [];
  const seen = new Set<string>();
  const need = (dest: string, why: string): BootNeed | null => {
    const key = dest.toLowerCase();
    if (seen.has(key)) return null;
    seen.add(key);
    const n: BootNeed = { dest, src: byDest.get(key)?.src ?? null, why };
    needs.push(n);
    return n;
  };
  for (const b of input.buildFiles ?? []) needs.push({ dest: null, src: b.src, why: b.why });
  need('loader/freeldr.sys', 'boot loader (fat.bin loads it)');
  need('loader/rosload.exe', 'second-stage loader (freeldr.sys loads it)');
  for (const f of input.hiveInputs) needs.push({ dest: null, src: f, why: 'registry input of the hives (mkhive)' });

  const sys32 = `${SYSROOT}system32/`;
  // FreeLdr loads the kernel, HAL and KD DLL by these names (winldr.c LoadWindowsCore), then
  // their imports, bootvid.dll among them (the kernel's).
  const core: BootNeed[] = [];
  const coreNeed = (dest: string, why: string) => {
    const n = need(dest, why);
    if (n) core.push(n);
  };
  coreNeed(`${sys32}ntoskrnl.exe`, input.smp ? 'kernel (--smp: the build\'s ntkrnlmp.exe)' : 'kernel');
  coreNeed(`${sys32}hal.dll`, input.smp ? 'HAL (--smp: the build\'s halmacpi.dll)' : 'HAL');
  coreNeed(`${sys32}kdcom.dll`, 'kernel debugger transport (/DEBUGPORT=COM1)');
  coreNeed(`${sys32}bootvid.dll`, 'boot video driver (the kernel imports it)');

  const existingHives = input.hiveInputs.filter((f) => existsSync(f));
  const hive = readSystemHive(existingHives);
  for (const n of nlsNeeds(hive)) need(`${sys32}${n.file}`, n.why);
  const drivers: BootNeed[] = [];
  for (const d of bootDriverNeeds(hive)) {
    const n = need(`${SYSROOT}${d.file}`, d.why);
    if (n) drivers.push(n);
  }
  need(`${sys32}ntdll.dll`, 'system DLL (the kernel maps it into every process)');
  need(`${sys32}smss.exe`, 'session manager (the kernel starts it; it runs the test runner)');

  // Imports, resolved as FreeLdr does: a name already loaded is taken, else the file is loaded
  // from the importer's directory. Only modules that exist can be read.
  const loaded = new Set(['ntoskrnl.exe', 'hal.dll', 'kdcom.dll']);
  for (const n of [...core, ...drivers]) loaded.add(path.posix.basename(n.dest!).toLowerCase());
  const queue = [...core, ...drivers];
  while (queue.length) {
    const m = queue.shift()!;
    if (!m.src) continue;
    for (const dll of peImportsOfFile(m.src) ?? []) {
      const name = dll.toLowerCase();
      if (loaded.has(name)) continue;
      loaded.add(name);
      const n = need(`${path.posix.dirname(m.dest!)}/${name}`, `imported by ${path.posix.basename(m.dest!)}`);
      if (n) queue.push(n);
    }
  }
  return needs;
}

/** The needs whose file the build has not produced. */
export function missingNeeds(needs: BootNeed[]): BootNeed[] {
  return needs.filter((n) => n.src === null || !existsSync(n.src));
}

function shown(file: string, buildDir: string): string {
  const rel = path.relative(buildDir, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/**
 * The refusal: one line per missing file with the ninja target that makes it (from
 * build.ninja, read only here), then the ninja command that builds them all.
 */
export function missingBootFilesMessage(missing: BootNeed[], buildDir: string, index?: NinjaIndex | null): string {
  let idx = index;
  let note = '';
  if (idx === undefined) {
    const file = path.join(buildDir, 'build.ninja');
    if (existsSync(file)) idx = readNinjaIndex(buildDir, file);
    else {
      idx = null;
      note = ` (${file} not found: no targets)`;
    }
  }
  const targets: string[] = [];
  const lines = missing.map((m) => {
    if (!m.src) return `  ${m.dest} (not in the build's livecd list): ${m.why}`;
    const target = idx ? targetFor(idx, path.resolve(buildDir, m.src)) : null;
    if (target && !targets.includes(target)) targets.push(target);
    const how = target ? `ninja ${target}` : idx ? 'no statement of build.ninja makes it' : 'build.ninja not read';
    return `  ${shown(m.src, buildDir)} (${how}): ${m.why}`;
  });
  const tail = targets.length ? [`build them with: ninja -C ${buildDir} ${targets.join(' ')}`] : [];
  return [`the build lacks files needed to boot${note}:`, ...lines, ...tail].join('\n');
}

/** Throws the refusal when the build lacks any file the boot needs. */
export function checkBootFiles(input: BootNeedsInput, buildDir: string): BootNeed[] {
  const needs = bootNeeds(input);
  const missing = missingNeeds(needs);
  if (missing.length) throw new Error(missingBootFilesMessage(missing, buildDir));
  return needs;
}
