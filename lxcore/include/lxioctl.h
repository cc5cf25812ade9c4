/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Device and IOCTL interface of lxcore.sys (shared by the driver, psxss,
 *              lxrun and the in-guest test runner)
 *
 * The driver creates the device \Device\lxss and the symbolic link \??\lxss (so Win32 code
 * can open "\\\\.\\lxss" and native code L"\\??\\lxss" or L"\\Device\\lxss").
 * Open it with FILE_READ_DATA | FILE_WRITE_DATA (GENERIC_READ | GENERIC_WRITE), synchronous
 * I/O. All IOCTLs are METHOD_BUFFERED, so every buffer below is copied by the I/O manager.
 *
 * Conventions:
 *  - Every request and reply structure starts with a ULONG Size that the caller sets to
 *    sizeof(the structure) (version check: the driver accepts Size >= the size it knows).
 *  - Strings inside LXSS_CREATE_PROCESS_IN are "blobs": an offset from the start of the
 *    input buffer and a length in bytes, both within the input buffer.
 *    NT paths are UTF-16 (no terminator needed); Linux strings (argv, envp, cwd) are UTF-8,
 *    each one NUL-terminated, packed one after the other.
 *  - The NTSTATUS of DeviceIoControl/NtDeviceIoControlFile says whether the *request* was
 *    well formed (STATUS_INVALID_PARAMETER, STATUS_BUFFER_TOO_SMALL, STATUS_INFO_LENGTH_MISMATCH,
 *    STATUS_NOT_FOUND for an unknown pid...). Whether the *Linux operation* worked is in the
 *    reply's LinuxError field: 0 or a negative Linux errno (-ENOEXEC = -8 for a malformed ELF,
 *    -ENOENT = -2 for a missing file, -ENOMEM = -12, -EFAULT = -14, ...).
 *
 * This header is used from kernel mode (ntddk.h / wdm.h) and user mode (windows.h + winioctl.h
 * or the NDK). It only needs ULONG, LONG, HANDLE and CTL_CODE. 32-bit x86 is the only target;
 * the C_ASSERT-style checks at the end pin the layout.
 */

#ifndef _LXIOCTL_H_
#define _LXIOCTL_H_

#define LXSS_DEVICE_NAME_W          L"\\Device\\lxss"
#define LXSS_DOS_DEVICE_NAME_W      L"\\??\\lxss"
#define LXSS_WIN32_DEVICE_PATH_A    "\\\\.\\lxss"

/* Version returned by IOCTL_LXSS_QUERY_INFORMATION. Bump the minor number when adding fields. */
#define LXSS_INTERFACE_VERSION_MAJOR 1
#define LXSS_INTERFACE_VERSION_MINOR 6     /* 1: LXSS_CREATE_STDIO_TTY; 2: ProgramPath;
                                              3: LXSS_CREATE_TRACE;
                                              4: LXSS_CREATE_TRACE_RECORD,
                                                 IOCTL_LXSS_QUERY_COUNTERS;
                                              5: LXSS_CREATE_TTY_*,
                                                 IOCTL_LXSS_RESIZE_TERMINAL;
                                              6: LXSS_CREATE_USER (Uid, Gid, Groups) */

#ifndef CTL_CODE
#define CTL_CODE(DeviceType, Function, Method, Access) \
    (((DeviceType) << 16) | ((Access) << 14) | ((Function) << 2) | (Method))
#endif
#ifndef METHOD_BUFFERED
#define METHOD_BUFFERED 0
#endif
#ifndef FILE_READ_DATA
#define FILE_READ_DATA 0x0001
#endif
#ifndef FILE_WRITE_DATA
#define FILE_WRITE_DATA 0x0002
#endif

/* A vendor device type (0x8000-0xFFFF are for non-Microsoft use). */
#define FILE_DEVICE_LXSS 0x0000A55Au

/* In: LXSS_QUERY_INFORMATION_IN (or nothing). Out: LXSS_INFORMATION. */
#define IOCTL_LXSS_QUERY_INFORMATION \
    CTL_CODE(FILE_DEVICE_LXSS, 0x800, METHOD_BUFFERED, FILE_READ_DATA)

