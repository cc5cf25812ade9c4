/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Private header of lxcore.sys: Linux process, thread and file objects, and the
 *              NT glue shared by lxcore/nt/ and lxcore/sys/
 */

#ifndef _LXP_H_
#define _LXP_H_

#include <ntifs.h>
#include <ndk/exfuncs.h>
#include <ndk/ketypes.h>
#include <ndk/kefuncs.h>
#include <ndk/psfuncs.h>
#include <ndk/mmfuncs.h>
#include <pico.h>
#include <pseh/pseh2.h>
#include <ntstrsafe.h>

#include "lxioctl.h"
#include "lxsys_handlers.h"

#include "lx_types.h"
#include "lx_elf.h"
#include "lx_stack.h"
#include "lx_path.h"
#include "lx_conv.h"
#include "lx_fpu.h"
#include "lx_statfs.h"
#include "lx_lock.h"
#include "lx_sigqueue.h"
#include "lx_script.h"

/* Pool tags */
#define LX_TAG_PROCESS  'pPxL'
#define LX_TAG_THREAD   'tPxL'
#define LX_TAG_FILE     'fPxL'
#define LX_TAG_IMAGE    'iPxL'
#define LX_TAG_TEMP     'xPxL'
#define LX_TAG_REGION   'rPxL'
#define LX_TAG_META     'mPxL'
#define LX_TAG_SIGQUEUE 'qPxL'

/* Linux signal numbers lxcore reports */
#define LX_SIGILL       4
#define LX_SIGTRAP      5
#define LX_SIGABRT      6
#define LX_SIGBUS       7
#define LX_SIGFPE       8
#define LX_SIGKILL      9
#define LX_SIGSEGV      11
#define LX_SIGTERM      15

/* Address space layout of a Linux process */
#define LX_STACK_TOP            0x7FFC0000u /* 64 KiB below KUSER_SHARED_DATA's 64 KiB block */
#define LX_STACK_RESERVE        0x00800000u /* 8 MiB, Linux's default RLIMIT_STACK */
#define LX_STACK_INITIAL_COMMIT 0x00080000u /* 512 KiB; the rest is committed on faults */
#define LX_BRK_RESERVE          0x04000000u /* 64 MiB of address space after the image */
#define LX_MAX_IMAGE_FILE_SIZE  (64u * 1024u * 1024u)
#define LX_MAX_ARGUMENT_BYTES   (256u * 1024u)

#define LX_MAX_FDS              256
#define LX_RLIM_NLIMITS         16          /* RLIMIT_CPU .. RLIMIT_RTTIME */
#define LX_RLIMIT_NOFILE        7
#define LX_RLIMIT_DATA          2
#define LX_RLIMIT_SIGPENDING    11
#define LX_DEBUG_LINE           200

/* An open file description (shared by dup'd descriptors): fs/lxfs.h */
typedef struct _LX_FILE LX_FILE, *PLX_FILE;

/* Wait queues (waitq.c): an object's list of whoever waits for it to change */
typedef struct _LX_WAIT_QUEUE
{
    KSPIN_LOCK Lock;
    LIST_ENTRY Entries;         /* LX_WAIT_ENTRY */
} LX_WAIT_QUEUE, *PLX_WAIT_QUEUE;

typedef struct _LX_WAIT_ENTRY LX_WAIT_ENTRY, *PLX_WAIT_ENTRY;
/* Called at DISPATCH_LEVEL under the queue's lock: must not block or touch the queue */
typedef VOID (NTAPI *PLX_WAKE_ROUTINE)(_In_ PLX_WAIT_ENTRY Entry, _In_ ULONG Events);

struct _LX_WAIT_ENTRY
{
    LIST_ENTRY Link;
    PLX_WAIT_QUEUE Queue;       /* the queue it is on, or NULL */
    PLX_WAKE_ROUTINE Wake;
    PVOID Context;
};

/* One thread waiting for a queue's wake */
typedef struct _LX_WAITER
{
    LX_WAIT_ENTRY Entry;
    KEVENT Event;               /* set by the wake */
} LX_WAITER, *PLX_WAITER;

