// `lxgen test`: boots the user's ReactOS build in QEMU with the Linux ELF test suite on a
// payload disk, follows the in-guest runner's TAP on the serial port, and reports per test.
// Bugchecks, kernel debugger entries and hangs are failures with evidence (the last 40 log
// lines). Library code: generator/src/vm/ (media, QEMU) and generator/src/tap/ (parsing).
import { existsSync, mkdirSync, rmSync, copyFileSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BUILD_DIR, ROOT } from '../paths.ts';
import { describeChoice, resolveBuildDir, userConfigFile } from '../vm/config.ts';
import { inspectBuild, parsePathList, registryHasLxcoreService } from '../vm/reactos-build.ts';
import { assembleBootMedium, RUNNER_IMAGE } from '../vm/boot-medium.ts';
import { prepareFuzz } from '../fuzz/fuzz.ts';
import { crashTest, hangTest, DEFAULT_MANIFEST, makePayloadImage, replanPayloadImage, matchesFilter, payloadSizeMiB, payloadSystemFiles, planTests, readManifest, type PlannedElf, type SystemFile } from '../vm/payload.ts';
import { buildLxcore, buildRunner, lxcoreInf } from '../vm/runner-build.ts';
import { defaultTestEntries } from '../elf/corpus.ts';
import { MANIFEST_STOCK } from '../elf/suite.ts';
import { qemuArgs, runSession, type Accel } from '../vm/qemu.ts';
import { stageRootfs } from '../vm/rootfs-stage.ts';
import { buildLximport, LXIMPORT_DEST } from '../musl/lximport.ts';
import { freeLoopbackPort, HOST_PEER_BYTES, HOST_PEER_GUEST_PORT, startHostPeer } from '../vm/hostpeer.ts';
import { keyEvents, parseScenario, runScenario, SCENARIO_SCRIPT, scenarioInf, scenarioScript, ScreenLog, type ScenarioIo, type ScenarioResult } from '../vm/scenario.ts';
import { qmp, screendump } from '../vm/screendump.ts';
import { interactiveRootI386 } from '../debian/packages.ts';
import { SerialMonitor, DEFAULT_MONITOR_OPTIONS } from '../tap/monitor.ts';
import { buildReport, formatReport } from '../tap/report.ts';
import { describeFailure } from '../tap/kernel.ts';

export const summary = 'boot ReactOS in QEMU, run the Linux ELF tests in it, report per test';

/** The scenario's keys and screenshots through QEMU's QMP socket */
function scenarioIo(socket: string, base: string, say: (line: string) => void): ScenarioIo {
  return {
    keys: async (chords) => {
      // one chord at a time: the guest's PS/2 keyboard queue is short, TCG slow
      for (const command of keyEvents(chords)) {
        await qmp(socket, [{ execute: 'qmp_capabilities' }, command]);
        await new Promise((r) => setTimeout(r, 40));
      }
    },
    screenshot: async (file) => {
      const png = path.resolve(base, file);
      mkdirSync(path.dirname(png), { recursive: true });
      if (!(await screendump(socket, png))) throw new Error(`screendump to ${png} failed`);
    },
    log: (line) => say(`  ${line}`),
  };
}

