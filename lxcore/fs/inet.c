/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     AF_INET sockets: TCP and UDP of ReactOS's own network stack
 *
 * As Linux's net/ipv4/af_inet.c over tcp.c and udp.c, with the protocols in tcpip.sys and the
 * buffers in afd.sys (nt/afd.c). This file keeps what Linux keeps in struct socket: the
 * state a call sees (unconnected, connecting, connected, listening), shutdown, SO_ERROR, the
 * options, and the waits. AFD's endpoint never blocks; a call that must wait arms the
 * endpoint's watch for the events it needs and sleeps on the socket's wait queue, so
 * O_NONBLOCK, MSG_DONTWAIT, SO_RCVTIMEO/SO_SNDTIMEO and signals are lxcore's, as for every
 * other file. Data goes through kernel buffers: lxcore copies from and to the caller's memory
 * (where its own fault handling applies and a bad address is EFAULT), AFD only sees the
 * kernel's.
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

#define LX_IPPROTO_IP       0
#define LX_IPPROTO_TCP      6
#define LX_IPPROTO_UDP      17
#define LX_IPPROTO_IPV6     41
#define LX_IP_TOS           1
#define LX_IP_TTL           2
#define LX_TCP_NODELAY      1
#define LX_TCP_MAXSEG       2
#define LX_TCP_KEEPIDLE     4
#define LX_TCP_KEEPINTVL    5
#define LX_TCP_KEEPCNT      6
#define LX_SOMAXCONN        4096
#define LX_UDP_MAX          65507       /* 65535 - IP and UDP headers */
#define LX_INET_CHUNK       65536       /* a stream's bytes go through AFD this many at a time */
#define LX_INET_BUFFER_MIN  2048        /* SOCK_MIN_SNDBUF / 2 */
#define LX_INET_BUFFER_MAX  (4 * 1024 * 1024)

typedef enum _LX_INET_STATE
{
    LxInetUnconnected,
    LxInetConnecting,
    LxInetConnected,
    LxInetListening
} LX_INET_STATE;

/* SOL_SOCKET and protocol flags kept by the socket */
#define LX_INET_OPT_REUSEADDR   0x0001
#define LX_INET_OPT_KEEPALIVE   0x0002
#define LX_INET_OPT_BROADCAST   0x0004
#define LX_INET_OPT_DONTROUTE   0x0008
#define LX_INET_OPT_OOBINLINE   0x0010
#define LX_INET_OPT_DEBUG       0x0020
#define LX_INET_OPT_REUSEPORT   0x0040
#define LX_INET_OPT_PASSCRED    0x0080
#define LX_INET_OPT_NODELAY     0x0100

typedef struct _LX_INET_SOCKET
{
    LX_WAIT_QUEUE Queue;        /* woken by the endpoint's watch and connect */
    PLX_AFD_ENDPOINT Endpoint;
    KMUTEX Lock;                /* what follows; held across AFD requests (not APC_LEVEL) */
    LONG Type;                  /* SOCK_STREAM or SOCK_DGRAM */
    LX_INET_STATE State;
    BOOLEAN Bound;
    BOOLEAN HasPeer;            /* connected, or a datagram socket's default destination */
    BOOLEAN ShutRead;
    BOOLEAN ShutWrite;
    BOOLEAN Unreported;         /* a connect ended that no connect call has returned yet */
    lx_inet_addr Peer;
    LONG Error;                 /* SO_ERROR: a failed connect's, until read */
    ULONG Options;
    LONG SndBuf;
    LONG RcvBuf;
    LONG Ttl;
    LONG Tos;
    LONG MaxSeg;
    LONG KeepIdle;
    LONG KeepIntvl;
    LONG KeepCnt;
    LX_SOCKET_TIMES Times;      /* SO_RCVTIMEO, SO_SNDTIMEO, SO_LINGER */
} LX_INET_SOCKET, *PLX_INET_SOCKET;

static const LX_FILE_OPERATIONS LxInetOperations;

static
PLX_INET_SOCKET
LxInetOf(
    _In_ PLX_FILE File)
{
    return File->Private;
}

static
VOID
LxInetLock(
    _In_ PLX_INET_SOCKET Sock)
{
    KeWaitForSingleObject(&Sock->Lock, Executive, KernelMode, FALSE, NULL);
}

static
VOID
LxInetUnlock(
    _In_ PLX_INET_SOCKET Sock)
{
    KeReleaseMutex(&Sock->Lock, FALSE);
}

static
LONG
LxInetError(
    _In_ NTSTATUS Status)
{
    return lx_socket_status_to_errno((uint32_t)Status);
}

static
LONG
LxInetAllocate(
    _In_ LONG Type,
    _Out_ PLX_FILE *File)
{
    PLX_INET_SOCKET Sock;

    *File = LxAllocateFile(&LxInetOperations, LX_O_RDWR, LX_S_IFSOCK, sizeof(LX_INET_SOCKET));
    if (*File == NULL)
        return LxNoFile();
    Sock = LxInetOf(*File);
    RtlZeroMemory(Sock, sizeof(*Sock));
    LxInitializeWaitQueue(&Sock->Queue);
    KeInitializeMutex(&Sock->Lock, 0);
    Sock->Type = Type;
    Sock->State = LxInetUnconnected;
    Sock->SndBuf = 16384 * 2;
    Sock->RcvBuf = 131072;
    Sock->Ttl = 64;
    Sock->MaxSeg = 536;
    Sock->KeepIdle = 7200;
    Sock->KeepIntvl = 75;
    Sock->KeepCnt = 9;
    return 0;
}

