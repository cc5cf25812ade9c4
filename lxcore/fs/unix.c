/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     File kind: AF_UNIX sockets (stream, datagram and sequenced packet) with
 *              path and abstract names, descriptor and credential passing
 *
 * As Linux's net/unix/af_unix.c, inside lxcore: a socket is an object that outlives its
 * file while a peer or a listener's queue holds it. What is sent is queued as packets on the
 * receiver (a stream's are read across their boundaries, a datagram's or a sequenced packet's
 * one at a time), each with the sender's credentials and any descriptors (SCM_RIGHTS). A
 * stream sender waits while the receiver holds SO_SNDBUF bytes, a datagram sender while it
 * holds 10 datagrams (Linux's max_dgram_qlen). Senders and pollers wait on the receiver's
 * queue; receivers on their own.
 *
 * Names: an abstract name (sun_path[0] == 0) lives in lxcore only; a path name creates the
 * file, which stat shows as a socket (the mode is kept in the metadata table) and unlink
 * removes; a connect finds the socket by the file's NT path. A listener's pending
 * connections are sockets already connected to their clients (Linux's embryos), handed out
 * by accept.
 *
 * One lock (LxUnixLock) guards every socket's state, queues and the name table; file
 * references passed in packets are dropped outside it.
 */

#include "lxfs.h"
#include "lx_socket.h"

#define NDEBUG
#include <debug.h>


#define LX_UNIX_UNCONNECTED     0
#define LX_UNIX_LISTENING       1
#define LX_UNIX_CONNECTED       2

#define LX_UNIX_RCV_SHUTDOWN    1
#define LX_UNIX_SEND_SHUTDOWN   2
#define LX_UNIX_SHUTDOWN_MASK   3

#define LX_UNIX_DEFAULT_BUFFER  212992      /* net.core.wmem_default, rmem_default */
#define LX_UNIX_MAX_BUFFER      (2 * 212992)
#define LX_UNIX_MIN_BUFFER      4608        /* SOCK_MIN_SNDBUF */
#define LX_UNIX_DGRAM_QLEN      10          /* net.unix.max_dgram_qlen */
#define LX_UNIX_CHUNK           0x10000     /* a stream write is queued in pieces of this */
#define LX_UNIX_SOMAXCONN       4096

/* boolean SOL_SOCKET options that are kept and read back, not acted on */
#define LX_UNIX_OPT_REUSEADDR   0x01
#define LX_UNIX_OPT_KEEPALIVE   0x02
#define LX_UNIX_OPT_BROADCAST   0x04
#define LX_UNIX_OPT_DONTROUTE   0x08
#define LX_UNIX_OPT_OOBINLINE   0x10
#define LX_UNIX_OPT_DEBUG       0x20
#define LX_UNIX_OPT_REUSEPORT   0x40

typedef struct _LX_UNIX_SOCKET LX_UNIX_SOCKET, *PLX_UNIX_SOCKET;

typedef struct _LX_UNIX_PACKET
{
    LIST_ENTRY Link;
    ULONG Length;
    ULONG Offset;                       /* bytes of a stream packet already read */
    lx_unix_addr From;                  /* a datagram's sender (length 0: unbound) */
    LX_SCM Scm;
    UCHAR Data[ANYSIZE_ARRAY];
} LX_UNIX_PACKET, *PLX_UNIX_PACKET;

struct _LX_UNIX_SOCKET
{
    LONG RefCount;                      /* its file, a peer's pointer, a listener's queue */
    LONG Type;
    ULONG State;
    BOOLEAN Released;                   /* its file is gone */
    ULONG Shutdown;                     /* LX_UNIX_*_SHUTDOWN */
    PLX_UNIX_SOCKET Peer;               /* referenced */
    LX_WAIT_QUEUE Wait;                 /* receivers here, and senders to it */
    LIST_ENTRY Queue;                   /* LX_UNIX_PACKET */
    ULONG QueueBytes;
    ULONG QueueCount;
    /* a listener's connections waiting for accept; a pending socket's link */
    LIST_ENTRY Pending;
    ULONG PendingCount;
    ULONG Backlog;
    LIST_ENTRY PendingLink;
    /* its name */
    LIST_ENTRY NameLink;                /* in LxUnixNames while Named */
    BOOLEAN Named;
    lx_unix_addr Address;
    UNICODE_STRING NtPath;              /* a path name's file */
    /* options and credentials */
    ULONG Options;                      /* LX_UNIX_OPT_* */
    BOOLEAN PassCred;
    ULONG SndBuf;
    ULONG RcvBuf;
    LX_SOCKET_TIMES Times;              /* SO_RCVTIMEO, SO_SNDTIMEO, SO_LINGER */
    LX_UCRED Cred;                      /* ours, taken at socket/listen/connect */
    LX_UCRED PeerCred;
    BOOLEAN HasPeerCred;
    LONG Error;                         /* SO_ERROR */
};

typedef struct _LX_UNIX_FILE
{
    PLX_UNIX_SOCKET Sock;
} LX_UNIX_FILE, *PLX_UNIX_FILE;

static FAST_MUTEX LxUnixLock;
static LIST_ENTRY LxUnixNames;
static ULONG LxUnixAutobindNext;

static const LX_FILE_OPERATIONS LxUnixOperations;

VOID
LxInitializeUnixSockets(VOID)
{
    ExInitializeFastMutex(&LxUnixLock);
    InitializeListHead(&LxUnixNames);
}

static
PLX_UNIX_SOCKET
LxUnixOf(
    _In_ PLX_FILE File)
{
    return ((PLX_UNIX_FILE)File->Private)->Sock;
}

static
PLX_UNIX_SOCKET
LxUnixAllocate(
    _In_ LONG Type)
{
    PLX_UNIX_SOCKET Sock = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Sock), LX_TAG_SOCKET);

    if (Sock == NULL)
        return NULL;
    RtlZeroMemory(Sock, sizeof(*Sock));
    Sock->RefCount = 1;
    Sock->Type = Type;
    LxInitializeWaitQueue(&Sock->Wait);
    InitializeListHead(&Sock->Queue);
    InitializeListHead(&Sock->Pending);
    InitializeListHead(&Sock->PendingLink);
    InitializeListHead(&Sock->NameLink);
    Sock->SndBuf = LX_UNIX_DEFAULT_BUFFER;
    Sock->RcvBuf = LX_UNIX_DEFAULT_BUFFER;
    LxCurrentUcred(&Sock->Cred);
    return Sock;
}

static
VOID
LxUnixReference(
    _In_ PLX_UNIX_SOCKET Sock)
{
    InterlockedIncrement(&Sock->RefCount);
}

static
VOID
LxUnixDereference(
    _In_opt_ PLX_UNIX_SOCKET Sock)
{
    if (Sock == NULL || InterlockedDecrement(&Sock->RefCount) != 0)
        return;
    ASSERT(IsListEmpty(&Sock->Queue) && IsListEmpty(&Sock->Pending) && Sock->Peer == NULL);
    LxDetachWaitQueue(&Sock->Wait);
    if (Sock->NtPath.Buffer != NULL)
        ExFreePoolWithTag(Sock->NtPath.Buffer, LX_TAG_SOCKET);
    ExFreePoolWithTag(Sock, LX_TAG_SOCKET);
}

