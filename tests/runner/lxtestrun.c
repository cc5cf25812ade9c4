/*
 * PROJECT:     lxss for ReactOS - in-guest test runner
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Native (smss BootExecute) program that runs the Linux ELF test suite as pico
 *              processes through lxcore.sys and reports TAP 13 on the kernel debug port
 *
 * Started by smss from Session Manager\BootExecute (set only in the hives `lxgen test`
 * builds for its boot medium, never in the tree's own images), so it runs before csrss and
 * winlogon and must never wait for anything that boots later.
 *
 * Protocol (ARCHITECTURE.md interface 7, host side: generator/src/tap/):
 *  - every TAP line goes out through one DbgPrint call, prefixed with "LXTAP: " so the host
 *    can pick it out of the kernel's own output on COM1;
 *  - "# run N - name" before each test (progress, and which test a hang or bugcheck hit);
 *  - "ok N - name" / "not ok N - name # why" after it;
 *  - "# done total=T pass=P fail=F skip=S" at the end, then the VM is rebooted, which QEMU
 *    (-no-reboot) turns into a power-off; started as "lxtestrun continue" (`lxgen test
 *    --until`), the runner returns instead, and smss goes on to start csrss and winlogon.
 *
 * The plan (written by `lxgen test` onto the payload disk, LXSS_PLAN_FILE at its root):
 *     # comment lines
 *     <id> TAB <name> TAB <ELF path from the payload root, '/' separated> TAB <exit> TAB <timeout s>
 *         [TAB <exec error or -> [TAB <stdin: pipe|tty|-> [TAB trace]]]
 * An exec error (a negative Linux errno, e.g. -8) makes the entry an expected-exec-failure
 * test: CREATE_PROCESS must fail with exactly that LinuxError; the program never runs.
 * A stdin mode gives the program a pipe the runner holds as its stdin (with "tty", the keys
 * of the program's terminal, a pty lxcore makes: LXSS_CREATE_TTY_STDIN): the runner writes "lxss\n" into it
 * LXSS_STDIN_DELAY_MS after the start, then closes it ("pipe") or keeps it open until the
 * program ends ("tty"). "trace" creates the program with LXSS_CREATE_TRACE: its system
 * calls and its children's are logged on the debug port ("lxtrace: ..." lines); "record"
 * with LXSS_CREATE_TRACE_RECORD: lxcore keeps each process's last calls and logs them
 * ("lxrecent: ...") if it is killed by SIGKILL or faults in a call (the fuzzer).
 * The payload disk's root is the Linux "/" of every test; /tmp on it is writable.
 *
 * The runner is also a native NT TCP peer for the Linux programs (tests/elf/ntpeer.c): a
 * listener on 127.0.0.1 (ntafd.h: AFD endpoints, as msafd drives them) whose port every
 * program finds in LXSS_NT_PEER. A connection sends one line: "ECHO" (then everything sent
 * comes back until the sender shuts down its side) or "CALL <port>" (the runner connects to
 * 127.0.0.1:<port>, sends "hello from NT\n" there and answers "OK\n").
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIN32_NO_STATUS
#include <windef.h>
#include <winbase.h>
#include <winioctl.h>

#define NTOS_MODE_USER
#include <ndk/exfuncs.h>
#include <ndk/iofuncs.h>
#include <ndk/kefuncs.h>
#include <ndk/obfuncs.h>
#include <ndk/psfuncs.h>
#include <ndk/rtlfuncs.h>
#include <ndk/setypes.h>

#include <lxioctl.h>
#include "lxreq.h"
#include "ntafd.h"

#define LXSS_TAP_PREFIX     "LXTAP: "
#define LXSS_PLAN_FILE      L"lxss-plan.txt"
#define LXSS_MAX_DISKS      4
#define LXSS_KILL_WAIT_MS   5000
#define LXSS_STDIN_DELAY_MS 1000
#define LXSS_STDIN_LINE     "lxss\n"

typedef struct _LXSS_PLANNED_TEST
{
    ULONG Id;
    PCSTR Name;
    PCSTR Path;          /* from the payload root, '/' separated */
    ULONG ExpectedExit;
    ULONG TimeoutSeconds;
    LONG ExpectedExecError; /* 0: the exec must succeed */
    CHAR Stdin;             /* 0, 'p' (a pipe) or 't' (the pipe as a terminal) */
    ULONG Trace;            /* 0, LXSS_CREATE_TRACE or LXSS_CREATE_TRACE_RECORD */
} LXSS_PLANNED_TEST, *PLXSS_PLANNED_TEST;