export const usage = `usage: lxgen test [options]

Boots the patched ReactOS build in QEMU (headless), runs every ELF test of the musl build's
manifest (${path.relative(process.cwd(), DEFAULT_MANIFEST) || DEFAULT_MANIFEST}) as a pico process through the in-guest
runner, and reports per test. Exits non-zero on any failure, missing test, bugcheck or hang.
A build that lacks a file the boot needs (kernel, HAL, boot drivers, NLS tables, hive inputs)
is refused before QEMU starts, naming each file and the ninja target that makes it.

options:
  --build DIR        the ReactOS build directory (else $LXSS_REACTOS_BUILD, else
                     "reactosBuild" in ${userConfigFile()})
  --accel tcg|kvm    QEMU accelerator (default tcg: with KVM FreeLdr faults enabling paging)
  --smp N            boot the multiprocessor kernel on N virtual CPUs (1-8): the build's
                     ntkrnlmp.exe as ntoskrnl.exe and halmacpi.dll as hal.dll, QEMU -smp N
                     (needs reactos-patches 0025-0028; see generator/src/vm/README.md)
  --filter PATTERN   run a subset: substring or glob over "group/name", comma-separated
  --trace PATTERN    trace the system calls of the tests PATTERN selects (as --filter) and of
                     their children: lxcore logs each call in strace's format ("lxtrace: [pid
                     T] name(args) = result <seconds>"), printed here and kept in the serial log
  --record PATTERN   lxcore keeps the last 16 calls of each process of the tests PATTERN
                     selects and prints them ("lxrecent: ...", the one it was in "= ? (not
                     returned)") if the process is killed by SIGKILL (the runner's timeout,
                     the fuzzer's hang report) or a fault in one of its calls heads for a
                     bugcheck; --fuzz always records
  --timeout SECONDS  overall timeout (default ${DEFAULT_MONITOR_OPTIONS.overallTimeoutMs / 1000}; with --fuzz, the fuzzer's test
                     timeout plus the boot timeout)
  --boot-timeout S   boot-to-runner timeout (default ${DEFAULT_MONITOR_OPTIONS.bootTimeoutMs / 1000})
  --keep             keep the run directory (serial log, payload disk) under .lxss/vm/
  --rootfs FILE      a root file system tarball (lxgen rootfs) is the Linux root: laid out on
                     the payload disk as lxcore stores files (link files, the metadata
                     journal with every mode and owner), the tests under /elf as always, and
                     none of the usual system files (the rootfs has its own)
  --payload-image F  boot the payload disk F (a kept run's payload.img) again instead of a
                     new one: its files stay as the last boot left them, only the plan is
                     replaced (a program not on it yet is added). F is changed in place.
  --power-cut        stop QEMU the moment the runner reports its results, with no shutdown
                     in the guest: nothing the guest still caches reaches the payload disk
                     (with --keep and then --payload-image: what survives a power failure)
  --gdb              start QEMU halted, waiting for gdb on localhost:1234 (no timeouts)
  --boot-only        boot with an empty plan: checks boot-to-runner and measures it
  --crash-test       run only the runner's crash test, which makes the kernel bugcheck (a
                     hard error with OptionShutdownSystem: ReactOS shows the raised status,
                     STOP 0xC0000420): exits 0 only if lxgen reports that bugcheck
  --hang-test        run only the runner's hang test (the runner stops answering): exits 0
                     only if lxgen reports it as a hang of that test
  --manifest FILE    ELF manifest (default .lxss/elf/manifest.json plus the malformed-ELF
                     corpus, group elfcorpus, built from tests/lxcore/c/test_elf.c with gcc into
                     .lxss/elf-corpus/: each file's exec must fail with -ENOEXEC)
  --stock            run the stock suite: the same ELF tests built against unpatched musl
                     (.lxss/elf-stock/manifest.json, made by \`lxgen elf --stock\`), ordinary
                     Linux binaries that trap with int $0x80; no corpus; not with --manifest
  --dry-run          assemble the media and print the QEMU command line, do not boot
  --runner WHICH     the in-guest runner: "auto" (default: the build's lxtestrun.exe, else
                     tests/runner compiled with the build's flags and libraries), "build",
                     "project" (always compile tests/runner), or a path to an .exe
  --lxcore WHICH     lxcore.sys: "auto" (default: the build's, else lxcore/ compiled with the
                     build's kernel-driver flags), "build", "project", or a path to a .sys
  --add DEST=FILE    put FILE on the boot disk as DEST (e.g. reactos/system32/drivers/lxcore.sys=...),
                     replacing the build's; repeatable
  --inf FILE         extra registry .inf merged into the hives last; repeatable. Before
                     booting, its lines are checked (a root key, section, flag or number mkhive
                     would not take is refused with file:line), and after mkhive every hive is
                     read back: a corrupt hive, or a value not as the line says, is refused
                     naming the .inf line, and nothing boots
  --until REGEX      let the boot go on after the runner ("lxtestrun continue": smss then starts
                     csrss, winlogon and Setup\CmdLine, e.g. a cmd.exe batch set with --inf)
                     and end the run at the first later serial line matching REGEX (or fail at
                     --timeout); the programs' output after the runner is printed
  --disk FILE        attach FILE (a raw disk image) as one more IDE disk after the payload
                     (\Device\Harddisk2, then 3), opened with snapshot=on: the guest's writes
                     are dropped; repeatable, at most 2 (e.g. a btrfs volume, whose files keep NT
                     security descriptors: tests/vm/security.test.ts)
  --payload DEST=DIR put the files under DIR on the payload disk (the Linux root) under DEST,
                     e.g. elf=.lxss/conformance/busybox/tree; repeatable
  --scratch MIB      that much more free space on the payload disk (FAT16: at most 2 GiB in
                     all), for tests that write large files (tests/bench/guest-table.ts)
  --fuzz CALLS       run only the system call fuzzer (tests/fuzz/lxfuzz.c): CALLS random calls
                     from --workers N processes (default 4), seeded with --seed S (default: the
                     time; printed, so that a failing run can be repeated); --fuzz-trace prints
                     each worker's seed and, before they are made, its calls that change the
                     address space or make processes; --fuzz-numbers LO-HI draws the call
                     numbers from LO..HI only (to narrow down what a leak or hang needs)
  --rebuild-medium   rebuild the cached boot disk even if its inputs did not change
  --scenario FILE    a test of the desktop driven by keys (generator/src/vm/scenario.ts): the
                     boot goes on after the runner to a console window running
                     "lxrun --transcript" on the scenario's program in an interactive Linux
                     root (Debian's bash and coreutils, busybox's vi, less, top, stty, xterm's
                     terminfo), keys are typed through QMP, and each wait checks the text
                     lxrun reads back from the console; screenshots on request (their paths
                     relative to the project, or to --screenshot-dir DIR). Fails at the first
                     wait that times out, with a screenshot of the VM in the run directory

environment: LXSS_QEMU (QEMU binary), LXSS_QEMU_ARGS (extra QEMU arguments).
The serial log of the last run is always left at .lxss/vm/last-serial.log.`;

