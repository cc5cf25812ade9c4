// The ELF test suite: tests/elf/*.c (C, linked with the patched musl through `lxgen cc`)
// and tests/elf/asm/*.S (libc-free, built with gcc -m32 -nostdlib -static), each opening
// with a metadata comment
//   /* lxss-test: group=<g> needs=<a,b|-> timeout=<seconds> [exit=<status>] [stdin=pipe|tty] */
// Built into .lxss/elf/<name> with .lxss/elf/manifest.json: an array of
//   { name, group, needs, timeout, exit, path, source }
// (path absolute, source relative to the project root). Each program is rebuilt only when
// its source, the shared test headers or the sysroot changed.
// The stock variant (`lxgen elf --stock`) builds the same programs against the unpatched musl
// (.lxss/sysroot-stock) into .lxss/elf-stock/ with its own manifest.json of the same format:
// ordinary Linux i386 static binaries. The libc-free asm tests are built with -DLXSS_INT80,
// which makes them trap with int $0x80 and the i386 register convention (their stock twins).
// The stock suite also holds every tests/elf/*.c linked with the host's static i386 glibc as
// <name>-glibc (gcc -m32 -static with 64-bit off_t/time_t like musl's: Debian's
// libc6-dev-i386, which gcc-multilib brings), again dynamically linked as <name>-dyn (a PIE
// whose interpreter is /lib/ld-linux.so.2, as Debian's gcc builds programs: the guest's root
// holds Debian's libc6:i386 loader and libc.so.6), and the glibc-only programs of
// tests/elf/glibc/*.c.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unpackedI386 } from '../debian/packages.ts';
import { BUILD_DIR, ROOT, rootPath } from '../paths.ts';
import { buildMusl, HOST_CC, runCommand, TRAP_HEADER, type Log, type MuslVariant } from '../musl/build.ts';
import { ccArgs } from '../musl/cc.ts';
import { withLock } from '../musl/lock.ts';

export const ELF_SRC_DIR = rootPath('tests', 'elf');
export const ELF_OUT_DIR = path.join(BUILD_DIR, 'elf');
export const MANIFEST = path.join(ELF_OUT_DIR, 'manifest.json');
export const ELF_OUT_DIR_STOCK = path.join(BUILD_DIR, 'elf-stock');
export const MANIFEST_STOCK = path.join(ELF_OUT_DIR_STOCK, 'manifest.json');

export function elfOutDir(variant: MuslVariant = 'patched'): string {
  return variant === 'stock' ? ELF_OUT_DIR_STOCK : ELF_OUT_DIR;
}
export function manifestOf(variant: MuslVariant = 'patched'): string {
  return path.join(elfOutDir(variant), 'manifest.json');
}

export const GROUPS = [
  'file',
  'memory',
  'tls',
  'time',
  'identity',
  'errno',
  'process',
  'threads',
  'signals',
  'pipes',
  'events',
  'unix',
  'inet',
  'tty',
  'fpu',
  'basic',
  'rootfs',
] as const;
export type Group = (typeof GROUPS)[number];

export interface TestMeta {
  name: string;
  group: Group;
  needs: string[];
  timeout: number;
  /** Expected exit status (0 unless the test says otherwise). */
  exit: number;
  /**
   * stdin the launcher holds: "pipe" (a pipe it writes "lxss\n" into 1 s after the start and
   * then closes) or "tty" (its terminal, the line typed 1 s after the start); absent: none.
   */
  stdin?: StdinMode;
  /** "musl-dynamic": linked, in every variant, against Debian's shared musl (musl-dev:i386),
   *  its interpreter /lib/ld-musl-i386.so.1 (the Debian rootfs has it: group rootfs) */
  libc?: 'musl-dynamic';
  /** a test that checks what another one left (persist_check after persist): the oracles run
   *  it once that one has ended, not beside it */
  after?: string;
}

export type StdinMode = 'pipe' | 'tty';
/** What the launcher writes into a test's stdin (StdinMode), and when. */
export const STDIN_LINE = 'lxss\n';
export const STDIN_DELAY_MS = 1000;

export interface ManifestEntry extends TestMeta {
  path: string;
  source: string;
}

const C_FLAGS = ['-O2', '-g', '-Wall', '-Wextra', '-Werror', '-std=gnu11'];
const ASM_FLAGS = ['-m32', '-static', '-no-pie', '-nostdlib', '-Wl,--build-id=none'];

