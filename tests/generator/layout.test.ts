// lxgen sync --check's layout rules for lxcore (generator/src/sync/layout.ts): the real tree
// holds them, and small trees that break each rule are caught, naming file and line.
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkLayout, exportedSymbols, stripComments } from '../../generator/src/sync/layout.ts';
import { loadDefinitions } from '../../generator/src/defs/load.ts';
import { ROOT } from '../../generator/src/paths.ts';

const defs = loadDefinitions();

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lxss-layout-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const fn = (name: string, body = '') => `LONG\n${name}(VOID)\n{\n${body}    return 0;\n}\n`;
const staticFn = (name: string) => `static\nLONG\n${name}(VOID)\n{\n    return 0;\n}\n`;

describe('lxcore layout', () => {
  it('holds for the project', () => {
    expect(checkLayout(path.join(ROOT, 'lxcore'), defs)).toEqual([]);
  });

  it('finds definitions in ReactOS style, not prototypes, statics or comments', () => {
    const text = [
      '/* LxInComment(VOID) */',
      'LONG LxPrototype(VOID);',
      staticFn('LxHidden'),
      fn('LxShown'),
      'PS_PICO_ROUTINES LxGlobal;',
      'LONG',
      'LxMultiLine(',
      '    _In_ ULONG A);',
    ].join('\n');
    const syms = exportedSymbols({ rel: 'nt/a.c', folder: 'nt', layer: 1, text, code: stripComments(text) });
    expect(syms.map((s) => s.name)).toEqual(['LxShown', 'LxGlobal']);
  });

  it('refuses a lower layer using a higher one, by call or by include', () => {
    const dir = tree({
      'nt/clock.c': '#include "lxkernel.h"\n' + fn('LxClock', '    LxProcessThing();\n'),
      'kernel/lxkernel.h': '#pragma once\n',
      'kernel/process.c': fn('LxProcessThing'),
    });
    expect(checkLayout(dir, defs)).toEqual([
      'lxcore/nt/clock.c:1: includes lxkernel.h of a higher layer (kernel/ over nt/)',
      'lxcore/nt/clock.c:5: uses LxProcessThing of lxcore/kernel/process.c (kernel/ is above nt/)',
    ]);
  });

  it('lets kernel/ and fs/ use each other, and entry/ use sys/ handlers', () => {
    const dir = tree({
      'kernel/a.c': fn('LxKernelA', '    LxFsB();\n'),
      'fs/b.c': fn('LxFsB', '    LxKernelA();\n'),
      'sys/fs.c': fn('LxSysRead'),
      'entry/pico.c': fn('LxEntry', '    LxSysRead();\n'),
    });
    expect(checkLayout(dir, defs)).toEqual([]);
  });

  it('refuses a handler outside its family\'s file, and sys/ helpers used from elsewhere', () => {
    const dir = tree({
      'sys/process.c': fn('LxSysKill') + fn('LxHelper'),
      'kernel/signal.c': fn('LxSysRtSigreturn'),
      'entry/pico.c': fn('LxEntry', '    LxHelper();\n'),
      'sys/fs_io.c': fn('LxSysRead'),
    });
    expect(checkLayout(dir, defs)).toEqual([
      'lxcore/entry/pico.c:4: uses LxHelper of lxcore/sys/process.c: sys/ offers handlers only',
      'lxcore/kernel/signal.c:2: LxSysRtSigreturn (family signal) belongs in sys/signal.c or sys/signal_<part>.c',
      'lxcore/sys/process.c:2: LxSysKill (family signal) belongs in sys/signal.c or sys/signal_<part>.c',
    ]);
  });

  it('puts the generated socketcall dispatcher in sys/\'s layer: sys/net.c may call it, kernel/ may not', () => {
    const dispatcher = 'const UCHAR LxSocketcallArgs[21] = { 0 };\n' + fn('LxSocketcallDispatch', '    LxSysBind();\n');
    const netImplemented = { ...defs, defs: defs.defs.map((d) => (d.family === 'net' ? { ...d, status: 'implemented' as const } : d)) };
    expect(checkLayout(tree({
      'generated/lxsys_socketcall.c': dispatcher,
      'sys/net.c': fn('LxSysSocketcall', '    LxSocketcallArgs[1];\n    LxSocketcallDispatch();\n') + fn('LxSysBind'),
    }), netImplemented)).toEqual([]);
    expect(checkLayout(tree({
      'generated/lxsys_socketcall.c': dispatcher,
      'kernel/x.c': fn('LxKernelX', '    LxSocketcallDispatch();\n'),
    }), defs)).toEqual(['lxcore/kernel/x.c:4: uses LxSocketcallDispatch of lxcore/generated/lxsys_socketcall.c (generated/ is above kernel/)']);
  });

  it('refuses a file in no layer', () => {
    expect(checkLayout(tree({ 'misc/x.c': fn('LxX') }), defs)).toEqual([
      'lxcore/misc/x.c: in no layer (folders: core, include, nt, kernel, fs, sys, entry, generated)',
    ]);
  });
});
