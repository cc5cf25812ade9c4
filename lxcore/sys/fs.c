/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: file descriptors and files (read, write, open, close, seek,
 *              dup, fcntl, ioctl, stat, statfs, cwd); what a file does is its kind's
 *              (fs/lxfs.h)
 */

#include "lxsys.h"

#define NDEBUG
#include <debug.h>

#define LX_AT_SYMLINK_NOFOLLOW  0x100
#define LX_AT_EMPTY_PATH        0x1000
#define LX_UIO_MAXIOV           1024

#define LX_F_DUPFD              0
#define LX_F_GETFD              1
#define LX_F_SETFD              2
#define LX_F_GETFL              3
#define LX_F_SETFL              4
#define LX_F_DUPFD_CLOEXEC      1030
#define LX_FD_CLOEXEC           1

#define LX_FIONBIO              0x5421
#define LX_FIONCLEX             0x5450
#define LX_FIOCLEX              0x5451

#define LX_SETFL_MASK   (LX_O_APPEND | LX_O_NONBLOCK | LX_O_ASYNC | LX_O_DIRECT | LX_O_NOATIME)

/* ---------------------------------------------------------------------------------------- */
/* Reading and writing                                                                     */

/* read(2) and write(2) of a descriptor at its file offset */
static
LONG
LxReadWriteFd(
    _In_ ULONG Fd,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_ BOOLEAN Write)
{
    PLX_FILE File = LxGetFile(LxCurrentProcess(), Fd);
    LONG Result;

    if (File == NULL)
        return -LX_EBADF;
    Result = Write ? LxFileWrite(File, Buffer, Count, NULL) : LxFileRead(File, Buffer, Count, NULL);
    LxDereferenceFile(File);
    return Result;
}

LONG
NTAPI
LxSysRead(
    ULONG Fd,
    CHAR *Buf,
    SIZE_T Count)
{
    return LxReadWriteFd(Fd, (ULONG_PTR)Buf, Count, FALSE);
}

LONG
NTAPI
LxSysWrite(
    ULONG Fd,
    const CHAR *Buf,
    SIZE_T Count)
{
    return LxReadWriteFd(Fd, (ULONG_PTR)Buf, Count, TRUE);
}

static
LONG
LxPositional(
    _In_ ULONG Fd,
    _In_ ULONG_PTR Buf,
    _In_ ULONG Count,
    _In_ ULONG Poslo,
    _In_ ULONG Poshi,
    _In_ BOOLEAN Write)
{
    PLX_FILE File = LxGetFile(LxCurrentProcess(), Fd);
    LONGLONG Position = ((LONGLONG)Poshi << 32) | Poslo;
    LONG Result;

    if (File == NULL)
        return -LX_EBADF;
    if (Position < 0)
        Result = -LX_EINVAL;
    else if (Write)
        Result = LxFileWrite(File, Buf, Count, &Position);
    else
        Result = LxFileRead(File, Buf, Count, &Position);
    LxDereferenceFile(File);
    return Result;
}

LONG
NTAPI
LxSysPread64(
    ULONG Fd,
    CHAR *Ubuf,
    ULONG Count,
    ULONG Poslo,
    ULONG Poshi)
{
    return LxPositional(Fd, (ULONG_PTR)Ubuf, Count, Poslo, Poshi, FALSE);
}

LONG
NTAPI
LxSysPwrite64(
    ULONG Fd,
    const CHAR *Ubuf,
    ULONG Count,
    ULONG Poslo,
    ULONG Poshi)
{
    return LxPositional(Fd, (ULONG_PTR)Ubuf, Count, Poslo, Poshi, TRUE);
}

