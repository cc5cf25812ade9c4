// The malformed-ELF corpus as in-guest tests: lxcore/core's host tests (tests/lxcore/) write
// one file per defect with `test_elf corpus-write DIR`; here the same generator is compiled
// with the host gcc, its files are written to .lxss/elf-corpus/, and a manifest lists each as
// an expected-exec-failure entry of group "elfcorpus": CREATE_PROCESS must fail with
// LinuxError -ENOEXEC (-8), or the errno a file's name gives (corpusExecError), and nothing
// may crash (generator/src/vm/payload.ts "execError").
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILD_DIR, ROOT } from '../paths.ts';
import type { ManifestEntry } from '../vm/payload.ts';

export const CORPUS_DIR = path.join(BUILD_DIR, 'elf-corpus');
export const CORPUS_MANIFEST = path.join(CORPUS_DIR, 'manifest.json');
export const CORPUS_GROUP = 'elfcorpus';
/** -ENOEXEC: what lxcore must answer for every corpus file. */
export const CORPUS_EXEC_ERROR = -8;

const CDIR = path.join(ROOT, 'tests', 'lxcore', 'c');
const CORE = path.join(ROOT, 'lxcore', 'core');
const SOURCES = [path.join(CDIR, 'test_elf.c'), ...['lx_elf.c', 'lx_stack.c'].map((f) => path.join(CORE, f))];
const INPUTS = [...SOURCES, path.join(CDIR, 'elf_fixture.h'), path.join(CDIR, 'tap.h'), path.join(CORE, 'lx_elf.h'), path.join(CORE, 'lx_stack.h')];

/** What exec of a corpus file must give: -ENOEXEC, or -N for a file named "NN-defect.eN.elf"
 *  (a valid program with a bad interpreter: Linux's ENOENT, EACCES, ELIBBAD...). */
export function corpusExecError(file: string): number {
  const m = /\.e(\d+)\.elf$/.exec(file);
  return m ? -Number(m[1]) : CORPUS_EXEC_ERROR;
}

/** One manifest entry per corpus file ("NN-defect.elf" -> name "NN-defect"). */
export function corpusEntries(dir: string, files: string[]): ManifestEntry[] {
  return files
    .filter((f) => f.endsWith('.elf'))
    .sort()
    .map((f) => ({
      name: path.basename(f, '.elf'),
      group: CORPUS_GROUP,
      needs: [],
      timeout: 10,
      path: path.join(dir, f),
      execError: corpusExecError(f),
    }));
}

function newestInput(): number {
  return Math.max(...INPUTS.filter((f) => existsSync(f)).map((f) => statSync(f).mtimeMs));
}

/**
 * Writes the corpus and its manifest under .lxss/elf-corpus/ unless they are newer than the
 * generator's sources. Returns the manifest path, or throws with the reason it cannot
 * (no gcc, the sources missing, the generator failing).
 */
export function buildElfCorpus(opts: { log?: (line: string) => void; force?: boolean } = {}): string {
  for (const f of SOURCES) if (!existsSync(f)) throw new Error(`${path.relative(ROOT, f)} is missing`);
  if (!opts.force && existsSync(CORPUS_MANIFEST) && statSync(CORPUS_MANIFEST).mtimeMs >= newestInput()) return CORPUS_MANIFEST;
  rmSync(CORPUS_DIR, { recursive: true, force: true });
  const files = path.join(CORPUS_DIR, 'files');
  mkdirSync(files, { recursive: true });
  const exe = path.join(CORPUS_DIR, 'test_elf');
  const cc = spawnSync('gcc', ['-std=c99', '-O1', `-I${CORE}`, `-I${CDIR}`, `-I${path.join(ROOT, 'lxcore', 'include')}`, ...SOURCES, '-o', exe], {
    encoding: 'utf8',
  });
  if (cc.error) throw new Error(`gcc: ${cc.error.message}`);
  if (cc.status !== 0) throw new Error(`gcc could not build the corpus generator:\n${cc.stderr}`);
  const w = spawnSync(exe, ['corpus-write', files], { encoding: 'utf8' });
  if (w.status !== 0) throw new Error(`test_elf corpus-write failed (status ${w.status}): ${w.stderr}`);
  const entries = corpusEntries(files, readdirSync(files));
  if (entries.length === 0) throw new Error('test_elf corpus-write wrote no file');
  writeFileSync(CORPUS_MANIFEST, JSON.stringify(entries, null, 2) + '\n');
  opts.log?.(`malformed-ELF corpus: ${entries.length} files in ${files}`);
  return CORPUS_MANIFEST;
}

/**
 * What `lxgen test` runs by default: the ELF suite's manifest plus the corpus (built here if
 * needed). When the corpus cannot be built, says why on one line and leaves it out.
 */
export function defaultTestEntries(readManifest: (file: string) => ManifestEntry[], suiteManifest: string, log: (line: string) => void): ManifestEntry[] {
  const entries = readManifest(suiteManifest);
  let corpus: string;
  try {
    corpus = buildElfCorpus({ log });
  } catch (err) {
    log(`note: the malformed-ELF corpus (group ${CORPUS_GROUP}) is left out: ${(err as Error).message.split('\n')[0]}`);
    return entries;
  }
  return [...entries, ...readManifest(corpus)];
}
