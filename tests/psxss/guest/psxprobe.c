/*
 * PROJECT:     lxss for ReactOS - psxss guest probe
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Exercises psxss end to end inside ReactOS through psxcli and reports TAP-style
 *              "PSXPROBE: ok N - ..." lines on the kernel debug port, then reboots.
 *
 * A native program, run by smss:
 *  - "psxprobe d" from Session Manager\Execute (after csrss): psxss is started on demand via
 *    SmLoadDeferedSubsystem("Posix"), as lxrun does;
 *  - "psxprobe" from BootExecute (before csrss): checks that SmLoadDeferedSubsystem fails
 *    cleanly there, then starts psxss.exe itself (standalone, unregistered).
 * With lxcore.sys loaded and /bin/{hello,hello_asm,spin,notelf} under
 * \SystemRoot\lxss\rootfs it also launches Linux programs: exit status, stdout through a
 * named pipe, -ENOENT/-ENOEXEC, SIGKILL, and the kill of a vanished client's process;
 * protocol minor 1 (terminal stdio: refusals, the size reaching /bin/ttyprobe) and a client
 * connecting as minor 0. spin is `_start: jmp _start` (gcc -m32 -nostdlib -static), notelf
 * a text file, ttyprobe tests/psxss/guest/ttyprobe.c.
 * Link like psxss (nativecui, psxcli, smlib, nt, ntdll).
 */
#define WIN32_NO_STATUS
#include <windef.h>
#include <winbase.h>
#define NTOS_MODE_USER
#include <ndk/exfuncs.h>
#include <ndk/kefuncs.h>
#include <ndk/lpcfuncs.h>
#include <ndk/mmfuncs.h>
#include <ndk/obfuncs.h>
#include <ndk/psfuncs.h>
#include <ndk/rtlfuncs.h>
#include <ndk/setypes.h>
#include <sm/smmsg.h>
#include <ndk/iofuncs.h>
#include <string.h>
#include "psxcli.h"
#include "psxstart.h"

#define P(...) DbgPrint("PSXPROBE: " __VA_ARGS__)

static int Test, Failed;
static void Check(BOOLEAN Ok, const char *Name, NTSTATUS Status)
{
    Test++;
    if (!Ok) Failed++;
    P("%sok %d - %s (0x%08lx)\n", Ok ? "" : "not ", Test, Name, Status);
}

static NTSTATUS MakePipe(PHANDLE ReadEnd, PHANDLE WriteEnd)
{
    UNICODE_STRING Name;
    OBJECT_ATTRIBUTES Oa;
    IO_STATUS_BLOCK Iosb;
    LARGE_INTEGER Timeout;
    NTSTATUS Status;

    RtlInitUnicodeString(&Name, L"\\Device\\NamedPipe\\psxprobe");
    InitializeObjectAttributes(&Oa, &Name, OBJ_CASE_INSENSITIVE, NULL, NULL);
    Timeout.QuadPart = -10000000;
    Status = NtCreateNamedPipeFile(ReadEnd, GENERIC_READ | SYNCHRONIZE | FILE_WRITE_ATTRIBUTES, &Oa, &Iosb,
                                   FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_CREATE, FILE_SYNCHRONOUS_IO_NONALERT,
                                   FILE_PIPE_BYTE_STREAM_TYPE, FILE_PIPE_BYTE_STREAM_MODE, FILE_PIPE_QUEUE_OPERATION,
                                   1, 65536, 65536, &Timeout);
    if (!NT_SUCCESS(Status)) return Status;
    return NtOpenFile(WriteEnd, GENERIC_WRITE | SYNCHRONIZE | FILE_READ_ATTRIBUTES, &Oa, &Iosb,
                      FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE);
}