/* NT path of the payload volume's root, without a trailing backslash. */
static WCHAR PayloadRoot[64];

/* TAP OUTPUT ****************************************************************/

static VOID
TapPrint(PCSTR Format, ...)
{
    CHAR Buffer[480];
    va_list Args;
    INT Length;

    va_start(Args, Format);
    Length = _vsnprintf(Buffer, sizeof(Buffer) - 1, Format, Args);
    va_end(Args);
    if (Length < 0 || Length >= (INT)sizeof(Buffer) - 1)
        Length = sizeof(Buffer) - 2;
    Buffer[Length] = ANSI_NULL;

    /* One DbgPrint per line: the kernel writes it to the debug port in one piece */
    DbgPrint(LXSS_TAP_PREFIX "%s\n", Buffer);
}

#include "lxleaks.h"

/* FILES *********************************************************************/

static NTSTATUS
OpenFileByName(PCWSTR Name, ACCESS_MASK Access, ULONG Options, PHANDLE Handle)
{
    UNICODE_STRING Path;
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK Iosb;

    RtlInitUnicodeString(&Path, Name);
    InitializeObjectAttributes(&Attributes, &Path, OBJ_CASE_INSENSITIVE, NULL, NULL);
    return NtOpenFile(Handle,
                      Access | SYNCHRONIZE,
                      &Attributes,
                      &Iosb,
                      FILE_SHARE_READ | FILE_SHARE_WRITE,
                      Options | FILE_SYNCHRONOUS_IO_NONALERT);
}

/* Reads a whole (small) file into a NUL-terminated heap buffer. */
static NTSTATUS
ReadWholeFile(PCWSTR Name, PCHAR *Contents)
{
    HANDLE File;
    NTSTATUS Status;
    IO_STATUS_BLOCK Iosb;
    FILE_STANDARD_INFORMATION Info;
    PCHAR Buffer;
    ULONG Size;

    *Contents = NULL;
    Status = OpenFileByName(Name, FILE_READ_DATA, FILE_NON_DIRECTORY_FILE, &File);
    if (!NT_SUCCESS(Status))
        return Status;

    Status = NtQueryInformationFile(File, &Iosb, &Info, sizeof(Info), FileStandardInformation);
    if (!NT_SUCCESS(Status) || Info.EndOfFile.HighPart != 0 || Info.EndOfFile.LowPart > 1024 * 1024)
    {
        NtClose(File);
        return NT_SUCCESS(Status) ? STATUS_FILE_TOO_LARGE : Status;
    }
    Size = Info.EndOfFile.LowPart;

    Buffer = RtlAllocateHeap(RtlGetProcessHeap(), 0, Size + 1);
    if (!Buffer)
    {
        NtClose(File);
        return STATUS_NO_MEMORY;
    }
    Status = NtReadFile(File, NULL, NULL, NULL, &Iosb, Buffer, Size, NULL, NULL);
    NtClose(File);
    if (Status == STATUS_END_OF_FILE)
    {
        Iosb.Information = 0;
        Status = STATUS_SUCCESS;
    }
    if (!NT_SUCCESS(Status))
    {
        RtlFreeHeap(RtlGetProcessHeap(), 0, Buffer);
        return Status;
    }
    Buffer[Iosb.Information] = ANSI_NULL;
    *Contents = Buffer;
    return STATUS_SUCCESS;
}

/*
 * Finds the payload disk: the volume whose root holds LXSS_PLAN_FILE. The boot medium may be
 * a CD (then the payload is Harddisk0) or a hard disk (then it is Harddisk1); try both.
 */
