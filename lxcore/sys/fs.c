/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: file descriptors and files (read, write, open, close, seek,
 *              dup, fcntl, ioctl, stat, cwd)
 *
 * A Linux path is resolved against the cwd (or a directory fd) by lx_path_resolve, then
 * translated to an NT path under the process's root directory by lx_path_to_nt; NT files are
 * opened with kernel handles. Data moves through a kernel bounce buffer, so a bad user
 * buffer is -EFAULT and never reaches a file system driver.
 */

#include "lxp.h"

#define NDEBUG
#include <debug.h>

#define LX_AT_SYMLINK_NOFOLLOW  0x100
#define LX_AT_EMPTY_PATH        0x1000
#define LX_SEEK_SET             0
#define LX_SEEK_CUR             1
#define LX_SEEK_END             2
#define LX_UIO_MAXIOV           1024
#define LX_IO_CHUNK             0x10000
#define LX_MAX_IO               0x7FFFF000

#define LX_F_DUPFD              0
#define LX_F_GETFD              1
#define LX_F_SETFD              2
#define LX_F_GETFL              3
#define LX_F_SETFL              4
#define LX_F_DUPFD_CLOEXEC      1030
#define LX_FD_CLOEXEC           1

#define LX_TCGETS               0x5401
#define LX_TIOCGWINSZ           0x5413
#define LX_FIONREAD             0x541B
#define LX_FIONBIO              0x5421
#define LX_FIONCLEX             0x5450
#define LX_FIOCLEX              0x5451

#define LX_SETFL_MASK   (LX_O_APPEND | LX_O_NONBLOCK | LX_O_ASYNC | LX_O_DIRECT | LX_O_NOATIME)

/* ---------------------------------------------------------------------------------------- */
/* Reading and writing one open file description                                           */

/* ntoskrnl exports it; the NDK's iofuncs.h declaring it does not mix with ntifs.h */
NTSYSAPI NTSTATUS NTAPI ZwCancelIoFile(_In_ HANDLE FileHandle, _Out_ PIO_STATUS_BLOCK IoStatusBlock);

/*
 * Waits for I/O pending on an asynchronous handle (a launcher's pipe). A signal the thread
 * handles, or its termination, cancels the I/O (the request still completes, with
 * STATUS_CANCELLED or with what it got before, since IoStatus and the buffer belong to it).
 */
static
NTSTATUS
LxWaitPendingIo(
    _In_ PLX_FILE File,
    _Inout_ PIO_STATUS_BLOCK IoStatus,
    _Out_ PBOOLEAN Interrupted)
{
    PFILE_OBJECT FileObject;
    PVOID Object;
    NTSTATUS Status;

    *Interrupted = FALSE;
    Status = ObReferenceObjectByHandle(File->Handle, 0, *IoFileObjectType, KernelMode,
                                       (PVOID *)&FileObject, NULL);
    if (!NT_SUCCESS(Status))
    {
        ZwWaitForSingleObject(File->Handle, FALSE, NULL);
        return IoStatus->Status;
    }
    Object = &FileObject->Event;
    if (LxWaitInterruptible(1, &Object, NULL) == STATUS_ALERTED)
    {
        IO_STATUS_BLOCK CancelStatus;

        *Interrupted = TRUE;
        ZwCancelIoFile(File->Handle, &CancelStatus);
        KeWaitForSingleObject(&FileObject->Event, Executive, KernelMode, FALSE, NULL);
    }
    ObDereferenceObject(FileObject);
    return IoStatus->Status;
}

static
LONG
LxFileRead(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)     /* pread: explicit position, no offset update */
{
    PUCHAR Bounce;
    SIZE_T Done = 0;
    LONG Result = 0;
    BOOLEAN Interrupted = FALSE;

    if ((File->StatusFlags & LX_O_ACCMODE) == LX_O_WRONLY || (File->StatusFlags & LX_O_PATH))
        return -LX_EBADF;
    if (Count > LX_MAX_IO)
        Count = LX_MAX_IO;

    switch (File->Type)
    {
        case LxFileEmptyIn:
        case LxFileDevNull:
            return 0;
        case LxFileDebugOut:
            return -LX_EBADF;
        case LxFilePipeRead:
            return LxPipeRead(File, Buffer, Count);
        case LxFileDevZero:
        case LxFileDevFull:
            Result = LxZeroUser(Buffer, Count);
            return Result < 0 ? Result : (LONG)Count;
        case LxFileMemory:
        {
            LONGLONG Start;

            ExAcquireFastMutex(&File->Lock);
            Start = Position ? *Position : File->Offset;
            if (Start < File->DataLength)
            {
                Done = (SIZE_T)min((LONGLONG)Count, File->DataLength - Start);
                Result = LxCopyToUser(Buffer, File->Data + Start, Done);
                if (Result < 0)
                    Done = 0;
                else if (Position == NULL)
                    File->Offset += Done;
            }
            ExReleaseFastMutex(&File->Lock);
            return Result < 0 ? Result : (LONG)Done;
        }
        default:
            break;
    }
    if (File->IsDirectory)
        return -LX_EISDIR;

    Bounce = ExAllocatePoolWithTag(PagedPool, LX_IO_CHUNK, LX_TAG_TEMP);
    if (Bounce == NULL)
        return -LX_ENOMEM;

    if (File->Seekable && Position == NULL)
        ExAcquireFastMutex(&File->Lock);
    while (Done < Count)
    {
        ULONG Chunk = (ULONG)min(Count - Done, LX_IO_CHUNK);
        ULONG Got;

        if (File->Type == LxFileDevRandom)
        {
            LxGetRandomBytes(Bounce, Chunk);
            Got = Chunk;
        }
        else
        {
            IO_STATUS_BLOCK IoStatus;
            LARGE_INTEGER ByteOffset;
            NTSTATUS Status;

            ByteOffset.QuadPart = (Position ? *Position : File->Offset) + Done;
            Status = ZwReadFile(File->Handle, NULL, NULL, NULL, &IoStatus, Bounce, Chunk,
                                File->Seekable ? &ByteOffset : NULL, NULL);
            if (Status == STATUS_PENDING)
            {
                /* a handle opened for asynchronous I/O (a launcher's pipe): wait for it */
                Status = LxWaitPendingIo(File, &IoStatus, &Interrupted);
                if (Interrupted && Status == STATUS_CANCELLED && Done == 0)
                    break;
            }
            if (Status == STATUS_END_OF_FILE || Status == STATUS_PIPE_BROKEN)
                break;
            if (!NT_SUCCESS(Status))
            {
                if (Done == 0)
                    Result = LxStatusToErrno(Status);
                break;
            }
            Got = (ULONG)IoStatus.Information;
        }
        if (Got == 0)
            break;
        Result = LxCopyToUser(Buffer + Done, Bounce, Got);
        if (Result < 0)
            break;
        Done += Got;
        if (Got < Chunk || !File->Seekable)
            break;  /* short read: do not block for more (pipes, consoles) */
    }
    if (File->Seekable && Position == NULL)
    {
        File->Offset += Done;
        ExReleaseFastMutex(&File->Lock);
    }
    ExFreePoolWithTag(Bounce, LX_TAG_TEMP);
    if (Done != 0)
        return (LONG)Done;
    if (Interrupted)
        return LxInterruptedCall(TRUE);
    return Result;
}

