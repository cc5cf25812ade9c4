// The i386 oracle (generator/src/oracle): the probe and the choice it drives, the pieces of
// the VM side (cpio writer, jobs file, result records), and one boot of the VM running
// tests/oracle/jobprobe.c in every job shape the suites use, whose results must equal the
// native ones where this host runs i386 programs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_DIR, ROOT } from '../../generator/src/paths.ts';
import { writeCpio, S_IFREG, S_IFCHR } from '../../generator/src/oracle/cpio.ts';
import { decideOracle, i386Batch, oracle, type I386Job, type I386Result } from '../../generator/src/oracle/index.ts';
import { probeHostI386, tinyI386Elf } from '../../generator/src/oracle/probe.ts';
import { buildStaticI386, jobsFile, RecordReader } from '../../generator/src/oracle/vm.ts';

const LXGEN = path.join(ROOT, 'generator', 'bin', 'lxgen.js');

describe('choosing the oracle', () => {
  const yes = { runs: true, why: 'runs' };
  const no = { runs: false, why: 'ENOEXEC' };
  it('native when the probe runs, vm when it cannot; LXSS_ORACLE forces either', () => {
    expect(decideOracle(yes).kind).toBe('native');
    expect(decideOracle(no).kind).toBe('vm');
    expect(decideOracle(no).line).toMatch(/^i386 oracle: vm, .*\(ENOEXEC\)$/);
    expect(decideOracle(yes, 'vm')).toMatchObject({ kind: 'vm', hostRunsI386: true });
    expect(decideOracle(yes, 'native').kind).toBe('native');
    expect(() => decideOracle(no, 'native')).toThrow(/LXSS_ORACLE=native, but ENOEXEC/);
  });

  it('the probe ELF is a minimal i386 executable that exits 42', () => {
    const elf = tinyI386Elf();
    expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(elf[4]).toBe(1); // ELFCLASS32
    expect(elf.readUInt16LE(18)).toBe(3); // EM_386
    expect(elf.readUInt32LE(24)).toBe(0x08048000 + 84);
    expect(elf.subarray(84).toString('hex')).toBe('b801000000bb2a000000cd80');
  });

  it('the probe agrees with a gcc -m32 program on whether this host runs i386 code', (ctx) => {
    const dir = path.join(BUILD_DIR, 'oracle', 'test');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'hello.c'), 'int main(void) { return 7; }\n');
    const exe = path.join(dir, 'hello');
    if (spawnSync('gcc', ['-m32', '-static', '-o', exe, path.join(dir, 'hello.c')]).status !== 0) {
      console.log('SKIP probe cross-check: gcc -m32 -static cannot link here (install gcc-multilib)');
      ctx.skip();
    }
    const runs = spawnSync(exe).status === 7;
    const fake = process.env.LXSS_FAKE_NO_IA32;
    delete process.env.LXSS_FAKE_NO_IA32; // the real probe, whatever this run pretends
    try {
      expect(probeHostI386().runs).toBe(runs);
    } finally {
      if (fake !== undefined) process.env.LXSS_FAKE_NO_IA32 = fake;
    }
  });

  it('lxgen run and lxgen bench on a host without IA32 say so in one line and point at --vm', async () => {
    const env = { ...process.env, LXSS_FAKE_NO_IA32: '1' };
    const run = await execa(process.execPath, [LXGEN, 'run', '-c', 'hello_asm'], { env, reject: false });
    expect(run.exitCode).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/cannot run i386 programs.*lxgen run --vm -c hello_asm$/);
    const bench = await execa(process.execPath, [LXGEN, 'bench'], { env, reject: false });
    expect(bench.exitCode).toBe(1);
    expect(bench.stderr.trim().split('\n')).toHaveLength(1);
    expect(bench.stderr).toMatch(/cannot run i386 programs.*lxgen bench --vm$/);
  });
});

