/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Linux paths: resolving them (cwd, directory descriptors, symbolic links),
 *              the NT name behind them, and opening them as files of the right kind
 *
 * A Linux path is resolved against the cwd (or a directory fd) by lx_path_resolve and the
 * link walk (vfs.c), then translated to an NT path under the process's root directory by
 * lx_path_to_nt; NT files are opened with kernel handles. Names lxcore serves itself come
 * first: the /dev table (devfs.c), then the /proc table (procfs.c).
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

/* Resolves a user path against AT_FDCWD or a directory fd into Resolved (LX_PATH_MAX bytes,
 * caller's pool). Returns the length or -errno. */
LONG
LxResolveUserPath(
    _In_ PLX_PROCESS Process,
    _In_ LONG Dfd,
    _In_ const CHAR *UserPath,
    _Out_writes_(LX_PATH_MAX) PCHAR Resolved,
    _Out_opt_ PULONG Flags,
    _In_ BOOLEAN FollowLast)
{
    PCHAR Path;
    PCSTR Base = Process->Cwd;
    PLX_FILE DirFile = NULL;
    ULONG PathFlags = 0;
    LONG Result;

    Path = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (Path == NULL)
        return -LX_ENOMEM;
    Result = LxCopyStringFromUser(Path, LX_PATH_MAX, (ULONG_PTR)UserPath);
    if (Result < 0)
        goto Done;
    if (Result == 0)
    {
        Result = -LX_ENOENT;
        goto Done;
    }
    if (Path[0] != '/' && Dfd != LX_AT_FDCWD)
    {
        DirFile = LxGetFile(Process, (ULONG)Dfd);
        if (DirFile == NULL)
        {
            Result = -LX_EBADF;
            goto Done;
        }
        if (!LxFileIsDirectory(DirFile) || DirFile->Path == NULL)
        {
            Result = -LX_ENOTDIR;
            goto Done;
        }
        Base = DirFile->Path;
    }
    Result = LxWalkPath(Process, Base, Path, FollowLast, Resolved, &PathFlags);
    if (Result >= 0)
        Result = LxCheckSearch(Process, Base, Resolved);
    if (Result >= 0 && LxDevfsIsUnderDevice(Resolved))
        Result = -LX_ENOTDIR;
    if (Result >= 0 && LxMetaReservedPath(Process, Resolved))
        Result = -LX_EPERM;         /* the metadata journal (meta.c) is lxcore's alone */
    if (Flags)
        *Flags = PathFlags;

Done:
    if (DirFile)
        LxDereferenceFile(DirFile);
    ExFreePoolWithTag(Path, LX_TAG_TEMP);
    return Result;
}

/* LxResolveUserPath into a new LX_PATH_MAX buffer: 0.. and *Resolved (free it with LxFreePath),
 * or -errno and NULL */
LONG
LxResolvePath(
    _In_ PLX_PROCESS Process,
    _In_ LONG Dfd,
    _In_ const CHAR *UserPath,
    _In_ BOOLEAN FollowLast,
    _Out_opt_ PULONG Flags,
    _Out_ PCHAR *Resolved)
{
    LONG Result;

    *Resolved = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (*Resolved == NULL)
        return -LX_ENOMEM;
    Result = LxResolveUserPath(Process, Dfd, UserPath, *Resolved, Flags, FollowLast);
    if (Result < 0)
    {
        ExFreePoolWithTag(*Resolved, LX_TAG_TEMP);
        *Resolved = NULL;
    }
    return Result;
}

VOID
LxFreePath(
    _In_opt_ PCHAR Resolved)
{
    if (Resolved != NULL)
        ExFreePoolWithTag(Resolved, LX_TAG_TEMP);
}

/* Resolved (a path of the process's "/") as a path of its Root (where its metadata is):
 * after chroot, under RootPrefix. Into Out, LX_PATH_MAX bytes; 0 or -ENAMETOOLONG. */
