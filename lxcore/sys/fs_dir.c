/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: directories and the name space (getdents64, mkdir, rmdir,
 *              unlink, rename, truncate, fsync, readlink)
 */

#include "lxsys.h"

#define NDEBUG
#include <debug.h>

#define LX_AT_REMOVEDIR         0x200
#define LX_RENAME_NOREPLACE     1
#define LX_RENAME_EXCHANGE      2
#define LX_RENAME_WHITEOUT      4

/* ---------------------------------------------------------------------------------------- */

LONG
NTAPI
LxSysGetdents64(
    ULONG Fd,
    LX_LINUX_DIRENT64 *Dirent,
    ULONG Count)
{
    PLX_FILE File = LxGetFile(LxCurrentProcess(), Fd);
    LONG Result;

    if (File == NULL)
        return -LX_EBADF;
    Result = LxFileGetdents(File, (ULONG_PTR)Dirent, Count);
    LxDereferenceFile(File);
    return Result;
}

/* ---------------------------------------------------------------------------------------- */

static
LONG
LxMkdir(
    _In_ LONG Dfd,
    _In_ const CHAR *Pathname,
    _In_ ULONG Mode)
{
    PLX_PROCESS Process = LxCurrentProcess();
    lx_nt_open Open;
    PCHAR Resolved;
    HANDLE Handle;
    LONG Result;

    Result = LxResolvePath(Process, Dfd, Pathname, FALSE, NULL, &Resolved);
    if (Result >= 0)
    {
        if (strcmp(Resolved, "/") == 0)
        {
            Result = -LX_EEXIST;
        }
        else if ((Result = LxCheckNameChange(Process, Resolved, FALSE)) == 0)
        {
            RtlZeroMemory(&Open, sizeof(Open));
            Open.desired_access = LX_NT_SYNCHRONIZE | LX_NT_FILE_READ_DATA;
            Open.share_access = LX_NT_FILE_SHARE_READ | LX_NT_FILE_SHARE_WRITE |
                                LX_NT_FILE_SHARE_DELETE;
            Open.disposition = LX_NT_FILE_CREATE;
            Open.options = LX_NT_FILE_DIRECTORY_FILE | LX_NT_FILE_SYNCHRONOUS_IO_NONALERT;
            Result = LxOpenNt(Process, Resolved, &Open, 0, &Handle, NULL);
            if (Result == 0)
            {
                ZwClose(Handle);
                /* as Linux's vfs_mkdir: no set-ID bits from the mode */
                LxMetaCreate(Process, Resolved, Mode & ~Process->Umask & 01777, 0);
            }
        }
    }
    LxFreePath(Resolved);
    return Result;
}

LONG
NTAPI
LxSysMkdir(
    const CHAR *Pathname,
    LX_UMODE Mode)
{
    return LxMkdir(LX_AT_FDCWD, Pathname, Mode);
}

LONG
NTAPI
LxSysMkdirat(
    LONG Dfd,
    const CHAR *Pathname,
    LX_UMODE Mode)
{
    return LxMkdir(Dfd, Pathname, Mode);
}

/* mknod: a regular file, or an empty NT file whose type (FIFO, socket, character or block
 * device) and device number the metadata journal keeps (meta.c); opening one is
 * LxOpenPath's business */