/** --payload DEST=DIR: DIR's files (recursively) at DEST/<relative path>, except those a test of the plan puts there itself. */
function payloadDir(arg: string, tests: PlannedElf[]): SystemFile[] {
  const eq = arg.indexOf('=');
  if (eq < 0) throw new Error(`--payload ${arg}: expected DEST=DIR`);
  const dest = arg.slice(0, eq).replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
  const dir = path.resolve(arg.slice(eq + 1));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`--payload ${arg}: ${dir} is not a directory`);
  const taken = new Set(tests.map((t) => t.diskPath));
  const out: SystemFile[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) {
        const diskPath = dest ? `${dest}/${r}` : r;
        if (!taken.has(diskPath)) out.push({ diskPath, file: path.join(dir, r) });
      } else throw new Error(`--payload ${arg}: ${r} is neither a file nor a directory (the payload is FAT)`);
    }
  };
  walk('');
  return out;
}

function fmtTime(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export interface TestRunOutcome {
  exitCode: number;
  /** VM start to the runner's first TAP line. */
  bootMs: number | null;
  /** VM start to the runner's done line (all results in). */
  resultsMs: number | null;
  /** VM start to the VM stopped. */
  elapsedMs: number | null;
  exitedByItself: boolean;
}

export async function run(argv: string[]): Promise<number> {
  return (await runTests(argv)).exitCode;
}

/** The whole command, returning timings too (used by generator/src/vm/bench-boot.ts). */
export async function runTests(argv: string[]): Promise<TestRunOutcome> {
  const fail = (exitCode: number): TestRunOutcome => ({ exitCode, bootMs: null, resultsMs: null, elapsedMs: null, exitedByItself: false });
  const { values } = parseArgs({
    args: argv,
    options: {
      build: { type: 'string' },
      accel: { type: 'string', default: 'tcg' },
      smp: { type: 'string' },
      filter: { type: 'string' },
      trace: { type: 'string' },
      record: { type: 'string' },
      timeout: { type: 'string' },
      'boot-timeout': { type: 'string' },
      keep: { type: 'boolean', default: false },
      'payload-image': { type: 'string' },
      rootfs: { type: 'string' },
      'power-cut': { type: 'boolean', default: false },
      gdb: { type: 'boolean', default: false },
      'boot-only': { type: 'boolean', default: false },
      'crash-test': { type: 'boolean', default: false },
      'hang-test': { type: 'boolean', default: false },
      manifest: { type: 'string' },
      stock: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      'rebuild-medium': { type: 'boolean', default: false },
      runner: { type: 'string', default: 'auto' },
      lxcore: { type: 'string', default: 'auto' },
      add: { type: 'string', multiple: true },
      disk: { type: 'string', multiple: true },
      inf: { type: 'string', multiple: true },
      payload: { type: 'string', multiple: true },
      scratch: { type: 'string' },
      fuzz: { type: 'string' },
      seed: { type: 'string' },
      workers: { type: 'string', default: '4' },
      'fuzz-trace': { type: 'boolean', default: false },
      'fuzz-numbers': { type: 'string' },
      until: { type: 'string' },
      scenario: { type: 'string' },
      'screenshot-dir': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const accel = values.accel as Accel;
  if (accel !== 'tcg' && accel !== 'kvm') throw new Error(`--accel must be tcg or kvm, not ${values.accel}`);
  const seconds = (v: string | undefined, what: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${what} must be a positive number of seconds`);
    return n * 1000;
  };
  let smp: number | undefined;
  if (values.smp !== undefined) {
    smp = Number(values.smp);
    // The APIC HAL puts the local APICs in flat logical mode: at most 8 processors.
    if (!Number.isInteger(smp) || smp < 1 || smp > 8) throw new Error(`--smp must be a whole number of CPUs from 1 to 8, not ${values.smp}`);
  }
  let overallMs = seconds(values.timeout, '--timeout');
  let until: RegExp | null = null;
  const scenarioFile = values.scenario !== undefined ? path.resolve(values.scenario) : null;
  const steps = scenarioFile ? parseScenario(readFileSync(scenarioFile, 'utf8'), path.relative(ROOT, scenarioFile)) : null;
  if (steps) {
    if (values.until !== undefined) throw new Error('--scenario ends the run itself: not with --until');
    // the boot goes on after the runner; the scenario, not a line, ends the run
    until = /^\u0000lxgen scenario: never$/;
    values.filter ??= 'basic/hello';
  }
  if (values.until !== undefined) {
    try {
      until = new RegExp(values.until);
    } catch (e) {
      throw new Error(`--until ${values.until}: not a regular expression (${(e as Error).message})`);
    }
  }
  const bootMs = seconds(values['boot-timeout'], '--boot-timeout');
  const scratchMiB = values.scratch === undefined ? 0 : Number(values.scratch);
  if (!Number.isInteger(scratchMiB) || scratchMiB < 0 || scratchMiB > 1024) throw new Error(`--scratch must be a whole number of MiB from 0 to 1024, not ${values.scratch}`);

  const choice = resolveBuildDir(values.build);
  if (!choice) {
    console.error(
      `lxgen test: no ReactOS build configured: pass --build DIR, set LXSS_REACTOS_BUILD, or write ` +
        `{"reactosBuild": "/path/to/build"} to ${userConfigFile()}`,
    );
    return fail(2);
  }
  const build = inspectBuild(choice.dir);
  console.log(`ReactOS build: ${describeChoice(choice)} [${build.config}, source ${build.sourceDir}]`);

  // Tests.
  let tests: PlannedElf[] = [];
  const payloads = [...(values.payload ?? [])];
  if (values.fuzz !== undefined) {
    if (values.manifest || values.stock || values.filter) throw new Error('--fuzz runs the fuzzer alone: not with --manifest, --stock or --filter');
    const fuzz = await prepareFuzz(Number(values.fuzz), values.seed !== undefined ? Number(values.seed) : undefined, Number(values.workers), values['fuzz-trace'], (l) => console.log(l), values['fuzz-numbers']);
    // each worker's last calls, as lxcore saw them, for a hang or bugcheck report
    tests = planTests([fuzz.entry]).map((t) => ({ ...t, trace: 'record' as const }));
    // a long run is judged by the fuzzer's own hang check and its test timeout, not the
    // overall default (600 s: about 1,400,000 calls)
    overallMs ??= (fuzz.entry.timeout * 1000) + DEFAULT_MONITOR_OPTIONS.bootTimeoutMs;
    payloads.push(`elf=${fuzz.tree}`);
  } else if (values['crash-test']) {
    tests = [crashTest(1)];
  } else if (values['hang-test']) {
    tests = [hangTest(1)];
  } else if (!values['boot-only']) {
    if (values.stock && values.manifest) throw new Error('--stock and --manifest exclude each other');
    if (values.stock && !existsSync(MANIFEST_STOCK))
      throw new Error(`no stock ELF manifest at ${MANIFEST_STOCK}: build it with \`npx lxgen elf --stock\``);
    const entries = values.stock
      ? readManifest(MANIFEST_STOCK)
      : values.manifest
      ? readManifest(path.resolve(values.manifest))
      : defaultTestEntries(readManifest, DEFAULT_MANIFEST, (l) => console.log(l));
    // group rootfs runs Debian's programs: only where the root is Debian's (--rootfs)
    const needRootfs = entries.filter((e) => e.group === 'rootfs');
    if (needRootfs.length && values.rootfs === undefined)
      console.log(`note: ${needRootfs.map((e) => e.name).join(', ')} left out (group rootfs: give --rootfs FILE, a tarball from lxgen rootfs)`);
    tests = planTests(values.rootfs === undefined ? entries.filter((e) => e.group !== 'rootfs') : entries, values.filter);
    if (tests.length === 0) throw new Error(values.filter ? `--filter ${values.filter} selects no test` : 'the manifest lists no test');
  }

  for (const [option, mode] of [['trace', 'print'], ['record', 'record']] as const) {
    const pattern = values[option];
    if (pattern === undefined) continue;
    const chosen = tests.filter((t) => matchesFilter(t.name, pattern));
    if (!chosen.length) throw new Error(`--${option} ${pattern} selects none of the ${tests.length} tests`);
    for (const t of chosen) t.trace = mode;
  }
  const vmDir = path.join(BUILD_DIR, 'vm');
  mkdirSync(vmDir, { recursive: true });
  const t0 = Date.now();
  const listed = parsePathList(readFileSync(build.livecdList, 'utf8')).find(
    (e) => e.dest.toLowerCase() === `reactos/system32/${RUNNER_IMAGE}.exe`,
  );
  const buildHasRunner = listed !== undefined && existsSync(listed.src);
  let runner: string | undefined;
  const which = values.runner ?? 'auto';
  if (which === 'project' || (which === 'auto' && !buildHasRunner)) {
    runner = await buildRunner(build.dir, path.join(vmDir, 'runner'));
    console.log(`runner: ${runner} (tests/runner compiled with the build's flags)`);
  } else if (which !== 'auto' && which !== 'build') {
    runner = path.resolve(which);
    if (!existsSync(runner)) throw new Error(`--runner ${which}: no such file`);
  }
  const lxcoreListed = parsePathList(readFileSync(build.livecdList, 'utf8')).find(
    (e) => e.dest.toLowerCase() === 'reactos/system32/drivers/lxcore.sys',
  );
  const buildHasLxcore = lxcoreListed !== undefined && existsSync(lxcoreListed.src);
  if (buildHasLxcore && !registryHasLxcoreService(build.registryInf)) {
    throw new Error(
      `${build.registryInf} does not register the lxcore service, although the build has lxcore.sys: ` +
        `it predates subsystems/lxss. Rebuild it with \`ninja registry_inf\` in ${build.dir}.`,
    );
  }
  let lxcore: string | undefined;
  const lxWhich = values.lxcore ?? 'auto';
  // The self-tests need no lxcore: do not let a broken lxcore/ working tree fail them.
  const selfTest = values['crash-test'] || values['hang-test'];
  if (lxWhich === 'project' || (lxWhich === 'auto' && !buildHasLxcore && !selfTest)) {
    lxcore = await buildLxcore(build.dir, path.join(vmDir, 'lxcore'));
    console.log(`lxcore: ${lxcore} (lxcore/ compiled with the build's kernel-driver flags)`);
  } else if (lxWhich !== 'auto' && lxWhich !== 'build') {
    lxcore = path.resolve(lxWhich);
    if (!existsSync(lxcore)) throw new Error(`--lxcore ${lxWhich}: no such file`);
  }
  const extraInfs = [...(values.inf ?? [])];
  if (lxcore && !buildHasLxcore) {
    // The build's registry has no Services\lxcore: add what subsystems/lxss/lxss_reg.inf adds.
    const inf = path.join(vmDir, 'lxcore-service.inf');
    // Written only when it changes: the boot disk cache keys on its mtime.
    if (!existsSync(inf) || readFileSync(inf, 'utf8') !== lxcoreInf()) writeFileSync(inf, lxcoreInf());
    extraInfs.unshift(inf);
  }
  const extraFiles = (values.add ?? []).map((a) => {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new Error(`--add ${a}: expected DEST=FILE`);
    return { dest: a.slice(0, eq).replace(/\\/g, '/').replace(/^\/+/, ''), src: path.resolve(a.slice(eq + 1)) };
  });
  if (lxcore) extraFiles.unshift({ dest: 'reactos/system32/drivers/lxcore.sys', src: lxcore });
  // lxrun --import's unpacker: a Linux program the ReactOS build cannot make
  extraFiles.push({ dest: LXIMPORT_DEST, src: await buildLximport((l) => console.log(`  ${l}`)) });
  if (steps) {
    // lxrun's default root, \SystemRoot\lxss\rootfs, holds the interactive root
    for (const f of interactiveRootI386((l) => console.log(`  ${l}`)))
      extraFiles.push({ dest: `reactos/lxss/rootfs/${f.diskPath}`, src: f.file });
    const inf = path.join(vmDir, 'scenario.inf');
    const run = steps.find((s) => s.kind === 'run') as { argv: string[] };
    const before = steps.filter((s) => s.kind === 'before').map((s) => (s as { argv: string[] }).argv);
    const text = scenarioInf(run.argv, before);
    if (before.length) {
      const script = path.join(vmDir, SCENARIO_SCRIPT);
      if (!existsSync(script) || readFileSync(script, 'utf8') !== scenarioScript(run.argv, before)) writeFileSync(script, scenarioScript(run.argv, before));
      extraFiles.push({ dest: `reactos/system32/${SCENARIO_SCRIPT}`, src: script });
    }
    if (!existsSync(inf) || readFileSync(inf, 'utf8') !== text) writeFileSync(inf, text);
    extraInfs.push(inf);
  }
  const medium = await assembleBootMedium(build, path.join(vmDir, 'media'), {
    smp: smp !== undefined,
    runner,
    extraFiles,
    extraInfs,
    continueBoot: until !== null,
    rebuild: values['rebuild-medium'],
    log: (m) => console.log(`  ${m}`),
  });
  console.log(
    `boot disk: ${medium.image} (${medium.reused ? 'cached' : `built in ${fmtTime(Date.now() - t0)}`}, ` +
      `${medium.files} files; ${medium.missing.length} livecd files not built, left out)`,
  );
  if (medium.missing.length) {
    const shown = medium.missing.slice(0, 6).map((m) => path.basename(m));
    console.log(`  not built: ${shown.join(', ')}${medium.missing.length > 6 ? `, ... (${medium.missing.length - 6} more)` : ''}`);
  }
  if (!medium.hasRunner) {
    throw new Error(
      `the build has no reactos/system32/${RUNNER_IMAGE}.exe: install the project into the tree ` +
        `(lxgen apply --tree ${build.sourceDir}) and build it (ninja ${RUNNER_IMAGE} lxcore)`,
    );
  }
  if (!medium.hasLxcore) console.log('warning: the build has no lxcore.sys: every test will fail with "lxcore not available"');

  const runDir = path.join(vmDir, `run-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(runDir, { recursive: true });
  let payload = path.join(runDir, 'payload.img');
  if (values['payload-image'] !== undefined) {
    payload = path.resolve(values['payload-image']);
    await replanPayloadImage(payload, tests);
    console.log(`payload: ${payload} booted again (only its plan replaced)`);
  } else {
    const rootfs = values.rootfs !== undefined ? stageRootfs(path.resolve(values.rootfs), (l) => console.log(l)) : undefined;
    const system = [...(rootfs ? [] : payloadSystemFiles((l) => console.log(l))), ...payloads.flatMap((p) => payloadDir(p, tests))];
    const made = Date.now();
    await makePayloadImage(payload, tests, payloadSizeMiB(tests, system, rootfs) + scratchMiB, system, rootfs);
    if (rootfs) console.log(`payload: the rootfs (${rootfs.entries} entries) and ${tests.length} tests laid out in ${((Date.now() - made) / 1000).toFixed(1)} s`);
  }
  const logFile = path.join(runDir, 'serial.log');
  const qemu = process.env.LXSS_QEMU || 'qemu-system-i386';
  const extraArgs = process.env.LXSS_QEMU_ARGS ? process.env.LXSS_QEMU_ARGS.split(/\s+/).filter(Boolean) : [];
  const disks = (values.disk ?? []).map((d) => path.resolve(d));
  if (disks.length > 2) throw new Error(`--disk: at most 2 extra disks (IDE has 4 places: boot disk, payload and 2 more), ${disks.length} given`);
  for (const d of disks) if (!existsSync(d)) throw new Error(`--disk ${d}: no such file (give a raw disk image)`);
  // Unix socket paths are limited to ~107 bytes.
  let qmpSocket = path.join(runDir, 'qmp.sock');
  if (qmpSocket.length > 100) qmpSocket = path.join(os.tmpdir(), `lxss-qmp-${process.pid}.sock`);
  // the host's side of the hostpeer test: a loopback port forwarded to the guest
  const hostForward = { hostPort: await freeLoopbackPort(), guestPort: HOST_PEER_GUEST_PORT };
  const qopts = { qemu, bootDisk: medium.image, payload, disks, accel, smp, gdb: values.gdb, extraArgs, qmpSocket, hostForward };
  if (values['dry-run']) {
    console.log(`payload: ${payload} (${tests.length} tests)`);
    console.log([qemu, ...qemuArgs(qopts)].map((a) => (/[\s,]/.test(a) && !a.includes('=') ? JSON.stringify(a) : a)).join(' '));
    return fail(0);
  }

  const planned = tests.map((t) => ({ id: t.id, name: t.name, timeout: t.timeout, execError: t.execError }));
  const noLimit = 10 * 24 * 3600 * 1000;
  const monitor = new SerialMonitor(Date.now(), planned, {
    overallTimeoutMs: overallMs ?? (values.gdb ? noLimit : DEFAULT_MONITOR_OPTIONS.overallTimeoutMs),
    bootTimeoutMs: bootMs ?? (values.gdb ? noLimit : DEFAULT_MONITOR_OPTIONS.bootTimeoutMs),
    testGraceMs: values.gdb ? noLimit : DEFAULT_MONITOR_OPTIONS.testGraceMs,
    ...(values['power-cut'] ? { doneGraceMs: 0 } : {}),
    until,
  });

  const tty = process.stdout.isTTY === true;
  let status = '';
  const clearStatus = () => {
    if (tty && status) process.stdout.write('\r\x1b[K');
  };
  const say = (line: string) => {
    clearStatus();
    console.log(line);
    if (tty && status) process.stdout.write(status);
  };
  const total = tests.length;
  let done = 0;
  let lastHeartbeat = 0;
  monitor.onTap = (e, t) => {
    const el = fmtTime(t - monitor.startedAt);
    if (e.kind === 'plan') say(`[${el}] runner started: plan ${e.plan.start}..${e.plan.end}`);
    else if (e.kind === 'result') {
      done++;
      const r = e.result;
      const mark = r.directive === 'skip' ? 'skip' : r.directive === 'todo' ? 'todo' : r.ok ? 'ok' : 'FAIL';
      say(`[${el}] ${mark.padEnd(4)} ${r.id}/${total} ${r.description}${r.reason ? ` # ${r.reason}` : ''}`);
    } else if (e.kind === 'comment' && !tty) say(`[${el}] # ${e.text}`);
    else if (e.kind === 'comment') say(`[${el}] # ${e.text}`);
    else if (e.kind === 'bailout') say(`[${el}] runner bailed out: ${e.reason}`);
    else if (e.kind === 'done') say(`[${el}] runner done: ${e.done.pass} passed, ${e.done.fail} failed, ${e.done.skip} skipped`);
  };
  const screens = new ScreenLog();
  monitor.onLine = (line) => {
    screens.feed(line);
    if ((values.trace !== undefined && line.startsWith('lxtrace: ')) || line.startsWith('lxrecent: ')) say(line);
  };
  monitor.onKernelFailure = (f, t) => say(`[${fmtTime(t - monitor.startedAt)}] KERNEL: ${describeFailure(f)}`);
  const onTick = (ms: number) => {
    const cur = monitor.currentTest();
    const what = cur ? `running ${cur.id}/${total} ${cur.name} (${fmtTime(Date.now() - cur.startedAt)})` : monitor.sawDone() ? (until ? `runner done, boot goes on, waiting for /${until.source}/` : 'runner done, waiting for power-off') : done === 0 ? 'booting' : 'between tests';
    if (tty) {
      status = `[${fmtTime(ms)}] ${what}`;
      process.stdout.write(`\r\x1b[K${status}`);
    } else if (ms - lastHeartbeat >= 15_000) {
      lastHeartbeat = ms;
      console.log(`[${fmtTime(ms)}] ${what}`);
    }
  };

  const cpus = smp !== undefined ? `, ${smp} CPU${smp > 1 ? 's' : ''}, multiprocessor kernel` : '';
  console.log(`booting QEMU (${accel}${cpus}${values.gdb ? ', waiting for gdb on localhost:1234' : ''}), ${total} tests; serial log ${logFile}`);
  const hostPeer = startHostPeer(hostForward.hostPort);
  let scenarioResult: ScenarioResult | null = null;
  const scenarioRun = steps
    ? runScenario(steps, screens, scenarioIo(qmpSocket, path.resolve(values['screenshot-dir'] ?? ROOT), say), path.relative(ROOT, scenarioFile!)).then(async (r) => {
        scenarioResult = r;
        if (!r.ok && (await screendump(qmpSocket, path.join(runDir, 'scenario-failure.png'))))
          say(`screenshot of the failure: ${path.join(runDir, 'scenario-failure.png')}`);
        await qmp(qmpSocket, [{ execute: 'qmp_capabilities' }, { execute: 'quit' }]);    // the scenario ends the run
      })
    : null;
  const result = await runSession(qopts, { monitor, logFile, onTick, screenshot: path.join(runDir, 'screen.png') });
  if (scenarioRun && !scenarioResult) scenarioResult = { ok: false, steps: 0, failure: 'the VM stopped before the scenario ended' };
  const peer = await hostPeer.stop();
  clearStatus();
  status = '';
  console.log(
    `host peer (127.0.0.1:${hostForward.hostPort} -> guest port ${hostForward.guestPort}, QEMU user network, restrict=on): ` +
      `${peer.exchanges} exchange${peer.exchanges === 1 ? '' : 's'} of ${HOST_PEER_BYTES / 1024} KiB` +
      (peer.errors.length ? `; failed: ${peer.errors.join('; ')}` : ''),
  );
  copyFileSync(logFile, path.join(vmDir, 'last-serial.log'));

  const report = buildReport({
    planned,
    tap: monitor.tap.summary(),
    stop: result.stop,
    vmExitedByItself: result.exitedByItself,
    lastLines: monitor.lastLines(),
    notes: monitor.failureNotes(),
  });
  const leakCheck = monitor.tap.summary().leakCheck;
  // the runner's leak check (tests/runner/lxleaks.h): lxcore holding more after the last test
  // than before the first fails the run
  if (leakCheck !== null && /^LEAK\b/.test(leakCheck)) {
    report.problems.push(`lxcore leak check after the last test: ${leakCheck}`);
    report.exitCode = 1;
  }
  if (result.exitedByItself && !monitor.sawDone() && result.stderr.trim()) {
    report.problems.push(`QEMU: ${result.stderr.trim().split('\n').slice(-3).join(' / ')}`);
    report.exitCode = 1;
  }
  if (result.stop?.kind === 'timeout' && monitor.lastLines().every((l) => l.trim() === '')) {
    report.problems.push('the serial log is empty: the kernel never started (BIOS or FreeLdr stage)');
  }
  if (result.screenshot) {
    const keep = path.join(vmDir, 'last-screen.png');
    copyFileSync(result.screenshot, keep);
    report.problems.push(`screenshot of the VM at the hang: ${keep}`);
  }
  console.log('');
  for (const l of formatReport(report)) console.log(l);
  if (steps) {
    const r = scenarioResult as ScenarioResult | null;
    console.log(`scenario ${path.relative(ROOT, scenarioFile!)}: ${r?.ok ? `${r.steps} steps passed -> OK` : `FAILED after ${r?.steps ?? 0} steps: ${r?.failure}`}`);
    if (!r?.ok) report.exitCode = 1;
  } else if (until) {
    const at = monitor.untilTime();
    console.log(`after the runner (--until /${until.source}/: ${at === null ? 'never matched' : `matched at ${fmtTime(at - monitor.startedAt)}`}), programs' output:`);
    for (const l of monitor.afterDone) console.log(`  ${l}`);
  }
  const vmEnd = result.exitedByItself ? 'the VM stopped by itself' : values['power-cut'] ? 'power cut by lxgen at the results' : 'the VM was stopped by lxgen';
  const opt = (ms: number | null) => (ms === null ? 'n/a' : fmtTime(ms));
  console.log(
    `timing (${accel}${smp !== undefined ? `, -smp ${smp}` : ''}): boot to runner ${opt(result.bootMs)}, boot to results ${opt(result.resultsMs)}, ` +
      `VM stopped after ${fmtTime(result.elapsedMs)} (${vmEnd})`,
  );
  if (values['boot-only'] && result.bootMs === null) report.exitCode = 1;
  if (values['crash-test']) {
    const s = result.stop;
    const ok = s?.kind === 'kernel-failure' && s.failure.kind === 'bugcheck' && s.failure.code === 0xc0000420 && s.test?.id === 1;
    console.log(
      ok
        ? 'crash test: the deliberate bugcheck was detected and reported (STOP 0xC0000420) -> OK'
        : 'crash test: the deliberate bugcheck was NOT reported as STOP 0xC0000420 during the crash test -> FAILED',
    );
    report.exitCode = ok ? 0 : 1;
  }
  if (values['hang-test']) {
    const s = result.stop;
    const ok = s?.kind === 'timeout' && s.what === 'test' && s.test?.id === 1 && report.tests[0]?.outcome === 'hung';
    console.log(ok ? 'hang test: the runner\'s hang was reported as a hang of selftest/hang -> OK' : 'hang test: the hang was NOT reported as a hang of selftest/hang -> FAILED');
    report.exitCode = ok ? 0 : 1;
  }
  if (values.keep) console.log(`kept: ${runDir} (serial.log, payload.img)`);
  else if (existsSync(runDir)) rmSync(runDir, { recursive: true, force: true });
  return {
    exitCode: report.exitCode,
    bootMs: result.bootMs,
    resultsMs: result.resultsMs,
    elapsedMs: result.elapsedMs,
    exitedByItself: result.exitedByItself,
  };
}
