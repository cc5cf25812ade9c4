/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     File kind: the debug stdio, a program's stdout and stderr as "lxss[pid]: ..."
 *              lines on the kernel debug port (LXSS_CREATE_DEBUG_STDIO)
 *
 * Output is cut into lines per process and stream (stdout 0, stderr 1), so that a forked
 * child's lines carry its own pid; a close of the descriptor prints what is left.
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

typedef struct _LX_DEBUG_FILE
{
    ULONG Stream;               /* 0 = stdout, 1 = stderr */
} LX_DEBUG_FILE, *PLX_DEBUG_FILE;

static
VOID
LxDebugEmitLine(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Stream)
{
    Process->OutLine[Stream][Process->OutLength[Stream]] = ANSI_NULL;
    DbgPrint("lxss[%lu]: %s\n", Process->Pid, Process->OutLine[Stream]);
    Process->OutLength[Stream] = 0;
}

/* Appends program output to the line buffer of stdout (Stream 0) or stderr (Stream 1) and
 * prints every complete line. Returns Length. */
LONG
LxDebugWrite(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Stream,
    _In_reads_(Length) PCCH Data,
    _In_ SIZE_T Length)
{
    SIZE_T i;

    ExAcquireFastMutex(&Process->OutLock);
    for (i = 0; i < Length; i++)
    {
        CHAR c = Data[i];

        if (c == '\n')
        {
            LxDebugEmitLine(Process, Stream);
            continue;
        }
        /* keep the debug log printable */
        if ((UCHAR)c < 0x20 && c != '\t')
            c = '.';
        Process->OutLine[Stream][Process->OutLength[Stream]++] = c;
        if (Process->OutLength[Stream] >= LX_DEBUG_LINE)
            LxDebugEmitLine(Process, Stream);
    }
    ExReleaseFastMutex(&Process->OutLock);
    return (LONG)Length;
}

VOID
LxDebugFlush(
    _In_ PLX_PROCESS Process)
{
    ULONG Stream;

    ExAcquireFastMutex(&Process->OutLock);
    for (Stream = 0; Stream < 2; Stream++)
    {
        if (Process->OutLength[Stream] != 0)
            LxDebugEmitLine(Process, Stream);
    }
    ExReleaseFastMutex(&Process->OutLock);
}


static
LONG
LxDebugFileWrite(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    PLX_DEBUG_FILE Debug = File->Private;
    PLX_PROCESS Process = LxCurrentProcess();
    CHAR Chunk[256];
    SIZE_T Done = 0;

    UNREFERENCED_PARAMETER(Position);
    while (Done < Count)
    {
        SIZE_T n = min(Count - Done, sizeof(Chunk));
        LONG Result = LxCopyFromUser(Chunk, Buffer + Done, n);

        if (Result < 0)
            return Done ? (LONG)Done : Result;
        LxDebugWrite(Process, Debug->Stream, Chunk, n);
        Done += n;
    }
    return (LONG)Done;
}

static
ULONG
LxDebugFilePoll(
    _In_ PLX_FILE File,
    _In_opt_ PLX_POLL_TABLE Table)
{
    UNREFERENCED_PARAMETER(File);
    UNREFERENCED_PARAMETER(Table);
    return LX_POLLOUT | LX_POLLWRNORM;     /* never full, never readable */
}

static
LONG
LxDebugFileStat(
    _In_ PLX_FILE File,
    _Out_ struct _LX_STAT64 *St)
{
    UNREFERENCED_PARAMETER(File);
    LxStatCharDevice(St, 5, 1, 0600);      /* /dev/console */
    return 0;
}

static
LONG
LxDebugFileStatfs(
    _In_ PLX_FILE File,
    _Out_ lx_statfs_info *Info)
{
    UNREFERENCED_PARAMETER(File);
    LxStatfsDefaults(Info, LX_DEVPTS_SUPER_MAGIC);
    return 0;
}

static
LONG
LxDebugFileName(
    _In_ PLX_FILE File,
    _Out_writes_(Size) PCHAR Buffer,
    _In_ ULONG Size)
{
    UNREFERENCED_PARAMETER(File);
    return NT_SUCCESS(RtlStringCbCopyA(Buffer, Size, "/dev/console")) ? 0 : -LX_ENAMETOOLONG;
}

static
VOID
LxDebugFileClose(
    _In_ PLX_FILE File)
{
    UNREFERENCED_PARAMETER(File);
    LxDebugFlush(LxCurrentProcess());
}

static const LX_FILE_OPERATIONS LxDebugFileOperations =
{
    .Kind = "debug stdio",
    .Write = LxDebugFileWrite,
    .Poll = LxDebugFilePoll,
    .Stat = LxDebugFileStat,
    .Statfs = LxDebugFileStatfs,
    .Name = LxDebugFileName,
    .Close = LxDebugFileClose,
};

LONG
LxCreateDebugFile(
    _In_ ULONG Stream,
    _Out_ PLX_FILE *File)
{
    PLX_FILE New = LxAllocateFile(&LxDebugFileOperations, LX_O_WRONLY, LX_S_IFCHR, sizeof(LX_DEBUG_FILE));

    *File = New;
    if (New == NULL)
        return LxNoFile();
    ((PLX_DEBUG_FILE)New->Private)->Stream = Stream;
    return 0;
}
