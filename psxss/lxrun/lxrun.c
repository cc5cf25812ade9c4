/*
 * PROJECT:     lxss for ReactOS - lxrun
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Console client: runs a Linux program through psxss with this console as its
 *              stdio and returns its exit status
 *
 * Console handles of the NT5-style console are not kernel objects, so a console stdin,
 * stdout or stderr is bridged through an anonymous pipe and a pump thread (UTF-8 on the
 * Linux side, WriteConsoleW/ReadConsoleW on ours). A redirected handle (file, pipe) is
 * passed to psxss as it is. When stdout is a console the program's stdio is a terminal of
 * the console window's size (PSX_REQUEST_STDIO_TTY: isatty(), TCGETS, TIOCGWINSZ work);
 * lxcore marks fds 0-2 alike, so a redirected stdout makes none of them a terminal. Ctrl+C
 * asks psxss to signal the program (SIGINT, then SIGKILL on the second press); lxrun keeps
 * running until the program has ended.
 */

/* INCLUDES *******************************************************************/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIN32_NO_STATUS
#include <windef.h>
#include <winbase.h>
#include <wincon.h>
#include <winnls.h>

#define NTOS_MODE_USER
#include <ndk/rtlfuncs.h>
#include <ndk/obfuncs.h>

#include "psxcli.h"
#include "lxargs.h"

/* GLOBALS ********************************************************************/

#define LXRUN_PIPE_BUFFER   4096
#define LXRUN_START_TIMEOUT 15000   /* ms to wait for psxss after asking smss */
#define LXRUN_DRAIN_TIMEOUT 5000    /* ms to wait for output after the program ended */

typedef struct _LXRUN_BRIDGE
{
    HANDLE Console;         /* our console handle */
    HANDLE Pipe;            /* our end of the pipe */
    HANDLE Thread;
} LXRUN_BRIDGE, *PLXRUN_BRIDGE;

static PSX_CLIENT LxrunClient;
static volatile LONG LxrunPid;
static volatile LONG LxrunInterrupts;

/* FUNCTIONS ******************************************************************/

static
VOID
LxrunError(
    _In_ PCSTR Format,
    ...)
{
    CHAR Buffer[512];
    va_list Args;
    DWORD Written;

    va_start(Args, Format);
    _vsnprintf(Buffer, sizeof(Buffer) - 1, Format, Args);
    va_end(Args);
    Buffer[sizeof(Buffer) - 1] = '\0';
    WriteFile(GetStdHandle(STD_ERROR_HANDLE), "lxrun: ", 7, &Written, NULL);
    WriteFile(GetStdHandle(STD_ERROR_HANDLE), Buffer, (DWORD)strlen(Buffer), &Written, NULL);
    WriteFile(GetStdHandle(STD_ERROR_HANDLE), "\r\n", 2, &Written, NULL);
}

static
BOOL
WINAPI
LxrunCtrlHandler(
    _In_ DWORD CtrlType)
{
    LONG Pid = LxrunPid;
    ULONG Signal;

    if (Pid == 0)
    {
        /* Nothing started yet: let the default handler end lxrun */
        return FALSE;
    }

    switch (CtrlType)
    {
        case CTRL_C_EVENT:
        case CTRL_BREAK_EVENT:
            /* First press interrupts, the next ones kill */
            Signal = (InterlockedIncrement(&LxrunInterrupts) == 1) ? PSX_SIGINT : PSX_SIGKILL;
            PsxSignalProcess(&LxrunClient, (ULONG)Pid, Signal);
            return TRUE;

        default:
            /* Console closing, logoff, shutdown: the program must not outlive us */
            PsxSignalProcess(&LxrunClient, (ULONG)Pid, PSX_SIGKILL);
            return FALSE;
    }
}

static
BOOL
LxrunIsConsole(
    _In_ HANDLE Handle)
{
    DWORD Mode;

    if (((ULONG_PTR)Handle & 3) == 3)
        return TRUE;
    return GetConsoleMode(Handle, &Mode);
}

