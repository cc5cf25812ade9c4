// A tar reader and writer for root file systems: the ustar entries dpkg-deb --fsys-tarfile
// gives (with GNU long names and pax headers) in, ustar with pax headers for what does not
// fit out. Kept small and exact: modes, owners, times, links and device numbers pass through.
export type TarType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

export interface TarEntry {
  /** relative, '/' separated, no leading "./" or '/', no trailing '/' ("" is the root) */
  path: string;
  type: TarType;
  mode: number; // permission bits (07777)
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  /** symlink target, or the path (as `path`) a hard link names */
  linkname: string;
  devmajor: number;
  devminor: number;
  data: Buffer;
}

const TYPE_FLAGS: Record<string, TarType> = { '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink', '3': 'char', '4': 'block', '5': 'dir', '6': 'fifo' };
const FLAG_OF: Record<TarType, string> = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' };

/** "./usr/bin/" -> "usr/bin" */
export function normalizeTarPath(p: string): string {
  return p.replace(/^(\.\/)+/, '').replace(/^\/+/, '').replace(/\/+$/, '').replace(/^\.$/, '');
}

function str(b: Buffer, at: number, len: number): string {
  const end = b.indexOf(0, at);
  return b.toString('utf8', at, end < 0 || end > at + len ? at + len : end);
}

function num(b: Buffer, at: number, len: number): number {
  if (b[at]! & 0x80) {
    // base-256 (GNU) for large values
    let v = b[at]! & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + b[at + i]!;
    return v;
  }
  const s = str(b, at, len).trim();
  return s ? parseInt(s, 8) : 0;
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === num(h, 148, 8);
}

function paxRecords(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const sp = data.indexOf(0x20, at);
    if (sp < 0) break;
    const len = parseInt(data.toString('utf8', at, sp), 10);
    if (!(len > 0)) break;
    const rec = data.toString('utf8', sp + 1, at + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    at += len;
  }
  return out;
}

/** The entries of an uncompressed tar archive, in order. Throws on a damaged or cut archive. */
export function readTar(buf: Buffer, what = 'tar archive'): TarEntry[] {
  const entries: TarEntry[] = [];
  let at = 0;
  let longName: string | null = null;
  let longLink: string | null = null;
  let pax: Record<string, string> = {};
  for (;;) {
    if (at + 512 > buf.length) throw new Error(`${what}: cut short at byte ${at} (no end-of-archive blocks)`);
    const h = buf.subarray(at, at + 512);
    if (h.every((x) => x === 0)) return entries;
    if (!checksumOk(h)) throw new Error(`${what}: bad header checksum at byte ${at}`);
    const flag = String.fromCharCode(h[156]!);
    const size = num(h, 124, 12);
    const dataAt = at + 512;
    if (dataAt + size > buf.length) throw new Error(`${what}: cut short in the data of the entry at byte ${at}`);
    const data = buf.subarray(dataAt, dataAt + size);
    at = dataAt + Math.ceil(size / 512) * 512;
    if (flag === 'L') { longName = str(data, 0, data.length); continue; }
    if (flag === 'K') { longLink = str(data, 0, data.length); continue; }
    if (flag === 'x') { pax = { ...pax, ...paxRecords(data) }; continue; }
    if (flag === 'g') continue;
    const type = TYPE_FLAGS[flag];
    if (!type) throw new Error(`${what}: entry type '${flag}' at byte ${dataAt - 512} is not supported`);
    const prefix = h.toString('latin1', 257, 262) === 'ustar' ? str(h, 345, 155) : '';
    const name = pax.path ?? longName ?? (prefix ? `${prefix}/${str(h, 0, 100)}` : str(h, 0, 100));
    const link = pax.linkpath ?? longLink ?? str(h, 157, 100);
    entries.push({
      path: normalizeTarPath(name),
      type,
      mode: num(h, 100, 8) & 0o7777,
      uid: pax.uid !== undefined ? Number(pax.uid) : num(h, 108, 8),
      gid: pax.gid !== undefined ? Number(pax.gid) : num(h, 116, 8),
      uname: pax.uname ?? str(h, 265, 32),
      gname: pax.gname ?? str(h, 297, 32),
      mtime: pax.mtime !== undefined ? Math.floor(Number(pax.mtime)) : num(h, 136, 12),
      linkname: type === 'hardlink' ? normalizeTarPath(link) : link,
      devmajor: num(h, 329, 8),
      devminor: num(h, 337, 8),
      data: type === 'file' ? Buffer.from(data) : Buffer.alloc(0),
    });
    longName = longLink = null;
    pax = {};
  }
}

function octal(v: number, len: number): string {
  return v.toString(8).padStart(len - 1, '0') + '\0';
}

function header(name: string, e: Pick<TarEntry, 'mode' | 'uid' | 'gid' | 'mtime' | 'uname' | 'gname' | 'devmajor' | 'devminor'>, flag: string, size: number, link: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(e.mode, 8), 100, 'latin1');
  h.write(octal(e.uid, 8), 108, 'latin1');
  h.write(octal(e.gid, 8), 116, 'latin1');
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(e.mtime, 12), 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(flag, 156, 'latin1');
  h.write(link, 157, 100, 'utf8');
  h.write('ustar\x0000', 257, 'latin1');
  h.write(e.uname, 265, 32, 'utf8');
  h.write(e.gname, 297, 32, 'utf8');
  h.write(octal(e.devmajor, 8), 329, 'latin1');
  h.write(octal(e.devminor, 8), 337, 'latin1');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[i]!;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

function padded(data: Buffer): Buffer[] {
  const pad = (512 - (data.length % 512)) % 512;
  return pad ? [data, Buffer.alloc(pad)] : [data];
}

/** An uncompressed tar archive of the entries, paths as "./path" (dpkg's style). */
export function writeTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const name = e.path === '' ? './' : `./${e.path}${e.type === 'dir' ? '/' : ''}`;
    const link = e.type === 'hardlink' ? `./${e.linkname}` : e.type === 'symlink' ? e.linkname : '';
    const size = e.type === 'file' ? e.data.length : 0;
    let records = '';
    if (Buffer.byteLength(name) > 100) records += paxRecord('path', name);
    if (Buffer.byteLength(link) > 100) records += paxRecord('linkpath', link);
    if (records) {
      const data = Buffer.from(records, 'utf8');
      parts.push(header('././@PaxHeader', { ...e, mode: 0o644, uid: 0, gid: 0, uname: '', gname: '' }, 'x', data.length, ''), ...padded(data));
    }
    parts.push(header(name, e, FLAG_OF[e.type], size, link));
    if (size) parts.push(...padded(e.data));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
