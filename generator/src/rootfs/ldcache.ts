// /etc/ld.so.cache for an i386 root made on any host: what ldconfig would write there (the
// host's ldconfig -r needs chroot, so root, and reads the host's idea of the architecture).
// glibc 2.36's format, "glibc-ld.so.cache1.1" only (no old libc5 part, as ldconfig writes it
// by default since 2.32): a 48-byte header, 24-byte entries sorted as ld.so's binary search
// expects (descending by _dl_cache_libcmp, which compares runs of digits as numbers), then
// the strings; key and value are offsets from the start of the file.

/** DT_SONAME of an ELF32 little-endian i386 shared object, or null for anything else. */
export function elfSoname(b: Buffer): string | null {
  if (b.length < 52 || b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 1 || b[5] !== 1) return null;
  if (b.readUInt16LE(16) !== 3 || b.readUInt16LE(18) !== 3) return null; // ET_DYN, EM_386
  const phoff = b.readUInt32LE(28);
  const phnum = b.readUInt16LE(44);
  const loads: { vaddr: number; offset: number; filesz: number }[] = [];
  let dyn: { offset: number; size: number } | null = null;
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * 32;
    if (p + 32 > b.length) return null;
    const type = b.readUInt32LE(p);
    if (type === 1) loads.push({ offset: b.readUInt32LE(p + 4), vaddr: b.readUInt32LE(p + 8), filesz: b.readUInt32LE(p + 16) });
    if (type === 2) dyn = { offset: b.readUInt32LE(p + 4), size: b.readUInt32LE(p + 16) };
  }
  if (!dyn) return null;
  let strtab = -1;
  let soname = -1;
  for (let at = dyn.offset; at + 8 <= Math.min(b.length, dyn.offset + dyn.size); at += 8) {
    const tag = b.readInt32LE(at);
    if (tag === 0) break;
    if (tag === 5) strtab = b.readUInt32LE(at + 4);
    if (tag === 14) soname = b.readUInt32LE(at + 4);
  }
  if (strtab < 0 || soname < 0) return null;
  const seg = loads.find((l) => strtab >= l.vaddr && strtab < l.vaddr + l.filesz);
  if (!seg) return null;
  const at = seg.offset + (strtab - seg.vaddr) + soname;
  const end = b.indexOf(0, at);
  return at < b.length && end > at ? b.toString('latin1', at, end) : null;
}

/** glibc's _dl_cache_libcmp */
export function libcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  const digit = (s: string, k: number) => k < s.length && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57;
  while (i < a.length) {
    if (digit(a, i)) {
      if (!digit(b, j)) return 1;
      let v1 = 0;
      let v2 = 0;
      while (digit(a, i)) v1 = v1 * 10 + a.charCodeAt(i++) - 48;
      while (digit(b, j)) v2 = v2 * 10 + b.charCodeAt(j++) - 48;
      if (v1 !== v2) return v1 - v2;
    } else if (digit(b, j)) {
      return -1;
    } else if (j >= b.length || a[i] !== b[j]) {
      return a.charCodeAt(i) - (j < b.length ? b.charCodeAt(j) : 0);
    } else {
      i++;
      j++;
    }
  }
  return j < b.length ? -b.charCodeAt(j) : 0;
}

const FLAG_ELF_LIBC6 = 3; // i386: no architecture bits
const ENDIAN_LITTLE = 2;

/** The cache for these libraries: soname -> absolute path in the root. */
export function ldCache(libs: { soname: string; path: string }[]): Buffer {
  const sorted = [...libs].sort((x, y) => libcmp(y.soname, x.soname));
  const headerSize = 48;
  const stringsAt = headerSize + sorted.length * 24;
  const strings: Buffer[] = [];
  const offsets = new Map<string, number>();
  let used = 0;
  const intern = (s: string) => {
    let o = offsets.get(s);
    if (o === undefined) {
      o = stringsAt + used;
      offsets.set(s, o);
      const b = Buffer.from(`${s}\0`, 'latin1');
      strings.push(b);
      used += b.length;
    }
    return o;
  };
  const entries = Buffer.alloc(sorted.length * 24);
  sorted.forEach((l, i) => {
    entries.writeInt32LE(FLAG_ELF_LIBC6, i * 24);
    entries.writeUInt32LE(intern(l.soname), i * 24 + 4);
    entries.writeUInt32LE(intern(l.path), i * 24 + 8);
  });
  const h = Buffer.alloc(headerSize);
  h.write('glibc-ld.so.cache1.1', 0, 'latin1');
  h.writeUInt32LE(sorted.length, 20);
  h.writeUInt32LE(used, 24);
  h[28] = ENDIAN_LITTLE;
  return Buffer.concat([h, entries, ...strings]);
}
