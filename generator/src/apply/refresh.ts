// `lxgen refresh`: turns the lxss branch of a ReactOS tree back into reactos-patches/.
// Every commit of BASE..branch becomes one format-patch file, minus its changes under the
// install root (the installed-sources commit therefore vanishes entirely). The output is
// stable: zero commit id in the "From" line, no signature/version footer, full blob ids,
// dates are the author dates, and user/system git configuration is kept out, so a refresh
// of an unchanged branch leaves reactos-patches/ byte-identical.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rootPath } from '../paths.ts';
import { DEFAULT_BRANCH } from './apply.ts';
import { readBranch } from './branch.ts';
import { NEUTRAL_CONFIG_ENV } from './git.ts';
import { INSTALL_ROOT } from './layout.ts';
import { BASE_FILE, SERIES_FILE, seriesText } from './series.ts';
import { readTreeState } from './tree.ts';

export interface RefreshOptions {
  tree: string;
  branch?: string;
  patchesDir?: string;
  log?: (line: string) => void;
}

export interface RefreshResult {
  patches: string[];
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
  seriesChanged: boolean;
  /** Warnings (uncommitted changes that are not exported, ...). */
  warnings: string[];
}

export class RefreshError extends Error {}

const PATCH_NAME = /^\d{4}-.*\.patch$/;

/** Options that make format-patch output independent of the machine and its configuration. */
export const FORMAT_PATCH_ARGS = [
  '-c', 'diff.noprefix=false',
  '-c', 'diff.mnemonicPrefix=false',
  '-c', 'diff.renames=true',
  '-c', 'diff.algorithm=myers',
  '-c', 'diff.relative=false',
  '-c', 'core.quotePath=true',
  'format-patch',
  '--keep-subject',
  '--zero-commit',
  '--no-signature',
  '--full-index',
  '--no-numbered',
  '--no-cover-letter',
  '--no-thread',
  '--no-notes',
  '--no-color',
  '--stat=72',
  '--summary',
];

export async function refreshSeries(opts: RefreshOptions): Promise<RefreshResult> {
  const log = opts.log ?? (() => {});
  const branch = opts.branch ?? DEFAULT_BRANCH;
  const dir = opts.patchesDir ?? rootPath('reactos-patches');
  const baseFile = path.join(dir, BASE_FILE);
  if (!existsSync(baseFile)) throw new RefreshError(`${baseFile} is missing (it names the base commit)`);
  const base = readFileSync(baseFile, 'utf8').trim();
  if (!/^[0-9a-f]{40}$/.test(base)) throw new RefreshError(`${baseFile} must hold one full 40-hex commit id`);

  const state = await readTreeState(opts.tree);
  const repo = state.repo;
  const warnings: string[] = [];
  const tip = await repo.resolve(`refs/heads/${branch}`);
  if (!tip) throw new RefreshError(`${state.top} has no branch ${branch}`);
  if (!(await repo.resolve(base))) throw new RefreshError(`BASE ${base} is not in ${state.top}`);
  if (!(await repo.isAncestor(base, tip))) {
    throw new RefreshError(`BASE ${base.slice(0, 12)} is not an ancestor of ${branch} (${tip.slice(0, 12)}): rebase ${branch} onto BASE first`);
  }
  if (state.branch === branch && state.dirty.length) {
    warnings.push(`${state.dirty.length} uncommitted change(s) in the tree are not exported (commit them to ${branch} first)`);
  }
  await readBranch(repo, base, tip, INSTALL_ROOT); // refuses merge commits

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lxgen-refresh-'));
  try {
    await repo.run([...FORMAT_PATCH_ARGS, '-o', tmp, `${base}..${tip}`, '--', '.', `:(exclude)${INSTALL_ROOT}`], {
      env: NEUTRAL_CONFIG_ENV,
    });
    const names = readdirSync(tmp).filter((n) => PATCH_NAME.test(n)).sort();
    const res: RefreshResult = { patches: names, added: [], changed: [], removed: [], unchanged: [], seriesChanged: false, warnings };
    for (const n of names) {
      const text = readFileSync(path.join(tmp, n));
      const dest = path.join(dir, n);
      if (existsSync(dest)) {
        if (readFileSync(dest).equals(text)) {
          res.unchanged.push(n);
          continue;
        }
        res.changed.push(n);
      } else res.added.push(n);
      writeFileSync(dest, text);
    }
    for (const n of readdirSync(dir).filter((n) => PATCH_NAME.test(n)).sort()) {
      if (!names.includes(n)) {
        unlinkSync(path.join(dir, n));
        res.removed.push(n);
      }
    }
    const seriesFile = path.join(dir, SERIES_FILE);
    const text = seriesText(names);
    if (!existsSync(seriesFile) || readFileSync(seriesFile, 'utf8') !== text) {
      writeFileSync(seriesFile, text);
      res.seriesChanged = true;
    }
    log(`${names.length} patch(es) from ${branch}`);
    return res;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
