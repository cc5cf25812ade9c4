// Bad definitions fail to load, and every error names the definition's file and line.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadDefinitions, DefinitionError } from '../../generator/src/defs/load.ts';
import { parseCType, CTypeError } from '../../generator/src/defs/ctypes.ts';
import { FIXTURES, lineOf, lxgen } from './helpers.ts';

function problemsOf(dir: string): string[] {
  try {
    loadDefinitions(path.join(FIXTURES, dir));
  } catch (e) {
    if (e instanceof DefinitionError) return e.problems;
    throw e;
  }
  throw new Error(`${dir} loaded without error`);
}

async function expectProblemAt(dir: string, file: string, pattern: RegExp): Promise<void> {
  const full = path.join(FIXTURES, dir, file);
  const line = await lineOf(full, '// BAD');
  const problems = problemsOf(dir);
  const where = `tests/generator/fixtures/${dir}/${file}:${line}: `;
  const hit = problems.find((p) => p.startsWith(where));
  expect(hit, `no problem at ${where} in:\n${problems.join('\n')}`).toBeDefined();
  expect(hit).toMatch(pattern);
}

describe('definition validation', () => {
  it('rejects a duplicate number', async () => {
    await expectProblemAt('bad-dup-number', 'defs.ts', /duplicate number 3 \('open'; 'read' has it at tests\/generator\/fixtures\/bad-dup-number\/defs.ts:4\)/);
  });
  it('rejects a seventh argument', async () => {
    await expectProblemAt('bad-seven-args', 'defs.ts', /'toomany' has 7 arguments; i386 passes at most 6/);
  });
  it('rejects an unknown type at the line of the argument', async () => {
    await expectProblemAt('bad-unknown-type', 'defs.ts', /unknown type 'struct no_such_thing'/);
  });
  it('rejects a duplicate name across files', async () => {
    await expectProblemAt('bad-dup-name', 'b.ts', /duplicate name 'exit' \(also number 1 at tests\/generator\/fixtures\/bad-dup-name\/a.ts:4\)/);
  });
  it('rejects two names with the same handler name', async () => {
    await expectProblemAt('bad-handler-collision', 'defs.ts', /handler name LxSysSysctl of '_sysctl' collides with 'sysctl'/);
  });
  it('rejects a partial status without a note', async () => {
    await expectProblemAt('bad-partial-without-note', 'defs.ts', /status 'partial' needs a 'note'/);
  });

  it('reports through the CLI with exit status 1', async () => {
    const r = await lxgen(['sync', '--check', '--defs', path.join(FIXTURES, 'bad-seven-args')]);
    expect(r.exitCode).toBe(1);
    const line = await lineOf(path.join(FIXTURES, 'bad-seven-args', 'defs.ts'), '// BAD');
    expect(r.stderr).toContain(`tests/generator/fixtures/bad-seven-args/defs.ts:${line}: 'toomany' has 7 arguments`);
  });
});

describe('C type registry', () => {
  it('spells known types canonically and maps them to NT types', () => {
    expect(parseCType('const char __user *')).toMatchObject({ c: 'const char __user *', nt: 'const CHAR *', pointerDepth: 1 });
    expect(parseCType('const char __user *const __user *')).toMatchObject({ nt: 'const CHAR *const *', pointerDepth: 2 });
    expect(parseCType('struct stat64 __user *')).toMatchObject({ base: 'struct stat64', nt: 'LX_STAT64 *' });
    expect(parseCType('unsigned long')).toMatchObject({ nt: 'ULONG_PTR', pointerDepth: 0 });
    expect(parseCType('loff_t __user *').nt).toBe('LX_LOFF *');
  });
  it('rejects what cannot be an i386 argument', () => {
    expect(() => parseCType('loff_t')).toThrow(/64 bits: write it as two u32 arguments/);
    expect(() => parseCType('struct stat64')).toThrow(/passed by value/);
    expect(() => parseCType('char *')).toThrow(/pointer without __user/);
    expect(() => parseCType('wibble_t')).toThrow(CTypeError);
    expect(() => parseCType('struct nope __user *')).toThrow(/unknown type 'struct nope'/);
  });
});