static NTSTATUS Run(PPSX_CLIENT Client, const char *Program, ULONG Flags, HANDLE *Std,
                    PLONG LinuxError, PULONG Pid)
{
    PSX_REQUEST_PARAMS Params;
    const char *Args[1];
    static const char *Env[] = {"PATH=/bin", "HOME=/"};
    Args[0] = Program;
    RtlZeroMemory(&Params, sizeof(Params));
    Params.Program = Program;
    Params.Arguments = Args;
    Params.ArgumentCount = 1;
    Params.Environment = Env;
    Params.EnvironmentCount = 2;
    Params.Flags = Flags;
    return PsxCreateProcess(Client, &Params, Std, LinuxError, Pid);
}

static NTSTATUS RunTerminal(PPSX_CLIENT Client, const char *Program, const char *Arg, ULONG Flags,
                            HANDLE *Std, USHORT Rows, USHORT Columns, PLONG LinuxError, PULONG Pid)
{
    PSX_REQUEST_PARAMS Params;
    const char *Args[2];
    Args[0] = Program;
    Args[1] = Arg;
    RtlZeroMemory(&Params, sizeof(Params));
    Params.Program = Program;
    Params.Arguments = Args;
    Params.ArgumentCount = Arg ? 2 : 1;
    Params.Flags = Flags | PSX_REQUEST_STDIO_TTY;
    Params.TerminalRows = Rows;
    Params.TerminalColumns = Columns;
    return PsxCreateProcess(Client, &Params, Std, LinuxError, Pid);
}

/* What a client built before protocol minor versions does: the field (then "Reserved") is 0. */
static NTSTATUS ConnectAsMinor0(PPSX_CLIENT Client)
{
    UNICODE_STRING PortName;
    SECURITY_QUALITY_OF_SERVICE Qos;
    PORT_VIEW View;
    PSX_CONNECTION_INFO Info;
    ULONG Length = sizeof(Info);
    LARGE_INTEGER SectionSize;
    NTSTATUS Status;

    RtlZeroMemory(Client, sizeof(*Client));
    SectionSize.QuadPart = PSX_VIEW_SIZE;
    Status = NtCreateSection(&Client->Section, SECTION_ALL_ACCESS, NULL, &SectionSize, PAGE_READWRITE, SEC_COMMIT, NULL);
    if (!NT_SUCCESS(Status)) return Status;
    RtlInitUnicodeString(&PortName, PSX_API_PORT_NAME);
    Qos.Length = sizeof(Qos);
    Qos.ImpersonationLevel = SecurityImpersonation;
    Qos.ContextTrackingMode = SECURITY_DYNAMIC_TRACKING;
    Qos.EffectiveOnly = TRUE;
    RtlZeroMemory(&View, sizeof(View));
    View.Length = sizeof(View);
    View.SectionHandle = Client->Section;
    View.ViewSize = PSX_VIEW_SIZE;
    RtlZeroMemory(&Info, sizeof(Info));
    Info.ProtocolVersion = PSX_PROTOCOL_VERSION;
    Status = NtConnectPort(&Client->Port, &PortName, &Qos, &View, NULL, NULL, &Info, &Length);
    if (!NT_SUCCESS(Status))
    {
        NtClose(Client->Section);
        Client->Section = NULL;
        return Status;
    }
    Client->ViewBase = View.ViewBase;
    Client->ViewSize = (ULONG)View.ViewSize;
    Client->ServerProcessId = Info.ServerProcessId;
    Client->LxcoreStatus = Info.LxcoreStatus;
    Client->ProtocolMinorVersion = 0;
    P("minor 0 connection: server version %lu.%lu\n", Info.ProtocolVersion, Info.ProtocolMinorVersion);
    return STATUS_SUCCESS;
}

