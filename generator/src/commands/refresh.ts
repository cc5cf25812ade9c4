// `lxgen refresh --tree PATH [--branch lxss]`: writes the branch back into reactos-patches/.
import { parseTreeArgs } from '../apply/args.ts';
import { refreshSeries } from '../apply/refresh.ts';

export const summary = 'write the lxss branch of a ReactOS tree back into reactos-patches/';
export const usage = `usage: lxgen refresh --tree PATH [--branch NAME] [--patches DIR]

Exports every commit of BASE..NAME as a format-patch file (NNNN-subject.patch) into
reactos-patches/, leaving out changes under subsystems/lxss/ (the installed project sources),
and rewrites the series file. Output is stable: refreshing an unchanged branch leaves
reactos-patches/ byte-identical. Patch files no longer on the branch are deleted.

  --tree PATH     the ReactOS work tree (default: $LXSS_REACTOS_TREE)
  --patches DIR   the series folder (default: the project's reactos-patches/)
  --branch NAME   branch to export (default: lxss)`;

export async function run(args: string[]): Promise<number> {
  const a = parseTreeArgs(args, usage);
  if (!a) return 2;
  const r = await refreshSeries({ tree: a.tree, branch: a.branch, patchesDir: a.patches });
  for (const w of r.warnings) console.log(`warning: ${w}`);
  console.log(
    `${r.patches.length} patch(es): ${r.added.length} new, ${r.changed.length} changed, ` +
      `${r.removed.length} removed, ${r.unchanged.length} unchanged; series file ${r.seriesChanged ? 'rewritten' : 'unchanged'}`,
  );
  for (const n of r.added) console.log(`  new      ${n}`);
  for (const n of r.changed) console.log(`  changed  ${n}`);
  for (const n of r.removed) console.log(`  removed  ${n}`);
  return 0;
}
