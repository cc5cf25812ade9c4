// A writer for the "newc" cpio format the Linux kernel unpacks as an initramfs
// (Documentation/driver-api/early-userspace/buffer-format.rst): a 110-byte ASCII header per
// entry, the name NUL-terminated, name and data each padded to 4 bytes, ended by TRAILER!!!.
export interface CpioEntry {
  /** Path inside the archive, without a leading slash ("init", "dev/console"). */
  name: string;
  /** st_mode: file type bits and permissions. */
  mode: number;
  data?: Buffer;
  /** For device nodes. */
  rdev?: { major: number; minor: number };
}

export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFCHR = 0o020000;

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function pad4(n: number): Buffer {
  return Buffer.alloc((4 - (n % 4)) % 4);
}

function header(e: CpioEntry, ino: number, size: number): Buffer {
  const name = Buffer.from(`${e.name}\0`);
  const fields = [ino, e.mode, 0, 0, 1, 0, size, 0, 0, e.rdev?.major ?? 0, e.rdev?.minor ?? 0, name.length, 0];
  const head = Buffer.from(`070701${fields.map(hex8).join('')}`, 'ascii');
  return Buffer.concat([head, name, pad4(head.length + name.length)]);
}

/** The archive of `entries` (parents must come before their children). */
export function writeCpio(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of [...entries, { name: 'TRAILER!!!', mode: 0 }]) {
    if (e.name.startsWith('/')) throw new Error(`cpio entry ${e.name}: names are relative`);
    const data = e.data ?? Buffer.alloc(0);
    parts.push(header(e, e.name === 'TRAILER!!!' ? 0 : ino++, data.length), data, pad4(data.length));
  }
  return Buffer.concat(parts);
}