/** Parses the first-line metadata comment; throws naming file and problem. */
export function parseMeta(file: string, text: string): TestMeta {
  const first = text.split('\n', 1)[0] ?? '';
  const m = /^\/\*\s*lxss-test:\s*(.*?)\s*\*\/\s*$/.exec(first);
  const where = `${path.relative(ROOT, file)}:1`;
  if (!m) throw new Error(`${where}: first line must be /* lxss-test: group=... needs=... timeout=... */`);
  const kv = new Map<string, string>();
  for (const part of (m[1] as string).split(/\s+/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`${where}: malformed metadata item '${part}'`);
    kv.set(part.slice(0, eq), part.slice(eq + 1));
  }
  for (const k of kv.keys())
    if (!['group', 'needs', 'timeout', 'exit', 'stdin', 'libc', 'after'].includes(k)) throw new Error(`${where}: unknown metadata key '${k}'`);
  const after = kv.get('after');
  const libc = kv.get('libc');
  if (libc !== undefined && libc !== 'musl-dynamic') throw new Error(`${where}: libc must be musl-dynamic, got '${libc}'`);
  const stdin = kv.get('stdin');
  if (stdin !== undefined && stdin !== 'pipe' && stdin !== 'tty') throw new Error(`${where}: stdin must be pipe or tty, got '${stdin}'`);
  const group = kv.get('group');
  if (!group || !(GROUPS as readonly string[]).includes(group))
    throw new Error(`${where}: group must be one of ${GROUPS.join('|')}, got '${group ?? ''}'`);
  const needsText = kv.get('needs');
  if (needsText === undefined) throw new Error(`${where}: missing needs= (use needs=- for none)`);
  const timeout = Number(kv.get('timeout'));
  if (!Number.isInteger(timeout) || timeout <= 0) throw new Error(`${where}: timeout must be a positive integer`);
  const exit = kv.has('exit') ? Number(kv.get('exit')) : 0;
  if (!Number.isInteger(exit) || exit < 0 || exit > 255) throw new Error(`${where}: exit must be 0..255`);
  const ext = path.extname(file);
  return {
    name: path.basename(file, ext),
    group: group as Group,
    needs: needsText === '-' ? [] : needsText.split(',').filter(Boolean),
    timeout,
    exit,
    ...(stdin ? { stdin: stdin as StdinMode } : {}),
    ...(libc ? { libc: 'musl-dynamic' as const } : {}),
    ...(after ? { after } : {}),
  };
}

/** Every test source: tests/elf/*.c and tests/elf/asm/*.S. */
export function testSources(): string[] {
  const c = readdirSync(ELF_SRC_DIR)
    .filter((f) => f.endsWith('.c'))
    .map((f) => path.join(ELF_SRC_DIR, f));
  const asmDir = path.join(ELF_SRC_DIR, 'asm');
  const s = existsSync(asmDir)
    ? readdirSync(asmDir)
        .filter((f) => f.endsWith('.S'))
        .map((f) => path.join(asmDir, f))
    : [];
  return [...c, ...s].sort();
}

/** tests/elf/glibc/*.c: static glibc programs, part of the stock suite only. */
export function glibcSources(): string[] {
  const dir = path.join(ELF_SRC_DIR, 'glibc');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.c'))
        .map((f) => path.join(dir, f))
        .sort()
    : [];
}

export interface SuiteProgram {
  src: string;
  meta: TestMeta;
  /** c: linked with the variant's musl; asm: libc-free; glibc: linked with static glibc;
   *  dyn: linked with the shared glibc (a dynamic PIE); musldyn: with Debian's shared musl. */
  kind: 'c' | 'asm' | 'glibc' | 'dyn' | 'musldyn';
}

/** The programs of a variant's suite, in manifest order. */
export function suitePrograms(variant: MuslVariant = 'patched'): SuiteProgram[] {
  const progs: SuiteProgram[] = testSources().map((src) => {
    const meta = parseMeta(src, readFileSync(src, 'utf8'));
    return { src, meta, kind: src.endsWith('.S') ? ('asm' as const) : meta.libc === 'musl-dynamic' ? ('musldyn' as const) : ('c' as const) };
  });
  if (variant !== 'stock') return progs;
  const twins = progs
    .filter((p) => p.kind === 'c')
    .map((p) => ({ ...p, meta: { ...p.meta, name: `${p.meta.name}-glibc`, ...(p.meta.after ? { after: `${p.meta.after}-glibc` } : {}) }, kind: 'glibc' as const }));
  const dyn = progs
    .filter((p) => p.kind === 'c')
    .map((p) => ({ ...p, meta: { ...p.meta, name: `${p.meta.name}-dyn`, ...(p.meta.after ? { after: `${p.meta.after}-dyn` } : {}) }, kind: 'dyn' as const }));
  const own = glibcSources().map((src) => ({ src, meta: parseMeta(src, readFileSync(src, 'utf8')), kind: 'glibc' as const }));
  return [...progs, ...twins, ...dyn, ...own];
}

const GLIBC_FLAGS = ['-m32', '-static', '-no-pie', '-fno-pie', '-D_FILE_OFFSET_BITS=64', '-D_TIME_BITS=64'];
const DYN_FLAGS = ['-m32', '-pie', '-fpie', '-D_FILE_OFFSET_BITS=64', '-D_TIME_BITS=64'];

/** gcc arguments that link against Debian's shared i386 musl (musl-dev and musl, unpacked
 * under .lxss/debian): a PIE whose interpreter is /lib/ld-musl-i386.so.1, as musl-gcc makes. */
