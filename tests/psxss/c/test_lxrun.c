/*
 * Host tests for lxrun's portable code (psxss/lxrun/lxargs.c): command line parsing, the
 * Linux environment, error texts and exit codes.
 */

#include <stdint.h>
#include <string.h>
#include "tap.h"
#include "lxargs.h"

static int
Parse(const char *Line, LXRUN_OPTIONS *Options, char **Argv, char *Storage, char *Error)
{
    int Argc = 0;
    char *Token;

    strcpy(Storage, Line);
    for (Token = strtok(Storage, " "); Token; Token = strtok(NULL, " "))
        Argv[Argc++] = strcmp(Token, "''") == 0 ? (char *)"" : Token;
    Argv[Argc] = NULL;
    return LxrunParseArguments(Argc, Argv, Options, Error, 128);
}

static void
TestParse(void)
{
    LXRUN_OPTIONS O;
    char *Argv[64];
    char Storage[512];
    char Error[128];

    TAP_EQ(Parse("lxrun /bin/hello", &O, Argv, Storage, Error), 0, "parse: program only");
    TAP_EQ(O.ProgramIndex, 1, "parse: program index");
    TAP_EQ(O.RootIndex | O.CwdIndex | O.DebugStdio | O.NoStart | (int)O.EnvChangeCount, 0,
           "parse: no options set");

    TAP_EQ(Parse("lxrun --root C:\\r --cwd /tmp -e A=1 --env B --debug-stdio --no-start prog a -b",
                 &O, Argv, Storage, Error), 0, "parse: every option");
    TAP_STR(Argv[O.RootIndex], "C:\\r", "parse: --root value");
    TAP_STR(Argv[O.CwdIndex], "/tmp", "parse: --cwd value");
    TAP_EQ(O.EnvChangeCount, 2, "parse: two env changes");
    TAP_STR(Argv[O.EnvChangeIndex[0]], "A=1", "parse: -e value");
    TAP_STR(Argv[O.EnvChangeIndex[1]], "B", "parse: --env value");
    TAP_EQ(O.DebugStdio && O.NoStart && !O.Trace, 1, "parse: flags");
    TAP_STR(Argv[O.ProgramIndex], "prog", "parse: program after options");
    TAP_STR(Argv[O.ProgramIndex + 2], "-b", "parse: program arguments are not options");
    TAP_EQ(Parse("lxrun --trace prog", &O, Argv, Storage, Error), 0, "parse: --trace");
    TAP_EQ(O.Trace, 1, "parse: --trace sets Trace");
    TAP_EQ(Parse("lxrun --transcript prog", &O, Argv, Storage, Error), 0, "parse: --transcript");
    TAP_EQ(O.Transcript && !O.Trace, 1, "parse: --transcript sets Transcript");

    TAP_EQ(Parse("lxrun prog --root x", &O, Argv, Storage, Error), 0,
           "parse: options after the program belong to it");
    TAP_EQ(O.RootIndex, 0, "parse: ... so --root is not taken");
    TAP_EQ(Parse("lxrun -- -weird", &O, Argv, Storage, Error), 0, "parse: -- ends options");
    TAP_STR(Argv[O.ProgramIndex], "-weird", "parse: program after --");
    TAP_EQ(Parse("lxrun - x", &O, Argv, Storage, Error), 0, "parse: lone - is a program");
    TAP_EQ(O.ProgramIndex, 1, "parse: lone - index");

    TAP_EQ(Parse("lxrun -h", &O, Argv, Storage, Error), 1, "parse: -h asks for help");
    TAP_EQ(Parse("lxrun --cwd / --help prog", &O, Argv, Storage, Error), 1, "parse: --help");
    TAP_EQ(Parse("lxrun", &O, Argv, Storage, Error), -1, "parse: no program");
    TAP_STR(Error, "no program given", "parse: no program message");
    TAP_EQ(Parse("lxrun --root", &O, Argv, Storage, Error), -1, "parse: --root without value");
    TAP_STR(Error, "option --root needs a value", "parse: missing value message");
    TAP_EQ(Parse("lxrun --root '' x", &O, Argv, Storage, Error), -1, "parse: empty --root");
    TAP_EQ(Parse("lxrun --cwd tmp x", &O, Argv, Storage, Error), -1, "parse: relative --cwd");
    TAP_EQ(Parse("lxrun -e =x prog", &O, Argv, Storage, Error), -1, "parse: -e without a name");
    TAP_EQ(Parse("lxrun --frob prog", &O, Argv, Storage, Error), -1, "parse: unknown option");
    TAP_STR(Error, "unknown option --frob", "parse: unknown option message");
    TAP_EQ(Parse("lxrun -- ''", &O, Argv, Storage, Error), -1, "parse: empty program");

    /* distributions */
    TAP_EQ(Parse("lxrun --import deb C:\\deb D:\\rootfs.tar.gz", &O, Argv, Storage, Error), 0, "parse: --import");
    TAP_EQ(O.Command == LXRUN_COMMAND_IMPORT && O.NameIndex == 2 && O.DirIndex == 3 && O.ArchiveIndex == 4, 1,
           "parse: --import NAME DIR ARCHIVE");
    TAP_EQ(Parse("lxrun --import deb C:\\deb", &O, Argv, Storage, Error), -1, "parse: --import without an archive");
    TAP_STR(Error, "--import takes NAME DIR ARCHIVE", "parse: --import message");
    TAP_EQ(Parse("lxrun --import de/b C:\\deb x.tar", &O, Argv, Storage, Error), -1, "parse: a bad distribution name");
    TAP_EQ(Parse("lxrun --list", &O, Argv, Storage, Error) == 0 && O.Command == LXRUN_COMMAND_LIST, 1, "parse: --list");
    TAP_EQ(Parse("lxrun --list x", &O, Argv, Storage, Error), -1, "parse: --list takes nothing");
    TAP_EQ(Parse("lxrun --unregister deb", &O, Argv, Storage, Error) == 0 && O.Command == LXRUN_COMMAND_UNREGISTER &&
           O.NameIndex == 2, 1, "parse: --unregister NAME");
    TAP_EQ(Parse("lxrun --set-default deb", &O, Argv, Storage, Error) == 0 && O.Command == LXRUN_COMMAND_SET_DEFAULT,
           1, "parse: --set-default NAME");
    TAP_EQ(Parse("lxrun -d deb /bin/sh -c x", &O, Argv, Storage, Error), 0, "parse: -d NAME PROGRAM");
    TAP_EQ(O.Command == LXRUN_COMMAND_RUN && O.NameIndex == 2 && O.ProgramIndex == 3, 1, "parse: -d's name and the program");
    TAP_EQ(Parse("lxrun -d deb --root C:\\r prog", &O, Argv, Storage, Error), -1, "parse: -d and --root exclude each other");
    TAP_EQ(Parse("lxrun --cwd / --list", &O, Argv, Storage, Error), -1, "parse: a distribution command comes first");
    TAP_EQ(LxrunIsDistributionName("Debian-12.x_1") && !LxrunIsDistributionName("..") && !LxrunIsDistributionName(""), 1,
           "distribution names: letters, digits, . - _, not . or ..");
}

