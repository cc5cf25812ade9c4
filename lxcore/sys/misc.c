/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: the shared ENOSYS handler, uname, sysinfo, getrandom
 */

#include "lxsys.h"

#define NDEBUG
#include <debug.h>

/* Every number lxcore does not implement (argument bytes 0 in the table). */
LONG
NTAPI
LxSysEnosys(VOID)
{
    return -LX_ENOSYS;
}

static
VOID
LxCopyField(
    _Out_writes_z_(65) PCHAR Field,
    _In_ PCSTR Value)
{
    RtlStringCbCopyA(Field, 65, Value);
}

LONG
NTAPI
LxSysUname(
    LX_NEW_UTSNAME *Name)
{
    struct _LX_NEW_UTSNAME Uts;

    RtlZeroMemory(&Uts, sizeof(Uts));
    LxCopyField(Uts.Sysname, "Linux");
    LxCopyField(Uts.Nodename, "reactos");
    LxCopyField(Uts.Release, "5.15.0-lxss");
    LxCopyField(Uts.Version, "#1 SMP lxss on ReactOS");
    LxCopyField(Uts.Machine, "i686");
    LxCopyField(Uts.Domainname, "(none)");
    return LxCopyToUser((ULONG_PTR)Name, &Uts, sizeof(Uts));
}

LONG
NTAPI
LxSysSysinfo(
    LX_SYSINFO *Info)
{
    struct _LX_SYSINFO Result;
    SYSTEM_BASIC_INFORMATION Basic;
    NTSTATUS Status;

    RtlZeroMemory(&Result, sizeof(Result));
    Result.Uptime = (LONG)(KeQueryInterruptTime() / 10000000);
    Status = ZwQuerySystemInformation(SystemBasicInformation, &Basic, sizeof(Basic), NULL);
    if (NT_SUCCESS(Status))
    {
        Result.Totalram = Basic.NumberOfPhysicalPages;
        /* no cheap exported "available pages" query: report a quarter as free */
        Result.Freeram = Basic.NumberOfPhysicalPages / 4;
    }
    Result.Procs = (USHORT)LxProcessCount();
    Result.MemUnit = PAGE_SIZE;
    return LxCopyToUser((ULONG_PTR)Info, &Result, sizeof(Result));
}

#define LX_GRND_NONBLOCK    0x1
#define LX_GRND_RANDOM      0x2
#define LX_GRND_INSECURE    0x4

LONG
NTAPI
LxSysGetrandom(
    CHAR *Buf,
    SIZE_T Count,
    ULONG Flags)
{
    UCHAR Chunk[256];
    SIZE_T Done = 0;
    LONG Result;

    if (Flags & ~(LX_GRND_NONBLOCK | LX_GRND_RANDOM | LX_GRND_INSECURE))
        return -LX_EINVAL;
    if ((Flags & LX_GRND_RANDOM) && (Flags & LX_GRND_INSECURE))
        return -LX_EINVAL;
    if (Count > 0x7FFFFFFF)
        Count = 0x7FFFFFFF;
    while (Done < Count)
    {
        ULONG n = (ULONG)min(Count - Done, sizeof(Chunk));

        LxGetRandomBytes(Chunk, n);
        Result = LxCopyToUser((ULONG_PTR)Buf + Done, Chunk, n);
        if (Result < 0)
            return Done ? (LONG)Done : Result;
        Done += n;
    }
    return (LONG)Done;
}