static
LONG
LxMknod(
    _In_ LONG Dfd,
    _In_ const CHAR *Pathname,
    _In_ ULONG Mode,
    _In_ ULONG Dev)
{
    PLX_PROCESS Process = LxCurrentProcess();
    ULONG Type = Mode & LX_S_IFMT;
    lx_nt_open Open;
    PCHAR Resolved;
    HANDLE Handle;
    LONG Result;

    /* as Linux's may_mknod and vfs_mknod */
    switch (Type)
    {
        case 0:
            Type = LX_S_IFREG;
            break;
        case LX_S_IFREG:
        case LX_S_IFIFO:
        case LX_S_IFSOCK:
            break;
        case LX_S_IFCHR:
        case LX_S_IFBLK:
            if (Process->Cred.User.effective != 0)
                return -LX_EPERM;
            break;
        case LX_S_IFDIR:
            return -LX_EPERM;
        default:
            return -LX_EINVAL;
    }
    Result = LxResolvePath(Process, Dfd, Pathname, FALSE, NULL, &Resolved);
    if (Result >= 0)
        Result = LxCheckNameChange(Process, Resolved, FALSE);
    if (Result >= 0)
    {
        RtlZeroMemory(&Open, sizeof(Open));
        Open.desired_access = LX_NT_SYNCHRONIZE | LX_NT_FILE_READ_ATTRIBUTES;
        Open.share_access = LX_NT_FILE_SHARE_READ | LX_NT_FILE_SHARE_WRITE |
                            LX_NT_FILE_SHARE_DELETE;
        Open.disposition = LX_NT_FILE_CREATE;
        Open.options = LX_NT_FILE_NON_DIRECTORY_FILE | LX_NT_FILE_SYNCHRONOUS_IO_NONALERT;
        Result = LxOpenNt(Process, Resolved, &Open, FILE_ATTRIBUTE_NORMAL, &Handle, NULL);
        if (Result == 0)
        {
            ZwClose(Handle);
            LxMetaCreate(Process, Resolved, Type | (Mode & ~Process->Umask & 07777),
                         (Type == LX_S_IFCHR || Type == LX_S_IFBLK) ? Dev : 0);
        }
    }
    LxFreePath(Resolved);
    return Result;
}

LONG
NTAPI
LxSysMknod(
    const CHAR *Filename,
    LX_UMODE Mode,
    ULONG Dev)
{
    return LxMknod(LX_AT_FDCWD, Filename, Mode, Dev);
}

LONG
NTAPI
LxSysMknodat(
    LONG Dfd,
    const CHAR *Filename,
    LX_UMODE Mode,
    ULONG Dev)
{
    return LxMknod(Dfd, Filename, Mode, Dev);
}

/* Removes a file (Directory FALSE) or an empty directory (Directory TRUE). */
static
LONG
LxRemove(
    _In_ LONG Dfd,
    _In_ const CHAR *Pathname,
    _In_ BOOLEAN Directory)
{
    PLX_PROCESS Process = LxCurrentProcess();
    lx_nt_open Open;
    PCHAR Resolved, Raw;
    HANDLE Handle;
    NTSTATUS Status;
    LONG Result;
    SIZE_T RawLength;
    BOOLEAN IsLink;
    ULONG Inode;

    Resolved = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    Raw = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (Resolved == NULL || Raw == NULL)
    {
        Result = -LX_ENOMEM;
        goto Done;
    }
    Result = LxCopyStringFromUser(Raw, LX_PATH_MAX, (ULONG_PTR)Pathname);
    if (Result < 0)
        goto Done;
    RawLength = (SIZE_T)Result;
    /* rmdir("x/.") is EINVAL, rmdir("x/..") ENOTEMPTY, on Linux */
    if (Directory && RawLength >= 1 && Raw[RawLength - 1] == '.' &&
        (RawLength == 1 || Raw[RawLength - 2] == '/'))
    {
        Result = -LX_EINVAL;
        goto Done;
    }
    Result = LxResolveUserPath(Process, Dfd, Pathname, Resolved, NULL, FALSE);
    if (Result < 0)
        goto Done;
    if (strcmp(Resolved, "/") == 0)
    {
        Result = Directory ? -LX_EBUSY : -LX_EISDIR;
        goto Done;
    }
    if (LxShmfsOwns(Resolved))
    {
        Result = LxShmfsUnlink(Resolved, Directory);
        goto Done;
    }
    Result = LxCheckNameChange(Process, Resolved, TRUE);
    if (Result < 0)
        goto Done;
    IsLink = !Directory && LxMetaHardLinkOf(Process, Resolved, &Inode);

    /* the name goes (a hard link's: its own file, then the inode if it was the last) */
    RtlZeroMemory(&Open, sizeof(Open));
    Open.desired_access = LX_NT_DELETE | LX_NT_SYNCHRONIZE | LX_NT_FILE_READ_ATTRIBUTES |
                          LX_NT_FILE_WRITE_ATTRIBUTES;
    Open.share_access = LX_NT_FILE_SHARE_READ | LX_NT_FILE_SHARE_WRITE | LX_NT_FILE_SHARE_DELETE;
    Open.disposition = LX_NT_FILE_OPEN;
    Open.options = LX_NT_FILE_SYNCHRONOUS_IO_NONALERT | LX_NT_FILE_OPEN_REPARSE_POINT |
                   (Directory ? LX_NT_FILE_DIRECTORY_FILE : LX_NT_FILE_NON_DIRECTORY_FILE);
    Result = LxOpenNtName(Process, Resolved, &Open, 0, &Handle, NULL);
    if (Result < 0)
        goto Done;

    /* a read-only file: Linux unlinks it anyway (the directory is writable) */
    Status = Directory ? LxSetDeleteDisposition(Handle) : LxNtDeleteFile(Handle);
    ZwClose(Handle);
    Result = NT_SUCCESS(Status) ? 0 : LxStatusToErrno(Status);
    if (Result == 0)
        LxMetaRemove(Process, Resolved, Directory);
    if (Result == 0 && IsLink)
        LxHardLinkGone(Process, Inode);

Done:
    if (Resolved)
        LxFreePath(Resolved);
    if (Raw)
        ExFreePoolWithTag(Raw, LX_TAG_TEMP);
    return Result;
}

