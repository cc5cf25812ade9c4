// socketcall(2) (i386 number 102) and the direct socket calls share one implementation: the
// `socketcall` field of syscall-defs/net.ts, its checks on load, and the generated
// lxcore/generated/lxsys_socketcall.c (argument counts and dispatcher).
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadDefinitions, DefinitionError } from '../../generator/src/defs/load.ts';
import { renderOutputs } from '../../generator/src/sync/outputs.ts';
import { copyDefs, tempDir } from './helpers.ts';

/** Linux 6.1 net/socket.c nargs[] in arguments (AL(n) = n unsigned longs), index = call number. */
const NARGS = [0, 3, 3, 3, 2, 3, 3, 3, 4, 4, 4, 6, 6, 2, 5, 5, 3, 3, 4, 5, 4];
/** The direct call doing each call number's work (sys_socketcall's switch, i386). */
const DIRECT: Record<number, string> = {
  1: 'socket', 2: 'bind', 3: 'connect', 4: 'listen', 5: 'accept4', 6: 'getsockname', 7: 'getpeername',
  8: 'socketpair', 9: 'sendto', 10: 'recvfrom', 11: 'sendto', 12: 'recvfrom', 13: 'shutdown',
  14: 'setsockopt', 15: 'getsockopt', 16: 'sendmsg', 17: 'recvmsg', 18: 'accept4', 19: 'recvmmsg', 20: 'sendmmsg',
};
const MACRO: Record<number, string> = {
  1: 'SOCKET', 2: 'BIND', 3: 'CONNECT', 4: 'LISTEN', 5: 'ACCEPT', 6: 'GETSOCKNAME', 7: 'GETPEERNAME', 8: 'SOCKETPAIR',
  9: 'SEND', 10: 'RECV', 11: 'SENDTO', 12: 'RECVFROM', 13: 'SHUTDOWN', 14: 'SETSOCKOPT', 15: 'GETSOCKOPT',
  16: 'SENDMSG', 17: 'RECVMSG', 18: 'ACCEPT4', 19: 'RECVMMSG', 20: 'SENDMMSG',
};
const C_FILE = 'lxcore/generated/lxsys_socketcall.c';
const H_FILE = 'lxcore/generated/lxsys_socketcall.h';

/** Writes one definition file (lines of definitions, one may end in // BAD) and returns its problems. */
function problemsFor(family: string, lines: string[]): { problems: string[]; badLine: number; file: string } {
  const t = tempDir('sockcall-bad');
  try {
    const text = [
      "import { syscalls } from '../generator/src/defs/schema.ts';",
      '',
      `export default syscalls('${family}', [`,
      ...lines.map((l) => `  ${l}`),
      ']);',
      '',
    ].join('\n');
    const file = path.join(t.dir, 'defs.ts');
    writeFileSync(file, text);
    const badLine = text.split('\n').findIndex((l) => l.includes('// BAD')) + 1;
    try {
      loadDefinitions(t.dir);
    } catch (e) {
      if (e instanceof DefinitionError) return { problems: e.problems, badLine, file };
      throw e;
    }
    return { problems: [], badLine, file };
  } finally {
    t.cleanup();
  }
}

function expectBad(family: string, lines: string[], pattern: RegExp): void {
  const { problems, badLine, file } = problemsFor(family, lines);
  expect(badLine, 'the case marks a line // BAD').toBeGreaterThan(0);
  const hit = problems.find((p) => p.startsWith(`${file}:${badLine}: `) && pattern.test(p));
  expect(hit, `no problem at ${file}:${badLine} matching ${pattern} in:\n${problems.join('\n')}`).toBeDefined();
}

