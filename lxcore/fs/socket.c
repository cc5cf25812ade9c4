/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Sockets: what every family shares (creation by family, a message's
 *              buffers, SCM_RIGHTS and SCM_CREDENTIALS, stat, waits with SO_*TIMEO)
 *
 * As Linux's net/socket.c and net/core/scm.c: a socket is a file whose kind belongs to its
 * family (fs/unix.c for AF_UNIX); the family's LX_SOCKET_OPERATIONS do bind, connect,
 * send and receive. Descriptors passed with SCM_RIGHTS travel as referenced open file
 * descriptions and become new descriptors in the receiver.
 */

#include "lxfs.h"
#include "lx_socket.h"

#define NDEBUG
#include <debug.h>

PCLX_SOCKET_OPERATIONS
LxSocketOf(
    _In_ PLX_FILE File)
{
    return File->Ops->Socket;
}

LONG
LxCreateSocket(
    _In_ LONG Family,
    _In_ LONG Type,
    _In_ LONG Protocol,
    _Out_ PLX_FILE *File)
{
    *File = NULL;
    if (Family < 0 || Family >= 46)     /* AF_MAX */
        return -LX_EAFNOSUPPORT;
    if (Type <= 0 || Type > 10)         /* SOCK_MAX */
        return -LX_EINVAL;
    switch (Family)
    {
        case LX_AF_UNIX:
            if (Protocol != 0 && Protocol != LX_AF_UNIX)
                return -LX_EPROTONOSUPPORT;
            return LxCreateUnixSocket(Type, File);
        case LX_AF_INET:
            return LxCreateInetSocket(Type, Protocol, File);
        default:
            /* AF_INET6: ReactOS's tcpip.sys has no IPv6, as a kernel without CONFIG_IPV6 */
            return -LX_EAFNOSUPPORT;
    }
}

LONG
LxCreateSocketPair(
    _In_ LONG Family,
    _In_ LONG Type,
    _In_ LONG Protocol,
    _Out_ PLX_FILE *First,
    _Out_ PLX_FILE *Second)
{
    *First = *Second = NULL;
    if (Family < 0 || Family >= 46)
        return -LX_EAFNOSUPPORT;
    if (Type <= 0 || Type > 10)
        return -LX_EINVAL;
    if (Family != LX_AF_UNIX)
        return (Family == LX_AF_INET || Family == LX_AF_INET6) ? -LX_EOPNOTSUPP : -LX_EAFNOSUPPORT;
    if (Protocol != 0 && Protocol != LX_AF_UNIX)
        return -LX_EPROTONOSUPPORT;
    return LxCreateUnixPair(Type, First, Second);
}

static
LONG
LxMsgCopy(
    _In_ PLX_MSG Msg,
    _In_ SIZE_T Offset,
    _Inout_updates_bytes_(Count) PUCHAR Buffer,
    _In_ SIZE_T Count,
    _In_ BOOLEAN ToUser)
{
    ULONG i;
    LONG Result;

    for (i = 0; i < Msg->IovCount && Count != 0; i++)
    {
        SIZE_T Length = Msg->Iov[i].IovLen, Chunk;

        if (Offset >= Length)
        {
            Offset -= Length;
            continue;
        }
        Chunk = min(Count, Length - Offset);
        Result = ToUser ? LxCopyToUser(Msg->Iov[i].IovBase + Offset, Buffer, Chunk) :
                          LxCopyFromUser(Buffer, Msg->Iov[i].IovBase + Offset, Chunk);
        if (Result < 0)
            return Result;
        Buffer += Chunk;
        Count -= Chunk;
        Offset = 0;
    }
    return 0;
}

LONG
LxMsgCopyIn(
    _In_ PLX_MSG Msg,
    _In_ SIZE_T Offset,
    _Out_writes_bytes_(Count) PVOID Buffer,
    _In_ SIZE_T Count)
{
    return LxMsgCopy(Msg, Offset, Buffer, Count, FALSE);
}

LONG
LxMsgCopyOut(
    _In_ PLX_MSG Msg,
    _In_ SIZE_T Offset,
    _In_reads_bytes_(Count) const VOID *Buffer,
    _In_ SIZE_T Count)
{
    return LxMsgCopy(Msg, Offset, (PUCHAR)Buffer, Count, TRUE);
}