/*
 * Marks the program's stdio as a terminal when our stdout is a console. lxcore applies the
 * mark to fds 0-2 of the process alike, so stdout decides: with "> file" or "| more" what
 * the program writes is not on a terminal, and Linux programs then expect isatty(1) to be
 * false (a console stdin alone does not count; a redirected stdin under a console stdout is
 * marked too, a documented limit). The size is the console window's (srWindow), not the
 * screen buffer's, as a Linux terminal emulator reports its visible rows and columns.
 */
static
VOID
LxrunSetTerminal(
    _Inout_ PSX_REQUEST_PARAMS *Params)
{
    CONSOLE_SCREEN_BUFFER_INFO Info;
    HANDLE Output = GetStdHandle(STD_OUTPUT_HANDLE);
    LONG Rows = 25, Columns = 80;

    if (Output == NULL || Output == INVALID_HANDLE_VALUE || !LxrunIsConsole(Output))
        return;

    if (GetConsoleScreenBufferInfo(Output, &Info))
    {
        Rows = (LONG)Info.srWindow.Bottom - Info.srWindow.Top + 1;
        Columns = (LONG)Info.srWindow.Right - Info.srWindow.Left + 1;
        if (Rows <= 0 || (ULONG)Rows > PSX_MAX_TERMINAL_SIZE ||
            Columns <= 0 || (ULONG)Columns > PSX_MAX_TERMINAL_SIZE)
        {
            Rows = 25;
            Columns = 80;
        }
    }

    Params->Flags |= PSX_REQUEST_STDIO_TTY;
    Params->TerminalRows = (uint16_t)Rows;
    Params->TerminalColumns = (uint16_t)Columns;
}

/* Linux program output (UTF-8 bytes from the pipe) -> console. */
static
DWORD
WINAPI
LxrunOutputPump(
    _In_ LPVOID Parameter)
{
    PLXRUN_BRIDGE Bridge = Parameter;
    UCHAR Buffer[LXRUN_PIPE_BUFFER + 4];
    WCHAR Wide[LXRUN_PIPE_BUFFER + 4];
    SIZE_T Carry = 0;
    DWORD Read, Written;
    SIZE_T Complete;
    INT Chars;

    for (;;)
    {
        if (!ReadFile(Bridge->Pipe, Buffer + Carry, LXRUN_PIPE_BUFFER, &Read, NULL) ||
            Read == 0)
        {
            break;
        }
        Read += (DWORD)Carry;

        /* Convert only whole UTF-8 sequences; keep a split one for the next read */
        Complete = LxrunUtf8CompleteLength(Buffer, Read);
        Chars = MultiByteToWideChar(CP_UTF8, 0, (LPCSTR)Buffer, (INT)Complete,
                                    Wide, LXRUN_PIPE_BUFFER + 4);
        if (Chars > 0)
            WriteConsoleW(Bridge->Console, Wide, Chars, &Written, NULL);

        Carry = Read - Complete;
        memmove(Buffer, Buffer + Complete, Carry);
    }

    /* A sequence cut by the end of the stream still gets shown (as a replacement) */
    if (Carry)
    {
        Chars = MultiByteToWideChar(CP_UTF8, 0, (LPCSTR)Buffer, (INT)Carry, Wide, 4);
        if (Chars > 0)
            WriteConsoleW(Bridge->Console, Wide, Chars, &Written, NULL);
    }
    return 0;
}