static NTSTATUS
FindPayload(PCHAR *Plan)
{
    WCHAR Name[128];
    ULONG Disk;
    NTSTATUS Status = STATUS_OBJECT_NAME_NOT_FOUND;

    for (Disk = 0; Disk < LXSS_MAX_DISKS; Disk++)
    {
        _snwprintf(PayloadRoot, RTL_NUMBER_OF(PayloadRoot) - 1, L"\\Device\\Harddisk%lu\\Partition1", Disk);
        PayloadRoot[RTL_NUMBER_OF(PayloadRoot) - 1] = UNICODE_NULL;
        _snwprintf(Name, RTL_NUMBER_OF(Name) - 1, L"%s\\%s", PayloadRoot, LXSS_PLAN_FILE);
        Name[RTL_NUMBER_OF(Name) - 1] = UNICODE_NULL;
        Status = ReadWholeFile(Name, Plan);
        if (NT_SUCCESS(Status))
            return Status;
    }
    PayloadRoot[0] = UNICODE_NULL;
    return Status;
}

/* PLAN **********************************************************************/

/* Splits the next TAB-separated field off *Cursor (in place). */
static PCHAR
NextField(PCHAR *Cursor)
{
    PCHAR Start = *Cursor, p;

    if (!Start)
        return NULL;
    p = strchr(Start, '\t');
    if (p)
    {
        *p = ANSI_NULL;
        *Cursor = p + 1;
    }
    else
    {
        *Cursor = NULL;
    }
    return Start;
}

/* Parses the plan in place; returns the number of tests or -1 for a malformed line. */
static LONG
ParsePlan(PCHAR Text, PLXSS_PLANNED_TEST *Tests)
{
    PLXSS_PLANNED_TEST Array;
    ULONG Count = 0, Capacity = 1;
    PCHAR Line, Next, p;

    for (p = Text; *p; p++)
        if (*p == '\n')
            Capacity++;
    Array = RtlAllocateHeap(RtlGetProcessHeap(), HEAP_ZERO_MEMORY, Capacity * sizeof(*Array));
    if (!Array)
        return -1;

    for (Line = Text; Line && *Line; Line = Next)
    {
        PCHAR Cursor, Id, Name, Path, Exit, Timeout, ExecError, Stdin, Trace;

        Next = strchr(Line, '\n');
        if (Next)
            *Next++ = ANSI_NULL;
        p = strchr(Line, '\r');
        if (p)
            *p = ANSI_NULL;
        if (Line[0] == ANSI_NULL || Line[0] == '#')
            continue;

        Cursor = Line;
        Id = NextField(&Cursor);
        Name = NextField(&Cursor);
        Path = NextField(&Cursor);
        Exit = NextField(&Cursor);
        Timeout = NextField(&Cursor);
        ExecError = NextField(&Cursor); /* optional, "-" for none */
        Stdin = NextField(&Cursor);     /* optional, "-" for none */
        Trace = NextField(&Cursor);     /* optional */
        if (!Id || !Name || !Path || !Exit || !Timeout || Count >= Capacity ||
            (Stdin && strcmp(Stdin, "pipe") != 0 && strcmp(Stdin, "tty") != 0 &&
             strcmp(Stdin, "-") != 0) ||
            (Trace && strcmp(Trace, "trace") != 0 && strcmp(Trace, "record") != 0))
        {
            TapPrint("# malformed plan line %lu", Count + 1);
            return -1;
        }
        Array[Count].Id = strtoul(Id, NULL, 10);
        Array[Count].Name = Name;
        Array[Count].Path = Path;
        Array[Count].ExpectedExit = strtoul(Exit, NULL, 10);
        Array[Count].TimeoutSeconds = strtoul(Timeout, NULL, 10);
        if (Array[Count].TimeoutSeconds == 0)
            Array[Count].TimeoutSeconds = 30;
        Array[Count].ExpectedExecError = ExecError ? strtol(ExecError, NULL, 10) : 0;
        Array[Count].Stdin = (Stdin && Stdin[0] != '-') ? Stdin[0] : 0;
        Array[Count].Trace = !Trace ? 0 : strcmp(Trace, "trace") == 0 ? LXSS_CREATE_TRACE
                                                                      : LXSS_CREATE_TRACE_RECORD;
        Count++;
    }
    *Tests = Array;
    return (LONG)Count;
}

/* LXCORE ********************************************************************/

