/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Open file descriptions and the generic file operations: what every kind has
 *              in common, then the kind's own operation, or Linux's answer when it has none
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

/* Live descriptions of each kind (IOCTL_LXSS_QUERY_COUNTERS), by operations table */
typedef struct _LX_FILE_KIND_COUNT
{
    PCLX_FILE_OPERATIONS Ops;
    LONG Live;
} LX_FILE_KIND_COUNT, *PLX_FILE_KIND_COUNT;

static LX_FILE_KIND_COUNT LxFileKinds[LXSS_COUNTER_KINDS];
static KSPIN_LOCK LxFileKindLock;   /* zero, an initialised spin lock; guards adding a kind */
static LONG LxLiveFiles;            /* of all kinds */
static ULONG LxMaxFiles;            /* fs.file-max, set on first use */

#define LX_NR_FILE  8192            /* Linux's least file-max */

/* fs.file-max as Linux sizes it: a tenth of the memory in KiB, at least 8192 */
ULONG
LxFileMax(VOID)
{
    SYSTEM_BASIC_INFORMATION Basic;
    ULONG Max = LX_NR_FILE;

    if (LxMaxFiles != 0)
        return LxMaxFiles;
    if (NT_SUCCESS(ZwQuerySystemInformation(SystemBasicInformation, &Basic, sizeof(Basic), NULL)))
        Max = max(Max, Basic.NumberOfPhysicalPages * (PAGE_SIZE / 1024) / 10);
    LxMaxFiles = Max;
    return Max;
}

ULONG
LxFileCount(VOID)
{
    return (ULONG)LxLiveFiles;
}

/* Whether a new description would pass fs.file-max: ENFILE, for all but root (Linux lets
 * CAP_SYS_ADMIN go on) and lxcore itself (no Linux process: the launcher's stdio) */
BOOLEAN
LxFilesExhausted(VOID)
{
    PLX_PROCESS Process = LxCurrentProcess();

    return (ULONG)LxLiveFiles >= LxFileMax() && Process != NULL &&
           Process->Cred.User.effective != 0;
}

/* What a failed LxAllocateFile means: -ENFILE past fs.file-max, else -ENOMEM */
LONG
LxNoFile(VOID)
{
    return LxFilesExhausted() ? -LX_ENFILE : -LX_ENOMEM;
}

/* The slot of Ops's kind: kinds are only ever added, so a known one is found without the
 * lock; the last slot takes every kind beyond the table */
static
PLX_FILE_KIND_COUNT
LxFileKindOf(
    _In_ PCLX_FILE_OPERATIONS Ops)
{
    KIRQL OldIrql;
    ULONG i;

    for (i = 0; i < LXSS_COUNTER_KINDS - 1 && LxFileKinds[i].Ops != Ops; i++)
    {
        if (LxFileKinds[i].Ops != NULL)
            continue;
        /* a new kind: added under the lock, unless another processor was first */
        KeAcquireSpinLock(&LxFileKindLock, &OldIrql);
        if (LxFileKinds[i].Ops == NULL)
            LxFileKinds[i].Ops = Ops;
        KeReleaseSpinLock(&LxFileKindLock, OldIrql);
        if (LxFileKinds[i].Ops == Ops)
            break;
    }
    if (LxFileKinds[i].Ops == NULL)
        LxFileKinds[i].Ops = Ops;   /* the last slot's first kind names nothing: "other" */
    return &LxFileKinds[i];
}

static
VOID
LxCountFile(
    _In_ PCLX_FILE_OPERATIONS Ops,
    _In_ LONG Delta)
{
    InterlockedExchangeAdd(&LxFileKindOf(Ops)->Live, Delta);
    InterlockedExchangeAdd(&LxLiveFiles, Delta);
}

/* The live descriptions of each kind seen so far (at most Max kinds) and of all kinds; read
 * without a lock: the table only grows */