LONG
LxRootPathOf(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _Out_writes_(LX_PATH_MAX) PCHAR Out)
{
    NTSTATUS Status;

    if (Process->RootPrefix == NULL || strcmp(Process->RootPrefix, "/") == 0)
        Status = RtlStringCbCopyA(Out, LX_PATH_MAX, Resolved);
    else if (strcmp(Resolved, "/") == 0)
        Status = RtlStringCbCopyA(Out, LX_PATH_MAX, Process->RootPrefix);
    else
        Status = RtlStringCbPrintfA(Out, LX_PATH_MAX, "%s%s", Process->RootPrefix, Resolved);
    return NT_SUCCESS(Status) ? 0 : -LX_ENAMETOOLONG;
}

/* ---------------------------------------------------------------------------------------- */
/* NT paths, and names that differ only in case                                            */

/* FAT folds case, Linux does not: a new name that FAT would match to another one ("Makefile"
 * beside "makefile"), or to a FAT short name ("progra~1"), is stored cased (core/lx_path.h:
 * every byte escaped, so it folds to nothing else), and the metadata table marks it
 * (LxMetaSetCased) so that later paths through it are built the same way. A lookup in a case
 * that nobody made still finds the other name, as FAT does. */
typedef struct _LX_CASED_WALK
{
    PLX_PROCESS Process;
    BOOLEAN Table;              /* the root has cased names: ask the table */
    SIZE_T ForceEnd;            /* the component ending here is cased (0: none) */
    BOOLEAN Last;               /* the answer for the last component asked */
} LX_CASED_WALK, *PLX_CASED_WALK;

static
int
LxCasedComponent(
    _In_ void *Context,
    _In_ const char *RootPath,
    _In_ size_t End)
{
    PLX_CASED_WALK Walk = Context;

    Walk->Last = End == Walk->ForceEnd ||
                 (Walk->Table && LxMetaIsCased(Walk->Process, RootPath, End));
    return Walk->Last;
}

/* Builds the NT path of RootPath, a path of the process's Root (UNICODE_STRING with a pool
 * buffer): with Names, its components stored cased are built so, and with ForceLast its last
 * one is; *LastCased says whether the last one was. */
static
LONG
LxNtBuildPath(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR RootPath,
    _In_ BOOLEAN Names,
    _In_ BOOLEAN ForceLast,
    _Out_ PUNICODE_STRING NtPath,
    _Out_opt_ PBOOLEAN LastCased)
{
    LX_CASED_WALK Walk;
    size_t Length = 0;
    int Result;

    Walk.Process = Process;
    Walk.Table = Names && LxMetaHasCased(Process);
    Walk.ForceEnd = ForceLast ? strlen(RootPath) : 0;
    Walk.Last = FALSE;
    NtPath->Buffer = ExAllocatePoolWithTag(PagedPool, LX_NT_PATH_MAX * sizeof(WCHAR),
                                           LX_TAG_TEMP);
    if (NtPath->Buffer == NULL)
        return -LX_ENOMEM;
    Result = lx_path_to_nt_cased((const uint16_t *)Process->Root.Buffer,
                                 Process->Root.Length / sizeof(WCHAR),
                                 RootPath,
                                 (Walk.Table || ForceLast) ? LxCasedComponent : NULL,
                                 &Walk,
                                 (uint16_t *)NtPath->Buffer,
                                 LX_NT_PATH_MAX,
                                 &Length);
    if (Result < 0)
    {
        ExFreePoolWithTag(NtPath->Buffer, LX_TAG_TEMP);
        NtPath->Buffer = NULL;
        return Result;
    }
    NtPath->Length = (USHORT)(Length * sizeof(WCHAR));
    NtPath->MaximumLength = (USHORT)(LX_NT_PATH_MAX * sizeof(WCHAR));
    if (LastCased)
        *LastCased = Walk.Last;
    return 0;
}

