// What `lxgen test` needs from a user's ReactOS build directory (CMake + Ninja, i386):
// its source tree, the build's own host tool mkhive, the livecd path list the
// build writes (boot/livecd.<Config>.lst: "name-on-medium=file" lines), registry.inf, the
// boot sectors and freeldr. Nothing is hard-coded to one machine: every path comes from the
// build directory and its CMakeCache.txt.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface ReactosBuild {
  dir: string;
  sourceDir: string;
  config: string;
  arch: string;
  mkhive: string;
  /** boot/livecd.<Config>.lst */
  livecdList: string;
  /** boot/bootdata/registry.inf (all add_registry_inf files, UTF-16) */
  registryInf: string;
}

export interface PathListEntry {
  /** Path on the boot medium, '/' separated. */
  dest: string;
  /** File or directory in the build (or source) tree. */
  src: string;
}

export function readCMakeCache(dir: string): Map<string, string> {
  const file = path.join(dir, 'CMakeCache.txt');
  if (!existsSync(file)) throw new Error(`${dir} is not a CMake build directory (no CMakeCache.txt)`);
  const vars = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Za-z0-9_.-]+):[A-Z]+=(.*)$/.exec(line);
    if (m) vars.set(m[1]!, m[2]!);
  }
  return vars;
}

function firstExisting(candidates: string[]): string | null {
  return candidates.find((c) => existsSync(c)) ?? null;
}

/** Reads and checks a ReactOS build directory; throws a message that says what is missing. */
export function inspectBuild(dirArg: string): ReactosBuild {
  const dir = path.resolve(dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`ReactOS build directory ${dir} does not exist`);
  const cache = readCMakeCache(dir);
  const sourceDir = cache.get('CMAKE_HOME_DIRECTORY') ?? cache.get('REACTOS_SOURCE_DIR') ?? cache.get('ReactOS_SOURCE_DIR');
  if (!sourceDir || !existsSync(path.join(sourceDir, 'boot', 'bootdata', 'livecd.inf'))) {
    throw new Error(`${dir}: CMakeCache.txt does not point at a ReactOS source tree (CMAKE_HOME_DIRECTORY=${sourceDir ?? 'unset'})`);
  }
  const arch = cache.get('ARCH') ?? 'i386';
  if (arch !== 'i386') throw new Error(`${dir} is an ${arch} build; lxss needs ARCH=i386`);
  const config = cache.get('CMAKE_BUILD_TYPE') || 'Debug';

  const tool = (name: string): string => {
    const found = firstExisting([
      path.join(dir, 'host-tools', 'bin', name),
      path.join(dir, 'host-tools', name),
      path.join(dir, 'host-tools', 'bin', `${name}.exe`),
    ]);
    if (!found) throw new Error(`${dir}: host tool ${name} not built (expected host-tools/bin/${name}); build the tree first`);
    return found;
  };
  const livecdList = firstExisting([path.join(dir, 'boot', `livecd.${config}.lst`), path.join(dir, 'boot', 'livecd.cmake.lst')]);
  if (!livecdList) throw new Error(`${dir}: boot/livecd.${config}.lst not found (is this a configured ReactOS build?)`);
  const registryInf = path.join(dir, 'boot', 'bootdata', 'registry.inf');
  if (!existsSync(registryInf)) throw new Error(`${dir}: boot/bootdata/registry.inf not built yet (ninja registry_inf)`);

  return { dir, sourceDir, config, arch, mkhive: tool('mkhive'), livecdList, registryInf };
}

/** Parses a mkisofs -path-list file as the ReactOS build writes it. */
export function parsePathList(text: string): PathListEntry[] {
  const out: PathListEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue; // the leading "empty" directory line (boot catalog trick)
    out.push({ dest: line.slice(0, eq).replace(/\\/g, '/').replace(/^\/+/, ''), src: line.slice(eq + 1) });
  }
  return out;
}

/**
 * Whether the build's registry.inf (UTF-16, the concatenation of every add_registry_inf file)
 * registers the lxcore service. registry.inf is built only by the image targets
 * (`ninja registry_inf`, livecd, bootcd), so a build that compiled lxcore.sys can still carry
 * an older registry.inf without it.
 */
export function registryHasLxcoreService(registryInf: string): boolean {
  const raw = readFileSync(registryInf);
  const text = raw[0] === 0xff && raw[1] === 0xfe ? raw.subarray(2).toString('utf16le') : raw.toString('utf8');
  return /services\\lxcore\b/i.test(text);
}