/* Copies an ASCII string to UTF-16, returning the byte length (no terminator). */
static ULONG
AsciiToWide(PCSTR Source, PWCHAR Target, ULONG TargetChars)
{
    ULONG i;

    for (i = 0; Source[i] && i < TargetChars; i++)
        Target[i] = (Source[i] == '/') ? L'\\' : (WCHAR)(UCHAR)Source[i];
    return i * sizeof(WCHAR);
}

/*
 * The plan entry "@bugcheck" (lxgen test --crash-test) checks the host's bugcheck detection
 * against the real kernel: a hard error with OptionShutdownSystem, which ReactOS allows a
 * SYSTEM process holding the Tcb and Shutdown privileges, ends in
 * KeBugCheckEx(FATAL_UNHANDLED_HARD_ERROR, STATUS_ASSERTION_FAILURE, ...), which prints the
 * status as the STOP code (0xC0000420). Returns only if the kernel refused.
 */
static VOID
CrashTest(PCHAR Why, ULONG WhyLength)
{
    BOOLEAN Old;
    ULONG Response = 0;
    NTSTATUS Status;

    RtlAdjustPrivilege(SE_TCB_PRIVILEGE, TRUE, FALSE, &Old);
    RtlAdjustPrivilege(SE_SHUTDOWN_PRIVILEGE, TRUE, FALSE, &Old);
    TapPrint("# crash test: raising a hard error with OptionShutdownSystem (expect STOP 0xC0000420)");
    Status = NtRaiseHardError(STATUS_ASSERTION_FAILURE, 0, 0, NULL, OptionShutdownSystem, &Response);
    _snprintf(Why, WhyLength, "crash test: the kernel did not bugcheck (status 0x%08lx)", Status);
}

/*
 * Runs one test. Returns TRUE if it passed; Why gets the reason for a failure.
 */
/* A pipe as CreatePipe makes it: the read end (server, inbound) and the write end (client) */
static NTSTATUS
CreateStdinPipe(PHANDLE ReadEnd, PHANDLE WriteEnd)
{
    static ULONG Serial;
    WCHAR Name[64];
    UNICODE_STRING Path;
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK Iosb;
    LARGE_INTEGER Timeout;
    NTSTATUS Status;

    _snwprintf(Name, RTL_NUMBER_OF(Name) - 1, L"\\Device\\NamedPipe\\lxtestrun.stdin.%lu", ++Serial);
    Name[RTL_NUMBER_OF(Name) - 1] = UNICODE_NULL;
    RtlInitUnicodeString(&Path, Name);
    InitializeObjectAttributes(&Attributes, &Path, OBJ_CASE_INSENSITIVE, NULL, NULL);
    Timeout.QuadPart = -1200000000LL;   /* 120 s, as CreatePipe */
    Status = NtCreateNamedPipeFile(ReadEnd, GENERIC_READ | FILE_WRITE_ATTRIBUTES | SYNCHRONIZE, &Attributes,
                                   &Iosb, FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_CREATE,
                                   FILE_SYNCHRONOUS_IO_NONALERT, FILE_PIPE_BYTE_STREAM_TYPE,
                                   FILE_PIPE_BYTE_STREAM_MODE, FILE_PIPE_QUEUE_OPERATION, 1, 4096, 4096,
                                   &Timeout);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = NtOpenFile(WriteEnd, GENERIC_WRITE | FILE_READ_ATTRIBUTES | SYNCHRONIZE, &Attributes, &Iosb,
                        FILE_SHARE_READ, FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE);
    if (!NT_SUCCESS(Status))
        NtClose(*ReadEnd);
    return Status;
}

/* TCP PEER ******************************************************************/

static NTAFD_ENDPOINT PeerListener;
static USHORT PeerPort;         /* host byte order, 0: no peer */
static UCHAR PeerBuffer[16384];

static USHORT
Swap16(USHORT Value)
{
    return (USHORT)((Value >> 8) | (Value << 8));
}

/* The first line of a connection, without its "\n": FALSE if the connection ended first */
static BOOLEAN
PeerReadLine(PNTAFD_ENDPOINT Endpoint, PCHAR Line, ULONG Size)
{
    ULONG Used = 0;

    while (Used + 1 < Size)
    {
        if (NtAfdTransfer(Endpoint, TRUE, Line + Used, 1) != 1)
            return FALSE;
        if (Line[Used] == '\n')
            break;
        Used++;
    }
    Line[Used] = ANSI_NULL;
    return TRUE;
}

