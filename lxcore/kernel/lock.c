/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     POSIX record locks: fcntl F_GETLK, F_SETLK, F_SETLKW (and their 64-bit forms)
 *
 * Advisory locks as Linux keeps them for fcntl: byte ranges of a file, owned by a process,
 * read (shared) or write (exclusive). A process's own locks never conflict with each other: a
 * new lock replaces, splits and merges what the process held on that range. Every close of a
 * descriptor of the file releases all the process's locks on it, and so does the end of the
 * process; fork does not pass them on, execve keeps them. F_SETLKW waits, interruptibly, until
 * the range is free. A file is known by its volume serial number and NT file index (its
 * st_dev and st_ino), so all paths and descriptors to it meet in one lock list. The range
 * arithmetic (struct flock, conflicts, replace/split/merge) is core/lx_lock.c.
 * Partial: no deadlock detection (EDEADLK), no open file description locks (F_OFD_*).
 */

#include "lxkernel.h"

#define NDEBUG
#include <debug.h>

typedef struct _LX_RECORD_LOCK
{
    LIST_ENTRY Link;
    ULONGLONG Volume, Index;    /* the file */
    ULONG Pid;                  /* the owner */
    lx_lock_range Range;
} LX_RECORD_LOCK, *PLX_RECORD_LOCK;

typedef struct _LX_LOCK_WAITER
{
    LIST_ENTRY Link;
    KEVENT Event;
} LX_LOCK_WAITER, *PLX_LOCK_WAITER;

static FAST_MUTEX LxLockMutex;
static LIST_ENTRY LxLocks;      /* LX_RECORD_LOCK */
static LIST_ENTRY LxLockWaiters; /* LX_LOCK_WAITER: F_SETLKW callers, woken by any release */

/* struct flock / flock64 on i386 (4-byte packing) */
#include <pshpack4.h>
typedef struct _LX_FLOCK32
{
    SHORT Type, Whence;
    LONG Start, Len;
    LONG Pid;
} LX_FLOCK32;
typedef struct _LX_FLOCK64
{
    SHORT Type, Whence;
    LONGLONG Start, Len;
    LONG Pid;
} LX_FLOCK64;
#include <poppack.h>
C_ASSERT(sizeof(LX_FLOCK32) == 16);
C_ASSERT(sizeof(LX_FLOCK64) == 24);

VOID
LxInitializeLocks(VOID)
{
    ExInitializeFastMutex(&LxLockMutex);
    InitializeListHead(&LxLocks);
    InitializeListHead(&LxLockWaiters);
}

/* The range a struct flock names: [*First, *Last], or -EINVAL. */
static
LONG
LxLockRange(
    _In_ PLX_FILE File,
    _In_ SHORT Whence,
    _In_ LONGLONG Start,
    _In_ LONGLONG Len,
    _In_ ULONGLONG Size,
    _Out_ PULONGLONG First,
    _Out_ PULONGLONG Last)
{
    LONGLONG Base;

    switch (Whence)
    {
        case 0: Base = 0; break;                        /* SEEK_SET */
        case 1: Base = File->Offset; break;             /* SEEK_CUR */
        case 2: Base = (LONGLONG)Size; break;           /* SEEK_END */
        default: return -LX_EINVAL;
    }
    return lx_lock_range_of(Base, Start, Len, First, Last);
}

/* The first lock of another process that the requested one conflicts with (under the mutex). */
static
PLX_RECORD_LOCK
LxLockConflict(
    _In_ ULONGLONG Volume,
    _In_ ULONGLONG Index,
    _In_ ULONG Pid,
    _In_ ULONGLONG First,
    _In_ ULONGLONG Last,
    _In_ SHORT Type)
{
    PLIST_ENTRY Entry;

    for (Entry = LxLocks.Flink; Entry != &LxLocks; Entry = Entry->Flink)
    {
        PLX_RECORD_LOCK Lock = CONTAINING_RECORD(Entry, LX_RECORD_LOCK, Link);

        if (Lock->Volume == Volume && Lock->Index == Index && Lock->Pid != Pid &&
            lx_lock_conflicts(&Lock->Range, First, Last, Type))
        {
            return Lock;
        }
    }
    return NULL;
}

static
VOID
LxWakeLockWaiters(VOID)
{
    PLIST_ENTRY Entry;

    for (Entry = LxLockWaiters.Flink; Entry != &LxLockWaiters; Entry = Entry->Flink)
        KeSetEvent(&CONTAINING_RECORD(Entry, LX_LOCK_WAITER, Link)->Event, IO_NO_INCREMENT, FALSE);
}

/* Sets Pid's locks on [First, Last] to Type (LX_F_UNLCK: none), under the mutex: its ranges
 * on the file go through lx_lock_apply (replace, split, merge). The blocks are reused, with the
 * two of Spare for the at most two more ranges it can make. 0 or -ENOLCK. */
