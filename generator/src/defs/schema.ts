// The shape of a syscall definition in syscall-defs/. Every family file is
//
//   import { syscalls } from '../generator/src/defs/schema.ts';
//   export default syscalls('fs', [
//     { nr: 3, name: 'read', entry: 'sys_read', args: ['unsigned int fd', 'char __user *buf', 'size_t count'], status: 'enosys' },
//   ]);
//
// lxgen reads these files as data with ts-morph (so every error can name file:line); the
// `syscalls` helper only gives the TypeScript compiler the types to check them against.

/** How far lxcore implements a system call. */
export type SyscallStatus = 'implemented' | 'partial' | 'enosys';

export const STATUSES: readonly SyscallStatus[] = ['implemented', 'partial', 'enosys'];

/** One Linux i386 system call, exactly as written in a syscall-defs file. */
export interface SyscallSource {
  /** Linux i386 number (syscall_32.tbl); NT service number is 0x2000 + nr. */
  nr: number;
  /** Linux name (syscall_32.tbl, asm/unistd_32.h). */
  name: string;
  /** Kernel entry point of Linux 6.1 on i386, or null where the table has none (always ENOSYS). */
  entry: string | null;
  /**
   * Arguments as i386 passes them: one 4-byte slot each, 'C type name', e.g. 'const char __user *path'.
   * A 64-bit value is two arguments (low half first), as the i386 entry points take it.
   */
  args: string[];
  /** Return type of the entry point; every Linux 6.1 entry returns long. Default 'long'. */
  ret?: string;
  /** What lxcore does with it. Flipping a status is a one-field edit. */
  status: SyscallStatus;
  /** Required when status is 'partial': what is missing. Optional otherwise. */
  note?: string;
}

/** Declares one family of definitions (the identity function, for the type checker). */
export function syscalls(family: string, defs: SyscallSource[]): { family: string; defs: SyscallSource[] } {
  return { family, defs };
}