static BOOLEAN
PeerSendAll(PNTAFD_ENDPOINT Endpoint, const VOID *Data, ULONG Count)
{
    ULONG Done = 0, Sent;

    while (Done < Count)
    {
        Sent = NtAfdTransfer(Endpoint, FALSE, (PUCHAR)Data + Done, Count - Done);
        if (Sent == 0)
            return FALSE;
        Done += Sent;
    }
    return TRUE;
}

static VOID
PeerServe(PNTAFD_ENDPOINT Server)
{
    static const CHAR Hello[] = "hello from NT\n";
    CHAR Line[32];
    ULONG Received;

    if (!PeerReadLine(Server, Line, sizeof(Line)))
        return;
    if (strcmp(Line, "ECHO") == 0)
    {
        while ((Received = NtAfdTransfer(Server, TRUE, PeerBuffer, sizeof(PeerBuffer))) != 0)
        {
            if (!PeerSendAll(Server, PeerBuffer, Received))
                break;
        }
    }
    else if (strncmp(Line, "CALL ", 5) == 0)
    {
        NTAFD_ENDPOINT Client;
        NTSTATUS Status = NtAfdConnect(&Client, Swap16((USHORT)atoi(Line + 5)));

        if (NT_SUCCESS(Status) && PeerSendAll(&Client, Hello, sizeof(Hello) - 1))
            PeerSendAll(Server, "OK\n", 3);
        else
            TapPrint("# TCP peer: cannot call port %s, status 0x%08lx", Line + 5, Status);
        NtAfdClose(&Client);
    }
}

static ULONG NTAPI
PeerThread(PVOID Context)
{
    NTAFD_ENDPOINT Server;

    UNREFERENCED_PARAMETER(Context);
    for (;;)
    {
        if (!NT_SUCCESS(NtAfdAccept(&PeerListener, &Server)))
            break;
        PeerServe(&Server);
        NtAfdClose(&Server);
    }
    RtlExitUserThread(STATUS_SUCCESS);
    return 0;
}

/* Starts the TCP peer; without TCP/IP the programs get no LXSS_NT_PEER */
static VOID
StartTcpPeer(VOID)
{
    HANDLE Thread;
    USHORT Port = 0;
    NTSTATUS Status;

    Status = NtAfdListen(&PeerListener, 0, &Port);
    if (NT_SUCCESS(Status))
        Status = RtlCreateUserThread(NtCurrentProcess(), NULL, FALSE, 0, 0, 0, PeerThread, NULL,
                                     &Thread, NULL);
    if (!NT_SUCCESS(Status))
    {
        TapPrint("# no TCP peer: status 0x%08lx", Status);
        NtAfdClose(&PeerListener);
        return;
    }
    NtClose(Thread);
    PeerPort = Swap16(Port);
    TapPrint("# TCP peer on 127.0.0.1:%u", PeerPort);
}

