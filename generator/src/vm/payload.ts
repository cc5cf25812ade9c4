// The test payload: the ELF tests chosen from the musl build's manifest, a plan the in-guest
// runner reads, and a FAT disk image holding both (made with mtools: no root, no loop mounts).
//
// Disk layout: an MBR with one FAT16 partition starting at 1 MiB (so ReactOS sees
// \Device\Harddisk0\Partition1), and in it:
//   /lxss-plan.txt   id TAB name TAB path TAB expected-exit TAB timeout [TAB exec-error]
//                    (tests/runner/README.md)
//   /elf/<file>      the test binaries
//   /tmp/            scratch directory, the tests' cwd
//   /bin/sh          Debian's busybox-static (payloadSystemFiles): a Linux system has a shell
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, openSync, writeSync, closeSync, ftruncateSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { BUILD_DIR, ROOT } from '../paths.ts';
import { busyboxStatic, testRootI386 } from '../debian/packages.ts';
import type { StdinMode } from '../elf/suite.ts';
import { metaJournal, metaSetRecord, type StagedRootfs } from './rootfs-stage.ts';

export interface ManifestEntry {
  name: string;
  group: string;
  needs: string[];
  timeout: number;
  path: string;
  exit?: number;
  /**
   * Expected-exec-failure entry: the create-process IOCTL must fail with this LinuxError
   * (a negative errno, e.g. -8 for ENOEXEC) and nothing may crash; the program never runs.
   */
  execError?: number;
  /** stdin the runner holds: "pipe" or "tty" (suite.ts StdinMode) */
  stdin?: StdinMode;
}

export interface PlannedElf {
  id: number;
  /** "group/name" as reported in TAP. */
  name: string;
  /** Host file. */
  file: string;
  /** Path on the payload disk, '/' separated, no leading slash. */
  diskPath: string;
  expectedExit: number;
  timeout: number;
  needs: string[];
  /** Set for an expected-exec-failure entry: the LinuxError CREATE_PROCESS must give. */
  execError?: number;
  /**
   * "print": create it with LXSS_CREATE_TRACE (lxgen test --trace): its system calls on the
   * debug port; "record": with LXSS_CREATE_TRACE_RECORD (the fuzzer): its last calls, printed
   * if a process of it is killed by SIGKILL or faults in a call on its way to a bugcheck.
   */
  trace?: 'print' | 'record';
  /** stdin the runner holds (suite.ts StdinMode): a pipe, or a pipe presented as its terminal */
  stdin?: StdinMode;
}

export const DEFAULT_MANIFEST = path.join(BUILD_DIR, 'elf', 'manifest.json');
export const PLAN_FILE = 'lxss-plan.txt';

export function readManifest(file = DEFAULT_MANIFEST): ManifestEntry[] {
  if (!existsSync(file)) {
    throw new Error(`no ELF test manifest at ${file}: build the ELF tests first (the musl helper's build writes it)`);
  }
  const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(data)) throw new Error(`${file}: expected a JSON array`);
  const dir = path.dirname(file);
  return data.map((raw, i) => {
    const e = raw as Record<string, unknown>;
    const where = `${file} entry ${i}`;
    if (typeof e.name !== 'string' || !e.name) throw new Error(`${where}: "name" missing`);
    if (typeof e.path !== 'string' || !e.path) throw new Error(`${where} (${e.name}): "path" missing`);
    const needs = Array.isArray(e.needs)
      ? e.needs.map(String)
      : typeof e.needs === 'string' && e.needs !== '-' && e.needs !== ''
        ? e.needs.split(',').map((s) => s.trim())
        : [];
    const p = e.path;
    const resolved = path.isAbsolute(p) ? p : [path.join(dir, p), path.join(ROOT, p)].find((c) => existsSync(c)) ?? path.join(dir, p);
    const timeout = typeof e.timeout === 'number' && e.timeout > 0 ? e.timeout : 10;
    const exit = typeof e.exit === 'number' ? e.exit : undefined;
    const execError = parseExecError(e.execError, `${where} (${e.name})`);
    if (execError !== undefined && exit !== undefined) throw new Error(`${where} (${e.name}): "exit" and "execError" exclude each other`);
    const entry: ManifestEntry = { name: e.name, group: typeof e.group === 'string' ? e.group : 'basic', needs, timeout, path: resolved, exit };
    if (execError !== undefined) entry.execError = execError;
    if (e.stdin !== undefined) {
      if (e.stdin !== 'pipe' && e.stdin !== 'tty') throw new Error(`${where} (${e.name}): "stdin" must be "pipe" or "tty"`);
      entry.stdin = e.stdin;
    }
    return entry;
  });
}

