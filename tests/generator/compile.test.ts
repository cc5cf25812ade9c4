// The generated C compiles (host gcc -m32, against a small NT-types shim) and the generated stubs
// assemble (i686-w64-mingw32-as, stdcall names need PE/COFF) into the expected instructions.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { loadDefinitions } from '../../generator/src/defs/load.ts';
import { renderOutputs, writeOutputs } from '../../generator/src/sync/outputs.ts';
import { ROOT } from '../../generator/src/paths.ts';
import { FIXTURES, copyDefs, tempDir, works } from './helpers.ts';

const SHIM = path.join(FIXTURES, 'nt-shim');
/** lx_errno.h (LX_EINVAL, LX_ENOSYS) for lxsys_socketcall.c, as lxcore's include path has it. */
const CORE = path.join(ROOT, 'lxcore', 'core');

/** Real definitions with a few statuses flipped, so the table references real handlers too. */
function renderWithSomeImplemented(dir: string): Map<string, string> {
  const defsDir = copyDefs(dir);
  for (const [file, name, status] of [['process.ts', 'exit_group', 'implemented'], ['fs.ts', 'pread64', 'implemented'], ['fs.ts', 'write', 'partial'], ['net.ts', 'accept4', 'implemented'], ['net.ts', 'recvfrom', 'implemented']] as const) {
    const f = path.join(defsDir, file);
    const re = new RegExp(`(name: '${name}',.*status: )'enosys'`);
    writeFileSync(f, readFileSync(f, 'utf8').replace(re, status === 'partial' ? `$1'partial', note: 'test'` : `$1'${status}'`));
  }
  return renderOutputs(loadDefinitions(defsDir));
}

describe('generated C', () => {
  it('lxsys_table.c, lxsys_names.c, lxsys_socketcall.c and lxsys_trace.c compile with gcc -m32 -std=c99 -Wall -Wextra -pedantic -Werror', async (ctx) => {
    if (!(await works('gcc', ['-m32', '-x', 'c', '-fsyntax-only', '-'], 'int x;\n'))) {
      console.log('SKIP generated C compile check: gcc -m32 is not available (install gcc-multilib)');
      ctx.skip();
      return;
    }
    const t = tempDir('cc');
    try {
      const variants: [string, Map<string, string>][] = [['as committed', renderOutputs(loadDefinitions())], ['with implemented entries', renderWithSomeImplemented(t.dir)]];
      for (const [label, files] of variants) {
        const root = path.join(t.dir, label.replace(/\W/g, '_'));
        writeOutputs(root, files);
        // lxsys_trace.c against the interface of entry/lxtrace.h (which needs the NT headers)
        const stub = path.join(root, 'stub');
        mkdirSync(stub, { recursive: true });
        writeFileSync(path.join(stub, 'lxtrace.h'), [
          'typedef struct { ULONG Number; char Text[240]; } LX_TRACE_CALL, *PLX_TRACE_CALL;',
          'unsigned char LxTraceEnter(ULONG Number, const ULONG_PTR *Args, PLX_TRACE_CALL Call);',
          'void LxTraceLeave(PLX_TRACE_CALL Call, LONG Result);',
          'LONG LxTraceFault(PLX_TRACE_CALL Call);',
          '/* PSEH2 as a plain if/else: enough for the syntax of the wrappers */',
          '#define _SEH2_TRY if (1)',
          '#define _SEH2_EXCEPT(Filter) else if ((Filter) != 0)',
          '#define _SEH2_END',
          'LONG LxTraceEnosys(ULONG Number);',
          'extern const ULONG_PTR LxSysTraceTable[];',
          '',
        ].join('\n'));
        for (const f of ['lxsys_table.c', 'lxsys_names.c', 'lxsys_socketcall.c', 'lxsys_trace.c']) {
          const r = await execa('gcc', ['-m32', '-std=c99', '-Wall', '-Wextra', '-pedantic', '-Werror', '-fsyntax-only', '-I', SHIM, '-I', CORE, '-I', stub, path.join(root, 'lxcore/generated', f)], { reject: false });
          expect(r.exitCode, `${f} (${label}):\n${r.stderr}`).toBe(0);
        }
        // The table really is indexed by number and typed as the kernel wants it.
        const probe = path.join(root, 'probe.c');
        writeFileSync(probe, [
          '#include "lxsys_handlers.h"',
          'typedef char count_ok[LXSYS_SERVICE_COUNT == 451 ? 1 : -1];',
          'typedef char nr_ok[LX_NR_exit_group == 252 && LX_NR_set_mempolicy_home_node == 450 ? 1 : -1];',
          'typedef char base_ok[LXSYS_SERVICE_BASE == 0x2000 ? 1 : -1];',
          'LONG NTAPI (*const Check)(LX_PID, LX_PID, LONG) = LxSysTgkill;',
          '',
        ].join('\n'));
        const r = await execa('gcc', ['-m32', '-std=c99', '-Wall', '-Werror', '-fsyntax-only', '-I', SHIM, '-I', path.join(root, 'lxcore/generated'), probe], { reject: false });
        expect(r.exitCode, r.stderr).toBe(0);
      }
    } finally {
      t.cleanup();
    }
  });

  it('a wrong handler signature in the table does not compile (the check can fail)', async (ctx) => {
    if (!(await works('gcc', ['-m32', '-x', 'c', '-fsyntax-only', '-'], 'int x;\n'))) {
      console.log('SKIP negative compile check: gcc -m32 is not available');
      ctx.skip();
      return;
    }
    const t = tempDir('ccneg');
    try {
      writeOutputs(t.dir, renderOutputs(loadDefinitions()));
      const table = path.join(t.dir, 'lxcore/generated/lxsys_table.c');
      writeFileSync(table, readFileSync(table, 'utf8').replace('(ULONG_PTR)LxSysEnosys,', '(ULONG_PTR)LxSysNoSuchHandler,'));
      const r = await execa('gcc', ['-m32', '-std=c99', '-Wall', '-Werror', '-fsyntax-only', '-I', SHIM, table], { reject: false });
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toContain('LxSysNoSuchHandler');
    } finally {
      t.cleanup();
    }
  });
});

