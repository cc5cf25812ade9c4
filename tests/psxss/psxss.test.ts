// Host unit tests for the portable parts of psxss and lxrun: the launch request blob
// (psxss/client/psxreq.c), Linux path resolution and NT image paths, the
// IOCTL_LXSS_CREATE_PROCESS input builder (psxss/lxcreate.c, against lxcore/include/lxioctl.h)
// lxrun's command line / environment / UTF-8 helpers (psxss/lxrun/lxargs.c) and its terminal
// screen model and key encoder (psxss/lxrun/lxvt.c).
// The C drivers in tests/psxss/c/ print TAP; they are built with the host gcc, -m32 (the
// guest's word size) with ASan+UBSan when that links, and run on the i386 oracle (natively,
// or static in the VM where this host cannot run i386 programs).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_DIR, ROOT } from '../../generator/src/paths.ts';
import { i386Batch, oracle, type I386Batch } from '../../generator/src/oracle/index.ts';

const OUT = path.join(BUILD_DIR, 'psxss-tests');
const PSXSS = path.join(ROOT, 'psxss');
const CDIR = path.join(ROOT, 'tests', 'psxss', 'c');

const FLAG_SETS: { name: string; flags: string[] }[] = [
  { name: 'gcc -m32 ASan+UBSan', flags: ['-m32', '-fsanitize=address,undefined', '-fno-sanitize-recover=all'] },
  { name: 'gcc -m32', flags: ['-m32'] },
];
const COMMON = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-O1', '-g', `-I${CDIR}`];

const DRIVERS: Record<string, string[]> = {
  psxreq: [
    '-DPSX_HOST_BUILD',
    `-I${PSXSS}`,
    `-I${path.join(PSXSS, 'include')}`,
    `-I${path.join(ROOT, 'lxcore', 'include')}`,
    path.join(CDIR, 'test_psxreq.c'),
    path.join(PSXSS, 'client', 'psxreq.c'),
    path.join(PSXSS, 'lxcreate.c'),
  ],
  lxrun: [`-I${path.join(PSXSS, 'lxrun')}`, path.join(CDIR, 'test_lxrun.c'), path.join(PSXSS, 'lxrun', 'lxargs.c')],
  lxvt: [`-I${path.join(PSXSS, 'lxrun')}`, path.join(CDIR, 'test_lxvt.c'), path.join(PSXSS, 'lxrun', 'lxvt.c')],
};

interface Result {
  ok: string[];
  notOk: string[];
  plan: number | null;
  status: number | null;
  out: string;
}

/** Flags whose probe compiles, links and runs on the i386 oracle: natively the first of
 *  FLAG_SETS that runs here; on the VM oracle (a host that cannot run i386 programs) a static
 *  -m32 build, sanitizers left out (they need the host's i386 runtime), run in the VM. */
function pickFlags(): { name: string; flags: string[] } | null {
  if (spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status !== 0) return null;
  fs.mkdirSync(OUT, { recursive: true });
  const probe = path.join(OUT, 'probe.c');
  fs.writeFileSync(probe, 'int main(void) { return 0; }\n');
  const exe = path.join(OUT, 'probe');
  if (oracle().kind === 'vm') {
    const set = { name: 'gcc -m32 -static, run in the i386 oracle VM', flags: ['-m32', '-static'] };
    return spawnSync('gcc', [...set.flags, probe, '-o', exe], { stdio: 'ignore' }).status === 0 ? set : null;
  }
  for (const set of FLAG_SETS) {
    if (spawnSync('gcc', [...set.flags, probe, '-o', exe], { stdio: 'ignore' }).status === 0 &&
        spawnSync(exe, [], { stdio: 'ignore' }).status === 0) {
      return set;
    }
  }
  return null;
}

let runs: I386Batch;
const RUNS: { id: string; driver: string; args: string[] }[] = [
  { id: 'psxreq', driver: 'psxreq', args: [] },
  { id: 'fuzz-1', driver: 'psxreq', args: ['fuzz', '100000', '1'] },
  { id: 'fuzz-feedface', driver: 'psxreq', args: ['fuzz', '100000', '0xfeedface'] },
  { id: 'lxrun', driver: 'lxrun', args: [] },
  { id: 'lxvt', driver: 'lxvt', args: [] },
];

