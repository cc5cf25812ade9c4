// System V IPC (the multiplexed ipc call and the direct semaphore, shared memory and message
// queue calls) and POSIX message queues.
import { syscalls } from '../generator/src/defs/schema.ts';

export default syscalls('ipc', [
  { nr: 117, name: 'ipc', entry: 'sys_ipc', args: ['unsigned int call', 'int first', 'unsigned long second', 'unsigned long third', 'void __user *ptr', 'long fifth'], status: 'partial', note: 'message queues (calls 11-14), semaphores (1-4) and shared memory (21-24, with the limits of shmat); IPC_STAT/IPC_SET only in the IPC_64 layout, no IPC_INFO/MSG_INFO/SEM_INFO/SHM_INFO' },
  { nr: 277, name: 'mq_open', entry: 'sys_mq_open', args: ['const char __user *name', 'int oflag', 'umode_t mode', 'struct mq_attr __user *attr'], status: 'enosys' },
  { nr: 278, name: 'mq_unlink', entry: 'sys_mq_unlink', args: ['const char __user *name'], status: 'enosys' },
  { nr: 279, name: 'mq_timedsend', entry: 'sys_mq_timedsend_time32', args: ['mqd_t mqdes', 'const char __user *u_msg_ptr', 'unsigned int msg_len', 'unsigned int msg_prio', 'const struct old_timespec32 __user *u_abs_timeout'], status: 'enosys' },
  { nr: 280, name: 'mq_timedreceive', entry: 'sys_mq_timedreceive_time32', args: ['mqd_t mqdes', 'char __user *u_msg_ptr', 'unsigned int msg_len', 'unsigned int __user *u_msg_prio', 'const struct old_timespec32 __user *u_abs_timeout'], status: 'enosys' },
  { nr: 281, name: 'mq_notify', entry: 'sys_mq_notify', args: ['mqd_t mqdes', 'const struct sigevent __user *notification'], status: 'enosys' },
  { nr: 282, name: 'mq_getsetattr', entry: 'sys_mq_getsetattr', args: ['mqd_t mqdes', 'const struct mq_attr __user *mqstat', 'struct mq_attr __user *omqstat'], status: 'enosys' },
  { nr: 393, name: 'semget', entry: 'sys_semget', args: ['key_t key', 'int nsems', 'int semflg'], status: 'implemented' },
  { nr: 394, name: 'semctl', entry: 'sys_semctl', args: ['int semid', 'int semnum', 'int cmd', 'unsigned long arg'], status: 'partial', note: 'GETVAL/SETVAL/GETALL/SETALL/GETPID/GETNCNT/GETZCNT, IPC_STAT/IPC_SET/IPC_RMID in the IPC_64 layout; no IPC_INFO, SEM_INFO, SEM_STAT' },
  { nr: 395, name: 'shmget', entry: 'sys_shmget', args: ['key_t key', 'size_t size', 'int flag'], status: 'partial', note: 'SHMMNI 256; no permission check of an existing segment against the caller' },
  { nr: 396, name: 'shmctl', entry: 'sys_shmctl', args: ['int shmid', 'int cmd', 'struct shmid_ds __user *buf'], status: 'partial', note: 'IPC_STAT/IPC_SET/IPC_RMID (IPC_64 layout) and SHM_LOCK/SHM_UNLOCK (accepted, no effect); no IPC_INFO/SHM_INFO/SHM_STAT; IPC_SET/IPC_RMID checked against the owner only' },
  { nr: 397, name: 'shmat', entry: 'sys_shmat', args: ['int shmid', 'char __user *shmaddr', 'int shmflg'], status: 'partial', note: 'attach addresses must be 64 KiB aligned (NT view granularity; Linux SHMLBA is 4 KiB), else EINVAL; SHM_REMAP and SHM_EXEC ignored; no permission check' },
  { nr: 398, name: 'shmdt', entry: 'sys_shmdt', args: ['char __user *shmaddr'], status: 'implemented' },
  { nr: 399, name: 'msgget', entry: 'sys_msgget', args: ['key_t key', 'int msgflg'], status: 'implemented' },
  { nr: 400, name: 'msgsnd', entry: 'sys_msgsnd', args: ['int msqid', 'struct msgbuf __user *msgp', 'size_t msgsz', 'int msgflg'], status: 'implemented' },
  { nr: 401, name: 'msgrcv', entry: 'sys_msgrcv', args: ['int msqid', 'struct msgbuf __user *msgp', 'size_t msgsz', 'long msgtyp', 'int msgflg'], status: 'partial', note: 'no MSG_COPY' },
  { nr: 402, name: 'msgctl', entry: 'sys_msgctl', args: ['int msqid', 'int cmd', 'struct msqid_ds __user *buf'], status: 'partial', note: 'IPC_STAT, IPC_SET, IPC_RMID in the IPC_64 layout; no IPC_INFO, MSG_INFO, MSG_STAT' },
  { nr: 418, name: 'mq_timedsend_time64', entry: 'sys_mq_timedsend', args: ['mqd_t mqdes', 'const char __user *msg_ptr', 'size_t msg_len', 'unsigned int msg_prio', 'const struct __kernel_timespec __user *abs_timeout'], status: 'enosys' },
  { nr: 419, name: 'mq_timedreceive_time64', entry: 'sys_mq_timedreceive', args: ['mqd_t mqdes', 'char __user *msg_ptr', 'size_t msg_len', 'unsigned int __user *msg_prio', 'const struct __kernel_timespec __user *abs_timeout'], status: 'enosys' },
  { nr: 420, name: 'semtimedop_time64', entry: 'sys_semtimedop', args: ['int semid', 'struct sembuf __user *sops', 'unsigned nsops', 'const struct __kernel_timespec __user *timeout'], status: 'implemented' },
]);