/* A private anonymous mapping reservation made by mmap2 (64 KiB granular) */
/* Memory several processes map (System V segments, MAP_SHARED anonymous mappings): a
 * pagefile-backed section, mapped as views (nt/mm.c) */
typedef struct _LX_SHARED_MEMORY
{
    LONG RefCount;              /* its owner's (a System V segment) and each view's */
    LONG Attaches;              /* views in every process (shm_nattch) */
    PVOID Section;              /* referenced */
    SIZE_T Size;                /* bytes, a page multiple */
} LX_SHARED_MEMORY, *PLX_SHARED_MEMORY;

typedef struct _LX_REGION
{
    LIST_ENTRY Link;
    ULONG_PTR Base;             /* 64 KiB aligned */
    SIZE_T Size;                /* multiple of 64 KiB */
    PLX_SHARED_MEMORY Shared;   /* a view of shared memory (referenced), or NULL: private */
    ULONG SharedProtect;        /* the view's NT protection */
    LONG ShmId;                 /* shmat's segment id, else -1 */
} LX_REGION, *PLX_REGION;

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
    KEVENT ChildEvent;          /* notification: a child exited (wait4) */

    /* a vfork-style child (vfork, clone CLONE_VFORK): its parent's thread waits for
     * VforkDone, set when the child execs or ends; with CLONE_VM and a single-threaded
     * parent the pages the child changed are copied back into the parent first (fork.c) */
    LONG VforkPending;
    BOOLEAN VforkCopyBack;
    struct _LX_PROCESS *VforkParent;    /* referenced while VforkPending */
    KEVENT VforkDone;

    /* memory (MmLock) */
    FAST_MUTEX MmLock;
    ULONG_PTR ImageReserveStart; /* the image's 64 KiB reservation */
    ULONG_PTR ImageReserveEnd;
    ULONG_PTR BrkStart;
    ULONG_PTR DataSize;         /* the image's end_data - start_data (RLIMIT_DATA) */
    ULONG_PTR BrkCurrent;
    ULONG_PTR BrkRegionBase;    /* reservation [BrkRegionBase, BrkLimit) after the image */
    ULONG_PTR BrkLimit;
    ULONG_PTR StackReserveBase;
    ULONG_PTR StackCommitLow;
    LIST_ENTRY Regions;

    /* signal dispositions set by rt_sigaction (kept, not delivered yet) */
    ULONG_PTR SignalHandlers[65];
    ULONG SignalFlags[65];
    ULONG_PTR SignalRestorers[65];
    ULONGLONG SignalMasks[65];

    /* setitimer(ITIMER_REAL) / alarm: SIGALRM from a DPC */
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
     * kept by execve; RLIMIT_NOFILE bounds the descriptors nt/fd.c hands out */
    ULONGLONG RlimitCur[LX_RLIM_NLIMITS];
    ULONGLONG RlimitMax[LX_RLIM_NLIMITS];

    BOOLEAN UsedLocks;          /* has set a record lock (nt/lock.c): closes look for them */

    /* identity */
    ULONG Uid, Gid;
    ULONG Pgid, Sid;            /* process group and session (0: the pid itself) */
    ULONG Umask;

    /* files (FdLock) */
    FAST_MUTEX FdLock;
    PLX_FILE Fds[LX_MAX_FDS];
    UCHAR FdCloexec[LX_MAX_FDS];

    /* paths: the NT directory standing for "/" and the cwd (Linux, resolved) */
    UNICODE_STRING Root;
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
} LX_THREAD, *PLX_THREAD;

/* Linux user structures lxcore reads or writes (i386 layouts, 4-byte packing as on i386) */
#include <pshpack4.h>

struct _LX_USER_DESC
{
    ULONG EntryNumber;
    ULONG BaseAddr;
    ULONG Limit;
    ULONG Flags;    /* seg_32bit:1 contents:2 read_exec_only:1 limit_in_pages:1
                       seg_not_present:1 useable:1 */
};

struct _LX_OLD_TIMESPEC32
{
    LONG TvSec;
    LONG TvNsec;
};