/* Console input -> UTF-8 bytes into the pipe the Linux program reads. */
static
DWORD
WINAPI
LxrunInputPump(
    _In_ LPVOID Parameter)
{
    PLXRUN_BRIDGE Bridge = Parameter;
    WCHAR Wide[512];
    CHAR Buffer[512 * 3];
    DWORD Read, Written, Index;
    INT Bytes;

    for (;;)
    {
        if (!ReadConsoleW(Bridge->Console, Wide, RTL_NUMBER_OF(Wide), &Read, NULL) ||
            Read == 0)
        {
            break;
        }

        /* Ctrl+Z at the start of a line is end of file, as for Windows programs */
        if (Wide[0] == 0x1A)
            break;

        /* Linux programs expect "\n" line ends */
        for (Index = 0, Written = 0; Index < Read; Index++)
        {
            if (Wide[Index] != L'\r')
                Wide[Written++] = Wide[Index];
        }
        if (Written == 0)
            continue;

        Bytes = WideCharToMultiByte(CP_UTF8, 0, Wide, (INT)Written, Buffer,
                                    sizeof(Buffer), NULL, NULL);
        if (Bytes > 0 && !WriteFile(Bridge->Pipe, Buffer, Bytes, &Written, NULL))
            break;
    }

    CloseHandle(Bridge->Pipe);
    Bridge->Pipe = NULL;
    return 0;
}

/*
 * Gives the handle psxss should use for fd Index: the redirected handle itself, or the
 * program's end of a new pipe whose other end a pump thread serves.
 */
static
BOOL
LxrunPrepareStdHandle(
    _In_ DWORD StdHandleId,
    _In_ BOOL IsInput,
    _Out_ PLXRUN_BRIDGE Bridge,
    _Out_ PHANDLE ProgramHandle)
{
    HANDLE Handle = GetStdHandle(StdHandleId);
    HANDLE ReadEnd, WriteEnd;

    ZeroMemory(Bridge, sizeof(*Bridge));
    *ProgramHandle = NULL;

    if (Handle == NULL || Handle == INVALID_HANDLE_VALUE)
        return TRUE; /* no handle: the fd is closed */

    if (!LxrunIsConsole(Handle))
    {
        *ProgramHandle = Handle;
        return TRUE;
    }

    if (!CreatePipe(&ReadEnd, &WriteEnd, NULL, LXRUN_PIPE_BUFFER))
        return FALSE;

    Bridge->Console = Handle;
    if (IsInput)
    {
        Bridge->Pipe = WriteEnd;
        *ProgramHandle = ReadEnd;
    }
    else
    {
        Bridge->Pipe = ReadEnd;
        *ProgramHandle = WriteEnd;
    }
    return TRUE;
}

static
BOOL
LxrunStartBridge(
    _Inout_ PLXRUN_BRIDGE Bridge,
    _In_ BOOL IsInput)
{
    if (!Bridge->Console)
        return TRUE;
    Bridge->Thread = CreateThread(NULL,
                                  0,
                                  IsInput ? LxrunInputPump : LxrunOutputPump,
                                  Bridge,
                                  0,
                                  NULL);
    return Bridge->Thread != NULL;
}

/* Converts a UTF-16 Windows path to a UTF-16 NT path (caller frees with RtlFreeHeap). */
static
BOOL
LxrunToNtPath(
    _In_ PCWSTR DosPath,
    _Out_ PUNICODE_STRING NtPath)
{
    return RtlDosPathNameToNtPathName_U(DosPath, NtPath, NULL, NULL);
}

static
PSTR
LxrunToUtf8(
    _In_ PCWSTR Wide)
{
    INT Bytes = WideCharToMultiByte(CP_UTF8, 0, Wide, -1, NULL, 0, NULL, NULL);
    PSTR Utf8;

    if (Bytes <= 0)
        return NULL;
    Utf8 = malloc(Bytes);
    if (Utf8)
        WideCharToMultiByte(CP_UTF8, 0, Wide, -1, Utf8, Bytes, NULL, NULL);
    return Utf8;
}

static
PCSTR
LxrunConnectError(
    _In_ NTSTATUS Status)
{
    switch (Status)
    {
        case STATUS_OBJECT_NAME_NOT_FOUND:
            return "psxss is not running and could not be started "
                   "(is Posix listed in Session Manager\\SubSystems?)";
        case STATUS_ACCESS_DENIED:
            return "access to psxss or smss denied";
        case STATUS_REVISION_MISMATCH:
            return "psxss speaks another protocol version";
        default:
            return "cannot connect to psxss";
    }
}

