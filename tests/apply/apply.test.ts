// lxgen apply / refresh / status against a synthetic git repository (tests/apply/fixture.ts).
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applySeries, installSourcesOnly, type ApplyOptions } from '../../generator/src/apply/apply.ts';
import { refreshSeries } from '../../generator/src/apply/refresh.ts';
import { treeStatus } from '../../generator/src/apply/status.ts';
import { commitAll, dirHash, disposeTemplate, git, ident, makeFixture, snapshot, write, type Fixture } from './fixture.ts';

let fx: Fixture;
beforeEach(async () => {
  fx = await makeFixture();
});
afterEach(() => fx.cleanup());
afterAll(() => disposeTemplate());

const opts = (extra: Partial<ApplyOptions> = {}): ApplyOptions => ({
  tree: fx.tree,
  patchesDir: fx.patches,
  projectRoot: fx.project,
  ...extra,
});

async function expectRefused(o: ApplyOptions, message: RegExp): Promise<void> {
  const before = await snapshot(o.tree);
  await expect(applySeries(o)).rejects.toThrow(message);
  expect(await snapshot(o.tree)).toEqual(before);
}

describe('lxgen apply', () => {
  it('replays the series as commits and installs the sources as one final commit', async () => {
    await git(fx.tree, ['checkout', '-q', '--detach', fx.base]);
    const r = await applySeries(opts());
    expect(r.outcome).toBe('created');
    expect(r.patches).toBe(3);
    expect(await git(fx.tree, ['symbolic-ref', '--short', 'HEAD'])).toBe('lxss');
    expect(await git(fx.tree, ['rev-parse', 'HEAD'])).toBe(r.tip);
    const log = (await git(fx.tree, ['log', '--reverse', '--format=%an|%ae|%aI|%cn|%cI|%s', `${fx.base}..lxss`])).split('\n');
    expect(log).toEqual([
      'Kernel Hacker|kernel.hacker@example.org|2025-09-01T12:00:00+02:00|Kernel Hacker|2025-09-01T12:00:00+02:00|[NTOS:KE] Widen the service descriptor tables to four',
      'Pico Person|pico.person@example.org|2025-09-02T08:30:00+00:00|Pico Person|2025-09-02T08:30:00+00:00|[NTOS:PS] Add pico processes',
      'Build Integrator|build.integrator@example.org|2025-09-03T09:00:00+00:00|Build Integrator|2025-09-03T09:00:00+00:00|[SUBSYSTEMS] Build lxss when it is installed',
      expect.stringMatching(/^lxgen\|lxgen@lxss\.invalid\|.*\|\[LXSS\] Install the lxss project's sources into subsystems\/lxss$/),
    ]);
    // Message bodies survive.
    expect(await git(fx.tree, ['log', '-1', '--format=%B', 'lxss~3'])).toBe(
      '[NTOS:KE] Widen the service descriptor tables to four\n\nTable 2 serves 0x2000-0x2FFF.',
    );
    // The patched files equal the author's branch.
    for (const f of ['ntoskrnl/ke/table.c', 'ntoskrnl/ps/pico.c', 'subsystems/CMakeLists.txt']) {
      expect(readFileSync(path.join(fx.tree, f), 'utf8')).toBe(readFileSync(path.join(fx.author, f), 'utf8'));
    }
    // Installed sources, with the trailer naming the project commit.
    const projectHead = await git(fx.project, ['rev-parse', 'HEAD']);
    expect(await git(fx.tree, ['log', '-1', '--format=%B', 'lxss'])).toMatch(new RegExp(`\\nLxss-Installed-Sources: ${projectHead}$`));
    const installed = (await git(fx.tree, ['ls-tree', '-r', '--name-only', 'HEAD', 'subsystems/lxss'])).split('\n');
    expect(installed).toEqual([
      'subsystems/lxss/CMakeLists.txt',
      'subsystems/lxss/lxcore/CMakeLists.txt',
      'subsystems/lxss/lxcore/generated/lxsys_table.h',
      'subsystems/lxss/lxcore/include/lxioctl.h',
      'subsystems/lxss/lxcore/lxcore.c',
      'subsystems/lxss/lxrun/lxrun.c',
      'subsystems/lxss/lxss_reg.inf',
      'subsystems/lxss/psxss/psxss.c',
      'subsystems/lxss/runner/run.sh',
      'subsystems/lxss/runner/runner.c',
    ]);
    expect(await git(fx.tree, ['ls-tree', 'HEAD', 'subsystems/lxss/runner/run.sh'])).toMatch(/^100755 /);
    expect(statSync(path.join(fx.tree, 'subsystems/lxss/runner/run.sh')).mode & 0o111).not.toBe(0);
    // The tree's attributes apply: stored with LF, checked out with CRLF, and clean.
    expect(await git(fx.tree, ['cat-file', 'blob', 'HEAD:subsystems/lxss/lxss_reg.inf'])).not.toMatch(/\r/);
    expect(readFileSync(path.join(fx.tree, 'subsystems/lxss/lxss_reg.inf'), 'utf8')).toMatch(/\r\n$/);
    // The tree is clean afterwards.
    expect(await git(fx.tree, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
  });

  it('also works from a branch at BASE and leaves that branch alone', async () => {
    const r = await applySeries(opts({ branch: 'my-lxss' }));
    expect(r.outcome).toBe('created');
    expect(await git(fx.tree, ['symbolic-ref', '--short', 'HEAD'])).toBe('my-lxss');
    expect(await git(fx.tree, ['rev-parse', 'master'])).toBe(fx.base);
  });

  it('refuses a tree at another commit and says where it is', async () => {
    await git(fx.tree, ['checkout', '-q', 'later']);
    await expectRefused(opts(), /HEAD is at [0-9a-f]{12} "upstream: a later change" \(branch later\), not at BASE [0-9a-f]{12} "BASE: upstream snapshot": 1 commit\(s\) ahead of BASE/);
  });

  it('refuses a tree behind or beside BASE', async () => {
    await git(fx.tree, ['checkout', '-q', '--orphan', 'other']);
    write(path.join(fx.tree, 'README.md'), 'other history\n');
    await commitAll(fx.tree, 'unrelated root');
    await expectRefused(opts(), /not at BASE .*diverged from BASE: 1 commit\(s\) not in BASE, 1 commit\(s\) of BASE missing/);
  });

  it('refuses a path that is not a git work tree', async () => {
    await expect(applySeries(opts({ tree: fx.root }))).rejects.toThrow(/is not a git work tree/);
  });

  it('refuses a tree whose repository lacks BASE', async () => {
    writeFileSync(path.join(fx.patches, 'BASE'), `${'1'.repeat(40)}\n`);
    await expectRefused(opts(), /BASE 1{40} is not in this repository/);
  });

  it.each([
    ['modified', async () => write(path.join(fx.tree, 'README.md'), 'edited\n'), /README\.md: modified, not staged/],
    [
      'staged',
      async () => {
        write(path.join(fx.tree, 'ntoskrnl/ps/process.c'), 'staged edit\n');
        await git(fx.tree, ['add', 'ntoskrnl/ps/process.c']);
      },
      /ntoskrnl\/ps\/process\.c: staged: modified/,
    ],
    ['untracked', async () => write(path.join(fx.tree, 'notes/todo.txt'), 'x\n'), /notes\/todo\.txt: untracked/],
    [
      'deleted',
      async () => unlinkSync(path.join(fx.tree, 'media/big.bin')),
      /media\/big\.bin: deleted, not staged/,
    ],
  ])('refuses a dirty tree (%s file) and leaves it untouched', async (_kind, dirty, message) => {
    await dirty();
    await expectRefused(opts(), /the work tree is not clean \(1 file\(s\)\)/);
    await expectRefused(opts(), message);
  });

  it('does not count skip-worktree files as dirt', async () => {
    await git(fx.tree, ['update-index', '--skip-worktree', 'media/big.bin']);
    unlinkSync(path.join(fx.tree, 'media/big.bin'));
    const r = await applySeries(opts());
    expect(r.outcome).toBe('created');
    expect(existsSync(path.join(fx.tree, 'media/big.bin'))).toBe(false);
    expect(await git(fx.tree, ['ls-files', '-v', 'media/big.bin'])).toBe('S media/big.bin');
    const st = await treeStatus(opts());
    expect(st.skipWorktree).toBe(1);
    expect(st.dirty).toBe(0);
    expect(st.lines.join('\n')).toMatch(/1 skip-worktree file\(s\) not checked out on purpose/);
  });

  it('refuses while git am is in progress', async () => {
    write(path.join(fx.tree, '.git/rebase-apply/applying'), '');
    await expectRefused(opts(), /`git am` or `git rebase` is in progress/);
  });

  it('rolls back completely when patch 2 of 3 does not apply', async () => {
    const p2 = path.join(fx.patches, readdirSync(fx.patches).find((n) => n.startsWith('0002-'))!);
    // Break the context of patch 2's hunk in ke/table.c and remove the 3-way fallback (blob ids).
    writeFileSync(
      p2,
      readFileSync(p2, 'utf8')
        .replace(/ table line 14\n/, ' table line fourteen\n')
        .replace(/^index [0-9a-f]+\.\.([0-9a-f]+)/gm, `index ${'e'.repeat(40)}..$1`),
    );
    await git(fx.tree, ['checkout', '-q', '--detach', fx.base]);
    const before = await snapshot(fx.tree);
    await expect(applySeries(opts())).rejects.toThrow(/patch 2\/3 0002-NTOS-PS-Add-pico-processes\.patch \("\[NTOS:PS\] Add pico processes"\) does not apply on BASE \+ patches 1\.\.1/);
    expect(await snapshot(fx.tree)).toEqual(before);
    expect(await git(fx.tree, ['branch', '--list', 'lxss'])).toBe('');
  });

  it('rolls back when switching the tree fails at the very end (create and update)', async () => {
    const before = await snapshot(fx.tree);
    await expect(applySeries(opts({ failAfterCheckout: true }))).rejects.toThrow(/failure injected/);
    expect(await snapshot(fx.tree)).toEqual(before);

    await applySeries(opts());
    write(path.join(fx.project, 'lxcore/new.c'), 'int x;\n');
    const onBranch = await snapshot(fx.tree);
    await expect(applySeries(opts({ failAfterCheckout: true }))).rejects.toThrow(/failure injected/);
    expect(await snapshot(fx.tree)).toEqual(onBranch);
  });

  it('refuses a bad series before touching anything', async () => {
    writeFileSync(path.join(fx.patches, 'series'), 'missing.patch\n');
    await expectRefused(opts(), /series:1: patch file missing\.patch does not exist/);
    writeFileSync(path.join(fx.patches, 'not-a-patch.patch'), 'hello\n');
    writeFileSync(path.join(fx.patches, 'series'), 'not-a-patch.patch\n');
    await expectRefused(opts(), /not a git format-patch mail/);
  });

  it('is idempotent and reproducible', async () => {
    const first = await applySeries(opts());
    const s1 = await snapshot(fx.tree);
    const again = await applySeries(opts());
    expect(again.outcome).toBe('unchanged');
    expect(again.tip).toBe(first.tip);
    expect(await snapshot(fx.tree)).toEqual(s1);
    // Another clone of the same tree gets the very same commits.
    const other = path.join(fx.root, 'tree2');
    await git(fx.root, ['clone', '-q', '--branch', 'master', fx.tree, other]);
    await git(other, ['checkout', '-q', '--detach', fx.base]);
    const second = await applySeries(opts({ tree: other }));
    expect(second.tip).toBe(first.tip);
  });

  it('updates the branch after a series change and after a source change, saying what changed', async () => {
    const first = await applySeries(opts());
    // Series change: patch 3 edited, patch 4 added (authored in the author clone, refreshed).
    write(path.join(fx.author, 'subsystems/CMakeLists.txt'), 'add_subdirectory(csr)\nif(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/lxss/CMakeLists.txt)\n    add_subdirectory(lxss)\nendif()\n');
    await git(fx.author, ['commit', '-q', '--amend', '-a', '--no-edit'], ident('Build Integrator', '2025-09-03T09:00:00Z'));
    write(path.join(fx.author, 'ntoskrnl/ps/tls.c'), 'tls\n');
    await commitAll(fx.author, '[NTOS:KE] Add the Linux TLS descriptor', ident('Kernel Hacker', '2025-09-04T10:00:00Z'));
    await refreshSeries({ tree: fx.author, patchesDir: fx.patches });
    const r = await applySeries(opts());
    expect(r.outcome).toBe('updated');
    expect(r.tip).not.toBe(first.tip);
    expect(r.changes).toContain('changed patch: [SUBSYSTEMS] Build lxss when it is installed');
    expect(r.changes).toContain('added patch: [NTOS:KE] Add the Linux TLS descriptor');
    expect(await git(fx.tree, ['rev-list', '--count', `${fx.base}..lxss`])).toBe('5');
    expect(readFileSync(path.join(fx.tree, 'ntoskrnl/ps/tls.c'), 'utf8')).toBe('tls\n');
    // The first two commits are reused unchanged (same ids: reproducible replay).
    expect(await git(fx.tree, ['rev-parse', 'lxss~3'])).toBe(await git(fx.tree, ['rev-parse', `${first.tip}~2`]));

    // Source change: a file edited, one added, one removed.
    write(path.join(fx.project, 'lxcore/lxcore.c'), 'int DriverEntry(void) { return 1; }\n');
    write(path.join(fx.project, 'lxcore/sys/fs.c'), 'int LxSysOpen;\n');
    unlinkSync(path.join(fx.project, 'tests/runner/runner.c'));
    const r2 = await applySeries(opts());
    expect(r2.outcome).toBe('updated');
    expect(r2.changes).toEqual([
      'installed sources: 3 file(s) changed',
      '  M subsystems/lxss/lxcore/lxcore.c',
      '  A subsystems/lxss/lxcore/sys/fs.c',
      '  D subsystems/lxss/runner/runner.c',
    ]);
    expect(await git(fx.tree, ['log', '-1', '--format=%B'])).toMatch(/Lxss-Installed-Sources: [0-9a-f]{40} \(with uncommitted changes\)/);
    expect(existsSync(path.join(fx.tree, 'subsystems/lxss/runner/runner.c'))).toBe(false);
    expect(await git(fx.tree, ['status', '--porcelain', '--untracked-files=all'])).toBe('');

    // Series shrinks: the added patch goes away again.
    await git(fx.author, ['reset', '-q', '--hard', 'HEAD~1']);
    await refreshSeries({ tree: fx.author, patchesDir: fx.patches });
    const r3 = await applySeries(opts());
    expect(r3.changes).toContain('removed patch: [NTOS:KE] Add the Linux TLS descriptor');
    expect(existsSync(path.join(fx.tree, 'ntoskrnl/ps/tls.c'))).toBe(false);
  });

  it('refuses to drop commits on the branch that are not in the series, until refreshed', async () => {
    await applySeries(opts());
    write(path.join(fx.tree, 'ntoskrnl/ps/process.c'), 'a kernel change made in the tree\n');
    await commitAll(fx.tree, '[NTOS:PS] Fix a thing in the tree', ident('Tree Dev', '2025-11-02T00:00:00Z'));
    write(path.join(fx.tree, 'subsystems/lxss/lxcore/lxcore.c'), 'edited in the tree\n');
    await commitAll(fx.tree, 'edit installed source', ident('Tree Dev', '2025-11-02T00:01:00Z'));
    await expectRefused(opts(), /branch lxss has 2 commit\(s\) that re-applying would drop:\n {2}[0-9a-f]{12} \[NTOS:PS\] Fix a thing in the tree\n {2}[0-9a-f]{12} edit installed source/);
    // Refresh exports the kernel change (not the installed-source edit); then apply keeps it.
    const rr = await refreshSeries({ tree: fx.tree, patchesDir: fx.patches });
    expect(rr.added).toEqual(['0004-NTOS-PS-Fix-a-thing-in-the-tree.patch']);
    expect(readFileSync(path.join(fx.patches, rr.added[0]!), 'utf8')).not.toMatch(/subsystems\/lxss/);
    await expectRefused(opts(), /branch lxss has 1 commit\(s\) that re-applying would drop:\n {2}[0-9a-f]{12} edit installed source/);
    const r = await applySeries(opts({ force: true }));
    expect(r.outcome).toBe('updated');
    expect(readFileSync(path.join(fx.tree, 'ntoskrnl/ps/process.c'), 'utf8')).toBe('a kernel change made in the tree\n');
    expect(readFileSync(path.join(fx.tree, 'subsystems/lxss/lxcore/lxcore.c'), 'utf8')).toBe('int DriverEntry(void) { return 0; }\n');
  });

  it('carries non-UTF-8 file contents through apply, status and refresh unchanged', async () => {
    const latin1 = Buffer.from('/* Copyright (C) J\xf6rg M\xfcller */\nint x;\n', 'latin1');
    write(path.join(fx.author, 'ntoskrnl/ke/latin1.c'), '');
    writeFileSync(path.join(fx.author, 'ntoskrnl/ke/latin1.c'), latin1);
    await commitAll(fx.author, '[NTOS:KE] Add a Latin-1 file', ident('J\u00f6rg', '2025-09-05T10:00:00Z'));
    await refreshSeries({ tree: fx.author, patchesDir: fx.patches });
    const before = dirHash(fx.patches);
    await applySeries(opts());
    expect(readFileSync(path.join(fx.tree, 'ntoskrnl/ke/latin1.c')).equals(latin1)).toBe(true);
    expect(await git(fx.tree, ['log', '-1', '--format=%an', 'lxss~1'])).toBe('J\u00f6rg');
    const st = await treeStatus(opts());
    expect([st.applied, st.notInSeries, st.verdict]).toEqual([4, 0, 'current']);
    await refreshSeries({ tree: fx.tree, patchesDir: fx.patches });
    expect(dirHash(fx.patches)).toBe(before);
  });

  it('refuses to create the branch when it already exists elsewhere', async () => {
    await git(fx.tree, ['branch', 'lxss', 'later']);
    await expectRefused(opts(), /branch lxss already exists \(at [0-9a-f]{12} "upstream: a later change"\)/);
  });
});

describe('lxgen apply --sources-only', () => {
  it('adds, then replaces, one installed-sources commit on a development branch', async () => {
    await git(fx.tree, ['checkout', '-q', '-b', 'dev', fx.base]);
    write(path.join(fx.tree, 'ntoskrnl/ps/process.c'), 'kernel work in progress\n');
    const dev = await commitAll(fx.tree, '[NTOS:PS] Work in progress', ident('Kernel Hacker', '2025-11-03T00:00:00Z'));
    const r1 = await installSourcesOnly(opts());
    expect(r1.outcome).toBe('updated');
    expect(r1.changes[0]).toBe('added an installed-sources commit on dev: 10 file(s) changed');
    expect(await git(fx.tree, ['symbolic-ref', '--short', 'HEAD'])).toBe('dev');
    expect(await git(fx.tree, ['rev-parse', 'HEAD^'])).toBe(dev);
    expect(await git(fx.tree, ['log', '-1', '--format=%B'])).toMatch(/\nLxss-Installed-Sources: [0-9a-f]{40}/);
    expect(await git(fx.tree, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
    expect((await installSourcesOnly(opts())).outcome).toBe('unchanged');

    write(path.join(fx.project, 'lxcore/lxcore.c'), 'int DriverEntry(void) { return 3; }\n');
    const r2 = await installSourcesOnly(opts());
    expect(r2.changes).toEqual(['replaced the installed-sources commit on dev: 1 file(s) changed', '  M subsystems/lxss/lxcore/lxcore.c']);
    expect(await git(fx.tree, ['rev-parse', 'HEAD^'])).toBe(dev);
    expect(readFileSync(path.join(fx.tree, 'subsystems/lxss/lxcore/lxcore.c'), 'utf8')).toBe('int DriverEntry(void) { return 3; }\n');
    // refresh of the development branch exports the kernel commit only.
    const rr = await refreshSeries({ tree: fx.tree, branch: 'dev', patchesDir: fx.patches });
    expect(rr.patches).toEqual(['0001-NTOS-PS-Work-in-progress.patch']);
  });

  it('replaces the newest installed-sources commit when an older one lies below kernel commits', async () => {
    await git(fx.tree, ['checkout', '-q', '-b', 'dev', fx.base]);
    await installSourcesOnly(opts());
    write(path.join(fx.tree, 'ntoskrnl/ps/process.c'), 'kernel work on top of the first install\n');
    const dev = await commitAll(fx.tree, '[NTOS:PS] Later work', ident('Kernel Hacker', '2025-11-04T00:00:00Z'));
    write(path.join(fx.project, 'lxcore/lxcore.c'), 'int DriverEntry(void) { return 4; }\n');
    expect((await installSourcesOnly(opts())).changes[0]).toMatch(/^added an installed-sources commit on dev/);
    // The parent of the commit being replaced holds the first install's lxcore.c, which differs
    // from both HEAD's and the work tree's: the private index must still be rewritten.
    write(path.join(fx.project, 'lxcore/lxcore.c'), 'int DriverEntry(void) { return 5; }\n');
    const r = await installSourcesOnly(opts());
    expect(r.changes).toEqual(['replaced the installed-sources commit on dev: 1 file(s) changed', '  M subsystems/lxss/lxcore/lxcore.c']);
    expect(await git(fx.tree, ['rev-parse', 'HEAD^'])).toBe(dev);
    expect(readFileSync(path.join(fx.tree, 'subsystems/lxss/lxcore/lxcore.c'), 'utf8')).toBe('int DriverEntry(void) { return 5; }\n');
    expect(await git(fx.tree, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
  });

  it('refuses dirty trees and trees not descending from BASE, and rolls back', async () => {
    write(path.join(fx.tree, 'README.md'), 'dirty\n');
    await expect(installSourcesOnly(opts())).rejects.toThrow(/README\.md: modified, not staged/);
    await git(fx.tree, ['checkout', '-q', 'README.md']);
    const before = await snapshot(fx.tree);
    await expect(installSourcesOnly(opts({ failAfterCheckout: true }))).rejects.toThrow(/failure injected/);
    expect(await snapshot(fx.tree)).toEqual(before);
    await git(fx.tree, ['checkout', '-q', '--orphan', 'other']);
    await commitAll(fx.tree, 'unrelated root');
    await expect(installSourcesOnly(opts())).rejects.toThrow(/does not descend from BASE/);
  });
});

describe('lxgen refresh', () => {
  it('round-trips: apply then refresh leaves reactos-patches/ byte-identical', async () => {
    const before = dirHash(fx.patches);
    await applySeries(opts());
    const r = await refreshSeries({ tree: fx.tree, patchesDir: fx.patches });
    expect(r.patches).toHaveLength(3);
    expect(r.unchanged).toEqual(r.patches);
    expect([r.added, r.changed, r.removed, r.seriesChanged]).toEqual([[], [], [], false]);
    expect(dirHash(fx.patches)).toBe(before);
  });

  it('writes stable, numbered files and a series file', async () => {
    expect(readFileSync(path.join(fx.patches, 'series'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      '0001-NTOS-KE-Widen-the-service-descriptor-tables-to-four.patch',
      '0002-NTOS-PS-Add-pico-processes.patch',
      '0003-SUBSYSTEMS-Build-lxss-when-it-is-installed.patch',
    ]);
    const p1 = readFileSync(path.join(fx.patches, '0001-NTOS-KE-Widen-the-service-descriptor-tables-to-four.patch'), 'utf8');
    expect(p1.split('\n')[0]).toBe('From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001');
    expect(p1).toMatch(/^Subject: \[NTOS:KE\] Widen the service descriptor tables to four$/m);
    expect(p1).toMatch(/^Date: Mon, 1 Sep 2025 12:00:00 \+0200$/m);
    expect(p1).not.toMatch(/^-- $/m); // no signature/version footer
    expect(p1).toMatch(/^index [0-9a-f]{40}\.\.[0-9a-f]{40} 100644$/m);
    // Same shape as plain `git format-patch`: diffstat plus summary.
    const p2 = readFileSync(path.join(fx.patches, '0002-NTOS-PS-Add-pico-processes.patch'), 'utf8');
    expect(p2).toMatch(/^ 2 files changed, 11 insertions\(\+\)$/m);
    expect(p2).toMatch(/^ create mode 100644 ntoskrnl\/ps\/pico\.c$/m);
  });

  it('renumbers and deletes stale patch files, and leaves other files alone', async () => {
    await applySeries(opts());
    await git(fx.tree, ['reset', '-q', '--hard', 'lxss~2']); // drop patch 3 and the installed commit
    const r = await refreshSeries({ tree: fx.tree, patchesDir: fx.patches });
    expect(r.removed).toEqual(['0003-SUBSYSTEMS-Build-lxss-when-it-is-installed.patch']);
    expect(existsSync(path.join(fx.patches, 'BASE'))).toBe(true);
    expect(existsSync(path.join(fx.patches, 'tree/CMakeLists.txt'))).toBe(true);
    expect(r.seriesChanged).toBe(true);
  });

  it('refuses a branch that does not contain BASE', async () => {
    await git(fx.tree, ['branch', 'lxss', 'later']);
    await git(fx.tree, ['checkout', '-q', '--orphan', 'x']);
    await commitAll(fx.tree, 'root');
    await git(fx.tree, ['branch', '-f', 'lxss', 'x']);
    await expect(refreshSeries({ tree: fx.tree, patchesDir: fx.patches })).rejects.toThrow(/is not an ancestor of lxss/);
  });
});

describe('a file lxgen builds (lximport)', () => {
  it('goes in with the sources, executable, and lxgen status compares it, or says it cannot', async () => {
    const elf = path.join(fx.root, 'lximport');
    write(elf, '\x7fELF built\n');
    const built = [{ treePath: 'subsystems/lxss/lximport/lximport', absPath: elf, mode: '100755' }];
    const r = await applySeries(opts({ built }));
    expect(r.installedFiles).toBe(11);
    expect(await git(fx.tree, ['ls-tree', 'HEAD', 'subsystems/lxss/lximport/lximport'])).toMatch(/^100755 blob /);
    expect(readFileSync(path.join(fx.tree, 'subsystems/lxss/lximport/lximport'), 'utf8')).toBe('\x7fELF built\n');

    expect((await treeStatus({ ...opts(), built })).sourcesCurrent).toBe(true);
    // not built here: not compared, and said so
    const unbuilt = await treeStatus({ ...opts(), unbuilt: ['subsystems/lxss/lximport/lximport'] });
    expect(unbuilt.sourcesCurrent).toBe(true);
    expect(unbuilt.lines.join('\n')).toMatch(/not compared: subsystems\/lxss\/lximport\/lximport \(not built here\)/);
    // nor left out silently: without either, the installed one is a file the project lacks
    expect((await treeStatus(opts())).sourcesDiffer).toEqual(['removed from project: subsystems/lxss/lximport/lximport']);
    write(elf, '\x7fELF rebuilt\n');
    expect((await treeStatus({ ...opts(), built })).sourcesDiffer).toEqual(['modified in project: subsystems/lxss/lximport/lximport']);
  });

  it('may not land where a project file does', async () => {
    const built = [{ treePath: 'subsystems/lxss/lxcore/lxcore.c', absPath: path.join(fx.root, 'x'), mode: '100755' }];
    write(built[0]!.absPath, 'x\n');
    await expectRefused(opts({ built }), /two files install to subsystems\/lxss\/lxcore\/lxcore\.c/);
  });
});

describe('lxgen status', () => {
  it('reports BASE, the applied series, source currency and dirt', async () => {
    let st = await treeStatus(opts());
    expect(st.verdict).toBe('base');
    expect(st.atBase).toBe(true);
    expect(st.lines.join('\n')).toMatch(/branch: {2}lxss does not exist/);

    await applySeries(opts());
    st = await treeStatus(opts());
    expect(st).toMatchObject({ onBranch: true, applied: 3, total: 3, appliedInOrder: 3, sourcesCurrent: true, dirty: 0, verdict: 'current' });
    const text = st.lines.join('\n');
    expect(text).toMatch(/^BASE: {4}[0-9a-f]{12}: HEAD is 4 commit\(s\) ahead of BASE/m);
    expect(text).toMatch(/^series: {2}3 of 3 patch\(es\) of reactos-patches\/ applied$/m);
    expect(text).toMatch(/^ {2}current: the tree holds exactly the project's files/m);
    expect(text).toMatch(/^work tree: clean$/m);

    write(path.join(fx.project, 'lxcore/lxcore.c'), 'changed\n');
    write(path.join(fx.tree, 'README.md'), 'dirty\n');
    st = await treeStatus(opts());
    expect(st.sourcesCurrent).toBe(false);
    expect(st.sourcesDiffer).toEqual(['modified in project: subsystems/lxss/lxcore/lxcore.c']);
    expect(st.dirty).toBe(1);
    expect(st.verdict).toBe('needs-apply');
    expect(st.lines.join('\n')).toMatch(/README\.md: modified, not staged/);

    // A new patch in the series that the branch does not have.
    await git(fx.tree, ['checkout', '-q', 'README.md']);
    write(path.join(fx.author, 'ntoskrnl/ps/tls.c'), 'tls\n');
    await commitAll(fx.author, '[NTOS:KE] Add TLS', ident('Kernel Hacker', '2025-09-04T10:00:00Z'));
    await refreshSeries({ tree: fx.author, patchesDir: fx.patches });
    st = await treeStatus(opts());
    expect(st.applied).toBe(3);
    expect(st.total).toBe(4);
    expect(st.lines.join('\n')).toMatch(/not applied: 0004-NTOS-KE-Add-TLS\.patch/);
  });

  it('names commits that the series lacks', async () => {
    await applySeries(opts());
    write(path.join(fx.tree, 'ntoskrnl/ps/process.c'), 'x\n');
    await commitAll(fx.tree, 'local kernel fix');
    const st = await treeStatus(opts());
    expect(st.notInSeries).toBe(1);
    expect(st.verdict).toBe('needs-refresh');
    expect(st.lines.join('\n')).toMatch(/not in reactos-patches\/: [0-9a-f]{12} local kernel fix/);
  });
});

describe('lxgen commands', () => {
  it('apply/refresh/status print usage and exit 2 without --tree', async () => {
    const { main } = await import('../../generator/src/cli.ts');
    const saved = process.env.LXSS_REACTOS_TREE;
    delete process.env.LXSS_REACTOS_TREE;
    try {
      for (const c of ['apply', 'refresh', 'status']) expect(await main([c])).toBe(2);
    } finally {
      if (saved !== undefined) process.env.LXSS_REACTOS_TREE = saved;
    }
  });

  it('status and refresh run from the command line', async () => {
    const { main } = await import('../../generator/src/cli.ts');
    const out: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => out.push(a.join(' '));
    try {
      // The CLI uses the project's own reactos-patches/ by default; point it at the fixture's.
      expect(await main(['status', '--tree', fx.tree, '--patches', fx.patches])).toBe(0);
      expect(await main(['refresh', '--tree', fx.author, '--patches', fx.patches])).toBe(0);
    } finally {
      console.log = log;
    }
    expect(out.join('\n')).toMatch(/verdict: at BASE/);
    expect(out.join('\n')).toMatch(/3 patch\(es\): 0 new, 0 changed, 0 removed, 3 unchanged; series file unchanged/);
  });
});
