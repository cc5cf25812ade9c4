// Integration (issue 13): a distribution installed like wsl --import. In the booted desktop,
// tests/desktop/import.scn runs `lxrun --import debian C:\debian <the Debian 12 rootfs
// tarball>` (lximport unpacks it in the new root through lxcore), `lxrun --import bad ...` of
// a copy cut at 10 MiB, of a small .tar.xz archive (twice under one name: refused the second time)
// and --unregister of it, `lxrun --list`, and bash in the default distribution, which shows
// su set-user-ID root, /etc/shadow root:shadow, merged /usr, python3 and dpkg's 62 packages;
// lxrun -u nobody runs id with nobody's ids, and a set-user-ID copy of it with euid 0.
// lxrun's messages are on the debug port too: the import's time, the refusal of the cut
// archive with nothing registered, the list. Runs when a ReactOS build is configured and the
// rootfs packages are fetched (npx lxgen rootfs), otherwise prints one SKIP line.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILD_DIR } from '../../generator/src/paths.ts';
import { DEFAULT_TARBALL, LOCK_FILE, parseLock } from '../../generator/src/rootfs/rootfs.ts';
import { spawnSync } from 'node:child_process';
import { writeTar, type TarEntry } from '../../generator/src/rootfs/tar.ts';
import { buildSkipReason, lxgen } from './guest.ts';

function dirEntry(p: string): TarEntry {
  return { path: p, type: 'dir', mode: 0o755, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: 1700000000, linkname: '', devmajor: 0, devminor: 0, data: Buffer.alloc(0) };
}

function skipReason(): string | null {
  const build = buildSkipReason();
  if (build) return build;
  const lock = parseLock(readFileSync(LOCK_FILE, 'utf8'));
  const fetched = lock.every((p) => existsSync(path.join(BUILD_DIR, 'downloads', 'rootfs', `${p.name}_${p.version.replace(/:/g, '%3a')}_${p.arch}.deb`)));
  return fetched ? null : 'the rootfs packages are not fetched here (npx lxgen rootfs fetches them, about 35 MiB)';
}

const reason = skipReason();
if (reason) console.log(`SKIP lxrun --import in the guest desktop: ${reason}`);

describe.skipIf(reason !== null)('lxrun --import, --list and a distribution (guest desktop)', () => {
  it('imports the Debian rootfs through lxcore, refuses a cut archive, and runs bash in it', async () => {
    const built = await lxgen(['rootfs']);
    expect(built.exitCode, built.stdout + built.stderr).toBe(0);
    const broken = path.join(BUILD_DIR, 'import-broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(path.join(broken, 'cut.tar.gz'), readFileSync(DEFAULT_TARBALL).subarray(0, 10 << 20));
    const small = writeTar([dirEntry(''), dirEntry('etc'), { ...dirEntry('etc/hostname'), type: 'file', mode: 0o644, data: Buffer.from('small\n') }]);
    const xz = spawnSync('xz', ['-c'], { input: small });
    expect(xz.status, String(xz.stderr)).toBe(0);
    writeFileSync(path.join(broken, 'small.tar.xz'), xz.stdout);
    const r = await lxgen(['test', '--scenario', 'tests/desktop/import.scn', '--payload', `import=${path.dirname(DEFAULT_TARBALL)}`,
      '--payload', `broken=${broken}`, '--scratch', '300', '--timeout', '1500', '--keep']);
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out, out.slice(-4000)).toMatch(/scenario tests\/desktop\/import\.scn: \d+ steps passed -> OK/);
    const kept = /kept: (\S+) \(serial\.log/.exec(r.stdout)?.[1];
    const serial = readFileSync(path.join(kept!, 'serial.log'), 'latin1');
    // the figures a closing note gives: how long each import took
    for (const line of serial.match(/lxrun: imported .*/g) ?? []) console.log(line.trim());
    expect(serial).toMatch(/lxrun: imported debian into C:\\debian in \d+\.\d s \(the default distribution\)/);
    expect(serial).toMatch(/lxrun: the import of bad failed \(lximport's exit status 1\): C:\\bad removed, nothing registered/);
    expect(serial).toMatch(/debian\tC:\\debian\t\(default\)/);
    expect(serial).not.toMatch(/^bad\t/m);
    expect(serial).toMatch(/lxrun: imported small into C:\\small in \d+\.\d s(?! \(the default)/);
    expect(serial).toMatch(/lxrun: a distribution named small is registered already, in C:\\small \(lxrun --unregister small first\)/);
    expect(serial).toMatch(/unregistered small and deleted C:\\small/);
    expect(serial).not.toMatch(/^small\t/m);
    // lxrun -u: nobody's ids and groups from the distribution's files, a set-user-ID root
    // program started first runs with effective uid 0, an unknown user is refused
    expect(serial).toMatch(/lxss\[\d+\]: uid=65534\(nobody\) gid=65534\(nogroup\) groups=65534\(nogroup\)/);
    expect(serial).toMatch(/lxss\[\d+\]: uid=65534\(nobody\) gid=65534\(nogroup\) euid=0\(root\) groups=65534\(nogroup\)/);
    expect(serial).toMatch(/lxrun: no user mallory in the distribution's \/etc\/passwd/);
    rmSync(kept!, { recursive: true, force: true });
    expect(r.exitCode, out.slice(-2000)).toBe(0);
  }, 1_800_000);
});
