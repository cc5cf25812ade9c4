// Integration: runs `lxgen test` against a configured ReactOS build (--build via
// $LXSS_REACTOS_BUILD or ~/.config/lxss/config.json). Without one, prints one SKIP line.
// Also compiles the in-guest runner with the build's own flags when a build is configured.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveBuildDir } from '../../generator/src/vm/config.ts';
import { DEFAULT_MANIFEST } from '../../generator/src/vm/payload.ts';
import { ROOT } from '../../generator/src/paths.ts';
import { buildSkipReason, lxgen } from './guest.ts';

function skipReason(): string | null {
  const build = buildSkipReason();
  if (build) return build;
  if (!existsSync(DEFAULT_MANIFEST)) return `no ELF test manifest at ${DEFAULT_MANIFEST} (build the ELF tests first)`;
  return null;
}

const reason = skipReason();
if (reason) console.log(`SKIP lxgen test integration: ${reason}`);
const crashReason = buildSkipReason();
if (crashReason) console.log(`SKIP lxgen test --crash-test: ${crashReason}`);

function smpSkipReason(): string | null {
  const base = skipReason();
  if (base) return base;
  const dir = resolveBuildDir(undefined)!.dir;
  for (const f of ['ntoskrnl/ntkrnlmp/ntkrnlmp.exe', 'hal/halx86/halmacpi.dll']) {
    if (!existsSync(path.join(dir, f))) return `the build has no ${f}`;
  }
  return null;
}
const smpReason = smpSkipReason();
if (smpReason) console.log(`SKIP lxgen test --smp 2: ${smpReason}`);

describe('lxgen test (integration)', () => {
  it.skipIf(reason !== null)(
    'boots the build, runs every ELF test and passes',
    async () => {
      const r = await lxgen(['test']);
      console.log(r.stdout.split('\n').slice(-60).join('\n'));
      if (r.stderr) console.log(r.stderr);
      expect(r.stdout).toMatch(/\d+ tests: \d+ passed/);
      expect(r.exitCode).toBe(0);
    },
    900_000,
  );

  it.skipIf(smpReason !== null)(
    'boots the multiprocessor kernel on 2 CPUs and passes the TLS and thread tests',
    async () => {
      const r = await lxgen(['test', '--smp', '2', '--filter', 'tls/*,threads/*']);
      console.log(r.stdout.split('\n').slice(-12).join('\n'));
      expect(r.stdout).toContain('2 CPUs, multiprocessor kernel');
      expect(r.stdout).toMatch(/PASS +\d+ tls\/tls/);
      expect(r.stdout).toMatch(/PASS +\d+ threads\/threads/);
      expect(r.exitCode).toBe(0);
    },
    300_000,
  );

  it.skipIf(reason !== null)(
    'traces the system calls of the tests --trace selects, in strace\'s format, and no others',
    async () => {
      const r = await lxgen(['test', '--filter', 'basic/hello,process/process', '--trace', 'hello']);
      console.log(r.stdout.split('\n').filter((l) => l.startsWith('lxtrace')).slice(0, 20).join('\n'));
      expect(r.exitCode).toBe(0);
      // a string argument, a buffer cut to its count, an errno name, a call that does not return
      expect(r.stdout).toMatch(/^lxtrace: \[pid \d+\] write\(1, "TAP version 13\\n1\.\.5\\n", 20\) = 20 <\d+\.\d{6}>$/m);
      expect(r.stdout).toMatch(/^lxtrace: \[pid \d+\] write\(-1, "#", 1\) = -1 EBADF <[\d.]+>$/m);
      expect(r.stdout).toMatch(/^lxtrace: \[pid \d+\] exit_group\(0\) = \?$/m);
      // process/process forks and execs: untraced, none of its calls appear
      expect(r.stdout).not.toMatch(/^lxtrace: .*(fork|clone|execve|wait4)\(/m);
    },
    300_000,
  );

  it.skipIf(crashReason !== null)(
    '--record: a process killed by SIGKILL leaves its last calls, the one it was in as not returned',
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'lxss-record-'));
      const bin = path.join(dir, 'sleeper');
      const cc = await lxgen(['cc', '-O2', '-o', bin, path.join(ROOT, 'tests/vm/fixtures/sleeper.c')]);
      expect(cc.exitCode, cc.stderr).toBe(0);
      const manifest = path.join(dir, 'manifest.json');
      writeFileSync(manifest, JSON.stringify([{ name: 'sleeper', group: 'record', needs: [], timeout: 3, exit: 0, path: bin }]));
      const r = await lxgen(['test', '--manifest', manifest, '--record', 'sleeper']);
      rmSync(dir, { recursive: true, force: true });
      console.log(r.stdout.split('\n').filter((l) => /lxrecent|sleeper/.test(l)).join('\n'));
      expect(r.exitCode).toBe(1); // the runner's timeout fails the test
      expect(r.stdout).toMatch(/^lxrecent: \[pid \d+\] write\(1, "asleep\\n", 7\) = 7$/m);
      expect(r.stdout).toMatch(/^lxrecent: \[pid \d+\] \w*nanosleep\w*\(.*\) = \? \(not returned\)$/m);
    },
    300_000,
  );

  it.skipIf(crashReason !== null)(
    'reports a deliberate bugcheck in the guest with its STOP code',
    async () => {
      const r = await lxgen(['test', '--crash-test']);
      console.log(r.stdout.split('\n').slice(-12).join('\n'));
      expect(r.stdout).toMatch(/CRASHED +1 selftest\/bugcheck # bugcheck STOP 0xC0000420/);
      expect(r.stdout).toContain('NtRaiseHardError'); // KDBG's backtrace is in the evidence
      expect(r.exitCode).toBe(0);
    },
    300_000,
  );

  it.skipIf(crashReason !== null)(
    'reports a runner that stops answering as a hang of the running test',
    async () => {
      const r = await lxgen(['test', '--hang-test']);
      console.log(r.stdout.split('\n').slice(-6).join('\n'));
      expect(r.stdout).toMatch(/HUNG +1 selftest\/hang/);
      expect(r.exitCode).toBe(0);
    },
    300_000,
  );
});

