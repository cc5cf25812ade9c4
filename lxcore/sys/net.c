/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: socket, socketpair, bind, connect, listen, accept4,
 *              getsockname, getpeername, sendto, recvfrom, sendmsg, recvmsg, sendmmsg,
 *              recvmmsg (and time64), shutdown, setsockopt, getsockopt, and the socketcall
 *              multiplexer (generated/lxsys_socketcall.c) that runs the same handlers
 *
 * As Linux's net/socket.c: the user's addresses, message headers, buffers and control
 * messages are checked and copied here; the family behind the socket (fs/socket.c,
 * fs/unix.c) does the rest.
 */

#include "lxsys.h"
#include "lxsys_socketcall.h"
#include "lx_socket.h"

#define NDEBUG
#include <debug.h>

#define LX_UIO_MAXIOV           1024
#define LX_MAX_RW_COUNT         0x7FFFF000
#define LX_CONTROL_MAX          20480       /* net.core.optmem_max: a sent control buffer */
#define LX_RECV_CONTROL_MAX     2048        /* room lxcore fills for a received one */
#define LX_OPTION_MAX           64
#define LX_MSG_WAITFORONE       0x10000

/* struct user_msghdr on i386 */
typedef struct _LX_MSGHDR32
{
    ULONG Name;
    LONG NameLength;
    ULONG Iov;
    ULONG IovLength;
    ULONG Control;
    ULONG ControlLength;
    ULONG Flags;
} LX_MSGHDR32;
C_ASSERT(sizeof(LX_MSGHDR32) == 28);
#define LX_MMSGHDR32_SIZE       32          /* + unsigned int msg_len */

/* The socket behind Fd, referenced: -EBADF, -ENOTSOCK */
static
LONG
LxGetSocket(
    _In_ LONG Fd,
    _Out_ PLX_FILE *File,
    _Out_ PCLX_SOCKET_OPERATIONS *Ops)
{
    *File = Fd < 0 ? NULL : LxGetFile(LxCurrentProcess(), (ULONG)Fd);
    if (*File == NULL)
        return -LX_EBADF;
    *Ops = LxSocketOf(*File);
    if (*Ops == NULL)
    {
        LxDereferenceFile(*File);
        *File = NULL;
        return -LX_ENOTSOCK;
    }
    return 0;
}

/* move_addr_to_kernel */
static
LONG
LxAddressIn(
    _In_ ULONG_PTR User,
    _In_ LONG Length,
    _Out_writes_bytes_(LX_SOCKADDR_MAX) PUCHAR Address)
{
    if (Length < 0 || Length > LX_SOCKADDR_MAX)
        return -LX_EINVAL;
    if (Length == 0)
        return 0;
    return LxCopyFromUser(Address, User, (SIZE_T)Length);
}

/* move_addr_to_user: as much as fits, and the whole length */
static
LONG
LxAddressOut(
    _In_reads_bytes_(Length) const UCHAR *Address,
    _In_ ULONG Length,
    _In_ ULONG_PTR User,
    _In_ ULONG_PTR UserLength)
{
    LONG Room;
    LONG Result;

    Result = LxCopyFromUser(&Room, UserLength, sizeof(Room));
    if (Result < 0)
        return Result;
    if (Room < 0)
        return -LX_EINVAL;
    if ((ULONG)Room > Length)
        Room = (LONG)Length;
    if (Room != 0)
    {
        Result = LxCopyToUser(User, Address, (SIZE_T)Room);
        if (Result < 0)
            return Result;
    }
    return LxCopyToUser(UserLength, &Length, sizeof(Length));
}

