/*
 * PROJECT:     lxss for ReactOS - native test programs
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     TCP on 127.0.0.1 from a native NT program: AFD endpoints driven with AFD's own
 *              IOCTLs, as msafd.dll does for Winsock (a program smss runs has no Win32)
 *
 * Used by the test runner (its TCP peer for the Linux programs, lxtestrun.c) and by
 * tests/bench/ntbench.c (the native TCP rows). The endpoints are blocking (AFD's default):
 * each call waits on the endpoint's event. Ports are in network byte order.
 */

#ifndef _NTAFD_H_
#define _NTAFD_H_

#include <tdi.h>

#include "lxafd.h"         /* lxcore/include: AFD's IOCTLs without winsock2.h */

#define NTAFD_LOOPBACK  0x0100007F     /* 127.0.0.1 */

typedef struct _NTAFD_ENDPOINT
{
    HANDLE Handle;
    HANDLE Event;
} NTAFD_ENDPOINT, *PNTAFD_ENDPOINT;

static NTSTATUS
NtAfdCall(PNTAFD_ENDPOINT Endpoint, ULONG Code, PVOID In, ULONG InLength, PVOID Out,
          ULONG OutLength, PULONG_PTR Information)
{
    IO_STATUS_BLOCK Io;
    NTSTATUS Status;

    Io.Information = 0;
    Status = NtDeviceIoControlFile(Endpoint->Handle, Endpoint->Event, NULL, NULL, &Io, Code, In,
                                   InLength, Out, OutLength);
    if (Status == STATUS_PENDING)
    {
        NtWaitForSingleObject(Endpoint->Event, FALSE, NULL);
        Status = Io.Status;
    }
    if (Information != NULL)
        *Information = Io.Information;
    return Status;
}