LONG
LxCreateInetSocket(
    _In_ LONG Type,
    _In_ LONG Protocol,
    _Out_ PLX_FILE *File)
{
    PLX_INET_SOCKET Sock;
    NTSTATUS Status;
    LONG Result;

    *File = NULL;
    switch (Type)
    {
        case LX_SOCK_STREAM:
            if (Protocol != 0 && Protocol != LX_IPPROTO_TCP)
                return -LX_EPROTONOSUPPORT;
            break;
        case LX_SOCK_DGRAM:
            if (Protocol != 0 && Protocol != LX_IPPROTO_UDP)
                return -LX_EPROTONOSUPPORT;
            break;
        default:
            /* SOCK_RAW would need \Device\RawIp: not offered (inet_create's empty list) */
            return -LX_ESOCKTNOSUPPORT;
    }
    Result = LxInetAllocate(Type, File);
    if (Result < 0)
        return Result;
    Sock = LxInetOf(*File);
    Status = LxAfdCreate(Type == LX_SOCK_DGRAM, &Sock->Queue, &Sock->Endpoint);
    if (!NT_SUCCESS(Status))
    {
        DPRINT1("lxcore: no AFD endpoint (0x%lx)\n", Status);
        LxDereferenceFile(*File);
        *File = NULL;
        /* no network stack: as a kernel without CONFIG_INET */
        return Status == STATUS_OBJECT_NAME_NOT_FOUND || Status == STATUS_NO_SUCH_DEVICE ?
               -LX_EAFNOSUPPORT : LxInetError(Status);
    }
    return 0;
}

static
VOID
LxInetRelease(
    _In_ PLX_FILE File)
{
    PLX_INET_SOCKET Sock = LxInetOf(File);

    if (Sock->Endpoint != NULL)
        LxAfdClose(Sock->Endpoint);
    LxDetachWaitQueue(&Sock->Queue);
}

/* Waits (lock released) until the endpoint may have one of Events; the watch wakes us */
static
LONG
LxInetWaitUnlock(
    _In_ PLX_INET_SOCKET Sock,
    _In_ ULONG Events,
    _In_ BOOLEAN NonBlock,
    _In_ ULONGLONG Deadline)
{
    LX_WAITER Waiter;
    PVOID Object = &Waiter.Event;
    LARGE_INTEGER Wait;
    NTSTATUS Status;

    if (NonBlock || (Deadline != 0 && !LxTimeLeft(Deadline, &Wait)))
    {
        LxInetUnlock(Sock);
        return -LX_EAGAIN;
    }
    LxPrepareWait(&Waiter, &Sock->Queue);
    LxInetUnlock(Sock);
    if (Events != 0)
        LxAfdWatch(Sock->Endpoint, Events);
    Status = LxWaitInterruptible(1, &Object, Deadline != 0 ? &Wait : NULL);
    LxFinishWait(&Waiter);
    return Status == STATUS_ALERTED ? -LX_EINTR : 0;
}

/* The end of a connect in progress, under the lock: the state and SO_ERROR it leaves */
static
VOID
LxInetConnectSettled(
    _In_ PLX_INET_SOCKET Sock)
{
    NTSTATUS Status;

    if (Sock->State != LxInetConnecting || !LxAfdConnectDone(Sock->Endpoint, &Status))
        return;
    if (NT_SUCCESS(Status))
    {
        Sock->State = LxInetConnected;
        Sock->Unreported = TRUE;
    }
    else
    {
        Sock->State = LxInetUnconnected;
        Sock->HasPeer = FALSE;
        /* a reset answering the SYN is a refusal (tcp_reset in SYN_SENT) */
        if (Status == STATUS_REMOTE_DISCONNECT || Status == STATUS_CONNECTION_RESET)
            Sock->Error = LX_ECONNREFUSED;
        else
            Sock->Error = Status == STATUS_CANCELLED ? LX_ECONNABORTED : -LxInetError(Status);
    }
}

static
BOOLEAN
LxInetPrivilegedPort(
    _In_ const lx_inet_addr *Address)
{
    USHORT Port = RtlUshortByteSwap(Address->port);
    LX_UCRED Creds;

    if (Port == 0 || Port >= 1024)
        return FALSE;
    LxCurrentUcred(&Creds);
    return Creds.Uid != 0;      /* CAP_NET_BIND_SERVICE is root's */
}

/* bind under the lock */
static
LONG
LxInetBindLocked(
    _In_ PLX_INET_SOCKET Sock,
    _In_ const lx_inet_addr *Address)
{
    NTSTATUS Status;

    if (Sock->Bound || Sock->State != LxInetUnconnected)
        return -LX_EINVAL;
    if (LxInetPrivilegedPort(Address))
        return -LX_EACCES;
    Status = LxAfdBind(Sock->Endpoint, Address,
                       (Sock->Options & (LX_INET_OPT_REUSEADDR | LX_INET_OPT_REUSEPORT)) != 0);
    if (!NT_SUCCESS(Status))
        return LxInetError(Status);
    Sock->Bound = TRUE;
    return 0;
}

/* A port of the kernel's choice on any address, as Linux's autobind */
static
LONG
LxInetAutobindLocked(
    _In_ PLX_INET_SOCKET Sock)
{
    lx_inet_addr Any = { 0, LX_INADDR_ANY };

    return Sock->Bound ? 0 : LxInetBindLocked(Sock, &Any);
}

static
LONG
LxInetBind(
    _In_ PLX_FILE File,
    _In_reads_bytes_(Length) const UCHAR *Address,
    _In_ ULONG Length)
{
    PLX_INET_SOCKET Sock = LxInetOf(File);
    lx_inet_addr Name;
    LONG Result;

    Result = lx_inet_addr_parse(Address, Length, LX_INET_ADDR_BIND, &Name);
    if (Result < 0)
        return Result;
    LxInetLock(Sock);
    Result = LxInetBindLocked(Sock, &Name);
    LxInetUnlock(Sock);
    return Result;
}

