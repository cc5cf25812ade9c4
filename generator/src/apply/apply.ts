// `lxgen apply`: replays reactos-patches/ onto a ReactOS tree as commits on a branch and
// installs the project's own sources as one last commit.
//
// Atomicity: every commit is built with plumbing in the object database, through a temporary
// index (GIT_INDEX_FILE), without touching the tree's HEAD, index, work tree or branches.
// Only when the whole branch exists as commits is the tree switched to it, in one checkout;
// if that fails the tree is forced back to where it was. A failing patch therefore leaves
// nothing behind but unreachable objects.
//
// Reproducibility: a patch commit takes author, committer and both dates from the patch mail,
// the installed-sources commit takes a fixed identity and the project commit's date, so the
// same series and sources give the same commit ids, and a re-apply with nothing changed is
// recognised as a no-op.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rootPath } from '../paths.ts';
import { installedTrailer, matchSeries, readBranch, seriesPatchIds, type BranchCommit } from './branch.ts';
import { identEnv, type Repo } from './git.ts';
import { DEFAULT_LAYOUT, INSTALLED_TRAILER, INSTALL_ROOT, type InstallRule } from './layout.ts';
import { readSeries, type SeriesPatch } from './series.ts';
import { collectSources, describeRevision, hashSources, projectRevision, type SourceFile, type Sources } from './sources.ts';
import { describePosition, formatDirty, readTreeState, type TreeState } from './tree.ts';

export const DEFAULT_BRANCH = 'lxss';
/** Identity of the installed-sources commit. */
export const INSTALLER_IDENT = { name: 'lxgen', email: 'lxgen@lxss.invalid' };

export interface ApplyOptions {
  tree: string;
  branch?: string;
  patchesDir?: string;
  projectRoot?: string;
  layout?: InstallRule[];
  /** Files lxgen built that go in too (lximport at LXIMPORT_TREE_PATH). */
  built?: SourceFile[];
  /** Replace the branch even if it holds commits that are not in the series. */
  force?: boolean;
  log?: (line: string) => void;
  /** Test hook: fail right after the final checkout, to exercise the rollback. */
  failAfterCheckout?: boolean;
}

export interface ApplyResult {
  outcome: 'created' | 'updated' | 'unchanged';
  branch: string;
  tip: string;
  patches: number;
  installedFiles: number;
  /** Human-readable lines: what changed on the branch. */
  changes: string[];
}

export class ApplyError extends Error {}

interface MailInfo {
  author: string;
  email: string;
  date: string;
  message: string;
}

/** Splits a format-patch mail the way `git am` does (git mailinfo -b: keeps "[NTOS:KE]"-style prefixes). */
async function mailInfo(repo: Repo, patch: SeriesPatch, tmp: string): Promise<MailInfo> {
  const msgFile = path.join(tmp, 'msg');
  const diffFile = path.join(tmp, 'patch');
  const info = await repo.out(['mailinfo', '-b', '-u', '--encoding=UTF-8', msgFile, diffFile], { input: patch.bytes });
  const field = (k: string): string => new RegExp(`^${k}: (.*)$`, 'm').exec(info)?.[1] ?? '';
  const author = field('Author');
  const email = field('Email');
  const date = field('Date');
  const subject = field('Subject');
  if (!author || !email || !date) throw new ApplyError(`${patch.name}: mail header lacks an author, email or date`);
  const body = readFileSync(msgFile, 'utf8');
  const message = await repo.out(['stripspace'], { input: `${subject}\n\n${body}`, raw: true });
  return { author, email, date, message };
}

/**
 * Builds start + patches + installed sources as commits; returns the new tip. Touches no ref.
 * start is BASE for a full apply, the current commit for --sources-only (patches empty).
 */