static int
Has(const char **Env, uint32_t Count, const char *Entry)
{
    uint32_t Index;
    for (Index = 0; Index < Count; Index++)
    {
        if (strcmp(Env[Index], Entry) == 0)
            return 1;
    }
    return 0;
}

static void
TestEnvironment(void)
{
    const char *Env[LXRUN_MAX_ENVIRONMENT];
    const char *Changes[4];
    uint32_t Count, Defaults, Index;
    int Names = 1;

    TAP_EQ(LxrunBuildEnvironment(NULL, 0, Env, LXRUN_MAX_ENVIRONMENT, &Count), 0, "env: defaults");
    Defaults = Count;
    TapOk(Has(Env, Count, "HOME=/root") && Has(Env, Count, "TERM=xterm") &&
          Has(Env, Count, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
          "env: defaults hold PATH, HOME, TERM");
    for (Index = 0; Index < Count; Index++)
        Names &= strchr(Env[Index], '=') != NULL;
    TapOk(Names, "env: every default is NAME=VALUE");

    Changes[0] = "PATH=/bin";
    Changes[1] = "HOME";
    Changes[2] = "NEW=1";
    Changes[3] = "NEW=2";
    TAP_EQ(LxrunBuildEnvironment(Changes, 4, Env, LXRUN_MAX_ENVIRONMENT, &Count), 0,
           "env: with changes");
    TapOk(Has(Env, Count, "PATH=/bin") && !Has(Env, Count,
          "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
          "env: NAME=VALUE replaces the default");
    TapOk(!Has(Env, Count, "HOME=/root"), "env: NAME alone removes");
    TapOk(Has(Env, Count, "NEW=2") && !Has(Env, Count, "NEW=1"), "env: the last change wins");
    TAP_EQ(Count, Defaults, "env: count (one removed, one added)");

    Changes[0] = "PATHX=1";
    TAP_EQ(LxrunBuildEnvironment(Changes, 1, Env, LXRUN_MAX_ENVIRONMENT, &Count), 0,
           "env: name prefix of another");
    TapOk(Has(Env, Count, "PATHX=1") && Count == Defaults + 1, "env: PATHX does not replace PATH");

    Changes[0] = "=bad";
    TAP_EQ(LxrunBuildEnvironment(Changes, 1, Env, LXRUN_MAX_ENVIRONMENT, &Count), -1,
           "env: empty name is refused");
    TAP_EQ(LxrunBuildEnvironment(NULL, 0, Env, 2, &Count), -1, "env: capacity too small");
}

static void
TestMessages(void)
{
    TAP_EQ(LxrunIsWindowsPath("C:\\x\\hello"), 1, "path kind: drive letter");
    TAP_EQ(LxrunIsWindowsPath("c:hello"), 1, "path kind: drive-relative");
    TAP_EQ(LxrunIsWindowsPath("tests\\hello"), 1, "path kind: backslash");
    TAP_EQ(LxrunIsWindowsPath("/bin/hello"), 0, "path kind: Linux absolute");
    TAP_EQ(LxrunIsWindowsPath("hello"), 0, "path kind: bare name is Linux");
    TAP_EQ(LxrunIsWindowsPath("a:b/c"), 1, "path kind: x: prefix counts as a drive");

    TAP_STR(LxrunErrorText(-2), "No such file or directory", "error text: ENOENT");
    TAP_STR(LxrunErrorText(-8), "Exec format error", "error text: ENOEXEC");
    TAP_STR(LxrunErrorText(-9999), "Unknown error", "error text: unknown");
    TAP_EQ(LxrunExitCodeForLaunchError(-2), 127, "launch error: ENOENT is 127");
    TAP_EQ(LxrunExitCodeForLaunchError(-20), 127, "launch error: ENOTDIR is 127");
    TAP_EQ(LxrunExitCodeForLaunchError(-8), 126, "launch error: ENOEXEC is 126");
    TAP_EQ(LxrunExitCodeForLaunchError(-13), 126, "launch error: EACCES is 126");
}

static void
TestUsers(void)
{
    static const char Passwd[] =
        "root:x:0:0:root:/root:/bin/bash\n"
        "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
        "broken:x:abc:1:x:/:/bin/sh\n"
        "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin";
    static const char Group[] =
        "root:x:0:\n"
        "adm:x:4:alice,daemon\n"
        "sudo:x:27:alice\n"
        "alicex:x:28:alicex\n"
        "users:x:100:bob,alice\n"
        "alice:x:1000:\n";
    LXRUN_USER User;
    LXRUN_OPTIONS Options;
    char Error[128];
    char *Argv[] = { "lxrun", "-u", "alice", "/bin/id", NULL };

    TAP_EQ(LxrunParseArguments(4, Argv, &Options, Error, sizeof(Error)), 0, "parse: -u USER");
    TAP_EQ(Options.UserIndex, 2, "parse: -u names its value");
    TAP_EQ(LxrunFindUser(Passwd, sizeof(Passwd) - 1, Group, sizeof(Group) - 1, "alice", &User,
                         Error, sizeof(Error)), 0, "user: alice found");
    TapOk(User.Uid == 1000 && User.Gid == 1000 && strcmp(User.Home, "/home/alice") == 0 &&
          strcmp(User.Shell, "/bin/bash") == 0 && strcmp(User.Name, "alice") == 0,
          "user: alice's ids, home and shell");
    TapOk(User.GroupCount == 4 && User.Groups[0] == 1000 && User.Groups[1] == 4 &&
          User.Groups[2] == 27 && User.Groups[3] == 100,
          "user: her primary group, then adm, sudo and users (not alicex)");
    TAP_EQ(LxrunFindUser(Passwd, sizeof(Passwd) - 1, Group, sizeof(Group) - 1, "65534", &User,
                         Error, sizeof(Error)), 0, "user: a number passwd lists");
    TapOk(strcmp(User.Name, "nobody") == 0 && User.Gid == 65534 && User.GroupCount == 1,
          "user: 65534 is nobody, its own group only (the last line has no newline)");
    TAP_EQ(LxrunFindUser(Passwd, sizeof(Passwd) - 1, NULL, 0, "4242", &User, Error, sizeof(Error)),
           0, "user: a number passwd does not list");
    TapOk(User.Uid == 4242 && User.Gid == 4242 && strcmp(User.Home, "/") == 0 && User.Name[0] == 0,
          "user: it is that uid and gid, home /");
    TAP_EQ(LxrunFindUser(Passwd, sizeof(Passwd) - 1, Group, sizeof(Group) - 1, "mallory", &User,
                         Error, sizeof(Error)), -1, "user: an unknown name is refused");
    TapOk(strstr(Error, "no user mallory") != NULL, "user: saying so");
}

int
main(void)
{
    TestParse();
    TestEnvironment();
    TestMessages();
    TestUsers();
    TapOk(strstr(LxrunUsage, "--root DIR") != NULL && strstr(LxrunUsage, "--cwd DIR") != NULL,
          "usage text names --root and --cwd");
    return TapDone();
}
