// Compiles project code that normally goes through the ReactOS tree's build (after
// `lxgen apply`) directly against a ReactOS build, with the exact compile and link flags the
// build uses for a model module of the same kind, read from the build's build.ninja:
//   - the in-guest runner, tests/runner/lxtestrun.c, modelled on autochk (native app);
//   - lxcore.sys, lxcore/ (the SOURCE list of lxcore/CMakeLists.txt), modelled on nmidebug
//     (kernel-mode driver), with PSEH, rsym (KDBG symbols) and pefixup as the build does.
// `lxgen test` uses them when the build has none of its own (the project not installed into
// the tree yet) or when asked (--runner project, --lxcore project), so a change is tried
// without a tree rebuild. Outputs go under .lxss/ and are never committed.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

/** Compile/link flags of a model module: `<dir>/<name>.c` compiled into `<dir>/<target>`. */
export function moduleRule(buildDir: string, dir: string, name: string, target: string): NinjaRule {
  const ninja = path.join(buildDir, 'build.ninja');
  if (!existsSync(ninja)) throw new Error(`${buildDir} has no build.ninja (only Ninja builds are supported)`);
  const text = readFileSync(ninja, 'utf8');
  const cc = buildVars(text, `/${name}.dir/${name}.c.obj: C_COMPILER`);
  const ld = buildVars(text, `${dir}/${target}: C_`);
  if (!cc || !ld) throw new Error(`${name}'s compile/link rules not found in ${ninja}`);
  const rules = path.join(buildDir, 'CMakeFiles', 'rules.ninja');
  let compiler = 'i686-w64-mingw32-gcc';
  if (existsSync(rules)) {
    const m = new RegExp(`rule C_COMPILER__${name}_\\w+\\n(?:\\s+\\w+ = .*\\n)*?\\s+command = (\\S+)`).exec(readFileSync(rules, 'utf8'));
    if (m) compiler = m[1]!;
  }
  return { defines: split(cc.get('DEFINES')), flags: split(cc.get('FLAGS')), includes: split(cc.get('INCLUDES')), linkFlags: split(ld.get('LINK_FLAGS')), compiler };
}

export function autochkRule(buildDir: string): NinjaRule {
  return moduleRule(buildDir, 'base/system/autochk', 'autochk', 'autochk.exe');
}