async function buildBranch(
  repo: Repo,
  start: string,
  patches: SeriesPatch[],
  sources: Sources,
  installMessage: string,
  installDate: string,
  tmp: string,
): Promise<{ tip: string; patchCommits: string[] }> {
  const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
  await repo.run(['read-tree', start], { env });
  let parent = start;
  let parentTree = await repo.out(['rev-parse', `${start}^{tree}`]);
  const patchCommits: string[] = [];
  const series = { patches };
  for (const [i, patch] of series.patches.entries()) {
    const mi = await mailInfo(repo, patch, tmp);
    const diffFile = path.join(tmp, 'patch');
    const res = await repo.run(['apply', '--cached', '--3way', '--whitespace=nowarn', diffFile], { env, allowFail: true });
    if (res.exitCode !== 0) {
      throw new ApplyError(
        `patch ${i + 1}/${series.patches.length} ${patch.name} ("${patch.subject}") does not apply on BASE` +
          (i ? ` + patches 1..${i}` : '') +
          `:\n${(res.stderr || res.stdout).trim()}`,
      );
    }
    const tree = await repo.out(['write-tree', '--missing-ok'], { env });
    if (tree === parentTree) {
      throw new ApplyError(`patch ${i + 1}/${series.patches.length} ${patch.name} changes nothing (is it already in BASE?)`);
    }
    parent = await repo.out(['commit-tree', tree, '-p', parent, '-F', '-'], {
      input: mi.message,
      env: identEnv(mi.author, mi.email, mi.date),
    });
    parentTree = tree;
    patchCommits.push(parent);
  }

  // The installed sources replace whatever the install root held. The index is private, so
  // git rm's check against the tree's HEAD and work tree means nothing here (-f).
  await repo.run(['rm', '-r', '-q', '-f', '--cached', '--ignore-unmatch', '--', INSTALL_ROOT], { env });
  const shas = await hashSources(repo, sources.files, true);
  const entries = sources.files.map((f, i) => `${f.mode} ${shas[i]}\t${f.treePath}\0`);
  if (entries.length) await repo.run(['update-index', '-z', '--add', '--index-info'], { input: entries.join(''), env });
  const tree = await repo.out(['write-tree', '--missing-ok'], { env });
  const tip = await repo.out(['commit-tree', tree, '-p', parent, '-F', '-'], {
    input: installMessage,
    env: identEnv(INSTALLER_IDENT.name, INSTALLER_IDENT.email, installDate),
  });
  return { tip, patchCommits };
}

function installMessageText(sources: Sources, revision: string): string {
  const lines = [
    `[LXSS] Install the lxss project's sources into ${INSTALL_ROOT}`,
    '',
    'Installed by `lxgen apply` from the lxss project. Edit these files in the',
    `project, not here: \`lxgen refresh\` leaves ${INSTALL_ROOT}/ out of the patch series.`,
    '',
  ];
  for (const r of sources.rules) {
    lines.push(`  ${r.rule.from}/ -> ${r.rule.to}/: ${r.present ? `${r.files} file(s)` : 'absent in the project'}`);
  }
  lines.push('', `${INSTALLED_TRAILER}: ${revision}`);
  return lines.join('\n') + '\n';
}

function refuse(state: TreeState, msg: string): never {
  throw new ApplyError(`${state.top}: ${msg}`);
}

/** Checks that the tree may be (re)written: clean, nothing in progress. */
function checkClean(state: TreeState): void {
  if (state.operation) refuse(state, `${state.operation}; finish or abort it first`);
  if (state.dirty.length) {
    const skip = state.skipWorktree.length
      ? `\n(${state.skipWorktree.length} skip-worktree file(s) are not counted: they are absent on purpose)`
      : '';
    refuse(
      state,
      `the work tree is not clean (${state.dirty.length} file(s)); commit, stash or remove them first:\n` +
        formatDirty(state.dirty) +
        skip,
    );
  }
}

function describeCommitList(cs: BranchCommit[]): string {
  return cs.map((c) => `  ${c.sha.slice(0, 12)} ${c.subject}`).join('\n');
}

async function branchChanges(repo: Repo, oldCommits: BranchCommit[], newCommits: BranchCommit[], oldTip: string, newTip: string): Promise<string[]> {
  const changes: string[] = [];
  const oldP = oldCommits.filter((c) => !c.installed && c.patchId);
  const newP = newCommits.filter((c) => !c.installed && c.patchId);
  const oldIds = new Set(oldP.map((c) => c.patchId));
  const newIds = new Set(newP.map((c) => c.patchId));
  const oldSubjects = new Set(oldP.map((c) => c.subject));
  const newSubjects = new Set(newP.map((c) => c.subject));
  for (const c of newP) {
    if (oldIds.has(c.patchId)) continue;
    changes.push(`${oldSubjects.has(c.subject) ? 'changed' : 'added'} patch: ${c.subject}`);
  }
  for (const c of oldP) {
    if (!newIds.has(c.patchId) && !newSubjects.has(c.subject)) changes.push(`removed patch: ${c.subject}`);
  }
  if (!changes.length && oldP.map((c) => c.patchId).join() !== newP.map((c) => c.patchId).join()) {
    changes.push('patches reordered');
  }
  const ns = await repo.out(['diff', '--no-renames', '--name-status', oldTip, newTip, '--', INSTALL_ROOT]);
  const files = ns ? ns.split('\n') : [];
  if (files.length) {
    changes.push(`installed sources: ${files.length} file(s) changed`);
    for (const f of files.slice(0, 30)) changes.push(`  ${f.replace('\t', ' ')}`);
    if (files.length > 30) changes.push(`  ... and ${files.length - 30} more`);
  }
  if (!changes.length) changes.push('commit metadata changed (messages, authors or the installed-sources trailer)');
  return changes;
}

