/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: process and thread identity, exit, resource limits, kill of
 *              itself, signal masks and dispositions (recorded; delivery is not implemented)
 */

#include "lxp.h"

#define NDEBUG
#include <debug.h>

LONG
NTAPI
LxSysExit(
    LONG ErrorCode)
{
    PLX_PROCESS Process = LxCurrentProcess();

    /* exit() ends the calling thread; the last thread's exit ends the process with its
     * status (reported by the ExitProcess callback). */
    Process->LastExitStatus = (ULONG)ErrorCode & 0xFF;
    Process->ThreadExited = TRUE;
    if (Process->ThreadCount <= 1)
    {
        LxVforkRelease(Process, TRUE);
        LxExitCurrentProcess((ULONG)ErrorCode & 0xFF);
        return -LX_EINVAL;
    }
    LxPicoRoutines.TerminateThread(PsGetCurrentThread(), (NTSTATUS)((ULONG)ErrorCode & 0xFF),
                                   TRUE);
    return -LX_EINVAL;
}

LONG
NTAPI
LxSysExitGroup(
    LONG ErrorCode)
{
    LxVforkRelease(LxCurrentProcess(), TRUE);
    LxExitCurrentProcess((ULONG)ErrorCode & 0xFF);
    return -LX_EINVAL;
}

LONG
NTAPI
LxSysGetpid(VOID)
{
    return (LONG)LxCurrentProcess()->Pid;
}

LONG
NTAPI
LxSysGettid(VOID)
{
    return (LONG)LxCurrentThread()->Tid;
}

LONG
NTAPI
LxSysGetppid(VOID)
{
    return (LONG)LxCurrentProcess()->ParentPid;
}

LONG
NTAPI
LxSysSetTidAddress(
    LONG *Tidptr)
{
    PLX_THREAD Thread = LxCurrentThread();

    Thread->ClearChildTid = (ULONG_PTR)Tidptr;
    return (LONG)Thread->Tid;
}

LONG
NTAPI
LxSysSetRobustList(
    LX_ROBUST_LIST_HEAD *Head,
    SIZE_T Len)
{
    if (Len != 12)  /* sizeof(struct robust_list_head) on i386 */
        return -LX_EINVAL;
    LxCurrentThread()->RobustList = (ULONG_PTR)Head;
    return 0;
}

/* A signal sent to the calling thread (or its process) by itself: a handler runs when the
 * system call returns, a blocked signal waits for rt_sigprocmask, otherwise the default
 * action (ignore or terminate). SyscallResult is what the system call returns to the
 * program (after the handler, if one runs). Returns the EAX for the trap return. */
static
LONG
LxSignalSelfInfo(
    _In_ LONG Sig,
    _In_ const lx_sigfields *Info,
    _In_ LONG SyscallResult)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_THREAD Thread = LxCurrentThread();
    PKTRAP_FRAME TrapFrame;
    LONG Result;

    if (Sig < 0 || Sig > 64)
        return -LX_EINVAL;
    if (Sig == 0)
        return SyscallResult;
    if (Process->SignalHandlers[Sig] == 1 /* SIG_IGN */ && Sig != LX_SIGKILL)
        return SyscallResult;
    if ((Thread->SignalMask & (1ULL << (Sig - 1))) && Sig != LX_SIGKILL && Sig != 19)
    {
        Result = LxPostSignalInfo(Thread, (ULONG)Sig, Info);
        return Result < 0 ? Result : SyscallResult;
    }
    TrapFrame = PsGetPicoThreadTrapFrame(PsGetCurrentThread());
    if (TrapFrame != NULL &&
        LxDeliverSignalInfo(TrapFrame, (ULONG)Sig, Info, (ULONG)SyscallResult, 0) ==
            LX_SIGNAL_DELIVERED)
    {
        /* the handler starts with EAX = Sig; the call's own result is in the frame */
        return Sig;
    }
    return SyscallResult;
}