static
LONG
LxFileWrite(
    _In_ PLX_PROCESS Process,
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    PUCHAR Bounce;
    SIZE_T Done = 0;
    LONG Result = 0;
    BOOLEAN Interrupted = FALSE;

    if ((File->StatusFlags & LX_O_ACCMODE) == LX_O_RDONLY || (File->StatusFlags & LX_O_PATH))
        return -LX_EBADF;
    if (Count > LX_MAX_IO)
        Count = LX_MAX_IO;

    switch (File->Type)
    {
        case LxFileDevNull:
        case LxFileDevZero:
        case LxFileDevRandom:
            return (LONG)Count;
        case LxFileDevFull:
            return -LX_ENOSPC;
        case LxFileEmptyIn:
        case LxFileMemory:
            return -LX_EBADF;
        case LxFilePipeWrite:
            return LxPipeWrite(File, Buffer, Count);
        default:
            break;
    }
    if (File->IsDirectory)
        return -LX_EISDIR;
    if (Count == 0)
        return 0;

    Bounce = ExAllocatePoolWithTag(PagedPool, LX_IO_CHUNK, LX_TAG_TEMP);
    if (Bounce == NULL)
        return -LX_ENOMEM;

    if (File->Type == LxFileNt && File->Seekable && Position == NULL)
        ExAcquireFastMutex(&File->Lock);
    while (Done < Count)
    {
        ULONG Chunk = (ULONG)min(Count - Done, LX_IO_CHUNK);

        Result = LxCopyFromUser(Bounce, Buffer + Done, Chunk);
        if (Result < 0)
            break;
        if (File->Type == LxFileDebugOut)
        {
            LxDebugWrite(Process, File->DebugStream, (PCCH)Bounce, Chunk);
            Done += Chunk;
        }
        else
        {
            IO_STATUS_BLOCK IoStatus;
            LARGE_INTEGER ByteOffset;
            NTSTATUS Status;

            if (Position != NULL)
            {
                ByteOffset.QuadPart = *Position + Done;
            }
            else if (File->StatusFlags & LX_O_APPEND)
            {
                ByteOffset.HighPart = -1;
                ByteOffset.LowPart = FILE_WRITE_TO_END_OF_FILE;
            }
            else
            {
                ByteOffset.QuadPart = File->Offset + Done;
            }
            Status = ZwWriteFile(File->Handle, NULL, NULL, NULL, &IoStatus, Bounce, Chunk,
                                 File->Seekable ? &ByteOffset : NULL, NULL);
            if (Status == STATUS_PENDING)
            {
                Status = LxWaitPendingIo(File, &IoStatus, &Interrupted);
                if (Interrupted && Status == STATUS_CANCELLED && Done == 0)
                    break;
            }
            if (!NT_SUCCESS(Status))
            {
                Result = (Status == STATUS_PIPE_BROKEN || Status == STATUS_PIPE_CLOSING) ?
                         -LX_EPIPE : LxStatusToErrno(Status);
                break;
            }
            Done += IoStatus.Information;
            if (IoStatus.Information < Chunk)
                break;
        }
    }
    if (File->Type == LxFileNt && File->Seekable && Position == NULL)
    {
        if (File->StatusFlags & LX_O_APPEND)
        {
            FILE_STANDARD_INFORMATION Standard;
            IO_STATUS_BLOCK IoStatus;

            if (NT_SUCCESS(ZwQueryInformationFile(File->Handle, &IoStatus, &Standard,
                                                  sizeof(Standard), FileStandardInformation)))
                File->Offset = Standard.EndOfFile.QuadPart;
        }
        else
        {
            File->Offset += Done;
        }
        ExReleaseFastMutex(&File->Lock);
    }
    ExFreePoolWithTag(Bounce, LX_TAG_TEMP);
    if (Done != 0)
        return (LONG)Done;
    if (Interrupted)
        return LxInterruptedCall(TRUE);
    return Result;
}

LONG
NTAPI
LxSysRead(
    ULONG Fd,
    CHAR *Buf,
    SIZE_T Count)
{
    PLX_FILE File = LxGetFile(LxCurrentProcess(), Fd);
    LONG Result;

    if (File == NULL)
        return -LX_EBADF;
    Result = LxFileRead(File, (ULONG_PTR)Buf, Count, NULL);
    LxDereferenceFile(File);
    return Result;
}

