/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The NT layer of lxcore (nt/): the headers everything uses, pool tags, Linux's
 *              user structures, and the NT services above the portable core: user memory,
 *              wait queues, clocks, the FPU state, the pico provider routines
 *
 * Layers (checked by `lxgen sync --check`, generator/src/sync/layout.ts), each using only
 * the ones before it: core/ -> nt/ (this header) -> kernel/ and fs/ (lxkernel.h, lxfs.h)
 * -> sys/ (lxsys.h) -> entry/ (lxentry.h)
 */

#ifndef _LXNT_H_
#define _LXNT_H_

#include <ntifs.h>
#include <ndk/exfuncs.h>
#include <ndk/ketypes.h>
#include <ndk/kefuncs.h>
#include <ndk/psfuncs.h>
#include <ndk/mmfuncs.h>
#include <ndk/obfuncs.h>
#include <pico.h>
#include <pseh/pseh2.h>
#include <ntstrsafe.h>

#include "lxioctl.h"

#include "lx_types.h"
#include "lx_elf.h"
#include "lx_stack.h"
#include "lx_path.h"
#include "lx_conv.h"
#include "lx_fpu.h"
#include "lx_statfs.h"
#include "lx_lock.h"
#include "lx_sigqueue.h"
#include "lx_script.h"
#include "lx_cred.h"
#include "lx_socket.h"

/* Pool tags */
#define LX_TAG_PROCESS  'pPxL'
#define LX_TAG_THREAD   'tPxL'
#define LX_TAG_FILE     'fPxL'
#define LX_TAG_IMAGE    'iPxL'
#define LX_TAG_TEMP     'xPxL'
#define LX_TAG_REGION   'rPxL'
#define LX_TAG_META     'mPxL'
#define LX_TAG_SIGQUEUE 'qPxL'
#define LX_TAG_IPC      'cPxL'  /* System V IPC objects: they outlive processes (IPC_RMID) */
#define LX_TAG_SOCKET   'nPxL'  /* sockets, their names and queued packets */
#define LX_TAG_SHARED   'sPxL'  /* shared memory, /dev/shm names: until the last view/unlink */

/* Linux signal numbers lxcore reports */
#define LX_SIGILL       4
#define LX_SIGTRAP      5
#define LX_SIGABRT      6
#define LX_SIGBUS       7
#define LX_SIGFPE       8
#define LX_SIGKILL      9
#define LX_SIGSEGV      11
#define LX_SIGTERM      15

/* Linux signal numbers lxcore reports */
#define LX_SIGILL       4
#define LX_SIGTRAP      5
#define LX_SIGABRT      6
#define LX_SIGBUS       7
#define LX_SIGFPE       8
#define LX_SIGKILL      9
#define LX_SIGSEGV      11
#define LX_SIGTERM      15

/* Wait queues (waitq.c): an object's list of whoever waits for it to change */
typedef struct _LX_WAIT_QUEUE
{
    KSPIN_LOCK Lock;
    LIST_ENTRY Entries;         /* LX_WAIT_ENTRY */
} LX_WAIT_QUEUE, *PLX_WAIT_QUEUE;

typedef struct _LX_WAIT_ENTRY LX_WAIT_ENTRY, *PLX_WAIT_ENTRY;
/* Called at DISPATCH_LEVEL under the queue's lock: must not block or touch the queue */
typedef VOID (NTAPI *PLX_WAKE_ROUTINE)(_In_ PLX_WAIT_ENTRY Entry, _In_ ULONG Events);

struct _LX_WAIT_ENTRY
{
    LIST_ENTRY Link;
    PLX_WAIT_QUEUE Queue;       /* the queue it is on, or NULL */
    PLX_WAKE_ROUTINE Wake;
    PVOID Context;
};

/* One thread waiting for a queue's wake */
typedef struct _LX_WAITER
{
    LX_WAIT_ENTRY Entry;
    KEVENT Event;               /* set by the wake */
} LX_WAITER, *PLX_WAITER;

/* Linux user structures lxcore reads or writes (i386 layouts, 4-byte packing as on i386) */
#include <pshpack4.h>

struct _LX_USER_DESC
{
    ULONG EntryNumber;
    ULONG BaseAddr;
    ULONG Limit;
    ULONG Flags;    /* seg_32bit:1 contents:2 read_exec_only:1 limit_in_pages:1
                       seg_not_present:1 useable:1 */
};

struct _LX_OLD_TIMESPEC32
{
    LONG TvSec;
    LONG TvNsec;
};

