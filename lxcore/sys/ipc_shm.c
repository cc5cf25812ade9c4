/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: System V shared memory (shmget, shmat, shmdt, shmctl); the segments are
 *              kernel/shm.c's
 */

#include "lxsys.h"

#define NDEBUG
#include <debug.h>

LONG
NTAPI
LxSysShmget(
    LX_KEY Key,
    SIZE_T Size,
    LONG Flag)
{
    return LxShmget(Key, Size, Flag);
}

LONG
NTAPI
LxSysShmat(
    LONG Shmid,
    PCHAR Shmaddr,
    LONG Shmflg)
{
    return LxShmat(Shmid, (ULONG_PTR)Shmaddr, Shmflg);
}

LONG
NTAPI
LxSysShmdt(
    PCHAR Shmaddr)
{
    return LxShmdt((ULONG_PTR)Shmaddr);
}

LONG
NTAPI
LxSysShmctl(
    LONG Shmid,
    LONG Cmd,
    LX_SHMID_DS *Buf)
{
    return LxShmctl(Shmid, Cmd, (ULONG_PTR)Buf);
}
