// Integration (issue 17): `lxgen test --inf` overriding values the image's own .inf files set,
// in a booted ReactOS. Runs when a ReactOS build is configured, otherwise prints one SKIP line.
//   - Setup\CmdLine (REG_EXPAND_SZ, set by hivesys.inf and livecd.inf) = a cmd.exe batch:
//     with --until the runner lets the boot go on, winlogon runs the batch, and its lxrun
//     checks (tests/psxss/guest/psxtest.cmd) reach the debug port, among them programs named
//     by a symbolic link and by a name NT cannot hold, which only lxcore's path resolution
//     (ProgramPath, interface 1.2) finds;
//   - Session Manager\BootExecute (REG_MULTI_SZ, set by hivesys.inf, livecd.inf and lxgen's
//     own lxss-test.inf) = "ntbench","lxtestrun": the native program runs before the runner.
// Before the series patch "[SDK][MKHIVE] Fix overwriting a value with longer data" both made a
// corrupt SYSTEM hive; now `lxgen test` would refuse such a hive before booting.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MANIFEST } from '../../generator/src/vm/payload.ts';
import { resolveBuildDir } from '../../generator/src/vm/config.ts';
import { buildNtbench } from '../bench/guest-bench.ts';
import { busyboxStatic } from '../../generator/src/debian/packages.ts';
import { ROOT } from '../../generator/src/paths.ts';
import { buildSkipReason, lxgen } from './guest.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lxss-inf-'));
const elf = path.dirname(DEFAULT_MANIFEST);

function skipReason(): string | null {
  const build = buildSkipReason();
  if (build) return build;
  for (const f of ['hello', 'hello_asm']) if (!existsSync(path.join(elf, f))) return `no ${path.join(elf, f)} (build the ELF tests first: npx lxgen elf)`;
  // echo.c is a Linux i386 program without libc: the host's gcc builds it with -m32.
  const echo = spawnSync('gcc', ['-m32', '-nostdlib', '-static', '-fno-pie', '-no-pie', '-O1', '-fno-stack-protector', '-o', path.join(work, 'echo'), path.join(ROOT, 'tests/psxss/guest/echo.c')], { encoding: 'utf8' });
  if (echo.status !== 0) return `gcc -m32 cannot build tests/psxss/guest/echo.c: ${(echo.stderr || echo.error?.message || '').trim().split('\n')[0]}`;
  return null;
}

const reason = skipReason();
if (reason) console.log(`SKIP lxgen test --inf overrides in the guest: ${reason}`);

function inf(name: string, line: string): string {
  const f = path.join(work, name);
  writeFileSync(f, ['[Version]', 'Signature = "$Windows NT$"', '[AddReg]', line, ''].join('\r\n'));
  return f;
}

describe.skipIf(reason !== null)('lxgen test --inf overrides (guest)', () => {
  it(
    'Setup\\CmdLine = a cmd.exe batch: the boot goes on after the runner and the batch\'s lxrun checks reach the debug port',
    async () => {
      const rootfs = path.join(work, 'rootfs');
      mkdirSync(rootfs, { recursive: true });
      copyFileSync(path.join(elf, 'hello'), path.join(rootfs, 'hello'));
      copyFileSync(path.join(elf, 'hello_asm'), path.join(rootfs, 'hello_asm'));
      writeFileSync(path.join(rootfs, 'notelf'), 'this is not an ELF file\n');
      const bin = 'reactos/lxss/rootfs/bin';
      const cmdline = inf('cmdline.inf', 'HKLM,"SYSTEM\\Setup","CmdLine",0x00020000,"cmd.exe /c X:\\psxtest.cmd"');
      const r = await lxgen([
        'test', '--keep', '--runner', 'project', '--filter', 'basic/hello', '--inf', cmdline, '--until', 'PSXTEST done', '--timeout', '400',
        '--add', `psxtest.cmd=${path.join(ROOT, 'tests/psxss/guest/psxtest.cmd')}`,
        '--add', `${bin}/echo=${path.join(work, 'echo')}`,
        ...['hello', 'hello_asm', 'notelf'].flatMap((f) => ['--add', `${bin}/${f}=${path.join(rootfs, f)}`]),
        '--add', `${bin}/busybox=${busyboxStatic(() => {})}`,
      ]);
      console.log(r.stdout.split('\n').slice(-20).join('\n'));
      expect(r.stdout).toMatch(/--until \/PSXTEST done\/: matched at/);
      // exit statuses through cmd.exe's %ERRORLEVEL% (psxss/README.md)
      // symlink, escaped_name: lxcore resolves the program's Linux path as open() does (a
      // symbolic link a Linux program made; a name with ':', which NT names cannot hold)
      for (const l of ['hello_to_nul=0', 'hello_asm=7', 'missing=127', 'notelf=126', 'usage=2', 'relative program with two words', 'hello_console=0', 'hello_asm_console=7', 'hello_asm_pipe_in=7', 'symlink=0', 'escaped_name=7']) {
        expect(r.stdout).toContain(`  PSXTEST ${l}\n`);
      }
      expect(r.exitCode).toBe(0);
      // lxrun --trace: the program's calls on the debug port, in strace's format
      const kept = /kept: (\S+)/.exec(r.stdout)?.[1];
      const log = readFileSync(path.join(kept!, 'serial.log'), 'utf8');
      rmSync(kept!, { recursive: true, force: true });
      expect(log).toMatch(/lxtrace: \[pid \d+\] write\(1, "traced", 6\) = 6 </);
      expect(log).toMatch(/lxtrace: \[pid \d+\] exit_group\(0\) = \?/);
      expect(log).not.toMatch(/lxtrace: \[pid \d+\] write\(1, "done", 4\)/);
    },
    600_000,
  );

  it(
    'Session Manager\\BootExecute = "ntbench","lxtestrun": the native program runs before the runner',
    async () => {
      const ntbench = await buildNtbench(resolveBuildDir(undefined)!.dir, work);
      const boot = inf('bootexec.inf', 'HKLM,"SYSTEM\\CurrentControlSet\\Control\\Session Manager","BootExecute",0x00010000,"ntbench","lxtestrun"');
      const r = await lxgen(['test', '--keep', '--filter', 'basic/hello', '--inf', boot, '--add', `reactos/system32/ntbench.exe=${ntbench}`]);
      console.log(r.stdout.split('\n').slice(-8).join('\n'));
      expect(r.exitCode).toBe(0);
      const kept = /kept: (\S+)/.exec(r.stdout)?.[1];
      const log = readFileSync(path.join(kept!, 'serial.log'), 'utf8');
      rmSync(kept!, { recursive: true, force: true });
      const done = log.indexOf('NTBENCH: done');
      expect(done).toBeGreaterThan(0);
      expect(log.indexOf('LXTAP: TAP version 13')).toBeGreaterThan(done);
      expect(log).toMatch(/NTBENCH: null_ns \d+\.\d{3}/);
    },
    600_000,
  );
});
