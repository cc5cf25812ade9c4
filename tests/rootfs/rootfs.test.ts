// lxgen rootfs on the host: its tar writer and reader (round trip, what GNU tar makes of it,
// refusals), the ld.so.cache writer (glibc's own ldconfig -p reads it back, in ld.so's
// order), merged /usr paths, and the lock file. The full build runs when the locked .deb
// files are already fetched (lxgen rootfs fetches them; about 35 MiB), and the rootfs suite
// (tests/elf/rootfs.c) on Linux in a chroot of the tarball when this host can; else one SKIP
// line each.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readTar, writeTar, type TarEntry } from '../../generator/src/rootfs/tar.ts';
import { elfSoname, ldCache, libcmp } from '../../generator/src/rootfs/ldcache.ts';
import { buildRootfs, DEFAULT_TARBALL, LOCK_FILE, mergedPath, parseLock } from '../../generator/src/rootfs/rootfs.ts';
import { MANIFEST_STOCK, readManifest } from '../../generator/src/elf/suite.ts';
import { checkTap } from '../../generator/src/elf/tap-check.ts';
import { oracle } from '../../generator/src/oracle/index.ts';
import { BUILD_DIR, ROOT } from '../../generator/src/paths.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lxss-rootfs-'));

function entry(p: string, type: TarEntry['type'], extra: Partial<TarEntry> = {}): TarEntry {
  return { path: p, type, mode: 0o755, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: 1700000000, linkname: '', devmajor: 0, devminor: 0, data: Buffer.alloc(0), ...extra };
}