LONG
NTAPI
LxSysSocket(
    LONG Family,
    LONG Type,
    LONG Protocol)
{
    PLX_FILE File;
    LONG Flags = Type & ~LX_SOCK_TYPE_MASK;
    LONG Result;

    if (Flags & ~(LX_O_NONBLOCK | LX_O_CLOEXEC))
        return -LX_EINVAL;
    Result = LxCreateSocket(Family, Type & LX_SOCK_TYPE_MASK, Protocol, &File);
    if (Result < 0)
        return Result;
    File->StatusFlags |= Flags & LX_O_NONBLOCK;
    return LxInstallFile(LxCurrentProcess(), File, 0, (Flags & LX_O_CLOEXEC) != 0);
}

LONG
NTAPI
LxSysSocketpair(
    LONG Family,
    LONG Type,
    LONG Protocol,
    LONG *Usockvec)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE Files[2];
    LONG Flags = Type & ~LX_SOCK_TYPE_MASK;
    LONG Fds[2];
    LONG Result;

    if (Flags & ~(LX_O_NONBLOCK | LX_O_CLOEXEC))
        return -LX_EINVAL;
    Result = LxCreateSocketPair(Family, Type & LX_SOCK_TYPE_MASK, Protocol, &Files[0], &Files[1]);
    if (Result < 0)
        return Result;
    Files[0]->StatusFlags |= Flags & LX_O_NONBLOCK;
    Files[1]->StatusFlags |= Flags & LX_O_NONBLOCK;
    Fds[0] = LxInstallFile(Process, Files[0], 0, (Flags & LX_O_CLOEXEC) != 0);
    if (Fds[0] < 0)
    {
        LxDereferenceFile(Files[1]);
        return Fds[0];
    }
    Fds[1] = LxInstallFile(Process, Files[1], 0, (Flags & LX_O_CLOEXEC) != 0);
    if (Fds[1] < 0)
    {
        LxCloseFd(Process, (ULONG)Fds[0]);
        return Fds[1];
    }
    Result = LxCopyToUser((ULONG_PTR)Usockvec, Fds, sizeof(Fds));
    if (Result < 0)
    {
        LxCloseFd(Process, (ULONG)Fds[0]);
        LxCloseFd(Process, (ULONG)Fds[1]);
    }
    return Result;
}

/* bind and connect: an address in, one operation */
static
LONG
LxSocketAddressCall(
    _In_ LONG Fd,
    _In_ ULONG_PTR User,
    _In_ LONG Length,
    _In_ BOOLEAN Connect)
{
    UCHAR Address[LX_SOCKADDR_MAX];
    PCLX_SOCKET_OPERATIONS Ops;
    PLX_FILE File;
    LONG Result;

    Result = LxGetSocket(Fd, &File, &Ops);
    if (Result < 0)
        return Result;
    Result = LxAddressIn(User, Length, Address);
    if (Result == 0)
        Result = Connect ? Ops->Connect(File, Address, (ULONG)Length) :
                           Ops->Bind(File, Address, (ULONG)Length);
    LxDereferenceFile(File);
    return Result;
}

LONG
NTAPI
LxSysBind(
    LONG Fd,
    LX_SOCKADDR *Umyaddr,
    LONG Addrlen)
{
    return LxSocketAddressCall(Fd, (ULONG_PTR)Umyaddr, Addrlen, FALSE);
}

LONG
NTAPI
LxSysConnect(
    LONG Fd,
    LX_SOCKADDR *Uservaddr,
    LONG Addrlen)
{
    return LxSocketAddressCall(Fd, (ULONG_PTR)Uservaddr, Addrlen, TRUE);
}

/* listen and shutdown: a number in, one operation */
static
LONG
LxSocketNumberCall(
    _In_ LONG Fd,
    _In_ LONG Value,
    _In_ BOOLEAN Shutdown)
{
    PCLX_SOCKET_OPERATIONS Ops;
    PLX_FILE File;
    LONG Result;

    Result = LxGetSocket(Fd, &File, &Ops);
    if (Result < 0)
        return Result;
    Result = Shutdown ? Ops->Shutdown(File, Value) : Ops->Listen(File, Value);
    LxDereferenceFile(File);
    return Result;
}