static BOOLEAN
RunProgram(HANDLE Device, PLXSS_PLANNED_TEST Test, HANDLE StdinRead, PHANDLE StdinWrite, PCHAR Why,
           ULONG WhyLength)
{
    static UCHAR Request[4096];
    PLXSS_CREATE_PROCESS_IN In = (PLXSS_CREATE_PROCESS_IN)Request;
    LXSS_CREATE_PROCESS_OUT Created;
    LXSS_WAIT_PROCESS_OUT Waited;
    WCHAR WidePath[260];
    CHAR Argv0[200];
    static const CHAR Cwd[] = "/tmp";
    static const CHAR BaseEnv[] = "PATH=/elf:/bin\0HOME=/tmp\0TERM=dumb\0LXSS_TEST=1";
    CHAR Env[sizeof(BaseEnv) + 32];
    ULONG Used = sizeof(*In), Length, RootLength, EnvLength = sizeof(BaseEnv), EnvCount = 4;
    NTSTATUS Status;

    if (strcmp(Test->Path, "@bugcheck") == 0)
    {
        CrashTest(Why, WhyLength);
        return FALSE;
    }
    if (strcmp(Test->Path, "@hang") == 0)
    {
        /* lxgen test --hang-test: the runner itself stops answering; the host must call it a
         * hang of this test after the test's timeout plus its grace period. */
        LARGE_INTEGER Forever;

        TapPrint("# hang test: the runner now sleeps forever");
        Forever.QuadPart = -36000000000LL; /* one hour, relative */
        for (;;)
            NtDelayExecution(FALSE, &Forever);
    }

    RtlZeroMemory(Request, sizeof(Request));
    In->Size = sizeof(*In);
    In->Flags = LXSS_CREATE_DEBUG_STDIO | Test->Trace;
    if (StdinRead != NULL)
    {
        In->StdHandles[0] = StdinRead;
        if (Test->Stdin == 't')
            In->Flags |= LXSS_CREATE_TTY_STDIN;     /* a pty of 25 x 80 */
    }

    /* ImagePath: <payload root>\<path> (UTF-16) */
    RootLength = (ULONG)wcslen(PayloadRoot);
    RtlCopyMemory(WidePath, PayloadRoot, RootLength * sizeof(WCHAR));
    WidePath[RootLength] = L'\\';
    Length = AsciiToWide(Test->Path, WidePath + RootLength + 1, RTL_NUMBER_OF(WidePath) - RootLength - 1);
    PutBlob(Request, &Used, &In->ImagePath, WidePath, (RootLength + 1) * sizeof(WCHAR) + Length);

    /* RootDirectory: the payload volume */
    PutBlob(Request, &Used, &In->RootDirectory, PayloadRoot, RootLength * sizeof(WCHAR));

    /* CurrentDirectory, argv[0] = "/<path>", environment */
    PutBlob(Request, &Used, &In->CurrentDirectory, Cwd, sizeof(Cwd));
    _snprintf(Argv0, sizeof(Argv0) - 1, "/%s", Test->Path);
    Argv0[sizeof(Argv0) - 1] = ANSI_NULL;
    PutBlob(Request, &Used, &In->Arguments, Argv0, (ULONG)strlen(Argv0) + 1);
    In->ArgumentCount = 1;
    RtlCopyMemory(Env, BaseEnv, sizeof(BaseEnv));
    if (PeerPort != 0)
    {
        EnvLength += _snprintf(Env + EnvLength, sizeof(Env) - EnvLength - 1, "LXSS_NT_PEER=%u", PeerPort) + 1;
        EnvCount++;
    }
    PutBlob(Request, &Used, &In->Environment, Env, EnvLength);
    In->EnvironmentCount = EnvCount;

    RtlZeroMemory(&Created, sizeof(Created));
    Created.Size = sizeof(Created);
    Status = LxIoctl(Device, IOCTL_LXSS_CREATE_PROCESS, Request, Used, &Created, sizeof(Created));
    if (!NT_SUCCESS(Status))
    {
        _snprintf(Why, WhyLength, "create process request failed, status 0x%08lx", Status);
        return FALSE;
    }
    if (Test->ExpectedExecError != 0)
    {
        /* Expected-exec-failure entry: the exec must be refused with exactly this error */
        if (Created.LinuxError == Test->ExpectedExecError)
            return TRUE;
        if (Created.LinuxError != 0)
        {
            _snprintf(Why, WhyLength, "exec failed: %ld, expected %ld", Created.LinuxError, Test->ExpectedExecError);
            return FALSE;
        }
        /* It was accepted: end the process before reporting */
        Status = LxSignalProcess(Device, Created.Pid, LXSS_SIGKILL);
        LxWaitProcess(Device, Created.Pid, LXSS_KILL_WAIT_MS, &Waited);
        _snprintf(Why, WhyLength, "exec succeeded (pid %lu), expected exec failure %ld (SIGKILL %s)",
                  (ULONG)Created.Pid, Test->ExpectedExecError, NT_SUCCESS(Status) ? "sent" : "failed");
        return FALSE;
    }
    if (Created.LinuxError != 0)
    {
        _snprintf(Why, WhyLength, "exec failed: %ld", Created.LinuxError);
        return FALSE;
    }

    if (*StdinWrite != NULL)
    {
        IO_STATUS_BLOCK Iosb;

        /* the line comes LXSS_STDIN_DELAY_MS after the start; then a pipe is closed */
        Status = LxWaitProcess(Device, Created.Pid, LXSS_STDIN_DELAY_MS, &Waited);
        if (NT_SUCCESS(Status) && Waited.State == LXSS_PROCESS_RUNNING)
            NtWriteFile(*StdinWrite, NULL, NULL, NULL, &Iosb, (PVOID)LXSS_STDIN_LINE,
                        sizeof(LXSS_STDIN_LINE) - 1, NULL, NULL);
        if (Test->Stdin == 'p')
        {
            NtClose(*StdinWrite);
            *StdinWrite = NULL;
        }
    }
    Status = LxWaitProcess(Device, Created.Pid, Test->TimeoutSeconds * 1000, &Waited);
    if (!NT_SUCCESS(Status))
    {
        _snprintf(Why, WhyLength, "wait request failed, status 0x%08lx", Status);
        return FALSE;
    }

    if (Waited.State == LXSS_PROCESS_RUNNING)
    {
        Status = LxSignalProcess(Device, Created.Pid, LXSS_SIGKILL);
        LxWaitProcess(Device, Created.Pid, LXSS_KILL_WAIT_MS, &Waited);
        _snprintf(Why, WhyLength, "timeout after %lu s (SIGKILL %s)", Test->TimeoutSeconds,
                  (NT_SUCCESS(Status) && Waited.State != LXSS_PROCESS_RUNNING) ? "sent" : "failed");
        return FALSE;
    }
    if (Waited.State == LXSS_PROCESS_KILLED)
    {
        _snprintf(Why, WhyLength, "killed by signal %lu, expected exit status %lu", Waited.Signal, Test->ExpectedExit);
        return FALSE;
    }
    if (Waited.ExitStatus != Test->ExpectedExit)
    {
        _snprintf(Why, WhyLength, "exit status %lu, expected %lu", Waited.ExitStatus, Test->ExpectedExit);
        return FALSE;
    }
    return TRUE;
}

