// lximport (psxss/lximport/), the Linux program `lxrun --import` runs in a new
// distribution's root, built against the patched musl into .lxss/lximport/lximport when its
// sources change. ReactOS's build cannot make a Linux ELF, so lxgen puts it where lxrun
// looks for it (%SystemRoot%\system32\lximport) on the boot disks it assembles.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILD_DIR, ROOT } from '../paths.ts';
import { buildMusl, HOST_CC, runCommand } from './build.ts';
import { ccArgs } from './cc.ts';

const SRC = path.join(ROOT, 'psxss', 'lximport');
export const LXIMPORT = path.join(BUILD_DIR, 'lximport', 'lximport');
/** Where lxrun looks for it on a ReactOS disk */
export const LXIMPORT_DEST = 'reactos/system32/lximport';

export async function buildLximport(log: (l: string) => void): Promise<string> {
  const musl = await buildMusl({ log });
  const sources = readdirSync(SRC).filter((f) => f.endsWith('.c')).sort().map((f) => path.join(SRC, f));
  const headers = readdirSync(SRC).filter((f) => f.endsWith('.h')).sort().map((f) => path.join(SRC, f));
  const args = ccArgs(['-O2', '-Wall', '-Wextra', '-Werror', '-std=gnu11', '-o', `${LXIMPORT}.tmp`, ...sources], musl.sysroot);
  const key = createHash('sha256');
  for (const f of [...sources, ...headers]) key.update(f).update(readFileSync(f));
  key.update(musl.key).update(args.join('\0'));
  const stamp = `${LXIMPORT}.key`;
  const digest = key.digest('hex');
  if (existsSync(LXIMPORT) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === digest) return LXIMPORT;
  mkdirSync(path.dirname(LXIMPORT), { recursive: true });
  await runCommand(HOST_CC, args, ROOT);
  renameSync(`${LXIMPORT}.tmp`, LXIMPORT);
  writeFileSync(stamp, `${digest}\n`);
  log(`lximport: built ${path.relative(ROOT, LXIMPORT)}`);
  return LXIMPORT;
}
