// Reads and checks a registry hive file (the "regf" format mkhive writes and FreeLdr and the
// kernel load), so that `lxgen test` refuses a corrupt hive before QEMU starts instead of
// booting into FreeLdr's "Could not load SYSTEM.ALT hive!" box. The checks are those of
// sdk/lib/cmlib/cmcheck.c (CmCheckRegistry, which FreeLdr runs on the SYSTEM hive) that a
// hive writer can get wrong:
//   - the base block: signature, version, primary/flat type, sequence numbers, checksum, the
//     length of the bins;
//   - the bins: "hbin", offsets, sizes; the cells of each bin: sizes that are multiples of 8
//     and add up to the bin exactly;
//   - the tree from the root cell: every cell a key refers to is an allocated cell with the
//     right signature ("nk", "lf"/"lh"/"li"/"ri", "vk", "sk", "db"), parent links, subkey
//     counts, names inside their cells, each key reached once;
//   - every value's data inside its data cell (a value whose data is longer than its cell is
//     what an overwrite past the cell looks like; the cell after it is then damaged too).
// A problem names the key (path from the hive's root) and the value where it is, so the
// caller can name the .inf line that set it (hive-check.ts).

export const REG_NONE = 0;
export const REG_SZ = 1;
export const REG_EXPAND_SZ = 2;
export const REG_BINARY = 3;
export const REG_DWORD = 4;
export const REG_MULTI_SZ = 7;

const BASE_BLOCK = 4096;
const BIN_HEADER = 32;
const HCELL_NIL = 0xffffffff;
const KEY_COMP_NAME = 0x20;
const VALUE_COMP_NAME = 0x1;
const INLINE_DATA = 0x80000000;
/** Data longer than this is stored as "db" segments (hive version 1.4 and later). */
const BIG_DATA = 16344;

export interface HiveValue {
  name: string;
  type: number;
  data: Buffer;
}

export interface HiveKey {
  name: string;
  /** Path from the hive's root key, '\' separated ('' for the root). */
  path: string;
  subkeys: HiveKey[];
  values: HiveValue[];
}

export interface HiveProblem {
  /** Key path from the root, or null for the base block and bins. */
  key: string | null;
  value: string | null;
  message: string;
}

export interface HiveReport {
  problems: HiveProblem[];
  /** The key tree as far as it could be read. */
  root: HiveKey | null;
}

/** The XOR of the base block's first 127 ULONGs, as HvpHeaderCheckSum computes it. */
export function baseBlockChecksum(buf: Buffer): number {
  let sum = 0;
  for (let i = 0; i < 127; i++) sum ^= buf.readUInt32LE(i * 4);
  sum >>>= 0;
  if (sum === 0xffffffff) return 0xfffffffe;
  if (sum === 0) return 1;
  return sum;
}

/** A cell's data as a name: Latin-1 when compressed, else UTF-16LE. */
function cellName(b: Buffer, at: number, length: number, compressed: boolean): string {
  return b.toString(compressed ? 'latin1' : 'utf16le', at, at + length);
}

class HiveReader {
  readonly problems: HiveProblem[] = [];
  /** Allocated cells: cell index -> usable size (without the 4-byte size field). */
  private readonly cells = new Map<number, number>();
  /** Cells the tree refers to: index -> what refers to it (for a problem in a later cell). */
  private readonly owners = new Map<number, { key: string; value: string | null }>();
  private readonly visitedKeys = new Set<number>();
  /** Parts of bins after a cell with a bad size: [start, end) cell offsets. */
  private readonly damagedRanges: [number, number][] = [];
  private minor = 0;

  constructor(private readonly b: Buffer) {}

  private problem(key: string | null, value: string | null, message: string): void {
    if (this.problems.length < 50) this.problems.push({ key, value, message });
  }

  /** File offset of a cell's data. */
  private at(cell: number): number {
    return BASE_BLOCK + cell + 4;
  }

