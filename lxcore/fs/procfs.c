/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     /proc: one table of entries (generated files and symbolic links), and the
 *              file kind of a generated file (its text made at open, read-only)
 *
 * A new /proc file is one entry here: a name (a prefix when it ends in '/') and either a
 * generator, which writes the file's text, or a link routine, which names the target and,
 * for /proc/self/fd/N, the description that opening it gives.
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

#define LX_PROC_TEXT_MAX    1024

/* Writes the text of a generated file into Text (LX_PROC_TEXT_MAX bytes) */
typedef VOID (*PLX_PROC_GENERATE)(_In_ PLX_PROCESS Process, _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text);
/* A link: its target in Target; with File, also the description opening it gives (or NULL
 * when the target is to be opened by path). Rest: the name after the entry's prefix. */
typedef LONG (*PLX_PROC_LINK)(_In_ PLX_PROCESS Process, _In_ PCSTR Rest,
                              _Out_writes_(Size) PCHAR Target, _In_ ULONG Size,
                              _Out_opt_ PLX_FILE *File);

typedef struct _LX_PROC_ENTRY
{
    PCSTR Name;
    PLX_PROC_GENERATE Generate;
    PLX_PROC_LINK Link;
} LX_PROC_ENTRY;

/* ---------------------------------------------------------------------------------------- */
/* Generators                                                                              */

static
VOID
LxProcCpuinfo(
    _In_ PLX_PROCESS Process,
    _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text)
{
    int Regs[4];
    CHAR Vendor[13];
    ULONG Family, Model, Stepping;

    UNREFERENCED_PARAMETER(Process);
    __cpuid(Regs, 0);
    RtlCopyMemory(Vendor, &Regs[1], 4);
    RtlCopyMemory(Vendor + 4, &Regs[3], 4);
    RtlCopyMemory(Vendor + 8, &Regs[2], 4);
    Vendor[12] = ANSI_NULL;
    __cpuid(Regs, 1);
    Family = (Regs[0] >> 8) & 0xF;
    Model = (Regs[0] >> 4) & 0xF;
    Stepping = Regs[0] & 0xF;
    RtlStringCbPrintfA(Text, LX_PROC_TEXT_MAX,
                       "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %lu\n"
                       "model\t\t: %lu\nmodel name\t: i686 (lxss on ReactOS)\n"
                       "stepping\t: %lu\nflags\t\t: %s%s%s%s\nbogomips\t: 1000.00\n\n",
                       Vendor, Family, Model, Stepping,
                       (Regs[3] & (1 << 0)) ? "fpu " : "",
                       (Regs[3] & (1 << 4)) ? "tsc " : "",
                       (Regs[3] & (1 << 15)) ? "cmov " : "",
                       (Regs[3] & (1 << 25)) ? "sse" : "");
}

static
VOID
LxProcMeminfo(
    _In_ PLX_PROCESS Process,
    _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text)
{
    SYSTEM_BASIC_INFORMATION Basic;
    ULONG TotalKb = 0;

    UNREFERENCED_PARAMETER(Process);
    if (NT_SUCCESS(ZwQuerySystemInformation(SystemBasicInformation, &Basic, sizeof(Basic), NULL)))
        TotalKb = Basic.NumberOfPhysicalPages * (PAGE_SIZE / 1024);
    RtlStringCbPrintfA(Text, LX_PROC_TEXT_MAX,
                       "MemTotal:       %8lu kB\nMemFree:        %8lu kB\n"
                       "MemAvailable:   %8lu kB\nSwapTotal:             0 kB\n"
                       "SwapFree:              0 kB\n",
                       TotalKb, TotalKb / 4, TotalKb / 4);
}

/* ---------------------------------------------------------------------------------------- */
/* Links                                                                                   */

/* /proc/self/exe: the program's file (opened by path) */
static
LONG
LxProcExe(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Rest,
    _Out_writes_(Size) PCHAR Target,
    _In_ ULONG Size,
    _Out_opt_ PLX_FILE *File)
{
    UNREFERENCED_PARAMETER(Rest);
    if (File)
        *File = NULL;
    return NT_SUCCESS(RtlStringCbCopyA(Target, Size, Process->ExecFn)) ? 0 : -LX_ENAMETOOLONG;
}