async function run(id: string): Promise<Result> {
  const r = await runs.result(id);
  const res: Result = { ok: [], notOk: [], plan: null, status: r.status, out: r.stdout + r.stderr };
  for (const line of r.stdout.split('\n')) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^ok \d+ - (.*)$/))) res.ok.push(m[1] ?? '');
    else if ((m = line.match(/^not ok \d+ - (.*)$/))) res.notOk.push(m[1] ?? '');
    else if ((m = line.match(/^1\.\.(\d+)$/))) res.plan = Number(m[1] ?? NaN);
  }
  return res;
}

function expectAllOk(res: Result, min: number): void {
  expect(res.notOk, res.out.slice(-4000)).toEqual([]);
  expect(res.plan, 'TAP plan line').toBe(res.ok.length);
  expect(res.ok.length).toBeGreaterThanOrEqual(min);
  expect(res.status, res.out.slice(-4000)).toBe(0);
}

const flagSet = pickFlags();
if (!flagSet) console.log('SKIP psxss host tests: gcc cannot build -m32 programs (run generator/setup.sh for gcc-multilib)');

describe.skipIf(!flagSet)('psxss and lxrun portable code on the host', () => {
  beforeAll(() => {
    for (const [name, sources] of Object.entries(DRIVERS)) {
      execFileSync('gcc', [...flagSet!.flags, ...COMMON, ...sources, '-o', path.join(OUT, `test_${name}`)], { stdio: 'pipe' });
    }
    console.log(`psxss host tests built with: ${flagSet!.name}`);
    runs = i386Batch(
      RUNS.map((r) => ({ id: r.id, argv: [path.join(OUT, `test_${r.driver}`), ...r.args], timeoutMs: 600_000 })),
      { log: (l) => console.log(l) },
    );
  });

  it('packs and validates launch requests and builds the lxcore IOCTL input (program paths are lxcore\'s to resolve)', async () => {
    const res = await run('psxreq');
    expectAllOk(res, 135);
    for (const name of [
      'validate: offset + length wrapping around',
      'validate: well-formed list overlapping the header',
      'ioctl input: ProgramPath is the program as given',
      'ioctl input: every blob 4-byte aligned, after the header, inside the buffer',
      'exit code: SIGKILL is 137',
      // protocol minor 1: the terminal fields, and a minor 0 client's request
      'terminal: a 40x100 request is accepted',
      'validate: terminal together with debug stdio is -ENOTTY',
      'validate: a terminal size without the flag',
      'ioctl input: TerminalSize = rows << 16 | columns',
      'ioctl input: terminal without any std handle is ENOTTY',
      'minor 0: its request is accepted',
      'minor 0 request read as minor 1: strings inside the header are refused',
    ]) {
      expect(res.ok).toContain(name);
    }
  });

  it('never lets a mutated request point outside itself (200000 mutations, minor 0 and 1 layouts)', { timeout: 600_000 }, async () => {
    for (const seed of ['1', '0xfeedface']) {
      const res = await run(`fuzz-${seed.replace(/^0x/, '')}`);
      expectAllOk(res, 3);
      expect(res.ok).toContain('fuzz: mutated terminal requests accepted too');
    }
  });

  it('parses the lxrun command line and builds the Linux environment', async () => {
    expectAllOk(await run('lxrun'), 71);
  });

  it('models the xterm screen lxrun draws and encodes keys (1 MiB of random bytes too)', async () => {
    const res = await run('lxvt');
    expectAllOk(res, 150);
    for (const name of [
      'autowrap: next character on the next line',
      '1049: primary text and cursor back',
      'DSR 6 reports the cursor',
      'UTF-8: a sequence split between writes',
      'fuzz: 1 MiB: cursor, region and parser state always in bounds',
    ]) {
      expect(res.ok).toContain(name);
    }
  });
});