static BOOLEAN
RunTest(HANDLE Device, PLXSS_PLANNED_TEST Test, PCHAR Why, ULONG WhyLength)
{
    HANDLE StdinRead = NULL, StdinWrite = NULL;
    NTSTATUS Status;
    BOOLEAN Passed;

    if (Test->Stdin)
    {
        Status = CreateStdinPipe(&StdinRead, &StdinWrite);
        if (!NT_SUCCESS(Status))
        {
            _snprintf(Why, WhyLength, "cannot create the stdin pipe, status 0x%08lx", Status);
            return FALSE;
        }
    }
    Passed = RunProgram(Device, Test, StdinRead, &StdinWrite, Why, WhyLength);
    if (StdinRead != NULL)
        NtClose(StdinRead);
    if (StdinWrite != NULL)
        NtClose(StdinWrite);
    return Passed;
}

static NTSTATUS
OpenLxcore(PHANDLE Device)
{
    UNICODE_STRING Name = RTL_CONSTANT_STRING(LXSS_DEVICE_NAME_W);
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK Iosb;

    InitializeObjectAttributes(&Attributes, &Name, OBJ_CASE_INSENSITIVE, NULL, NULL);
    return NtCreateFile(Device,
                        FILE_READ_DATA | FILE_WRITE_DATA | SYNCHRONIZE,
                        &Attributes,
                        &Iosb,
                        NULL,
                        0,
                        FILE_SHARE_READ | FILE_SHARE_WRITE,
                        FILE_OPEN,
                        FILE_SYNCHRONOUS_IO_NONALERT,
                        NULL,
                        0);
}

/* POWER *********************************************************************/

/* "lxtestrun continue": return after the plan instead of powering off */
static BOOLEAN ContinueBoot;

static VOID
PowerOff(VOID)
{
    BOOLEAN Old;
    NTSTATUS Status;

    /* The host runs QEMU with -no-reboot: a reboot ends the VM at once. The PC HAL cannot
     * power off, and a reboot does not need ACPI. */
    RtlAdjustPrivilege(SE_SHUTDOWN_PRIVILEGE, TRUE, FALSE, &Old);
    Status = NtShutdownSystem(ShutdownReboot);
    TapPrint("# shutdown failed, status 0x%08lx: the host stops the VM", Status);
}