LONG
NTAPI
LxSysUnlink(
    const CHAR *Pathname)
{
    return LxRemove(LX_AT_FDCWD, Pathname, FALSE);
}

LONG
NTAPI
LxSysRmdir(
    const CHAR *Pathname)
{
    return LxRemove(LX_AT_FDCWD, Pathname, TRUE);
}

LONG
NTAPI
LxSysUnlinkat(
    LONG Dfd,
    const CHAR *Pathname,
    LONG Flag)
{
    if (Flag & ~LX_AT_REMOVEDIR)
        return -LX_EINVAL;
    return LxRemove(Dfd, Pathname, (Flag & LX_AT_REMOVEDIR) != 0);
}

static
LONG
LxRename(
    _In_ LONG OldDfd,
    _In_ const CHAR *OldName,
    _In_ LONG NewDfd,
    _In_ const CHAR *NewName,
    _In_ ULONG Flags)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PCHAR OldResolved = NULL, NewResolved = NULL;
    UNICODE_STRING NewNt = { 0, 0, NULL };
    ULONG OldInode, NewInode;
    BOOLEAN OldLink, NewLink, NewCased;
    lx_nt_open Open;
    HANDLE Handle;
    NTSTATUS Status;
    LONG Result;

    if (Flags & ~LX_RENAME_NOREPLACE)
        return (Flags & (LX_RENAME_EXCHANGE | LX_RENAME_WHITEOUT)) ? -LX_EINVAL : -LX_EINVAL;

    OldResolved = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    NewResolved = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (OldResolved == NULL || NewResolved == NULL)
    {
        Result = -LX_ENOMEM;
        goto Done;
    }
    Result = LxResolveUserPath(Process, OldDfd, OldName, OldResolved, NULL, FALSE);
    if (Result < 0)
        goto Done;
    Result = LxResolveUserPath(Process, NewDfd, NewName, NewResolved, NULL, FALSE);
    if (Result < 0)
        goto Done;
    if (strcmp(OldResolved, "/") == 0 || strcmp(NewResolved, "/") == 0)
    {
        Result = -LX_EBUSY;
        goto Done;
    }
    Result = LxCheckNameChange(Process, OldResolved, TRUE);
    if (Result == 0)
        Result = LxCheckNameChange(Process, NewResolved, TRUE);
    if (Result < 0)
        goto Done;
    /* a directory cannot move into itself */
    {
        SIZE_T OldLength = strlen(OldResolved);
        if (strncmp(NewResolved, OldResolved, OldLength) == 0 && NewResolved[OldLength] == '/')
        {
            Result = -LX_EINVAL;
            goto Done;
        }
    }

    /* names move (a hard link's name too: its own file); two names of one file: nothing to
     * do, as Linux; a hard link's name replaced: its inode goes if that was the last */
    OldLink = LxMetaHardLinkOf(Process, OldResolved, &OldInode);
    NewLink = LxMetaHardLinkOf(Process, NewResolved, &NewInode);
    RtlZeroMemory(&Open, sizeof(Open));
    Open.desired_access = LX_NT_DELETE | LX_NT_SYNCHRONIZE | LX_NT_FILE_READ_ATTRIBUTES;
    Open.share_access = LX_NT_FILE_SHARE_READ | LX_NT_FILE_SHARE_WRITE | LX_NT_FILE_SHARE_DELETE;
    Open.disposition = LX_NT_FILE_OPEN;
    Open.options = LX_NT_FILE_SYNCHRONOUS_IO_NONALERT | LX_NT_FILE_OPEN_REPARSE_POINT;
    Result = LxOpenNtName(Process, OldResolved, &Open, 0, &Handle, NULL);
    if (Result < 0)
        goto Done;
    if (strcmp(OldResolved, NewResolved) == 0 || (OldLink && NewLink && OldInode == NewInode))
    {
        ZwClose(Handle);
        Result = 0;
        goto Done;
    }

    Result = LxNtTargetPathOf(Process, NewResolved, Handle, &NewNt, &NewCased);
    if (Result < 0)
    {
        ZwClose(Handle);
        goto Done;
    }
    Status = LxNtRename(Handle, &NewNt, (Flags & LX_RENAME_NOREPLACE) ? FALSE : TRUE);
    ZwClose(Handle);
    Result = NT_SUCCESS(Status) ? 0 : LxStatusToErrno(Status);
    if (Result == 0)
    {
        LxMetaRename(Process, OldResolved, NewResolved);
        LxMetaSetCased(Process, NewResolved, NewCased);
    }
    if (Result == 0 && NewLink)
        LxHardLinkGone(Process, NewInode);

