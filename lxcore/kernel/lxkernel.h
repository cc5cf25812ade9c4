/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The kernel objects of lxcore (kernel/): Linux processes and threads, signals,
 *              memory, futexes, record locks, System V IPC, the ELF loader
 */

#ifndef _LXKERNEL_H_
#define _LXKERNEL_H_

#include "lxnt.h"

/* Address space layout of a Linux process */
#define LX_STACK_TOP            0x7FFC0000u /* 64 KiB below KUSER_SHARED_DATA's 64 KiB block:
                                               the highest a stack's top goes */
#define LX_STACK_RANDOM_SLOTS   128u        /* its top moves down by up to 127 x 64 KiB, and
                                               the strings by 0-15 pages: 11 bits of pages
                                               (8 MiB), as Linux's i386 STACK_RND_MASK */
#define LX_STACK_RESERVE        0x00800000u /* 8 MiB, Linux's default RLIMIT_STACK */
#define LX_STACK_INITIAL_COMMIT 0x00080000u /* 512 KiB; the rest is committed on faults */
#define LX_BRK_RESERVE          0x04000000u /* 64 MiB of address space after the image */
#define LX_MAX_IMAGE_FILE_SIZE  (64u * 1024u * 1024u)
#define LX_MAX_ARGUMENT_BYTES   (256u * 1024u)

#define LX_MAX_FDS              1024    /* Linux's usual RLIMIT_NOFILE soft limit */
#define LX_RLIM_NLIMITS         16          /* RLIMIT_CPU .. RLIMIT_RTTIME */
#define LX_RLIMIT_NOFILE        7
#define LX_RLIMIT_DATA          2
#define LX_RLIMIT_SIGPENDING    11
#define LX_RLIMIT_NPROC         6
#define LX_DEBUG_LINE           200

#define LX_RLIMIT_STACK     3
#define LX_RLIMIT_CORE      4
#define LX_RLIMIT_MEMLOCK   8
#define LX_RLIMIT_MSGQUEUE  12
#define LX_RLIMIT_NICE      13
#define LX_RLIMIT_RTPRIO    14
#define LX_RLIM64_INFINITY  (~0ULL)
#define LX_RLIM32_INFINITY  0xFFFFFFFFu

/* An open file description (shared by dup'd descriptors): fs/lxfs.h */
typedef struct _LX_FILE LX_FILE, *PLX_FILE;

/* A private anonymous mapping reservation made by mmap2 (64 KiB granular) */
/* Memory several processes map (System V segments, MAP_SHARED anonymous mappings): a
 * pagefile-backed section, mapped as views (kernel/mm.c) */
typedef struct _LX_SHARED_MEMORY
{
    LONG RefCount;              /* its owner's (a System V segment) and each view's */
    LONG Attaches;              /* views in every process (shm_nattch) */
    PVOID Section;              /* referenced */
    SIZE_T Size;                /* bytes: a page multiple, or a file's size */
    PVOID Key;                  /* what futexes in it are keyed by: itself, or the file's
                                   section object pointers (every mapping of the file) */
    BOOLEAN File;               /* a data section of a file (LxSharedMemoryFromFile): views
                                   at any page offset and address, protections per page */
} LX_SHARED_MEMORY, *PLX_SHARED_MEMORY;

#define LX_REGION_NAME      128

typedef struct _LX_REGION
{
    LIST_ENTRY Link;
    ULONG_PTR Base;             /* 64 KiB aligned (a file's view: a page) */
    SIZE_T Size;                /* multiple of 64 KiB (a file's view: its ViewSize) */
    ULONG_PTR MappedStart;      /* the pages Linux may see mapped lie within [MappedStart, */
    ULONG_PTR MappedEnd;        /* MappedEnd); the reservation (a view) goes when empty */
    PLX_SHARED_MEMORY Shared;   /* a view of shared memory (referenced), or NULL: private */
    ULONG SharedProtect;        /* the view's NT protection when it was mapped */
    ULONG MaxProt;              /* the Linux PROT_* bits mprotect may give the view (no
                                   PROT_WRITE: a file not open for writing, SHM_RDONLY) */
    SIZE_T ViewSize;            /* the view: [Base, Base + ViewSize), a page multiple */
    ULONGLONG ViewOffset;       /* the offset of Base in the shared memory (a file's) */
    LONG ShmId;                 /* shmat's segment id, else -1 */
    BOOLEAN PastEnd;            /* a shared mapping with no file bytes behind it (an empty
                                   file, or wholly past its end): an access is SIGBUS */
    CHAR Name[LX_REGION_NAME];  /* the file mapped there first (its resolved Linux path, cut
                                   at LX_REGION_NAME - 1 bytes), for /proc/PID/maps; "" */
} LX_REGION, *PLX_REGION;

