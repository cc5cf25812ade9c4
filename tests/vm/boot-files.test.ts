// lxgen test refuses a build that lacks files the boot needs (generator/src/vm/boot-files.ts),
// naming each file and the ninja target that makes it (build-ninja.ts). The fixture
// (tests/vm/fixtures/boot-files/) is a build dir whose NLS table c_1252.nls and boot driver
// disk.sys were not built; calc.exe (not needed to boot) is missing too.
import { describe, expect, it } from 'vitest';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import {
  applyInf, bootDriverNeeds, bootNeeds, infNumber, missingBootFilesMessage, missingNeeds, nlsNeeds, parseInf, peImports,
  readInfText, readSystemHive, type SystemHive,
} from '../../generator/src/vm/boot-files.ts';
import { indexNinja, ninjaLines, parseBuildLine, readNinjaIndex, targetFor } from '../../generator/src/vm/build-ninja.ts';
import { assembleBootMedium, lxssTestInf, plannedFiles } from '../../generator/src/vm/boot-medium.ts';
import { inspectBuild, parsePathList } from '../../generator/src/vm/reactos-build.ts';
import { ROOT } from '../../generator/src/paths.ts';

const FIXTURE = path.join(ROOT, 'tests/vm/fixtures/boot-files');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'lxss-bootfiles-'));
const put = (file: string, data: string | Buffer) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
};

/** A copy of the fixture with @BUILD@ and @SOURCE@ filled in: { build, source } directories. */
function fixture(): { build: string; source: string } {
  const root = tmp();
  cpSync(FIXTURE, root, { recursive: true });
  for (const line of readFileSync(path.join(FIXTURE, 'produced.txt'), 'utf8').split('\n'))
    if (line && !line.startsWith('#')) put(path.join(root, line), 'lxgen test fixture: stands for a file the build produced\n');
  const build = path.join(root, 'build');
  const source = path.join(root, 'source');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const text = readFileSync(p, 'utf8');
        if (text.includes('@BUILD@') || text.includes('@SOURCE@')) {
          writeFileSync(p, text.replaceAll('@BUILD@', build).replaceAll('@SOURCE@', source));
        }
      }
    }
  };
  walk(root);
  chmodSync(path.join(build, 'host-tools/bin/mkhive'), 0o755);
  return { build, source };
}

/** The hive inputs as boot-medium.ts passes them to mkhive for the fixture. */
function hiveInputs(build: string, source: string): string[] {
  const lxss = path.join(build, 'lxss-test.inf');
  writeFileSync(lxss, lxssTestInf());
  const bd = path.join(source, 'boot/bootdata');
  return [path.join(build, 'boot/bootdata/registry.inf'), ...['livecd', 'caroots', 'hiveinst'].map((n) => path.join(bd, `${n}.inf`)), lxss];
}

function fixtureNeeds(opts: { smp?: boolean } = {}) {
  const { build, source } = fixture();
  const files = plannedFiles(parsePathList(readFileSync(path.join(build, 'boot/livecd.Debug.lst'), 'utf8')), opts);
  const bootsect = path.join(build, 'boot/freeldr/bootsect');
  const needs = bootNeeds({
    files,
    hiveInputs: hiveInputs(build, source),
    buildFiles: [{ src: path.join(bootsect, 'dosmbr.bin'), why: 'MBR boot code' }, { src: path.join(bootsect, 'fat.bin'), why: 'boot sector' }],
    smp: opts.smp,
  });
  return { build, source, needs };
}

