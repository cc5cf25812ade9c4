/*
 * PROJECT:     lxss for ReactOS - psxss
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Launching Linux programs through lxcore.sys, tracking them, exit reports
 *
 * Every launched process gets a waiter thread with its own handle to \Device\lxss (the
 * handles are synchronous, so one blocking IOCTL_LXSS_WAIT_PROCESS per handle). When the
 * process ends, the waiter answers the client's pending PsxApiWaitProcess, if any, with
 * NtReplyPort; otherwise the exit record stays until the client asks or goes away.
 */

/* INCLUDES *******************************************************************/

#include "psxss.h"

/* GLOBALS ********************************************************************/

ULONG PsxProcessCount;

/* The client protocol reuses lxcore's numbers */
C_ASSERT(PSX_SIGINT == LXSS_SIGINT && PSX_SIGKILL == LXSS_SIGKILL && PSX_SIGTERM == LXSS_SIGTERM);
C_ASSERT(PSX_PROCESS_RUNNING == LXSS_PROCESS_RUNNING);
C_ASSERT(PSX_PROCESS_EXITED == LXSS_PROCESS_EXITED);
C_ASSERT(PSX_PROCESS_KILLED == LXSS_PROCESS_KILLED);
C_ASSERT(PSX_WAIT_INFINITE == LXSS_WAIT_INFINITE);

/* FUNCTIONS ******************************************************************/

NTSTATUS
NTAPI
PsxOpenLxcore(
    _Out_ PHANDLE DeviceHandle)
{
    UNICODE_STRING DeviceName;
    OBJECT_ATTRIBUTES ObjectAttributes;
    IO_STATUS_BLOCK IoStatusBlock;

    RtlInitUnicodeString(&DeviceName, LXSS_DEVICE_NAME_W);
    InitializeObjectAttributes(&ObjectAttributes, &DeviceName, OBJ_CASE_INSENSITIVE, NULL, NULL);
    return NtOpenFile(DeviceHandle,
                      FILE_READ_DATA | FILE_WRITE_DATA | SYNCHRONIZE,
                      &ObjectAttributes,
                      &IoStatusBlock,
                      FILE_SHARE_READ | FILE_SHARE_WRITE,
                      FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE);
}

NTSTATUS
NTAPI
PsxLxcoreIoctl(
    _In_ HANDLE DeviceHandle,
    _In_ ULONG IoControlCode,
    _In_reads_bytes_opt_(InputLength) PVOID Input,
    _In_ ULONG InputLength,
    _Out_writes_bytes_opt_(OutputLength) PVOID Output,
    _In_ ULONG OutputLength)
{
    IO_STATUS_BLOCK IoStatusBlock;
    NTSTATUS Status;

    Status = NtDeviceIoControlFile(DeviceHandle,
                                   NULL,
                                   NULL,
                                   NULL,
                                   &IoStatusBlock,
                                   IoControlCode,
                                   Input,
                                   InputLength,
                                   Output,
                                   OutputLength);
    if (Status == STATUS_PENDING)
    {
        /* Cannot happen on a synchronous handle, but be safe */
        Status = NtWaitForSingleObject(DeviceHandle, FALSE, NULL);
        if (NT_SUCCESS(Status))
            Status = IoStatusBlock.Status;
    }
    return Status;
}

static
NTSTATUS
PsxSendSignal(
    _In_ ULONG Pid,
    _In_ ULONG Signal)
{
    LXSS_SIGNAL_PROCESS_IN Input;

    if (!PsxLxcoreDevice)
        return PsxLxcoreStatus;

    RtlZeroMemory(&Input, sizeof(Input));
    Input.Size = sizeof(Input);
    Input.Pid = Pid;
    Input.Signal = Signal;
    return PsxLxcoreIoctl(PsxLxcoreDevice,
                          IOCTL_LXSS_SIGNAL_PROCESS,
                          &Input,
                          sizeof(Input),
                          NULL,
                          0);
}

