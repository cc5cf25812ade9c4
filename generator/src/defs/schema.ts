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
  /**
   * Only in the 'net' family: the socketcall(2) call number(s) (SYS_SOCKET 1 .. SYS_SENDMMSG 20)
   * this direct call does the work of, so that both entries share one handler. A number means
   * "that call, with all of my arguments"; a list gives each call with how many of the leading
   * arguments it passes (the rest are 0/NULL): accept4 is
   * `[{ call: 5, args: 3 }, { call: 18, args: 4 }]` (SYS_ACCEPT = accept4 with flags 0).
   */
  socketcall?: number | SocketcallAlias[];
}

/** One socketcall(2) number served by a direct socket call. */
export interface SocketcallAlias {
  /** SYS_* number, 1..20 (include/uapi/linux/net.h). */
  call: number;
  /** How many leading arguments the call passes (Linux's nargs[call]); default: all of them. */
  args?: number;
}

/** Declares one family of definitions (the identity function, for the type checker). */
export function syscalls(family: string, defs: SyscallSource[]): { family: string; defs: SyscallSource[] } {
  return { family, defs };
}
