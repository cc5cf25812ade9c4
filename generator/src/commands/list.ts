// `lxgen list [--json]`: prints the syscall definitions.
import { parseArgs } from 'node:util';
import { loadDefinitionsFor } from '../defs/load.ts';
import { SERVICE_BASE } from '../sync/model.ts';

export const summary = 'list the syscall definitions (number, name, arguments, status)';
export const usage = `usage: lxgen list [--json] [--status STATUS] [--family FAMILY] [--defs DIR]

  --json             one JSON array: {nr, service, name, family, entry, args, argc, ret, status, note,
                     socketcall: [{call, args}], handler, file, line}
  --status STATUS    only implemented, partial or enosys
  --family FAMILY    only one family (fs, mm, process, ...)`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      status: { type: 'string' },
      family: { type: 'string' },
      defs: { type: 'string' },
    },
  });
  const loaded = loadDefinitionsFor('list', values.defs);
  if (!loaded) return 1;
  let defs = loaded.defs;
  if (values.status) defs = defs.filter((d) => d.status === values.status);
  if (values.family) defs = defs.filter((d) => d.family === values.family);
  if (values.json) {
    const out = defs.map((d) => ({
      nr: d.nr,
      service: `0x${(SERVICE_BASE + d.nr).toString(16).toUpperCase()}`,
      name: d.name,
      family: d.family,
      entry: d.entry,
      args: d.args.map((a) => ({ type: a.type.c, name: a.name })),
      argc: d.args.length,
      ret: d.ret,
      status: d.status,
      note: d.note,
      socketcall: d.socketcall,
      handler: d.handler,
      file: d.file,
      line: d.line,
    }));
    console.log(JSON.stringify(out, null, 2));
    return 0;
  }
  for (const d of defs) {
    const sig = `${d.name}(${d.args.map((a) => `${a.type.c}${a.type.c.endsWith('*') ? '' : ' '}${a.name}`).join(', ')})`;
    const note = d.note ? `  # ${d.note}` : '';
    console.log(`${String(d.nr).padStart(3)}  ${d.status.padEnd(11)} ${d.family.padEnd(8)} ${sig}${note}`);
  }
  return 0;
}
