// The terminal probe (tests/psxss/guest/ttyprobe.c) on Linux: built with the patched musl
// and run through the trap harness on the i386 oracle (this host, or the VM), once with
// stdout a pipe (what every ELF test runner gives a program: not a terminal, -ENOTTY) and
// once on a pseudo-terminal (script(1) natively, openpty in the VM's init), which is what
// lxrun's LXSS_CREATE_STDIO_TTY imitates in a ReactOS console. In the guest the same binary
// runs under lxrun (tests/psxss/guest/README.md).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_DIR, ROOT } from '../../generator/src/paths.ts';
import { buildMusl } from '../../generator/src/musl/build.ts';
import { cc } from '../../generator/src/musl/cc.ts';
import { harnessUnavailable, i386Batch, oracle, type I386Batch, type I386Job } from '../../generator/src/oracle/index.ts';

const SRC = path.join(ROOT, 'tests', 'psxss', 'guest', 'ttyprobe.c');
const OUT = path.join(BUILD_DIR, 'psxss-tests', 'ttyprobe');

const skipReason = harnessUnavailable();
if (skipReason) console.log(`SKIP ttyprobe tests: ${skipReason}`);
const noScript = oracle().kind === 'native' && spawnSync('script', ['--version'], { stdio: 'ignore' }).status !== 0;
if (!skipReason && noScript) console.log('SKIP ttyprobe pseudo-terminal test: no script(1) (util-linux)');

function tapOk(out: string): string[] {
  return out.split(/\r?\n/).filter((l) => /^ok \d+ - /.test(l));
}
function tapNotOk(out: string): string[] {
  return out.split(/\r?\n/).filter((l) => /^not ok \d+ - /.test(l));
}

const TTY = { rows: 33, cols: 111 };
const job = (id: string, arg: string, more: Partial<I386Job> = {}): I386Job => ({ id, argv: [OUT, arg], harness: [], timeoutMs: 60_000, ...more });

describe.skipIf(!!skipReason)('ttyprobe', () => {
  let runs: I386Batch;
  beforeAll(async () => {
    await buildMusl({ log: (l) => console.log(l) });
    mkdirSync(path.dirname(OUT), { recursive: true });
    const r = cc(['-O1', '-Wall', '-Werror', '-o', OUT, SRC], { capture: true });
    expect(r.status, r.output).toBe(0);
    const jobs = [job('notty', 'notty'), job('tty-without', 'tty'), job('rows-without', 'rows')];
    if (!noScript)
      jobs.push(
        job('pty:tty', 'tty', { tty: TTY }),
        job('pty:rows', 'rows', { tty: TTY }),
        job('pty:cols', 'cols', { tty: TTY }),
        job('pty:notty>null', 'notty', { tty: TTY, stdout: 'null' }),
        job('pty:tty>null', 'tty', { tty: TTY, stdout: 'null' }),
      );
    runs = i386Batch(jobs, { log: (l) => console.log(l) });
  });

  it('stdout a pipe: not a terminal, TCGETS and TIOCGWINSZ fail with ENOTTY', async () => {
    const r = await runs.result('notty');
    expect(tapNotOk(r.stdout), r.stdout + r.stderr).toEqual([]);
    expect(tapOk(r.stdout)).toHaveLength(3);
    expect(r.status, r.stdout + r.stderr).toBe(0);

    // The terminal checks fail here, by exit status: stdin is /dev/null, so check 1 (isatty(0))
    const t = await runs.result('tty-without');
    expect(t.status, t.stdout).toBe(11);
    expect(t.stdout).toMatch(/^not ok 1 - isatty\(0\)/m);
    // Without a terminal there is no size to report
    expect((await runs.result('rows-without')).status).toBe(255);
  });

  it.skipIf(noScript)('on a pseudo-terminal: isatty, cooked termios, the window size; "> file" is none', async () => {
    const tty = await runs.result('pty:tty');
    const out = tty.stdout + tty.stderr;
    expect(tapNotOk(out), out).toEqual([]);
    expect(tapOk(out).length, out).toBe(11);
    expect(out).toMatch(/# after TCSETS without ECHO, TCGETS says ECHO off \(applied\)/);
    expect(out).toMatch(/# window 33 rows x 111 columns/);
    expect(tty.status, out).toBe(0);
    expect((await runs.result('pty:rows')).status).toBe(33);
    expect((await runs.result('pty:cols')).status).toBe(111);
    const notty = await runs.result('pty:notty>null');
    expect(notty.status, notty.stdout).toBe(0);
    expect(tapOk(notty.stdout), 'stdout went to /dev/null').toEqual([]);
    // isatty(0) holds (the pty), isatty(1) is check 2 and fails on /dev/null
    const redirected = await runs.result('pty:tty>null');
    expect(redirected.status, redirected.stdout).toBe(12);
  });
});
