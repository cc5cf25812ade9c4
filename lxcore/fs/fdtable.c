/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The per-process descriptor table: descriptors, close-on-exec flags and
 *              RLIMIT_NOFILE
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

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
    return (ULONG)min(Process->Limits.RlimitCur[LX_RLIMIT_NOFILE], (ULONGLONG)LX_MAX_FDS);
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
    if (Old->Ops->Close != NULL)
        Old->Ops->Close(Old);
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

LONG
LxGetCloexec(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Fd)
{
    LONG Cloexec;

    if (Fd >= LX_MAX_FDS)
        return -LX_EBADF;
    ExAcquireFastMutex(&Process->FdLock);
    Cloexec = Process->Fds[Fd] == NULL ? -LX_EBADF : Process->FdCloexec[Fd];
    ExReleaseFastMutex(&Process->FdLock);
    return Cloexec;
}

VOID
LxSetCloexec(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Fd,
    _In_ BOOLEAN Cloexec)
{
    if (Fd >= LX_MAX_FDS)
        return;
    ExAcquireFastMutex(&Process->FdLock);
    if (Process->Fds[Fd] != NULL)
        Process->FdCloexec[Fd] = Cloexec ? 1 : 0;
    ExReleaseFastMutex(&Process->FdLock);
}
