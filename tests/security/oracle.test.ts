// Linux as the oracle for the guest's file check (tests/vm/security.test.ts, check 11): the
// files lxsectest.c makes with NT security descriptors, made here as root's files with mode
// bits, and tests/security/accessprobe.c run by a user who is not root and by root.
// Linux says 45 (EACCES writing adminonly.txt, listing private/, reading and stat of private/inner.txt)
// and 0, the figures the guest must give. Needs root (to change user) and a host kernel that
// runs i386 programs; otherwise one SKIP line says which is missing.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { oracle } from '../../generator/src/oracle/index.ts';
import { ROOT } from '../../generator/src/paths.ts';

function skipReason(): string | null {
  if (process.getuid?.() !== 0) return 'not root: oracle.sh makes root-owned files and runs the probe as nobody';
  const o = oracle();
  if (!o.hostRunsI386) return `this host kernel cannot run i386 programs (${o.probe})`;
  if (spawnSync('setpriv', ['--version']).status !== 0) return 'no setpriv (util-linux)';
  return null;
}

const reason = skipReason();
if (reason) console.log(`SKIP accessprobe on Linux: ${reason}`);

describe.skipIf(reason !== null)('accessprobe on Linux (oracle)', () => {
  it('a user who is not root gets 45, root gets 0', () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'lxss-probe-'));
    try {
      const exe = path.join(work, 'accessprobe');
      const cc = spawnSync('gcc', ['-m32', '-nostdlib', '-static', '-fno-pie', '-no-pie', '-O1', '-fno-stack-protector', '-o', exe, path.join(ROOT, 'tests/security/accessprobe.c')], { encoding: 'utf8' });
      expect(cc.status, cc.stderr).toBe(0);
      const r = spawnSync('sh', [path.join(ROOT, 'tests/security/oracle.sh'), exe], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('user: 45\n');
      expect(r.stdout).toContain('root: 0\n');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
