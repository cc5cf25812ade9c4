/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     /dev/shm: an in-memory file system (tmpfs) shared by every Linux process, for
 *              POSIX shared memory (shm_open) and named semaphores (sem_open)
 *
 * Nothing of it reaches a disk: it is fast and gone at reboot, as on Linux. A file's bytes
 * are shared memory (kernel/mm.c: a pagefile-backed section), so MAP_SHARED mappings of it in
 * every process, and read and write through descriptors, see the same bytes; futexes in it
 * are keyed by the memory, not the process (kernel/futex.c), so a named semaphore posted in
 * one process wakes a waiter in another. Names are one flat directory; a file may have
 * several (link(2), which the C libraries' sem_open uses) and lives while it has a name or an
 * open description. Limits: resizing a file that is mapped gives the mappings made before it
 * the old bytes (they keep the old memory); a mapping starts at offset 0.
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

#define LX_SHMFS_ROOT       "/dev/shm"
#define LX_SHMFS_MAX_SIZE   0x40000000  /* 1 GiB a file */

typedef struct _LX_SHMFS_NODE
{
    LONG RefCount;              /* one per name and per open description */
    ULONG Mode;                 /* permission bits */
    LONGLONG Size;
    PLX_SHARED_MEMORY Memory;   /* NULL while Size is 0 */
    LARGE_INTEGER ModifyTime;
    ULONG Inode;
} LX_SHMFS_NODE, *PLX_SHMFS_NODE;

typedef struct _LX_SHMFS_NAME
{
    LIST_ENTRY Link;            /* LxShmfsNames */
    PLX_SHMFS_NODE Node;        /* referenced */
    CHAR Name[LX_NAME_MAX + 1];
} LX_SHMFS_NAME, *PLX_SHMFS_NAME;

/* Names and sizes under one lock; the bytes are the memory's */
static FAST_MUTEX LxShmfsLock;
static LIST_ENTRY LxShmfsNames;
static LONG LxShmfsNextInode;

VOID
LxInitializeShmfs(VOID)
{
    ExInitializeFastMutex(&LxShmfsLock);
    InitializeListHead(&LxShmfsNames);
}

/* "/dev/shm/x": "x"; "/dev/shm": ""; NULL when Resolved is elsewhere */
static
PCSTR
LxShmfsName(
    _In_ PCSTR Resolved)
{
    SIZE_T Length = sizeof(LX_SHMFS_ROOT) - 1;

    if (strncmp(Resolved, LX_SHMFS_ROOT, Length) != 0 || (Resolved[Length] != ANSI_NULL && Resolved[Length] != '/'))
        return NULL;
    return Resolved[Length] == '/' ? Resolved + Length + 1 : Resolved + Length;
}

BOOLEAN
LxShmfsOwns(
    _In_ PCSTR Resolved)
{
    return LxShmfsName(Resolved) != NULL;
}

static
VOID
LxShmfsRelease(
    _In_ PLX_SHMFS_NODE Node)
{
    if (InterlockedDecrement(&Node->RefCount) != 0)
        return;
    if (Node->Memory != NULL)
        LxSharedMemoryDereference(Node->Memory);
    ExFreePoolWithTag(Node, LX_TAG_SHARED);
}

/* The entry of a name (under the lock) */
static
PLX_SHMFS_NAME
LxShmfsLookup(
    _In_ PCSTR Name)
{
    PLIST_ENTRY Link;

    for (Link = LxShmfsNames.Flink; Link != &LxShmfsNames; Link = Link->Flink)
    {
        PLX_SHMFS_NAME Entry = CONTAINING_RECORD(Link, LX_SHMFS_NAME, Link);
        if (strcmp(Entry->Name, Name) == 0)
            return Entry;
    }
    return NULL;
}

/* A name is one component, not too long; "" is the directory itself */
static
LONG
LxShmfsCheckName(
    _In_ PCSTR Name)
{
    if (strchr(Name, '/') != NULL)
        return -LX_ENOENT;      /* no subdirectories */
    if (strlen(Name) > LX_NAME_MAX)
        return -LX_ENAMETOOLONG;
    return 0;
}

/* Adds a name for Node (under the lock) */
static
LONG
LxShmfsAddName(
    _In_ PCSTR Name,
    _In_ PLX_SHMFS_NODE Node)
{
    PLX_SHMFS_NAME Entry = ExAllocatePoolWithTag(PagedPool, sizeof(*Entry), LX_TAG_SHARED);

    if (Entry == NULL)
        return -LX_ENOSPC;
    RtlStringCbCopyA(Entry->Name, sizeof(Entry->Name), Name);
    Entry->Node = Node;
    InterlockedIncrement(&Node->RefCount);
    InsertTailList(&LxShmfsNames, &Entry->Link);
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* The file kind                                                                           */

static
PLX_SHMFS_NODE
LxShmfsNodeOf(
    _In_ PLX_FILE File)
{
    return *(PLX_SHMFS_NODE *)File->Private;
}

static
LONG
LxShmfsTransfer(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position,
    _In_ BOOLEAN Write)
{
    PLX_SHMFS_NODE Node = LxShmfsNodeOf(File);
    LONGLONG Start, End;
    LONG Result = 0;

    ExAcquireFastMutex(&File->Lock);
    ExAcquireFastMutex(&LxShmfsLock);
    Start = Position ? *Position : (Write && (File->StatusFlags & LX_O_APPEND)) ? Node->Size : File->Offset;
    End = Start + (LONGLONG)Count;
    if (Write && End > Node->Size)
    {
        /* a write past the end grows the file */
        Result = End > LX_SHMFS_MAX_SIZE ? -LX_EFBIG : LxSharedMemoryResize(&Node->Memory, (SIZE_T)End);
        if (Result == 0)
            Node->Size = End;
    }
    if (!Write)
        End = min(End, Node->Size);
    if (Result == 0 && End > Start)
        Result = LxSharedMemoryCopy(Node->Memory, (SIZE_T)Start, Buffer, (SIZE_T)(End - Start), !Write);
    if (Result == 0 && Write)
        KeQuerySystemTime(&Node->ModifyTime);
    ExReleaseFastMutex(&LxShmfsLock);
    if (Result == 0 && End > Start && Position == NULL)
        File->Offset = End;
    ExReleaseFastMutex(&File->Lock);
    return Result < 0 ? Result : (LONG)max(End - Start, 0);
}

static
LONG
LxShmfsRead(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    return LxShmfsTransfer(File, Buffer, Count, Position, FALSE);
}

static
LONG
LxShmfsWrite(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    return LxShmfsTransfer(File, Buffer, Count, Position, TRUE);
}

static
LONG
LxShmfsSeek(
    _In_ PLX_FILE File,
    _In_ LONGLONG Offset,
    _In_ ULONG Whence,
    _Out_ PLONGLONG NewOffset)
{
    return LxSeekLocked(File, Offset, Whence, LxShmfsNodeOf(File)->Size, NewOffset);
}

static
LONG
LxShmfsTruncate(
    _In_ PLX_FILE File,
    _In_ LONGLONG Length)
{
    PLX_SHMFS_NODE Node = LxShmfsNodeOf(File);
    LONG Result;

    if (Length > LX_SHMFS_MAX_SIZE)
        return -LX_EFBIG;
    ExAcquireFastMutex(&LxShmfsLock);
    Result = LxSharedMemoryResize(&Node->Memory, (SIZE_T)Length);
    if (Result == 0)
    {
        Node->Size = Length;
        KeQuerySystemTime(&Node->ModifyTime);
    }
    ExReleaseFastMutex(&LxShmfsLock);
    return Result;
}

static
LONG
LxShmfsMmap(
    _In_ PLX_FILE File,
    _In_ BOOLEAN Shared,
    _Out_ PLX_SHARED_MEMORY *Memory)
{
    PLX_SHMFS_NODE Node = LxShmfsNodeOf(File);

    if (!Shared)
        return LX_MMAP_COPY;
    ExAcquireFastMutex(&LxShmfsLock);
    *Memory = Node->Memory;
    if (*Memory != NULL)
        InterlockedIncrement(&(*Memory)->RefCount);
    ExReleaseFastMutex(&LxShmfsLock);
    return *Memory != NULL ? LX_MMAP_SHARED : -LX_ENXIO;     /* an empty file: nothing to share */
}

static
LONG
LxShmfsStat(
    _In_ PLX_FILE File,
    _Out_ struct _LX_STAT64 *St)
{
    PLX_SHMFS_NODE Node = LxShmfsNodeOf(File);
    lx_timespec64 Ts;

    ExAcquireFastMutex(&LxShmfsLock);
    St->StMode = LX_S_IFREG | Node->Mode;
    St->StSize = Node->Size;
    St->StBlocks = (ULONGLONG)(Node->Size + 511) / 512;
    St->StNlink = (ULONG)max(Node->RefCount - 1, 1);
    lx_nt_time_to_timespec(Node->ModifyTime.QuadPart, &Ts);
    ExReleaseFastMutex(&LxShmfsLock);
    St->StDev = 0x17;
    St->StIno = St->StIno32 = Node->Inode;
    St->StAtime = St->StMtime = St->StCtime = (ULONG)Ts.sec;
    St->StAtimeNsec = St->StMtimeNsec = St->StCtimeNsec = (ULONG)Ts.nsec;
    return 0;
}

static
LONG
LxShmfsStatfs(
    _In_ PLX_FILE File,
    _Out_ lx_statfs_info *Info)
{
    UNREFERENCED_PARAMETER(File);
    LxStatfsDefaults(Info, LX_TMPFS_MAGIC);
    return 0;
}

static
LONG
LxShmfsSetattr(
    _In_ PLX_FILE File,
    _In_ const LX_SETATTR *Attr)
{
    PLX_SHMFS_NODE Node = LxShmfsNodeOf(File);

    ExAcquireFastMutex(&LxShmfsLock);
    if (Attr->Valid & LX_SETATTR_MODE)
        Node->Mode = Attr->Mode & 07777;
    if ((Attr->Valid & LX_SETATTR_TIMES) && Attr->WriteTime.QuadPart != 0)
        Node->ModifyTime = Attr->WriteTime;
    ExReleaseFastMutex(&LxShmfsLock);
    return 0;
}

static
LONG
LxShmfsFsync(
    _In_ PLX_FILE File)
{
    UNREFERENCED_PARAMETER(File);
    return 0;
}

static
LONG
LxShmfsIdentity(
    _In_ PLX_FILE File,
    _Out_ PULONGLONG Volume,
    _Out_ PULONGLONG Index,
    _Out_opt_ PULONGLONG Size)
{
    PLX_SHMFS_NODE Node = LxShmfsNodeOf(File);

    *Volume = 0x17;
    *Index = Node->Inode;
    if (Size)
        *Size = (ULONGLONG)Node->Size;
    return 0;
}

static
VOID
LxShmfsReleaseFile(
    _In_ PLX_FILE File)
{
    LxShmfsRelease(LxShmfsNodeOf(File));
}

static const LX_FILE_OPERATIONS LxShmfsFileOperations =
{
    .Kind = "tmpfs file",
    .Read = LxShmfsRead,
    .Write = LxShmfsWrite,
    .Seek = LxShmfsSeek,
    .Mmap = LxShmfsMmap,
    .Stat = LxShmfsStat,
    .Statfs = LxShmfsStatfs,
    .Truncate = LxShmfsTruncate,
    .Fsync = LxShmfsFsync,
    .Setattr = LxShmfsSetattr,
    .Identity = LxShmfsIdentity,
    .Release = LxShmfsReleaseFile,
};

/* ---------------------------------------------------------------------------------------- */
/* The directory                                                                           */

/* Entry N of the listing: ".", "..", then the names in creation order */
static
BOOLEAN
LxShmfsDirEntry(
    _In_ ULONG Index,
    _Out_writes_(LX_NAME_MAX + 1) PCHAR Name,
    _Out_ PULONGLONG Inode,
    _Out_ PUCHAR Type)
{
    PLIST_ENTRY Link;

    *Type = LX_DT_DIR;
    *Inode = 1;
    if (Index < 2)
    {
        RtlStringCbCopyA(Name, LX_NAME_MAX + 1, Index == 0 ? "." : "..");
        return TRUE;
    }
    for (Link = LxShmfsNames.Flink, Index -= 2; Link != &LxShmfsNames; Link = Link->Flink, Index--)
    {
        PLX_SHMFS_NAME Entry = CONTAINING_RECORD(Link, LX_SHMFS_NAME, Link);

        if (Index == 0)
        {
            RtlStringCbCopyA(Name, LX_NAME_MAX + 1, Entry->Name);
            *Inode = Entry->Node->Inode;
            *Type = LX_DT_REG;
            return TRUE;
        }
    }
    return FALSE;
}

static
LONG
LxShmfsGetdents(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ ULONG Count)
{
    CHAR Name[LX_NAME_MAX + 1];
    ULONG Used = 0, OutSize = min(Count, 0x10000);
    PUCHAR Out = ExAllocatePoolWithTag(PagedPool, max(OutSize, 1), LX_TAG_TEMP);
    LONG Result = 0;

    if (Out == NULL)
        return -LX_ENOMEM;
    ExAcquireFastMutex(&File->Lock);
    ExAcquireFastMutex(&LxShmfsLock);
    for (;;)
    {
        ULONGLONG Inode;
        UCHAR Type;

        if (!LxShmfsDirEntry((ULONG)File->Offset, Name, &Inode, &Type))
            break;
        if (!LxEmitDirent(Out, &Used, OutSize, Inode, File->Offset + 1, Type, Name, (ULONG)strlen(Name)))
        {
            if (Used == 0)
                Result = -LX_EINVAL;    /* too small for one entry */
            break;
        }
        File->Offset++;
    }
    ExReleaseFastMutex(&LxShmfsLock);
    ExReleaseFastMutex(&File->Lock);
    Result = LxDirentsToUser(Buffer, Out, Used, Result);
    ExFreePoolWithTag(Out, LX_TAG_TEMP);
    return Result;
}

static
LONG
LxShmfsDirSeek(
    _In_ PLX_FILE File,
    _In_ LONGLONG Offset,
    _In_ ULONG Whence,
    _Out_ PLONGLONG NewOffset)
{
    return LxSeekLocked(File, Offset, Whence, 0, NewOffset);
}

static
LONG
LxShmfsDirStat(
    _In_ PLX_FILE File,
    _Out_ struct _LX_STAT64 *St)
{
    UNREFERENCED_PARAMETER(File);
    St->StMode = LX_S_IFDIR | 01777;
    St->StNlink = 2;
    St->StSize = 40;
    St->StDev = 0x17;
    St->StIno = St->StIno32 = 1;
    return 0;
}

static const LX_FILE_OPERATIONS LxShmfsDirOperations =
{
    .Kind = "tmpfs directory",
    .Read = LxDirectoryReadWrite,
    .Write = LxDirectoryReadWrite,
    .Seek = LxShmfsDirSeek,
    .Getdents = LxShmfsGetdents,
    .Stat = LxShmfsDirStat,
    .Statfs = LxShmfsStatfs,
    .Fsync = LxShmfsFsync,
};

/* ---------------------------------------------------------------------------------------- */
/* Name space operations                                                                   */

/* open(2) of a resolved path under /dev/shm: Flags are open's (O_CREAT, O_EXCL, O_TRUNC...) */
LONG
LxShmfsOpen(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _In_ ULONG Flags,
    _In_ ULONG StatusFlags,
    _In_ ULONG Mode,
    _Out_ PLX_FILE *File)
{
    PCSTR Name = LxShmfsName(Resolved);
    PLX_SHMFS_NAME Entry;
    PLX_SHMFS_NODE Node;
    PLX_FILE New;
    LONG Result;

    *File = NULL;
    Result = LxShmfsCheckName(Name);
    if (Result < 0)
        return Result;
    if (*Name == ANSI_NULL)
    {
        if (Flags & LX_O_CREAT)
            return -LX_EISDIR;
        New = LxAllocateFile(&LxShmfsDirOperations, StatusFlags, LX_S_IFDIR, 0);
        if (New == NULL)
            return LxNoFile();
        *File = New;
        return 0;
    }
    if (Flags & LX_O_DIRECTORY)
        return -LX_ENOTDIR;

    Node = NULL;
    ExAcquireFastMutex(&LxShmfsLock);
    Entry = LxShmfsLookup(Name);
    if (Entry != NULL)
    {
        Node = Entry->Node;
        if ((Flags & (LX_O_CREAT | LX_O_EXCL)) == (LX_O_CREAT | LX_O_EXCL))
        {
            Result = -LX_EEXIST;
        }
        else if ((Flags & LX_O_TRUNC) && (StatusFlags & LX_O_ACCMODE) != LX_O_RDONLY)
        {
            Result = LxSharedMemoryResize(&Node->Memory, 0);
            if (Result == 0)
                Node->Size = 0;
        }
        if (Result == 0)
            InterlockedIncrement(&Node->RefCount);     /* the description's */
    }
    else if (!(Flags & LX_O_CREAT))
    {
        Result = -LX_ENOENT;
    }
    else
    {
        Node = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Node), LX_TAG_SHARED);
        if (Node == NULL)
        {
            Result = -LX_ENOSPC;
        }
        else
        {
            RtlZeroMemory(Node, sizeof(*Node));
            Node->RefCount = 1;     /* the description's */
            Node->Mode = Mode & ~Process->Umask & 07777;
            Node->Inode = (ULONG)InterlockedIncrement(&LxShmfsNextInode) + 1;
            KeQuerySystemTime(&Node->ModifyTime);
            Result = LxShmfsAddName(Name, Node);
            if (Result < 0)
                ExFreePoolWithTag(Node, LX_TAG_SHARED);
        }
    }
    ExReleaseFastMutex(&LxShmfsLock);
    if (Result < 0)
        return Result;

    New = LxAllocateFile(&LxShmfsFileOperations, StatusFlags, LX_S_IFREG, sizeof(PLX_SHMFS_NODE));
    if (New == NULL)
    {
        LxShmfsRelease(Node);
        return LxNoFile();
    }
    New->Flags = LX_FILE_PREAD;
    *(PLX_SHMFS_NODE *)New->Private = Node;
    New->Path = ExAllocatePoolWithTag(PagedPool, strlen(Resolved) + 1, LX_TAG_FILE);
    if (New->Path != NULL)
        RtlCopyMemory(New->Path, Resolved, strlen(Resolved) + 1);   /* its name in /proc/self/fd */
    *File = New;
    return 0;
}