LONG
NTAPI
LxSysListen(
    LONG Fd,
    LONG Backlog)
{
    return LxSocketNumberCall(Fd, Backlog, FALSE);
}

LONG
NTAPI
LxSysAccept4(
    LONG Fd,
    LX_SOCKADDR *UpeerSockaddr,
    LONG *UpeerAddrlen,
    LONG Flags)
{
    UCHAR Address[LX_SOCKADDR_MAX];
    PCLX_SOCKET_OPERATIONS Ops;
    PLX_FILE File, NewFile;
    ULONG Length = 0;
    LONG Result;

    if (Flags & ~(LX_O_NONBLOCK | LX_O_CLOEXEC))
        return -LX_EINVAL;
    Result = LxGetSocket(Fd, &File, &Ops);
    if (Result < 0)
        return Result;
    Result = Ops->Accept(File, (ULONG)Flags, &NewFile);
    LxDereferenceFile(File);
    if (Result != 0)
        return Result;      /* -errno, or a signal's handler entered (no new file) */
    if (UpeerSockaddr != NULL)
    {
        /* the peer's address first: a fault loses the connection, not a descriptor */
        Result = Ops->GetName(NewFile, TRUE, Address, &Length);
        if (Result == -LX_ENOTCONN)
        {
            /* the client is gone already: an unnamed address of the socket's family */
            RtlZeroMemory(Address, sizeof(USHORT));
            Address[0] = LX_AF_UNIX;
            Length = sizeof(USHORT);
            Result = 0;
        }
        if (Result == 0)
            Result = LxAddressOut(Address, Length, (ULONG_PTR)UpeerSockaddr, (ULONG_PTR)UpeerAddrlen);
        if (Result < 0)
        {
            LxDereferenceFile(NewFile);
            return Result;
        }
    }
    return LxInstallFile(LxCurrentProcess(), NewFile, 0, (Flags & LX_O_CLOEXEC) != 0);
}

static
LONG
LxSocketGetName(
    _In_ LONG Fd,
    _In_ ULONG_PTR User,
    _In_ ULONG_PTR UserLength,
    _In_ BOOLEAN Peer)
{
    UCHAR Address[LX_SOCKADDR_MAX];
    PCLX_SOCKET_OPERATIONS Ops;
    PLX_FILE File;
    ULONG Length = 0;
    LONG Result;

    Result = LxGetSocket(Fd, &File, &Ops);
    if (Result < 0)
        return Result;
    Result = Ops->GetName(File, Peer, Address, &Length);
    LxDereferenceFile(File);
    if (Result < 0)
        return Result;
    return LxAddressOut(Address, Length, User, UserLength);
}

LONG
NTAPI
LxSysGetsockname(
    LONG Fd,
    LX_SOCKADDR *Usockaddr,
    LONG *UsockaddrLen)
{
    return LxSocketGetName(Fd, (ULONG_PTR)Usockaddr, (ULONG_PTR)UsockaddrLen, FALSE);
}

LONG
NTAPI
LxSysGetpeername(
    LONG Fd,
    LX_SOCKADDR *Usockaddr,
    LONG *UsockaddrLen)
{
    return LxSocketGetName(Fd, (ULONG_PTR)Usockaddr, (ULONG_PTR)UsockaddrLen, TRUE);
}

/* A send or receive of Msg on Fd (Msg's buffers, address and control already in) */
static
LONG
LxSocketTransfer(
    _In_ LONG Fd,
    _Inout_ PLX_MSG Msg,
    _In_ ULONG Flags,
    _In_ BOOLEAN Send)
{
    PCLX_SOCKET_OPERATIONS Ops;
    PLX_THREAD Thread = LxCurrentThread();
    PLX_FILE File;
    LONG Result;

    Result = LxGetSocket(Fd, &File, &Ops);
    if (Result < 0)
        return Result;
    Thread->EnteredHandler = FALSE;
    Result = Send ? Ops->SendMsg(File, Msg, Flags) : Ops->RecvMsg(File, Msg, Flags);
    LxDereferenceFile(File);
    /* a signal's handler entered instead: the positive value is the signal, not a length, and
     * nothing may be written back (the frame returns -EINTR or restarts the call) */
    if (Thread->EnteredHandler)
        return -LX_EINTR;
    return Result;
}