struct _LX_KERNEL_TIMESPEC
{
    LONGLONG TvSec;
    LONGLONG TvNsec;
};

struct _LX_KERNEL_OLD_TIMEVAL
{
    LONG TvSec;
    LONG TvUsec;
};

struct _LX_TIMEZONE
{
    LONG TzMinuteswest;
    LONG TzDsttime;
};

struct _LX_IOVEC
{
    ULONG_PTR IovBase;
    ULONG IovLen;
};

struct _LX_NEW_UTSNAME
{
    CHAR Sysname[65];
    CHAR Nodename[65];
    CHAR Release[65];
    CHAR Version[65];
    CHAR Machine[65];
    CHAR Domainname[65];
};

struct _LX_SIGACTION
{
    ULONG_PTR Handler;
    ULONG Flags;
    ULONG_PTR Restorer;
    ULONGLONG Mask;
};

struct _LX_SIGALTSTACK
{
    ULONG_PTR SsSp;
    LONG SsFlags;
    ULONG SsSize;
};

struct _LX_RLIMIT
{
    ULONG RlimCur;
    ULONG RlimMax;
};

struct _LX_RLIMIT64
{
    ULONGLONG RlimCur;
    ULONGLONG RlimMax;
};

struct _LX_SYSINFO
{
    LONG Uptime;
    ULONG Loads[3];
    ULONG Totalram;
    ULONG Freeram;
    ULONG Sharedram;
    ULONG Bufferram;
    ULONG Totalswap;
    ULONG Freeswap;
    USHORT Procs;
    USHORT Pad;
    ULONG Totalhigh;
    ULONG Freehigh;
    ULONG MemUnit;
    CHAR Reserved[8];
};

struct _LX_STAT64
{
    ULONGLONG StDev;
    ULONG Pad0;
    ULONG StIno32;
    ULONG StMode;
    ULONG StNlink;
    ULONG StUid;
    ULONG StGid;
    ULONGLONG StRdev;
    ULONG Pad3;
    LONGLONG StSize;
    ULONG StBlksize;
    ULONGLONG StBlocks;
    ULONG StAtime;
    ULONG StAtimeNsec;
    ULONG StMtime;
    ULONG StMtimeNsec;
    ULONG StCtime;
    ULONG StCtimeNsec;
    ULONGLONG StIno;
};
#include <poppack.h>

C_ASSERT(sizeof(struct _LX_USER_DESC) == 16);
C_ASSERT(sizeof(struct _LX_KERNEL_TIMESPEC) == 16);
C_ASSERT(sizeof(struct _LX_NEW_UTSNAME) == 390);
C_ASSERT(sizeof(struct _LX_SYSINFO) == 64);
C_ASSERT(sizeof(struct _LX_STAT64) == 96);
C_ASSERT(FIELD_OFFSET(struct _LX_STAT64, StSize) == 44);
C_ASSERT(FIELD_OFFSET(struct _LX_STAT64, StIno) == 88);

/* driver.c */
extern PS_PICO_ROUTINES LxPicoRoutines;
extern BOOLEAN LxPicoRegistered;
extern BOOLEAN LxTableRegistered;

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
ULONG LxAllocatePid(VOID);
VOID LxInsertProcess(_In_ PLX_PROCESS Process);
VOID LxRemoveProcess(_In_ PLX_PROCESS Process);
PLX_PROCESS LxFindExitedChild(_In_ ULONG ParentPid, _In_ LONG Pid, _Out_ PBOOLEAN HaveChildren);
NTSTATUS LxCreateProcessFromRequest(_In_ PLXSS_CREATE_PROCESS_IN Request,
                                    _In_ ULONG RequestLength,
                                    _In_ KPROCESSOR_MODE RequestorMode,
                                    _Out_ PLXSS_CREATE_PROCESS_OUT Reply);
