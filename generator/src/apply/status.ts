// `lxgen status`: where a ReactOS tree stands with respect to the series and the sources.
import { rootPath } from '../paths.ts';
import { DEFAULT_BRANCH } from './apply.ts';
import { matchSeries, readBranch, seriesPatchIds } from './branch.ts';
import type { Repo } from './git.ts';
import { DEFAULT_LAYOUT, INSTALL_ROOT, type InstallRule } from './layout.ts';
import { readSeries } from './series.ts';
import { collectSources, describeRevision, hashSources, projectRevision, type SourceFile } from './sources.ts';
import { describePosition, formatDirty, readTreeState } from './tree.ts';

export interface StatusOptions {
  tree: string;
  branch?: string;
  patchesDir?: string;
  projectRoot?: string;
  layout?: InstallRule[];
  /** Files lxgen built that apply installs too (lximport), as apply gets them */
  built?: SourceFile[];
  /** Tree paths of built files that are not built here: not compared */
  unbuilt?: string[];
}

export interface StatusReport {
  lines: string[];
  atBase: boolean;
  onBranch: boolean;
  /** Series patches present on the examined branch, and how many there are. */
  applied: number;
  total: number;
  /** Series patches applied in order from the first (the branch starts with them). */
  appliedInOrder: number;
  /** Branch commits whose changes are not in reactos-patches/. */
  notInSeries: number;
  /** undefined when nothing is installed. */
  sourcesCurrent?: boolean;
  sourcesDiffer: string[];
  dirty: number;
  skipWorktree: number;
  /** One-word summary: 'base', 'current', 'needs-apply', 'needs-refresh', 'elsewhere'. */
  verdict: string;
}

/** Differences between what `tree` holds under the install root and what apply would install now. */
async function diffInstalled(repo: Repo, commit: string, projectRoot: string, layout: InstallRule[], built: SourceFile[], unbuilt: string[]): Promise<string[]> {
  const inTree = new Map<string, string>();
  const ls = await repo.out(['ls-tree', '-r', '-z', commit, '--', INSTALL_ROOT], { raw: true });
  for (const ent of ls.split('\0')) {
    if (!ent) continue;
    const [meta, p] = ent.split('\t') as [string, string];
    const [mode, , sha] = meta.split(' ');
    if (!unbuilt.includes(p)) inTree.set(p, `${mode} ${sha}`);
  }
  const sources = await collectSources(projectRoot, layout, built);
  const shas = await hashSources(repo, sources.files, false);
  const want = new Map<string, string>();
  sources.files.forEach((f, i) => want.set(f.treePath, `${f.mode} ${shas[i]}`));
  const differ: string[] = [];
  for (const [p, v] of want) {
    const have = inTree.get(p);
    if (have === undefined) differ.push(`new in project: ${p}`);
    else if (have !== v) differ.push(`modified in project: ${p}`);
  }
  for (const p of inTree.keys()) if (!want.has(p)) differ.push(`removed from project: ${p}`);
  return differ.sort();
}