describe('the VM side, piece by piece', () => {
  it('writes newc cpio headers byte for byte', () => {
    const a = writeCpio([{ name: 'a', mode: S_IFREG | 0o644, data: Buffer.from('xyz') }]);
    const head = `070701${['1', '81a4', '0', '0', '1', '0', '3', '0', '0', '0', '0', '2', '0'].map((f) => f.padStart(8, '0')).join('')}`;
    expect(a.subarray(0, 110).toString('latin1')).toBe(head);
    expect(a.subarray(110, 112).toString('latin1')).toBe('a\0'); // 112: already 4-aligned
    expect(a.subarray(112, 116).toString('latin1')).toBe('xyz\0'); // data padded to 4
    expect(a.subarray(116 + 110, 116 + 110 + 11).toString('latin1')).toBe('TRAILER!!!\0');
    const dev = writeCpio([{ name: 'dev/console', mode: S_IFCHR | 0o600, rdev: { major: 5, minor: 1 } }]);
    expect(dev.subarray(6 + 9 * 8, 6 + 11 * 8).toString('latin1')).toBe('0000000500000001'); // rdevmajor, rdevminor
    expect(() => writeCpio([{ name: '/abs', mode: S_IFREG }])).toThrow(/relative/);
  });

  it('writes one job a line and refuses fields it cannot carry', () => {
    const jobs: I386Job[] = [
      { id: 'a', argv: ['/x/p', 'arg 1'], timeoutMs: 5000 },
      { id: 'b', argv: ['/x/q'], harness: ['-e', '243'], timeoutMs: 1000, tty: { rows: 3, cols: 4 }, stdout: 'null' },
    ];
    expect(jobsFile(jobs)).toBe('a\t5000\t-\tpipe\t-\t/x/p\targ 1\nb\t1000\t3x4\tnull\t-\t/oracle/lxss-harness\t-e\t243\t--\t/x/q\n');
    expect(jobsFile([{ id: 'c', argv: ['/x'], timeoutMs: 1, stdin: { text: 'lxss\n', delayMs: 1000, close: true } }])).toBe(
      'c\t1\t-\tpipe\t1000,1,6c7873730a\t/x\n',
    );
    expect(() => jobsFile([{ id: 'c', argv: ['/x', 'a\tb'], timeoutMs: 1 }])).toThrow(/tab or newline/);
    expect(() => jobsFile([{ id: 'c', argv: ['/x', ''], timeoutMs: 1 }])).toThrow(/empty field/);
  });

  it('refuses a job that runs after one that is not an earlier job of its batch', () => {
    const job = (id: string, after?: string): I386Job => ({ id, argv: ['/bin/true'], timeoutMs: 1000, after });
    expect(() => i386Batch([job('a'), job('b', 'a')], { kind: 'vm' })).not.toThrow();
    expect(() => i386Batch([job('b', 'a'), job('a')], { kind: 'vm' })).toThrow(/after a, which is not an earlier job/);
    expect(() => i386Batch([job('a', 'missing')], { kind: 'native' })).toThrow(/not an earlier job/);
  });

  it('reads result records split anywhere, with any bytes in the output', () => {
    const body = Buffer.concat([Buffer.from('out\n@@LXSS-ORACLE job fake 1 2 3\n'), Buffer.from([0xff, 0]), Buffer.from('err')]);
    const stream = Buffer.concat([
      Buffer.from('noise\n@@LXSS-ORACLE ready 4321\n'),
      Buffer.from(`@@LXSS-ORACLE job t1 139 11 0 25 ${body.length - 3} 3\n`),
      body,
      Buffer.from('\n@@LXSS-ORACLE job t2 0 0 1 9 0 0\n\n@@LXSS-ORACLE done\n'),
    ]);
    for (const step of [1, 7, stream.length]) {
      const r = new RecordReader();
      const got = [];
      for (let i = 0; i < stream.length; i += step) got.push(...r.feed(stream.subarray(i, i + step)));
      expect(got.map((g) => g.id)).toEqual(['t1', 't2']);
      expect(got[0]!.result).toMatchObject({ status: 139, signal: 'SIGSEGV', timedOut: false, ms: 25, stderr: 'err' });
      expect(got[0]!.result.stdout.startsWith('out\n@@LXSS-ORACLE job fake')).toBe(true);
      expect(got[1]!.result.timedOut).toBe(true);
      expect(r.readyMs).toBe(4321);
      expect(r.done).toBe(true);
    }
  });
});