VOID
LxCurrentUcred(
    _Out_ PLX_UCRED Creds)
{
    PLX_PROCESS Process = LxCurrentProcess();

    Creds->Pid = Process->Pid;
    Creds->Uid = Process->Cred.User.effective;
    Creds->Gid = Process->Cred.Group.effective;
}

VOID
LxScmRelease(
    _Inout_ PLX_SCM Scm)
{
    ULONG i;

    for (i = 0; i < Scm->FileCount; i++)
        LxDereferenceFile(Scm->Files[i]);
    if (Scm->Files != NULL)
        ExFreePoolWithTag(Scm->Files, LX_TAG_FILE);
    Scm->Files = NULL;
    Scm->FileCount = 0;
    Scm->HasCreds = FALSE;
}

/* scm_check_creds: a process may name itself; root anyone */
static
BOOLEAN
LxScmCredsAllowed(
    _In_ PLX_PROCESS Process,
    _In_ const LX_UCRED *Creds)
{
    const lx_ids *User = &Process->Cred.User, *Group = &Process->Cred.Group;

    if (User->effective == 0)
        return TRUE;
    return Creds->Pid == Process->Pid &&
           (Creds->Uid == User->real || Creds->Uid == User->effective || Creds->Uid == User->saved) &&
           (Creds->Gid == Group->real || Creds->Gid == Group->effective || Creds->Gid == Group->saved);
}

LONG
LxScmFromControl(
    _In_ PLX_PROCESS Process,
    _In_reads_bytes_(Size) const UCHAR *Control,
    _In_ ULONG Size,
    _Out_ PLX_SCM Scm)
{
    uint32_t Offset = 0;
    lx_cmsg Msg;
    int More;
    LONG Result = 0;
    ULONG i;

    RtlZeroMemory(Scm, sizeof(*Scm));
    while ((More = lx_cmsg_next(Control, Size, &Offset, &Msg)) == 1)
    {
        if (Msg.level != LX_SOL_SOCKET)
            continue;
        if (Msg.type == LX_SCM_RIGHTS)
        {
            ULONG Count = Msg.length / sizeof(LONG);

            if (Count == 0)
                continue;
            if (Scm->FileCount + Count > LX_SCM_MAX_FD)
            {
                Result = -LX_EINVAL;
                break;
            }
            if (Scm->Files == NULL)
            {
                Scm->Files = ExAllocatePoolWithTag(NonPagedPool, LX_SCM_MAX_FD * sizeof(PLX_FILE),
                                                   LX_TAG_FILE);
                if (Scm->Files == NULL)
                {
                    Result = -LX_ENOMEM;
                    break;
                }
            }
            for (i = 0; i < Count; i++)
            {
                LONG Fd;
                PLX_FILE File;

                RtlCopyMemory(&Fd, Msg.data + i * sizeof(LONG), sizeof(Fd));
                File = Fd < 0 ? NULL : LxGetFile(Process, (ULONG)Fd);
                if (File == NULL)
                {
                    Result = -LX_EBADF;
                    break;
                }
                Scm->Files[Scm->FileCount++] = File;
            }
            if (Result < 0)
                break;
        }
        else if (Msg.type == LX_SCM_CREDENTIALS)
        {
            if (Msg.length != sizeof(LX_UCRED))
            {
                Result = -LX_EINVAL;
                break;
            }
            RtlCopyMemory(&Scm->Creds, Msg.data, sizeof(LX_UCRED));
            if (!LxScmCredsAllowed(Process, &Scm->Creds))
            {
                Result = -LX_EPERM;
                break;
            }
            Scm->HasCreds = TRUE;
        }
        else
        {
            Result = -LX_EINVAL;
            break;
        }
    }
    if (More < 0)
        Result = More;
    if (Result < 0)
        LxScmRelease(Scm);
    return Result;
}

