// Host unit tests for lxcore/core (portable C): ELF validation and load planning, the
// malformed-ELF corpus, a mutation fuzz loop, the initial stack/auxv layout, Linux -> NT path
// translation and the Linux <-> NT conversions. The C drivers in tests/lxcore/c/ print TAP;
// this file compiles them with the host gcc (-m32 with ASan+UBSan when that links, the
// target's own word size; natively where this host cannot run i386 programs, except the
// i386-layout drivers, which then run in the i386 oracle VM) and checks every line.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_DIR, ROOT } from '../../generator/src/paths.ts';
import { buildElfSuite } from '../../generator/src/elf/suite.ts';
import { i386Batch, oracle, type I386Batch } from '../../generator/src/oracle/index.ts';

const OUT = path.join(BUILD_DIR, 'lxcore-tests');
const CORE = path.join(ROOT, 'lxcore', 'core');
const CDIR = path.join(ROOT, 'tests', 'lxcore', 'c');
const CORE_SOURCES = ['lx_elf.c', 'lx_stack.c', 'lx_path.c', 'lx_conv.c', 'lx_fpu.c', 'lx_statfs.c', 'lx_lock.c', 'lx_sigqueue.c', 'lx_script.c', 'lx_cred.c', 'lx_socket.c', 'lx_errno.c', 'lx_tty.c', 'lx_meta.c'].map((f) => path.join(CORE, f));
const DRIVERS = ['elf', 'stack', 'path', 'conv', 'lock', 'sigqueue', 'script', 'cred', 'socket', 'errno', 'tty', 'meta'];
// i386 layouts and instructions: built and run only with -m32 (natively, or in the i386 oracle VM)
const M32_CHECKS = [
  { driver: 'ioctl', name: 'keeps the i386 layout of the lxioctl.h structures and IOCTL codes', what: 'lxioctl.h layout check (the layout is i386)', min: 20 },
  { driver: 'fpu', name: "converts the FPU state between FXSAVE and the signal frame's _fpstate as the CPU does", what: 'FPU state check (i386 instructions and layout)', min: 19 },
  { driver: 'statfs', name: 'packs statfs and statfs64 as this Linux kernel does, EOVERFLOW included', what: 'statfs layout check (the layout is i386)', min: 20 },
  { driver: 'sigframe', name: 'lays out Linux i386 signal frames as the C library sees them', what: 'signal frame layout check (the layout is i386)', min: 40 },
];
const M32_DRIVERS = M32_CHECKS.map((c) => c.driver);

// Flag sets tried in order; the first whose probe compiles, links and runs wins.
const FLAG_SETS: { name: string; flags: string[] }[] = [
  { name: 'gcc -m32 ASan+UBSan', flags: ['-m32', '-fsanitize=address,undefined', '-fno-sanitize-recover=all'] },
  { name: 'gcc -m32', flags: ['-m32'] },
  { name: 'gcc (native) ASan+UBSan', flags: ['-fsanitize=address,undefined', '-fno-sanitize-recover=all'] },
];
const COMMON = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-O1', '-g', `-I${CORE}`, `-I${CDIR}`,
  `-I${path.join(ROOT, 'lxcore', 'include')}`];

interface Tap {
  ok: string[];
  notOk: string[];
  plan: number | null;
  comments: string[];
}

function parseTap(text: string): Tap {
  const tap: Tap = { ok: [], notOk: [], plan: null, comments: [] };
  for (const line of text.split('\n')) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^ok \d+ - (.*)$/))) tap.ok.push(m[1] ?? '');
    else if ((m = line.match(/^not ok \d+ - (.*)$/))) tap.notOk.push(m[1] ?? '');
    else if ((m = line.match(/^1\.\.(\d+)$/))) tap.plan = Number(m[1]);
    else if (line.startsWith('#')) tap.comments.push(line);
  }
  return tap;
}

function haveGcc(): boolean {
  return spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status === 0;
}

function pickFlags(): { name: string; flags: string[] } | null {
  fs.mkdirSync(OUT, { recursive: true });
  const probe = path.join(OUT, 'probe.c');
  fs.writeFileSync(probe, 'int main(void) { return 0; }\n');
  for (const set of FLAG_SETS) {
    if (oracle().kind === 'vm' && set.flags.includes('-m32')) continue; // i386 programs run in the VM only
    const exe = path.join(OUT, 'probe');
    const cc = spawnSync('gcc', [...set.flags, probe, '-o', exe], { stdio: 'ignore' });
    if (cc.status === 0 && spawnSync(exe, [], { stdio: 'ignore' }).status === 0) return set;
  }
  return null;
}