/* The siginfo of a signal this process sends: si_code Code, our pid and uid. */
static
VOID
LxSenderFields(
    _Out_ lx_sigfields *Info,
    _In_ LONG Code)
{
    PLX_PROCESS Process = LxCurrentProcess();

    LxSigFields(Info, Code, Process->Pid);
    Info->word[1] = Process->Uid;
}

LONG
LxSignalSelfWithResult(
    _In_ LONG Sig,
    _In_ LONG Code,
    _In_ LONG SyscallResult)
{
    lx_sigfields Info;

    LxSenderFields(&Info, Code);
    return LxSignalSelfInfo(Sig, &Info, SyscallResult);
}

/* tkill/tgkill/rt_tgsigqueueinfo of another thread: a handled signal is posted to it; a
 * default action that ends the process ends it now. */
static
LONG
LxSignalOtherThread(
    _In_opt_ PLX_PROCESS Process,
    _In_ ULONG Tid,
    _In_ ULONG Sig,
    _In_ const lx_sigfields *Info)
{
    PLX_PROCESS Owner = Process != NULL ? Process : LxCurrentProcess();

    if (LxSignalThreadByTid(Process, Tid, 0, NULL) < 0)
        return -LX_ESRCH;
    if (Sig == 0)
        return 0;
    if (Sig == LX_SIGKILL || (Owner->SignalHandlers[Sig] == 0 /* SIG_DFL */ &&
                              LxSignalWouldRun(Owner, Sig) &&
                              !LxSignalBlocked(Owner, Tid, Sig)))
    {
        /* the default action ends the whole process (ours too: then this does not return) */
        if (Owner->Signal == 0 && !Owner->ExitRequested)
            Owner->Signal = Sig;
        LxDebugFlush(Owner);
        LxPicoRoutines.TerminateProcess(Owner->Process, (NTSTATUS)(0xC0000000 | Sig));
        return 0;
    }
    return LxSignalThreadByTid(Process, Tid, Sig, Info);
}

/* kill/rt_sigqueueinfo of another process: a signal with a handler is posted to one of its
 * threads (it runs when that thread next returns to user mode or is woken from an
 * interruptible wait); one it does not ignore and has no handler for takes the default
 * action of ending it, unless every thread blocks it (then it stays pending). 0 or -EAGAIN. */
static
LONG
LxSignalOtherProcess(
    _In_ PLX_PROCESS Target,
    _In_ ULONG Sig,
    _In_ const lx_sigfields *Info)
{
    LONG Result;

    if (Sig != 0 && Target->Process != NULL && !KeReadStateEvent(&Target->ExitEvent) &&
        LxSignalWouldRun(Target, Sig))
    {
        /* a handler, or a default action every thread blocks for now: pending */
        if (Sig != LX_SIGKILL && (Target->SignalHandlers[Sig] > 1 ||
                                  LxSignalBlocked(Target, 0, Sig)))
        {
            Result = LxSignalProcessInfo(Target, Sig, Info);
            return Result == -LX_ESRCH ? 0 : Result;
        }
        if (Target->Signal == 0 && !Target->ExitRequested)
            Target->Signal = Sig;
        LxPicoRoutines.TerminateProcess(Target->Process, (NTSTATUS)(0xC0000000 | Sig));
    }
    return 0;
}

#define LX_KILL_MAX_TARGETS 64

/* kill of our own process: runs here if this thread does not block it, else it goes to
 * another thread that does not (or stays pending for the process, e.g. for sigwait). */
static
LONG
LxKillOwnProcess(
    _In_ LONG Sig,
    _In_ const lx_sigfields *Info)
{
    PLX_THREAD Thread = LxCurrentThread();

    if (Sig > 0 && Sig != LX_SIGKILL && Sig != 19 &&
        (Thread->SignalMask & (1ULL << (Sig - 1))))
    {
        if (LxSignalWouldRun(LxCurrentProcess(), (ULONG)Sig) ||
            LxCurrentProcess()->SignalHandlers[Sig] == 0)
            return LxSignalProcessInfo(LxCurrentProcess(), (ULONG)Sig, Info);
        return 0;
    }
    return LxSignalSelfInfo(Sig, Info, 0);
}

