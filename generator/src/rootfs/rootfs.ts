// `lxgen rootfs`: a root file system tarball from pinned Debian 12 i386 packages.
//
//   rootfs/packages.list        the packages wanted
//   rootfs/debian12-i386.lock   their closure (Depends, Pre-Depends), each with the version,
//                               size and SHA256 apt's index gave when the lock was made
//
// Each .deb is fetched with `apt-get download NAME:i386=VERSION` (or NAME=VERSION for an
// Architecture: all package) into .lxss/downloads/rootfs/, checked against the lock's size
// and SHA256, and reused by the next run. The tarball is the union of the packages' data
// (dpkg-deb --fsys-tarfile: paths, modes, owners, symlinks and hard links as dpkg would
// unpack them) laid out with merged /usr as Debian 12 installs it (/bin, /sbin and /lib are
// links into /usr), no maintainer script run anywhere, plus the few files those scripts would
// make: /etc/passwd, group, shadow and gshadow from base-passwd's masters, /etc/hosts and
// hostname, /bin/sh (dash) and the awk alternative (mawk), /etc/ld.so.cache (ldcache.ts) and
// dpkg's status file (every package installed).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BUILD_DIR, ROOT } from '../paths.ts';
import { requireI386Architecture, run, type Log } from '../debian/packages.ts';
import { readTar, writeTar, type TarEntry } from './tar.ts';
import { elfSoname, ldCache } from './ldcache.ts';

export const PACKAGE_LIST = path.join(ROOT, 'rootfs', 'packages.list');
export const LOCK_FILE = path.join(ROOT, 'rootfs', 'debian12-i386.lock');
export const DEFAULT_TARBALL = path.join(BUILD_DIR, 'rootfs', 'debian12-i386.tar.gz');
const DEBS = path.join(BUILD_DIR, 'downloads', 'rootfs');

export interface LockedPackage {
  name: string;
  version: string;
  arch: 'i386' | 'all';
  size: number;
  sha256: string;
}

export function readPackageList(file = PACKAGE_LIST): string[] {
  return readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
}