/** Runs a driver; returns its TAP and exit status. */
function run(driver: string, args: string[]): { tap: Tap; status: number | null; out: string } {
  const r = spawnSync(path.join(OUT, `test_${driver}`), args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = (r.stdout ?? '') + (r.stderr ?? '');
  return { tap: parseTap(r.stdout ?? ''), status: r.status, out };
}

/** The i386-layout drivers: with the -m32 flag set they run natively like the others; on the
 *  VM oracle (this host cannot run i386 programs, so the flag set is native) they are built
 *  static with -m32 and run in Debian's i386 kernel under QEMU, one boot for both. */
let m32Runs: I386Batch | null = null;
let m32Why = '';

function prepareM32(flags: string[]): void {
  if (flags.includes('-m32')) return;
  if (oracle().kind !== 'vm') {
    m32Why = 'gcc -m32 programs do not link or run here (install gcc-multilib)';
    return;
  }
  const dir = path.join(OUT, 'm32');
  fs.mkdirSync(dir, { recursive: true });
  for (const d of M32_DRIVERS) {
    const cc = spawnSync('gcc', ['-m32', '-static', ...COMMON, path.join(CDIR, `test_${d}.c`), ...CORE_SOURCES, '-o', path.join(dir, `test_${d}`)], {
      encoding: 'utf8',
    });
    if (cc.status !== 0) {
      m32Why = `gcc -m32 -static cannot build test_${d} here (install gcc-multilib): ${cc.stderr.split('\n')[0]}`;
      return;
    }
  }
  m32Runs = i386Batch(M32_DRIVERS.map((d) => ({ id: d, argv: [path.join(dir, `test_${d}`)], timeoutMs: 120_000 })), { log: (l) => console.log(l) });
}

async function runM32(driver: string): Promise<{ tap: Tap; status: number | null; out: string } | null> {
  if (!m32Runs) return m32Why === '' ? run(driver, []) : null;
  const r = await m32Runs.result(driver);
  return { tap: parseTap(r.stdout), status: r.status, out: r.stdout + r.stderr };
}

/** Every line ok, the plan line matches, exit status 0 (ASan/UBSan abort with non-zero). */
function expectAllOk(res: { tap: Tap; status: number | null; out: string }, min: number): void {
  expect(res.tap.notOk, res.out.slice(-4000)).toEqual([]);
  expect(res.tap.plan, 'TAP plan line').toBe(res.tap.ok.length);
  expect(res.tap.ok.length).toBeGreaterThanOrEqual(min);
  expect(res.status, res.out.slice(-4000)).toBe(0);
}

const gcc = haveGcc();
if (!gcc) console.log('SKIP lxcore/core host tests: no gcc on this machine (run generator/setup.sh)');

describe.skipIf(!gcc)('lxcore/core on the host', () => {
  let flagSet: { name: string; flags: string[] } | null = null;

  beforeAll(() => {
    flagSet = pickFlags();
    if (!flagSet) throw new Error('gcc cannot build even a trivial program (-m32 or native); install gcc-multilib');
    console.log(`lxcore/core tests built with: ${flagSet.name}`);
    const drivers = flagSet.flags.includes('-m32') ? [...DRIVERS, ...M32_DRIVERS] : DRIVERS;
    for (const d of drivers) {
      execFileSync('gcc', [...flagSet.flags, ...COMMON, path.join(CDIR, `test_${d}.c`), ...CORE_SOURCES,
        '-o', path.join(OUT, `test_${d}`)], { stdio: 'pipe' });
    }
    prepareM32(flagSet.flags);
  });

  it('plans valid ET_EXEC and static-PIE images field by field', () => {
    expectAllOk(run('elf', ['unit']), 53);
  });

  it('gives -ENOEXEC for every file of the malformed-ELF corpus (and plans those whose interpreter is what is wrong)', () => {
    const dir = path.join(OUT, 'corpus');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const w = spawnSync(path.join(OUT, 'test_elf'), ['corpus-write', dir], { encoding: 'utf8' });
    expect(w.status, w.stderr).toBe(0);
    const all = fs.readdirSync(dir).filter((f) => f.endsWith('.elf')).sort();
    expect(all.length).toBeGreaterThanOrEqual(66);
    // a name ".eN.elf" is a valid program with a bad interpreter: it plans, exec gives -N
    const files = all.filter((f) => !/\.e\d+\.elf$/.test(f));
    const interp = all.filter((f) => /\.e\d+\.elf$/.test(f));
    expect(interp.length).toBeGreaterThanOrEqual(5);
    const res = run('elf', ['check-enoexec', ...files.map((f) => path.join(dir, f))]);
    expectAllOk(res, files.length);
    // one verdict per file, each naming its file
    for (const f of files) expect(res.tap.ok.some((l) => l.startsWith(`${f} gives -ENOEXEC`))).toBe(true);
    expectAllOk(run('elf', ['check-ok', ...interp.map((f) => path.join(dir, f))]), interp.length);
  });

  it('survives 200000 random mutations of a valid image (no crash, plan invariants hold)', () => {
    for (const seed of ['1', '0xdeadbeef']) {
      const res = run('elf', ['fuzz', '100000', seed]);
      expectAllOk(res, 2);
    }
  });

  it('accepts real static, static-PIE and dynamic binaries (a dynamic one names its interpreter)', (ctx) => {
    const src = path.join(OUT, 'hello.c');
    fs.writeFileSync(src, '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n');
    const variants: [string, string[]][] = [
      ['hello-static', ['-static']],
      ['hello-static-pie', ['-static-pie']],
      ['hello-dynamic', []],
    ];
    const built: Record<string, string> = {};
    for (const [name, flags] of variants) {
      const exe = path.join(OUT, name);
      if (spawnSync('gcc', ['-m32', ...flags, src, '-o', exe], { stdio: 'ignore' }).status === 0) built[name] = exe;
    }
    if (!built['hello-static'] || !built['hello-dynamic']) {
      console.log('SKIP real-binary ELF check: gcc -m32 cannot link static i386 programs here');
      ctx.skip();
      return;
    }
    const ok = [built['hello-static'], built['hello-static-pie'], built['hello-dynamic']].filter(Boolean) as string[];
    expectAllOk(run('elf', ['check-ok', ...ok]), ok.length);
  });

  it('accepts every ELF test program of the musl build', async () => {
    // Builds musl and the suite if this run has not yet (incremental: shared with tests/musl).
    const { entries } = await buildElfSuite({ log: () => {} });
    const files = entries.map((e) => (path.isAbsolute(e.path) ? e.path : path.join(ROOT, e.path)));
    expect(files.length).toBeGreaterThan(10);
    expectAllOk(run('elf', ['check-ok', ...files]), files.length);
  }, 900_000);

  it('builds the initial stack word for word (argc, argv, envp, auxv, strings, alignment)', () => {
    expectAllOk(run('stack', []), 74);
  });

  it('translates Linux paths to NT paths and walks symlinks (.., ., //, escapes, limits, round trips, ELOOP)', () => {
    expectAllOk(run('path', []), 75);
  });

  it('converts open flags, modes, NTSTATUS codes and times', () => {
    expectAllOk(run('conv', []), 50);
  });

  it('computes record lock ranges, conflicts and an owner\'s set after locks and unlocks', () => {
    expectAllOk(run('lock', []), 23);
  });

  it('keeps pending signals as Linux does: standard ones coalesce, real-time ones queue in order', () => {
    expectAllOk(run('sigqueue', []), 19);
  });

  it('reads "#!" lines as Linux\'s binfmt_script does (interpreter, one argument, truncation)', () => {
    expectAllOk(run('script', []), 18);
  });

  it('applies setresuid, setreuid and setuid as Linux does, for root and for other users', () => {
    expectAllOk(run('cred', []), 27);
  });

  it('names every errno value lx_errno.h defines, with its own name (traces)', () => {
    const header = fs.readFileSync(path.join(CORE, 'lx_errno.h'), 'utf8');
    const defined = [...header.matchAll(/#define LX_(E[A-Z0-9]+)\s+(\d+)/g)].map((m) => `${m[2]} ${m[1]}`);
    const r = spawnSync(path.join(OUT, 'test_errno'), [], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const named = r.stdout.trim().split('\n');
    expect(defined.length).toBeGreaterThan(60);
    expect(named.sort()).toEqual(defined.sort());
  });

  it('parses AF_UNIX and AF_INET addresses, maps network statuses, and walks and cuts control messages as Linux does', () => {
    expectAllOk(run('socket', []), 25);
  });

  it('encodes the metadata journal and stops its replay at a torn or corrupt record', () => {
    expectAllOk(run('meta', []), 24);
  });

  it('edits, echoes and signals terminal input and processes output as Linux\'s n_tty does', () => {
    expectAllOk(run('tty', []), 20);
  });

  for (const c of M32_CHECKS) {
    it(c.name, async (ctx) => {
      const res = await runM32(c.driver);
      if (!res) {
        console.log(`SKIP ${c.what}: ${m32Why}`);
        ctx.skip();
        return;
      }
      expectAllOk(res, c.min);
    });
  }
});