/* What a forked child inherits from its parent as a whole (kernel/fork.c copies each of
 * these by assignment); execve keeps Cred and Limits, resets Actions' handlers and
 * replaces Layout. */

/* the address-space layout of the image, brk and stack (MmLock) */
typedef struct _LX_MM_LAYOUT
{
    ULONG_PTR ImageReserveStart; /* the image's 64 KiB reservation */
    ULONG_PTR ImageReserveEnd;
    ULONG_PTR BrkStart;
    ULONG_PTR DataSize;         /* the image's end_data - start_data (RLIMIT_DATA) */
    ULONG_PTR BrkCurrent;
    ULONG_PTR BrkRegionBase;    /* reservation [BrkRegionBase, BrkLimit) after the image */
    ULONG_PTR BrkLimit;
    ULONG_PTR StackTop;         /* the stack reservation's end: LX_STACK_TOP less a random
                                   number of 64 KiB units (ASLR), 64 KiB aligned */
    ULONG_PTR StackReserveBase;
    ULONG_PTR StackCommitLow;
    ULONG_PTR ArgStart;         /* the argument and environment strings on the stack */
    ULONG_PTR ArgEnd;           /* (/proc/self/cmdline, environ) */
    ULONG_PTR EnvStart;
    ULONG_PTR EnvEnd;
    ULONG Auxv[2 * LX_STACK_AUXV_PAIRS];   /* what exec gave (/proc/self/auxv) */
} LX_MM_LAYOUT, *PLX_MM_LAYOUT;

/* signal dispositions set by rt_sigaction, indexed by signal number */
typedef struct _LX_SIGACTIONS
{
    ULONG_PTR SignalHandlers[65];
    ULONG SignalFlags[65];
    ULONG_PTR SignalRestorers[65];
    ULONGLONG SignalMasks[65];
} LX_SIGACTIONS, *PLX_SIGACTIONS;

/* resource limits: set by setrlimit/prlimit64 */
typedef struct _LX_RLIMITS
{
    ULONGLONG RlimitCur[LX_RLIM_NLIMITS];
    ULONGLONG RlimitMax[LX_RLIM_NLIMITS];
} LX_RLIMITS, *PLX_RLIMITS;

/* the Linux identity: real, effective, saved and file-system ids (core/lx_cred.h) */
typedef struct _LX_CRED
{
    lx_ids User;
    lx_ids Group;
    lx_groups Groups;           /* supplementary groups (setgroups), kept by fork and execve */
} LX_CRED, *PLX_CRED;

