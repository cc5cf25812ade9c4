/*
 * PROJECT:     lxss for ReactOS - psxss
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Client API port (\PsxApiPort): connections, dispatch, client lifetime
 */

/* INCLUDES *******************************************************************/

#include "psxss.h"

/* GLOBALS ********************************************************************/

HANDLE PsxApiPort;
ULONG PsxClientCount;

typedef
BOOLEAN
(NTAPI *PPSX_API_ROUTINE)(
    _In_ PPSX_CLIENT_CONTEXT Client,
    _Inout_ PPSX_API_MSG Message);

static BOOLEAN NTAPI PsxApiQueryServerHandler(PPSX_CLIENT_CONTEXT, PPSX_API_MSG);

static PPSX_API_ROUTINE PsxApiDispatch[PsxApiMaxApiNumber] =
{
    PsxApiCreateProcessHandler,
    PsxApiWaitProcessHandler,
    PsxApiSignalProcessHandler,
    PsxApiQueryServerHandler,
    PsxApiResizeTerminalHandler
};

/* FUNCTIONS ******************************************************************/

/*
 * The port's DACL: any user may connect (lxrun runs as whoever typed it), only SYSTEM
 * gets full control. A client can only see and signal the processes it launched itself.
 */
static
NTSTATUS
PsxCreateApiPortSecurity(
    _Out_ PSECURITY_DESCRIPTOR *SecurityDescriptor)
{
    static SID_IDENTIFIER_AUTHORITY WorldAuthority = {SECURITY_WORLD_SID_AUTHORITY};
    static SID_IDENTIFIER_AUTHORITY NtAuthority = {SECURITY_NT_AUTHORITY};
    NTSTATUS Status;
    PSID WorldSid = NULL, SystemSid = NULL;
    PSECURITY_DESCRIPTOR Descriptor = NULL;
    PACL Dacl;
    ULONG AclLength;

    *SecurityDescriptor = NULL;

    Status = RtlAllocateAndInitializeSid(&WorldAuthority, 1, SECURITY_WORLD_RID,
                                         0, 0, 0, 0, 0, 0, 0, &WorldSid);
    if (!NT_SUCCESS(Status))
        goto Quit;
    Status = RtlAllocateAndInitializeSid(&NtAuthority, 1, SECURITY_LOCAL_SYSTEM_RID,
                                         0, 0, 0, 0, 0, 0, 0, &SystemSid);
    if (!NT_SUCCESS(Status))
        goto Quit;

    AclLength = sizeof(ACL) + 2 * sizeof(ACCESS_ALLOWED_ACE) +
                RtlLengthSid(WorldSid) + RtlLengthSid(SystemSid);
    Descriptor = RtlAllocateHeap(RtlGetProcessHeap(),
                                 HEAP_ZERO_MEMORY,
                                 SECURITY_DESCRIPTOR_MIN_LENGTH + AclLength);
    if (!Descriptor)
    {
        Status = STATUS_NO_MEMORY;
        goto Quit;
    }
    Dacl = (PACL)((PUCHAR)Descriptor + SECURITY_DESCRIPTOR_MIN_LENGTH);

    Status = RtlCreateSecurityDescriptor(Descriptor, SECURITY_DESCRIPTOR_REVISION);
    if (NT_SUCCESS(Status))
        Status = RtlCreateAcl(Dacl, AclLength, ACL_REVISION2);
    if (NT_SUCCESS(Status))
    {
        Status = RtlAddAccessAllowedAce(Dacl,
                                        ACL_REVISION2,
                                        PORT_CONNECT | READ_CONTROL,
                                        WorldSid);
    }
    if (NT_SUCCESS(Status))
        Status = RtlAddAccessAllowedAce(Dacl, ACL_REVISION2, PORT_ALL_ACCESS, SystemSid);
    if (NT_SUCCESS(Status))
        Status = RtlSetDaclSecurityDescriptor(Descriptor, TRUE, Dacl, FALSE);

Quit:
    if (WorldSid)
        RtlFreeSid(WorldSid);
    if (SystemSid)
        RtlFreeSid(SystemSid);
    if (!NT_SUCCESS(Status))
    {
        if (Descriptor)
            RtlFreeHeap(RtlGetProcessHeap(), 0, Descriptor);
        return Status;
    }
    *SecurityDescriptor = Descriptor;
    return STATUS_SUCCESS;
}