static
LONG
LxInetListen(
    _In_ PLX_FILE File,
    _In_ LONG Backlog)
{
    PLX_INET_SOCKET Sock = LxInetOf(File);
    NTSTATUS Status;
    LONG Result = 0;

    if (Sock->Type != LX_SOCK_STREAM)
        return -LX_EOPNOTSUPP;
    LxInetLock(Sock);
    if (Sock->State == LxInetListening)
        goto Out;       /* a new backlog: AFD keeps the first */
    if (Sock->State != LxInetUnconnected)
    {
        Result = -LX_EINVAL;
        goto Out;
    }
    Result = LxInetAutobindLocked(Sock);
    if (Result < 0)
        goto Out;
    Backlog = Backlog < 1 ? 1 : min(Backlog, LX_SOMAXCONN);
    Status = LxAfdListen(Sock->Endpoint, (ULONG)Backlog);
    if (!NT_SUCCESS(Status))
        Result = LxInetError(Status);
    else
        Sock->State = LxInetListening;
Out:
    LxInetUnlock(Sock);
    return Result;
}

static
LONG
LxInetAccept(
    _In_ PLX_FILE File,
    _In_ ULONG Flags,
    _Out_ PLX_FILE *NewFile)
{
    PLX_INET_SOCKET Sock = LxInetOf(File), New;
    ULONGLONG Deadline = LxSocketDeadline(Sock->Times.RcvTimeo);
    lx_inet_addr Peer;
    NTSTATUS Status;
    LONG Result;

    *NewFile = NULL;
    if (Sock->Type != LX_SOCK_STREAM)
        return -LX_EOPNOTSUPP;
    Result = LxInetAllocate(LX_SOCK_STREAM, NewFile);
    if (Result < 0)
        return Result;
    New = LxInetOf(*NewFile);
    for (;;)
    {
        LxInetLock(Sock);
        if (Sock->State != LxInetListening)
        {
            LxInetUnlock(Sock);
            Result = -LX_EINVAL;
            break;
        }
        Status = LxAfdAccept(Sock->Endpoint, &New->Queue, &New->Endpoint, &Peer);
        if (Status != STATUS_CANT_WAIT)
        {
            LxInetUnlock(Sock);
            Result = NT_SUCCESS(Status) ? 0 : LxInetError(Status);
            break;
        }
        Result = LxInetWaitUnlock(Sock, LX_AFD_EVENT_ACCEPT, (File->StatusFlags & LX_O_NONBLOCK) != 0,
                                  Deadline);
        if (Result < 0)
        {
            Result = LxSocketInterrupted(Result, Deadline);
            break;
        }
    }
    if (Result != 0)
    {
        /* an error, or a signal whose handler was entered (a positive number): no new file */
        LxDereferenceFile(*NewFile);
        *NewFile = NULL;
        return Result;
    }
    New->State = LxInetConnected;
    New->Bound = TRUE;
    New->HasPeer = TRUE;
    New->Peer = Peer;
    New->Options = Sock->Options & ~LX_INET_OPT_PASSCRED;
    (*NewFile)->StatusFlags |= Flags & LX_O_NONBLOCK;
    return 0;
}

static
LONG
LxInetConnect(
    _In_ PLX_FILE File,
    _In_reads_bytes_(Length) const UCHAR *Address,
    _In_ ULONG Length)
{
    PLX_INET_SOCKET Sock = LxInetOf(File);
    BOOLEAN NonBlock = (File->StatusFlags & LX_O_NONBLOCK) != 0;
    ULONGLONG Deadline = LxSocketDeadline(Sock->Times.SndTimeo);
    lx_inet_addr Name;
    NTSTATUS Status;
    LONG Result;

    if (Sock->Type == LX_SOCK_DGRAM && lx_sockaddr_family(Address, Length) == LX_AF_UNSPEC)
    {
        /* dissolves the association (udp_disconnect) */
        LxInetLock(Sock);
        Sock->HasPeer = FALSE;
        Sock->State = LxInetUnconnected;
        LxInetUnlock(Sock);
        return 0;
    }
    Result = lx_inet_addr_parse(Address, Length, LX_INET_ADDR_CONNECT, &Name);
    if (Result < 0)
        return Result;
    LxInetLock(Sock);
    if (Sock->Type == LX_SOCK_DGRAM)
    {
        /* the default destination and the only source received from */
        Result = LxInetAutobindLocked(Sock);
        if (Result == 0)
        {
            Sock->Peer = Name;
            Sock->HasPeer = TRUE;
            Sock->State = LxInetConnected;
        }
        LxInetUnlock(Sock);
        return Result;
    }
    LxInetConnectSettled(Sock);
    switch (Sock->State)
    {
        case LxInetConnected:
            if (Sock->Unreported)
            {
                /* the call that sees the end of a non-blocking connect returns 0 */
                Sock->Unreported = FALSE;
                LxInetUnlock(Sock);
                return 0;
            }
            LxInetUnlock(Sock);
            return -LX_EISCONN;
        case LxInetListening:
            LxInetUnlock(Sock);
            return -LX_EISCONN;
        case LxInetConnecting:
            if (NonBlock)
            {
                LxInetUnlock(Sock);
                return -LX_EALREADY;
            }
            break;
        case LxInetUnconnected:
            Sock->Error = 0;
            Status = LxAfdConnect(Sock->Endpoint, &Name, FALSE);
            if (Status != STATUS_PENDING)
            {
                LxInetUnlock(Sock);
                return LxInetError(Status);
            }
            Sock->State = LxInetConnecting;
            Sock->Peer = Name;
            Sock->HasPeer = TRUE;
            Sock->Bound = TRUE;
            if (NonBlock)
            {
                LxInetUnlock(Sock);
                return -LX_EINPROGRESS;
            }
            break;
    }
    /* a blocking connect waits for the end */
    for (;;)
    {
        LxInetConnectSettled(Sock);
        if (Sock->State != LxInetConnecting)
            break;
        Result = LxInetWaitUnlock(Sock, 0, FALSE, Deadline);
        if (Result < 0)
            return Result == -LX_EAGAIN ? -LX_EINPROGRESS : LxSocketInterrupted(Result, Deadline);
        LxInetLock(Sock);
    }
    Result = 0;
    Sock->Unreported = FALSE;
    if (Sock->State != LxInetConnected)
    {
        Result = -Sock->Error;
        Sock->Error = 0;
    }
    LxInetUnlock(Sock);
    return Result;
}

