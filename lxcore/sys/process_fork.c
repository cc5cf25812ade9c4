/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: fork, vfork, wait4, waitpid (the fork itself: kernel/fork.c)
 */

#include "lxsys.h"

#define NDEBUG
#include <debug.h>

#define LX_CLONE_VM             0x00000100
#define LX_CLONE_VFORK          0x00004000

#define LX_RUSAGE_SIZE          72
#define LX_WNOHANG              0x00000001
#define LX_WUNTRACED            0x00000002  /* = WSTOPPED, LX_JOB_REPORT_STOPPED */
#define LX_WSTOPPED             LX_WUNTRACED
#define LX_WCONTINUED           0x00000008  /* = LX_JOB_REPORT_CONTINUED */
#define LX_WNOTHREAD            0x20000000
#define LX_WALL                 0x40000000
#define LX_WCLONE               0x80000000

#define LX_P_ALL                0   /* waitid's idtype */
#define LX_P_PID                1
#define LX_P_PGID               2

C_ASSERT(LX_WSTOPPED == LX_JOB_REPORT_STOPPED && LX_WCONTINUED == LX_JOB_REPORT_CONTINUED);

LONG
NTAPI
LxSysFork(VOID)
{
    return LxFork(0, 0, NULL, NULL);
}

LONG
NTAPI
LxSysVfork(VOID)
{
    /* the parent waits until the child execs or exits; the child's writes come back to a
     * single-threaded parent then (LxVforkRelease) */
    return LxFork(LX_CLONE_VM | LX_CLONE_VFORK, 0, NULL, NULL);
}

/* What a wait found: the child, its si_code (LX_CLD_*) and si_status, and si_uid */
typedef struct _LX_WAITED
{
    ULONG Pid;
    LONG Code;
    ULONG Status;
    ULONG Uid;
} LX_WAITED, *PLX_WAITED;

/*
 * The wait of wait4 and waitid: for a child matching Pid (as wait4's) with something to
 * report of what Options asks (LX_WAIT_EXITED, LX_JOB_REPORT_STOPPED/CONTINUED,
 * LX_WAIT_NOWAIT, LX_WNOHANG), blocking unless LX_WNOHANG. An ended child is reaped unless
 * LX_WAIT_NOWAIT. Returns its pid (*Waited filled), 0 (WNOHANG, none yet), -ECHILD or what a
 * signal makes of the call.
 */
static
LONG
LxWaitChild(
    _In_ LONG Pid,
    _In_ ULONG Options,
    _Out_ PLX_WAITED Waited)
{
    PLX_PROCESS Process = LxCurrentProcess(), Child;
    BOOLEAN HaveChildren;
    ULONG Report;

    RtlZeroMemory(Waited, sizeof(*Waited));
    for (;;)
    {
        KeClearEvent(&Process->ChildEvent);
        Child = LxFindWaitableChild(Process->Pid, Pid, Options, &Report, &HaveChildren);
        if (Child != NULL)
            break;
        if (!HaveChildren)
            return -LX_ECHILD;
        if (Options & LX_WNOHANG)
            return 0;
        {
            PVOID Object = &Process->ChildEvent;

            if (LxWaitInterruptible(1, &Object, NULL) == STATUS_ALERTED)
                return LxInterruptedCall(TRUE);
        }
    }
    Waited->Pid = Child->Pid;
    Waited->Uid = Child->Cred.User.real;
    if (Report == LX_JOB_REPORT_STOPPED)
    {
        Waited->Code = LX_CLD_STOPPED;
        Waited->Status = Child->StopSignal;
    }
    else if (Report == LX_JOB_REPORT_CONTINUED)
    {
        Waited->Code = LX_CLD_CONTINUED;
        Waited->Status = LX_SIGCONT;
    }
    else if (Child->State == LXSS_PROCESS_EXITED)
    {
        Waited->Code = LX_CLD_EXITED;
        Waited->Status = Child->ExitStatus & 0xFF;
    }
    else
    {
        Waited->Code = LX_CLD_KILLED;
        Waited->Status = Child->Signal & 0x7F;
    }
    if (Report == LX_WAIT_EXITED && !(Options & LX_WAIT_NOWAIT))
        LxRemoveProcess(Child);     /* reaped */
    LxDereferenceProcess(Child);
    return (LONG)Waited->Pid;
}