LONG
NTAPI
LxSysKill(
    LX_PID Pid,
    LONG Sig)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_PROCESS Targets[LX_KILL_MAX_TARGETS];
    PLX_PROCESS Target;
    BOOLEAN Self = FALSE;
    ULONG Count, i;
    lx_sigfields Info;

    if (Sig < 0 || Sig > 64)
        return -LX_EINVAL;
    LxSenderFields(&Info, LX_SI_USER);
    if (Pid == (LONG)Process->Pid)
        return LxKillOwnProcess(Sig, &Info);
    if (Pid > 0)
    {
        Target = LxLookupProcess((ULONG)Pid);
        if (Target == NULL)
            return -LX_ESRCH;
        LxSignalOtherProcess(Target, (ULONG)Sig, &Info);
        LxDereferenceProcess(Target);
        return 0;
    }

    /* 0: our process group; -1: every process but ours; -pgid: that group */
    Count = LxCollectProcesses(Pid == 0 ? (LONG)(Process->Pgid ? Process->Pgid : Process->Pid) :
                               Pid == -1 ? -1 : -Pid,
                               Targets, LX_KILL_MAX_TARGETS);
    for (i = 0; i < Count; i++)
    {
        if (Targets[i] == Process)
            Self = (Pid != -1);
        else
            LxSignalOtherProcess(Targets[i], (ULONG)Sig, &Info);
        LxDereferenceProcess(Targets[i]);
    }
    if (Self)
        return LxKillOwnProcess(Sig, &Info);    /* last: its default action may end us here */
    return (Count != 0 || Pid == -1) ? 0 : -LX_ESRCH;
}

LONG
NTAPI
LxSysTkill(
    LX_PID Pid,
    LONG Sig)
{
    lx_sigfields Info;

    if (Pid <= 0 || Sig < 0 || Sig > 64)
        return -LX_EINVAL;
    LxSenderFields(&Info, LX_SI_TKILL);
    if (Pid != (LONG)LxCurrentThread()->Tid)
        return LxSignalOtherThread(NULL, (ULONG)Pid, (ULONG)Sig, &Info);
    return LxSignalSelfInfo(Sig, &Info, 0);
}

/* Thread Pid of process Tgid: tgkill, rt_tgsigqueueinfo. */
static
LONG
LxSignalThreadOf(
    _In_ LX_PID Tgid,
    _In_ LX_PID Pid,
    _In_ LONG Sig,
    _In_ const lx_sigfields *Info)
{
    PLX_PROCESS Target;
    LONG Result;

    if (Tgid <= 0 || Pid <= 0 || Sig < 0 || Sig > 64)
        return -LX_EINVAL;
    if (Tgid == (LONG)LxCurrentProcess()->Pid && Pid == (LONG)LxCurrentThread()->Tid)
        return LxSignalSelfInfo(Sig, Info, 0);
    Target = LxLookupProcess((ULONG)Tgid);
    if (Target == NULL)
        return -LX_ESRCH;
    Result = LxSignalOtherThread(Target, (ULONG)Pid, (ULONG)Sig, Info);
    LxDereferenceProcess(Target);
    return Result;
}

LONG
NTAPI
LxSysTgkill(
    LX_PID Tgid,
    LX_PID Pid,
    LONG Sig)
{
    lx_sigfields Info;

    LxSenderFields(&Info, LX_SI_TKILL);
    return LxSignalThreadOf(Tgid, Pid, Sig, &Info);
}

/* The siginfo rt_sigqueueinfo / rt_tgsigqueueinfo send: the caller's own, except that only a
 * process signalling itself may claim the kernel or kill (si_code >= 0) or tkill as origin
 * (Linux's do_rt_sigqueueinfo: -EPERM). */
