/*
 * PROJECT:     lxss for ReactOS - native NT baseline for the guest benchmarks
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Does in a native NT program what the Linux benchmark programs do through
 *              lxcore, in the same boot, and reports the costs on the kernel debug port
 *
 * A native program run by smss from Session Manager\BootExecute before the test runner
 * (tests/bench/guest-table.ts puts it there with `lxgen test --inf`). It
 * prints one line per row and round, in the units of tests/bench/benchwork.h:
 *     NTBENCH: <key> <cost, three decimals>
 *  - always: null_ns (NtTestAlert, the cheapest round trip through int $0x2e and
 *    KiSystemService, what getpid through lxcore is compared with);
 *  - given a directory (an NT path: ntbench \Device\Harddisk1\Partition1\tmp), the rest of the
 *    table's rows, with their files in that directory: the volume the Linux programs use.
 *    The TCP rows drive AFD endpoints with its IOCTLs, as msafd.dll does for Winsock (smss
 *    runs the program before any Win32 DLL can load): the same afd.sys and tcpip.sys as
 *    lxcore's AF_INET sockets.
 * Time comes from NtQueryPerformanceCounter. A failing step prints
 *     NTBENCH: error <what> 0x<status>
 * and ends the program; then smss goes on with the next BootExecute entry.
 */

#define WIN32_NO_STATUS
#include <windef.h>
#include <winbase.h>
#define NTOS_MODE_USER
#include <ndk/exfuncs.h>
#include <ndk/iofuncs.h>
#include <ndk/kefuncs.h>
#include <ndk/obfuncs.h>
#include <ndk/psfuncs.h>
#include <ndk/rtlfuncs.h>
#include <stdio.h>
#include "benchwork.h"
#include "ntafd.h"

#define NTBENCH_IMAGE   L"\\SystemRoot\\System32\\ntbench.exe"
#define NTBENCH_PIPE    L"\\Device\\NamedPipe\\ntbench"

static UCHAR Chunk[BENCH_CHUNK];
static UCHAR WriterChunk[BENCH_CHUNK];
static UCHAR Listing[64 * 1024];

static ULONGLONG
NowNs(VOID)
{
    LARGE_INTEGER Counter, Frequency;

    NtQueryPerformanceCounter(&Counter, &Frequency);
    return (ULONGLONG)Counter.QuadPart * 1000000000ULL / (ULONGLONG)Frequency.QuadPart;
}

/* Prints a cost in thousandths: Total / Units, scaled by 1000 / Per (ns per unit: Per = 1) */
static VOID
Report(PCSTR Key, ULONGLONG TotalNs, ULONGLONG Units, ULONG Per)
{
    ULONGLONG Thousandths = TotalNs * 1000 / Per / Units;

    DbgPrint("NTBENCH: %s %I64u.%03I64u\n", Key, Thousandths / 1000, Thousandths % 1000);
}

static BOOLEAN
Check(PCSTR What, NTSTATUS Status)
{
    if (NT_SUCCESS(Status))
        return TRUE;
    DbgPrint("NTBENCH: error %s 0x%08lx\n", What, Status);
    return FALSE;
}

static VOID
NullCalls(VOID)
{
    ULONGLONG Start;
    ULONG i;

    Start = NowNs();
    for (i = 0; i < BENCH_NULL_CALLS; i++)
        NtTestAlert();
    Report("null_ns", NowNs() - Start, BENCH_NULL_CALLS, 1);
}

static BOOLEAN
Spawn(VOID)
{
    UNICODE_STRING Image = RTL_CONSTANT_STRING(NTBENCH_IMAGE);
    UNICODE_STRING CommandLine = RTL_CONSTANT_STRING(L"ntbench " _CRT_WIDE(BENCH_CHILD_ARG));
    PRTL_USER_PROCESS_PARAMETERS Parameters;
    RTL_USER_PROCESS_INFORMATION Info;
    PROCESS_BASIC_INFORMATION Basic;
    ULONGLONG Start;
    NTSTATUS Status;
    ULONG i;

    Start = NowNs();
    for (i = 0; i < BENCH_SPAWNS; i++)
    {
        Status = RtlCreateProcessParameters(&Parameters, &Image, NULL, NULL, &CommandLine,
                                            NULL, NULL, NULL, NULL, NULL);
        if (!Check("RtlCreateProcessParameters", Status))
            return FALSE;
        Status = RtlCreateUserProcess(&Image, OBJ_CASE_INSENSITIVE, Parameters, NULL, NULL,
                                      NULL, FALSE, NULL, NULL, &Info);
        RtlDestroyProcessParameters(Parameters);
        if (!Check("RtlCreateUserProcess", Status))
            return FALSE;
        NtResumeThread(Info.ThreadHandle, NULL);
        NtWaitForSingleObject(Info.ProcessHandle, FALSE, NULL);
        Status = NtQueryInformationProcess(Info.ProcessHandle, ProcessBasicInformation,
                                           &Basic, sizeof(Basic), NULL);
        NtClose(Info.ThreadHandle);
        NtClose(Info.ProcessHandle);
        if (!Check("the child's exit", NT_SUCCESS(Status) ? Basic.ExitStatus : Status))
            return FALSE;
    }
    Report("spawn_us", NowNs() - Start, BENCH_SPAWNS, 1000);
    return TRUE;
}