describe('generated stubs', () => {
  it('assemble with i686-w64-mingw32-as and encode mov/lea/int 2Eh/ret 4*argc', async (ctx) => {
    if (!(await works('i686-w64-mingw32-as', ['--version'])) || !(await works('gcc', ['--version']))) {
      console.log('SKIP stub assembly check: i686-w64-mingw32-as is not installed (binutils-mingw-w64-i686)');
      ctx.skip();
      return;
    }
    const t = tempDir('as');
    try {
      writeOutputs(t.dir, renderOutputs(loadDefinitions()));
      const dumps: Record<string, string> = {};
      for (const f of ['lxstubs_user.S', 'lxstubs_kernel.S']) {
        const src = path.join(t.dir, 'lxcore/generated', f);
        const pre = path.join(t.dir, `${f}.s`);
        const obj = path.join(t.dir, `${f}.o`);
        const cpp = await execa('gcc', ['-E', '-P', '-x', 'assembler-with-cpp', '-I', SHIM, src, '-o', pre], { reject: false });
        expect(cpp.exitCode, cpp.stderr).toBe(0);
        const as = await execa('i686-w64-mingw32-as', ['--32', pre, '-o', obj], { reject: false });
        expect(as.exitCode, `${f}: ${as.stderr.slice(0, 2000)}`).toBe(0);
        const nm = await execa('i686-w64-mingw32-nm', [obj], { reject: false });
        if (nm.exitCode === 0) expect(nm.stdout.split('\n').filter((l) => / T _Lx(Nt|Zw)/.test(l))).toHaveLength(440);
        const od = await execa('i686-w64-mingw32-objdump', ['-d', '-M', 'intel', obj], { reject: false });
        if (od.exitCode === 0) dumps[f] = od.stdout;
      }
      const user = dumps['lxstubs_user.S'];
      if (user) {
        // pread64 = Linux 180 = service 0x20b4, 5 slots.
        const body = user.split('<_LxNtPread64@20>:')[1]!.split('\n\n')[0]!;
        expect(body).toMatch(/b8 b4 20 00 00\s+mov\s+eax,0x20b4/);
        expect(body).toMatch(/8d 54 24 04\s+lea\s+edx,\[esp\+0x4\]/);
        expect(body).toMatch(/cd 2e\s+int\s+0x2e/);
        expect(body).toMatch(/c2 14 00\s+ret\s+0x14/);
      }
      const kernel = dumps['lxstubs_kernel.S'];
      if (kernel) {
        const body = kernel.split('<_LxZwExitGroup@4>:')[1]!.split('\n\n')[0]!;
        expect(body).toMatch(/mov\s+eax,0x20fc/);
        expect(body).toMatch(/pushf/);
        expect(body).toMatch(/push\s+0x8/);
        expect(body).toMatch(/call/);
        expect(body).toMatch(/ret\s+0x4/);
      }
    } finally {
      t.cleanup();
    }
  });
});
