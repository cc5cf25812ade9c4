// The host trap harness (tests/harness/lxss-harness.c): built with the host compiler into
// .lxss/harness/ when its source or the trap constants change; the i386 oracle
// (generator/src/oracle) runs patched ELF programs under it (see the C file's header).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILD_DIR, rootPath } from '../paths.ts';
import { HOST_CC, TRAP_HEADER } from '../musl/build.ts';

export const HARNESS_SRC = rootPath('tests', 'harness', 'lxss-harness.c');
export const HARNESS_DIR = path.join(BUILD_DIR, 'harness');
export const HARNESS_BIN = path.join(HARNESS_DIR, 'lxss-harness');
const FLAGS = ['-O2', '-Wall', '-Wextra', '-Werror'];

function harnessKey(): string {
  return createHash('sha256')
    .update(FLAGS.join(' '))
    .update(readFileSync(HARNESS_SRC))
    .update(readFileSync(TRAP_HEADER))
    .digest('hex');
}

/** Builds the harness unless up to date; returns the binary's path. */
export function buildHarness(): string {
  const key = harnessKey();
  const stamp = `${HARNESS_BIN}.key`;
  if (existsSync(HARNESS_BIN) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === key) return HARNESS_BIN;
  mkdirSync(HARNESS_DIR, { recursive: true });
  const tmp = `${HARNESS_BIN}.${process.pid}.tmp`;
  const r = spawnSync(
    HOST_CC,
    [...FLAGS, '-I', path.dirname(TRAP_HEADER), '-o', tmp, HARNESS_SRC],
    { encoding: 'utf8' },
  );
  if (r.error || r.status !== 0)
    throw new Error(`building the trap harness failed:\n${r.error?.message ?? ''}${r.stdout}${r.stderr}`);
  renameSync(tmp, HARNESS_BIN);
  writeFileSync(stamp, `${key}\n`);
  return HARNESS_BIN;
}