static
LONG
LxUserSigFields(
    _In_ LX_PID Tgid,
    _In_ ULONG_PTR Uinfo,
    _Out_ lx_sigfields *Info)
{
    ULONG Raw[3 + LX_SIGINFO_WORDS];    /* si_signo, si_errno, si_code, the union */
    LONG Result = LxCopyFromUser(Raw, Uinfo, sizeof(Raw));

    if (Result < 0)
        return Result;
    if (((LONG)Raw[2] >= 0 || (LONG)Raw[2] == LX_SI_TKILL) &&
        Tgid != (LX_PID)LxCurrentProcess()->Pid)
        return -LX_EPERM;
    Info->code = (LONG)Raw[2];
    RtlCopyMemory(Info->word, &Raw[3], sizeof(Info->word));
    return 0;
}

LONG
NTAPI
LxSysRtSigqueueinfo(
    LX_PID Pid,
    LONG Sig,
    LX_SIGINFO *Uinfo)
{
    PLX_PROCESS Target;
    lx_sigfields Info;
    LONG Result;

    Result = LxUserSigFields(Pid, (ULONG_PTR)Uinfo, &Info);
    if (Result < 0)
        return Result;
    if (Sig < 0 || Sig > 64)
        return -LX_EINVAL;
    if (Pid == (LONG)LxCurrentProcess()->Pid)
        return LxKillOwnProcess(Sig, &Info);
    if (Pid <= 0)
        return -LX_ESRCH;
    Target = LxLookupProcess((ULONG)Pid);
    if (Target == NULL)
        return -LX_ESRCH;
    Result = LxSignalOtherProcess(Target, (ULONG)Sig, &Info);
    LxDereferenceProcess(Target);
    return Result;
}

LONG
NTAPI
LxSysRtTgsigqueueinfo(
    LX_PID Tgid,
    LX_PID Pid,
    LONG Sig,
    LX_SIGINFO *Uinfo)
{
    lx_sigfields Info;
    LONG Result;

    Result = LxUserSigFields(Tgid, (ULONG_PTR)Uinfo, &Info);
    if (Result < 0)
        return Result;
    return LxSignalThreadOf(Tgid, Pid, Sig, &Info);
}

#define LX_SIG_BLOCK    0
#define LX_SIG_UNBLOCK  1
#define LX_SIG_SETMASK  2
#define LX_SIG_UNBLOCKABLE ((1ULL << (LX_SIGKILL - 1)) | (1ULL << (19 /* SIGSTOP */ - 1)))

LONG
NTAPI
LxSysRtSigprocmask(
    LONG How,
    LX_SIGSET *Set,
    LX_SIGSET *Oset,
    SIZE_T Sigsetsize)
{
    PLX_THREAD Thread = LxCurrentThread();
    ULONGLONG New, Old = Thread->SignalMask;
    LONG Result;

    if (Sigsetsize != sizeof(ULONGLONG))
        return -LX_EINVAL;
    if (Set != NULL)
    {
        Result = LxCopyFromUser(&New, (ULONG_PTR)Set, sizeof(New));
        if (Result < 0)
            return Result;
        switch (How)
        {
            case LX_SIG_BLOCK:
                New = Old | New;
                break;
            case LX_SIG_UNBLOCK:
                New = Old & ~New;
                break;
            case LX_SIG_SETMASK:
                break;
            default:
                return -LX_EINVAL;
        }
        New &= ~LX_SIG_UNBLOCKABLE;
    }
    if (Oset != NULL)
    {
        Result = LxCopyToUser((ULONG_PTR)Oset, &Old, sizeof(Old));
        if (Result < 0)
            return Result;
    }
    if (Set != NULL)
    {
        ULONG Delivered;

        Thread->SignalMask = New;
        /* a signal raised while blocked runs now */
        if (LxPendingSignals(Thread) & ~New)
        {
            PKTRAP_FRAME TrapFrame = PsGetPicoThreadTrapFrame(PsGetCurrentThread());
            if (TrapFrame != NULL &&
                LxDeliverPendingSignal(TrapFrame, 0, &Delivered) == LX_SIGNAL_DELIVERED)
                return (LONG)Delivered;
        }
    }
    return 0;
}