NTSTATUS
NTAPI
PsxApiPortInitialize(VOID)
{
    NTSTATUS Status;
    UNICODE_STRING PortName;
    OBJECT_ATTRIBUTES ObjectAttributes;
    PSECURITY_DESCRIPTOR Descriptor;

    Status = PsxCreateApiPortSecurity(&Descriptor);
    if (!NT_SUCCESS(Status))
    {
        PSX_TRACE("cannot build the API port DACL (0x%08lx), using the default\n", Status);
        Descriptor = NULL;
    }

    RtlInitUnicodeString(&PortName, PSX_API_PORT_NAME);
    InitializeObjectAttributes(&ObjectAttributes, &PortName, 0, NULL, Descriptor);
    Status = NtCreatePort(&PsxApiPort,
                          &ObjectAttributes,
                          sizeof(PSX_CONNECTION_INFO),
                          sizeof(PSX_API_MSG),
                          32 * sizeof(PSX_API_MSG));
    if (Descriptor)
        RtlFreeHeap(RtlGetProcessHeap(), 0, Descriptor);
    return Status;
}

VOID
NTAPI
PsxDereferenceClient(
    _In_ PPSX_CLIENT_CONTEXT Client)
{
    BOOLEAN Free;

    RtlEnterCriticalSection(&PsxLock);
    Free = (--Client->ReferenceCount == 0);
    RtlLeaveCriticalSection(&PsxLock);
    if (!Free)
        return;

    /* Unlinked when its port closed; nothing can reach it any more */
    ASSERT(Client->Closed);
    ASSERT(IsListEmpty(&Client->ProcessList));
    if (Client->PortHandle)
        NtClose(Client->PortHandle);
    if (Client->ProcessHandle)
        NtClose(Client->ProcessHandle);
    RtlFreeHeap(RtlGetProcessHeap(), 0, Client);
}

/* Port contexts come from the kernel, but check them against our list anyway. */
static
PPSX_CLIENT_CONTEXT
PsxLookupClient(
    _In_opt_ PVOID PortContext)
{
    PLIST_ENTRY Entry;
    PPSX_CLIENT_CONTEXT Found = NULL;

    if (!PortContext)
        return NULL;

    RtlEnterCriticalSection(&PsxLock);
    for (Entry = PsxClientList.Flink; Entry != &PsxClientList; Entry = Entry->Flink)
    {
        PPSX_CLIENT_CONTEXT Client = CONTAINING_RECORD(Entry, PSX_CLIENT_CONTEXT, Entry);
        if (Client == PortContext && !Client->Closed)
        {
            Found = Client;
            break;
        }
    }
    RtlLeaveCriticalSection(&PsxLock);
    return Found;
}

