/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Driver entry: pico provider and service table 2 registration, the \Device\lxss
 *              device and its IOCTLs (lxioctl.h)
 */

#include "lxentry.h"
#include "lxtrace.h"

#define NDEBUG
#include <debug.h>

extern ULONG_PTR LxSysServiceTable[LXSYS_SERVICE_COUNT];
extern UCHAR LxSysArgumentBytes[LXSYS_SERVICE_COUNT];

static BOOLEAN LxPicoRegistered;
static BOOLEAN LxTableRegistered;

static PDEVICE_OBJECT LxDeviceObject;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_DISPATCH LxDispatchCreateClose;
static DRIVER_DISPATCH LxDispatchDeviceControl;

static
ULONG
LxCountImplementedServices(VOID)
{
    ULONG i, Count = 0;

    for (i = 0; i < LXSYS_SERVICE_COUNT; i++)
    {
        if (LxSysServiceTable[i] != (ULONG_PTR)LxSysEnosys)
            Count++;
    }
    return Count;
}

static
NTSTATUS
LxRegisterPicoProvider(VOID)
{
    PS_PICO_PROVIDER_ROUTINES Provider;
    NTSTATUS Status;

    RtlZeroMemory(&Provider, sizeof(Provider));
    Provider.Size = sizeof(Provider);
    Provider.DispatchSystemCall = LxPicoDispatchSystemCall;
    Provider.ExitThread = LxPicoExitThread;
    Provider.ExitProcess = LxPicoExitProcess;
    Provider.DispatchException = LxPicoDispatchException;
    Provider.TerminateProcess = LxPicoTerminateProcess;
    Provider.WalkUserStack = LxPicoWalkUserStack;
    Provider.ProtectedRanges = NULL;
    Provider.GetAllocatedProcessImageName = LxPicoGetAllocatedProcessImageName;
    Provider.OpenProcess = 0;
    Provider.OpenThread = 0;
    Provider.SubsystemInformationType = PicoSubsystemInformationTypeWSL;

    RtlZeroMemory(&LxPicoRoutines, sizeof(LxPicoRoutines));
    LxPicoRoutines.Size = sizeof(LxPicoRoutines);

    Status = PsRegisterPicoProvider(&Provider, &LxPicoRoutines);
    if (!NT_SUCCESS(Status))
    {
        DbgPrint("lxcore: PsRegisterPicoProvider failed, status 0x%08lx\n", Status);
        return Status;
    }
    LxPicoRegistered = TRUE;
    DbgPrint("lxcore: pico provider registered\n");
    return STATUS_SUCCESS;
}

static
NTSTATUS
LxRegisterServiceTable(VOID)
{
    if (!KeAddSystemServiceTable(LxSysServiceTable,
                                 NULL,
                                 LXSYS_SERVICE_COUNT,
                                 LxSysArgumentBytes,
                                 LXSYS_SERVICE_TABLE_INDEX))
    {
        DbgPrint("lxcore: KeAddSystemServiceTable(%d) failed\n", LXSYS_SERVICE_TABLE_INDEX);
        return STATUS_UNSUCCESSFUL;
    }
    LxTableRegistered = TRUE;
    DbgPrint("lxcore: service table %d registered, %d services (%lu implemented)\n",
             LXSYS_SERVICE_TABLE_INDEX, LXSYS_SERVICE_COUNT, LxCountImplementedServices());
    return STATUS_SUCCESS;
}