LONG
NTAPI
LxSysSendto(
    LONG Fd,
    VOID *Buff,
    SIZE_T Len,
    ULONG Flags,
    LX_SOCKADDR *Addr,
    LONG AddrLen)
{
    UCHAR Address[LX_SOCKADDR_MAX];
    LX_IOVEC Iov = { (ULONG_PTR)Buff, (ULONG)min(Len, LX_MAX_RW_COUNT) };
    LX_MSG Msg;
    LONG Result;

    RtlZeroMemory(&Msg, sizeof(Msg));
    Msg.Iov = &Iov;
    Msg.IovCount = 1;
    Msg.Length = Iov.IovLen;
    if (Addr != NULL)
    {
        Result = LxAddressIn((ULONG_PTR)Addr, AddrLen, Address);
        if (Result < 0)
            return Result;
        Msg.Name = Address;
        Msg.NameLength = (ULONG)AddrLen;
    }
    return LxSocketTransfer(Fd, &Msg, Flags, TRUE);
}

LONG
NTAPI
LxSysRecvfrom(
    LONG Fd,
    VOID *Ubuf,
    SIZE_T Size,
    ULONG Flags,
    LX_SOCKADDR *Addr,
    LONG *AddrLen)
{
    UCHAR Address[LX_SOCKADDR_MAX];
    LX_IOVEC Iov = { (ULONG_PTR)Ubuf, (ULONG)min(Size, LX_MAX_RW_COUNT) };
    LX_MSG Msg;
    LONG Result, Copied;

    RtlZeroMemory(&Msg, sizeof(Msg));
    Msg.Iov = &Iov;
    Msg.IovCount = 1;
    Msg.Length = Iov.IovLen;
    Msg.Name = Addr != NULL ? Address : NULL;
    Result = LxSocketTransfer(Fd, &Msg, Flags & ~LX_MSG_CMSG_CLOEXEC, FALSE);
    LxScmRelease(&Msg.Scm);     /* no room for descriptors: they are dropped */
    if (Result < 0 || Addr == NULL)
        return Result;
    Copied = LxAddressOut(Address, Msg.NameLength, (ULONG_PTR)Addr, (ULONG_PTR)AddrLen);
    return Copied < 0 ? Copied : Result;
}

/* A user msghdr into Msg: the iovec array (pool, free with LxFreeMsg), the address in, the
 * control buffer of a send (parsed into Msg->Scm) */
