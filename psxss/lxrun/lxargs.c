/*
 * PROJECT:     lxss for ReactOS - lxrun
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Portable parts of lxrun: command line, environment, messages
 */

#include <stdio.h>
#include <string.h>
#include "lxargs.h"

const char LxrunUsage[] =
    "Usage: lxrun [OPTIONS] PROGRAM [ARGS...]\n"
    "Runs a Linux i386 program through psxss and lxcore, with this console as its\n"
    "stdin/stdout/stderr, and returns its exit status (128+N if signal N ended it).\n"
    "\n"
    "  -d, --distribution NAME\n"
    "                    run in that imported distribution (default: the default one,\n"
    "                    else %SystemRoot%\\lxss\\rootfs)\n"
    "  --root DIR        Linux root directory (a Windows path) instead\n"
    "  --cwd DIR         Linux working directory (default /)\n"
    "  -e, --env N=V     set N in the program's environment (-e N removes it)\n"
    "  -u, --user USER   run as USER (a name or number of the root's /etc/passwd), with\n"
    "                    the groups /etc/group gives it, HOME, USER, LOGNAME and SHELL\n"
    "                    (default: root)\n"
    "  --debug-stdio     no stdio: output goes to the kernel debug log\n"
    "  --trace           log every system call of the program and its children on the\n"
    "                    kernel debug port, as strace does (administrators only)\n"
    "  --no-start        do not ask smss to start psxss if it is not running\n"
    "  --transcript      log what the terminal shows on the kernel debug port (the\n"
    "                    console's text, read back, whenever it settles: for tests)\n"
    "  -h, --help        this text\n"
    "\n"
    "Distributions (as wsl --import):\n"
    "  lxrun --import NAME DIR ARCHIVE   unpack a .tar, .tar.gz or .tar.xz root file\n"
    "                    system into the new directory DIR (through lxcore: modes, owners,\n"
    "                    links and device nodes kept) and register it as NAME\n"
    "  lxrun --list      the registered distributions, the default one marked\n"
    "  lxrun --unregister NAME   forget NAME and delete its directory\n"
    "  lxrun --set-default NAME\n"
    "\n"
    "PROGRAM is a Linux path inside the root (relative ones start at --cwd) or a\n"
    "Windows path of the ELF file. When this console is its terminal, lxrun draws it as\n"
    "an xterm does and passes the keys (Ctrl+C, Ctrl+Z, Ctrl+\\ to its line discipline).\n";

static const char *const LxrunDefaultEnvironment[] =
{
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME=/root",
    "USER=root",
    "LOGNAME=root",
    "SHELL=/bin/sh",
    "TERM=xterm",
    "LANG=C.UTF-8",
};

#define LXRUN_DEFAULT_ENV_COUNT \
    (sizeof(LxrunDefaultEnvironment) / sizeof(LxrunDefaultEnvironment[0]))

static int
LxrunpTakeValue(int Argc,
                int *Index,
                const char *Option,
                char *Error,
                size_t ErrorSize)
{
    if (*Index + 1 >= Argc)
    {
        snprintf(Error, ErrorSize, "option %s needs a value", Option);
        return -1;
    }
    (*Index)++;
    return *Index;
}