static
LONG
LxVectorIo(
    _In_ ULONG Fd,
    _In_ const LX_IOVEC *Vec,
    _In_ ULONG_PTR Vlen,
    _In_ BOOLEAN Write)
{
    PLX_PROCESS Process = LxCurrentProcess();
    struct _LX_IOVEC *Vectors;
    PLX_FILE File;
    ULONG_PTR i;
    ULONG Total = 0;
    LONG Result = 0;

    if (Vlen > LX_UIO_MAXIOV)
        return -LX_EINVAL;
    File = LxGetFile(Process, Fd);
    if (File == NULL)
        return -LX_EBADF;
    if (Vlen == 0)
    {
        LxDereferenceFile(File);
        return 0;
    }
    Vectors = ExAllocatePoolWithTag(PagedPool, Vlen * sizeof(*Vectors), LX_TAG_TEMP);
    if (Vectors == NULL)
    {
        LxDereferenceFile(File);
        return -LX_ENOMEM;
    }
    Result = LxCopyFromUser(Vectors, (ULONG_PTR)Vec, Vlen * sizeof(*Vectors));
    if (Result == 0)
    {
        for (i = 0; i < Vlen; i++)
        {
            if (Vectors[i].IovLen > LX_MAX_IO - Total)
            {
                Result = -LX_EINVAL;
                break;
            }
            Total += Vectors[i].IovLen;
        }
    }
    if (Result == 0)
    {
        Total = 0;
        for (i = 0; i < Vlen; i++)
        {
            LONG n;

            if (Vectors[i].IovLen == 0)
                continue;
            n = Write ? LxFileWrite(File, Vectors[i].IovBase, Vectors[i].IovLen, NULL) :
                        LxFileRead(File, Vectors[i].IovBase, Vectors[i].IovLen, NULL);
            if (n < 0)
            {
                if (Total == 0)
                    Result = n;
                break;
            }
            Total += (ULONG)n;
            if ((ULONG)n < Vectors[i].IovLen)
                break;
        }
        if (Result == 0)
            Result = (LONG)Total;
    }
    ExFreePoolWithTag(Vectors, LX_TAG_TEMP);
    LxDereferenceFile(File);
    return Result;
}

LONG
NTAPI
LxSysReadv(
    ULONG_PTR Fd,
    const LX_IOVEC *Vec,
    ULONG_PTR Vlen)
{
    return LxVectorIo((ULONG)Fd, Vec, Vlen, FALSE);
}

LONG
NTAPI
LxSysWritev(
    ULONG_PTR Fd,
    const LX_IOVEC *Vec,
    ULONG_PTR Vlen)
{
    return LxVectorIo((ULONG)Fd, Vec, Vlen, TRUE);
}

/* ---------------------------------------------------------------------------------------- */
/* Descriptors                                                                             */

LONG
NTAPI
LxSysClose(
    ULONG Fd)
{
    return LxCloseFd(LxCurrentProcess(), Fd);
}

LONG
NTAPI
LxSysDup(
    ULONG Fildes)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE File = LxGetFile(Process, Fildes);

    if (File == NULL)
        return -LX_EBADF;
    return LxInstallFile(Process, File, 0, FALSE);
}

LONG
NTAPI
LxSysDup2(
    ULONG Oldfd,
    ULONG Newfd)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE File = LxGetFile(Process, Oldfd);

    if (File == NULL)
        return -LX_EBADF;
    if (Oldfd == Newfd)
    {
        LxDereferenceFile(File);
        return (LONG)Newfd;
    }
    return LxReplaceFile(Process, File, Newfd, FALSE);
}

LONG
NTAPI
LxSysDup3(
    ULONG Oldfd,
    ULONG Newfd,
    LONG Flags)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE File;

    if ((Flags & ~LX_O_CLOEXEC) != 0 || Oldfd == Newfd)
        return -LX_EINVAL;
    File = LxGetFile(Process, Oldfd);
    if (File == NULL)
        return -LX_EBADF;
    return LxReplaceFile(Process, File, Newfd, (Flags & LX_O_CLOEXEC) != 0);
}

/* fcntl: as fcntl64, without the flock64 commands */
LONG
NTAPI
LxSysFcntl(
    ULONG Fd,
    ULONG Cmd,
    ULONG_PTR Arg)
{
    if (Cmd == LX_F_GETLK64 || Cmd == LX_F_SETLK64 || Cmd == LX_F_SETLKW64)
        return -LX_EINVAL;
    return LxSysFcntl64(Fd, Cmd, Arg);
}