LONG
NTAPI
LxSysWrite(
    ULONG Fd,
    const CHAR *Buf,
    SIZE_T Count)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE File = LxGetFile(Process, Fd);
    LONG Result;

    if (File == NULL)
        return -LX_EBADF;
    Result = LxFileWrite(Process, File, (ULONG_PTR)Buf, Count, NULL);
    LxDereferenceFile(File);
    return Result;
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
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE File = LxGetFile(Process, Fd);
    LONGLONG Position = ((LONGLONG)Poshi << 32) | Poslo;
    LONG Result;

    if (File == NULL)
        return -LX_EBADF;
    if (Position < 0)
        Result = -LX_EINVAL;
    else if (File->Type != LxFileNt || !File->Seekable)
        Result = -LX_ESPIPE;
    else if (Write)
        Result = LxFileWrite(Process, File, Buf, Count, &Position);
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
            n = Write ? LxFileWrite(Process, File, Vectors[i].IovBase, Vectors[i].IovLen, NULL) :
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
            ExAcquireFastMutex(&Process->FdLock);
            Result = Process->FdCloexec[Fd] ? LX_FD_CLOEXEC : 0;
            ExReleaseFastMutex(&Process->FdLock);
            break;

        case LX_F_SETFD:
            ExAcquireFastMutex(&Process->FdLock);
            Process->FdCloexec[Fd] = (Arg & LX_FD_CLOEXEC) ? 1 : 0;
            ExReleaseFastMutex(&Process->FdLock);
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

#define LX_TCSETS       0x5402
#define LX_TCSETSW      0x5403
#define LX_TCSETSF      0x5404
#define LX_TIOCGPGRP    0x540F
#define LX_TIOCSPGRP    0x5410
#define LX_TIOCSWINSZ   0x5414

/* A launcher's terminal (LXSS_CREATE_STDIO_TTY): the termios of a cooked-mode Linux tty,
 * changes accepted (the console line discipline stays the launcher's). */
static
LONG
LxTtyIoctl(
    _In_ PLX_PROCESS Process,
    _In_ PLX_FILE File,
    _In_ ULONG Cmd,
    _In_ ULONG_PTR Arg)
{
    switch (Cmd)
    {
        case LX_TCGETS:
        {
            /* struct termios (i386 kernel): 4 flag words, c_line, c_cc[19] */
            UCHAR Termios[36];
            static const UCHAR Cc[19] = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15,
                                          23, 22, 0, 0, 0 };

            RtlZeroMemory(Termios, sizeof(Termios));
            *(PULONG)(Termios + 0) = 0x0500;    /* c_iflag: ICRNL | IXON */
            *(PULONG)(Termios + 4) = 0x0005;    /* c_oflag: OPOST | ONLCR */
            *(PULONG)(Termios + 8) = 0x04BF;    /* c_cflag: B38400 | CS8 | CREAD | HUPCL */
            *(PULONG)(Termios + 12) = 0x8A3B;   /* c_lflag: ISIG ICANON ECHO ECHOE ECHOK
                                                   ECHOCTL ECHOKE IEXTEN */
            RtlCopyMemory(Termios + 17, Cc, sizeof(Cc));
            return LxCopyToUser(Arg, Termios, sizeof(Termios));
        }
        case LX_TCSETS:
        case LX_TCSETSW:
        case LX_TCSETSF:
        case LX_TIOCSWINSZ:
        case LX_TIOCSPGRP:
            return 0;
        case LX_TIOCGWINSZ:
        {
            USHORT Winsize[4] = { File->TtyRows, File->TtyColumns, 0, 0 };
            return LxCopyToUser(Arg, Winsize, sizeof(Winsize));
        }
        case LX_TIOCGPGRP:
        {
            ULONG Pgrp = Process->Pgid ? Process->Pgid : Process->Pid;
            return LxCopyToUser(Arg, &Pgrp, sizeof(Pgrp));
        }
        default:
            return -LX_ENOTTY;
    }
}

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
            ExAcquireFastMutex(&Process->FdLock);
            Process->FdCloexec[Fd] = (Cmd == LX_FIOCLEX) ? 1 : 0;
            ExReleaseFastMutex(&Process->FdLock);
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

        case LX_FIONREAD:
        {
            LONG Available = (File->Type == LxFilePipeRead) ? (LONG)LxPipeAvailable(File) : 0;
            Result = LxCopyToUser(Arg, &Available, sizeof(Available));
            break;
        }

        case LX_TCGETS:
        case LX_TIOCGWINSZ:
        default:
            Result = File->IsTty ? LxTtyIoctl(Process, File, Cmd, Arg) : -LX_ENOTTY;
            break;
    }
    LxDereferenceFile(File);
    return Result;
}