function newestMtime(files: string[]): number {
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

async function run(compiler: string, args: string[], cwd: string, what: string): Promise<void> {
  await execa(compiler, args, { all: true, cwd }).catch((e) => {
    throw new Error(`building ${what} failed:\n${((e as { all?: string }).all ?? String(e)).slice(-4000)}`);
  });
}

/**
 * Builds a native (smss) program from one C file of the project, with autochk's flags and
 * libraries: `<outDir>/<name>.exe`, reused while newer than its inputs. `libs`: more static
 * libraries of the build, relative to it, linked first (e.g. psxss's client library).
 */
export async function buildNativeProgram(buildDir: string, src: string, outDir: string, includes: string[] = [], extraLibs: string[] = []): Promise<string> {
  const rule = autochkRule(buildDir);
  const name = path.basename(src, '.c');
  const libs = [...extraLibs, 'sdk/lib/nt/libnt.a', 'dll/ntdll/libntdll.a', 'sdk/lib/crt/libchkstk.a'].map((l) => path.join(buildDir, l));
  for (const l of libs) if (!existsSync(l)) throw new Error(`${l} not built yet`);
  mkdirSync(outDir, { recursive: true });
  const obj = path.join(outDir, `${name}.obj`);
  const exe = path.join(outDir, `${name}.exe`);
  const headers = includes.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.h')).map((f) => path.join(d, f)));
  if (existsSync(exe) && statSync(exe).mtimeMs > newestMtime([src, ...headers, ...libs, path.join(buildDir, 'build.ninja')])) return exe;
  await run(rule.compiler, [...rule.defines, ...rule.flags, ...rule.includes, ...includes.map((d) => `-I${d}`), '-c', src, '-o', obj], buildDir, name);
  await run(rule.compiler, [...rule.linkFlags, obj, '-o', exe, ...libs, '-lgcc'], buildDir, name);
  return exe;
}

/** The in-guest test runner, tests/runner/lxtestrun.c. */
export function buildRunner(buildDir: string, outDir: string): Promise<string> {
  return buildNativeProgram(buildDir, path.join(ROOT, 'tests', 'runner', 'lxtestrun.c'), outDir, [path.join(ROOT, 'lxcore', 'include'), path.join(ROOT, 'tests', 'runner')]);
}

/** The include_directories of lxcore/CMakeLists.txt (${CMAKE_CURRENT_SOURCE_DIR}/X -> X). */
export function lxcoreIncludeDirs(cmake: string): string[] {
  const m = /include_directories\(([\s\S]*?)\)/.exec(cmake);
  if (!m) throw new Error('lxcore/CMakeLists.txt has no include_directories(...)');
  return [...m[1]!.matchAll(/\$\{CMAKE_CURRENT_SOURCE_DIR\}\/(\S+)/g)].map((d) => d[1]!);
}

/** The SOURCE list of lxcore/CMakeLists.txt (C files only). */
export function lxcoreSources(cmake: string): string[] {
  const m = /list\(APPEND SOURCE([\s\S]*?)\)/.exec(cmake);
  if (!m) throw new Error('lxcore/CMakeLists.txt has no list(APPEND SOURCE ...)');
  return m[1]!.split(/\s+/).filter((s) => s.endsWith('.c'));
}

export async function buildLxcore(buildDir: string, outDir: string): Promise<string> {
  const rule = moduleRule(buildDir, 'drivers/base/nmidebug', 'nmidebug', 'nmidebug.sys');
  const lx = path.join(ROOT, 'lxcore');
  const cmake = readFileSync(path.join(lx, 'CMakeLists.txt'), 'utf8');
  const sources = lxcoreSources(cmake).map((s) => path.join(lx, s));
  const headers = lxcoreIncludeDirs(cmake).map((d) => path.join(lx, d));
  const libs = ['sdk/lib/pseh/libpseh.a', 'ntoskrnl/libntoskrnl.a', 'hal/halx86/libhal.a'].map((l) => path.join(buildDir, l));
  for (const l of libs) if (!existsSync(l)) throw new Error(`${l} not built yet`);
  const tools = path.join(buildDir, 'host-tools', 'bin');
  mkdirSync(outDir, { recursive: true });
  const sys = path.join(outDir, 'lxcore.sys');
  const inputs = [...sources, ...headers.flatMap((d) => (existsSync(d) ? [d] : [])), path.join(lx, 'CMakeLists.txt'), ...libs];
  const allFiles = inputs.flatMap((f) => (statSync(f).isDirectory() ? readdirSync(f).map((n) => path.join(f, n)) : [f]));
  if (existsSync(sys) && statSync(sys).mtimeMs > newestMtime([...allFiles, path.join(buildDir, 'build.ninja')])) return sys;
  const objs: string[] = [];
  for (const src of sources) {
    const obj = path.join(outDir, path.relative(lx, src).replace(/[\\/]/g, '_') + '.obj');
    await run(rule.compiler, [...rule.defines, ...rule.flags, ...rule.includes, ...headers.map((h) => `-I${h}`), '-c', src, '-o', obj], buildDir, `lxcore (${path.relative(ROOT, src)})`);
    objs.push(obj);
  }
  await run(rule.compiler, [...rule.linkFlags, '-shared', '-o', sys, ...objs, ...libs, '-lgcc'], buildDir, 'lxcore.sys');
  if (existsSync(path.join(tools, 'rsym'))) await run(path.join(tools, 'rsym'), ['-s', ROOT, sys, sys], buildDir, 'lxcore.sys (rsym)');
  if (existsSync(path.join(tools, 'pefixup'))) await run(path.join(tools, 'pefixup'), ['--kernelmodedriver', sys], outDir, 'lxcore.sys (pefixup)');
  return sys;
}

/** Registry settings for a lxcore.sys added to the boot disk (as subsystems/lxss/lxss_reg.inf). */
export function lxcoreInf(): string {
  return [
    '[Version]',
    'Signature = "$Windows NT$"',
    '',
    '[AddReg]',
    'HKLM,"SYSTEM\\CurrentControlSet\\Services\\lxcore","ErrorControl",0x00010001,0x00000001',
    'HKLM,"SYSTEM\\CurrentControlSet\\Services\\lxcore","Group",0x00000000,"Base"',
    'HKLM,"SYSTEM\\CurrentControlSet\\Services\\lxcore","ImagePath",0x00020000,"system32\\drivers\\lxcore.sys"',
    'HKLM,"SYSTEM\\CurrentControlSet\\Services\\lxcore","Start",0x00010001,0x00000000',
    'HKLM,"SYSTEM\\CurrentControlSet\\Services\\lxcore","Type",0x00010001,0x00000001',
    '',
  ].join('\r\n');
}
