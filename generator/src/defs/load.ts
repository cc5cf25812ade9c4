// Loads and validates syscall-defs/: reads each family file as data with ts-morph, so that every
// problem is reported as file:line, and returns the definitions in number order.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Node, Project, SyntaxKind, type ObjectLiteralExpression, type SourceFile } from 'ts-morph';
import { CTypeError, parseCType, splitArgument, type CType } from './ctypes.ts';
import { STATUSES, type SyscallStatus } from './schema.ts';
import { ROOT } from '../paths.ts';

/** i386 passes system call arguments in six registers (EBX, ECX, EDX, ESI, EDI, EBP). */
export const MAX_ARGS = 6;
/** A service table holds at most 0x1000 entries (SERVICE_NUMBER_MASK). */
export const MAX_NUMBER = 0xfff;

export interface SyscallArg {
  name: string;
  type: CType;
}

export interface SyscallDef {
  nr: number;
  name: string;
  family: string;
  entry: string | null;
  args: SyscallArg[];
  ret: string;
  status: SyscallStatus;
  note: string | null;
  /** LxSys<CamelCase> (exit_group -> LxSysExitGroup). */
  handler: string;
  /** CamelCase name used in the SVC_ list and stubs. */
  svcName: string;
  /** Where it is written: project-relative file and 1-based line. */
  file: string;
  line: number;
}

export interface Definitions {
  defs: SyscallDef[];
  families: string[];
  dir: string;
}

