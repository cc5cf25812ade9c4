/*
 * PROJECT:     lxss for ReactOS - psxss
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Client side of the psxss LPC protocol
 */

/* INCLUDES *******************************************************************/

#define WIN32_NO_STATUS
#include <windef.h>
#include <winbase.h>

#define NTOS_MODE_USER
#include <ndk/lpcfuncs.h>
#include <ndk/mmfuncs.h>
#include <ndk/obfuncs.h>
#include <ndk/kefuncs.h>
#include <ndk/rtlfuncs.h>

#include <sm/smmsg.h>

#include "psxcli.h"

/* FUNCTIONS ******************************************************************/

static
VOID
PsxpInitMessage(
    _Out_ PPSX_API_MSG Message,
    _In_ PSX_API_NUMBER ApiNumber)
{
    RtlZeroMemory(Message, sizeof(*Message));
    Message->h.u1.s1.DataLength = sizeof(*Message) - sizeof(Message->h);
    Message->h.u1.s1.TotalLength = sizeof(*Message);
    Message->ApiNumber = ApiNumber;
}

static
NTSTATUS
PsxpCall(
    _In_ PPSX_CLIENT Client,
    _Inout_ PPSX_API_MSG Message)
{
    NTSTATUS Status;

    if (!Client->Port)
        return STATUS_INVALID_HANDLE;

    Status = NtRequestWaitReplyPort(Client->Port, &Message->h, &Message->h);
    if (!NT_SUCCESS(Status))
        return Status;
    return Message->Status;
}

static
NTSTATUS
PsxpConnectOnce(
    _Inout_ PPSX_CLIENT Client)
{
    NTSTATUS Status;
    UNICODE_STRING PortName;
    SECURITY_QUALITY_OF_SERVICE Qos;
    PORT_VIEW ClientView;
    PSX_CONNECTION_INFO ConnectionInfo;
    ULONG ConnectionInfoLength = sizeof(ConnectionInfo);

    RtlInitUnicodeString(&PortName, PSX_API_PORT_NAME);
    Qos.Length = sizeof(Qos);
    Qos.ImpersonationLevel = SecurityImpersonation;
    Qos.ContextTrackingMode = SECURITY_DYNAMIC_TRACKING;
    Qos.EffectiveOnly = TRUE;

    RtlZeroMemory(&ClientView, sizeof(ClientView));
    ClientView.Length = sizeof(ClientView);
    ClientView.SectionHandle = Client->Section;
    ClientView.SectionOffset = 0;
    ClientView.ViewSize = PSX_VIEW_SIZE;

    RtlZeroMemory(&ConnectionInfo, sizeof(ConnectionInfo));
    ConnectionInfo.ProtocolVersion = PSX_PROTOCOL_VERSION;
    ConnectionInfo.ProtocolMinorVersion = PSX_PROTOCOL_MINOR_VERSION;

    Status = NtConnectPort(&Client->Port,
                           &PortName,
                           &Qos,
                           &ClientView,
                           NULL,
                           NULL,
                           &ConnectionInfo,
                           &ConnectionInfoLength);
    if (!NT_SUCCESS(Status))
    {
        Client->Port = NULL;
        return Status;
    }

    Client->ViewBase = ClientView.ViewBase;
    Client->ViewSize = (ULONG)ClientView.ViewSize;
    Client->ServerProcessId = ConnectionInfo.ServerProcessId;
    Client->LxcoreStatus = ConnectionInfo.LxcoreStatus;
    /* The server speaks the lower of the two minor versions (an older one answers 0) */
    Client->ProtocolMinorVersion = min(ConnectionInfo.ProtocolMinorVersion,
                                       PSX_PROTOCOL_MINOR_VERSION);
    if (ConnectionInfo.ProtocolVersion != PSX_PROTOCOL_VERSION || !Client->ViewBase)
    {
        NtClose(Client->Port);
        Client->Port = NULL;
        return STATUS_REVISION_MISMATCH;
    }
    return STATUS_SUCCESS;
}

static
NTSTATUS
PsxpStartServer(VOID)
{
    NTSTATUS Status;
    HANDLE SmApiPort;
    UNICODE_STRING Name;

    Status = SmConnectToSm(NULL, NULL, 0, &SmApiPort);
    if (!NT_SUCCESS(Status))
        return Status;

    RtlInitUnicodeString(&Name, PSX_SUBSYSTEM_NAME);
    Status = SmLoadDeferedSubsystem(SmApiPort, &Name);
    NtClose(SmApiPort);
    return Status;
}

