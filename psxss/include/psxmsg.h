/*
 * PROJECT:     lxss for ReactOS - psxss
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     LPC protocol between psxss.exe and its clients (lxrun, the test runner)
 *
 * Connection: NtConnectPort(PSX_API_PORT_NAME) with a PSX_CONNECTION_INFO and a client port
 * view (a PSX_VIEW_SIZE section the client creates); the server rejects a connection whose
 * protocol (major) version differs or that has no view. psxcli.c does all of this.
 *
 * Versions: ProtocolVersion is the major version and must match. Minor versions only add
 * things and are agreed on at connection time: both sides use the lower of the two minor
 * versions (a client or server that predates minor versions sends and answers 0 in that
 * field). Minor 1 adds the terminal fields of the launch request (PSX_REQUEST_STDIO_TTY,
 * TerminalRows/TerminalColumns, see psxreq.h) and QueryServer's ProtocolMinorVersion.
 * Minor 2 adds PSX_REQUEST_TRACE. Minor 3 adds the real terminal (PSX_REQUEST_TTY_STDIN/
 * STDOUT/STDERR: a pseudo-terminal lxcore makes, its master side the launcher's pipes) and
 * PsxApiResizeTerminal. A client never sends what the agreed minor version lacks (psxcli
 * turns PSX_REQUEST_TTY_* into PSX_REQUEST_STDIO_TTY for a minor 1-2 server and refuses
 * PsxResizeTerminal); the server reads a request with the agreed minor version's rules.
 *
 * Requests (NtRequestWaitReplyPort with a PSX_API_MSG):
 *  - PsxApiCreateProcess: the client writes a PSX_REQUEST (psxreq.h) into its view and sends
 *    its offset and length plus up to three of its own handles for fds 0-2 (files or pipes:
 *    console handles of NT5-style consoles are not kernel objects and are rejected with
 *    STATUS_INVALID_HANDLE; bridge them through pipes). The server duplicates the handles,
 *    launches the ELF through lxcore and answers with the Linux pid or a Linux error.
 *    With PSX_REQUEST_STDIO_TTY (minor 1) the launcher says its stdio is a terminal (a bridged
 *    console) of TerminalRows x TerminalColumns: lxcore then answers terminal ioctls on fds
 *    0-2. With PSX_REQUEST_TTY_* (minor 3) fd 0, 1 or 2 is a real pseudo-terminal of that size
 *    instead: the launcher writes the keys into the pipe it sent for fd 0 and reads what the
 *    terminal shows from the one for fd 1 (else fd 2). An lxcore older than interface 1.5 has
 *    no pseudo-terminals: psxss then launches with the emulation of PSX_REQUEST_STDIO_TTY
 *    (fds 0-2 marked, the handles given as they are; no echo, no line editing, no
 *    resizing), which QueryServer's LxcoreVersionMinor < 5 tells a launcher beforehand.
 *    A malformed request is STATUS_INVALID_PARAMETER; a terminal asked for together with
 *    debug stdio, both kinds of terminal at once, a terminal with no std handle at all, or
 *    a PSX_REQUEST_TTY_* flag without the handle it needs (psxreq.h), is
 *    STATUS_INVALID_PARAMETER_MIX (LinuxError -ENOTTY).
 *  - PsxApiWaitProcess: TimeoutMilliseconds 0 polls; PSX_WAIT_INFINITE blocks until the
 *    process ends (the server answers later, from the thread that saw the exit). Other
 *    timeouts are rejected with STATUS_INVALID_PARAMETER. One wait per process at a time.
 *  - PsxApiSignalProcess: asks lxcore to deliver a signal (SIGINT/SIGTERM/SIGKILL).
 *  - PsxApiResizeTerminal (minor 3): the launcher's window now has Rows x Columns
 *    (1..PSX_MAX_TERMINAL_SIZE, else STATUS_INVALID_PARAMETER): lxcore changes the size of
 *    the pseudo-terminal of process Pid (PSX_REQUEST_TTY_*) and sends SIGWINCH to its
 *    foreground process group. STATUS_NOT_FOUND when the client has no such running process
 *    or the process has no such terminal (launched without one, or with the emulation).
 *  - PsxApiQueryServer: versions, whether lxcore is there, how many processes/clients.
 * A client only sees the processes it created. When a client's port closes (it exited,
 * crashed or closed the handle), the server kills every Linux process it still had.
 */

#ifndef _PSXMSG_H_
#define _PSXMSG_H_

#define PSX_API_PORT_NAME           L"\\PsxApiPort"
#define PSX_SB_API_PORT_NAME        L"\\PsxSbApiPort"

/* The Session Manager\SubSystems value naming psxss (Optional = Posix). */
#define PSX_SUBSYSTEM_NAME          L"Posix"

#define PSX_PROTOCOL_VERSION        1
#define PSX_PROTOCOL_MINOR_VERSION  4   /* 1: stdio may be a terminal (PSX_REQUEST_STDIO_TTY);
                                           2: PSX_REQUEST_TRACE;
                                           3: PSX_REQUEST_TTY_*, PsxApiResizeTerminal;
                                           4: PSX_REQUEST_USER */
#define PSX_VIEW_SIZE               (64 * 1024)

#define PSX_WAIT_INFINITE           0xFFFFFFFF

