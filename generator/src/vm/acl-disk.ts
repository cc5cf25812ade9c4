// A disk for the guest whose files keep NT security descriptors: an MBR with one Linux
// partition (0x83) from 1 MiB holding an empty btrfs, which ReactOS mounts with its btrfs
// driver (WinBtrfs). WinBtrfs stores a security descriptor given at creation and checks it
// on open when the open asks for an access check (SL_FORCE_ACCESS_CHECK), as lxcore's opens
// do; FAT, the boot and payload disks' file system, keeps none. Attached with `lxgen test
// --disk`, it is \Device\Harddisk2\Partition1 in the guest.
import { closeSync, existsSync, ftruncateSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { writeMbr } from './payload.ts';

const SECTOR = 512;
const PART_START = 2048;

/** mkfs.btrfs: on PATH, or in /usr/sbin and /sbin (not on a Debian user's PATH). */
function mkfsBtrfs(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/sbin', '/sbin'])) {
    const f = path.join(dir, 'mkfs.btrfs');
    if (dir && existsSync(f)) return f;
  }
  throw new Error('making the btrfs disk: mkfs.btrfs not found: install btrfs-progs (generator/setup.sh does)');
}

/** Writes a disk image of sizeMiB with an empty btrfs partition at `out`. */
export async function makeBtrfsDisk(out: string, sizeMiB = 256): Promise<string> {
  const part = path.join(path.dirname(out), `${path.basename(out)}.part`);
  const partBytes = (sizeMiB - 1) * 1024 * 1024;
  const partFd = openSync(part, 'w');
  ftruncateSync(partFd, partBytes);
  closeSync(partFd);
  await execa(mkfsBtrfs(), ['-q', '-f', '-L', 'LXSSACL', part], { all: true }).catch((e) => {
    throw new Error(`making the btrfs disk: ${(e as { all?: string }).all ?? String(e)}`);
  });
  const fd = openSync(out, 'w');
  try {
    ftruncateSync(fd, PART_START * SECTOR + partBytes);
    writeMbr(fd, PART_START + partBytes / SECTOR, 0x83);
    const src = openSync(part, 'r');
    const buf = Buffer.alloc(1024 * 1024);
    let at = 0;
    for (;;) {
      const n = readSync(src, buf, 0, buf.length, at);
      if (n === 0) break;
      // skip writing all-zero chunks: the image stays sparse
      if (buf.subarray(0, n).some((b) => b !== 0)) writeSync(fd, buf, 0, n, PART_START * SECTOR + at);
      at += n;
    }
    closeSync(src);
  } finally {
    closeSync(fd);
    rmSync(part, { force: true });
  }
  return out;
}
