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

/* Builds the NT path of a resolved Linux path (UNICODE_STRING with a pool buffer): of a path
 * of the process's Root (LxNtRootPathOf: lxcore's own files there, the metadata journal and
 * hard links' inodes), of the name itself (LxNtNamePathOf), or of the file it stands for
 * (LxNtPathOf: a hard link's name stands for its inode file, fs/hardlink.c). */
LONG
LxNtRootPathOf(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR RootPath,
    _Out_ PUNICODE_STRING NtPath)
{
    size_t Length = 0;
    int Result;

    NtPath->Buffer = ExAllocatePoolWithTag(PagedPool, LX_NT_PATH_MAX * sizeof(WCHAR),
                                           LX_TAG_TEMP);
    if (NtPath->Buffer == NULL)
        return -LX_ENOMEM;
    Result = lx_path_to_nt((const uint16_t *)Process->Root.Buffer,
                           Process->Root.Length / sizeof(WCHAR),
                           RootPath,
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
    return 0;
}

LONG
LxNtNamePathOf(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _Out_ PUNICODE_STRING NtPath)
{
    PCHAR RootPath;
    LONG Result;

    NtPath->Buffer = NULL;
    if (Process->RootPrefix == NULL)
        return LxNtRootPathOf(Process, Resolved, NtPath);
    RootPath = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (RootPath == NULL)
        return -LX_ENOMEM;
    Result = LxRootPathOf(Process, Resolved, RootPath);
    if (Result == 0)
        Result = LxNtRootPathOf(Process, RootPath, NtPath);
    ExFreePoolWithTag(RootPath, LX_TAG_TEMP);
    return Result;
}

LONG
LxNtPathOf(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _Out_ PUNICODE_STRING NtPath)
{
    CHAR InodePath[LX_INODE_PATH_MAX];
    ULONG Inode;

    if (LxMetaHardLinkOf(Process, Resolved, &Inode))
    {
        LxInodePath(Inode, InodePath);
        return LxNtRootPathOf(Process, InodePath, NtPath);
    }
    return LxNtNamePathOf(Process, Resolved, NtPath);
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
    OBJECT_ATTRIBUTES ObjectAttributes;
    IO_STATUS_BLOCK IoStatus;
    UNICODE_STRING NtPath;
    NTSTATUS Status;
    LONG Result;

    *Handle = NULL;
    Result = Kind == LxPathName ? LxNtNamePathOf(Process, Resolved, &NtPath) :
             Kind == LxPathOfRoot ? LxNtRootPathOf(Process, Resolved, &NtPath) :
                                    LxNtPathOf(Process, Resolved, &NtPath);
    if (Result < 0)
        return Result;
    InitializeObjectAttributes(&ObjectAttributes,
                               &NtPath,
                               OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE,
                               NULL,
                               NULL);
    Status = LxCreateFileChecked(Handle,
                                 Open->desired_access,
                                 &ObjectAttributes,
                                 &IoStatus,
                                 Attributes,
                                 Open->share_access,
                                 Open->disposition,
                                 Open->options);
    if (!NT_SUCCESS(Status))
    {
        *Handle = NULL;
        Result = LxStatusToErrno(Status);
        if (Result == -LX_ENOENT)
            Result = LxMissingOrNotDirectory(&NtPath, Process->Root.Length);
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