/* Called with PsxLock held: finds a process of this client. */
static
PPSX_PROCESS
PsxFindProcess(
    _In_ PPSX_CLIENT_CONTEXT Client,
    _In_ ULONG Pid)
{
    PLIST_ENTRY Entry;

    for (Entry = Client->ProcessList.Flink; Entry != &Client->ProcessList; Entry = Entry->Flink)
    {
        PPSX_PROCESS Process = CONTAINING_RECORD(Entry, PSX_PROCESS, ClientEntry);
        if (Process->Pid == Pid)
            return Process;
    }
    return NULL;
}

/* Called with PsxLock held: unlinks an ended process; the caller dereferences the client. */
static
VOID
PsxUnlinkProcess(
    _In_ PPSX_PROCESS Process)
{
    RemoveEntryList(&Process->ClientEntry);
    PsxProcessCount--;
}

static
VOID
PsxFillWaitResult(
    _In_ PPSX_PROCESS Process,
    _Out_ PPSX_WAIT_PROCESS_MSG Result)
{
    Result->State = Process->Exit.State;
    Result->ExitStatus = Process->Exit.ExitStatus;
    Result->Signal = Process->Exit.Signal;
    Result->WaitStatus = Process->Exit.WaitStatus;
    Result->ExitCode = PsxExitCodeFromWait(Process->Exit.State,
                                           Process->Exit.ExitStatus,
                                           Process->Exit.Signal);
}

/* The waiter saw the process end: record it and answer a pending wait. */
static
VOID
PsxProcessEnded(
    _In_ PPSX_PROCESS Process,
    _In_ PLXSS_WAIT_PROCESS_OUT Exit)
{
    PPSX_CLIENT_CONTEXT Client = Process->Client;
    PSX_API_MSG Reply;
    BOOLEAN SendReply = FALSE;
    BOOLEAN Free = FALSE;

    RtlEnterCriticalSection(&PsxLock);
    Process->Exited = TRUE;
    Process->Exit = *Exit;
    Process->WaiterRunning = FALSE;

    if (Process->WaitPending && !Client->Closed)
    {
        Reply = Process->PendingWait;
        PsxFillWaitResult(Process, &Reply.u.WaitProcess);
        Reply.Status = STATUS_SUCCESS;
        SendReply = TRUE;
        Free = TRUE;
    }
    else if (Client->Closed)
    {
        Free = TRUE;
    }

    if (Free)
        PsxUnlinkProcess(Process);
    RtlLeaveCriticalSection(&PsxLock);

    PSX_TRACE("pid %lu ended: state %lu status %lu signal %lu\n",
              Exit->Pid, Exit->State, Exit->ExitStatus, Exit->Signal);

    if (SendReply)
    {
        /* The client may be gone by now; then the reply simply fails */
        NTSTATUS Status = NtReplyPort(Client->PortHandle, &Reply.h);
        if (!NT_SUCCESS(Status))
            PSX_TRACE("wait reply for pid %lu failed: 0x%08lx\n", Exit->Pid, Status);
    }

    if (Free)
    {
        RtlFreeHeap(RtlGetProcessHeap(), 0, Process);
        PsxDereferenceClient(Client);
    }
}