static
LONG
LxMsgFromUser(
    _In_ const LX_MSGHDR32 *Header,
    _In_ BOOLEAN Send,
    _Out_writes_bytes_(LX_SOCKADDR_MAX) PUCHAR Address,
    _Out_ PLX_MSG Msg)
{
    ULONG i;
    LONG Result;

    RtlZeroMemory(Msg, sizeof(*Msg));
    if (Header->IovLength > LX_UIO_MAXIOV)
        return -LX_EMSGSIZE;
    if (Header->Name != 0)
    {
        if (Send)
        {
            Result = LxAddressIn(Header->Name, Header->NameLength, Address);
            if (Result < 0)
                return Result;
            Msg->NameLength = (ULONG)Header->NameLength;
        }
        else if (Header->NameLength < 0)
            return -LX_EINVAL;
        Msg->Name = Address;
    }
    if (Header->IovLength != 0)
    {
        /* struct iovec as i386 lays it out */
        Msg->Iov = ExAllocatePoolWithTag(PagedPool, Header->IovLength * sizeof(LX_IOVEC), LX_TAG_TEMP);
        if (Msg->Iov == NULL)
            return -LX_ENOMEM;
        Msg->IovCount = Header->IovLength;
        Result = LxCopyFromUser(Msg->Iov, Header->Iov, Header->IovLength * sizeof(LX_IOVEC));
        if (Result < 0)
            return Result;
        for (i = 0; i < Header->IovLength; i++)
        {
            if ((LONG)Msg->Iov[i].IovLen < 0)
                return -LX_EINVAL;
            /* the total is cut at MAX_RW_COUNT, as Linux's import_iovec does */
            Msg->Iov[i].IovLen = (ULONG)min(Msg->Iov[i].IovLen, LX_MAX_RW_COUNT - Msg->Length);
            Msg->Length += Msg->Iov[i].IovLen;
        }
    }
    if (Send && Header->ControlLength != 0)
    {
        PUCHAR Control;

        if (Header->ControlLength > LX_CONTROL_MAX)
            return -LX_ENOBUFS;
        Control = ExAllocatePoolWithTag(PagedPool, Header->ControlLength, LX_TAG_TEMP);
        if (Control == NULL)
            return -LX_ENOMEM;
        Result = LxCopyFromUser(Control, Header->Control, Header->ControlLength);
        if (Result == 0)
            Result = LxScmFromControl(LxCurrentProcess(), Control, Header->ControlLength, &Msg->Scm);
        ExFreePoolWithTag(Control, LX_TAG_TEMP);
        if (Result < 0)
            return Result;
    }
    return 0;
}

static
VOID
LxFreeMsg(
    _Inout_ PLX_MSG Msg)
{
    if (Msg->Iov != NULL)
        ExFreePoolWithTag(Msg->Iov, LX_TAG_TEMP);
    Msg->Iov = NULL;
    LxScmRelease(&Msg->Scm);
}

/* sendmsg of the msghdr at User */
static
LONG
LxSendOne(
    _In_ LONG Fd,
    _In_ ULONG_PTR User,
    _In_ ULONG Flags)
{
    UCHAR Address[LX_SOCKADDR_MAX];
    LX_MSGHDR32 Header;
    LX_MSG Msg;
    LONG Result;

    Result = LxCopyFromUser(&Header, User, sizeof(Header));
    if (Result < 0)
        return Result;
    Result = LxMsgFromUser(&Header, TRUE, Address, &Msg);
    if (Result == 0)
        Result = LxSocketTransfer(Fd, &Msg, Flags, TRUE);
    LxFreeMsg(&Msg);
    return Result;
}

/* recvmsg into the msghdr at User: the address, control messages, msg_flags written back */
static
LONG
LxRecvOne(
    _In_ LONG Fd,
    _In_ ULONG_PTR User,
    _In_ ULONG Flags)
{
    UCHAR Address[LX_SOCKADDR_MAX];
    PUCHAR Control = NULL;
    LX_MSGHDR32 Header;
    ULONG Used = 0;
    LX_MSG Msg;
    LONG Result, Written;

    Result = LxCopyFromUser(&Header, User, sizeof(Header));
    if (Result < 0)
        return Result;
    Result = LxMsgFromUser(&Header, FALSE, Address, &Msg);
    if (Result < 0)
    {
        LxFreeMsg(&Msg);
        return Result;
    }
    Result = LxSocketTransfer(Fd, &Msg, Flags & ~LX_MSG_CMSG_CLOEXEC, FALSE);
    if (Result < 0)
    {
        LxFreeMsg(&Msg);
        return Result;
    }

    if (Header.Control != 0 && Header.ControlLength != 0)
    {
        ULONG Room = min(Header.ControlLength, LX_RECV_CONTROL_MAX);

        Control = ExAllocatePoolWithTag(PagedPool, Room, LX_TAG_TEMP);
        if (Control != NULL)
        {
            LxScmToControl(LxCurrentProcess(), &Msg.Scm, (Flags & LX_MSG_CMSG_CLOEXEC) != 0,
                           Control, Room, &Used, &Msg.Flags);
            Written = LxCopyToUser(Header.Control, Control, Used);
            ExFreePoolWithTag(Control, LX_TAG_TEMP);
            if (Written < 0)
                Result = Written;
        }
    }
    else if (Msg.Scm.FileCount != 0 || Msg.Scm.HasCreds)
    {
        Msg.Flags |= LX_MSG_CTRUNC;     /* no room: descriptors are dropped */
    }
    Written = 0;
    if (Result >= 0)
        Written = LxCopyToUser(User + FIELD_OFFSET(LX_MSGHDR32, ControlLength), &Used, sizeof(Used));
    if (Result >= 0 && Written == 0)
        Written = LxCopyToUser(User + FIELD_OFFSET(LX_MSGHDR32, Flags), &Msg.Flags, sizeof(Msg.Flags));
    if (Result >= 0 && Written == 0 && Header.Name != 0)
    {
        Written = LxAddressOut(Address, Msg.NameLength, Header.Name,
                               User + FIELD_OFFSET(LX_MSGHDR32, NameLength));
    }
    if (Written < 0)
        Result = Written;
    LxFreeMsg(&Msg);
    return Result;
}