typedef struct _LX_PROCESS
{
    LONG RefCount;
    LIST_ENTRY Link;            /* LxProcessList */
    ULONG Pid;
    ULONG ParentPid;
    ULONG CreateFlags;          /* LXSS_CREATE_* */
    PEPROCESS Process;          /* referenced while the LX_PROCESS lives */
    HANDLE NtProcessId;

    /* exit */
    KEVENT ExitEvent;           /* notification, set when the last thread is gone */
    ULONG State;                /* LXSS_PROCESS_* */
    ULONG ExitStatus;
    ULONG Signal;
    BOOLEAN ExitRequested;      /* exit_group recorded the status */
    BOOLEAN ThreadExited;       /* a thread left through exit(): LastExitStatus is valid */
    ULONG LastExitStatus;
    LONG ThreadCount;           /* live Linux threads */
    BOOLEAN Reaped;
    UCHAR Traced;               /* LX_TRACE_*: its system calls are traced (LxTraceProcess) */
    PVOID TraceRecord;          /* LX_TRACE_RECORD: its last calls (entry/trace.c) */
    BOOLEAN Orphaned;           /* its parent ended: "init" reaps it when it ends (LxProcessLock) */
    KEVENT ChildEvent;          /* notification: a child exited, stopped or continued (wait4) */

    /* job control (jobctl.c, under LxJobLock): the process is stopped by StopSignal, its
     * threads suspended; JobReport is what its parent's wait has yet to be told of a stop or
     * a continue (LX_JOB_REPORT_*, changed with interlocked operations) */
    BOOLEAN Stopped;
    ULONG StopSignal;
    LONG JobReport;
    ULONG TtyOldPgrp;           /* a session leader whose terminal hung up: the foreground
                                   group then, sent SIGHUP when the leader ends (fs/pty.c) */

    /* a vfork-style child (vfork, clone CLONE_VFORK): its parent's thread waits for
     * VforkDone, set when the child execs or ends; with CLONE_VM and a single-threaded
     * parent the pages the child changed are copied back into the parent first (fork.c) */
    LONG VforkPending;
    BOOLEAN VforkCopyBack;
    struct _LX_PROCESS *VforkParent;    /* referenced while VforkPending */
    KEVENT VforkDone;

    /* memory (MmLock) */
    FAST_MUTEX MmLock;
    LX_MM_LAYOUT Layout;
    LIST_ENTRY Regions;

    /* signal dispositions (rt_sigaction) */
    LX_SIGACTIONS Actions;

    /* setitimer(ITIMER_REAL) / alarm: SIGALRM from a DPC */
    LX_WAIT_QUEUE SignalWait;       /* woken when a signal is queued to the process or one of
                                       its threads (signalfd) */
    lx_sigpending SharedPending;    /* process-directed signals every thread blocks
                                       (signal.c, under LxSignalLock) */
    LONG SigQueued;                 /* queued instances charged to the process (the
                                       threads' and SharedPending), RLIMIT_SIGPENDING */
    KTIMER RealTimer;
    KDPC RealTimerDpc;
    BOOLEAN RealTimerArmed;
    ULONGLONG RealTimerDue;         /* interrupt time of the next expiry */
    ULONG RealTimerIntervalUs;      /* it_interval, microseconds (0: one-shot) */
    WORK_QUEUE_ITEM KillWorkItem;   /* a timer signal whose default action ends the process */
    LONG KillWorkQueued;
    ULONG KillWorkSignal;

    /* resource limits (sys/process.c): set by setrlimit/prlimit64, inherited by fork,
     * kept by execve; RLIMIT_NOFILE bounds the descriptors fs/fdtable.c hands out */
    LX_RLIMITS Limits;

    BOOLEAN UsedLocks;          /* has set a record lock (kernel/lock.c): closes look for them */

    /* identity */
    LX_CRED Cred;
    ULONG Pgid, Sid;            /* process group and session (0: the pid itself) */
    ULONG Umask;

    /* files (FdLock) */
    FAST_MUTEX FdLock;
    PLX_FILE Fds[LX_MAX_FDS];
    UCHAR FdCloexec[LX_MAX_FDS];

    /* paths: the NT directory standing for "/" and the cwd (Linux, resolved) */
    UNICODE_STRING Root;
    PCHAR RootPrefix;           /* after chroot: the new "/" as a path of Root's (LX_PATH_MAX
                                   bytes, paged pool), else NULL; Root keeps the metadata */
    PCHAR Cwd;                  /* LX_PATH_MAX bytes, paged pool */
    PCHAR ExecFn;

    /* debug output line buffers for fds 1 and 2 */
    FAST_MUTEX OutLock;
    CHAR OutLine[2][LX_DEBUG_LINE + 1];
    ULONG OutLength[2];
} LX_PROCESS, *PLX_PROCESS;

typedef struct _LX_THREAD
{
    PLX_PROCESS Process;        /* holds a reference */
    ULONG Tid;
    ULONG_PTR ClearChildTid;    /* set_tid_address */
    ULONG_PTR RobustList;
    BOOLEAN TlsSet;
    ULONG TlsBase;
    ULONG TlsLimit;
    ULONG TlsFlags;
    ULONGLONG SignalMask;       /* rt_sigprocmask (no delivery yet) */
    struct _LX_FUTEX_WAITER *FutexWaiter;   /* the futex wait in progress (LxFutexLock) */
    lx_sigpending Pending;      /* raised while blocked, delivered when unblocked
                                   (signal.c, under LxSignalLock) */
    ULONG_PTR AltStackBase;     /* sigaltstack: ss_sp, ss_size, ss_flags */
    ULONG AltStackSize;
    ULONG AltStackFlags;
    LIST_ENTRY SignalLink;      /* LxThreadList (signal.c), under LxSignalLock */
    BOOLEAN SignalRegistered;
    KEVENT SignalEvent;         /* synchronization: a signal was posted to the thread */
    PETHREAD NtThread;          /* set by LxCurrentThread in the thread itself */
    BOOLEAN SignalApcArmed;     /* a signal APC is queued (under LxSignalLock) */
    BOOLEAN StopSuspended;      /* suspended by a stop (jobctl.c), under LxSignalLock */
    BOOLEAN EnteredHandler;     /* LxInterruptedCall(WithMask) set up a handler's frame: its
                                   positive result is the signal, not the call's (cleared by
                                   whoever asks: sys/net.c) */
} LX_THREAD, *PLX_THREAD;

