// `lxgen version`: prints the tool's version (from package.json).
import { readFileSync } from 'node:fs';
import { rootPath } from '../paths.ts';

export const summary = 'print the lxgen version';

export async function run(): Promise<number> {
  const pkg = JSON.parse(readFileSync(rootPath('package.json'), 'utf8')) as { version: string };
  console.log(`lxgen ${pkg.version}`);
  return 0;
}
