// Sockets: the multiplexed socketcall and the direct socket calls i386 gained in Linux 4.3.
import { syscalls } from '../generator/src/defs/schema.ts';

export default syscalls('net', [
  { nr: 102, name: 'socketcall', entry: 'sys_socketcall', args: ['int call', 'unsigned long __user *args'], status: 'enosys' },
  { nr: 337, name: 'recvmmsg', entry: 'sys_recvmmsg_time32', args: ['int fd', 'struct mmsghdr __user *msg', 'unsigned int vlen', 'unsigned flags', 'struct old_timespec32 __user *timeout'], status: 'enosys' },
  { nr: 345, name: 'sendmmsg', entry: 'sys_sendmmsg', args: ['int fd', 'struct mmsghdr __user *msg', 'unsigned int vlen', 'unsigned flags'], status: 'enosys' },
  { nr: 359, name: 'socket', entry: 'sys_socket', args: ['int family', 'int type', 'int protocol'], status: 'enosys' },
  { nr: 360, name: 'socketpair', entry: 'sys_socketpair', args: ['int family', 'int type', 'int protocol', 'int __user *usockvec'], status: 'enosys' },
  { nr: 361, name: 'bind', entry: 'sys_bind', args: ['int fd', 'struct sockaddr __user *umyaddr', 'int addrlen'], status: 'enosys' },
  { nr: 362, name: 'connect', entry: 'sys_connect', args: ['int fd', 'struct sockaddr __user *uservaddr', 'int addrlen'], status: 'enosys' },
  { nr: 363, name: 'listen', entry: 'sys_listen', args: ['int fd', 'int backlog'], status: 'enosys' },
  { nr: 364, name: 'accept4', entry: 'sys_accept4', args: ['int fd', 'struct sockaddr __user *upeer_sockaddr', 'int __user *upeer_addrlen', 'int flags'], status: 'enosys' },
  { nr: 365, name: 'getsockopt', entry: 'sys_getsockopt', args: ['int fd', 'int level', 'int optname', 'char __user *optval', 'int __user *optlen'], status: 'enosys' },
  { nr: 366, name: 'setsockopt', entry: 'sys_setsockopt', args: ['int fd', 'int level', 'int optname', 'char __user *optval', 'int optlen'], status: 'enosys' },
  { nr: 367, name: 'getsockname', entry: 'sys_getsockname', args: ['int fd', 'struct sockaddr __user *usockaddr', 'int __user *usockaddr_len'], status: 'enosys' },
  { nr: 368, name: 'getpeername', entry: 'sys_getpeername', args: ['int fd', 'struct sockaddr __user *usockaddr', 'int __user *usockaddr_len'], status: 'enosys' },
  { nr: 369, name: 'sendto', entry: 'sys_sendto', args: ['int fd', 'void __user *buff', 'size_t len', 'unsigned int flags', 'struct sockaddr __user *addr', 'int addr_len'], status: 'enosys' },
  { nr: 370, name: 'sendmsg', entry: 'sys_sendmsg', args: ['int fd', 'struct user_msghdr __user *msg', 'unsigned int flags'], status: 'enosys' },
  { nr: 371, name: 'recvfrom', entry: 'sys_recvfrom', args: ['int fd', 'void __user *ubuf', 'size_t size', 'unsigned int flags', 'struct sockaddr __user *addr', 'int __user *addr_len'], status: 'enosys' },
  { nr: 372, name: 'recvmsg', entry: 'sys_recvmsg', args: ['int fd', 'struct user_msghdr __user *msg', 'unsigned int flags'], status: 'enosys' },
  { nr: 373, name: 'shutdown', entry: 'sys_shutdown', args: ['int fd', 'int how'], status: 'enosys' },
  { nr: 417, name: 'recvmmsg_time64', entry: 'sys_recvmmsg', args: ['int fd', 'struct mmsghdr __user *msg', 'unsigned int vlen', 'unsigned flags', 'struct __kernel_timespec __user *timeout'], status: 'enosys' },
]);