describe('the rootfs tar writer and reader', () => {
  const long = `usr/share/${'d'.repeat(120)}/${'f'.repeat(90)}`;
  const entries = [
    entry('', 'dir'),
    entry('usr', 'dir'),
    entry('usr/bin', 'dir'),
    entry('usr/bin/su', 'file', { mode: 0o4755, data: Buffer.from('#!/bin/sh\n') }),
    entry('usr/bin/sh', 'symlink', { mode: 0o777, linkname: 'dash' }),
    entry('usr/bin/su2', 'hardlink', { linkname: 'usr/bin/su' }),
    entry('usr/share', 'dir'),
    entry(`usr/share/${'d'.repeat(120)}`, 'dir'),
    entry(long, 'file', { mode: 0o640, uid: 1000, gid: 42, uname: 'u', gname: 'shadow', data: Buffer.alloc(1000, 7) }),
    entry('usr/share/link', 'symlink', { mode: 0o777, linkname: `/${long}` }),
    entry('dev', 'dir'),
    entry('dev/null', 'char', { mode: 0o666, devmajor: 1, devminor: 3 }),
    entry('dev/fifo', 'fifo', { mode: 0o600 }),
  ];

  it('reads back what it writes: types, modes, owners, links, devices, long names (pax)', () => {
    const back = readTar(writeTar(entries));
    expect(back.map((e) => [e.path, e.type, e.mode, e.uid, e.gid, e.linkname, e.devmajor, e.devminor, e.data.length])).toEqual(
      entries.map((e) => [e.path, e.type, e.mode, e.uid, e.gid, e.linkname, e.devmajor, e.devminor, e.data.length]),
    );
    expect(back[8]!.data.equals(entries[8]!.data)).toBe(true);
  });

  it('writes what GNU tar lists with the same modes, owners and links', () => {
    const file = path.join(work, 'rt.tar');
    writeFileSync(file, writeTar(entries));
    const r = spawnSync('tar', ['-tvf', file, '--numeric-owner'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/-rwsr-xr-x 0\/0 +10 .* \.\/usr\/bin\/su\n/);
    expect(r.stdout).toMatch(/lrwxrwxrwx 0\/0 .* \.\/usr\/bin\/sh -> dash/);
    expect(r.stdout).toMatch(/\.\/usr\/bin\/su2 link to \.\/usr\/bin\/su/);
    expect(r.stdout).toMatch(/-rw-r----- 1000\/42 +1000 /);
    expect(r.stdout).toContain(`./${long}`);
    expect(r.stdout).toMatch(/crw-rw-rw- 0\/0 +1,3 .* \.\/dev\/null/);
  });

  it('refuses a cut archive and a damaged header, saying where', () => {
    const tar = writeTar(entries);
    expect(() => readTar(tar.subarray(0, 2048 + 100), 'x.tar')).toThrow(/x\.tar: cut short/);
    const bad = Buffer.from(tar);
    bad[512 + 10] = bad[512 + 10]! ^ 1;
    expect(() => readTar(bad, 'y.tar')).toThrow(/y\.tar: bad header checksum at byte 512/);
  });
});

describe('ld.so.cache', () => {
  it('orders names as glibc does (digit runs as numbers)', () => {
    expect(libcmp('libc.so.6', 'libc.so.6')).toBe(0);
    expect(Math.sign(libcmp('libfoo.so.10', 'libfoo.so.9'))).toBe(1);
    expect(Math.sign(libcmp('liba.so', 'libb.so'))).toBe(-1);
    expect(Math.sign(libcmp('libz.so.1', 'libz.so'))).toBe(1);
  });

  const m32 = spawnSync('gcc', ['-m32', '-shared', '-fPIC', '-Wl,-soname,libt.so.7', '-o', path.join(work, 'libt.so.7'), '-x', 'c', '-'], { input: 'int t(void){return 7;}\n' }).status === 0;
  it.skipIf(!m32)('reads the soname of an i386 shared object (and none of anything else)', () => {
    expect(elfSoname(readFileSync(path.join(work, 'libt.so.7')))).toBe('libt.so.7');
    expect(elfSoname(Buffer.from('not an elf'))).toBeNull();
  });
  if (!m32) console.log('SKIP the soname check: gcc -m32 cannot build a shared object here (install gcc-multilib)');

  const ldconfig = ['/sbin/ldconfig', '/usr/sbin/ldconfig'].find((p) => existsSync(p));
  it.skipIf(!ldconfig)("is read back by glibc's own ldconfig -p, in ld.so's order", () => {
    const file = path.join(work, 'ld.so.cache');
    writeFileSync(file, ldCache([
      { soname: 'libz.so.1', path: '/usr/lib/i386-linux-gnu/libz.so.1' },
      { soname: 'libc.so.6', path: '/usr/lib/i386-linux-gnu/libc.so.6' },
      { soname: 'libfoo.so.10', path: '/usr/lib/libfoo.so.10' },
      { soname: 'libfoo.so.9', path: '/usr/lib/libfoo.so.9' },
    ]));
    const r = spawnSync(ldconfig!, ['-C', file, '-p'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => l.trim())).toEqual([
      `4 libs found in cache \`${file}'`,
      'libz.so.1 (libc6) => /usr/lib/i386-linux-gnu/libz.so.1',
      'libfoo.so.10 (libc6) => /usr/lib/libfoo.so.10',
      'libfoo.so.9 (libc6) => /usr/lib/libfoo.so.9',
      'libc.so.6 (libc6) => /usr/lib/i386-linux-gnu/libc.so.6',
    ]);
  });
  if (!ldconfig) console.log('SKIP the ld.so.cache read-back: no ldconfig on this host');
});

describe('the rootfs layout and lock', () => {
  it('moves /bin, /sbin and /lib into /usr (merged /usr), nothing else', () => {
    expect(mergedPath('bin/bash')).toBe('usr/bin/bash');
    expect(mergedPath('lib/i386-linux-gnu/libc.so.6')).toBe('usr/lib/i386-linux-gnu/libc.so.6');
    expect(mergedPath('binx/y')).toBe('binx/y');
    expect(mergedPath('usr/bin/env')).toBe('usr/bin/env');
  });

  it('refuses a malformed lock line, saying how to make it again', () => {
    expect(() => parseLock('libc6 2.36 i386 12 abc\n', 'l.lock')).toThrow(/l\.lock:1: expected .*--update-lock/);
    expect(() => parseLock('# nothing\n', 'l.lock')).toThrow(/no package/);
    expect(parseLock(readFileSync(LOCK_FILE, 'utf8')).length).toBeGreaterThan(17);
  });
});

const lock = existsSync(LOCK_FILE) ? parseLock(readFileSync(LOCK_FILE, 'utf8')) : [];
const fetched = lock.length > 0 && lock.every((p) => existsSync(path.join(BUILD_DIR, 'downloads', 'rootfs', `${p.name}_${p.version.replace(/:/g, '%3a')}_${p.arch}.deb`)));
if (!fetched) console.log('SKIP the rootfs tarball build: the locked packages are not fetched here (npx lxgen rootfs fetches them, about 35 MiB)');

describe.skipIf(!fetched)('the rootfs tarball', () => {
  it('holds merged /usr, the generated files and every package, root-owned, with su set-user-ID', () => {
    const out = path.join(work, 'rootfs.tar');
    const r = buildRootfs({ out, log: () => {} });
    expect(r.packages).toBe(lock.length);
    const byPath = new Map(readTar(readFileSync(out)).map((e) => [e.path, e]));
    expect(byPath.get('bin')).toMatchObject({ type: 'symlink', linkname: 'usr/bin' });
    expect(byPath.get('usr/bin/su')).toMatchObject({ type: 'file', mode: 0o4755, uid: 0 });
    expect(byPath.get('usr/lib/ld-linux.so.2')).toMatchObject({ type: 'symlink' });
    expect(byPath.get('etc/passwd')!.data.toString()).toMatch(/^root:x:0:0:root:\/root:\/bin\/bash$/m);
    expect(byPath.get('etc/shadow')).toMatchObject({ mode: 0o640, gid: 42 });
    expect(byPath.get('tmp')).toMatchObject({ type: 'dir', mode: 0o1777 });
    expect(byPath.get('var/lib/dpkg/status')!.data.toString().match(/^Status: install ok installed$/gm)?.length).toBe(lock.length);
    expect(r.ldCacheEntries).toBeGreaterThan(40);
  }, 120_000);
});

// The rootfs group's Linux oracle: its programs of the stock suite (rootfs and its glibc
// twins, musldyn), which run on Linux as they are, inside a chroot of the tarball, with /proc
// mounted for ps. Needs a host that runs i386 programs, root (chroot, mount) and the tarball.
const rootfsTarball = DEFAULT_TARBALL;
function chrootSkipReason(): string | null {
  if (!oracle().hostRunsI386) return `this host cannot run i386 programs (${oracle().probe}); the rootfs suite's oracle is a chroot`;
  if (process.getuid?.() !== 0) return 'not root: chroot and mount need it';
  if (!existsSync(rootfsTarball)) return `no rootfs tarball at ${rootfsTarball} (npx lxgen rootfs makes it)`;
  if (!existsSync(MANIFEST_STOCK) || !readManifest('stock').some((e) => e.name === 'rootfs'))
    return 'the stock ELF suite is not built (npx lxgen elf --stock)';
  return null;
}
const chrootWhy = chrootSkipReason();
if (chrootWhy) console.log(`SKIP the rootfs suite on Linux in a chroot: ${chrootWhy}`);

describe.skipIf(chrootWhy !== null)('the rootfs group on Linux (chroot of the tarball)', () => {
  it('passes every check of every program', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'lxss-chroot-'));
    const programs = readManifest('stock').filter((e) => e.group === 'rootfs');
    expect(programs.map((e) => e.name)).toContain('musldyn');
    try {
      const x = spawnSync('tar', ['-xpf', rootfsTarball, '-C', root], { encoding: 'utf8' });
      expect(x.status, x.stderr).toBe(0);
      mkdirSync(path.join(root, 'elf'), { recursive: true });
      for (const e of programs) copyFileSync(e.path, path.join(root, 'elf', e.name));
      expect(spawnSync('mount', ['-t', 'proc', 'proc', path.join(root, 'proc')]).status).toBe(0);
      try {
        for (const e of programs) {
          const r = spawnSync('chroot', [root, `/elf/${e.name}`], { encoding: 'utf8', timeout: 120_000 });
          const tap = checkTap(r.stdout);
          expect([...tap.problems, ...tap.failed], `${e.name}: ${r.stdout}${r.stderr}`).toEqual([]);
          expect(r.status, e.name).toBe(0);
        }
      } finally {
        spawnSync('umount', [path.join(root, 'proc')]);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 300_000);
});

// lximport (psxss/lximport), the unpacker of lxrun --import, built for this host: its gzip
// inflater against gzip's own output (stored, fixed and dynamic blocks, two members), its xz
// decoder against xz's (presets, checks, blocks, streams and padding, LZMA properties), their
// refusals (cut, damaged, not gzip, what the xz decoder does not take), and the whole rootfs
// tarball unpacked as GNU tar unpacks it (every path's type, mode, owner, link target and
// size), gzip'ed and xz'ed, when this host is root.
const lximportWork = mkdtempSync(path.join(os.tmpdir(), 'lxss-lximport-'));
const LXI = path.join(lximportWork, 'lximport');
const lximportBuilt = spawnSync('gcc', ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-O2', '-o', LXI,
  ...['lximport.c', 'lxtar.c', 'lxinflate.c', 'lxunxz.c', 'lxio.c'].map((f) => path.join(ROOT, 'psxss', 'lximport', f))], { encoding: 'utf8' });