export function parseLock(text: string, file = LOCK_FILE): LockedPackage[] {
  const out: LockedPackage[] = [];
  text.split('\n').forEach((line, i) => {
    const l = line.replace(/#.*/, '').trim();
    if (!l) return;
    const [name, version, arch, size, sha256, ...rest] = l.split(/\s+/);
    if (!name || !version || (arch !== 'i386' && arch !== 'all') || !/^\d+$/.test(size ?? '') || !/^[0-9a-f]{64}$/.test(sha256 ?? '') || rest.length)
      throw new Error(`${file}:${i + 1}: expected "name version i386|all size sha256", got "${l}" (make it again: lxgen rootfs --update-lock)`);
    out.push({ name, version, arch, size: Number(size), sha256: sha256! });
  });
  if (!out.length) throw new Error(`${file}: no package (make it: lxgen rootfs --update-lock)`);
  return out;
}

export function formatLock(pkgs: LockedPackage[]): string {
  return [
    '# Debian 12 i386 packages of the root file system: made by `lxgen rootfs --update-lock`',
    '# from rootfs/packages.list (the closure over Depends and Pre-Depends, as apt resolves it',
    '# for an empty i386 system). name version arch size sha256',
    ...[...pkgs].sort((a, b) => a.name.localeCompare(b.name)).map((p) => `${p.name} ${p.version} ${p.arch} ${p.size} ${p.sha256}`),
    '',
  ].join('\n');
}

const APT_I386 = ['-o', 'APT::Architecture=i386', '-o', 'APT::Architectures::=i386'];

/** The closure of the wanted packages as apt resolves it for an empty i386 system, with
 * apt's index data for each (version, size, SHA256). */
export function resolveLock(wanted: string[], log: Log): LockedPackage[] {
  requireI386Architecture('lxgen rootfs');
  const tmp = mkdtempSync(path.join(BUILD_DIR, '.rootfs-status-'));
  try {
    const status = path.join(tmp, 'status');
    writeFileSync(status, '');
    const sim = run('apt-get', ['-s', '-q', '-o', `Dir::State::status=${status}`, ...APT_I386, 'install', '--no-install-recommends', ...wanted]);
    const inst = [...sim.matchAll(/^Inst (\S+) \((\S+) .*\[(i386|all)\]\)/gm)].map((m) => ({ name: m[1]!, version: m[2]!, arch: m[3] as 'i386' | 'all' }));
    if (!inst.length) throw new Error(`apt-get found nothing to install for ${wanted.join(' ')}:\n${sim}`);
    log(`rootfs: ${inst.length} packages in the closure of ${wanted.length}`);
    return inst.map((p) => {
      const show = run('apt-cache', [...APT_I386, 'show', `${p.name}:${p.arch}=${p.version}`]);
      const field = (k: string) => new RegExp(`^${k}: (\\S+)`, 'm').exec(show)?.[1];
      const size = field('Size');
      const sha256 = field('SHA256');
      if (!size || !sha256) throw new Error(`apt-cache show ${p.name}=${p.version}: no Size or SHA256`);
      return { ...p, size: Number(size), sha256 };
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function debName(p: LockedPackage): string {
  return `${p.name}_${p.version.replace(/:/g, '%3a')}_${p.arch}.deb`;
}

/** The .deb of a locked package, fetched when missing and checked against the lock. */
export function fetchLocked(p: LockedPackage, log: Log, progress: string): string {
  mkdirSync(DEBS, { recursive: true });
  const file = path.join(DEBS, debName(p));
  if (existsSync(file) && statSync(file).size === p.size && sha256(file) === p.sha256) return file;
  log(`${progress} fetching ${p.name} ${p.version} (${(p.size / 1024).toFixed(0)} KiB)`);
  const tmp = mkdtempSync(path.join(DEBS, `.${p.name}-`));
  try {
    const spec = p.arch === 'all' ? `${p.name}=${p.version}` : `${p.name}:i386=${p.version}`;
    const r = spawnSync('apt-get', ['download', '-q', '-o', 'APT::Sandbox::User=root', spec], { cwd: tmp, encoding: 'utf8' });
    if (r.status !== 0)
      throw new Error(`apt-get download ${spec} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' / ')}\n` +
        `(apt's index may have moved past the locked version: run apt-get update, or make the lock again with lxgen rootfs --update-lock)`);
    const got = readdirSync(tmp).find((f) => f.endsWith('.deb'));
    if (!got) throw new Error(`apt-get download ${spec} left no .deb`);
    const full = path.join(tmp, got);
    const hash = sha256(full);
    if (statSync(full).size !== p.size || hash !== p.sha256)
      throw new Error(`${got}: size ${statSync(full).size} and SHA256 ${hash} are not the lock's (${p.size}, ${p.sha256}): refusing it`);
    renameSync(full, file);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return file;
}

const MERGED = ['bin', 'sbin', 'lib', 'lib32', 'libx32', 'lib64'];

/** A path of a package in merged /usr: bin/x -> usr/bin/x */
export function mergedPath(p: string): string {
  const top = p.split('/')[0]!;
  return MERGED.includes(top) ? `usr/${p}` : p;
}

/** A symbolic link moved into /usr keeps pointing where it pointed. */
function mergedLinkTarget(oldPath: string, target: string): string {
  const newPath = mergedPath(oldPath);
  if (newPath === oldPath || target.startsWith('/')) return target;
  const abs = path.posix.normalize(path.posix.join('/', path.posix.dirname(oldPath), target)).slice(1);
  return path.posix.relative(path.posix.dirname(newPath), mergedPath(abs)) || '.';
}

function dir(p: string, mode = 0o755): TarEntry {
  return { path: p, type: 'dir', mode, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: Math.floor(Date.now() / 1000), linkname: '', devmajor: 0, devminor: 0, data: Buffer.alloc(0) };
}

function file(p: string, text: string | Buffer, mode = 0o644, gid = 0): TarEntry {
  return { ...dir(p), type: 'file', mode, gid, gname: gid === 42 ? 'shadow' : 'root', data: Buffer.isBuffer(text) ? text : Buffer.from(text) };
}

function symlink(p: string, target: string): TarEntry {
  return { ...dir(p), type: 'symlink', mode: 0o777, linkname: target };
}

/** Follows symbolic links inside the tree (at most 40) to a regular file's entry. */
function resolveInTree(tree: Map<string, TarEntry>, p: string): TarEntry | null {
  let cur = p;
  for (let i = 0; i < 40; i++) {
    // a link in a leading component (lib -> usr/lib) first
    const parts = cur.split('/');
    let moved = false;
    for (let k = 1; k < parts.length; k++) {
      const e = tree.get(parts.slice(0, k).join('/'));
      if (e?.type === 'symlink') {
        const base = e.linkname.startsWith('/') ? e.linkname.slice(1) : path.posix.join(path.posix.dirname(parts.slice(0, k).join('/')), e.linkname);
        cur = path.posix.normalize(path.posix.join(base, ...parts.slice(k)));
        moved = true;
        break;
      }
    }
    if (moved) continue;
    const e = tree.get(cur);
    if (!e) return null;
    if (e.type === 'file') return e;
    if (e.type === 'hardlink') return tree.get(e.linkname) ?? null;
    if (e.type !== 'symlink') return null;
    cur = e.linkname.startsWith('/') ? path.posix.normalize(e.linkname.slice(1)) : path.posix.normalize(path.posix.join(path.posix.dirname(cur), e.linkname));
  }
  return null;
}

/** ld.so.cache entries: every name in the library directories that is its library's soname. */
export function sonameLinks(tree: Map<string, TarEntry>): { soname: string; path: string }[] {
  const dirs = ['usr/lib/i386-linux-gnu', 'usr/lib'];
  const out: { soname: string; path: string }[] = [];
  for (const [p] of tree) {
    const d = path.posix.dirname(p);
    const name = path.posix.basename(p);
    if (!dirs.includes(d) || !/^lib.*\.so(\.|$)/.test(name) && !/^ld-linux/.test(name)) continue;
    const target = resolveInTree(tree, p);
    if (target && elfSoname(target.data) === name) out.push({ soname: name, path: `/${p}` });
  }
  return out;
}

export interface RootfsResult {
  tarball: string;
  packages: number;
  entries: number;
  bytes: number;
  ldCacheEntries: number;
}

/** Builds the tarball (.tar, .tar.gz or .tar.xz by its name) from the lock. */
export function buildRootfs(opts: { out?: string; lock?: string; log: Log }): RootfsResult {
  const log = opts.log;
  const lockFile = opts.lock ?? LOCK_FILE;
  if (!existsSync(lockFile)) throw new Error(`${lockFile} is missing: make it with lxgen rootfs --update-lock`);
  const pkgs = parseLock(readFileSync(lockFile, 'utf8'), lockFile);
  const out = path.resolve(opts.out ?? DEFAULT_TARBALL);
  if (!/\.(tar|tar\.gz|tgz|tar\.xz)$/.test(out)) throw new Error(`${out}: the name must end in .tar, .tar.gz, .tgz or .tar.xz (it says how to compress)`);
  const tree = new Map<string, TarEntry>();
  const status: string[] = [];
  pkgs.forEach((p, i) => {
    const progress = `[${i + 1}/${pkgs.length}]`;
    const deb = fetchLocked(p, log, progress);
    const data = spawnSync('dpkg-deb', ['--fsys-tarfile', deb], { maxBuffer: 1 << 30 });
    if (data.status !== 0) throw new Error(`dpkg-deb --fsys-tarfile ${deb}: ${data.stderr.toString()}`);
    for (const e of readTar(data.stdout, path.basename(deb))) {
      const moved = { ...e, path: mergedPath(e.path) };
      if (e.type === 'symlink') moved.linkname = mergedLinkTarget(e.path, e.linkname);
      if (e.type === 'hardlink') moved.linkname = mergedPath(e.linkname);
      const had = tree.get(moved.path);
      if (had?.type === 'dir' && moved.type === 'dir') continue; // a directory many packages share
      tree.set(moved.path, moved);
    }
    status.push(run('dpkg-deb', ['-f', deb]).trimEnd().replace(/^(Package: .*)$/m, '$1\nStatus: install ok installed'));
  });
  log(`rootfs: ${pkgs.length} packages unpacked, ${tree.size} entries`);

  // what the maintainer scripts and debootstrap would have made
  for (const top of MERGED.slice(0, 4)) if (tree.has(`usr/${top}`)) tree.set(top, symlink(top, `usr/${top}`));
  const master = (name: string) => tree.get(`usr/share/base-passwd/${name}.master`)?.data.toString();
  const passwd = master('passwd');
  const group = master('group');
  if (!passwd || !group) throw new Error('base-passwd has no passwd.master or group.master: is it in rootfs/packages.list?');
  // shadow passwords, as base-passwd's and shadow's scripts leave them: "x" in passwd and
  // group, every account locked ("*") in shadow
  const lines = (text: string) => text.split('\n').filter(Boolean).map((l) => l.split(':'));
  const shadowed = (text: string) => lines(text).map((f) => [f[0], 'x', ...f.slice(2)].join(':')).join('\n') + '\n';
  const shadowOf = (text: string, fields: (n: string) => string) => lines(text).map((f) => fields(f[0]!)).join('\n') + '\n';
  const extra = [
    file('etc/passwd', shadowed(passwd)),
    file('etc/group', shadowed(group)),
    file('etc/shadow', shadowOf(passwd, (n) => `${n}:*:19700:0:99999:7:::`), 0o640, 42),
    file('etc/gshadow', shadowOf(group, (n) => `${n}:*::`), 0o640, 42),
    file('etc/hostname', 'lxss\n'),
    file('etc/hosts', '127.0.0.1\tlocalhost\n127.0.1.1\tlxss\n::1\t\tlocalhost ip6-localhost ip6-loopback\n'),
    file('etc/resolv.conf', 'nameserver 127.0.0.1\n'),
    symlink('usr/bin/sh', 'dash'),
    symlink('etc/alternatives/awk', '/usr/bin/mawk'),
    symlink('usr/bin/awk', '/etc/alternatives/awk'),
    file('var/lib/dpkg/status', status.join('\n\n') + '\n'),
    dir('root', 0o700),
    dir('tmp', 0o1777),
    dir('proc', 0o555),
    dir('dev'),
  ];
  for (const e of extra) tree.set(e.path, e);
  const libs = sonameLinks(tree);
  tree.set('etc/ld.so.cache', file('etc/ld.so.cache', ldCache(libs)));
  // parents before children; the root first
  const entries = [...tree.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const e of entries) {
    const parent = path.posix.dirname(e.path);
    if (e.path && parent !== '.' && tree.get(parent)?.type !== 'dir' && tree.get(parent)?.type !== 'symlink')
      throw new Error(`rootfs: ${e.path} has no directory ${parent}`);
  }
  const tar = writeTar(entries);
  mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.tmp`;
  if (out.endsWith('.tar')) writeFileSync(tmp, tar);
  else if (out.endsWith('.xz')) {
    const xz = spawnSync('xz', ['-T0', '-6', '-c'], { input: tar, maxBuffer: 1 << 30 });
    if (xz.status !== 0) throw new Error(`xz: ${xz.error?.message ?? xz.stderr.toString()} (install xz-utils, or name the tarball .tar.gz)`);
    writeFileSync(tmp, xz.stdout);
  } else writeFileSync(tmp, gzipSync(tar, { level: 6 }));
  renameSync(tmp, out);
  return { tarball: out, packages: pkgs.length, entries: entries.length, bytes: tar.length, ldCacheEntries: libs.length };
}