LONG
NTAPI
LxSysRtSigaction(
    LONG Sig,
    const LX_SIGACTION *Act,
    LX_SIGACTION *Oact,
    SIZE_T Sigsetsize)
{
    PLX_PROCESS Process = LxCurrentProcess();
    struct _LX_SIGACTION New, Old;
    LONG Result;

    if (Sigsetsize != sizeof(ULONGLONG) || Sig < 1 || Sig > 64)
        return -LX_EINVAL;
    if (Act != NULL && (Sig == LX_SIGKILL || Sig == 19 /* SIGSTOP */))
        return -LX_EINVAL;
    if (Act != NULL)
    {
        Result = LxCopyFromUser(&New, (ULONG_PTR)Act, sizeof(New));
        if (Result < 0)
            return Result;
    }
    Old.Handler = Process->SignalHandlers[Sig];
    Old.Flags = Process->SignalFlags[Sig];
    Old.Restorer = Process->SignalRestorers[Sig];
    Old.Mask = Process->SignalMasks[Sig];
    if (Oact != NULL)
    {
        Result = LxCopyToUser((ULONG_PTR)Oact, &Old, sizeof(Old));
        if (Result < 0)
            return Result;
    }
    if (Act != NULL)
    {
        Process->SignalHandlers[Sig] = New.Handler;
        Process->SignalFlags[Sig] = New.Flags;
        Process->SignalRestorers[Sig] = New.Restorer;
        Process->SignalMasks[Sig] = New.Mask;
    }
    return 0;
}

/* Resource limits: per process, Linux's defaults (INIT_RLIMITS), inherited by fork, kept by
 * execve. RLIMIT_NOFILE bounds the descriptors nt/fd.c hands out, and the descriptor table's
 * size is its ceiling (Linux's nr_open); RLIMIT_SIGPENDING bounds the signals queued to the
 * process (nt/signal.c; Linux counts them per user); the others are recorded, not enforced. */
#define LX_RLIMIT_STACK     3
#define LX_RLIMIT_CORE      4
#define LX_RLIMIT_MEMLOCK   8
#define LX_RLIMIT_MSGQUEUE  12
#define LX_RLIMIT_NICE      13
#define LX_RLIMIT_RTPRIO    14
#define LX_RLIM64_INFINITY  (~0ULL)
#define LX_RLIM32_INFINITY  0xFFFFFFFFu

VOID
LxInitializeLimits(
    _Out_ PLX_PROCESS Process)
{
    ULONG Resource;

    for (Resource = 0; Resource < LX_RLIM_NLIMITS; Resource++)
        Process->RlimitCur[Resource] = Process->RlimitMax[Resource] = LX_RLIM64_INFINITY;
    Process->RlimitCur[LX_RLIMIT_STACK] = LX_STACK_RESERVE;
    Process->RlimitCur[LX_RLIMIT_CORE] = 0;
    Process->RlimitCur[LX_RLIMIT_NOFILE] = Process->RlimitMax[LX_RLIMIT_NOFILE] = LX_MAX_FDS;
    Process->RlimitCur[LX_RLIMIT_MEMLOCK] = Process->RlimitMax[LX_RLIMIT_MEMLOCK] = 8 << 20;
    Process->RlimitCur[LX_RLIMIT_MSGQUEUE] = Process->RlimitMax[LX_RLIMIT_MSGQUEUE] = 819200;
    Process->RlimitCur[LX_RLIMIT_NICE] = Process->RlimitMax[LX_RLIMIT_NICE] = 0;
    Process->RlimitCur[LX_RLIMIT_RTPRIO] = Process->RlimitMax[LX_RLIMIT_RTPRIO] = 0;
    /* Linux: max_threads / 2, 4096 for a 512 MiB i386 machine; bounds queued signals */
    Process->RlimitCur[LX_RLIMIT_SIGPENDING] = Process->RlimitMax[LX_RLIMIT_SIGPENDING] = 4096;
}