LONG
LxShmfsUnlink(
    _In_ PCSTR Resolved,
    _In_ BOOLEAN Directory)
{
    PCSTR Name = LxShmfsName(Resolved);
    PLX_SHMFS_NAME Entry;
    LONG Result = LxShmfsCheckName(Name);

    if (Result < 0)
        return Result;
    if (*Name == ANSI_NULL)
        return Directory ? -LX_EBUSY : -LX_EISDIR;
    ExAcquireFastMutex(&LxShmfsLock);
    Entry = LxShmfsLookup(Name);
    if (Entry != NULL && !Directory)
        RemoveEntryList(&Entry->Link);
    ExReleaseFastMutex(&LxShmfsLock);
    if (Entry == NULL)
        return -LX_ENOENT;
    if (Directory)
        return -LX_ENOTDIR;
    LxShmfsRelease(Entry->Node);
    ExFreePoolWithTag(Entry, LX_TAG_SHARED);
    return 0;
}

/* link(2) inside /dev/shm: another name for the same file */
LONG
LxShmfsLink(
    _In_ PCSTR OldResolved,
    _In_ PCSTR NewResolved)
{
    PCSTR Old = LxShmfsName(OldResolved), New = LxShmfsName(NewResolved);
    PLX_SHMFS_NAME Entry;
    LONG Result;

    if (Old == NULL || New == NULL)
        return -LX_EXDEV;
    Result = LxShmfsCheckName(Old);
    if (Result == 0)
        Result = LxShmfsCheckName(New);
    if (Result < 0)
        return Result;
    if (*Old == ANSI_NULL)
        return -LX_EPERM;       /* a directory */
    if (*New == ANSI_NULL)
        return -LX_EEXIST;
    ExAcquireFastMutex(&LxShmfsLock);
    Entry = LxShmfsLookup(Old);
    if (Entry == NULL)
        Result = -LX_ENOENT;
    else if (LxShmfsLookup(New) != NULL)
        Result = -LX_EEXIST;
    else
        Result = LxShmfsAddName(New, Entry->Node);
    ExReleaseFastMutex(&LxShmfsLock);
    return Result;
}
