// The syscall definitions themselves: complete, consistent with Linux's numbering, i386 slots.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { loadDefinitions, handlerName, camelCase } from '../../generator/src/defs/load.ts';
import { UNISTD_32 } from './helpers.ts';

const { defs, families } = loadDefinitions();
const byName = new Map(defs.map((d) => [d.name, d]));

describe('syscall-defs', () => {
  it('defines the 440 system calls of Linux 6.1 i386, numbers 0..450', () => {
    expect(defs).toHaveLength(440);
    expect(defs[0]!.nr).toBe(0);
    expect(defs.at(-1)!.nr).toBe(450);
    expect(families).toEqual(['fs', 'identity', 'ipc', 'misc', 'mm', 'net', 'obsolete', 'process', 'sched', 'signal', 'time']);
  });

  it('matches asm/unistd_32.h number for number and name for name', (ctx) => {
    if (!existsSync(UNISTD_32)) {
      console.log(`SKIP unistd_32.h comparison: ${UNISTD_32} is absent (install linux-libc-dev)`);
      ctx.skip();
      return;
    }
    const header = new Map<number, string>();
    for (const m of readFileSync(UNISTD_32, 'utf8').matchAll(/^#define __NR_(\w+)\s+(\d+)\s*$/gm)) header.set(Number(m[2]), m[1]!);
    expect(header.size).toBe(440);
    const ours = new Map(defs.map((d) => [d.nr, d.name]));
    expect([...ours].sort((a, b) => a[0] - b[0])).toEqual([...header].sort((a, b) => a[0] - b[0]));
  });

  it('derives handler names LxSys<CamelCase>', () => {
    expect(camelCase('exit_group')).toBe('ExitGroup');
    expect(handlerName('exit_group')).toBe('LxSysExitGroup');
    expect(handlerName('_llseek')).toBe('LxSysLlseek');
    expect(handlerName('mmap2')).toBe('LxSysMmap2');
    expect(byName.get('set_thread_area')!.handler).toBe('LxSysSetThreadArea');
    expect(new Set(defs.map((d) => d.handler)).size).toBe(440);
  });

  it('writes 64-bit values as two 4-byte slots, as the i386 entry points take them', () => {
    const argc = (n: string) => byName.get(n)!.args.length;
    expect(argc('pread64')).toBe(5);
    expect(argc('pwrite64')).toBe(5);
    expect(argc('truncate64')).toBe(3);
    expect(argc('ftruncate64')).toBe(3);
    expect(argc('readahead')).toBe(4);
    expect(argc('fadvise64')).toBe(5);
    expect(argc('fadvise64_64')).toBe(6);
    expect(argc('sync_file_range')).toBe(6);
    expect(argc('fallocate')).toBe(6);
    expect(argc('lookup_dcookie')).toBe(4);
    expect(argc('fanotify_mark')).toBe(6);
    expect(argc('_llseek')).toBe(5);
    expect(argc('mmap2')).toBe(6);
    expect(byName.get('pread64')!.args.map((a) => a.name)).toEqual(['fd', 'ubuf', 'count', 'poslo', 'poshi']);
    for (const d of defs) {
      expect(d.args.length, d.name).toBeLessThanOrEqual(6);
      for (const a of d.args) expect(['loff_t', 'u64'].includes(a.type.base) && a.type.pointerDepth === 0, `${d.name} ${a.name}`).toBe(false);
    }
  });

  it('keeps the kernel entry points of syscall_32.tbl, null where it has none', () => {
    expect(byName.get('pread64')!.entry).toBe('sys_ia32_pread64');
    expect(byName.get('mmap2')!.entry).toBe('sys_mmap_pgoff');
    expect(byName.get('getrlimit')!.entry).toBe('sys_old_getrlimit');
    expect(byName.get('ugetrlimit')!.entry).toBe('sys_getrlimit');
    const none = defs.filter((d) => d.entry === null).map((d) => d.name).sort();
    expect(none).toEqual(['afs_syscall', 'break', 'create_module', 'ftime', 'get_kernel_syms', 'getpmsg', 'gtty', 'idle', 'lock', 'mpx', 'nfsservctl', 'prof', 'profil', 'putpmsg', 'query_module', 'stty', 'ulimit', 'vserver']);
    for (const d of defs) if (d.entry === null || d.entry === 'sys_ni_syscall') expect(d.status, d.name).toBe('enosys');
  });

  it('gives every partial definition a note', () => {
    for (const d of defs) if (d.status === 'partial') expect(d.note, d.name).toBeTruthy();
  });
});