/* /proc/self/fd/N: the description behind descriptor N */
static
LONG
LxProcFd(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Rest,
    _Out_writes_(Size) PCHAR Target,
    _In_ ULONG Size,
    _Out_opt_ PLX_FILE *File)
{
    PLX_FILE Found;
    ULONG Fd = 0;
    PCSTR p;
    LONG Result;

    if (File)
        *File = NULL;
    if (*Rest == ANSI_NULL)
        return -LX_ENOENT;
    for (p = Rest; *p; p++)
    {
        if (*p < '0' || *p > '9' || Fd > LX_MAX_FDS)
            return -LX_ENOENT;
        Fd = Fd * 10 + (*p - '0');
    }
    Found = LxGetFile(Process, Fd);
    if (Found == NULL)
        return -LX_ENOENT;
    Result = LxFileName(Found, Target, Size);
    if (Result == 0 && File != NULL)
        *File = Found;
    else
        LxDereferenceFile(Found);
    return Result;
}

static const LX_PROC_ENTRY LxProcEntries[] =
{
    { "/proc/cpuinfo", LxProcCpuinfo, NULL },
    { "/proc/meminfo", LxProcMeminfo, NULL },
    { "/proc/self/exe", NULL, LxProcExe },
    { "/proc/self/fd/", NULL, LxProcFd },
};

