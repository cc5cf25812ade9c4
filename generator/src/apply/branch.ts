// Reading an lxss branch back: which commits are series patches, which one is the
// installed-sources commit, and how they match the patches in reactos-patches/.
import { INSTALLED_TRAILER } from './layout.ts';
import { NEUTRAL_CONFIG_ENV, type Repo } from './git.ts';
import type { Series } from './series.ts';

export interface BranchCommit {
  sha: string;
  subject: string;
  /** Value of the Lxss-Installed-Sources trailer when this is an installed-sources commit. */
  installed?: string;
  /** patch-id of the commit's changes outside the install root ('' when it has none). */
  patchId: string;
}

/** The Lxss-Installed-Sources trailer of a commit message, if present. */
export function installedTrailer(message: string): string | undefined {
  const re = new RegExp(`^${INSTALLED_TRAILER}: *(.+)$`, 'm');
  return re.exec(message)?.[1]?.trim();
}

/** The diff of one commit outside installRoot, in a configuration-independent form. */
export async function commitDiff(repo: Repo, sha: string, installRoot: string): Promise<Buffer> {
  return repo.bytes(
    ['diff-tree', '-p', '--no-color', '--no-ext-diff', '--full-index', sha, '--', '.', `:(exclude)${installRoot}`],
    { env: NEUTRAL_CONFIG_ENV },
  );
}

/** The commits base..tip with what each one is. Throws on merge commits. */
export async function readBranch(repo: Repo, base: string, tip: string, installRoot: string): Promise<BranchCommit[]> {
  const res: BranchCommit[] = [];
  for (const sha of await repo.revList(base, tip)) {
    const parents = (await repo.out(['rev-list', '--parents', '-n', '1', sha])).split(' ').slice(1);
    if (parents.length !== 1) throw new Error(`commit ${sha.slice(0, 12)} is a merge; the lxss branch must be linear`);
    const message = await repo.out(['log', '-1', '--format=%B', sha]);
    const subject = message.split('\n')[0] ?? '';
    const installed = installedTrailer(message);
    const diff = await commitDiff(repo, sha, installRoot);
    const patchId = diff.length ? await repo.patchId(diff) : '';
    res.push({ sha, subject, installed, patchId });
  }
  return res;
}

/** patch-id of every series patch, in series order. */
export async function seriesPatchIds(repo: Repo, series: Series): Promise<string[]> {
  const ids: string[] = [];
  for (const p of series.patches) ids.push(await repo.patchId(p.bytes));
  return ids;
}

export interface SeriesMatch {
  /** How many series patches, from the first, are the branch's first non-installed commits. */
  appliedPrefix: number;
  /** Series patches (names) whose change is on the branch somewhere. */
  present: string[];
  /** Series patches not on the branch. */
  missing: string[];
  /** Branch commits (not installed-sources commits, with changes outside the install root) not in the series. */
  extra: BranchCommit[];
  /** Branch commits that only change the install root and are not installed-sources commits. */
  installEdits: BranchCommit[];
  /** The last installed-sources commit on the branch, and its index. */
  lastInstalled?: { commit: BranchCommit; index: number };
}

export function matchSeries(commits: BranchCommit[], series: Series, ids: string[]): SeriesMatch {
  const byId = new Map<string, string>();
  ids.forEach((id, i) => byId.set(id, series.patches[i]!.name));
  const branchIds = new Set(commits.map((c) => c.patchId).filter(Boolean));
  const changing = commits.filter((c) => !c.installed && c.patchId);
  let appliedPrefix = 0;
  while (appliedPrefix < ids.length && appliedPrefix < changing.length && changing[appliedPrefix]!.patchId === ids[appliedPrefix]) {
    appliedPrefix++;
  }
  let lastInstalled: SeriesMatch['lastInstalled'];
  commits.forEach((c, index) => {
    if (c.installed) lastInstalled = { commit: c, index };
  });
  return {
    appliedPrefix,
    present: series.patches.filter((_, i) => branchIds.has(ids[i]!)).map((p) => p.name),
    missing: series.patches.filter((_, i) => !branchIds.has(ids[i]!)).map((p) => p.name),
    extra: changing.filter((c) => !byId.has(c.patchId)),
    installEdits: commits.filter((c) => !c.installed && !c.patchId),
    lastInstalled,
  };
}