static
LONG
LxApplyLock(
    _In_ ULONGLONG Volume,
    _In_ ULONGLONG Index,
    _In_ ULONG Pid,
    _In_ ULONGLONG First,
    _In_ ULONGLONG Last,
    _In_ SHORT Type,
    _Inout_ PLX_RECORD_LOCK Spare[2])
{
    PLIST_ENTRY Entry, Next;
    LIST_ENTRY Blocks;
    lx_lock_range *Own;
    SIZE_T Count = 0, i, Result;

    for (Entry = LxLocks.Flink; Entry != &LxLocks; Entry = Entry->Flink)
    {
        PLX_RECORD_LOCK Lock = CONTAINING_RECORD(Entry, LX_RECORD_LOCK, Link);
        if (Lock->Volume == Volume && Lock->Index == Index && Lock->Pid == Pid)
            Count++;
    }
    /* the owner's ranges, then room for the result */
    Own = ExAllocatePoolWithTag(PagedPool, (2 * Count + 2) * sizeof(*Own), LX_TAG_TEMP);
    if (Own == NULL)
        return -LX_ENOLCK;
    InitializeListHead(&Blocks);
    for (i = 0, Entry = LxLocks.Flink; Entry != &LxLocks; Entry = Next)
    {
        PLX_RECORD_LOCK Lock = CONTAINING_RECORD(Entry, LX_RECORD_LOCK, Link);

        Next = Entry->Flink;
        if (Lock->Volume == Volume && Lock->Index == Index && Lock->Pid == Pid)
        {
            Own[i++] = Lock->Range;
            RemoveEntryList(&Lock->Link);
            InsertTailList(&Blocks, &Lock->Link);
        }
    }
    Result = lx_lock_apply(Own, Count, First, Last, Type, Own + Count);
    for (i = 0; i < Result; i++)
    {
        PLX_RECORD_LOCK Lock;

        if (!IsListEmpty(&Blocks))
        {
            Lock = CONTAINING_RECORD(RemoveHeadList(&Blocks), LX_RECORD_LOCK, Link);
        }
        else
        {
            Lock = Spare[0] != NULL ? Spare[0] : Spare[1];
            Spare[Spare[0] != NULL ? 0 : 1] = NULL;
        }
        Lock->Volume = Volume;
        Lock->Index = Index;
        Lock->Pid = Pid;
        Lock->Range = Own[Count + i];
        InsertTailList(&LxLocks, &Lock->Link);
    }
    while (!IsListEmpty(&Blocks))
    {
        Entry = RemoveHeadList(&Blocks);
        ExFreePoolWithTag(CONTAINING_RECORD(Entry, LX_RECORD_LOCK, Link), LX_TAG_FILE);
    }
    ExFreePoolWithTag(Own, LX_TAG_TEMP);
    /* what the owner held may have shrunk or turned into a read lock: waiters look again */
    if (Count != 0)
        LxWakeLockWaiters();
    return 0;
}

