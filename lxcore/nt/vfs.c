/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     VFS pieces on top of NT files: symbolic links, the component-by-component
 *              path walk that follows them, and the Linux metadata (mode) table
 *
 * Symbolic links are regular NT files with the SYSTEM attribute whose contents are
 * "!<symlink>" followed by the target bytes and a NUL (the format older Cygwin versions
 * wrote, so such links are readable from both sides). The walk resolves one component at a
 * time, so "link/.." goes to the parent of the link's target as on Linux; at most 40 links
 * are followed (-ELOOP).
 *
 * Linux modes (permission bits) have no home in FAT; lxcore keeps the modes of the files it
 * creates (and chmods) in a table in memory, keyed by root directory and Linux path, updated
 * by rename/unlink/rmdir. It does not survive a reboot: files it does not know get 0755/0644
 * style defaults from their NT attributes.
 */

#include "lxp.h"

#define NDEBUG
#include <debug.h>

static const CHAR LxSymlinkMagic[] = "!<symlink>";
#define LX_SYMLINK_MAGIC_LENGTH (sizeof(LxSymlinkMagic) - 1)
#define LX_MAX_SYMLINKS         40

/* ---------------------------------------------------------------------------------------- */
/* Symbolic links                                                                          */

/* Reads the target of a symlink. Returns its length (Target NUL-terminated), -EINVAL when
 * the name exists but is not a link, or another -errno (-ENOENT...). */