ULONG
LxFileCounts(
    _Out_writes_(Max) PLXSS_FILE_COUNT Kinds,
    _In_ ULONG Max,
    _Out_ PULONG Total)
{
    ULONG i, Count = 0;

    *Total = (ULONG)LxLiveFiles;
    for (i = 0; i < LXSS_COUNTER_KINDS && LxFileKinds[i].Ops != NULL && Count < Max; i++)
    {
        RtlStringCbCopyA(Kinds[Count].Kind, sizeof(Kinds[Count].Kind),
                         i == LXSS_COUNTER_KINDS - 1 ? "other" : LxFileKinds[i].Ops->Kind);
        Kinds[Count].Live = (ULONG)LxFileKinds[i].Live;
        Count++;
    }
    return Count;
}

/* One allocation: the description, then PrivateSize bytes of the kind's state (zeroed).
 * NULL: no memory, or fs.file-max reached (LxNoFile tells which). */
PLX_FILE
LxAllocateFile(
    _In_ PCLX_FILE_OPERATIONS Ops,
    _In_ ULONG StatusFlags,
    _In_ ULONG Mode,
    _In_ SIZE_T PrivateSize)
{
    PLX_FILE File;

    if (LxFilesExhausted())
        return NULL;
    File = ExAllocatePoolWithTag(NonPagedPool, sizeof(*File) + PrivateSize, LX_TAG_FILE);
    if (File == NULL)
        return NULL;
    RtlZeroMemory(File, sizeof(*File) + PrivateSize);
    LxCountFile(Ops, 1);
    File->RefCount = 1;
    File->Ops = Ops;
    File->Private = PrivateSize ? (PVOID)(File + 1) : NULL;
    File->StatusFlags = StatusFlags;
    File->Mode = Mode;
    ExInitializeFastMutex(&File->Lock);
    InitializeListHead(&File->EpollItems);
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
    if (File->Flags & LX_FILE_EPOLLED)
        LxEpollForgetFile(File);
    if (File->Ops->Release != NULL)
        File->Ops->Release(File);
    if (File->Path != NULL)
        ExFreePoolWithTag(File->Path, LX_TAG_FILE);
    LxCountFile(File->Ops, -1);
    ExFreePoolWithTag(File, LX_TAG_FILE);
}

BOOLEAN
LxFileIsDirectory(
    _In_ PLX_FILE File)
{
    return (File->Mode & LX_S_IFMT) == LX_S_IFDIR;
}

LONG
LxFileRead(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    if ((File->StatusFlags & LX_O_ACCMODE) == LX_O_WRONLY || (File->StatusFlags & LX_O_PATH))
        return -LX_EBADF;
    if (Position != NULL && !(File->Flags & LX_FILE_PREAD))
        return -LX_ESPIPE;
    if (File->Ops->Read == NULL)
        return -LX_EINVAL;
    return File->Ops->Read(File, Buffer, min(Count, LX_MAX_IO), Position);
}

LONG
LxFileWrite(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    if ((File->StatusFlags & LX_O_ACCMODE) == LX_O_RDONLY || (File->StatusFlags & LX_O_PATH))
        return -LX_EBADF;
    if (Position != NULL && !(File->Flags & LX_FILE_PREAD))
        return -LX_ESPIPE;
    if (File->Ops->Write == NULL)
        return -LX_EINVAL;
    return File->Ops->Write(File, Buffer, min(Count, LX_MAX_IO), Position);
}

LONG
LxFileSeek(
    _In_ PLX_FILE File,
    _In_ LONGLONG Offset,
    _In_ ULONG Whence,
    _Out_ PLONGLONG NewOffset)
{
    if (File->Ops->Seek == NULL)
        return -LX_ESPIPE;
    if (Whence > LX_SEEK_END)
        return -LX_EINVAL;
    return File->Ops->Seek(File, Offset, Whence, NewOffset);
}