static
LONG
LxInetGetName(
    _In_ PLX_FILE File,
    _In_ BOOLEAN Peer,
    _Out_writes_bytes_(LX_SOCKADDR_MAX) PUCHAR Address,
    _Out_ PULONG Length)
{
    PLX_INET_SOCKET Sock = LxInetOf(File);
    lx_inet_addr Name = { 0, LX_INADDR_ANY };
    LONG Result = 0;

    LxInetLock(Sock);
    LxInetConnectSettled(Sock);
    if (Peer)
    {
        if (!Sock->HasPeer || Sock->State != LxInetConnected)
            Result = -LX_ENOTCONN;
        else
            Name = Sock->Peer;
    }
    else if (Sock->Bound)
    {
        /* an unbound socket is 0.0.0.0:0, as in Linux */
        if (!NT_SUCCESS(LxAfdGetName(Sock->Endpoint, FALSE, &Name)))
            Name.port = 0, Name.addr = LX_INADDR_ANY;
    }
    LxInetUnlock(Sock);
    if (Result < 0)
        return Result;
    *Length = lx_inet_addr_put(&Name, Address);
    return 0;
}

static
LONG
LxInetSendStream(
    _In_ PLX_FILE File,
    _Inout_ PLX_MSG Msg,
    _In_ ULONG Flags)
{
    PLX_INET_SOCKET Sock = LxInetOf(File);
    BOOLEAN NonBlock = LxSocketNonBlock(File, Flags);
    ULONGLONG Deadline = LxSocketDeadline(Sock->Times.SndTimeo);
    PUCHAR Bounce;
    SIZE_T Done = 0;
    LONG Result = 0;

    if (Msg->IovCount == 0 || Msg->Length == 0)
    {
        LxInetLock(Sock);
        LxInetConnectSettled(Sock);
        Result = Sock->State == LxInetConnected ? 0 : -LX_EPIPE;
        LxInetUnlock(Sock);
        return Result == 0 ? 0 : LxSocketPipeError(0, Flags);
    }
    Bounce = ExAllocatePoolWithTag(PagedPool, LX_INET_CHUNK, LX_TAG_SOCKET);
    if (Bounce == NULL)
        return -LX_ENOMEM;
    while (Done < Msg->Length)
    {
        LX_AFD_BUFFER Buffer;
        ULONG Sent = 0;
        NTSTATUS Status;

        /* the user's bytes (a bad buffer faults here, in lxcore, not in AFD) */
        Buffer.Length = (ULONG)min(Msg->Length - Done, LX_INET_CHUNK);
        Buffer.Buffer = Bounce;
        Result = LxMsgCopyIn(Msg, Done, Bounce, Buffer.Length);
        if (Result < 0)
            break;
        LxInetLock(Sock);
        LxInetConnectSettled(Sock);
        if (Sock->State == LxInetConnecting)
        {
            /* sk_stream_wait_connect */
            Result = LxInetWaitUnlock(Sock, 0, NonBlock, Deadline);
            if (Result < 0)
                break;
            continue;
        }
        if (Sock->State != LxInetConnected || Sock->ShutWrite)
        {
            LxInetUnlock(Sock);
            Result = -LX_EPIPE;
            break;
        }
        Status = LxAfdSend(Sock->Endpoint, &Buffer, 1, &Sent);
        if (Status == STATUS_CANT_WAIT)
        {
            if (Done != 0 && NonBlock)
            {
                LxInetUnlock(Sock);
                break;
            }
            Result = LxInetWaitUnlock(Sock, LX_AFD_EVENT_SEND | LX_AFD_EVENT_ABORT |
                                      LX_AFD_EVENT_CLOSE, NonBlock, Deadline);
            if (Result < 0)
                break;
            continue;
        }
        LxInetUnlock(Sock);
        if (!NT_SUCCESS(Status))
        {
            Result = LxInetError(Status);
            break;
        }
        Done += Sent;
        if (NonBlock && Sent < Buffer.Length)
            break;
    }
    ExFreePoolWithTag(Bounce, LX_TAG_SOCKET);
    if (Done != 0)
        return (LONG)Done;
    if (Result == -LX_EPIPE)
        return LxSocketPipeError(0, Flags);
    return LxSocketInterrupted(Result, Deadline);
}

static
LONG
LxInetSendDgram(
    _In_ PLX_FILE File,
    _Inout_ PLX_MSG Msg,
    _In_ ULONG Flags)
{
    PLX_INET_SOCKET Sock = LxInetOf(File);
    lx_inet_addr To;
    PVOID Data;
    NTSTATUS Status;
    LONG Result;

    UNREFERENCED_PARAMETER(Flags);
    if (Msg->Name != NULL && Msg->NameLength != 0)
    {
        Result = lx_inet_addr_parse(Msg->Name, Msg->NameLength, LX_INET_ADDR_SENDTO, &To);
        if (Result < 0)
            return Result;
    }
    else
    {
        LxInetLock(Sock);
        Result = Sock->HasPeer ? 0 : -LX_EDESTADDRREQ;
        To = Sock->Peer;
        LxInetUnlock(Sock);
        if (Result < 0)
            return Result;
    }
    if (Msg->Length > LX_UDP_MAX)
        return -LX_EMSGSIZE;
    if (To.port == 0)
        return -LX_EINVAL;
    Data = ExAllocatePoolWithTag(PagedPool, max(Msg->Length, 1), LX_TAG_SOCKET);
    if (Data == NULL)
        return -LX_ENOMEM;
    Result = LxMsgCopyIn(Msg, 0, Data, Msg->Length);
    if (Result == 0)
    {
        LxInetLock(Sock);
        if (Sock->ShutWrite)
        {
            Result = -LX_EPIPE;
        }
        else
        {
            Result = LxInetAutobindLocked(Sock);
            if (Result == 0)
            {
                Status = LxAfdSendDatagram(Sock->Endpoint, Data, (ULONG)Msg->Length, &To);
                Result = NT_SUCCESS(Status) ? (LONG)Msg->Length : LxInetError(Status);
            }
        }
        LxInetUnlock(Sock);
    }
    ExFreePoolWithTag(Data, LX_TAG_SOCKET);
    return Result == -LX_EPIPE ? LxSocketPipeError(0, Flags) : Result;
}

