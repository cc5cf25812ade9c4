/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: pipe, pipe2 (the pipe itself is a file kind: fs/pipe.c)
 */

#include "lxsys.h"

#define NDEBUG
#include <debug.h>

static
LONG
LxCreatePipe(
    _In_ LONG *Fildes,
    _In_ LONG Flags)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE ReadEnd, WriteEnd;
    LONG Fds[2], Result;

    if (Flags & ~(LX_O_CLOEXEC | LX_O_NONBLOCK | LX_O_DIRECT))
        return -LX_EINVAL;
    Result = LxCreatePipeFiles((ULONG)Flags, &ReadEnd, &WriteEnd);
    if (Result < 0)
        return Result;
    Fds[0] = LxInstallFile(Process, ReadEnd, 0, (Flags & LX_O_CLOEXEC) != 0);
    if (Fds[0] < 0)
    {
        LxDereferenceFile(WriteEnd);
        return Fds[0];
    }
    Fds[1] = LxInstallFile(Process, WriteEnd, 0, (Flags & LX_O_CLOEXEC) != 0);
    if (Fds[1] < 0)
    {
        LxCloseFd(Process, (ULONG)Fds[0]);
        return Fds[1];
    }
    Result = LxCopyToUser((ULONG_PTR)Fildes, Fds, sizeof(Fds));
    if (Result < 0)
    {
        LxCloseFd(Process, (ULONG)Fds[0]);
        LxCloseFd(Process, (ULONG)Fds[1]);
    }
    return Result;
}

LONG
NTAPI
LxSysPipe(
    LONG *Fildes)
{
    return LxCreatePipe(Fildes, 0);
}

LONG
NTAPI
LxSysPipe2(
    LONG *Fildes,
    LONG Flags)
{
    return LxCreatePipe(Fildes, Flags);
}
