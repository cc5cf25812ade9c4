// The shape of lxcore's sources, checked by `lxgen sync --check` (and so by CI):
//   - layers call one way. Each folder is a layer and may use only its own and lower ones:
//       core/, include/  0  portable logic, the IOCTL interface
//       nt/              1  NT services: user memory, waits and wait queues, clock, FPU
//       kernel/, fs/     2  the kernel objects (process, thread, signal, futex, mm, locks, IPC,
//                          loader) and the file layer (descriptors, kinds, /proc, /dev, vfs)
//       sys/             3  system call handlers, one family per file
//       entry/, generated/ 4  the driver, the pico callbacks, the generated table (the
//                          generated handler prototypes, generated/*.h, and the socketcall
//                          dispatcher sys/net.c calls, generated/lxsys_socketcall.c, are sys/'s: 3)
//     A function or global defined (not static) in a higher layer and named in a lower one,
//     or a header of a higher layer included by a lower one, is a problem;
//   - every handler LxSys<Name> of syscall-defs is defined in sys/<family>.c or
//     sys/<family>_<part>.c, the family syscall-defs gives it (LxSysEnosys: sys/misc.c);
//   - sys/ defines no function other files use except handlers (helpers shared inside sys/
//     are declared in a sys/ header).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Definitions } from '../defs/load.ts';

export const LAYERS: Record<string, number> = { core: 0, include: 0, nt: 1, kernel: 2, fs: 2, sys: 3, entry: 4, generated: 4 };

/** Generated files in sys/'s layer: the headers, and the socketcall dispatcher (it calls handlers, sys/ calls it). */
export function isSysLayerGenerated(rel: string): boolean {
  return rel.startsWith('generated/') && (rel.endsWith('.h') || rel === 'generated/lxsys_socketcall.c');
}

interface Source {
  /** Path relative to lxcore/, '/' separated. */
  rel: string;
  folder: string;
  layer: number;
  text: string;
  /** The text without comments and string literals, line structure kept. */
  code: string;
}

interface Symbol {
  name: string;
  file: string;
  line: number;
}

/** Comments and string/character literals blanked out (newlines kept). */
export function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

function walk(dir: string, base: string, out: string[]): void {
  for (const e of readdirSync(dir)) {
    const full = path.join(dir, e);
    if (statSync(full).isDirectory()) walk(full, base, out);
    else if (/\.[ch]$/.test(e)) out.push(path.relative(base, full).split(path.sep).join('/'));
  }
}

export function readSources(lxcoreDir: string): { sources: Source[]; problems: string[] } {
  const files: string[] = [];
  walk(lxcoreDir, lxcoreDir, files);
  const problems: string[] = [];
  const sources: Source[] = [];
  for (const rel of files.sort()) {
    const folder = rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : '';
    const layer = isSysLayerGenerated(rel) ? LAYERS.sys : LAYERS[folder];
    if (layer === undefined) {
      problems.push(`lxcore/${rel}: in no layer (folders: ${Object.keys(LAYERS).join(', ')})`);
      continue;
    }
    const text = readFileSync(path.join(lxcoreDir, rel), 'utf8');
    sources.push({ rel, folder, layer, text, code: stripComments(text) });
  }
  return { sources, problems };
}

/**
 * The functions and globals a file defines for others (not static): ReactOS style puts the
 * name of a function at the start of its own line, after its return type lines.
 */