NTSTATUS LxWaitProcess(_In_ PLXSS_WAIT_PROCESS_IN Request, _Out_ PLXSS_WAIT_PROCESS_OUT Reply);
NTSTATUS LxSignalProcess(_In_ PLXSS_SIGNAL_PROCESS_IN Request);
VOID LxExitCurrentProcess(_In_ ULONG Status);   /* returns only if termination failed */

/* pico.c */
VOID NTAPI LxPicoDispatchSystemCall(_Inout_ PPS_PICO_SYSTEM_CALL_INFORMATION Info);
VOID NTAPI LxPicoExitThread(_In_ PETHREAD Thread);
VOID NTAPI LxPicoExitProcess(_In_ PEPROCESS Process);
BOOLEAN NTAPI LxPicoDispatchException(_Inout_ PEXCEPTION_RECORD ExceptionRecord,
                                      _Inout_opt_ PVOID ExceptionFrame,
                                      _Inout_ struct _KTRAP_FRAME *TrapFrame,
                                      _In_ ULONG Chance,
                                      _In_ KPROCESSOR_MODE PreviousMode);
NTSTATUS NTAPI LxPicoTerminateProcess(_In_ PEPROCESS Process, _In_ NTSTATUS TerminateStatus);
ULONG NTAPI LxPicoWalkUserStack(_In_ struct _KTRAP_FRAME *TrapFrame,
                                _Out_writes_(FrameCount) PVOID *Callers,
                                _In_ ULONG FrameCount);
NTSTATUS NTAPI LxPicoGetAllocatedProcessImageName(_In_ PEPROCESS Process,
                                                  _Outptr_ PUNICODE_STRING *ImageName);

/* usermem.c: every access to Linux memory goes through these (probe + SEH: -EFAULT) */
LONG LxCopyFromUser(_Out_writes_bytes_(Length) PVOID Destination,
                    _In_ ULONG_PTR UserSource,
                    _In_ SIZE_T Length);
LONG LxCopyToUser(_In_ ULONG_PTR UserDestination,
                  _In_reads_bytes_(Length) const VOID *Source,
                  _In_ SIZE_T Length);
LONG LxCopyStringFromUser(_Out_writes_z_(BufferSize) PCHAR Buffer,
                          _In_ SIZE_T BufferSize,
                          _In_ ULONG_PTR UserString);
LONG LxZeroUser(_In_ ULONG_PTR UserDestination, _In_ SIZE_T Length);
LONG LxCompareExchangeUser(_In_ ULONG_PTR Address, _In_ ULONG Expected, _In_ ULONG New,
                           _Out_ PULONG Old);
LONG LxGetUserTimespec(_In_ ULONG_PTR User, _In_ BOOLEAN Time64, _Out_ lx_timespec64 *Ts);
LONG LxPutUserTimespec(_In_ ULONG_PTR User, _In_ BOOLEAN Time64, _In_ const lx_timespec64 *Ts);
LONG LxGetUserTimeout(_In_ ULONG_PTR User, _In_ BOOLEAN Time64,
                      _Out_ lx_timespec64 *Ts);   /* NULL: zero, no fault */
VOID LxGetRandomBytes(_Out_writes_bytes_(Length) PUCHAR Buffer, _In_ ULONG Length);

/* waitq.c */
VOID LxInitializeWaitQueue(_Out_ PLX_WAIT_QUEUE Queue);
VOID LxInitializeWaitEntry(_Out_ PLX_WAIT_ENTRY Entry, _In_ PLX_WAKE_ROUTINE Wake,
                           _In_opt_ PVOID Context);
VOID LxAddWaitEntry(_Inout_ PLX_WAIT_QUEUE Queue, _Inout_ PLX_WAIT_ENTRY Entry);
VOID LxRemoveWaitEntry(_Inout_ PLX_WAIT_ENTRY Entry);
VOID LxWakeWaitQueue(_Inout_ PLX_WAIT_QUEUE Queue, _In_ ULONG Events);
VOID LxPrepareWait(_Out_ PLX_WAITER Waiter, _Inout_ PLX_WAIT_QUEUE Queue);
VOID LxFinishWait(_Inout_ PLX_WAITER Waiter);