function muslDynamicArgs(log: Log, userArgs: string[]): string[] {
  const dev = unpackedI386('musl-dev', log, 'the musl-dynamic ELF tests');
  const rt = unpackedI386('musl', log, 'the musl-dynamic ELF tests');
  const lib = path.join(dev, 'usr', 'lib', 'i386-linux-musl');
  const gcc = (q: string) => spawnSync(HOST_CC, ['-m32', q], { encoding: 'utf8' }).stdout.trim();
  return [
    '-m32', '-fPIE', '-pie', '-nostdinc', '-isystem', path.join(dev, 'usr', 'include', 'i386-linux-musl'),
    '-isystem', gcc('-print-file-name=include'), '-nostdlib',
    path.join(lib, 'Scrt1.o'), path.join(lib, 'crti.o'), ...userArgs,
    '-L', path.join(rt, 'lib', 'i386-linux-musl'), '-lc', gcc('-print-libgcc-file-name'), path.join(lib, 'crtn.o'),
    '-Wl,-dynamic-linker,/lib/ld-musl-i386.so.1',
  ];
}

/** Identifies the host's static i386 glibc (its libc.a), for the rebuild keys. */
function glibcId(): string {
  const r = spawnSync(HOST_CC, ['-m32', '-print-file-name=libc.a'], { encoding: 'utf8' });
  const file = (r.stdout ?? '').trim();
  if (r.status !== 0 || !path.isAbsolute(file) || !existsSync(file))
    throw new Error(`${HOST_CC} -m32 finds no static glibc (libc.a): install gcc-multilib (sh generator/setup.sh)`);
  const st = statSync(file);
  return `${file}:${st.size}:${st.mtimeMs}`;
}

function sharedHeadersHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(ELF_SRC_DIR).filter((f) => f.endsWith('.h')).sort())
    h.update(f).update(readFileSync(path.join(ELF_SRC_DIR, f)));
  h.update(readFileSync(TRAP_HEADER));
  return h.digest('hex');
}

export interface SuiteBuild {
  entries: ManifestEntry[];
  built: string[];
}

/** Builds musl (if needed) and every test program, and writes the manifest. */
export async function buildElfSuite(opts: { force?: boolean; log?: Log; variant?: MuslVariant } = {}): Promise<SuiteBuild> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const variant = opts.variant ?? 'patched';
  const stock = variant === 'stock';
  const outDir = elfOutDir(variant);
  const manifest = manifestOf(variant);
  const musl = await buildMusl({ log, variant });
  return withLock(path.join(BUILD_DIR, stock ? 'elf-stock.lock' : 'elf.lock'), async () => {
    mkdirSync(outDir, { recursive: true });
    const headers = sharedHeadersHash();
    const entries: ManifestEntry[] = [];
    const built: string[] = [];
    const names = new Set<string>();
    const glibc = stock ? glibcId() : '';
    for (const { src, meta, kind } of suitePrograms(variant)) {
      const text = readFileSync(src, 'utf8');
      if (names.has(meta.name)) throw new Error(`two ELF tests are named ${meta.name}`);
      names.add(meta.name);
      const out = path.join(outDir, meta.name);
      const args =
        kind === 'asm'
          ? [...ASM_FLAGS, ...(stock ? ['-DLXSS_INT80'] : []), '-I', path.dirname(TRAP_HEADER), '-o', `${out}.tmp`, src]
          : kind === 'musldyn'
          ? muslDynamicArgs(log, [...C_FLAGS, '-I', ELF_SRC_DIR, '-o', `${out}.tmp`, src])
          : kind === 'glibc' || kind === 'dyn'
            ? [...(kind === 'glibc' ? GLIBC_FLAGS : DYN_FLAGS), ...C_FLAGS, '-I', ELF_SRC_DIR, '-o', `${out}.tmp`, src, '-lpthread']
            : ccArgs([...C_FLAGS, '-I', ELF_SRC_DIR, '-o', `${out}.tmp`, src, '-lpthread'], musl.sysroot);
      const key = createHash('sha256')
        .update(text)
        .update(headers)
        .update(kind === 'glibc' || kind === 'dyn' ? glibc : musl.key)
        .update(args.join('\0').replaceAll(`${out}.tmp`, 'OUT'))
        .digest('hex');
      const stamp = `${out}.key`;
      if (opts.force || !existsSync(out) || !existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== key) {
        try {
          await runCommand(HOST_CC, args, ROOT);
        } catch (err) {
          throw new Error(`building ${path.relative(ROOT, src)} failed: ${(err as Error).message}`);
        }
        renameSync(`${out}.tmp`, out);
        writeFileSync(stamp, `${key}\n`);
        built.push(meta.name);
      }
      entries.push({ ...meta, path: out, source: path.relative(ROOT, src) });
    }
    const json = `${JSON.stringify(entries, null, 2)}\n`;
    if (!existsSync(manifest) || readFileSync(manifest, 'utf8') !== json) writeFileSync(manifest, json);
    if (built.length) log(`lxgen elf${stock ? ' --stock' : ''}: built ${built.length} of ${entries.length} test programs into ${outDir}`);
    return { entries, built };
  });
}

export function readManifest(variant: MuslVariant = 'patched'): ManifestEntry[] {
  return JSON.parse(readFileSync(manifestOf(variant), 'utf8')) as ManifestEntry[];
}