LONG
NTAPI
LxSysFcntl64(
    ULONG Fd,
    ULONG Cmd,
    ULONG_PTR Arg)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE File = LxGetFile(Process, Fd);
    LONG Result = 0;

    if (File == NULL)
        return -LX_EBADF;

    switch (Cmd)
    {
        case LX_F_DUPFD:
        case LX_F_DUPFD_CLOEXEC:
            if (Arg >= LxFdLimit(Process))
            {
                Result = -LX_EINVAL;
                break;
            }
            LxReferenceFile(File);
            Result = LxInstallFile(Process, File, (ULONG)Arg, Cmd == LX_F_DUPFD_CLOEXEC);
            break;

        case LX_F_GETFD:
            Result = LxGetCloexec(Process, Fd);
            if (Result > 0)
                Result = LX_FD_CLOEXEC;
            break;

        case LX_F_SETFD:
            LxSetCloexec(Process, Fd, (Arg & LX_FD_CLOEXEC) != 0);
            break;

        case LX_F_GETFL:
            Result = (LONG)File->StatusFlags;
            break;

        case LX_F_SETFL:
            File->StatusFlags = (File->StatusFlags & ~LX_SETFL_MASK) | ((ULONG)Arg & LX_SETFL_MASK);
            break;

        case LX_F_GETLK:
        case LX_F_GETLK64:
        case LX_F_SETLK:
        case LX_F_SETLKW:
        case LX_F_SETLK64:
        case LX_F_SETLKW64:
            Result = LxFcntlLock(Process, File, Cmd, Arg);
            break;

        default:
            Result = -LX_EINVAL;
            break;
    }
    LxDereferenceFile(File);
    return Result;
}

/* The requests every descriptor takes; the rest is the kind's (LxFileIoctl) */
LONG
NTAPI
LxSysIoctl(
    ULONG Fd,
    ULONG Cmd,
    ULONG_PTR Arg)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE File = LxGetFile(Process, Fd);
    LONG Result;

    if (File == NULL)
        return -LX_EBADF;

    switch (Cmd)
    {
        case LX_FIOCLEX:
        case LX_FIONCLEX:
            LxSetCloexec(Process, Fd, Cmd == LX_FIOCLEX);
            Result = 0;
            break;

        case LX_FIONBIO:
        {
            LONG On;
            Result = LxCopyFromUser(&On, Arg, sizeof(On));
            if (Result == 0)
            {
                if (On)
                    File->StatusFlags |= LX_O_NONBLOCK;
                else
                    File->StatusFlags &= ~LX_O_NONBLOCK;
            }
            break;
        }

        default:
            Result = LxFileIoctl(File, Cmd, Arg);
            break;
    }
    LxDereferenceFile(File);
    return Result;
}

LONG
NTAPI
LxSysLseek(
    ULONG Fd,
    LX_OFF Offset,
    ULONG Whence)
{
    PLX_FILE File = LxGetFile(LxCurrentProcess(), Fd);
    LONGLONG NewOffset;
    LONG Result;

    if (File == NULL)
        return -LX_EBADF;
    Result = LxFileSeek(File, Offset, Whence, &NewOffset);
    LxDereferenceFile(File);
    if (Result < 0)
        return Result;
    if (NewOffset > MAXLONG)
        return -LX_EOVERFLOW;
    return (LONG)NewOffset;
}

LONG
NTAPI
LxSysLlseek(
    ULONG Fd,
    ULONG_PTR OffsetHigh,
    ULONG_PTR OffsetLow,
    LX_LOFF *Result,
    ULONG Whence)
{
    PLX_FILE File = LxGetFile(LxCurrentProcess(), Fd);
    LONGLONG NewOffset;
    LONG Status;

    if (File == NULL)
        return -LX_EBADF;
    Status = LxFileSeek(File, (LONGLONG)(((ULONGLONG)OffsetHigh << 32) | (ULONG)OffsetLow), Whence,
                        &NewOffset);
    LxDereferenceFile(File);
    if (Status < 0)
        return Status;
    return LxCopyToUser((ULONG_PTR)Result, &NewOffset, sizeof(NewOffset));
}

/* ---------------------------------------------------------------------------------------- */
/* Paths                                                                                   */

static
LONG
LxOpen(
    _In_ LONG Dfd,
    _In_ const CHAR *UserPath,
    _In_ ULONG Flags,
    _In_ ULONG Mode)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE File;
    BOOLEAN Cloexec;
    LONG Result;

    Result = LxOpenPath(Process, Dfd, UserPath, Flags, Mode, &File, &Cloexec);
    if (Result < 0)
        return Result;
    return LxInstallFile(Process, File, 0, Cloexec);
}

