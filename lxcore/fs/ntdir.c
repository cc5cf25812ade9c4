/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     File kind: an NT directory opened by path; getdents64 lists it, with "." and
 *              ".." first and inode numbers as stat() reports them
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

#define LX_DIR_BUFFER           0x4000

typedef struct _LX_NT_DIR
{
    LX_NT_OBJECT Object;
    BOOLEAN Restart;            /* the next query restarts the scan */
    BOOLEAN End;                /* no more entries from the file system */
    UCHAR DotsDone;             /* how many of "." and ".." were returned */
    PUCHAR Data;                /* pending FILE_DIRECTORY_INFORMATION entries */
    ULONG DataLength;
    ULONG DataPosition;         /* the next pending entry in Data */
} LX_NT_DIR, *PLX_NT_DIR;

static
LONG
LxNtDirGetdents(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Dirent,
    _In_ ULONG Count)
{
    PLX_NT_DIR Dir = File->Private;
    PUCHAR Out = NULL;
    PCHAR Name = NULL, Full = NULL;
    ULONG Used = 0, OutSize;
    LONG Result = 0;

    OutSize = min(Count, 0x10000);
    Out = ExAllocatePoolWithTag(PagedPool, max(OutSize, 1), LX_TAG_TEMP);
    Name = ExAllocatePoolWithTag(PagedPool, LX_NAME_MAX * 4 + 1, LX_TAG_TEMP);
    Full = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (Out == NULL || Name == NULL || Full == NULL)
    {
        Result = -LX_ENOMEM;
        goto Cleanup;
    }

    ExAcquireFastMutex(&File->Lock);
    if (Dir->Data == NULL)
    {
        Dir->Data = ExAllocatePoolWithTag(PagedPool, LX_DIR_BUFFER, LX_TAG_FILE);
        Dir->DataLength = Dir->DataPosition = 0;
        if (Dir->Data == NULL)
        {
            ExReleaseFastMutex(&File->Lock);
            Result = -LX_ENOMEM;
            goto Cleanup;
        }
    }
    for (;;)
    {
        PFILE_DIRECTORY_INFORMATION Entry;
        ULONG NameLength;
        ULONGLONG Inode;
        LONGLONG Next;
        UCHAR Type;
        LX_META_INFO Meta;
        int n;

        /* "." and ".." first, whatever the file system returns (a FAT root has neither) */
        if (Dir->DotsDone < 2)
        {
            PCSTR Dots = Dir->DotsDone == 0 ? "." : "..";

            if (Dir->DotsDone == 0)
                RtlStringCbCopyA(Full, LX_PATH_MAX, File->Path ? File->Path : "/");
            else
                lx_path_resolve(File->Path ? File->Path : "/", "..", Full, LX_PATH_MAX, NULL);
            if (!LxEmitDirent(Out, &Used, OutSize, LxPathInode(Full), File->Offset + 1,
                              LX_DT_DIR, Dots, Dir->DotsDone + 1))
            {
                if (Used == 0)
                    Result = -LX_EINVAL;
                break;
            }
            File->Offset++;
            Dir->DotsDone++;
            continue;
        }

        if (Dir->DataPosition >= Dir->DataLength)
        {
            IO_STATUS_BLOCK IoStatus;
            NTSTATUS Status;

            if (Dir->End)
                break;
            Status = ZwQueryDirectoryFile(Dir->Object.Handle, NULL, NULL, NULL, &IoStatus,
                                          Dir->Data, LX_DIR_BUFFER, FileDirectoryInformation,
                                          FALSE, NULL, Dir->Restart);
            Dir->Restart = FALSE;
            if (Status == STATUS_NO_MORE_FILES || Status == STATUS_NO_SUCH_FILE)
            {
                Dir->End = TRUE;
                break;
            }
            if (!NT_SUCCESS(Status))
            {
                if (Used == 0)
                    Result = LxStatusToErrno(Status);
                break;
            }
            Dir->DataLength = (ULONG)IoStatus.Information;
            Dir->DataPosition = 0;
            if (Dir->DataLength == 0)
            {
                Dir->End = TRUE;
                break;
            }
        }

        Entry = (PFILE_DIRECTORY_INFORMATION)(Dir->Data + Dir->DataPosition);
        n = lx_nt_name_to_linux((const uint16_t *)Entry->FileName,
                                Entry->FileNameLength / sizeof(WCHAR),
                                Name, LX_NAME_MAX * 4 + 1);
        Next = Entry->NextEntryOffset ? Dir->DataPosition + Entry->NextEntryOffset :
                                        Dir->DataLength;
        if (n < 0)
        {
            /* a name Linux cannot hold (longer than NAME_MAX bytes): skipped */
            Dir->DataPosition = (ULONG)Next;
            continue;
        }
        NameLength = (ULONG)n;
        if (strcmp(Name, ".") == 0 || strcmp(Name, "..") == 0)
        {
            Dir->DataPosition = (ULONG)Next;   /* already returned */
            continue;
        }

        /* inode numbers: the same path hash stat() reports */
        if (lx_path_resolve(File->Path ? File->Path : "/", Name, Full, LX_PATH_MAX, NULL) < 0)
            Full[0] = ANSI_NULL;
        if (LxMetaReservedPath(LxCurrentProcess(), Full))
        {
            Dir->DataPosition = (ULONG)Next;   /* the metadata journal (meta.c) */
            continue;
        }
        Inode = LxPathInode(Full);
        /* symlinks are SYSTEM files (see vfs.c) */
        Type = (Entry->FileAttributes & FILE_ATTRIBUTE_DIRECTORY) ? LX_DT_DIR :
               (Entry->FileAttributes & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_SYSTEM)) ?
                   LX_DT_LNK : LX_DT_REG;
        /* a node made with mknod is an empty NT file: its type is in the metadata table; so
         * is a hard link's name, which has its inode's type and number */
        if (Type == LX_DT_REG && LxMetaGet(LxCurrentProcess(), Full, &Meta))
        {
            switch (Meta.Mode & LX_S_IFMT)
            {
                case LX_S_IFIFO: Type = LX_DT_FIFO; break;
                case LX_S_IFCHR: Type = LX_DT_CHR; break;
                case LX_S_IFBLK: Type = LX_DT_BLK; break;
                case LX_S_IFSOCK: Type = LX_DT_SOCK; break;
                case LX_S_IFLNK: Type = LX_DT_LNK; break;
            }
            if (Meta.Nlink != 0)
            {
                CHAR InodePath[LX_INODE_PATH_MAX];

                LxInodePath(Meta.Inode, InodePath);
                Inode = LxPathInode(InodePath);
            }
        }
        if (!LxEmitDirent(Out, &Used, OutSize, Inode, File->Offset + 1, Type, Name, NameLength))
        {
            if (Used == 0)
                Result = -LX_EINVAL;    /* buffer too small for one entry */
            break;
        }
        File->Offset++;
        Dir->DataPosition = (ULONG)Next;
    }
    ExReleaseFastMutex(&File->Lock);
    Result = LxDirentsToUser(Dirent, Out, Used, Result);