/* fcntl F_GETLK/F_SETLK/F_SETLKW[64] on File. */
LONG
LxFcntlLock(
    _In_ PLX_PROCESS Process,
    _In_ PLX_FILE File,
    _In_ ULONG Cmd,
    _In_ ULONG_PTR Arg)
{
    BOOLEAN Is64 = Cmd >= LX_F_GETLK64;
    ULONG Base = Is64 ? Cmd - LX_F_GETLK64 + LX_F_GETLK : Cmd;
    LX_FLOCK64 Flock;
    LX_FLOCK32 Flock32;
    ULONGLONG Volume, Index, Size, First, Last;
    PLX_RECORD_LOCK Spare[2] = { NULL, NULL }, Conflict;
    LX_LOCK_WAITER Waiter;
    NTSTATUS Status;
    LONG Result;
    ULONG i;

    if (Is64)
    {
        Result = LxCopyFromUser(&Flock, Arg, sizeof(Flock));
    }
    else
    {
        Result = LxCopyFromUser(&Flock32, Arg, sizeof(Flock32));
        Flock.Type = Flock32.Type;
        Flock.Whence = Flock32.Whence;
        Flock.Start = Flock32.Start;
        Flock.Len = Flock32.Len;
    }
    if (Result < 0)
        return Result;
    if (Flock.Type != LX_F_RDLCK && Flock.Type != LX_F_WRLCK && Flock.Type != LX_F_UNLCK)
        return -LX_EINVAL;
    Result = LxFileIdentity(File, &Volume, &Index, &Size);
    if (Result == 0)
        Result = LxLockRange(File, Flock.Whence, Flock.Start, Flock.Len, Size, &First, &Last);
    if (Result < 0)
        return Result;

    if (Base == LX_F_GETLK)
    {
        if (Flock.Type == LX_F_UNLCK)
            return -LX_EINVAL;
        ExAcquireFastMutex(&LxLockMutex);
        Conflict = LxLockConflict(Volume, Index, Process->Pid, First, Last, Flock.Type);
        if (Conflict != NULL)
        {
            Flock.Type = Conflict->Range.type;
            Flock.Whence = 0;
            Flock.Start = (LONGLONG)Conflict->Range.first;
            Flock.Len = Conflict->Range.last == LX_LOCK_EOF ? 0 :
                        (LONGLONG)(Conflict->Range.last - Conflict->Range.first + 1);
            Flock.Pid = (LONG)Conflict->Pid;
        }
        else
        {
            Flock.Type = LX_F_UNLCK;
        }
        ExReleaseFastMutex(&LxLockMutex);
        if (Is64)
            return LxCopyToUser(Arg, &Flock, sizeof(Flock));
        if (Flock.Type != LX_F_UNLCK && (Flock.Start > MAXLONG || Flock.Len > MAXLONG))
            return -LX_EOVERFLOW;
        Flock32.Type = Flock.Type;
        Flock32.Whence = Flock.Whence;
        Flock32.Start = (LONG)Flock.Start;
        Flock32.Len = (LONG)Flock.Len;
        Flock32.Pid = Flock.Pid;
        return LxCopyToUser(Arg, &Flock32, sizeof(Flock32));
    }

    /* a read lock needs the file open for reading, a write lock for writing */
    if ((Flock.Type == LX_F_RDLCK && (File->StatusFlags & LX_O_ACCMODE) == LX_O_WRONLY) ||
        (Flock.Type == LX_F_WRLCK && (File->StatusFlags & LX_O_ACCMODE) == LX_O_RDONLY))
        return -LX_EBADF;
    for (i = 0; i < 2; i++)
    {
        Spare[i] = ExAllocatePoolWithTag(PagedPool, sizeof(LX_RECORD_LOCK), LX_TAG_FILE);
        if (Spare[i] == NULL)
        {
            Result = -LX_ENOLCK;
            goto Done;
        }
    }
    KeInitializeEvent(&Waiter.Event, NotificationEvent, FALSE);
    ExAcquireFastMutex(&LxLockMutex);
    for (;;)
    {
        PVOID Object = &Waiter.Event;

        if (Flock.Type == LX_F_UNLCK ||
            LxLockConflict(Volume, Index, Process->Pid, First, Last, Flock.Type) == NULL)
        {
            Result = LxApplyLock(Volume, Index, Process->Pid, First, Last, Flock.Type, Spare);
            Process->UsedLocks = TRUE;
            break;
        }
        if (Base != LX_F_SETLKW)
        {
            Result = -LX_EAGAIN;
            break;
        }
        /* wait for a release, then look again */
        KeClearEvent(&Waiter.Event);
        InsertTailList(&LxLockWaiters, &Waiter.Link);
        ExReleaseFastMutex(&LxLockMutex);
        Status = LxWaitInterruptible(1, &Object, NULL);
        ExAcquireFastMutex(&LxLockMutex);
        RemoveEntryList(&Waiter.Link);
        if (Status == STATUS_ALERTED)
        {
            ExReleaseFastMutex(&LxLockMutex);
            Result = LxInterruptedCall(TRUE);
            goto Done;
        }
    }
    ExReleaseFastMutex(&LxLockMutex);

Done:
    for (i = 0; i < 2; i++)
        if (Spare[i] != NULL)
            ExFreePoolWithTag(Spare[i], LX_TAG_FILE);
    return Result;
}

/* Releases Pid's locks on File (every close of one of its descriptors), or on every file
 * (File NULL: the process ends). */
VOID
LxReleaseLocks(
    _In_ PLX_PROCESS Process,
    _In_opt_ PLX_FILE File)
{
    ULONGLONG Volume = 0, Index = 0;
    PLIST_ENTRY Entry, Next;
    BOOLEAN Released = FALSE;

    if (!Process->UsedLocks)
        return;     /* never locked anything: nothing to look up */
    if (File != NULL && LxFileIdentity(File, &Volume, &Index, NULL) < 0)
        return;
    ExAcquireFastMutex(&LxLockMutex);
    for (Entry = LxLocks.Flink; Entry != &LxLocks; Entry = Next)
    {
        PLX_RECORD_LOCK Lock = CONTAINING_RECORD(Entry, LX_RECORD_LOCK, Link);

        Next = Entry->Flink;
        if (Lock->Pid == Process->Pid &&
            (File == NULL || (Lock->Volume == Volume && Lock->Index == Index)))
        {
            RemoveEntryList(&Lock->Link);
            ExFreePoolWithTag(Lock, LX_TAG_FILE);
            Released = TRUE;
        }
    }
    if (Released)
        LxWakeLockWaiters();
    ExReleaseFastMutex(&LxLockMutex);
}