  read(): HiveReport {
    const b = this.b;
    if (b.length < BASE_BLOCK || b.toString('latin1', 0, 4) !== 'regf') {
      this.problem(null, null, 'no "regf" base block');
      return { problems: this.problems, root: null };
    }
    const seq1 = b.readUInt32LE(4);
    const seq2 = b.readUInt32LE(8);
    const major = b.readUInt32LE(20);
    this.minor = b.readUInt32LE(24);
    const type = b.readUInt32LE(28);
    const format = b.readUInt32LE(32);
    const rootCell = b.readUInt32LE(36);
    const length = b.readUInt32LE(40);
    if (seq1 !== seq2) this.problem(null, null, `base block sequence numbers differ (${seq1}, ${seq2}): a write was not finished`);
    if (major !== 1 || this.minor < 3 || this.minor > 6) this.problem(null, null, `unsupported hive version ${major}.${this.minor}`);
    if (type !== 0 || format !== 1) this.problem(null, null, `not a primary flat hive (type ${type}, format ${format})`);
    const sum = b.readUInt32LE(508);
    if (sum !== baseBlockChecksum(b)) this.problem(null, null, `base block checksum 0x${sum.toString(16)}, computed 0x${baseBlockChecksum(b).toString(16)}`);
    if (length % BASE_BLOCK !== 0 || BASE_BLOCK + length > b.length) {
      this.problem(null, null, `bins length ${length} does not fit the ${b.length}-byte file`);
      return { problems: this.problems, root: null };
    }
    const damaged = this.readBins(length);
    const root = this.readKey(rootCell, null, '', true);
    for (const d of damaged) {
      // A cell header overwritten from the cell before it: name what owns that cell.
      const owner = d.before === null ? undefined : this.owners.get(d.before);
      this.problem(owner?.key ?? null, owner?.value ?? null, d.message + (owner ? ' (right after this value\'s data)' : ''));
    }
    // The cause first: a value whose data runs past its cell explains the damage after it.
    const past = (p: HiveProblem) => (p.message.includes('runs past its cell') ? 0 : 1);
    this.problems.sort((x, y) => past(x) - past(y));
    return { problems: this.problems, root };
  }

  private readBins(length: number): { before: number | null; message: string }[] {
    const b = this.b;
    const damaged: { before: number | null; message: string }[] = [];
    for (let off = 0; off < length; ) {
      const p = BASE_BLOCK + off;
      const size = b.readUInt32LE(p + 8);
      if (b.toString('latin1', p, p + 4) !== 'hbin' || b.readUInt32LE(p + 4) !== off || size === 0 || size % BASE_BLOCK !== 0 || off + size > length) {
        damaged.push({ before: null, message: `bin at offset 0x${off.toString(16)} is damaged (signature, offset or size)` });
        break;
      }
      let prev: number | null = null;
      for (let c = off + BIN_HEADER; c < off + size; ) {
        const raw = b.readInt32LE(BASE_BLOCK + c);
        const cellSize = Math.abs(raw);
        if (raw === 0 || cellSize % 8 !== 0 || c + cellSize > off + size) {
          damaged.push({ before: prev, message: `cell at 0x${c.toString(16)} has a bad size ${raw}: the bin at 0x${off.toString(16)} is damaged from there` });
          this.damagedRanges.push([c, off + size]);
          break;
        }
        if (raw < 0) this.cells.set(c, cellSize - 4);
        prev = raw < 0 ? c : null;
        c += cellSize;
      }
      off += size;
    }
    return damaged;
  }

  /** Usable size of the allocated cell at `index`, or undefined. */
  private cellSize(index: number): number | undefined {
    const size = this.cells.get(index);
    if (size !== undefined) return size;
    const range = this.damagedRanges.find(([s, e]) => index >= s && index < e);
    if (!range || index + 8 > range[1]) return undefined;
    // Past a damaged cell the bin cannot be walked, but the cells the tree names can still be
    // read, to find the value whose data overwrote the damaged cell.
    const raw = this.b.readInt32LE(BASE_BLOCK + index);
    return raw < 0 && -raw % 8 === 0 && index - raw <= range[1] ? -raw - 4 : undefined;
  }

  /** Usable size of an allocated cell, or null with a problem. */
  private cell(index: number, key: string, value: string | null, what: string): number | null {
    const size = this.cellSize(index);
    if (size === undefined) {
      this.problem(key, value, `${what} refers to cell 0x${index.toString(16)}, which is not an allocated cell`);
      return null;
    }
    if (!this.owners.has(index)) this.owners.set(index, { key, value });
    return size;
  }

  private sig(index: number): string {
    return this.b.toString('latin1', this.at(index), this.at(index) + 2);
  }

