// Linux 6.1's i386 socketcall(2) multiplexer (net/socket.c sys_socketcall): the call numbers of
// include/uapi/linux/net.h, how many unsigned longs each copies from the user's array (nargs[],
// there in bytes: AL(n)), and the entry point of the direct system call it does the work of.
// syscall-defs/net.ts says which direct call serves each number (its `socketcall` field); the
// loader checks that against this table, and lxgen sync builds lxsys_socketcall.c from both.

export interface LinuxSocketcall {
  /** SYS_* number, 1..SOCKETCALL_MAX. */
  call: number;
  /** SYS_SOCKET... (the generated header names it LX_SYS_SOCKET...). */
  name: string;
  /** Arguments Linux copies for it: nargs[call] / sizeof(unsigned long). */
  nargs: number;
  /** The i386 entry point of the direct call sys_socketcall does the same work as. */
  entry: string;
}

/** SYS_SENDMMSG: sys_socketcall answers -EINVAL to a call outside 1..SOCKETCALL_MAX. */
export const SOCKETCALL_MAX = 20;

export const LINUX_SOCKETCALLS: readonly LinuxSocketcall[] = [
  { call: 1, name: 'SYS_SOCKET', nargs: 3, entry: 'sys_socket' },
  { call: 2, name: 'SYS_BIND', nargs: 3, entry: 'sys_bind' },
  { call: 3, name: 'SYS_CONNECT', nargs: 3, entry: 'sys_connect' },
  { call: 4, name: 'SYS_LISTEN', nargs: 2, entry: 'sys_listen' },
  // __sys_accept4(a0, a1, a[2], 0): i386 has no direct accept.
  { call: 5, name: 'SYS_ACCEPT', nargs: 3, entry: 'sys_accept4' },
  { call: 6, name: 'SYS_GETSOCKNAME', nargs: 3, entry: 'sys_getsockname' },
  { call: 7, name: 'SYS_GETPEERNAME', nargs: 3, entry: 'sys_getpeername' },
  { call: 8, name: 'SYS_SOCKETPAIR', nargs: 4, entry: 'sys_socketpair' },
  // __sys_sendto(a0, a1, a[2], a[3], NULL, 0)
  { call: 9, name: 'SYS_SEND', nargs: 4, entry: 'sys_sendto' },
  // __sys_recvfrom(a0, a1, a[2], a[3], NULL, NULL)
  { call: 10, name: 'SYS_RECV', nargs: 4, entry: 'sys_recvfrom' },
  { call: 11, name: 'SYS_SENDTO', nargs: 6, entry: 'sys_sendto' },
  { call: 12, name: 'SYS_RECVFROM', nargs: 6, entry: 'sys_recvfrom' },
  { call: 13, name: 'SYS_SHUTDOWN', nargs: 2, entry: 'sys_shutdown' },
  { call: 14, name: 'SYS_SETSOCKOPT', nargs: 5, entry: 'sys_setsockopt' },
  { call: 15, name: 'SYS_GETSOCKOPT', nargs: 5, entry: 'sys_getsockopt' },
  { call: 16, name: 'SYS_SENDMSG', nargs: 3, entry: 'sys_sendmsg' },
  { call: 17, name: 'SYS_RECVMSG', nargs: 3, entry: 'sys_recvmsg' },
  { call: 18, name: 'SYS_ACCEPT4', nargs: 4, entry: 'sys_accept4' },
  // Without CONFIG_64BIT the timeout is a struct old_timespec32: the time32 recvmmsg (337).
  { call: 19, name: 'SYS_RECVMMSG', nargs: 5, entry: 'sys_recvmmsg_time32' },
  { call: 20, name: 'SYS_SENDMMSG', nargs: 4, entry: 'sys_sendmmsg' },
];

/** The family whose definitions may carry a `socketcall` field. */
export const SOCKETCALL_FAMILY = 'net';