static
NTSTATUS
NTAPI
LxDispatchCreateClose(
    _In_ PDEVICE_OBJECT DeviceObject,
    _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

/* A fixed-size request from the system buffer, whose first ULONG is its Size: copied out
 * (input and output share the buffer) once it is whole */
static
NTSTATUS
LxCaptureRequest(
    _In_reads_bytes_(InLength) PVOID Buffer,
    _In_ ULONG InLength,
    _Out_writes_bytes_(Size) PVOID Request,
    _In_ ULONG Size)
{
    if (InLength < Size)
        return STATUS_BUFFER_TOO_SMALL;
    RtlCopyMemory(Request, Buffer, Size);
    if (*(PULONG)Request < Size)
        return STATUS_INFO_LENGTH_MISMATCH;
    return STATUS_SUCCESS;
}

static
NTSTATUS
NTAPI
LxDispatchDeviceControl(
    _In_ PDEVICE_OBJECT DeviceObject,
    _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG InLength = Stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG OutLength = Stack->Parameters.DeviceIoControl.OutputBufferLength;
    PVOID Buffer = Irp->AssociatedIrp.SystemBuffer;
    ULONG_PTR Information = 0;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(DeviceObject);
    PAGED_CODE();

    switch (Stack->Parameters.DeviceIoControl.IoControlCode)
    {
        case IOCTL_LXSS_QUERY_INFORMATION:
        {
            PLXSS_INFORMATION Info = Buffer;

            if (OutLength < sizeof(LXSS_INFORMATION))
            {
                Status = STATUS_BUFFER_TOO_SMALL;
                break;
            }
            RtlZeroMemory(Info, sizeof(*Info));
            Info->Size = sizeof(*Info);
            Info->VersionMajor = LXSS_INTERFACE_VERSION_MAJOR;
            Info->VersionMinor = LXSS_INTERFACE_VERSION_MINOR;
            Info->Flags = (LxPicoRegistered ? LXSS_INFO_PICO_PROVIDER_REGISTERED : 0) |
                          (LxTableRegistered ? LXSS_INFO_SERVICE_TABLE_REGISTERED : 0);
            Info->ServiceCount = LXSYS_SERVICE_COUNT;
            Info->ImplementedServices = LxCountImplementedServices();
            Info->ProcessCount = LxProcessCount();
            Information = sizeof(*Info);
            Status = STATUS_SUCCESS;
            break;
        }

        case IOCTL_LXSS_QUERY_COUNTERS:
        {
            PLXSS_COUNTERS Counters = Buffer;

            if (OutLength < sizeof(LXSS_COUNTERS))
            {
                Status = STATUS_BUFFER_TOO_SMALL;
                break;
            }
            RtlZeroMemory(Counters, sizeof(*Counters));
            Counters->Size = sizeof(*Counters);
            Counters->Processes = LxLiveProcessBlocks();
            Counters->Threads = LxThreadCount();
            Counters->Regions = LxMmRegionCount();
            Counters->FutexWaiters = LxFutexWaiterCount();
            Counters->KindCount = LxFileCounts(Counters->Kinds, LXSS_COUNTER_KINDS, &Counters->Files);
            Information = sizeof(*Counters);
            Status = STATUS_SUCCESS;
            break;
        }

        case IOCTL_LXSS_CREATE_PROCESS:
        {
            LXSS_CREATE_PROCESS_OUT Reply;

            if (InLength < sizeof(LXSS_CREATE_PROCESS_IN) ||
                OutLength < sizeof(LXSS_CREATE_PROCESS_OUT))
            {
                Status = STATUS_BUFFER_TOO_SMALL;
                break;
            }
            if (!LxPicoRegistered)
            {
                Status = STATUS_NOT_SUPPORTED;
                break;
            }
            RtlZeroMemory(&Reply, sizeof(Reply));
            Status = LxCreateProcessFromRequest(Buffer, InLength, Irp->RequestorMode, &Reply);
            if (NT_SUCCESS(Status))
            {
                /* input and output share the system buffer: write the reply last */
                RtlCopyMemory(Buffer, &Reply, sizeof(Reply));
                Information = sizeof(Reply);
            }
            break;
        }

        case IOCTL_LXSS_WAIT_PROCESS:
        {
            LXSS_WAIT_PROCESS_IN Request;
            LXSS_WAIT_PROCESS_OUT Reply;

            if (OutLength < sizeof(Reply))
            {
                Status = STATUS_BUFFER_TOO_SMALL;
                break;
            }
            Status = LxCaptureRequest(Buffer, InLength, &Request, sizeof(Request));
            if (!NT_SUCCESS(Status))
                break;
            RtlZeroMemory(&Reply, sizeof(Reply));
            Status = LxWaitProcess(&Request, &Reply);
            if (NT_SUCCESS(Status))
            {
                RtlCopyMemory(Buffer, &Reply, sizeof(Reply));
                Information = sizeof(Reply);
            }
            break;
        }

        case IOCTL_LXSS_SIGNAL_PROCESS:
        {
            LXSS_SIGNAL_PROCESS_IN Request;

            Status = LxCaptureRequest(Buffer, InLength, &Request, sizeof(Request));
            if (NT_SUCCESS(Status))
                Status = LxSignalProcess(&Request);
            break;
        }

        case IOCTL_LXSS_RESIZE_TERMINAL:
        {
            LXSS_RESIZE_TERMINAL_IN Request;

            Status = LxCaptureRequest(Buffer, InLength, &Request, sizeof(Request));
            if (NT_SUCCESS(Status))
                Status = LxResizeTerminal(&Request);
            break;
        }

        default:
            Status = STATUS_INVALID_DEVICE_REQUEST;
            break;
    }

    /* A wait interrupted by an APC must not leave STATUS_USER_APC as an IRP status */
    if (Status == STATUS_USER_APC || Status == STATUS_ALERTED)
        Status = STATUS_CANCELLED;

    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

NTSTATUS
NTAPI
DriverEntry(
    _In_ PDRIVER_OBJECT DriverObject,
    _In_ PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(LXSS_DEVICE_NAME_W);
    UNICODE_STRING LinkName = RTL_CONSTANT_STRING(LXSS_DOS_DEVICE_NAME_W);
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);

    LxInitializeProcessTable();
    LxInitializeMetadata();
    LxSetUserFaultRoutine(LxMmUserFault);
    LxInitializeTrace();
    LxInitializeFutexes();
    LxInitializeSignals();
    LxInitializeLocks();
    LxInitializeIpc();
    LxInitializeShmfs();
    LxInitializeNamedPipes();
    LxInitializeEpoll();
    LxInitializeUnixSockets();
    LxInitializePtys();

    /* The pico registration window closes after boot-start drivers: do it first. */
    Status = LxRegisterPicoProvider();
    if (!NT_SUCCESS(Status))
        return Status;

    /* Without table 2 nothing can run; the provider stays registered (there is no way to
     * unregister it) and the device reports the missing flag. */
    LxRegisterServiceTable();

    Status = IoCreateDevice(DriverObject,
                            0,
                            &DeviceName,
                            FILE_DEVICE_LXSS,
                            FILE_DEVICE_SECURE_OPEN,
                            FALSE,
                            &LxDeviceObject);
    if (!NT_SUCCESS(Status))
    {
        DbgPrint("lxcore: IoCreateDevice failed, status 0x%08lx\n", Status);
        return Status;
    }
    /* the default descriptor would admit any user: see nt/security.c */
    Status = LxSecureDevice(LxDeviceObject);
    if (!NT_SUCCESS(Status))
    {
        DbgPrint("lxcore: cannot secure %wZ, status 0x%08lx\n", &DeviceName, Status);
        IoDeleteDevice(LxDeviceObject);
        return Status;
    }
    Status = IoCreateSymbolicLink(&LinkName, &DeviceName);
    if (!NT_SUCCESS(Status))
        DbgPrint("lxcore: IoCreateSymbolicLink failed, status 0x%08lx\n", Status);

    DriverObject->MajorFunction[IRP_MJ_CREATE] = LxDispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = LxDispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = LxDispatchDeviceControl;
    /* No DriverUnload: a pico provider cannot be unregistered. */

    LxDeviceObject->Flags |= DO_BUFFERED_IO;
    LxDeviceObject->Flags &= ~DO_DEVICE_INITIALIZING;
    DbgPrint("lxcore: device %wZ ready\n", &DeviceName);
    return STATUS_SUCCESS;
}