NTSTATUS
NTAPI
PsxConnect(
    _Out_ PPSX_CLIENT Client,
    _In_ BOOLEAN StartServer,
    _In_ ULONG TimeoutMilliseconds)
{
    NTSTATUS Status;
    LARGE_INTEGER SectionSize;
    LARGE_INTEGER Delay;
    ULONG Waited = 0;
    BOOLEAN Started = FALSE;

    RtlZeroMemory(Client, sizeof(*Client));

    SectionSize.QuadPart = PSX_VIEW_SIZE;
    Status = NtCreateSection(&Client->Section,
                             SECTION_ALL_ACCESS,
                             NULL,
                             &SectionSize,
                             PAGE_READWRITE,
                             SEC_COMMIT,
                             NULL);
    if (!NT_SUCCESS(Status))
        return Status;

    Delay.QuadPart = -100 * 10000LL; /* 100 ms */
    for (;;)
    {
        Status = PsxpConnectOnce(Client);
        if (NT_SUCCESS(Status))
            break;

        /* Only a missing server is worth waiting for */
        if (Status != STATUS_OBJECT_NAME_NOT_FOUND || !StartServer)
            break;

        if (!Started)
        {
            /* smss returns once psxss has registered (its API port exists by then) */
            Started = TRUE;
            Status = PsxpStartServer();
            if (!NT_SUCCESS(Status))
                break;
            continue;
        }

        if (Waited >= TimeoutMilliseconds)
        {
            Status = STATUS_OBJECT_NAME_NOT_FOUND;
            break;
        }
        NtDelayExecution(FALSE, &Delay);
        Waited += 100;
    }

    if (!NT_SUCCESS(Status))
    {
        NtClose(Client->Section);
        Client->Section = NULL;
    }
    return Status;
}

VOID
NTAPI
PsxDisconnect(
    _Inout_ PPSX_CLIENT Client)
{
    if (Client->Port)
        NtClose(Client->Port);
    if (Client->Section)
        NtClose(Client->Section);
    RtlZeroMemory(Client, sizeof(*Client));
}

