// Integration (issue 16): who may use \Device\lxss and with which NT rights a Linux process
// runs, in a booted ReactOS. Runs when a ReactOS build is configured, otherwise prints one
// SKIP line. tests/security/lxsectest.c runs from Session Manager\BootExecute before the
// runner, as SYSTEM, and acts as made-up standard users through NtCreateToken tokens; each
// check is one "LXSEC: ok N - ..." line on the debug port. With lxcore from before the
// security work (the default device descriptor, the caller's token ignored) checks 1, 4, 6,
// 7 and 8 fail.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveBuildDir } from '../../generator/src/vm/config.ts';
import { buildNativeProgram } from '../../generator/src/vm/runner-build.ts';
import { ROOT } from '../../generator/src/paths.ts';
import { buildSkipReason, lxgen } from './guest.ts';

const reason = buildSkipReason();
if (reason) console.log(`SKIP lxcore security checks in the guest: ${reason}`);

const CHECKS = [
  'a non-interactive account that is not an administrator cannot open \\Device\\lxss',
  'an interactive user opens \\Device\\lxss',
  'a second interactive user opens \\Device\\lxss',
  "a user may not send a Linux program's output to the kernel debugger (LXSS_CREATE_DEBUG_STDIO)",
  'a user starts /bin/sh',
  "the Linux process's NT primary token is its user's, not SYSTEM's",
  'another user cannot kill it',
  'another user cannot wait for it',
  'its user kills it',
  'its user waits for it and sees SIGKILL',
];

describe.skipIf(reason !== null)('lxcore security (guest)', () => {
  it(
    'only SYSTEM, administrators and interactive users open \\Device\\lxss; a Linux process carries its user\'s token; another user cannot kill or wait for it',
    async () => {
      const work = mkdtempSync(path.join(os.tmpdir(), 'lxss-sec-'));
      const exe = await buildNativeProgram(resolveBuildDir(undefined)!.dir, path.join(ROOT, 'tests/security/lxsectest.c'), work, [path.join(ROOT, 'lxcore/include')]);
      const inf = path.join(work, 'lxsec.inf');
      writeFileSync(inf, ['[Version]', 'Signature = "$Windows NT$"', '[AddReg]',
        'HKLM,"SYSTEM\\CurrentControlSet\\Control\\Session Manager","BootExecute",0x00010000,"lxsectest","lxtestrun"', ''].join('\r\n'));
      const r = await lxgen(['test', '--keep', '--filter', 'basic/hello', '--inf', inf, '--add', `reactos/system32/lxsectest.exe=${exe}`]);
      const kept = /kept: (\S+)/.exec(r.stdout)?.[1];
      const log = kept ? readFileSync(path.join(kept, 'serial.log'), 'utf8') : '';
      if (kept) rmSync(kept, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
      const lines = log.split(/\r?\n/).filter((l) => l.startsWith('LXSEC: '));
      console.log(lines.join('\n'));
      expect(lines).toContain('LXSEC: done');
      CHECKS.forEach((what, i) => expect(lines).toContain(`LXSEC: ok ${i + 1} - ${what}`));
      expect(lines.filter((l) => l.startsWith('LXSEC: not ok'))).toEqual([]);
      expect(r.exitCode).toBe(0);
    },
    600_000,
  );
});