static
LONG
LxSeek(
    _In_ PLX_FILE File,
    _In_ LONGLONG Offset,
    _In_ ULONG Whence,
    _Out_ PLONGLONG NewOffset)
{
    LONGLONG Base;

    if (File->Type != LxFileNt && File->Type != LxFileMemory)
    {
        /* character devices: the offset is meaningless and stays 0 */
        if (File->Type == LxFileDebugOut || File->Type == LxFileEmptyIn ||
            File->Type == LxFilePipeRead || File->Type == LxFilePipeWrite)
            return -LX_ESPIPE;
        *NewOffset = 0;
        return 0;
    }
    if (!File->Seekable && !File->IsDirectory)
        return -LX_ESPIPE;

    ExAcquireFastMutex(&File->Lock);
    switch (Whence)
    {
        case LX_SEEK_SET:
            Base = 0;
            break;
        case LX_SEEK_CUR:
            Base = File->Offset;
            break;
        case LX_SEEK_END:
        {
            FILE_STANDARD_INFORMATION Standard;
            IO_STATUS_BLOCK IoStatus;
            NTSTATUS Status;

            if (File->Type == LxFileMemory)
            {
                Base = File->DataLength;
                break;
            }
            Status = ZwQueryInformationFile(File->Handle, &IoStatus, &Standard,
                                            sizeof(Standard), FileStandardInformation);
            if (!NT_SUCCESS(Status))
            {
                ExReleaseFastMutex(&File->Lock);
                return LxStatusToErrno(Status);
            }
            Base = Standard.EndOfFile.QuadPart;
            break;
        }
        default:
            ExReleaseFastMutex(&File->Lock);
            return -LX_EINVAL;
    }
    if ((Offset > 0 && Base > MAXLONGLONG - Offset) || Base + Offset < 0)
    {
        ExReleaseFastMutex(&File->Lock);
        return -LX_EINVAL;
    }
    File->Offset = Base + Offset;
    if (File->IsDirectory && File->Offset == 0)
    {
        /* rewinddir: the next getdents64 starts the scan again */
        File->DirectoryRestart = TRUE;
        File->DirectoryEnd = FALSE;
        File->DotsDone = 0;
        File->DataLength = File->DataPosition = 0;
    }
    *NewOffset = File->Offset;
    ExReleaseFastMutex(&File->Lock);
    return 0;
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
    Result = LxSeek(File, Offset, Whence, &NewOffset);
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
    Status = LxSeek(File, (LONGLONG)(((ULONGLONG)OffsetHigh << 32) | (ULONG)OffsetLow), Whence,
                    &NewOffset);
    LxDereferenceFile(File);
    if (Status < 0)
        return Status;
    return LxCopyToUser((ULONG_PTR)Result, &NewOffset, sizeof(NewOffset));
}

/* ---------------------------------------------------------------------------------------- */
/* Paths                                                                                   */

/* The /dev nodes lxcore serves itself */
static const struct
{
    PCSTR Path;
    LX_FILE_TYPE Type;
} LxDevices[] =
{
    { "/dev/null", LxFileDevNull },
    { "/dev/zero", LxFileDevZero },
    { "/dev/full", LxFileDevFull },
    { "/dev/random", LxFileDevRandom },
    { "/dev/urandom", LxFileDevRandom },
};

/* Whether Resolved goes on below one of those character devices ("/dev/null/x"): ENOTDIR */
static
BOOLEAN
LxUnderDevice(
    _In_ PCSTR Resolved)
{
    ULONG i;

    for (i = 0; i < RTL_NUMBER_OF(LxDevices); i++)
    {
        if (lx_path_is_under(Resolved, LxDevices[i].Path) && strcmp(Resolved, LxDevices[i].Path) != 0)
            return TRUE;
    }
    return FALSE;
}

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
        if (!DirFile->IsDirectory || DirFile->Path == NULL)
        {
            Result = -LX_ENOTDIR;
            goto Done;
        }
        Base = DirFile->Path;
    }
    Result = LxWalkPath(Process, Base, Path, FollowLast, Resolved, &PathFlags);
    if (Result >= 0 && LxUnderDevice(Resolved))
        Result = -LX_ENOTDIR;
    if (Flags)
        *Flags = PathFlags;

Done:
    if (DirFile)
        LxDereferenceFile(DirFile);
    ExFreePoolWithTag(Path, LX_TAG_TEMP);
    return Result;
}

/* Builds the NT path of a resolved Linux path (UNICODE_STRING with a pool buffer). */
LONG
LxNtPathOf(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
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
                           Resolved,
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
        if (NT_SUCCESS(ZwQueryFullAttributesFile(&ObjectAttributes, &Info)))
            return (Info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY) ? -LX_ENOENT : -LX_ENOTDIR;
    }
}