static
ULONG
NTAPI
PsxWaiterThread(
    _In_ PVOID Parameter)
{
    PPSX_PROCESS Process = Parameter;
    LXSS_WAIT_PROCESS_IN Input;
    LXSS_WAIT_PROCESS_OUT Output;
    HANDLE Device = NULL;
    LARGE_INTEGER Delay;
    NTSTATUS Status;
    ULONG Failures = 0;

    /* Our own handle, so this wait blocks nobody else; else poll on the shared one */
    if (!NT_SUCCESS(PsxOpenLxcore(&Device)))
        Device = NULL;

    RtlZeroMemory(&Input, sizeof(Input));
    Input.Size = sizeof(Input);
    Input.Pid = Process->Pid;
    Input.TimeoutMilliseconds = Device ? LXSS_WAIT_INFINITE : 0;

    Delay.QuadPart = -250 * 10000LL;
    for (;;)
    {
        RtlZeroMemory(&Output, sizeof(Output));
        Output.Size = sizeof(Output);
        Status = PsxLxcoreIoctl(Device ? Device : PsxLxcoreDevice,
                                IOCTL_LXSS_WAIT_PROCESS,
                                &Input,
                                sizeof(Input),
                                &Output,
                                sizeof(Output));
        if (NT_SUCCESS(Status) && Status != STATUS_USER_APC && Status != STATUS_ALERTED &&
            Output.State != LXSS_PROCESS_RUNNING)
        {
            break;
        }

        if (Status == STATUS_NOT_FOUND)
        {
            /* lxcore no longer knows it: report it as killed, with no signal */
            RtlZeroMemory(&Output, sizeof(Output));
            Output.Size = sizeof(Output);
            Output.Pid = Process->Pid;
            Output.State = LXSS_PROCESS_KILLED;
            break;
        }

        /* Interrupted waits are retried at once; failures, polls and early returns of an
           infinite wait after a pause, so a misbehaving driver cannot make us spin */
        if (Status == STATUS_USER_APC || Status == STATUS_ALERTED)
            continue;
        if (!NT_SUCCESS(Status) && (++Failures % 40) == 1)
            PSX_TRACE("wait for pid %lu failed: 0x%08lx\n", Process->Pid, Status);
        NtDelayExecution(FALSE, &Delay);
    }

    if (Device)
        NtClose(Device);
    Output.Pid = Process->Pid;
    PsxProcessEnded(Process, &Output);

    RtlExitUserThread(STATUS_SUCCESS);
    return 0;
}

/* Duplicates a client's stdio handle into psxss. */
static
NTSTATUS
PsxCaptureStdHandle(
    _In_ PPSX_CLIENT_CONTEXT Client,
    _In_opt_ HANDLE ClientHandle,
    _Out_ PHANDLE LocalHandle)
{
    *LocalHandle = NULL;
    if (!ClientHandle)
        return STATUS_SUCCESS;

    /*
     * Kernel handles have their two low (tag) bits clear. Console handles of an NT5-style
     * console are csrss cookies with both set; the kernel ignores those bits, so
     * duplicating one would silently pick some other object of the client. Refuse them.
     */
    if ((ULONG_PTR)ClientHandle & OBJ_HANDLE_TAGBITS)
        return STATUS_INVALID_HANDLE;

    return NtDuplicateObject(Client->ProcessHandle,
                             ClientHandle,
                             NtCurrentProcess(),
                             LocalHandle,
                             0,
                             0,
                             DUPLICATE_SAME_ACCESS);
}

/* Ends the impersonation of a client on this thread. */
static
VOID
PsxRevertToSelf(VOID)
{
    HANDLE NoToken = NULL;

    NtSetInformationThread(NtCurrentThread(), ThreadImpersonationToken, &NoToken,
                           sizeof(NoToken));
}

/* Maps the portable errors of psxreq.c to an NT status for malformed requests. */
static
NTSTATUS
PsxRequestErrorToStatus(
    _In_ int Error)
{
    switch (Error)
    {
        case PSX_E2BIG:
        case PSX_ENAMETOOLONG:
            return STATUS_NAME_TOO_LONG;
        case PSX_ENOTTY:
            /* a terminal asked for together with debug stdio, or without any std handle */
            return STATUS_INVALID_PARAMETER_MIX;
        default:
            return STATUS_INVALID_PARAMETER;
    }
}

/* lxcore's interface version as Major * 1000 + Minor (0 if it does not answer): 1.1 brought
 * LXSS_CREATE_STDIO_TTY (an older one refuses the flag), 1.2 ProgramPath, 1.3
 * LXSS_CREATE_TRACE, 1.5 LXSS_CREATE_TTY_* and IOCTL_LXSS_RESIZE_TERMINAL */
static
ULONG
PsxLxcoreVersion(VOID)
{
    LXSS_INFORMATION Information;
    NTSTATUS Status;

    RtlZeroMemory(&Information, sizeof(Information));
    Information.Size = sizeof(Information);
    Status = PsxLxcoreIoctl(PsxLxcoreDevice,
                            IOCTL_LXSS_QUERY_INFORMATION,
                            NULL,
                            0,
                            &Information,
                            sizeof(Information));
    if (!NT_SUCCESS(Status))
        return 0;
    return Information.VersionMajor * 1000 + Information.VersionMinor;
}