LONG
LxReadSymlink(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _Out_writes_(TargetSize) PCHAR Target,
    _In_ ULONG TargetSize)
{
    FILE_NETWORK_OPEN_INFORMATION Info;
    OBJECT_ATTRIBUTES ObjectAttributes;
    IO_STATUS_BLOCK IoStatus;
    UNICODE_STRING NtPath;
    LARGE_INTEGER Offset;
    HANDLE Handle;
    NTSTATUS Status;
    ULONG Size;
    PCHAR Data;
    LONG Result;

    if (strcmp(Resolved, "/") == 0)
        return -LX_EINVAL;
    Result = LxNtPathOf(Process, Resolved, &NtPath);
    if (Result < 0)
        return Result;
    InitializeObjectAttributes(&ObjectAttributes, &NtPath,
                               OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    Status = ZwQueryFullAttributesFile(&ObjectAttributes, &Info);
    if (!NT_SUCCESS(Status))
    {
        ExFreePoolWithTag(NtPath.Buffer, LX_TAG_TEMP);
        Result = LxStatusToErrno(Status);
        return Result == 0 ? -LX_ENOENT : Result;
    }
    if (!(Info.FileAttributes & FILE_ATTRIBUTE_SYSTEM) ||
        (Info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY) ||
        Info.EndOfFile.QuadPart <= (LONGLONG)LX_SYMLINK_MAGIC_LENGTH ||
        Info.EndOfFile.QuadPart > LX_SYMLINK_MAGIC_LENGTH + LX_PATH_MAX)
    {
        ExFreePoolWithTag(NtPath.Buffer, LX_TAG_TEMP);
        return -LX_EINVAL;
    }

    Status = ZwCreateFile(&Handle, FILE_READ_DATA | SYNCHRONIZE, &ObjectAttributes, &IoStatus,
                          NULL, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                          FILE_OPEN, FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT,
                          NULL, 0);
    ExFreePoolWithTag(NtPath.Buffer, LX_TAG_TEMP);
    if (!NT_SUCCESS(Status))
        return LxStatusToErrno(Status);

    Size = (ULONG)Info.EndOfFile.QuadPart;
    Data = ExAllocatePoolWithTag(PagedPool, Size + 1, LX_TAG_TEMP);
    if (Data == NULL)
    {
        ZwClose(Handle);
        return -LX_ENOMEM;
    }
    Offset.QuadPart = 0;
    Status = ZwReadFile(Handle, NULL, NULL, NULL, &IoStatus, Data, Size, &Offset, NULL);
    ZwClose(Handle);
    if (!NT_SUCCESS(Status) || IoStatus.Information < LX_SYMLINK_MAGIC_LENGTH + 1 ||
        RtlCompareMemory(Data, LxSymlinkMagic, LX_SYMLINK_MAGIC_LENGTH) != LX_SYMLINK_MAGIC_LENGTH)
    {
        ExFreePoolWithTag(Data, LX_TAG_TEMP);
        return -LX_EINVAL;
    }
    Data[IoStatus.Information] = ANSI_NULL;
    Result = (LONG)strlen(Data + LX_SYMLINK_MAGIC_LENGTH);
    if (Result == 0 || (ULONG)Result >= TargetSize)
    {
        ExFreePoolWithTag(Data, LX_TAG_TEMP);
        return Result == 0 ? -LX_EINVAL : -LX_ENAMETOOLONG;
    }
    RtlCopyMemory(Target, Data + LX_SYMLINK_MAGIC_LENGTH, Result + 1);
    ExFreePoolWithTag(Data, LX_TAG_TEMP);
    return Result;
}

/* Creates a symlink file at Resolved (which must not exist) pointing at Target. */
LONG
LxCreateSymlink(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _In_ PCSTR Target)
{
    IO_STATUS_BLOCK IoStatus;
    LARGE_INTEGER Offset;
    lx_nt_open Open;
    HANDLE Handle;
    NTSTATUS Status;
    SIZE_T Length = strlen(Target);
    PCHAR Data;
    LONG Result;

    Data = ExAllocatePoolWithTag(PagedPool, LX_SYMLINK_MAGIC_LENGTH + Length + 1, LX_TAG_TEMP);
    if (Data == NULL)
        return -LX_ENOMEM;
    RtlCopyMemory(Data, LxSymlinkMagic, LX_SYMLINK_MAGIC_LENGTH);
    RtlCopyMemory(Data + LX_SYMLINK_MAGIC_LENGTH, Target, Length + 1);

    RtlZeroMemory(&Open, sizeof(Open));
    Open.desired_access = LX_NT_FILE_WRITE_DATA | LX_NT_SYNCHRONIZE | LX_NT_FILE_READ_ATTRIBUTES;
    Open.share_access = LX_NT_FILE_SHARE_READ | LX_NT_FILE_SHARE_WRITE | LX_NT_FILE_SHARE_DELETE;
    Open.disposition = LX_NT_FILE_CREATE;
    Open.options = LX_NT_FILE_NON_DIRECTORY_FILE | LX_NT_FILE_SYNCHRONOUS_IO_NONALERT;
    Result = LxOpenNt(Process, Resolved, &Open, FILE_ATTRIBUTE_SYSTEM, &Handle, NULL);
    if (Result == 0)
    {
        Offset.QuadPart = 0;
        Status = ZwWriteFile(Handle, NULL, NULL, NULL, &IoStatus, Data,
                             (ULONG)(LX_SYMLINK_MAGIC_LENGTH + Length + 1), &Offset, NULL);
        if (!NT_SUCCESS(Status))
        {
            Result = LxStatusToErrno(Status);
            /* do not leave a half-written link behind */
            {
                FILE_DISPOSITION_INFORMATION Disposition = { TRUE };
                ZwSetInformationFile(Handle, &IoStatus, &Disposition, sizeof(Disposition),
                                     FileDispositionInformation);
            }
        }
        ZwClose(Handle);
    }
    ExFreePoolWithTag(Data, LX_TAG_TEMP);
    return Result;
}

/* ---------------------------------------------------------------------------------------- */
/* Path walk                                                                               */

/* Resolves Path against Base (an absolute resolved path), following symbolic links in every
 * component, and in the last one too when FollowLast. Out gets the resolved path (LX_PATH_MAX
 * bytes). Returns its length or -errno. */
LONG
LxWalkPath(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Base,
    _In_ PCSTR Path,
    _In_ BOOLEAN FollowLast,
    _Out_writes_(LX_PATH_MAX) PCHAR Out,
    _Out_opt_ PULONG Flags)
{
    PCHAR Pending = NULL, NewPending = NULL, Target = NULL;
    SIZE_T Cur, PathLength;
    ULONG Position = 0, Links = 0;
    LONG Result;
    unsigned PathFlags = 0;

    if (Flags)
        *Flags = 0;
    PathLength = strlen(Path);
    if (PathLength == 0)
        return -LX_ENOENT;
    if (PathLength >= LX_PATH_MAX)
        return -LX_ENAMETOOLONG;
    if (Path[PathLength - 1] == '/')
        PathFlags |= LX_PATH_TRAILING_SLASH;

    Pending = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    NewPending = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    Target = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (Pending == NULL || NewPending == NULL || Target == NULL)
    {
        Result = -LX_ENOMEM;
        goto Done;
    }
    RtlCopyMemory(Pending, Path, PathLength + 1);

    /* Out holds the walked prefix, always absolute and resolved */
    if (Path[0] == '/')
    {
        Out[0] = '/';
        Out[1] = ANSI_NULL;
    }
    else
    {
        Result = lx_path_resolve(NULL, Base, Out, LX_PATH_MAX, NULL);
        if (Result < 0)
            goto Done;
    }
    Cur = strlen(Out);

    for (;;)
    {
        SIZE_T Start, Length, Saved;
        BOOLEAN Last;

        while (Pending[Position] == '/')
            Position++;
        if (Pending[Position] == ANSI_NULL)
            break;
        Start = Position;
        while (Pending[Position] != '/' && Pending[Position] != ANSI_NULL)
            Position++;
        Length = Position - Start;
        {
            ULONG Look = Position;
            while (Pending[Look] == '/')
                Look++;
            Last = (Pending[Look] == ANSI_NULL);
        }
        if (Length > LX_NAME_MAX)
        {
            Result = -LX_ENAMETOOLONG;
            goto Done;
        }
        if (Length == 1 && Pending[Start] == '.')
            continue;
        if (Length == 2 && Pending[Start] == '.' && Pending[Start + 1] == '.')
        {
            while (Cur > 1 && Out[Cur - 1] != '/')
                Cur--;
            if (Cur > 1)
                Cur--;
            Out[Cur] = ANSI_NULL;
            continue;
        }

        /* Out + "/" + component */
        Saved = Cur;
        if (Cur + 1 + Length >= LX_PATH_MAX)
        {
            Result = -LX_ENAMETOOLONG;
            goto Done;
        }
        if (Cur > 1)
            Out[Cur++] = '/';
        RtlCopyMemory(Out + Cur, Pending + Start, Length);
        Cur += Length;
        Out[Cur] = ANSI_NULL;

        if (Last && !FollowLast && !(PathFlags & LX_PATH_TRAILING_SLASH))
            continue;
        /* /proc and /dev names are not NT files */
        if (strncmp(Out, "/proc/", 6) == 0 || strncmp(Out, "/dev/", 5) == 0)
            continue;

        Result = LxReadSymlink(Process, Out, Target, LX_PATH_MAX);
        if (Result == -LX_EINVAL || Result == -LX_ENOENT || Result == -LX_ENOTDIR)
            continue;   /* not a link (or missing: the caller's open reports that) */
        if (Result < 0)
            goto Done;
        if (++Links > LX_MAX_SYMLINKS)
        {
            Result = -LX_ELOOP;
            goto Done;
        }

        /* Pending = target + "/" + the rest; the link's directory is the new prefix */
        if (RtlStringCbPrintfA(NewPending, LX_PATH_MAX, "%s/%s", Target,
                               Pending + Position) != STATUS_SUCCESS)
        {
            Result = -LX_ENAMETOOLONG;
            goto Done;
        }
        RtlCopyMemory(Pending, NewPending, strlen(NewPending) + 1);
        Position = 0;
        if (Target[0] == '/')
        {
            Cur = 1;
            Out[0] = '/';
            Out[1] = ANSI_NULL;
        }
        else
        {
            Cur = Saved;
            Out[Cur] = ANSI_NULL;
        }
    }

    if (Cur == 0)
    {
        Out[0] = '/';
        Out[1] = ANSI_NULL;
        Cur = 1;
    }
    if (Flags)
        *Flags = PathFlags;
    Result = (LONG)Cur;

Done:
    if (Pending)
        ExFreePoolWithTag(Pending, LX_TAG_TEMP);
    if (NewPending)
        ExFreePoolWithTag(NewPending, LX_TAG_TEMP);
    if (Target)
        ExFreePoolWithTag(Target, LX_TAG_TEMP);
    return Result;
}

/* ---------------------------------------------------------------------------------------- */
/* Metadata table                                                                          */

typedef struct _LX_META
{
    LIST_ENTRY Link;
    ULONGLONG RootHash;
    ULONG Mode;
    CHAR Path[ANYSIZE_ARRAY];
} LX_META, *PLX_META;

static FAST_MUTEX LxMetaLock;
static LIST_ENTRY LxMetaList;
static BOOLEAN LxMetaReady;

VOID
LxInitializeMetadata(VOID)
{
    ExInitializeFastMutex(&LxMetaLock);
    InitializeListHead(&LxMetaList);
    LxMetaReady = TRUE;
}

static
ULONGLONG
LxRootHash(
    _In_ PLX_PROCESS Process)
{
    ULONGLONG Hash = 14695981039346656037ULL;
    USHORT i;

    for (i = 0; i < Process->Root.Length / sizeof(WCHAR); i++)
        Hash = (Hash ^ RtlUpcaseUnicodeChar(Process->Root.Buffer[i])) * 1099511628211ULL;
    return Hash;
}

static
PLX_META
LxMetaFind(
    _In_ ULONGLONG RootHash,
    _In_ PCSTR Path)
{
    PLIST_ENTRY Entry;

    for (Entry = LxMetaList.Flink; Entry != &LxMetaList; Entry = Entry->Flink)
    {
        PLX_META Meta = CONTAINING_RECORD(Entry, LX_META, Link);
        if (Meta->RootHash == RootHash && strcmp(Meta->Path, Path) == 0)
            return Meta;
    }
    return NULL;
}

VOID
LxMetaSetMode(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Path,
    _In_ ULONG Mode)
{
    ULONGLONG RootHash = LxRootHash(Process);
    PLX_META Meta;

    if (!LxMetaReady)
        return;
    ExAcquireFastMutex(&LxMetaLock);
    Meta = LxMetaFind(RootHash, Path);
    if (Meta == NULL)
    {
        SIZE_T Length = strlen(Path);
        Meta = ExAllocatePoolWithTag(PagedPool, FIELD_OFFSET(LX_META, Path) + Length + 1,
                                     LX_TAG_META);
        if (Meta != NULL)
        {
            Meta->RootHash = RootHash;
            RtlCopyMemory(Meta->Path, Path, Length + 1);
            InsertHeadList(&LxMetaList, &Meta->Link);
        }
    }
    if (Meta != NULL)
        Meta->Mode = Mode & 07777;
    ExReleaseFastMutex(&LxMetaLock);
}

BOOLEAN
LxMetaGetMode(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Path,
    _Out_ PULONG Mode)
{
    ULONGLONG RootHash = LxRootHash(Process);
    PLX_META Meta;
    BOOLEAN Found = FALSE;

    if (!LxMetaReady)
        return FALSE;
    ExAcquireFastMutex(&LxMetaLock);
    Meta = LxMetaFind(RootHash, Path);
    if (Meta != NULL)
    {
        *Mode = Meta->Mode;
        Found = TRUE;
    }
    ExReleaseFastMutex(&LxMetaLock);
    return Found;
}

/* Forgets Path and everything below it. */
VOID
LxMetaRemove(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Path)
{
    ULONGLONG RootHash = LxRootHash(Process);
    SIZE_T Length = strlen(Path);
    PLIST_ENTRY Entry, Next;

    if (!LxMetaReady)
        return;
    ExAcquireFastMutex(&LxMetaLock);
    for (Entry = LxMetaList.Flink; Entry != &LxMetaList; Entry = Next)
    {
        PLX_META Meta = CONTAINING_RECORD(Entry, LX_META, Link);
        Next = Entry->Flink;
        if (Meta->RootHash == RootHash && strncmp(Meta->Path, Path, Length) == 0 &&
            (Meta->Path[Length] == ANSI_NULL || Meta->Path[Length] == '/'))
        {
            RemoveEntryList(&Meta->Link);
            ExFreePoolWithTag(Meta, LX_TAG_META);
        }
    }
    ExReleaseFastMutex(&LxMetaLock);
}

/* Moves the entries of OldPath (and below it) to NewPath after a rename. */
VOID
LxMetaRename(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR OldPath,
    _In_ PCSTR NewPath)
{
    ULONGLONG RootHash = LxRootHash(Process);
    SIZE_T OldLength = strlen(OldPath), NewLength = strlen(NewPath);
    LIST_ENTRY Moved;
    PLIST_ENTRY Entry, Next;

    if (!LxMetaReady)
        return;
    LxMetaRemove(Process, NewPath);     /* the replaced target's entries */
    InitializeListHead(&Moved);
    ExAcquireFastMutex(&LxMetaLock);
    for (Entry = LxMetaList.Flink; Entry != &LxMetaList; Entry = Next)
    {
        PLX_META Meta = CONTAINING_RECORD(Entry, LX_META, Link);
        Next = Entry->Flink;
        if (Meta->RootHash == RootHash && strncmp(Meta->Path, OldPath, OldLength) == 0 &&
            (Meta->Path[OldLength] == ANSI_NULL || Meta->Path[OldLength] == '/'))
        {
            SIZE_T Tail = strlen(Meta->Path + OldLength);
            PLX_META New = ExAllocatePoolWithTag(PagedPool,
                                                 FIELD_OFFSET(LX_META, Path) + NewLength + Tail + 1,
                                                 LX_TAG_META);
            RemoveEntryList(&Meta->Link);
            if (New != NULL && NewLength + Tail < LX_PATH_MAX)
            {
                New->RootHash = RootHash;
                New->Mode = Meta->Mode;
                RtlCopyMemory(New->Path, NewPath, NewLength);
                RtlCopyMemory(New->Path + NewLength, Meta->Path + OldLength, Tail + 1);
                InsertHeadList(&Moved, &New->Link);
            }
            else if (New != NULL)
            {
                ExFreePoolWithTag(New, LX_TAG_META);
            }
            ExFreePoolWithTag(Meta, LX_TAG_META);
        }
    }
    while (!IsListEmpty(&Moved))
        InsertHeadList(&LxMetaList, RemoveHeadList(&Moved));
    ExReleaseFastMutex(&LxMetaLock);
}
