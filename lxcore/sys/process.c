/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: process and thread identity, exit, resource limits, kill of
 *              itself, signal masks and dispositions (recorded; delivery is not implemented)
 */

#include "lxsys.h"

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

/* Resource limits (lxkernel.h): per process, Linux's defaults, inherited by fork, kept by
 * execve. RLIMIT_NOFILE bounds the descriptors fs/fdtable.c hands out, and the descriptor
 * table's size is its ceiling (Linux's nr_open); RLIMIT_SIGPENDING bounds the signals queued
 * to the process (kernel/signal.c; Linux counts them per user); the others are recorded, not
 * enforced. */


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
        Old->RlimCur = Process->Limits.RlimitCur[Resource];
        Old->RlimMax = Process->Limits.RlimitMax[Resource];
    }
    if (New != NULL)
    {
        /* raising the hard limit takes CAP_SYS_RESOURCE: root */
        if (New->RlimMax > Process->Limits.RlimitMax[Resource] &&
            LxCurrentProcess()->Cred.User.effective != 0)
        {
            Result = -LX_EPERM;
        }
        else
        {
            Process->Limits.RlimitCur[Resource] = New->RlimCur;
            Process->Limits.RlimitMax[Resource] = New->RlimMax;
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
    if (Target != LxCurrentProcess() && !LxCredMayControl(&LxCurrentProcess()->Cred, &Target->Cred))
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

/* Process groups and sessions (kernel/process.c's LxProcessGroupOf, LxSessionOf; job
 * control: kernel/jobctl.c) */
LONG
NTAPI
LxSysGetpgrp(VOID)
{
    return (LONG)LxProcessGroupOf(LxCurrentProcess());
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
        return (LONG)LxProcessGroupOf(LxCurrentProcess());
    Process = LxLookupProcess((ULONG)Pid);
    if (Process == NULL)
        return -LX_ESRCH;
    Result = (LONG)LxProcessGroupOf(Process);
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
    LONG Result;

    if (Pid < 0 || Pgid < 0)
        return -LX_EINVAL;
    Process = (Pid == 0 || Pid == (LONG)Self->Pid) ? Self : LxLookupProcess((ULONG)Pid);
    if (Process == NULL)
        return -LX_ESRCH;
    if (Process != Self && Process->ParentPid != Self->Pid)
        Result = -LX_ESRCH;
    else if (LxSessionOf(Process) != LxSessionOf(Self) || Process->Sid == Process->Pid)
        Result = -LX_EPERM;     /* a child of another session, or a session leader */
    else
        Result = 0;
    if (Result == 0 && Pgid != 0 && (ULONG)Pgid != Process->Pid)
    {
        /* an existing group of the same session */
        PLX_PROCESS Member;

        Result = -LX_EPERM;
        if (LxCollectProcesses(Pgid, &Member, 1) == 1)
        {
            if (LxSessionOf(Member) == LxSessionOf(Process))
                Result = 0;
            LxDereferenceProcess(Member);
        }
    }
    if (Result == 0)
        Process->Pgid = Pgid ? (ULONG)Pgid : Process->Pid;
    if (Process != Self)
        LxDereferenceProcess(Process);
    return Result;
}

LONG
NTAPI
LxSysSetsid(VOID)
{
    PLX_PROCESS Process = LxCurrentProcess();

    if (LxProcessGroupOf(Process) == Process->Pid && Process->Pgid != 0)
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
        return (LONG)LxSessionOf(Self);
    Process = LxLookupProcess((ULONG)Pid);
    if (Process == NULL)
        return -LX_ESRCH;
    Result = (LONG)LxSessionOf(Process);
    LxDereferenceProcess(Process);
    return Result;
}

/* CPU times of the calling process (ProcessTimes: user and kernel time, 100 ns units) */

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

