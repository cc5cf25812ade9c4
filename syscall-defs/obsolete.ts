// Numbers the i386 table still reserves but Linux 6.1 never implements: no entry point (entry
// null) or sys_ni_syscall. They return -ENOSYS on Linux too, so they stay 'enosys' for good.
import { syscalls } from '../generator/src/defs/schema.ts';

export default syscalls('obsolete', [
  { nr: 17, name: 'break', entry: null, args: [], status: 'enosys', note: 'never implemented by Linux' },
  { nr: 31, name: 'stty', entry: null, args: [], status: 'enosys', note: 'never implemented by Linux' },
  { nr: 32, name: 'gtty', entry: null, args: [], status: 'enosys', note: 'never implemented by Linux' },
  { nr: 35, name: 'ftime', entry: null, args: [], status: 'enosys', note: 'never implemented by Linux' },
  { nr: 44, name: 'prof', entry: null, args: [], status: 'enosys', note: 'never implemented by Linux' },
  { nr: 53, name: 'lock', entry: null, args: [], status: 'enosys', note: 'never implemented by Linux' },
  { nr: 56, name: 'mpx', entry: null, args: [], status: 'enosys', note: 'never implemented by Linux' },
  { nr: 58, name: 'ulimit', entry: null, args: [], status: 'enosys', note: 'never implemented by Linux' },
  { nr: 98, name: 'profil', entry: null, args: [], status: 'enosys', note: 'never implemented by Linux' },
  { nr: 112, name: 'idle', entry: null, args: [], status: 'enosys', note: 'removed in Linux 2.3' },
  { nr: 127, name: 'create_module', entry: null, args: [], status: 'enosys', note: 'removed in Linux 2.6' },
  { nr: 130, name: 'get_kernel_syms', entry: null, args: [], status: 'enosys', note: 'removed in Linux 2.6' },
  { nr: 134, name: 'bdflush', entry: 'sys_ni_syscall', args: [], status: 'enosys', note: 'removed in Linux 5.15' },
  { nr: 137, name: 'afs_syscall', entry: null, args: [], status: 'enosys', note: 'never implemented by Linux' },
  { nr: 149, name: '_sysctl', entry: 'sys_ni_syscall', args: [], status: 'enosys', note: 'removed in Linux 5.5' },
  { nr: 167, name: 'query_module', entry: null, args: [], status: 'enosys', note: 'removed in Linux 2.6' },
  { nr: 169, name: 'nfsservctl', entry: null, args: [], status: 'enosys', note: 'removed in Linux 3.1' },
  { nr: 188, name: 'getpmsg', entry: null, args: [], status: 'enosys', note: 'STREAMS, never implemented by Linux' },
  { nr: 189, name: 'putpmsg', entry: null, args: [], status: 'enosys', note: 'STREAMS, never implemented by Linux' },
  { nr: 273, name: 'vserver', entry: null, args: [], status: 'enosys', note: 'never implemented by Linux' },
]);
