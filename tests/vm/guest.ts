// Shared by the integration tests that boot the configured ReactOS build: how to run lxgen
// (asynchronously: a boot takes tens of seconds and vitest's worker must stay responsive) and
// why such a test has to be skipped, if it does.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { resolveBuildDir } from '../../generator/src/vm/config.ts';
import { ROOT } from '../../generator/src/paths.ts';

export function lxgen(args: string[]) {
  return execa(process.execPath, [path.join(ROOT, 'generator/bin/lxgen.js'), ...args], { cwd: ROOT, reject: false });
}

/** Why a test that boots the ReactOS build cannot run here, or null when it can. */
export function buildSkipReason(): string | null {
  let choice;
  try {
    choice = resolveBuildDir(undefined);
  } catch (err) {
    return `ReactOS build config unreadable: ${(err as Error).message}`;
  }
  if (!choice) return 'no ReactOS build configured (set LXSS_REACTOS_BUILD or ~/.config/lxss/config.json reactosBuild)';
  if (!existsSync(path.join(choice.dir, 'CMakeCache.txt'))) return `${choice.dir} is not a ReactOS build directory`;
  try {
    execFileSync(process.env.LXSS_QEMU || 'qemu-system-i386', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'qemu-system-i386 not installed';
  }
  return null;
}
