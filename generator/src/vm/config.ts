// Where the user's ReactOS build is: --build DIR, else $LXSS_REACTOS_BUILD, else the user
// config file ($XDG_CONFIG_HOME/lxss/config.json or ~/.config/lxss/config.json:
// {"reactosBuild": "/path/to/build"}).
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BuildDirChoice {
  dir: string;
  from: 'flag' | 'env' | 'config';
  /** The config file that named it, when from === 'config'. */
  configFile?: string;
}

export function userConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : path.join(env.HOME ?? os.homedir(), '.config');
  return path.join(base, 'lxss', 'config.json');
}

export interface UserConfig {
  reactosBuild?: string;
}

export function readUserConfig(file = userConfigFile()): UserConfig {
  if (!existsSync(file)) return {};
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`${file}: expected a JSON object`);
  const rb = (data as Record<string, unknown>).reactosBuild;
  if (rb !== undefined && typeof rb !== 'string') throw new Error(`${file}: "reactosBuild" must be a string`);
  return { reactosBuild: rb };
}

/** Resolves the build directory, or null when none is configured anywhere. */
export function resolveBuildDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): BuildDirChoice | null {
  if (flag) return { dir: path.resolve(flag), from: 'flag' };
  if (env.LXSS_REACTOS_BUILD) return { dir: path.resolve(env.LXSS_REACTOS_BUILD), from: 'env' };
  const file = userConfigFile(env);
  const cfg = readUserConfig(file);
  if (cfg.reactosBuild) {
    const home = env.HOME ?? os.homedir();
    const dir = cfg.reactosBuild.startsWith('~/') ? path.join(home, cfg.reactosBuild.slice(2)) : cfg.reactosBuild;
    return { dir: path.resolve(path.dirname(file), dir), from: 'config', configFile: file };
  }
  return null;
}

export function describeChoice(c: BuildDirChoice): string {
  if (c.from === 'flag') return `${c.dir} (--build)`;
  if (c.from === 'env') return `${c.dir} ($LXSS_REACTOS_BUILD)`;
  return `${c.dir} (${c.configFile})`;
}
