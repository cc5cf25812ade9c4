// What state a ReactOS work tree is in: where HEAD is, what is dirty, what git is in the
// middle of. Skip-worktree files (a partial checkout) are reported apart: they are not dirt.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Repo, workTreeTop } from './git.ts';

export interface DirtyEntry {
  path: string;
  /** e.g. "modified, not staged", "staged: added", "untracked". */
  state: string;
}

export interface TreeState {
  repo: Repo;
  top: string;
  head: string;
  headSubject: string;
  branch?: string;
  dirty: DirtyEntry[];
  /** Files marked skip-worktree (absent from the work tree on purpose; not dirt). */
  skipWorktree: string[];
  /** Files marked assume-unchanged: git does not look at them, so neither can we. */
  assumeUnchanged: string[];
  /** An operation left half done (am, rebase, merge, cherry-pick...), if any. */
  operation?: string;
}

const CHANGE: Record<string, string> = {
  M: 'modified',
  T: 'type changed',
  A: 'added',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  U: 'unmerged',
};

function describe(x: string, y: string): string {
  if (x === '?' && y === '?') return 'untracked';
  if (x === 'U' || y === 'U' || (x === 'A' && y === 'A') || (x === 'D' && y === 'D')) return 'unmerged (conflict)';
  const parts: string[] = [];
  if (x !== ' ') parts.push(`staged: ${CHANGE[x] ?? x}`);
  if (y !== ' ') parts.push(`${CHANGE[y] ?? y}, not staged`);
  return parts.join('; ');
}

/** Parses `git status --porcelain=v1 -z` output. */
export function parsePorcelain(out: string): DirtyEntry[] {
  const items = out.split('\0');
  const res: DirtyEntry[] = [];
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (!it || it.length < 4) continue;
    const x = it[0]!;
    const y = it[1]!;
    const p = it.slice(3);
    if (x === 'R' || x === 'C') {
      const from = items[++i] ?? '';
      res.push({ path: p, state: `${describe(x, y)} (from ${from})` });
    } else res.push({ path: p, state: describe(x, y) });
  }
  return res;
}

const OPERATIONS: [string, string][] = [
  ['rebase-apply', 'a `git am` or `git rebase` is in progress (git am --abort / git rebase --abort)'],
  ['rebase-merge', 'a `git rebase` is in progress (git rebase --abort)'],
  ['MERGE_HEAD', 'a merge is in progress (git merge --abort)'],
  ['CHERRY_PICK_HEAD', 'a cherry-pick is in progress (git cherry-pick --abort)'],
  ['REVERT_HEAD', 'a revert is in progress (git revert --abort)'],
  ['BISECT_LOG', 'a bisect is in progress (git bisect reset)'],
];

export class TreeError extends Error {}

/** Opens PATH as a git work tree (its top level) and reads its state. */
export async function readTreeState(treePath: string): Promise<TreeState> {
  const abs = path.resolve(treePath);
  if (!existsSync(abs)) throw new TreeError(`${abs} does not exist`);
  const top = await workTreeTop(abs);
  if (!top) throw new TreeError(`${abs} is not a git work tree (git rev-parse --is-inside-work-tree says no)`);
  const repo = new Repo(top);
  const head = await repo.resolve('HEAD');
  if (!head) throw new TreeError(`${top} has no commit checked out (HEAD does not name a commit)`);
  const headSubject = await repo.subject(head);
  const branch = await repo.currentBranch();
  const dirty = parsePorcelain(
    // GIT_OPTIONAL_LOCKS=0: reading must not take index.lock (someone may be committing).
    await repo.out(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignore-submodules=none'], {
      raw: true,
      env: { GIT_OPTIONAL_LOCKS: '0' },
    }),
  );
  const skipWorktree: string[] = [];
  const assumeUnchanged: string[] = [];
  for (const line of (await repo.out(['ls-files', '-v', '-z'], { raw: true })).split('\0')) {
    if (!line) continue;
    const tag = line[0]!;
    const p = line.slice(2);
    if (tag === 'S' || tag === 's') skipWorktree.push(p);
    if (tag >= 'a' && tag <= 'z') assumeUnchanged.push(p);
  }
  let operation: string | undefined;
  for (const [name, what] of OPERATIONS) {
    const gp = await repo.out(['rev-parse', '--git-path', name]);
    if (existsSync(path.resolve(top, gp))) {
      operation = what;
      break;
    }
  }
  return { repo, top, head, headSubject, branch, dirty, skipWorktree, assumeUnchanged, operation };
}

/** One line per dirty file, for an error message. */
export function formatDirty(dirty: DirtyEntry[], max = 20): string {
  const lines = dirty.slice(0, max).map((d) => `  ${d.path}: ${d.state}`);
  if (dirty.length > max) lines.push(`  ... and ${dirty.length - max} more`);
  return lines.join('\n');
}

/** Where HEAD stands relative to base, in words. */
export async function describePosition(repo: Repo, head: string, base: string): Promise<string> {
  if (head === base) return 'at BASE';
  if (!(await repo.resolve(base))) return `BASE ${base} is not in this repository (fetch it first)`;
  const counts = await repo.out(['rev-list', '--left-right', '--count', `${base}...${head}`]);
  const [behind, ahead] = counts.split(/\s+/).map(Number);
  if (!behind) return `${ahead} commit(s) ahead of BASE (BASE is an ancestor of HEAD)`;
  if (!ahead) return `${behind} commit(s) behind BASE (HEAD is an ancestor of BASE)`;
  return `diverged from BASE: ${ahead} commit(s) not in BASE, ${behind} commit(s) of BASE missing`;
}