typedef struct _PSX_CONNECTION_INFO
{
    ULONG ProtocolVersion;      /* in: PSX_PROTOCOL_VERSION; out: the server's */
    ULONG ServerProcessId;      /* out */
    NTSTATUS LxcoreStatus;      /* out: result of opening \Device\lxss in the server */
    ULONG ProtocolMinorVersion; /* in: PSX_PROTOCOL_MINOR_VERSION; out: the server's
                                   (0 from a client or server older than minor versions) */
} PSX_CONNECTION_INFO, *PPSX_CONNECTION_INFO;

typedef enum _PSX_API_NUMBER
{
    PsxApiCreateProcess,
    PsxApiWaitProcess,
    PsxApiSignalProcess,
    PsxApiQueryServer,
    PsxApiResizeTerminal,       /* minor 3 */

    PsxApiMaxApiNumber
} PSX_API_NUMBER;

typedef struct _PSX_CREATE_PROCESS_MSG
{
    ULONG RequestOffset;        /* in: offset of the PSX_REQUEST in the client's view */
    ULONG RequestLength;        /* in: its length (= PSX_REQUEST.Size) */
    HANDLE StdHandles[3];       /* in: client handles for fds 0-2, NULL = closed */
    LONG LinuxError;            /* out: 0 = started, else -errno (-ENOENT, -ENOEXEC...) */
    ULONG Pid;                  /* out: Linux pid */
    ULONG NtProcessId;          /* out: NT process id of the pico process */
} PSX_CREATE_PROCESS_MSG, *PPSX_CREATE_PROCESS_MSG;

/* PSX_WAIT_PROCESS_MSG.State: same values as LXSS_PROCESS_* */
#define PSX_PROCESS_RUNNING         0
#define PSX_PROCESS_EXITED          1
#define PSX_PROCESS_KILLED          2

typedef struct _PSX_WAIT_PROCESS_MSG
{
    ULONG Pid;                  /* in */
    ULONG TimeoutMilliseconds;  /* in: 0 or PSX_WAIT_INFINITE */
    ULONG State;                /* out: PSX_PROCESS_* */
    ULONG ExitStatus;           /* out: when EXITED */
    ULONG Signal;               /* out: when KILLED */
    ULONG WaitStatus;           /* out: Linux wait(2) status word */
    ULONG ExitCode;             /* out: what a Windows launcher should return (0-255,
                                   128 + signal when killed) */
} PSX_WAIT_PROCESS_MSG, *PPSX_WAIT_PROCESS_MSG;

/* Signals PsxApiSignalProcess accepts (Linux numbers, as LXSS_SIG* of lxioctl.h) */
#define PSX_SIGINT                  2
#define PSX_SIGKILL                 9
#define PSX_SIGTERM                 15

typedef struct _PSX_SIGNAL_PROCESS_MSG
{
    ULONG Pid;                  /* in */
    ULONG Signal;               /* in: Linux signal number (2, 9, 15) */
} PSX_SIGNAL_PROCESS_MSG, *PPSX_SIGNAL_PROCESS_MSG;

typedef struct _PSX_RESIZE_TERMINAL_MSG
{
    ULONG Pid;                  /* in: a process launched with PSX_REQUEST_TTY_* */
    USHORT Rows;                /* in: 1..PSX_MAX_TERMINAL_SIZE */
    USHORT Columns;             /* in: 1..PSX_MAX_TERMINAL_SIZE */
} PSX_RESIZE_TERMINAL_MSG, *PPSX_RESIZE_TERMINAL_MSG;

typedef struct _PSX_QUERY_SERVER_MSG
{
    ULONG ProtocolVersion;      /* out */
    NTSTATUS LxcoreStatus;      /* out: STATUS_SUCCESS if \Device\lxss is open */
    ULONG LxcoreVersionMajor;   /* out: from IOCTL_LXSS_QUERY_INFORMATION (0 if none) */
    ULONG LxcoreVersionMinor;
    ULONG LxcoreFlags;          /* out: LXSS_INFO_* */
    ULONG ProcessCount;         /* out: processes psxss tracks */
    ULONG ClientCount;          /* out: connected clients */
    ULONG ProtocolMinorVersion; /* out (minor 1): the server's PSX_PROTOCOL_MINOR_VERSION */
} PSX_QUERY_SERVER_MSG, *PPSX_QUERY_SERVER_MSG;

typedef struct _PSX_API_MSG
{
    PORT_MESSAGE h;
    PSX_API_NUMBER ApiNumber;
    NTSTATUS Status;            /* out: NT status of the request itself */
    union
    {
        PSX_CREATE_PROCESS_MSG CreateProcess;
        PSX_WAIT_PROCESS_MSG WaitProcess;
        PSX_SIGNAL_PROCESS_MSG SignalProcess;
        PSX_QUERY_SERVER_MSG QueryServer;
        PSX_RESIZE_TERMINAL_MSG ResizeTerminal;     /* minor 3 */
    } u;
} PSX_API_MSG, *PPSX_API_MSG;

/* LPC messages are limited to PORT_MAXIMUM_MESSAGE_LENGTH (256 bytes on x86). */
C_ASSERT(sizeof(PSX_API_MSG) <= 256);
C_ASSERT(sizeof(PSX_CONNECTION_INFO) <= 256);
/* A minor version must not grow the message: an older peer's receive buffer has the size
 * of minor 0's (x86: the header, ApiNumber, Status and 8 ULONG-sized fields of CreateProcess) */
C_ASSERT(sizeof(PSX_API_MSG) == sizeof(PORT_MESSAGE) + 2 * sizeof(ULONG) + 8 * sizeof(ULONG));

#endif /* _PSXMSG_H_ */
