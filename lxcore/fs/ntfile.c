/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     File kind: an NT file opened by path (regular files, and O_PATH opens of
 *              anything, symbolic links included) through a kernel handle
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

typedef struct _LX_NT_FILE
{
    LX_NT_OBJECT Object;        /* the handle (ntio.c's shared operations use it) */
    BOOLEAN IsSymlink;          /* O_PATH|O_NOFOLLOW open of a symbolic link */
    ULONG SymlinkLength;        /* its target's length (st_size) */
} LX_NT_FILE, *PLX_NT_FILE;

static
LONG
LxNtFileRead(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    return LxNtTransfer(File, LxNtHandle(File), TRUE, FALSE, Buffer, Count, Position);
}

static
LONG
LxNtFileWrite(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    return LxNtTransfer(File, LxNtHandle(File), TRUE, TRUE, Buffer, Count, Position);
}

static
LONG
LxNtFileSeek(
    _In_ PLX_FILE File,
    _In_ LONGLONG Offset,
    _In_ ULONG Whence,
    _Out_ PLONGLONG NewOffset)
{
    LONGLONG End = 0;
    LONG Result = 0;

    ExAcquireFastMutex(&File->Lock);
    if (Whence == LX_SEEK_END)
        Result = LxNtEndOfFile(LxNtHandle(File), &End);
    if (Result == 0)
        Result = LxSeekWithin(File, Offset, Whence, End, NewOffset);
    ExReleaseFastMutex(&File->Lock);
    return Result;
}

static
LONG
LxNtFileMmap(
    _In_ PLX_FILE File,
    _In_ BOOLEAN Shared,
    _Out_ PLX_SHARED_MEMORY *Memory)
{
    LONGLONG End;
    LONG Result;

    /* MAP_PRIVATE: a copy; MAP_SHARED: a section of the file, so that the mapping, read and
     * write see the same bytes. An empty file has no section (NT refuses one): nothing of it
     * may be touched, as every page is past its end. */
    if (!Shared)
        return LX_MMAP_COPY;
    Result = LxNtEndOfFile(LxNtHandle(File), &End);
    if (Result < 0 || End == 0)
        return Result < 0 ? Result : LX_MMAP_EMPTY;
    Result = LxSharedMemoryFromFile(LxNtHandle(File), (ULONGLONG)End, Memory);
    return Result < 0 ? Result : LX_MMAP_SHARED;
}

static
LONG
LxNtFileStat(
    _In_ PLX_FILE File,
    _Out_ struct _LX_STAT64 *St)
{
    PLX_NT_FILE NtFile = File->Private;
    LONG Result = LxNtStat(LxNtHandle(File), File->Path, St);

    if (Result == 0 && NtFile->IsSymlink)
    {
        St->StMode = LX_S_IFLNK | 0777;
        St->StSize = NtFile->SymlinkLength;
    }
    return Result;
}

static
LONG
LxNtFileTruncate(
    _In_ PLX_FILE File,
    _In_ LONGLONG Length)
{
    FILE_END_OF_FILE_INFORMATION EndOfFile;
    IO_STATUS_BLOCK IoStatus;
    NTSTATUS Status;

    EndOfFile.EndOfFile.QuadPart = Length;
    Status = ZwSetInformationFile(LxNtHandle(File), &IoStatus, &EndOfFile, sizeof(EndOfFile),
                                  FileEndOfFileInformation);
    return NT_SUCCESS(Status) ? 0 : LxStatusToErrno(Status);
}

static const LX_FILE_OPERATIONS LxNtFileOperations =
{
    .Kind = "NT file",
    .Read = LxNtFileRead,
    .Write = LxNtFileWrite,
    .Seek = LxNtFileSeek,
    .Mmap = LxNtFileMmap,
    .Stat = LxNtFileStat,
    .Statfs = LxNtObjectStatfs,
    .Truncate = LxNtFileTruncate,
    .Fsync = LxNtObjectFsync,
    .Setattr = LxNtObjectSetattr,
    .Identity = LxNtObjectIdentity,
    .Release = LxNtObjectRelease,
};

/* Takes over Handle and Path (LX_TAG_FILE pool). SymlinkLength >= 0: an O_PATH open of a
 * symbolic link whose target has that length. */
LONG
LxCreateNtFile(
    _In_ HANDLE Handle,
    _In_ ULONG StatusFlags,
    _In_ PCHAR Path,
    _In_ LONG SymlinkLength,
    _Out_ PLX_FILE *File)
{
    PLX_NT_FILE NtFile;
    LONG Result;

    Result = LxCreateNtObjectFile(&LxNtFileOperations, StatusFlags, SymlinkLength >= 0 ? LX_S_IFLNK : LX_S_IFREG,
                                  sizeof(LX_NT_FILE), Handle, File);
    if (Result < 0)
    {
        ExFreePoolWithTag(Path, LX_TAG_FILE);
        return Result;
    }
    NtFile = (*File)->Private;
    NtFile->IsSymlink = SymlinkLength >= 0;
    NtFile->SymlinkLength = SymlinkLength >= 0 ? (ULONG)SymlinkLength : 0;
    (*File)->Flags = LX_FILE_PREAD;
    (*File)->Path = Path;
    return 0;
}