static VOID
PathOf(PUNICODE_STRING Path, PWCHAR Buffer, ULONG Chars, PCUNICODE_STRING Dir, PCWSTR Name)
{
    _snwprintf(Buffer, Chars, L"%wZ\\%s", Dir, Name);
    Buffer[Chars - 1] = UNICODE_NULL;
    RtlInitUnicodeString(Path, Buffer);
}

/* The attributes of file I of the row's directory (f00000, f00001...) */
static VOID
NumberedFile(POBJECT_ATTRIBUTES Attributes, PUNICODE_STRING Path, PWCHAR Buffer, ULONG Chars,
             PCUNICODE_STRING Dir, ULONG i)
{
    WCHAR Name[16];

    _snwprintf(Name, RTL_NUMBER_OF(Name), L"f%05lu", i);
    PathOf(Path, Buffer, Chars, Dir, Name);
    InitializeObjectAttributes(Attributes, Path, OBJ_CASE_INSENSITIVE, NULL, NULL);
}

static NTSTATUS
OpenPath(PHANDLE Handle, ACCESS_MASK Access, PCUNICODE_STRING Dir, PCWSTR Name,
         ULONG Disposition, ULONG Options)
{
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK Io;
    UNICODE_STRING Path;
    WCHAR Buffer[300];

    PathOf(&Path, Buffer, RTL_NUMBER_OF(Buffer), Dir, Name);
    InitializeObjectAttributes(&Attributes, &Path, OBJ_CASE_INSENSITIVE, NULL, NULL);
    return NtCreateFile(Handle, Access | SYNCHRONIZE, &Attributes, &Io, NULL, FILE_ATTRIBUTE_NORMAL,
                        FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, Disposition,
                        Options | FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
}

static BOOLEAN
Files(PCUNICODE_STRING Top)
{
    FILE_NETWORK_OPEN_INFORMATION Info;
    OBJECT_ATTRIBUTES Attributes;
    PFILE_DIRECTORY_INFORMATION Entry;
    IO_STATUS_BLOCK Io;
    UNICODE_STRING Dir, Path;
    WCHAR DirBuffer[300], Buffer[300];
    ULONGLONG Start, Entries = 0;
    HANDLE Handle;
    NTSTATUS Status;
    ULONG i, Walk;

    PathOf(&Dir, DirBuffer, RTL_NUMBER_OF(DirBuffer), Top, L"ntb");
    Status = OpenPath(&Handle, FILE_LIST_DIRECTORY, Top, L"ntb", FILE_CREATE, FILE_DIRECTORY_FILE);
    if (!Check("create the directory", Status))
        return FALSE;
    NtClose(Handle);

    Start = NowNs();
    for (i = 0; i < BENCH_FILES; i++)
    {
        NumberedFile(&Attributes, &Path, Buffer, RTL_NUMBER_OF(Buffer), &Dir, i);
        Status = NtCreateFile(&Handle, FILE_WRITE_DATA | SYNCHRONIZE, &Attributes, &Io, NULL,
                              FILE_ATTRIBUTE_NORMAL, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                              FILE_CREATE, FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
        if (!Check("create", Status))
            return FALSE;
        NtClose(Handle);
    }
    Report("create_us", NowNs() - Start, BENCH_FILES, 1000);

    Start = NowNs();
    for (i = 0; i < BENCH_FILES; i++)
    {
        NumberedFile(&Attributes, &Path, Buffer, RTL_NUMBER_OF(Buffer), &Dir, i);
        Status = NtQueryFullAttributesFile(&Attributes, &Info);
        if (!Check("NtQueryFullAttributesFile", Status))
            return FALSE;
    }
    Report("stat_us", NowNs() - Start, BENCH_FILES, 1000);

    Start = NowNs();
    for (Walk = 0; Walk < BENCH_WALKS; Walk++)
    {
        InitializeObjectAttributes(&Attributes, &Dir, OBJ_CASE_INSENSITIVE, NULL, NULL);
        Status = NtOpenFile(&Handle, FILE_LIST_DIRECTORY | SYNCHRONIZE, &Attributes, &Io,
                            FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                            FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT);
        if (!Check("open the directory", Status))
            return FALSE;
        for (;;)
        {
            Status = NtQueryDirectoryFile(Handle, NULL, NULL, NULL, &Io, Listing, sizeof(Listing),
                                          FileDirectoryInformation, FALSE, NULL, FALSE);
            if (Status == STATUS_NO_MORE_FILES)
                break;
            if (!Check("NtQueryDirectoryFile", Status))
                return FALSE;
            for (Entry = (PFILE_DIRECTORY_INFORMATION)Listing; ; Entry = (PVOID)((PUCHAR)Entry + Entry->NextEntryOffset))
            {
                Entries++;
                if (Entry->NextEntryOffset == 0)
                    break;
            }
        }
        NtClose(Handle);
    }
    if (Entries != (ULONGLONG)BENCH_WALKS * (BENCH_FILES + 2))
    {
        DbgPrint("NTBENCH: error the listing's length %I64u\n", Entries);
        return FALSE;
    }
    Report("walk_us", NowNs() - Start, Entries, 1000);

    Start = NowNs();
    for (i = 0; i < BENCH_FILES; i++)
    {
        NumberedFile(&Attributes, &Path, Buffer, RTL_NUMBER_OF(Buffer), &Dir, i);
        Status = NtDeleteFile(&Attributes);
        if (!Check("NtDeleteFile", Status))
            return FALSE;
    }
    Report("unlink_us", NowNs() - Start, BENCH_FILES, 1000);

    InitializeObjectAttributes(&Attributes, &Dir, OBJ_CASE_INSENSITIVE, NULL, NULL);
    return Check("delete the directory", NtDeleteFile(&Attributes));
}

static BOOLEAN
FileIo(PCUNICODE_STRING Top)
{
    FILE_DISPOSITION_INFORMATION Disposition = { TRUE };
    IO_STATUS_BLOCK Io;
    LARGE_INTEGER Offset = { { 0, 0 } };
    ULONGLONG Start;
    HANDLE Handle;
    NTSTATUS Status;
    ULONG i;

    Status = OpenPath(&Handle, FILE_READ_DATA | FILE_WRITE_DATA | DELETE, Top, L"ntb.dat",
                      FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE);
    if (!Check("create the data file", Status))
        return FALSE;

    Start = NowNs();
    for (i = 0; i < BENCH_FILE_MIB * (1 << 20) / BENCH_CHUNK; i++)
    {
        Status = NtWriteFile(Handle, NULL, NULL, NULL, &Io, Chunk, BENCH_CHUNK, NULL, NULL);
        if (!Check("NtWriteFile", Status))
            break;
    }
    if (NT_SUCCESS(Status))
        Report("write_us_mib", NowNs() - Start, BENCH_FILE_MIB, 1000);

    Start = NowNs();
    for (i = 0; NT_SUCCESS(Status) && i < BENCH_FILE_MIB * (1 << 20) / BENCH_CHUNK; i++)
    {
        Status = NtReadFile(Handle, NULL, NULL, NULL, &Io, Chunk, BENCH_CHUNK, i == 0 ? &Offset : NULL, NULL);
        if (Check("NtReadFile", Status) && Io.Information != BENCH_CHUNK)
        {
            DbgPrint("NTBENCH: error a short read\n");
            Status = STATUS_END_OF_FILE;
        }
    }
    if (NT_SUCCESS(Status))
        Report("read_us_mib", NowNs() - Start, BENCH_FILE_MIB, 1000);

    NtSetInformationFile(Handle, &Io, &Disposition, sizeof(Disposition), FileDispositionInformation);
    NtClose(Handle);
    return NT_SUCCESS(Status);
}

static ULONG NTAPI
PipeWriter(PVOID Context)
{
    IO_STATUS_BLOCK Io;
    NTSTATUS Status = STATUS_SUCCESS;
    ULONG i;

    for (i = 0; NT_SUCCESS(Status) && i < BENCH_PIPE_MIB * (1 << 20) / BENCH_CHUNK; i++)
        Status = NtWriteFile((HANDLE)Context, NULL, NULL, NULL, &Io, WriterChunk, BENCH_CHUNK, NULL, NULL);
    RtlExitUserThread(Status);
    return 0;
}

static BOOLEAN
StartThread(PTHREAD_START_ROUTINE Routine, PVOID Context, PHANDLE Thread)
{
    return Check("RtlCreateUserThread",
                 RtlCreateUserThread(NtCurrentProcess(), NULL, FALSE, 0, 0, 0, Routine,
                                     Context, Thread, NULL));
}

static BOOLEAN
PipeIo(VOID)
{
    UNICODE_STRING Name = RTL_CONSTANT_STRING(NTBENCH_PIPE);
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK Io;
    LARGE_INTEGER Timeout;
    ULONGLONG Start, Got = 0;
    HANDLE Server, Client, Thread;
    NTSTATUS Status;

    InitializeObjectAttributes(&Attributes, &Name, OBJ_CASE_INSENSITIVE, NULL, NULL);
    Timeout.QuadPart = -10000000LL;
    Status = NtCreateNamedPipeFile(&Server, GENERIC_READ | SYNCHRONIZE | FILE_WRITE_ATTRIBUTES,
                                   &Attributes, &Io, FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_CREATE,
                                   FILE_SYNCHRONOUS_IO_NONALERT, FILE_PIPE_BYTE_STREAM_TYPE,
                                   FILE_PIPE_BYTE_STREAM_MODE, FILE_PIPE_QUEUE_OPERATION, 1,
                                   BENCH_CHUNK, BENCH_CHUNK, &Timeout);
    if (!Check("NtCreateNamedPipeFile", Status))
        return FALSE;
    Status = NtOpenFile(&Client, GENERIC_WRITE | SYNCHRONIZE | FILE_READ_ATTRIBUTES, &Attributes, &Io,
                        FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE);
    if (!Check("open the pipe's client end", Status))
    {
        NtClose(Server);
        return FALSE;
    }

    Start = NowNs();
    if (StartThread(PipeWriter, Client, &Thread))
    {
        while (Got < (ULONGLONG)BENCH_PIPE_MIB << 20)
        {
            Status = NtReadFile(Server, NULL, NULL, NULL, &Io, Chunk, BENCH_CHUNK, NULL, NULL);
            if (!Check("NtReadFile of the pipe", Status))
                break;
            Got += Io.Information;
        }
        NtWaitForSingleObject(Thread, FALSE, NULL);
        NtClose(Thread);
        if (Got == (ULONGLONG)BENCH_PIPE_MIB << 20)
            Report("pipe_us_mib", NowNs() - Start, BENCH_PIPE_MIB, 1000);
    }
    NtClose(Client);
    NtClose(Server);
    return Got == (ULONGLONG)BENCH_PIPE_MIB << 20;
}

static ULONG NTAPI
TcpWriter(PVOID Context)
{
    PNTAFD_ENDPOINT Client = Context;
    ULONGLONG Done = 0;
    ULONG Sent = 1;

    while (Sent != 0 && Done < (ULONGLONG)BENCH_SOCK_MIB << 20)
    {
        Sent = NtAfdTransfer(Client, FALSE, WriterChunk, BENCH_CHUNK);
        Done += Sent;
    }
    RtlExitUserThread(STATUS_SUCCESS);
    return 0;
}

static ULONG NTAPI
TcpEcho(PVOID Context)
{
    PNTAFD_ENDPOINT Server = Context;
    UCHAR Byte;
    ULONG i;

    for (i = 0; i < BENCH_SOCK_TRIPS; i++)
        if (NtAfdTransfer(Server, TRUE, &Byte, 1) != 1 || NtAfdTransfer(Server, FALSE, &Byte, 1) != 1)
            break;
    RtlExitUserThread(STATUS_SUCCESS);
    return 0;
}

static BOOLEAN
TcpIo(VOID)
{
    NTAFD_ENDPOINT Listener = { NULL, NULL }, Client = { NULL, NULL }, Server = { NULL, NULL };
    ULONGLONG Start, Got = 0;
    HANDLE Thread;
    UCHAR Byte = 'x';
    ULONG i, Received = 1;
    USHORT Port = 0;
    BOOLEAN Ok = FALSE;

    /* what lxbench's tcp_io makes: a listener, a client connected to it, the accepted end */
    if (Check("a TCP listener on 127.0.0.1", NtAfdListen(&Listener, 0, &Port)) &&
        Check("a TCP connection to it", NtAfdConnect(&Client, Port)) &&
        Check("accept it", NtAfdAccept(&Listener, &Server)))
    {
        Start = NowNs();
        if (StartThread(TcpWriter, &Client, &Thread))
        {
            while (Received != 0 && Got < (ULONGLONG)BENCH_SOCK_MIB << 20)
            {
                Received = NtAfdTransfer(&Server, TRUE, Chunk, BENCH_CHUNK);
                Got += Received;
            }
            NtWaitForSingleObject(Thread, FALSE, NULL);
            NtClose(Thread);
            if (Got == (ULONGLONG)BENCH_SOCK_MIB << 20)
                Report("tcp_us_mib", NowNs() - Start, BENCH_SOCK_MIB, 1000);
            else
                DbgPrint("NTBENCH: error the TCP transfer %I64u bytes\n", Got);
        }
        if (Got == (ULONGLONG)BENCH_SOCK_MIB << 20 && StartThread(TcpEcho, &Server, &Thread))
        {
            Start = NowNs();
            for (i = 0; i < BENCH_SOCK_TRIPS; i++)
                if (NtAfdTransfer(&Client, FALSE, &Byte, 1) != 1 || NtAfdTransfer(&Client, TRUE, &Byte, 1) != 1)
                    break;
            if (i == BENCH_SOCK_TRIPS)
                Report("tcp_rtt_us", NowNs() - Start, BENCH_SOCK_TRIPS, 1000);
            else
                DbgPrint("NTBENCH: error TCP round trip %lu\n", i);
            Ok = i == BENCH_SOCK_TRIPS;
            NtWaitForSingleObject(Thread, FALSE, NULL);
            NtClose(Thread);
        }
    }
    NtAfdClose(&Server);
    NtAfdClose(&Client);
    NtAfdClose(&Listener);
    return Ok;
}

static ULONG NTAPI
Nothing(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    RtlExitUserThread(STATUS_SUCCESS);
    return 0;
}

static BOOLEAN
Threads(VOID)
{
    ULONGLONG Start;
    HANDLE Thread;
    ULONG i;

    Start = NowNs();
    for (i = 0; i < BENCH_THREADS; i++)
    {
        if (!StartThread(Nothing, NULL, &Thread))
            return FALSE;
        NtWaitForSingleObject(Thread, FALSE, NULL);
        NtClose(Thread);
    }
    Report("thread_us", NowNs() - Start, BENCH_THREADS, 1000);
    return TRUE;
}

static ULONG NTAPI
Partner(PVOID Context)
{
    HANDLE Pair = (HANDLE)Context;
    ULONG i;

    NtWaitLowEventPair(Pair);
    for (i = 1; i < BENCH_ROUND_TRIPS; i++)
        NtSetHighWaitLowEventPair(Pair);
    NtSetHighEventPair(Pair);
    RtlExitUserThread(STATUS_SUCCESS);
    return 0;
}

static BOOLEAN
RoundTrips(VOID)
{
    ULONGLONG Start;
    HANDLE Pair, Thread;
    ULONG i;

    if (!Check("NtCreateEventPair", NtCreateEventPair(&Pair, EVENT_PAIR_ALL_ACCESS, NULL)))
        return FALSE;
    if (!StartThread(Partner, Pair, &Thread))
    {
        NtClose(Pair);
        return FALSE;
    }
    Start = NowNs();
    for (i = 0; i < BENCH_ROUND_TRIPS; i++)
        NtSetLowWaitHighEventPair(Pair);
    Report("futex_us", NowNs() - Start, BENCH_ROUND_TRIPS, 1000);
    NtWaitForSingleObject(Thread, FALSE, NULL);
    NtClose(Thread);
    NtClose(Pair);
    return TRUE;
}

int
__cdecl
_main(int argc, char *argv[], char *envp[], ULONG DebugFlag)
{
    ANSI_STRING DirA;
    UNICODE_STRING Dir;
    ULONG Round;
    BOOLEAN Ok = TRUE;

    UNREFERENCED_PARAMETER(envp);
    UNREFERENCED_PARAMETER(DebugFlag);

    if (argc > 1 && strcmp(argv[1], BENCH_CHILD_ARG) == 0)
        return 0;

    DbgPrint("NTBENCH: start, %lu rounds%s%s\n", BENCH_ROUNDS, argc > 1 ? " in " : "", argc > 1 ? argv[1] : "");
    if (argc > 1)
    {
        RtlInitAnsiString(&DirA, argv[1]);
        if (!Check("the directory's name", RtlAnsiStringToUnicodeString(&Dir, &DirA, TRUE)))
            return 1;
    }
    for (Round = 0; Ok && Round < BENCH_ROUNDS; Round++)
    {
        NullCalls();
        if (argc > 1)
            Ok = Spawn() && Files(&Dir) && FileIo(&Dir) && PipeIo() && Threads() && RoundTrips() && TcpIo();
    }
    if (argc > 1)
        RtlFreeUnicodeString(&Dir);
    DbgPrint("NTBENCH: done %d\n", Ok);
    return Ok ? 0 : 1;
}

/* EOF */