static
PLX_UNIX_PACKET
LxUnixAllocatePacket(
    _In_ SIZE_T Length)
{
    PLX_UNIX_PACKET Packet;

    Packet = ExAllocatePoolWithTag(PagedPool, FIELD_OFFSET(LX_UNIX_PACKET, Data) + max(Length, 1),
                                   LX_TAG_SOCKET);
    if (Packet == NULL)
        return NULL;
    RtlZeroMemory(Packet, FIELD_OFFSET(LX_UNIX_PACKET, Data));
    Packet->Length = (ULONG)Length;
    return Packet;
}

/* Frees packets taken off a queue (outside LxUnixLock: passed files may be the last
 * references to other sockets) */
static
VOID
LxUnixFreePackets(
    _Inout_ PLIST_ENTRY List)
{
    while (!IsListEmpty(List))
    {
        PLX_UNIX_PACKET Packet = CONTAINING_RECORD(RemoveHeadList(List), LX_UNIX_PACKET, Link);

        LxScmRelease(&Packet->Scm);
        ExFreePoolWithTag(Packet, LX_TAG_SOCKET);
    }
}

/* The file went (or a pending connection was never accepted): the peer sees the end, the
 * name is free, queued packets and pending connections go. */
static
VOID
LxUnixClose(
    _In_ PLX_UNIX_SOCKET Sock)
{
    LIST_ENTRY Packets, Pending;
    PLX_UNIX_SOCKET Peer;

    InitializeListHead(&Packets);
    InitializeListHead(&Pending);
    ExAcquireFastMutex(&LxUnixLock);
    Sock->Released = TRUE;
    Sock->Shutdown = LX_UNIX_SHUTDOWN_MASK;
    if (Sock->Named)
    {
        RemoveEntryList(&Sock->NameLink);
        Sock->Named = FALSE;
    }
    Peer = Sock->Peer;
    Sock->Peer = NULL;
    if (Peer != NULL && Sock->Type != LX_SOCK_DGRAM)
    {
        /* a stream peer reads the end (ECONNRESET if we left data unread) */
        Peer->Shutdown = LX_UNIX_SHUTDOWN_MASK;
        if (!IsListEmpty(&Sock->Queue))
            Peer->Error = LX_ECONNRESET;
        LxWakeWaitQueue(&Peer->Wait, 0);
    }
    while (!IsListEmpty(&Sock->Queue))
        InsertTailList(&Packets, RemoveHeadList(&Sock->Queue));
    Sock->QueueBytes = Sock->QueueCount = 0;
    while (!IsListEmpty(&Sock->Pending))
        InsertTailList(&Pending, RemoveHeadList(&Sock->Pending));
    Sock->PendingCount = 0;
    LxWakeWaitQueue(&Sock->Wait, 0);    /* senders waiting for room see EPIPE */
    ExReleaseFastMutex(&LxUnixLock);

    LxUnixFreePackets(&Packets);
    while (!IsListEmpty(&Pending))
    {
        PLX_UNIX_SOCKET Embryo = CONTAINING_RECORD(RemoveHeadList(&Pending), LX_UNIX_SOCKET,
                                                   PendingLink);
        InitializeListHead(&Embryo->PendingLink);
        LxUnixClose(Embryo);
        LxUnixDereference(Embryo);
    }
    LxUnixDereference(Peer);
}

static
VOID
LxUnixRelease(
    _In_ PLX_FILE File)
{
    PLX_UNIX_SOCKET Sock = LxUnixOf(File);

    LxUnixClose(Sock);
    LxUnixDereference(Sock);
}

static
LONG
LxUnixCreateFile(
    _In_ PLX_UNIX_SOCKET Sock,
    _Out_ PLX_FILE *File)
{
    *File = LxAllocateFile(&LxUnixOperations, LX_O_RDWR, LX_S_IFSOCK, sizeof(LX_UNIX_FILE));
    if (*File == NULL)
        return LxNoFile();
    ((PLX_UNIX_FILE)(*File)->Private)->Sock = Sock;
    return 0;
}

static
LONG
LxUnixCheckType(
    _Inout_ PLONG Type)
{
    switch (*Type)
    {
        case LX_SOCK_STREAM:
        case LX_SOCK_DGRAM:
        case LX_SOCK_SEQPACKET:
            return 0;
        case LX_SOCK_RAW:
            *Type = LX_SOCK_DGRAM;      /* as Linux does */
            return 0;
        default:
            return -LX_ESOCKTNOSUPPORT;
    }
}

LONG
LxCreateUnixSocket(
    _In_ LONG Type,
    _Out_ PLX_FILE *File)
{
    PLX_UNIX_SOCKET Sock;
    LONG Result;

    *File = NULL;
    Result = LxUnixCheckType(&Type);
    if (Result < 0)
        return Result;
    Sock = LxUnixAllocate(Type);
    if (Sock == NULL)
        return -LX_ENOMEM;
    Result = LxUnixCreateFile(Sock, File);
    if (Result < 0)
        LxUnixDereference(Sock);
    return Result;
}

LONG
LxCreateUnixPair(
    _In_ LONG Type,
    _Out_ PLX_FILE *First,
    _Out_ PLX_FILE *Second)
{
    PLX_UNIX_SOCKET A, B;
    LONG Result;

    *First = *Second = NULL;
    Result = LxUnixCheckType(&Type);
    if (Result < 0)
        return Result;
    Result = LxCreateUnixSocket(Type, First);
    if (Result < 0)
        return Result;
    Result = LxCreateUnixSocket(Type, Second);
    if (Result < 0)
    {
        LxDereferenceFile(*First);
        *First = NULL;
        return Result;
    }
    A = LxUnixOf(*First);
    B = LxUnixOf(*Second);
    LxUnixReference(A);
    LxUnixReference(B);
    A->Peer = B;
    B->Peer = A;
    A->State = B->State = LX_UNIX_CONNECTED;
    A->PeerCred = B->Cred;
    B->PeerCred = A->Cred;
    A->HasPeerCred = B->HasPeerCred = TRUE;
    return 0;
}

/* An autobind name nobody has (LxUnixLock held) */
static
VOID
LxUnixAutobind(
    _Inout_ PLX_UNIX_SOCKET Sock)
{
    PLIST_ENTRY Entry;
    ULONG Tries;

    for (Tries = 0; Tries < 0x100000; Tries++)
    {
        lx_unix_addr_autobind(LxUnixAutobindNext++ & 0xFFFFF, &Sock->Address);
        for (Entry = LxUnixNames.Flink; Entry != &LxUnixNames; Entry = Entry->Flink)
        {
            if (lx_unix_addr_equal(&CONTAINING_RECORD(Entry, LX_UNIX_SOCKET, NameLink)->Address,
                                   &Sock->Address))
                break;
        }
        if (Entry == &LxUnixNames)
            break;
    }
    InsertTailList(&LxUnixNames, &Sock->NameLink);
    Sock->Named = TRUE;
}

