// Unit tests for the ELF-suite tooling: the strict TAP check, test metadata parsing, and
// `lxgen cc` as a drop-in gcc (separate compile and link, -lpthread -lm), its program run
// through the harness on the i386 oracle.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTap } from '../../generator/src/elf/tap-check.ts';
import { parseMeta } from '../../generator/src/elf/suite.ts';
import { ccArgs, isCompileOnly } from '../../generator/src/musl/cc.ts';
import { buildMusl } from '../../generator/src/musl/build.ts';
import { runI386 } from '../../generator/src/oracle/index.ts';
import { ROOT } from '../../generator/src/paths.ts';

describe('checkTap', () => {
  it('accepts a complete passing stream with comments and stray lines', () => {
    const r = checkTap('TAP version 13\n1..2\n# note\nhello\nok 1 - a\nok 2 - b\n');
    expect(r).toMatchObject({ ok: true, planned: 2, passed: 2, failed: [], problems: [] });
  });
  it('fails on not ok, missing results, wrong order, a missing header or plan', () => {
    expect(checkTap('TAP version 13\n1..2\nok 1 - a\nnot ok 2 - b # why\n').failed).toEqual(['2 - b # why']);
    expect(checkTap('TAP version 13\n1..3\nok 1 - a\nok 2 - b\n').problems).toContain('planned 3 results, got 2');
    expect(checkTap('TAP version 13\n1..2\nok 2 - a\nok 1 - b\n').ok).toBe(false);
    expect(checkTap('1..1\nok 1 - a\n').ok).toBe(false);
    expect(checkTap('TAP version 13\nok 1 - a\n').problems).toContain('no plan line 1..N');
    expect(checkTap('TAP version 13\n1..1\nok 1 - a # SKIP no\n').ok).toBe(false);
    expect(checkTap('TAP version 13\n1..1\nok 1 - a # SKIP no\n', { allowSkip: true }).ok).toBe(true);
  });
});

describe('parseMeta', () => {
  const f = path.join(ROOT, 'tests', 'elf', 'x.c');
  it('reads group, needs, timeout and exit', () => {
    expect(parseMeta(f, '/* lxss-test: group=file needs=open,read timeout=5 */\n')).toEqual({
      name: 'x',
      group: 'file',
      needs: ['open', 'read'],
      timeout: 5,
      exit: 0,
    });
    expect(parseMeta(f, '/* lxss-test: group=basic needs=- timeout=1 exit=7 */').exit).toBe(7);
  });
  it('rejects a missing line, unknown group or key, and a bad timeout, naming the file', () => {
    expect(() => parseMeta(f, '#include <x.h>\n')).toThrow(/tests\/elf\/x.c:1: first line/);
    expect(() => parseMeta(f, '/* lxss-test: group=fs needs=- timeout=1 */')).toThrow(/group must be one of/);
    expect(() => parseMeta(f, '/* lxss-test: group=file needs=- timeout=1 color=red */')).toThrow(/unknown metadata key/);
    expect(() => parseMeta(f, '/* lxss-test: group=file needs=- timeout=0 */')).toThrow(/timeout/);
  });
});

describe('lxgen cc', () => {
  it('adds startup files and libraries only when linking', () => {
    expect(isCompileOnly(['-c', 'a.c'])).toBe(true);
    const link = ccArgs(['-o', 'p', 'p.c'], '/S');
    expect(link).toContain('/S/lib/crt1.o');
    expect(link).toContain('-nostdlib');
    expect(link.indexOf('p.c')).toBeLessThan(link.indexOf('-lc'));
    const comp = ccArgs(['-c', 'p.c'], '/S');
    expect(comp).not.toContain('/S/lib/crt1.o');
    expect(comp).toContain('-nostdinc');
  });

  it('compiles and links like gcc (separate objects, -lpthread -lm)', { timeout: 900_000 }, async () => {
    await buildMusl({ log: (l) => console.log(l) }); // instant when musl.test.ts built it already
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lxss-cc-'));
    try {
      writeFileSync(path.join(dir, 'a.c'), 'int twice(int x) { return 2 * x; }\n');
      writeFileSync(
        path.join(dir, 'main.c'),
        `#include <math.h>
#include <pthread.h>
#include <stdio.h>
int twice(int);
static void *t(void *p) { return (void *)(long)twice((int)(long)p); }
int main(void) {
  pthread_t th; void *r;
  pthread_create(&th, 0, t, (void *)21); pthread_join(th, &r);
  printf("%ld %.0f\\n", (long)r, sqrt(1764.0));
  return (long)r == 42 ? 0 : 1;
}
`,
      );
      const lxgen = path.join(ROOT, 'generator', 'bin', 'lxgen.js');
      const c1 = spawnSync(process.execPath, [lxgen, 'cc', '-O2', '-c', 'a.c', '-o', 'a.o'], { cwd: dir, encoding: 'utf8' });
      expect(c1.status, c1.stderr).toBe(0);
      const c2 = spawnSync(process.execPath, [lxgen, 'cc', '-O2', '-o', 'prog', 'main.c', 'a.o', '-lpthread', '-lm'], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(c2.status, c2.stderr).toBe(0);
      const file = spawnSync('file', [path.join(dir, 'prog')], { encoding: 'utf8' });
      if (file.status === 0) expect(file.stdout).toMatch(/ELF 32-bit LSB executable, Intel 80386.*statically linked/);
      const r = await runI386({ argv: [path.join(dir, 'prog')], harness: [], timeoutMs: 20_000 });
      expect(r.stdout).toBe('42 42\n');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