if (lximportBuilt.status !== 0) console.log(`SKIP lximport on the host: gcc cannot build it: ${lximportBuilt.stderr.split('\n')[0]}`);

describe.skipIf(lximportBuilt.status !== 0)('lximport on the host', () => {
  const tarOf = (files: Record<string, Buffer>) => writeTar([entry('', 'dir'),
    ...Object.entries(files).map(([p, data]) => entry(p, 'file', { mode: 0o644, data }))]);
  const run = (input: Buffer) => {
    const dest = mkdtempSync(path.join(lximportWork, 'd-'));
    const r = spawnSync(LXI, [dest], { input, encoding: 'utf8' });
    return { ...r, dest };
  };

  it('inflates what gzip makes: stored, fixed and dynamic blocks, and two members', () => {
    const random = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919 + (i >> 3) * 31) & 0xff));
    const text = Buffer.from('lxss '.repeat(50_000));
    const tar = tarOf({ random, text, empty: Buffer.alloc(0) });
    for (const level of ['-1', '-9']) {
      const gz = spawnSync('gzip', ['-c', level], { input: tar });
      const r = run(gz.stdout);
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(path.join(r.dest, 'random')).equals(random)).toBe(true);
      expect(readFileSync(path.join(r.dest, 'text')).equals(text)).toBe(true);
    }
    const half = tar.length / 2 - ((tar.length / 2) % 512);
    const two = Buffer.concat([spawnSync('gzip', ['-c'], { input: tar.subarray(0, half) }).stdout, spawnSync('gzip', ['-c'], { input: tar.subarray(half) }).stdout]);
    const r = run(two);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(path.join(r.dest, 'text')).equals(text)).toBe(true);
  });

  it('refuses a cut, a damaged, a non-gzip and an xz archive, saying why', () => {
    const gz = spawnSync('gzip', ['-c'], { input: tarOf({ f: Buffer.from('x'.repeat(100_000)) }) }).stdout;
    expect(run(gz.subarray(0, gz.length - 20))).toMatchObject({ status: 1, stderr: expect.stringMatching(/gzip stream is cut short/) });
    const bad = Buffer.from(gz);
    bad[gz.length - 6] = bad[gz.length - 6]! ^ 0xff;
    expect(run(bad)).toMatchObject({ status: 1, stderr: expect.stringMatching(/CRC-32 or size does not match/) });
    expect(run(Buffer.from('just text\n'))).toMatchObject({ status: 1, stderr: expect.stringMatching(/cut short|damaged header/) });
  });

  const xz = (input: Buffer, ...args: string[]) => {
    const r = spawnSync('xz', ['-c', ...args], { input, maxBuffer: 1 << 26 });
    expect(r.status, String(r.stderr)).toBe(0);
    return r.stdout;
  };
  it('decodes what xz makes: presets, checks, blocks, two streams with padding, LZMA properties', () => {
    const random = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919 + (i >> 3) * 31 + (i >> 11) * 17) & 0xff));
    const text = Buffer.from('lxss text line\n'.repeat(100_000));
    const tar = tarOf({ random, text, empty: Buffer.alloc(0) });
    const half = tar.length / 2 - ((tar.length / 2) % 512);
    const variants: Buffer[] = [
      ...['-0', '-1', '-6', '-9e'].map((level) => xz(tar, level)),
      xz(tar, '--check=crc32'), xz(tar, '--check=none'),
      xz(tar, '--block-size=100KiB', '-T1'),
      xz(tar, '--lzma2=preset=6,lc=0,lp=2,pb=0'), xz(tar, '--lzma2=preset=1,lc=4,lp=0,pb=4'),
      Buffer.concat([xz(tar.subarray(0, half)), Buffer.alloc(8), xz(tar.subarray(half))]),
    ];
    for (const archive of variants) {
      const r = run(archive);
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(path.join(r.dest, 'random')).equals(random)).toBe(true);
      expect(readFileSync(path.join(r.dest, 'text')).equals(text)).toBe(true);
    }
  });

  it('refuses a cut or damaged xz archive and what it does not decode, saying why', () => {
    const tar = tarOf({ f: Buffer.from('lxss '.repeat(50_000)), g: Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 131) & 0xff)) });
    const good = xz(tar);
    expect(run(good.subarray(0, good.length / 2))).toMatchObject({ status: 1, stderr: expect.stringMatching(/xz stream is cut short/) });
    const bad = Buffer.from(good);
    bad[Math.floor(good.length / 2)] = bad[Math.floor(good.length / 2)]! ^ 0x55;
    expect(run(bad)).toMatchObject({ status: 1, stderr: expect.stringMatching(/damaged/) });
    expect(run(Buffer.concat([good, Buffer.from('junk')]))).toMatchObject({ status: 1, stderr: expect.stringMatching(/data after the xz stream/) });
    expect(run(xz(tar, '--check=sha256'))).toMatchObject({ status: 1, stderr: expect.stringMatching(/SHA-256 check.*xz -d/) });
    expect(run(xz(tar, '--x86', '--lzma2'))).toMatchObject({ status: 1, stderr: expect.stringMatching(/xz filter lximport does not know.*xz -d/) });
    expect(run(xz(tar, '--lzma2=dict=128MiB'))).toMatchObject({ status: 1, stderr: expect.stringMatching(/128 MiB dictionary.*up to 64 MiB/) });
  });

  const asRoot = process.getuid?.() === 0 && existsSync(DEFAULT_TARBALL);
  it.skipIf(!asRoot)('unpacks the rootfs tarball exactly as GNU tar does (as root)', () => {
    const list = (dir: string) => spawnSync('find', ['.', '-printf', '%p %y %m %U %G %l %s\\n'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 }).stdout.split('\n').sort().join('\n');
    const mine = spawnSync(LXI, [path.join(lximportWork, 'mine')], { input: readFileSync(DEFAULT_TARBALL), encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(mine.status, mine.stderr).toBe(0);
    mkdirSync(path.join(lximportWork, 'gnu'));
    expect(spawnSync('tar', ['-xpzf', DEFAULT_TARBALL, '-C', path.join(lximportWork, 'gnu')]).status).toBe(0);
    expect(list(path.join(lximportWork, 'mine'))).toBe(list(path.join(lximportWork, 'gnu')));
    const plain = spawnSync('gzip', ['-dc', DEFAULT_TARBALL], { maxBuffer: 1 << 28 }).stdout;
    const fromXz = spawnSync(LXI, [path.join(lximportWork, 'xz')], { input: xz(plain, '-1', '-T2'), encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(fromXz.status, fromXz.stderr).toBe(0);
    expect(list(path.join(lximportWork, 'xz'))).toBe(list(path.join(lximportWork, 'gnu')));
  }, 180_000);
  if (!asRoot) console.log('SKIP lximport against GNU tar on the rootfs: not root, or no tarball (npx lxgen rootfs)');
});