/* The NT path of a resolved Linux path: of a path of the process's Root (LxNtRootPathOf:
 * lxcore's own files there, the metadata journal and hard links' inodes), of the name itself
 * (LxNtNamePathOf), or of the file it stands for (LxNtPathOf: a hard link's name stands for
 * its inode file, fs/hardlink.c) */
LONG
LxNtRootPathOf(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR RootPath,
    _Out_ PUNICODE_STRING NtPath)
{
    return LxNtBuildPath(Process, RootPath, FALSE, FALSE, NtPath, NULL);
}

/* The name itself, with its last component cased when ForceLast */
static
LONG
LxNtNamePath(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _In_ BOOLEAN ForceLast,
    _Out_ PUNICODE_STRING NtPath,
    _Out_opt_ PBOOLEAN LastCased)
{
    PCHAR RootPath;
    LONG Result;

    NtPath->Buffer = NULL;
    if (Process->RootPrefix == NULL)
        return LxNtBuildPath(Process, Resolved, TRUE, ForceLast, NtPath, LastCased);
    RootPath = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (RootPath == NULL)
        return -LX_ENOMEM;
    Result = LxRootPathOf(Process, Resolved, RootPath);
    if (Result == 0)
        Result = LxNtBuildPath(Process, RootPath, TRUE, ForceLast, NtPath, LastCased);
    ExFreePoolWithTag(RootPath, LX_TAG_TEMP);
    return Result;
}

LONG
LxNtNamePathOf(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _Out_ PUNICODE_STRING NtPath)
{
    return LxNtNamePath(Process, Resolved, FALSE, NtPath, NULL);
}

/* The file Resolved stands for; *Stored (optional): NT stores its last component as it is
 * (not an inode, not cased), so that it may fold to another name */
static
LONG
LxNtFilePath(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _Out_ PUNICODE_STRING NtPath,
    _Out_opt_ PBOOLEAN Stored)
{
    CHAR InodePath[LX_INODE_PATH_MAX];
    BOOLEAN Cased = FALSE;
    ULONG Inode;
    LONG Result;

    if (LxMetaHardLinkOf(Process, Resolved, &Inode))
    {
        LxInodePath(Inode, InodePath);
        Cased = TRUE;
        Result = LxNtRootPathOf(Process, InodePath, NtPath);
    }
    else
    {
        Result = LxNtNamePath(Process, Resolved, FALSE, NtPath, &Cased);
    }
    if (Stored)
        *Stored = !Cased;
    return Result;
}

LONG
LxNtPathOf(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _Out_ PUNICODE_STRING NtPath)
{
    return LxNtFilePath(Process, Resolved, NtPath, NULL);
}

/* The name the file system stores the file Handle under (its whole path on the volume), in a
 * pool buffer, or NULL */
static
PFILE_NAME_INFORMATION
LxNtStoredName(
    _In_ HANDLE Handle)
{
    ULONG Size = FIELD_OFFSET(FILE_NAME_INFORMATION, FileName) + 512 * sizeof(WCHAR);
    PFILE_NAME_INFORMATION Name;
    IO_STATUS_BLOCK IoStatus;
    NTSTATUS Status;

    for (;;)
    {
        Name = ExAllocatePoolWithTag(PagedPool, Size, LX_TAG_TEMP);
        if (Name == NULL)
            return NULL;
        Status = ZwQueryInformationFile(Handle, &IoStatus, Name, Size, FileNameInformation);
        if (NT_SUCCESS(Status))
            return Name;
        /* STATUS_BUFFER_OVERFLOW gives the whole name's length: again with room for it */
        Size = Status == STATUS_BUFFER_OVERFLOW ?
               FIELD_OFFSET(FILE_NAME_INFORMATION, FileName) + Name->FileNameLength : 0;
        ExFreePoolWithTag(Name, LX_TAG_TEMP);
        if (Size == 0 || Size > MAXUSHORT)
            return NULL;
    }
}

