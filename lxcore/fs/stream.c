/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     File kind: a handle the launcher passed as stdin, stdout or stderr (a pipe, a
 *              redirection to a file, or, with LXSS_CREATE_STDIO_TTY, its console as a
 *              terminal), used through a kernel handle with the caller's access
 *
 * The position is the object's own (no lseek). Readiness of a pipe comes from NPFS
 * (FilePipeLocalInformation: bytes to read, write quota, whether the other end is gone).
 * NT does not tell lxcore when that changes, so a poll that waits on such a file re-checks
 * it every LX_POLL_RECHECK_MS (poll.c) instead of sleeping until a wake.
 */

#include "lxfs.h"
#include "lx_tty.h"

#define NDEBUG
#include <debug.h>

typedef struct _LX_STREAM
{
    LX_NT_OBJECT Object;
    BOOLEAN IsTty;              /* the launcher's console (LXSS_CREATE_STDIO_TTY) */
    USHORT TtyRows, TtyColumns;
} LX_STREAM, *PLX_STREAM;

static
LONG
LxStreamRead(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    return LxNtTransfer(File, LxNtHandle(File), FALSE, FALSE, Buffer, Count, Position);
}

static
LONG
LxStreamWrite(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    return LxNtTransfer(File, LxNtHandle(File), FALSE, TRUE, Buffer, Count, Position);
}

/* The state of the pipe behind the handle, or FALSE when it is no pipe */
static
BOOLEAN
LxStreamPipeState(
    _In_ PLX_FILE File,
    _Out_ PFILE_PIPE_LOCAL_INFORMATION Local)
{
    IO_STATUS_BLOCK IoStatus;

    return NT_SUCCESS(ZwQueryInformationFile(LxNtHandle(File), &IoStatus, Local, sizeof(*Local),
                                             FilePipeLocalInformation));
}

/* fsync: a redirection to a file is flushed; a pipe or the terminal is EINVAL, as Linux */
static
LONG
LxStreamFsync(
    _In_ PLX_FILE File)
{
    FILE_PIPE_LOCAL_INFORMATION Local;
    PLX_STREAM Stream = File->Private;

    if (Stream->IsTty || LxStreamPipeState(File, &Local))
        return -LX_EINVAL;
    return LxFlushNtFile(LxNtHandle(File), TRUE);
}

static
ULONG
LxStreamPoll(
    _In_ PLX_FILE File,
    _In_opt_ PLX_POLL_TABLE Table)
{
    FILE_PIPE_LOCAL_INFORMATION Local;
    ULONG Access = File->StatusFlags & LX_O_ACCMODE, Ready = 0;
    BOOLEAN Gone;

    if (!LxStreamPipeState(File, &Local))
        return LX_DEFAULT_POLLMASK;     /* a file or device: never blocks */
    Gone = Local.NamedPipeState != FILE_PIPE_CONNECTED_STATE;
    if (Access != LX_O_WRONLY)
    {
        if (Local.ReadDataAvailable != 0)
            Ready |= LX_POLLIN | LX_POLLRDNORM;
        if (Gone)
            Ready |= LX_POLLHUP;
    }
    if (Access != LX_O_RDONLY)
    {
        if (Gone)
            Ready |= LX_POLLERR;
        else if (Local.WriteQuotaAvailable != 0 || Local.OutboundQuota == 0)
            Ready |= LX_POLLOUT | LX_POLLWRNORM;
    }
    if (Table != NULL)
        LxPollRecheck(Table);
    return Ready;
}

/* A terminal of a cooked-mode Linux tty: termios changes are accepted, the console's line
 * discipline stays the launcher's */
static
LONG
LxStreamTtyIoctl(
    _In_ PLX_FILE File,
    _In_ ULONG Cmd,
    _In_ ULONG_PTR Arg)
{
    PLX_STREAM Stream = File->Private;
    PLX_PROCESS Process = LxCurrentProcess();

    switch (Cmd)
    {
        case LX_TCGETS:
        {
            lx_termios Termios;

            lx_termios_default(&Termios);
            return LxCopyToUser(Arg, &Termios, sizeof(Termios));
        }
        case LX_TCSETS:
        case LX_TCSETSW:
        case LX_TCSETSF:
        case LX_TIOCSWINSZ:
        case LX_TIOCSPGRP:
            return 0;
        case LX_TIOCGWINSZ:
        {
            USHORT Winsize[4] = { Stream->TtyRows, Stream->TtyColumns, 0, 0 };
            return LxCopyToUser(Arg, Winsize, sizeof(Winsize));
        }
        case LX_TIOCGPGRP:
        {
            ULONG Pgrp = LxProcessGroupOf(Process);
            return LxCopyToUser(Arg, &Pgrp, sizeof(Pgrp));
        }
        default:
            return -LX_ENOTTY;
    }
}