LONG
NTAPI
LxSysOpen(
    const CHAR *Filename,
    LONG Flags,
    LX_UMODE Mode)
{
    return LxOpen(LX_AT_FDCWD, Filename, (ULONG)Flags, Mode);
}

LONG
NTAPI
LxSysOpenat(
    LONG Dfd,
    const CHAR *Filename,
    LONG Flags,
    LX_UMODE Mode)
{
    return LxOpen(Dfd, Filename, (ULONG)Flags, Mode);
}

LONG
NTAPI
LxSysCreat(
    const CHAR *Pathname,
    LX_UMODE Mode)
{
    return LxOpen(LX_AT_FDCWD, Pathname, LX_O_CREAT | LX_O_WRONLY | LX_O_TRUNC, Mode);
}

LONG
NTAPI
LxSysGetcwd(
    CHAR *Buf,
    ULONG_PTR Size)
{
    PLX_PROCESS Process = LxCurrentProcess();
    SIZE_T Length = strlen(Process->Cwd) + 1;
    LONG Result;

    if (Size < Length)
        return -LX_ERANGE;
    Result = LxCopyToUser((ULONG_PTR)Buf, Process->Cwd, Length);
    return Result < 0 ? Result : (LONG)Length;
}

/* Checks that a resolved path names an existing directory. */
static
LONG
LxCheckDirectory(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved)
{
    lx_nt_open Open;
    HANDLE Handle;
    PLX_FILE File = NULL;
    LONG Result = 0;

    /* lxcore's own names: /proc, /dev and their directories */
    if (LxDevfsOpen(Process, Resolved, LX_O_RDONLY, TRUE, &File, &Result) ||
        LxProcfsOpen(Process, Resolved, LX_O_RDONLY, &File, &Result))
    {
        if (Result == 0 && !LxFileIsDirectory(File))
            Result = -LX_ENOTDIR;
        if (File != NULL)
            LxDereferenceFile(File);
        return Result;
    }
    lx_open_flags_to_nt(LX_O_RDONLY | LX_O_DIRECTORY, &Open);
    Open.desired_access = LX_NT_SYNCHRONIZE | LX_NT_FILE_READ_ATTRIBUTES;
    Result = LxOpenNt(Process, Resolved, &Open, 0, &Handle, NULL);
    if (Result == 0)
        ZwClose(Handle);
    return Result;
}

LONG
NTAPI
LxSysChdir(
    const CHAR *Filename)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PCHAR Resolved;
    LONG Result;

    Result = LxResolvePath(Process, LX_AT_FDCWD, Filename, TRUE, NULL, &Resolved);
    if (Result >= 0)
        Result = LxCheckDirectory(Process, Resolved);
    /* search permission on it (perm.c); lxcore's own /proc and /dev are everyone's */
    if (Result == 0 && Process->Cred.User.fs != 0 && !lx_path_is_under(Resolved, "/proc") &&
        !lx_path_is_under(Resolved, "/dev"))
        Result = LxCheckPermission(Process, Resolved, LX_MAY_EXEC, NULL);
    if (Result == 0)
        RtlStringCbCopyA(Process->Cwd, LX_PATH_MAX, Resolved);
    LxFreePath(Resolved);
    return Result;
}

/*
 * chroot: the process's "/" becomes Filename's directory (effective uid 0 only: Linux's
 * CAP_SYS_CHROOT). Its Root, the NT directory whose table keeps the metadata, stays: the new
 * "/" is recorded as a path of it (RootPrefix), so metadata and hard links are the same seen
 * from inside and outside. A working directory below the new root moves along; one outside it
 * becomes "/" (Linux keeps it outside: partial). lxcore's /proc and /dev stay reachable.
 */