/* mm.c */
LONG LxMmInitializeProcess(_In_ PLX_PROCESS Process, _In_ HANDLE ProcessHandle,
                           _In_ const lx_load_plan *Plan);
BOOLEAN LxMmHandleFault(_In_ PLX_PROCESS Process, _In_ ULONG_PTR Address);
VOID LxMmCleanupProcess(_In_ PLX_PROCESS Process);
LONG LxSharedMemoryCreate(_In_ SIZE_T Size, _Out_ PLX_SHARED_MEMORY *Shared);
VOID LxSharedMemoryDereference(_In_ PLX_SHARED_MEMORY Shared);
LONG LxMapShared(_In_ PLX_PROCESS Process, _In_ PLX_SHARED_MEMORY Shared, _In_ ULONG_PTR Address,
                 _In_ BOOLEAN Fixed, _In_ ULONG LinuxProt, _In_ LONG ShmId, _Out_ PULONG_PTR Base);
VOID LxUnmapShared(_In_ PLX_PROCESS Process, _In_ PLX_REGION Region);
LONG LxMapSharedInto(_In_ PLX_PROCESS Target, _In_ PLX_REGION Region);
VOID LxMmDetachShared(_In_ PLX_PROCESS Process);
ULONG LxNtProtection(_In_ ULONG LinuxProt);
NTSTATUS LxVmOperation(_In_ HANDLE ProcessHandle, _In_ ULONG_PTR Base, _In_ SIZE_T Size,
                       _In_ ULONG Type, _In_ ULONG Protect);

/* vfs.c: symbolic links, the path walk, Linux modes */
LONG LxReadSymlink(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved,
                   _Out_writes_(TargetSize) PCHAR Target, _In_ ULONG TargetSize);
LONG LxCreateSymlink(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved, _In_ PCSTR Target);
LONG LxWalkPath(_In_ PLX_PROCESS Process, _In_ PCSTR Base, _In_ PCSTR Path,
                _In_ BOOLEAN FollowLast, _Out_writes_(LX_PATH_MAX) PCHAR Out,
                _Out_opt_ PULONG Flags);
VOID LxInitializeMetadata(VOID);
VOID LxMetaSetMode(_In_ PLX_PROCESS Process, _In_ PCSTR Path, _In_ ULONG Mode);
BOOLEAN LxMetaGetMode(_In_ PLX_PROCESS Process, _In_ PCSTR Path, _Out_ PULONG Mode);
VOID LxMetaRemove(_In_ PLX_PROCESS Process, _In_ PCSTR Path);
VOID LxMetaRename(_In_ PLX_PROCESS Process, _In_ PCSTR OldPath, _In_ PCSTR NewPath);

/* fpu.c: the x87/SSE state of the calling thread as an FXSAVE image (lx_fpu.h) */
NTSTATUS LxGetFpuState(_Out_writes_bytes_(LX_FXSAVE_SIZE) PUCHAR FxSave);
NTSTATUS LxSetFpuState(_In_reads_bytes_opt_(LX_FXSAVE_SIZE) const UCHAR *FxSave);
NTSTATUS LxCreatePicoThread(_Inout_ PPS_PICO_THREAD_ATTRIBUTES Attributes, _In_ BOOLEAN Inherit,
                            _Out_ PHANDLE ThreadHandle);

/* sys/ipc.c: System V message queues and semaphores */
VOID LxInitializeIpc(VOID);
VOID LxIpcProcessExit(_In_ PLX_PROCESS Process);    /* SEM_UNDO, removed shm segments */
VOID LxShmSweep(VOID);      /* shm.c: removed segments no longer mapped go */

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
BOOLEAN LxSignalProcessAsync(_In_ PLX_PROCESS Process, _In_ ULONG Sig, _In_ LONG Code,
                             _In_ ULONG Pid);
BOOLEAN LxSignalWouldRun(_In_ PLX_PROCESS Process, _In_ ULONG Sig);
ULONGLONG LxPendingSignals(_In_ PLX_THREAD Thread);   /* the thread's and the process's */
#define LX_WAIT_MAX_OBJECTS 63   /* + the signal event = MAXIMUM_WAIT_OBJECTS */
NTSTATUS LxWaitInterruptible(_In_ ULONG Count, _In_reads_(Count) PVOID *Objects,
                             _In_opt_ PLARGE_INTEGER Timeout);