/* Opens an NT file for a resolved Linux path. */
LONG
LxOpenNt(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
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
    Result = LxNtPathOf(Process, Resolved, &NtPath);
    if (Result < 0)
        return Result;
    InitializeObjectAttributes(&ObjectAttributes,
                               &NtPath,
                               OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE,
                               NULL,
                               NULL);
    Status = ZwCreateFile(Handle,
                          Open->desired_access,
                          &ObjectAttributes,
                          &IoStatus,
                          NULL,
                          Attributes,
                          Open->share_access,
                          Open->disposition,
                          Open->options,
                          NULL,
                          0);
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

/* Generates /proc/cpuinfo or /proc/meminfo into Buffer (NULL: just measure). Returns the
 * length, or -1 when Path is not one of them. */
static
LONG
LxProcFileContents(
    _In_ PCSTR Path,
    _Out_writes_opt_(Size) PCHAR Buffer,
    _In_ SIZE_T Size)
{
    CHAR Text[1024];
    SIZE_T Length;

    if (strcmp(Path, "/proc/cpuinfo") == 0)
    {
        int Regs[4];
        CHAR Vendor[13];
        ULONG Family, Model, Stepping;

        __cpuid(Regs, 0);
        RtlCopyMemory(Vendor, &Regs[1], 4);
        RtlCopyMemory(Vendor + 4, &Regs[3], 4);
        RtlCopyMemory(Vendor + 8, &Regs[2], 4);
        Vendor[12] = ANSI_NULL;
        __cpuid(Regs, 1);
        Family = (Regs[0] >> 8) & 0xF;
        Model = (Regs[0] >> 4) & 0xF;
        Stepping = Regs[0] & 0xF;
        RtlStringCbPrintfA(Text, sizeof(Text),
                           "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %lu\n"
                           "model\t\t: %lu\nmodel name\t: i686 (lxss on ReactOS)\n"
                           "stepping\t: %lu\nflags\t\t: %s%s%s%s\nbogomips\t: 1000.00\n\n",
                           Vendor, Family, Model, Stepping,
                           (Regs[3] & (1 << 0)) ? "fpu " : "",
                           (Regs[3] & (1 << 4)) ? "tsc " : "",
                           (Regs[3] & (1 << 15)) ? "cmov " : "",
                           (Regs[3] & (1 << 25)) ? "sse" : "");
    }
    else if (strcmp(Path, "/proc/meminfo") == 0)
    {
        SYSTEM_BASIC_INFORMATION Basic;
        ULONG TotalKb = 0;

        if (NT_SUCCESS(ZwQuerySystemInformation(SystemBasicInformation, &Basic, sizeof(Basic),
                                                NULL)))
            TotalKb = Basic.NumberOfPhysicalPages * (PAGE_SIZE / 1024);
        RtlStringCbPrintfA(Text, sizeof(Text),
                           "MemTotal:       %8lu kB\nMemFree:        %8lu kB\n"
                           "MemAvailable:   %8lu kB\nSwapTotal:             0 kB\n"
                           "SwapFree:              0 kB\n",
                           TotalKb, TotalKb / 4, TotalKb / 4);
    }
    else
    {
        return -1;
    }
    Length = strlen(Text);
    if (Buffer != NULL)
        RtlStringCbCopyA(Buffer, Size, Text);
    return (LONG)Length;
}

/* /dev and /proc/self entries that are not NT files. Returns TRUE when Resolved named one,
 * with *Result = the new fd or -errno. */
static
BOOLEAN
LxOpenSpecial(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _In_ const lx_nt_open *Open,
    _Out_ PLONG Result)
{
    ULONG i, DupFd = MAXULONG;
    PLX_FILE File;
    LONG Length;

    for (i = 0; i < RTL_NUMBER_OF(LxDevices); i++)
    {
        if (strcmp(Resolved, LxDevices[i].Path) == 0)
        {
            File = LxAllocateFile(LxDevices[i].Type, Open->status_flags);
            if (File == NULL)
            {
                *Result = -LX_ENOMEM;
                return TRUE;
            }
            *Result = LxInstallFile(Process, File, 0, (BOOLEAN)Open->cloexec);
            return TRUE;
        }
    }
    Length = LxProcFileContents(Resolved, NULL, 0);
    if (Length >= 0)
    {
        if ((Open->status_flags & LX_O_ACCMODE) != LX_O_RDONLY)
        {
            *Result = -LX_EACCES;
            return TRUE;
        }
        File = LxAllocateFile(LxFileMemory, Open->status_flags);
        if (File != NULL)
            File->Data = ExAllocatePoolWithTag(PagedPool, Length + 1, LX_TAG_FILE);
        if (File == NULL || File->Data == NULL)
        {
            if (File)
                LxDereferenceFile(File);
            *Result = -LX_ENOMEM;
            return TRUE;
        }
        File->DataLength = (ULONG)LxProcFileContents(Resolved, (PCHAR)File->Data, Length + 1);
        File->Seekable = TRUE;
        *Result = LxInstallFile(Process, File, 0, (BOOLEAN)Open->cloexec);
        return TRUE;
    }
    if (strcmp(Resolved, "/dev/stdin") == 0)
        DupFd = 0;
    else if (strcmp(Resolved, "/dev/stdout") == 0)
        DupFd = 1;
    else if (strcmp(Resolved, "/dev/stderr") == 0)
        DupFd = 2;
    else if (strcmp(Resolved, "/dev/tty") == 0)
        DupFd = 2;  /* the controlling terminal is the launcher's stderr for now */
    else if (strncmp(Resolved, "/proc/self/fd/", 14) == 0)
    {
        PCSTR p = Resolved + 14;
        DupFd = 0;
        if (*p == ANSI_NULL)
        {
            *Result = -LX_ENOENT;
            return TRUE;
        }
        for (; *p; p++)
        {
            if (*p < '0' || *p > '9' || DupFd > LX_MAX_FDS)
            {
                *Result = -LX_ENOENT;
                return TRUE;
            }
            DupFd = DupFd * 10 + (*p - '0');
        }
    }
    if (DupFd == MAXULONG)
        return FALSE;

    File = LxGetFile(Process, DupFd);
    if (File == NULL)
    {
        *Result = -LX_ENOENT;
        return TRUE;
    }
    *Result = LxInstallFile(Process, File, 0, (BOOLEAN)Open->cloexec);
    return TRUE;
}

static
LONG
LxOpen(
    _In_ LONG Dfd,
    _In_ const CHAR *UserPath,
    _In_ ULONG Flags,
    _In_ ULONG Mode)
{
    PLX_PROCESS Process = LxCurrentProcess();
    FILE_STANDARD_INFORMATION Standard;
    IO_STATUS_BLOCK IoStatus;
    lx_nt_open Open;
    PCHAR Resolved;
    PLX_FILE File;
    HANDLE Handle;
    ULONG PathFlags = 0;
    ULONG_PTR Information = 0;
    LONG Result, LinkLength = -1;

    Result = lx_open_flags_to_nt(Flags, &Open);
    if (Result < 0)
        return Result;

    Resolved = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_FILE);
    if (Resolved == NULL)
        return -LX_ENOMEM;
    Result = LxResolveUserPath(Process, Dfd, UserPath, Resolved, &PathFlags,
                               (Flags & LX_O_NOFOLLOW) ? FALSE : TRUE);
    if (Result < 0)
        goto Done;

    if (LxOpenSpecial(Process, Resolved, &Open, &Result))
        goto Done;
    if (strcmp(Resolved, "/proc/self/exe") == 0)
        RtlStringCbCopyA(Resolved, LX_PATH_MAX, Process->ExecFn);   /* the program's file */

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

    /* permissions live in the metadata table, not in a READONLY attribute: every process
     * is root and may write whatever it created */
    Result = LxOpenNt(Process, Resolved, &Open,
                      (Flags & LX_O_CREAT) ? FILE_ATTRIBUTE_NORMAL : 0,
                      &Handle, &Information);
    if (Result < 0)
        goto Done;
    if ((Flags & LX_O_CREAT) && Information == FILE_CREATED)
        LxMetaSetMode(Process, Resolved, Mode & ~Process->Umask & 07777);

    File = LxAllocateFile(LxFileNt, Open.status_flags);
    if (File == NULL)
    {
        ZwClose(Handle);
        Result = -LX_ENOMEM;
        goto Done;
    }
    File->Handle = Handle;
    if (NT_SUCCESS(ZwQueryInformationFile(Handle, &IoStatus, &Standard, sizeof(Standard),
                                          FileStandardInformation)))
        File->IsDirectory = Standard.Directory;
    File->Seekable = !File->IsDirectory;
    File->DirectoryRestart = TRUE;
    if (LinkLength >= 0)
    {
        File->IsSymlink = TRUE;
        File->SymlinkLength = (ULONG)LinkLength;
    }
    File->Path = Resolved;      /* the file keeps the resolved path */
    Resolved = NULL;
    Result = LxInstallFile(Process, File, 0, (BOOLEAN)Open.cloexec);

Done:
    if (Resolved)
        ExFreePoolWithTag(Resolved, LX_TAG_FILE);   /* the file keeps it on success */
    return Result;
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
    LONG Result;

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

    Resolved = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (Resolved == NULL)
        return -LX_ENOMEM;
    Result = LxResolveUserPath(Process, LX_AT_FDCWD, Filename, Resolved, NULL, TRUE);
    if (Result >= 0)
        Result = LxCheckDirectory(Process, Resolved);
    if (Result == 0)
        RtlStringCbCopyA(Process->Cwd, LX_PATH_MAX, Resolved);
    ExFreePoolWithTag(Resolved, LX_TAG_TEMP);
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
    if (!File->IsDirectory || File->Path == NULL)
        Result = -LX_ENOTDIR;
    else
        RtlStringCbCopyA(Process->Cwd, LX_PATH_MAX, File->Path);
    LxDereferenceFile(File);
    return Result;
}