Done:
    if (NewNt.Buffer)
        ExFreePoolWithTag(NewNt.Buffer, LX_TAG_TEMP);
    if (OldResolved)
        ExFreePoolWithTag(OldResolved, LX_TAG_TEMP);
    if (NewResolved)
        ExFreePoolWithTag(NewResolved, LX_TAG_TEMP);
    return Result;
}

LONG
NTAPI
LxSysRename(
    const CHAR *Oldname,
    const CHAR *Newname)
{
    return LxRename(LX_AT_FDCWD, Oldname, LX_AT_FDCWD, Newname, 0);
}

LONG
NTAPI
LxSysRenameat(
    LONG Olddfd,
    const CHAR *Oldname,
    LONG Newdfd,
    const CHAR *Newname)
{
    return LxRename(Olddfd, Oldname, Newdfd, Newname, 0);
}

LONG
NTAPI
LxSysRenameat2(
    LONG Olddfd,
    const CHAR *Oldname,
    LONG Newdfd,
    const CHAR *Newname,
    ULONG Flags)
{
    return LxRename(Olddfd, Oldname, Newdfd, Newname, Flags);
}

/* ---------------------------------------------------------------------------------------- */

LONG
NTAPI
LxSysFtruncate64(
    ULONG Fd,
    ULONG_PTR OffsetLow,
    ULONG_PTR OffsetHigh)
{
    PLX_FILE File = LxGetFile(LxCurrentProcess(), Fd);
    LONGLONG Length = (LONGLONG)(((ULONGLONG)OffsetHigh << 32) | (ULONG)OffsetLow);
    LONG Result;

    if (File == NULL)
        return -LX_EBADF;
    Result = LxFileTruncate(File, Length);
    LxDereferenceFile(File);
    return Result;
}

LONG
NTAPI
LxSysTruncate64(
    const CHAR *Filename,
    ULONG_PTR OffsetLow,
    ULONG_PTR OffsetHigh)
{
    LONGLONG Length = (LONGLONG)(((ULONGLONG)OffsetHigh << 32) | (ULONG)OffsetLow);
    PLX_FILE File;
    BOOLEAN Cloexec;
    LONG Result;

    if (Length < 0)
        return -LX_EINVAL;
    Result = LxOpenPath(LxCurrentProcess(), LX_AT_FDCWD, Filename, LX_O_WRONLY, 0, &File, &Cloexec);
    if (Result < 0)
        return Result;
    Result = LxFileIsDirectory(File) ? -LX_EISDIR : LxFileTruncate(File, Length);
    LxDereferenceFile(File);
    return Result;
}