const ACCEPT4 = "{ nr: 364, name: 'accept4', entry: 'sys_accept4', args: ['int fd', 'struct sockaddr __user *upeer_sockaddr', 'int __user *upeer_addrlen', 'int flags'], status: 'enosys'";
const LISTEN = "{ nr: 363, name: 'listen', entry: 'sys_listen', args: ['int fd', 'int backlog'], status: 'enosys'";
const RECVMMSG64 = "{ nr: 417, name: 'recvmmsg_time64', entry: 'sys_recvmmsg', args: ['int fd', 'struct mmsghdr __user *msg', 'unsigned int vlen', 'unsigned flags', 'struct __kernel_timespec __user *timeout'], status: 'enosys'";

describe('the socketcall field on load', () => {
  it('accepts a number and a list of { call, args }', () => {
    const { problems } = problemsFor('net', [
      `${LISTEN}, socketcall: 4 },`,
      `${ACCEPT4}, socketcall: [{ call: 18, args: 4 }, { call: 5, args: 3 }] },`,
    ]);
    expect(problems).toEqual([]);
  });

  it('rejects a call number served twice, in one definition or by two', () => {
    expectBad('net', [`${ACCEPT4}, socketcall: [{ call: 18, args: 4 }, { call: 18, args: 4 }] }, // BAD`], /socketcall 18 \(SYS_ACCEPT4\) listed twice/);
    expectBad('net', [
      `${ACCEPT4}, socketcall: [{ call: 5, args: 3 }, { call: 18, args: 4 }] },`,
      "{ nr: 400, name: 'accept4_again', entry: 'sys_accept4', args: ['int fd', 'struct sockaddr __user *a', 'int __user *l', 'int flags'], status: 'enosys', socketcall: [{ call: 18 }] }, // BAD",
    ], /'accept4_again': socketcall 18 \(SYS_ACCEPT4\) is already served by 'accept4' at .*defs\.ts:4/);
  });

  it('rejects a call number outside 1..20', () => {
    expectBad('net', [`${LISTEN}, socketcall: 21 }, // BAD`], /socketcall call 21 is not a socketcall number \(1\.\.20/);
    expectBad('net', [`${LISTEN}, socketcall: [{ call: 0, args: 2 }] }, // BAD`], /socketcall call 0 is not a socketcall number/);
  });

  it('rejects more args than the definition has', () => {
    expectBad('net', [`${LISTEN}, socketcall: [{ call: 4, args: 3 }] }, // BAD`], /socketcall 4 \(SYS_LISTEN\) passes 3 arguments; the call takes only 2/);
  });

  it('rejects a count or an entry point that is not Linux\'s for that call', () => {
    // SYS_ACCEPT copies 3 arguments (accept4 with flags 0), so all 4 of accept4 is wrong.
    expectBad('net', [`${ACCEPT4}, socketcall: 5 }, // BAD`], /socketcall 5 \(SYS_ACCEPT\) passes 3 arguments in Linux 6\.1 \(net\/socket\.c nargs\[\]\), not 4/);
    // SYS_RECVMMSG on i386 is the time32 recvmmsg (337), not recvmmsg_time64.
    expectBad('net', [`${RECVMMSG64}, socketcall: 19 }, // BAD`], /socketcall 19 \(SYS_RECVMMSG\) does the work of sys_recvmmsg_time32 in Linux 6\.1 on i386, not sys_recvmmsg/);
  });

  it('rejects it outside net.ts (the net family)', () => {
    expectBad('fs', [`${LISTEN}, socketcall: 4 }, // BAD`], /'listen': 'socketcall' is only for the net family \(syscall-defs\/net\.ts\), not 'fs'/);
  });

  it('rejects a value of another shape', () => {
    expectBad('net', [`${LISTEN}, socketcall: '4' }, // BAD`], /'socketcall' must be a call number or a list/);
    expectBad('net', [`${LISTEN}, socketcall: { call: 4 } }, // BAD`], /'socketcall' must be a call number or a list/);
    expectBad('net', [`${LISTEN}, socketcall: [{ call: 4, nargs: 2 }] }, // BAD`], /'socketcall' must be a call number or a list/);
  });
});

describe('syscall-defs/net.ts', () => {
  const { defs } = loadDefinitions();
  it('serves each of the 20 socketcall numbers once, with Linux\'s argument count', () => {
    const served = defs.flatMap((d) => d.socketcall.map((u) => ({ call: u.call, args: u.args, name: d.name, family: d.family })));
    expect(served.map((s) => s.call).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const s of served) {
      expect(s.family).toBe('net');
      expect(s.name, `call ${s.call}`).toBe(DIRECT[s.call]);
      expect(s.args, `call ${s.call}`).toBe(NARGS[s.call]);
    }
    const recvmmsg = defs.find((d) => d.name === 'recvmmsg')!;
    expect([recvmmsg.nr, recvmmsg.entry]).toEqual([337, 'sys_recvmmsg_time32']);
    expect(defs.find((d) => d.name === 'recvmmsg_time64')!.socketcall).toEqual([]);
    expect(defs.find((d) => d.name === 'socketcall')!.socketcall).toEqual([]);
  });
});

/** The dispatcher's cases: call number -> what it returns. */
function cases(c: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const m of c.matchAll(/^ {4}case LX_SYS_(\w+): \/\*[^\n]*\*\/\n {8}return ([^\n]+);$/gm)) {
    const call = Number(Object.entries(MACRO).find(([, v]) => v === m[1])![0]);
    out.set(call, m[2]!);
  }
  return out;
}