static NTSTATUS
NtAfdOpen(PNTAFD_ENDPOINT Endpoint)
{
    static const WCHAR Tcp[] = L"\\Device\\Tcp";
    UNICODE_STRING Name = RTL_CONSTANT_STRING(L"\\Device\\Afd\\Endpoint");
    /* NtCreateFile wants the EA buffer ULONG-aligned (ProbeForRead) */
    union
    {
        FILE_FULL_EA_INFORMATION Ea;
        UCHAR Bytes[sizeof(FILE_FULL_EA_INFORMATION) + AFD_PACKET_COMMAND_LENGTH +
                    sizeof(AFD_CREATE_PACKET) + sizeof(Tcp)];
    } EaBuffer;
    PFILE_FULL_EA_INFORMATION Ea = &EaBuffer.Ea;
    PAFD_CREATE_PACKET Packet;
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK Io;
    NTSTATUS Status;

    Endpoint->Handle = Endpoint->Event = NULL;
    RtlZeroMemory(&EaBuffer, sizeof(EaBuffer));
    Ea->EaNameLength = AFD_PACKET_COMMAND_LENGTH;
    RtlCopyMemory(Ea->EaName, AfdCommand, AFD_PACKET_COMMAND_LENGTH + 1);
    Ea->EaValueLength = (USHORT)(sizeof(AFD_CREATE_PACKET) + sizeof(Tcp) - sizeof(WCHAR));
    Packet = (PAFD_CREATE_PACKET)(Ea->EaName + AFD_PACKET_COMMAND_LENGTH + 1);
    Packet->SizeOfTransportName = sizeof(Tcp) - sizeof(WCHAR);
    RtlCopyMemory(Packet->TransportName, Tcp, sizeof(Tcp));
    InitializeObjectAttributes(&Attributes, &Name, OBJ_CASE_INSENSITIVE, NULL, NULL);
    Status = NtCreateEvent(&Endpoint->Event, EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = NtCreateFile(&Endpoint->Handle, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, &Attributes,
                          &Io, NULL, 0, FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN_IF, 0, Ea,
                          sizeof(EaBuffer));
    if (!NT_SUCCESS(Status))
    {
        NtClose(Endpoint->Event);
        Endpoint->Handle = Endpoint->Event = NULL;
    }
    return Status;
}

static VOID
NtAfdClose(PNTAFD_ENDPOINT Endpoint)
{
    if (Endpoint->Handle != NULL)
        NtClose(Endpoint->Handle);
    if (Endpoint->Event != NULL)
        NtClose(Endpoint->Event);
    Endpoint->Handle = Endpoint->Event = NULL;
}

static VOID
NtAfdAddress(PTA_IP_ADDRESS Address, ULONG Host, USHORT Port)
{
    RtlZeroMemory(Address, sizeof(*Address));
    Address->TAAddressCount = 1;
    Address->Address[0].AddressLength = TDI_ADDRESS_LENGTH_IP;
    Address->Address[0].AddressType = TDI_ADDRESS_TYPE_IP;
    Address->Address[0].Address[0].sin_port = Port;
    Address->Address[0].Address[0].in_addr = Host;
}

/* A listener on 127.0.0.1:Port (0: one AFD picks); *Bound: the port it listens on */
static NTSTATUS
NtAfdListen(PNTAFD_ENDPOINT Listener, USHORT Port, PUSHORT Bound)
{
    struct { ULONG ShareType; TA_IP_ADDRESS Address; } Bind;
    struct { TDI_ADDRESS_INFO Info; UCHAR More[sizeof(TA_IP_ADDRESS)]; } Name;
    AFD_LISTEN_DATA Listen = { FALSE, 4, FALSE };
    ULONG_PTR AddressFile = 0;
    NTSTATUS Status;

    Status = NtAfdOpen(Listener);
    if (!NT_SUCCESS(Status))
        return Status;
    Bind.ShareType = AFD_SHARE_REUSE;
    NtAfdAddress(&Bind.Address, NTAFD_LOOPBACK, Port);
    Status = NtAfdCall(Listener, IOCTL_AFD_BIND, &Bind, sizeof(Bind), NULL, 0, &AddressFile);
    if (!NT_SUCCESS(Status))
        return Status;
    NtClose((HANDLE)AddressFile);    /* msafd keeps the address file's handle: not needed here */
    RtlZeroMemory(&Name, sizeof(Name));
    Status = NtAfdCall(Listener, IOCTL_AFD_GET_SOCK_NAME, NULL, 0, &Name, sizeof(Name), NULL);
    if (!NT_SUCCESS(Status))
        return Status;
    *Bound = ((PTA_IP_ADDRESS)&Name.Info.Address)->Address[0].Address[0].sin_port;
    return NtAfdCall(Listener, IOCTL_AFD_START_LISTEN, &Listen, sizeof(Listen), NULL, 0, NULL);
}

/* The next connection of Listener as Server (waits for one) */
static NTSTATUS
NtAfdAccept(PNTAFD_ENDPOINT Listener, PNTAFD_ENDPOINT Server)
{
    struct { ULONG SequenceNumber; TA_IP_ADDRESS Address; } Pending;
    AFD_ACCEPT_DATA Accept;
    NTSTATUS Status;

    Status = NtAfdCall(Listener, IOCTL_AFD_WAIT_FOR_LISTEN, NULL, 0, &Pending, sizeof(Pending), NULL);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = NtAfdOpen(Server);
    if (!NT_SUCCESS(Status))
        return Status;
    Accept.UseSAN = FALSE;
    Accept.SequenceNumber = Pending.SequenceNumber;
    Accept.ListenHandle = Server->Handle;
    Status = NtAfdCall(Listener, IOCTL_AFD_ACCEPT, &Accept, sizeof(Accept), NULL, 0, NULL);
    if (!NT_SUCCESS(Status))
        NtAfdClose(Server);
    return Status;
}

/* Client connected to 127.0.0.1:Port */
static NTSTATUS
NtAfdConnect(PNTAFD_ENDPOINT Client, USHORT Port)
{
    struct { BOOLEAN UseSAN; ULONG Root; ULONG Unknown; TA_IP_ADDRESS RemoteAddress; } Connect;
    NTSTATUS Status;

    C_ASSERT(FIELD_OFFSET(AFD_CONNECT_INFO, RemoteAddress) == 12);
    Status = NtAfdOpen(Client);
    if (!NT_SUCCESS(Status))
        return Status;
    RtlZeroMemory(&Connect, sizeof(Connect));
    NtAfdAddress(&Connect.RemoteAddress, NTAFD_LOOPBACK, Port);
    return NtAfdCall(Client, IOCTL_AFD_CONNECT, &Connect, sizeof(Connect), NULL, 0, NULL);
}

/* One send (Receive FALSE) or receive of at most Count bytes: the bytes moved, 0 at the end
 * of the stream or on an error */
static ULONG
NtAfdTransfer(PNTAFD_ENDPOINT Endpoint, BOOLEAN Receive, PVOID Buffer, ULONG Count)
{
    AFD_WSABUF Wsabuf;
    AFD_SEND_INFO Info;
    ULONG_PTR Done = 0;
    NTSTATUS Status;

    C_ASSERT(sizeof(AFD_SEND_INFO) == sizeof(AFD_RECV_INFO));
    Wsabuf.len = Count;
    Wsabuf.buf = Buffer;
    Info.BufferArray = &Wsabuf;
    Info.BufferCount = 1;
    Info.AfdFlags = 0;
    Info.TdiFlags = Receive ? TDI_RECEIVE_NORMAL : 0;
    Status = NtAfdCall(Endpoint, Receive ? IOCTL_AFD_RECV : IOCTL_AFD_SEND, &Info, sizeof(Info),
                       NULL, 0, &Done);
    return NT_SUCCESS(Status) ? (ULONG)Done : 0;
}

#endif /* _NTAFD_H_ */