LONG
LxFileGetdents(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ ULONG Count)
{
    if (File->StatusFlags & LX_O_PATH)
        return -LX_EBADF;
    if (File->Ops->Getdents == NULL)
        return -LX_ENOTDIR;
    return File->Ops->Getdents(File, Buffer, Count);
}

LONG
LxFileIoctl(
    _In_ PLX_FILE File,
    _In_ ULONG Cmd,
    _In_ ULONG_PTR Arg)
{
    if (File->StatusFlags & LX_O_PATH)
        return -LX_EBADF;
    if (File->Ops->Ioctl == NULL)
        return -LX_ENOTTY;
    return File->Ops->Ioctl(File, Cmd, Arg);
}

ULONG
LxFilePoll(
    _In_ PLX_FILE File,
    _In_opt_ PLX_POLL_TABLE Table)
{
    if (File->StatusFlags & LX_O_PATH)
        return LX_POLLNVAL;
    if (File->Ops->Poll == NULL)
        return LX_DEFAULT_POLLMASK;
    return File->Ops->Poll(File, Table);
}

LONG
LxFileMmap(
    _In_ PLX_FILE File,
    _In_ BOOLEAN Shared,
    _Out_ PLX_SHARED_MEMORY *Memory)
{
    *Memory = NULL;
    if (File->StatusFlags & LX_O_PATH)
        return -LX_EBADF;
    if ((File->StatusFlags & LX_O_ACCMODE) == LX_O_WRONLY)
        return -LX_EACCES;
    if (File->Ops->Mmap == NULL)
        return -LX_ENODEV;
    return File->Ops->Mmap(File, Shared, Memory);
}

LONG
LxFileStat(
    _In_ PLX_FILE File,
    _Out_ struct _LX_STAT64 *St)
{
    RtlZeroMemory(St, sizeof(*St));
    St->StBlksize = 4096;
    St->StNlink = 1;
    if (File->Ops->Stat == NULL)
        return LxAnonInodeStat(File, St);   /* every kind should say what it is */
    return File->Ops->Stat(File, St);
}

LONG
LxFileStatfs(
    _In_ PLX_FILE File,
    _Out_ lx_statfs_info *Info)
{
    if (File->Path != NULL && LxVirtualStatfs(File->Path, Info))
        return 0;
    if (File->Ops->Statfs == NULL)
        return LxAnonInodeStatfs(File, Info);
    return File->Ops->Statfs(File, Info);
}

LONG
LxFileTruncate(
    _In_ PLX_FILE File,
    _In_ LONGLONG Length)
{
    if (File->StatusFlags & LX_O_PATH)
        return -LX_EBADF;
    if (Length < 0 || (File->StatusFlags & LX_O_ACCMODE) == LX_O_RDONLY || File->Ops->Truncate == NULL)
        return -LX_EINVAL;
    return File->Ops->Truncate(File, Length);
}

LONG
LxFileFsync(
    _In_ PLX_FILE File)
{
    if (File->StatusFlags & LX_O_PATH)
        return -LX_EBADF;
    if (File->Ops->Fsync == NULL)
        return -LX_EINVAL;
    return File->Ops->Fsync(File);
}

LONG
LxFileSetattr(
    _In_ PLX_FILE File,
    _In_ const LX_SETATTR *Attr)
{
    /* a kind without stored attributes (pipefs, devtmpfs) accepts and keeps nothing */
    if (File->Ops->Setattr == NULL)
        return 0;
    return File->Ops->Setattr(File, Attr);
}

LONG
LxFileIdentity(
    _In_ PLX_FILE File,
    _Out_ PULONGLONG Volume,
    _Out_ PULONGLONG Index,
    _Out_opt_ PULONGLONG Size)
{
    if (File->Ops->Identity != NULL)
        return File->Ops->Identity(File, Volume, Index, Size);
    /* lxcore's own kinds: no NT volume; the description itself */
    *Volume = ~0ULL;
    *Index = (ULONG_PTR)File;
    if (Size)
        *Size = 0;
    return 0;
}