  private readKey(index: number, parent: number | null, path: string, isRoot: boolean): HiveKey | null {
    const where = path || '(root)';
    const size = this.cell(index, where, null, 'key');
    if (size === null) return null;
    if (this.visitedKeys.has(index)) {
      this.problem(where, null, `key cell 0x${index.toString(16)} is reached twice (a loop or a shared key)`);
      return null;
    }
    this.visitedKeys.add(index);
    const b = this.b;
    const k = this.at(index);
    if (size < 76 || this.sig(index) !== 'nk') {
      this.problem(where, null, `cell 0x${index.toString(16)} is not a key node ("nk")`);
      return null;
    }
    const flags = b.readUInt16LE(k + 2);
    const nameLength = b.readUInt16LE(k + 72);
    if (76 + nameLength > size) {
      this.problem(where, null, `key name of ${nameLength} bytes is longer than its cell`);
      return null;
    }
    const name = isRoot ? '' : cellName(b, k + 76, nameLength, (flags & KEY_COMP_NAME) !== 0);
    const keyPath = isRoot ? '' : path;
    const shown = keyPath || '(root)';
    if (parent !== null && b.readUInt32LE(k + 16) !== parent) this.problem(shown, null, 'parent link does not point at the parent key');
    const key: HiveKey = { name, path: keyPath, subkeys: [], values: [] };

    const security = b.readUInt32LE(k + 44);
    if (security !== HCELL_NIL && this.cell(security, shown, null, 'security') !== null && this.sig(security) !== 'sk') {
      this.problem(shown, null, `security cell 0x${security.toString(16)} is not "sk"`);
    }
    const classLength = b.readUInt16LE(k + 74);
    const classCell = b.readUInt32LE(k + 48);
    if (classLength > 0 && classCell !== HCELL_NIL) {
      const cs = this.cell(classCell, shown, null, 'class name');
      if (cs !== null && classLength > cs) this.problem(shown, null, `class name of ${classLength} bytes is longer than its cell`);
    }

    this.readValues(k, shown, key);

    const subkeyCount = b.readUInt32LE(k + 20);
    const list = b.readUInt32LE(k + 28);
    const children: number[] = [];
    if (subkeyCount > 0) {
      if (list === HCELL_NIL) this.problem(shown, null, `${subkeyCount} subkeys but no subkey list`);
      else this.readIndex(list, shown, children, 0);
      if (children.length !== subkeyCount) this.problem(shown, null, `subkey count ${subkeyCount}, but the subkey list holds ${children.length}`);
    }
    for (const child of children) {
      const sub = this.peekName(child);
      const childPath = keyPath ? `${keyPath}\\${sub ?? '?'}` : sub ?? '?';
      const s = this.readKey(child, index, childPath, false);
      if (s) key.subkeys.push(s);
    }
    return key;
  }

  private peekName(index: number): string | null {
    const size = this.cellSize(index);
    if (size === undefined || size < 76 || this.sig(index) !== 'nk') return null;
    const k = this.at(index);
    const n = this.b.readUInt16LE(k + 72);
    if (76 + n > size) return null;
    return cellName(this.b, k + 76, n, (this.b.readUInt16LE(k + 2) & KEY_COMP_NAME) !== 0);
  }

  /** Collects the key cells of a subkey index ("lf", "lh", "li", or "ri" over those). */
  private readIndex(index: number, key: string, out: number[], depth: number): void {
    const size = this.cell(index, key, null, 'subkey list');
    if (size === null) return;
    const b = this.b;
    const p = this.at(index);
    const sig = this.sig(index);
    const count = b.readUInt16LE(p + 2);
    const entry = sig === 'lf' || sig === 'lh' ? 8 : sig === 'li' || sig === 'ri' ? 4 : 0;
    if (entry === 0 || (sig === 'ri' && depth > 0)) {
      this.problem(key, null, `subkey list cell 0x${index.toString(16)} has signature "${sig}"`);
      return;
    }
    if (4 + count * entry > size) {
      this.problem(key, null, `subkey list of ${count} entries is longer than its cell`);
      return;
    }
    for (let i = 0; i < count; i++) {
      const child = b.readUInt32LE(p + 4 + i * entry);
      if (sig === 'ri') this.readIndex(child, key, out, depth + 1);
      else out.push(child);
    }
  }

  private readValues(k: number, key: string, into: HiveKey): void {
    const b = this.b;
    const count = b.readUInt32LE(k + 36);
    const list = b.readUInt32LE(k + 40);
    if (count === 0) return;
    const size = list === HCELL_NIL ? null : this.cell(list, key, null, 'value list');
    if (size === null) {
      if (list === HCELL_NIL) this.problem(key, null, `${count} values but no value list`);
      return;
    }
    if (count * 4 > size) {
      this.problem(key, null, `value list of ${count} entries is longer than its cell`);
      return;
    }
    for (let i = 0; i < count; i++) {
      const v = this.readValue(b.readUInt32LE(this.at(list) + i * 4), key);
      if (v) into.values.push(v);
    }
  }

