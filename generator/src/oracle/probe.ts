// Can this host execute i386 programs? Some x86_64 kernels cannot (built without
// IA32_EMULATION, or booted with ia32_emulation=0): every 32-bit program, even a plain
// glibc hello, fails with ENOEXEC. The probe writes the smallest i386 ELF that exits with
// status 42 through int $0x80 (no compiler or C library needed) and runs it once.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILD_DIR } from '../paths.ts';

const PROBE_STATUS = 42;

/** An i386 ET_EXEC ELF: one PT_LOAD of the whole file at 0x08048000, code right after the headers. */
export function tinyI386Elf(status = PROBE_STATUS): Buffer {
  const base = 0x08048000;
  const code = Buffer.from([0xb8, 1, 0, 0, 0, 0xbb, status & 0xff, 0, 0, 0, 0xcd, 0x80]); // exit(status)
  const ehdr = Buffer.alloc(52);
  const phdr = Buffer.alloc(32);
  const size = ehdr.length + phdr.length + code.length;
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]).copy(ehdr); // ELFCLASS32, LSB, version 1
  ehdr.writeUInt16LE(2, 16); // ET_EXEC
  ehdr.writeUInt16LE(3, 18); // EM_386
  ehdr.writeUInt32LE(1, 20);
  ehdr.writeUInt32LE(base + 84, 24); // e_entry
  ehdr.writeUInt32LE(52, 28); // e_phoff
  ehdr.writeUInt16LE(52, 40); // e_ehsize
  ehdr.writeUInt16LE(32, 42); // e_phentsize
  ehdr.writeUInt16LE(1, 44); // e_phnum
  phdr.writeUInt32LE(1, 0); // PT_LOAD
  phdr.writeUInt32LE(0, 4); // p_offset
  phdr.writeUInt32LE(base, 8);
  phdr.writeUInt32LE(base, 12);
  phdr.writeUInt32LE(size, 16);
  phdr.writeUInt32LE(size, 20);
  phdr.writeUInt32LE(5, 24); // R+X
  phdr.writeUInt32LE(0x1000, 28);
  return Buffer.concat([ehdr, phdr, code]);
}

export interface ProbeResult {
  runs: boolean;
  /** One line: what was seen. */
  why: string;
}

/** Runs the tiny ELF; `runs` only when it exited with the probe's status.
 *  LXSS_FAKE_NO_IA32=1 makes the probe see what a host without IA32 emulation gives (ENOEXEC),
 *  so that the paths such a host takes can be tested on one that has it. */
export function probeHostI386(dir = path.join(BUILD_DIR, 'oracle')): ProbeResult {
  if (process.env.LXSS_FAKE_NO_IA32 === '1')
    return { runs: false, why: 'this host kernel cannot run i386 programs (LXSS_FAKE_NO_IA32=1 pretends a minimal i386 ELF gave ENOEXEC)' };
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `probe-i386-${process.pid}`);
  writeFileSync(file, tinyI386Elf());
  chmodSync(file, 0o755);
  const r = spawnSync(file, [], { stdio: 'ignore' });
  spawnSync('rm', ['-f', file]);
  if (r.status === PROBE_STATUS) return { runs: true, why: 'this host kernel runs i386 programs' };
  const seen = r.error ? (r.error as NodeJS.ErrnoException).code ?? r.error.message : r.signal ? `signal ${r.signal}` : `exit status ${r.status}`;
  return { runs: false, why: `this host kernel cannot run i386 programs (a minimal i386 ELF gave ${seen}; no IA32 emulation)` };
}
