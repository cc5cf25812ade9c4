// The files `lxgen sync` writes: rendering (nunjucks templates over the model), writing, and the
// staleness check with unified diffs.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { createTwoFilesPatch } from 'diff';
import type { Definitions } from '../defs/load.ts';
import { buildModel } from './model.ts';

export const TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates');

/** Output path (relative to the project root) -> template name. Order is the order of reports. */
export const OUTPUTS: readonly { file: string; template: string }[] = [
  { file: 'lxcore/generated/lxsvc.h', template: 'lxsvc.h.njk' },
  { file: 'lxcore/generated/lxsys_names.h', template: 'lxsys_names.h.njk' },
  { file: 'lxcore/generated/lxsys_names.c', template: 'lxsys_names.c.njk' },
  { file: 'lxcore/generated/lxsys_handlers.h', template: 'lxsys_handlers.h.njk' },
  { file: 'lxcore/generated/lxsys_table.c', template: 'lxsys_table.c.njk' },
  { file: 'lxcore/generated/lxsys_socketcall.h', template: 'lxsys_socketcall.h.njk' },
  { file: 'lxcore/generated/lxsys_socketcall.c', template: 'lxsys_socketcall.c.njk' },
  { file: 'lxcore/generated/lxsys_trace.c', template: 'lxsys_trace.c.njk' },
  { file: 'lxcore/generated/lxstubs_user.S', template: 'lxstubs_user.S.njk' },
  { file: 'lxcore/generated/lxstubs_kernel.S', template: 'lxstubs_kernel.S.njk' },
  { file: 'musl-patches/generated/lxss_trap.h', template: 'lxss_trap.h.njk' },
  { file: 'docs/syscalls.md', template: 'syscalls.md.njk' },
];

/** Renders every output in memory: project-relative path -> content. Deterministic. */
export function renderOutputs(defs: Definitions): Map<string, string> {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATES_DIR, { noCache: true }), {
    autoescape: false,
    trimBlocks: true,
    lstripBlocks: true,
    throwOnUndefined: true,
  });
  env.addFilter('pad', (s: unknown, n: number) => String(s).padEnd(n));
  env.addFilter('lpad', (s: unknown, n: number) => String(s).padStart(n));
  env.addFilter('mdcell', (s: unknown) => String(s ?? '').replace(/\|/g, '\\|'));
  const model = buildModel(defs);
  const out = new Map<string, string>();
  for (const o of OUTPUTS) {
    let text = env.render(o.template, model);
    text = text.replace(/[ \t]+$/gm, '').replace(/\n*$/, '\n');
    out.set(o.file, text);
  }
  return out;
}

/** Writes the rendered files under `root`; returns the paths whose content changed. */
export function writeOutputs(root: string, files: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [rel, text] of files) {
    const full = path.join(root, rel);
    if (existsSync(full) && readFileSync(full, 'utf8') === text) continue;
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
    changed.push(rel);
  }
  return changed;
}

/** Compares the rendered files with those under `root`; returns a unified diff per stale file. */
export function checkOutputs(root: string, files: Map<string, string>): { file: string; diff: string }[] {
  const stale: { file: string; diff: string }[] = [];
  for (const [rel, text] of files) {
    const full = path.join(root, rel);
    const have = existsSync(full) ? readFileSync(full, 'utf8') : '';
    if (have === text) continue;
    const diff = createTwoFilesPatch(`a/${rel}`, `b/${rel}`, have, text, existsSync(full) ? undefined : '(missing)', '(lxgen sync)');
    stale.push({ file: rel, diff });
  }
  return stale;
}
