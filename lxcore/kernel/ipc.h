/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System V IPC's object tables, shared by ipc.c (message queues, semaphore
 *              sets, the ipc(2) multiplexer) and shm.c (shared memory segments)
 */

#pragma once

#define LX_IPC_PRIVATE      0
#define LX_IPC_CREAT        00001000
#define LX_IPC_EXCL         00002000
#define LX_IPC_NOWAIT       00004000
#define LX_IPC_RMID         0
#define LX_IPC_SET          1
#define LX_IPC_STAT         2
#define LX_IPC_64           0x0100
#define LX_IPC_SLOTS        256         /* objects of a kind (MSGMNI, SEMMNI, SHMMNI) */
#define LX_IPCMNI           32768       /* id = seq * LX_IPCMNI + slot */

/* What every kind of object has (under LxIpcLock) */
typedef struct _LX_IPC_OBJECT
{
    LONG Key;
    ULONG Id;
    ULONG Uid, Gid, Cuid, Cgid, Mode;
    LONGLONG ChangeTime;        /* seconds */
    LIST_ENTRY Waiters;         /* LX_IPC_WAITER: blocked callers, woken by any change */
    BOOLEAN Removed;
    LONG RefCount;              /* the table's and each waiter's */
    VOID (*Free)(struct _LX_IPC_OBJECT *Object);  /* what the last release frees first */
} LX_IPC_OBJECT, *PLX_IPC_OBJECT;

typedef struct _LX_IPC_TABLE
{
    PLX_IPC_OBJECT Slots[LX_IPC_SLOTS];
    USHORT Seq[LX_IPC_SLOTS];
} LX_IPC_TABLE, *PLX_IPC_TABLE;

/* struct ipc64_perm on i386 (36 bytes) */
#include <pshpack4.h>
typedef struct _LX_IPC64_PERM
{
    LONG Key;
    ULONG Uid, Gid, Cuid, Cgid;
    USHORT Mode, Pad1;
    USHORT Seq, Pad2;
    ULONG Unused1, Unused2;
} LX_IPC64_PERM;
#include <poppack.h>
C_ASSERT(sizeof(LX_IPC64_PERM) == 36);

extern FAST_MUTEX LxIpcLock;

LONGLONG LxIpcNow(VOID);
VOID LxIpcRelease(_In_ PLX_IPC_OBJECT Object);
PLX_IPC_OBJECT LxIpcOf(_In_ PLX_IPC_TABLE Table, _In_ LONG Id);
PLX_IPC_OBJECT LxIpcLockObject(_In_ PLX_IPC_TABLE Table, _In_ LONG Id);
LONG LxIpcGet(_In_ PLX_IPC_TABLE Table, _In_ LONG Key, _In_ LONG Flags, _In_ SIZE_T Size,
              _In_opt_ LONG (*Check)(PLX_IPC_OBJECT Existing, PVOID Context),
              _In_ LONG (*Create)(PLX_IPC_OBJECT New, PVOID Context), _In_ PVOID Context);
VOID LxIpcPerm(_In_ PLX_IPC_OBJECT Object, _Out_ LX_IPC64_PERM *Perm);
LONG LxIpcMayControl(_In_ PLX_IPC_OBJECT Object);
VOID LxIpcControl(_In_ PLX_IPC_TABLE Table, _In_ PLX_IPC_OBJECT Object,
                  _In_opt_ const LX_IPC64_PERM *Set);

/* shm.c, for the ipc(2) multiplexer and the process exit in ipc.c */
LONG LxShmget(_In_ LONG Key, _In_ SIZE_T Size, _In_ LONG Flags);
LONG LxShmat(_In_ LONG Id, _In_ ULONG_PTR Address, _In_ LONG Flags);
LONG LxShmdt(_In_ ULONG_PTR Address);
LONG LxShmctl(_In_ LONG Id, _In_ LONG Cmd, _In_ ULONG_PTR Buf);