describe('one batch on the VM (and natively, where this host runs i386 programs)', () => {
  const PROBE = path.join(BUILD_DIR, 'oracle', 'test', 'jobprobe');
  const jobs: I386Job[] = [
    { id: 'exit', argv: [PROBE, 'exit', '7'], timeoutMs: 20_000 },
    { id: 'segv', argv: [PROBE, 'segv'], timeoutMs: 20_000 },
    { id: 'timeout', argv: [PROBE, 'sleep'], timeoutMs: 1500 },
    { id: 'big', argv: [PROBE, 'big', '300000'], timeoutMs: 60_000 },
    { id: 'env', argv: [PROBE, 'env'], timeoutMs: 20_000 },
    { id: 'fork', argv: [PROBE, 'fork'], timeoutMs: 20_000 },
    { id: 'pipes', argv: [PROBE, 'tty'], timeoutMs: 20_000 },
    { id: 'tty', argv: [PROBE, 'tty'], timeoutMs: 20_000, tty: { rows: 33, cols: 111 } },
    { id: 'tty-null', argv: [PROBE, 'tty'], timeoutMs: 20_000, tty: { rows: 33, cols: 111 }, stdout: 'null' },
    { id: 'harness', argv: [PROBE, 'exit', '5'], harness: ['-c'], timeoutMs: 20_000 },
  ];
  const expected: Record<string, (r: I386Result) => void> = {
    exit: (r) => expect(r).toMatchObject({ status: 7, signal: null, timedOut: false }),
    segv: (r) => expect(r).toMatchObject({ status: 139, signal: 'SIGSEGV' }),
    timeout: (r) => expect(r.timedOut).toBe(true),
    big: (r) => {
      expect(r.stdout.length).toBe(300000);
      expect(r.stdout.slice(0, 27)).toBe('abcdefghijklmnopqrstuvwxyza');
      expect(r.stderr).toBe('err');
    },
    env: (r) => expect(r.stdout).toBe('cwd-is-tmpdir 1 stdin-eof 1 file 1\n'),
    fork: (r) => {
      expect(r.status).toBe(3);
      expect(r.stdout).toBe('parent\nchild after parent\n');
    },
    pipes: (r) => expect(r.stdout).toBe('tty 0 0 0 0x0\n'),
    tty: (r) => expect(r.stdout).toBe('tty 1 1 1 33x111\r\n'),
    'tty-null': (r) => expect(r).toMatchObject({ status: 0, stdout: '' }),
    // The harness is for patched programs; a plain one makes a native system call at once.
    harness: (r) => {
      expect(r.status).toBe(125);
      expect(r.stderr).toMatch(/VIOLATION/);
    },
  };

  const vm = new Map<string, I386Result>();
  const native = new Map<string, I386Result>();
  beforeAll(async () => {
    buildStaticI386(path.join(ROOT, 'tests', 'oracle', 'jobprobe.c'), PROBE);
    const batch = i386Batch(jobs, { kind: 'vm', log: (l) => console.log(l) });
    for (const j of jobs) vm.set(j.id, await batch.result(j.id));
    if (oracle().hostRunsI386) {
      const nat = i386Batch(jobs, { kind: 'native' });
      for (const j of jobs) native.set(j.id, await nat.result(j.id));
    }
  }, 600_000);

  for (const j of jobs) {
    it(`${j.id}: the VM gives what Linux gives`, () => {
      expected[j.id]!(vm.get(j.id)!);
    });
  }

  it('natively the same results (status, signal, output)', (ctx) => {
    if (!oracle().hostRunsI386) {
      console.log('SKIP native half of the oracle comparison: this host kernel cannot run i386 programs');
      ctx.skip();
    }
    for (const j of jobs) {
      expected[j.id]!(native.get(j.id)!);
      const pick = (r: I386Result) => ({ status: r.status, signal: r.signal, timedOut: r.timedOut, stdout: r.stdout });
      if (j.id !== 'harness') expect(pick(native.get(j.id)!), j.id).toEqual(pick(vm.get(j.id)!));
    }
  });
});