/* Protocol minor 1: terminal stdio; and a minor 0 client served as before. */
static VOID ProtocolTests(PPSX_CLIENT Client)
{
    PSX_QUERY_SERVER_MSG Query;
    PSX_WAIT_PROCESS_MSG Wait;
    PSX_CLIENT Old;
    HANDLE ReadEnd, WriteEnd, Std[3];
    NTSTATUS Status;
    LONG LinuxError;
    ULONG Pid, Index;
    static const struct { const char *Arg; ULONG Want; } Sizes[] = {{"rows", 30}, {"cols", 90}, {"tty", 0}};

    Status = PsxQueryServer(Client, &Query);
    Check(NT_SUCCESS(Status) && Query.ProtocolMinorVersion == PSX_PROTOCOL_MINOR_VERSION &&
          Client->ProtocolMinorVersion == PSX_PROTOCOL_MINOR_VERSION,
          "protocol minor 1 agreed and reported by QueryServer", Query.ProtocolMinorVersion);

    Status = RunTerminal(Client, "/bin/hello", NULL, 0, NULL, 25, 80, &LinuxError, &Pid);
    Check(Status == STATUS_INVALID_PARAMETER_MIX && LinuxError == -25,
          "terminal without any std handle: STATUS_INVALID_PARAMETER_MIX, -ENOTTY", Status);
    Status = RunTerminal(Client, "/bin/hello", NULL, PSX_REQUEST_DEBUG_STDIO, NULL, 25, 80, &LinuxError, &Pid);
    Check(NT_SUCCESS(Status) && LinuxError == -25, "terminal with debug stdio: -ENOTTY (psxcli)", LinuxError);

    /* The size reaches the program: ttyprobe rows/cols exit with it; tty runs all checks */
    for (Index = 0; Index < RTL_NUMBER_OF(Sizes); Index++)
    {
        RtlZeroMemory(&Wait, sizeof(Wait));
        Status = MakePipe(&ReadEnd, &WriteEnd);
        if (!NT_SUCCESS(Status)) { Check(FALSE, "named pipe for the terminal", Status); return; }
        Std[0] = WriteEnd; Std[1] = WriteEnd; Std[2] = WriteEnd;
        Status = RunTerminal(Client, "/bin/ttyprobe", Sizes[Index].Arg, 0, Std, 30, 90, &LinuxError, &Pid);
        NtClose(WriteEnd);
        if (NT_SUCCESS(Status) && LinuxError == 0)
            Status = PsxWaitProcess(Client, Pid, PSX_WAIT_INFINITE, &Wait);
        NtClose(ReadEnd);
        P("ttyprobe %s on a 30x90 terminal: status 0x%08lx linux %ld exit %lu\n", Sizes[Index].Arg, Status, LinuxError, Wait.ExitCode);
        Check(NT_SUCCESS(Status) && LinuxError == 0 && Wait.State == PSX_PROCESS_EXITED && Wait.ExitCode == Sizes[Index].Want,
              Index == 0 ? "terminal rows reach TIOCGWINSZ (30)" : Index == 1 ? "terminal columns reach TIOCGWINSZ (90)" :
              "ttyprobe tty: every check passes on a pipe marked as terminal", Wait.ExitCode);
    }

    Status = ConnectAsMinor0(&Old);
    Check(NT_SUCCESS(Status), "a minor 0 client connects", Status);
    if (!NT_SUCCESS(Status)) return;
    Status = Run(&Old, "/bin/hello_asm", PSX_REQUEST_DEBUG_STDIO, NULL, &LinuxError, &Pid);
    if (NT_SUCCESS(Status) && LinuxError == 0)
        Status = PsxWaitProcess(&Old, Pid, PSX_WAIT_INFINITE, &Wait);
    Check(NT_SUCCESS(Status) && LinuxError == 0 && Wait.ExitCode == 7, "minor 0 request (68-byte header) launches hello_asm: 7", Status);
    /* A minor 1 request on that connection is read in the minor 0 layout: refused */
    Old.ProtocolMinorVersion = 1;
    Std[0] = Std[1] = Std[2] = NULL;
    Status = RunTerminal(&Old, "/bin/hello", NULL, 0, Std, 25, 80, &LinuxError, &Pid);
    Check(Status == STATUS_INVALID_PARAMETER, "minor 1 layout on a minor 0 connection refused", Status);
    PsxDisconnect(&Old);
}

static VOID ProbeSleep(ULONG Ms)
{
    LARGE_INTEGER Delay;
    Delay.QuadPart = -(LONGLONG)Ms * 10000;
    NtDelayExecution(FALSE, &Delay);
}

