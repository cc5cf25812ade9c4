// Assembles `lxgen test`'s own boot CD from a ReactOS build's output, without the livecd
// target (which stops on modules Debian's toolchain cannot link):
//   - every file of the build's livecd path list that the build produced (missing GUI
//     modules are simply left out), except freeldr.ini and the hives, which are replaced;
//   - hives made with the build's own mkhive from the same inputs as the livecd's
//     (registry.inf + livecd.inf + caroots.inf + hiveinst.inf) plus lxss-test.inf, which sets
//     Session Manager\BootExecute to the runner (livecd.inf empties it);
//   - a freeldr.ini that boots at once with the kernel debugger on COM1 (/KDSERIAL so KDBG
//     reads its commands from the serial line, not the keyboard);
//   - the build's regtest El Torito sector (isobtrt.bin), which never waits for a key.
// The ISO is cached under .lxss/vm/ and rebuilt when any input changes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parsePathList, type PathListEntry, type ReactosBuild } from './reactos-build.ts';

export const RUNNER_IMAGE = 'lxtestrun';

export interface BootMediumOptions {
  /** Extra words for the kernel command line. */
  extraBootOptions?: string[];
  /** A runner executable to put on the medium instead of the build's own. */
  runner?: string;
  /** Force a rebuild even if the cache looks fresh. */
  rebuild?: boolean;
  log?: (msg: string) => void;
}

export interface BootMedium {
  iso: string;
  /** Where the runner on the medium comes from. */
  runner: string | null;
  reused: boolean;
  files: number;
  /** Livecd entries whose file the build did not produce. */
  missing: string[];
  hasRunner: boolean;
  hasLxcore: boolean;
}

export function freeldrIni(extra: string[] = []): string {
  const options = ['/DEBUG', '/DEBUGPORT=COM1', '/BAUDRATE=115200', '/SOS', '/FASTDETECT', '/MININT', '/KDSERIAL', ...extra];
  return [
    '[FREELOADER]',
    'DefaultOS=LxssTest',
    'TimeOut=0',
    '',
    '[Display]',
    'TitleText=ReactOS lxss test',
    'MinimalUI=Yes',
    '',
    '[Operating Systems]',
    'LxssTest="ReactOS (lxss test runner)"',
    '',
    '[LxssTest]',
    'BootType=Windows2003',
    'SystemPath=\\reactos',
    `Options=${options.join(' ')}`,
    '',
  ].join('\r\n');
}

/** Registry settings the runner needs, on top of the livecd's. */
export function lxssTestInf(): string {
  return [
    '[Version]',
    'Signature = "$Windows NT$"',
    '',
    '[AddReg]',
    '; lxgen test: run the test runner from smss before anything else starts',
    `HKLM,"SYSTEM\\CurrentControlSet\\Control\\Session Manager","BootExecute",0x00010000,"${RUNNER_IMAGE}"`,
    '',
  ].join('\r\n');
}

const HIVES = ['system', 'software', 'default', 'sam', 'security'];

function hiveInputs(build: ReactosBuild, lxssInf: string): string[] {
  const bd = path.join(build.sourceDir, 'boot', 'bootdata');
  return [build.registryInf, path.join(bd, 'livecd.inf'), path.join(bd, 'caroots.inf'), path.join(bd, 'hiveinst.inf'), lxssInf];
}

/** The entries of the livecd list that go on our medium, and those the build lacks. */
export function selectFiles(entries: PathListEntry[]): { keep: PathListEntry[]; missing: string[] } {
  const keep: PathListEntry[] = [];
  const missing: string[] = [];
  for (const e of entries) {
    const lower = e.dest.toLowerCase();
    if (lower === 'freeldr.ini' || lower.startsWith('reactos/system32/config/')) continue;
    if (!existsSync(e.src)) {
      missing.push(e.dest);
      continue;
    }
    keep.push(e);
  }
  return { keep, missing };
}

function fingerprint(parts: (string | PathListEntry)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    if (typeof p === 'string') {
      h.update(`s:${p}\n`);
    } else {
      const st = statSync(p.src);
      h.update(`f:${p.dest}=${p.src}:${st.size}:${st.mtimeMs}\n`);
    }
  }
  return h.digest('hex').slice(0, 16);
}

