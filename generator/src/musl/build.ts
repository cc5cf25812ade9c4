// Builds the lxss-patched static i386 musl into .lxss/sysroot: checks the pinned upstream
// tarball, unpacks it, applies musl-patches/series, copies the generated trap constants
// (musl-patches/generated/lxss_trap.h) into arch/i386/, configures for i386 with the host's
// gcc -m32 and installs. The build is skipped when its inputs (tarball, series, patches,
// trap header, compiler) hash to the key recorded in the installed sysroot.
// The stock variant (`lxgen musl --stock`) builds the same pinned tarball WITHOUT the series
// into .lxss/sysroot-stock (work tree .lxss/musl-stock): an ordinary Linux i386 musl that
// traps with int $128 / call *%gs:16, for unmodified binaries (lxcore's int $0x80 path).
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { BUILD_DIR, rootPath } from '../paths.ts';
import { withLock } from './lock.ts';

export const MUSL_VERSION = '1.2.3';
/** Debian 12's musl_1.2.3.orig.tar.gz, identical to upstream musl-1.2.3.tar.gz. */
export const MUSL_TARBALL_SHA256 = '7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4';
export const MUSL_TARBALL = path.join(BUILD_DIR, 'downloads', `musl_${MUSL_VERSION}.orig.tar.gz`);
export const PATCH_DIR = rootPath('musl-patches');
export const TRAP_HEADER = rootPath('musl-patches', 'generated', 'lxss_trap.h');
export const MUSL_WORK = path.join(BUILD_DIR, 'musl');
export const SYSROOT = path.join(BUILD_DIR, 'sysroot');
export const MUSL_WORK_STOCK = path.join(BUILD_DIR, 'musl-stock');
export const SYSROOT_STOCK = path.join(BUILD_DIR, 'sysroot-stock');

/** 'patched' (the musl-patches series, traps with int $0x2e) or 'stock' (upstream as is). */
export type MuslVariant = 'patched' | 'stock';

export function sysrootOf(variant: MuslVariant = 'patched'): string {
  return variant === 'stock' ? SYSROOT_STOCK : SYSROOT;
}
function workOf(variant: MuslVariant): string {
  return variant === 'stock' ? MUSL_WORK_STOCK : MUSL_WORK;
}
function stampOf(variant: MuslVariant): string {
  return path.join(sysrootOf(variant), '.lxss-build-key');
}
/** Bump when the recipe below changes in a way that changes the output. */
const RECIPE_VERSION = 'musl-build-1';

export const HOST_CC = process.env.LXSS_HOST_CC ?? 'gcc';

export interface Log {
  (line: string): void;
}

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The patch file names in series order (quilt format: one per line, # comments). */
export function readSeries(): string[] {
  const text = readFileSync(path.join(PATCH_DIR, 'series'), 'utf8');
  return text
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l.length > 0)
    .map((l) => l.split(/\s+/)[0] as string);
}

/** Runs a command without blocking the event loop (builds take minutes; a blocked loop
 * starves vitest's worker RPC); throws with the output's tail on failure. */
export function runCommand(cmd: string, args: string[], cwd: string, logFile?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', (err) => reject(new Error(`cannot run ${cmd}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (logFile) writeFileSync(logFile, `$ ${cmd} ${args.join(' ')}\n${out}`, { flag: 'a' });
      if (code === 0) return resolve(out);
      const tail = out.trim().split('\n').slice(-25).join('\n');
      reject(
        new Error(
          `${cmd} ${args.join(' ')} failed (${code ?? signal}) in ${cwd}${logFile ? ` (log: ${logFile})` : ''}:\n${tail}`,
        ),
      );
    });
  });
}