BOOLEAN
NTAPI
PsxApiCreateProcessHandler(
    _In_ PPSX_CLIENT_CONTEXT Client,
    _Inout_ PPSX_API_MSG Message)
{
    PPSX_CREATE_PROCESS_MSG Create = &Message->u.CreateProcess;
    PVOID Request = NULL;
    PVOID Input = NULL;
    PSX_REQUEST_VIEW View;
    PSX_LAUNCH Launch;
    LXSS_CREATE_PROCESS_OUT Output;
    PPSX_PROCESS Process;
    HANDLE LocalHandles[3] = {NULL, NULL, NULL};
    HANDLE ThreadHandle;
    uint32_t InputLength;
    uint32_t HandleMask;
    ULONG LxcoreVersion;
    ULONG Offset = Create->RequestOffset;
    ULONG Length = Create->RequestLength;
    NTSTATUS Status = STATUS_SUCCESS;
    ULONG Index;
    int Error;

    Create->LinuxError = 0;
    Create->Pid = 0;
    Create->NtProcessId = 0;

    /* The request must lie inside the client's view */
    if (!Client->ViewBase || Length == 0 || Length > PSX_REQUEST_MAX_SIZE ||
        Offset > Client->ViewSize || Length > Client->ViewSize - Offset)
    {
        Status = STATUS_INVALID_PARAMETER;
        goto Quit;
    }

    if (!PsxLxcoreDevice)
    {
        /* Maybe it was not there yet when we started */
        PsxLxcoreStatus = PsxOpenLxcore(&PsxLxcoreDevice);
        if (!NT_SUCCESS(PsxLxcoreStatus))
        {
            PsxLxcoreDevice = NULL;
            Status = PsxLxcoreStatus;
            goto Quit;
        }
    }

    /* Copy it out first: the client can still write to its view */
    Request = RtlAllocateHeap(RtlGetProcessHeap(), 0, Length);
    if (!Request)
    {
        Status = STATUS_NO_MEMORY;
        goto Quit;
    }
    _SEH2_TRY
    {
        RtlCopyMemory(Request, (PUCHAR)Client->ViewBase + Offset, Length);
    }
    _SEH2_EXCEPT(EXCEPTION_EXECUTE_HANDLER)
    {
        Status = _SEH2_GetExceptionCode();
    }
    _SEH2_END;
    if (!NT_SUCCESS(Status))
        goto Quit;

    Error = PsxValidateRequest(Request, Length, Client->ProtocolMinorVersion, &View);
    if (Error == 0)
    {
        /* The handles come beside the request: a terminal needs the ones it works through
         * (any for the emulated one, the pipes for a real one) */
        HandleMask = 0;
        for (Index = 0; Index < 3; Index++)
        {
            if (Create->StdHandles[Index])
                HandleMask |= 1u << Index;
        }
        Error = PsxCheckTerminalHandles(View.Flags, HandleMask);
    }
    if (Error != 0)
    {
        PSX_TRACE("client %p: launch request refused (error %d)\n",
                  Client->ClientId.UniqueProcess, Error);
        Status = PsxRequestErrorToStatus(Error);
        Create->LinuxError = Error;
        goto Quit;
    }

    LxcoreVersion = PsxLxcoreVersion();
    if ((View.Flags & PSX_REQUEST_TRACE) && LxcoreVersion < 1003)
    {
        /* An older lxcore cannot trace: say so rather than run untraced */
        PSX_TRACE("lxcore cannot trace system calls: launch refused\n");
        Status = PsxRequestErrorToStatus(PSX_EINVAL);
        Create->LinuxError = PSX_EINVAL;
        goto Quit;
    }

    if ((View.Flags & PSX_REQUEST_USER) && LxcoreVersion < 1006)
    {
        /* An older lxcore runs everything as root: never start the program that way */
        PSX_TRACE("lxcore before interface 1.6 cannot run a program as another user: launch refused\n");
        Create->LinuxError = PSX_ENOSYS;
        Status = PsxRequestErrorToStatus(PSX_ENOSYS);
        goto Quit;
    }

    if ((View.Flags & PSX_REQUEST_TTY_ANY) && LxcoreVersion < 1005)
    {
        /* An lxcore older than interface 1.5 makes no pseudo-terminals: fall back to its
         * emulation of a cooked terminal on fds 0-2 (isatty() true, TIOCGWINSZ the size),
         * every handle given to its fd as it is. The launcher's keys then reach the program
         * as they are written, with no echo and no line editing, the output is not
         * translated, and PsxApiResizeTerminal finds no terminal; a launcher that needs the
         * line discipline checks QueryServer's LxcoreVersionMinor (>= 5) first. The checks
         * above hold for the emulation too: each TTY_* flag needed a handle */
        PSX_TRACE("lxcore before interface 1.5 has no pseudo-terminals: emulating one\n");
        View.Flags = (View.Flags & ~PSX_REQUEST_TTY_ANY) | PSX_REQUEST_STDIO_TTY;
    }

    if ((View.Flags & PSX_REQUEST_STDIO_TTY) && LxcoreVersion < 1001)
    {
        /* An older lxcore: the program sees its stdio as before (isatty() is false) */
        PSX_TRACE("lxcore has no terminal stdio: launching without it\n");
        View.Flags &= ~PSX_REQUEST_STDIO_TTY;
        View.TerminalRows = View.TerminalColumns = 0;
    }

    /* The root, and the program: the launcher's NT file, or its Linux path, which lxcore
     * resolves as open() does (lxss translates names in one place) */
    RtlZeroMemory(&Launch, sizeof(Launch));
    Launch.Request = &View;
    Launch.Root = View.Root ? View.Root : PsxDefaultRoot;
    Launch.RootChars = View.Root ? View.RootChars : PsxDefaultRootChars;
    Launch.ImagePath = View.ImagePath;
    Launch.ImagePathChars = View.ImagePathChars;
    if (View.ImagePath == NULL && LxcoreVersion < 1002)
    {
        PSX_TRACE("lxcore before interface 1.2 cannot resolve program paths: update lxcore.sys\n");
        Create->LinuxError = PSX_ENOSYS;
        goto Quit;
    }

    for (Index = 0; Index < 3; Index++)
    {
        Status = PsxCaptureStdHandle(Client, Create->StdHandles[Index], &LocalHandles[Index]);
        if (!NT_SUCCESS(Status))
        {
            PSX_TRACE("client %p: std handle %lu (%p) unusable: 0x%08lx\n",
                      Client->ClientId.UniqueProcess, Index, Create->StdHandles[Index], Status);
            goto Quit;
        }
        Launch.StdHandles[Index] = LocalHandles[Index];
    }

    InputLength = PsxCreateInputSize(&Launch);
    if (InputLength == 0)
    {
        Status = STATUS_INVALID_PARAMETER;
        goto Quit;
    }
    Input = RtlAllocateHeap(RtlGetProcessHeap(), 0, InputLength);
    if (!Input)
    {
        Status = STATUS_NO_MEMORY;
        goto Quit;
    }
    Error = PsxBuildCreateInput(&Launch, Input, InputLength, &InputLength);
    if (Error != 0)
    {
        /* The request was checked above: this is our own mistake */
        Status = STATUS_INTERNAL_ERROR;
        goto Quit;
    }

    /* The record exists before the process, so a failure later leaves nothing behind */
    Process = RtlAllocateHeap(RtlGetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*Process));
    if (!Process)
    {
        Status = STATUS_NO_MEMORY;
        goto Quit;
    }

    /* As the client: lxcore gives the process the client's token and checks the root,
     * the program and every file the process opens against it, not against SYSTEM's */
    Status = NtImpersonateClientOfPort(Client->PortHandle, &Message->h);
    if (!NT_SUCCESS(Status))
    {
        PSX_TRACE("cannot impersonate client %p: 0x%08lx\n", Client->ClientId.UniqueProcess,
                  Status);
        RtlFreeHeap(RtlGetProcessHeap(), 0, Process);
        goto Quit;
    }
    RtlZeroMemory(&Output, sizeof(Output));
    Output.Size = sizeof(Output);
    Status = PsxLxcoreIoctl(PsxLxcoreDevice,
                            IOCTL_LXSS_CREATE_PROCESS,
                            Input,
                            InputLength,
                            &Output,
                            sizeof(Output));
    PsxRevertToSelf();
    if (!NT_SUCCESS(Status) || Output.LinuxError != 0)
    {
        if (NT_SUCCESS(Status))
            Create->LinuxError = Output.LinuxError;
        else
            PSX_TRACE("IOCTL_LXSS_CREATE_PROCESS failed: 0x%08lx\n", Status);
        RtlFreeHeap(RtlGetProcessHeap(), 0, Process);
        goto Quit;
    }

    Process->Client = Client;
    Process->Pid = Output.Pid;
    Process->NtProcessId = Output.NtProcessId;
    Process->WaiterRunning = TRUE;

    RtlEnterCriticalSection(&PsxLock);
    Client->ReferenceCount++;
    InsertTailList(&Client->ProcessList, &Process->ClientEntry);
    PsxProcessCount++;
    RtlLeaveCriticalSection(&PsxLock);

    Status = RtlCreateUserThread(NtCurrentProcess(),
                                 NULL,
                                 FALSE,
                                 0,
                                 0,
                                 0,
                                 PsxWaiterThread,
                                 Process,
                                 &ThreadHandle,
                                 NULL);
    if (!NT_SUCCESS(Status))
    {
        /* Without a waiter nobody would ever see it end: stop it and forget it */
        PSX_TRACE("no waiter thread for pid %lu (0x%08lx), killing it\n", Output.Pid, Status);
        PsxSendSignal(Output.Pid, LXSS_SIGKILL);
        RtlEnterCriticalSection(&PsxLock);
        PsxUnlinkProcess(Process);
        Client->ReferenceCount--;
        RtlLeaveCriticalSection(&PsxLock);
        RtlFreeHeap(RtlGetProcessHeap(), 0, Process);
        goto Quit;
    }
    NtClose(ThreadHandle);

    Create->Pid = Output.Pid;
    Create->NtProcessId = Output.NtProcessId;
    if (View.Flags & PSX_REQUEST_TTY_ANY)
    {
        PSX_TRACE("client %p started pid %lu (NT %lu), fds %s%s%s on a %ux%u pseudo-terminal\n",
                  Client->ClientId.UniqueProcess, Output.Pid, Output.NtProcessId,
                  (View.Flags & PSX_REQUEST_TTY_STDIN) ? "0" : "",
                  (View.Flags & PSX_REQUEST_TTY_STDOUT) ? "1" : "",
                  (View.Flags & PSX_REQUEST_TTY_STDERR) ? "2" : "",
                  View.TerminalRows, View.TerminalColumns);
    }
    else if (View.Flags & PSX_REQUEST_STDIO_TTY)
    {
        PSX_TRACE("client %p started pid %lu (NT %lu), stdio a %ux%u terminal\n",
                  Client->ClientId.UniqueProcess, Output.Pid, Output.NtProcessId,
                  View.TerminalRows, View.TerminalColumns);
    }
    else
    {
        PSX_TRACE("client %p started pid %lu (NT %lu)\n",
                  Client->ClientId.UniqueProcess, Output.Pid, Output.NtProcessId);
    }