static
LONG
LxStreamIoctl(
    _In_ PLX_FILE File,
    _In_ ULONG Cmd,
    _In_ ULONG_PTR Arg)
{
    PLX_STREAM Stream = File->Private;

    if (Cmd == LX_FIONREAD)
    {
        FILE_PIPE_LOCAL_INFORMATION Local;
        LONG Available = LxStreamPipeState(File, &Local) ? (LONG)Local.ReadDataAvailable : 0;

        return LxCopyToUser(Arg, &Available, sizeof(Available));
    }
    return Stream->IsTty ? LxStreamTtyIoctl(File, Cmd, Arg) : -LX_ENOTTY;
}

static
LONG
LxStreamStat(
    _In_ PLX_FILE File,
    _Out_ struct _LX_STAT64 *St)
{
    PLX_STREAM Stream = File->Private;

    if (Stream->IsTty)
    {
        /* the launcher's terminal: /dev/pts/0 */
        St->StMode = LX_S_IFCHR | 0620;
        St->StRdev = 136 << 8;
        St->StDev = 22;
        St->StIno = St->StIno32 = 3;
        return 0;
    }
    if (LxNtStat(LxNtHandle(File), NULL, St) == 0)
        return 0;
    /* a pipe or another object without file information */
    St->StMode = LX_S_IFIFO | 0600;
    St->StDev = 6;
    St->StIno = St->StIno32 = (ULONG)(ULONG_PTR)File >> 4;
    return 0;
}

static
LONG
LxStreamStatfs(
    _In_ PLX_FILE File,
    _Out_ lx_statfs_info *Info)
{
    PLX_STREAM Stream = File->Private;

    if (Stream->IsTty)
        LxStatfsDefaults(Info, LX_DEVPTS_SUPER_MAGIC);
    else if (LxNtStatfs(LxNtHandle(File), Info) != 0)
        LxStatfsDefaults(Info, LX_PIPEFS_MAGIC);
    return 0;
}

static
LONG
LxStreamSetattr(
    _In_ PLX_FILE File,
    _In_ const LX_SETATTR *Attr)
{
    if (Attr->Valid & LX_SETATTR_MODE)
        return -LX_EPERM;       /* not a file of the Linux name space */
    return LxNtObjectSetattr(File, Attr);
}

static
LONG
LxStreamName(
    _In_ PLX_FILE File,
    _Out_writes_(Size) PCHAR Buffer,
    _In_ ULONG Size)
{
    PLX_STREAM Stream = File->Private;
    NTSTATUS Status;

    if (Stream->IsTty)
        Status = RtlStringCbCopyA(Buffer, Size, "/dev/pts/0");
    else
        Status = RtlStringCbPrintfA(Buffer, Size, "pipe:[%lu]", (ULONG)(ULONG_PTR)File >> 4);
    return NT_SUCCESS(Status) ? 0 : -LX_ENAMETOOLONG;
}

static const LX_FILE_OPERATIONS LxStreamOperations =
{
    .Kind = "launcher stream",
    .Read = LxStreamRead,
    .Write = LxStreamWrite,
    .Ioctl = LxStreamIoctl,
    .Poll = LxStreamPoll,
    .Stat = LxStreamStat,
    .Statfs = LxStreamStatfs,
    .Fsync = LxStreamFsync,
    .Setattr = LxStreamSetattr,
    .Identity = LxNtObjectIdentity,
    .Name = LxStreamName,
    .Release = LxNtObjectRelease,
};

/* Takes over Handle. TtyRows 0: not a terminal. */
LONG
LxCreateStreamFile(
    _In_ HANDLE Handle,
    _In_ ULONG StatusFlags,
    _In_ USHORT TtyRows,
    _In_ USHORT TtyColumns,
    _Out_ PLX_FILE *File)
{
    PLX_STREAM Stream;
    LONG Result;

    Result = LxCreateNtObjectFile(&LxStreamOperations, StatusFlags, TtyRows ? LX_S_IFCHR : LX_S_IFIFO,
                                  sizeof(LX_STREAM), Handle, File);
    if (Result < 0)
        return Result;
    Stream = (*File)->Private;
    Stream->IsTty = TtyRows != 0;
    Stream->TtyRows = TtyRows;
    Stream->TtyColumns = TtyColumns;
    return 0;
}