static
VOID
PsxHandleConnectionRequest(
    _Inout_ PPSX_API_MSG Message)
{
    PPSX_CONNECTION_INFO ConnectionInfo = (PPSX_CONNECTION_INFO)(&Message->h + 1);
    PPSX_CLIENT_CONTEXT Client = NULL;
    REMOTE_PORT_VIEW ClientView;
    OBJECT_ATTRIBUTES ObjectAttributes;
    CLIENT_ID ProcessOnly;
    HANDLE PortHandle;
    ULONG MinorVersion = 0;
    BOOLEAN Accept = TRUE;
    NTSTATUS Status;

    if (Message->h.u1.s1.DataLength < sizeof(PSX_CONNECTION_INFO) ||
        ConnectionInfo->ProtocolVersion != PSX_PROTOCOL_VERSION)
    {
        PSX_TRACE("refusing client %p: bad connection information\n",
                  Message->h.ClientId.UniqueProcess);
        Accept = FALSE;
    }
    else
    {
        /* Both sides speak the lower minor version (0 from clients older than minors) */
        MinorVersion = min(ConnectionInfo->ProtocolMinorVersion, PSX_PROTOCOL_MINOR_VERSION);
    }

    if (Accept)
    {
        Client = RtlAllocateHeap(RtlGetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*Client));
        if (!Client)
            Accept = FALSE;
    }

    if (Accept)
    {
        /* We need to duplicate its stdio handles later */
        ProcessOnly.UniqueProcess = Message->h.ClientId.UniqueProcess;
        ProcessOnly.UniqueThread = NULL;
        InitializeObjectAttributes(&ObjectAttributes, NULL, 0, NULL, NULL);
        Status = NtOpenProcess(&Client->ProcessHandle,
                               PROCESS_DUP_HANDLE | PROCESS_QUERY_INFORMATION,
                               &ObjectAttributes,
                               &ProcessOnly);
        if (!NT_SUCCESS(Status))
        {
            PSX_TRACE("refusing client %p: NtOpenProcess 0x%08lx\n",
                      ProcessOnly.UniqueProcess, Status);
            RtlFreeHeap(RtlGetProcessHeap(), 0, Client);
            Client = NULL;
            Accept = FALSE;
        }
    }

    /* What the client gets back, accepted or not */
    if (Message->h.u1.s1.DataLength >= sizeof(PSX_CONNECTION_INFO))
    {
        ConnectionInfo->ProtocolVersion = PSX_PROTOCOL_VERSION;
        ConnectionInfo->ServerProcessId = HandleToUlong(NtCurrentTeb()->ClientId.UniqueProcess);
        ConnectionInfo->LxcoreStatus = PsxLxcoreStatus;
        ConnectionInfo->ProtocolMinorVersion = PSX_PROTOCOL_MINOR_VERSION;
    }

    RtlZeroMemory(&ClientView, sizeof(ClientView));
    ClientView.Length = sizeof(ClientView);
    Status = NtAcceptConnectPort(&PortHandle,
                                 Client,
                                 &Message->h,
                                 Accept,
                                 NULL,
                                 &ClientView);
    if (!Accept)
        return;
    if (!NT_SUCCESS(Status))
    {
        PSX_TRACE("NtAcceptConnectPort failed: 0x%08lx\n", Status);
        NtClose(Client->ProcessHandle);
        RtlFreeHeap(RtlGetProcessHeap(), 0, Client);
        return;
    }

    Client->ReferenceCount = 1;
    Client->PortHandle = PortHandle;
    Client->ClientId = Message->h.ClientId;
    Client->ViewBase = ClientView.ViewBase;
    Client->ViewSize = (ULONG)ClientView.ViewSize;
    Client->ProtocolMinorVersion = MinorVersion;
    InitializeListHead(&Client->ProcessList);

    RtlEnterCriticalSection(&PsxLock);
    InsertTailList(&PsxClientList, &Client->Entry);
    PsxClientCount++;
    RtlLeaveCriticalSection(&PsxLock);

    Status = NtCompleteConnectPort(PortHandle);
    if (!NT_SUCCESS(Status))
    {
        /* The client gave up meanwhile: treat it as gone */
        PSX_TRACE("NtCompleteConnectPort failed: 0x%08lx\n", Status);
        PsxKillClientProcesses(Client);
        PsxDereferenceClient(Client);
    }
}

static
VOID
PsxHandleClientGone(
    _In_ PPSX_CLIENT_CONTEXT Client)
{
    /* Unlinks it, kills what it still runs, drops the connection's reference */
    PsxKillClientProcesses(Client);
    PsxDereferenceClient(Client);
}