/* process.c */
VOID LxInitializeProcessTable(VOID);
PLX_PROCESS LxCurrentProcess(VOID);
PLX_THREAD LxCurrentThread(VOID);
VOID LxReferenceProcess(_In_ PLX_PROCESS Process);
VOID LxDereferenceProcess(_In_ PLX_PROCESS Process);
PLX_PROCESS LxLookupProcess(_In_ ULONG Pid);   /* referenced */
VOID LxInitializeLimits(_Out_ PLX_PROCESS Process);
ULONG LxCollectProcesses(_In_ LONG Pgid, _Out_writes_(Max) PLX_PROCESS *Out, _In_ ULONG Max);
ULONG LxProcessCount(VOID);
PLX_PROCESS LxAllocateProcessBlock(VOID);
ULONG LxLiveProcessBlocks(VOID);
ULONG LxAllocatePid(VOID);
ULONG LxLastPid(VOID);
VOID LxInsertProcess(_In_ PLX_PROCESS Process);
VOID LxRemoveProcess(_In_ PLX_PROCESS Process);
VOID LxOrphanChildren(_In_ PLX_PROCESS Parent);
BOOLEAN LxCredMayControl(_In_ const LX_CRED *Caller, _In_ const LX_CRED *Target);
ULONG LxCountUserProcesses(_In_ ULONG Uid);
/* System call tracing. LxTraceProcess: Process starts being traced (LX_TRACE_PRINT: each call
 * printed; LX_TRACE_RECORD: its last calls kept, printed if it is killed by SIGKILL) or stops
 * (LX_TRACE_OFF, also at its end). The first traced process and the last one gone call the
 * routines DriverEntry registered (entry/trace.c: the service table's handlers are swapped
 * for tracing wrappers and back). */
#define LX_TRACE_OFF        0
#define LX_TRACE_PRINT      1
#define LX_TRACE_RECORD     2
typedef struct _LX_TRACE_ROUTINES
{
    VOID (NTAPI *Switch)(_In_ BOOLEAN On);
    PVOID (NTAPI *CreateRecord)(VOID);                  /* NULL: no memory */
    VOID (NTAPI *EndRecord)(_In_ PVOID Record, _In_ BOOLEAN Print);
} LX_TRACE_ROUTINES, *PLX_TRACE_ROUTINES;
VOID LxSetTraceRoutines(_In_ const LX_TRACE_ROUTINES *Routines);
VOID LxTraceProcess(_In_ PLX_PROCESS Process, _In_ UCHAR Mode);
BOOLEAN LxProcessIsOrphan(_In_ PLX_PROCESS Process);
ULONG LxProcessGroupOf(_In_ PLX_PROCESS Process);     /* its pgid (0 recorded: its pid) */
ULONG LxSessionOf(_In_ PLX_PROCESS Process);          /* its sid (0 recorded: 1, init's) */
BOOLEAN LxProcessGroupOrphaned(_In_ ULONG Pgid);
BOOLEAN LxProcessGroupStopped(_In_ ULONG Pgid);
ULONG LxChildGroups(_In_ PLX_PROCESS Parent, _Out_writes_(Max) PULONG Groups, _In_ ULONG Max);
/* wait4/waitid: what a child has to report (LX_WAIT_EXITED, or LX_JOB_REPORT_*) */
#define LX_WAIT_EXITED          0x04    /* = WEXITED: it ended */
#define LX_JOB_REPORT_STOPPED   0x02    /* = WSTOPPED: a stop not yet reported */
#define LX_JOB_REPORT_CONTINUED 0x08    /* = WCONTINUED: a continue not yet reported */
#define LX_WAIT_NOWAIT          0x01000000  /* = WNOWAIT: report, leave it reportable */
PLX_PROCESS LxFindWaitableChild(_In_ ULONG ParentPid, _In_ LONG Pid, _In_ ULONG Options,
                                _Out_ PULONG Report, _Out_ PBOOLEAN HaveChildren);
NTSTATUS LxCreateProcessFromRequest(_In_ PLXSS_CREATE_PROCESS_IN Request,
                                    _In_ ULONG RequestLength,
                                    _In_ KPROCESSOR_MODE RequestorMode,
                                    _Out_ PLXSS_CREATE_PROCESS_OUT Reply);
NTSTATUS LxWaitProcess(_In_ PLXSS_WAIT_PROCESS_IN Request, _Out_ PLXSS_WAIT_PROCESS_OUT Reply);
NTSTATUS LxSignalProcess(_In_ PLXSS_SIGNAL_PROCESS_IN Request);
NTSTATUS LxResizeTerminal(_In_ PLXSS_RESIZE_TERMINAL_IN Request);
VOID LxExitCurrentProcess(_In_ ULONG Status);   /* returns only if termination failed */