struct _LX_KERNEL_TIMESPEC
{
    LONGLONG TvSec;
    LONGLONG TvNsec;
};

struct _LX_KERNEL_OLD_TIMEVAL
{
    LONG TvSec;
    LONG TvUsec;
};

struct _LX_TIMEZONE
{
    LONG TzMinuteswest;
    LONG TzDsttime;
};

struct _LX_IOVEC
{
    ULONG_PTR IovBase;
    ULONG IovLen;
};

struct _LX_NEW_UTSNAME
{
    CHAR Sysname[65];
    CHAR Nodename[65];
    CHAR Release[65];
    CHAR Version[65];
    CHAR Machine[65];
    CHAR Domainname[65];
};

struct _LX_SIGACTION
{
    ULONG_PTR Handler;
    ULONG Flags;
    ULONG_PTR Restorer;
    ULONGLONG Mask;
};

struct _LX_SIGALTSTACK
{
    ULONG_PTR SsSp;
    LONG SsFlags;
    ULONG SsSize;
};

struct _LX_RLIMIT
{
    ULONG RlimCur;
    ULONG RlimMax;
};

struct _LX_RLIMIT64
{
    ULONGLONG RlimCur;
    ULONGLONG RlimMax;
};

struct _LX_SYSINFO
{
    LONG Uptime;
    ULONG Loads[3];
    ULONG Totalram;
    ULONG Freeram;
    ULONG Sharedram;
    ULONG Bufferram;
    ULONG Totalswap;
    ULONG Freeswap;
    USHORT Procs;
    USHORT Pad;
    ULONG Totalhigh;
    ULONG Freehigh;
    ULONG MemUnit;
    CHAR Reserved[8];
};

struct _LX_STAT64
{
    ULONGLONG StDev;
    ULONG Pad0;
    ULONG StIno32;
    ULONG StMode;
    ULONG StNlink;
    ULONG StUid;
    ULONG StGid;
    ULONGLONG StRdev;
    ULONG Pad3;
    LONGLONG StSize;
    ULONG StBlksize;
    ULONGLONG StBlocks;
    ULONG StAtime;
    ULONG StAtimeNsec;
    ULONG StMtime;
    ULONG StMtimeNsec;
    ULONG StCtime;
    ULONG StCtimeNsec;
    ULONGLONG StIno;
};
#include <poppack.h>

C_ASSERT(sizeof(struct _LX_USER_DESC) == 16);
C_ASSERT(sizeof(struct _LX_KERNEL_TIMESPEC) == 16);
C_ASSERT(sizeof(struct _LX_NEW_UTSNAME) == 390);
C_ASSERT(sizeof(struct _LX_SYSINFO) == 64);
C_ASSERT(sizeof(struct _LX_STAT64) == 96);
C_ASSERT(FIELD_OFFSET(struct _LX_STAT64, StSize) == 44);
C_ASSERT(FIELD_OFFSET(struct _LX_STAT64, StIno) == 88);

/* provider.c: the routines NT gave lxcore when it registered as the pico provider */
extern PS_PICO_ROUTINES LxPicoRoutines;

/* usermem.c: every access to Linux memory goes through these (probe + SEH: -EFAULT). A
 * faulting access is retried once if the fault routine (kernel/mm.c) says it fixed it. */
typedef BOOLEAN (NTAPI *PLX_USER_FAULT_ROUTINE)(_In_ ULONG_PTR Address, _In_ SIZE_T Length);
VOID LxSetUserFaultRoutine(_In_ PLX_USER_FAULT_ROUTINE Routine);
LONG LxCopyFromUser(_Out_writes_bytes_(Length) PVOID Destination,
                    _In_ ULONG_PTR UserSource,
                    _In_ SIZE_T Length);
LONG LxCopyToUser(_In_ ULONG_PTR UserDestination,
                  _In_reads_bytes_(Length) const VOID *Source,
                  _In_ SIZE_T Length);
LONG LxCopyStringFromUser(_Out_writes_z_(BufferSize) PCHAR Buffer,
                          _In_ SIZE_T BufferSize,
                          _In_ ULONG_PTR UserString);
LONG LxZeroUser(_In_ ULONG_PTR UserDestination, _In_ SIZE_T Length);
LONG LxCompareExchangeUser(_In_ ULONG_PTR Address, _In_ ULONG Expected, _In_ ULONG New,
                           _Out_ PULONG Old);