export async function applySeries(opts: ApplyOptions): Promise<ApplyResult> {
  const log = opts.log ?? (() => {});
  const branch = opts.branch ?? DEFAULT_BRANCH;
  const patchesDir = opts.patchesDir ?? rootPath('reactos-patches');
  const projectRoot = opts.projectRoot ?? rootPath();
  const layout = opts.layout ?? DEFAULT_LAYOUT;

  // 1. Everything that can be checked without touching the tree.
  const series = readSeries(patchesDir);
  const state = await readTreeState(opts.tree);
  const repo = state.repo;
  if (!(await repo.ok(['check-ref-format', '--branch', branch]))) throw new ApplyError(`'${branch}' is not a valid branch name`);
  checkClean(state);
  if (!(await repo.resolve(series.base))) {
    refuse(state, `BASE ${series.base} is not in this repository; fetch it (git fetch origin ${series.base})`);
  }
  const baseSubject = await repo.subject(series.base);
  const where = state.branch ? `branch ${state.branch}` : 'detached HEAD';

  let mode: 'create' | 'update';
  let oldCommits: BranchCommit[] = [];
  if (state.branch === branch) {
    if (!(await repo.isAncestor(series.base, state.head))) {
      refuse(state, `on branch ${branch} at ${state.head.slice(0, 12)}, but BASE ${series.base.slice(0, 12)} is not an ancestor of it: ` +
        (await describePosition(repo, state.head, series.base)));
    }
    mode = 'update';
    oldCommits = await readBranch(repo, series.base, state.head, INSTALL_ROOT);
    const m = matchSeries(oldCommits, series, await seriesPatchIds(repo, series));
    const after = m.lastInstalled ? oldCommits.slice(m.lastInstalled.index + 1) : oldCommits;
    const lost = after.filter((c) => !c.installed && (!c.patchId || m.extra.includes(c)));
    if (lost.length && !opts.force) {
      refuse(
        state,
        `branch ${branch} has ${lost.length} commit(s) that re-applying would drop:\n${describeCommitList(lost)}\n` +
          'Run `lxgen refresh` to write kernel changes back into reactos-patches/, move edits of ' +
          `${INSTALL_ROOT}/ into the project, or pass --force to drop them.`,
      );
    }
  } else if (state.head === series.base) {
    if (await repo.branchExists(branch)) {
      const at = (await repo.resolve(branch))!;
      refuse(state, `branch ${branch} already exists (at ${at.slice(0, 12)} "${await repo.subject(at)}"); ` +
        `check it out to update it (git checkout ${branch}), delete it, or use --branch NAME`);
    }
    mode = 'create';
  } else {
    refuse(
      state,
      `HEAD is at ${state.head.slice(0, 12)} "${state.headSubject}" (${where}), not at BASE ${series.base.slice(0, 12)} ` +
        `"${baseSubject}": ${await describePosition(repo, state.head, series.base)}.\n` +
        `Check out BASE (git switch --detach ${series.base}) or the branch ${branch}.`,
    );
  }

  // 2. Build the new branch in the object database.
  const sources = await collectSources(projectRoot, layout, opts.built);
  const rev = await projectRevision(projectRoot, layout);
  const baseDate = await repo.out(['log', '-1', '--format=%ct +0000', series.base]);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lxgen-apply-'));
  let built: { tip: string; patchCommits: string[] };
  try {
    built = await buildBranch(repo, series.base, series.patches, sources, installMessageText(sources, describeRevision(rev)), rev.date ?? baseDate, tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const result: ApplyResult = {
    outcome: mode === 'create' ? 'created' : 'updated',
    branch,
    tip: built.tip,
    patches: series.patches.length,
    installedFiles: sources.files.length,
    changes: [],
  };
  if (mode === 'update' && built.tip === state.head) {
    result.outcome = 'unchanged';
    result.changes = ['nothing changed: the branch already holds this series and these sources'];
    return result;
  }
  if (mode === 'update') {
    const newCommits = await readBranch(repo, series.base, built.tip, INSTALL_ROOT);
    result.changes = await branchChanges(repo, oldCommits, newCommits, state.head, built.tip);
  } else {
    result.changes = series.patches.map((p) => `applied ${p.name}`);
    result.changes.push(`installed ${sources.files.length} project file(s) into ${INSTALL_ROOT}/`);
  }

  // 3. Switch the tree to the new branch in one step; put everything back if that fails.
  try {
    log(`${mode === 'create' ? 'creating' : 'updating'} branch ${branch} at ${built.tip.slice(0, 12)}`);
    await repo.run(['checkout', '-q', mode === 'create' ? '-b' : '-B', branch, built.tip]);
    if (opts.failAfterCheckout) throw new ApplyError('failure injected after checkout (test hook)');
  } catch (err) {
    await rollback(repo, state, branch, mode);
    throw err instanceof ApplyError ? err : new ApplyError(`switching the tree to ${branch} failed, tree restored: ${(err as Error).message}`);
  }
  return result;
}

/**
 * `lxgen apply --sources-only`: for a development tree whose kernel changes live as commits
 * (not yet refreshed into the series): leaves its history alone and only (re)installs the
 * project's sources as the installed-sources commit on top of HEAD. When HEAD already is such
 * a commit it is replaced, so repeated installs do not pile up. Same checks, same atomicity.
 */
export async function installSourcesOnly(opts: ApplyOptions): Promise<ApplyResult> {
  const projectRoot = opts.projectRoot ?? rootPath();
  const layout = opts.layout ?? DEFAULT_LAYOUT;
  const series = readSeries(opts.patchesDir ?? rootPath('reactos-patches'));
  const state = await readTreeState(opts.tree);
  const repo = state.repo;
  checkClean(state);
  if (!(await repo.resolve(series.base)) || !(await repo.isAncestor(series.base, state.head))) {
    refuse(state, `HEAD ${state.head.slice(0, 12)} does not descend from BASE ${series.base.slice(0, 12)}: ` +
      (await describePosition(repo, state.head, series.base)));
  }
  const headMessage = await repo.out(['log', '-1', '--format=%B', state.head]);
  const replacing = installedTrailer(headMessage) !== undefined;
  const parent = replacing ? (await repo.resolve(`${state.head}^`))! : state.head;
  const sources = await collectSources(projectRoot, layout, opts.built);
  const rev = await projectRevision(projectRoot, layout);
  const date = rev.date ?? (await repo.out(['log', '-1', '--format=%ct +0000', parent]));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lxgen-apply-'));
  let tip: string;
  try {
    tip = (await buildBranch(repo, parent, [], sources, installMessageText(sources, describeRevision(rev)), date, tmp)).tip;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const where = state.branch ?? '(detached HEAD)';
  const result: ApplyResult = { outcome: 'updated', branch: where, tip, patches: 0, installedFiles: sources.files.length, changes: [] };
  if (tip === state.head) {
    result.outcome = 'unchanged';
    result.changes = ['nothing changed: the installed sources are current'];
    return result;
  }
  const ns = await repo.out(['diff', '--no-renames', '--name-status', state.head, tip, '--', INSTALL_ROOT]);
  const files = ns ? ns.split('\n') : [];
  result.changes = [
    `${replacing ? 'replaced the installed-sources commit' : 'added an installed-sources commit'} on ${where}: ${files.length} file(s) changed`,
    ...files.slice(0, 30).map((f) => `  ${f.replace('\t', ' ')}`),
    ...(files.length > 30 ? [`  ... and ${files.length - 30} more`] : []),
  ];
  try {
    if (state.branch) await repo.run(['checkout', '-q', '-B', state.branch, tip]);
    else await repo.run(['checkout', '-q', '--detach', tip]);
    if (opts.failAfterCheckout) throw new ApplyError('failure injected after checkout (test hook)');
  } catch (err) {
    if (state.branch) await repo.run(['checkout', '-q', '-f', '-B', state.branch, state.head], { allowFail: true });
    else await repo.run(['checkout', '-q', '-f', '--detach', state.head], { allowFail: true });
    await repo.run(['clean', '-q', '-f', '-d', '--', INSTALL_ROOT], { allowFail: true });
    throw err instanceof ApplyError ? err : new ApplyError(`switching the tree failed, tree restored: ${(err as Error).message}`);
  }
  return result;
}

/** Puts HEAD, the branch, the index and the work tree back as they were in `before`. */
async function rollback(repo: Repo, before: TreeState, branch: string, mode: 'create' | 'update'): Promise<void> {
  if (mode === 'update') {
    await repo.run(['checkout', '-q', '-f', '-B', branch, before.head], { allowFail: true });
  } else {
    if (before.branch) await repo.run(['checkout', '-q', '-f', before.branch], { allowFail: true });
    else await repo.run(['checkout', '-q', '-f', '--detach', before.head], { allowFail: true });
    if (await repo.branchExists(branch)) await repo.run(['branch', '-q', '-D', branch], { allowFail: true });
  }
  // Files the failed checkout may have created and the old tree does not track.
  await repo.run(['clean', '-q', '-f', '-d', '--', INSTALL_ROOT], { allowFail: true });
}