LONG
NTAPI
LxSysFsync(
    ULONG Fd)
{
    PLX_FILE File = LxGetFile(LxCurrentProcess(), Fd);
    LONG Result;

    if (File == NULL)
        return -LX_EBADF;
    Result = LxFileFsync(File);
    LxDereferenceFile(File);
    return Result;
}

LONG
NTAPI
LxSysFdatasync(
    ULONG Fd)
{
    return LxSysFsync(Fd);
}

/* sync: the volume of the process's root directory, flushed (fs/ntio.c LxFlushNtFile) */
static
VOID
LxSyncRootVolume(
    _In_ PLX_PROCESS Process)
{
    lx_nt_open Open;
    HANDLE Handle;

    RtlZeroMemory(&Open, sizeof(Open));
    Open.desired_access = LX_NT_SYNCHRONIZE | LX_NT_FILE_READ_ATTRIBUTES;
    Open.share_access = LX_NT_FILE_SHARE_READ | LX_NT_FILE_SHARE_WRITE | LX_NT_FILE_SHARE_DELETE;
    Open.disposition = LX_NT_FILE_OPEN;
    Open.options = LX_NT_FILE_DIRECTORY_FILE | LX_NT_FILE_SYNCHRONOUS_IO_NONALERT;
    if (LxOpenNt(Process, "/", &Open, 0, &Handle, NULL) == 0)
    {
        LxFlushNtFile(Handle, FALSE);
        ZwClose(Handle);
    }
}

LONG
NTAPI
LxSysSync(VOID)
{
    LxSyncRootVolume(LxCurrentProcess());
    return 0;
}

LONG
NTAPI
LxSysSyncfs(
    LONG Fd)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE File = LxGetFile(Process, (ULONG)Fd);

    if (File == NULL)
        return -LX_EBADF;
    LxDereferenceFile(File);
    LxSyncRootVolume(Process);
    return 0;
}

/* ---------------------------------------------------------------------------------------- */

static
LONG
LxReadlink(
    _In_ LONG Dfd,
    _In_ const CHAR *Path,
    _Out_ CHAR *Buf,
    _In_ LONG Bufsiz)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PCHAR Resolved;
    PCSTR Target = NULL;
    PCHAR Link = NULL;
    LONG Result;

    if (Bufsiz <= 0)
        return -LX_EINVAL;
    Result = LxResolvePath(Process, Dfd, Path, FALSE, NULL, &Resolved);
    if (Result < 0)
        goto Done;

    /* a /proc link (its target), a symlink file (its target); any other existing name: EINVAL */
    Link = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (Link == NULL)
    {
        Result = -LX_ENOMEM;
        goto Done;
    }
    Result = LxProcfsReadlink(Process, Resolved, Link, LX_PATH_MAX);
    if (Result == -LX_ENOENT && !lx_path_is_under(Resolved, "/proc"))
        Result = LxReadSymlink(Process, Resolved, Link, LX_PATH_MAX);
    if (Result < 0)
        goto Done;
    Target = Link;

    {
        SIZE_T Length = strlen(Target);
        if (Length > (SIZE_T)Bufsiz)
            Length = (SIZE_T)Bufsiz;
        Result = LxCopyToUser((ULONG_PTR)Buf, Target, Length);
        if (Result == 0)
            Result = (LONG)Length;
    }

Done:
    if (Link)
        ExFreePoolWithTag(Link, LX_TAG_TEMP);
    LxFreePath(Resolved);
    return Result;
}

LONG
NTAPI
LxSysReadlink(
    const CHAR *Path,
    CHAR *Buf,
    LONG Bufsiz)
{
    return LxReadlink(LX_AT_FDCWD, Path, Buf, Bufsiz);
}

LONG
NTAPI
LxSysReadlinkat(
    LONG Dfd,
    const CHAR *Path,
    CHAR *Buf,
    LONG Bufsiz)
{
    return LxReadlink(Dfd, Path, Buf, Bufsiz);
}

/* link, linkat: in /dev/shm (tmpfs) its own; elsewhere made on top of the NT file system
 * (fs/hardlink.c: FAT has none) */
