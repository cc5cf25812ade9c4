// Host-side pieces of `lxgen test` that need no ReactOS build: build-dir resolution, the
// livecd path list, test selection and the plan, the payload disk (mtools), QEMU arguments.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { resolveBuildDir, userConfigFile } from '../../generator/src/vm/config.ts';
import { parsePathList, inspectBuild } from '../../generator/src/vm/reactos-build.ts';
import { freeldrIni, lxssTestInf, selectFiles, substituteSmpFiles } from '../../generator/src/vm/boot-medium.ts';
import { makePayloadImage, matchesFilter, planTests, planText, readManifest } from '../../generator/src/vm/payload.ts';
import { qemuArgs } from '../../generator/src/vm/qemu.ts';
import { runTests } from '../../generator/src/commands/test.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'lxss-vm-'));

function hasMtools(): boolean {
  try {
    execFileSync('mformat', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('build directory resolution', () => {
  it('prefers --build, then LXSS_REACTOS_BUILD, then the user config file', () => {
    const home = tmp();
    const env = { HOME: home } as NodeJS.ProcessEnv;
    expect(resolveBuildDir(undefined, env)).toBeNull();
    mkdirSync(path.join(home, '.config', 'lxss'), { recursive: true });
    writeFileSync(userConfigFile(env), JSON.stringify({ reactosBuild: '~/ros/build' }));
    expect(resolveBuildDir(undefined, env)).toMatchObject({ dir: path.join(home, 'ros/build'), from: 'config' });
    expect(resolveBuildDir(undefined, { ...env, LXSS_REACTOS_BUILD: '/b/env' })).toMatchObject({ dir: '/b/env', from: 'env' });
    expect(resolveBuildDir('/b/flag', { ...env, LXSS_REACTOS_BUILD: '/b/env' })).toMatchObject({ dir: '/b/flag', from: 'flag' });
    expect(userConfigFile({ XDG_CONFIG_HOME: '/x', HOME: home })).toBe('/x/lxss/config.json');
  });

  it('rejects a malformed config file with its name', () => {
    const home = tmp();
    mkdirSync(path.join(home, '.config', 'lxss'), { recursive: true });
    writeFileSync(path.join(home, '.config', 'lxss', 'config.json'), '{"reactosBuild": 3}');
    expect(() => resolveBuildDir(undefined, { HOME: home })).toThrow(/reactosBuild.*must be a string/);
  });

  it('says what is wrong with a directory that is not a ReactOS build', () => {
    const d = tmp();
    expect(() => inspectBuild(d)).toThrow(/not a CMake build directory/);
    writeFileSync(path.join(d, 'CMakeCache.txt'), 'CMAKE_HOME_DIRECTORY:INTERNAL=/nonexistent\n');
    expect(() => inspectBuild(d)).toThrow(/does not point at a ReactOS source tree/);
  });
});

describe('boot medium inputs', () => {
  it('parses the build path list and leaves out files the build did not produce', () => {
    const d = tmp();
    writeFileSync(path.join(d, 'ntoskrnl.exe'), 'x');
    const entries = parsePathList(
      `${d}/empty\nreactos/system32/ntoskrnl.exe=${d}/ntoskrnl.exe\nreactos/explorer.exe=${d}/explorer.exe\n` +
        `freeldr.ini=${d}/livecd.ini\nreactos/system32/config/system=${d}/system\n`,
    );
    expect(entries.map((e) => e.dest)).toEqual([
      'reactos/system32/ntoskrnl.exe', 'reactos/explorer.exe', 'freeldr.ini', 'reactos/system32/config/system',
    ]);
    const { keep, missing } = selectFiles(entries);
    expect(keep.map((e) => e.dest)).toEqual(['reactos/system32/ntoskrnl.exe']);
    expect(missing).toEqual(['reactos/explorer.exe']);
  });

  it('boots at once with the debugger on COM1 and runs the runner from BootExecute', () => {
    const ini = freeldrIni();
    expect(ini).toMatch(/TimeOut=0/);
    expect(ini).toMatch(/Options=.*\/DEBUGPORT=COM1.*\/KDSERIAL/);
    expect(lxssTestInf()).toContain(String.raw`HKLM,"SYSTEM\CurrentControlSet\Control\Session Manager","BootExecute",0x00010000,"lxtestrun"`);
  });

  it('installs the NIC in the hives as network setup would: its Enum key for both HALs, the class key NDIS reads, a static address for tcpip.sys', () => {
    const inf = lxssTestInf();
    for (const instance of ['2&b3ac4ede&03', '3&609b8881&03']) {
      expect(inf).toContain(`HKLM,"SYSTEM\\CurrentControlSet\\Enum\\PCI\\VEN_1022&DEV_2000&SUBSYS_00000000&REV_10\\${instance}","Service",0x00000000,"PCNet"`);
      expect(inf).toContain(`HKLM,"SYSTEM\\CurrentControlSet\\Enum\\PCI\\VEN_1022&DEV_2000&SUBSYS_00000000&REV_10\\${instance}","Driver",0x00000000,"{4D36E972-E325-11CE-BFC1-08002BE10318}\\0000"`);
    }
    expect(inf).toMatch(/Class\\\{4D36E972-E325-11CE-BFC1-08002BE10318\}\\0000\\Linkage","Export",0x00000000,"\\Device\\\{[0-9A-F-]+\}"/);
    expect(inf).toMatch(/Tcpip\\Parameters\\Interfaces\\\{[0-9A-F-]+\}","EnableDHCP",0x00010001,0x00000000/);
    expect(inf).toMatch(/Interfaces\\\{[0-9A-F-]+\}","IPAddress",0x00010000,"10\.0\.2\.15"/);
  });
});

describe('multiprocessor boot medium (--smp)', () => {
  const list = (names: string[]) => names.map((n) => ({ dest: `reactos/system32/${n}`, src: `/b/${n}` }));

  it('boots ntkrnlmp.exe as ntoskrnl.exe and halmacpi.dll as hal.dll, nothing else changed', () => {
    const keep = list(['ntoskrnl.exe', 'ntkrnlmp.exe', 'hal.dll', 'halmacpi.dll', 'halacpi.dll', 'smss.exe']);
    const out = substituteSmpFiles(keep);
    expect(out).toEqual([
      { dest: 'reactos/system32/ntoskrnl.exe', src: '/b/ntkrnlmp.exe' },
      { dest: 'reactos/system32/ntkrnlmp.exe', src: '/b/ntkrnlmp.exe' },
      { dest: 'reactos/system32/hal.dll', src: '/b/halmacpi.dll' },
      { dest: 'reactos/system32/halmacpi.dll', src: '/b/halmacpi.dll' },
      { dest: 'reactos/system32/halacpi.dll', src: '/b/halacpi.dll' },
      { dest: 'reactos/system32/smss.exe', src: '/b/smss.exe' },
    ]);
    expect(keep[0]!.src).toBe('/b/ntoskrnl.exe'); // the input list is left alone
  });

  it('says which multiprocessor module the build has not produced', () => {
    expect(() => substituteSmpFiles(list(['ntoskrnl.exe', 'hal.dll', 'halmacpi.dll']))).toThrow(/ntkrnlmp\.exe.*ninja ntkrnlmp/);
    expect(() => substituteSmpFiles(list(['ntoskrnl.exe', 'ntkrnlmp.exe', 'hal.dll']))).toThrow(/halmacpi\.dll.*ninja halmacpi/);
  });

  it('refuses a multiprocessor kernel older than the uniprocessor one (a build of ntoskrnl alone)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lxss-smp-'));
    try {
      const files = ['ntoskrnl.exe', 'ntkrnlmp.exe', 'hal.dll', 'halmacpi.dll'].map((n) => ({ dest: `reactos/system32/${n}`, src: path.join(dir, n) }));
      for (const f of files) writeFileSync(f.src, 'stands for a built module\n');
      expect(substituteSmpFiles(files)[0]!.src).toBe(path.join(dir, 'ntkrnlmp.exe')); // same age: fine
      const hourAgo = new Date(Date.now() - 3600_000);
      utimesSync(path.join(dir, 'ntkrnlmp.exe'), hourAgo, hourAgo);
      expect(() => substituteSmpFiles(files)).toThrow(/ntkrnlmp\.exe is older than .*ntoskrnl\.exe.*ninja -C <build> ntkrnlmp/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts 1 to 8 CPUs (flat logical APIC mode) and nothing else', async () => {
    for (const bad of ['0', '9', '1.5', 'two']) {
      await expect(runTests(['--smp', bad, '--build', '/nonexistent'])).rejects.toThrow(/--smp must be a whole number of CPUs from 1 to 8/);
    }
  });
});

describe('test selection and plan', () => {
  const d = tmp();
  const manifest = path.join(d, 'manifest.json');
  writeFileSync(path.join(d, 'hello'), 'elf');
  writeFileSync(path.join(d, 'hello_asm'), 'elf');
  writeFileSync(path.join(d, 'mmap_basic'), 'elf');
  writeFileSync(
    manifest,
    JSON.stringify([
      { name: 'hello', group: 'basic', needs: [], timeout: 5, path: 'hello' },
      { name: 'hello_asm', group: 'basic', needs: '-', timeout: 5, path: path.join(d, 'hello_asm'), exit: 7 },
      { name: 'mmap_basic', group: 'memory', needs: 'mmap,munmap', timeout: 20, path: 'mmap_basic' },
    ]),
  );

  it('reads the manifest, resolving paths next to it', () => {
    const m = readManifest(manifest);
    expect(m.map((e) => [e.name, e.path, e.exit, e.needs])).toEqual([
      ['hello', path.join(d, 'hello'), undefined, []],
      ['hello_asm', path.join(d, 'hello_asm'), 7, []],
      ['mmap_basic', path.join(d, 'mmap_basic'), undefined, ['mmap', 'munmap']],
    ]);
  });

  it('filters by substring or glob and numbers the chosen tests from 1', () => {
    const m = readManifest(manifest);
    expect(planTests(m, 'memory/').map((t) => [t.id, t.name])).toEqual([[1, 'memory/mmap_basic']]);
    expect(planTests(m, 'basic/hello*').map((t) => t.name)).toEqual(['basic/hello', 'basic/hello_asm']);
    expect(planTests(m, 'asm,mmap').map((t) => t.name)).toEqual(['basic/hello_asm', 'memory/mmap_basic']);
    expect(matchesFilter('basic/hello', 'b?sic/*')).toBe(true);
    expect(matchesFilter('basic/hello', 'memory')).toBe(false);
  });

  it('writes the plan the runner parses (expected exit 7 for hello_asm)', () => {
    const text = planText(planTests(readManifest(manifest)));
    expect(text.split('\n').slice(1, 4)).toEqual([
      '1\tbasic/hello\telf/hello\t0\t5',
      '2\tbasic/hello_asm\telf/hello_asm\t7\t5',
      '3\tmemory/mmap_basic\telf/mmap_basic\t0\t20',
    ]);
  });

  it.runIf(hasMtools())('makes a partitioned FAT payload disk with the plan, the ELFs and /tmp', async () => {
    const img = path.join(d, 'payload.img');
    const tests = planTests(readManifest(manifest));
    await makePayloadImage(img, tests, 64);
    const raw = readFileSync(img);
    expect(raw.readUInt16LE(510)).toBe(0xaa55);
    expect(raw[446 + 4]).toBe(0x0e);
    expect(raw.readUInt32LE(446 + 8)).toBe(2048);
    const part = `${img}@@1048576`;
    const listing = execFileSync('mdir', ['-b', '-i', part, '::/elf'], { encoding: 'utf8' });
    expect(listing).toContain('hello_asm');
    expect(execFileSync('mtype', ['-i', part, '::/lxss-plan.txt'], { encoding: 'utf8' })).toBe(planText(tests));
    expect(execFileSync('mdir', ['-b', '-i', part, '::/'], { encoding: 'utf8' })).toMatch(/tmp/);
  });
  if (!hasMtools()) console.log('SKIP payload disk test: mtools (mformat) not installed');
});

describe('QEMU command line', () => {
  it('boots the disk headless with COM1 on stdio, no network and -no-reboot', () => {
    const a = qemuArgs({ bootDisk: '/m/boot.img', payload: '/r/payload.img', accel: 'tcg' });
    const s = a.join(' ');
    expect(s).toContain('accel=tcg');
    expect(s).toContain('file=/m/boot.img,format=raw,if=ide,index=0,media=disk,snapshot=on');
    expect(s).toContain('file=/r/payload.img,format=raw,if=ide,index=1,media=disk');
    expect(s).toContain('-serial chardev:com1');
    expect(a).toContain('-no-reboot');
    expect(a).toContain('-nodefaults');
    expect(a).not.toContain('-S');
    expect(qemuArgs({ bootDisk: 'i', payload: 'p', accel: 'kvm', gdb: true })).toEqual(expect.arrayContaining(['-s', '-S']));
  });

  it('has no NIC unless a host port is forwarded; then a PCnet on slot 3 of a restricted user network, hostfwd from 127.0.0.1 only', () => {
    expect(qemuArgs({ bootDisk: 'i', payload: 'p', accel: 'tcg' }).join(' ')).toContain('-nic none');
    const a = qemuArgs({ bootDisk: 'i', payload: 'p', accel: 'tcg', hostForward: { hostPort: 41000, guestPort: 7777 } });
    expect(a).not.toContain('-nic');
    expect(a[a.indexOf('-netdev') + 1]).toBe('user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:41000-10.0.2.15:7777');
    expect(a[a.indexOf('-device') + 1]).toBe('pcnet,netdev=net0,addr=0x3,romfile=');
  });

  it('asks for N virtual CPUs with --smp N, QEMU\'s default otherwise', () => {
    const a = qemuArgs({ bootDisk: 'i', payload: 'p', accel: 'tcg', smp: 2 });
    expect(a[a.indexOf('-smp') + 1]).toBe('2');
    expect(a.filter((x) => x === '-smp')).toHaveLength(1);
    expect(qemuArgs({ bootDisk: 'i', payload: 'p', accel: 'tcg' })).not.toContain('-smp');
  });
});

describe('runner build rule', () => {
  it("reads autochk's compile and link flags from build.ninja", async () => {
    const { autochkRule } = await import('../../generator/src/vm/runner-build.ts');
    const d = tmp();
    writeFileSync(
      path.join(d, 'build.ninja'),
      [
        'build base/system/autochk/CMakeFiles/autochk.dir/autochk.c.obj: C_COMPILER__autochk_Debug /src/base/system/autochk/autochk.c || x',
        '  DEFINES = -DDBG=1 -D__REACTOS__',
        '  DEP_FILE = x.d',
        '  FLAGS = -O1 -Werror',
        '  INCLUDES = -I/src/sdk/include/ndk',
        '',
        'build base/system/autochk/autochk.exe: C_EXECUTABLE_LINKER__autochk_Debug a.obj | libs',
        '  LINK_FLAGS = -nostdlib -Wl,--subsystem,native:5.01 -Wl,-entry,_NtProcessStartup@4',
        '  LINK_LIBRARIES = sdk/lib/nt/libnt.a',
        '',
      ].join('\n'),
    );
    expect(autochkRule(d)).toEqual({
      defines: ['-DDBG=1', '-D__REACTOS__'],
      flags: ['-O1', '-Werror'],
      includes: ['-I/src/sdk/include/ndk'],
      linkFlags: ['-nostdlib', '-Wl,--subsystem,native:5.01', '-Wl,-entry,_NtProcessStartup@4'],
      compiler: 'i686-w64-mingw32-gcc',
    });
    expect(() => autochkRule(tmp())).toThrow(/no build.ninja/);
  });
});

describe('hang screenshots', () => {
  it('converts a QEMU PPM screendump to a valid PNG', async () => {
    const { ppmToPng } = await import('../../generator/src/vm/screendump.ts');
    const { inflateSync } = await import('node:zlib');
    const pixels = Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    const png = ppmToPng(Buffer.concat([Buffer.from('P6\n2 2\n255\n'), pixels]));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
    expect(png.readUInt32BE(16)).toBe(2); // width
    expect(png.readUInt32BE(20)).toBe(2); // height
    const idatLen = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString()).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect(raw).toEqual(Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 10, 20, 30]));
    expect(() => ppmToPng(Buffer.from('P3\n1 1\n255\n0 0 0'))).toThrow(/binary PPM/);
  });
});

describe('lxcore build list', () => {
  it('reads the C sources of lxcore/CMakeLists.txt', async () => {
    const { lxcoreSources, lxcoreInf } = await import('../../generator/src/vm/runner-build.ts');
    expect(lxcoreSources('list(APPEND SOURCE\n    core/a.c\n    nt/b.c\n    x.h)\nadd_library(lxcore MODULE ${SOURCE} lxcore.rc)')).toEqual(['core/a.c', 'nt/b.c']);
    expect(() => lxcoreSources('add_library(x)')).toThrow(/no list\(APPEND SOURCE/);
    expect(lxcoreInf()).toContain('"SYSTEM\\CurrentControlSet\\Services\\lxcore","Start",0x00010001,0x00000000');
  });
});
