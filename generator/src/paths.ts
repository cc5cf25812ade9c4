// Well-known locations inside the project. Everything built lives under .lxss/ (git-ignored).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUILD_DIR = process.env.LXSS_BUILD_DIR ?? path.join(ROOT, '.lxss');

export function rootPath(...parts: string[]): string {
  return path.join(ROOT, ...parts);
}