/** A minimal PE32 image whose import directory names `dlls`. */
function fakePe(dlls: string[]): Buffer {
  const buf = Buffer.alloc(0x400);
  buf.write('MZ', 0, 'latin1');
  buf.writeUInt32LE(0x40, 0x3c);
  buf.write('PE\0\0', 0x40, 'latin1');
  buf.writeUInt16LE(0x14c, 0x44); // i386
  buf.writeUInt16LE(1, 0x46); // one section
  buf.writeUInt16LE(224, 0x54); // SizeOfOptionalHeader
  const opt = 0x58;
  buf.writeUInt16LE(0x10b, opt); // PE32
  buf.writeUInt32LE(16, opt + 92); // NumberOfRvaAndSizes
  const idataRva = 0x1000;
  buf.writeUInt32LE(idataRva, opt + 96 + 8); // import directory
  buf.writeUInt32LE((dlls.length + 1) * 20, opt + 96 + 12);
  const sec = opt + 224;
  buf.write('.idata', sec, 'latin1');
  buf.writeUInt32LE(0x200, sec + 8); // VirtualSize
  buf.writeUInt32LE(idataRva, sec + 12);
  buf.writeUInt32LE(0x200, sec + 16); // SizeOfRawData
  buf.writeUInt32LE(0x200, sec + 20); // PointerToRawData
  let name = 0x200 + (dlls.length + 1) * 20;
  dlls.forEach((dll, i) => {
    buf.writeUInt32LE(idataRva + (name - 0x200), 0x200 + i * 20 + 12);
    buf.write(`${dll}\0`, name, 'latin1');
    name += dll.length + 1;
  });
  return buf;
}

describe('build.ninja: which target makes a file', () => {
  it('splits a build line, unescaping $ , $: and $$ and expanding variables', () => {
    const vars = new Map([['cmake_ninja_workdir', '/b/'], ['x', 'X']]);
    const st = parseBuildLine('out$ one a$:b | ${cmake_ninja_workdir}impl: RULE in$$1 $x/two | dep || order |@ check', vars);
    expect(st).toEqual({
      outputs: ['out one', 'a:b'], implicitOutputs: ['/b/impl'], rule: 'RULE', inputs: ['in$1', 'X/two'], implicitInputs: ['dep'], orderOnly: ['order'],
    });
    expect(parseBuildLine('a: CC b c', vars, true)).toMatchObject({ outputs: ['a'], rule: 'CC', inputs: [] });
  });

  it('joins $-continued lines and skips comments and indented bindings; $$ at a line end does not continue', () => {
    const text = [
      '# build commented: phony x',
      'top = v$$',
      'build a: phony $',
      '    b $',
      '    c',
      '  COMMAND = build not-a-statement $',
      '    still the binding',
      'build d: phony e',
    ].join('\n');
    expect([...ninjaLines(text)]).toEqual(['top = v$$', 'build a: phony b c', 'build d: phony e']);
  });

  it('names the fixture build\'s targets: gen_nls over livecd, the $-continued disk statement, source files none', () => {
    const { build, source } = fixture();
    const idx = readNinjaIndex(build);
    expect(targetFor(idx, 'media/nls/c_1252.nls')).toBe('gen_nls'); // not livecd, which lists it too
    expect(targetFor(idx, path.join(build, 'media/nls/c_437.nls'))).toBe('gen_nls');
    expect(targetFor(idx, 'drivers/storage/class/disk/disk.sys')).toBe('disk'); // not disk.sys
    expect(targetFor(idx, 'ntoskrnl/ntoskrnl.exe')).toBe('ntoskrnl');
    expect(targetFor(idx, 'host-tools/bin/mkhive')).toBe('host-tools');
    expect(targetFor(idx, path.join(source, 'media/nls/l_intl.nls'))).toBeNull();
    expect(targetFor(idx, 'drivers/never/made.sys')).toBeNull();
  });

  it('names a byproduct by its statement, and a file no phony lists by its own path', () => {
    const idx = indexNinja(
      ['build out/main.sys out/main.map: LINK a.obj', 'build main: phony out/main.sys', 'build out/lone.bin: CUSTOM x', 'build all: phony out/lone.bin'].join('\n'),
      '/b',
    );
    expect(targetFor(idx, 'out/main.map')).toBe('main');
    expect(targetFor(idx, '/b/out/lone.bin')).toBe('out/lone.bin');
  });
});