NTSTATUS
NTAPI
PsxCreateProcess(
    _In_ PPSX_CLIENT Client,
    _In_ const PSX_REQUEST_PARAMS *Params,
    _In_opt_ HANDLE StdHandles[3],
    _Out_ PLONG LinuxError,
    _Out_ PULONG Pid)
{
    PSX_API_MSG Message;
    PSX_REQUEST_PARAMS Plain;
    uint32_t Written;
    uint32_t HandleMask;
    int Error;
    ULONG Index;
    NTSTATUS Status;

    *LinuxError = 0;
    *Pid = 0;
    if (!Client->ViewBase)
        return STATUS_INVALID_HANDLE;

    if ((Params->Flags & PSX_REQUEST_TRACE) && Client->ProtocolMinorVersion < 2)
    {
        /* A server older than minor 2 cannot ask lxcore for a trace */
        *LinuxError = PSX_EINVAL;
        return STATUS_NOT_SUPPORTED;
    }
    if ((Params->Flags & PSX_REQUEST_USER) && Client->ProtocolMinorVersion < 4)
    {
        /* nor one older than minor 4 start a program as another user (never run it as root
         * instead) */
        *LinuxError = PSX_EINVAL;
        return STATUS_NOT_SUPPORTED;
    }

    Plain = *Params;
    if ((Plain.Flags & PSX_REQUEST_TTY_ANY) && !(Plain.Flags & PSX_REQUEST_STDIO_TTY) &&
        Client->ProtocolMinorVersion < 3)
    {
        /* A server older than minor 3 makes no pseudo-terminals: ask for the emulated
         * terminal it knows instead (fds 0-2 marked, the handles given as they are), after
         * the handle rule a newer server would apply, so both refuse the same requests.
         * Both kinds at once, or a terminal with debug stdio, are left for the packer to
         * refuse, as it does for a newer server */
        HandleMask = 0;
        for (Index = 0; Index < 3; Index++)
        {
            if (StdHandles && StdHandles[Index])
                HandleMask |= 1u << Index;
        }
        Error = PsxCheckTerminalHandles(Plain.Flags, HandleMask);
        if (Error != 0 && !(Plain.Flags & PSX_REQUEST_DEBUG_STDIO))
        {
            *LinuxError = Error;
            return STATUS_INVALID_PARAMETER_MIX;
        }
        Plain.Flags = (Plain.Flags & ~PSX_REQUEST_TTY_ANY) | PSX_REQUEST_STDIO_TTY;
    }
    if ((Plain.Flags & PSX_REQUEST_STDIO_TTY) && Client->ProtocolMinorVersion == 0)
    {
        /* A server older than minor 1 knows no terminals: the program gets plain stdio */
        Plain.Flags &= ~PSX_REQUEST_STDIO_TTY;
        Plain.TerminalRows = Plain.TerminalColumns = 0;
    }

    /* The request goes at the start of the view, in the layout of the agreed version */
    Error = PsxPackRequest(Client->ViewBase,
                           Client->ViewSize,
                           Client->ProtocolMinorVersion,
                           &Plain,
                           &Written);
    if (Error != 0)
    {
        *LinuxError = Error;
        return STATUS_SUCCESS;
    }

    PsxpInitMessage(&Message, PsxApiCreateProcess);
    Message.u.CreateProcess.RequestOffset = 0;
    Message.u.CreateProcess.RequestLength = Written;
    for (Index = 0; Index < 3; Index++)
        Message.u.CreateProcess.StdHandles[Index] = StdHandles ? StdHandles[Index] : NULL;

    Status = PsxpCall(Client, &Message);

    /* A refused request says why too (-EINVAL, -ENOTTY...); 0 if no answer came back */
    *LinuxError = Message.u.CreateProcess.LinuxError;
    if (!NT_SUCCESS(Status))
        return Status;

    *Pid = Message.u.CreateProcess.Pid;
    return STATUS_SUCCESS;
}

NTSTATUS
NTAPI
PsxWaitProcess(
    _In_ PPSX_CLIENT Client,
    _In_ ULONG Pid,
    _In_ ULONG TimeoutMilliseconds,
    _Out_ PPSX_WAIT_PROCESS_MSG Result)
{
    PSX_API_MSG Message;
    NTSTATUS Status;

    PsxpInitMessage(&Message, PsxApiWaitProcess);
    Message.u.WaitProcess.Pid = Pid;
    Message.u.WaitProcess.TimeoutMilliseconds = TimeoutMilliseconds;

    Status = PsxpCall(Client, &Message);
    *Result = Message.u.WaitProcess;
    return Status;
}

NTSTATUS
NTAPI
PsxSignalProcess(
    _In_ PPSX_CLIENT Client,
    _In_ ULONG Pid,
    _In_ ULONG Signal)
{
    PSX_API_MSG Message;

    PsxpInitMessage(&Message, PsxApiSignalProcess);
    Message.u.SignalProcess.Pid = Pid;
    Message.u.SignalProcess.Signal = Signal;
    return PsxpCall(Client, &Message);
}

NTSTATUS
NTAPI
PsxResizeTerminal(
    _In_ PPSX_CLIENT Client,
    _In_ ULONG Pid,
    _In_ USHORT Rows,
    _In_ USHORT Columns)
{
    PSX_API_MSG Message;

    /* A server older than minor 3 has no such request (it would refuse the number) */
    if (Client->ProtocolMinorVersion < 3)
        return STATUS_NOT_SUPPORTED;

    PsxpInitMessage(&Message, PsxApiResizeTerminal);
    Message.u.ResizeTerminal.Pid = Pid;
    Message.u.ResizeTerminal.Rows = Rows;
    Message.u.ResizeTerminal.Columns = Columns;
    return PsxpCall(Client, &Message);
}

NTSTATUS
NTAPI
PsxQueryServer(
    _In_ PPSX_CLIENT Client,
    _Out_ PPSX_QUERY_SERVER_MSG Result)
{
    PSX_API_MSG Message;
    NTSTATUS Status;

    PsxpInitMessage(&Message, PsxApiQueryServer);
    Status = PsxpCall(Client, &Message);
    *Result = Message.u.QueryServer;
    return Status;
}