Quit:
    /* lxcore referenced what it kept; our copies of the client's handles go */
    for (Index = 0; Index < 3; Index++)
    {
        if (LocalHandles[Index])
            NtClose(LocalHandles[Index]);
    }
    if (Input)
        RtlFreeHeap(RtlGetProcessHeap(), 0, Input);
    if (Request)
        RtlFreeHeap(RtlGetProcessHeap(), 0, Request);

    Message->Status = Status;
    return TRUE;
}

BOOLEAN
NTAPI
PsxApiWaitProcessHandler(
    _In_ PPSX_CLIENT_CONTEXT Client,
    _Inout_ PPSX_API_MSG Message)
{
    PPSX_WAIT_PROCESS_MSG Wait = &Message->u.WaitProcess;
    PPSX_PROCESS Process;
    BOOLEAN ReplyNow = TRUE;
    BOOLEAN Free = FALSE;

    RtlEnterCriticalSection(&PsxLock);
    Process = PsxFindProcess(Client, Wait->Pid);
    if (!Process)
    {
        Message->Status = STATUS_NOT_FOUND;
    }
    else if (Process->Exited)
    {
        /* Reaped: the record goes */
        PsxFillWaitResult(Process, Wait);
        PsxUnlinkProcess(Process);
        Free = TRUE;
        Message->Status = STATUS_SUCCESS;
    }
    else if (Wait->TimeoutMilliseconds == 0)
    {
        Wait->State = PSX_PROCESS_RUNNING;
        Wait->ExitStatus = Wait->Signal = Wait->WaitStatus = Wait->ExitCode = 0;
        Message->Status = STATUS_SUCCESS;
    }
    else if (Wait->TimeoutMilliseconds != PSX_WAIT_INFINITE)
    {
        Message->Status = STATUS_INVALID_PARAMETER;
    }
    else if (Process->WaitPending)
    {
        Message->Status = STATUS_DEVICE_BUSY;
    }
    else
    {
        /* The waiter thread answers when the process ends */
        Process->WaitPending = TRUE;
        Process->PendingWait = *Message;
        ReplyNow = FALSE;
    }
    RtlLeaveCriticalSection(&PsxLock);

    if (Free)
    {
        RtlFreeHeap(RtlGetProcessHeap(), 0, Process);
        PsxDereferenceClient(Client);
    }
    return ReplyNow;
}

