/*
 * PROJECT:     lxss for ReactOS - psxss
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Main header of the POSIX (Linux) subsystem server
 */

#ifndef _PSXSS_H_
#define _PSXSS_H_

/* INCLUDES *******************************************************************/

#define WIN32_NO_STATUS
#include <windef.h>
#include <winbase.h>
#include <winioctl.h>

#define NTOS_MODE_USER
#include <ndk/exfuncs.h>
#include <ndk/iofuncs.h>
#include <ndk/kefuncs.h>
#include <ndk/lpcfuncs.h>
#include <ndk/mmfuncs.h>
#include <ndk/obfuncs.h>
#include <ndk/psfuncs.h>
#include <ndk/rtlfuncs.h>
#include <ndk/setypes.h>
#include <ndk/sefuncs.h>

#include <sm/smmsg.h>
#include <pseh/pseh2.h>

#include <lxioctl.h>
#include "psxmsg.h"
#include "psxreq.h"
#include "lxcreate.h"

/* STRUCTURES *****************************************************************/

/* One connected client (lxrun, the test runner...). */
typedef struct _PSX_CLIENT_CONTEXT
{
    LIST_ENTRY Entry;               /* PsxClientList */
    LONG ReferenceCount;            /* the connection + one per tracked process */
    BOOLEAN Closed;                 /* its port closed: no more replies */
    HANDLE PortHandle;              /* our communication port to it */
    HANDLE ProcessHandle;           /* the client process, PROCESS_DUP_HANDLE */
    CLIENT_ID ClientId;
    PVOID ViewBase;                 /* the client's port view, mapped in psxss */
    ULONG ViewSize;
    ULONG ProtocolMinorVersion;     /* agreed at connection: min(client's, ours) */
    LIST_ENTRY ProcessList;         /* PSX_PROCESS it launched and has not reaped */
} PSX_CLIENT_CONTEXT, *PPSX_CLIENT_CONTEXT;

/* One Linux process psxss launched. */
typedef struct _PSX_PROCESS
{
    LIST_ENTRY ClientEntry;         /* owner's ProcessList */
    PPSX_CLIENT_CONTEXT Client;     /* referenced */
    ULONG Pid;
    ULONG NtProcessId;
    BOOLEAN Exited;                 /* the waiter saw the end: Exit is valid */
    BOOLEAN WaitPending;            /* PendingWait holds a request to answer */
    BOOLEAN WaiterRunning;          /* the waiter thread still owns a reference */
    LXSS_WAIT_PROCESS_OUT Exit;
    PSX_API_MSG PendingWait;
} PSX_PROCESS, *PPSX_PROCESS;

/* GLOBALS ********************************************************************/

extern RTL_CRITICAL_SECTION PsxLock;
extern LIST_ENTRY PsxClientList;
extern ULONG PsxClientCount;
extern ULONG PsxProcessCount;
extern HANDLE PsxLxcoreDevice;
extern NTSTATUS PsxLxcoreStatus;
extern HANDLE PsxApiPort;
extern HANDLE PsxSmApiPort;

/* FUNCTIONS ******************************************************************/

/* Traces go to the kernel debugger (serial log); psxss has no console. */
#define PSX_TRACE(...) DbgPrint("PSXSS: " __VA_ARGS__)

/* sbapi.c */
extern UNICODE_STRING PsxSbApiPortName;
extern HANDLE PsxSbApiPort;

NTSTATUS
NTAPI
PsxSbApiPortInitialize(VOID);

/* api.c */
NTSTATUS
NTAPI
PsxApiPortInitialize(VOID);

VOID
NTAPI
PsxApiLoop(VOID);

VOID
NTAPI
PsxDereferenceClient(
    _In_ PPSX_CLIENT_CONTEXT Client);

/* process.c */
NTSTATUS
NTAPI
PsxOpenLxcore(
    _Out_ PHANDLE DeviceHandle);

NTSTATUS
NTAPI
PsxLxcoreIoctl(
    _In_ HANDLE DeviceHandle,
    _In_ ULONG IoControlCode,
    _In_reads_bytes_opt_(InputLength) PVOID Input,
    _In_ ULONG InputLength,
    _Out_writes_bytes_opt_(OutputLength) PVOID Output,
    _In_ ULONG OutputLength);

BOOLEAN
NTAPI
PsxApiCreateProcessHandler(
    _In_ PPSX_CLIENT_CONTEXT Client,
    _Inout_ PPSX_API_MSG Message);

BOOLEAN
NTAPI
PsxApiWaitProcessHandler(
    _In_ PPSX_CLIENT_CONTEXT Client,
    _Inout_ PPSX_API_MSG Message);

BOOLEAN
NTAPI
PsxApiSignalProcessHandler(
    _In_ PPSX_CLIENT_CONTEXT Client,
    _Inout_ PPSX_API_MSG Message);

BOOLEAN
NTAPI
PsxApiResizeTerminalHandler(
    _In_ PPSX_CLIENT_CONTEXT Client,
    _Inout_ PPSX_API_MSG Message);

VOID
NTAPI
PsxKillClientProcesses(
    _In_ PPSX_CLIENT_CONTEXT Client);

#endif /* _PSXSS_H_ */