/* The NT path of a socket path name (a pool copy, LX_TAG_SOCKET); FollowLast for connect */
static
LONG
LxUnixResolve(
    _In_ PLX_PROCESS Process,
    _In_ const lx_unix_addr *Address,
    _In_ BOOLEAN FollowLast,
    _Out_writes_(LX_PATH_MAX) PCHAR Resolved,
    _Out_ PUNICODE_STRING NtPath)
{
    UNICODE_STRING Temp;
    LONG Result;

    RtlZeroMemory(NtPath, sizeof(*NtPath));
    Result = LxWalkPath(Process, Process->Cwd, (PCSTR)Address->addr + LX_SUN_PATH_OFFSET,
                        FollowLast, Resolved, NULL);
    if (Result < 0)
        return Result;
    Result = LxNtNamePathOf(Process, Resolved, &Temp);
    if (Result < 0)
        return Result;
    NtPath->Buffer = ExAllocatePoolWithTag(PagedPool, max(Temp.Length, 2), LX_TAG_SOCKET);
    if (NtPath->Buffer != NULL)
    {
        RtlCopyMemory(NtPath->Buffer, Temp.Buffer, Temp.Length);
        NtPath->Length = NtPath->MaximumLength = Temp.Length;
    }
    ExFreePoolWithTag(Temp.Buffer, LX_TAG_TEMP);
    return NtPath->Buffer != NULL ? 0 : -LX_ENOMEM;
}

static
LONG
LxUnixBind(
    _In_ PLX_FILE File,
    _In_reads_bytes_(Length) const UCHAR *Address,
    _In_ ULONG Length)
{
    PLX_UNIX_SOCKET Sock = LxUnixOf(File);
    PLX_PROCESS Process = LxCurrentProcess();
    lx_unix_addr Name;
    UNICODE_STRING NtPath = { 0 };
    PCHAR Resolved = NULL;
    PLIST_ENTRY Entry, Next;
    LONG Result;

    if (Length == LX_SUN_PATH_OFFSET && Address[0] == LX_AF_UNIX && Address[1] == 0)
    {
        ExAcquireFastMutex(&LxUnixLock);
        Result = Sock->Address.length != 0 ? -LX_EINVAL : 0;
        if (Result == 0)
            LxUnixAutobind(Sock);
        ExReleaseFastMutex(&LxUnixLock);
        return Result;
    }
    Result = lx_unix_addr_parse(Address, Length, &Name);
    if (Result < 0)
        return Result;
    if (Sock->Address.length != 0)
        return -LX_EINVAL;

    if (!Name.abstract)
    {
        lx_nt_open Open;
        HANDLE Handle;

        /* the file: created here, EADDRINUSE if anything has the name */
        Resolved = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
        if (Resolved == NULL)
            return -LX_ENOMEM;
        Result = LxUnixResolve(Process, &Name, FALSE, Resolved, &NtPath);
        if (Result < 0)
            goto Done;
        Result = lx_open_flags_to_nt(LX_O_CREAT | LX_O_EXCL | LX_O_RDWR, &Open);
        if (Result < 0)
            goto Done;
        Result = LxOpenNt(Process, Resolved, &Open, FILE_ATTRIBUTE_NORMAL, &Handle, NULL);
        if (Result < 0)
        {
            if (Result == -LX_EEXIST)
                Result = -LX_EADDRINUSE;
            goto Done;
        }
        ZwClose(Handle);
        LxMetaCreate(Process, Resolved, LX_S_IFSOCK | (0777 & ~Process->Umask), 0);
    }

    ExAcquireFastMutex(&LxUnixLock);
    for (Entry = LxUnixNames.Flink; Entry != &LxUnixNames; Entry = Next)
    {
        PLX_UNIX_SOCKET Other = CONTAINING_RECORD(Entry, LX_UNIX_SOCKET, NameLink);

        Next = Entry->Flink;
        if (Name.abstract && lx_unix_addr_equal(&Other->Address, &Name))
        {
            Result = -LX_EADDRINUSE;
            break;
        }
        if (!Name.abstract && Other->NtPath.Buffer != NULL &&
            RtlEqualUnicodeString(&Other->NtPath, &NtPath, TRUE))
        {
            /* its file was removed (we just created ours): it cannot be reached any more */
            RemoveEntryList(&Other->NameLink);
            Other->Named = FALSE;
        }
    }
    if (Result == 0 && Sock->Address.length != 0)
        Result = -LX_EINVAL;
    if (Result == 0)
    {
        Sock->Address = Name;
        Sock->NtPath = NtPath;
        NtPath.Buffer = NULL;
        InsertTailList(&LxUnixNames, &Sock->NameLink);
        Sock->Named = TRUE;
    }
    ExReleaseFastMutex(&LxUnixLock);

Done:
    if (NtPath.Buffer != NULL)
        ExFreePoolWithTag(NtPath.Buffer, LX_TAG_SOCKET);
    if (Resolved != NULL)
        ExFreePoolWithTag(Resolved, LX_TAG_TEMP);
    return Result;
}

/* The socket a name belongs to, referenced: -ENOENT (no such file), -ECONNREFUSED (nobody
 * has the name), -EPROTOTYPE (another type) */
