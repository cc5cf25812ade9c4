/*
 * PROJECT:     lxss for ReactOS - psxss
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     SB API port: the requests the Session Manager sends to its subsystems
 *
 * psxss runs no PE images of the POSIX subsystem type and has no sessions of its own, so
 * it answers every SB request with a clear status instead of pretending: the port exists so
 * that smss can register psxss as the IMAGE_SUBSYSTEM_POSIX_CUI server and talk to it.
 */

/* INCLUDES *******************************************************************/

#include "psxss.h"

/* GLOBALS ********************************************************************/

UNICODE_STRING PsxSbApiPortName;
HANDLE PsxSbApiPort;

/* One name per instance, so a second psxss started by mistake cannot collide here */
static WCHAR PsxSbApiPortNameBuffer[64];

/* Only our parent (smss, which launched us) may connect, and only once */
static HANDLE PsxParentProcessId;
static HANDLE PsxSbCommunicationPort;

/* FUNCTIONS ******************************************************************/

static
BOOLEAN
NTAPI
PsxSbCreateSession(
    _Inout_ PSB_API_MSG Message)
{
    PSB_CREATE_SESSION_MSG CreateSession = &Message->u.CreateSession;

    /*
     * smss sends this when a PE image of the POSIX subsystem type is started. We cannot
     * run those (Linux programs are launched through our own API port), so refuse, and
     * close the handles smss duplicated into our process for us.
     */
    PSX_TRACE("SbCreateSession %lu for process %p: POSIX PE images are not supported\n",
              CreateSession->SessionId,
              CreateSession->ProcessInfo.ClientId.UniqueProcess);
    if (CreateSession->ProcessInfo.ProcessHandle)
        NtClose(CreateSession->ProcessInfo.ProcessHandle);
    if (CreateSession->ProcessInfo.ThreadHandle)
        NtClose(CreateSession->ProcessInfo.ThreadHandle);

    Message->ReturnValue = STATUS_NOT_SUPPORTED;
    return TRUE;
}

static
BOOLEAN
NTAPI
PsxSbTerminateSession(
    _Inout_ PSB_API_MSG Message)
{
    /* We never accept a session, so whatever the id is, it is not ours */
    PSX_TRACE("SbTerminateSession %lu: no such session\n",
              Message->u.TerminateSession.SessionId);
    Message->ReturnValue = STATUS_INVALID_PARAMETER;
    return TRUE;
}

static
BOOLEAN
NTAPI
PsxSbForeignSessionComplete(
    _Inout_ PSB_API_MSG Message)
{
    /* A notification: acknowledge it */
    Message->ReturnValue = STATUS_SUCCESS;
    return TRUE;
}

static
BOOLEAN
NTAPI
PsxSbCreateProcess(
    _Inout_ PSB_API_MSG Message)
{
    /* Creating PE processes on smss' behalf is the Windows subsystem's job */
    Message->ReturnValue = STATUS_NOT_SUPPORTED;
    return TRUE;
}

static PSB_API_ROUTINE PsxSbApiDispatch[SbpMaxApiNumber] =
{
    PsxSbCreateSession,
    PsxSbTerminateSession,
    PsxSbForeignSessionComplete,
    PsxSbCreateProcess
};

static
VOID
PsxSbHandleConnectionRequest(
    _In_ PSB_API_MSG Message)
{
    NTSTATUS Status;
    HANDLE PortHandle;
    BOOLEAN Accept;

    Accept = (Message->h.ClientId.UniqueProcess == PsxParentProcessId) &&
             (PsxSbCommunicationPort == NULL);
    if (!Accept)
    {
        PSX_TRACE("SB connection from process %p refused\n",
                  Message->h.ClientId.UniqueProcess);
    }

    Status = NtAcceptConnectPort(&PortHandle, NULL, &Message->h, Accept, NULL, NULL);
    if (!Accept || !NT_SUCCESS(Status))
        return;

    Status = NtCompleteConnectPort(PortHandle);
    if (!NT_SUCCESS(Status))
    {
        PSX_TRACE("SB NtCompleteConnectPort failed: 0x%08lx\n", Status);
        NtClose(PortHandle);
        return;
    }
    PsxSbCommunicationPort = PortHandle;
    PSX_TRACE("smss connected to the SB port\n");
}