/* mm.c */
LONG LxMmInitializeProcess(_In_ PLX_PROCESS Process, _In_ HANDLE ProcessHandle,
                           _In_ const lx_load_plan *Plan, _In_ ULONG_PTR StackTop);
/* The interpreter's image as a private region of its own (munmap, fork and execve see it) */
LONG LxMmReserveInterpreter(_In_ PLX_PROCESS Process, _In_ HANDLE ProcessHandle, _In_ PCSTR Name,
                            _In_ const lx_load_plan *Plan);
BOOLEAN LxMmHandleFault(_In_ PLX_PROCESS Process, _In_ ULONG_PTR Address);
BOOLEAN LxMmPastEnd(_In_ PLX_PROCESS Process, _In_ ULONG_PTR Address);
BOOLEAN NTAPI LxMmUserFault(_In_ ULONG_PTR Address, _In_ SIZE_T Length);  /* usermem.c's routine */
VOID LxMmCleanupProcess(_In_ PLX_PROCESS Process);
PLX_REGION LxMmAllocateRegion(VOID);
VOID LxMmFreeRegion(_In_ PLX_REGION Region);
ULONG LxMmRegionCount(VOID);
LONG LxSharedMemoryCreate(_In_ SIZE_T Size, _Out_ PLX_SHARED_MEMORY *Shared);
VOID LxSharedMemoryDereference(_In_ PLX_SHARED_MEMORY Shared);
LONG LxSharedMemoryFromFile(_In_ HANDLE FileHandle, _In_ ULONGLONG Size,
                            _Out_ PLX_SHARED_MEMORY *Shared);
LONG LxMapShared(_In_ PLX_PROCESS Process, _In_ PLX_SHARED_MEMORY Shared, _In_ ULONG_PTR Address,
                 _In_ BOOLEAN Fixed, _In_ ULONG LinuxProt, _In_ ULONG MaxProt, _In_ LONG ShmId,
                 _In_ ULONGLONG Offset, _In_ SIZE_T Length, _In_opt_ PCSTR Name,
                 _Out_ PULONG_PTR Base);
VOID LxUnmapShared(_In_ PLX_PROCESS Process, _In_ PLX_REGION Region);
LONG LxMapSharedInto(_In_ PLX_PROCESS Target, _In_ HANDLE TargetHandle, _In_ PLX_REGION Region);
LONG LxMmCopyProtections(_In_ HANDLE TargetHandle, _In_ ULONG_PTR Start, _In_ ULONG_PTR End,
                         _In_ ULONG Given, _In_ BOOLEAN View);
LONG LxProtectView(_In_ PLX_REGION Region, _In_ ULONG_PTR Start, _In_ ULONG_PTR End,
                   _In_ ULONG Protect);
LONG LxFlushView(_In_ ULONG_PTR Start, _In_ ULONG_PTR End);
VOID LxMmDetachShared(_In_ PLX_PROCESS Process);
LONG LxSharedMemoryCopy(_In_ PLX_SHARED_MEMORY Memory, _In_ SIZE_T Offset, _In_ ULONG_PTR User,
                        _In_ SIZE_T Length, _In_ BOOLEAN ToUser);
LONG LxSharedMemoryResize(_Inout_ PLX_SHARED_MEMORY *Memory, _In_ SIZE_T Size);
VOID LxMmFutexKey(_In_ PLX_PROCESS Process, _In_ ULONG_PTR Address, _Out_ PVOID *Object,
                  _Out_ PULONG_PTR Offset);
ULONG LxNtProtection(_In_ ULONG LinuxProt);
NTSTATUS LxVmOperation(_In_ HANDLE ProcessHandle, _In_ ULONG_PTR Base, _In_ SIZE_T Size,
                       _In_ ULONG Type, _In_ ULONG Protect);

/* ipc.c, shm.c: System V message queues, semaphores and shared memory */
VOID LxInitializeIpc(VOID);
VOID LxIpcProcessExit(_In_ PLX_PROCESS Process);    /* SEM_UNDO, removed shm segments */
VOID LxShmSweep(VOID);      /* shm.c: removed segments no longer mapped go */