LONG LxInterruptedCall(_In_ BOOLEAN Restartable);
LONG LxInterruptedCallWithMask(_In_ ULONGLONG OriginalMask);
NTSTATUS LxSleepInterruptible(_In_ PLARGE_INTEGER Interval);   /* relative (< 0) */

/* sys/fork.c */
LONG LxFork(_In_ ULONG Flags, _In_ ULONG_PTR Newsp, _In_opt_ LONG *ParentTidptr,
           _In_opt_ LONG *ChildTidptr);
VOID LxVforkRelease(_In_ PLX_PROCESS Child, _In_ BOOLEAN CopyBack);

/* sys/process.c */
LONG LxSignalSelfWithResult(_In_ LONG Sig, _In_ LONG Code, _In_ LONG SyscallResult);

/* sys/thread.c */
PLX_THREAD LxAllocateCloneThread(_In_ PLX_PROCESS Process, _In_ PLX_THREAD Parent,
                                 _In_ BOOLEAN CopyAltStack, _In_ ULONG_PTR ClearChildTid);
VOID LxInitializeFutexes(VOID);
VOID LxFutexThreadExit(_In_ PLX_THREAD Thread);
VOID LxFutexRobustExit(_In_ PLX_THREAD Thread);
LONG LxFutexWake(_In_ PLX_PROCESS Process, _In_ ULONG_PTR Address, _In_ ULONG Count,
                 _In_ ULONG Bitset);

/* sys/time.c */
LONG LxReadClock(_In_ LONG Clock, _Out_ lx_timespec64 *Ts);
ULONGLONG LxMonotonicTime(VOID);    /* CLOCK_MONOTONIC in 100 ns units: timed waits' deadlines */

/* loader.c */
typedef struct _LX_PREPARED_IMAGE
{
    PUCHAR Image;
    ULONG ImageSize;
    lx_load_plan *Plan;
    PUCHAR StackBuffer;
    ULONG StackBufferSize;
    lx_stack_result Stack;
} LX_PREPARED_IMAGE, *PLX_PREPARED_IMAGE;

LONG LxReadImageFile(_In_ PUNICODE_STRING ImagePath, _Out_ PUCHAR *Image,
                     _Out_ PULONG ImageSize);
LONG LxReadImageHead(_In_ PUNICODE_STRING ImagePath, _Out_writes_(LX_SCRIPT_HEAD) PCHAR Head);
LONG LxPrepareImage(_In_ PLX_PROCESS LxProcess, _In_ PUNICODE_STRING ImagePath,
                    _In_ ULONG ArgumentCount, _In_ const CHAR *const *Arguments,
                    _In_ ULONG EnvironmentCount, _In_ const CHAR *const *Environment,
                    _In_ PCSTR ExecFn, _Out_ PLX_PREPARED_IMAGE Prepared);
VOID LxFreePreparedImage(_Inout_ PLX_PREPARED_IMAGE Prepared);
LONG LxPopulateAddressSpace(_In_ PLX_PROCESS LxProcess, _In_ HANDLE ProcessHandle,
                            _In_ BOOLEAN Attach, _In_ PLX_PREPARED_IMAGE Prepared);
LONG LxLoadElf(_In_ PLX_PROCESS LxProcess,
               _In_ PUNICODE_STRING ImagePath,
               _In_ ULONG ArgumentCount, _In_ const CHAR *const *Arguments,
               _In_ ULONG EnvironmentCount, _In_ const CHAR *const *Environment,
               _In_ PCSTR ExecFn);

#include "lxfs.h"

/* Converts an NTSTATUS into a negative Linux errno */
FORCEINLINE
LONG
LxStatusToErrno(_In_ NTSTATUS Status)
{
    return lx_ntstatus_to_errno((uint32_t)Status);
}

#endif /* _LXP_H_ */
