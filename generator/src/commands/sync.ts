// `lxgen sync [--check]`: regenerates every table, stub, header and document from syscall-defs/.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../paths.ts';
import { loadDefinitionsFor } from '../defs/load.ts';
import { renderOutputs, writeOutputs, checkOutputs } from '../sync/outputs.ts';
import { checkLayout, lxcoreDirOf } from '../sync/layout.ts';

export const summary = 'regenerate lxcore tables, stubs, musl constants and docs/syscalls.md from syscall-defs';
export const usage = `usage: lxgen sync [--check] [--defs DIR] [--out DIR]

Reads the syscall definitions (default: syscall-defs/) and writes, under the project root:
  lxcore/generated/      SVC_ list, service table, handler prototypes, name table, stubs,
                         socketcall dispatcher
  musl-patches/generated/lxss_trap.h
  docs/syscalls.md

  --check      change nothing; exit 1 and print a unified diff when a file is stale, or the
               problems with lxcore's layout: a lower layer using a higher one (core/ nt/
               kernel/+fs/ sys/ entry/), a handler outside its family's sys/ file
               (generator/src/sync/layout.ts)
  --defs DIR   read definitions from DIR instead of syscall-defs/
  --out DIR    treat DIR as the project root for the generated files`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      check: { type: 'boolean', default: false },
      defs: { type: 'string' },
      out: { type: 'string' },
    },
    allowPositionals: false,
  });
  const outRoot = values.out ? path.resolve(values.out) : ROOT;
  const defs = loadDefinitionsFor('sync', values.defs);
  if (!defs) return 1;
  const files = renderOutputs(defs);
  if (values.check) {
    const stale = checkOutputs(outRoot, files);
    const lxcore = lxcoreDirOf(outRoot);
    const layout = lxcore ? checkLayout(lxcore, defs) : [];
    for (const s of stale) process.stdout.write(s.diff);
    for (const p of layout) console.error(p);
    if (stale.length === 0 && layout.length === 0) {
      console.log(`lxgen sync --check: ${files.size} generated files are up to date; lxcore's layers and handler files hold`);
      return 0;
    }
    if (stale.length) console.error(`lxgen sync --check: ${stale.length} stale file(s): ${stale.map((s) => s.file).join(', ')}; run 'npx lxgen sync'`);
    if (layout.length) console.error(`lxgen sync --check: ${layout.length} layout problem(s) in lxcore/ (see generator/src/sync/layout.ts for the rules)`);
    return 1;
  }
  const changed = writeOutputs(outRoot, files);
  console.log(changed.length ? `lxgen sync: wrote ${changed.join(', ')}` : `lxgen sync: ${files.size} generated files already up to date`);
  return 0;
}