LONG LxMsgget(_In_ LONG Key, _In_ LONG Flags);
LONG LxMsgsnd(_In_ LONG Id, _In_ ULONG_PTR MsgPtr, _In_ SIZE_T Size, _In_ LONG Flags);
LONG LxMsgrcv(_In_ LONG Id, _In_ ULONG_PTR MsgPtr, _In_ SIZE_T Size, _In_ LONG Type, _In_ LONG Flags);
LONG LxMsgctl(_In_ LONG Id, _In_ LONG Cmd, _In_ ULONG_PTR Buf);
LONG LxSemget(_In_ LONG Key, _In_ LONG Count, _In_ LONG Flags);
LONG LxSemop(_In_ LONG Id, _In_ ULONG_PTR SopsPtr, _In_ ULONG Count, _In_ ULONG_PTR Timeout, _In_ BOOLEAN Time64);
LONG LxSemctl(_In_ LONG Id, _In_ LONG Index, _In_ LONG Cmd, _In_ ULONG_PTR Arg);
LONG LxShmget(_In_ LONG Key, _In_ SIZE_T Size, _In_ LONG Flags);
LONG LxShmat(_In_ LONG Id, _In_ ULONG_PTR Address, _In_ LONG Flags);
LONG LxShmdt(_In_ ULONG_PTR Address);
LONG LxShmctl(_In_ LONG Id, _In_ LONG Cmd, _In_ ULONG_PTR Buf);

/* lock.c: POSIX record locks (fcntl), for these commands */
#define LX_F_GETLK          5
#define LX_F_SETLK          6
#define LX_F_SETLKW         7
#define LX_F_GETLK64        12
#define LX_F_SETLK64        13
#define LX_F_SETLKW64       14
VOID LxInitializeLocks(VOID);
LONG LxFcntlLock(_In_ PLX_PROCESS Process, _In_ PLX_FILE File, _In_ ULONG Cmd, _In_ ULONG_PTR Arg);
VOID LxReleaseLocks(_In_ PLX_PROCESS Process, _In_opt_ PLX_FILE File);

/* signal.c */
#define LX_SS_DISABLE       2   /* sigaltstack: no alternate stack */
#define LX_SIGNAL_IGNORED   0
#define LX_SIGNAL_DELIVERED 1
ULONG LxDeliverSignal(_In_ PKTRAP_FRAME TrapFrame, _In_ ULONG Sig, _In_ LONG Code,
                      _In_ ULONG_PTR Address, _In_ ULONG SavedEax, _In_ ULONG Trapno);
ULONG LxDeliverSignalInfo(_In_ PKTRAP_FRAME TrapFrame, _In_ ULONG Sig, _In_ const lx_sigfields *Info,
                          _In_ ULONG SavedEax, _In_ ULONG Trapno);
ULONG LxDeliverPendingSignal(_In_ PKTRAP_FRAME TrapFrame, _In_ ULONG SavedEax,
                             _Out_ PULONG Delivered);
VOID LxInitializeSignals(VOID);
VOID LxInitializeProcessSignals(_In_ PLX_PROCESS Process);
VOID LxCleanupProcessSignals(_In_ PLX_PROCESS Process);
VOID LxRegisterThread(_In_ PLX_THREAD Thread);
VOID LxUnregisterThread(_In_ PLX_THREAD Thread);
/* si_code of a signal's origin (siginfo): kill, tkill/tgkill, the kernel (timer, launcher) */
#define LX_SI_USER      0
#define LX_SI_KERNEL    0x80
#define LX_SI_TKILL     (-6)
#define LX_SI_QUEUE     (-1)
VOID LxSigFields(_Out_ lx_sigfields *Info, _In_ LONG Code, _In_ ULONG_PTR PidOrAddress);
LONG LxPostSignalInfo(_In_ PLX_THREAD Thread, _In_ ULONG Sig, _In_ const lx_sigfields *Info);
LONG LxSignalThreadByTid(_In_opt_ PLX_PROCESS Process, _In_ ULONG Tid, _In_ ULONG Sig,
                         _In_opt_ const lx_sigfields *Info);
LONG LxSignalProcessInfo(_In_ PLX_PROCESS Process, _In_ ULONG Sig,
                         _In_ const lx_sigfields *Info);
BOOLEAN LxSignalBlocked(_In_ PLX_PROCESS Process, _In_ ULONG Tid, _In_ ULONG Sig);
BOOLEAN LxSignalWouldRun(_In_ PLX_PROCESS Process, _In_ ULONG Sig);
ULONGLONG LxPendingSignals(_In_ PLX_THREAD Thread);   /* the thread's and the process's */
ULONG LxDequeueSignal(_In_ PLX_THREAD Thread, _In_ ULONGLONG Set,
                      _Out_ lx_sigfields *Info);       /* the lowest in Set, or 0 */
