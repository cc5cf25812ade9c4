// Collects the project's own files that `lxgen apply` installs into a ReactOS tree.
// A file counts when git knows it in the project (tracked, or untracked but not ignored), so
// build output (.lxss/, *.o, ...) never goes in. Outside a git checkout every file counts.
import { existsSync, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { Repo, workTreeTop } from './git.ts';
import type { InstallRule } from './layout.ts';

export interface SourceFile {
  /** Path in the ReactOS tree (posix separators). */
  treePath: string;
  /** Absolute path in the project. */
  absPath: string;
  /** git mode: 100644, 100755 or 120000 (symbolic link). */
  mode: string;
}

export interface RuleResult {
  rule: InstallRule;
  present: boolean;
  files: number;
}

export interface Sources {
  files: SourceFile[];
  rules: RuleResult[];
}

function walk(dir: string, rel: string, out: string[]): void {
  for (const ent of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${ent.name}` : ent.name;
    if (ent.isDirectory()) {
      if (ent.name !== '.git') walk(dir, r, out);
    } else out.push(r);
  }
}

function gitMode(abs: string): string | undefined {
  const st = lstatSync(abs, { throwIfNoEntry: false });
  if (!st) return undefined;
  if (st.isSymbolicLink()) return '120000';
  if (!st.isFile()) return undefined;
  return st.mode & 0o111 ? '100755' : '100644';
}

/** Lists the files each rule installs, and the built files given (lximport), sorted by tree path. */
export async function collectSources(projectRoot: string, layout: InstallRule[], built: SourceFile[] = []): Promise<Sources> {
  const top = await workTreeTop(projectRoot);
  const repo = top ? new Repo(projectRoot) : undefined;
  const byTreePath = new Map<string, SourceFile>();
  const rules: RuleResult[] = [];
  for (const rule of layout) {
    const fromAbs = path.join(projectRoot, rule.from);
    if (!existsSync(fromAbs)) {
      rules.push({ rule, present: false, files: 0 });
      continue;
    }
    let rels: string[];
    if (repo) {
      const out = await repo.out(
        ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', rule.from],
        { raw: true },
      );
      rels = [...new Set(out.split('\0').filter(Boolean))].map((p) => path.posix.relative(rule.from, p));
    } else {
      rels = [];
      walk(fromAbs, '', rels);
    }
    const excluded = (rule.exclude ?? []).map((e) => e.replace(/\/+$/, '') + '/');
    let count = 0;
    for (const rel of rels.sort()) {
      if (excluded.some((e) => rel.startsWith(e))) continue;
      const absPath = path.join(fromAbs, rel);
      const mode = gitMode(absPath);
      if (!mode) continue; // tracked but deleted in the work tree
      const treePath = path.posix.join(rule.to, rel);
      const prev = byTreePath.get(treePath);
      if (prev) {
        throw new Error(`two project files install to ${treePath}: ${prev.absPath} and ${absPath}`);
      }
      byTreePath.set(treePath, { treePath, absPath, mode });
      count++;
    }
    rules.push({ rule, present: true, files: count });
  }
  for (const f of built) {
    const prev = byTreePath.get(f.treePath);
    if (prev) throw new Error(`two files install to ${f.treePath}: ${prev.absPath} and the built ${f.absPath}`);
    byTreePath.set(f.treePath, f);
  }
  const files = [...byTreePath.values()].sort((a, b) => (a.treePath < b.treePath ? -1 : a.treePath > b.treePath ? 1 : 0));
  return { files, rules };
}

/** The content git would store for a source file (symbolic links: the link text). */
export function linkTarget(file: SourceFile): string {
  return readlinkSync(file.absPath);
}

export interface ProjectRevision {
  /** Commit id of the project's HEAD, or 'unversioned'. */
  commit: string;
  /** True when some installed folder has uncommitted changes. */
  dirty: boolean;
  /** Committer date of that commit (git's raw "seconds tz" form), for a reproducible commit. */
  date?: string;
}

export async function projectRevision(projectRoot: string, layout: InstallRule[]): Promise<ProjectRevision> {
  const top = await workTreeTop(projectRoot);
  if (!top) return { commit: 'unversioned', dirty: false };
  const repo = new Repo(projectRoot);
  const commit = await repo.resolve('HEAD');
  if (!commit) return { commit: 'unversioned', dirty: true };
  const date = await repo.out(['log', '-1', '--format=%ct +0000', commit]);
  const froms = layout.map((r) => r.from).filter((f) => existsSync(path.join(projectRoot, f)));
  const st = froms.length
    ? await repo.out(['status', '--porcelain', '--untracked-files=all', '--', ...froms])
    : '';
  return { commit, dirty: st !== '', date };
}

export function describeRevision(rev: ProjectRevision): string {
  return rev.dirty ? `${rev.commit} (with uncommitted changes)` : rev.commit;
}

/**
 * Blob ids of the source files as the ReactOS tree would store them at their tree paths:
 * the tree's own .gitattributes apply (e.g. `*.inf text eol=crlf`), so a checkout of the
 * installed commit is clean. With write, the blobs are added to the tree's object database.
 */
export async function hashSources(repo: Repo, files: SourceFile[], write: boolean): Promise<string[]> {
  const shas: string[] = [];
  for (const f of files) {
    const args = ['hash-object', ...(write ? ['-w'] : [])];
    if (f.mode === '120000') {
      shas.push(await repo.out([...args, '--no-filters', '--stdin'], { input: linkTarget(f) }));
    } else {
      shas.push(await repo.out([...args, `--path=${f.treePath}`, '--', f.absPath]));
    }
  }
  return shas;
}