static
LONG
LxLink(
    _In_ LONG OldDfd,
    _In_ const CHAR *OldName,
    _In_ LONG NewDfd,
    _In_ const CHAR *NewName,
    _In_ LONG Flags)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PCHAR Old = NULL, New = NULL;
    LONG Result;

    if (Flags & ~(0x400 /* AT_SYMLINK_FOLLOW */ | 0x1000 /* AT_EMPTY_PATH */))
        return -LX_EINVAL;
    Result = LxResolvePath(Process, OldDfd, OldName, (Flags & 0x400) != 0, NULL, &Old);
    if (Result >= 0)
        Result = LxResolvePath(Process, NewDfd, NewName, FALSE, NULL, &New);
    if (Result >= 0)
    {
        if (LxShmfsOwns(Old) || LxShmfsOwns(New))
            Result = LxShmfsLink(Old, New);
        else
            Result = LxHardLink(Process, Old, New);
    }
    LxFreePath(Old);
    LxFreePath(New);
    return Result;
}

LONG
NTAPI
LxSysLink(
    const CHAR *Oldname,
    const CHAR *Newname)
{
    return LxLink(LX_AT_FDCWD, Oldname, LX_AT_FDCWD, Newname, 0);
}

LONG
NTAPI
LxSysLinkat(
    LONG Olddfd,
    const CHAR *Oldname,
    LONG Newdfd,
    const CHAR *Newname,
    LONG Flags)
{
    return LxLink(Olddfd, Oldname, Newdfd, Newname, Flags);
}

/* ---------------------------------------------------------------------------------------- */
/* Symbolic links and modes (see fs/vfs.c for how they are stored)                          */

static
LONG
LxSymlink(
    _In_ const CHAR *OldName,
    _In_ LONG NewDfd,
    _In_ const CHAR *NewName)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PCHAR Target, Resolved = NULL;
    LONG Result;

    Target = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (Target == NULL)
        return -LX_ENOMEM;
    Result = LxCopyStringFromUser(Target, LX_PATH_MAX, (ULONG_PTR)OldName);
    if (Result == 0)
        Result = -LX_ENOENT;    /* an empty target */
    if (Result < 0)
        goto Done;
    Resolved = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (Resolved == NULL)
    {
        Result = -LX_ENOMEM;
        goto Done;
    }
    Result = LxResolveUserPath(Process, NewDfd, NewName, Resolved, NULL, FALSE);
    if (Result < 0)
        goto Done;
    if (strcmp(Resolved, "/") == 0)
    {
        Result = -LX_EEXIST;
        goto Done;
    }
    Result = LxCheckNameChange(Process, Resolved, FALSE);
    if (Result == 0)
        Result = LxCreateSymlink(Process, Resolved, Target);

Done:
    if (Resolved)
        LxFreePath(Resolved);
    ExFreePoolWithTag(Target, LX_TAG_TEMP);
    return Result;
}

LONG
NTAPI
LxSysSymlink(
    const CHAR *Old,
    const CHAR *New)
{
    return LxSymlink(Old, LX_AT_FDCWD, New);
}

LONG
NTAPI
LxSysSymlinkat(
    const CHAR *Oldname,
    LONG Newdfd,
    const CHAR *Newname)
{
    return LxSymlink(Oldname, Newdfd, Newname);
}

/* chmod and chown: the path must name an existing file (an O_PATH open succeeds), whose
 * mode and owner the metadata journal then records (meta.c: who may change what) */
static
LONG
LxChangeAttributes(
    _In_ LONG Dfd,
    _In_ const CHAR *Filename,
    _In_ BOOLEAN Follow,
    _In_ const LX_SETATTR *Attr)
{
    PLX_PROCESS Process = LxCurrentProcess();
    struct _LX_STAT64 St;
    lx_nt_open Open;
    PCHAR Resolved;
    HANDLE Handle;
    LONG Result;

    Result = LxResolvePath(Process, Dfd, Filename, Follow, NULL, &Resolved);
    if (Result >= 0)
    {
        lx_open_flags_to_nt(LX_O_PATH, &Open);
        Result = LxOpenNt(Process, Resolved, &Open, 0, &Handle, NULL);
        if (Result == 0)
        {
            Result = LxNtStat(Handle, NULL, &St);
            ZwClose(Handle);
            if (Result == 0)
                Result = LxMetaSetattr(Process, Resolved, St.StMode, Attr);
        }
    }
    LxFreePath(Resolved);
    return Result;
}