static
LONG
LxInetSendMsg(
    _In_ PLX_FILE File,
    _Inout_ PLX_MSG Msg,
    _In_ ULONG Flags)
{
    if (Flags & LX_MSG_OOB)
        return -LX_EOPNOTSUPP;
    LxScmRelease(&Msg->Scm);        /* control messages of AF_INET are not kept */
    return LxInetOf(File)->Type == LX_SOCK_STREAM ? LxInetSendStream(File, Msg, Flags) :
                                                    LxInetSendDgram(File, Msg, Flags);
}

static
LONG
LxInetRecvStream(
    _In_ PLX_FILE File,
    _Inout_ PLX_MSG Msg,
    _In_ ULONG Flags)
{
    PLX_INET_SOCKET Sock = LxInetOf(File);
    BOOLEAN NonBlock = LxSocketNonBlock(File, Flags);
    BOOLEAN Peek = (Flags & LX_MSG_PEEK) != 0;
    ULONGLONG Deadline = LxSocketDeadline(Sock->Times.RcvTimeo);
    PUCHAR Bounce;
    SIZE_T Done = 0;
    LONG Result = 0;

    Msg->NameLength = 0;
    if (Msg->Length == 0)
        return 0;
    Bounce = ExAllocatePoolWithTag(PagedPool, LX_INET_CHUNK, LX_TAG_SOCKET);
    if (Bounce == NULL)
        return -LX_ENOMEM;
    for (;;)
    {
        LX_AFD_BUFFER Buffer;
        ULONG Received = 0, Events = 0;
        NTSTATUS Status, CloseStatus = STATUS_SUCCESS;

        LxInetLock(Sock);
        LxInetConnectSettled(Sock);
        if (Sock->ShutRead)
        {
            LxInetUnlock(Sock);
            break;
        }
        if (Sock->State == LxInetConnecting)
        {
            Result = LxInetWaitUnlock(Sock, 0, NonBlock, Deadline);
            if (Result < 0)
                break;
            continue;
        }
        if (Sock->State != LxInetConnected)
        {
            LxInetUnlock(Sock);
            Result = -LX_ENOTCONN;
            break;
        }
        Buffer.Length = (ULONG)min(Msg->Length - Done, LX_INET_CHUNK);
        Buffer.Buffer = Bounce;
        Status = LxAfdReceive(Sock->Endpoint, &Buffer, 1, Peek, &Received);
        if (Status == STATUS_CANT_WAIT)
        {
            if (Done != 0)
            {
                LxInetUnlock(Sock);
                break;
            }
            Result = LxInetWaitUnlock(Sock, LX_AFD_EVENT_RECEIVE | LX_AFD_EVENT_DISCONNECT |
                                      LX_AFD_EVENT_ABORT | LX_AFD_EVENT_CLOSE, NonBlock, Deadline);
            if (Result < 0)
                break;
            continue;
        }
        if (NT_SUCCESS(Status) && Received == 0 && Done == 0)
        {
            /* the end: a reset connection says so once (ECONNRESET), then reads 0 */
            LxAfdQueryEvents(Sock->Endpoint, &Events, NULL, &CloseStatus);
            if ((Events & LX_AFD_EVENT_CLOSE) && !NT_SUCCESS(CloseStatus) && Sock->Error != -1)
            {
                Sock->Error = -1;
                Status = CloseStatus;
            }
        }
        LxInetUnlock(Sock);
        if (!NT_SUCCESS(Status))
        {
            Result = LxInetError(Status);
            break;
        }
        /* a buffer that faults loses what was received into it (Linux keeps it queued) */
        Result = LxMsgCopyOut(Msg, Done, Bounce, Received);
        if (Result < 0)
            break;
        Done += Received;
        if (Received == 0 || Peek || Done == Msg->Length ||
            (!(Flags & LX_MSG_WAITALL) && Received < Buffer.Length))
            break;
    }
    ExFreePoolWithTag(Bounce, LX_TAG_SOCKET);
    if (Done != 0)
        return (LONG)Done;
    return LxSocketInterrupted(Result, Deadline);
}