function compilerId(): string {
  const r = spawnSync(HOST_CC, ['-m32', '--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new Error(`${HOST_CC} -m32 does not work; install gcc-multilib (sh generator/setup.sh)`);
  return (r.stdout.split('\n')[0] ?? '').trim();
}

/** Checks the tarball against the pinned hash; throws a message saying what to do. */
export function checkTarball(): void {
  if (!existsSync(MUSL_TARBALL))
    throw new Error(
      `${MUSL_TARBALL} is missing: run \`sh generator/setup.sh\` (it fetches Debian 12's musl source package)`,
    );
  const got = sha256File(MUSL_TARBALL);
  if (got !== MUSL_TARBALL_SHA256)
    throw new Error(
      `${MUSL_TARBALL} has sha256 ${got}, but the patch kit is written against musl ${MUSL_VERSION} ` +
        `(sha256 ${MUSL_TARBALL_SHA256}); refusing to build. Delete the file and run \`sh generator/setup.sh\` ` +
        `to fetch Debian 12's musl_${MUSL_VERSION}.orig.tar.gz.`,
    );
}

/** The key of the sysroot the current inputs would produce. */
export function sysrootKey(variant: MuslVariant = 'patched'): string {
  checkTarball();
  if (variant === 'stock')
    return createHash('sha256').update(`${RECIPE_VERSION}\nstock\n${MUSL_TARBALL_SHA256}\n${compilerId()}\n`).digest('hex');
  if (!existsSync(TRAP_HEADER))
    throw new Error(`${TRAP_HEADER} is missing: run \`npx lxgen sync\` to generate it`);
  const h = createHash('sha256');
  h.update(`${RECIPE_VERSION}\n${MUSL_TARBALL_SHA256}\n${compilerId()}\n`);
  h.update(readFileSync(path.join(PATCH_DIR, 'series')));
  for (const p of readSeries()) h.update(`\0${p}\0`).update(readFileSync(path.join(PATCH_DIR, p)));
  h.update('\0lxss_trap.h\0').update(readFileSync(TRAP_HEADER));
  return h.digest('hex');
}

export function installedSysrootKey(variant: MuslVariant = 'patched'): string | null {
  const stamp = stampOf(variant);
  return existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : null;
}

export interface MuslBuild {
  sysroot: string;
  key: string;
  rebuilt: boolean;
}

/** Builds the sysroot of a variant unless it is up to date. */
export async function buildMusl(opts: { force?: boolean; log?: Log; variant?: MuslVariant } = {}): Promise<MuslBuild> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const variant = opts.variant ?? 'patched';
  const sysroot = sysrootOf(variant);
  const work = workOf(variant);
  const tag = variant === 'stock' ? 'lxgen musl --stock' : 'lxgen musl';
  const key = sysrootKey(variant);
  if (!opts.force && installedSysrootKey(variant) === key) return { sysroot: sysroot, key, rebuilt: false };
  return withLock(path.join(BUILD_DIR, variant === 'stock' ? 'musl-stock.lock' : 'musl.lock'), async () => {
    if (!opts.force && installedSysrootKey(variant) === key) return { sysroot: sysroot, key, rebuilt: false };
    mkdirSync(work, { recursive: true });
    const logFile = path.join(work, 'build.log');
    writeFileSync(logFile, '');
    const src = path.join(work, `musl-${MUSL_VERSION}`);
    rmSync(src, { recursive: true, force: true });
    log(`${tag}: unpacking ${path.basename(MUSL_TARBALL)}`);
    await runCommand('tar', ['-xzf', MUSL_TARBALL, '-C', work], work, logFile);
    if (variant === 'patched') {
      for (const p of readSeries()) {
        log(`${tag}: applying ${p}`);
        await runCommand('patch', ['-p1', '--batch', '--forward', '--no-backup-if-mismatch', '-i', path.join(PATCH_DIR, p)], src, logFile);
      }
      cpSync(TRAP_HEADER, path.join(src, 'arch', 'i386', 'lxss_trap.h'));
    }
    const stage = `${sysroot}.new`;
    rmSync(stage, { recursive: true, force: true });
    log(`${tag}: configuring (i386, static, gcc -m32)`);
    await runCommand(
      './configure',
      ['--target=i386', `--prefix=${stage}`, '--disable-shared', `CC=${HOST_CC} -m32`],
      src,
      logFile,
    );
    log(`${tag}: compiling (log: ${logFile})`);
    const jobs = String(Math.max(1, Math.min(4, Number(process.env.LXSS_JOBS ?? 2))));
    await runCommand('make', [`-j${jobs}`, 'AR=ar', 'RANLIB=ranlib'], src, logFile);
    await runCommand('make', ['install', 'AR=ar', 'RANLIB=ranlib'], src, logFile);
    writeFileSync(path.join(stage, '.lxss-build-key'), `${key}\n`);
    rmSync(sysroot, { recursive: true, force: true });
    renameSync(stage, sysroot);
    log(`${tag}: sysroot ready in ${sysroot}`);
    return { sysroot: sysroot, key, rebuilt: true };
  });
}