LONG
NTAPI
LxSysChroot(
    const CHAR *Filename)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PCHAR Resolved, RootPath = NULL;
    LONG Result;

    Result = LxResolvePath(Process, LX_AT_FDCWD, Filename, TRUE, NULL, &Resolved);
    if (Result < 0)
        return Result;
    Result = LxCheckDirectory(Process, Resolved);
    if (Result == 0 && Process->Cred.User.effective != 0)
        Result = -LX_EPERM;
    if (Result == 0 && (lx_path_is_under(Resolved, "/proc") || lx_path_is_under(Resolved, "/dev")))
        Result = -LX_EINVAL;
    if (Result == 0)
    {
        RootPath = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_PROCESS);
        Result = RootPath == NULL ? -LX_ENOMEM : LxRootPathOf(Process, Resolved, RootPath);
    }
    if (Result == 0)
    {
        /* the working directory, seen from the new "/" */
        if (strcmp(Resolved, "/") != 0)
        {
            PCSTR Rest = lx_path_is_under(Process->Cwd, Resolved) ?
                         Process->Cwd + strlen(Resolved) : "";

            if (*Rest == ANSI_NULL)
                Rest = "/";
            RtlMoveMemory(Process->Cwd, Rest, strlen(Rest) + 1);
        }
        if (Process->RootPrefix != NULL)
            ExFreePoolWithTag(Process->RootPrefix, LX_TAG_PROCESS);
        Process->RootPrefix = NULL;
        if (strcmp(RootPath, "/") != 0)
        {
            Process->RootPrefix = RootPath;
            RootPath = NULL;
        }
    }
    if (RootPath != NULL)
        ExFreePoolWithTag(RootPath, LX_TAG_PROCESS);
    LxFreePath(Resolved);
    return Result;
}

LONG
NTAPI
LxSysFchdir(
    ULONG Fd)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE File = LxGetFile(Process, Fd);
    LONG Result = 0;

    if (File == NULL)
        return -LX_EBADF;
    if (!LxFileIsDirectory(File) || File->Path == NULL)
        Result = -LX_ENOTDIR;
    else
        RtlStringCbCopyA(Process->Cwd, LX_PATH_MAX, File->Path);
    LxDereferenceFile(File);
    return Result;
}

/* access, faccessat: whether the path exists (F_OK) and the process, by its real ids as
 * Linux's access checks, may read, write or execute it (lx_may_access on what stat shows) */
static
LONG
LxAccess(
    _In_ LONG Dfd,
    _In_ const CHAR *Filename,
    _In_ LONG Mode)
{
    PLX_PROCESS Process = LxCurrentProcess();
    struct _LX_STAT64 St;
    PLX_FILE File;
    BOOLEAN Cloexec;
    LONG Result;

    if (Mode & ~7)
        return -LX_EINVAL;
    Result = LxOpenPath(Process, Dfd, Filename, LX_O_PATH, 0, &File, &Cloexec);
    if (Result < 0)
        return Result;
    if (Mode != 0)
    {
        Result = LxFileStat(File, &St);
        if (Result == 0)
            Result = lx_may_access(Process->Cred.User.real, Process->Cred.Group.real,
                                   &Process->Cred.Groups, St.StMode, St.StUid, St.StGid,
                                   (ULONG)Mode);
    }
    LxDereferenceFile(File);
    return Result;
}

LONG
NTAPI
LxSysAccess(
    const CHAR *Filename,
    LONG Mode)
{
    return LxAccess(LX_AT_FDCWD, Filename, Mode);
}

LONG
NTAPI
LxSysFaccessat(
    LONG Dfd,
    const CHAR *Filename,
    LONG Mode)
{
    return LxAccess(Dfd, Filename, Mode);
}

/* ---------------------------------------------------------------------------------------- */
/* stat                                                                                    */

LONG
NTAPI
LxSysFstat64(
    ULONG_PTR Fd,
    LX_STAT64 *Statbuf)
{
    struct _LX_STAT64 St;
    PLX_FILE File = LxGetFile(LxCurrentProcess(), (ULONG)Fd);
    LONG Result;

    if (File == NULL)
        return -LX_EBADF;
    Result = LxFileStat(File, &St);
    LxDereferenceFile(File);
    if (Result < 0)
        return Result;
    return LxCopyToUser((ULONG_PTR)Statbuf, &St, sizeof(St));
}

/* stat of a descriptor into a kernel buffer */
static
LONG
LxStatFd(
    _In_ ULONG Fd,
    _Out_ struct _LX_STAT64 *St)
{
    PLX_FILE File = LxGetFile(LxCurrentProcess(), Fd);
    LONG Result;

    if (File == NULL)
        return -LX_EBADF;
    Result = LxFileStat(File, St);
    LxDereferenceFile(File);
    return Result;
}

