// Hive checks around mkhive (generator/src/vm/hive.ts, hive-check.ts): the regf reader on hives
// built here cell by cell, the --inf lint, and, when a ReactOS build is configured, the build's
// own mkhive overriding values that earlier .inf files set (the defect of issue 17: mkhive
// copied longer data into the old data cell and overwrote the cells after it).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baseBlockChecksum, findKey, findValue, readHive, REG_DWORD, REG_SZ, valueStrings } from '../../generator/src/vm/hive.ts';
import { checkHives, hiveLocation, lintInf } from '../../generator/src/vm/hive-check.ts';
import { hiveInputs, lxssTestInf } from '../../generator/src/vm/boot-medium.ts';
import { resolveBuildDir } from '../../generator/src/vm/config.ts';
import { inspectBuild } from '../../generator/src/vm/reactos-build.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'lxss-hive-'));

/** A one-bin hive written cell by cell, as a hive writer lays it out. */
class HiveBuilder {
  private readonly bin = Buffer.alloc(4096);
  private next = 32;

  /** Allocates a cell for `data` (rounded up to 8 with its size field); returns its index. */
  cell(data: Buffer, size = Math.ceil((data.length + 4) / 8) * 8): number {
    const at = this.next;
    this.bin.writeInt32LE(-size, at);
    data.copy(this.bin, at + 4);
    this.next += size;
    return at;
  }

  nk(name: string, parent: number, values: number[]): number {
    const list = values.length ? this.cell(Buffer.from(new Uint32Array(values).buffer)) : 0xffffffff;
    const b = Buffer.alloc(76 + name.length);
    b.write('nk', 0, 'latin1');
    b.writeUInt16LE(name ? 0x20 : 0x2c, 2); // compressed name (+ hive entry, no delete for the root)
    b.writeUInt32LE(parent, 16);
    b.writeUInt32LE(0, 20);
    b.writeUInt32LE(0xffffffff, 28);
    b.writeUInt32LE(0xffffffff, 32);
    b.writeUInt32LE(values.length, 36);
    b.writeUInt32LE(list, 40);
    b.writeUInt32LE(0xffffffff, 44);
    b.writeUInt32LE(0xffffffff, 48);
    b.writeUInt16LE(name.length, 72);
    b.write(name, 76, 'latin1');
    return this.cell(b);
  }

  vk(name: string, type: number, data: Buffer, dataCellSize?: number): number {
    const b = Buffer.alloc(20 + name.length);
    b.write('vk', 0, 'latin1');
    b.writeUInt16LE(name.length, 2);
    b.writeUInt32LE(type, 12);
    b.writeUInt16LE(1, 16); // compressed name
    b.write(name, 20, 'latin1');
    if (data.length <= 4) {
      b.writeUInt32LE((data.length | 0x80000000) >>> 0, 4);
      data.copy(b, 8);
      return this.cell(b);
    }
    // The value cell, then its data cell (so whatever is allocated next follows the data).
    b.writeUInt32LE(data.length, 4);
    const vk = this.cell(b);
    this.bin.writeUInt32LE(this.cell(data.subarray(0, dataCellSize ? dataCellSize - 4 : data.length), dataCellSize), vk + 4 + 8);
    return vk;
  }

  /** Sets the subkeys of a key (an "lf" list), fixing their parent links. */
  subkeys(key: number, children: number[]): void {
    const lf = Buffer.alloc(4 + children.length * 8);
    lf.write('lf', 0, 'latin1');
    lf.writeUInt16LE(children.length, 2);
    children.forEach((c, i) => lf.writeUInt32LE(c, 4 + i * 8));
    const list = this.cell(lf);
    this.bin.writeUInt32LE(children.length, key + 4 + 20);
    this.bin.writeUInt32LE(list, key + 4 + 28);
    for (const c of children) this.bin.writeUInt32LE(key, c + 4 + 16);
  }

  /** Raw access to the bin, to damage it. */
  get raw(): Buffer {
    return this.bin;
  }

