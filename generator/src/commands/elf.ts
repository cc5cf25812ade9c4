// `lxgen elf`: builds the ELF test suite (tests/elf) and .lxss/elf/manifest.json; --check runs it.
import { CHROOT_GROUPS, describeRun, judge, oracleEntries, suiteBatch } from '../elf/check.ts';
import { buildElfSuite, manifestOf } from '../elf/suite.ts';
import { oracle, type OracleKind } from '../oracle/index.ts';

export const summary = 'build the ELF test programs (tests/elf) into .lxss/elf with manifest.json (--stock: .lxss/elf-stock); --check runs them on Linux';
export const usage = `usage: lxgen elf [--stock] [--force] [--list] [--check [--vm|--native] [-v]]

Builds the patched musl if needed, then every tests/elf/*.c (with lxgen cc) and
tests/elf/asm/*.S (libc-free) into .lxss/elf/<name>, and writes .lxss/elf/manifest.json
(array of {name, group, needs, timeout, exit, path, source}). Unchanged programs are not
rebuilt (--force rebuilds all). --list prints the manifest as a table.
--stock builds the same programs against the unpatched musl (lxgen musl --stock) into
.lxss/elf-stock/ with its own manifest.json: ordinary Linux i386 static binaries that trap
with int $0x80 (the asm tests are built with -DLXSS_INT80, their int $0x80 twins).
--check then runs every program on Linux, the oracle (patched programs through the trap
harness, stock ones as they are) and prints one line a test and "N passed, N failed":
natively when this host runs i386 programs, otherwise (or with --vm) in Debian's i386
kernel under qemu-system-i386, one boot for the suite. -v prints each failure's output.`;

export async function run(args: string[]): Promise<number> {
  const known = ['--force', '--list', '--stock', '--check', '--vm', '--native', '-v'];
  const bad = args.filter((a) => !known.includes(a));
  if (bad.length || ((args.includes('--vm') || args.includes('--native') || args.includes('-v')) && !args.includes('--check'))) {
    console.error(usage);
    return 2;
  }
  const variant = args.includes('--stock') ? 'stock' : 'patched';
  const r = await buildElfSuite({ force: args.includes('--force'), variant });
  if (args.includes('--list')) {
    for (const e of r.entries)
      console.log(`${e.name.padEnd(14)} ${e.group.padEnd(9)} timeout=${e.timeout} exit=${e.exit} needs=${e.needs.join(',') || '-'}`);
  }
  console.log(`${r.entries.length} programs (${r.built.length} rebuilt); manifest: ${manifestOf(variant)}`);
  if (!args.includes('--check')) return 0;

  const asked: OracleKind | undefined = args.includes('--vm') ? 'vm' : args.includes('--native') ? 'native' : undefined;
  if (asked === 'native' && !oracle().hostRunsI386) {
    console.error(`lxgen elf: ${oracle().probe}; check in the Linux i386 VM instead: lxgen elf --check --vm`);
    return 1;
  }
  const kind = asked ?? oracle().kind;
  console.log(asked ? `i386 oracle: ${asked} (asked for)` : oracle().line);
  const batch = suiteBatch(r.entries, variant, { kind });
  let passed = 0;
  let failed = 0;
  const chroot = r.entries.filter((e) => CHROOT_GROUPS.includes(e.group));
  if (chroot.length) console.log(`not here: ${chroot.map((e) => e.name).join(', ')} (group rootfs: checked in a chroot of the Debian rootfs, tests/rootfs/rootfs.test.ts)`);
  const results = new Map(oracleEntries(r.entries).map((e) => [e.name, batch.result(e.name)]));
  for (const e of oracleEntries(r.entries)) {
    const res = await results.get(e.name)!;
    const why = judge(e, res);
    if (why.length === 0) {
      passed++;
      console.log(`ok     ${e.name} (${res.ms} ms)`);
    } else {
      failed++;
      console.log(`FAILED ${e.name}: ${why.join('; ')}`);
      if (args.includes('-v')) console.log(describeRun(e, res));
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}