static
LONG
LxInetRecvDgram(
    _In_ PLX_FILE File,
    _Inout_ PLX_MSG Msg,
    _In_ ULONG Flags)
{
    PLX_INET_SOCKET Sock = LxInetOf(File);
    BOOLEAN NonBlock = LxSocketNonBlock(File, Flags);
    BOOLEAN Peek = (Flags & LX_MSG_PEEK) != 0;
    ULONGLONG Deadline = LxSocketDeadline(Sock->Times.RcvTimeo);
    ULONG Size = (ULONG)min(Msg->Length, LX_UDP_MAX), Received = 0;
    lx_inet_addr From;
    NTSTATUS Status;
    PUCHAR Data;
    LONG Result;

    Data = ExAllocatePoolWithTag(PagedPool, max(Size, 1), LX_TAG_SOCKET);
    if (Data == NULL)
        return -LX_ENOMEM;
    for (;;)
    {
        LxInetLock(Sock);
        if (Sock->ShutRead)
        {
            LxInetUnlock(Sock);
            Result = 0;
            Received = 0;
            Msg->NameLength = 0;
            goto Out;
        }
        Result = LxInetAutobindLocked(Sock);
        if (Result < 0)
        {
            LxInetUnlock(Sock);
            goto Out;
        }
        Status = LxAfdReceiveDatagram(Sock->Endpoint, Data, max(Size, 1), Peek, &Received, &From);
        if (Status == STATUS_CANT_WAIT)
        {
            Result = LxInetWaitUnlock(Sock, LX_AFD_EVENT_RECEIVE, NonBlock, Deadline);
            if (Result < 0)
            {
                Result = LxSocketInterrupted(Result, Deadline);
                goto Out;
            }
            continue;
        }
        if ((NT_SUCCESS(Status) || Status == STATUS_BUFFER_OVERFLOW) && Sock->HasPeer &&
            (From.port != Sock->Peer.port || From.addr != Sock->Peer.addr))
        {
            /* a connected socket takes datagrams of its peer only: drop this one */
            if (Peek)
                LxAfdReceiveDatagram(Sock->Endpoint, Data, max(Size, 1), FALSE, &Received, &From);
            LxInetUnlock(Sock);
            continue;
        }
        LxInetUnlock(Sock);
        break;
    }
    if (!NT_SUCCESS(Status) && Status != STATUS_BUFFER_OVERFLOW)
    {
        Result = LxInetError(Status);
        goto Out;
    }
    if (Size == 0)
        Received = 0;
    if (Status == STATUS_BUFFER_OVERFLOW || (Size == 0 && Received != 0))
        Msg->Flags |= LX_MSG_TRUNC;
    Result = LxMsgCopyOut(Msg, 0, Data, Received);
    if (Result == 0)
    {
        if (Msg->Name != NULL)
            Msg->NameLength = lx_inet_addr_put(&From, Msg->Name);
        Result = (LONG)Received;
    }
Out:
    ExFreePoolWithTag(Data, LX_TAG_SOCKET);
    return Result;
}

static
LONG
LxInetRecvMsg(
    _In_ PLX_FILE File,
    _Inout_ PLX_MSG Msg,
    _In_ ULONG Flags)
{
    if (Flags & LX_MSG_OOB)
        return -LX_EINVAL;      /* no urgent data is kept (tcp_recv_urg without OOB data) */
    return LxInetOf(File)->Type == LX_SOCK_STREAM ? LxInetRecvStream(File, Msg, Flags) :
                                                    LxInetRecvDgram(File, Msg, Flags);
}

static
LONG
LxInetShutdown(
    _In_ PLX_FILE File,
    _In_ LONG How)
{
    PLX_INET_SOCKET Sock = LxInetOf(File);
    BOOLEAN Read = How != LX_SHUT_WR, Write = How != LX_SHUT_RD;
    NTSTATUS Status = STATUS_SUCCESS;
    LONG Result = 0;

    if (How < LX_SHUT_RD || How > LX_SHUT_RDWR)
        return -LX_EINVAL;
    LxInetLock(Sock);
    LxInetConnectSettled(Sock);
    if (Sock->State == LxInetListening && Read)
    {
        /* a listener stops: it is closed for accept (inet_shutdown on TCP_LISTEN) */
        Sock->ShutRead = TRUE;
        Sock->ShutWrite |= Write;
    }
    else if (Sock->State != LxInetConnected)
    {
        Result = -LX_ENOTCONN;
    }
    else
    {
        if (Sock->Type == LX_SOCK_STREAM)
            Status = LxAfdShutdown(Sock->Endpoint, Write && !Sock->ShutWrite, Read && !Sock->ShutRead);
        if (NT_SUCCESS(Status))
        {
            Sock->ShutRead |= Read;
            Sock->ShutWrite |= Write;
        }
        else
        {
            Result = LxInetError(Status);
        }
    }
    LxInetUnlock(Sock);
    LxWakeWaitQueue(&Sock->Queue, 0);
    return Result;
}

static
ULONG
LxInetOptionBit(
    _In_ LONG Level,
    _In_ LONG Name)
{
    if (Level == LX_IPPROTO_TCP)
        return Name == LX_TCP_NODELAY ? LX_INET_OPT_NODELAY : 0;
    switch (Name)
    {
        case LX_SO_REUSEADDR: return LX_INET_OPT_REUSEADDR;
        case LX_SO_KEEPALIVE: return LX_INET_OPT_KEEPALIVE;
        case LX_SO_BROADCAST: return LX_INET_OPT_BROADCAST;
        case LX_SO_DONTROUTE: return LX_INET_OPT_DONTROUTE;
        case LX_SO_OOBINLINE: return LX_INET_OPT_OOBINLINE;
        case LX_SO_DEBUG: return LX_INET_OPT_DEBUG;
        case LX_SO_REUSEPORT: return LX_INET_OPT_REUSEPORT;
        case LX_SO_PASSCRED: return LX_INET_OPT_PASSCRED;
        default: return 0;
    }
}

/* The LONG option Name of Level, or NULL */
static
PLONG
LxInetIntOption(
    _In_ PLX_INET_SOCKET Sock,
    _In_ LONG Level,
    _In_ LONG Name)
{
    if (Level == LX_IPPROTO_IP)
    {
        switch (Name)
        {
            case LX_IP_TTL: return &Sock->Ttl;
            case LX_IP_TOS: return &Sock->Tos;
            default: return NULL;
        }
    }
    if (Level == LX_IPPROTO_TCP && Sock->Type == LX_SOCK_STREAM)
    {
        switch (Name)
        {
            case LX_TCP_MAXSEG: return &Sock->MaxSeg;
            case LX_TCP_KEEPIDLE: return &Sock->KeepIdle;
            case LX_TCP_KEEPINTVL: return &Sock->KeepIntvl;
            case LX_TCP_KEEPCNT: return &Sock->KeepCnt;
            default: return NULL;
        }
    }
    if (Level == LX_SOL_SOCKET)
    {
        switch (Name)
        {
            case LX_SO_SNDBUF:
            case LX_SO_SNDBUFFORCE: return &Sock->SndBuf;
            case LX_SO_RCVBUF:
            case LX_SO_RCVBUFFORCE: return &Sock->RcvBuf;
            default: return NULL;
        }
    }
    return NULL;
}