static VOID LxcoreTests(PPSX_CLIENT Client)
{
    PSX_WAIT_PROCESS_MSG Wait;
    PSX_QUERY_SERVER_MSG Query;
    PSX_CLIENT Client2;
    NTSTATUS Status;
    LONG LinuxError;
    ULONG Pid;
    HANDLE ReadEnd, WriteEnd, Std[3];
    IO_STATUS_BLOCK Iosb;
    static CHAR Output[4096];
    ULONG Total = 0;

    Status = Run(Client, "/bin/hello_asm", PSX_REQUEST_DEBUG_STDIO, NULL, &LinuxError, &Pid);
    Check(NT_SUCCESS(Status) && LinuxError == 0, "launch /bin/hello_asm (debug stdio)", Status ? Status : (NTSTATUS)LinuxError);
    if (NT_SUCCESS(Status) && LinuxError == 0)
    {
        Status = PsxWaitProcess(Client, Pid, PSX_WAIT_INFINITE, &Wait);
        P("hello_asm pid %lu: state %lu exit %lu signal %lu code %lu\n", Pid, Wait.State, Wait.ExitStatus, Wait.Signal, Wait.ExitCode);
        Check(NT_SUCCESS(Status) && Wait.State == PSX_PROCESS_EXITED && Wait.ExitCode == 7, "hello_asm exit status 7 reported", Status);
    }

    Status = MakePipe(&ReadEnd, &WriteEnd);
    Check(NT_SUCCESS(Status), "named pipe for stdout", Status);
    if (NT_SUCCESS(Status))
    {
        Std[0] = NULL; Std[1] = WriteEnd; Std[2] = WriteEnd;
        Status = Run(Client, "/bin/hello", 0, Std, &LinuxError, &Pid);
        NtClose(WriteEnd);
        Check(NT_SUCCESS(Status) && LinuxError == 0, "launch /bin/hello with stdout/stderr on a pipe", Status ? Status : (NTSTATUS)LinuxError);
        if (NT_SUCCESS(Status) && LinuxError == 0)
        {
            Status = PsxWaitProcess(Client, Pid, PSX_WAIT_INFINITE, &Wait);
            P("hello pid %lu: state %lu exit %lu signal %lu code %lu\n", Pid, Wait.State, Wait.ExitStatus, Wait.Signal, Wait.ExitCode);
            Check(NT_SUCCESS(Status) && Wait.State == PSX_PROCESS_EXITED, "hello exited", Status);
            for (;;)
            {
                Status = NtReadFile(ReadEnd, NULL, NULL, NULL, &Iosb, Output + Total, sizeof(Output) - 1 - Total, NULL, NULL);
                if (!NT_SUCCESS(Status) || Iosb.Information == 0) break;
                Total += (ULONG)Iosb.Information;
                if (Total >= sizeof(Output) - 1) break;
            }
            Output[Total] = 0;
            P("pipe read ended 0x%08lx after %lu bytes\n", Status, Total);
            P("pipe output: %s\n", Output);
            Check(strstr(Output, "# hello from lxss") != NULL, "hello's stdout came through the pipe", Total);
            Check(Status == STATUS_PIPE_BROKEN || Status == STATUS_END_OF_FILE, "pipe at EOF once hello ended (lxcore released it)", Status);
        }
        NtClose(ReadEnd);
    }

    Status = Run(Client, "/bin/nonexistent", PSX_REQUEST_DEBUG_STDIO, NULL, &LinuxError, &Pid);
    Check(NT_SUCCESS(Status) && LinuxError == -2, "missing program: -ENOENT", LinuxError);
    Status = Run(Client, "/bin/notelf", PSX_REQUEST_DEBUG_STDIO, NULL, &LinuxError, &Pid);
    Check(NT_SUCCESS(Status) && LinuxError == -8, "text file: -ENOEXEC", LinuxError);

    Status = Run(Client, "/bin/spin", PSX_REQUEST_DEBUG_STDIO, NULL, &LinuxError, &Pid);
    Check(NT_SUCCESS(Status) && LinuxError == 0, "launch /bin/spin", Status ? Status : (NTSTATUS)LinuxError);
    if (NT_SUCCESS(Status) && LinuxError == 0)
    {
        ProbeSleep(300);
        Status = PsxWaitProcess(Client, Pid, 0, &Wait);
        Check(NT_SUCCESS(Status) && Wait.State == PSX_PROCESS_RUNNING, "spin still running (poll)", Status);
        Status = PsxSignalProcess(Client, Pid, PSX_SIGKILL);
        Check(NT_SUCCESS(Status), "SIGKILL spin", Status);
        Status = PsxWaitProcess(Client, Pid, PSX_WAIT_INFINITE, &Wait);
        P("spin pid %lu: state %lu exit %lu signal %lu code %lu\n", Pid, Wait.State, Wait.ExitStatus, Wait.Signal, Wait.ExitCode);
        Check(NT_SUCCESS(Status) && Wait.State == PSX_PROCESS_KILLED && Wait.ExitCode == 137, "spin killed: code 137", Status);
    }

    Status = PsxConnect(&Client2, FALSE, 0);
    if (NT_SUCCESS(Status))
    {
        Status = Run(&Client2, "/bin/spin", PSX_REQUEST_DEBUG_STDIO, NULL, &LinuxError, &Pid);
        Check(NT_SUCCESS(Status) && LinuxError == 0, "second client launches spin", Status ? Status : (NTSTATUS)LinuxError);
        PsxQueryServer(Client, &Query);
        P("processes %lu clients %lu\n", Query.ProcessCount, Query.ClientCount);
        PsxDisconnect(&Client2);
        ProbeSleep(1000);
        PsxQueryServer(Client, &Query);
        P("after disconnect: processes %lu clients %lu\n", Query.ProcessCount, Query.ClientCount);
        Check(Query.ProcessCount == 0 && Query.ClientCount == 1, "vanished client's process killed and forgotten", Query.ProcessCount);
    }
}