LONG
NTAPI
LxSysSendmsg(
    LONG Fd,
    LX_USER_MSGHDR *Msg,
    ULONG Flags)
{
    return LxSendOne(Fd, (ULONG_PTR)Msg, Flags);
}

LONG
NTAPI
LxSysRecvmsg(
    LONG Fd,
    LX_USER_MSGHDR *Msg,
    ULONG Flags)
{
    return LxRecvOne(Fd, (ULONG_PTR)Msg, Flags);
}

LONG
NTAPI
LxSysSendmmsg(
    LONG Fd,
    LX_MMSGHDR *Msg,
    ULONG Vlen,
    ULONG Flags)
{
    ULONG i;
    LONG Result = 0;

    Vlen = min(Vlen, LX_UIO_MAXIOV);
    for (i = 0; i < Vlen; i++)
    {
        ULONG_PTR Entry = (ULONG_PTR)Msg + i * LX_MMSGHDR32_SIZE;

        Result = LxSendOne(Fd, Entry, Flags);
        if (Result < 0)
            break;
        Result = LxCopyToUser(Entry + sizeof(LX_MSGHDR32), &Result, sizeof(Result));
        if (Result < 0)
            break;
    }
    return i != 0 ? (LONG)i : Result;
}

static
LONG
LxRecvMany(
    _In_ LONG Fd,
    _In_ ULONG_PTR Msg,
    _In_ ULONG Vlen,
    _In_ ULONG Flags,
    _In_ ULONG_PTR Timeout,
    _In_ BOOLEAN Time64)
{
    ULONGLONG Deadline = 0;
    lx_timespec64 Ts;
    LARGE_INTEGER Left;
    ULONG i;
    LONG Result = 0;

    if (Timeout != 0)
    {
        Result = LxGetUserTimespec(Timeout, Time64, &Ts);
        if (Result < 0)
            return Result;
        if (Ts.sec < 0 || Ts.nsec < 0 || Ts.nsec >= 1000000000)
            return -LX_EINVAL;
        Deadline = LxMonotonicTime() + (ULONGLONG)Ts.sec * 10000000ULL + (ULONGLONG)Ts.nsec / 100;
    }
    Vlen = min(Vlen, LX_UIO_MAXIOV);
    for (i = 0; i < Vlen; i++)
    {
        ULONG_PTR Entry = Msg + i * LX_MMSGHDR32_SIZE;
        LONG Length;

        Length = LxRecvOne(Fd, Entry, Flags);
        if (Length < 0)
        {
            Result = Length;
            break;
        }
        Result = LxCopyToUser(Entry + sizeof(LX_MSGHDR32), &Length, sizeof(Length));
        if (Result < 0)
            break;
        if (Flags & LX_MSG_WAITFORONE)
            Flags |= LX_MSG_DONTWAIT;
        /* the timeout is looked at after each message only, as Linux does */
        if (Deadline != 0 && !LxTimeLeft(Deadline, &Left))
        {
            i++;
            break;
        }
    }
    if (i != 0)
        return (LONG)i;
    return Result;
}

