// Which ninja target of a ReactOS build makes a given file, read from the build's own
// build.ninja (CMake's Ninja generator): the `build <outputs>: <rule> ...` statement that
// produces the file, then the most specific top-level phony target (`gen_nls`, `ntoskrnl`,
// `kdcom`, ...) that reaches it through phony statements. build.ninja is 40-100+ MB on a real
// tree, so it is read once and only the parts needed are kept: the outputs of every statement
// and the inputs of phony statements.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface NinjaIndex {
  /** The build directory the paths are relative to. */
  dir: string;
  /** Output path (relative, '/' separated) -> index of the statement that makes it. */
  producer: Map<string, number>;
  /** Outputs (explicit and implicit) of each statement. */
  outputs: string[][];
  /** Input path -> the phony outputs that list it (explicit or implicit inputs). */
  phonyParents: Map<string, string[]>;
  /** Phony output -> how many inputs it lists (the smaller, the more specific the target). */
  phonySize: Map<string, number>;
}

/** A build statement's paths, unescaped and with the file's top-level variables expanded. */
export interface BuildStatement {
  outputs: string[];
  implicitOutputs: string[];
  rule: string;
  inputs: string[];
  implicitInputs: string[];
  orderOnly: string[];
}

function expandVar(name: string, vars: Map<string, string>): string {
  return vars.get(name) ?? '';
}

/**
 * Splits the text of one logical `build` line (after "build ", continuations already joined)
 * into its path lists. Escapes: `$ ` space, `$:` colon, `$$` dollar, `$name`/`${name}` variables
 * (the file's top-level ones; others expand to nothing, as in ninja).
 * With `outputsOnly`, stops after the rule name unless the rule is phony.
 */
export function parseBuildLine(text: string, vars: Map<string, string> = new Map(), outputsOnly = false): BuildStatement {
  const st: BuildStatement = { outputs: [], implicitOutputs: [], rule: '', inputs: [], implicitInputs: [], orderOnly: [] };
  // Phases: 0 outputs, 1 implicit outputs, 2 rule, 3 inputs, 4 implicit inputs, 5 order-only, 6 validations
  let phase = 0;
  let tok = '';
  let has = false;
  const lists = [st.outputs, st.implicitOutputs, null, st.inputs, st.implicitInputs, st.orderOnly, null];
  const flush = (): void => {
    if (!has) return;
    const t = tok;
    tok = '';
    has = false;
    if (phase === 2) {
      st.rule = t;
      phase = 3;
      return;
    }
    if (phase !== 0 && phase !== 1 && (t === '|' || t === '||' || t === '|@')) {
      phase = t === '|' ? 4 : t === '||' ? 5 : 6;
      return;
    }
    if (phase <= 1 && t === '|') {
      phase = 1;
      return;
    }
    lists[phase]?.push(t);
  };
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text[i]!;
    if (c === '$') {
      const d = text[i + 1];
      if (d === ' ' || d === ':' || d === '$') {
        tok += d;
        has = true;
        i++;
      } else if (d === '{' && text.indexOf('}', i + 2) > 0) {
        const close = text.indexOf('}', i + 2);
        tok += expandVar(text.slice(i + 2, close), vars);
        has = true;
        i = close;
      } else {
        // $name; anything else (not valid ninja) is kept as it is rather than failing the lookup.
        const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i + 1, i + 65));
        tok += m ? expandVar(m[0], vars) : '$';
        has = true;
        i += m ? m[0].length : 0;
      }
    } else if (c === ' ' || c === '\t') {
      flush();
      if (phase === 3 && outputsOnly && st.rule !== 'phony') return st;
    } else if (c === ':' && phase <= 1) {
      flush();
      phase = 2;
    } else {
      tok += c;
      has = true;
    }
  }
  flush();
  return st;
}

/**
 * The logical lines of a ninja file that matter here: `build` statements and top-level variable
 * bindings, with `$`-continued physical lines joined (the next line's indentation dropped).
 * Comments, rules, pools and the indented bindings of statements are skipped.
 */