/* In: LXSS_CREATE_PROCESS_IN + blobs. Out: LXSS_CREATE_PROCESS_OUT. */
#define IOCTL_LXSS_CREATE_PROCESS \
    CTL_CODE(FILE_DEVICE_LXSS, 0x801, METHOD_BUFFERED, FILE_READ_DATA | FILE_WRITE_DATA)

/* In: LXSS_WAIT_PROCESS_IN. Out: LXSS_WAIT_PROCESS_OUT. Blocks (alertable, user-mode wait)
 * up to TimeoutMilliseconds; TimeoutMilliseconds = 0 only queries. */
#define IOCTL_LXSS_WAIT_PROCESS \
    CTL_CODE(FILE_DEVICE_LXSS, 0x802, METHOD_BUFFERED, FILE_READ_DATA | FILE_WRITE_DATA)

/* In: LXSS_SIGNAL_PROCESS_IN. Out: nothing. Sends Signal to the process as the kernel
 * would: a signal it has a handler for runs that handler (e.g. SIGINT for Ctrl+C), one it
 * ignores does nothing, a stop signal stops it and SIGCONT continues it, otherwise (and
 * always for SIGKILL) the process ends, killed by Signal. */
#define IOCTL_LXSS_SIGNAL_PROCESS \
    CTL_CODE(FILE_DEVICE_LXSS, 0x803, METHOD_BUFFERED, FILE_READ_DATA | FILE_WRITE_DATA)

/* In: nothing. Out: LXSS_COUNTERS. What lxcore holds now, counted where it is allocated and
 * freed: the leak check of the test runner compares them before and after a suite. */
#define IOCTL_LXSS_QUERY_COUNTERS \
    CTL_CODE(FILE_DEVICE_LXSS, 0x804, METHOD_BUFFERED, FILE_READ_DATA)

/* In: LXSS_RESIZE_TERMINAL_IN. Out: nothing. (minor 5) The window of the terminal of a
 * process started with LXSS_CREATE_TTY_* changed: TIOCGWINSZ gives the new size and its
 * foreground process group gets SIGWINCH. STATUS_NOT_FOUND when its session has no such
 * terminal (any more). */
#define IOCTL_LXSS_RESIZE_TERMINAL \
    CTL_CODE(FILE_DEVICE_LXSS, 0x805, METHOD_BUFFERED, FILE_READ_DATA | FILE_WRITE_DATA)

/* ------------------------------------------------------------------------------------------ */

typedef struct _LXSS_BLOB
{
    ULONG Offset;   /* from the start of the input buffer */
    ULONG Length;   /* in bytes; 0 = absent */
} LXSS_BLOB, *PLXSS_BLOB;

/* LXSS_INFORMATION.Flags */
#define LXSS_INFO_PICO_PROVIDER_REGISTERED  0x00000001
#define LXSS_INFO_SERVICE_TABLE_REGISTERED  0x00000002

typedef struct _LXSS_INFORMATION
{
    ULONG Size;                 /* sizeof(LXSS_INFORMATION) */
    ULONG VersionMajor;         /* LXSS_INTERFACE_VERSION_MAJOR */
    ULONG VersionMinor;
    ULONG Flags;                /* LXSS_INFO_* */
    ULONG ServiceCount;         /* entries in table 2 (Linux i386 numbers 0..ServiceCount-1) */
    ULONG ImplementedServices;  /* entries that are not LxSysEnosys */
    ULONG ProcessCount;         /* live or not yet reaped Linux processes */
    ULONG Reserved;
} LXSS_INFORMATION, *PLXSS_INFORMATION;

/* IOCTL_LXSS_QUERY_COUNTERS's reply */
#define LXSS_COUNTER_KINDS  24

