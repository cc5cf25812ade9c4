// A synthetic "ReactOS tree" and "lxss project" for the apply/refresh/status tests, built
// from scratch in a temporary directory:
//   tree/     a git repository with a BASE commit (and a later upstream commit on `later`)
//   author/   a clone of tree where the test writes the patch series as commits on lxss
//   project/  a git repository shaped like the lxss project: reactos-patches/ (BASE, series,
//             patches exported from author/ with refreshSeries, tree/CMakeLists.txt),
//             lxcore/, psxss/, psxss/lxrun/, tests/runner/, plus ignored build output.
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { identEnv } from '../../generator/src/apply/git.ts';
import { refreshSeries } from '../../generator/src/apply/refresh.ts';

// Keep the tester's own git configuration out of the fixture.
process.env.GIT_CONFIG_GLOBAL = '/dev/null';
process.env.GIT_CONFIG_NOSYSTEM = '1';

export async function git(cwd: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<string> {
  const r = await execa('git', args, { cwd, env: { LC_ALL: 'C', ...env }, input, reject: false });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(' ')} in ${cwd}: ${r.stderr}`);
  return String(r.stdout).trim();
}

export function ident(name: string, date: string): Record<string, string> {
  return identEnv(name, `${name.toLowerCase().replace(/\W+/g, '.')}@example.org`, date);
}

export function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

export async function commitAll(repo: string, message: string, who = ident('Base Author', '2025-08-16T10:00:00Z')): Promise<string> {
  await git(repo, ['add', '-A']);
  await git(repo, ['commit', '-q', '-m', message], who);
  return git(repo, ['rev-parse', 'HEAD']);
}

export interface Fixture {
  root: string;
  tree: string;
  author: string;
  project: string;
  patches: string;
  base: string;
  /** Upstream commit after BASE on branch `later` of tree. */
  later: string;
  cleanup(): void;
}

const lines = (n: number, tag: string): string => Array.from({ length: n }, (_, i) => `${tag} line ${i + 1}`).join('\n') + '\n';

/** The series the tests start with: three patches, the second and third touching the same file. */
export async function writeDefaultSeries(author: string): Promise<void> {
  write(path.join(author, 'ntoskrnl/ke/table.c'), lines(20, 'table').replace('table line 5\n', 'table line 5\nNUMBER_SERVICE_TABLES 4\n'));
  await git(author, ['commit', '-q', '-am', '[NTOS:KE] Widen the service descriptor tables to four\n\nTable 2 serves 0x2000-0x2FFF.'], ident('Kernel Hacker', '2025-09-01T12:00:00+02:00'));
  write(path.join(author, 'ntoskrnl/ps/pico.c'), lines(10, 'pico'));
  write(path.join(author, 'ntoskrnl/ke/table.c'), readFileSync(path.join(author, 'ntoskrnl/ke/table.c'), 'utf8').replace('table line 15\n', 'table line 15\nPicoDispatch();\n'));
  await git(author, ['add', '-A']);
  await git(author, ['commit', '-q', '-m', '[NTOS:PS] Add pico processes'], ident('Pico Person', '2025-09-02T08:30:00Z'));
  write(path.join(author, 'subsystems/CMakeLists.txt'), 'add_subdirectory(csr)\nif(EXISTS lxss)\n    add_subdirectory(lxss)\nendif()\n');
  await git(author, ['commit', '-q', '-am', '[SUBSYSTEMS] Build lxss when it is installed'], ident('Build Integrator', '2025-09-03T09:00:00Z'));
}

let template: Promise<Fixture> | undefined;

/**
 * A fresh fixture for one test: a copy of a template built once per test file (building it
 * takes a few dozen git commands; copying it is much cheaper).
 */
export async function makeFixture(): Promise<Fixture> {
  template ??= buildFixture();
  const t = await template;
  const root = mkdtempSync(path.join(os.tmpdir(), 'lxgen-apply-test-'));
  cpSync(t.root, root, { recursive: true, preserveTimestamps: true });
  const at = (p: string): string => path.join(root, path.relative(t.root, p));
  return {
    ...t,
    root,
    tree: at(t.tree),
    author: at(t.author),
    project: at(t.project),
    patches: at(t.patches),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

let templateRoot: string | undefined;
/** Removes the template (call from afterAll). */
export function disposeTemplate(): void {
  if (templateRoot) rmSync(templateRoot, { recursive: true, force: true });
  templateRoot = undefined;
  template = undefined;
}

async function buildFixture(): Promise<Fixture> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'lxgen-apply-template-'));
  templateRoot = root;
  const tree = path.join(root, 'tree');
  const author = path.join(root, 'author');
  const project = path.join(root, 'project');

  // The "ReactOS" tree.
  mkdirSync(tree);
  await git(tree, ['init', '-q', '-b', 'master']);
  write(path.join(tree, 'README.md'), 'a tree\n');
  write(path.join(tree, 'ntoskrnl/ke/table.c'), lines(20, 'table'));
  write(path.join(tree, 'ntoskrnl/ps/process.c'), lines(10, 'process'));
  write(path.join(tree, 'subsystems/CMakeLists.txt'), 'add_subdirectory(csr)\n');
  write(path.join(tree, 'media/big.bin'), 'pretend this is large\n');
  write(path.join(tree, '.gitignore'), 'output-*/\n');
  // Like ReactOS: text normalised in the repository, .inf files checked out with CRLF.
  write(path.join(tree, '.gitattributes'), '* text=auto\n*.inf text eol=crlf\n');
  const base = await commitAll(tree, 'BASE: upstream snapshot');
  write(path.join(tree, 'README.md'), 'a tree, later\n');
  await git(tree, ['checkout', '-q', '-b', 'later']);
  const later = await commitAll(tree, 'upstream: a later change', ident('Upstream', '2025-10-01T00:00:00Z'));
  await git(tree, ['checkout', '-q', 'master']);

  // The series, authored in a clone.
  await git(root, ['clone', '-q', tree, author]);
  await git(author, ['checkout', '-q', '-b', 'lxss', base]);
  await writeDefaultSeries(author);

  // The project.
  const patches = path.join(project, 'reactos-patches');
  mkdirSync(patches, { recursive: true });
  await git(project, ['init', '-q', '-b', 'main']);
  write(path.join(patches, 'BASE'), `${base}\n`);
  await refreshSeries({ tree: author, patchesDir: patches });
  write(path.join(patches, 'tree/CMakeLists.txt'), 'foreach(d lxcore psxss lxrun runner)\nendforeach()\n');
  write(path.join(patches, 'tree/lxss_reg.inf'), '[AddReg]\r\nHKLM,"SYSTEM\\CurrentControlSet\\Services\\lxcore","Start",0x00010001,0x00000000\r\n');
  write(path.join(project, 'lxcore/lxcore.c'), 'int DriverEntry(void) { return 0; }\n');
  write(path.join(project, 'lxcore/generated/lxsys_table.h'), '/* generated */\n');
  write(path.join(project, 'lxcore/include/lxioctl.h'), '#define LXIOCTL 1\n');
  write(path.join(project, 'lxcore/CMakeLists.txt'), 'add_library(lxcore MODULE lxcore.c)\n');
  write(path.join(project, 'psxss/psxss.c'), 'int main(void) { return 0; }\n');
  write(path.join(project, 'psxss/lxrun/lxrun.c'), 'int main(void) { return 1; }\n');
  write(path.join(project, 'tests/runner/runner.c'), 'int main(void) { return 2; }\n');
  write(path.join(project, 'tests/runner/run.sh'), '#!/bin/sh\necho run\n');
  chmodSync(path.join(project, 'tests/runner/run.sh'), 0o755);
  write(path.join(project, '.gitignore'), '*.o\n.lxss/\n');
  await commitAll(project, 'project snapshot', ident('Project Dev', '2025-11-01T12:00:00Z'));
  // Build output that must never be installed.
  write(path.join(project, 'lxcore/lxcore.o'), 'object code\n');
  write(path.join(project, '.lxss/elf/hello.elf'), 'elf\n');

  return {
    root,
    tree,
    author,
    project,
    patches,
    base,
    later,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Everything about a tree that apply must leave alone on failure. */
export interface Snapshot {
  head: string;
  symbolic: string;
  refs: string;
  index: string;
  status: string;
  files: string;
  gitState: string[];
}

function hashDir(dir: string, rel = '', h = createHash('sha256')): ReturnType<typeof createHash> {
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    if (!rel && name === '.git') continue;
    const r = rel ? `${rel}/${name}` : name;
    const st = statSync(path.join(dir, r));
    if (st.isDirectory()) hashDir(dir, r, h);
    else {
      h.update(`${r}\0${st.mode & 0o777}\0`);
      h.update(readFileSync(path.join(dir, r)));
      h.update('\0');
    }
  }
  return h;
}

export function dirHash(dir: string): string {
  return hashDir(dir).digest('hex');
}

export async function snapshot(tree: string): Promise<Snapshot> {
  const gitDir = path.join(tree, '.git');
  return {
    head: await git(tree, ['rev-parse', 'HEAD']),
    symbolic: await git(tree, ['rev-parse', '--symbolic-full-name', 'HEAD']),
    refs: await git(tree, ['for-each-ref', '--format=%(refname) %(objectname)']),
    index: await git(tree, ['ls-files', '-s', '-v']),
    status: await git(tree, ['status', '--porcelain=v1', '--untracked-files=all', '--ignored']),
    files: dirHash(tree),
    gitState: ['rebase-apply', 'rebase-merge', 'MERGE_HEAD', 'CHERRY_PICK_HEAD', 'index.lock'].filter((f) =>
      existsSync(path.join(gitDir, f)),
    ),
  };
}
