// `lxgen test --rootfs FILE`: a root file system tarball laid out on the payload disk as
// lxcore would have stored it had it unpacked the tarball itself (the "pre-imported image"):
//   - directories and regular files as FAT holds them; a hard link as a copy (FAT has none);
//   - a symbolic link as lxcore's link file (fs/vfs.c: "!<symlink>" + target + NUL, SYSTEM
//     attribute, set by the payload builder with mattrib);
//   - a device node, FIFO or socket as an empty file;
//   - every entry's mode, owner, type and device number in lxcore's metadata journal,
//     /.lxss-meta (core/lx_meta.h: a header, then one SET record per path, each with its
//     CRC-32), which lxcore replays at the first use of the disk.
// The staged tree is cached under .lxss/vm/rootfs/ by the tarball's contents.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BUILD_DIR } from '../paths.ts';
import { readTar, type TarEntry } from '../rootfs/tar.ts';
import { crc32 } from './screendump.ts';

const STAGE_VERSION = 2;

/** Linux's st_mode type bits */
const S_IF: Record<TarEntry['type'], number> = { file: 0, hardlink: 0, dir: 0, symlink: 0o120000, char: 0o020000, block: 0o060000, fifo: 0o010000 };

/** One SET record of lxcore's metadata journal (core/lx_meta.c lx_meta_encode). */
export function metaSetRecord(linuxPath: string, mode: number, uid: number, gid: number, rdev: number): Buffer {
  const p = Buffer.from(linuxPath, 'utf8');
  if (!linuxPath.startsWith('/') || p.length > 4095) throw new Error(`metadata journal: ${linuxPath} is not an absolute path of at most 4095 bytes`);
  const size = ((28 + p.length + 3) & ~3) + 4;
  const r = Buffer.alloc(size);
  r.writeUInt32LE(size, 0);
  r[4] = 1; // LX_META_OP_SET
  r.writeUInt16LE(p.length, 6);
  r.writeUInt32LE(mode >>> 0, 8);
  r.writeUInt32LE(uid >>> 0, 12);
  r.writeUInt32LE(gid >>> 0, 16);
  r.writeUInt32LE(rdev >>> 0, 20);
  p.copy(r, 28);
  r.writeUInt32LE(crc32(r.subarray(0, size - 4)) >>> 0, size - 4);
  return r;
}

export function metaJournal(records: Buffer[]): Buffer {
  const h = Buffer.alloc(16);
  h.write('LXSSMETA', 0, 'latin1');
  h.writeUInt32LE(1, 8);
  return Buffer.concat([h, ...records]);
}

/** Linux's new_encode_dev */
function rdevOf(e: TarEntry): number {
  return (e.devminor & 0xff) | (e.devmajor << 8) | ((e.devminor & ~0xff) << 12);
}

export function readTarball(file: string): Buffer {
  const raw = readFileSync(file);
  if (file.endsWith('.tar')) return raw;
  if (/\.(tar\.gz|tgz)$/.test(file)) return gunzipSync(raw);
  if (file.endsWith('.tar.xz')) {
    const xz = spawnSync('xz', ['-dc'], { input: raw, maxBuffer: 1 << 30 });
    if (xz.status !== 0) throw new Error(`xz -dc ${file}: ${xz.error?.message ?? xz.stderr.toString()} (install xz-utils)`);
    return xz.stdout;
  }
  throw new Error(`${file}: a root file system is a .tar, .tar.gz, .tgz or .tar.xz file`);
}

export interface StagedRootfs {
  /** the tree to copy to the payload's root */
  dir: string;
  /** link files (relative paths as staged) that need the SYSTEM attribute */
  symlinks: string[];
  /** staged under a placeholder name: mtools takes * ? [ ] as wildcards and has no escape,
   * so such a link file gets its attribute under the placeholder, then its name (mren) */
  renames: { from: string; to: string }[];
  /** the metadata journal, for /.lxss-meta */
  journal: string;
  entries: number;
  bytes: number;
}

/** The tarball staged for the payload disk (cached by its contents). */
export function stageRootfs(tarball: string, log: (l: string) => void): StagedRootfs {
  if (!existsSync(tarball)) throw new Error(`--rootfs ${tarball}: no such file (make one with lxgen rootfs)`);
  const hash = createHash('sha256').update(readFileSync(tarball)).update(String(STAGE_VERSION)).digest('hex').slice(0, 16);
  const base = path.join(BUILD_DIR, 'vm', 'rootfs', hash);
  const manifest = path.join(base, 'staged.json');
  if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')) as StagedRootfs;
  log(`rootfs: staging ${tarball} for the payload disk`);
  const entries = readTar(readTarball(tarball), path.basename(tarball));
  const tmp = `${base}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const dir = path.join(tmp, 'tree');
  mkdirSync(dir, { recursive: true });
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const symlinks: string[] = [];
  const renames: { from: string; to: string }[] = [];
  const records: Buffer[] = [];
  let bytes = 0;
  for (const e of entries) {
    if (e.path === '.lxss-meta' || e.path.startsWith('.lxss-meta')) throw new Error(`${tarball}: ${e.path} is lxcore's own name`);
    let host = path.join(dir, e.path);
    if (e.type === 'symlink' && /[*?[\]]/.test(path.posix.basename(e.path))) {
      const from = path.posix.join(path.posix.dirname(e.path), `.lxph-${renames.length}`);
      renames.push({ from, to: path.posix.basename(e.path) });
      host = path.join(dir, from);
    }
    if (e.type === 'dir') mkdirSync(host, { recursive: true });
    else {
      mkdirSync(path.dirname(host), { recursive: true });
      let data: Buffer = Buffer.alloc(0);
      if (e.type === 'file') data = e.data;
      else if (e.type === 'hardlink') {
        const target = byPath.get(e.linkname);
        if (!target || target.type !== 'file') throw new Error(`${tarball}: hard link ${e.path} names ${e.linkname}, which is not a file before it`);
        data = target.data;
      } else if (e.type === 'symlink') {
        data = Buffer.concat([Buffer.from('!<symlink>'), Buffer.from(e.linkname, 'utf8'), Buffer.alloc(1)]);
        symlinks.push(path.relative(dir, host).split(path.sep).join('/'));
      }
      writeFileSync(host, data);
      bytes += data.length;
    }
    const src = e.type === 'hardlink' ? byPath.get(e.linkname)! : e;
    records.push(metaSetRecord(`/${e.path}`, S_IF[e.type] | src.mode, src.uid, src.gid, e.type === 'char' || e.type === 'block' ? rdevOf(e) : 0));
  }
  writeFileSync(path.join(tmp, 'lxss-meta'), metaJournal(records));
  const staged: StagedRootfs = { dir: path.join(base, 'tree'), symlinks, renames, journal: path.join(base, 'lxss-meta'), entries: entries.length, bytes };
  writeFileSync(path.join(tmp, 'staged.json'), JSON.stringify(staged));
  rmSync(base, { recursive: true, force: true });
  renameSync(tmp, base);
  log(`rootfs: ${entries.length} entries, ${(bytes / 1048576).toFixed(1)} MiB, ${symlinks.length} links`);
  return staged;
}