typedef struct _LXSS_FILE_COUNT
{
    char Kind[16];              /* LX_FILE_OPERATIONS.Kind ("ntfile", "pipe"...); "other" */
    ULONG Live;                 /* open file descriptions of that kind */
} LXSS_FILE_COUNT, *PLXSS_FILE_COUNT;

typedef struct _LXSS_COUNTERS
{
    ULONG Size;                 /* sizeof(LXSS_COUNTERS) */
    ULONG Processes;            /* Linux processes not yet freed */
    ULONG Threads;              /* Linux threads (LX_THREAD blocks) */
    ULONG Regions;              /* mappings of all processes (LX_REGION blocks) */
    ULONG FutexWaiters;         /* futex wait blocks */
    ULONG Files;                /* open file descriptions, all kinds */
    ULONG KindCount;            /* entries of Kinds in use: the kinds made since boot */
    LXSS_FILE_COUNT Kinds[LXSS_COUNTER_KINDS];
} LXSS_COUNTERS, *PLXSS_COUNTERS;

/* LXSS_CREATE_PROCESS_IN.Flags */
/* fds 0/1/2 are not handles: fd 0 reads EOF, fds 1 and 2 go to the kernel debug output
 * (DbgPrint "lxss[pid]: ..."). Set this when StdHandles[] are NULL. Only SYSTEM and
 * administrators may (the test runner): anyone else gets STATUS_ACCESS_DENIED. */
#define LXSS_CREATE_DEBUG_STDIO         0x00000001
/* Create the initial thread suspended; resume with IOCTL_LXSS_SIGNAL_PROCESS + LXSS_SIGCONT.
 * (Reserved: not implemented yet, rejected with STATUS_NOT_SUPPORTED.) */
#define LXSS_CREATE_SUSPENDED           0x00000002
/* fds 0, 1 and 2 are a terminal (the launcher bridges a console): TCGETS/TCSETS*,
 * TIOCGWINSZ/TIOCSWINSZ and TIOCGPGRP answer as a tty does, so isatty() is true.
 * TerminalSize then holds the window size, (rows << 16) | columns (0: 25 x 80). */
#define LXSS_CREATE_STDIO_TTY           0x00000004
/* Trace every system call of the process and of the children it forks: one line each on the
 * kernel debug port in strace's format, "lxtrace: [pid T] name(args) = result <seconds>".
 * Only SYSTEM and administrators may ask for it (as for LXSS_CREATE_DEBUG_STDIO). */
#define LXSS_CREATE_TRACE               0x00000008
/* Keep the last LXSS_TRACE_RECORD_CALLS system calls of the process (and of each child it
 * forks) in kernel memory instead of printing them: they are printed, oldest first, as
 * "lxrecent: [pid T] name(args) = result" ("= ? (not returned)" for the call a thread was
 * in) when the process is killed by SIGKILL (not by itself), and when a fault in one of its calls that lxcore
 * does not handle goes on to the kernel debugger and a bugcheck. For the fuzzer's failure
 * report. Same rule as LXSS_CREATE_TRACE; if both are given, LXSS_CREATE_TRACE wins. */
#define LXSS_CREATE_TRACE_RECORD        0x00000010
#define LXSS_TRACE_RECORD_CALLS         16
/* (minor 5) fd 0, 1 or 2 is the launcher's terminal: a pseudo-terminal slave (/dev/pts/N)
 * with a line discipline, the controlling terminal of a new session the program leads. Its
 * master side is the launcher's: it writes the keys typed into the pipe StdHandles[0]
 * (with LXSS_CREATE_TTY_STDIN) and reads what the terminal shows from StdHandles[1] (with
 * LXSS_CREATE_TTY_STDOUT), else StdHandles[2]; with neither, the output is dropped.
 * TerminalSize holds the window size (IOCTL_LXSS_RESIZE_TERMINAL changes it). The fds
 * without the flag get their handle as they are (a redirection stays a file or a pipe).
 * Not together with LXSS_CREATE_STDIO_TTY, the older emulation of a cooked terminal. */