/* stat of a path (relative to Dfd) into a kernel buffer */
static
LONG
LxStatPathKernel(
    _In_ LONG Dfd,
    _In_ const CHAR *Filename,
    _In_ LONG Flags,
    _Out_ struct _LX_STAT64 *St)
{
    PLX_FILE File;
    BOOLEAN Cloexec;
    LONG Result;

    if (Flags & ~(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */ |
                  0x6000 /* AT_STATX_SYNC_TYPE */))
        return -LX_EINVAL;
    /* O_PATH semantics: no data access */
    Result = LxOpenPath(LxCurrentProcess(), Dfd, Filename,
                        LX_O_PATH | ((Flags & LX_AT_SYMLINK_NOFOLLOW) ? LX_O_NOFOLLOW : 0), 0,
                        &File, &Cloexec);
    if (Result == -LX_ENOENT && (Flags & LX_AT_EMPTY_PATH))
    {
        CHAR First = 1;
        if (LxCopyFromUser(&First, (ULONG_PTR)Filename, 1) == 0 && First == ANSI_NULL)
        {
            if (Dfd != LX_AT_FDCWD)
                return LxStatFd((ULONG)Dfd, St);
            Result = LxOpenPath(LxCurrentProcess(), LX_AT_FDCWD, ".", LX_O_PATH, 0, &File, &Cloexec);
        }
    }
    if (Result < 0)
        return Result;
    Result = LxFileStat(File, St);
    LxDereferenceFile(File);
    return Result;
}

/* statfs of a descriptor (Path NULL), or of Path */
static
LONG
LxStatfs(
    _In_opt_ const CHAR *Path,
    _In_ ULONG Fd,
    _Out_ lx_statfs_info *Info)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE File;
    BOOLEAN Cloexec;
    LONG Result;

    if (Path != NULL)
    {
        /* /proc and /dev are lxcore's own (mostly not openable): answered from the path */
        PCHAR Resolved;
        BOOLEAN Virtual;

        Result = LxResolvePath(Process, LX_AT_FDCWD, Path, TRUE, NULL, &Resolved);
        Virtual = Result >= 0 && LxVirtualStatfs(Resolved, Info);
        LxFreePath(Resolved);
        if (Result < 0 || Virtual)
            return Result < 0 ? Result : 0;
        Result = LxOpenPath(Process, LX_AT_FDCWD, Path, LX_O_PATH, 0, &File, &Cloexec);
        if (Result < 0)
            return Result;
    }
    else
    {
        File = LxGetFile(Process, Fd);
        if (File == NULL)
            return -LX_EBADF;
    }
    Result = LxFileStatfs(File, Info);
    LxDereferenceFile(File);
    return Result;
}

static
LONG
LxPutStatfs(
    _In_ LONG Result,
    _In_ const lx_statfs_info *Info,
    _In_ ULONG_PTR Buf,
    _In_ BOOLEAN Is64)
{
    UCHAR Out[LX_STATFS64_SIZE];

    if (Result < 0)
        return Result;
    if (Is64)
    {
        lx_statfs64_pack(Out, Info);
        return LxCopyToUser(Buf, Out, LX_STATFS64_SIZE);
    }
    Result = lx_statfs_pack(Out, Info);
    return Result < 0 ? Result : LxCopyToUser(Buf, Out, LX_STATFS_SIZE);
}

LONG
NTAPI
LxSysStatfs(
    const CHAR *Path,
    LX_STATFS *Buf)
{
    lx_statfs_info Info;

    return LxPutStatfs(LxStatfs(Path, 0, &Info), &Info, (ULONG_PTR)Buf, FALSE);
}

LONG
NTAPI
LxSysFstatfs(
    ULONG Fd,
    LX_STATFS *Buf)
{
    lx_statfs_info Info;

    return LxPutStatfs(LxStatfs(NULL, Fd, &Info), &Info, (ULONG_PTR)Buf, FALSE);
}

LONG
NTAPI
LxSysStatfs64(
    const CHAR *Path,
    SIZE_T Sz,
    LX_STATFS64 *Buf)
{
    lx_statfs_info Info;

    if (Sz != LX_STATFS64_SIZE)
        return -LX_EINVAL;
    return LxPutStatfs(LxStatfs(Path, 0, &Info), &Info, (ULONG_PTR)Buf, TRUE);
}