export async function treeStatus(opts: StatusOptions): Promise<StatusReport> {
  const branch = opts.branch ?? DEFAULT_BRANCH;
  const series = readSeries(opts.patchesDir ?? rootPath('reactos-patches'));
  const projectRoot = opts.projectRoot ?? rootPath();
  const layout = opts.layout ?? DEFAULT_LAYOUT;
  const state = await readTreeState(opts.tree);
  const repo = state.repo;
  const lines: string[] = [];
  const r: StatusReport = {
    lines,
    atBase: state.head === series.base,
    onBranch: state.branch === branch,
    applied: 0,
    total: series.patches.length,
    appliedInOrder: 0,
    notInSeries: 0,
    sourcesDiffer: [],
    dirty: state.dirty.length,
    skipWorktree: state.skipWorktree.length,
    verdict: 'elsewhere',
  };
  lines.push(`tree:    ${state.top}`);
  lines.push(`HEAD:    ${state.head.slice(0, 12)} "${state.headSubject}" (${state.branch ? `branch ${state.branch}` : 'detached'})`);
  lines.push(`BASE:    ${series.base.slice(0, 12)}: HEAD is ${await describePosition(repo, state.head, series.base)}`);

  let examine: string | undefined;
  if (r.onBranch) examine = state.head;
  else if (await repo.branchExists(branch)) {
    examine = await repo.resolve(branch);
    lines.push(`branch:  ${branch} exists at ${examine!.slice(0, 12)} but is not checked out; figures below are for it`);
  } else lines.push(`branch:  ${branch} does not exist (lxgen apply creates it)`);

  if (examine && (await repo.resolve(series.base)) && (await repo.isAncestor(series.base, examine))) {
    const commits = await readBranch(repo, series.base, examine, INSTALL_ROOT);
    const m = matchSeries(commits, series, await seriesPatchIds(repo, series));
    r.applied = m.present.length;
    r.appliedInOrder = m.appliedPrefix;
    r.notInSeries = m.extra.length;
    lines.push(`series:  ${r.applied} of ${r.total} patch(es) of reactos-patches/ applied` +
      (m.appliedPrefix === r.applied ? '' : ` (${m.appliedPrefix} in series order from the first)`));
    for (const n of m.missing) lines.push(`  not applied: ${n}`);
    for (const c of m.extra) lines.push(`  not in reactos-patches/: ${c.sha.slice(0, 12)} ${c.subject} (lxgen refresh exports it)`);
    for (const c of m.installEdits) lines.push(`  edits only ${INSTALL_ROOT}/: ${c.sha.slice(0, 12)} ${c.subject} (not exported; belongs in the project)`);
    if (m.lastInstalled) {
      const after = commits.length - 1 - m.lastInstalled.index;
      r.sourcesDiffer = await diffInstalled(repo, examine, projectRoot, layout, opts.built ?? [], opts.unbuilt ?? []);
      r.sourcesCurrent = r.sourcesDiffer.length === 0;
      const rev = describeRevision(await projectRevision(projectRoot, layout));
      lines.push(`sources: installed from ${m.lastInstalled.commit.installed} in ${m.lastInstalled.commit.sha.slice(0, 12)}` +
        (after ? `, ${after} commit(s) after it` : ''));
      lines.push(r.sourcesCurrent
        ? `  current: the tree holds exactly the project's files (project at ${rev})`
        : `  outdated: ${r.sourcesDiffer.length} file(s) differ from the project (at ${rev}):`);
      for (const d of r.sourcesDiffer.slice(0, 20)) lines.push(`    ${d}`);
      for (const u of opts.unbuilt ?? []) lines.push(`  not compared: ${u} (not built here)`);
      if (r.sourcesDiffer.length > 20) lines.push(`    ... and ${r.sourcesDiffer.length - 20} more`);
    } else lines.push('sources: not installed on this branch');
  } else if (examine) {
    lines.push(`series:  ${branch} does not contain BASE; cannot compare`);
  }

  if (state.operation) lines.push(`in progress: ${state.operation}`);
  lines.push(state.dirty.length ? `work tree: ${state.dirty.length} uncommitted change(s):\n${formatDirty(state.dirty)}` : 'work tree: clean');
  if (state.skipWorktree.length) {
    lines.push(`  ${state.skipWorktree.length} skip-worktree file(s) not checked out on purpose (not counted as changes)`);
  }
  if (state.assumeUnchanged.length) {
    lines.push(`  ${state.assumeUnchanged.length} file(s) marked assume-unchanged: changes to them are invisible to git`);
  }

  if (r.atBase && !r.onBranch) r.verdict = 'base';
  else if (r.onBranch && r.notInSeries > 0) r.verdict = 'needs-refresh';
  else if (r.onBranch && r.appliedInOrder === r.total && r.applied === r.total && r.sourcesCurrent) r.verdict = 'current';
  else if (r.onBranch) r.verdict = 'needs-apply';
  const say: Record<string, string> = {
    base: 'at BASE: `lxgen apply` can create the branch',
    current: `up to date: ${branch} holds the whole series and the current sources`,
    'needs-refresh': `${branch} has commits not in reactos-patches/: run \`lxgen refresh\``,
    'needs-apply': `${branch} is behind the series or the sources: run \`lxgen apply\``,
    elsewhere: `neither at BASE nor on ${branch}`,
  };
  lines.push(`verdict: ${say[r.verdict]}`);
  return r;
}