  done(root: number): Buffer {
    // The rest of the bin is one free cell.
    if (this.next < 4096) this.bin.writeInt32LE(4096 - this.next, this.next);
    const head = Buffer.alloc(4096);
    head.write('regf', 0, 'latin1');
    head.writeUInt32LE(1, 4);
    head.writeUInt32LE(1, 8);
    head.writeUInt32LE(1, 20);
    head.writeUInt32LE(5, 24);
    head.writeUInt32LE(1, 32);
    head.writeUInt32LE(root, 36);
    head.writeUInt32LE(4096, 40);
    head.writeUInt32LE(1, 44);
    head.writeUInt32LE(baseBlockChecksum(head), 508);
    this.bin.write('hbin', 0, 'latin1');
    this.bin.writeUInt32LE(0, 4);
    this.bin.writeUInt32LE(4096, 8);
    return Buffer.concat([head, this.bin]);
  }
}

const sz = (s: string) => Buffer.from(`${s}\0`, 'utf16le');
const dword = (n: number) => Buffer.from(new Uint32Array([n]).buffer);

/** root -> Setup { CmdLine = cmdLine (in a data cell of dataCellSize), Flag = 1 }, then a key after it. */
function sampleHive(cmdLine: string, dataCellSize?: number) {
  const h = new HiveBuilder();
  const root = h.nk('', 0, []);
  const cmd = h.vk('CmdLine', REG_SZ, sz(cmdLine), dataCellSize);
  const flag = h.vk('Flag', REG_DWORD, dword(1));
  const setup = h.nk('Setup', root, [cmd, flag]);
  const after = h.nk('After', root, []);
  h.subkeys(root, [setup, after]);
  return { h, root, cmd, setup };
}