/* The last component of an NT path (Length units from Buffer) */
static
VOID
LxNtLastComponent(
    _In_reads_(Length) PCWCH Buffer,
    _In_ SIZE_T Length,
    _Out_ PUNICODE_STRING Last)
{
    SIZE_T Start = Length;

    while (Start > 0 && Buffer[Start - 1] != L'\\')
        Start--;
    Last->Buffer = (PWCH)Buffer + Start;
    Last->Length = Last->MaximumLength = (USHORT)((Length - Start) * sizeof(WCHAR));
}

/* Whether the file open as Handle is stored under exactly the name NtPath ends in, not one
 * the file system only folded to it (another case, a FAT short name). TRUE when it cannot
 * tell. */
static
BOOLEAN
LxNtStoredAs(
    _In_ HANDLE Handle,
    _In_ PCUNICODE_STRING NtPath)
{
    PFILE_NAME_INFORMATION Name = LxNtStoredName(Handle);
    UNICODE_STRING Stored, Asked;
    BOOLEAN Same;

    if (Name == NULL)
        return TRUE;
    LxNtLastComponent(Name->FileName, Name->FileNameLength / sizeof(WCHAR), &Stored);
    LxNtLastComponent(NtPath->Buffer, NtPath->Length / sizeof(WCHAR), &Asked);
    Same = Stored.Length == 0 || RtlEqualUnicodeString(&Stored, &Asked, FALSE);
    ExFreePoolWithTag(Name, LX_TAG_TEMP);
    return Same;
}

/* Whether NtPath names a file stored under another name its last component folds to; with
 * Self, a file other than Self (the same file, whatever its case, is not another). */
static
BOOLEAN
LxNtNameFolds(
    _In_ PUNICODE_STRING NtPath,
    _In_opt_ HANDLE Self)
{
    OBJECT_ATTRIBUTES ObjectAttributes;
    IO_STATUS_BLOCK IoStatus;
    HANDLE Handle;
    BOOLEAN Folds;

    InitializeObjectAttributes(&ObjectAttributes, NtPath, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE,
                               NULL, NULL);
    if (!NT_SUCCESS(LxCreateFileChecked(&Handle, FILE_READ_ATTRIBUTES | SYNCHRONIZE,
                                        &ObjectAttributes, &IoStatus, 0,
                                        FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                        FILE_OPEN,
                                        FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_REPARSE_POINT)))
        return FALSE;
    Folds = !LxNtStoredAs(Handle, NtPath);
    if (Folds && Self != NULL)
    {
        PFILE_NAME_INFORMATION Theirs = LxNtStoredName(Handle), Ours = LxNtStoredName(Self);

        Folds = Theirs == NULL || Ours == NULL || Theirs->FileNameLength != Ours->FileNameLength ||
                RtlCompareMemory(Theirs->FileName, Ours->FileName, Ours->FileNameLength) !=
                    Ours->FileNameLength;
        if (Theirs != NULL)
            ExFreePoolWithTag(Theirs, LX_TAG_TEMP);
        if (Ours != NULL)
            ExFreePoolWithTag(Ours, LX_TAG_TEMP);
    }
    ZwClose(Handle);
    return Folds;
}

/* Whether Resolved, which a lookup found, is there under its own name, not only under
 * another one it folds to (link() asks before it changes anything) */
BOOLEAN
LxNameIsStored(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved)
{
    UNICODE_STRING NtPath;
    BOOLEAN Cased, Stored = TRUE;

    if (LxNtNamePath(Process, Resolved, FALSE, &NtPath, &Cased) < 0)
        return TRUE;
    if (!Cased)
        Stored = !LxNtNameFolds(&NtPath, NULL);
    ExFreePoolWithTag(NtPath.Buffer, LX_TAG_TEMP);
    return Stored;
}