#define LXSS_CREATE_TTY_STDIN           0x00000020
#define LXSS_CREATE_TTY_STDOUT          0x00000040
#define LXSS_CREATE_TTY_STDERR          0x00000080
#define LXSS_CREATE_TTY_ANY             0x000000E0
/* (minor 6) The program runs as Uid and Gid (real, effective, saved and file-system ids) with
 * the supplementary Groups instead of as root; a set-user-ID or set-group-ID program (given
 * by ProgramPath) runs with its owner or group as effective id, as execve gives it. */
#define LXSS_CREATE_USER                0x00000100
#define LXSS_CREATE_VALID_FLAGS         0x000001FD

typedef struct _LXSS_CREATE_PROCESS_IN
{
    ULONG Size;                 /* sizeof(LXSS_CREATE_PROCESS_IN) */
    ULONG Flags;                /* LXSS_CREATE_* */
    LXSS_BLOB ImagePath;        /* UTF-16 NT path of the ELF file, e.g.
                                   L"\\SystemRoot\\lxss\\rootfs\\bin\\hello"; exactly one
                                   of ImagePath and ProgramPath */
    LXSS_BLOB RootDirectory;    /* optional: UTF-16 NT path of the Linux "/";
                                   absent = L"\\SystemRoot\\lxss\\rootfs" */
    LXSS_BLOB CurrentDirectory; /* optional: UTF-8 Linux path of the cwd, NUL-terminated;
                                   absent = "/" */
    LXSS_BLOB ExecFn;           /* optional: UTF-8 Linux path for AT_EXECFN and /proc/self/exe,
                                   NUL-terminated; absent = argv[0] */
    LXSS_BLOB Arguments;        /* ArgumentCount NUL-terminated UTF-8 strings, packed */
    ULONG ArgumentCount;        /* argc (may be 0) */
    LXSS_BLOB Environment;      /* EnvironmentCount NUL-terminated UTF-8 strings, packed */
    ULONG EnvironmentCount;
    HANDLE StdHandles[3];       /* handles in the caller's process for fds 0, 1, 2 (files,
                                   pipes or console handles, referenced by the driver);
                                   NULL = that fd is closed (or debug stdio, see flags) */
    ULONG TerminalSize;         /* with LXSS_CREATE_STDIO_TTY or LXSS_CREATE_TTY_*: rows << 16
                                   | columns (0: 25 x 80); else 0 */
    LXSS_BLOB ProgramPath;      /* (minor 2) UTF-8 Linux path of the program, NUL-terminated,
                                   resolved by lxcore as open() resolves it: against
                                   CurrentDirectory, under RootDirectory, following symbolic
                                   links, escaping names NT cannot hold; absent = ImagePath */
    ULONG Reserved;             /* must be zero */
    ULONG Uid;                  /* (minor 6) with LXSS_CREATE_USER, else 0 */
    ULONG Gid;
    LXSS_BLOB Groups;           /* with LXSS_CREATE_USER: up to 64 ULONG gids */
} LXSS_CREATE_PROCESS_IN, *PLXSS_CREATE_PROCESS_IN;

typedef struct _LXSS_CREATE_PROCESS_OUT
{
    ULONG Size;                 /* sizeof(LXSS_CREATE_PROCESS_OUT) */
    LONG LinuxError;            /* 0 = started; else -errno (-ENOEXEC, -ENOENT, -ENOMEM, ...) */
    ULONG Pid;                  /* Linux pid (= tgid) when LinuxError == 0 */
    ULONG NtProcessId;          /* NT client id of the pico process, for debugging */
} LXSS_CREATE_PROCESS_OUT, *PLXSS_CREATE_PROCESS_OUT;

/* LXSS_WAIT_PROCESS_IN.Flags */
#define LXSS_WAIT_NOREAP            0x00000001  /* keep the exit record (like WNOWAIT) */
#define LXSS_WAIT_INFINITE          0xFFFFFFFF  /* TimeoutMilliseconds value */

