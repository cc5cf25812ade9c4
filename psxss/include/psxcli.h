/*
 * PROJECT:     lxss for ReactOS - psxss
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Client library for psxss (static library psxcli; NT native API only, so
 *              Win32 programs such as lxrun and native programs can both link it)
 *
 * Include after the NDK headers (PORT_MESSAGE, NTSTATUS...). A PSX_CLIENT is not meant to
 * be used by two threads at once for PsxCreateProcess (it shares one port view); waits and
 * signals from different threads are fine.
 */

#ifndef _PSXCLI_H_
#define _PSXCLI_H_

#include "psxmsg.h"
#include "psxreq.h"

typedef struct _PSX_CLIENT
{
    HANDLE Port;
    HANDLE Section;
    PVOID ViewBase;
    ULONG ViewSize;
    ULONG ServerProcessId;
    NTSTATUS LxcoreStatus;
    ULONG ProtocolMinorVersion;     /* agreed with the server: min(its, ours) */
} PSX_CLIENT, *PPSX_CLIENT;

/* Connects to \PsxApiPort. If psxss is not running and StartServer is TRUE, asks smss to
 * start it (SmLoadDeferedSubsystem "Posix") and tries again for up to TimeoutMilliseconds. */
NTSTATUS
NTAPI
PsxConnect(
    _Out_ PPSX_CLIENT Client,
    _In_ BOOLEAN StartServer,
    _In_ ULONG TimeoutMilliseconds);

VOID
NTAPI
PsxDisconnect(
    _Inout_ PPSX_CLIENT Client);

/* Launches a Linux program. Returns the NT status of the request; on success *LinuxError is
 * 0 and *Pid the Linux pid, or *LinuxError is a negative errno (the program did not start).
 * When psxss refuses the request (an error status), *LinuxError still says why if psxss
 * did (-EINVAL for a malformed request, -ENOTTY for a terminal without std handles).
 * PSX_REQUEST_TTY_* becomes PSX_REQUEST_STDIO_TTY when the server is older than minor
 * version 3 (the emulated terminal: fds 0-2 marked, no line discipline; a TTY_* flag without
 * the handle it needs is refused first with STATUS_INVALID_PARAMETER_MIX and -ENOTTY, as a
 * newer server would), and PSX_REQUEST_STDIO_TTY is dropped when the server is older than
 * minor version 1 (the program then sees plain pipes or files, as before). */
NTSTATUS
NTAPI
PsxCreateProcess(
    _In_ PPSX_CLIENT Client,
    _In_ const PSX_REQUEST_PARAMS *Params,
    _In_opt_ HANDLE StdHandles[3],
    _Out_ PLONG LinuxError,
    _Out_ PULONG Pid);

/* TimeoutMilliseconds: 0 (poll) or PSX_WAIT_INFINITE. */
NTSTATUS
NTAPI
PsxWaitProcess(
    _In_ PPSX_CLIENT Client,
    _In_ ULONG Pid,
    _In_ ULONG TimeoutMilliseconds,
    _Out_ PPSX_WAIT_PROCESS_MSG Result);

NTSTATUS
NTAPI
PsxSignalProcess(
    _In_ PPSX_CLIENT Client,
    _In_ ULONG Pid,
    _In_ ULONG Signal);

/* The launcher's window of the terminal of process Pid (launched with PSX_REQUEST_TTY_*)
 * now has Rows x Columns (1..PSX_MAX_TERMINAL_SIZE): the program sees the new size and gets
 * SIGWINCH. STATUS_NOT_SUPPORTED when the server is older than minor version 3 (nothing is
 * sent), STATUS_NOT_FOUND when the process has no such terminal (it ended, was launched
 * without one, or got the emulation because lxcore is older than interface 1.5). */
NTSTATUS
NTAPI
PsxResizeTerminal(
    _In_ PPSX_CLIENT Client,
    _In_ ULONG Pid,
    _In_ USHORT Rows,
    _In_ USHORT Columns);

NTSTATUS
NTAPI
PsxQueryServer(
    _In_ PPSX_CLIENT Client,
    _Out_ PPSX_QUERY_SERVER_MSG Result);

#endif /* _PSXCLI_H_ */