LONG
NTAPI
LxSysRecvmmsg(
    LONG Fd,
    LX_MMSGHDR *Msg,
    ULONG Vlen,
    ULONG Flags,
    LX_OLD_TIMESPEC32 *Timeout)
{
    return LxRecvMany(Fd, (ULONG_PTR)Msg, Vlen, Flags, (ULONG_PTR)Timeout, FALSE);
}

LONG
NTAPI
LxSysRecvmmsgTime64(
    LONG Fd,
    LX_MMSGHDR *Msg,
    ULONG Vlen,
    ULONG Flags,
    LX_KERNEL_TIMESPEC *Timeout)
{
    return LxRecvMany(Fd, (ULONG_PTR)Msg, Vlen, Flags, (ULONG_PTR)Timeout, TRUE);
}

LONG
NTAPI
LxSysShutdown(
    LONG Fd,
    LONG How)
{
    return LxSocketNumberCall(Fd, How, TRUE);
}

LONG
NTAPI
LxSysSetsockopt(
    LONG Fd,
    LONG Level,
    LONG Optname,
    CHAR *Optval,
    LONG Optlen)
{
    UCHAR Value[LX_OPTION_MAX];
    PCLX_SOCKET_OPERATIONS Ops;
    PLX_FILE File;
    ULONG Length;
    LONG Result;

    if (Optlen < 0)
        return -LX_EINVAL;
    Result = LxGetSocket(Fd, &File, &Ops);
    if (Result < 0)
        return Result;
    Length = min((ULONG)Optlen, sizeof(Value));
    Result = LxCopyFromUser(Value, (ULONG_PTR)Optval, Length);
    if (Result == 0)
        Result = Ops->SetOption(File, Level, Optname, Value, Length);
    LxDereferenceFile(File);
    return Result;
}

LONG
NTAPI
LxSysGetsockopt(
    LONG Fd,
    LONG Level,
    LONG Optname,
    CHAR *Optval,
    LONG *Optlen)
{
    UCHAR Value[LX_OPTION_MAX];
    PCLX_SOCKET_OPERATIONS Ops;
    PLX_FILE File;
    ULONG Length;
    LONG Room, Result;

    Result = LxGetSocket(Fd, &File, &Ops);
    if (Result < 0)
        return Result;
    Result = LxCopyFromUser(&Room, (ULONG_PTR)Optlen, sizeof(Room));
    if (Result == 0 && Room < 0)
        Result = -LX_EINVAL;
    if (Result == 0)
    {
        Length = min((ULONG)Room, sizeof(Value));
        Result = Ops->GetOption(File, Level, Optname, Value, &Length);
    }
    LxDereferenceFile(File);
    if (Result < 0)
        return Result;
    Result = LxCopyToUser((ULONG_PTR)Optval, Value, Length);
    if (Result < 0)
        return Result;
    return LxCopyToUser((ULONG_PTR)Optlen, &Length, sizeof(Length));
}

LONG
NTAPI
LxSysSocketcall(
    LONG Call,
    ULONG_PTR *Args)
{
    ULONG_PTR Copy[6];
    LONG Result;

    if (Call < 1 || Call > LXSYS_SOCKETCALL_MAX)
        return -LX_EINVAL;
    Result = LxCopyFromUser(Copy, (ULONG_PTR)Args, LxSocketcallArgs[Call] * sizeof(ULONG_PTR));
    if (Result < 0)
        return Result;
    return LxSocketcallDispatch((ULONG)Call, Copy);
}