  private readValue(index: number, key: string): HiveValue | null {
    const size = this.cell(index, key, null, 'value');
    if (size === null) return null;
    const b = this.b;
    const p = this.at(index);
    if (size < 20 || this.sig(index) !== 'vk') {
      this.problem(key, null, `value cell 0x${index.toString(16)} is not "vk"`);
      return null;
    }
    const nameLength = b.readUInt16LE(p + 2);
    if (20 + nameLength > size) {
      this.problem(key, null, `value name of ${nameLength} bytes is longer than its cell`);
      return null;
    }
    const name = cellName(b, p + 20, nameLength, (b.readUInt16LE(p + 16) & VALUE_COMP_NAME) !== 0);
    const shownName = name || '(default)';
    const rawLength = b.readUInt32LE(p + 4);
    const dataCell = b.readUInt32LE(p + 8);
    const type = b.readUInt32LE(p + 12);
    const length = (rawLength & ~INLINE_DATA) >>> 0;
    if (rawLength & INLINE_DATA) {
      if (length > 4) {
        this.problem(key, shownName, `inline data of ${length} bytes (at most 4 fit)`);
        return null;
      }
      return { name, type, data: Buffer.from(b.subarray(p + 8, p + 8 + length)) };
    }
    if (length === 0) return { name, type, data: Buffer.alloc(0) };
    const dataSize = this.cell(dataCell, key, shownName, 'value data');
    if (dataSize === null) return null;
    if (length > BIG_DATA && this.minor >= 4 && this.sig(dataCell) === 'db') return this.readBigData(dataCell, key, shownName, name, type, length);
    if (length > dataSize) {
      this.problem(key, shownName, `${length} bytes of data in a ${dataSize}-byte cell: the data runs past its cell`);
      return null;
    }
    const d = this.at(dataCell);
    return { name, type, data: Buffer.from(b.subarray(d, d + length)) };
  }

  private readBigData(index: number, key: string, shownName: string, name: string, type: number, length: number): HiveValue | null {
    const b = this.b;
    const p = this.at(index);
    const count = b.readUInt16LE(p + 2);
    const list = b.readUInt32LE(p + 4);
    const listSize = this.cell(list, key, shownName, 'big data segment list');
    if (listSize === null) return null;
    if (count * 4 > listSize) {
      this.problem(key, shownName, `big data segment list of ${count} entries is longer than its cell`);
      return null;
    }
    const parts: Buffer[] = [];
    let left = length;
    for (let i = 0; i < count && left > 0; i++) {
      const seg = b.readUInt32LE(this.at(list) + i * 4);
      const segSize = this.cell(seg, key, shownName, 'big data segment');
      if (segSize === null) return null;
      const n = Math.min(left, BIG_DATA, segSize);
      parts.push(b.subarray(this.at(seg), this.at(seg) + n));
      left -= n;
    }
    if (left > 0) {
      this.problem(key, shownName, `big data of ${length} bytes, but its segments hold ${length - left}`);
      return null;
    }
    return { name, type, data: Buffer.concat(parts) };
  }
}

/** Reads and checks a hive file's contents. */
export function readHive(buf: Buffer): HiveReport {
  return new HiveReader(buf).read();
}

/** A key by path (case-insensitive, '\' separated), or null. */
export function findKey(root: HiveKey, keyPath: string): HiveKey | null {
  let k: HiveKey | undefined = root;
  for (const part of keyPath.split('\\').filter(Boolean)) {
    k = k.subkeys.find((s) => s.name.toLowerCase() === part.toLowerCase());
    if (!k) return null;
  }
  return k;
}

export function findValue(key: HiveKey, name: string): HiveValue | null {
  return key.values.find((v) => v.name.toLowerCase() === name.toLowerCase()) ?? null;
}

/** A string value's text (REG_SZ/REG_EXPAND_SZ without the terminator; REG_MULTI_SZ as a list). */
export function valueStrings(v: HiveValue): string[] {
  const text = v.data.toString('utf16le', 0, v.data.length & ~1);
  const parts = text.split('\0');
  if (v.type !== REG_MULTI_SZ) return [parts[0] ?? ''];
  while (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