int
LxrunParseArguments(int Argc,
                    char *const *Argv,
                    LXRUN_OPTIONS *Options,
                    char *Error,
                    size_t ErrorSize)
{
    int Index;

    memset(Options, 0, sizeof(*Options));
    if (ErrorSize)
        Error[0] = '\0';

    /* the distribution commands take their operands and nothing else */
    if (Argc >= 2 && Argv[1][0] == '-' && Argv[1][1] == '-')
    {
        static const struct { const char *Name; int Command, Operands; } Commands[] =
        {
            { "--import", LXRUN_COMMAND_IMPORT, 3 },
            { "--list", LXRUN_COMMAND_LIST, 0 },
            { "--unregister", LXRUN_COMMAND_UNREGISTER, 1 },
            { "--set-default", LXRUN_COMMAND_SET_DEFAULT, 1 },
        };
        size_t i;

        for (i = 0; i < sizeof(Commands) / sizeof(Commands[0]); i++)
        {
            if (strcmp(Argv[1], Commands[i].Name) != 0)
                continue;
            if (Argc != 2 + Commands[i].Operands)
            {
                snprintf(Error, ErrorSize, "%s takes %s", Commands[i].Name,
                         Commands[i].Operands == 3 ? "NAME DIR ARCHIVE" :
                         Commands[i].Operands == 1 ? "NAME" : "nothing more");
                return -1;
            }
            Options->Command = Commands[i].Command;
            if (Commands[i].Operands >= 1)
            {
                Options->NameIndex = 2;
                if (!LxrunIsDistributionName(Argv[2]))
                {
                    snprintf(Error, ErrorSize, "%s is not a distribution name (letters, digits, . - _)", Argv[2]);
                    return -1;
                }
            }
            if (Commands[i].Operands == 3)
            {
                Options->DirIndex = 3;
                Options->ArchiveIndex = 4;
                if (Argv[3][0] == '\0' || Argv[4][0] == '\0')
                {
                    snprintf(Error, ErrorSize, "--import needs a directory and an archive");
                    return -1;
                }
            }
            return 0;
        }
    }

    for (Index = 1; Index < Argc; Index++)
    {
        const char *Arg = Argv[Index];
        int Value;

        if (strcmp(Arg, "--") == 0)
        {
            Index++;
            break;
        }
        if (Arg[0] != '-' || Arg[1] == '\0')
            break;

        if (strcmp(Arg, "-h") == 0 || strcmp(Arg, "--help") == 0 || strcmp(Arg, "/?") == 0)
            return 1;

        if (strcmp(Arg, "-d") == 0 || strcmp(Arg, "--distribution") == 0)
        {
            if ((Value = LxrunpTakeValue(Argc, &Index, Arg, Error, ErrorSize)) < 0)
                return -1;
            if (!LxrunIsDistributionName(Argv[Value]))
            {
                snprintf(Error, ErrorSize, "%s is not a distribution name (letters, digits, . - _)", Argv[Value]);
                return -1;
            }
            Options->NameIndex = Value;
        }
        else if (strcmp(Arg, "--import") == 0 || strcmp(Arg, "--list") == 0 ||
                 strcmp(Arg, "--unregister") == 0 || strcmp(Arg, "--set-default") == 0)
        {
            snprintf(Error, ErrorSize, "%s comes first and alone", Arg);
            return -1;
        }
        else if (strcmp(Arg, "--root") == 0)
        {
            if ((Value = LxrunpTakeValue(Argc, &Index, Arg, Error, ErrorSize)) < 0)
                return -1;
            if (Argv[Value][0] == '\0')
            {
                snprintf(Error, ErrorSize, "--root needs a directory");
                return -1;
            }
            Options->RootIndex = Value;
        }
        else if (strcmp(Arg, "--cwd") == 0)
        {
            if ((Value = LxrunpTakeValue(Argc, &Index, Arg, Error, ErrorSize)) < 0)
                return -1;
            if (Argv[Value][0] != '/')
            {
                snprintf(Error, ErrorSize, "--cwd needs an absolute Linux path");
                return -1;
            }
            Options->CwdIndex = Value;
        }
        else if (strcmp(Arg, "-e") == 0 || strcmp(Arg, "--env") == 0)
        {
            if ((Value = LxrunpTakeValue(Argc, &Index, Arg, Error, ErrorSize)) < 0)
                return -1;
            if (Argv[Value][0] == '\0' || Argv[Value][0] == '=')
            {
                snprintf(Error, ErrorSize, "%s needs NAME=VALUE or NAME", Arg);
                return -1;
            }
            if (Options->EnvChangeCount >= LXRUN_MAX_ENV_CHANGES)
            {
                snprintf(Error, ErrorSize, "too many %s options", Arg);
                return -1;
            }
            Options->EnvChangeIndex[Options->EnvChangeCount++] = Value;
        }
        else if (strcmp(Arg, "-u") == 0 || strcmp(Arg, "--user") == 0)
        {
            if ((Value = LxrunpTakeValue(Argc, &Index, Arg, Error, ErrorSize)) < 0)
                return -1;
            if (Argv[Value][0] == '\0')
            {
                snprintf(Error, ErrorSize, "%s needs a user name or number", Arg);
                return -1;
            }
            Options->UserIndex = Value;
        }
        else if (strcmp(Arg, "--debug-stdio") == 0)
        {
            Options->DebugStdio = 1;
        }
        else if (strcmp(Arg, "--trace") == 0)
        {
            Options->Trace = 1;
        }
        else if (strcmp(Arg, "--no-start") == 0)
        {
            Options->NoStart = 1;
        }
        else if (strcmp(Arg, "--transcript") == 0)
        {
            Options->Transcript = 1;
        }
        else
        {
            snprintf(Error, ErrorSize, "unknown option %s", Arg);
            return -1;
        }
    }

    if (Options->NameIndex && Options->RootIndex)
    {
        snprintf(Error, ErrorSize, "-d and --root exclude each other");
        return -1;
    }
    if (Index >= Argc || Argv[Index][0] == '\0')
    {
        snprintf(Error, ErrorSize, "no program given");
        return -1;
    }
    Options->ProgramIndex = Index;
    return 0;
}

