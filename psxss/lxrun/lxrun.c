/*
 * PROJECT:     lxss for ReactOS - lxrun
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Console client: runs a Linux program through psxss with this console as its
 *              terminal and returns its exit status
 *
 * When stdin, stdout or stderr is the console, the program gets a real terminal: lxcore
 * makes a pseudo-terminal (PSX_REQUEST_TTY_*) whose slave is each of those fds and the
 * controlling terminal of the program's session, and lxrun is its master, drawing what it
 * shows as an xterm does and typing the keys (lxterm.c). Ctrl+C, Ctrl+Z and Ctrl+\ are keys
 * too: the terminal's line discipline makes them SIGINT, SIGTSTP and SIGQUIT for the
 * foreground process group (or passes them to a program in raw mode). A redirected handle
 * (file, pipe) is passed to psxss as it is: with "> file" the program's stdout is that file,
 * not a terminal. When the console closes, the program is killed.
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
#include "lxterm.h"
#include "lxdistro.h"

/* GLOBALS ********************************************************************/

#define LXRUN_START_TIMEOUT 15000   /* ms to wait for psxss after asking smss */
#define LXRUN_DRAIN_TIMEOUT 5000    /* ms to wait for output after the program ended */

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
    /* and on the debug port, where a console nobody reads (a boot's, a test's) is seen */
    OutputDebugStringA("lxrun: ");
    OutputDebugStringA(Buffer);
    OutputDebugStringA("\n");
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
            /* the console's terminal passes Ctrl+C as a key; these come from elsewhere
             * (GenerateConsoleCtrlEvent, a console without a terminal): first press
             * interrupts, the next ones kill */
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
HANDLE
LxrunRedirectedHandle(
    _In_ DWORD StdHandleId)
{
    HANDLE Handle = GetStdHandle(StdHandleId);

    return (Handle == INVALID_HANDLE_VALUE) ? NULL : Handle;
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

/* The bytes of the file Name under the Linux root Root (a Windows path; NULL: psxss's
 * default, %SystemRoot%\lxss\rootfs), NUL-ended, malloc'ed; NULL when it cannot be read */
static
PSTR
LxrunReadRootFile(
    _In_opt_ PCWSTR Root,
    _In_ PCWSTR Name,
    _Out_ size_t *Length)
{
    WCHAR Path[MAX_PATH + 64];
    HANDLE File;
    DWORD Size, Read = 0;
    PSTR Data = NULL;

    *Length = 0;
    if (Root != NULL)
        _snwprintf(Path, RTL_NUMBER_OF(Path) - 1, L"%s\\%s", Root, Name);
    else if (GetWindowsDirectoryW(Path, MAX_PATH) != 0)
        _snwprintf(Path + wcslen(Path), RTL_NUMBER_OF(Path) - 1 - wcslen(Path), L"\\lxss\\rootfs\\%s", Name);
    else
        return NULL;
    Path[RTL_NUMBER_OF(Path) - 1] = 0;
    File = CreateFileW(Path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (File == INVALID_HANDLE_VALUE)
        return NULL;
    Size = GetFileSize(File, NULL);
    if (Size != INVALID_FILE_SIZE && Size < (4u << 20))
        Data = malloc(Size + 1);
    if (Data != NULL && (!ReadFile(File, Data, Size, &Read, NULL) || Read != Size))
    {
        free(Data);
        Data = NULL;
    }
    CloseHandle(File);
    if (Data != NULL)
    {
        Data[Size] = 0;
        *Length = Size;
    }
    return Data;
}

/* -u USER: the ids and groups USER has in the root's /etc/passwd and /etc/group into Params,
 * and the environment login gives (HOME, USER, LOGNAME, SHELL) into Changes (Count of them,
 * Text their storage); FALSE with a message when USER is not there */
static
BOOL
LxrunSetUser(
    _In_opt_ PCWSTR Root,
    _In_ PCSTR Name,
    _Inout_ PSX_REQUEST_PARAMS *Params,
    _Out_ LXRUN_USER *User,
    _Out_writes_(4) PCSTR *Changes,
    _Out_writes_(4 * 300) PSTR Text)
{
    size_t PasswdLength, GroupLength;
    PSTR Passwd = LxrunReadRootFile(Root, L"etc\\passwd", &PasswdLength);
    PSTR Group = LxrunReadRootFile(Root, L"etc\\group", &GroupLength);
    CHAR Error[160];
    int Found;

    Found = LxrunFindUser(Passwd, PasswdLength, Group, GroupLength, Name, User, Error, sizeof(Error));
    free(Passwd);
    free(Group);
    if (Found != 0)
    {
        LxrunError("%s", Error);
        return FALSE;
    }
    Params->Flags |= PSX_REQUEST_USER;
    Params->Uid = User->Uid;
    Params->Gid = User->Gid;
    Params->Groups = User->Groups;
    Params->GroupCount = User->GroupCount;
    _snprintf(Text, 300, "HOME=%s", User->Home);
    _snprintf(Text + 300, 300, "USER=%s", User->Name[0] ? User->Name : Name);
    _snprintf(Text + 600, 300, "LOGNAME=%s", User->Name[0] ? User->Name : Name);
    _snprintf(Text + 900, 300, "SHELL=%s", User->Shell);
    for (int i = 0; i < 4; i++)
    {
        Text[i * 300 + 299] = 0;
        Changes[i] = Text + i * 300;
    }
    return TRUE;
}

/* Runs the program Options name (Root: its root directory, NULL for psxss's default) and
 * returns its exit status, or lxrun's own code when it could not run */
static
int
LxrunRun(
    _In_ int argc,
    _In_ WCHAR *argv[],
    _In_ PSTR *Utf8Argv,
    _In_ const LXRUN_OPTIONS *Options,
    _In_opt_ PCWSTR Root)
{
    PSX_REQUEST_PARAMS Params;
    PSX_WAIT_PROCESS_MSG Result;
    static const DWORD StdHandleIds[3] = { STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE };
    LXRUN_TERMINAL Terminal;
    BOOL HasTerminal = FALSE;
    HANDLE ProgramHandles[3] = {NULL, NULL, NULL};
    UNICODE_STRING RootPath = {0}, ImagePath = {0};
    PCSTR Environment[LXRUN_MAX_ENVIRONMENT];
    PCSTR EnvChanges[LXRUN_MAX_ENV_CHANGES + 4];
    static CHAR UserText[4 * 300];
    static LXRUN_USER User;
    uint32_t EnvironmentCount, ChangeCount = 0;
    ULONG Index;
    ULONG Pid;
    LONG LinuxError;
    NTSTATUS Status;
    int ExitCode = LXRUN_EXIT_FAILURE;

    ZeroMemory(&Params, sizeof(Params));
    Params.Program = Utf8Argv[Options->ProgramIndex];
    Params.Arguments = (const char *const *)&Utf8Argv[Options->ProgramIndex];
    Params.ArgumentCount = argc - Options->ProgramIndex;
    Params.Cwd = Options->CwdIndex ? Utf8Argv[Options->CwdIndex] : NULL;

    if (Root != NULL)
    {
        if (!LxrunToNtPath(Root, &RootPath))
        {
            LxrunError("bad root directory %S", Root);
            return LXRUN_EXIT_USAGE;
        }
        Params.Root = (const uint16_t *)RootPath.Buffer;
        Params.RootChars = RootPath.Length / sizeof(WCHAR);
    }

    if (LxrunIsWindowsPath(Params.Program))
    {
        /* An ELF file given by its Windows path: the program sees /<file name> */
        PCSTR Name = Params.Program + strlen(Params.Program);

        if (!LxrunToNtPath(argv[Options->ProgramIndex], &ImagePath))
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

    /* another user: its ids and groups, and its login environment before the -e changes */
    if (Options->UserIndex != 0)
    {
        if (!LxrunSetUser(Root, Utf8Argv[Options->UserIndex], &Params, &User, EnvChanges, UserText))
            return LXRUN_EXIT_USAGE;
        ChangeCount = 4;
    }
    for (Index = 0; Index < Options->EnvChangeCount; Index++)
        EnvChanges[ChangeCount++] = Utf8Argv[Options->EnvChangeIndex[Index]];
    if (LxrunBuildEnvironment(EnvChanges, ChangeCount, Environment,
                              RTL_NUMBER_OF(Environment), &EnvironmentCount) != 0)
    {
        LxrunError("bad environment change");
        return LXRUN_EXIT_USAGE;
    }
    Params.Environment = Environment;
    Params.EnvironmentCount = EnvironmentCount;

    Status = PsxConnect(&LxrunClient, !Options->NoStart, LXRUN_START_TIMEOUT);
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

    ZeroMemory(&Terminal, sizeof(Terminal));
    if (Options->Trace)
        Params.Flags |= PSX_REQUEST_TRACE;
    if (Options->DebugStdio)
    {
        Params.Flags |= PSX_REQUEST_DEBUG_STDIO;
    }
    else
    {
        /* the console is the terminal of the fds that are the console */
        HasTerminal = LxrunTerminalPrepare(&Terminal, Options->Transcript, &Params, ProgramHandles);
        if (!HasTerminal && Terminal.Fds != 0)
        {
            LxrunError("cannot set up the terminal (error %lu)", GetLastError());
            return LXRUN_EXIT_FAILURE;
        }
        for (Index = 0; Index < 3; Index++)
        {
            if (!(Terminal.Fds & (1u << Index)))
                ProgramHandles[Index] = LxrunRedirectedHandle(StdHandleIds[Index]);
        }
    }

    SetConsoleCtrlHandler(LxrunCtrlHandler, TRUE);

    Status = PsxCreateProcess(&LxrunClient, &Params, ProgramHandles, &LinuxError, &Pid);

    /* The terminal's pipe ends now belong to the program (lxcore holds them): close ours,
       so the screen pipe reports end of file once the terminal is gone */
    for (Index = 0; Index < 3; Index++)
    {
        if ((Terminal.Fds & (1u << Index)) && ProgramHandles[Index])
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
        LxrunError("%s: %s", Utf8Argv[Options->ProgramIndex], LxrunErrorText(LinuxError));
        return LxrunExitCodeForLaunchError(LinuxError);
    }
    InterlockedExchange(&LxrunPid, (LONG)Pid);

    if (HasTerminal && !LxrunTerminalStart(&Terminal, &LxrunClient, Pid))
    {
        LxrunError("cannot start the terminal (error %lu)", GetLastError());
        PsxSignalProcess(&LxrunClient, Pid, PSX_SIGKILL);
    }

    Status = PsxWaitProcess(&LxrunClient, Pid, PSX_WAIT_INFINITE, &Result);
    if (!NT_SUCCESS(Status))
    {
        LxrunError("lost track of pid %lu (status 0x%08lx)", Pid, Status);
        return LXRUN_EXIT_FAILURE;
    }
    ExitCode = (int)Result.ExitCode;

    /* Show what the terminal still has to show */
    if (HasTerminal)
        LxrunTerminalFinish(&Terminal, LXRUN_DRAIN_TIMEOUT);

    PsxDisconnect(&LxrunClient);
    if (RootPath.Buffer)
        RtlFreeUnicodeString(&RootPath);
    if (ImagePath.Buffer)
        RtlFreeUnicodeString(&ImagePath);
    return ExitCode;
}

int
wmain(
    _In_ int argc,
    _In_ WCHAR *argv[])
{
    static PSTR ImportArgv[2];
    static WCHAR ImportArgvW[MAX_PATH];
    WCHAR Root[MAX_PATH];
    WCHAR *RunArgv[2];
    LXRUN_OPTIONS Options;
    LXRUN_IMPORT Import;
    CHAR ErrorText[160];
    PSTR *Utf8Argv;
    ULONG Index;
    int Parse;
    int ExitCode;

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

    switch (Options.Command)
    {
        case LXRUN_COMMAND_LIST:
        case LXRUN_COMMAND_UNREGISTER:
        case LXRUN_COMMAND_SET_DEFAULT:
            return LxrunDistroCommand(Options.Command, Options.NameIndex ? argv[Options.NameIndex] : NULL);

        case LXRUN_COMMAND_IMPORT:
            /* lximport, by its Windows path, in the new directory as root, the archive on
               its stdin */
            if (!LxrunImportPrepare(argv[Options.NameIndex], argv[Options.DirIndex],
                                    argv[Options.ArchiveIndex], &Import))
                return LXRUN_EXIT_FAILURE;
            SetStdHandle(STD_INPUT_HANDLE, Import.Archive);
            wcscpy(ImportArgvW, Import.Importer);
            RunArgv[0] = ImportArgvW;
            RunArgv[1] = NULL;
            ImportArgv[0] = LxrunToUtf8(ImportArgvW);
            ZeroMemory(&Options, sizeof(Options));
            ExitCode = ImportArgv[0] ? LxrunRun(1, RunArgv, ImportArgv, &Options, Import.Dir) :
                                       LXRUN_EXIT_FAILURE;
            ExitCode = LxrunImportFinish(&Import, ExitCode);
            ExitProcess(ExitCode);
            return ExitCode;
    }

    /* the root: --root, -d NAME, the default distribution, or psxss's own default */
    if (Options.NameIndex && !LxrunDistroRoot(argv[Options.NameIndex], Root, RTL_NUMBER_OF(Root)))
    {
        LxrunError("no distribution named %s (lxrun --list)", Utf8Argv[Options.NameIndex]);
        return LXRUN_EXIT_USAGE;
    }
    ExitCode = LxrunRun(argc, argv, Utf8Argv, &Options,
                        Options.RootIndex ? argv[Options.RootIndex] :
                        Options.NameIndex || LxrunDistroRoot(NULL, Root, RTL_NUMBER_OF(Root)) ? Root :
                        NULL);

    /* The keys thread may still sit in a console wait: ExitProcess ends it */
    ExitProcess(ExitCode);
    return ExitCode;
}
