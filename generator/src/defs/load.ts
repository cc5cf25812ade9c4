// Loads and validates syscall-defs/: reads each family file as data with ts-morph, so that every
// problem is reported as file:line, and returns the definitions in number order.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Node, Project, SyntaxKind, type ObjectLiteralExpression, type SourceFile } from 'ts-morph';
import { CTypeError, parseCType, splitArgument, type CType } from './ctypes.ts';
import { STATUSES, type SyscallStatus } from './schema.ts';
import { LINUX_SOCKETCALLS, SOCKETCALL_FAMILY, SOCKETCALL_MAX } from './socketcall.ts';
import { ROOT } from '../paths.ts';

/** i386 passes system call arguments in six registers (EBX, ECX, EDX, ESI, EDI, EBP). */
export const MAX_ARGS = 6;
/** A service table holds at most 0x1000 entries (SERVICE_NUMBER_MASK). */
export const MAX_NUMBER = 0xfff;

export interface SyscallArg {
  name: string;
  type: CType;
}

/** A socketcall(2) number a direct call serves, with the count of leading arguments it passes. */
export interface SocketcallUse {
  call: number;
  args: number;
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
  /** The socketcall numbers this direct call serves (net family only), in call order; [] for none. */
  socketcall: SocketcallUse[];
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

const KNOWN_KEYS = ['nr', 'name', 'entry', 'args', 'ret', 'status', 'note', 'socketcall'];
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
  // socketcall numbers: each served by one definition at most.
  const byCall = new Map<number, SyscallDef>();
  for (const d of [...defs].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)) {
    for (const u of d.socketcall) {
      const other = byCall.get(u.call);
      if (other) {
        const linux = LINUX_SOCKETCALLS.find((l) => l.call === u.call)!;
        problems.push(`${d.file}:${d.line}: '${d.name}': socketcall ${u.call} (${linux.name}) is already served by '${other.name}' at ${other.file}:${other.line}`);
      } else byCall.set(u.call, d);
    }
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
  let socketcallNode: Node | undefined;
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
    if (key === 'socketcall') {
      socketcallNode = init;
      continue;
    }
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
  const socketcall = ok && socketcallNode ? readSocketcall(socketcallNode, label, family, entry as string | null, args.length, file, problems) : [];
  if (socketcall === undefined) ok = false;
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
    socketcall: socketcall!,
    handler: handlerName(name as string),
    svcName: camelCase(name as string),
    file,
    line,
  };
}

/**
 * The `socketcall` field: a call number (all of the definition's arguments), or a list of call
 * numbers and { call, args } objects. Checked against Linux's sys_socketcall (socketcall.ts).
 * Returns the uses in call order, or undefined after reporting problems.
 */
function readSocketcall(node: Node, label: string, family: string, entry: string | null, argc: number, file: string, problems: string[]): SocketcallUse[] | undefined {
  const at = (n: Node) => `${file}:${n.getStartLineNumber()}`;
  const shape = `'socketcall' must be a call number or a list of call numbers and { call: <1..${SOCKETCALL_MAX}>, args: <count> } literals`;
  if (family !== SOCKETCALL_FAMILY) {
    problems.push(`${at(node)}: ${label}: 'socketcall' is only for the ${SOCKETCALL_FAMILY} family (syscall-defs/${SOCKETCALL_FAMILY}.ts), not '${family}'`);
    return undefined;
  }
  const items: { call: unknown; args: unknown; node: Node }[] = [];
  // A number, or the text of whatever else was written (reported below as not a number).
  const int = (n: Node): unknown => (Node.isNumericLiteral(n) ? Number(n.getLiteralValue()) : n.getText());
  const readItem = (n: Node): boolean => {
    if (Node.isNumericLiteral(n)) {
      items.push({ call: int(n), args: argc, node: n });
      return true;
    }
    if (!Node.isObjectLiteralExpression(n)) return false;
    let call: unknown;
    let args: unknown = argc;
    for (const p of n.getProperties()) {
      if (!Node.isPropertyAssignment(p) || !['call', 'args'].includes(p.getName())) return false;
      const v = int(p.getInitializerOrThrow());
      if (p.getName() === 'call') call = v;
      else args = v;
    }
    if (call === undefined) return false;
    items.push({ call, args, node: n });
    return true;
  };
  if (Node.isArrayLiteralExpression(node)) {
    const elements = node.getElements();
    if (elements.length === 0 || !elements.every(readItem)) {
      problems.push(`${at(node)}: ${label}: ${shape}`);
      return undefined;
    }
  } else if (Node.isObjectLiteralExpression(node) || !readItem(node)) {
    problems.push(`${at(node)}: ${label}: ${shape}`);
    return undefined;
  }
  let ok = true;
  const seen = new Set<number>();
  const out: SocketcallUse[] = [];
  for (const it of items) {
    const where = at(it.node);
    const { call, args } = it;
    if (typeof call !== 'number' || !Number.isInteger(call) || call < 1 || call > SOCKETCALL_MAX) {
      problems.push(`${where}: ${label}: socketcall call ${String(call)} is not a socketcall number (1..${SOCKETCALL_MAX}: SYS_SOCKET..SYS_SENDMMSG)`);
      ok = false;
      continue;
    }
    const linux = LINUX_SOCKETCALLS.find((l) => l.call === call)!;
    if (seen.has(call)) {
      problems.push(`${where}: ${label}: socketcall ${call} (${linux.name}) listed twice`);
      ok = false;
      continue;
    }
    seen.add(call);
    if (typeof args !== 'number' || !Number.isInteger(args) || args < 0) {
      problems.push(`${where}: ${label}: socketcall ${call} (${linux.name}): 'args' must be a count of arguments`);
      ok = false;
      continue;
    }
    if (args > argc) {
      problems.push(`${where}: ${label}: socketcall ${call} (${linux.name}) passes ${args} arguments; the call takes only ${argc}`);
      ok = false;
      continue;
    }
    if (args !== linux.nargs) {
      problems.push(`${where}: ${label}: socketcall ${call} (${linux.name}) passes ${linux.nargs} arguments in Linux 6.1 (net/socket.c nargs[]), not ${args}`);
      ok = false;
    }
    if (entry !== linux.entry) {
      problems.push(`${where}: ${label}: socketcall ${call} (${linux.name}) does the work of ${linux.entry} in Linux 6.1 on i386, not ${entry ?? 'null'}`);
      ok = false;
    }
    out.push({ call, args });
  }
  return ok ? out.sort((a, b) => a.call - b.call) : undefined;
}