LONG
LxFileName(
    _In_ PLX_FILE File,
    _Out_writes_(Size) PCHAR Buffer,
    _In_ ULONG Size)
{
    if (File->Ops->Name != NULL)
        return File->Ops->Name(File, Buffer, Size);
    if (File->Path != NULL)
        return NT_SUCCESS(RtlStringCbCopyA(Buffer, Size, File->Path)) ? 0 : -LX_ENAMETOOLONG;
    return NT_SUCCESS(RtlStringCbPrintfA(Buffer, Size, "anon_inode:[%s]", File->Ops->Kind)) ?
           0 : -LX_ENAMETOOLONG;
}

/* ---------------------------------------------------------------------------------------- */
/* Helpers the kinds share                                                                 */

/* lseek within a file of End bytes (under File->Lock) */
LONG
LxSeekWithin(
    _In_ PLX_FILE File,
    _In_ LONGLONG Offset,
    _In_ ULONG Whence,
    _In_ LONGLONG End,
    _Out_ PLONGLONG NewOffset)
{
    LONGLONG Base = Whence == LX_SEEK_SET ? 0 : Whence == LX_SEEK_CUR ? File->Offset : End;

    if ((Offset > 0 && Base > MAXLONGLONG - Offset) || Base + Offset < 0)
        return -LX_EINVAL;
    File->Offset = Base + Offset;
    *NewOffset = File->Offset;
    return 0;
}

/* LxSeekWithin with File->Lock taken: kinds whose size is known without asking anyone */
LONG
LxSeekLocked(
    _In_ PLX_FILE File,
    _In_ LONGLONG Offset,
    _In_ ULONG Whence,
    _In_ LONGLONG End,
    _Out_ PLONGLONG NewOffset)
{
    LONG Result;

    ExAcquireFastMutex(&File->Lock);
    Result = LxSeekWithin(File, Offset, Whence, End, NewOffset);
    ExReleaseFastMutex(&File->Lock);
    return Result;
}

/* Character devices whose position means nothing: lseek succeeds and stays at 0 */
LONG
LxNoSeek(
    _In_ PLX_FILE File,
    _In_ LONGLONG Offset,
    _In_ ULONG Whence,
    _Out_ PLONGLONG NewOffset)
{
    UNREFERENCED_PARAMETER(File);
    UNREFERENCED_PARAMETER(Offset);
    UNREFERENCED_PARAMETER(Whence);
    *NewOffset = 0;
    return 0;
}

/* A file system of that type with no sizes */
VOID
LxStatfsDefaults(
    _Out_ lx_statfs_info *Info,
    _In_ ULONG Type)
{
    RtlZeroMemory(Info, sizeof(*Info));
    Info->type = Type;
    Info->bsize = Info->frsize = PAGE_SIZE;
    Info->namelen = 255;
    Info->flags = LX_ST_VALID;
}

/* A character device node of devtmpfs */
VOID
LxStatCharDevice(
    _Out_ struct _LX_STAT64 *St,
    _In_ ULONG Major,
    _In_ ULONG Minor,
    _In_ ULONG Mode)
{
    St->StMode = LX_S_IFCHR | Mode;
    St->StRdev = (Major << 8) | Minor;
    St->StDev = 5;
    St->StIno = St->StIno32 = 0x1000 + (Major << 8) + Minor;
}

/* The one inode of anon_inodefs that eventfd, epoll, timerfd and signalfd descriptions share
 * (mode 0600 without a type, as Linux shows it) */
LONG
LxAnonInodeStat(
    _In_ PLX_FILE File,
    _Out_ struct _LX_STAT64 *St)
{
    UNREFERENCED_PARAMETER(File);
    St->StMode = 0600;
    St->StDev = 14;
    St->StIno = St->StIno32 = 1;
    return 0;
}