int
wmain(
    _In_ int argc,
    _In_ WCHAR *argv[])
{
    LXRUN_OPTIONS Options;
    PSX_REQUEST_PARAMS Params;
    PSX_WAIT_PROCESS_MSG Result;
    LXRUN_BRIDGE Bridges[3];
    HANDLE ProgramHandles[3] = {NULL, NULL, NULL};
    UNICODE_STRING RootPath = {0}, ImagePath = {0};
    PCSTR Environment[LXRUN_MAX_ENVIRONMENT];
    PCSTR EnvChanges[LXRUN_MAX_ENV_CHANGES];
    CHAR ErrorText[160];
    PSTR *Utf8Argv;
    uint32_t EnvironmentCount;
    ULONG Index;
    ULONG Pid;
    LONG LinuxError;
    NTSTATUS Status;
    int Parse;
    int ExitCode = LXRUN_EXIT_FAILURE;

    /* The portable parser works on UTF-8, the Linux program's encoding */
    Utf8Argv = calloc(argc + 1, sizeof(PSTR));
    if (!Utf8Argv)
        return LXRUN_EXIT_FAILURE;
    for (Index = 0; Index < (ULONG)argc; Index++)
    {
        Utf8Argv[Index] = LxrunToUtf8(argv[Index]);
        if (!Utf8Argv[Index])
        {
            LxrunError("out of memory");
            return LXRUN_EXIT_FAILURE;
        }
    }

    Parse = LxrunParseArguments(argc, Utf8Argv, &Options, ErrorText, sizeof(ErrorText));
    if (Parse == 1)
    {
        DWORD Written;
        WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), LxrunUsage, (DWORD)strlen(LxrunUsage),
                  &Written, NULL);
        return 0;
    }
    if (Parse < 0)
    {
        LxrunError("%s (lxrun --help for usage)", ErrorText);
        return LXRUN_EXIT_USAGE;
    }

    ZeroMemory(&Params, sizeof(Params));
    Params.Program = Utf8Argv[Options.ProgramIndex];
    Params.Arguments = (const char *const *)&Utf8Argv[Options.ProgramIndex];
    Params.ArgumentCount = argc - Options.ProgramIndex;
    Params.Cwd = Options.CwdIndex ? Utf8Argv[Options.CwdIndex] : NULL;

    if (Options.RootIndex)
    {
        if (!LxrunToNtPath(argv[Options.RootIndex], &RootPath))
        {
            LxrunError("bad root directory %s", Utf8Argv[Options.RootIndex]);
            return LXRUN_EXIT_USAGE;
        }
        Params.Root = (const uint16_t *)RootPath.Buffer;
        Params.RootChars = RootPath.Length / sizeof(WCHAR);
    }

    if (LxrunIsWindowsPath(Params.Program))
    {
        /* An ELF file given by its Windows path: the program sees /<file name> */
        PCSTR Name = Params.Program + strlen(Params.Program);

        if (!LxrunToNtPath(argv[Options.ProgramIndex], &ImagePath))
        {
            LxrunError("bad program path %s", Params.Program);
            return LXRUN_EXIT_USAGE;
        }
        Params.ImagePath = (const uint16_t *)ImagePath.Buffer;
        Params.ImagePathChars = ImagePath.Length / sizeof(WCHAR);
        while (Name > Params.Program && Name[-1] != '\\' && Name[-1] != '/' && Name[-1] != ':')
            Name--;
        Params.Program = malloc(strlen(Name) + 2);
        if (!Params.Program)
            return LXRUN_EXIT_FAILURE;
        sprintf((PSTR)Params.Program, "/%s", Name);
    }

    for (Index = 0; Index < Options.EnvChangeCount; Index++)
        EnvChanges[Index] = Utf8Argv[Options.EnvChangeIndex[Index]];
    if (LxrunBuildEnvironment(EnvChanges, Options.EnvChangeCount, Environment,
                              RTL_NUMBER_OF(Environment), &EnvironmentCount) != 0)
    {
        LxrunError("bad environment change");
        return LXRUN_EXIT_USAGE;
    }
    Params.Environment = Environment;
    Params.EnvironmentCount = EnvironmentCount;

    Status = PsxConnect(&LxrunClient, !Options.NoStart, LXRUN_START_TIMEOUT);
    if (!NT_SUCCESS(Status))
    {
        LxrunError("%s (status 0x%08lx)", LxrunConnectError(Status), Status);
        return LXRUN_EXIT_FAILURE;
    }
    if (!NT_SUCCESS(LxrunClient.LxcoreStatus))
    {
        LxrunError("psxss cannot reach lxcore.sys (status 0x%08lx)", LxrunClient.LxcoreStatus);
        return LXRUN_EXIT_FAILURE;
    }

    ZeroMemory(Bridges, sizeof(Bridges));
    if (Options.Trace)
        Params.Flags |= PSX_REQUEST_TRACE;
    if (Options.DebugStdio)
    {
        Params.Flags |= PSX_REQUEST_DEBUG_STDIO;
    }
    else if (!LxrunPrepareStdHandle(STD_INPUT_HANDLE, TRUE, &Bridges[0], &ProgramHandles[0]) ||
             !LxrunPrepareStdHandle(STD_OUTPUT_HANDLE, FALSE, &Bridges[1], &ProgramHandles[1]) ||
             !LxrunPrepareStdHandle(STD_ERROR_HANDLE, FALSE, &Bridges[2], &ProgramHandles[2]))
    {
        LxrunError("cannot create stdio pipes (error %lu)", GetLastError());
        return LXRUN_EXIT_FAILURE;
    }
    else
    {
        LxrunSetTerminal(&Params);
    }

    SetConsoleCtrlHandler(LxrunCtrlHandler, TRUE);

    Status = PsxCreateProcess(&LxrunClient, &Params, ProgramHandles, &LinuxError, &Pid);

    /* The program's pipe ends now belong to it (lxcore holds them): close ours, so the
       output pipes report end of file once the program is gone */
    for (Index = 0; Index < 3; Index++)
    {
        if (Bridges[Index].Console && ProgramHandles[Index])
            CloseHandle(ProgramHandles[Index]);
    }

    if (!NT_SUCCESS(Status))
    {
        if (Status == STATUS_INVALID_HANDLE)
            LxrunError("psxss could not use a stdio handle (status 0x%08lx)", Status);
        else
            LxrunError("psxss refused the request (status 0x%08lx)", Status);
        return LXRUN_EXIT_FAILURE;
    }
    if (LinuxError != 0)
    {
        LxrunError("%s: %s", Utf8Argv[Options.ProgramIndex], LxrunErrorText(LinuxError));
        return LxrunExitCodeForLaunchError(LinuxError);
    }
    InterlockedExchange(&LxrunPid, (LONG)Pid);

    if (!LxrunStartBridge(&Bridges[0], TRUE) ||
        !LxrunStartBridge(&Bridges[1], FALSE) ||
        !LxrunStartBridge(&Bridges[2], FALSE))
    {
        LxrunError("cannot start the console bridge (error %lu)", GetLastError());
        PsxSignalProcess(&LxrunClient, Pid, PSX_SIGKILL);
    }

    Status = PsxWaitProcess(&LxrunClient, Pid, PSX_WAIT_INFINITE, &Result);
    if (!NT_SUCCESS(Status))
    {
        LxrunError("lost track of pid %lu (status 0x%08lx)", Pid, Status);
        return LXRUN_EXIT_FAILURE;
    }
    ExitCode = (int)Result.ExitCode;

    /* Let the output pumps show what is still in the pipes */
    for (Index = 1; Index < 3; Index++)
    {
        if (Bridges[Index].Thread)
            WaitForSingleObject(Bridges[Index].Thread, LXRUN_DRAIN_TIMEOUT);
    }

    PsxDisconnect(&LxrunClient);
    if (RootPath.Buffer)
        RtlFreeUnicodeString(&RootPath);
    if (ImagePath.Buffer)
        RtlFreeUnicodeString(&ImagePath);

    /* The input pump may still sit in ReadConsoleW: ExitProcess ends it */
    ExitProcess(ExitCode);
    return ExitCode;
}