static
BOOLEAN
NTAPI
PsxApiQueryServerHandler(
    _In_ PPSX_CLIENT_CONTEXT Client,
    _Inout_ PPSX_API_MSG Message)
{
    PPSX_QUERY_SERVER_MSG Query = &Message->u.QueryServer;
    LXSS_INFORMATION Information;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(Client);

    RtlZeroMemory(Query, sizeof(*Query));
    Query->ProtocolVersion = PSX_PROTOCOL_VERSION;
    Query->ProtocolMinorVersion = PSX_PROTOCOL_MINOR_VERSION;
    Query->LxcoreStatus = PsxLxcoreStatus;
    if (PsxLxcoreDevice)
    {
        RtlZeroMemory(&Information, sizeof(Information));
        Information.Size = sizeof(Information);
        Status = PsxLxcoreIoctl(PsxLxcoreDevice,
                                IOCTL_LXSS_QUERY_INFORMATION,
                                NULL,
                                0,
                                &Information,
                                sizeof(Information));
        if (NT_SUCCESS(Status))
        {
            Query->LxcoreVersionMajor = Information.VersionMajor;
            Query->LxcoreVersionMinor = Information.VersionMinor;
            Query->LxcoreFlags = Information.Flags;
        }
        else
        {
            Query->LxcoreStatus = Status;
        }
    }

    RtlEnterCriticalSection(&PsxLock);
    Query->ProcessCount = PsxProcessCount;
    Query->ClientCount = PsxClientCount;
    RtlLeaveCriticalSection(&PsxLock);

    Message->Status = STATUS_SUCCESS;
    return TRUE;
}

VOID
NTAPI
PsxApiLoop(VOID)
{
    NTSTATUS Status;
    PSX_API_MSG ReceiveMsg;
    PPSX_API_MSG ReplyMsg = NULL;
    PPSX_CLIENT_CONTEXT Client;
    PVOID PortContext;
    LARGE_INTEGER Delay;

    for (;;)
    {
        PortContext = NULL;
        Status = NtReplyWaitReceivePort(PsxApiPort,
                                        &PortContext,
                                        ReplyMsg ? &ReplyMsg->h : NULL,
                                        &ReceiveMsg.h);
        ReplyMsg = NULL;
        if (Status != STATUS_SUCCESS)
        {
            if (!NT_SUCCESS(Status))
            {
                /* Usually a reply to a client that died meanwhile; don't spin on worse */
                PSX_TRACE("API receive failed: 0x%08lx\n", Status);
                Delay.QuadPart = -10 * 10000LL;
                NtDelayExecution(FALSE, &Delay);
            }
            continue;
        }

        switch (ReceiveMsg.h.u2.s2.Type)
        {
            case LPC_CONNECTION_REQUEST:
                PsxHandleConnectionRequest(&ReceiveMsg);
                break;

            case LPC_PORT_CLOSED:
            case LPC_CLIENT_DIED:
                Client = PsxLookupClient(PortContext);
                if (Client)
                    PsxHandleClientGone(Client);
                break;

            case LPC_REQUEST:
                Client = PsxLookupClient(PortContext);
                if (!Client)
                    break;

                if (ReceiveMsg.h.u1.s1.TotalLength < sizeof(PSX_API_MSG) ||
                    (ULONG)ReceiveMsg.ApiNumber >= PsxApiMaxApiNumber)
                {
                    ReceiveMsg.Status = STATUS_INVALID_PARAMETER;
                    ReplyMsg = &ReceiveMsg;
                    break;
                }

                /* A handler returns FALSE when it will answer later (waits) */
                ReceiveMsg.Status = STATUS_PENDING;
                if (PsxApiDispatch[ReceiveMsg.ApiNumber](Client, &ReceiveMsg))
                    ReplyMsg = &ReceiveMsg;
                break;

            default:
                /* Datagrams, exceptions, debug events: nothing to answer */
                break;
        }
    }
}