BOOLEAN
NTAPI
PsxApiSignalProcessHandler(
    _In_ PPSX_CLIENT_CONTEXT Client,
    _Inout_ PPSX_API_MSG Message)
{
    PPSX_SIGNAL_PROCESS_MSG Signal = &Message->u.SignalProcess;
    PPSX_PROCESS Process;
    BOOLEAN Running = FALSE;

    if (Signal->Signal != PSX_SIGINT && Signal->Signal != PSX_SIGKILL &&
        Signal->Signal != PSX_SIGTERM)
    {
        Message->Status = STATUS_INVALID_PARAMETER;
        return TRUE;
    }

    RtlEnterCriticalSection(&PsxLock);
    Process = PsxFindProcess(Client, Signal->Pid);
    if (Process)
        Running = !Process->Exited;
    RtlLeaveCriticalSection(&PsxLock);

    if (!Process)
        Message->Status = STATUS_NOT_FOUND;
    else if (!Running)
        Message->Status = STATUS_SUCCESS; /* already over, nothing to deliver */
    else
    {
        /* As the client too: lxcore lets only the process's own NT user signal it */
        Message->Status = NtImpersonateClientOfPort(Client->PortHandle, &Message->h);
        if (NT_SUCCESS(Message->Status))
        {
            Message->Status = PsxSendSignal(Signal->Pid, Signal->Signal);
            PsxRevertToSelf();
        }
    }
    return TRUE;
}