int
LxrunIsDistributionName(const char *Name)
{
    size_t Length = strlen(Name), i;

    if (Length == 0 || Length > 64)
        return 0;
    for (i = 0; i < Length; i++)
    {
        char c = Name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_'))
            return 0;
    }
    return strcmp(Name, ".") != 0 && strcmp(Name, "..") != 0;
}

static size_t
LxrunpNameLength(const char *Entry)
{
    const char *Equal = strchr(Entry, '=');
    return Equal ? (size_t)(Equal - Entry) : strlen(Entry);
}

int
LxrunBuildEnvironment(const char *const *Changes,
                      uint32_t ChangeCount,
                      const char **Out,
                      uint32_t Capacity,
                      uint32_t *Count)
{
    uint32_t Used = 0;
    uint32_t Index;

    *Count = 0;
    for (Index = 0; Index < LXRUN_DEFAULT_ENV_COUNT; Index++)
    {
        if (Used >= Capacity)
            return -1;
        Out[Used++] = LxrunDefaultEnvironment[Index];
    }

    for (Index = 0; Index < ChangeCount; Index++)
    {
        const char *Change = Changes[Index];
        size_t NameLength = LxrunpNameLength(Change);
        uint32_t Scan;
        uint32_t Kept = 0;

        if (NameLength == 0)
            return -1;

        /* Drop any entry with the same name, keeping the order of the others */
        for (Scan = 0; Scan < Used; Scan++)
        {
            if (LxrunpNameLength(Out[Scan]) == NameLength &&
                memcmp(Out[Scan], Change, NameLength) == 0)
            {
                continue;
            }
            Out[Kept++] = Out[Scan];
        }
        Used = Kept;

        /* "NAME" alone only removes */
        if (Change[NameLength] == '=')
        {
            if (Used >= Capacity)
                return -1;
            Out[Used++] = Change;
        }
    }

    *Count = Used;
    return 0;
}

int
LxrunIsWindowsPath(const char *Path)
{
    if (((Path[0] >= 'A' && Path[0] <= 'Z') || (Path[0] >= 'a' && Path[0] <= 'z')) &&
        Path[1] == ':')
    {
        return 1;
    }
    return strchr(Path, '\\') != NULL;
}

const char *
LxrunErrorText(int LinuxError)
{
    switch (-LinuxError)
    {
        case 1:  return "Operation not permitted";
        case 2:  return "No such file or directory";
        case 5:  return "I/O error";
        case 7:  return "Argument list too long";
        case 8:  return "Exec format error";
        case 12: return "Out of memory";
        case 13: return "Permission denied";
        case 14: return "Bad address";
        case 20: return "Not a directory";
        case 21: return "Is a directory";
        case 22: return "Invalid argument";
        case 24: return "Too many open files";
        case 36: return "File name too long";
        case 38: return "Function not implemented";
        case 40: return "Too many symbolic links";
        case 84: return "Invalid or incomplete multibyte or wide character";
        default: return "Unknown error";
    }
}

int
LxrunExitCodeForLaunchError(int LinuxError)
{
    return (LinuxError == -2 || LinuxError == -20) ? LXRUN_EXIT_NOTFOUND : LXRUN_EXIT_NOEXEC;
}

/* The Index-th ':' separated field of the line [Line, End) into Out (Size bytes); 0 or -1 */
static int
LxrunpField(const char *Line,
            const char *End,
            int Index,
            char *Out,
            size_t Size)
{
    const char *Start = Line, *Stop;

    while (Index-- > 0)
    {
        Start = memchr(Start, ':', (size_t)(End - Start));
        if (Start == NULL)
            return -1;
        Start++;
    }
    Stop = memchr(Start, ':', (size_t)(End - Start));
    if (Stop == NULL)
        Stop = End;
    if ((size_t)(Stop - Start) >= Size)
        return -1;
    memcpy(Out, Start, (size_t)(Stop - Start));
    Out[Stop - Start] = '\0';
    return 0;
}

