// The C types a syscall argument may have, and what each becomes on the NT side.
//
// On i386 every argument is one 4-byte slot, so a type that is wider (loff_t, u64) may only be
// pointed to; a 64-bit value is written as two u32 arguments (name_lo, name_hi) as the i386 entry
// points take it. Every pointer is a user pointer and must say so with __user.

export interface ScalarType {
  kind: 'scalar';
  /** The NT-side type used in handler prototypes. */
  nt: string;
  /** When nt is a project typedef (LX_*), the NT type it is defined as. */
  ntBase?: string;
}
/** A type that may only be pointed to (structures, 64-bit values, opaque Linux typedefs). */
export interface PointeeType {
  kind: 'pointee';
  nt: string;
  /** 'struct' and 'union' get an incomplete declaration; otherwise a typedef to ntBase. */
  declare: 'struct' | 'union' | 'typedef' | 'builtin';
  ntBase?: string;
}
export type KnownType = ScalarType | PointeeType;

const scalar = (nt: string, ntBase?: string): ScalarType => (ntBase ? { kind: 'scalar', nt, ntBase } : { kind: 'scalar', nt });

/** Scalar C types (4 bytes or less on i386) and their NT-side equivalents. */
export const SCALAR_TYPES: Record<string, ScalarType> = {
  int: scalar('LONG'),
  'unsigned int': scalar('ULONG'),
  unsigned: scalar('ULONG'),
  long: scalar('LONG'),
  'unsigned long': scalar('ULONG_PTR'),
  size_t: scalar('SIZE_T'),
  ssize_t: scalar('SSIZE_T'),
  u32: scalar('ULONG'),
  __u32: scalar('ULONG'),
  uint32_t: scalar('ULONG'),
  __s32: scalar('LONG'),
  pid_t: scalar('LX_PID', 'LONG'),
  uid_t: scalar('LX_UID', 'ULONG'),
  gid_t: scalar('LX_GID', 'ULONG'),
  old_uid_t: scalar('LX_OLD_UID', 'USHORT'),
  old_gid_t: scalar('LX_OLD_GID', 'USHORT'),
  umode_t: scalar('LX_UMODE', 'USHORT'),
  off_t: scalar('LX_OFF', 'LONG'),
  key_t: scalar('LX_KEY', 'LONG'),
  key_serial_t: scalar('LX_KEY_SERIAL', 'LONG'),
  mqd_t: scalar('LX_MQD', 'LONG'),
  clockid_t: scalar('LX_CLOCKID', 'LONG'),
  timer_t: scalar('LX_TIMER', 'LONG'),
  qid_t: scalar('LX_QID', 'ULONG'),
  aio_context_t: scalar('LX_AIO_CONTEXT', 'ULONG'),
  rwf_t: scalar('LX_RWF', 'LONG'),
  old_sigset_t: scalar('LX_OLD_SIGSET', 'ULONG'),
  old_time32_t: scalar('LX_OLD_TIME32', 'LONG'),
  __kernel_old_time_t: scalar('LX_KERNEL_OLD_TIME', 'LONG'),
  /** A user-mode handler address (or SIG_DFL/SIG_IGN): a number to the kernel. */
  __sighandler_t: scalar('LX_SIGHANDLER', 'ULONG_PTR'),
  /** User pointers hidden behind typedefs. */
  cap_user_header_t: scalar('LX_CAP_USER_HEADER', 'PVOID'),
  cap_user_data_t: scalar('LX_CAP_USER_DATA', 'PVOID'),
  'enum landlock_rule_type': scalar('LONG'),
};

/** Types that may only appear behind a pointer. */
export const POINTEE_TYPES: Record<string, PointeeType> = {
  void: { kind: 'pointee', nt: 'VOID', declare: 'builtin' },
  char: { kind: 'pointee', nt: 'CHAR', declare: 'builtin' },
  'unsigned char': { kind: 'pointee', nt: 'UCHAR', declare: 'builtin' },
  loff_t: { kind: 'pointee', nt: 'LX_LOFF', declare: 'typedef', ntBase: 'LONGLONG' },
  u64: { kind: 'pointee', nt: 'ULONGLONG', declare: 'builtin' },
  sigset_t: { kind: 'pointee', nt: 'LX_SIGSET', declare: 'struct' },
  siginfo_t: { kind: 'pointee', nt: 'LX_SIGINFO', declare: 'struct' },
  fd_set: { kind: 'pointee', nt: 'LX_FD_SET', declare: 'struct' },
};

/** Structure and union tags the definitions may point to (Linux 6.1 uapi / i386 names). */
export const STRUCT_TAGS: readonly string[] = [
  '__aio_sigset', '__kernel_itimerspec', '__kernel_old_itimerval', '__kernel_old_timeval',
  '__kernel_timespec', '__kernel_timex', '__old_kernel_stat', 'clone_args', 'epoll_event',
  'file_handle', 'futex_waitv', 'io_event', 'io_uring_params', 'iocb', 'iovec', 'kexec_segment',
  'landlock_ruleset_attr', 'linux_dirent', 'linux_dirent64', 'mmap_arg_struct', 'mmsghdr',
  'mount_attr', 'mq_attr', 'msgbuf', 'msqid_ds', 'new_utsname', 'old_itimerspec32',
  'old_linux_dirent', 'old_sigaction', 'old_timespec32', 'old_timeval32', 'old_timex32',
  'old_utimbuf32', 'old_utsname', 'oldold_utsname', 'open_how', 'perf_event_attr', 'pollfd',
  'rlimit', 'rlimit64', 'robust_list_head', 'rseq', 'rusage', 'sched_attr', 'sched_param',
  'sel_arg_struct', 'sembuf', 'shmid_ds', 'sigaction', 'sigaltstack', 'sigevent', 'siginfo',
  'sockaddr', 'stat', 'stat64', 'statfs', 'statfs64', 'statx', 'sysinfo', 'timezone', 'tms',
  'user_desc', 'user_msghdr', 'ustat', 'vm86_struct', 'statmount', 'mnt_id_req',
];
export const UNION_TAGS: readonly string[] = ['bpf_attr'];