export async function assembleBootMedium(build: ReactosBuild, workDir: string, opts: BootMediumOptions = {}): Promise<BootMedium> {
  const log = opts.log ?? (() => {});
  mkdirSync(workDir, { recursive: true });
  const { keep, missing } = selectFiles(parsePathList(readFileSync(build.livecdList, 'utf8')));
  const runnerDest = `reactos/system32/${RUNNER_IMAGE}.exe`;
  if (opts.runner) {
    const i = keep.findIndex((e) => e.dest.toLowerCase() === runnerDest);
    if (i >= 0) keep.splice(i, 1);
    keep.push({ dest: runnerDest, src: opts.runner });
  }
  const hasRunner = keep.some((e) => e.dest.toLowerCase() === runnerDest);
  const runnerSrc = keep.find((e) => e.dest.toLowerCase() === runnerDest)?.src ?? null;
  const hasLxcore = keep.some((e) => e.dest.toLowerCase() === 'reactos/system32/drivers/lxcore.sys');
  for (const must of ['reactos/system32/ntoskrnl.exe', 'reactos/system32/smss.exe', 'loader/freeldr.sys']) {
    if (!keep.some((e) => e.dest.toLowerCase() === must)) throw new Error(`the build has not produced ${must} yet (${build.dir})`);
  }

  const ini = freeldrIni(opts.extraBootOptions);
  const inf = lxssTestInf();
  const infPath = path.join(workDir, 'lxss-test.inf');
  writeFileSync(infPath, inf);
  const inputs = hiveInputs(build, infPath);
  for (const f of inputs) if (!existsSync(f)) throw new Error(`hive input ${f} missing`);
  const key = fingerprint([
    'v1',
    ini,
    inf,
    build.isoBootSector,
    ...keep,
    ...inputs.slice(0, 4).map((src) => ({ dest: 'hive-input', src })),
    { dest: 'mkhive', src: build.mkhive },
  ]);
  const iso = path.join(workDir, `boot-${key}.iso`);
  if (existsSync(iso) && !opts.rebuild) return { iso, runner: runnerSrc, reused: true, files: keep.length, missing, hasRunner, hasLxcore };

  // Hives, with the build's own mkhive.
  const hiveDir = path.join(workDir, `hives-${key}`);
  rmSync(hiveDir, { recursive: true, force: true });
  mkdirSync(hiveDir, { recursive: true });
  log(`making hives with ${build.mkhive}`);
  await execa(build.mkhive, [`-h:${HIVES.map((h) => h.toUpperCase()).join(',')}`, `-d:${hiveDir}`, ...inputs], { all: true }).catch((e) => {
    throw new Error(`mkhive failed: ${(e as { all?: string }).all ?? e}`);
  });
  for (const h of HIVES) if (!existsSync(path.join(hiveDir, h))) throw new Error(`mkhive did not write ${h} in ${hiveDir}`);

  // Path list: an empty directory first (mkisofs puts the boot catalog relative to it).
  const empty = path.join(workDir, 'empty');
  mkdirSync(empty, { recursive: true });
  const iniPath = path.join(workDir, `freeldr-${key}.ini`);
  writeFileSync(iniPath, ini);
  const lines = [
    empty,
    `loader/isobtrt.bin=${build.isoBootSector}`,
    `freeldr.ini=${iniPath}`,
    ...HIVES.map((h) => `reactos/system32/config/${h}=${path.join(hiveDir, h)}`),
    ...keep.filter((e) => e.dest !== 'loader/isobtrt.bin').map((e) => `${e.dest}=${e.src}`),
  ];
  const listPath = path.join(workDir, `boot-${key}.lst`);
  writeFileSync(listPath, lines.join('\n') + '\n');
  const tmp = `${iso}.tmp`;
  log(`writing ${iso} (${keep.length} files from the build, ${missing.length} not built)`);
  await execa(
    build.mkisofs,
    [
      '-quiet', '-o', tmp, '-iso-level', '4', '-volid', 'ReactOS', '-volset', 'ReactOS',
      '-eltorito-boot', 'loader/isobtrt.bin', '-no-emul-boot', '-boot-load-size', '4', '-hide', 'boot.catalog',
      '-no-cache-inodes', '-graft-points', '-path-list', listPath,
    ],
    { all: true },
  ).catch((e) => {
    throw new Error(`mkisofs failed: ${(e as { all?: string }).all ?? e}`);
  });
  renameSync(tmp, iso);
  // Old media of this work dir are stale now.
  for (const f of readdirSync(workDir)) {
    if ((/^boot-[0-9a-f]{16}\.(iso|lst)$/.test(f) || /^(hives|freeldr)-[0-9a-f]{16}/.test(f)) && !f.includes(key)) {
      rmSync(path.join(workDir, f), { recursive: true, force: true });
    }
  }
  return { iso, runner: runnerSrc, reused: false, files: keep.length, missing, hasRunner, hasLxcore };
}