Cleanup:
    if (Out)
        ExFreePoolWithTag(Out, LX_TAG_TEMP);
    if (Name)
        ExFreePoolWithTag(Name, LX_TAG_TEMP);
    if (Full)
        ExFreePoolWithTag(Full, LX_TAG_TEMP);
    return Result;
}

static
LONG
LxNtDirSeek(
    _In_ PLX_FILE File,
    _In_ LONGLONG Offset,
    _In_ ULONG Whence,
    _Out_ PLONGLONG NewOffset)
{
    PLX_NT_DIR Dir = File->Private;
    LONGLONG End = 0;
    LONG Result = 0;

    ExAcquireFastMutex(&File->Lock);
    if (Whence == LX_SEEK_END)
        Result = LxNtEndOfFile(Dir->Object.Handle, &End);
    if (Result == 0)
        Result = LxSeekWithin(File, Offset, Whence, End, NewOffset);
    if (Result == 0 && File->Offset == 0)
    {
        /* rewinddir: the next getdents64 starts the scan again */
        Dir->Restart = TRUE;
        Dir->End = FALSE;
        Dir->DotsDone = 0;
        Dir->DataLength = Dir->DataPosition = 0;
    }
    ExReleaseFastMutex(&File->Lock);
    return Result;
}

static
LONG
LxNtDirStat(
    _In_ PLX_FILE File,
    _Out_ struct _LX_STAT64 *St)
{
    return LxNtStat(LxNtHandle(File), File->Path, St);
}

static
VOID
LxNtDirRelease(
    _In_ PLX_FILE File)
{
    PLX_NT_DIR Dir = File->Private;

    if (Dir->Data != NULL)
        ExFreePoolWithTag(Dir->Data, LX_TAG_FILE);
    LxNtObjectRelease(File);
}

static const LX_FILE_OPERATIONS LxNtDirOperations =
{
    .Kind = "NT directory",
    .Read = LxDirectoryReadWrite,
    .Write = LxDirectoryReadWrite,
    .Seek = LxNtDirSeek,
    .Getdents = LxNtDirGetdents,
    .Stat = LxNtDirStat,
    .Statfs = LxNtObjectStatfs,
    .Fsync = LxNtObjectFsync,
    .Setattr = LxNtObjectSetattr,
    .Identity = LxNtObjectIdentity,
    .Release = LxNtDirRelease,
};

/* Takes over Handle and Path (LX_TAG_FILE pool) */
LONG
LxCreateNtDirectory(
    _In_ HANDLE Handle,
    _In_ ULONG StatusFlags,
    _In_ PCHAR Path,
    _Out_ PLX_FILE *File)
{
    LONG Result = LxCreateNtObjectFile(&LxNtDirOperations, StatusFlags, LX_S_IFDIR, sizeof(LX_NT_DIR),
                                       Handle, File);

    if (Result < 0)
    {
        ExFreePoolWithTag(Path, LX_TAG_FILE);
        return Result;
    }
    ((PLX_NT_DIR)(*File)->Private)->Restart = TRUE;
    (*File)->Path = Path;
    return 0;
}