#define LX_WAIT_MAX_OBJECTS 63   /* + the signal event = MAXIMUM_WAIT_OBJECTS */
NTSTATUS LxWaitInterruptible(_In_ ULONG Count, _In_reads_(Count) PVOID *Objects,
                             _In_opt_ PLARGE_INTEGER Timeout);
LONG LxInterruptedCall(_In_ BOOLEAN Restartable);
LONG LxInterruptedCallWithMask(_In_ ULONGLONG OriginalMask);
NTSTATUS LxSleepInterruptible(_In_ PLARGE_INTEGER Interval);   /* relative (< 0) */

LONG LxSigreturn(_In_ BOOLEAN Rt);
LONG LxSigtimedwait(_In_ ULONG_PTR Uthese, _In_ ULONG_PTR Uinfo, _In_ ULONG_PTR Uts,
                    _In_ BOOLEAN Time64, _In_ SIZE_T Sigsetsize);   /* Uts: either layout, 0: none */
LONG LxSignalSelfInfo(_In_ LONG Sig, _In_ const lx_sigfields *Info, _In_ LONG SyscallResult);
VOID LxSenderFields(_Out_ lx_sigfields *Info, _In_ LONG Code);
LONG LxSignalSelfWithResult(_In_ LONG Sig, _In_ LONG Code, _In_ LONG SyscallResult);
LONG LxSendSignal(_In_ PLX_PROCESS Target, _In_ ULONG Sig, _In_ const lx_sigfields *Info);
VOID LxDiscardSignals(_In_ PLX_PROCESS Process, _In_ ULONGLONG Set);
VOID LxRecordThreadObject(_In_ PLX_THREAD Thread, _In_ HANDLE ThreadHandle);
ULONG LxCollectStopThreads(_In_ PLX_PROCESS Process, _In_ BOOLEAN Stop,
                           _Out_writes_(Max) PETHREAD *Out, _In_ ULONG Max);

/* jobctl.c: stopping and continuing processes (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGCONT) */
#define LX_SIGHUP           1
#define LX_SIGCHLD          17
#define LX_SIGCONT          18
#define LX_SIGSTOP          19
#define LX_SIGTSTP          20
#define LX_SIGTTIN          21
#define LX_SIGTTOU          22
#define LX_STOP_SIGNALS     ((1ULL << (LX_SIGSTOP - 1)) | (1ULL << (LX_SIGTSTP - 1)) | \
                             (1ULL << (LX_SIGTTIN - 1)) | (1ULL << (LX_SIGTTOU - 1)))
#define LX_CLD_EXITED       1   /* si_code of SIGCHLD and waitid */
#define LX_CLD_KILLED       2
#define LX_CLD_STOPPED      5
#define LX_CLD_CONTINUED    6
VOID LxInitializeJobControl(VOID);
BOOLEAN LxSignalStops(_In_ ULONG Sig);
VOID LxPrepareSignal(_In_ PLX_PROCESS Process, _In_ ULONG Sig);
VOID LxStopProcess(_In_ PLX_PROCESS Process, _In_ ULONG Sig);
VOID LxContinueProcess(_In_ PLX_PROCESS Process);
VOID LxNotifyParent(_In_ PLX_PROCESS Child, _In_ LONG Code, _In_ ULONG Status);
VOID LxSignalGroup(_In_ ULONG Pgrp, _In_ ULONG Sig);
VOID LxHangUpOrphanedGroups(_In_ PLX_PROCESS Process);

/* fork.c */
LONG LxFork(_In_ ULONG Flags, _In_ ULONG_PTR Newsp, _In_opt_ LONG *ParentTidptr,
           _In_opt_ LONG *ChildTidptr);
VOID LxVforkRelease(_In_ PLX_PROCESS Child, _In_ BOOLEAN CopyBack);

/* A non-paged block counted in *Live while it lives (IOCTL_LXSS_QUERY_COUNTERS) */
FORCEINLINE
PVOID
LxAllocateCounted(
    _In_ SIZE_T Size,
    _In_ ULONG Tag,
    _Inout_ PLONG Live)
{
    PVOID Block = ExAllocatePoolWithTag(NonPagedPool, Size, Tag);

    if (Block != NULL)
        InterlockedIncrement(Live);
    return Block;
}

FORCEINLINE
VOID
LxFreeCounted(
    _In_ PVOID Block,
    _In_ ULONG Tag,
    _Inout_ PLONG Live)
{
    InterlockedDecrement(Live);
    ExFreePoolWithTag(Block, Tag);
}

