// Shared helpers of the generator tests.
import { mkdtempSync, rmSync, cpSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { ROOT } from '../../generator/src/paths.ts';

export const FIXTURES = path.join(ROOT, 'tests', 'generator', 'fixtures');
export const GOLDEN = path.join(ROOT, 'tests', 'generator', 'golden');
export const UNISTD_32 = '/usr/include/x86_64-linux-gnu/asm/unistd_32.h';

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(tag: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `lxss-${tag}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copies syscall-defs/ into `dir` (so a test can edit definitions without touching the repo). */
export function copyDefs(dir: string): string {
  const to = path.join(dir, 'syscall-defs');
  cpSync(path.join(ROOT, 'syscall-defs'), to, { recursive: true });
  return to;
}

/** Runs the real CLI (node generator/bin/lxgen.js) and never throws on a non-zero exit. */
export async function lxgen(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const r = await execa(process.execPath, [path.join(ROOT, 'generator', 'bin', 'lxgen.js'), ...args], { cwd: ROOT, reject: false });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Whether a command runs at all (for SKIP decisions). */
export async function works(cmd: string, args: string[], input?: string): Promise<boolean> {
  try {
    const r = await execa(cmd, args, { reject: false, input });
    return r.exitCode === 0;
  } catch {
    return false;
  }
}

/** 1-based line of the first line of `file` containing `marker`. */
export async function lineOf(file: string, marker: string): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const idx = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(marker));
  if (idx < 0) throw new Error(`marker '${marker}' not in ${file}`);
  return idx + 1;
}

export { existsSync };