VOID
LxScmToControl(
    _In_ PLX_PROCESS Process,
    _Inout_ PLX_SCM Scm,
    _In_ BOOLEAN Cloexec,
    _Out_writes_bytes_(Size) PUCHAR Control,
    _In_ ULONG Size,
    _Out_ PULONG Used,
    _Inout_ PULONG Flags)
{
    uint32_t Written = 0, MsgFlags = 0;
    ULONG i, Room, Installed = 0;
    LONG Fds[LX_SCM_MAX_FD];

    if (Scm->HasCreds)
    {
        lx_cmsg_put(Control, Size, &Written, LX_SOL_SOCKET, LX_SCM_CREDENTIALS, &Scm->Creds,
                    sizeof(Scm->Creds), &MsgFlags);
    }
    if (Scm->FileCount != 0)
    {
        Room = lx_cmsg_fds_room(Size, Written, Scm->FileCount);
        for (i = 0; i < Room; i++)
        {
            LONG Fd;

            LxReferenceFile(Scm->Files[i]);
            Fd = LxInstallFile(Process, Scm->Files[i], 0, Cloexec);
            if (Fd < 0)
                break;      /* EMFILE: the rest are dropped, as Linux does */
            Fds[Installed++] = Fd;
        }
        if (Installed != 0)
        {
            lx_cmsg_put(Control, Size, &Written, LX_SOL_SOCKET, LX_SCM_RIGHTS, Fds,
                        Installed * sizeof(LONG), &MsgFlags);
        }
        if (Installed < Scm->FileCount)
            MsgFlags |= LX_MSG_CTRUNC;
    }
    LxScmRelease(Scm);
    *Used = Written;
    *Flags |= MsgFlags;
}

LONG
LxSocketStat(
    _In_ PLX_FILE File,
    _Out_ struct _LX_STAT64 *St)
{
    St->StMode = LX_S_IFSOCK | 0777;
    St->StDev = 8;
    St->StIno = St->StIno32 = (ULONG)(ULONG_PTR)File->Private >> 4;
    St->StBlksize = PAGE_SIZE;
    return 0;
}

LONG
LxSocketStatfs(
    _In_ PLX_FILE File,
    _Out_ lx_statfs_info *Info)
{
    UNREFERENCED_PARAMETER(File);
    LxStatfsDefaults(Info, LX_SOCKFS_MAGIC);
    return 0;
}

LONG
LxSocketName(
    _In_ PLX_FILE File,
    _Out_writes_(Size) PCHAR Buffer,
    _In_ ULONG Size)
{
    return NT_SUCCESS(RtlStringCbPrintfA(Buffer, Size, "socket:[%lu]",
                                         (ULONG)(ULONG_PTR)File->Private >> 4)) ? 0 : -LX_ENAMETOOLONG;
}

/* ---- helpers of the families ---- */

BOOLEAN
LxSocketNonBlock(
    _In_ PLX_FILE File,
    _In_ ULONG Flags)
{
    return (File->StatusFlags & LX_O_NONBLOCK) || (Flags & LX_MSG_DONTWAIT);
}

ULONGLONG
LxSocketDeadline(
    _In_ ULONGLONG Timeout)
{
    return Timeout != 0 ? LxMonotonicTime() + Timeout : 0;
}

LONG
LxSocketInterrupted(
    _In_ LONG Result,
    _In_ ULONGLONG Deadline)
{
    /* a call with SO_RCVTIMEO/SO_SNDTIMEO is not restarted (sock_intr_errno) */
    return Result == -LX_EINTR ? LxInterruptedCall(Deadline == 0) : Result;
}

/* SO_RCVTIMEO/SO_SNDTIMEO: struct timeval of 32-bit (_OLD) or 64-bit (_NEW) fields */
LONG
LxSocketGetTimeval(
    _In_reads_bytes_(Length) const UCHAR *Value,
    _In_ ULONG Length,
    _In_ BOOLEAN Time64,
    _Out_ PULONGLONG Timeout)
{
    LONGLONG Seconds, Micro;

    if (Time64)
    {
        if (Length < 16)
            return -LX_EINVAL;
        RtlCopyMemory(&Seconds, Value, 8);
        RtlCopyMemory(&Micro, Value + 8, 8);
    }
    else
    {
        LONG S, U;

        if (Length < 8)
            return -LX_EINVAL;
        RtlCopyMemory(&S, Value, 4);
        RtlCopyMemory(&U, Value + 4, 4);
        Seconds = S;
        Micro = U;
    }
    if (Micro < 0 || Micro >= 1000000)
        return -LX_EDOM;
    if (Seconds < 0)
        Seconds = Micro = 0;
    *Timeout = (Seconds > 0x7FFFFFFF ? 0x7FFFFFFFULL : (ULONGLONG)Seconds) * 10000000ULL +
               (ULONGLONG)Micro * 10;
    return 0;
}