static
ULONG
NTAPI
PsxSbApiRequestThread(
    _In_ PVOID Parameter)
{
    NTSTATUS Status;
    SB_API_MSG ReceiveMsg;
    PSB_API_MSG ReplyMsg = NULL;
    PVOID PortContext;

    UNREFERENCED_PARAMETER(Parameter);

    for (;;)
    {
        Status = NtReplyWaitReceivePort(PsxSbApiPort,
                                        &PortContext,
                                        ReplyMsg ? &ReplyMsg->h : NULL,
                                        &ReceiveMsg.h);
        ReplyMsg = NULL;
        if (Status != STATUS_SUCCESS)
        {
            if (!NT_SUCCESS(Status))
                PSX_TRACE("SB receive failed: 0x%08lx\n", Status);
            continue;
        }

        switch (ReceiveMsg.h.u2.s2.Type)
        {
            case LPC_CONNECTION_REQUEST:
                PsxSbHandleConnectionRequest(&ReceiveMsg);
                break;

            case LPC_PORT_CLOSED:
            case LPC_CLIENT_DIED:
                /* smss went away; it would be the end of the system anyway */
                if (PsxSbCommunicationPort)
                {
                    NtClose(PsxSbCommunicationPort);
                    PsxSbCommunicationPort = NULL;
                }
                break;

            case LPC_REQUEST:
                if (ReceiveMsg.ApiNumber < SbpMaxApiNumber)
                {
                    if (PsxSbApiDispatch[ReceiveMsg.ApiNumber](&ReceiveMsg))
                        ReplyMsg = &ReceiveMsg;
                }
                else
                {
                    ReceiveMsg.ReturnValue = STATUS_NOT_IMPLEMENTED;
                    ReplyMsg = &ReceiveMsg;
                }
                break;

            default:
                /* Datagrams and anything else need no answer */
                break;
        }
    }

    return 0;
}

NTSTATUS
NTAPI
PsxSbApiPortInitialize(VOID)
{
    NTSTATUS Status;
    OBJECT_ATTRIBUTES ObjectAttributes;
    PROCESS_BASIC_INFORMATION BasicInformation;
    HANDLE ThreadHandle;

    Status = NtQueryInformationProcess(NtCurrentProcess(),
                                       ProcessBasicInformation,
                                       &BasicInformation,
                                       sizeof(BasicInformation),
                                       NULL);
    if (!NT_SUCCESS(Status))
        return Status;
    PsxParentProcessId = (HANDLE)BasicInformation.InheritedFromUniqueProcessId;

    RtlInitEmptyUnicodeString(&PsxSbApiPortName,
                              PsxSbApiPortNameBuffer,
                              sizeof(PsxSbApiPortNameBuffer));
    Status = RtlAppendUnicodeToString(&PsxSbApiPortName, PSX_SB_API_PORT_NAME L".");
    if (NT_SUCCESS(Status))
    {
        UNICODE_STRING Number;
        WCHAR NumberBuffer[12];

        RtlInitEmptyUnicodeString(&Number, NumberBuffer, sizeof(NumberBuffer));
        Status = RtlIntegerToUnicodeString((ULONG)BasicInformation.UniqueProcessId,
                                           10,
                                           &Number);
        if (NT_SUCCESS(Status))
            Status = RtlAppendUnicodeStringToString(&PsxSbApiPortName, &Number);
    }
    if (!NT_SUCCESS(Status))
        return Status;

    /* No security descriptor: the default DACL of our (SYSTEM) token is what smss needs */
    InitializeObjectAttributes(&ObjectAttributes, &PsxSbApiPortName, 0, NULL, NULL);
    Status = NtCreatePort(&PsxSbApiPort,
                          &ObjectAttributes,
                          sizeof(SB_CONNECTION_INFO),
                          sizeof(SB_API_MSG),
                          16 * sizeof(SB_API_MSG));
    if (!NT_SUCCESS(Status))
        return Status;

    Status = RtlCreateUserThread(NtCurrentProcess(),
                                 NULL,
                                 FALSE,
                                 0,
                                 0,
                                 0,
                                 PsxSbApiRequestThread,
                                 NULL,
                                 &ThreadHandle,
                                 NULL);
    if (!NT_SUCCESS(Status))
    {
        NtClose(PsxSbApiPort);
        PsxSbApiPort = NULL;
        return Status;
    }

    NtClose(ThreadHandle);
    return STATUS_SUCCESS;
}