/* The process a prlimit64 names (referenced), or NULL (-ESRCH). */
static
PLX_PROCESS
LxLimitTarget(
    _In_ LX_PID Pid)
{
    PLX_PROCESS Current = LxCurrentProcess();

    if (Pid < 0)
        return NULL;
    if (Pid == 0 || (ULONG)Pid == Current->Pid)
    {
        LxReferenceProcess(Current);
        return Current;
    }
    return LxLookupProcess((ULONG)Pid);
}

/* Reads and optionally replaces one limit, as Linux's do_prlimit. */
static
LONG
LxLimit(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Resource,
    _In_opt_ const struct _LX_RLIMIT64 *New,
    _Out_opt_ struct _LX_RLIMIT64 *Old)
{
    LONG Result = 0;

    if (Resource >= LX_RLIM_NLIMITS)
        return -LX_EINVAL;
    if (New != NULL && New->RlimCur > New->RlimMax)
        return -LX_EINVAL;
    if (New != NULL && Resource == LX_RLIMIT_NOFILE && New->RlimMax > LX_MAX_FDS)
        return -LX_EPERM;
    ExAcquireFastMutex(&Process->FdLock);
    if (Old != NULL)
    {
        Old->RlimCur = Process->RlimitCur[Resource];
        Old->RlimMax = Process->RlimitMax[Resource];
    }
    if (New != NULL)
    {
        /* raising the hard limit takes CAP_SYS_RESOURCE: root */
        if (New->RlimMax > Process->RlimitMax[Resource] && LxCurrentProcess()->Uid != 0)
        {
            Result = -LX_EPERM;
        }
        else
        {
            Process->RlimitCur[Resource] = New->RlimCur;
            Process->RlimitMax[Resource] = New->RlimMax;
        }
    }
    ExReleaseFastMutex(&Process->FdLock);
    return Result;
}

/* getrlimit (old: values above 0x7FFFFFFF as 0x7FFFFFFF) and ugetrlimit (infinity ~0) */
static
LONG
LxGetrlimit32(
    _In_ ULONG Resource,
    _Out_ LX_RLIMIT *Rlim,
    _In_ BOOLEAN Old)
{
    struct _LX_RLIMIT64 Limit;
    struct _LX_RLIMIT Limit32;
    ULONG Infinity = Old ? 0x7FFFFFFF : LX_RLIM32_INFINITY;
    LONG Result;

    Result = LxLimit(LxCurrentProcess(), Resource, NULL, &Limit);
    if (Result < 0)
        return Result;
    Limit32.RlimCur = Limit.RlimCur > Infinity ? Infinity : (ULONG)Limit.RlimCur;
    Limit32.RlimMax = Limit.RlimMax > Infinity ? Infinity : (ULONG)Limit.RlimMax;
    return LxCopyToUser((ULONG_PTR)Rlim, &Limit32, sizeof(Limit32));
}

LONG
NTAPI
LxSysGetrlimit(
    ULONG Resource,
    LX_RLIMIT *Rlim)
{
    return LxGetrlimit32(Resource, Rlim, TRUE);
}

LONG
NTAPI
LxSysUgetrlimit(
    ULONG Resource,
    LX_RLIMIT *Rlim)
{
    return LxGetrlimit32(Resource, Rlim, FALSE);
}

LONG
NTAPI
LxSysSetrlimit(
    ULONG Resource,
    LX_RLIMIT *Rlim)
{
    struct _LX_RLIMIT Limit32;
    struct _LX_RLIMIT64 Limit;
    LONG Result;

    Result = LxCopyFromUser(&Limit32, (ULONG_PTR)Rlim, sizeof(Limit32));
    if (Result < 0)
        return Result;
    Limit.RlimCur = Limit32.RlimCur == LX_RLIM32_INFINITY ? LX_RLIM64_INFINITY : Limit32.RlimCur;
    Limit.RlimMax = Limit32.RlimMax == LX_RLIM32_INFINITY ? LX_RLIM64_INFINITY : Limit32.RlimMax;
    return LxLimit(LxCurrentProcess(), Resource, &Limit, NULL);
}