/* A decimal id (0..4294967294); 0 or -1 */
static int
LxrunpNumber(const char *Text,
             uint32_t *Value)
{
    unsigned long long v = 0;

    if (*Text == '\0')
        return -1;
    for (; *Text; Text++)
    {
        if (*Text < '0' || *Text > '9')
            return -1;
        v = v * 10 + (unsigned)(*Text - '0');
        if (v >= 0xFFFFFFFFull)
            return -1;
    }
    *Value = (uint32_t)v;
    return 0;
}

static void
LxrunpAddGroup(LXRUN_USER *Out,
               uint32_t Gid)
{
    uint32_t i;

    for (i = 0; i < Out->GroupCount; i++)
    {
        if (Out->Groups[i] == Gid)
            return;
    }
    if (Out->GroupCount < LXRUN_MAX_GROUPS)
        Out->Groups[Out->GroupCount++] = Gid;
}

int
LxrunFindUser(const char *Passwd,
              size_t PasswdLength,
              const char *Group,
              size_t GroupLength,
              const char *User,
              LXRUN_USER *Out,
              char *Error,
              size_t ErrorSize)
{
    const char *Line, *End, *Limit = Passwd + PasswdLength;
    uint32_t Number;
    int Numeric = LxrunpNumber(User, &Number) == 0, Found = 0;
    char Field[256];

    memset(Out, 0, sizeof(*Out));
    for (Line = Passwd; Passwd != NULL && Line < Limit && !Found; Line = End + 1)
    {
        End = memchr(Line, '\n', (size_t)(Limit - Line));
        if (End == NULL)
            End = Limit;
        if (LxrunpField(Line, End, 0, Out->Name, sizeof(Out->Name)) != 0 ||
            LxrunpField(Line, End, 2, Field, sizeof(Field)) != 0 ||
            LxrunpNumber(Field, &Out->Uid) != 0)
            continue;
        if (Numeric ? Out->Uid != Number : strcmp(Out->Name, User) != 0)
            continue;
        if (LxrunpField(Line, End, 3, Field, sizeof(Field)) != 0 ||
            LxrunpNumber(Field, &Out->Gid) != 0 ||
            LxrunpField(Line, End, 5, Out->Home, sizeof(Out->Home)) != 0 ||
            LxrunpField(Line, End, 6, Out->Shell, sizeof(Out->Shell)) != 0)
        {
            snprintf(Error, ErrorSize, "the /etc/passwd line of %s is malformed", User);
            return -1;
        }
        Found = 1;
    }
    if (!Found)
    {
        if (!Numeric)
        {
            snprintf(Error, ErrorSize, "no user %s in the distribution's /etc/passwd", User);
            return -1;
        }
        memset(Out, 0, sizeof(*Out));
        Out->Uid = Out->Gid = Number;
        strcpy(Out->Home, "/");
        strcpy(Out->Shell, "/bin/sh");
    }
    if (Out->Home[0] == '\0')
        strcpy(Out->Home, "/");
    if (Out->Shell[0] == '\0')
        strcpy(Out->Shell, "/bin/sh");

    /* initgroups: the primary group, then every group listing the user by name */
    LxrunpAddGroup(Out, Out->Gid);
    Limit = Group + GroupLength;
    for (Line = Group; Group != NULL && Out->Name[0] && Line < Limit; Line = End + 1)
    {
        char Members[1024], *Member, *Next;
        uint32_t Gid;

        End = memchr(Line, '\n', (size_t)(Limit - Line));
        if (End == NULL)
            End = Limit;
        if (LxrunpField(Line, End, 2, Field, sizeof(Field)) != 0 || LxrunpNumber(Field, &Gid) != 0 ||
            LxrunpField(Line, End, 3, Members, sizeof(Members)) != 0)
            continue;
        for (Member = Members; Member != NULL; Member = Next)
        {
            Next = strchr(Member, ',');
            if (Next != NULL)
                *Next++ = '\0';
            if (strcmp(Member, Out->Name) == 0)
                LxrunpAddGroup(Out, Gid);
        }
    }
    return 0;
}
