// Scheduling: priorities, policies, affinity, yielding.
import { syscalls } from '../generator/src/defs/schema.ts';

export default syscalls('sched', [
  { nr: 34, name: 'nice', entry: 'sys_nice', args: ['int increment'], status: 'enosys' },
  { nr: 96, name: 'getpriority', entry: 'sys_getpriority', args: ['int which', 'int who'], status: 'enosys' },
  { nr: 97, name: 'setpriority', entry: 'sys_setpriority', args: ['int which', 'int who', 'int niceval'], status: 'enosys' },
  { nr: 154, name: 'sched_setparam', entry: 'sys_sched_setparam', args: ['pid_t pid', 'struct sched_param __user *param'], status: 'enosys' },
  { nr: 155, name: 'sched_getparam', entry: 'sys_sched_getparam', args: ['pid_t pid', 'struct sched_param __user *param'], status: 'enosys' },
  { nr: 156, name: 'sched_setscheduler', entry: 'sys_sched_setscheduler', args: ['pid_t pid', 'int policy', 'struct sched_param __user *param'], status: 'enosys' },
  { nr: 157, name: 'sched_getscheduler', entry: 'sys_sched_getscheduler', args: ['pid_t pid'], status: 'enosys' },
  { nr: 158, name: 'sched_yield', entry: 'sys_sched_yield', args: [], status: 'implemented' },
  { nr: 159, name: 'sched_get_priority_max', entry: 'sys_sched_get_priority_max', args: ['int policy'], status: 'enosys' },
  { nr: 160, name: 'sched_get_priority_min', entry: 'sys_sched_get_priority_min', args: ['int policy'], status: 'enosys' },
  { nr: 161, name: 'sched_rr_get_interval', entry: 'sys_sched_rr_get_interval_time32', args: ['pid_t pid', 'struct old_timespec32 __user *interval'], status: 'enosys' },
  { nr: 241, name: 'sched_setaffinity', entry: 'sys_sched_setaffinity', args: ['pid_t pid', 'unsigned int len', 'unsigned long __user *user_mask_ptr'], status: 'partial', note: 'accepted when it names a running processor; not applied' },
  { nr: 242, name: 'sched_getaffinity', entry: 'sys_sched_getaffinity', args: ['pid_t pid', 'unsigned int len', 'unsigned long __user *user_mask_ptr'], status: 'implemented' },
  { nr: 318, name: 'getcpu', entry: 'sys_getcpu', args: ['unsigned __user *cpu', 'unsigned __user *node', 'void __user *cache'], status: 'enosys' },
  { nr: 351, name: 'sched_setattr', entry: 'sys_sched_setattr', args: ['pid_t pid', 'struct sched_attr __user *attr', 'unsigned int flags'], status: 'enosys' },
  { nr: 352, name: 'sched_getattr', entry: 'sys_sched_getattr', args: ['pid_t pid', 'struct sched_attr __user *attr', 'unsigned int size', 'unsigned int flags'], status: 'enosys' },
  { nr: 423, name: 'sched_rr_get_interval_time64', entry: 'sys_sched_rr_get_interval', args: ['pid_t pid', 'struct __kernel_timespec __user *interval'], status: 'enosys' },
]);
