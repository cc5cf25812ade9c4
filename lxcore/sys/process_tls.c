/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: thread-local storage through the per-thread GDT descriptor of
 *              the pico kernel (PICO_TLS_GDT_ENTRY, selector 0x7B)
 *
 * Only the base is per thread: the descriptor's limit is always 4 GiB (page granular) and its
 * type 32-bit read/write data, which is what musl and glibc ask for. Limit and flags given by
 * the program are kept and reported back by get_thread_area.
 */

#include "lxsys.h"

#define LX_USER_DESC_SEG_NOT_PRESENT    0x20
#define LX_USER_DESC_READ_EXEC_ONLY     0x08

LONG
NTAPI
LxSysSetThreadArea(
    LX_USER_DESC *UInfo)
{
    PLX_THREAD Thread = LxCurrentThread();
    struct _LX_USER_DESC Desc;
    LONG Result;

    Result = LxCopyFromUser(&Desc, (ULONG_PTR)UInfo, sizeof(Desc));
    if (Result < 0)
        return Result;

    if (Desc.EntryNumber == (ULONG)-1)
    {
        Desc.EntryNumber = PICO_TLS_GDT_ENTRY;
        Result = LxCopyToUser((ULONG_PTR)&UInfo->EntryNumber, &Desc.EntryNumber,
                              sizeof(Desc.EntryNumber));
        if (Result < 0)
            return Result;
    }
    else if (Desc.EntryNumber != PICO_TLS_GDT_ENTRY)
    {
        /* one TLS slot per thread (Linux has three: 6, 7, 8) */
        return -LX_EINVAL;
    }

    /* "empty" descriptor (read_exec_only + seg_not_present, base and limit 0): clear it */
    if (Desc.BaseAddr == 0 && Desc.Limit == 0 &&
        (Desc.Flags & (LX_USER_DESC_SEG_NOT_PRESENT | LX_USER_DESC_READ_EXEC_ONLY)) ==
            (LX_USER_DESC_SEG_NOT_PRESENT | LX_USER_DESC_READ_EXEC_ONLY))
    {
        Thread->TlsSet = FALSE;
        Thread->TlsBase = Thread->TlsLimit = Thread->TlsFlags = 0;
        LxPicoRoutines.SetThreadDescriptorBase(PicoThreadDescriptorTypeGs, 0);
        return 0;
    }

    Thread->TlsSet = TRUE;
    Thread->TlsBase = Desc.BaseAddr;
    Thread->TlsLimit = Desc.Limit;
    Thread->TlsFlags = Desc.Flags;
    LxPicoRoutines.SetThreadDescriptorBase(PicoThreadDescriptorTypeGs, Desc.BaseAddr);
    return 0;
}

LONG
NTAPI
LxSysGetThreadArea(
    LX_USER_DESC *UInfo)
{
    PLX_THREAD Thread = LxCurrentThread();
    struct _LX_USER_DESC Desc;
    LONG Result;

    Result = LxCopyFromUser(&Desc.EntryNumber, (ULONG_PTR)&UInfo->EntryNumber,
                            sizeof(Desc.EntryNumber));
    if (Result < 0)
        return Result;
    if (Desc.EntryNumber != PICO_TLS_GDT_ENTRY)
        return -LX_EINVAL;

    Desc.BaseAddr = Thread->TlsBase;
    Desc.Limit = Thread->TlsLimit;
    Desc.Flags = Thread->TlsSet ? Thread->TlsFlags :
                 (LX_USER_DESC_SEG_NOT_PRESENT | LX_USER_DESC_READ_EXEC_ONLY);
    return LxCopyToUser((ULONG_PTR)UInfo, &Desc, sizeof(Desc));
}
