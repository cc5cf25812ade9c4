// `lxgen elf`: builds the ELF test suite (tests/elf) and .lxss/elf/manifest.json.
import { buildElfSuite, MANIFEST } from '../elf/suite.ts';

export const summary = 'build the ELF test programs (tests/elf) into .lxss/elf with manifest.json';
export const usage = `usage: lxgen elf [--force] [--list]

Builds the patched musl if needed, then every tests/elf/*.c (with lxgen cc) and
tests/elf/asm/*.S (libc-free) into .lxss/elf/<name>, and writes .lxss/elf/manifest.json
(array of {name, group, needs, timeout, exit, path, source}). Unchanged programs are not
rebuilt (--force rebuilds all). --list prints the manifest as a table.`;

export async function run(args: string[]): Promise<number> {
  const bad = args.filter((a) => a !== '--force' && a !== '--list');
  if (bad.length) {
    console.error(usage);
    return 2;
  }
  const r = await buildElfSuite({ force: args.includes('--force') });
  if (args.includes('--list')) {
    for (const e of r.entries)
      console.log(`${e.name.padEnd(14)} ${e.group.padEnd(9)} timeout=${e.timeout} exit=${e.exit} needs=${e.needs.join(',') || '-'}`);
  }
  console.log(`${r.entries.length} programs (${r.built.length} rebuilt); manifest: ${MANIFEST}`);
  return 0;
}
