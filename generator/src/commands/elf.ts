// `lxgen elf`: builds the ELF test suite (tests/elf) and .lxss/elf/manifest.json.
import { buildElfSuite, manifestOf } from '../elf/suite.ts';

export const summary = 'build the ELF test programs (tests/elf) into .lxss/elf with manifest.json (--stock: .lxss/elf-stock)';
export const usage = `usage: lxgen elf [--stock] [--force] [--list]

Builds the patched musl if needed, then every tests/elf/*.c (with lxgen cc) and
tests/elf/asm/*.S (libc-free) into .lxss/elf/<name>, and writes .lxss/elf/manifest.json
(array of {name, group, needs, timeout, exit, path, source}). Unchanged programs are not
rebuilt (--force rebuilds all). --list prints the manifest as a table.
--stock builds the same programs against the unpatched musl (lxgen musl --stock) into
.lxss/elf-stock/ with its own manifest.json: ordinary Linux i386 static binaries that trap
with int $0x80 (the asm tests are built with -DLXSS_INT80, their int $0x80 twins).`;

export async function run(args: string[]): Promise<number> {
  const bad = args.filter((a) => a !== '--force' && a !== '--list' && a !== '--stock');
  if (bad.length) {
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
  return 0;
}