export class DefinitionError extends Error {
  constructor(readonly problems: string[]) {
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the syscall definitions:\n  ${problems.join('\n  ')}`);
  }
}

/** exit_group -> ExitGroup, _llseek -> Llseek, mmap2 -> Mmap2. */
export function camelCase(name: string): string {
  return name
    .split('_')
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

export function handlerName(name: string): string {
  return `LxSys${camelCase(name)}`;
}

const KNOWN_KEYS = ['nr', 'name', 'entry', 'args', 'ret', 'status', 'note'];
const REQUIRED_KEYS = ['nr', 'name', 'entry', 'args', 'status'];

function rel(file: string): string {
  const r = path.relative(ROOT, file);
  return r.startsWith('..') ? file : r;
}

/** Loads every *.ts file of `dir` (default syscall-defs/). Throws DefinitionError listing every problem. */
export function loadDefinitions(dir: string = path.join(ROOT, 'syscall-defs')): Definitions {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort();
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true, compilerOptions: { noLib: true } });
  const problems: string[] = [];
  const defs: SyscallDef[] = [];
  const families: string[] = [];
  for (const f of files) {
    const full = path.join(dir, f);
    const sf = project.createSourceFile(`/defs/${f}`, readFileSync(full, 'utf8'));
    readFamilyFile(sf, rel(full), defs, families, problems);
  }
  if (files.length === 0) problems.push(`${rel(dir)}: no definition files`);

  // Cross-definition checks: numbers, names, handler names.
  const byNr = new Map<number, SyscallDef>();
  const byName = new Map<string, SyscallDef>();
  const byHandler = new Map<string, SyscallDef>();
  for (const d of defs) {
    const at = `${d.file}:${d.line}`;
    const n = byNr.get(d.nr);
    if (n) problems.push(`${at}: duplicate number ${d.nr} ('${d.name}'; '${n.name}' has it at ${n.file}:${n.line})`);
    else byNr.set(d.nr, d);
    const m = byName.get(d.name);
    if (m) problems.push(`${at}: duplicate name '${d.name}' (also number ${m.nr} at ${m.file}:${m.line})`);
    else {
      byName.set(d.name, d);
      const h = byHandler.get(d.handler);
      if (h) problems.push(`${at}: handler name ${d.handler} of '${d.name}' collides with '${h.name}' at ${h.file}:${h.line}`);
      else byHandler.set(d.handler, d);
    }
    if (d.handler === 'LxSysEnosys') problems.push(`${at}: '${d.name}' would take the shared handler name LxSysEnosys`);
  }
  if (problems.length) throw new DefinitionError(problems);
  defs.sort((a, b) => a.nr - b.nr);
  return { defs, families: [...new Set(families)].sort(), dir };
}

/**
 * For `lxgen <command> --defs DIR`: loads DIR (resolved against the working directory; default
 * syscall-defs/), or prints `lxgen <command>: <problems>` and returns null (exit status 1).
 */
export function loadDefinitionsFor(command: string, defsArg: string | undefined): Definitions | null {
  try {
    return loadDefinitions(defsArg ? path.resolve(defsArg) : undefined);
  } catch (e) {
    if (e instanceof DefinitionError) {
      console.error(`lxgen ${command}: ${e.message}`);
      return null;
    }
    throw e;
  }
}

function readFamilyFile(sf: SourceFile, file: string, out: SyscallDef[], families: string[], problems: string[]): void {
  const exp = sf.getExportAssignment((e) => !e.isExportEquals());
  const call = exp?.getExpression();
  if (!call || !Node.isCallExpression(call) || call.getExpression().getText() !== 'syscalls') {
    problems.push(`${file}:${exp?.getStartLineNumber() ?? 1}: expected 'export default syscalls(<family>, [ ... ])'`);
    return;
  }
  const [famNode, listNode] = call.getArguments();
  if (!famNode || !Node.isStringLiteral(famNode) || !/^[a-z][a-z0-9-]*$/.test(famNode.getLiteralValue())) {
    problems.push(`${file}:${call.getStartLineNumber()}: the family must be a lower-case string literal`);
    return;
  }
  const family = famNode.getLiteralValue();
  families.push(family);
  if (!listNode || !Node.isArrayLiteralExpression(listNode)) {
    problems.push(`${file}:${call.getStartLineNumber()}: the definitions must be an array literal`);
    return;
  }
  for (const el of listNode.getElements()) {
    if (!Node.isObjectLiteralExpression(el)) {
      problems.push(`${file}:${el.getStartLineNumber()}: each definition must be an object literal`);
      continue;
    }
    const d = readDefinition(el, file, family, problems);
    if (d) out.push(d);
  }
}

type Literal = number | string | null | string[];

function literalValue(node: Node): Literal | undefined {
  if (Node.isNumericLiteral(node)) return Number(node.getLiteralValue());
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  if (node.getKind() === SyntaxKind.NullKeyword) return null;
  if (Node.isArrayLiteralExpression(node)) {
    const out: string[] = [];
    for (const e of node.getElements()) {
      if (!Node.isStringLiteral(e)) return undefined;
      out.push(e.getLiteralValue());
    }
    return out;
  }
  return undefined;
}

function readDefinition(obj: ObjectLiteralExpression, file: string, family: string, problems: string[]): SyscallDef | undefined {
  const line = obj.getStartLineNumber();
  const at = (n: Node = obj) => `${file}:${n.getStartLineNumber()}`;
  const values = new Map<string, { value: Literal; node: Node }>();
  let ok = true;
  for (const p of obj.getProperties()) {
    if (!Node.isPropertyAssignment(p)) {
      problems.push(`${at(p)}: only 'key: literal' properties are allowed`);
      ok = false;
      continue;
    }
    const key = p.getName();
    if (!KNOWN_KEYS.includes(key)) {
      problems.push(`${at(p)}: unknown property '${key}' (allowed: ${KNOWN_KEYS.join(', ')})`);
      ok = false;
      continue;
    }
    const init = p.getInitializerOrThrow();
    const value = literalValue(init);
    if (value === undefined) {
      problems.push(`${at(p)}: '${key}' must be a literal`);
      ok = false;
      continue;
    }
    values.set(key, { value, node: init });
  }
  for (const k of REQUIRED_KEYS) {
    if (!values.has(k)) {
      problems.push(`${at()}: missing '${k}'`);
      ok = false;
    }
  }
  if (!ok) return undefined;
  const nr = values.get('nr')!.value;
  const name = values.get('name')!.value;
  const entry = values.get('entry')!.value;
  const argsRaw = values.get('args')!;
  const status = values.get('status')!.value;
  const note = values.get('note')?.value ?? null;
  const ret = values.get('ret')?.value ?? 'long';

  const label = typeof name === 'string' ? `'${name}'` : 'definition';
  if (typeof nr !== 'number' || !Number.isInteger(nr) || nr < 0 || nr > MAX_NUMBER) {
    problems.push(`${at()}: ${label}: 'nr' must be an integer 0..${MAX_NUMBER}`);
    ok = false;
  }
  if (typeof name !== 'string' || !/^[a-z_][a-z0-9_]*$/.test(name)) {
    problems.push(`${at()}: 'name' must be a lower-case C identifier`);
    ok = false;
  }
  if (entry !== null && (typeof entry !== 'string' || !/^(sys|compat_sys)_\w+$/.test(entry))) {
    problems.push(`${at()}: ${label}: 'entry' must be a sys_* entry point or null`);
    ok = false;
  }
  if (typeof status !== 'string' || !STATUSES.includes(status as SyscallStatus)) {
    problems.push(`${at()}: ${label}: 'status' must be one of ${STATUSES.join(', ')}`);
    ok = false;
  }
  if (note !== null && (typeof note !== 'string' || note.trim() === '')) {
    problems.push(`${at()}: ${label}: 'note' must be a non-empty string`);
    ok = false;
  }
  if (status === 'partial' && note === null) {
    problems.push(`${at()}: ${label}: status 'partial' needs a 'note' saying what is missing`);
    ok = false;
  }
  if ((entry === null || entry === 'sys_ni_syscall') && status !== 'enosys') {
    problems.push(`${at()}: ${label}: has no Linux entry point, so its status must be 'enosys'`);
    ok = false;
  }
  if (typeof ret !== 'string') {
    problems.push(`${at()}: ${label}: 'ret' must be a string`);
    ok = false;
  }
  const args: SyscallArg[] = [];
  if (!Array.isArray(argsRaw.value)) {
    problems.push(`${at(argsRaw.node)}: ${label}: 'args' must be an array of 'type name' strings`);
    ok = false;
  } else {
    const elements = Node.isArrayLiteralExpression(argsRaw.node) ? argsRaw.node.getElements() : [];
    if (argsRaw.value.length > MAX_ARGS) {
      problems.push(`${at(argsRaw.node)}: ${label} has ${argsRaw.value.length} arguments; i386 passes at most ${MAX_ARGS}`);
      ok = false;
    }
    const seen = new Set<string>();
    argsRaw.value.forEach((text, i) => {
      const where = at(elements[i] ?? argsRaw.node);
      const split = splitArgument(text);
      if (!split) {
        problems.push(`${where}: ${label}: argument '${text}' must be 'type name'`);
        ok = false;
        return;
      }
      if (seen.has(split.name)) {
        problems.push(`${where}: ${label}: argument name '${split.name}' used twice`);
        ok = false;
      }
      seen.add(split.name);
      try {
        args.push({ name: split.name, type: parseCType(split.type) });
      } catch (e) {
        if (!(e instanceof CTypeError)) throw e;
        problems.push(`${where}: ${label}: ${e.message}`);
        ok = false;
      }
    });
  }
  if (!ok) return undefined;
  return {
    nr: nr as number,
    name: name as string,
    family,
    entry: entry as string | null,
    args,
    ret: ret as string,
    status: status as SyscallStatus,
    note: note as string | null,
    handler: handlerName(name as string),
    svcName: camelCase(name as string),
    file,
    line,
  };
}