ULONG
LxSocketPutTimeval(
    _Out_writes_bytes_(16) PUCHAR Value,
    _In_ ULONGLONG Timeout,
    _In_ BOOLEAN Time64)
{
    LONGLONG Seconds = (LONGLONG)(Timeout / 10000000ULL);
    LONGLONG Micro = (LONGLONG)(Timeout % 10000000ULL) / 10;

    if (Time64)
    {
        RtlCopyMemory(Value, &Seconds, 8);
        RtlCopyMemory(Value + 8, &Micro, 8);
        return 16;
    }
    else
    {
        LONG S = (LONG)Seconds, U = (LONG)Micro;

        RtlCopyMemory(Value, &S, 4);
        RtlCopyMemory(Value + 4, &U, 4);
        return 8;
    }
}

/* read(2) and write(2): a receive and a send without flags */
static
LONG
LxSocketReadWrite(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_ BOOLEAN Write)
{
    struct _LX_IOVEC Iov = { Buffer, (ULONG)Count };
    LX_MSG Msg;
    LONG Result;

    RtlZeroMemory(&Msg, sizeof(Msg));
    Msg.Iov = &Iov;
    Msg.IovCount = 1;
    Msg.Length = Count;
    Result = Write ? LxSocketOf(File)->SendMsg(File, &Msg, 0) : LxSocketOf(File)->RecvMsg(File, &Msg, 0);
    LxScmRelease(&Msg.Scm);     /* descriptors read by read(2) are dropped, as Linux does */
    return Result;
}

LONG
LxSocketRead(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    UNREFERENCED_PARAMETER(Position);
    return LxSocketReadWrite(File, Buffer, Count, FALSE);
}

LONG
LxSocketWrite(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    UNREFERENCED_PARAMETER(Position);
    return LxSocketReadWrite(File, Buffer, Count, TRUE);
}

/* A send that found the connection closed: the bytes sent so far, else EPIPE and SIGPIPE
 * (unless MSG_NOSIGNAL) */
LONG
LxSocketPipeError(
    _In_ SIZE_T Done,
    _In_ ULONG Flags)
{
    if (Done != 0)
        return (LONG)Done;
    if (!(Flags & LX_MSG_NOSIGNAL))
        return LxSignalSelfWithResult(LX_SIGPIPE, LX_SI_USER, -LX_EPIPE);
    return -LX_EPIPE;
}

BOOLEAN
LxSocketSetTimes(
    _Inout_ PLX_SOCKET_TIMES Times,
    _In_ LONG Name,
    _In_reads_bytes_(Length) const UCHAR *Value,
    _In_ ULONG Length,
    _Out_ PLONG Result)
{
    switch (Name)
    {
        case LX_SO_RCVTIMEO_OLD:
        case LX_SO_RCVTIMEO_NEW:
            *Result = LxSocketGetTimeval(Value, Length, Name == LX_SO_RCVTIMEO_NEW, &Times->RcvTimeo);
            return TRUE;
        case LX_SO_SNDTIMEO_OLD:
        case LX_SO_SNDTIMEO_NEW:
            *Result = LxSocketGetTimeval(Value, Length, Name == LX_SO_SNDTIMEO_NEW, &Times->SndTimeo);
            return TRUE;
        case LX_SO_LINGER:
            *Result = 0;
            if (Length < sizeof(Times->Linger))
            {
                *Result = -LX_EINVAL;
                return TRUE;
            }
            RtlCopyMemory(Times->Linger, Value, sizeof(Times->Linger));
            Times->Linger[0] = Times->Linger[0] != 0;
            return TRUE;
        default:
            return FALSE;
    }
}

BOOLEAN
LxSocketGetTimes(
    _In_ const LX_SOCKET_TIMES *Times,
    _In_ LONG Name,
    _Out_writes_bytes_(16) PUCHAR Data,
    _Out_ PULONG Size)
{
    switch (Name)
    {
        case LX_SO_RCVTIMEO_OLD:
        case LX_SO_RCVTIMEO_NEW:
            *Size = LxSocketPutTimeval(Data, Times->RcvTimeo, Name == LX_SO_RCVTIMEO_NEW);
            return TRUE;
        case LX_SO_SNDTIMEO_OLD:
        case LX_SO_SNDTIMEO_NEW:
            *Size = LxSocketPutTimeval(Data, Times->SndTimeo, Name == LX_SO_SNDTIMEO_NEW);
            return TRUE;
        case LX_SO_LINGER:
            RtlCopyMemory(Data, Times->Linger, sizeof(Times->Linger));
            *Size = sizeof(Times->Linger);
            return TRUE;
        default:
            return FALSE;
    }
}
