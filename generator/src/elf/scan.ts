// Native trap scanner: disassembles objects, archives and executables with objdump and
// reports every instruction that would enter Linux directly (int $0x80, sysenter, syscall,
// call *%gs:0x10 = the AT_SYSINFO vsyscall) and counts the NT service traps (int $0x2e).
import { spawnSync } from 'node:child_process';

export interface NativeSite {
  /** Archive member or file the instruction is in. */
  object: string;
  /** The objdump line (address, bytes, instruction). */
  line: string;
}

export interface ScanResult {
  file: string;
  /** Number of `int $0x2e` instructions. */
  trapSites: number;
  native: NativeSite[];
}

const NATIVE = [/\bint\s+\$0x80\b/, /\bsysenter\b/, /\bsyscall\b/, /\bcall\s+\*%gs:0x10\b/];
const TRAP = /\bint\s+\$0x2e\b/;

export function scanBinary(file: string): ScanResult {
  const r = spawnSync('objdump', ['-d', '--no-show-raw-insn', file], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.error || r.status !== 0) throw new Error(`objdump -d ${file} failed: ${r.error?.message ?? r.stderr}`);
  let object = file;
  let trapSites = 0;
  const native: NativeSite[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^(\S+):\s+file format /.exec(line);
    if (m) {
      object = m[1] as string;
      continue;
    }
    // Only instruction lines ("  addr:\tinsn"), not symbol headers like <syscall>.
    if (!/^\s+[0-9a-f]+:\t/.test(line)) continue;
    const insn = line.replace(/<[^>]*>/g, ''); // symbol names like <syscall+0x47> are not instructions
    if (TRAP.test(insn)) trapSites++;
    else if (NATIVE.some((re) => re.test(insn))) native.push({ object, line: line.trim() });
  }
  return { file, trapSites, native };
}
