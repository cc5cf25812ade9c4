// `lxgen rootfs`: a Debian 12 i386 root file system tarball from the pinned package list
// (generator/src/rootfs/rootfs.ts, rootfs/README.md).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { buildRootfs, DEFAULT_TARBALL, formatLock, LOCK_FILE, readPackageList, resolveLock } from '../rootfs/rootfs.ts';

export const summary = 'build a Debian 12 i386 root file system tarball from the pinned packages';
export const usage = `usage: lxgen rootfs [--out FILE] [--update-lock]

Fetches the packages of rootfs/debian12-i386.lock with apt-get download (checked against the
lock's size and SHA256, kept in .lxss/downloads/rootfs/ for the next run), unpacks their data
as dpkg would (symlinks, hard links, modes, owners; merged /usr; no maintainer script run)
and writes one tarball with the files those scripts would make (/etc/passwd, group, shadow,
hosts, ld.so.cache, dpkg's status, /bin/sh). The name says how to compress: .tar, .tar.gz
(default ${path.relative(process.cwd(), DEFAULT_TARBALL) || DEFAULT_TARBALL}) or .tar.xz.

  --out FILE      where the tarball goes
  --update-lock   resolve rootfs/packages.list again with apt (apt-get update first for the
                  newest Debian 12 versions) and rewrite ${path.relative(process.cwd(), LOCK_FILE) || LOCK_FILE}`;

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { out: { type: 'string' }, 'update-lock': { type: 'boolean', default: false } } }));
  } catch (err) {
    console.error(`lxgen rootfs: ${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  const log = (l: string) => console.log(l);
  if (values['update-lock']) {
    const pkgs = resolveLock(readPackageList(), log);
    writeFileSync(LOCK_FILE, formatLock(pkgs));
    console.log(`wrote ${path.relative(process.cwd(), LOCK_FILE)}: ${pkgs.length} packages, ${(pkgs.reduce((n, p) => n + p.size, 0) / 1048576).toFixed(1)} MiB of .deb files`);
  }
  const started = Date.now();
  const r = buildRootfs({ out: values.out, log });
  console.log(
    `wrote ${r.tarball}: ${r.packages} packages, ${r.entries} entries, ${(r.bytes / 1048576).toFixed(1)} MiB uncompressed, ` +
      `ld.so.cache ${r.ldCacheEntries} libraries (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return 0;
}