/* thread.c, futex.c; the counts of live blocks are IOCTL_LXSS_QUERY_COUNTERS's */
PLX_THREAD LxAllocateThreadBlock(VOID);
VOID LxFreeThreadBlock(_In_ PLX_THREAD Thread);
ULONG LxThreadCount(VOID);
ULONG LxFutexWaiterCount(VOID);
PLX_THREAD LxAllocateCloneThread(_In_ PLX_PROCESS Process, _In_ PLX_THREAD Parent,
                                 _In_ BOOLEAN CopyAltStack, _In_ ULONG_PTR ClearChildTid);
VOID LxThreadAttributesFromTrap(_Out_ PPS_PICO_THREAD_ATTRIBUTES Attributes, _In_ PKTRAP_FRAME TrapFrame,
                                _In_ HANDLE Process, _In_ ULONG_PTR Newsp, _In_ PVOID Context);
NTSTATUS LxStartThread(_Inout_ PPS_PICO_THREAD_ATTRIBUTES Attributes, _In_ BOOLEAN Inherit);
VOID LxInitializeFutexes(VOID);
VOID LxFutexThreadExit(_In_ PLX_THREAD Thread);
VOID LxFutexRobustExit(_In_ PLX_THREAD Thread);
LONG LxFutexWake(_In_ PLX_PROCESS Process, _In_ ULONG_PTR Address, _In_ ULONG Count,
                 _In_ ULONG Bitset);

LONG LxFutexOperation(_In_ ULONG_PTR Uaddr, _In_ LONG Op, _In_ ULONG Val, _In_ BOOLEAN HaveTimeout,
                      _In_ LONGLONG Sec, _In_ LONGLONG Nsec, _In_ ULONG_PTR Utime, _In_ ULONG_PTR Uaddr2,
                      _In_ ULONG Val3);
BOOLEAN LxFutexUsesTimeout(_In_ LONG Op);

/* loader.c */
typedef struct _LX_PREPARED_IMAGE
{
    PUCHAR Image;
    ULONG ImageSize;
    lx_load_plan *Plan;
    PUCHAR InterpImage;         /* a dynamic program's interpreter (PT_INTERP), or NULL */
    ULONG InterpImageSize;
    lx_load_plan *InterpPlan;
    CHAR InterpName[LX_REGION_NAME];    /* its resolved Linux path (/proc/PID/maps) */
    BOOLEAN InterpOverImage;    /* an ET_EXEC interpreter inside the program's image span (a
                                   program naming itself): copied over the program's pages */
    ULONG Entry;                /* where the first thread starts: the interpreter's entry, or
                                   the program's */
    PUCHAR StackBuffer;
    ULONG StackBufferSize;
    ULONG_PTR StackTop;         /* the stack reservation's end (LX_MM_LAYOUT.StackTop) */
    ULONG_PTR StackDataTop;     /* where the strings end: StackTop less 0-15 random pages */
    lx_stack_result Stack;
} LX_PREPARED_IMAGE, *PLX_PREPARED_IMAGE;

LONG LxReadImageFile(_In_ PUNICODE_STRING ImagePath, _Out_ PUCHAR *Image,
                     _Out_ PULONG ImageSize);
LONG LxReadImageHead(_In_ PUNICODE_STRING ImagePath, _Out_writes_(LX_SCRIPT_HEAD) PCHAR Head);
LONG LxPrepareImage(_In_ PLX_PROCESS LxProcess, _In_ PUNICODE_STRING ImagePath,
                    _In_ ULONG ArgumentCount, _In_ const CHAR *const *Arguments,
                    _In_ ULONG EnvironmentCount, _In_ const CHAR *const *Environment,
                    _In_ PCSTR ExecFn, _In_ const LX_CRED *Cred,
                    _Out_ PLX_PREPARED_IMAGE Prepared);
VOID LxFreePreparedImage(_Inout_ PLX_PREPARED_IMAGE Prepared);
LONG LxPopulateAddressSpace(_In_ PLX_PROCESS LxProcess, _In_ HANDLE ProcessHandle,
                            _In_ BOOLEAN Attach, _In_ PLX_PREPARED_IMAGE Prepared);
LONG LxLoadElf(_In_ PLX_PROCESS LxProcess,
               _In_ PUNICODE_STRING ImagePath,
               _In_ ULONG ArgumentCount, _In_ const CHAR *const *Arguments,
               _In_ ULONG EnvironmentCount, _In_ const CHAR *const *Environment,
               _In_ PCSTR ExecFn, _In_ HANDLE Token);

/* the file layer is the same layer: kernel/ and fs/ use each other */
#include "lxfs.h"

#endif /* _LXKERNEL_H_ */
