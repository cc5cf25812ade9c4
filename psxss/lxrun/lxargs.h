/*
 * PROJECT:     lxss for ReactOS - lxrun
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Portable parts of lxrun: command line, environment, messages
 *              (C99, no Windows headers; also built for the host unit tests)
 */

#ifndef _LXARGS_H_
#define _LXARGS_H_

#include <stddef.h>
#include <stdint.h>

#define LXRUN_MAX_ENV_CHANGES   64
#define LXRUN_MAX_ENVIRONMENT   (LXRUN_MAX_ENV_CHANGES + 16)

/* Exit codes of lxrun itself (a POSIX shell uses the same ones). */
#define LXRUN_EXIT_USAGE        2   /* bad command line */
#define LXRUN_EXIT_FAILURE      125 /* lxrun or psxss failed before the program ran */
#define LXRUN_EXIT_NOEXEC       126 /* found but cannot be executed (ENOEXEC, EACCES...) */
#define LXRUN_EXIT_NOTFOUND     127 /* ENOENT */

/* What lxrun is asked to do */
#define LXRUN_COMMAND_RUN           0   /* run PROGRAM */
#define LXRUN_COMMAND_IMPORT        1   /* --import NAME DIR ARCHIVE */
#define LXRUN_COMMAND_LIST          2   /* --list */
#define LXRUN_COMMAND_UNREGISTER    3   /* --unregister NAME */
#define LXRUN_COMMAND_SET_DEFAULT   4   /* --set-default NAME */

typedef struct _LXRUN_OPTIONS
{
    int Command;                /* LXRUN_COMMAND_* */
    int NameIndex;              /* argv index of a distribution's NAME (-d, --import...) */
    int DirIndex;               /* --import: its directory */
    int ArchiveIndex;           /* --import: its tar or tar.gz file */
    int RootIndex;              /* argv index of the --root value, 0 = not given */
    int CwdIndex;               /* argv index of the --cwd value, 0 = not given */
    int ProgramIndex;           /* argv index of PROGRAM; its arguments follow it */
    int DebugStdio;             /* --debug-stdio: no std handles, output to DbgPrint */
    int Trace;                  /* --trace: PSX_REQUEST_TRACE */
    int NoStart;                /* --no-start: do not ask smss to start psxss */
    int Transcript;             /* --transcript: the screen's text on the debug port */
    int UserIndex;              /* argv index of the -u/--user value, 0 = not given (root) */
    uint32_t EnvChangeCount;    /* -e/--env values, in order */
    int EnvChangeIndex[LXRUN_MAX_ENV_CHANGES];
} LXRUN_OPTIONS;

/* Parses `lxrun [options] PROGRAM [ARGS...]` (with -d NAME: in that distribution) or one of
 * the distribution commands (--import NAME DIR ARCHIVE, --list, --unregister NAME,
 * --set-default NAME), alone. Returns 0 (Options->Command says what), 1 (help was asked) or
 * -1 (usage error, a message in Error). Options end at the first non-option or at "--". */
int
LxrunParseArguments(int Argc,
                    char *const *Argv,
                    LXRUN_OPTIONS *Options,
                    char *Error,
                    size_t ErrorSize);

/* The environment of the Linux program: defaults, then the changes in order ("NAME=VALUE"
 * sets, "NAME" removes). Out gets pointers to the defaults or to the change strings.
 * Returns 0, or -1 if a change is malformed (empty name) or Capacity is too small. */
int
LxrunBuildEnvironment(const char *const *Changes,
                      uint32_t ChangeCount,
                      const char **Out,
                      uint32_t Capacity,
                      uint32_t *Count);

#define LXRUN_MAX_GROUPS        64  /* supplementary groups lxcore keeps */

/* A user of the distribution, as login would set it up (getpwnam + initgroups) */
typedef struct _LXRUN_USER
{
    uint32_t Uid, Gid;
    uint32_t Groups[LXRUN_MAX_GROUPS];  /* the primary group, then those listing the user */
    uint32_t GroupCount;
    char Name[64], Home[256], Shell[256];
} LXRUN_USER;

/* Finds User (a name, or a number) in the distribution's /etc/passwd text (Passwd, its
 * length) and its supplementary groups in /etc/group's (Group may be NULL). A number that
 * passwd does not list is that uid with the same gid, no name, home "/" and /bin/sh.
 * Returns 0, or -1 with a message in Error (no such user, a malformed line of the user). */
int
LxrunFindUser(const char *Passwd,
              size_t PasswdLength,
              const char *Group,
              size_t GroupLength,
              const char *User,
              LXRUN_USER *Out,
              char *Error,
              size_t ErrorSize);

/* Whether NAME can name a distribution: 1-64 letters, digits, '.', '-' or '_'. */
int
LxrunIsDistributionName(const char *Name);

/* A Windows path (drive letter or backslash) rather than a Linux one. */
int
LxrunIsWindowsPath(const char *Path);

/* strerror-like text for a negative Linux errno. */
const char *
LxrunErrorText(int LinuxError);

/* lxrun's exit code when the program could not be started with LinuxError. */
int
LxrunExitCodeForLaunchError(int LinuxError);

extern const char LxrunUsage[];

#endif /* _LXARGS_H_ */
