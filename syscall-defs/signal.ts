// Signals: sending, handlers, masks, waiting, alternate stacks and the i386 sigreturn frames.
import { syscalls } from '../generator/src/defs/schema.ts';

export default syscalls('signal', [
  { nr: 29, name: 'pause', entry: 'sys_pause', args: [], status: 'implemented' },
  { nr: 37, name: 'kill', entry: 'sys_kill', args: ['pid_t pid', 'int sig'], status: 'partial', note: 'pid 0, -1 and -pgid reach at most 64 processes; exited (zombie) processes count as absent (ESRCH)' },
  { nr: 48, name: 'signal', entry: 'sys_signal', args: ['int sig', '__sighandler_t handler'], status: 'enosys' },
  { nr: 67, name: 'sigaction', entry: 'sys_sigaction', args: ['int sig', 'const struct old_sigaction __user *act', 'struct old_sigaction __user *oact'], status: 'enosys' },
  { nr: 68, name: 'sgetmask', entry: 'sys_sgetmask', args: [], status: 'enosys' },
  { nr: 69, name: 'ssetmask', entry: 'sys_ssetmask', args: ['int newmask'], status: 'enosys' },
  { nr: 72, name: 'sigsuspend', entry: 'sys_sigsuspend', args: ['int unused1', 'int unused2', 'old_sigset_t mask'], status: 'enosys' },
  { nr: 73, name: 'sigpending', entry: 'sys_sigpending', args: ['old_sigset_t __user *uset'], status: 'enosys' },
  { nr: 119, name: 'sigreturn', entry: 'sys_sigreturn', args: [], status: 'implemented' },
  { nr: 126, name: 'sigprocmask', entry: 'sys_sigprocmask', args: ['int how', 'old_sigset_t __user *set', 'old_sigset_t __user *oset'], status: 'enosys' },
  { nr: 173, name: 'rt_sigreturn', entry: 'sys_rt_sigreturn', args: [], status: 'implemented' },
  { nr: 174, name: 'rt_sigaction', entry: 'sys_rt_sigaction', args: ['int sig', 'const struct sigaction __user *act', 'struct sigaction __user *oact', 'size_t sigsetsize'], status: 'partial', note: 'SIGCHLD only on child exit (no stop/continue reports); SA_NOCLDSTOP/SA_NOCLDWAIT not applied' },
  { nr: 175, name: 'rt_sigprocmask', entry: 'sys_rt_sigprocmask', args: ['int how', 'sigset_t __user *set', 'sigset_t __user *oset', 'size_t sigsetsize'], status: 'implemented' },
  { nr: 176, name: 'rt_sigpending', entry: 'sys_rt_sigpending', args: ['sigset_t __user *set', 'size_t sigsetsize'], status: 'implemented' },
  { nr: 177, name: 'rt_sigtimedwait', entry: 'sys_rt_sigtimedwait_time32', args: ['const sigset_t __user *uthese', 'siginfo_t __user *uinfo', 'const struct old_timespec32 __user *uts', 'size_t sigsetsize'], status: 'implemented' },
  { nr: 178, name: 'rt_sigqueueinfo', entry: 'sys_rt_sigqueueinfo', args: ['pid_t pid', 'int sig', 'siginfo_t __user *uinfo'], status: 'partial', note: 'RLIMIT_SIGPENDING counts the signals queued to the receiving process (Linux: to its user)' },
  { nr: 179, name: 'rt_sigsuspend', entry: 'sys_rt_sigsuspend', args: ['sigset_t __user *unewset', 'size_t sigsetsize'], status: 'partial', note: 'the handler runs with the original mask plus sa_mask (Linux: the suspend mask plus sa_mask)' },
  { nr: 186, name: 'sigaltstack', entry: 'sys_sigaltstack', args: ['const struct sigaltstack __user *uss', 'struct sigaltstack __user *uoss'], status: 'partial', note: 'SS_AUTODISARM is recorded, not applied' },
  { nr: 238, name: 'tkill', entry: 'sys_tkill', args: ['pid_t pid', 'int sig'], status: 'implemented' },
  { nr: 270, name: 'tgkill', entry: 'sys_tgkill', args: ['pid_t tgid', 'pid_t pid', 'int sig'], status: 'implemented' },
  { nr: 335, name: 'rt_tgsigqueueinfo', entry: 'sys_rt_tgsigqueueinfo', args: ['pid_t tgid', 'pid_t pid', 'int sig', 'siginfo_t __user *uinfo'], status: 'partial', note: 'RLIMIT_SIGPENDING counts the signals queued to the receiving process (Linux: to its user)' },
  { nr: 421, name: 'rt_sigtimedwait_time64', entry: 'sys_rt_sigtimedwait', args: ['const sigset_t __user *uthese', 'siginfo_t __user *uinfo', 'const struct __kernel_timespec __user *uts', 'size_t sigsetsize'], status: 'implemented' },
  { nr: 424, name: 'pidfd_send_signal', entry: 'sys_pidfd_send_signal', args: ['int pidfd', 'int sig', 'siginfo_t __user *info', 'unsigned int flags'], status: 'enosys' },
]);