static
LONG
LxChmod(
    _In_ LONG Dfd,
    _In_ const CHAR *Filename,
    _In_ ULONG Mode)
{
    LX_SETATTR Attr;

    RtlZeroMemory(&Attr, sizeof(Attr));
    Attr.Valid = LX_SETATTR_MODE;
    Attr.Mode = Mode & 07777;
    return LxChangeAttributes(Dfd, Filename, TRUE, &Attr);
}

LONG
NTAPI
LxSysChmod(
    const CHAR *Filename,
    LX_UMODE Mode)
{
    return LxChmod(LX_AT_FDCWD, Filename, Mode);
}

LONG
NTAPI
LxSysFchmodat(
    LONG Dfd,
    const CHAR *Filename,
    LX_UMODE Mode)
{
    return LxChmod(Dfd, Filename, Mode);
}

LONG
NTAPI
LxSysFchmod(
    ULONG Fd,
    LX_UMODE Mode)
{
    PLX_FILE File = LxGetFile(LxCurrentProcess(), Fd);
    LX_SETATTR Attr;
    LONG Result;

    if (File == NULL)
        return -LX_EBADF;
    RtlZeroMemory(&Attr, sizeof(Attr));
    Attr.Valid = LX_SETATTR_MODE;
    Attr.Mode = Mode & 07777;
    Result = LxFileSetattr(File, &Attr);
    LxDereferenceFile(File);
    return Result;
}

/* ---------------------------------------------------------------------------------------- */
/* Ownership and times                                                                     */

static
LONG
LxChown(
    _In_ LONG Dfd,
    _In_ const CHAR *Filename,
    _In_ BOOLEAN Follow,
    _In_ ULONG User,
    _In_ ULONG Group)
{
    LX_SETATTR Attr;

    RtlZeroMemory(&Attr, sizeof(Attr));
    Attr.Valid = LX_SETATTR_OWNER;
    Attr.Uid = User;
    Attr.Gid = Group;
    return LxChangeAttributes(Dfd, Filename, Follow, &Attr);
}

LONG NTAPI LxSysChown32(const CHAR *Filename, LX_UID User, LX_GID Group)
{
    return LxChown(LX_AT_FDCWD, Filename, TRUE, User, Group);
}

LONG NTAPI LxSysLchown32(const CHAR *Filename, LX_UID User, LX_GID Group)
{
    return LxChown(LX_AT_FDCWD, Filename, FALSE, User, Group);
}

LONG NTAPI LxSysFchownat(LONG Dfd, const CHAR *Filename, LX_UID User, LX_GID Group, LONG Flag)
{
    if (Flag & ~(0x100 /* AT_SYMLINK_NOFOLLOW */ | 0x1000 /* AT_EMPTY_PATH */))
        return -LX_EINVAL;
    return LxChown(Dfd, Filename, (Flag & 0x100) ? FALSE : TRUE, User, Group);
}

LONG NTAPI LxSysFchown32(ULONG Fd, LX_UID User, LX_GID Group)
{
    PLX_FILE File = LxGetFile(LxCurrentProcess(), Fd);
    LX_SETATTR Attr;
    LONG Result;

    if (File == NULL)
        return -LX_EBADF;
    RtlZeroMemory(&Attr, sizeof(Attr));
    Attr.Valid = LX_SETATTR_OWNER;
    Attr.Uid = User;
    Attr.Gid = Group;
    Result = LxFileSetattr(File, &Attr);
    LxDereferenceFile(File);
    return Result;
}

#define LX_UTIME_NOW    ((1 << 30) - 1)
#define LX_UTIME_OMIT   ((1 << 30) - 2)

/* NT time for a Linux timespec of utimensat: 0 leaves the time alone */
static
LONG
LxUtimeValue(
    _In_ LONGLONG Sec,
    _In_ LONG Nsec,
    _Out_ PLARGE_INTEGER Time)
{
    lx_timespec64 Ts;

    if (Nsec == LX_UTIME_OMIT)
    {
        Time->QuadPart = 0;
        return 0;
    }
    if (Nsec == LX_UTIME_NOW)
    {
        KeQuerySystemTime(Time);
        return 0;
    }
    if (Nsec < 0 || Nsec >= 1000000000)
        return -LX_EINVAL;
    Ts.sec = Sec;
    Ts.nsec = Nsec;
    Time->QuadPart = lx_timespec_to_nt_time(&Ts);
    if (Time->QuadPart <= 0)
        Time->QuadPart = 1;     /* before 1601: the earliest NT time (0 means "unchanged") */
    return 0;
}