LONG
NTAPI
LxSysFstatfs64(
    ULONG Fd,
    SIZE_T Sz,
    LX_STATFS64 *Buf)
{
    lx_statfs_info Info;

    if (Sz != LX_STATFS64_SIZE)
        return -LX_EINVAL;
    return LxPutStatfs(LxStatfs(NULL, Fd, &Info), &Info, (ULONG_PTR)Buf, TRUE);
}

static
LONG
LxStatPath(
    _In_ LONG Dfd,
    _In_ const CHAR *Filename,
    _Out_ LX_STAT64 *Statbuf,
    _In_ LONG Flags)
{
    struct _LX_STAT64 St;
    LONG Result = LxStatPathKernel(Dfd, Filename, Flags, &St);

    if (Result < 0)
        return Result;
    return LxCopyToUser((ULONG_PTR)Statbuf, &St, sizeof(St));
}

LONG
NTAPI
LxSysStat64(
    const CHAR *Filename,
    LX_STAT64 *Statbuf)
{
    return LxStatPath(LX_AT_FDCWD, Filename, Statbuf, 0);
}

LONG
NTAPI
LxSysLstat64(
    const CHAR *Filename,
    LX_STAT64 *Statbuf)
{
    return LxStatPath(LX_AT_FDCWD, Filename, Statbuf, LX_AT_SYMLINK_NOFOLLOW);
}

LONG
NTAPI
LxSysFstatat64(
    LONG Dfd,
    const CHAR *Filename,
    LX_STAT64 *Statbuf,
    LONG Flag)
{
    return LxStatPath(Dfd, Filename, Statbuf, Flag);
}

/* statx: the same facts in struct statx (256 bytes) */
LONG
NTAPI
LxSysStatx(
    LONG Dfd,
    const CHAR *Path,
    ULONG Flags,
    ULONG Mask,
    LX_STATX *Buffer)
{
    struct _LX_STAT64 St;
    UCHAR Statx[256];
    USHORT Mode;
    LONG Result;

    UNREFERENCED_PARAMETER(Mask);   /* everything basic is always filled in */
    if (Mask & 0x80000000u)         /* STATX__RESERVED */
        return -LX_EINVAL;
    Result = LxStatPathKernel(Dfd, Path, (LONG)Flags, &St);
    if (Result < 0)
        return Result;

    RtlZeroMemory(Statx, sizeof(Statx));
    *(PULONG)(Statx + 0) = 0x7FF;                   /* STATX_BASIC_STATS */
    *(PULONG)(Statx + 4) = St.StBlksize;
    *(PULONG)(Statx + 16) = St.StNlink;
    *(PULONG)(Statx + 20) = St.StUid;
    *(PULONG)(Statx + 24) = St.StGid;
    Mode = (USHORT)St.StMode;
    *(PUSHORT)(Statx + 28) = Mode;
    *(PULONGLONG)(Statx + 32) = St.StIno;
    *(PLONGLONG)(Statx + 40) = St.StSize;
    *(PULONGLONG)(Statx + 48) = St.StBlocks;
    *(PLONGLONG)(Statx + 64) = St.StAtime;          /* stx_atime */
    *(PULONG)(Statx + 72) = St.StAtimeNsec;
    *(PLONGLONG)(Statx + 96) = St.StCtime;          /* stx_ctime */
    *(PULONG)(Statx + 104) = St.StCtimeNsec;
    *(PLONGLONG)(Statx + 112) = St.StMtime;         /* stx_mtime */
    *(PULONG)(Statx + 120) = St.StMtimeNsec;
    *(PULONG)(Statx + 128) = (ULONG)(St.StRdev >> 8) & 0xFFF;    /* rdev major, minor */
    *(PULONG)(Statx + 132) = (ULONG)St.StRdev & 0xFF;
    *(PULONG)(Statx + 136) = (ULONG)(St.StDev >> 8) & 0xFFF;     /* dev major, minor */
    *(PULONG)(Statx + 140) = (ULONG)St.StDev & 0xFF;
    return LxCopyToUser((ULONG_PTR)Buffer, Statx, sizeof(Statx));
}

LONG
NTAPI
LxSysUmask(
    LONG Mask)
{
    PLX_PROCESS Process = LxCurrentProcess();
    ULONG Old = Process->Umask;

    Process->Umask = (ULONG)Mask & 0777;
    return (LONG)Old;
}