/* The entry for Resolved and the rest of the name after a prefix entry, or NULL */
static
const LX_PROC_ENTRY *
LxProcLookup(
    _In_ PCSTR Resolved,
    _Out_ PCSTR *Rest)
{
    ULONG i;

    for (i = 0; i < RTL_NUMBER_OF(LxProcEntries); i++)
    {
        PCSTR Name = LxProcEntries[i].Name;
        SIZE_T Length = strlen(Name);

        if (Name[Length - 1] == '/' ? strncmp(Resolved, Name, Length) == 0 : strcmp(Resolved, Name) == 0)
        {
            *Rest = Resolved + Length;
            return &LxProcEntries[i];
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* The generated file kind                                                                 */

typedef struct _LX_PROC_FILE
{
    ULONG Length;
    CHAR Text[LX_PROC_TEXT_MAX];
} LX_PROC_FILE, *PLX_PROC_FILE;

static
LONG
LxProcFileRead(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    PLX_PROC_FILE Proc = File->Private;
    LONGLONG Start;
    SIZE_T Done = 0;
    LONG Result = 0;

    ExAcquireFastMutex(&File->Lock);
    Start = Position ? *Position : File->Offset;
    if (Start < Proc->Length)
    {
        Done = (SIZE_T)min((LONGLONG)Count, Proc->Length - Start);
        Result = LxCopyToUser(Buffer, Proc->Text + Start, Done);
        if (Result < 0)
            Done = 0;
        else if (Position == NULL)
            File->Offset += Done;
    }
    ExReleaseFastMutex(&File->Lock);
    return Result < 0 ? Result : (LONG)Done;
}

static
LONG
LxProcFileSeek(
    _In_ PLX_FILE File,
    _In_ LONGLONG Offset,
    _In_ ULONG Whence,
    _Out_ PLONGLONG NewOffset)
{
    PLX_PROC_FILE Proc = File->Private;
    LONG Result;

    ExAcquireFastMutex(&File->Lock);
    Result = LxSeekWithin(File, Offset, Whence, Proc->Length, NewOffset);
    ExReleaseFastMutex(&File->Lock);
    return Result;
}

static
LONG
LxProcFileStat(
    _In_ PLX_FILE File,
    _Out_ struct _LX_STAT64 *St)
{
    St->StMode = LX_S_IFREG | 0444;
    St->StDev = 4;
    St->StIno = LxPathInode(File->Path);
    St->StIno32 = (ULONG)St->StIno;
    return 0;
}

static
LONG
LxProcFileStatfs(
    _In_ PLX_FILE File,
    _Out_ lx_statfs_info *Info)
{
    UNREFERENCED_PARAMETER(File);
    LxStatfsDefaults(Info, LX_PROC_SUPER_MAGIC);
    return 0;
}

static const LX_FILE_OPERATIONS LxProcFileOperations =
{
    .Kind = "proc file",
    .Read = LxProcFileRead,
    .Seek = LxProcFileSeek,
    .Stat = LxProcFileStat,
    .Statfs = LxProcFileStatfs,
};

/* ---------------------------------------------------------------------------------------- */

BOOLEAN
LxProcfsOpen(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _In_ ULONG StatusFlags,
    _Out_ PLX_FILE *File,
    _Out_ PLONG Result)
{
    const LX_PROC_ENTRY *Entry;
    PLX_PROC_FILE Proc;
    PCSTR Rest;
    PCHAR Target;

    *File = NULL;
    Entry = LxProcLookup(Resolved, &Rest);
    if (Entry == NULL)
        return FALSE;
    if (Entry->Link != NULL)
    {
        /* a link to a description opens it; one to a path is followed by the caller */
        Target = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
        if (Target == NULL)
        {
            *Result = -LX_ENOMEM;
            return TRUE;
        }
        *Result = Entry->Link(Process, Rest, Target, LX_PATH_MAX, File);
        ExFreePoolWithTag(Target, LX_TAG_TEMP);
        return *Result < 0 || *File != NULL;
    }
    if ((StatusFlags & LX_O_ACCMODE) != LX_O_RDONLY)
    {
        *Result = -LX_EACCES;
        return TRUE;
    }
    *File = LxAllocateFile(&LxProcFileOperations, StatusFlags, LX_S_IFREG, sizeof(LX_PROC_FILE));
    if (*File != NULL)
        (*File)->Path = ExAllocatePoolWithTag(PagedPool, strlen(Resolved) + 1, LX_TAG_FILE);
    if (*File == NULL || (*File)->Path == NULL)
    {
        if (*File != NULL)
            LxDereferenceFile(*File);
        *File = NULL;
        *Result = -LX_ENOMEM;
        return TRUE;
    }
    RtlCopyMemory((*File)->Path, Resolved, strlen(Resolved) + 1);
    (*File)->Flags = LX_FILE_PREAD;
    Proc = (*File)->Private;
    Entry->Generate(Process, Proc->Text);
    Proc->Length = (ULONG)strlen(Proc->Text);
    *Result = 0;
    return TRUE;
}

LONG
LxProcfsReadlink(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _Out_writes_(Size) PCHAR Target,
    _In_ ULONG Size)
{
    const LX_PROC_ENTRY *Entry;
    PCSTR Rest;

    Entry = LxProcLookup(Resolved, &Rest);
    if (Entry == NULL)
        return -LX_ENOENT;
    if (Entry->Link == NULL)
        return -LX_EINVAL;      /* not a link */
    return Entry->Link(Process, Rest, Target, Size, NULL);
}

BOOLEAN
LxProcfsFollowFileLink(
    _In_ PLX_PROCESS Process,
    _Inout_updates_(LX_PATH_MAX) PCHAR Resolved)
{
    const LX_PROC_ENTRY *Entry;
    PLX_FILE File = NULL;
    PCHAR Target;
    PCSTR Rest;
    LONG Result;

    Entry = LxProcLookup(Resolved, &Rest);
    if (Entry == NULL || Entry->Link == NULL)
        return FALSE;
    Target = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (Target == NULL)
        return FALSE;
    Result = Entry->Link(Process, Rest, Target, LX_PATH_MAX, &File);
    if (File != NULL)
        LxDereferenceFile(File);    /* a link to a description: not a path */
    else if (Result == 0)
        RtlCopyMemory(Resolved, Target, LX_PATH_MAX);
    ExFreePoolWithTag(Target, LX_TAG_TEMP);
    return Result == 0 && File == NULL;
}