BOOLEAN
NTAPI
PsxApiResizeTerminalHandler(
    _In_ PPSX_CLIENT_CONTEXT Client,
    _Inout_ PPSX_API_MSG Message)
{
    PPSX_RESIZE_TERMINAL_MSG Resize = &Message->u.ResizeTerminal;
    LXSS_RESIZE_TERMINAL_IN Input;
    PPSX_PROCESS Process;
    BOOLEAN Running = FALSE;

    /* Answered as a server of the agreed minor version would: it has no such request */
    if (Client->ProtocolMinorVersion < 3)
    {
        Message->Status = STATUS_INVALID_PARAMETER;
        return TRUE;
    }

    /* The console's SHORT coordinates; lxcore refuses a zero dimension too */
    if (Resize->Rows == 0 || Resize->Columns == 0 ||
        Resize->Rows > PSX_MAX_TERMINAL_SIZE || Resize->Columns > PSX_MAX_TERMINAL_SIZE)
    {
        Message->Status = STATUS_INVALID_PARAMETER;
        return TRUE;
    }

    RtlEnterCriticalSection(&PsxLock);
    Process = PsxFindProcess(Client, Resize->Pid);
    if (Process)
        Running = !Process->Exited;
    RtlLeaveCriticalSection(&PsxLock);

    if (!Process || !Running)
    {
        /* Not one of this client's, or over: its terminal is gone with it */
        Message->Status = STATUS_NOT_FOUND;
        return TRUE;
    }
    if (!PsxLxcoreDevice)
    {
        Message->Status = PsxLxcoreStatus;
        return TRUE;
    }
    if (PsxLxcoreVersion() < 1005)
    {
        /* No pseudo-terminals there: the process got the emulation, which has no window */
        Message->Status = STATUS_NOT_FOUND;
        return TRUE;
    }

    RtlZeroMemory(&Input, sizeof(Input));
    Input.Size = sizeof(Input);
    Input.Pid = Resize->Pid;
    Input.TerminalSize = ((ULONG)Resize->Rows << 16) | Resize->Columns;

    /* As the client, as for signals: lxcore lets only the process's own NT user do it.
     * lxcore answers STATUS_NOT_FOUND when the process's session has no such terminal */
    Message->Status = NtImpersonateClientOfPort(Client->PortHandle, &Message->h);
    if (NT_SUCCESS(Message->Status))
    {
        Message->Status = PsxLxcoreIoctl(PsxLxcoreDevice,
                                         IOCTL_LXSS_RESIZE_TERMINAL,
                                         &Input,
                                         sizeof(Input),
                                         NULL,
                                         0);
        PsxRevertToSelf();
    }
    return TRUE;
}

