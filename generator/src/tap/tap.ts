// TAP 13 parser for the in-guest runner's output (ARCHITECTURE.md interface 7).
//
// The runner's TAP shares COM1 with the kernel's debug output, so every TAP line is written
// with a prefix (TAP_PREFIX) by one DbgPrint call. A kernel DPRINT that did not end its line
// can sit in front of the prefix, so the prefix is searched anywhere in a line and everything
// after it is TAP. Lines without the prefix are kernel output and are ignored here. A stream
// that carries only TAP (a separate serial port) is parsed with `prefix: null`.
//
// Besides standard TAP 13 (version, plan, ok/not ok with SKIP/TODO directives, YAML blocks,
// Bail out!), the runner writes two comment lines the host uses:
//   # run N - name                 (a test is starting: progress and hang attribution)
//   # done total=T pass=P fail=F skip=S   (the runner finished; it then powers the VM off)

export const TAP_PREFIX = 'LXTAP: ';

export type Directive = 'skip' | 'todo' | null;

export interface TapResult {
  ok: boolean;
  /** Test number; numbers missing in the line are assigned sequentially as TAP says. */
  id: number;
  description: string;
  directive: Directive;
  /** Text after # SKIP / # TODO, or after a plain "# " for a failure reason. */
  reason: string;
  /** Lines of the YAML diagnostic block following the result, without indentation. */
  diagnostics: string[];
  /** Line number (1-based) in the serial log. */
  line: number;
}

export interface TapDone {
  total: number;
  pass: number;
  fail: number;
  skip: number;
  line: number;
}

export interface TapPlan {
  start: number;
  end: number;
  skipReason?: string;
  line: number;
}

export type TapEvent =
  | { kind: 'version'; version: number; line: number }
  | { kind: 'plan'; plan: TapPlan }
  | { kind: 'result'; result: TapResult }
  | { kind: 'run'; id: number; name: string; line: number }
  | { kind: 'done'; done: TapDone }
  | { kind: 'bailout'; reason: string; line: number }
  | { kind: 'comment'; text: string; line: number }
  | { kind: 'unknown'; text: string; line: number };

export interface TapSummary {
  version: number | null;
  plan: TapPlan | null;
  results: TapResult[];
  done: TapDone | null;
  bailout: string | null;
  /** Test numbers the plan announced but no result line reported. */
  missing: number[];
  /** Test numbers reported more than once. */
  duplicates: number[];
  /** Results whose number lies outside the plan. */
  outOfPlan: number[];
  /** Malformed TAP lines (after the prefix). */
  unknown: { line: number; text: string }[];
  /** The runner's leak check after the last test ("clean ...", "LEAK ...", "not made ..."), if it made one. */
  leakCheck: string | null;
}

