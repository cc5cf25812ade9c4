// reactos-patches/ against a real ReactOS repository: runs when LXSS_REACTOS_TREE names a
// ReactOS git checkout that holds the BASE commit. The user's tree is never touched: the test
// works in a temporary `git clone --shared`, checked out sparsely (only the folders the series
// touches and subsystems/), which is also how a partial snapshot looks to `lxgen apply`.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applySeries } from '../../generator/src/apply/apply.ts';
import { refreshSeries } from '../../generator/src/apply/refresh.ts';
import { readSeries } from '../../generator/src/apply/series.ts';
import { treeStatus } from '../../generator/src/apply/status.ts';
import { rootPath } from '../../generator/src/paths.ts';
import { dirHash, git } from './fixture.ts';

const source = process.env.LXSS_REACTOS_TREE;
const patchesDir = rootPath('reactos-patches');
const why = !source
  ? 'LXSS_REACTOS_TREE is not set (point it at a ReactOS git checkout holding BASE)'
  : !existsSync(path.join(source, '.git'))
    ? `LXSS_REACTOS_TREE=${source} is not a git checkout`
    : undefined;
if (why) console.log(`SKIP tests/apply/real-tree.test.ts: ${why}`);

describe.skipIf(why !== undefined)('reactos-patches/ on a real ReactOS tree', () => {
  let tmp = '';
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('applies cleanly at BASE, refreshes byte-identically, and reports current', { timeout: 900_000 }, async () => {
    const series = readSeries(patchesDir);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'lxgen-real-tree-'));
    const tree = path.join(tmp, 'reactos');
    await git(tmp, ['clone', '-q', '--shared', '--no-checkout', source!, tree]);
    await git(tree, ['cat-file', '-e', `${series.base}^{commit}`]);
    // Check out only what the series touches (plus subsystems/ and the attributes).
    const touched = new Set<string>(['/.gitattributes', '/subsystems/']);
    for (const p of series.patches) {
      for (const m of p.text.matchAll(/^diff --git a\/(\S+) b\/(\S+)$/gm)) {
        touched.add(`/${m[1]}`);
        touched.add(`/${m[2]}`);
      }
    }
    await git(tree, ['sparse-checkout', 'set', '--no-cone', ...touched]);
    await git(tree, ['checkout', '-q', '--detach', series.base]);
    // The clone has a local branch for the source's current one (which may well be lxss).
    const heads = (await git(tree, ['for-each-ref', '--format=%(refname:short)', 'refs/heads'])).split('\n').filter(Boolean);
    if (heads.length) await git(tree, ['branch', '-q', '-D', ...heads]);

    const r = await applySeries({ tree, patchesDir });
    expect(r.outcome).toBe('created');
    expect(r.patches).toBe(series.patches.length);
    expect(await git(tree, ['rev-list', '--count', `${series.base}..lxss`])).toBe(String(series.patches.length + 1));
    expect(await git(tree, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
    expect(readFileSync(path.join(tree, 'subsystems/CMakeLists.txt'), 'utf8')).toMatch(/add_subdirectory\(lxss\)/);
    expect(existsSync(path.join(tree, 'subsystems/lxss/CMakeLists.txt'))).toBe(true);

    const copy = path.join(tmp, 'patches');
    cpSync(patchesDir, copy, { recursive: true });
    const rr = await refreshSeries({ tree, patchesDir: copy });
    expect([rr.added, rr.changed, rr.removed, rr.seriesChanged]).toEqual([[], [], [], false]);
    expect(dirHash(copy)).toBe(dirHash(patchesDir));

    const st = await treeStatus({ tree, patchesDir });
    expect(st.verdict).toBe('current');
    console.log(`real tree: ${series.patches.length} patch(es) applied to ${series.base.slice(0, 12)} from ${source}; ${r.installedFiles} file(s) installed`);
  });
});