LONG
NTAPI
LxSysWait4(
    LX_PID Pid,
    LONG *StatAddr,
    LONG Options,
    LX_RUSAGE *Ru)
{
    LX_WAITED Waited;
    LONG Result, Status;

    if ((ULONG)Options & ~(LX_WNOHANG | LX_WUNTRACED | LX_WCONTINUED | LX_WNOTHREAD | LX_WALL |
                           LX_WCLONE))
        return -LX_EINVAL;
    if (Pid == 0)   /* a child in our process group */
        Pid = -(LONG)LxProcessGroupOf(LxCurrentProcess());
    else if (Pid == (LONG)0x80000000)
        return -LX_ESRCH;   /* -INT_MIN is no group (Linux: ESRCH) */

    /* taken (and an ended child reaped) before the copies, which may fail: as Linux's */
    Result = LxWaitChild(Pid, LX_WAIT_EXITED | ((ULONG)Options & (LX_WNOHANG | LX_WUNTRACED |
                                                                    LX_WCONTINUED)),
                         &Waited);
    if (Result <= 0)
        return Result;
    /* the status word: (code << 8) | 0x7f stopped, 0xffff continued, the exit code << 8, or
     * the signal */
    if (Waited.Code == LX_CLD_STOPPED)
        Status = (LONG)((Waited.Status << 8) | 0x7F);
    else if (Waited.Code == LX_CLD_CONTINUED)
        Status = 0xFFFF;
    else if (Waited.Code == LX_CLD_EXITED)
        Status = (LONG)(Waited.Status << 8);
    else
        Status = (LONG)Waited.Status;
    if (StatAddr != NULL)
    {
        LONG Copied = LxCopyToUser((ULONG_PTR)StatAddr, &Status, sizeof(Status));
        if (Copied < 0)
            return Copied;
    }
    if (Ru != NULL)
    {
        LONG Copied = LxZeroUser((ULONG_PTR)Ru, LX_RUSAGE_SIZE);
        if (Copied < 0)
            return Copied;
    }
    return Result;
}

/*
 * waitid(idtype, id, infop, options, rusage): P_ALL, P_PID or P_PGID (0: the caller's group),
 * WEXITED/WSTOPPED/WCONTINUED (at least one), WNOHANG, WNOWAIT. 0, with the child's
 * SIGCHLD, si_code, si_pid, si_uid and si_status in infop (zeros when WNOHANG finds none).
 */
LONG
NTAPI
LxSysWaitid(
    LONG Which,
    LX_PID Pid,
    LX_SIGINFO *Infop,
    LONG Options,
    LX_RUSAGE *Ru)
{
    LX_WAITED Waited;
    ULONG Info[6];
    LONG Result;

    if ((ULONG)Options & ~(LX_WNOHANG | LX_WAIT_NOWAIT | LX_WAIT_EXITED | LX_WSTOPPED |
                           LX_WCONTINUED | LX_WNOTHREAD | LX_WALL | LX_WCLONE))
        return -LX_EINVAL;
    if (!((ULONG)Options & (LX_WAIT_EXITED | LX_WSTOPPED | LX_WCONTINUED)))
        return -LX_EINVAL;
    switch (Which)
    {
        case LX_P_ALL:
            Pid = -1;
            break;
        case LX_P_PID:
            if (Pid <= 0)
                return -LX_EINVAL;
            break;
        case LX_P_PGID:
            if (Pid < 0)
                return -LX_EINVAL;
            if (Pid == 1)
                return -LX_ECHILD;  /* pid 1 is the launcher: no Linux process is in its group */
            Pid = Pid != 0 ? -Pid : -(LONG)LxProcessGroupOf(LxCurrentProcess());
            break;
        default:
            return -LX_EINVAL;  /* P_PIDFD: no pidfd here */
    }
    Result = LxWaitChild(Pid, (ULONG)Options & (LX_WNOHANG | LX_WAIT_NOWAIT | LX_WAIT_EXITED |
                                                 LX_WSTOPPED | LX_WCONTINUED), &Waited);
    if (Result < 0)
        return Result;
    if (Result > 0 && Ru != NULL)
    {
        Result = LxZeroUser((ULONG_PTR)Ru, LX_RUSAGE_SIZE);
        if (Result < 0)
            return Result;
    }
    if (Infop == NULL)
        return 0;
    /* si_signo, si_errno, si_code, si_pid, si_uid, si_status */
    Info[0] = Waited.Pid != 0 ? LX_SIGCHLD : 0;
    Info[1] = 0;
    Info[2] = (ULONG)Waited.Code;
    Info[3] = Waited.Pid;
    Info[4] = Waited.Uid;
    Info[5] = Waited.Status;
    return LxCopyToUser((ULONG_PTR)Infop, Info, sizeof(Info));
}

LONG
NTAPI
LxSysWaitpid(
    LX_PID Pid,
    LONG *StatAddr,
    LONG Options)
{
    return LxSysWait4(Pid, StatAddr, Options, NULL);
}