const RESULT_RE = /^(not ok|ok)\b\s*(\d+)?\s*(?:-\s*)?(.*)$/;
const PLAN_RE = /^(\d+)\.\.(\d+)\s*(?:#\s*(.*))?$/;
const VERSION_RE = /^TAP version (\d+)\s*$/;
const RUN_RE = /^#\s*run\s+(\d+)\s*-\s*(.*)$/;
const DONE_RE = /^#\s*done\b(.*)$/;
const BAIL_RE = /^Bail out!\s*(.*)$/;

/** Splits "description # SKIP reason" into its parts (TAP: an unescaped # starts a directive). */
function splitDirective(rest: string): { description: string; directive: Directive; reason: string } {
  let hash = -1;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '\\') {
      i++;
      continue;
    }
    if (rest[i] === '#') {
      hash = i;
      break;
    }
  }
  if (hash < 0) return { description: rest.trim().replace(/\\#/g, '#'), directive: null, reason: '' };
  const description = rest.slice(0, hash).trim().replace(/\\#/g, '#');
  const comment = rest.slice(hash + 1).trim();
  const m = /^(skip\S*|todo\S*)\b\s*(.*)$/i.exec(comment);
  if (m) {
    const directive: Directive = m[1]!.toLowerCase().startsWith('skip') ? 'skip' : 'todo';
    return { description, directive, reason: m[2]!.trim() };
  }
  return { description, directive: null, reason: comment };
}

function parseDoneFields(text: string): Omit<TapDone, 'line'> {
  const field = (k: string): number => {
    const m = new RegExp(`\\b${k}=(\\d+)`).exec(text);
    return m ? Number(m[1]) : NaN;
  };
  return { total: field('total'), pass: field('pass'), fail: field('fail'), skip: field('skip') };
}

/**
 * Incremental TAP parser: feed it serial log lines one at a time (in order), get events back.
 */
export class TapParser {
  private lineNo = 0;
  private nextId = 1;
  private yaml: string[] | null = null;
  private yamlIndent = '';
  private last: TapResult | null = null;
  readonly events: TapEvent[] = [];

  constructor(private readonly prefix: string | null = TAP_PREFIX) {}

  /** Extracts the TAP payload of a log line, or null if the line carries none. */
  tapText(line: string): string | null {
    const clean = line.replace(/\r/g, '');
    if (this.prefix === null) return clean;
    const at = clean.lastIndexOf(this.prefix);
    if (at < 0) return null;
    return clean.slice(at + this.prefix.length);
  }

  /** Parses one log line; returns the events it produced (usually zero or one). */
  feedLine(line: string): TapEvent[] {
    this.lineNo++;
    const text = this.tapText(line);
    if (text === null) return [];
    const out: TapEvent[] = [];
    const emit = (e: TapEvent) => {
      out.push(e);
      this.events.push(e);
    };

    // YAML diagnostic block after a result: "  ---" ... "  ...".
    if (this.yaml !== null) {
      if (text.trim() === '...') {
        if (this.last) this.last.diagnostics = this.yaml;
        this.yaml = null;
        return out;
      }
      if (text.startsWith(this.yamlIndent) || text.trim() === '') {
        this.yaml.push(text.slice(this.yamlIndent.length));
        return out;
      }
      // Unterminated block: keep what we have and parse this line normally.
      if (this.last) this.last.diagnostics = this.yaml;
      this.yaml = null;
    }
    const yamlStart = /^(\s+)---\s*$/.exec(text);
    if (yamlStart && this.last) {
      this.yaml = [];
      this.yamlIndent = yamlStart[1]!;
      return out;
    }

    const t = text.trim();
    if (t === '') return out;
    let m: RegExpExecArray | null;
    if ((m = VERSION_RE.exec(t))) {
      emit({ kind: 'version', version: Number(m[1]), line: this.lineNo });
    } else if ((m = PLAN_RE.exec(t))) {
      const plan: TapPlan = { start: Number(m[1]), end: Number(m[2]), line: this.lineNo };
      const c = m[3]?.trim();
      if (c && /^skip/i.test(c)) plan.skipReason = c.replace(/^skip\S*\s*/i, '');
      emit({ kind: 'plan', plan });
    } else if ((m = RESULT_RE.exec(t))) {
      const id = m[2] !== undefined ? Number(m[2]) : this.nextId;
      this.nextId = id + 1;
      const d = splitDirective(m[3] ?? '');
      const result: TapResult = {
        ok: m[1] === 'ok',
        id,
        description: d.description,
        directive: d.directive,
        reason: d.reason,
        diagnostics: [],
        line: this.lineNo,
      };
      this.last = result;
      emit({ kind: 'result', result });
    } else if ((m = RUN_RE.exec(t))) {
      emit({ kind: 'run', id: Number(m[1]), name: m[2]!.trim(), line: this.lineNo });
    } else if ((m = DONE_RE.exec(t))) {
      emit({ kind: 'done', done: { ...parseDoneFields(m[1] ?? ''), line: this.lineNo } });
    } else if ((m = BAIL_RE.exec(t))) {
      emit({ kind: 'bailout', reason: m[1]!.trim(), line: this.lineNo });
    } else if (t.startsWith('#')) {
      emit({ kind: 'comment', text: t.slice(1).trim(), line: this.lineNo });
    } else {
      emit({ kind: 'unknown', text: t, line: this.lineNo });
    }
    return out;
  }

  /** Summarises everything parsed so far. */
  summary(): TapSummary {
    let version: number | null = null;
    let plan: TapPlan | null = null;
    let done: TapDone | null = null;
    let bailout: string | null = null;
    const results: TapResult[] = [];
    const unknown: { line: number; text: string }[] = [];
    let leakCheck: string | null = null;
    for (const e of this.events) {
      if (e.kind === 'version') version = e.version;
      else if (e.kind === 'plan') plan ??= e.plan;
      else if (e.kind === 'result') results.push(e.result);
      else if (e.kind === 'done') done = e.done;
      else if (e.kind === 'bailout') bailout ??= e.reason;
      else if (e.kind === 'unknown') unknown.push({ line: e.line, text: e.text });
      else if (e.kind === 'comment' && e.text.startsWith('leak check: ')) leakCheck = e.text.slice('leak check: '.length);
    }
    const seen = new Map<number, number>();
    for (const r of results) seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
    const duplicates = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    const missing: number[] = [];
    const outOfPlan: number[] = [];
    if (plan && !plan.skipReason) {
      for (let i = plan.start; i <= plan.end; i++) if (!seen.has(i)) missing.push(i);
      for (const id of seen.keys()) if (id < plan.start || id > plan.end) outOfPlan.push(id);
    }
    return { version, plan, results, done, bailout, missing, duplicates, outOfPlan, unknown, leakCheck };
  }
}

/** Parses a whole log at once. */
export function parseTap(log: string, prefix: string | null = TAP_PREFIX): TapSummary {
  const p = new TapParser(prefix);
  for (const line of log.split('\n')) p.feedLine(line);
  return p.summary();
}