LONG LxGetUserTimespec(_In_ ULONG_PTR User, _In_ BOOLEAN Time64, _Out_ lx_timespec64 *Ts);
LONG LxPutUserTimespec(_In_ ULONG_PTR User, _In_ BOOLEAN Time64, _In_ const lx_timespec64 *Ts);
LONG LxGetUserTimeout(_In_ ULONG_PTR User, _In_ BOOLEAN Time64,
                      _Out_ lx_timespec64 *Ts);   /* NULL: zero, no fault */
VOID LxGetRandomBytes(_Out_writes_bytes_(Length) PUCHAR Buffer, _In_ ULONG Length);

/* waitq.c */
VOID LxInitializeWaitQueue(_Out_ PLX_WAIT_QUEUE Queue);
VOID LxInitializeWaitEntry(_Out_ PLX_WAIT_ENTRY Entry, _In_ PLX_WAKE_ROUTINE Wake,
                           _In_opt_ PVOID Context);
VOID LxAddWaitEntry(_Inout_ PLX_WAIT_QUEUE Queue, _Inout_ PLX_WAIT_ENTRY Entry);
VOID LxRemoveWaitEntry(_Inout_ PLX_WAIT_ENTRY Entry);
VOID LxDetachWaitQueue(_Inout_ PLX_WAIT_QUEUE Queue);
VOID LxWakeWaitQueue(_Inout_ PLX_WAIT_QUEUE Queue, _In_ ULONG Events);
VOID LxPrepareWait(_Out_ PLX_WAITER Waiter, _Inout_ PLX_WAIT_QUEUE Queue);
VOID LxFinishWait(_Inout_ PLX_WAITER Waiter);

/* afd.c: TCP and UDP endpoints of the NT network stack (afd.sys). Endpoints never block: a
 * call that cannot complete gives STATUS_CANT_WAIT, and the caller waits on the queue it gave,
 * which a watch (LxAfdWatch) and a connect wake. Events are AFD's (AFD_EVENT_*). */
typedef struct _LX_AFD_ENDPOINT *PLX_AFD_ENDPOINT;
typedef struct _LX_AFD_BUFFER
{
    ULONG Length;
    PVOID Buffer;               /* kernel memory */
} LX_AFD_BUFFER, *PLX_AFD_BUFFER;
#define LX_AFD_EVENT_RECEIVE        0x001
#define LX_AFD_EVENT_OOB_RECEIVE    0x002
#define LX_AFD_EVENT_SEND           0x004
#define LX_AFD_EVENT_DISCONNECT     0x008
#define LX_AFD_EVENT_ABORT          0x010
#define LX_AFD_EVENT_CLOSE          0x020
#define LX_AFD_EVENT_CONNECT        0x040
#define LX_AFD_EVENT_ACCEPT         0x080
#define LX_AFD_EVENT_CONNECT_FAIL   0x100
NTSTATUS LxAfdCreate(_In_ BOOLEAN Datagram, _In_ PLX_WAIT_QUEUE Queue,
                     _Out_ PLX_AFD_ENDPOINT *Endpoint);
VOID LxAfdClose(_In_ PLX_AFD_ENDPOINT Endpoint);
NTSTATUS LxAfdBind(_In_ PLX_AFD_ENDPOINT Endpoint, _In_ const lx_inet_addr *Address,
                   _In_ BOOLEAN Reuse);
NTSTATUS LxAfdListen(_In_ PLX_AFD_ENDPOINT Endpoint, _In_ ULONG Backlog);
NTSTATUS LxAfdAccept(_In_ PLX_AFD_ENDPOINT Endpoint, _In_ PLX_WAIT_QUEUE NewQueue,
                     _Out_ PLX_AFD_ENDPOINT *NewEndpoint, _Out_ lx_inet_addr *Peer);
NTSTATUS LxAfdConnect(_In_ PLX_AFD_ENDPOINT Endpoint, _In_ const lx_inet_addr *Address,
                      _In_ BOOLEAN Datagram);
BOOLEAN LxAfdConnectDone(_In_ PLX_AFD_ENDPOINT Endpoint, _Out_ PNTSTATUS Status);
NTSTATUS LxAfdSend(_In_ PLX_AFD_ENDPOINT Endpoint, _In_reads_(Count) const LX_AFD_BUFFER *Buffers,
                   _In_ ULONG Count, _Out_ PULONG Sent);
NTSTATUS LxAfdReceive(_In_ PLX_AFD_ENDPOINT Endpoint, _In_reads_(Count) const LX_AFD_BUFFER *Buffers,
                      _In_ ULONG Count, _In_ BOOLEAN Peek, _Out_ PULONG Received);
