// `lxgen test --fuzz CALLS`: tests/fuzz/lxfuzz.c built against the patched musl into
// .lxss/fuzz/tree/ with its lxfuzz.conf ("CALLS SEED WORKERS"), run in the guest as the
// plan's one test (the tree goes on the payload under /elf). The fuzzer is for the guest and
// for Linux in the i386 oracle VM only: on a real machine, as root, random system calls can
// touch other processes (it refuses to start without LXSS_TEST=1, which the guest's runner
// sets).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILD_DIR, rootPath } from '../paths.ts';
import { buildMusl } from '../musl/build.ts';
import { cc } from '../musl/cc.ts';
import type { ManifestEntry } from '../vm/payload.ts';

export const FUZZ_TREE = path.join(BUILD_DIR, 'fuzz', 'tree');
const FUZZ_SRC = rootPath('tests', 'fuzz', 'lxfuzz.c');

export interface FuzzPlan {
  entry: ManifestEntry;
  /** the directory whose files go under /elf beside the fuzzer (its lxfuzz.conf) */
  tree: string;
  seed: number;
}

/** "LO-HI" (call numbers, both included) as the fuzzer's config takes them; all numbers when absent */
export function parseFuzzNumbers(text: string | undefined): [number, number] {
  if (text === undefined) return [0, 0];
  const m = /^(\d+)-(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) > Number(m[2])) throw new Error(`--fuzz-numbers takes LO-HI (call numbers, LO <= HI), not '${text}'`);
  return [Number(m[1]), Number(m[2])];
}

export async function prepareFuzz(calls: number, seed: number | undefined, workers: number, trace: boolean, log: (l: string) => void, numbers?: string): Promise<FuzzPlan> {
  const [lo, hi] = parseFuzzNumbers(numbers);
  if (!Number.isInteger(calls) || calls < 1) throw new Error(`--fuzz needs a number of calls (a whole number above 0), not ${calls}`);
  if (!Number.isInteger(workers) || workers < 1 || workers > 8) throw new Error(`--workers must be 1 to 8, not ${workers}`);
  const s = seed ?? Math.floor(Date.now() / 1000) % 1_000_000;
  if (!Number.isInteger(s) || s < 0) throw new Error(`--seed must be a whole number, not ${seed}`);
  await buildMusl({ log });
  rmSync(FUZZ_TREE, { recursive: true, force: true });
  mkdirSync(FUZZ_TREE, { recursive: true });
  const exe = path.join(FUZZ_TREE, 'lxfuzz');
  const r = cc(['-O2', '-Wall', '-Wextra', '-Werror', '-o', exe, FUZZ_SRC], { capture: true });
  if (r.status !== 0) throw new Error(`building ${FUZZ_SRC} failed:\n${r.output}`);
  writeFileSync(path.join(FUZZ_TREE, 'lxfuzz.conf'), `${calls} ${s} ${workers} ${trace ? 1 : 0} ${lo} ${hi}\n`);
  // a generous time: the guest makes a few hundred calls a second under TCG, and every hang
  // is reported by the fuzzer itself after 20 s
  const timeout = Math.max(120, Math.ceil(calls / 50) + 60);
  log(`fuzz: ${calls} calls, seed ${s}, ${workers} workers${numbers ? `, numbers ${lo}-${hi}` : ''} (rerun with --seed ${s})`);
  return { entry: { name: 'lxfuzz', group: 'fuzz', needs: [], timeout, exit: 0, path: exe }, tree: FUZZ_TREE, seed: s };
}
