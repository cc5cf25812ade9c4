/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Open file descriptions, the per-process descriptor table and the debug
 *              output stream ("lxss[pid]: ..." lines on the kernel debug port)
 */

#include "lxp.h"

#define NDEBUG
#include <debug.h>

PLX_FILE
LxAllocateFile(
    _In_ LX_FILE_TYPE Type,
    _In_ ULONG StatusFlags)
{
    PLX_FILE File = ExAllocatePoolWithTag(NonPagedPool, sizeof(*File), LX_TAG_FILE);

    if (File == NULL)
        return NULL;
    RtlZeroMemory(File, sizeof(*File));
    File->RefCount = 1;
    File->Type = Type;
    File->StatusFlags = StatusFlags;
    ExInitializeFastMutex(&File->Lock);
    return File;
}

VOID
LxReferenceFile(
    _In_ PLX_FILE File)
{
    InterlockedIncrement(&File->RefCount);
}

VOID
LxDereferenceFile(
    _In_ PLX_FILE File)
{
    if (InterlockedDecrement(&File->RefCount) != 0)
        return;
    if (File->Pipe != NULL)
        LxPipeCloseEnd(File);
    if (File->Handle != NULL)
        ZwClose(File->Handle);
    if (File->Path != NULL)
        ExFreePoolWithTag(File->Path, LX_TAG_FILE);
    if (File->Data != NULL)
        ExFreePoolWithTag(File->Data, LX_TAG_FILE);
    ExFreePoolWithTag(File, LX_TAG_FILE);
}

PLX_FILE
LxGetFile(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Fd)
{
    PLX_FILE File = NULL;

    if (Fd >= LX_MAX_FDS)
        return NULL;
    ExAcquireFastMutex(&Process->FdLock);
    File = Process->Fds[Fd];
    if (File != NULL)
        LxReferenceFile(File);
    ExReleaseFastMutex(&Process->FdLock);
    return File;
}

/* The number of descriptors the process may open: RLIMIT_NOFILE, at most the table's size.
 * Descriptors above a lowered limit stay usable. */
ULONG
LxFdLimit(
    _In_ PLX_PROCESS Process)
{
    return (ULONG)min(Process->RlimitCur[LX_RLIMIT_NOFILE], (ULONGLONG)LX_MAX_FDS);
}

/* Installs File at the lowest free descriptor >= MinFd below RLIMIT_NOFILE. Returns the fd or
 * -EMFILE (and then drops the reference it was given). */
LONG
LxInstallFile(
    _In_ PLX_PROCESS Process,
    _In_ PLX_FILE File,
    _In_ ULONG MinFd,
    _In_ BOOLEAN Cloexec)
{
    ULONG Fd, Limit = LxFdLimit(Process);

    ExAcquireFastMutex(&Process->FdLock);
    for (Fd = MinFd; Fd < Limit; Fd++)
    {
        if (Process->Fds[Fd] == NULL)
        {
            Process->Fds[Fd] = File;
            Process->FdCloexec[Fd] = Cloexec ? 1 : 0;
            ExReleaseFastMutex(&Process->FdLock);
            return (LONG)Fd;
        }
    }
    ExReleaseFastMutex(&Process->FdLock);
    LxDereferenceFile(File);
    return -LX_EMFILE;
}

/* dup2/dup3: puts File at exactly Fd (-EBADF at or above RLIMIT_NOFILE), closing what was
 * there. Takes over the reference. */
LONG
LxReplaceFile(
    _In_ PLX_PROCESS Process,
    _In_ PLX_FILE File,
    _In_ ULONG Fd,
    _In_ BOOLEAN Cloexec)
{
    PLX_FILE Old;

    if (Fd >= LxFdLimit(Process))
    {
        LxDereferenceFile(File);
        return -LX_EBADF;
    }
    ExAcquireFastMutex(&Process->FdLock);
    Old = Process->Fds[Fd];
    Process->Fds[Fd] = File;
    Process->FdCloexec[Fd] = Cloexec ? 1 : 0;
    ExReleaseFastMutex(&Process->FdLock);
    if (Old != NULL)
        LxDereferenceFile(Old);
    return (LONG)Fd;
}

LONG
LxCloseFd(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Fd)
{
    PLX_FILE Old;

    if (Fd >= LX_MAX_FDS)
        return -LX_EBADF;
    ExAcquireFastMutex(&Process->FdLock);
    Old = Process->Fds[Fd];
    Process->Fds[Fd] = NULL;
    Process->FdCloexec[Fd] = 0;
    ExReleaseFastMutex(&Process->FdLock);
    if (Old == NULL)
        return -LX_EBADF;
    if (Old->Type == LxFileDebugOut)
        LxDebugFlush(Process);
    /* POSIX: any close of the file drops the process's record locks on it */
    LxReleaseLocks(Process, Old);
    LxDereferenceFile(Old);
    return 0;
}

VOID
LxCloseAllFiles(
    _In_ PLX_PROCESS Process)
{
    ULONG Fd;

    for (Fd = 0; Fd < LX_MAX_FDS; Fd++)
    {
        PLX_FILE File;

        ExAcquireFastMutex(&Process->FdLock);
        File = Process->Fds[Fd];
        Process->Fds[Fd] = NULL;
        ExReleaseFastMutex(&Process->FdLock);
        if (File != NULL)
            LxDereferenceFile(File);
    }
}

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