static
LONG
LxInetSetOption(
    _In_ PLX_FILE File,
    _In_ LONG Level,
    _In_ LONG Name,
    _In_reads_bytes_(Length) const UCHAR *Value,
    _In_ ULONG Length)
{
    PLX_INET_SOCKET Sock = LxInetOf(File);
    PLONG Int;
    LONG New = 0, Result = 0;
    ULONG Bit;

    if (Level != LX_SOL_SOCKET && Level != LX_IPPROTO_IP &&
        !(Level == LX_IPPROTO_TCP && Sock->Type == LX_SOCK_STREAM) &&
        !(Level == LX_IPPROTO_UDP && Sock->Type == LX_SOCK_DGRAM))
        return Level == LX_IPPROTO_IPV6 ? -LX_ENOPROTOOPT : -LX_EOPNOTSUPP;
    if (Level == LX_SOL_SOCKET && LxSocketSetTimes(&Sock->Times, Name, Value, Length, &Result))
        return Result;
    if (Length < sizeof(LONG))
        return -LX_EINVAL;
    RtlCopyMemory(&New, Value, sizeof(New));
    LxInetLock(Sock);
    Int = LxInetIntOption(Sock, Level, Name);
    Bit = LxInetOptionBit(Level, Name);
    if (Int == &Sock->SndBuf || Int == &Sock->RcvBuf)
    {
        /* the kernel doubles the value for its own overhead (sock_setsockopt) */
        New = min(max(New, LX_INET_BUFFER_MIN), LX_INET_BUFFER_MAX);
        *Int = New * 2;
    }
    else if (Int == &Sock->Ttl)
    {
        if (New == -1)
            New = 64;
        if (New < 1 || New > 255)
            Result = -LX_EINVAL;
        else
            *Int = New;
    }
    else if (Int != NULL)
    {
        if (New < (Int == &Sock->Tos ? 0 : 1))
            Result = -LX_EINVAL;
        else
            *Int = New;
    }
    else if (Bit != 0)
    {
        if (New != 0)
            Sock->Options |= Bit;
        else
            Sock->Options &= ~Bit;
    }
    else if (Level == LX_SOL_SOCKET && (Name == LX_SO_RCVLOWAT || Name == LX_SO_SNDLOWAT))
    {
        /* accepted; reads wake for one byte */
    }
    else
    {
        Result = -LX_ENOPROTOOPT;
    }
    LxInetUnlock(Sock);
    return Result;
}

static
LONG
LxInetGetOption(
    _In_ PLX_FILE File,
    _In_ LONG Level,
    _In_ LONG Name,
    _Out_writes_bytes_(*Length) PUCHAR Value,
    _Inout_ PULONG Length)
{
    PLX_INET_SOCKET Sock = LxInetOf(File);
    UCHAR Data[16];
    ULONG Size = sizeof(LONG), Bit;
    LONG Int = 0, Result = 0;
    PLONG Option;

    if (Level != LX_SOL_SOCKET && Level != LX_IPPROTO_IP &&
        !(Level == LX_IPPROTO_TCP && Sock->Type == LX_SOCK_STREAM) &&
        !(Level == LX_IPPROTO_UDP && Sock->Type == LX_SOCK_DGRAM))
        return Level == LX_IPPROTO_IPV6 ? -LX_ENOPROTOOPT : -LX_EOPNOTSUPP;
    LxInetLock(Sock);
    LxInetConnectSettled(Sock);
    Option = LxInetIntOption(Sock, Level, Name);
    Bit = LxInetOptionBit(Level, Name);
    if (Option != NULL)
    {
        Int = *Option;
    }
    else if (Bit != 0)
    {
        Int = (Sock->Options & Bit) != 0;
    }
    else if (Level != LX_SOL_SOCKET)
    {
        Result = -LX_ENOPROTOOPT;
    }
    else
    {
        switch (Name)
        {
            case LX_SO_TYPE: Int = Sock->Type; break;
            case LX_SO_DOMAIN: Int = LX_AF_INET; break;
            case LX_SO_PROTOCOL: Int = Sock->Type == LX_SOCK_STREAM ? LX_IPPROTO_TCP : LX_IPPROTO_UDP; break;
            case LX_SO_ERROR: Int = Sock->Error > 0 ? Sock->Error : 0; Sock->Error = 0; break;
            case LX_SO_ACCEPTCONN: Int = Sock->State == LxInetListening; break;
            case LX_SO_RCVLOWAT:
            case LX_SO_SNDLOWAT: Int = 1; break;
            case LX_SO_PEERCRED:
            {
                /* not a local socket: no process on the other side (sock_getsockopt) */
                LX_UCRED Cred = { 0, (ULONG)-1, (ULONG)-1 };

                RtlCopyMemory(Data, &Cred, sizeof(Cred));
                Size = sizeof(Cred);
                break;
            }
            default:
                if (!LxSocketGetTimes(&Sock->Times, Name, Data, &Size))
                    Result = -LX_ENOPROTOOPT;
                break;
        }
    }
    LxInetUnlock(Sock);
    if (Result < 0)
        return Result;
    if (Size == sizeof(LONG) && Name != LX_SO_RCVTIMEO_OLD && Name != LX_SO_SNDTIMEO_OLD)
        RtlCopyMemory(Data, &Int, sizeof(Int));
    *Length = min(*Length, Size);
    RtlCopyMemory(Value, Data, *Length);
    return 0;
}

