// Integration (issue 16): who may use \Device\lxss and psxss, and with which NT rights a
// Linux process runs, in a booted ReactOS. Runs when a ReactOS build is configured, otherwise
// prints one SKIP line. tests/security/lxsectest.c runs from Session Manager\BootExecute
// before the runner, as SYSTEM, and acts as made-up standard users through NtCreateToken
// tokens, first on \Device\lxss, then as psxss clients; each check is one
// "LXSEC: ok N - ..." line on the debug port. A third disk holds a btrfs volume
// (generator/src/vm/acl-disk.ts), whose files keep NT security descriptors, where lxsectest
// makes an administrators-only file and a private directory; tests/security/accessprobe.c,
// a Linux program, opens them as a user and as SYSTEM (tests/security/oracle.sh gives Linux's
// answer, 45, for the same files as mode bits). With lxcore and psxss from before the security
// work (the default device descriptor, the caller's token ignored, opens unchecked, psxss not
// impersonating) checks 1, 4, 6, 7, 8, 11, 13 and 15 fail.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveBuildDir } from '../../generator/src/vm/config.ts';
import { buildNativeProgram } from '../../generator/src/vm/runner-build.ts';
import { makeBtrfsDisk } from '../../generator/src/vm/acl-disk.ts';
import { ROOT } from '../../generator/src/paths.ts';
import { buildSkipReason, lxgen } from './guest.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lxss-sec-'));

function skipReason(): string | null {
  const build = buildSkipReason();
  if (build) return build;
  // accessprobe is a Linux i386 program without libc: the host's gcc builds it with -m32.
  const probe = spawnSync('gcc', ['-m32', '-nostdlib', '-static', '-fno-pie', '-no-pie', '-O1', '-fno-stack-protector', '-o', path.join(work, 'accessprobe'), path.join(ROOT, 'tests/security/accessprobe.c')], { encoding: 'utf8' });
  if (probe.status !== 0) return `gcc -m32 cannot build tests/security/accessprobe.c: ${(probe.stderr || probe.error?.message || '').trim().split('\n')[0]}`;
  return null;
}

const reason = skipReason();
if (reason) {
  console.log(`SKIP lxcore security checks in the guest: ${reason}`);
  rmSync(work, { recursive: true, force: true });
}

const CHECKS = [
  'a non-interactive account that is not an administrator cannot open \\Device\\lxss',
  'an interactive user opens \\Device\\lxss',
  'a second interactive user opens \\Device\\lxss',
  "a user may not send a Linux program's output to the kernel debugger (LXSS_CREATE_DEBUG_STDIO)",
  'nor trace its system calls there (LXSS_CREATE_TRACE, LXSS_CREATE_TRACE_RECORD)',
  'a user starts /bin/sh',
  "the Linux process's NT primary token is its user's, not SYSTEM's",
  'another user cannot kill it',
  'another user cannot wait for it',
  'its user kills it',
  'its user waits for it and sees SIGKILL',
  "a user's Linux program gets EACCES writing an administrators-only file, opening a private directory and opening and stat of the file in it, and nowhere else (45, as on Linux)",
  "SYSTEM's Linux program opens all of them",
  'a root directory the user cannot traverse is refused',
  'users A and B connect to psxss',
  "through psxss, A's Linux program is refused what A may not open (45), not granted what psxss (SYSTEM) may",
  'through psxss, A starts /bin/sh',
  "through psxss, B's client cannot kill A's process",
  'through psxss, A kills it and sees SIGKILL',
];

describe.skipIf(reason !== null)('lxcore security (guest)', () => {
  it(
    'only SYSTEM, administrators and interactive users open \\Device\\lxss; a Linux process carries its user\'s token, is refused what the user may not open, and another user cannot kill or wait for it',
    async () => {
      const disk = await makeBtrfsDisk(path.join(work, 'acl.img'));
      const exe = await buildNativeProgram(resolveBuildDir(undefined)!.dir, path.join(ROOT, 'tests/security/lxsectest.c'), work,
        [path.join(ROOT, 'lxcore/include'), path.join(ROOT, 'psxss/include'), path.join(ROOT, 'tests/psxss/guest'), path.join(ROOT, 'tests/runner')], ['subsystems/lxss/psxss/libpsxcli.a', 'sdk/lib/smlib/libsmlib.a']);
      const inf = path.join(work, 'lxsec.inf');
      writeFileSync(inf, ['[Version]', 'Signature = "$Windows NT$"', '[AddReg]',
        'HKLM,"SYSTEM\\CurrentControlSet\\Control\\Session Manager","BootExecute",0x00010000,"lxsectest","lxtestrun"', ''].join('\r\n'));
      const r = await lxgen(['test', '--keep', '--filter', 'basic/hello', '--inf', inf, '--disk', disk,
        '--add', `reactos/system32/lxsectest.exe=${exe}`, '--add', `reactos/lxss/accessprobe=${path.join(work, 'accessprobe')}`]);
      const kept = /kept: (\S+)/.exec(r.stdout)?.[1];
      const log = kept ? readFileSync(path.join(kept, 'serial.log'), 'utf8') : '';
      if (kept) rmSync(kept, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
      const lines = log.split(/\r?\n/).filter((l) => l.startsWith('LXSEC: '));
      console.log(lines.join('\n'));
      console.log(r.stdout.split('\n').filter((l) => !l.startsWith('  LXSEC')).slice(-16).join('\n'));
      expect(lines).toContain('LXSEC: done');
      CHECKS.forEach((what, i) => expect(lines).toContain(`LXSEC: ok ${i + 1} - ${what}`));
      expect(lines.filter((l) => l.startsWith('LXSEC: not ok'))).toEqual([]);
      expect(r.exitCode).toBe(0);
    },
    600_000,
  );
});