static
LONG
LxUnixLookup(
    _In_ const lx_unix_addr *Name,
    _In_ LONG Type,
    _Out_ PLX_UNIX_SOCKET *Found)
{
    PLX_PROCESS Process = LxCurrentProcess();
    UNICODE_STRING NtPath = { 0 };
    PCHAR Resolved = NULL;
    PLIST_ENTRY Entry;
    LONG Result = 0;

    *Found = NULL;
    if (!Name->abstract)
    {
        FILE_NETWORK_OPEN_INFORMATION Info;
        OBJECT_ATTRIBUTES ObjectAttributes;
        NTSTATUS Status;

        Resolved = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
        if (Resolved == NULL)
            return -LX_ENOMEM;
        Result = LxUnixResolve(Process, Name, TRUE, Resolved, &NtPath);
        ExFreePoolWithTag(Resolved, LX_TAG_TEMP);
        if (Result < 0)
            goto Done;
        InitializeObjectAttributes(&ObjectAttributes, &NtPath,
                                   OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
        Status = LxQueryAttributesChecked(&ObjectAttributes, &Info);
        if (!NT_SUCCESS(Status))
        {
            Result = LxStatusToErrno(Status);
            goto Done;
        }
    }

    Result = -LX_ECONNREFUSED;
    ExAcquireFastMutex(&LxUnixLock);
    for (Entry = LxUnixNames.Flink; Entry != &LxUnixNames; Entry = Entry->Flink)
    {
        PLX_UNIX_SOCKET Other = CONTAINING_RECORD(Entry, LX_UNIX_SOCKET, NameLink);

        if (Name->abstract ? lx_unix_addr_equal(&Other->Address, Name) :
                             (Other->NtPath.Buffer != NULL &&
                              RtlEqualUnicodeString(&Other->NtPath, &NtPath, TRUE)))
        {
            if (Other->Type != Type)
                Result = -LX_EPROTOTYPE;
            else
            {
                LxUnixReference(Other);
                *Found = Other;
                Result = 0;
            }
            break;
        }
    }
    ExReleaseFastMutex(&LxUnixLock);

Done:
    if (NtPath.Buffer != NULL)
        ExFreePoolWithTag(NtPath.Buffer, LX_TAG_SOCKET);
    return Result;
}

/* connect of a stream or sequenced-packet socket: a pending socket on the listener's queue,
 * connected to us */
static
LONG
LxUnixConnectStream(
    _In_ PLX_FILE File,
    _In_ PLX_UNIX_SOCKET Sock,
    _In_ const lx_unix_addr *Name)
{
    PLX_UNIX_SOCKET Listener, Embryo;
    ULONGLONG Deadline = LxSocketDeadline(Sock->Times.SndTimeo);
    LONG Result;

    Result = LxUnixLookup(Name, Sock->Type, &Listener);
    if (Result < 0)
        return Result;
    Embryo = LxUnixAllocate(Sock->Type);
    if (Embryo == NULL)
    {
        LxUnixDereference(Listener);
        return -LX_ENOMEM;
    }

    for (;;)
    {
        ExAcquireFastMutex(&LxUnixLock);
        if (Sock->State == LX_UNIX_CONNECTED)
            Result = -LX_EISCONN;
        else if (Sock->State == LX_UNIX_LISTENING)
            Result = -LX_EINVAL;
        else if (Listener->Released || Listener->State != LX_UNIX_LISTENING)
            Result = -LX_ECONNREFUSED;
        else if (Listener->PendingCount > Listener->Backlog)
        {
            /* the backlog is full: wait for an accept */
            Result = LxWaitUnlock(&Listener->Wait, &LxUnixLock,
                                        (File->StatusFlags & LX_O_NONBLOCK) != 0, Deadline);
            if (Result < 0)
                break;
            continue;
        }
        if (Result < 0)
        {
            ExReleaseFastMutex(&LxUnixLock);
            break;
        }

        /* the pending socket has the listener's name and our credentials as its peer's */
        Embryo->State = LX_UNIX_CONNECTED;
        Embryo->Address = Listener->Address;
        Embryo->PassCred = Listener->PassCred;
        Embryo->PeerCred = Sock->Cred;
        Embryo->HasPeerCred = TRUE;
        LxUnixReference(Sock);
        Embryo->Peer = Sock;
        LxCurrentUcred(&Sock->Cred);
        Sock->PeerCred = Listener->Cred;
        Sock->HasPeerCred = TRUE;
        LxUnixReference(Embryo);
        Sock->Peer = Embryo;
        Sock->State = LX_UNIX_CONNECTED;
        InsertTailList(&Listener->Pending, &Embryo->PendingLink);   /* takes our reference */
        Listener->PendingCount++;
        Embryo = NULL;
        LxWakeWaitQueue(&Listener->Wait, LX_POLLIN | LX_POLLRDNORM);
        ExReleaseFastMutex(&LxUnixLock);
        break;
    }
    if (Embryo != NULL)
        LxUnixDereference(Embryo);
    LxUnixDereference(Listener);
    return LxSocketInterrupted(Result, Deadline);
}

static
LONG
LxUnixConnect(
    _In_ PLX_FILE File,
    _In_reads_bytes_(Length) const UCHAR *Address,
    _In_ ULONG Length)
{
    PLX_UNIX_SOCKET Sock = LxUnixOf(File), Other = NULL, Old;
    lx_unix_addr Name;
    LONG Result;

    if (Sock->Type == LX_SOCK_DGRAM && Length >= sizeof(USHORT) &&
        Address[0] == LX_AF_UNSPEC && Address[1] == 0)
    {
        /* AF_UNSPEC: no peer any more */
        ExAcquireFastMutex(&LxUnixLock);
        Old = Sock->Peer;
        Sock->Peer = NULL;
        Sock->State = LX_UNIX_UNCONNECTED;
        ExReleaseFastMutex(&LxUnixLock);
        LxUnixDereference(Old);
        return 0;
    }
    Result = lx_unix_addr_parse(Address, Length, &Name);
    if (Result < 0)
        return Result;
    if (Sock->Type != LX_SOCK_DGRAM)
        return LxUnixConnectStream(File, Sock, &Name);

    Result = LxUnixLookup(&Name, Sock->Type, &Other);
    if (Result < 0)
        return Result;
    ExAcquireFastMutex(&LxUnixLock);
    if (Other->Released)
        Result = -LX_ECONNREFUSED;
    else if (Other->Peer != NULL && Other->Peer != Sock)
        Result = -LX_EPERM;     /* it is connected to another */
    else
    {
        if (Sock->PassCred && Sock->Address.length == 0)
            LxUnixAutobind(Sock);
        Old = Sock->Peer;
        Sock->Peer = Other;
        Other = Old;            /* the reference to drop */
        Sock->State = LX_UNIX_CONNECTED;
    }
    ExReleaseFastMutex(&LxUnixLock);
    LxUnixDereference(Other);
    return Result;
}

static
LONG
LxUnixListen(
    _In_ PLX_FILE File,
    _In_ LONG Backlog)
{
    PLX_UNIX_SOCKET Sock = LxUnixOf(File);
    LONG Result = 0;

    if (Sock->Type == LX_SOCK_DGRAM)
        return -LX_EOPNOTSUPP;
    ExAcquireFastMutex(&LxUnixLock);
    if (Sock->Address.length == 0)
        Result = -LX_EINVAL;        /* not bound */
    else if (Sock->State != LX_UNIX_UNCONNECTED && Sock->State != LX_UNIX_LISTENING)
        Result = -LX_EINVAL;
    else
    {
        Sock->Backlog = ((ULONG)Backlog > LX_UNIX_SOMAXCONN) ? LX_UNIX_SOMAXCONN : (ULONG)Backlog;
        Sock->State = LX_UNIX_LISTENING;
        LxCurrentUcred(&Sock->Cred);
        LxWakeWaitQueue(&Sock->Wait, LX_POLLOUT);   /* a larger backlog: connects may go on */
    }
    ExReleaseFastMutex(&LxUnixLock);
    return Result;
}

static
LONG
LxUnixAccept(
    _In_ PLX_FILE File,
    _In_ ULONG Flags,
    _Out_ PLX_FILE *NewFile)
{
    PLX_UNIX_SOCKET Sock = LxUnixOf(File), Embryo;
    ULONGLONG Deadline = LxSocketDeadline(Sock->Times.RcvTimeo);
    LONG Result;

    *NewFile = NULL;
    if (Sock->Type == LX_SOCK_DGRAM)
        return -LX_EOPNOTSUPP;
    for (;;)
    {
        ExAcquireFastMutex(&LxUnixLock);
        if (Sock->State != LX_UNIX_LISTENING)
        {
            ExReleaseFastMutex(&LxUnixLock);
            return -LX_EINVAL;
        }
        if (!IsListEmpty(&Sock->Pending))
            break;
        Result = LxWaitUnlock(&Sock->Wait, &LxUnixLock,
                                    (File->StatusFlags & LX_O_NONBLOCK) != 0, Deadline);
        if (Result < 0)
            return LxSocketInterrupted(Result, Deadline);
    }
    Embryo = CONTAINING_RECORD(RemoveHeadList(&Sock->Pending), LX_UNIX_SOCKET, PendingLink);
    InitializeListHead(&Embryo->PendingLink);
    Sock->PendingCount--;
    LxWakeWaitQueue(&Sock->Wait, LX_POLLOUT);      /* room in the backlog */
    ExReleaseFastMutex(&LxUnixLock);

    Result = LxUnixCreateFile(Embryo, NewFile);    /* takes the queue's reference */
    if (Result < 0)
    {
        LxUnixClose(Embryo);
        LxUnixDereference(Embryo);
        return Result;
    }
    (*NewFile)->StatusFlags |= Flags & LX_O_NONBLOCK;
    return 0;
}

static
LONG
LxUnixGetName(
    _In_ PLX_FILE File,
    _In_ BOOLEAN Peer,
    _Out_writes_bytes_(LX_SOCKADDR_MAX) PUCHAR Address,
    _Out_ PULONG Length)
{
    PLX_UNIX_SOCKET Sock = LxUnixOf(File), Which = Sock;
    LONG Result = 0;

    ExAcquireFastMutex(&LxUnixLock);
    if (Peer)
    {
        Which = Sock->Peer;
        if (Which == NULL || Sock->State != LX_UNIX_CONNECTED)
            Result = -LX_ENOTCONN;
    }
    if (Result == 0 && Which->Address.length != 0)
    {
        RtlCopyMemory(Address, Which->Address.addr, Which->Address.length);
        *Length = Which->Address.length;
    }
    else if (Result == 0)
    {
        Address[0] = LX_AF_UNIX;
        Address[1] = 0;
        *Length = sizeof(USHORT);
    }
    ExReleaseFastMutex(&LxUnixLock);
    return Result;
}

/* A packet of the message's bytes from Offset, with our credentials (or those given) and,
 * when Scm is given, the message's descriptors */
static
LONG
LxUnixBuildPacket(
    _In_ PLX_MSG Msg,
    _In_ SIZE_T Offset,
    _In_ SIZE_T Length,
    _In_ BOOLEAN TakeScm,
    _Out_ PLX_UNIX_PACKET *Packet)
{
    PLX_UNIX_PACKET New;
    LONG Result;

    *Packet = NULL;
    New = LxUnixAllocatePacket(Length);
    if (New == NULL)
        return -LX_ENOBUFS;
    Result = LxMsgCopyIn(Msg, Offset, New->Data, Length);
    if (Result < 0)
    {
        ExFreePoolWithTag(New, LX_TAG_SOCKET);
        return Result;
    }
    if (TakeScm)
    {
        New->Scm = Msg->Scm;
        Msg->Scm.Files = NULL;
        Msg->Scm.FileCount = 0;
    }
    if (!New->Scm.HasCreds)
    {
        LxCurrentUcred(&New->Scm.Creds);
        New->Scm.HasCreds = TRUE;
    }
    *Packet = New;
    return 0;
}

/* A packet that was not sent: its descriptors go back to the message */
static
VOID
LxUnixUnbuildPacket(
    _In_ PLX_MSG Msg,
    _In_ PLX_UNIX_PACKET Packet)
{
    if (Packet->Scm.FileCount != 0)
    {
        Msg->Scm.Files = Packet->Scm.Files;
        Msg->Scm.FileCount = Packet->Scm.FileCount;
    }
    ExFreePoolWithTag(Packet, LX_TAG_SOCKET);
}

/* send on a stream or sequenced-packet socket: to the peer's queue while it holds less than
 * SO_SNDBUF bytes */
static
LONG
LxUnixSendStream(
    _In_ PLX_FILE File,
    _In_ PLX_UNIX_SOCKET Sock,
    _Inout_ PLX_MSG Msg,
    _In_ ULONG Flags)
{
    BOOLEAN NonBlock = LxSocketNonBlock(File, Flags);
    ULONGLONG Deadline = LxSocketDeadline(Sock->Times.SndTimeo);
    SIZE_T Done = 0;
    LONG Result = 0;

    if (Msg->Name != NULL && Msg->NameLength != 0)
        return Sock->State == LX_UNIX_CONNECTED ? -LX_EISCONN : -LX_EOPNOTSUPP;
    if (Sock->State != LX_UNIX_CONNECTED)
        return -LX_ENOTCONN;
    if (Sock->Type == LX_SOCK_SEQPACKET && Msg->Length > Sock->SndBuf - 32)
        return -LX_EMSGSIZE;

    do
    {
        SIZE_T Chunk = Sock->Type == LX_SOCK_SEQPACKET ? Msg->Length :
                       min(Msg->Length - Done, LX_UNIX_CHUNK);
        PLX_UNIX_PACKET Packet;

        Result = LxUnixBuildPacket(Msg, Done, Chunk, Done == 0, &Packet);
        if (Result < 0)
            break;
        for (;;)
        {
            PLX_UNIX_SOCKET Peer;

            ExAcquireFastMutex(&LxUnixLock);
            Peer = Sock->Peer;
            if ((Sock->Shutdown & LX_UNIX_SEND_SHUTDOWN) || Peer == NULL || Peer->Released ||
                (Peer->Shutdown & LX_UNIX_RCV_SHUTDOWN))
            {
                ExReleaseFastMutex(&LxUnixLock);
                Result = -LX_EPIPE;
                break;
            }
            if (Peer->QueueBytes < Sock->SndBuf)
            {
                InsertTailList(&Peer->Queue, &Packet->Link);
                Peer->QueueBytes += Packet->Length;
                Peer->QueueCount++;
                LxWakeWaitQueue(&Peer->Wait, LX_POLLIN | LX_POLLRDNORM);
                ExReleaseFastMutex(&LxUnixLock);
                Packet = NULL;
                break;
            }
            Result = LxWaitUnlock(&Peer->Wait, &LxUnixLock, NonBlock, Deadline);
            if (Result < 0)
                break;
        }
        if (Packet != NULL)
        {
            LxUnixUnbuildPacket(Msg, Packet);
            break;
        }
        Done += Chunk;
    } while (Done < Msg->Length);

    if (Result == -LX_EPIPE)
        return LxSocketPipeError(Done, Flags);
    if (Done != 0)
        return (LONG)Done;
    return LxSocketInterrupted(Result, Deadline);
}

static
LONG
LxUnixSendDgram(
    _In_ PLX_FILE File,
    _In_ PLX_UNIX_SOCKET Sock,
    _Inout_ PLX_MSG Msg,
    _In_ ULONG Flags)
{
    BOOLEAN NonBlock = LxSocketNonBlock(File, Flags);
    ULONGLONG Deadline = LxSocketDeadline(Sock->Times.SndTimeo);
    PLX_UNIX_SOCKET Other = NULL, Drop = NULL;
    PLX_UNIX_PACKET Packet = NULL;
    lx_unix_addr Name;
    LONG Result;

    if (Msg->Length > Sock->SndBuf - 32)
        return -LX_EMSGSIZE;
    if (Msg->Name != NULL && Msg->NameLength != 0)
    {
        Result = lx_unix_addr_parse(Msg->Name, Msg->NameLength, &Name);
        if (Result < 0)
            return Result;
        Result = LxUnixLookup(&Name, Sock->Type, &Other);
        if (Result < 0)
            return Result;
    }
    else
    {
        ExAcquireFastMutex(&LxUnixLock);
        Other = Sock->Peer;
        if (Other != NULL)
            LxUnixReference(Other);
        ExReleaseFastMutex(&LxUnixLock);
        if (Other == NULL)
            return -LX_ENOTCONN;
    }
    Result = LxUnixBuildPacket(Msg, 0, Msg->Length, TRUE, &Packet);
    if (Result < 0)
    {
        LxUnixDereference(Other);
        return Result;
    }

    for (;;)
    {
        ExAcquireFastMutex(&LxUnixLock);
        if (Sock->PassCred && Sock->Address.length == 0)
            LxUnixAutobind(Sock);
        if (Other->Released)
        {
            /* our peer is gone: we are no longer connected to it */
            if (Sock->Peer == Other)
            {
                Drop = Other;
                Sock->Peer = NULL;
                Sock->State = LX_UNIX_UNCONNECTED;
            }
            Result = -LX_ECONNREFUSED;
        }
        else if (Other->Peer != NULL && Other->Peer != Sock)
            Result = -LX_EPERM;
        else if ((Sock->Shutdown & LX_UNIX_SEND_SHUTDOWN) || (Other->Shutdown & LX_UNIX_RCV_SHUTDOWN))
            Result = -LX_EPIPE;
        else if (Other != Sock && Other->QueueCount >= LX_UNIX_DGRAM_QLEN)
        {
            Result = LxWaitUnlock(&Other->Wait, &LxUnixLock, NonBlock, Deadline);
            if (Result < 0)
                break;
            continue;
        }
        else
        {
            Packet->From = Sock->Address;
            InsertTailList(&Other->Queue, &Packet->Link);
            Other->QueueBytes += Packet->Length;
            Other->QueueCount++;
            LxWakeWaitQueue(&Other->Wait, LX_POLLIN | LX_POLLRDNORM);
            Packet = NULL;
        }
        ExReleaseFastMutex(&LxUnixLock);
        break;
    }
    if (Packet != NULL)
        LxUnixUnbuildPacket(Msg, Packet);
    LxUnixDereference(Other);
    LxUnixDereference(Drop);
    if (Result == -LX_EPIPE)
        return LxSocketPipeError(0, Flags);
    return Result < 0 ? LxSocketInterrupted(Result, Deadline) : (LONG)Msg->Length;
}

static
LONG
LxUnixSendMsg(
    _In_ PLX_FILE File,
    _Inout_ PLX_MSG Msg,
    _In_ ULONG Flags)
{
    PLX_UNIX_SOCKET Sock = LxUnixOf(File);

    if (Flags & LX_MSG_OOB)
        return -LX_EOPNOTSUPP;
    if (Sock->Type == LX_SOCK_DGRAM)
        return LxUnixSendDgram(File, Sock, Msg, Flags);
    return LxUnixSendStream(File, Sock, Msg, Flags);
}

/* Whether two packets' credentials differ (a stream read with SO_PASSCRED stops there) */
static
BOOLEAN
LxUnixOtherWriter(
    _In_ const LX_UCRED *A,
    _In_ const LX_UCRED *B)
{
    return A->Pid != B->Pid || A->Uid != B->Uid || A->Gid != B->Gid;
}

/* Takes what travels with a packet into the message: credentials for a receiver with
 * SO_PASSCRED, descriptors only when it is consumed (a peek passes none) */
static
VOID
LxUnixTakeScm(
    _In_ PLX_UNIX_SOCKET Sock,
    _Inout_ PLX_MSG Msg,
    _Inout_ PLX_UNIX_PACKET Packet,
    _In_ BOOLEAN Peek)
{
    Msg->Scm.HasCreds = Packet->Scm.HasCreds && Sock->PassCred;
    Msg->Scm.Creds = Packet->Scm.Creds;
    if (!Peek && Packet->Scm.FileCount != 0)
    {
        Msg->Scm.Files = Packet->Scm.Files;
        Msg->Scm.FileCount = Packet->Scm.FileCount;
        Packet->Scm.Files = NULL;
        Packet->Scm.FileCount = 0;
    }
}

static
VOID
LxUnixDequeue(
    _Inout_ PLX_UNIX_SOCKET Sock,
    _Inout_ PLX_UNIX_PACKET Packet)
{
    RemoveEntryList(&Packet->Link);
    Sock->QueueBytes -= Packet->Length;
    Sock->QueueCount--;
    ASSERT(Packet->Scm.FileCount == 0);
    ExFreePoolWithTag(Packet, LX_TAG_SOCKET);
}

static
LONG
LxUnixRecvStream(
    _In_ PLX_FILE File,
    _In_ PLX_UNIX_SOCKET Sock,
    _Inout_ PLX_MSG Msg,
    _In_ ULONG Flags)
{
    BOOLEAN NonBlock = LxSocketNonBlock(File, Flags), Peek = (Flags & LX_MSG_PEEK) != 0;
    ULONGLONG Deadline = LxSocketDeadline(Sock->Times.RcvTimeo);
    SIZE_T Copied = 0, Target = (Flags & LX_MSG_WAITALL) ? Msg->Length : min(Msg->Length, 1);
    BOOLEAN First = TRUE;
    LX_UCRED FirstCred = { 0 };
    LONG Result;

    if (Sock->State != LX_UNIX_CONNECTED)
        return Sock->Type == LX_SOCK_SEQPACKET ? -LX_ENOTCONN : -LX_EINVAL;
    for (;;)
    {
        PLIST_ENTRY Entry;
        BOOLEAN Consumed = FALSE;

        ExAcquireFastMutex(&LxUnixLock);
        Entry = Sock->Queue.Flink;
        while (Entry != &Sock->Queue && Copied < Msg->Length)
        {
            PLX_UNIX_PACKET Packet = CONTAINING_RECORD(Entry, LX_UNIX_PACKET, Link);
            SIZE_T Count = min(Packet->Length - Packet->Offset, Msg->Length - Copied);
            BOOLEAN HadFiles = Packet->Scm.FileCount != 0;

            /* never glue what came with descriptors, or from another writer when the
             * credentials are wanted, to what came before */
            if (!First && (HadFiles || (Sock->PassCred &&
                                        LxUnixOtherWriter(&FirstCred, &Packet->Scm.Creds))))
                break;
            Result = LxMsgCopyOut(Msg, Copied, Packet->Data + Packet->Offset, Count);
            if (Result < 0)
            {
                ExReleaseFastMutex(&LxUnixLock);
                return Copied != 0 ? (LONG)Copied : Result;
            }
            if (First)
            {
                LxUnixTakeScm(Sock, Msg, Packet, Peek);
                FirstCred = Packet->Scm.Creds;
                First = FALSE;
            }
            Copied += Count;
            Entry = Entry->Flink;
            if (!Peek)
            {
                Packet->Offset += (ULONG)Count;
                if (Packet->Offset < Packet->Length)
                    break;
                LxUnixDequeue(Sock, Packet);
                Consumed = TRUE;
            }
            if (HadFiles)
                break;
        }
        if (Consumed)
            LxWakeWaitQueue(&Sock->Wait, LX_POLLOUT | LX_POLLWRNORM);
        /* enough; or something to return and more would not come by waiting (a peek, a
         * boundary before the next packet, descriptors received) */
        if (Copied >= Target ||
            (Copied != 0 && (Peek || Entry != &Sock->Queue || Msg->Scm.FileCount != 0)))
        {
            ExReleaseFastMutex(&LxUnixLock);
            break;
        }
        if (Sock->Error != 0 && Copied == 0)
        {
            Result = -Sock->Error;
            Sock->Error = 0;
            ExReleaseFastMutex(&LxUnixLock);
            return Result;
        }
        if (Sock->Shutdown & LX_UNIX_RCV_SHUTDOWN)
        {
            ExReleaseFastMutex(&LxUnixLock);
            break;      /* the end: what we have, or 0 */
        }
        Result = LxWaitUnlock(&Sock->Wait, &LxUnixLock, NonBlock, Deadline);
        if (Result < 0)
        {
            if (Copied != 0)
                break;
            return LxSocketInterrupted(Result, Deadline);
        }
    }
    return (LONG)Copied;
}

static
LONG
LxUnixRecvDgram(
    _In_ PLX_FILE File,
    _In_ PLX_UNIX_SOCKET Sock,
    _Inout_ PLX_MSG Msg,
    _In_ ULONG Flags)
{
    BOOLEAN NonBlock = LxSocketNonBlock(File, Flags), Peek = (Flags & LX_MSG_PEEK) != 0;
    ULONGLONG Deadline = LxSocketDeadline(Sock->Times.RcvTimeo);
    PLX_UNIX_PACKET Packet;
    SIZE_T Count;
    ULONG Length;
    LONG Result;

    if (Sock->Type == LX_SOCK_SEQPACKET && Sock->State != LX_UNIX_CONNECTED)
        return -LX_ENOTCONN;
    for (;;)
    {
        ExAcquireFastMutex(&LxUnixLock);
        if (!IsListEmpty(&Sock->Queue))
            break;
        if (Sock->Error != 0)
        {
            Result = -Sock->Error;
            Sock->Error = 0;
            ExReleaseFastMutex(&LxUnixLock);
            return Result;
        }
        if (Sock->Shutdown & LX_UNIX_RCV_SHUTDOWN)
        {
            ExReleaseFastMutex(&LxUnixLock);
            return 0;
        }
        Result = LxWaitUnlock(&Sock->Wait, &LxUnixLock, NonBlock, Deadline);
        if (Result < 0)
            return LxSocketInterrupted(Result, Deadline);
    }

    Packet = CONTAINING_RECORD(Sock->Queue.Flink, LX_UNIX_PACKET, Link);
    Count = min(Packet->Length, Msg->Length);
    Result = LxMsgCopyOut(Msg, 0, Packet->Data, Count);
    if (Result < 0)
    {
        ExReleaseFastMutex(&LxUnixLock);
        return Result;
    }
    if (Packet->Length > Msg->Length)
        Msg->Flags |= LX_MSG_TRUNC;
    if (Msg->Name != NULL)
    {
        /* the sender's name; none for an unbound sender (msg_namelen 0) */
        Msg->NameLength = Packet->From.length;
        RtlCopyMemory(Msg->Name, Packet->From.addr, Packet->From.length);
    }
    LxUnixTakeScm(Sock, Msg, Packet, Peek);
    Length = Packet->Length;
    if (!Peek)
    {
        LxUnixDequeue(Sock, Packet);
        LxWakeWaitQueue(&Sock->Wait, LX_POLLOUT | LX_POLLWRNORM);
    }
    ExReleaseFastMutex(&LxUnixLock);
    return (Flags & LX_MSG_TRUNC) ? (LONG)Length : (LONG)Count;
}

static
LONG
LxUnixRecvMsg(
    _In_ PLX_FILE File,
    _Inout_ PLX_MSG Msg,
    _In_ ULONG Flags)
{
    PLX_UNIX_SOCKET Sock = LxUnixOf(File);

    if (Flags & LX_MSG_OOB)
        return -LX_EOPNOTSUPP;
    if (Msg->Name != NULL)
        Msg->NameLength = 0;
    if (Sock->Type == LX_SOCK_STREAM)
        return LxUnixRecvStream(File, Sock, Msg, Flags);
    return LxUnixRecvDgram(File, Sock, Msg, Flags);
}

static
LONG
LxUnixShutdown(
    _In_ PLX_FILE File,
    _In_ LONG How)
{
    PLX_UNIX_SOCKET Sock = LxUnixOf(File), Peer;
    ULONG Mode;

    if (How < LX_SHUT_RD || How > LX_SHUT_RDWR)
        return -LX_EINVAL;
    Mode = (ULONG)How + 1;      /* SHUT_RD 1, SHUT_WR 2, SHUT_RDWR 3 */
    ExAcquireFastMutex(&LxUnixLock);
    Sock->Shutdown |= Mode;
    LxWakeWaitQueue(&Sock->Wait, 0);
    Peer = Sock->Peer;
    if (Peer != NULL && Sock->Type != LX_SOCK_DGRAM)
    {
        /* our end of sending is the peer's end of receiving, and the reverse */
        Peer->Shutdown |= ((Mode & LX_UNIX_RCV_SHUTDOWN) ? LX_UNIX_SEND_SHUTDOWN : 0) |
                          ((Mode & LX_UNIX_SEND_SHUTDOWN) ? LX_UNIX_RCV_SHUTDOWN : 0);
        LxWakeWaitQueue(&Peer->Wait, 0);
    }
    ExReleaseFastMutex(&LxUnixLock);
    return 0;
}

static
ULONG
LxUnixBufferSize(
    _In_ LONG Value)
{
    ULONG Size = (Value < 0) ? 0 : (ULONG)min(Value, LX_UNIX_MAX_BUFFER / 2);

    return max(Size * 2, LX_UNIX_MIN_BUFFER);   /* Linux doubles it for its overhead */
}

static
ULONG
LxUnixOptionBit(
    _In_ LONG Name)
{
    switch (Name)
    {
        case LX_SO_REUSEADDR: return LX_UNIX_OPT_REUSEADDR;
        case LX_SO_KEEPALIVE: return LX_UNIX_OPT_KEEPALIVE;
        case LX_SO_BROADCAST: return LX_UNIX_OPT_BROADCAST;
        case LX_SO_DONTROUTE: return LX_UNIX_OPT_DONTROUTE;
        case LX_SO_OOBINLINE: return LX_UNIX_OPT_OOBINLINE;
        case LX_SO_DEBUG: return LX_UNIX_OPT_DEBUG;
        case LX_SO_REUSEPORT: return LX_UNIX_OPT_REUSEPORT;
        default: return 0;
    }
}

static
LONG
LxUnixSetOption(
    _In_ PLX_FILE File,
    _In_ LONG Level,
    _In_ LONG Name,
    _In_reads_bytes_(Length) const UCHAR *Value,
    _In_ ULONG Length)
{
    PLX_UNIX_SOCKET Sock = LxUnixOf(File);
    LONG Int = 0;
    LONG Result = 0;

    if (Level != LX_SOL_SOCKET)
        return -LX_EOPNOTSUPP;
    if (LxSocketSetTimes(&Sock->Times, Name, Value, Length, &Result))
        return Result;
    if (Length < sizeof(LONG))
        return -LX_EINVAL;
    RtlCopyMemory(&Int, Value, sizeof(Int));

    ExAcquireFastMutex(&LxUnixLock);
    switch (Name)
    {
        case LX_SO_PASSCRED:
            Sock->PassCred = Int != 0;
            break;
        case LX_SO_SNDBUF:
        case LX_SO_SNDBUFFORCE:
            Sock->SndBuf = LxUnixBufferSize(Int);
            LxWakeWaitQueue(&Sock->Wait, LX_POLLOUT);
            break;
        case LX_SO_RCVBUF:
        case LX_SO_RCVBUFFORCE:
            Sock->RcvBuf = LxUnixBufferSize(Int);
            break;
        case LX_SO_RCVLOWAT:
        case LX_SO_SNDLOWAT:
            break;      /* accepted; reads wake for one byte as Linux's AF_UNIX does */
        default:
            if (LxUnixOptionBit(Name) == 0)
                Result = -LX_ENOPROTOOPT;
            else if (Int != 0)
                Sock->Options |= LxUnixOptionBit(Name);
            else
                Sock->Options &= ~LxUnixOptionBit(Name);
            break;
    }
    ExReleaseFastMutex(&LxUnixLock);
    return Result;
}

static
LONG
LxUnixGetOption(
    _In_ PLX_FILE File,
    _In_ LONG Level,
    _In_ LONG Name,
    _Out_writes_bytes_(*Length) PUCHAR Value,
    _Inout_ PULONG Length)
{
    PLX_UNIX_SOCKET Sock = LxUnixOf(File);
    UCHAR Data[16];
    ULONG Size = sizeof(LONG);
    LONG Int = 0;
    LONG Result = 0;

    if (Level != LX_SOL_SOCKET)
        return -LX_EOPNOTSUPP;
    ExAcquireFastMutex(&LxUnixLock);
    switch (Name)
    {
        case LX_SO_TYPE: Int = Sock->Type; break;
        case LX_SO_DOMAIN: Int = LX_AF_UNIX; break;
        case LX_SO_PROTOCOL: Int = 0; break;
        case LX_SO_ERROR: Int = Sock->Error; Sock->Error = 0; break;
        case LX_SO_ACCEPTCONN: Int = Sock->State == LX_UNIX_LISTENING; break;
        case LX_SO_PASSCRED: Int = Sock->PassCred; break;
        case LX_SO_SNDBUF: Int = (LONG)Sock->SndBuf; break;
        case LX_SO_RCVBUF: Int = (LONG)Sock->RcvBuf; break;
        case LX_SO_RCVLOWAT:
        case LX_SO_SNDLOWAT: Int = 1; break;
        case LX_SO_PEERCRED:
        {
            LX_UCRED Cred = { 0, (ULONG)-1, (ULONG)-1 };

            if (Sock->HasPeerCred)
                Cred = Sock->PeerCred;
            RtlCopyMemory(Data, &Cred, sizeof(Cred));
            Size = sizeof(Cred);
            break;
        }
        default:
            if (LxSocketGetTimes(&Sock->Times, Name, Data, &Size))
                break;
            if (LxUnixOptionBit(Name) == 0)
                Result = -LX_ENOPROTOOPT;
            else
                Int = (Sock->Options & LxUnixOptionBit(Name)) != 0;
            break;
    }
    ExReleaseFastMutex(&LxUnixLock);
    if (Result < 0)
        return Result;
    if (Size == sizeof(LONG) && Name != LX_SO_RCVTIMEO_OLD && Name != LX_SO_SNDTIMEO_OLD)
        RtlCopyMemory(Data, &Int, sizeof(Int));
    *Length = min(*Length, Size);
    RtlCopyMemory(Value, Data, *Length);
    return 0;
}

static
ULONG
LxUnixPoll(
    _In_ PLX_FILE File,
    _In_opt_ PLX_POLL_TABLE Table)
{
    PLX_UNIX_SOCKET Sock = LxUnixOf(File), Peer;
    ULONG Ready = 0;

    ExAcquireFastMutex(&LxUnixLock);
    Peer = Sock->Peer;
    if (Table != NULL)
    {
        LxPollWait(Table, &Sock->Wait);
        if (Peer != NULL)
            LxPollWait(Table, &Peer->Wait);
    }
    if (Sock->Error != 0)
        Ready |= LX_POLLERR;
    if (Sock->Shutdown == LX_UNIX_SHUTDOWN_MASK)
        Ready |= LX_POLLHUP;
    if (Sock->Shutdown & LX_UNIX_RCV_SHUTDOWN)
        Ready |= LX_POLLIN | LX_POLLRDNORM | LX_POLLRDHUP;
    if (!IsListEmpty(&Sock->Queue) || !IsListEmpty(&Sock->Pending))
        Ready |= LX_POLLIN | LX_POLLRDNORM;
    if (Sock->Type != LX_SOCK_DGRAM && Sock->State == LX_UNIX_UNCONNECTED)
        Ready |= LX_POLLHUP;
    if (Sock->State != LX_UNIX_LISTENING)
    {
        if (Peer == NULL || Peer->Released ||
            (Sock->Type == LX_SOCK_DGRAM ? Peer->QueueCount < LX_UNIX_DGRAM_QLEN :
                                           Peer->QueueBytes < Sock->SndBuf))
            Ready |= LX_POLLOUT | LX_POLLWRNORM;
    }
    ExReleaseFastMutex(&LxUnixLock);
    return Ready;
}

static
LONG
LxUnixIoctl(
    _In_ PLX_FILE File,
    _In_ ULONG Cmd,
    _In_ ULONG_PTR Arg)
{
    PLX_UNIX_SOCKET Sock = LxUnixOf(File);
    PLIST_ENTRY Entry;
    LONG Count = 0;

    ExAcquireFastMutex(&LxUnixLock);
    if (Cmd == LX_FIONREAD)
    {
        /* unread bytes: all of a stream's, the next datagram's */
        for (Entry = Sock->Queue.Flink; Entry != &Sock->Queue; Entry = Entry->Flink)
        {
            PLX_UNIX_PACKET Packet = CONTAINING_RECORD(Entry, LX_UNIX_PACKET, Link);

            Count += (LONG)(Packet->Length - Packet->Offset);
            if (Sock->Type != LX_SOCK_STREAM)
                break;
        }
    }
    else if (Cmd == LX_TIOCOUTQ)
    {
        /* what we sent that the peer has not read */
        Count = Sock->Peer != NULL ? (LONG)Sock->Peer->QueueBytes : 0;
    }
    else
    {
        ExReleaseFastMutex(&LxUnixLock);
        return -LX_ENOTTY;
    }
    ExReleaseFastMutex(&LxUnixLock);
    return LxCopyToUser(Arg, &Count, sizeof(Count));
}

static const LX_SOCKET_OPERATIONS LxUnixSocketOperations =
{
    .Bind = LxUnixBind,
    .Connect = LxUnixConnect,
    .Listen = LxUnixListen,
    .Accept = LxUnixAccept,
    .GetName = LxUnixGetName,
    .SendMsg = LxUnixSendMsg,
    .RecvMsg = LxUnixRecvMsg,
    .Shutdown = LxUnixShutdown,
    .SetOption = LxUnixSetOption,
    .GetOption = LxUnixGetOption,
};

static const LX_FILE_OPERATIONS LxUnixOperations =
{
    .Kind = "unix",
    .Read = LxSocketRead,
    .Write = LxSocketWrite,
    .Ioctl = LxUnixIoctl,
    .Poll = LxUnixPoll,
    .Stat = LxSocketStat,
    .Statfs = LxSocketStatfs,
    .Name = LxSocketName,
    .Release = LxUnixRelease,
    .Socket = &LxUnixSocketOperations,
};
