/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     TCP and UDP endpoints of ReactOS's own network stack, driven through afd.sys
 *
 * lxcore is a client of afd.sys as msafd.dll is: an endpoint is a file of \Device\Afd opened
 * with an "AfdOpenPacketXX" extended attribute naming \Device\Tcp or \Device\Udp, and every
 * operation is one of AFD's IOCTLs (sdk/include/reactos/drivers/afd/shared.h). AFD keeps the
 * receive and send windows, the backlog of accepted connections and the readiness of each
 * endpoint (its PollState); tcpip.sys does TCP and UDP. lxcore/README.md says why AFD and not
 * a TDI client of its own.
 *
 * Endpoints are non-blocking in AFD (AFD_INFO_BLOCKING_MODE): a call that cannot complete
 * gives STATUS_CANT_WAIT at once, and the Linux socket (fs/inet.c) waits on its own wait
 * queue. Two requests stay outstanding and wake that queue when they complete: the watch, an
 * IOCTL_AFD_SELECT for the events a waiter needs, and a connect, which AFD always completes
 * later. Requests are kernel-mode IRPs and every buffer is kernel memory (fs/inet.c copies
 * from and to the program's); AFD locks them in the requestor's mode (series patch 0032).
 */

#include "lxnt.h"
#include <tdi.h>
#include <windef.h>

#define FD_CONNECT_BIT  4
#define FD_CLOSE_BIT    5
#include "lxafd.h"

#define NDEBUG
#include <debug.h>

/* One request AFD completes later (the watch, a connect): the IRP is ours, freed by its
 * completion unless a cancel holds it */
typedef struct _LX_AFD_ASYNC
{
    PIRP Irp;                   /* outstanding, or NULL */
    BOOLEAN Cancelling;         /* LxAfdCancelAsync holds Irp */
    BOOLEAN FreeLater;          /* completed while held: the canceller frees it */
    NTSTATUS Status;            /* of the last completion */
    KEVENT Idle;                /* set while nothing is outstanding */
} LX_AFD_ASYNC, *PLX_AFD_ASYNC;

#include <pshpack4.h>
typedef struct _LX_AFD_CONNECT
{
    BOOLEAN UseSAN;
    ULONG Root;
    ULONG Unknown;
    TA_IP_ADDRESS RemoteAddress;
} LX_AFD_CONNECT;
#include <poppack.h>
C_ASSERT(FIELD_OFFSET(LX_AFD_CONNECT, RemoteAddress) == FIELD_OFFSET(AFD_CONNECT_INFO, RemoteAddress));

struct _LX_AFD_ENDPOINT
{
    HANDLE Handle;              /* kernel handle */
    PFILE_OBJECT FileObject;
    PDEVICE_OBJECT Device;
    PLX_WAIT_QUEUE Queue;       /* woken by the completions */
    KSPIN_LOCK Lock;            /* the two requests' state */
    LX_AFD_ASYNC Watch;
    ULONG WatchEvents;          /* what the outstanding watch waits for */
    AFD_POLL_INFO WatchInfo;
    LX_AFD_ASYNC Connect;
    BOOLEAN Connecting;
    LX_AFD_CONNECT ConnectInfo;
};

static
VOID
LxAfdInitializeAsync(
    _Out_ PLX_AFD_ASYNC Async)
{
    Async->Irp = NULL;
    Async->Cancelling = FALSE;
    Async->FreeLater = FALSE;
    Async->Status = STATUS_SUCCESS;
    KeInitializeEvent(&Async->Idle, NotificationEvent, TRUE);
}

static
VOID
LxAfdFreeIrp(
    _In_ PIRP Irp)
{
    /* AFD unlocks what it locked; a request it failed early may leave its MDL */
    while (Irp->MdlAddress != NULL)
    {
        PMDL Mdl = Irp->MdlAddress;

        Irp->MdlAddress = Mdl->Next;
        if (Mdl->MdlFlags & MDL_PAGES_LOCKED)
            MmUnlockPages(Mdl);
        IoFreeMdl(Mdl);
    }
    IoFreeIrp(Irp);
}

static IO_COMPLETION_ROUTINE LxAfdAsyncDone;

static
NTSTATUS
NTAPI
LxAfdAsyncDone(
    _In_ PDEVICE_OBJECT DeviceObject,
    _In_ PIRP Irp,
    _In_ PVOID Context)
{
    PLX_AFD_ENDPOINT Endpoint = Context;
    PLX_AFD_ASYNC Async;
    BOOLEAN Free = TRUE;
    KIRQL OldIrql;

    UNREFERENCED_PARAMETER(DeviceObject);
    KeAcquireSpinLock(&Endpoint->Lock, &OldIrql);
    Async = (Endpoint->Watch.Irp == Irp) ? &Endpoint->Watch : &Endpoint->Connect;
    ASSERT(Async->Irp == Irp);
    Async->Status = Irp->IoStatus.Status;
    Async->Irp = NULL;
    if (Async == &Endpoint->Connect)
        Endpoint->Connecting = FALSE;
    else
        Endpoint->WatchEvents = 0;
    if (Async->Cancelling)
    {
        Async->FreeLater = TRUE;
        Free = FALSE;
    }
    else
    {
        KeSetEvent(&Async->Idle, IO_NO_INCREMENT, FALSE);
    }
    KeReleaseSpinLock(&Endpoint->Lock, OldIrql);
    if (Free)
        LxAfdFreeIrp(Irp);
    LxWakeWaitQueue(Endpoint->Queue, 0);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Sends an IRP of ours for Async (the caller set Async->Irp under the lock) */
static
VOID
LxAfdStartAsync(
    _In_ PLX_AFD_ENDPOINT Endpoint,
    _In_ PIRP Irp,
    _In_ ULONG Ioctl,
    _In_ PVOID Buffer,
    _In_ ULONG Length)
{
    PIO_STACK_LOCATION Stack = IoGetNextIrpStackLocation(Irp);

    Irp->RequestorMode = KernelMode;
    Irp->Tail.Overlay.Thread = PsGetCurrentThread();
    Stack->MajorFunction = IRP_MJ_DEVICE_CONTROL;
    Stack->FileObject = Endpoint->FileObject;
    Stack->Parameters.DeviceIoControl.IoControlCode = Ioctl;
    Stack->Parameters.DeviceIoControl.InputBufferLength = Length;
    if ((Ioctl & 3) == METHOD_BUFFERED)
    {
        Irp->AssociatedIrp.SystemBuffer = Buffer;
        Stack->Parameters.DeviceIoControl.OutputBufferLength = Length;
    }
    else
    {
        Stack->Parameters.DeviceIoControl.Type3InputBuffer = Buffer;
    }
    IoSetCompletionRoutine(Irp, LxAfdAsyncDone, Endpoint, TRUE, TRUE, TRUE);
    IoCallDriver(Endpoint->Device, Irp);
}

/* Cancels Async's request if one is outstanding; Wait: until it completed. No new request of
 * Async starts while the cancel holds the IRP (LxAfdWatch waits for it to end), so FreeLater
 * and Idle are about this IRP only. */
static
VOID
LxAfdCancelAsync(
    _In_ PLX_AFD_ENDPOINT Endpoint,
    _Inout_ PLX_AFD_ASYNC Async,
    _In_ BOOLEAN Wait)
{
    PIRP Irp;
    BOOLEAN Free = FALSE;
    KIRQL OldIrql;

    KeAcquireSpinLock(&Endpoint->Lock, &OldIrql);
    Irp = Async->Irp;
    if (Irp != NULL && !Async->Cancelling)
        Async->Cancelling = TRUE;
    else
        Irp = NULL;
    KeReleaseSpinLock(&Endpoint->Lock, OldIrql);
    if (Irp != NULL)
    {
        IoCancelIrp(Irp);
        KeAcquireSpinLock(&Endpoint->Lock, &OldIrql);
        Async->Cancelling = FALSE;
        if (Async->FreeLater)
        {
            /* it completed while we held it: ours to free, and nothing is outstanding */
            Async->FreeLater = FALSE;
            Free = TRUE;
            KeSetEvent(&Async->Idle, IO_NO_INCREMENT, FALSE);
        }
        KeReleaseSpinLock(&Endpoint->Lock, OldIrql);
        if (Free)
            LxAfdFreeIrp(Irp);
        /* waiters that found the cancel in progress did not arm a watch: they ask again */
        LxWakeWaitQueue(Endpoint->Queue, 0);
    }
    if (Wait)
        KeWaitForSingleObject(&Async->Idle, Executive, KernelMode, FALSE, NULL);
}

static IO_COMPLETION_ROUTINE LxAfdRequestDone;

static
NTSTATUS
NTAPI
LxAfdRequestDone(
    _In_ PDEVICE_OBJECT DeviceObject,
    _In_ PIRP Irp,
    _In_ PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent(Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/*
 * One IOCTL that AFD completes at once (the endpoint does not block; a graceful disconnect
 * waits for the send window to drain). The IRP is ours and its completion is a routine, not
 * the I/O manager's APC: callers may hold a mutex (APC_LEVEL).
 */
static
NTSTATUS
LxAfdRequest(
    _In_ PLX_AFD_ENDPOINT Endpoint,
    _In_ ULONG Ioctl,
    _In_reads_bytes_opt_(InLength) PVOID In,
    _In_ ULONG InLength,
    _Out_writes_bytes_opt_(OutLength) PVOID Out,
    _In_ ULONG OutLength,
    _Out_opt_ PULONG_PTR Information)
{
    PIO_STACK_LOCATION Stack;
    PVOID System = NULL;
    KEVENT Event;
    PIRP Irp;
    NTSTATUS Status;

    if (Information != NULL)
        *Information = 0;
    Irp = IoAllocateIrp(Endpoint->Device->StackSize, FALSE);
    if (Irp == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    Irp->RequestorMode = KernelMode;
    Irp->Tail.Overlay.Thread = PsGetCurrentThread();
    Stack = IoGetNextIrpStackLocation(Irp);
    Stack->MajorFunction = IRP_MJ_DEVICE_CONTROL;
    Stack->FileObject = Endpoint->FileObject;
    Stack->Parameters.DeviceIoControl.IoControlCode = Ioctl;
    Stack->Parameters.DeviceIoControl.InputBufferLength = InLength;
    Stack->Parameters.DeviceIoControl.OutputBufferLength = OutLength;
    if ((Ioctl & 3) == METHOD_BUFFERED)
    {
        System = ExAllocatePoolWithTag(NonPagedPool, max(max(InLength, OutLength), 1), LX_TAG_SOCKET);
        if (System == NULL)
        {
            IoFreeIrp(Irp);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        if (In != NULL)
            RtlCopyMemory(System, In, InLength);
        Irp->AssociatedIrp.SystemBuffer = System;
    }
    else
    {
        Stack->Parameters.DeviceIoControl.Type3InputBuffer = In;
        Irp->UserBuffer = Out;
    }
    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    IoSetCompletionRoutine(Irp, LxAfdRequestDone, &Event, TRUE, TRUE, TRUE);
    IoCallDriver(Endpoint->Device, Irp);
    KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, NULL);
    Status = Irp->IoStatus.Status;
    if (NT_SUCCESS(Status) && Information != NULL)
        *Information = Irp->IoStatus.Information;
    if (System != NULL)
    {
        if (NT_SUCCESS(Status) && Out != NULL)
            RtlCopyMemory(Out, System, min(OutLength, (ULONG)Irp->IoStatus.Information));
        ExFreePoolWithTag(System, LX_TAG_SOCKET);
    }
    LxAfdFreeIrp(Irp);
    return Status;
}

static
VOID
LxAfdPutAddress(
    _Out_ PTA_IP_ADDRESS Ta,
    _In_opt_ const lx_inet_addr *Address)
{
    RtlZeroMemory(Ta, sizeof(*Ta));
    Ta->TAAddressCount = 1;
    Ta->Address[0].AddressLength = TDI_ADDRESS_LENGTH_IP;
    Ta->Address[0].AddressType = TDI_ADDRESS_TYPE_IP;
    if (Address != NULL)
    {
        Ta->Address[0].Address[0].sin_port = Address->port;
        Ta->Address[0].Address[0].in_addr = Address->addr;
    }
}

static
NTSTATUS
LxAfdGetAddress(
    _In_ const TRANSPORT_ADDRESS *Ta,
    _In_ ULONG Length,
    _Out_ lx_inet_addr *Address)
{
    const TA_IP_ADDRESS *Ip = (const TA_IP_ADDRESS *)Ta;

    if (Length < sizeof(TA_IP_ADDRESS) || Ta->TAAddressCount < 1 ||
        Ta->Address[0].AddressType != TDI_ADDRESS_TYPE_IP)
        return STATUS_INVALID_ADDRESS;
    Address->port = Ip->Address[0].Address[0].sin_port;
    Address->addr = Ip->Address[0].Address[0].in_addr;
    return STATUS_SUCCESS;
}

/* The transports tcpip.sys makes, as AFD's create packet names them */
static const WCHAR LxAfdTcp[] = L"\\Device\\Tcp", LxAfdUdp[] = L"\\Device\\Udp";

/* AFD opens the transport only at bind or connect: see that tcpip.sys is there first */
static
NTSTATUS
LxAfdTransportPresent(
    _In_ PCWSTR Name)
{
    UNICODE_STRING Device;
    PFILE_OBJECT FileObject;
    PDEVICE_OBJECT DeviceObject;
    NTSTATUS Status;

    RtlInitUnicodeString(&Device, Name);
    Status = IoGetDeviceObjectPointer(&Device, FILE_READ_ATTRIBUTES, &FileObject, &DeviceObject);
    if (NT_SUCCESS(Status))
        ObDereferenceObject(FileObject);
    return Status;
}

static
NTSTATUS
LxAfdOpen(
    _In_ BOOLEAN Datagram,
    _In_ PLX_WAIT_QUEUE Queue,
    _Out_ PLX_AFD_ENDPOINT *Result)
{
    static UNICODE_STRING AfdName = RTL_CONSTANT_STRING(L"\\Device\\Afd\\Endpoint");
    /* an EA buffer is ULONG-aligned (IoCheckEaBufferValidity) */
    union
    {
        FILE_FULL_EA_INFORMATION Ea;
        UCHAR Bytes[sizeof(FILE_FULL_EA_INFORMATION) + AFD_PACKET_COMMAND_LENGTH +
                    sizeof(AFD_CREATE_PACKET) + sizeof(LxAfdTcp)];
    } EaBuffer;
    PFILE_FULL_EA_INFORMATION Ea = &EaBuffer.Ea;
    PAFD_CREATE_PACKET Packet;
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK Iosb;
    PLX_AFD_ENDPOINT Endpoint;
    AFD_INFO Info;
    NTSTATUS Status;

    C_ASSERT(sizeof(LxAfdTcp) == sizeof(LxAfdUdp));
    *Result = NULL;
    Endpoint = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Endpoint), LX_TAG_SOCKET);
    if (Endpoint == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlZeroMemory(Endpoint, sizeof(*Endpoint));
    Endpoint->Queue = Queue;
    KeInitializeSpinLock(&Endpoint->Lock);
    LxAfdInitializeAsync(&Endpoint->Watch);
    LxAfdInitializeAsync(&Endpoint->Connect);

    RtlZeroMemory(&EaBuffer, sizeof(EaBuffer));
    Ea->EaNameLength = AFD_PACKET_COMMAND_LENGTH;
    RtlCopyMemory(Ea->EaName, AfdCommand, AFD_PACKET_COMMAND_LENGTH + 1);
    Packet = (PAFD_CREATE_PACKET)(Ea->EaName + AFD_PACKET_COMMAND_LENGTH + 1);
    Packet->EndpointFlags = Datagram ? AFD_ENDPOINT_CONNECTIONLESS | AFD_ENDPOINT_MESSAGE_ORIENTED : 0;
    Packet->GroupID = 0;
    Packet->SizeOfTransportName = sizeof(LxAfdTcp) - sizeof(WCHAR);
    RtlCopyMemory(Packet->TransportName, Datagram ? LxAfdUdp : LxAfdTcp, sizeof(LxAfdTcp));
    Ea->EaValueLength = (USHORT)(sizeof(AFD_CREATE_PACKET) + Packet->SizeOfTransportName);

    InitializeObjectAttributes(&Attributes, &AfdName, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE,
                               NULL, NULL);
    Status = ZwCreateFile(&Endpoint->Handle, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE,
                          &Attributes, &Iosb, NULL, 0, FILE_SHARE_READ | FILE_SHARE_WRITE,
                          FILE_OPEN_IF, 0, Ea, sizeof(EaBuffer));
    if (!NT_SUCCESS(Status))
    {
        ExFreePoolWithTag(Endpoint, LX_TAG_SOCKET);
        return Status;
    }
    Status = ObReferenceObjectByHandle(Endpoint->Handle, 0, *IoFileObjectType, KernelMode,
                                       (PVOID *)&Endpoint->FileObject, NULL);
    if (!NT_SUCCESS(Status))
    {
        ZwClose(Endpoint->Handle);
        ExFreePoolWithTag(Endpoint, LX_TAG_SOCKET);
        return Status;
    }
    Endpoint->Device = IoGetRelatedDeviceObject(Endpoint->FileObject);

    RtlZeroMemory(&Info, sizeof(Info));
    Info.InformationClass = AFD_INFO_BLOCKING_MODE;
    Info.Information.Boolean = TRUE;
    Status = LxAfdRequest(Endpoint, IOCTL_AFD_SET_INFO, &Info, sizeof(Info), NULL, 0, NULL);
    if (!NT_SUCCESS(Status))
    {
        LxAfdClose(Endpoint);
        return Status;
    }
    *Result = Endpoint;
    return STATUS_SUCCESS;
}

NTSTATUS
LxAfdCreate(
    _In_ BOOLEAN Datagram,
    _In_ PLX_WAIT_QUEUE Queue,
    _Out_ PLX_AFD_ENDPOINT *Endpoint)
{
    /* once per socket(2); an accepted endpoint's transport is its listener's */
    NTSTATUS Status = LxAfdTransportPresent(Datagram ? LxAfdUdp : LxAfdTcp);

    *Endpoint = NULL;
    if (!NT_SUCCESS(Status))
        return Status;
    return LxAfdOpen(Datagram, Queue, Endpoint);
}

VOID
LxAfdClose(
    _In_ PLX_AFD_ENDPOINT Endpoint)
{
    LxAfdCancelAsync(Endpoint, &Endpoint->Watch, TRUE);
    /* Closing the handle ends a connect in progress; AFD completes its IRP */
    ZwClose(Endpoint->Handle);
    LxAfdCancelAsync(Endpoint, &Endpoint->Connect, TRUE);
    ObDereferenceObject(Endpoint->FileObject);
    ExFreePoolWithTag(Endpoint, LX_TAG_SOCKET);
}

NTSTATUS
LxAfdBind(
    _In_ PLX_AFD_ENDPOINT Endpoint,
    _In_ const lx_inet_addr *Address,
    _In_ BOOLEAN Reuse)
{
    struct
    {
        ULONG ShareType;
        TA_IP_ADDRESS Address;
    } Bind;
    ULONG_PTR Handle = 0;
    NTSTATUS Status;

    C_ASSERT(FIELD_OFFSET(AFD_BIND_DATA, Address) == sizeof(ULONG));
    Bind.ShareType = Reuse ? AFD_SHARE_REUSE : AFD_SHARE_UNIQUE;
    LxAfdPutAddress(&Bind.Address, Address);
    Status = LxAfdRequest(Endpoint, IOCTL_AFD_BIND, &Bind, sizeof(Bind), NULL, 0, &Handle);
    /* AFD opens the address file for msafd in the caller's handle table: not wanted here */
    if (NT_SUCCESS(Status) && Handle != 0)
        ObCloseHandle((HANDLE)Handle, KernelMode);
    return Status;
}

NTSTATUS
LxAfdListen(
    _In_ PLX_AFD_ENDPOINT Endpoint,
    _In_ ULONG Backlog)
{
    AFD_LISTEN_DATA Listen;

    RtlZeroMemory(&Listen, sizeof(Listen));
    Listen.Backlog = Backlog;
    return LxAfdRequest(Endpoint, IOCTL_AFD_START_LISTEN, &Listen, sizeof(Listen), NULL, 0, NULL);
}

/* The next connection of a listening endpoint as a new endpoint: STATUS_CANT_WAIT if none */
NTSTATUS
LxAfdAccept(
    _In_ PLX_AFD_ENDPOINT Endpoint,
    _In_ PLX_WAIT_QUEUE NewQueue,
    _Out_ PLX_AFD_ENDPOINT *NewEndpoint,
    _Out_ lx_inet_addr *Peer)
{
    struct
    {
        ULONG SequenceNumber;
        TA_IP_ADDRESS Address;
    } Pending;
    AFD_ACCEPT_DATA Accept;
    PLX_AFD_ENDPOINT New;
    ULONG_PTR Length = 0;
    NTSTATUS Status;

    *NewEndpoint = NULL;
    RtlZeroMemory(&Pending, sizeof(Pending));
    Status = LxAfdRequest(Endpoint, IOCTL_AFD_WAIT_FOR_LISTEN, NULL, 0, &Pending, sizeof(Pending),
                          &Length);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = LxAfdGetAddress((PTRANSPORT_ADDRESS)&Pending.Address,
                             (ULONG)(Length - sizeof(ULONG)), Peer);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = LxAfdOpen(FALSE, NewQueue, &New);
    if (!NT_SUCCESS(Status))
        return Status;
    RtlZeroMemory(&Accept, sizeof(Accept));
    Accept.SequenceNumber = Pending.SequenceNumber;
    Accept.ListenHandle = New->Handle;
    Status = LxAfdRequest(Endpoint, IOCTL_AFD_ACCEPT, &Accept, sizeof(Accept), NULL, 0, NULL);
    if (!NT_SUCCESS(Status))
    {
        /* another thread took that connection first */
        LxAfdClose(New);
        return Status == STATUS_UNSUCCESSFUL ? STATUS_CANT_WAIT : Status;
    }
    *NewEndpoint = New;
    return STATUS_SUCCESS;
}

/* Starts a connect (a datagram endpoint only records the peer, at once). STATUS_PENDING:
 * LxAfdConnectDone tells the end; STATUS_CONNECTION_ACTIVE if one is already in progress. */
NTSTATUS
LxAfdConnect(
    _In_ PLX_AFD_ENDPOINT Endpoint,
    _In_ const lx_inet_addr *Address,
    _In_ BOOLEAN Datagram)
{
    PIRP Irp;
    KIRQL OldIrql;

    if (Datagram)
    {
        LX_AFD_CONNECT Info;

        RtlZeroMemory(&Info, sizeof(Info));
        LxAfdPutAddress(&Info.RemoteAddress, Address);
        return LxAfdRequest(Endpoint, IOCTL_AFD_CONNECT, &Info, sizeof(Info), NULL, 0, NULL);
    }
    Irp = IoAllocateIrp(Endpoint->Device->StackSize, FALSE);
    if (Irp == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    KeAcquireSpinLock(&Endpoint->Lock, &OldIrql);
    if (Endpoint->Connect.Irp != NULL)
    {
        KeReleaseSpinLock(&Endpoint->Lock, OldIrql);
        IoFreeIrp(Irp);
        return STATUS_CONNECTION_ACTIVE;
    }
    Endpoint->Connect.Irp = Irp;
    Endpoint->Connecting = TRUE;
    KeClearEvent(&Endpoint->Connect.Idle);
    RtlZeroMemory(&Endpoint->ConnectInfo, sizeof(Endpoint->ConnectInfo));
    LxAfdPutAddress(&Endpoint->ConnectInfo.RemoteAddress, Address);
    KeReleaseSpinLock(&Endpoint->Lock, OldIrql);
    LxAfdStartAsync(Endpoint, Irp, IOCTL_AFD_CONNECT, &Endpoint->ConnectInfo,
                    sizeof(Endpoint->ConnectInfo));
    return STATUS_PENDING;
}

/* FALSE while the connect is in progress; then its status */
BOOLEAN
LxAfdConnectDone(
    _In_ PLX_AFD_ENDPOINT Endpoint,
    _Out_ PNTSTATUS Status)
{
    BOOLEAN Done;
    KIRQL OldIrql;

    KeAcquireSpinLock(&Endpoint->Lock, &OldIrql);
    Done = !Endpoint->Connecting;
    *Status = Endpoint->Connect.Status;
    KeReleaseSpinLock(&Endpoint->Lock, OldIrql);
    return Done;
}

/* Stream data from kernel buffers */
NTSTATUS
LxAfdSend(
    _In_ PLX_AFD_ENDPOINT Endpoint,
    _In_reads_(Count) const LX_AFD_BUFFER *Buffers,
    _In_ ULONG Count,
    _Out_ PULONG Sent)
{
    AFD_SEND_INFO Send;
    ULONG_PTR Information = 0;
    NTSTATUS Status;

    C_ASSERT(sizeof(LX_AFD_BUFFER) == sizeof(AFD_WSABUF));
    C_ASSERT(FIELD_OFFSET(LX_AFD_BUFFER, Buffer) == FIELD_OFFSET(AFD_WSABUF, buf));
    RtlZeroMemory(&Send, sizeof(Send));
    Send.BufferArray = (PAFD_WSABUF)Buffers;
    Send.BufferCount = Count;
    Status = LxAfdRequest(Endpoint, IOCTL_AFD_SEND, &Send, sizeof(Send), NULL, 0, &Information);
    *Sent = (ULONG)Information;
    return Status;
}

NTSTATUS
LxAfdReceive(
    _In_ PLX_AFD_ENDPOINT Endpoint,
    _In_reads_(Count) const LX_AFD_BUFFER *Buffers,
    _In_ ULONG Count,
    _In_ BOOLEAN Peek,
    _Out_ PULONG Received)
{
    AFD_RECV_INFO Recv;
    ULONG_PTR Information = 0;
    NTSTATUS Status;

    RtlZeroMemory(&Recv, sizeof(Recv));
    Recv.BufferArray = (PAFD_WSABUF)Buffers;
    Recv.BufferCount = Count;
    Recv.TdiFlags = TDI_RECEIVE_NORMAL | (Peek ? TDI_RECEIVE_PEEK : 0);
    Status = LxAfdRequest(Endpoint, IOCTL_AFD_RECV, &Recv, sizeof(Recv), NULL, 0, &Information);
    *Received = (ULONG)Information;
    return Status;
}

/* One datagram from a kernel buffer to To (NULL: the connected peer) */
NTSTATUS
LxAfdSendDatagram(
    _In_ PLX_AFD_ENDPOINT Endpoint,
    _In_reads_bytes_(Length) PVOID Buffer,
    _In_ ULONG Length,
    _In_opt_ const lx_inet_addr *To)
{
    AFD_SEND_INFO_UDP Send;
    AFD_WSABUF Wsabuf;
    TA_IP_ADDRESS Address;

    if (To == NULL)
    {
        LX_AFD_BUFFER One = { Length, Buffer };
        ULONG Sent;

        return LxAfdSend(Endpoint, &One, 1, &Sent);
    }
    Wsabuf.len = Length;
    Wsabuf.buf = Buffer;
    LxAfdPutAddress(&Address, To);
    RtlZeroMemory(&Send, sizeof(Send));
    Send.BufferArray = &Wsabuf;
    Send.BufferCount = 1;
    Send.TdiConnection.RemoteAddress = &Address;
    Send.TdiConnection.RemoteAddressLength = sizeof(Address);
    return LxAfdRequest(Endpoint, IOCTL_AFD_SEND_DATAGRAM, &Send, sizeof(Send), NULL, 0, NULL);
}

/* One datagram into a kernel buffer: STATUS_BUFFER_OVERFLOW when it was cut */
NTSTATUS
LxAfdReceiveDatagram(
    _In_ PLX_AFD_ENDPOINT Endpoint,
    _Out_writes_bytes_(Length) PVOID Buffer,
    _In_ ULONG Length,
    _In_ BOOLEAN Peek,
    _Out_ PULONG Received,
    _Out_ lx_inet_addr *From)
{
    AFD_RECV_INFO_UDP Recv;
    AFD_WSABUF Wsabuf;
    /* AFD stores the address from its AddressType on: sockaddr_in's layout */
    UCHAR Address[sizeof(TA_IP_ADDRESS)];
    INT AddressLength = sizeof(Address);
    ULONG_PTR Information = 0;
    NTSTATUS Status;

    Wsabuf.len = Length;
    Wsabuf.buf = Buffer;
    RtlZeroMemory(&Recv, sizeof(Recv));
    RtlZeroMemory(Address, sizeof(Address));
    Recv.BufferArray = &Wsabuf;
    Recv.BufferCount = 1;
    Recv.TdiFlags = TDI_RECEIVE_NORMAL | (Peek ? TDI_RECEIVE_PEEK : 0);
    Recv.Address = Address;
    Recv.AddressLength = &AddressLength;
    Status = LxAfdRequest(Endpoint, IOCTL_AFD_RECV_DATAGRAM, &Recv, sizeof(Recv), NULL, 0,
                          &Information);
    if (Status == STATUS_BUFFER_OVERFLOW)
        Information = Length;
    *Received = (ULONG)Information;
    From->port = (USHORT)(Address[2] | (Address[3] << 8));
    RtlCopyMemory(&From->addr, Address + 4, sizeof(From->addr));
    return Status;
}

/* Send: a graceful close of the sending side; Receive: no more data is taken */
NTSTATUS
LxAfdShutdown(
    _In_ PLX_AFD_ENDPOINT Endpoint,
    _In_ BOOLEAN Send,
    _In_ BOOLEAN Receive)
{
    AFD_DISCONNECT_INFO Disconnect;
    NTSTATUS Status = STATUS_SUCCESS;

    RtlZeroMemory(&Disconnect, sizeof(Disconnect));
    /* AFD aborts the connection for both directions at once: Linux sends a FIN */
    if (Send)
    {
        Disconnect.DisconnectType = AFD_DISCONNECT_SEND;
        Disconnect.Timeout.QuadPart = -1;
        Status = LxAfdRequest(Endpoint, IOCTL_AFD_DISCONNECT, &Disconnect, sizeof(Disconnect),
                              NULL, 0, NULL);
    }
    if (Receive && NT_SUCCESS(Status))
    {
        Disconnect.DisconnectType = AFD_DISCONNECT_RECV;
        Status = LxAfdRequest(Endpoint, IOCTL_AFD_DISCONNECT, &Disconnect, sizeof(Disconnect),
                              NULL, 0, NULL);
    }
    return Status;
}

NTSTATUS
LxAfdGetName(
    _In_ PLX_AFD_ENDPOINT Endpoint,
    _In_ BOOLEAN Peer,
    _Out_ lx_inet_addr *Address)
{
    union
    {
        TDI_ADDRESS_INFO Info;
        UCHAR Bytes[sizeof(TDI_ADDRESS_INFO) + sizeof(TA_IP_ADDRESS)];
    } Out;
    ULONG_PTR Length = 0;
    NTSTATUS Status;

    RtlZeroMemory(&Out, sizeof(Out));
    if (Peer)
    {
        Status = LxAfdRequest(Endpoint, IOCTL_AFD_GET_PEER_NAME, NULL, 0, &Out, sizeof(Out), &Length);
        if (!NT_SUCCESS(Status))
            return Status;
        return LxAfdGetAddress((PTRANSPORT_ADDRESS)&Out, sizeof(TA_IP_ADDRESS), Address);
    }
    Status = LxAfdRequest(Endpoint, IOCTL_AFD_GET_SOCK_NAME, NULL, 0, &Out, sizeof(Out), &Length);
    if (!NT_SUCCESS(Status))
        return Status;
    return LxAfdGetAddress(&Out.Info.Address, sizeof(TA_IP_ADDRESS), Address);
}

/* AFD's readiness of the endpoint (LX_AFD_EVENT_*) and the status of a failed connect and of
 * the connection's end */
NTSTATUS
LxAfdQueryEvents(
    _In_ PLX_AFD_ENDPOINT Endpoint,
    _Out_ PULONG Events,
    _Out_opt_ PNTSTATUS ConnectStatus,
    _Out_opt_ PNTSTATUS CloseStatus)
{
    AFD_ENUM_NETWORK_EVENTS_INFO Enum;
    NTSTATUS Status;

    RtlZeroMemory(&Enum, sizeof(Enum));
    Status = LxAfdRequest(Endpoint, IOCTL_AFD_ENUM_NETWORK_EVENTS, &Enum, sizeof(Enum), NULL, 0, NULL);
    *Events = NT_SUCCESS(Status) ? Enum.PollEvents : 0;
    if (ConnectStatus != NULL)
        *ConnectStatus = Enum.EventStatus[FD_CONNECT_BIT];
    if (CloseStatus != NULL)
        *CloseStatus = Enum.EventStatus[FD_CLOSE_BIT];
    return Status;
}

/* Wakes the endpoint's queue once any of Events (LX_AFD_EVENT_*) is set. A watch already
 * outstanding for fewer events is cancelled: its completion wakes the waiters, who ask again. */
VOID
LxAfdWatch(
    _In_ PLX_AFD_ENDPOINT Endpoint,
    _In_ ULONG Events)
{
    PIRP Irp = NULL;
    BOOLEAN Cancel = FALSE;
    KIRQL OldIrql;

    for (;;)
    {
        KeAcquireSpinLock(&Endpoint->Lock, &OldIrql);
        if (Endpoint->Watch.Irp != NULL || Endpoint->Watch.Cancelling)
        {
            /* one watch at a time; a cancel in progress wakes the waiters when it ends */
            Cancel = Endpoint->Watch.Irp != NULL && !Endpoint->Watch.Cancelling &&
                     (Endpoint->WatchEvents & Events) != Events;
            break;
        }
        if (Irp != NULL)
            break;
        KeReleaseSpinLock(&Endpoint->Lock, OldIrql);
        Irp = IoAllocateIrp(Endpoint->Device->StackSize, FALSE);
        if (Irp == NULL)
            return;     /* the waiter's own timeout or signal ends its wait */
    }
    if (Endpoint->Watch.Irp != NULL || Endpoint->Watch.Cancelling)
    {
        KeReleaseSpinLock(&Endpoint->Lock, OldIrql);
        if (Irp != NULL)
            IoFreeIrp(Irp);
        if (Cancel)
            LxAfdCancelAsync(Endpoint, &Endpoint->Watch, FALSE);
        return;
    }
    Endpoint->Watch.Irp = Irp;
    Endpoint->WatchEvents = Events;
    KeClearEvent(&Endpoint->Watch.Idle);
    RtlZeroMemory(&Endpoint->WatchInfo, sizeof(Endpoint->WatchInfo));
    Endpoint->WatchInfo.Timeout.QuadPart = MAXLONGLONG;
    Endpoint->WatchInfo.HandleCount = 1;
    Endpoint->WatchInfo.Handles[0].Handle = (SOCKET)Endpoint->Handle;
    Endpoint->WatchInfo.Handles[0].Events = Events;
    KeReleaseSpinLock(&Endpoint->Lock, OldIrql);
    LxAfdStartAsync(Endpoint, Irp, IOCTL_AFD_SELECT, &Endpoint->WatchInfo,
                    sizeof(Endpoint->WatchInfo));
}