/** "execError": a negative integer errno (-4095..-1); absent or null means exec must succeed. */
export function parseExecError(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v >= 0 || v < -4095) {
    throw new Error(`${where}: "execError" must be a negative errno such as -8, not ${JSON.stringify(v)}`);
  }
  return v;
}

/** Reads several manifests into one list (e.g. the ELF suite's and the malformed-ELF corpus's). */
export function readManifests(files: string[]): ManifestEntry[] {
  return files.flatMap((f) => readManifest(f));
}

export function testName(e: ManifestEntry): string {
  return e.name.includes('/') ? e.name : `${e.group}/${e.name}`;
}

/**
 * Shell-style glob (*, ?) or substring filter over "group/name"; several comma-separated
 * patterns select the union.
 */
export function matchesFilter(name: string, filter: string | undefined): boolean {
  if (!filter) return true;
  return filter
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
    .some((f) => {
      if (/[*?]/.test(f)) {
        const re = new RegExp('^' + f.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
        return re.test(name);
      }
      return name.includes(f);
    });
}

const SAFE = /^[A-Za-z0-9._+-]+$/;

export function planTests(entries: ManifestEntry[], filter?: string): PlannedElf[] {
  const chosen = entries.filter((e) => matchesFilter(testName(e), filter));
  const seen = new Set<string>();
  return chosen.map((e, i) => {
    const base = path.basename(e.path);
    if (!SAFE.test(base)) throw new Error(`ELF file name ${base} (${e.name}) has characters the runner does not pass on (use [A-Za-z0-9._+-])`);
    const diskPath = `elf/${base}`;
    if (seen.has(diskPath)) throw new Error(`two tests share the file name ${base}`);
    seen.add(diskPath);
    const name = testName(e);
    if (/[\t\n#]/.test(name)) throw new Error(`test name ${JSON.stringify(name)} contains a tab, newline or #`);
    const t: PlannedElf = { id: i + 1, name, file: e.path, diskPath, expectedExit: e.exit ?? 0, timeout: e.timeout, needs: e.needs };
    if (e.execError !== undefined) t.execError = e.execError;
    if (e.stdin !== undefined) t.stdin = e.stdin;
    return t;
  });
}

/** The runner's built-in crash test (tests/runner: "@bugcheck"): checks bugcheck detection. */
export function crashTest(id: number): PlannedElf {
  return { id, name: 'selftest/bugcheck', file: '', diskPath: '@bugcheck', expectedExit: 0, timeout: 30, needs: [] };
}

/** The runner's built-in hang test ("@hang"): checks hang detection. */
export function hangTest(id: number): PlannedElf {
  return { id, name: 'selftest/hang', file: '', diskPath: '@hang', expectedExit: 0, timeout: 1, needs: [] };
}

export function planText(tests: PlannedElf[]): string {
  const lines = ['# lxss test plan v1 (lxgen test): id, name, path, expected exit status, timeout s[, expected exec error or -[, stdin pipe|tty|-[, trace|record]]]'];
  for (const t of tests) {
    const f: (string | number)[] = [t.id, t.name, t.diskPath, t.expectedExit, t.timeout];
    if (t.execError !== undefined || t.stdin !== undefined || t.trace) f.push(t.execError ?? '-');
    if (t.stdin !== undefined || t.trace) f.push(t.stdin ?? '-');
    if (t.trace) f.push(t.trace === 'print' ? 'trace' : 'record');
    lines.push(f.join('\t'));
  }
  return lines.join('\n') + '\n';
}

const SECTOR = 512;
const PART_START = 2048; // 1 MiB

/** Writes an MBR with one partition covering the disk from 1 MiB: FAT16 (LBA) unless another
 * partition type is given (0x83 for a Linux file system). */
export function writeMbr(fd: number, totalSectors: number, type = 0x0e): void {
  const mbr = Buffer.alloc(SECTOR);
  const count = totalSectors - PART_START;
  const e = 446;
  mbr[e] = 0x00; // not active: the payload disk is never booted
  mbr.set([0xfe, 0xff, 0xff], e + 1); // CHS start: use LBA
  mbr[e + 4] = type; // 0x0e: FAT16, LBA
  mbr.set([0xfe, 0xff, 0xff], e + 5); // CHS end: use LBA
  mbr.writeUInt32LE(PART_START, e + 8);
  mbr.writeUInt32LE(count, e + 12);
  mbr.writeUInt32LE(0x4c585353, 440); // disk signature "LXSS"
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  writeSync(fd, mbr, 0, SECTOR, 0);
}

async function mtool(cmd: string, args: string[]): Promise<void> {
  await execa(cmd, args, { all: true, env: { MTOOLS_SKIP_CHECK: '1', MTOOLS_NO_VFAT: '0' } }).catch((e) => {
    const msg = (e as { all?: string; code?: string }).code === 'ENOENT' ? `${cmd} not found: install mtools` : (e as { all?: string }).all ?? String(e);
    throw new Error(`${cmd} ${args.join(' ')}: ${msg}`);
  });
}

/** A file of the payload's root file system besides the tests (e.g. /bin/sh). */
export interface SystemFile {
  /** Path on the payload disk, '/' separated, no leading slash. */
  diskPath: string;
  file: string;
}

/** The payload's system files: /bin/sh, Debian's busybox-static (as a Linux system has a
 *  shell), Debian's i386 runtime for dynamically linked programs and some of its userland
 *  (bash, coreutils, sed, grep), and the name service files (/etc/hosts, services...). */
export function payloadSystemFiles(log: (line: string) => void): SystemFile[] {
  return [{ diskPath: 'bin/sh', file: busyboxStatic(log) }, ...testRootI386(log)];
}

/** Creates the payload disk image: MBR + FAT16 partition with the plan, the ELFs, /tmp and the system files. */
export async function makePayloadImage(image: string, tests: PlannedElf[], sizeMiB = 64, system: SystemFile[] = [], rootfs?: StagedRootfs): Promise<void> {
  for (const t of tests) if (!t.diskPath.startsWith('@') && !existsSync(t.file)) throw new Error(`ELF ${t.file} (${t.name}) does not exist: rebuild the ELF tests`);
  const total = sizeMiB * 1024 * 2;
  mkdirSync(path.dirname(image), { recursive: true });
  const fd = openSync(image, 'w');
  try {
    ftruncateSync(fd, total * SECTOR);
    writeMbr(fd, total);
  } finally {
    closeSync(fd);
  }
  const part = `${image}@@${PART_START * SECTOR}`;
  await mtool('mformat', ['-i', part, '-T', String(total - PART_START), '-h', '16', '-s', '63', '-H', String(PART_START), '-v', 'LXSSTEST', '::']);
  if (rootfs) await copyRootfs(part, rootfs);
  const dirs = new Set(['elf', 'tmp']);
  for (const f of system) for (let d = path.posix.dirname(f.diskPath); d !== '.'; d = path.posix.dirname(d)) dirs.add(d);
  const missing = [...dirs].filter((d) => !(rootfs && existsSync(path.join(rootfs.dir, d))));
  if (missing.length) await mtool('mmd', ['-i', part, ...missing.sort().map((d) => `::/${d}`)]);
  if (!rootfs) {
    // /tmp is everyone's, sticky, as on a Linux system (lxcore's metadata journal says so)
    const journal = `${image}.lxss-meta`;
    writeFileSync(journal, metaJournal([metaSetRecord('/tmp', 0o1777, 0, 0, 0)]));
    await mtool('mcopy', ['-i', part, journal, '::/.lxss-meta']);
    await mtool('mattrib', ['-i', part, '+h', '+s', '::/.lxss-meta']);
  }
  const planPath = `${image}.plan.txt`;
  writeFileSync(planPath, planText(tests));
  await mtool('mcopy', ['-i', part, planPath, `::/${PLAN_FILE}`]);
  // mcopy takes many sources to one directory, but names must stay those of the disk paths.
  for (const t of tests) if (!t.diskPath.startsWith('@')) await mtool('mcopy', ['-i', part, t.file, `::/${t.diskPath}`]);
  for (const f of system) await mtool('mcopy', ['-i', part, f.file, `::/${f.diskPath}`]);
}

/**
 * Boots a payload disk again (lxgen test --payload-image): its files stay as the last boot
 * left them (that is the point: what lxcore wrote must still be there), only the plan is
 * replaced, and a test whose program is not on the disk yet is copied there. Refuses a file
 * that is not a payload disk of this format.
 */
export async function replanPayloadImage(image: string, tests: PlannedElf[]): Promise<void> {
  if (!existsSync(image)) throw new Error(`--payload-image ${image}: no such file (give the payload.img a run kept with --keep)`);
  const part = `${image}@@${PART_START * SECTOR}`;
  const dir = await execa('mdir', ['-i', part, '-b', '::/'], { reject: false, env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
  if (dir.exitCode !== 0 || !/lxss-plan\.txt/i.test(dir.stdout))
    throw new Error(`--payload-image ${image}: not a payload disk of lxgen test (no FAT partition at 1 MiB holding ${PLAN_FILE}): give the payload.img a run kept with --keep`);
  const planPath = `${image}.plan.txt`;
  writeFileSync(planPath, planText(tests));
  await mtool('mcopy', ['-o', '-i', part, planPath, `::/${PLAN_FILE}`]);
  // what is on the disk already: one recursive listing, not one mdir per test
  const listed = await execa('mdir', ['-i', part, '-/', '-b', '::/'], { reject: false, env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
  const present = new Set(listed.stdout.split('\n').map((l) => l.trim().replace(/^::\//, '').toLowerCase()));
  for (const t of tests)
    if (!t.diskPath.startsWith('@') && !present.has(t.diskPath.toLowerCase())) await mtool('mcopy', ['-i', part, t.file, `::/${t.diskPath}`]);
}

/** A staged root file system (rootfs-stage.ts) onto the payload's FAT partition: the tree in
 * one recursive mcopy, the SYSTEM attribute on lxcore's link files (those with a wildcard
 * character in their name get it under a placeholder name, then theirs), and the metadata
 * journal as /.lxss-meta (hidden, system). */
async function copyRootfs(part: string, rootfs: StagedRootfs): Promise<void> {
  const top = readdirSync(rootfs.dir).map((n) => path.join(rootfs.dir, n));
  if (top.length) await mtool('mcopy', ['-s', '-Q', '-i', part, ...top, '::/']);
  const names = rootfs.symlinks.map((p) => `::/${p}`);
  for (let i = 0; i < names.length; i += 200) await mtool('mattrib', ['-i', part, '+s', ...names.slice(i, i + 200)]);
  for (const r of rootfs.renames) await mtool('mren', ['-i', part, `::/${r.from}`, r.to]);
  await mtool('mcopy', ['-i', part, rootfs.journal, '::/.lxss-meta']);
  await mtool('mattrib', ['-i', part, '+h', '+s', '::/.lxss-meta']);
}

/** Size in MiB large enough for the tests and system files (at least 64). */
export function payloadSizeMiB(tests: PlannedElf[], system: SystemFile[] = [], rootfs?: StagedRootfs): number {
  // a rootfs's many small files: a 4 KiB cluster each at worst
  const extra = rootfs ? rootfs.bytes + (rootfs.entries + 64) * 4096 : 0;
  const bytes = extra + [...tests, ...system].reduce((n, t) => n + (t.file && existsSync(t.file) ? statSync(t.file).size : 0), 0);
  return Math.max(64, Math.ceil((bytes * 1.2) / (1024 * 1024)) + 16);
}