LONG
NTAPI
LxSysPrlimit64(
    LX_PID Pid,
    ULONG Resource,
    const LX_RLIMIT64 *NewRlim,
    LX_RLIMIT64 *OldRlim)
{
    struct _LX_RLIMIT64 New, Old;
    PLX_PROCESS Target;
    LONG Result;

    if (NewRlim != NULL)
    {
        Result = LxCopyFromUser(&New, (ULONG_PTR)NewRlim, sizeof(New));
        if (Result < 0)
            return Result;
    }
    Target = LxLimitTarget(Pid);
    if (Target == NULL)
        return -LX_ESRCH;
    /* another process's limits: only with its uid, or as root */
    if (Target != LxCurrentProcess() && LxCurrentProcess()->Uid != 0 &&
        LxCurrentProcess()->Uid != Target->Uid)
    {
        LxDereferenceProcess(Target);
        return -LX_EPERM;
    }
    Result = LxLimit(Target, Resource, NewRlim != NULL ? &New : NULL,
                     OldRlim != NULL ? &Old : NULL);
    LxDereferenceProcess(Target);
    if (Result == 0 && OldRlim != NULL)
        Result = LxCopyToUser((ULONG_PTR)OldRlim, &Old, sizeof(Old));
    return Result;
}

/* Process groups and sessions: recorded, with no job control behind them. A process that
 * never called setpgid/setsid is in the group and session of its own pid. */
static
ULONG
LxProcessGroup(
    _In_ PLX_PROCESS Process)
{
    return Process->Pgid ? Process->Pgid : Process->Pid;
}

LONG
NTAPI
LxSysGetpgrp(VOID)
{
    return (LONG)LxProcessGroup(LxCurrentProcess());
}

LONG
NTAPI
LxSysGetpgid(
    LX_PID Pid)
{
    PLX_PROCESS Process;
    LONG Result;

    if (Pid < 0)
        return -LX_EINVAL;
    if (Pid == 0 || Pid == (LONG)LxCurrentProcess()->Pid)
        return (LONG)LxProcessGroup(LxCurrentProcess());
    Process = LxLookupProcess((ULONG)Pid);
    if (Process == NULL)
        return -LX_ESRCH;
    Result = (LONG)LxProcessGroup(Process);
    LxDereferenceProcess(Process);
    return Result;
}

LONG
NTAPI
LxSysSetpgid(
    LX_PID Pid,
    LX_PID Pgid)
{
    PLX_PROCESS Self = LxCurrentProcess(), Process;

    if (Pid < 0 || Pgid < 0)
        return -LX_EINVAL;
    Process = (Pid == 0 || Pid == (LONG)Self->Pid) ? Self : LxLookupProcess((ULONG)Pid);
    if (Process == NULL)
        return -LX_ESRCH;
    if (Process != Self && Process->ParentPid != Self->Pid)
    {
        LxDereferenceProcess(Process);
        return -LX_ESRCH;
    }
    Process->Pgid = Pgid ? (ULONG)Pgid : Process->Pid;
    if (Process != Self)
        LxDereferenceProcess(Process);
    return 0;
}

LONG
NTAPI
LxSysSetsid(VOID)
{
    PLX_PROCESS Process = LxCurrentProcess();

    if (LxProcessGroup(Process) == Process->Pid && Process->Pgid != 0)
        return -LX_EPERM;   /* already a group leader */
    Process->Sid = Process->Pid;
    Process->Pgid = Process->Pid;
    return (LONG)Process->Pid;
}

LONG
NTAPI
LxSysGetsid(
    LX_PID Pid)
{
    PLX_PROCESS Self = LxCurrentProcess(), Process;
    LONG Result;

    if (Pid < 0)
        return -LX_EINVAL;
    if (Pid == 0 || Pid == (LONG)Self->Pid)
        return (LONG)(Self->Sid ? Self->Sid : 1);
    Process = LxLookupProcess((ULONG)Pid);
    if (Process == NULL)
        return -LX_ESRCH;
    Result = (LONG)(Process->Sid ? Process->Sid : 1);
    LxDereferenceProcess(Process);
    return Result;
}