NTSTATUS __cdecl _main(INT argc, PCHAR argv[], PCHAR envp[], ULONG DebugFlag)
{
    PSX_CLIENT Client, Client2;
    PSX_QUERY_SERVER_MSG Query;
    PSX_WAIT_PROCESS_MSG Wait;
    PSX_REQUEST_PARAMS Params;
    HANDLE SmPort;
    UNICODE_STRING Name;
    NTSTATUS Status;
    LONG LinuxError;
    ULONG Pid;
    BOOLEAN Old;
    BOOLEAN Deferred = (argc > 1 && argv[1][0] == 'd');
    static const char *Args[] = {"/bin/hello"};

    P("start (mode %s)\n", Deferred ? "deferred via smss" : "standalone");

    Status = PsxConnect(&Client, FALSE, 0);
    Check(Status == STATUS_OBJECT_NAME_NOT_FOUND, "no psxss before anyone starts it", Status);

    if (Deferred)
    {
        Status = PsxConnect(&Client, TRUE, 15000);
        Check(NT_SUCCESS(Status), "PsxConnect starts psxss through SmLoadDeferedSubsystem", Status);
    }
    else
    {
        Status = SmConnectToSm(NULL, NULL, 0, &SmPort);
        if (NT_SUCCESS(Status))
        {
            RtlInitUnicodeString(&Name, L"Posix");
            Status = SmLoadDeferedSubsystem(SmPort, &Name);
            NtClose(SmPort);
        }
        Check(!NT_SUCCESS(Status), "SmLoadDeferedSubsystem before csrss fails cleanly", Status);
        Status = PsxStartStandalone();
        Check(NT_SUCCESS(Status), "start psxss.exe directly", Status);
        Status = PsxConnectStarting(&Client);
        Check(NT_SUCCESS(Status), "connect to standalone psxss", Status);
    }
    if (!NT_SUCCESS(Status)) goto Done;

    P("server pid %lu, lxcore status 0x%08lx\n", Client.ServerProcessId, Client.LxcoreStatus);
    Status = PsxQueryServer(&Client, &Query);
    Check(NT_SUCCESS(Status) && Query.ProtocolVersion == PSX_PROTOCOL_VERSION && Query.ClientCount == 1,
          "QueryServer: version, one client", Status);
    P("lxcore 0x%08lx v%lu.%lu flags %lx, processes %lu, clients %lu\n", Query.LxcoreStatus,
      Query.LxcoreVersionMajor, Query.LxcoreVersionMinor, Query.LxcoreFlags, Query.ProcessCount, Query.ClientCount);

    Status = PsxConnect(&Client2, FALSE, 0);
    Check(NT_SUCCESS(Status), "second client connects", Status);
    PsxQueryServer(&Client, &Query);
    Check(Query.ClientCount == 2, "two clients counted", Query.ClientCount);
    PsxDisconnect(&Client2);
    {
        LARGE_INTEGER Delay; Delay.QuadPart = -200 * 10000LL;
        NtDelayExecution(FALSE, &Delay);
    }
    PsxQueryServer(&Client, &Query);
    Check(Query.ClientCount == 1, "closed client cleaned up (LPC_PORT_CLOSED)", Query.ClientCount);

    Status = PsxWaitProcess(&Client, 12345, 0, &Wait);
    Check(Status == STATUS_NOT_FOUND, "wait on a pid we do not own: STATUS_NOT_FOUND", Status);
    Status = PsxSignalProcess(&Client, 12345, 3);
    Check(Status == STATUS_INVALID_PARAMETER, "signal 3 refused", Status);
    Status = PsxWaitProcess(&Client, 1, 5000, &Wait);
    Check(Status == STATUS_NOT_FOUND || Status == STATUS_INVALID_PARAMETER, "finite timeout / unknown pid refused", Status);

    {
        HANDLE Bogus[3] = {(HANDLE)7, NULL, NULL};
        RtlZeroMemory(&Params, sizeof(Params));
        Params.Program = "/bin/hello";
        Params.Arguments = Args;
        Params.ArgumentCount = 1;
        Status = PsxCreateProcess(&Client, &Params, Bogus, &LinuxError, &Pid);
        Check(NT_SUCCESS(Query.LxcoreStatus) ? Status == STATUS_INVALID_HANDLE : !NT_SUCCESS(Status),
              "console-style handle refused (or no lxcore)", Status);
    }

    RtlZeroMemory(&Params, sizeof(Params));
    Params.Program = "/bin/hello";
    Params.Arguments = Args;
    Params.ArgumentCount = 1;
    Params.Flags = PSX_REQUEST_DEBUG_STDIO;
    Status = PsxCreateProcess(&Client, &Params, NULL, &LinuxError, &Pid);
    P("create /bin/hello: status 0x%08lx linux %ld pid %lu\n", Status, LinuxError, Pid);
    if (NT_SUCCESS(Query.LxcoreStatus))
    {
        Check(NT_SUCCESS(Status), "create through lxcore answered", Status);
        if (NT_SUCCESS(Status) && LinuxError == 0)
        {
            Status = PsxWaitProcess(&Client, Pid, PSX_WAIT_INFINITE, &Wait);
            Check(NT_SUCCESS(Status), "wait infinite answered (late reply)", Status);
            P("pid %lu: state %lu exit %lu signal %lu code %lu\n", Pid, Wait.State, Wait.ExitStatus, Wait.Signal, Wait.ExitCode);
        }
    }
    else
    {
        Check(Status == Query.LxcoreStatus, "create without lxcore reports lxcore's status", Status);
    }
    if (NT_SUCCESS(Query.LxcoreStatus))
    {
        LxcoreTests(&Client);
        ProtocolTests(&Client);
    }

Done:
    P("done tests=%d failed=%d\n", Test, Failed);
    RtlAdjustPrivilege(SE_SHUTDOWN_PRIVILEGE, TRUE, FALSE, &Old);
    NtShutdownSystem(ShutdownReboot);
    return STATUS_SUCCESS;
}
