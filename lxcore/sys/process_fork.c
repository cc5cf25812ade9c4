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
#define LX_WUNTRACED            0x00000002
#define LX_WCONTINUED           0x00000008
#define LX_WNOTHREAD            0x20000000
#define LX_WALL                 0x40000000
#define LX_WCLONE               0x80000000

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

LONG
NTAPI
LxSysWait4(
    LX_PID Pid,
    LONG *StatAddr,
    LONG Options,
    LX_RUSAGE *Ru)
{
    PLX_PROCESS Process = LxCurrentProcess(), Child;
    BOOLEAN HaveChildren;
    LONG Result;

    if ((ULONG)Options & ~(LX_WNOHANG | LX_WUNTRACED | LX_WCONTINUED | LX_WNOTHREAD | LX_WALL |
                           LX_WCLONE))
        return -LX_EINVAL;

    if (Pid == 0)   /* a child in our process group */
        Pid = -(LONG)(Process->Pgid ? Process->Pgid : Process->Pid);
    for (;;)
    {
        KeClearEvent(&Process->ChildEvent);
        Child = LxFindExitedChild(Process->Pid, Pid, &HaveChildren);
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

    Result = (LONG)Child->Pid;
    if (StatAddr != NULL)
    {
        LONG Status = (Child->State == LXSS_PROCESS_EXITED) ?
                      (LONG)((Child->ExitStatus & 0xFF) << 8) : (LONG)(Child->Signal & 0x7F);
        LONG Copied = LxCopyToUser((ULONG_PTR)StatAddr, &Status, sizeof(Status));
        if (Copied < 0)
            Result = Copied;
    }
    if (Result > 0 && Ru != NULL)
    {
        LONG Copied = LxZeroUser((ULONG_PTR)Ru, LX_RUSAGE_SIZE);
        if (Copied < 0)
            Result = Copied;
    }
    if (Result > 0)
        LxRemoveProcess(Child);     /* reaped */
    LxDereferenceProcess(Child);
    return Result;
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
