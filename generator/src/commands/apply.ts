// `lxgen apply --tree PATH [--branch lxss] [--force]`: replays reactos-patches/ onto a ReactOS
// tree as branch commits and installs the project's sources (see generator/src/apply/apply.ts).
import { parseTreeArgs } from '../apply/args.ts';
import { applySeries, installSourcesOnly } from '../apply/apply.ts';
import type { SourceFile } from '../apply/sources.ts';
import { lximportInstall } from '../apply/layout.ts';
import { buildLximport } from '../musl/lximport.ts';

export const summary = 'replay reactos-patches/ onto a ReactOS tree (branch lxss) and install the sources';
export const usage = `usage: lxgen apply --tree PATH [--branch NAME] [--patches DIR] [--force] [--sources-only] [--no-lximport]

Checks that PATH is a clean git work tree at the BASE commit (reactos-patches/BASE) or on the
branch, builds BASE + every patch of reactos-patches/series as commits (author, message and
dates from each patch), adds one commit installing lxcore/, psxss/, psxss/lxrun/,
tests/runner/ and reactos-patches/tree/ into subsystems/lxss/ (trailer Lxss-Installed-Sources),
with lximport (the Linux program lxrun --import runs, built here against the patched musl:
ReactOS's build cannot make it) at subsystems/lxss/lximport/lximport, which the tree's boot
media carry as system32\\lximport; then switches the tree to the branch. Any failure leaves the tree as it was.
Re-applying on the branch updates it to the current series and sources (or does nothing).

  --tree PATH     the ReactOS work tree (default: $LXSS_REACTOS_TREE)
  --patches DIR   the series folder (default: the project's reactos-patches/)
  --branch NAME   branch to create or update (default: lxss)
  --force         on the branch, drop commits that are not in the series
  --sources-only  leave the tree's history alone (any branch descending from BASE, e.g. a
                  development branch holding unrefreshed kernel commits) and only add, or
                  replace when HEAD is one, the installed-sources commit
  --no-lximport   install without lximport (lxrun --import then cannot work on the tree's
                  boot media)`;

export async function run(args: string[]): Promise<number> {
  const a = parseTreeArgs(args, usage, ['force', 'sources-only', 'no-lximport']);
  if (!a) return 2;
  const sourcesOnly = a.flags['sources-only'];
  let built: SourceFile[] = [];
  if (!a.flags['no-lximport']) {
    try {
      built = [lximportInstall(await buildLximport((l) => console.log(l)))];
    } catch (err) {
      console.error(`lxgen apply: lximport could not be built (${(err as Error).message.split('\n')[0]}); ` +
        'build it with `npx lxgen musl` first, or apply with --no-lximport (lxrun --import then cannot work on the tree\'s media)');
      return 1;
    }
  }
  const r = sourcesOnly
    ? await installSourcesOnly({ tree: a.tree, patchesDir: a.patches, built })
    : await applySeries({ tree: a.tree, branch: a.branch, patchesDir: a.patches, force: a.flags.force, built });
  const head = sourcesOnly
    ? `${r.outcome === 'unchanged' ? 'sources already current' : 'installed sources'} on ${r.branch}`
    : {
        created: `created branch ${r.branch}`,
        updated: `updated branch ${r.branch}`,
        unchanged: `branch ${r.branch} is up to date`,
      }[r.outcome];
  console.log(`${head} at ${r.tip.slice(0, 12)}: ${r.patches} patch(es), ${r.installedFiles} installed file(s)`);
  for (const c of r.changes) console.log(`  ${c}`);
  return 0;
}
