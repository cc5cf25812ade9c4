// `lxgen status --tree PATH [--branch lxss]`: how a ReactOS tree stands against the series.
import { parseTreeArgs } from '../apply/args.ts';
import { treeStatus } from '../apply/status.ts';
import { existsSync } from 'node:fs';
import { LXIMPORT_TREE_PATH, lximportInstall } from '../apply/layout.ts';
import { LXIMPORT } from '../musl/lximport.ts';

export const summary = 'say whether a ReactOS tree is at BASE or on lxss, patches applied, sources current';
export const usage = `usage: lxgen status --tree PATH [--branch NAME] [--patches DIR]

Reports HEAD against BASE, how many patches of reactos-patches/ the branch holds (and commits it
holds that the series does not), whether the installed sources under subsystems/lxss/ match the
project's files (and lximport, when it is built here: lxgen apply builds it), and uncommitted
changes (skip-worktree files are listed apart, they are not dirt).

  --tree PATH     the ReactOS work tree (default: $LXSS_REACTOS_TREE)
  --branch NAME   the lxss branch (default: lxss)
  --patches DIR   the series folder (default: the project's reactos-patches/)`;

export async function run(args: string[]): Promise<number> {
  const a = parseTreeArgs(args, usage);
  if (!a) return 2;
  // the tree's lximport is compared with the one built here; with none built, it cannot be
  const built = existsSync(LXIMPORT);
  const r = await treeStatus({
    tree: a.tree, branch: a.branch, patchesDir: a.patches,
    built: built ? [lximportInstall(LXIMPORT)] : [], unbuilt: built ? [] : [LXIMPORT_TREE_PATH],
  });
  for (const l of r.lines) console.log(l);
  return 0;
}