/* CPU times of the calling process (ProcessTimes: user and kernel time, 100 ns units) */
typedef struct _LX_CPU_TIMES
{
    LONGLONG User;      /* 100 ns */
    LONGLONG Kernel;
} LX_CPU_TIMES;

static
VOID
LxGetCpuTimes(
    _Out_ LX_CPU_TIMES *Times)
{
    KERNEL_USER_TIMES KernelUser;

    RtlZeroMemory(Times, sizeof(*Times));
    if (NT_SUCCESS(ZwQueryInformationProcess(NtCurrentProcess(), ProcessTimes, &KernelUser,
                                             sizeof(KernelUser), NULL)))
    {
        Times->User = KernelUser.UserTime.QuadPart;
        Times->Kernel = KernelUser.KernelTime.QuadPart;
    }
}

LONG
NTAPI
LxSysTimes(
    LX_TMS *Tbuf)
{
    LX_CPU_TIMES Times;
    LONG Values[4], Result;

    LxGetCpuTimes(&Times);
    if (Tbuf != NULL)
    {
        Values[0] = (LONG)(Times.User / 100000);     /* clock ticks of 10 ms */
        Values[1] = (LONG)(Times.Kernel / 100000);
        Values[2] = Values[3] = 0;                   /* children: not accounted */
        Result = LxCopyToUser((ULONG_PTR)Tbuf, Values, sizeof(Values));
        if (Result < 0)
            return Result;
    }
    return (LONG)(KeQueryInterruptTime() / 100000);
}

LONG
NTAPI
LxSysGetrusage(
    LONG Who,
    LX_RUSAGE *Ru)
{
    LX_CPU_TIMES Times;
    LONG Usage[18];

    if (Who != 0 /* RUSAGE_SELF */ && Who != -1 /* CHILDREN */ && Who != 1 /* THREAD */)
        return -LX_EINVAL;
    RtlZeroMemory(Usage, sizeof(Usage));
    if (Who != -1)
    {
        LxGetCpuTimes(&Times);
        Usage[0] = (LONG)(Times.User / 10000000);           /* ru_utime */
        Usage[1] = (LONG)((Times.User % 10000000) / 10);
        Usage[2] = (LONG)(Times.Kernel / 10000000);         /* ru_stime */
        Usage[3] = (LONG)((Times.Kernel % 10000000) / 10);
    }
    return LxCopyToUser((ULONG_PTR)Ru, Usage, sizeof(Usage));
}

/* One affinity mask for everybody: the processors ReactOS runs on */
LONG
NTAPI
LxSysSchedGetaffinity(
    LX_PID Pid,
    ULONG Len,
    ULONG_PTR *UserMaskPtr)
{
    ULONG_PTR Mask = (ULONG_PTR)KeQueryActiveProcessors();
    LONG Result;

    if (Pid < 0)
        return -LX_ESRCH;
    if (Len < sizeof(Mask) || (Len & (sizeof(ULONG_PTR) - 1)))
        return -LX_EINVAL;
    Result = LxZeroUser((ULONG_PTR)UserMaskPtr, Len);
    if (Result == 0)
        Result = LxCopyToUser((ULONG_PTR)UserMaskPtr, &Mask, sizeof(Mask));
    return Result < 0 ? Result : (LONG)sizeof(Mask);
}

LONG
NTAPI
LxSysSchedSetaffinity(
    LX_PID Pid,
    ULONG Len,
    ULONG_PTR *UserMaskPtr)
{
    ULONG_PTR Mask = 0;
    LONG Result;

    if (Pid < 0)
        return -LX_ESRCH;
    Result = LxCopyFromUser(&Mask, (ULONG_PTR)UserMaskPtr, min(Len, sizeof(Mask)));
    if (Result < 0)
        return Result;
    /* accepted when it names at least one running processor; not applied */
    return (Mask & (ULONG_PTR)KeQueryActiveProcessors()) ? 0 : -LX_EINVAL;
}