// The runner is built by the ReactOS tree; here it is compiled (not linked) with the flags the
// build uses for autochk, its model, so a syntax or warning error shows up without a tree build.
function runnerCompileCommand(): { cmd: string; args: string[] } | string {
  const choice = resolveBuildDir(undefined);
  if (!choice) return 'no ReactOS build configured';
  const ninja = path.join(choice.dir, 'build.ninja');
  if (!existsSync(ninja)) return `${choice.dir} has no build.ninja`;
  const text = readFileSync(ninja, 'utf8');
  const at = text.indexOf('/autochk.dir/autochk.c.obj: C_COMPILER');
  if (at < 0) return 'autochk compile rule not found in build.ninja';
  const block = text.slice(at, at + 20000).split('\n').slice(1, 8);
  const get = (k: string) => block.find((l) => l.startsWith(`  ${k} = `))?.slice(k.length + 5) ?? '';
  const split = (s: string) => s.split(/\s+/).filter(Boolean);
  return {
    cmd: 'i686-w64-mingw32-gcc',
    args: [
      ...split(get('DEFINES')), ...split(get('FLAGS')), ...split(get('INCLUDES')),
      `-I${path.join(ROOT, 'lxcore/include')}`, '-fsyntax-only', path.join(ROOT, 'tests/runner/lxtestrun.c'),
    ],
  };
}

const compile = (() => {
  try {
    return runnerCompileCommand();
  } catch (err) {
    return (err as Error).message;
  }
})();
if (typeof compile === 'string') console.log(`SKIP runner compile check: ${compile}`);

describe('in-guest runner', () => {
  it.skipIf(typeof compile === 'string')('compiles with the ReactOS build flags (-Werror -Wall)', () => {
    const c = compile as { cmd: string; args: string[] };
    const r = spawnSync(c.cmd, c.args, { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
