// `lxgen list [--json]`.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { lxgen, UNISTD_32 } from './helpers.ts';

describe('lxgen list', () => {
  it('--json gives the 440 definitions in number order', async () => {
    const r = await lxgen(['list', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as { nr: number; name: string; service: string; argc: number; args: { type: string; name: string }[]; status: string; handler: string; file: string; line: number }[];
    expect(list).toHaveLength(440);
    expect(list.map((d) => d.nr)).toEqual([...list.map((d) => d.nr)].sort((a, b) => a - b));
    const read = list.find((d) => d.name === 'read')!;
    expect(read).toMatchObject({ nr: 3, service: '0x2003', argc: 3, handler: 'LxSysRead', file: 'syscall-defs/fs.ts' });
    expect(read.args).toEqual([
      { type: 'unsigned int', name: 'fd' },
      { type: 'char __user *', name: 'buf' },
      { type: 'size_t', name: 'count' },
    ]);
    expect(readFileSync(new URL('../../syscall-defs/fs.ts', import.meta.url), 'utf8').split('\n')[read.line - 1]).toContain("name: 'read'");
    if (existsSync(UNISTD_32)) {
      const header = [...readFileSync(UNISTD_32, 'utf8').matchAll(/^#define __NR_(\w+)\s+(\d+)\s*$/gm)].map((m) => `${m[2]} ${m[1]}`).sort();
      expect(list.map((d) => `${d.nr} ${d.name}`).sort()).toEqual(header);
    } else {
      console.log(`SKIP list --json vs unistd_32.h: ${UNISTD_32} is absent`);
    }
  });

  it('prints one line per definition and filters by family and status', async () => {
    const r = await lxgen(['list', '--family', 'mm']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.every((l) => / mm +/.test(l))).toBe(true);
    expect(r.stdout).toMatch(/^192 {2}\w+ +mm +mmap2\(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags, unsigned long fd, unsigned long pgoff\)( {2}# .+)?$/m);
  });
});