/* AFD's events as poll bits; arms the watch for the ones not there yet */
static
ULONG
LxInetPoll(
    _In_ PLX_FILE File,
    _In_opt_ PLX_POLL_TABLE Table)
{
    PLX_INET_SOCKET Sock = LxInetOf(File);
    ULONG Events = 0, Ready = 0, Watch = 0;

    if (Table != NULL)
        LxPollWait(Table, &Sock->Queue);
    LxInetLock(Sock);
    LxInetConnectSettled(Sock);
    if (Sock->State != LxInetConnecting)
        LxAfdQueryEvents(Sock->Endpoint, &Events, NULL, NULL);
    if (Sock->Error > 0)
        Ready |= LX_POLLERR;
    if (Sock->Type == LX_SOCK_DGRAM)
    {
        if (Events & LX_AFD_EVENT_RECEIVE)
            Ready |= LX_POLLIN | LX_POLLRDNORM;
        if (Events & LX_AFD_EVENT_SEND)
            Ready |= LX_POLLOUT | LX_POLLWRNORM;
        Watch = (LX_AFD_EVENT_RECEIVE | LX_AFD_EVENT_SEND) & ~Events;
    }
    else switch (Sock->State)
    {
        case LxInetListening:
            if (Events & LX_AFD_EVENT_ACCEPT)
                Ready |= LX_POLLIN | LX_POLLRDNORM;
            Watch = LX_AFD_EVENT_ACCEPT & ~Events;
            break;
        case LxInetConnecting:
            break;      /* the connect's end wakes the queue */
        case LxInetUnconnected:
            /* tcp_poll of TCP_CLOSE: hung up, and writable */
            Ready |= LX_POLLOUT | LX_POLLWRNORM | LX_POLLHUP;
            break;
        case LxInetConnected:
            if (Events & LX_AFD_EVENT_RECEIVE)
                Ready |= LX_POLLIN | LX_POLLRDNORM;
            if (Events & (LX_AFD_EVENT_DISCONNECT | LX_AFD_EVENT_CLOSE | LX_AFD_EVENT_ABORT))
                Ready |= LX_POLLIN | LX_POLLRDNORM | LX_POLLRDHUP;
            if (Events & (LX_AFD_EVENT_CLOSE | LX_AFD_EVENT_ABORT))
                Ready |= LX_POLLERR | LX_POLLHUP;
            if ((Events & LX_AFD_EVENT_SEND) || Sock->ShutWrite)
                Ready |= LX_POLLOUT | LX_POLLWRNORM;
            Watch = (LX_AFD_EVENT_RECEIVE | LX_AFD_EVENT_SEND | LX_AFD_EVENT_DISCONNECT |
                     LX_AFD_EVENT_ABORT | LX_AFD_EVENT_CLOSE) & ~Events;
            break;
    }
    if (Sock->ShutRead)
        Ready |= LX_POLLIN | LX_POLLRDNORM | LX_POLLRDHUP;
    if (Sock->ShutRead && Sock->ShutWrite)
        Ready |= LX_POLLHUP;
    LxInetUnlock(Sock);
    if (Watch != 0)
        LxAfdWatch(Sock->Endpoint, Watch);
    return Ready;
}

static
LONG
LxInetIoctl(
    _In_ PLX_FILE File,
    _In_ ULONG Cmd,
    _In_ ULONG_PTR Arg)
{
    PLX_INET_SOCKET Sock = LxInetOf(File);
    LONG Count = 0;

    if (Cmd != LX_FIONREAD)
        return -LX_ENOTTY;
    LxInetLock(Sock);
    if (Sock->Type == LX_SOCK_STREAM && Sock->State == LxInetListening)
    {
        LxInetUnlock(Sock);
        return -LX_EINVAL;
    }
    if (Sock->Type == LX_SOCK_STREAM && Sock->State == LxInetConnected)
    {
        /* what a peek of the whole window gives: the unread bytes */
        PUCHAR Window = ExAllocatePoolWithTag(PagedPool, 65536, LX_TAG_SOCKET);
        LX_AFD_BUFFER Buffer = { 65536, Window };
        ULONG Received = 0;

        if (Window != NULL)
        {
            if (NT_SUCCESS(LxAfdReceive(Sock->Endpoint, &Buffer, 1, TRUE, &Received)))
                Count = (LONG)Received;
            ExFreePoolWithTag(Window, LX_TAG_SOCKET);
        }
    }
    else if (Sock->Type == LX_SOCK_DGRAM && Sock->Bound)
    {
        /* the size of the next datagram */
        PUCHAR Data = ExAllocatePoolWithTag(PagedPool, LX_UDP_MAX, LX_TAG_SOCKET);
        ULONG Received = 0;
        lx_inet_addr From;

        if (Data != NULL)
        {
            if (NT_SUCCESS(LxAfdReceiveDatagram(Sock->Endpoint, Data, LX_UDP_MAX, TRUE, &Received, &From)))
                Count = (LONG)Received;
            ExFreePoolWithTag(Data, LX_TAG_SOCKET);
        }
    }
    LxInetUnlock(Sock);
    return LxCopyToUser(Arg, &Count, sizeof(Count));
}

static const LX_SOCKET_OPERATIONS LxInetSocketOperations =
{
    .Bind = LxInetBind,
    .Connect = LxInetConnect,
    .Listen = LxInetListen,
    .Accept = LxInetAccept,
    .GetName = LxInetGetName,
    .SendMsg = LxInetSendMsg,
    .RecvMsg = LxInetRecvMsg,
    .Shutdown = LxInetShutdown,
    .SetOption = LxInetSetOption,
    .GetOption = LxInetGetOption,
};

static const LX_FILE_OPERATIONS LxInetOperations =
{
    .Kind = "inet",
    .Read = LxSocketRead,
    .Write = LxSocketWrite,
    .Ioctl = LxInetIoctl,
    .Poll = LxInetPoll,
    .Stat = LxSocketStat,
    .Statfs = LxSocketStatfs,
    .Name = LxSocketName,
    .Release = LxInetRelease,
    .Socket = &LxInetSocketOperations,
};