static
LONG
LxAccess(
    _In_ LONG Dfd,
    _In_ const CHAR *Filename,
    _In_ LONG Mode)
{
    PLX_PROCESS Process = LxCurrentProcess();
    lx_nt_open Open;
    PCHAR Resolved;
    HANDLE Handle;
    LONG Result;

    if (Mode & ~7)
        return -LX_EINVAL;
    Resolved = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (Resolved == NULL)
        return -LX_ENOMEM;
    Result = LxResolveUserPath(Process, Dfd, Filename, Resolved, NULL, TRUE);
    if (Result >= 0)
    {
        LONG Special;
        lx_open_flags_to_nt(LX_O_RDONLY, &Open);
        if (LxOpenSpecial(Process, Resolved, &Open, &Special))
        {
            Result = Special < 0 ? Special : 0;
            if (Special >= 0)
                LxCloseFd(Process, (ULONG)Special);
        }
        else
        {
            /* existence only: every Linux process is root, which may read and write all */
            Open.desired_access = LX_NT_SYNCHRONIZE | LX_NT_FILE_READ_ATTRIBUTES;
            Result = LxOpenNt(Process, Resolved, &Open, 0, &Handle, NULL);
            if (Result == 0)
                ZwClose(Handle);
        }
    }
    ExFreePoolWithTag(Resolved, LX_TAG_TEMP);
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

ULONGLONG
LxPathInode(
    _In_ PCSTR Path)
{
    ULONGLONG Hash = 14695981039346656037ULL;   /* FNV-1a 64 */

    while (*Path)
        Hash = (Hash ^ (UCHAR)*Path++) * 1099511628211ULL;
    return (Hash & 0x7FFFFFFFFFFFFFFFULL) | 1;
}

static
LONG
LxStatFile(
    _In_ PLX_PROCESS Process,
    _In_ PLX_FILE File,
    _Out_ struct _LX_STAT64 *St)
{
    FILE_BASIC_INFORMATION Basic;
    FILE_STANDARD_INFORMATION Standard;
    FILE_INTERNAL_INFORMATION Internal;
    IO_STATUS_BLOCK IoStatus;
    lx_timespec64 Ts;
    NTSTATUS Status;

    RtlZeroMemory(St, sizeof(*St));
    St->StBlksize = 4096;
    St->StNlink = 1;

    if (File->IsTty)
    {
        /* a launcher's terminal: /dev/pts/0 */
        St->StMode = LX_S_IFCHR | 0620;
        St->StRdev = 136 << 8;
        St->StDev = 22;
        St->StIno = St->StIno32 = 3;
        return 0;
    }
    if (File->Type == LxFilePipeRead || File->Type == LxFilePipeWrite)
    {
        St->StMode = LX_S_IFIFO | 0600;
        St->StDev = 6;
        St->StIno = St->StIno32 = (ULONG)(ULONG_PTR)File->Pipe >> 4;
        St->StBlksize = 4096;
        return 0;
    }
    if (File->Type != LxFileNt)
    {
        /* character devices: /dev/null is 1,3, zero 1,5, full 1,7, urandom 1,9;
         * the debug stream and the empty stdin look like a tty-less character device */
        static const ULONG Minor[] = { 0, 0, 0, 0, 3, 5, 7, 9, 0 };
        St->StMode = LX_S_IFCHR | 0666;
        St->StRdev = (1 << 8) | Minor[(ULONG)File->Type < RTL_NUMBER_OF(Minor) ? File->Type : 0];
        if (File->Type == LxFileMemory)
            St->StMode = LX_S_IFREG | 0444;
        St->StDev = 5;
        St->StIno = St->StIno32 = 0x1000 + File->Type;
        return 0;
    }

    Status = ZwQueryInformationFile(File->Handle, &IoStatus, &Standard, sizeof(Standard),
                                    FileStandardInformation);
    if (!NT_SUCCESS(Status))
    {
        /* a pipe or another object without file information */
        St->StMode = LX_S_IFIFO | 0600;
        St->StDev = 6;
        return 0;
    }
    Status = ZwQueryInformationFile(File->Handle, &IoStatus, &Basic, sizeof(Basic),
                                    FileBasicInformation);
    if (!NT_SUCCESS(Status))
        RtlZeroMemory(&Basic, sizeof(Basic));
    if (!NT_SUCCESS(ZwQueryInformationFile(File->Handle, &IoStatus, &Internal,
                                           sizeof(Internal), FileInternalInformation)))
        Internal.IndexNumber.QuadPart = 0;

    St->StMode = lx_nt_attributes_to_mode((Basic.FileAttributes & ~FILE_ATTRIBUTE_REPARSE_POINT) |
                                          (Standard.Directory ? FILE_ATTRIBUTE_DIRECTORY : 0));
    if (File->Path != NULL)
    {
        ULONG Mode;
        if (LxMetaGetMode(Process, File->Path, &Mode))
            St->StMode = (St->StMode & LX_S_IFMT) | (Mode & 07777);
    }
    if (File->IsSymlink)
        St->StMode = LX_S_IFLNK | 0777;
    St->StNlink = Standard.NumberOfLinks ? Standard.NumberOfLinks : 1;
    St->StSize = Standard.Directory ? 4096 :
                 File->IsSymlink ? File->SymlinkLength : Standard.EndOfFile.QuadPart;
    St->StBlocks = (ULONGLONG)Standard.AllocationSize.QuadPart / 512;
    St->StDev = 0x801;
    /* FAT has no file ids: a hash of the resolved path keeps inode numbers stable, distinct
     * and equal to what getdents64 reports */
    St->StIno = File->Path ? LxPathInode(File->Path) : (ULONGLONG)Internal.IndexNumber.QuadPart;
    if (St->StIno == 0)
        St->StIno = 1;
    St->StIno32 = (ULONG)St->StIno;
    lx_nt_time_to_timespec(Basic.LastAccessTime.QuadPart, &Ts);
    St->StAtime = (ULONG)Ts.sec;
    St->StAtimeNsec = (ULONG)Ts.nsec;
    lx_nt_time_to_timespec(Basic.LastWriteTime.QuadPart, &Ts);
    St->StMtime = (ULONG)Ts.sec;
    St->StMtimeNsec = (ULONG)Ts.nsec;
    lx_nt_time_to_timespec(Basic.ChangeTime.QuadPart ? Basic.ChangeTime.QuadPart :
                           Basic.LastWriteTime.QuadPart, &Ts);
    St->StCtime = (ULONG)Ts.sec;
    St->StCtimeNsec = (ULONG)Ts.nsec;
    St->StUid = 0;
    St->StGid = 0;
    return 0;
}

LONG
NTAPI
LxSysFstat64(
    ULONG_PTR Fd,
    LX_STAT64 *Statbuf)
{
    struct _LX_STAT64 St;
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE File = LxGetFile(Process, (ULONG)Fd);
    LONG Result;

    if (File == NULL)
        return -LX_EBADF;
    Result = LxStatFile(Process, File, &St);
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
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE File = LxGetFile(Process, Fd);
    LONG Result;

    if (File == NULL)
        return -LX_EBADF;
    Result = LxStatFile(Process, File, St);
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
    PLX_PROCESS Process = LxCurrentProcess();
    LONG Fd, Result;

    if (Flags & ~(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */ |
                  0x6000 /* AT_STATX_SYNC_TYPE */))
        return -LX_EINVAL;
    /* open with O_PATH semantics (no data access), stat the handle, close it */
    Fd = LxOpen(Dfd, Filename, LX_O_PATH | ((Flags & LX_AT_SYMLINK_NOFOLLOW) ? LX_O_NOFOLLOW : 0),
                0);
    if (Fd == -LX_ENOENT && (Flags & LX_AT_EMPTY_PATH))
    {
        CHAR First = 1;
        if (LxCopyFromUser(&First, (ULONG_PTR)Filename, 1) == 0 && First == ANSI_NULL)
        {
            if (Dfd == LX_AT_FDCWD)
                Fd = LxOpen(LX_AT_FDCWD, ".", LX_O_PATH, 0);
            else
                return LxStatFd((ULONG)Dfd, St);
        }
    }
    if (Fd < 0)
        return Fd;
    Result = LxStatFd((ULONG)Fd, St);
    LxCloseFd(Process, (ULONG)Fd);
    return Result;
}

/* A file system of that type with no sizes */
static
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

/* /proc (procfs) and /dev (devtmpfs: tmpfs) are lxcore's own, with no sizes: TRUE and their
 * Info when Path is in one of them */
static
BOOLEAN
LxStatfsVirtual(
    _In_ PCSTR Path,
    _Out_ lx_statfs_info *Info)
{
    BOOLEAN Proc = lx_path_is_under(Path, "/proc");

    if (!Proc && !lx_path_is_under(Path, "/dev"))
        return FALSE;
    LxStatfsDefaults(Info, Proc ? LX_PROC_SUPER_MAGIC : LX_TMPFS_MAGIC);
    return TRUE;
}

/* statfs of an open file: its NT volume's sizes and file system, or (lxcore's own kinds) the
 * Linux file system they stand for: procfs, tmpfs (devtmpfs), pipefs, devpts. */
static
LONG
LxStatfsFile(
    _In_ PLX_FILE File,
    _Out_ lx_statfs_info *Info)
{
    union
    {
        FILE_FS_FULL_SIZE_INFORMATION FullSize;
        FILE_FS_SIZE_INFORMATION Size;
        FILE_FS_VOLUME_INFORMATION Volume;
        UCHAR Buffer[sizeof(FILE_FS_ATTRIBUTE_INFORMATION) + 32 * sizeof(WCHAR)];
    } U;
    PFILE_FS_ATTRIBUTE_INFORMATION Attribute = (PFILE_FS_ATTRIBUTE_INFORMATION)U.Buffer;
    IO_STATUS_BLOCK IoStatus;
    CHAR Name[32];
    ULONG i, Length;
    NTSTATUS Status;

    if (File->Path != NULL && LxStatfsVirtual(File->Path, Info))
        return 0;
    if (File->IsTty || File->Type == LxFileDebugOut || File->Type == LxFileEmptyIn)
    {
        LxStatfsDefaults(Info, LX_DEVPTS_SUPER_MAGIC);
        return 0;
    }
    if (File->Type == LxFilePipeRead || File->Type == LxFilePipeWrite)
    {
        LxStatfsDefaults(Info, LX_PIPEFS_MAGIC);
        return 0;
    }
    if (File->Type == LxFileMemory)
    {
        LxStatfsDefaults(Info, LX_PROC_SUPER_MAGIC);
        return 0;
    }
    if (File->Type != LxFileNt)
    {
        LxStatfsDefaults(Info, LX_TMPFS_MAGIC);     /* the /dev nodes */
        return 0;
    }
    LxStatfsDefaults(Info, 0);

    Status = ZwQueryVolumeInformationFile(File->Handle, &IoStatus, &U.FullSize,
                                          sizeof(U.FullSize), FileFsFullSizeInformation);
    if (NT_SUCCESS(Status))
    {
        Info->bsize = U.FullSize.SectorsPerAllocationUnit * U.FullSize.BytesPerSector;
        Info->blocks = (ULONGLONG)U.FullSize.TotalAllocationUnits.QuadPart;
        Info->bfree = (ULONGLONG)U.FullSize.ActualAvailableAllocationUnits.QuadPart;
        Info->bavail = (ULONGLONG)U.FullSize.CallerAvailableAllocationUnits.QuadPart;
    }
    else
    {
        Status = ZwQueryVolumeInformationFile(File->Handle, &IoStatus, &U.Size, sizeof(U.Size),
                                              FileFsSizeInformation);
        if (!NT_SUCCESS(Status))
            return LxStatusToErrno(Status);
        Info->bsize = U.Size.SectorsPerAllocationUnit * U.Size.BytesPerSector;
        Info->blocks = (ULONGLONG)U.Size.TotalAllocationUnits.QuadPart;
        Info->bfree = Info->bavail = (ULONGLONG)U.Size.AvailableAllocationUnits.QuadPart;
    }
    Info->frsize = Info->bsize;

    /* the volume serial number is what tells file systems apart: f_fsid */
    Status = ZwQueryVolumeInformationFile(File->Handle, &IoStatus, &U.Volume, sizeof(U.Volume),
                                          FileFsVolumeInformation);
    if (NT_SUCCESS(Status) || Status == STATUS_BUFFER_OVERFLOW)
        Info->fsid[0] = U.Volume.VolumeSerialNumber;

    Status = ZwQueryVolumeInformationFile(File->Handle, &IoStatus, Attribute, sizeof(U.Buffer),
                                          FileFsAttributeInformation);
    if (NT_SUCCESS(Status) || Status == STATUS_BUFFER_OVERFLOW)
    {
        Length = min(Attribute->FileSystemNameLength / sizeof(WCHAR), (ULONG)sizeof(Name));
        for (i = 0; i < Length; i++)
        {
            WCHAR c = Attribute->FileSystemName[i];
            Name[i] = c < 0x80 ? (CHAR)c : '?';
        }
        Info->type = lx_fs_magic(Name, Length);
        if (Attribute->MaximumComponentNameLength != 0)
            Info->namelen = Attribute->MaximumComponentNameLength;
        if (Attribute->FileSystemAttributes & FILE_READ_ONLY_VOLUME)
            Info->flags |= LX_ST_RDONLY;
    }
    return 0;
}

/* statfs of a descriptor (Fd >= 0), or of Path through a temporary O_PATH descriptor */
static
LONG
LxStatfs(
    _In_opt_ const CHAR *Path,
    _In_ ULONG Fd,
    _Out_ lx_statfs_info *Info)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE File;
    LONG Result, Opened = -1;

    if (Path != NULL)
    {
        /* /proc and /dev are lxcore's own (mostly not openable): answered from the path */
        PCHAR Resolved = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
        BOOLEAN Virtual;

        if (Resolved == NULL)
            return -LX_ENOMEM;
        Result = LxResolveUserPath(Process, LX_AT_FDCWD, Path, Resolved, NULL, TRUE);
        Virtual = Result >= 0 && LxStatfsVirtual(Resolved, Info);
        ExFreePoolWithTag(Resolved, LX_TAG_TEMP);
        if (Result < 0 || Virtual)
            return Result < 0 ? Result : 0;
        Opened = LxOpen(LX_AT_FDCWD, Path, LX_O_PATH, 0);
        if (Opened < 0)
            return Opened;
        Fd = (ULONG)Opened;
    }
    File = LxGetFile(Process, Fd);
    if (File == NULL)
    {
        Result = -LX_EBADF;
    }
    else
    {
        Result = LxStatfsFile(File, Info);
        LxDereferenceFile(File);
    }
    if (Opened >= 0)
        LxCloseFd(Process, (ULONG)Opened);
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