VOID
NTAPI
PsxKillClientProcesses(
    _In_ PPSX_CLIENT_CONTEXT Client)
{
    PLIST_ENTRY Entry, Next;
    PULONG Pids = NULL;
    ULONG Count = 0, Index;
    ULONG Freed = 0;
    LIST_ENTRY Ended;

    InitializeListHead(&Ended);

    RtlEnterCriticalSection(&PsxLock);
    if (Client->Closed)
    {
        RtlLeaveCriticalSection(&PsxLock);
        return;
    }
    Client->Closed = TRUE;
    RemoveEntryList(&Client->Entry);
    PsxClientCount--;

    /* Ended but never reaped: drop them now. Running ones: remember their pids */
    for (Entry = Client->ProcessList.Flink; Entry != &Client->ProcessList; Entry = Next)
    {
        PPSX_PROCESS Process = CONTAINING_RECORD(Entry, PSX_PROCESS, ClientEntry);
        Next = Entry->Flink;
        if (Process->Exited)
        {
            PsxUnlinkProcess(Process);
            InsertTailList(&Ended, &Process->ClientEntry);
            Freed++;
        }
        else
        {
            Count++;
        }
    }
    if (Count)
    {
        Pids = RtlAllocateHeap(RtlGetProcessHeap(), 0, Count * sizeof(ULONG));
        if (Pids)
        {
            Index = 0;
            for (Entry = Client->ProcessList.Flink;
                 Entry != &Client->ProcessList && Index < Count;
                 Entry = Entry->Flink)
            {
                Pids[Index++] = CONTAINING_RECORD(Entry, PSX_PROCESS, ClientEntry)->Pid;
            }
        }
    }
    RtlLeaveCriticalSection(&PsxLock);

    PSX_TRACE("client %p gone: killing %lu process(es), dropping %lu exit record(s)\n",
              Client->ClientId.UniqueProcess, Count, Freed);

    /* The waiters see the ends and free the records (the client is Closed now) */
    for (Index = 0; Pids && Index < Count; Index++)
        PsxSendSignal(Pids[Index], LXSS_SIGKILL);
    if (Pids)
        RtlFreeHeap(RtlGetProcessHeap(), 0, Pids);

    while (!IsListEmpty(&Ended))
    {
        Entry = RemoveHeadList(&Ended);
        RtlFreeHeap(RtlGetProcessHeap(), 0, CONTAINING_RECORD(Entry, PSX_PROCESS, ClientEntry));
        PsxDereferenceClient(Client);
    }
}