/* After the last TAP line: power off, or with "continue" let smss go on booting */
static VOID
Finish(VOID)
{
    if (ContinueBoot)
    {
        TapPrint("# continue: the boot goes on");
        return;
    }
    PowerOff();
}

/* ENTRY POINT ***************************************************************/

int
__cdecl
_main(int argc, char *argv[], char *envp[], ULONG DebugFlag)
{
    PCHAR PlanText;
    PLXSS_PLANNED_TEST Tests = NULL;
    LONG Count, i;
    ULONG Pass = 0, Fail = 0;
    HANDLE Device = NULL;
    NTSTATUS Status, DeviceStatus;
    LXSS_LEAK_SNAPSHOT Baseline;
    CHAR Why[200];

    UNREFERENCED_PARAMETER(envp);
    UNREFERENCED_PARAMETER(DebugFlag);

    ContinueBoot = (argc > 1 && _stricmp(argv[1], "continue") == 0);
    TapPrint("TAP version 13");

    Status = FindPayload(&PlanText);
    if (!NT_SUCCESS(Status))
    {
        TapPrint("1..0 # SKIP no payload disk with %S found (status 0x%08lx)", LXSS_PLAN_FILE, Status);
        TapPrint("Bail out! no payload disk");
        TapPrint("# done total=0 pass=0 fail=0 skip=0");
        Finish();
        return 1;
    }
    Count = ParsePlan(PlanText, &Tests);
    if (Count < 0)
    {
        TapPrint("Bail out! malformed plan on %S", PayloadRoot);
        TapPrint("# done total=0 pass=0 fail=0 skip=0");
        Finish();
        return 1;
    }

    TapPrint("1..%ld", Count);
    TapPrint("# payload %S, %ld tests", PayloadRoot, Count);

    DeviceStatus = OpenLxcore(&Device);
    if (NT_SUCCESS(DeviceStatus))
    {
        LXSS_INFORMATION Info;

        RtlZeroMemory(&Info, sizeof(Info));
        Info.Size = sizeof(Info);
        Status = LxIoctl(Device, IOCTL_LXSS_QUERY_INFORMATION, NULL, 0, &Info, sizeof(Info));
        if (NT_SUCCESS(Status))
            TapPrint("# lxcore interface %lu.%lu flags 0x%lx, %lu of %lu services implemented",
                     Info.VersionMajor, Info.VersionMinor, Info.Flags, Info.ImplementedServices, Info.ServiceCount);
        else
            TapPrint("# lxcore query information failed, status 0x%08lx", Status);
    }
    else
    {
        TapPrint("# lxcore device %S cannot be opened, status 0x%08lx", LXSS_DEVICE_NAME_W, DeviceStatus);
    }

    StartTcpPeer();
    TakeLeakSnapshot(&Baseline, Device);
    for (i = 0; i < Count; i++)
    {
        BOOLEAN Passed;

        TapPrint("# run %lu - %s", Tests[i].Id, Tests[i].Name);
        Why[0] = ANSI_NULL;
        if (NT_SUCCESS(DeviceStatus) || Tests[i].Path[0] == '@')
        {
            Passed = RunTest(Device, &Tests[i], Why, sizeof(Why) - 1);
        }
        else
        {
            _snprintf(Why, sizeof(Why) - 1, "lxcore not available (status 0x%08lx)", DeviceStatus);
            Passed = FALSE;
        }
        Why[sizeof(Why) - 1] = ANSI_NULL;

        if (Passed)
        {
            Pass++;
            TapPrint("ok %lu - %s", Tests[i].Id, Tests[i].Name);
        }
        else
        {
            Fail++;
            TapPrint("not ok %lu - %s # %s", Tests[i].Id, Tests[i].Name, Why);
        }
    }

    CheckLeaks(&Baseline, Device);
    if (Device)
        NtClose(Device);
    TapPrint("# done total=%ld pass=%lu fail=%lu skip=0", Count, Pass, Fail);
    Finish();
    return Fail ? 1 : 0;
}

/* EOF */