NTSTATUS LxAfdSendDatagram(_In_ PLX_AFD_ENDPOINT Endpoint, _In_reads_bytes_(Length) PVOID Buffer,
                           _In_ ULONG Length, _In_opt_ const lx_inet_addr *To);
NTSTATUS LxAfdReceiveDatagram(_In_ PLX_AFD_ENDPOINT Endpoint, _Out_writes_bytes_(Length) PVOID Buffer,
                              _In_ ULONG Length, _In_ BOOLEAN Peek, _Out_ PULONG Received,
                              _Out_ lx_inet_addr *From);
NTSTATUS LxAfdShutdown(_In_ PLX_AFD_ENDPOINT Endpoint, _In_ BOOLEAN Send, _In_ BOOLEAN Receive);
NTSTATUS LxAfdGetName(_In_ PLX_AFD_ENDPOINT Endpoint, _In_ BOOLEAN Peer, _Out_ lx_inet_addr *Address);
NTSTATUS LxAfdQueryEvents(_In_ PLX_AFD_ENDPOINT Endpoint, _Out_ PULONG Events,
                          _Out_opt_ PNTSTATUS ConnectStatus, _Out_opt_ PNTSTATUS CloseStatus);
VOID LxAfdWatch(_In_ PLX_AFD_ENDPOINT Endpoint, _In_ ULONG Events);

/* fpu.c: the x87/SSE state of the calling thread as an FXSAVE image (lx_fpu.h) */
NTSTATUS LxGetFpuState(_Out_writes_bytes_(LX_FXSAVE_SIZE) PUCHAR FxSave);
NTSTATUS LxSetFpuState(_In_reads_bytes_opt_(LX_FXSAVE_SIZE) const UCHAR *FxSave);
NTSTATUS LxCreatePicoThread(_Inout_ PPS_PICO_THREAD_ATTRIBUTES Attributes, _In_ BOOLEAN Inherit,
                            _Out_ PHANDLE ThreadHandle);

/* clock.c */
#define LX_CLOCK_REALTIME           0
#define LX_CLOCK_MONOTONIC          1
#define LX_CLOCK_PROCESS_CPUTIME_ID 2
#define LX_CLOCK_THREAD_CPUTIME_ID  3
#define LX_CLOCK_MONOTONIC_RAW      4
#define LX_CLOCK_REALTIME_COARSE    5
#define LX_CLOCK_MONOTONIC_COARSE   6
#define LX_CLOCK_BOOTTIME           7
LONG LxReadClock(_In_ LONG Clock, _Out_ lx_timespec64 *Ts);
ULONGLONG LxMonotonicTime(VOID);   /* CLOCK_MONOTONIC in 100 ns units: timed waits' deadlines */
/* the relative NT wait left until a LxMonotonicTime Deadline; FALSE once it has passed */
BOOLEAN LxTimeLeft(_In_ ULONGLONG Deadline, _Out_ PLARGE_INTEGER Wait);

typedef struct _LX_CPU_TIMES
{
    LONGLONG User;      /* 100 ns */
    LONGLONG Kernel;
} LX_CPU_TIMES;
VOID LxGetCpuTimes(_Out_ LX_CPU_TIMES *Times);

/* security.c: the requester's token, \Device\lxss's security, opens checked for the
 * current thread's token */
NTSTATUS LxCaptureCallerToken(_Out_ PHANDLE PrimaryToken, _Out_ PBOOLEAN Privileged);
BOOLEAN LxCallerMayControl(_In_opt_ PEPROCESS Target);
NTSTATUS LxSecureDevice(_In_ PDEVICE_OBJECT DeviceObject);
NTSTATUS LxCheckDirectoryAccess(_In_ PCUNICODE_STRING Directory);
NTSTATUS LxQueryAttributesChecked(_In_ POBJECT_ATTRIBUTES ObjectAttributes,
                                  _Out_ PFILE_NETWORK_OPEN_INFORMATION Info);
NTSTATUS LxCreateFileChecked(_Out_ PHANDLE Handle, _In_ ACCESS_MASK DesiredAccess,
                             _In_ POBJECT_ATTRIBUTES ObjectAttributes,
                             _Out_ PIO_STATUS_BLOCK IoStatus, _In_ ULONG FileAttributes,
                             _In_ ULONG ShareAccess, _In_ ULONG Disposition,
                             _In_ ULONG CreateOptions);

/* Converts an NTSTATUS into a negative Linux errno */
FORCEINLINE
LONG
LxStatusToErrno(_In_ NTSTATUS Status)
{
    return lx_ntstatus_to_errno((uint32_t)Status);
}

#endif /* _LXNT_H_ */
