/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The /dev nodes lxcore serves itself: one table, name -> what opening it gives
 *
 * Everything else under /dev is looked up in the root directory like any path.
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

typedef struct _LX_DEVFS_ENTRY
{
    PCSTR Name;
    LONG Device;                /* LX_DEV_*: a memory device, or -1 */
    LONG Fd;                    /* the caller's descriptor it stands for, or -1 */
} LX_DEVFS_ENTRY;

static const LX_DEVFS_ENTRY LxDevfsEntries[] =
{
    { "/dev/null", LX_DEV_NULL, -1 },
    { "/dev/zero", LX_DEV_ZERO, -1 },
    { "/dev/full", LX_DEV_FULL, -1 },
    { "/dev/random", LX_DEV_RANDOM, -1 },
    { "/dev/urandom", LX_DEV_URANDOM, -1 },
    { "/dev/stdin", -1, 0 },
    { "/dev/stdout", -1, 1 },
    { "/dev/stderr", -1, 2 },
    { "/dev/tty", -1, 2 },      /* the controlling terminal when it is not a pty: the
                                   launcher's stderr */
};

/* /dev/pts/N: N's number, or -1 */
static
LONG
LxDevfsPtsIndex(
    _In_ PCSTR Resolved)
{
    ULONG Index = 0;
    PCSTR p;

    if (strncmp(Resolved, "/dev/pts/", 9) != 0 || Resolved[9] == ANSI_NULL)
        return -1;
    for (p = Resolved + 9; *p != ANSI_NULL; p++)
    {
        if (*p < '0' || *p > '9' || Index > 100000 || (p != Resolved + 9 && Resolved[9] == '0'))
            return -1;
        Index = Index * 10 + (ULONG)(*p - '0');
    }
    return (LONG)Index;
}

BOOLEAN
LxDevfsOpen(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _In_ ULONG StatusFlags,
    _In_ BOOLEAN NoCtty,
    _Out_ PLX_FILE *File,
    _Out_ PLONG Result)
{
    LONG Index;
    ULONG i;

    *File = NULL;
    if (strcmp(Resolved, "/dev/ptmx") == 0 || strcmp(Resolved, "/dev/pts/ptmx") == 0)
    {
        *Result = LxCreatePty(StatusFlags, File);
        return TRUE;
    }
    Index = LxDevfsPtsIndex(Resolved);
    if (Index >= 0)
    {
        *Result = LxOpenPtySlave(Process, (ULONG)Index, StatusFlags, NoCtty, File);
        return TRUE;
    }
    if (strcmp(Resolved, "/dev/tty") == 0 && LxOpenControllingPty(Process, StatusFlags, File, Result))
        return TRUE;
    for (i = 0; i < RTL_NUMBER_OF(LxDevfsEntries); i++)
    {
        const LX_DEVFS_ENTRY *Entry = &LxDevfsEntries[i];

        if (strcmp(Resolved, Entry->Name) != 0)
            continue;
        if (Entry->Device >= 0)
        {
            *Result = LxCreateMemDevice((ULONG)Entry->Device, StatusFlags, File);
            return TRUE;
        }
        /* the description behind the descriptor itself, as the launcher gave it */
        *File = LxGetFile(Process, (ULONG)Entry->Fd);
        *Result = *File != NULL ? 0 : -LX_ENOENT;
        return TRUE;
    }
    return FALSE;
}

/* A character device node made with mknod (meta.c keeps its number): the /dev device with
 * that number (Linux's devices.txt), or -ENXIO as Linux gives for a number with no driver */
LONG
LxDevfsOpenNode(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Rdev,
    _In_ ULONG StatusFlags,
    _In_ BOOLEAN NoCtty,
    _Out_ PLX_FILE *File)
{
    static const struct { USHORT Major, Minor; PCSTR Name; } Numbers[] =
    {
        { 1, 3, "/dev/null" }, { 1, 5, "/dev/zero" }, { 1, 7, "/dev/full" },
        { 1, 8, "/dev/random" }, { 1, 9, "/dev/urandom" }, { 5, 0, "/dev/tty" },
        { 5, 2, "/dev/ptmx" },
    };
    ULONG Major = (Rdev >> 8) & 0xFFF, Minor = (Rdev & 0xFF) | ((Rdev >> 12) & 0xFFF00);
    CHAR Name[32];
    LONG Result = -LX_ENXIO;
    ULONG i;

    *File = NULL;
    Name[0] = ANSI_NULL;
    for (i = 0; i < RTL_NUMBER_OF(Numbers); i++)
    {
        if (Numbers[i].Major == Major && Numbers[i].Minor == Minor)
            RtlStringCbCopyA(Name, sizeof(Name), Numbers[i].Name);
    }
    if (Major == 136)
        RtlStringCbPrintfA(Name, sizeof(Name), "/dev/pts/%lu", Minor);
    if (Name[0] == ANSI_NULL || !LxDevfsOpen(Process, Name, StatusFlags, NoCtty, File, &Result))
        return -LX_ENXIO;
    return Result;
}

/* Whether Resolved goes on below one of the device nodes ("/dev/null/x"): ENOTDIR */
BOOLEAN
LxDevfsIsUnderDevice(
    _In_ PCSTR Resolved)
{
    ULONG i;

    for (i = 0; i < RTL_NUMBER_OF(LxDevfsEntries); i++)
    {
        if (LxDevfsEntries[i].Device >= 0 && lx_path_is_under(Resolved, LxDevfsEntries[i].Name) &&
            strcmp(Resolved, LxDevfsEntries[i].Name) != 0)
            return TRUE;
    }
    return FALSE;
}

/* /proc (procfs) and /dev (devtmpfs: tmpfs) are lxcore's own, with no sizes */
BOOLEAN
LxVirtualStatfs(
    _In_ PCSTR Path,
    _Out_ lx_statfs_info *Info)
{
    BOOLEAN Proc = lx_path_is_under(Path, "/proc");

    if (!Proc && !lx_path_is_under(Path, "/dev"))
        return FALSE;
    LxStatfsDefaults(Info, Proc ? LX_PROC_SUPER_MAGIC : LX_TMPFS_MAGIC);
    return TRUE;
}
