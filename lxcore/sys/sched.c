/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: scheduling (sched_yield, CPU affinity)
 */

#include "lxsys.h"

#define NDEBUG
#include <debug.h>

LONG
NTAPI
LxSysSchedYield(VOID)
{
    ZwYieldExecution();
    return 0;
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