typedef struct _LXSS_WAIT_PROCESS_IN
{
    ULONG Size;                 /* sizeof(LXSS_WAIT_PROCESS_IN) */
    ULONG Pid;                  /* from LXSS_CREATE_PROCESS_OUT */
    ULONG TimeoutMilliseconds;  /* 0 = poll, LXSS_WAIT_INFINITE = forever */
    ULONG Flags;                /* LXSS_WAIT_* */
} LXSS_WAIT_PROCESS_IN, *PLXSS_WAIT_PROCESS_IN;

/* LXSS_WAIT_PROCESS_OUT.State */
#define LXSS_PROCESS_RUNNING        0   /* timeout elapsed, still running */
#define LXSS_PROCESS_EXITED         1   /* exit/exit_group: ExitStatus = status & 0xff */
#define LXSS_PROCESS_KILLED         2   /* ended by a signal or by NT termination: Signal set */

typedef struct _LXSS_WAIT_PROCESS_OUT
{
    ULONG Size;                 /* sizeof(LXSS_WAIT_PROCESS_OUT) */
    ULONG Pid;
    ULONG State;                /* LXSS_PROCESS_* */
    ULONG ExitStatus;           /* exit code (0..255) when State == LXSS_PROCESS_EXITED */
    ULONG Signal;               /* signal number when State == LXSS_PROCESS_KILLED */
    ULONG WaitStatus;           /* the Linux wait(2) status word: (ExitStatus << 8) or Signal */
} LXSS_WAIT_PROCESS_OUT, *PLXSS_WAIT_PROCESS_OUT;

/* Signals understood by IOCTL_LXSS_SIGNAL_PROCESS (Linux numbers). */
#define LXSS_SIGINT                 2
#define LXSS_SIGKILL                9
#define LXSS_SIGTERM                15

typedef struct _LXSS_SIGNAL_PROCESS_IN
{
    ULONG Size;                 /* sizeof(LXSS_SIGNAL_PROCESS_IN) */
    ULONG Pid;
    ULONG Signal;               /* LXSS_SIG* */
    ULONG Reserved;
} LXSS_SIGNAL_PROCESS_IN, *PLXSS_SIGNAL_PROCESS_IN;

typedef struct _LXSS_RESIZE_TERMINAL_IN
{
    ULONG Size;                 /* sizeof(LXSS_RESIZE_TERMINAL_IN) */
    ULONG Pid;                  /* the process started with the terminal */
    ULONG TerminalSize;         /* rows << 16 | columns, neither 0 */
    ULONG Reserved;
} LXSS_RESIZE_TERMINAL_IN, *PLXSS_RESIZE_TERMINAL_IN;

/* Layout checks (i386). */
#define LXSS_IOCTL_STATIC_ASSERT(Name, Expr) typedef char LxssIoctlAssert_##Name[(Expr) ? 1 : -1]
LXSS_IOCTL_STATIC_ASSERT(Blob, sizeof(LXSS_BLOB) == 8);
LXSS_IOCTL_STATIC_ASSERT(Info, sizeof(LXSS_INFORMATION) == 32);
LXSS_IOCTL_STATIC_ASSERT(CreateIn, sizeof(LXSS_CREATE_PROCESS_IN) == 8 + 5 * 8 + 4 + 8 + 4 +
                                   3 * sizeof(HANDLE) + 16 + 16);
LXSS_IOCTL_STATIC_ASSERT(CreateOut, sizeof(LXSS_CREATE_PROCESS_OUT) == 16);
LXSS_IOCTL_STATIC_ASSERT(WaitIn, sizeof(LXSS_WAIT_PROCESS_IN) == 16);
LXSS_IOCTL_STATIC_ASSERT(WaitOut, sizeof(LXSS_WAIT_PROCESS_OUT) == 24);
LXSS_IOCTL_STATIC_ASSERT(SignalIn, sizeof(LXSS_SIGNAL_PROCESS_IN) == 16);
LXSS_IOCTL_STATIC_ASSERT(ResizeIn, sizeof(LXSS_RESIZE_TERMINAL_IN) == 16);

#endif /* _LXIOCTL_H_ */