/** NT-side name for a structure or union tag: struct __kernel_timespec -> LX_KERNEL_TIMESPEC. */
export function ntTagName(tag: string): string {
  return 'LX_' + tag.replace(/^_+/, '').toUpperCase();
}

/** A parsed argument type. */
export interface CType {
  /** Canonical C spelling, e.g. 'const char __user *const __user *'. */
  c: string;
  /** NT-side spelling for handler prototypes, e.g. 'const CHAR *const *'. */
  nt: string;
  /** Base type key: 'int', 'struct stat64', 'loff_t'... */
  base: string;
  pointerDepth: number;
}

export class CTypeError extends Error {}

/**
 * Parses one argument type. Grammar: [const] base { [const] __user * [const] }.
 * Throws CTypeError with a message meant for a human.
 */
export function parseCType(text: string): CType {
  const tokens = text.replace(/\*/g, ' * ').trim().split(/\s+/).filter(Boolean);
  let i = 0;
  let baseConst = false;
  if (tokens[i] === 'const') { baseConst = true; i++; }
  let base: string;
  const t0 = tokens[i];
  if (t0 === undefined) throw new CTypeError('missing type');
  if (t0 === 'struct' || t0 === 'union' || t0 === 'enum') {
    const tag = tokens[i + 1];
    if (!tag || !/^[A-Za-z_]\w*$/.test(tag)) throw new CTypeError(`'${t0}' without a tag in '${text}'`);
    base = `${t0} ${tag}`;
    i += 2;
  } else if (t0 === 'unsigned' && ['int', 'long', 'char'].includes(tokens[i + 1] ?? '')) {
    base = `unsigned ${tokens[i + 1]}`;
    i += 2;
  } else {
    base = t0;
    i++;
  }
  if (tokens[i] === 'const') { baseConst = true; i++; }
  let depth = 0;
  let c = (baseConst ? 'const ' : '') + base;
  const ntLevels: string[] = [];
  while (i < tokens.length) {
    if (tokens[i] !== '__user') {
      throw new CTypeError(tokens[i] === '*' ? `pointer without __user in '${text}' (every pointer argument is a user pointer)` : `unexpected '${tokens[i]}' in '${text}'`);
    }
    i++;
    if (tokens[i] !== '*') throw new CTypeError(`'__user' not followed by '*' in '${text}'`);
    i++;
    depth++;
    let ptrConst = false;
    if (tokens[i] === 'const') { ptrConst = true; i++; }
    c += ' __user *' + (ptrConst ? 'const ' : '');
    ntLevels.push('*' + (ptrConst ? 'const ' : ''));
  }
  c = c.trimEnd();

  let ntBase: string;
  const sc = SCALAR_TYPES[base];
  const pe = POINTEE_TYPES[base];
  if (base.startsWith('struct ') || base.startsWith('union ')) {
    const [kw, tag] = base.split(' ') as [string, string];
    const known = kw === 'struct' ? STRUCT_TAGS : UNION_TAGS;
    if (!known.includes(tag)) throw new CTypeError(`unknown type '${base}' (add it to generator/src/defs/ctypes.ts if it is real)`);
    if (depth === 0) throw new CTypeError(`'${base}' passed by value: i386 arguments are 4-byte slots, pass a pointer`);
    ntBase = ntTagName(tag);
  } else if (sc) {
    ntBase = sc.nt;
  } else if (pe) {
    if (depth === 0) {
      throw new CTypeError(base === 'loff_t' || base === 'u64'
        ? `'${base}' is 64 bits: write it as two u32 arguments (name_lo, name_hi), as the i386 entry point takes it`
        : `'${base}' can only be pointed to`);
    }
    ntBase = pe.nt;
  } else {
    throw new CTypeError(`unknown type '${base}' (add it to generator/src/defs/ctypes.ts if it is real)`);
  }
  const nt = ((baseConst ? 'const ' : '') + ntBase + (depth ? ' ' + ntLevels.join('') : '')).trimEnd();
  return { c, nt, base, pointerDepth: depth };
}

/** Splits 'const char __user *path' into type and name. */
export function splitArgument(text: string): { type: string; name: string } | undefined {
  const m = /^(.*?)\s*\b([A-Za-z_]\w*)\s*$/.exec(text.trim());
  if (!m || !m[1]) return undefined;
  // 'unsigned int' alone would split as type 'unsigned', name 'int': reject C keywords as names.
  if (['int', 'long', 'char', 'const', 'void', 'unsigned'].includes(m[2]!) || /\b(struct|union|enum)$/.test(m[1])) return undefined;
  return { type: m[1], name: m[2]! };
}