/* The NT path a name gets as rename's target (Self: the file being renamed): cased when it is
 * stored so already, or when another file has a name it folds to. *Cased says which; the
 * caller marks it in the table after the rename (LxMetaSetCased). */
LONG
LxNtTargetPathOf(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _In_ HANDLE Self,
    _Out_ PUNICODE_STRING NtPath,
    _Out_ PBOOLEAN Cased)
{
    LONG Result = LxNtNamePath(Process, Resolved, FALSE, NtPath, Cased);

    if (Result < 0 || *Cased || !LxNtNameFolds(NtPath, Self))
        return Result;
    ExFreePoolWithTag(NtPath->Buffer, LX_TAG_TEMP);
    return LxNtNamePath(Process, Resolved, TRUE, NtPath, Cased);
}

/* NT reports a missing file and a path through a regular file alike (not found); Linux
 * says ENOTDIR for the second. Looks at the deepest existing prefix below the root. */
static
LONG
LxMissingOrNotDirectory(
    _In_ PUNICODE_STRING NtPath,
    _In_ USHORT RootLength)
{
    FILE_NETWORK_OPEN_INFORMATION Info;
    OBJECT_ATTRIBUTES ObjectAttributes;
    UNICODE_STRING Prefix = *NtPath;

    for (;;)
    {
        /* drop the last component */
        while (Prefix.Length > RootLength &&
               Prefix.Buffer[Prefix.Length / sizeof(WCHAR) - 1] != L'\\')
        {
            Prefix.Length -= sizeof(WCHAR);
        }
        if (Prefix.Length <= RootLength)
            return -LX_ENOENT;
        Prefix.Length -= sizeof(WCHAR);     /* the separator */
        if (Prefix.Length <= RootLength)
            return -LX_ENOENT;
        InitializeObjectAttributes(&ObjectAttributes, &Prefix,
                                   OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
        if (NT_SUCCESS(LxQueryAttributesChecked(&ObjectAttributes, &Info)))
            return (Info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY) ? -LX_ENOENT : -LX_ENOTDIR;
    }
}

/* Opens an NT file for a resolved Linux path: the file it stands for (LxOpenNt), or the
 * name itself (LxOpenNtName: what unlink and rename change). */
typedef enum _LX_NT_PATH_KIND
{
    LxPathFile,                 /* the file a name stands for (LxNtPathOf) */
    LxPathName,                 /* the name itself (LxNtNamePathOf) */
    LxPathOfRoot                /* a path of the process's Root (LxNtRootPathOf) */
} LX_NT_PATH_KIND;

/* Opens NtPath; a status for the caller to map */
static
NTSTATUS
LxOpenNtObject(
    _In_ PUNICODE_STRING NtPath,
    _In_ const lx_nt_open *Open,
    _In_ ULONG Disposition,
    _In_ ULONG Attributes,
    _Out_ PHANDLE Handle,
    _Out_ PIO_STATUS_BLOCK IoStatus)
{
    OBJECT_ATTRIBUTES ObjectAttributes;
    NTSTATUS Status;

    InitializeObjectAttributes(&ObjectAttributes,
                               NtPath,
                               OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE,
                               NULL,
                               NULL);
    Status = LxCreateFileChecked(Handle,
                                 Open->desired_access,
                                 &ObjectAttributes,
                                 IoStatus,
                                 Attributes,
                                 Open->share_access,
                                 Disposition,
                                 Open->options);
    if (!NT_SUCCESS(Status))
        *Handle = NULL;
    return Status;
}

/* Opens, or creates, the file of a name NT stores as it is (not an inode, not cased yet).
 * Where a create would meet another name that the new one only folds to, the name is made
 * cased instead, and the table marks it. A create that would truncate or replace what is there
 * tries FILE_CREATE first, so that the other file is never touched: a new file costs no more,
 * an existing one is then checked and opened as asked. */
static
NTSTATUS
LxOpenFoldingName(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _Inout_ PUNICODE_STRING NtPath,
    _In_ const lx_nt_open *Open,
    _In_ ULONG Attributes,
    _Out_ PHANDLE Handle,
    _Out_ PIO_STATUS_BLOCK IoStatus)
{
    ULONG Disposition = Open->disposition;
    BOOLEAN Replaces = Disposition == FILE_OVERWRITE_IF || Disposition == FILE_SUPERSEDE;
    BOOLEAN Folds = FALSE;
    NTSTATUS Status;

    Status = LxOpenNtObject(NtPath, Open, Replaces ? FILE_CREATE : Disposition, Attributes,
                            Handle, IoStatus);
    if ((Status == STATUS_OBJECT_NAME_COLLISION && (Disposition == FILE_CREATE || Replaces)) ||
        Status == STATUS_FILE_IS_A_DIRECTORY || Status == STATUS_NOT_A_DIRECTORY)
    {
        /* refused for what is there: a file the name only folds to does not count */
        Folds = LxNtNameFolds(NtPath, NULL);
        if (!Folds && Replaces && Status == STATUS_OBJECT_NAME_COLLISION)
            return LxOpenNtObject(NtPath, Open, Disposition, Attributes, Handle, IoStatus);
    }
    else if (NT_SUCCESS(Status) && Disposition == FILE_OPEN_IF &&
             IoStatus->Information == FILE_OPENED && !LxNtStoredAs(*Handle, NtPath))
    {
        ZwClose(*Handle);
        *Handle = NULL;
        Folds = TRUE;
    }
    if (!Folds)
        return Status;
    ExFreePoolWithTag(NtPath->Buffer, LX_TAG_TEMP);
    if (LxNtNamePath(Process, Resolved, TRUE, NtPath, NULL) < 0)
    {
        NtPath->Buffer = NULL;
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Status = LxOpenNtObject(NtPath, Open, Disposition, Attributes, Handle, IoStatus);
    if (NT_SUCCESS(Status))
        LxMetaSetCased(Process, Resolved, TRUE);
    return Status;
}

static
LONG
LxOpenNtPath(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _In_ LX_NT_PATH_KIND Kind,
    _In_ const lx_nt_open *Open,
    _In_ ULONG Attributes,
    _Out_ PHANDLE Handle,
    _Out_opt_ PULONG_PTR Information)
{
    IO_STATUS_BLOCK IoStatus;
    UNICODE_STRING NtPath;
    BOOLEAN Stored = FALSE, Cased;
    NTSTATUS Status;
    LONG Result;

    *Handle = NULL;
    if (Kind == LxPathOfRoot)
        Result = LxNtRootPathOf(Process, Resolved, &NtPath);
    else if (Kind == LxPathFile)
        Result = LxNtFilePath(Process, Resolved, &NtPath, &Stored);
    else
    {
        Result = LxNtNamePath(Process, Resolved, FALSE, &NtPath, &Cased);
        Stored = !Cased;
    }
    if (Result < 0)
        return Result;
    /* only a name of the process's that NT stores as it is can meet one it folds to */
    if (Stored && Open->disposition != FILE_OPEN && Open->disposition != FILE_OVERWRITE)
        Status = LxOpenFoldingName(Process, Resolved, &NtPath, Open, Attributes, Handle,
                                   &IoStatus);
    else
        Status = LxOpenNtObject(&NtPath, Open, Open->disposition, Attributes, Handle, &IoStatus);
    if (!NT_SUCCESS(Status))
    {
        Result = LxStatusToErrno(Status);
        if (Result == -LX_ENOENT && NtPath.Buffer != NULL)
            Result = LxMissingOrNotDirectory(&NtPath, Process->Root.Length);
        if (NtPath.Buffer != NULL)
            ExFreePoolWithTag(NtPath.Buffer, LX_TAG_TEMP);
        return Result == 0 ? -LX_EIO : Result;
    }
    ExFreePoolWithTag(NtPath.Buffer, LX_TAG_TEMP);
    if (Information)
        *Information = IoStatus.Information;
    return 0;
}

LONG
LxOpenNt(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _In_ const lx_nt_open *Open,
    _In_ ULONG Attributes,
    _Out_ PHANDLE Handle,
    _Out_opt_ PULONG_PTR Information)
{
    return LxOpenNtPath(Process, Resolved, LxPathFile, Open, Attributes, Handle, Information);
}

LONG
LxOpenNtName(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _In_ const lx_nt_open *Open,
    _In_ ULONG Attributes,
    _Out_ PHANDLE Handle,
    _Out_opt_ PULONG_PTR Information)
{
    return LxOpenNtPath(Process, Resolved, LxPathName, Open, Attributes, Handle, Information);
}

/* The same for a path of the process's Root (RootPath, whatever its chroot) */
LONG
LxOpenNtRoot(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR RootPath,
    _In_ const lx_nt_open *Open,
    _In_ ULONG Attributes,
    _Out_ PHANDLE Handle,
    _Out_opt_ PULONG_PTR Information)
{
    return LxOpenNtPath(Process, RootPath, LxPathOfRoot, Open, Attributes, Handle, Information);
}

/*
 * open(2) of a user path relative to Dfd: the file (a new description) and whether the
 * descriptor is to be close-on-exec. Flags and Mode as open's.
 */
LONG
LxOpenPath(
    _In_ PLX_PROCESS Process,
    _In_ LONG Dfd,
    _In_ const CHAR *UserPath,
    _In_ ULONG Flags,
    _In_ ULONG Mode,
    _Out_ PLX_FILE *File,
    _Out_ PBOOLEAN Cloexec)
{
    FILE_STANDARD_INFORMATION Standard;
    IO_STATUS_BLOCK IoStatus;
    LX_META_INFO Meta;
    lx_nt_open Open;
    PCHAR Resolved;
    HANDLE Handle;
    ULONG PathFlags = 0;
    ULONG_PTR Information = 0;
    LONG Result, LinkLength = -1;
    BOOLEAN Fifo = FALSE;

    *File = NULL;
    *Cloexec = FALSE;
    Result = lx_open_flags_to_nt(Flags, &Open);
    if (Result < 0)
        return Result;
    *Cloexec = (BOOLEAN)Open.cloexec;

    Resolved = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_FILE);
    if (Resolved == NULL)
        return -LX_ENOMEM;
    Result = LxResolveUserPath(Process, Dfd, UserPath, Resolved, &PathFlags,
                               (Flags & LX_O_NOFOLLOW) ? FALSE : TRUE);
    if (Result < 0)
        goto Done;
    if (LxShmfsOwns(Resolved))
    {
        Result = LxShmfsOpen(Process, Resolved, Flags, Open.status_flags, Mode, File);
        goto Done;
    }
    Result = 0;
    if (LxDevfsOpen(Process, Resolved, Open.status_flags, (Flags & LX_O_NOCTTY) != 0, File, &Result) ||
        LxProcfsOpen(Process, Resolved, Open.status_flags, File, &Result))
        goto Done;
    LxProcfsFollowFileLink(Process, Resolved);     /* /proc/self/exe: the program's file */

    if (!(Flags & LX_O_PATH) && LxMetaGet(Process, Resolved, &Meta))
    {
        /* a node made with mknod: a device of that number, a named pipe (opened below, as
         * the NT file it is, then as a pipe); a socket file is ENXIO on Linux too */
        switch (Meta.Mode & LX_S_IFMT)
        {
            case LX_S_IFCHR:
                Result = LxDevfsOpenNode(Process, Meta.Rdev, Open.status_flags,
                                         (Flags & LX_O_NOCTTY) != 0, File);
                goto Done;
            case LX_S_IFIFO:
                Fifo = TRUE;
                break;
            case LX_S_IFBLK:
            case LX_S_IFSOCK:
                Result = -LX_ENXIO;
                goto Done;
        }
    }

    if (Flags & LX_O_NOFOLLOW)
    {
        /* the last component was not followed: a link is ELOOP, or the link itself (O_PATH) */
        PCHAR Target = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
        if (Target == NULL)
        {
            Result = -LX_ENOMEM;
            goto Done;
        }
        LinkLength = LxReadSymlink(Process, Resolved, Target, LX_PATH_MAX);
        ExFreePoolWithTag(Target, LX_TAG_TEMP);
        if (LinkLength >= 0 && !(Flags & LX_O_PATH))
        {
            Result = -LX_ELOOP;
            goto Done;
        }
        /* a plain NT open of the link file: no reparse handling wanted */
        Open.options &= ~LX_NT_FILE_OPEN_REPARSE_POINT;
    }

    if (PathFlags & LX_PATH_TRAILING_SLASH)
    {
        if (Flags & LX_O_CREAT)
        {
            Result = -LX_EISDIR;
            goto Done;
        }
        Open.options |= LX_NT_FILE_DIRECTORY_FILE;
        Open.options &= ~LX_NT_FILE_NON_DIRECTORY_FILE;
    }

    /* Linux's mode bits (perm.c) before NT opens, creates or truncates anything: an
     * existing file for the access asked, a new one in its directory. Root passes. */
    if (!(Flags & LX_O_PATH) && Process->Cred.User.fs != 0)
    {
        ULONG Access = Flags & LX_O_ACCMODE;
        ULONG Want = (Access == LX_O_WRONLY ? 0 : LX_MAY_READ) |
                     (Access != 0 || (Flags & LX_O_TRUNC) ? LX_MAY_WRITE : 0);

        Result = LxCheckPermission(Process, Resolved, Want, NULL);
        if (Result == -LX_ENOENT && (Flags & LX_O_CREAT))
            Result = LxCheckNameChange(Process, Resolved, FALSE);
        else if (Result == -LX_ENOENT || ((Flags & LX_O_CREAT) && (Flags & LX_O_EXCL)))
            Result = 0;     /* the open itself says ENOENT or EEXIST */
        if (Result < 0)
            goto Done;
    }

    /* as Linux, fs.file-max is met before the file system is asked (nothing is created) */
    if (LxFilesExhausted())
    {
        Result = -LX_ENFILE;
        goto Done;
    }
    /* permissions live in the metadata table, not in a READONLY attribute: every process
     * is root and may write whatever it created */
    Result = LxOpenNt(Process, Resolved, &Open,
                      (Flags & LX_O_CREAT) ? FILE_ATTRIBUTE_NORMAL : 0,
                      &Handle, &Information);
    if (Result < 0)
        goto Done;
    if ((Flags & LX_O_CREAT) && Information == FILE_CREATED)
        LxMetaCreate(Process, Resolved, Mode & ~Process->Umask & 07777, 0);

    /* the file keeps the handle and the resolved path */
    if (LinkLength < 0 &&
        NT_SUCCESS(ZwQueryInformationFile(Handle, &IoStatus, &Standard, sizeof(Standard),
                                          FileStandardInformation)) &&
        Standard.Directory)
        Result = LxCreateNtDirectory(Handle, Open.status_flags, Resolved, File);
    else
        Result = LxCreateNtFile(Handle, Open.status_flags, Resolved, LinkLength, File);
    Resolved = NULL;
    if (Result == 0 && Fifo)
    {
        /* the node's pipe in place of the node */
        PLX_FILE Node = *File;

        Result = LxOpenFifo(Node, Open.status_flags, File);
        LxDereferenceFile(Node);
    }

Done:
    if (Resolved)
        ExFreePoolWithTag(Resolved, LX_TAG_FILE);
    return Result;
}