describe('the hives the boot reads (.inf files)', () => {
  it('parses quotes, comments and continued lines', () => {
    const s = parseInf('[AddReg]\r\nHKLM,"a;b","say ""hi""" , 0x1 ; comment\r\nHKLM,\\\r\n  "c"\r\n[addreg]\r\nHKLM,"d"\r\n');
    expect(s.get('addreg')).toEqual([['HKLM', 'a;b', 'say "hi"', '0x1'], ['HKLM', 'c'], ['HKLM', 'd']]);
    expect([infNumber('0x10'), infNumber('010'), infNumber('12')]).toEqual([16, 8, 12]);
  });

  it('reads UTF-16 registry.inf files', () => {
    const f = path.join(tmp(), 'registry.inf');
    writeFileSync(f, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[AddReg]\r\nHKLM,"SYSTEM\\X","Start",0x00010001,0\r\n', 'utf16le')]));
    expect(readInfText(f)).toContain('HKLM,"SYSTEM\\X"');
    expect(readSystemHive([f]).get('system\\x')?.get('start')).toEqual({ type: 'dword', data: 0 });
  });

  it('applies [DelReg] before [AddReg], file by file, and honours NOCLOBBER', () => {
    const hive: SystemHive = new Map();
    const svc = 'HKLM,"SYSTEM\\CurrentControlSet\\Services\\A"';
    applyInf(hive, parseInf(`[AddReg]\n${svc},"Start",0x00010001,0\n${svc},"Type",0x00010001,1`));
    applyInf(hive, parseInf(`[AddReg]\n${svc},"Start",0x00010003,3\n[DelReg]\n${svc}`));
    // The second file's DelReg ran first, then its AddReg (NOCLOBBER on a fresh key: written).
    expect(hive.get('system\\currentcontrolset\\services\\a')).toEqual(new Map([['start', { type: 'dword', data: 3 }]]));
    applyInf(hive, parseInf(`[AddReg]\n${svc},"Start",0x00010003,0`));
    expect(hive.get('system\\currentcontrolset\\services\\a')?.get('start')).toEqual({ type: 'dword', data: 3 });
  });

  it('names the NLS files from CodePage ACP/OEMCP and Language Default, with FreeLdr\'s fallbacks', () => {
    const { build, source } = fixture();
    const inputs = hiveInputs(build, source);
    expect(nlsNeeds(readSystemHive(inputs)).map((n) => n.file)).toEqual(['c_1252.nls', 'c_437.nls', 'l_intl.nls']);
    const cyr = path.join(build, 'acp.inf');
    writeFileSync(cyr, '[AddReg]\nHKLM,"SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage","ACP",0x00000000,"1251"\n');
    expect(nlsNeeds(readSystemHive([...inputs, cyr]))[0]).toMatchObject({ file: 'c_1251.nls', why: expect.stringContaining('ACP=1251') });
    // ACP names a code page without a file value: FreeLdr falls back to c_1252.nls (CORE-6105).
    writeFileSync(cyr, '[AddReg]\nHKLM,"SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage","ACP",0x00000000,"9999"\n');
    expect(nlsNeeds(readSystemHive([...inputs, cyr]))[0]!.file).toBe('c_1252.nls');
  });

  it('takes Start=0 services as boot drivers, after every .inf (BusLogic is off, OldFilter deleted), plus fastfat', () => {
    const { build, source } = fixture();
    const inputs = hiveInputs(build, source);
    expect(bootDriverNeeds(readSystemHive(inputs)).map((d) => d.file)).toEqual([
      'system32/drivers/disk.sys', 'system32/drivers/lxcore.sys', 'system32/drivers/fastfat.sys',
    ]);
    // Without lxss-test.inf, BusLogic (Start=0 in registry.inf) is a boot driver; without
    // livecd.inf's DelReg, OldFilter is one, at the default path (no ImagePath).
    expect(bootDriverNeeds(readSystemHive([inputs[0]!])).map((d) => d.file)).toEqual([
      'system32/drivers/buslogic.sys', 'system32/drivers/disk.sys', 'system32/drivers/oldfilter.sys', 'system32/drivers/lxcore.sys',
      'system32/drivers/fastfat.sys',
    ]);
  });
});

describe('PE imports', () => {
  it('reads the import directory of a PE image; other files have none', () => {
    expect(peImports(fakePe(['ntoskrnl.exe', 'CLASSPNP.SYS']))).toEqual(['ntoskrnl.exe', 'CLASSPNP.SYS']);
    expect(peImports(fakePe([]))).toEqual([]);
    expect(peImports(Buffer.from('lxgen test fixture: stands for a file the build produced\n'))).toBeNull();
  });

  it('needs what the boot drivers import, from their directory, transitively; loaded names are not needed again', () => {
    const { build, source } = fixture();
    const disk = path.join(build, 'drivers/storage/class/disk/disk.sys');
    put(disk, fakePe(['ntoskrnl.exe', 'HAL.dll', 'classpnp.sys']));
    const classpnp = path.join(build, 'drivers/storage/classpnp/classpnp.sys');
    put(classpnp, fakePe(['ntoskrnl.exe', 'scsiwmi.sys', 'disk.sys']));
    const files = [
      ...parsePathList(readFileSync(path.join(build, 'boot/livecd.Debug.lst'), 'utf8')),
      { dest: 'reactos/system32/drivers/classpnp.sys', src: classpnp },
    ];
    const needs = bootNeeds({ files, hiveInputs: hiveInputs(build, source) });
    const imported = needs.filter((n) => n.why.startsWith('imported by'));
    expect(imported.map((n) => [n.dest, n.src, n.why])).toEqual([
      ['reactos/system32/drivers/classpnp.sys', classpnp, 'imported by disk.sys'],
      ['reactos/system32/drivers/scsiwmi.sys', null, 'imported by classpnp.sys'],
    ]);
    const missing = missingNeeds(needs).filter((m) => m.why.startsWith('imported by'));
    expect(missingBootFilesMessage(missing, build, readNinjaIndex(build))).toBe(
      "the build lacks files needed to boot:\n  reactos/system32/drivers/scsiwmi.sys (not in the build's livecd list): imported by classpnp.sys",
    );
  });
});

describe('the refusal', () => {
  it('finds exactly the boot-critical files the fixture build lacks', () => {
    const { build, needs } = fixtureNeeds();
    expect(missingNeeds(needs).map((n) => path.relative(build, n.src!))).toEqual([
      'media/nls/c_1252.nls', 'drivers/storage/class/disk/disk.sys',
    ]);
    // What the boot needs and the fixture has, so none of it may be reported.
    const present = needs.filter((n) => n.dest).map((n) => n.dest);
    expect(present).toEqual(expect.arrayContaining([
      'loader/freeldr.sys', 'loader/rosload.exe', 'reactos/system32/ntoskrnl.exe', 'reactos/system32/hal.dll', 'reactos/system32/kdcom.dll',
      'reactos/system32/bootvid.dll', 'reactos/system32/c_437.nls', 'reactos/system32/l_intl.nls', 'reactos/system32/ntdll.dll',
      'reactos/system32/smss.exe', 'reactos/system32/drivers/fastfat.sys', 'reactos/system32/drivers/lxcore.sys',
    ]));
    expect(needs.filter((n) => !n.dest).map((n) => path.basename(n.src!))).toEqual([
      'dosmbr.bin', 'fat.bin', 'registry.inf', 'livecd.inf', 'caroots.inf', 'hiveinst.inf', 'lxss-test.inf',
    ]);
  });

  it('says which file, why, and which ninja target, then the command', () => {
    const { build, needs } = fixtureNeeds();
    expect(missingBootFilesMessage(missingNeeds(needs), build).split('\n')).toEqual([
      'the build lacks files needed to boot:',
      '  media/nls/c_1252.nls (ninja gen_nls): ANSI code page (Control\\Nls\\CodePage ACP=1252, FreeLdr loads it)',
      '  drivers/storage/class/disk/disk.sys (ninja disk): boot driver (Services\\disk Start=0)',
      `build them with: ninja -C ${build} gen_nls disk`,
    ]);
  });

  it('with --smp needs the multiprocessor kernel under the kernel\'s name', () => {
    const { build, needs } = fixtureNeeds({ smp: true });
    const msg = missingBootFilesMessage(missingNeeds(needs), build);
    expect(msg).toContain("  ntoskrnl/ntkrnlmp/ntkrnlmp.exe (ninja ntkrnlmp): kernel (--smp: the build's ntkrnlmp.exe)");
    expect(msg).toMatch(/ninja -C \S+ ntkrnlmp gen_nls disk$/);
    expect(msg).not.toContain('halmacpi');
  });

  it('names files no statement makes and works without build.ninja', () => {
    const { build, source, needs } = fixtureNeeds();
    const gone = { dest: 'reactos/system32/l_intl.nls', src: path.join(source, 'media/nls/l_intl.nls'), why: 'Unicode case table' };
    const idx = readNinjaIndex(build);
    expect(missingBootFilesMessage([gone], build, idx)).toBe(
      `the build lacks files needed to boot:\n  ${gone.src} (no statement of build.ninja makes it): Unicode case table`,
    );
    expect(missingBootFilesMessage(missingNeeds(needs), build, null).split('\n')[1]).toBe(
      '  media/nls/c_1252.nls (build.ninja not read): ANSI code page (Control\\Nls\\CodePage ACP=1252, FreeLdr loads it)',
    );
  });

  it('assembleBootMedium refuses before mkhive, and goes on once the files are there', async () => {
    const { build } = fixture();
    const work = tmp();
    await expect(assembleBootMedium(inspectBuild(build), work)).rejects.toThrow(
      /^the build lacks files needed to boot:\n {2}media\/nls\/c_1252\.nls \(ninja gen_nls\)[^\n]*\n {2}drivers\/storage\/class\/disk\/disk\.sys \(ninja disk\)/,
    );
    put(path.join(build, 'media/nls/c_1252.nls'), 'built\n');
    put(path.join(build, 'drivers/storage/class/disk/disk.sys'), 'built\n');
    // calc.exe is still missing: not needed to boot, so the fixture's (failing) mkhive runs.
    await expect(assembleBootMedium(inspectBuild(build), work)).rejects.toThrow(/mkhive failed: .*fixture mkhive/s);
  });
});

describe('lxgen test --build <a build lacking boot files>', () => {
  it('exits non-zero with the refusal and never starts QEMU', async () => {
    const { build } = fixture();
    const marker = path.join(tmp(), 'qemu-started');
    const fakeQemu = path.join(path.dirname(marker), 'qemu');
    writeFileSync(fakeQemu, `#!/bin/sh\ntouch ${marker}\nsleep 300\n`);
    chmodSync(fakeQemu, 0o755);
    // a run that went on to boot would start the fake QEMU (the marker) and sit in it past
    // the timeout: no exit status 1
    const r = await execa(process.execPath, [path.join(ROOT, 'generator/bin/lxgen.js'), 'test', '--build', build, '--boot-only'], {
      cwd: ROOT,
      reject: false,
      env: { LXSS_QEMU: fakeQemu },
      timeout: 120_000,
    });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('lxgen test: the build lacks files needed to boot:\n  media/nls/c_1252.nls (ninja gen_nls)');
    expect(r.stderr).toContain(`build them with: ninja -C ${build} gen_nls disk`);
    expect(r.stdout).not.toContain('booting QEMU');
    expect(existsSync(marker)).toBe(false);
  }, 130_000);
});
