// Syscall tracing's generated parts: how each argument is printed (argKind, from the type and
// the name), and lxsys_trace.c's wrappers: one per number, each around its own handler.
import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../generator/src/defs/load.ts';
import { argKind, buildModel } from '../../generator/src/sync/model.ts';
import { renderOutputs } from '../../generator/src/sync/outputs.ts';

const defs = loadDefinitions();
const model = buildModel(defs);
const kinds = (name: string) => model.slots.find((s) => s.def?.name === name)!.argKinds;

describe('argument kinds', () => {
  it('prints strings, counted buffers, descriptors, modes, flags and addresses as strace does', () => {
    expect(kinds('open')).toBe('sxo'); // "path", flags, mode
    expect(kinds('write')).toBe('dbu'); // fd, the buffer cut to count, count
    expect(kinds('read')).toBe('dpu'); // the buffer is written by the call: a pointer
    expect(kinds('openat')).toBe('dsxo');
    expect(kinds('mmap2')).toBe('xuxxdu'); // addr, len, prot, flags, fd, pgoff
    expect(kinds('kill')).toBe('dd');
    expect(kinds('exit_group')).toBe('d');
  });
  it('gives bytes only to a const buffer followed by its count', () => {
    expect(argKind({ c: 'const char __user *', base: 'char', pointerDepth: 1 }, 'buf', 'count')).toBe('b');
    expect(argKind({ c: 'const char __user *', base: 'char', pointerDepth: 1 }, 'buf', 'flags')).toBe('s');
    expect(argKind({ c: 'char __user *', base: 'char', pointerDepth: 1 }, 'buf', 'count')).toBe('p');
    expect(argKind({ c: 'const char __user *const __user *', base: 'char', pointerDepth: 2 }, 'argv')).toBe('p');
  });
  it('has one kind per argument for every definition', () => {
    for (const s of model.slots) if (s.def) expect(s.argKinds.length, s.def.name).toBe(s.argc);
  });
});

describe('lxsys_trace.c', () => {
  const text = renderOutputs(defs).get('lxcore/generated/lxsys_trace.c')!;
  it('has a wrapper for every number, in table order', () => {
    const table = text.slice(text.indexOf('LxSysTraceTable['));
    const entries = [...table.matchAll(/\(ULONG_PTR\)(LxTrace\w+),/g)].map((m) => m[1]);
    expect(entries.length).toBe(model.count);
    expect(entries).toEqual(model.slots.map((s) => `LxTrace${s.svcName}`));
  });
  it('wraps each live handler with the same arguments, and reports ENOSYS for the rest', () => {
    for (const s of model.slots) {
      const at = text.indexOf(`\nLxTrace${s.svcName}(`);
      expect(at, s.svcName).toBeGreaterThan(0);
      const body = text.slice(at, text.indexOf('\n}\n', at));
      if (s.tableHandler === 'LxSysEnosys') {
        expect(body, s.svcName).toContain(`return LxTraceEnosys(${s.nr});`);
      } else {
        expect(body, s.svcName).toContain(`if (!LxTraceEnter(${s.nr}, TraceArgs, &TraceCall))`);
        expect(body, s.svcName).toContain(`TraceResult = ${s.tableHandler}(${s.callArgs});`);
        // a fault the handler does not catch passes the filter that prints the last calls
        expect(body, s.svcName).toContain('_SEH2_EXCEPT(LxTraceFault(&TraceCall))');
      }
    }
  });
});
