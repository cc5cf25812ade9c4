// Compiles the in-guest runner (tests/runner/lxtestrun.c, project code) against a ReactOS
// build's headers and import libraries, with the exact compile and link flags the build uses
// for autochk (the runner's model), read from the build's build.ninja. Used by `lxgen test`
// when the build has no lxtestrun.exe of its own (the project not installed into the tree
// yet) or when asked to (--runner project), so a runner change is tried without a tree
// rebuild. The output goes under .lxss/ and is never committed.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { ROOT } from '../paths.ts';

export interface NinjaRule {
  defines: string[];
  flags: string[];
  includes: string[];
  linkFlags: string[];
  compiler: string;
}

const split = (s: string | undefined): string[] => (s ?? '').split(/\s+/).filter(Boolean);

/** Reads the variables of one `build` statement of build.ninja. */
function buildVars(text: string, marker: string): Map<string, string> | null {
  const at = text.indexOf(marker);
  if (at < 0) return null;
  const vars = new Map<string, string>();
  for (const line of text.slice(at).split('\n').slice(1, 30)) {
    const m = /^ {2}([A-Z_]+) = (.*)$/.exec(line);
    if (!m) break;
    vars.set(m[1]!, m[2]!);
  }
  return vars;
}

export function autochkRule(buildDir: string): NinjaRule {
  const ninja = path.join(buildDir, 'build.ninja');
  if (!existsSync(ninja)) throw new Error(`${buildDir} has no build.ninja (only Ninja builds are supported)`);
  const text = readFileSync(ninja, 'utf8');
  const cc = buildVars(text, '/autochk.dir/autochk.c.obj: C_COMPILER');
  const ld = buildVars(text, 'base/system/autochk/autochk.exe: C_EXECUTABLE_LINKER');
  if (!cc || !ld) throw new Error(`autochk's compile/link rules not found in ${ninja}`);
  const rules = path.join(buildDir, 'CMakeFiles', 'rules.ninja');
  let compiler = 'i686-w64-mingw32-gcc';
  if (existsSync(rules)) {
    const m = /rule C_COMPILER__autochk_\w+\n\s+depfile = .*\n\s+deps = .*\n\s+command = (\S+)/.exec(readFileSync(rules, 'utf8'));
    if (m) compiler = m[1]!;
  }
  return { defines: split(cc.get('DEFINES')), flags: split(cc.get('FLAGS')), includes: split(cc.get('INCLUDES')), linkFlags: split(ld.get('LINK_FLAGS')), compiler };
}

export async function buildRunner(buildDir: string, outDir: string): Promise<string> {
  const rule = autochkRule(buildDir);
  const src = path.join(ROOT, 'tests', 'runner', 'lxtestrun.c');
  const header = path.join(ROOT, 'lxcore', 'include', 'lxioctl.h');
  const libs = ['sdk/lib/nt/libnt.a', 'dll/ntdll/libntdll.a', 'sdk/lib/crt/libchkstk.a'].map((l) => path.join(buildDir, l));
  for (const l of libs) if (!existsSync(l)) throw new Error(`${l} not built yet`);
  mkdirSync(outDir, { recursive: true });
  const obj = path.join(outDir, 'lxtestrun.obj');
  const exe = path.join(outDir, 'lxtestrun.exe');
  const newest = Math.max(...[src, header, ...libs].map((f) => statSync(f).mtimeMs));
  if (existsSync(exe) && statSync(exe).mtimeMs > newest) return exe;
  const run = async (args: string[]) =>
    execa(rule.compiler, args, { all: true, cwd: buildDir }).catch((e) => {
      throw new Error(`building the runner failed:\n${(e as { all?: string }).all ?? e}`);
    });
  await run([...rule.defines, ...rule.flags, ...rule.includes, `-I${path.dirname(header)}`, '-c', src, '-o', obj]);
  await run([...rule.linkFlags, obj, '-o', exe, ...libs, '-lgcc']);
  return exe;
}