static
LONG
LxUtimens(
    _In_ LONG Dfd,
    _In_opt_ const CHAR *Filename,
    _In_ BOOLEAN HaveTimes,
    _In_ const LONGLONG *Sec,
    _In_ const LONG *Nsec,
    _In_ LONG Flags)
{
    PLX_PROCESS Process = LxCurrentProcess();
    LX_SETATTR Attr;
    lx_nt_open Open;
    PCHAR Resolved;
    HANDLE Handle;
    PLX_FILE File;
    LONG Result;

    if (Flags & ~0x100 /* AT_SYMLINK_NOFOLLOW */)
        return -LX_EINVAL;
    RtlZeroMemory(&Attr, sizeof(Attr));
    Attr.Valid = LX_SETATTR_TIMES;
    if (HaveTimes)
    {
        Result = LxUtimeValue(Sec[0], Nsec[0], &Attr.AccessTime);
        if (Result == 0)
            Result = LxUtimeValue(Sec[1], Nsec[1], &Attr.WriteTime);
        if (Result < 0)
            return Result;
    }
    else
    {
        KeQuerySystemTime(&Attr.AccessTime);
        Attr.WriteTime = Attr.AccessTime;
    }

    if (Filename == NULL)
    {
        /* futimens: the descriptor itself */
        File = LxGetFile(Process, (ULONG)Dfd);
        if (File == NULL)
            return -LX_EBADF;
        Result = LxFileSetattr(File, &Attr);
        LxDereferenceFile(File);
        return Result;
    }

    Result = LxResolvePath(Process, Dfd, Filename, (Flags & 0x100) ? FALSE : TRUE, NULL, &Resolved);
    if (Result >= 0)
    {
        lx_open_flags_to_nt(LX_O_PATH, &Open);
        Open.desired_access |= LX_NT_FILE_WRITE_ATTRIBUTES;
        Result = LxOpenNt(Process, Resolved, &Open, 0, &Handle, NULL);
        if (Result == 0)
        {
            Result = LxNtSetTimes(Handle, &Attr);
            ZwClose(Handle);
        }
    }
    LxFreePath(Resolved);
    return Result;
}

/* utimensat's two timespecs (atime, mtime) in either layout; NULL: both now */
static
LONG
LxUtimensUser(
    _In_ LONG Dfd,
    _In_opt_ const CHAR *Filename,
    _In_ ULONG_PTR Utimes,
    _In_ BOOLEAN Time64,
    _In_ LONG Flags)
{
    SIZE_T Size = Time64 ? sizeof(struct _LX_KERNEL_TIMESPEC) : sizeof(struct _LX_OLD_TIMESPEC32);
    lx_timespec64 Ts;
    LONGLONG Sec[2] = { 0, 0 };
    LONG Nsec[2] = { 0, 0 }, Result;
    ULONG i;

    for (i = 0; Utimes != 0 && i < 2; i++)
    {
        Result = LxGetUserTimespec(Utimes + i * Size, Time64, &Ts);
        if (Result < 0)
            return Result;
        Sec[i] = Ts.sec;
        Nsec[i] = Ts.nsec;
    }
    return LxUtimens(Dfd, Filename, Utimes != 0, Sec, Nsec, Flags);
}

LONG
NTAPI
LxSysUtimensat(
    ULONG Dfd,
    const CHAR *Filename,
    LX_OLD_TIMESPEC32 *T,
    LONG Flags)
{
    return LxUtimensUser((LONG)Dfd, Filename, (ULONG_PTR)T, FALSE, Flags);
}

LONG
NTAPI
LxSysUtimensatTime64(
    LONG Dfd,
    const CHAR *Filename,
    LX_KERNEL_TIMESPEC *Utimes,
    LONG Flags)
{
    return LxUtimensUser(Dfd, Filename, (ULONG_PTR)Utimes, TRUE, Flags);
}