describe('hive reader', () => {
  it('reads a sound hive: keys, values, names, types', () => {
    const { h, root } = sampleHive('setup -newsetup');
    const r = readHive(h.done(root));
    expect(r.problems).toEqual([]);
    const setup = findKey(r.root!, 'setup')!;
    expect(valueStrings(findValue(setup, 'cmdline')!)).toEqual(['setup -newsetup']);
    expect(findValue(setup, 'Flag')!.data.readUInt32LE(0)).toBe(1);
    expect(findKey(r.root!, 'After')).not.toBeNull();
  });

  it('finds a value whose data runs past its cell, and the cell it damaged, and names both', () => {
    // What the unpatched mkhive did: "cmd.exe /c C:\psxtest.cmd" (52 bytes) copied into the
    // 40-byte cell of "setup -newsetup", over the size field of the next cell.
    const { h, root, cmd } = sampleHive('setup -newsetup');
    const dataCell = h.raw.readUInt32LE(cmd + 4 + 8);
    const longer = sz('cmd.exe /c C:\\psxtest.cmd');
    longer.copy(h.raw, dataCell + 4);
    h.raw.writeUInt32LE(longer.length, cmd + 4 + 4);
    const r = readHive(h.done(root));
    expect(r.problems[0]).toEqual({ key: 'Setup', value: 'CmdLine', message: '52 bytes of data in a 36-byte cell: the data runs past its cell' });
    expect(r.problems.some((p) => p.value === 'CmdLine' && /has a bad size .* damaged from there \(right after this value's data\)/.test(p.message))).toBe(true);
  });

  it('refuses a bad checksum, a torn write, a wrong signature and a wrong parent link', () => {
    const sound = () => sampleHive('x'.repeat(10));
    let s = sound();
    const img = s.h.done(s.root);
    img.writeUInt32LE(img.readUInt32LE(508) ^ 1, 508);
    expect(readHive(img).problems.map((p) => p.message)).toEqual([expect.stringMatching(/^base block checksum/)]);

    s = sound();
    const torn = s.h.done(s.root);
    torn.writeUInt32LE(2, 8);
    torn.writeUInt32LE(baseBlockChecksum(torn), 508);
    expect(readHive(torn).problems[0]!.message).toMatch(/sequence numbers differ/);

    s = sound();
    s.h.raw.write('xx', s.cmd + 4, 'latin1');
    expect(readHive(s.h.done(s.root)).problems).toEqual([{ key: 'Setup', value: null, message: expect.stringMatching(/is not "vk"/) }]);

    s = sound();
    s.h.raw.writeUInt32LE(s.cmd, s.setup + 4 + 16);
    expect(readHive(s.h.done(s.root)).problems).toEqual([{ key: 'Setup', value: null, message: 'parent link does not point at the parent key' }]);
  });

  it('refuses a reference to a cell that is not allocated and a file that is not a hive', () => {
    const s = sampleHive('abc');
    const list = s.h.raw.readUInt32LE(s.setup + 4 + 40);
    s.h.raw.writeUInt32LE(0xf00, list + 4);
    expect(readHive(s.h.done(s.root)).problems.some((p) => p.key === 'Setup' && /cell 0xf00, which is not an allocated cell/.test(p.message))).toBe(true);
    expect(readHive(Buffer.from('not a hive')).problems).toEqual([{ key: null, value: null, message: 'no "regf" base block' }]);
  });
});

describe('--inf lint', () => {
  it('places root keys in the hives mkhive makes', () => {
    expect(hiveLocation('HKLM', 'SYSTEM\\CurrentControlSet\\Services\\X')).toEqual({ hive: 'system', path: 'controlset001\\services\\x' });
    expect(hiveLocation('HKCR', '.txt')).toEqual({ hive: 'software', path: 'classes\\.txt' });
    expect(hiveLocation('HKCU', 'Console')).toEqual({ hive: 'default', path: 'console' });
    expect(hiveLocation('HKLM', 'HARDWARE\\X')).toEqual({ error: expect.stringContaining('in none of the hives') });
    expect(hiveLocation('HKR', 'X')).toEqual({ error: expect.stringContaining('not one mkhive writes to') });
  });

  it('refuses, with file and line, what mkhive would silently skip or misread', () => {
    const f = path.join(tmp(), 'broken.inf');
    writeFileSync(
      f,
      [
        '[Version]',
        'Signature = "$Windows NT$"',
        '[AddReg]',
        'HKLM,"SYSTEM\\Setup","CmdLine",0x00020000,"cmd.exe /c C:\\psxtest.cmd"',
        'HKLX,"SYSTEM\\Setup","X",0x00000000,"y"',
        'HKLM,"SYSTEM\\Setup","Y",0x0001000l,1',
        'HKLM,"SYSTEM\\Setup","Z",0x00010001,one',
        'HKLM,"SYSTEM\\Setup","Q",0x00000000,"open',
        '[AddRegs]',
        'HKLM,"SYSTEM\\Setup","W",0x00000000,"w"',
      ].join('\r\n'),
    );
    expect(lintInf(f)).toEqual([
      `${f}:8: a quote is not closed`,
      `${f}:5: root key "HKLX" is not one mkhive writes to (HKLM, HKCU, HKU, HKCR)`,
      `${f}:6: flags "0x0001000l" are not a number`,
      `${f}:7: REG_DWORD data "one" is not a number`,
      `${f}:10: mkhive reads only [AddReg] and [DelReg]; section [addregs] would be ignored`,
    ]);
    const good = path.join(tmp(), 'good.inf');
    writeFileSync(good, lxssTestInf());
    expect(lintInf(good)).toEqual([]);
  });
});

// ---------------------------------------------------------------- with the build's mkhive

function mkhiveSkipReason(): string | null {
  const choice = resolveBuildDir(undefined);
  if (!choice) return 'no ReactOS build configured (set LXSS_REACTOS_BUILD or ~/.config/lxss/config.json reactosBuild)';
  try {
    inspectBuild(choice.dir);
  } catch (e) {
    return (e as Error).message;
  }
  return null;
}
const mkhiveReason = mkhiveSkipReason();
if (mkhiveReason) console.log(`SKIP hives from the build's mkhive: ${mkhiveReason}`);

describe.skipIf(mkhiveReason !== null)("the build's mkhive", () => {
  function make(infText: string) {
    const build = inspectBuild(resolveBuildDir(undefined)!.dir);
    const dir = tmp();
    const lxss = path.join(dir, 'lxss-test.inf');
    writeFileSync(lxss, lxssTestInf());
    const user = path.join(dir, 'user.inf');
    writeFileSync(user, infText);
    const inputs = [...hiveInputs(build, lxss), user];
    const out = path.join(dir, 'hives');
    mkdirSync(out);
    execFileSync(build.mkhive, ['-h:SYSTEM,SOFTWARE,DEFAULT,SAM,SECURITY', `-d:${out}`, ...inputs], { stdio: 'ignore' });
    return { out, inputs, user };
  }

  it('overrides values that earlier .inf files set, longer and shorter, of every string type and DWORD, into hives that check clean', () => {
    const setup = 'HKLM,"SYSTEM\\Setup"';
    const sm = 'HKLM,"SYSTEM\\CurrentControlSet\\Control\\Session Manager"';
    const lines = [
      '[Version]',
      'Signature = "$Windows NT$"',
      '[AddReg]',
      // REG_EXPAND_SZ over livecd.inf's "setup -mini" (hivesys.inf: "setup -newsetup"): longer
      `${setup},"CmdLine",0x00020000,"cmd.exe /c C:\\psxtest.cmd"`,
      // REG_MULTI_SZ over lxss-test.inf's "lxtestrun": longer
      `${sm},"BootExecute",0x00010000,"ntbench","lxtestrun"`,
      // REG_SZ over hivesys.inf's "RAW", shorter; then one longer
      'HKLM,"SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment","OS",0x00000000,"X"',
      'HKLM,"SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment","PROCESSOR_ARCHITECTURE",0x00000000,"x86 and a much longer architecture name than before"',
      // REG_DWORD over a DWORD, and a DWORD over an inline-able value
      'HKLM,"SYSTEM\\CurrentControlSet\\Services\\BusLogic","Start",0x00010001,3',
      // a new value next to them
      `${setup},"LxssNew",0x00000000,"new"`,
    ];
    const { out, inputs, user } = make(lines.join('\r\n'));
    expect(checkHives(out, inputs, [user])).toEqual([]);
    const system = readHive(readFileSync(path.join(out, 'system'))).root!;
    expect(valueStrings(findValue(findKey(system, 'Setup')!, 'CmdLine')!)).toEqual(['cmd.exe /c C:\\psxtest.cmd']);
    expect(valueStrings(findValue(findKey(system, 'ControlSet001\\Control\\Session Manager')!, 'BootExecute')!)).toEqual(['ntbench', 'lxtestrun']);
    expect(valueStrings(findValue(findKey(system, 'ControlSet001\\Control\\Session Manager\\Environment')!, 'OS')!)).toEqual(['X']);
  });

  it('shrinks a value back and grows it again without damage', () => {
    const sm = 'HKLM,"SYSTEM\\CurrentControlSet\\Control\\Session Manager"';
    const { out, inputs, user } = make(
      ['[AddReg]', `${sm},"BootExecute",0x00010000,"a"`, ''].join('\r\n'),
    );
    expect(checkHives(out, inputs, [user])).toEqual([]);
    // A second file growing what the first shrank.
    const grow = path.join(path.dirname(user), 'grow.inf');
    writeFileSync(grow, ['[AddReg]', `${sm},"BootExecute",0x00010000,"${'long'.repeat(40)}","b","c"`, ''].join('\r\n'));
    const out2 = path.join(path.dirname(out), 'hives2');
    mkdirSync(out2);
    const build = inspectBuild(resolveBuildDir(undefined)!.dir);
    execFileSync(build.mkhive, ['-h:SYSTEM,SOFTWARE,DEFAULT,SAM,SECURITY', `-d:${out2}`, ...inputs, grow], { stdio: 'ignore' });
    expect(existsSync(path.join(out2, 'system'))).toBe(true);
    expect(checkHives(out2, [...inputs, grow], [user, grow])).toEqual([]);
  });
});