export function exportedSymbols(s: Source): Symbol[] {
  const lines = s.code.split('\n');
  const out: Symbol[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let m = /^(Lx[A-Z]\w*)\s*\(/.exec(line);
    if (m && !/;\s*$/.test(line)) {
      // a definition, not a prototype: the body follows before any ';' at the top level
      let j = i;
      while (j < lines.length && !/^\{/.test(lines[j]!) && !/\)\s*;/.test(lines[j]!)) j++;
      if (j >= lines.length || !/^\{/.test(lines[j]!)) continue;
      let k = i - 1;
      let isStatic = false;
      while (k >= 0 && /^\s*[A-Z_][\w\s*]*$/.test(lines[k]!) && lines[k]!.trim() !== '') {
        if (/\bstatic\b/.test(lines[k]!)) isStatic = true;
        k--;
      }
      if (k >= 0 && /\bstatic\b/.test(lines[k]!)) isStatic = true;
      if (!isStatic) out.push({ name: m[1]!, file: s.rel, line: i + 1 });
      continue;
    }
    // a global variable
    m = /^(?!static\b|extern\b|typedef\b|#)[A-Za-z_][\w\s*]*?\b(Lx[A-Z]\w*)\s*(=|;|\[)/.exec(line);
    if (m) out.push({ name: m[1]!, file: s.rel, line: i + 1 });
  }
  return out;
}

/** Every problem with lxcore's layering and handler placement (empty when it holds). */
export function checkLayout(lxcoreDir: string, defs: Definitions): string[] {
  const { sources, problems } = readSources(lxcoreDir);
  const byName = new Map<string, Symbol>();
  const layerOf = new Map(sources.map((s) => [s.rel, s.layer]));
  for (const s of sources) {
    for (const sym of exportedSymbols(s)) {
      const seen = byName.get(sym.name);
      if (seen && seen.file !== sym.file) problems.push(`lxcore/${sym.file}:${sym.line}: ${sym.name} is also defined in lxcore/${seen.file}:${seen.line}`);
      byName.set(sym.name, sym);
    }
  }

  for (const s of sources) {
    const lines = s.code.split('\n');
    // includes of higher layers
    s.text.split('\n').forEach((line, i) => {
      const inc = /^\s*#\s*include\s+"([^"]+)"/.exec(line);
      if (!inc) return;
      const target = sources.find((t) => t.rel.endsWith(`/${inc[1]}`) || t.rel === inc[1]);
      if (target && target.layer > s.layer) {
        problems.push(`lxcore/${s.rel}:${i + 1}: includes ${inc[1]} of a higher layer (${target.folder}/ over ${s.folder}/)`);
      }
    });
    // names of higher layers
    lines.forEach((line, i) => {
      for (const m of line.matchAll(/\b(Lx[A-Z]\w*)\b/g)) {
        const sym = byName.get(m[1]!);
        if (!sym || sym.file === s.rel || sym.file.split('/')[0] === s.folder) continue;
        const layer = layerOf.get(sym.file)!;
        if (layer > s.layer) {
          problems.push(`lxcore/${s.rel}:${i + 1}: uses ${sym.name} of lxcore/${sym.file} (${sym.file.split('/')[0]}/ is above ${s.folder}/)`);
        }
        if (sym.file.startsWith('sys/') && !s.rel.startsWith('sys/') && !/^LxSys/.test(sym.name) && layer <= s.layer) {
          problems.push(`lxcore/${s.rel}:${i + 1}: uses ${sym.name} of lxcore/${sym.file}: sys/ offers handlers only`);
        }
      }
    });
  }

  // handlers in their families' files
  const family = new Map(defs.defs.filter((d) => d.status !== 'enosys').map((d) => [d.handler, d.family]));
  for (const s of sources) {
    for (const sym of exportedSymbols(s)) {
      if (!/^LxSys/.test(sym.name) || s.folder === 'generated') continue;
      const want = sym.name === 'LxSysEnosys' ? 'misc' : family.get(sym.name);
      const where = `lxcore/${s.rel}:${sym.line}`;
      if (want === undefined) {
        problems.push(`${where}: ${sym.name} is no handler of an implemented system call in syscall-defs`);
        continue;
      }
      const base = path.posix.basename(s.rel, '.c');
      if (s.folder !== 'sys' || !(base === want || base.startsWith(`${want}_`))) {
        problems.push(`${where}: ${sym.name} (family ${want}) belongs in sys/${want}.c or sys/${want}_<part>.c`);
      }
    }
  }
  return problems;
}

/** lxcore/ of a project root, if it has one. */
export function lxcoreDirOf(root: string): string | null {
  const dir = path.join(root, 'lxcore');
  return existsSync(dir) ? dir : null;
}
