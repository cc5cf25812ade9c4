/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: signals (kill, tkill, tgkill, rt_sigqueueinfo, rt_sigaction,
 *              rt_sigprocmask, rt_sigpending, sigreturn, sigaltstack, pause, rt_sigsuspend,
 *              rt_sigtimedwait); delivery itself is kernel/signal.c's
 */

#include "lxsys.h"

#define NDEBUG
#include <debug.h>

#define LX_KILL_MAX_TARGETS 64

#define LX_SIG_BLOCK    0
#define LX_SIG_UNBLOCK  1
#define LX_SIG_SETMASK  2
#define LX_SIG_UNBLOCKABLE ((1ULL << (LX_SIGKILL - 1)) | (1ULL << (19 /* SIGSTOP */ - 1)))

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
    LxPrepareSignal(Owner, Sig);
    if (LxSignalStops(Sig) && Owner->Actions.SignalHandlers[Sig] == 0 /* SIG_DFL */ &&
        !LxSignalBlocked(Owner, Tid, Sig))
    {
        /* the whole process stops (this thread too, if it is the caller's) */
        LxStopProcess(Owner, Sig);
        return 0;
    }
    if (Sig == LX_SIGKILL || (Owner->Actions.SignalHandlers[Sig] == 0 /* SIG_DFL */ &&
                              LxSignalWouldRun(Owner, Sig) && !Owner->Stopped &&
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

/* kill/rt_sigqueueinfo of another process: LxSendSignal, if the caller may signal it. 0,
 * -EPERM or -EAGAIN. */
static
LONG
LxSignalOtherProcess(
    _In_ PLX_PROCESS Target,
    _In_ ULONG Sig,
    _In_ const lx_sigfields *Info)
{
    /* Linux's kill_ok_by_cred (no exception for SIGCONT within a session) */
    if (!LxCredMayControl(&LxCurrentProcess()->Cred, &Target->Cred))
        return -LX_EPERM;
    return LxSendSignal(Target, Sig, Info);
}

/* kill of our own process: runs here if this thread does not block it, else it goes to
 * another thread that does not (or stays pending for the process, e.g. for sigwait). */
static
LONG
LxKillOwnProcess(
    _In_ LONG Sig,
    _In_ const lx_sigfields *Info)
{
    PLX_THREAD Thread = LxCurrentThread();

    if (Sig > 0 && Sig != LX_SIGKILL && Sig != LX_SIGSTOP &&
        (Thread->SignalMask & (1ULL << (Sig - 1))))
    {
        LxPrepareSignal(LxCurrentProcess(), (ULONG)Sig);
        if (LxSignalWouldRun(LxCurrentProcess(), (ULONG)Sig) ||
            LxCurrentProcess()->Actions.SignalHandlers[Sig] == 0)
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
    ULONG Count, i, Denied = 0;
    LONG Result;
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
        Result = LxSignalOtherProcess(Target, (ULONG)Sig, &Info);
        LxDereferenceProcess(Target);
        return Result;
    }

    /* 0: our process group; -1: every process but ours; -pgid: that group */
    Count = LxCollectProcesses(Pid == 0 ? (LONG)LxProcessGroupOf(Process) :
                               Pid == -1 ? -1 : -Pid,
                               Targets, LX_KILL_MAX_TARGETS);
    for (i = 0; i < Count; i++)
    {
        if (Targets[i] == Process)
            Self = (Pid != -1);
        else if (LxSignalOtherProcess(Targets[i], (ULONG)Sig, &Info) == -LX_EPERM)
            Denied++;
        LxDereferenceProcess(Targets[i]);
    }
    if (Self)
        return LxKillOwnProcess(Sig, &Info);    /* last: its default action may end us here */
    if (Count == 0)
        return Pid == -1 ? 0 : -LX_ESRCH;
    return Denied == Count ? -LX_EPERM : 0;     /* EPERM when none could be signalled */
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
    if (Target != LxCurrentProcess() &&
        !LxCredMayControl(&LxCurrentProcess()->Cred, &Target->Cred))
        Result = -LX_EPERM;
    else
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
    Old.Handler = Process->Actions.SignalHandlers[Sig];
    Old.Flags = Process->Actions.SignalFlags[Sig];
    Old.Restorer = Process->Actions.SignalRestorers[Sig];
    Old.Mask = Process->Actions.SignalMasks[Sig];
    if (Oact != NULL)
    {
        Result = LxCopyToUser((ULONG_PTR)Oact, &Old, sizeof(Old));
        if (Result < 0)
            return Result;
    }
    if (Act != NULL)
    {
        Process->Actions.SignalHandlers[Sig] = New.Handler;
        Process->Actions.SignalFlags[Sig] = New.Flags;
        Process->Actions.SignalRestorers[Sig] = New.Restorer;
        Process->Actions.SignalMasks[Sig] = New.Mask;
    }
    return 0;
}

/* rt_sigpending: the calling thread's pending signals */
LONG
NTAPI
LxSysRtSigpending(
    LX_SIGSET *Set,
    SIZE_T Sigsetsize)
{
    ULONGLONG Pending;

    if (Sigsetsize > sizeof(ULONGLONG))
        return -LX_EINVAL;
    Pending = LxPendingSignals(LxCurrentThread());
    return LxCopyToUser((ULONG_PTR)Set, &Pending, Sigsetsize);
}

/* sigreturn (119) */
LONG
NTAPI
LxSysSigreturn(VOID)
{
    return LxSigreturn(FALSE);
}

/* rt_sigreturn (173) */
LONG
NTAPI
LxSysRtSigreturn(VOID)
{
    return LxSigreturn(TRUE);
}

#define LX_SS_ONSTACK       1
#define LX_SS_AUTODISARM    0x80000000
#define LX_MINSIGSTKSZ      2048

LONG
NTAPI
LxSysSigaltstack(
    const LX_SIGALTSTACK *Uss,
    LX_SIGALTSTACK *Uoss)
{
    PLX_THREAD Thread = LxCurrentThread();
    PKTRAP_FRAME TrapFrame = PsGetPicoThreadTrapFrame(PsGetCurrentThread());
    struct _LX_SIGALTSTACK Old, New;
    BOOLEAN OnStack = FALSE;
    LONG Result;

    if (TrapFrame != NULL && Thread->AltStackSize != 0 &&
        TrapFrame->HardwareEsp > Thread->AltStackBase &&
        TrapFrame->HardwareEsp <= Thread->AltStackBase + Thread->AltStackSize)
        OnStack = TRUE;

    Old.SsSp = Thread->AltStackBase;
    Old.SsSize = Thread->AltStackSize;
    Old.SsFlags = Thread->AltStackSize == 0 ? LX_SS_DISABLE :
                  OnStack ? LX_SS_ONSTACK : (LONG)(Thread->AltStackFlags & LX_SS_AUTODISARM);

    if (Uss != NULL)
    {
        Result = LxCopyFromUser(&New, (ULONG_PTR)Uss, sizeof(New));
        if (Result < 0)
            return Result;
        if (OnStack)
            return -LX_EPERM;
        if (New.SsFlags & ~(LX_SS_DISABLE | LX_SS_ONSTACK | LX_SS_AUTODISARM))
            return -LX_EINVAL;
        if (New.SsFlags & LX_SS_DISABLE)
        {
            Thread->AltStackBase = 0;
            Thread->AltStackSize = 0;
            Thread->AltStackFlags = 0;
        }
        else
        {
            if (New.SsSize < LX_MINSIGSTKSZ)
                return -LX_ENOMEM;
            Thread->AltStackBase = New.SsSp;
            Thread->AltStackSize = New.SsSize;
            Thread->AltStackFlags = (ULONG)New.SsFlags & LX_SS_AUTODISARM;
        }
    }
    if (Uoss != NULL)
        return LxCopyToUser((ULONG_PTR)Uoss, &Old, sizeof(Old));
    return 0;
}

/* pause (29): sleeps until a signal runs a handler (or ends the process) */
LONG
NTAPI
LxSysPause(VOID)
{
    LARGE_INTEGER Wait;

    for (;;)
    {
        Wait.QuadPart = -36000000000LL;     /* an hour at a time */
        if (LxSleepInterruptible(&Wait) == STATUS_ALERTED)
            return LxInterruptedCall(FALSE);
    }
}

/* rt_sigsuspend (179): the mask replaced by *Unewset until a signal runs a handler; the
 * handler's frame records the original mask, which sigreturn puts back. */
LONG
NTAPI
LxSysRtSigsuspend(
    LX_SIGSET *Unewset,
    SIZE_T Sigsetsize)
{
    PLX_THREAD Thread = LxCurrentThread();
    ULONGLONG New, Original;
    LARGE_INTEGER Wait;
    LONG Result;

    if (Sigsetsize != sizeof(ULONGLONG))
        return -LX_EINVAL;
    Result = LxCopyFromUser(&New, (ULONG_PTR)Unewset, sizeof(New));
    if (Result < 0)
        return Result;
    Original = Thread->SignalMask;
    Thread->SignalMask = New & ~((1ULL << (LX_SIGKILL - 1)) | (1ULL << (19 - 1)));
    for (;;)
    {
        Wait.QuadPart = -36000000000LL;
        if (LxSleepInterruptible(&Wait) == STATUS_ALERTED)
            break;
    }
    return LxInterruptedCallWithMask(Original);
}

LONG
NTAPI
LxSysRtSigtimedwait(
    const LX_SIGSET *Uthese,
    LX_SIGINFO *Uinfo,
    const LX_OLD_TIMESPEC32 *Uts,
    SIZE_T Sigsetsize)
{
    return LxSigtimedwait((ULONG_PTR)Uthese, (ULONG_PTR)Uinfo, (ULONG_PTR)Uts, FALSE, Sigsetsize);
}

LONG
NTAPI
LxSysRtSigtimedwaitTime64(
    const LX_SIGSET *Uthese,
    LX_SIGINFO *Uinfo,
    const LX_KERNEL_TIMESPEC *Uts,
    SIZE_T Sigsetsize)
{
    return LxSigtimedwait((ULONG_PTR)Uthese, (ULONG_PTR)Uinfo, (ULONG_PTR)Uts, TRUE, Sigsetsize);
}