function argsTable(c: string): number[] {
  const body = /const UCHAR LxSocketcallArgs\[21\] =\n\{\n([\s\S]*?)\n\};/.exec(c);
  expect(body, 'LxSocketcallArgs[21]').not.toBeNull();
  return [...body![1]!.matchAll(/^ {4}(\d+), +\/\* (\d+) /gm)].map((m, i) => {
    expect(Number(m[2])).toBe(i);
    return Number(m[1]);
  });
}

/** The real definitions with the net family's statuses set (socket left as it is unless given). */
function renderNet(statuses: Record<string, string>): Map<string, string> {
  const t = tempDir('sockcall-net');
  try {
    const dir = copyDefs(t.dir);
    const f = path.join(dir, 'net.ts');
    let text = readFileSync(f, 'utf8');
    for (const [name, status] of Object.entries(statuses)) {
      const re = new RegExp(`(name: '${name}',.*status: )'\\w+'`);
      expect(text, name).toMatch(re);
      text = text.replace(re, `$1'${status}'`);
    }
    writeFileSync(f, text);
    return renderOutputs(loadDefinitions(dir));
  } finally {
    t.cleanup();
  }
}

describe('lxcore/generated/lxsys_socketcall.c', () => {
  const direct = [...new Set(Object.values(DIRECT))];
  const allImplemented = renderNet(Object.fromEntries(direct.map((n) => [n, 'implemented'])));
  const handlers = new Map(loadDefinitions().defs.map((d) => [d.name, d]));

  it('carries the generated-file header and is declared in lxsys_socketcall.h', () => {
    const real = renderOutputs(loadDefinitions());
    const c = real.get(C_FILE)!;
    const h = real.get(H_FILE)!;
    expect(c.split('\n', 1)[0]).toBe('/* generated by lxgen sync from syscall-defs, do not edit */');
    expect(h.split('\n', 1)[0]).toBe('/* generated by lxgen sync from syscall-defs, do not edit */');
    expect(c).toContain('#include "lxsys_socketcall.h"\n#include "lx_errno.h"\n');
    expect(h).toContain('#include "lxsys_handlers.h"');
    expect(h).toContain('extern const UCHAR LxSocketcallArgs[21];');
    expect(h).toMatch(/^LONG\nLxSocketcallDispatch\(ULONG Call, const ULONG_PTR \*Args\);$/m);
    expect(h).toContain('#define LXSYS_SOCKETCALL_MAX 20\n');
    for (const [call, name] of Object.entries(MACRO)) expect(h).toMatch(new RegExp(`^#define LX_SYS_${name} +${call}$`, 'm'));
  });

  it('has the 20 calls with Linux\'s argument counts, and -LX_EINVAL for any other number', () => {
    for (const c of [renderOutputs(loadDefinitions()).get(C_FILE)!, allImplemented.get(C_FILE)!]) {
      expect(argsTable(c)).toEqual(NARGS);
      expect([...cases(c).keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(c).toMatch(/ {4}default:\n {8}return -LX_EINVAL;\n {4}\}\n\}\n$/);
    }
  });

  it('calls each direct handler with the first nargs arguments cast to its prototype, 0/NULL after', () => {
    const c = allImplemented.get(C_FILE)!;
    const got = cases(c);
    const protos = allImplemented.get('lxcore/generated/lxsys_handlers.h')!;
    for (let call = 1; call <= 20; call++) {
      const d = handlers.get(DIRECT[call]!)!;
      const m = new RegExp(`^${d.handler}\\((.*)\\)$`).exec(got.get(call)!);
      expect(m, `call ${call}: ${got.get(call)}`).not.toBeNull();
      const params = m![1]!.split(', ');
      expect(params, `call ${call}`).toHaveLength(d.args.length);
      // The NT types of the prototype lxsys_handlers.h declares, in order.
      const proto = new RegExp(`^LONG NTAPI ${d.handler}\\((.*)\\);$`, 'm').exec(protos)![1]!;
      const types = proto.split(', ').map((p) => p.replace(/\s*\w+$/, '').trim());
      params.forEach((p, i) => {
        if (i < NARGS[call]!) expect(p, `call ${call} argument ${i}`).toBe(`(${types[i]})Args[${i}]`);
        else expect(p, `call ${call} argument ${i}`).toBe(d.args[i]!.type.pointerDepth ? 'NULL' : '0');
      });
    }
    expect(got.get(5)).toBe('LxSysAccept4((LONG)Args[0], (LX_SOCKADDR *)Args[1], (LONG *)Args[2], 0)');
    expect(got.get(9)).toBe('LxSysSendto((LONG)Args[0], (VOID *)Args[1], (SIZE_T)Args[2], (ULONG)Args[3], NULL, 0)');
    expect(got.get(10)).toBe('LxSysRecvfrom((LONG)Args[0], (VOID *)Args[1], (SIZE_T)Args[2], (ULONG)Args[3], NULL, NULL)');
    expect(got.get(19)).toMatch(/^LxSysRecvmmsg\(.*\(LX_OLD_TIMESPEC32 \*\)Args\[4\]\)$/);
  });

  it('returns -LX_ENOSYS where the direct call is enosys, without naming its handler', () => {
    const out = renderNet({ ...Object.fromEntries(direct.map((n) => [n, 'implemented'])), accept4: 'enosys' });
    const c = out.get(C_FILE)!;
    const got = cases(c);
    expect(got.get(5)).toBe('-LX_ENOSYS');
    expect(got.get(18)).toBe('-LX_ENOSYS');
    expect(c).not.toContain('LxSysAccept4');
    expect(got.get(1)).toMatch(/^LxSysSocket\(/);
    // As committed (all of net enosys today or not): every enosys direct call gives -LX_ENOSYS.
    const real = renderOutputs(loadDefinitions()).get(C_FILE)!;
    for (const [call, ret] of cases(real)) {
      const d = handlers.get(DIRECT[call]!)!;
      if (d.status === 'enosys') {
        expect(ret, `call ${call}`).toBe('-LX_ENOSYS');
        expect(real).not.toContain(`${d.handler}(`);
      } else {
        expect(ret, `call ${call}`).toMatch(new RegExp(`^${d.handler}\\(`));
      }
    }
  });
});