LONG
LxAnonInodeStatfs(
    _In_ PLX_FILE File,
    _Out_ lx_statfs_info *Info)
{
    UNREFERENCED_PARAMETER(File);
    LxStatfsDefaults(Info, LX_ANON_INODE_FS_MAGIC);
    return 0;
}

/* Waits (Lock held on entry, released on return) until Queue is woken: 0, or -EAGAIN when
 * NonBlock or once Deadline (LxMonotonicTime; 0: none) has passed, -EINTR when a signal came
 * first. A waker finds the waiter on the queue before Lock is let go. */
LONG
LxWaitUnlock(
    _Inout_ PLX_WAIT_QUEUE Queue,
    _Inout_ PFAST_MUTEX Lock,
    _In_ BOOLEAN NonBlock,
    _In_ ULONGLONG Deadline)
{
    LX_WAITER Waiter;
    PVOID Object = &Waiter.Event;
    LARGE_INTEGER Wait;
    NTSTATUS Status;

    if (NonBlock || (Deadline != 0 && !LxTimeLeft(Deadline, &Wait)))
    {
        ExReleaseFastMutex(Lock);
        return -LX_EAGAIN;
    }
    LxPrepareWait(&Waiter, Queue);
    ExReleaseFastMutex(Lock);
    Status = LxWaitInterruptible(1, &Object, Deadline != 0 ? &Wait : NULL);
    LxFinishWait(&Waiter);
    return Status == STATUS_ALERTED ? -LX_EINTR : 0;
}

/* LxWaitUnlock for File: -EAGAIN at once for a non-blocking description, no deadline */
LONG
LxFileWaitUnlock(
    _In_ PLX_FILE File,
    _Inout_ PLX_WAIT_QUEUE Queue,
    _Inout_ PFAST_MUTEX Lock)
{
    return LxWaitUnlock(Queue, Lock, (File->StatusFlags & LX_O_NONBLOCK) != 0, 0);
}

#define LX_DIRENT_HEADER        19  /* d_ino 8, d_off 8, d_reclen 2, d_type 1 */

/* getdents64's end: the Used bytes of records in Out to the user's Buffer. Returns their
 * count, or Result when there are none (0: the end; -EINVAL: no room for one record). */
LONG
LxDirentsToUser(
    _In_ ULONG_PTR Buffer,
    _In_reads_bytes_(Used) const UCHAR *Out,
    _In_ ULONG Used,
    _In_ LONG Result)
{
    if (Used == 0)
        return Result;
    Result = LxCopyToUser(Buffer, Out, Used);
    return Result < 0 ? Result : (LONG)Used;
}

/* Appends one linux_dirent64 record; FALSE when it does not fit. */
BOOLEAN
LxEmitDirent(
    _Inout_ PUCHAR Out,
    _Inout_ PULONG Used,
    _In_ ULONG OutSize,
    _In_ ULONGLONG Inode,
    _In_ LONGLONG Offset,
    _In_ UCHAR Type,
    _In_ PCSTR Name,
    _In_ ULONG NameLength)
{
    ULONG RecLen = (LX_DIRENT_HEADER + NameLength + 1 + 7) & ~7u;

    if (*Used + RecLen > OutSize)
        return FALSE;
    RtlZeroMemory(Out + *Used, RecLen);
    RtlCopyMemory(Out + *Used, &Inode, 8);
    RtlCopyMemory(Out + *Used + 8, &Offset, 8);
    *(PUSHORT)(Out + *Used + 16) = (USHORT)RecLen;
    Out[*Used + 18] = Type;
    RtlCopyMemory(Out + *Used + LX_DIRENT_HEADER, Name, NameLength);
    *Used += RecLen;
    return TRUE;
}

/* read and write of a directory */
LONG
LxDirectoryReadWrite(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    UNREFERENCED_PARAMETER(File);
    UNREFERENCED_PARAMETER(Buffer);
    UNREFERENCED_PARAMETER(Count);
    UNREFERENCED_PARAMETER(Position);
    return -LX_EISDIR;
}