export function* ninjaLines(text: string): Generator<string> {
  const n = text.length;
  let pos = 0;
  while (pos < n) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n;
    const first = text.charCodeAt(pos);
    if (first === 35 /* # */) {
      pos = nl + 1;
      continue;
    }
    // Join continuations: a line ending in an odd number of '$' continues on the next one.
    let line = '';
    let start = pos;
    let end = nl;
    for (;;) {
      let e = end;
      if (e > start && text.charCodeAt(e - 1) === 13) e--;
      let dollars = 0;
      while (e - dollars > start && text.charCodeAt(e - dollars - 1) === 36) dollars++;
      if (dollars % 2 === 1 && end < n) {
        line += text.slice(start, e - 1);
        start = end + 1;
        while (start < n && text.charCodeAt(start) === 32) start++;
        end = text.indexOf('\n', start);
        if (end < 0) end = n;
        continue;
      }
      line += text.slice(start, e);
      break;
    }
    pos = end + 1;
    if (first === 32 || first === 9) continue; // a binding of the statement above
    if (line.startsWith('build ') || /^[A-Za-z0-9_.-]+\s*=/.test(line)) yield line;
  }
}

/** Paths in build.ninja are relative to the build dir; absolute ones under it are made relative. */
function normalize(p: string, dir: string): string {
  const s = p.replace(/\\/g, '/');
  if (!s.startsWith('/')) return path.posix.normalize(s);
  const rel = path.relative(dir, s);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : s;
}

/** Reads `<dir>/build.ninja` once into a NinjaIndex. */
export function readNinjaIndex(dir: string, file = path.join(dir, 'build.ninja')): NinjaIndex {
  return indexNinja(readFileSync(file, 'utf8'), dir);
}

export function indexNinja(text: string, dir: string): NinjaIndex {
  const idx: NinjaIndex = { dir, producer: new Map(), outputs: [], phonyParents: new Map(), phonySize: new Map() };
  const vars = new Map<string, string>();
  for (const line of ninjaLines(text)) {
    if (!line.startsWith('build ')) {
      const eq = line.indexOf('=');
      const name = line.slice(0, eq).trim();
      // Top-level values are plain in CMake's files; expand $var references in them anyway.
      const value = line.slice(eq + 1).trim().replace(/\$\{([^}]+)\}|\$([A-Za-z0-9_-]+)|\$\$/g, (m, a, b) =>
        m === '$$' ? '$' : expandVar(a ?? b, vars),
      );
      vars.set(name, value);
      continue;
    }
    const st = parseBuildLine(line.slice(6), vars, true);
    const outs = [...st.outputs, ...st.implicitOutputs].map((o) => normalize(o, dir));
    const id = idx.outputs.length;
    idx.outputs.push(outs);
    for (const o of outs) if (!idx.producer.has(o)) idx.producer.set(o, id);
    if (st.rule !== 'phony') continue;
    const ins = [...st.inputs, ...st.implicitInputs].map((i) => normalize(i, dir));
    for (const o of outs) {
      idx.phonySize.set(o, ins.length);
      for (const i of ins) {
        const parents = idx.phonyParents.get(i);
        if (parents) parents.push(o);
        else idx.phonyParents.set(i, [o]);
      }
    }
  }
  return idx;
}

/**
 * The ninja target that makes `file` (absolute, or relative to the build dir): the top-level
 * phony target (a name without '/') closest to it through phony statements, where "closest"
 * weighs each phony by how many inputs it lists, so `gen_nls` (the NLS tables) wins over
 * `livecd` (everything on the live CD). A file that only a statement makes (no phony names it)
 * is its own target; null when no statement makes it (a source file, or not in this build).
 */
export function targetFor(idx: NinjaIndex, file: string): string | null {
  const rel = normalize(file, idx.dir);
  const edge = idx.producer.get(rel);
  if (edge === undefined) return null;
  // Start from every output of the statement: a byproduct is named by its statement's main output.
  const cost = new Map<string, number>();
  let frontier = idx.outputs[edge]!;
  for (const o of frontier) cost.set(o, 0);
  // Label-correcting search upward (costs are positive; the reached graph is small).
  while (frontier.length) {
    const next: string[] = [];
    for (const node of frontier) {
      const c = cost.get(node)!;
      for (const parent of idx.phonyParents.get(node) ?? []) {
        const pc = c + (idx.phonySize.get(parent) ?? 1);
        const old = cost.get(parent);
        if (old === undefined || pc < old) {
          cost.set(parent, pc);
          next.push(parent);
        }
      }
    }
    frontier = next;
  }
  let best: string | null = null;
  let bestCost = Infinity;
  // Same weight: the shorter name, so the target (ntoskrnl) before its file alias (ntoskrnl.exe).
  const better = (name: string, c: number): boolean =>
    best === null || c < bestCost || (c === bestCost && (name.length < best.length || (name.length === best.length && name < best)));
  for (const [name, c] of cost) {
    if (name.includes('/') || name === 'all' || c === 0) continue; // 'all': everything
    if (better(name, c)) {
      best = name;
      bestCost = c;
    }
  }
  return best ?? rel;
}
