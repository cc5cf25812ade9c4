/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Futexes: wait, wake, requeue, priority inheritance, robust lists
 *
 * One list of waiters for the whole driver (initialised by DriverEntry), keyed by
 * (process, address); waits are kernel-mode waits on an event in a pool waiter block, which
 * a thread's exit removes if termination cut the wait short.
 */

#include "lxkernel.h"

#define NDEBUG
#include <debug.h>

#define LX_FUTEX_WAIT           0
#define LX_FUTEX_WAKE           1
#define LX_FUTEX_REQUEUE        3
#define LX_FUTEX_CMP_REQUEUE    4
#define LX_FUTEX_LOCK_PI        6
#define LX_FUTEX_UNLOCK_PI      7
#define LX_FUTEX_TRYLOCK_PI     8
#define LX_FUTEX_WAIT_BITSET    9
#define LX_FUTEX_WAKE_BITSET    10
#define LX_FUTEX_PRIVATE_FLAG   128
#define LX_FUTEX_CLOCK_REALTIME 256
#define LX_FUTEX_CMD_MASK       (~(LX_FUTEX_PRIVATE_FLAG | LX_FUTEX_CLOCK_REALTIME))

/* The futex word of a PI or robust lock: the owner's tid and two flags */
#define LX_FUTEX_WAITERS        0x80000000u
#define LX_FUTEX_OWNER_DIED     0x40000000u
#define LX_FUTEX_TID_MASK       0x3FFFFFFFu
#define LX_ROBUST_LIST_LIMIT    2048        /* entries walked at most (Linux's) */

typedef struct _LX_FUTEX_WAITER
{
    LIST_ENTRY Link;
    PVOID Key;          /* the process, or the shared memory the futex lies in */
    ULONG_PTR Address;  /* the address in the process, or the offset in the memory */
    ULONG Bitset;
    BOOLEAN Woken;
    BOOLEAN Pi;         /* FUTEX_LOCK_PI: woken as the new owner */
    ULONG Tid;
    KEVENT Event;
} LX_FUTEX_WAITER, *PLX_FUTEX_WAITER;

static FAST_MUTEX LxFutexLock;
static LIST_ENTRY LxFutexWaiters;
static LONG LxLiveFutexWaiters;        /* waiter blocks (IOCTL_LXSS_QUERY_COUNTERS) */

ULONG
LxFutexWaiterCount(VOID)
{
    return (ULONG)LxLiveFutexWaiters;
}

static
VOID
LxFreeFutexWaiter(
    _In_ PLX_FUTEX_WAITER Waiter)
{
    LxFreeCounted(Waiter, LX_TAG_THREAD, &LxLiveFutexWaiters);
}

VOID
LxInitializeFutexes(VOID)
{
    ExInitializeFastMutex(&LxFutexLock);
    InitializeListHead(&LxFutexWaiters);
}

/* ---------------------------------------------------------------------------------------- */
/* futex                                                                                   */

LONG
LxFutexWake(
    _In_ PLX_PROCESS Process,
    _In_ ULONG_PTR Address,
    _In_ ULONG Count,
    _In_ ULONG Bitset)
{
    PLIST_ENTRY Entry, Next;
    LONG Woken = 0;
    PVOID Key;

    LxMmFutexKey(Process, Address, &Key, &Address);
    ExAcquireFastMutex(&LxFutexLock);
    for (Entry = LxFutexWaiters.Flink; Entry != &LxFutexWaiters && (ULONG)Woken < Count;
         Entry = Next)
    {
        PLX_FUTEX_WAITER Waiter = CONTAINING_RECORD(Entry, LX_FUTEX_WAITER, Link);

        Next = Entry->Flink;
        if (Waiter->Key == Key && Waiter->Address == Address && !Waiter->Pi &&
            (Waiter->Bitset & Bitset) != 0)
        {
            RemoveEntryList(&Waiter->Link);
            Waiter->Woken = TRUE;
            KeSetEvent(&Waiter->Event, IO_NO_INCREMENT, FALSE);
            Woken++;
        }
    }
    ExReleaseFastMutex(&LxFutexLock);
    return Woken;
}

/* Thread exit: a wait interrupted by termination leaves its waiter block queued. */
VOID
LxFutexThreadExit(
    _In_ PLX_THREAD Thread)
{
    PLX_FUTEX_WAITER Waiter;

    ExAcquireFastMutex(&LxFutexLock);
    Waiter = Thread->FutexWaiter;
    Thread->FutexWaiter = NULL;
    if (Waiter != NULL && !Waiter->Woken)
        RemoveEntryList(&Waiter->Link);
    ExReleaseFastMutex(&LxFutexLock);
    if (Waiter != NULL)
        LxFreeFutexWaiter(Waiter);
}

/* Timeout: Relative (FUTEX_WAIT) or absolute on Clock (FUTEX_WAIT_BITSET); *Interval gets an
 * NT relative interval. Returns 0, -EINVAL, or -ETIMEDOUT when an absolute time has passed. */
static
LONG
LxFutexTimeout(
    _In_ LONGLONG Sec,
    _In_ LONGLONG Nsec,
    _In_ BOOLEAN Absolute,
    _In_ LONG Clock,
    _Out_ PLONGLONG Interval)
{
    int64_t Nt;
    LONG Result;

    if (Sec < 0 || Nsec < 0 || Nsec >= 1000000000)
        return -LX_EINVAL;
    if (Absolute)
    {
        lx_timespec64 Now;
        LONGLONG DeltaNs;

        LxReadClock(Clock, &Now);
        DeltaNs = (Sec - Now.sec) * 1000000000LL + (Nsec - Now.nsec);
        if (DeltaNs <= 0)
            return -LX_ETIMEDOUT;
        Sec = DeltaNs / 1000000000LL;
        Nsec = DeltaNs % 1000000000LL;
    }
    Result = lx_timespec_to_nt_relative(Sec, Nsec, &Nt);
    *Interval = Nt;
    return Result;
}

/* A queued waiter for Address (Pi: a FUTEX_LOCK_PI waiter with its tid), or NULL. */
static
PLX_FUTEX_WAITER
LxNewFutexWaiter(
    _In_ PLX_PROCESS Process,
    _In_ ULONG_PTR Address,
    _In_ ULONG Bitset,
    _In_ BOOLEAN Pi,
    _In_ ULONG Tid)
{
    PLX_FUTEX_WAITER Waiter = LxAllocateCounted(sizeof(*Waiter), LX_TAG_THREAD,
                                                &LxLiveFutexWaiters);

    if (Waiter == NULL)
        return NULL;
    RtlZeroMemory(Waiter, sizeof(*Waiter));
    if (Pi)
    {
        /* PI futexes stay keyed by the process: LxFirstPiWaiter runs under LxFutexLock */
        Waiter->Key = Process;
        Waiter->Address = Address;
    }
    else
    {
        LxMmFutexKey(Process, Address, &Waiter->Key, &Waiter->Address);
    }
    Waiter->Bitset = Bitset;
    Waiter->Pi = Pi;
    Waiter->Tid = Tid;
    KeInitializeEvent(&Waiter->Event, NotificationEvent, FALSE);
    return Waiter;
}

/* Waits (interruptibly) until Waiter is woken, a signal comes (STATUS_ALERTED) or the
 * CLOCK_MONOTONIC Deadline passes (STATUS_TIMEOUT; no deadline without Interval): a timeout
 * ends by CLOCK_MONOTONIC, not by the interrupt time NT's wait runs on. */
static
NTSTATUS
LxFutexBlock(
    _In_ PLX_FUTEX_WAITER Waiter,
    _In_ BOOLEAN Timed,
    _In_ ULONGLONG Deadline)
{
    LARGE_INTEGER Timeout;
    NTSTATUS Status;

    for (;;)
    {
        PVOID Object = &Waiter->Event;

        if (Timed)
        {
            if (!LxTimeLeft(Deadline, &Timeout))
                return STATUS_TIMEOUT;
        }
        Status = LxWaitInterruptible(1, &Object, Timed ? &Timeout : NULL);
        if (Status != STATUS_TIMEOUT)
            return Status;
    }
}

/* Takes Waiter off the queue (if a waker has not) and frees it; TRUE if it was woken. */
static
BOOLEAN
LxFutexUnqueue(
    _In_ PLX_THREAD Thread,
    _In_ PLX_FUTEX_WAITER Waiter)
{
    BOOLEAN Woken;

    ExAcquireFastMutex(&LxFutexLock);
    Woken = Waiter->Woken;
    if (!Woken)
        RemoveEntryList(&Waiter->Link);
    Thread->FutexWaiter = NULL;
    ExReleaseFastMutex(&LxFutexLock);
    LxFreeFutexWaiter(Waiter);
    return Woken;
}

static
LONG
LxFutexWait(
    _In_ PLX_PROCESS Process,
    _In_ ULONG_PTR Address,
    _In_ ULONG Value,
    _In_opt_ PLONGLONG Interval,
    _In_ ULONG Bitset)
{
    PLX_THREAD Thread = LxCurrentThread();
    PLX_FUTEX_WAITER Waiter;
    ULONGLONG Deadline = 0;
    NTSTATUS Status;
    ULONG Current;
    LONG Result;

    Waiter = LxNewFutexWaiter(Process, Address, Bitset, FALSE, 0);
    if (Waiter == NULL)
        return -LX_ENOMEM;

    ExAcquireFastMutex(&LxFutexLock);
    /* the value check and the enqueue are atomic with respect to wakers */
    Result = LxCopyFromUser(&Current, Address, sizeof(Current));
    if (Result == 0 && Current != Value)
        Result = -LX_EAGAIN;
    if (Result < 0)
    {
        ExReleaseFastMutex(&LxFutexLock);
        LxFreeFutexWaiter(Waiter);
        return Result;
    }
    InsertTailList(&LxFutexWaiters, &Waiter->Link);
    Thread->FutexWaiter = Waiter;
    ExReleaseFastMutex(&LxFutexLock);

    if (Interval != NULL)
        Deadline = LxMonotonicTime() + (ULONGLONG)(-*Interval);
    Status = LxFutexBlock(Waiter, Interval != NULL, Deadline);
    if (LxFutexUnqueue(Thread, Waiter))
        return 0;
    if (Status == STATUS_ALERTED)
        return LxInterruptedCall(Interval == NULL);   /* a timed wait is not restarted */
    return -LX_ETIMEDOUT;
}

/* Wakes up to Count waiters of Address and moves up to Requeue others to Address2. */
static
LONG
LxFutexRequeue(
    _In_ PLX_PROCESS Process,
    _In_ ULONG_PTR Address,
    _In_ ULONG_PTR Address2,
    _In_ ULONG Count,
    _In_ ULONG Requeue,
    _In_ BOOLEAN Compare,
    _In_ ULONG Expected)
{
    PLIST_ENTRY Entry, Next;
    ULONG Current;
    LONG Done = 0, Moved = 0, Result;
    PVOID Key, Key2;
    ULONG_PTR Where, Where2;

    LxMmFutexKey(Process, Address, &Key, &Where);
    LxMmFutexKey(Process, Address2, &Key2, &Where2);
    ExAcquireFastMutex(&LxFutexLock);
    if (Compare)
    {
        Result = LxCopyFromUser(&Current, Address, sizeof(Current));
        if (Result == 0 && Current != Expected)
            Result = -LX_EAGAIN;
        if (Result < 0)
        {
            ExReleaseFastMutex(&LxFutexLock);
            return Result;
        }
    }
    for (Entry = LxFutexWaiters.Flink; Entry != &LxFutexWaiters; Entry = Next)
    {
        PLX_FUTEX_WAITER Waiter = CONTAINING_RECORD(Entry, LX_FUTEX_WAITER, Link);

        Next = Entry->Flink;
        if (Waiter->Key != Key || Waiter->Address != Where || Waiter->Pi)
            continue;
        if ((ULONG)Done < Count)
        {
            RemoveEntryList(&Waiter->Link);
            Waiter->Woken = TRUE;
            KeSetEvent(&Waiter->Event, IO_NO_INCREMENT, FALSE);
            Done++;
        }
        else if ((ULONG)Moved < Requeue)
        {
            Waiter->Key = Key2;
            Waiter->Address = Where2;
            Moved++;
        }
        else
        {
            break;
        }
    }
    ExReleaseFastMutex(&LxFutexLock);
    return Done + Moved;
}

/* ---- priority-inheritance futexes (FUTEX_LOCK_PI/UNLOCK_PI/TRYLOCK_PI) ----
 * The word holds the owner's tid (LX_FUTEX_TID_MASK), LX_FUTEX_WAITERS while threads wait in
 * the kernel, LX_FUTEX_OWNER_DIED after an owner died holding it (robust lists). Waiters queue
 * in arrival order; FUTEX_UNLOCK_PI hands the lock to the first one, which returns owning it.
 * Partial: no priority boosting (the NT scheduler is left alone), and the PI locks a thread
 * still holds when it dies are released only through its robust list. */

/* The first PI waiter of Address (under LxFutexLock), or NULL. */
static
PLX_FUTEX_WAITER
LxFirstPiWaiter(
    _In_ PLX_PROCESS Process,
    _In_ ULONG_PTR Address)
{
    PLIST_ENTRY Entry;

    for (Entry = LxFutexWaiters.Flink; Entry != &LxFutexWaiters; Entry = Entry->Flink)
    {
        PLX_FUTEX_WAITER Waiter = CONTAINING_RECORD(Entry, LX_FUTEX_WAITER, Link);

        if (Waiter->Pi && Waiter->Key == (PVOID)Process && Waiter->Address == Address)
            return Waiter;
    }
    return NULL;
}

/* Hands the lock at Address, held as Value, to its first PI waiter with the bits in Extra
 * (under LxFutexLock). FALSE when there is none, or the word changed meanwhile (*Result 0),
 * or it cannot be written (*Result -EFAULT). */
static
BOOLEAN
LxHandOverPi(
    _In_ PLX_PROCESS Process,
    _In_ ULONG_PTR Address,
    _In_ ULONG Value,
    _In_ ULONG Extra,
    _Out_ PLONG Result)
{
    PLX_FUTEX_WAITER Waiter = LxFirstPiWaiter(Process, Address);
    ULONG Old;

    *Result = 0;
    if (Waiter == NULL)
        return FALSE;
    *Result = LxCompareExchangeUser(Address, Value, Waiter->Tid | LX_FUTEX_WAITERS | Extra, &Old);
    if (*Result < 0 || Old != Value)
        return FALSE;
    RemoveEntryList(&Waiter->Link);
    Waiter->Woken = TRUE;
    KeSetEvent(&Waiter->Event, IO_NO_INCREMENT, FALSE);
    return TRUE;
}

static
LONG
LxFutexLockPi(
    _In_ PLX_PROCESS Process,
    _In_ ULONG_PTR Address,
    _In_ BOOLEAN Try,
    _In_opt_ PLONGLONG Interval)
{
    PLX_THREAD Thread = LxCurrentThread();
    PLX_FUTEX_WAITER Waiter;
    ULONGLONG Deadline = 0;
    NTSTATUS Status;
    ULONG Value, Old;
    LONG Result;

    if (Interval != NULL)
        Deadline = LxMonotonicTime() + (ULONGLONG)(-*Interval);
    for (;;)
    {
        ExAcquireFastMutex(&LxFutexLock);
        Result = LxCopyFromUser(&Value, Address, sizeof(Value));
        if (Result < 0)
            break;
        if ((Value & LX_FUTEX_TID_MASK) == 0)
        {
            /* free (or its owner died): ours, keeping OWNER_DIED for the C library */
            ULONG New = (Value & LX_FUTEX_OWNER_DIED) | Thread->Tid |
                        (LxFirstPiWaiter(Process, Address) ? LX_FUTEX_WAITERS : 0);
            Result = LxCompareExchangeUser(Address, Value, New, &Old);
            if (Result < 0 || Old == Value)
                break;
            ExReleaseFastMutex(&LxFutexLock);
            continue;
        }
        if ((Value & LX_FUTEX_TID_MASK) == Thread->Tid)
        {
            Result = -LX_EDEADLK;
            break;
        }
        if (Try)
        {
            Result = -LX_EAGAIN;
            break;
        }
        if (!(Value & LX_FUTEX_WAITERS))
        {
            /* the owner must come to UNLOCK_PI */
            Result = LxCompareExchangeUser(Address, Value, Value | LX_FUTEX_WAITERS, &Old);
            if (Result < 0)
                break;
            ExReleaseFastMutex(&LxFutexLock);
            continue;
        }
        Waiter = LxNewFutexWaiter(Process, Address, MAXULONG, TRUE, Thread->Tid);
        if (Waiter == NULL)
        {
            Result = -LX_ENOMEM;
            break;
        }
        InsertTailList(&LxFutexWaiters, &Waiter->Link);
        Thread->FutexWaiter = Waiter;
        ExReleaseFastMutex(&LxFutexLock);

        Status = LxFutexBlock(Waiter, Interval != NULL, Deadline);
        if (LxFutexUnqueue(Thread, Waiter))
            return 0;   /* the unlocker made us the owner */
        if (Status == STATUS_ALERTED)
            return LxInterruptedCall(TRUE);     /* FUTEX_LOCK_PI restarts */
        return -LX_ETIMEDOUT;
    }
    ExReleaseFastMutex(&LxFutexLock);
    return Result;
}

static
LONG
LxFutexUnlockPi(
    _In_ PLX_PROCESS Process,
    _In_ ULONG_PTR Address)
{
    ULONG Tid = LxCurrentThread()->Tid;
    ULONG Value, Old;
    LONG Result;

    ExAcquireFastMutex(&LxFutexLock);
    for (;;)
    {
        Result = LxCopyFromUser(&Value, Address, sizeof(Value));
        if (Result < 0)
            break;
        if ((Value & LX_FUTEX_TID_MASK) != Tid)
        {
            Result = -LX_EPERM;
            break;
        }
        if (LxHandOverPi(Process, Address, Value, 0, &Result) || Result < 0)
            break;
        if (LxFirstPiWaiter(Process, Address) != NULL)
            continue;   /* the word changed under us: read it again */
        Result = LxCompareExchangeUser(Address, Value, 0, &Old);
        if (Result < 0 || Old == Value)
            break;
    }
    ExReleaseFastMutex(&LxFutexLock);
    return Result;
}

/* ---- robust lists: the locks a dying thread holds (set_robust_list) ---- */

/* Linux's handle_futex_death: a lock word still naming Tid gets OWNER_DIED, and one waiter is
 * woken (a PI lock goes to its first waiter). A pending lock operation with a free word wakes
 * a waiter too. */
static
VOID
LxFutexDeath(
    _In_ PLX_PROCESS Process,
    _In_ ULONG_PTR Address,
    _In_ ULONG Tid,
    _In_ BOOLEAN Pi,
    _In_ BOOLEAN PendingOp)
{
    ULONG Value, Old;
    LONG Result;
    ULONG Tries;

    if (Address & 3)
        return;
    for (Tries = 0; Tries < 16; Tries++)
    {
        if (LxCopyFromUser(&Value, Address, sizeof(Value)) < 0)
            return;
        if (PendingOp && !Pi && Value == 0)
        {
            LxFutexWake(Process, Address, 1, MAXULONG);
            return;
        }
        if ((Value & LX_FUTEX_TID_MASK) != Tid)
            return;
        if (Pi)
        {
            BOOLEAN Handed;

            ExAcquireFastMutex(&LxFutexLock);
            Handed = LxHandOverPi(Process, Address, Value, LX_FUTEX_OWNER_DIED, &Result);
            ExReleaseFastMutex(&LxFutexLock);
            if (Handed || Result < 0)
                return;
        }
        Result = LxCompareExchangeUser(Address, Value,
                                       (Value & LX_FUTEX_WAITERS) | LX_FUTEX_OWNER_DIED, &Old);
        if (Result < 0)
            return;
        if (Old == Value)
        {
            if (!Pi && (Value & LX_FUTEX_WAITERS))
                LxFutexWake(Process, Address, 1, MAXULONG);
            return;
        }
    }
}

/* Walks the robust list of the exiting (calling) thread, as Linux's exit_robust_list: struct
 * robust_list_head { next; futex_offset; list_op_pending } on i386, bit 0 of an entry marking
 * a PI lock, at most LX_ROBUST_LIST_LIMIT entries. */
VOID
LxFutexRobustExit(
    _In_ PLX_THREAD Thread)
{
    ULONG Head[3], Entry, Next, Pending;
    LONG Offset;
    ULONG Limit = LX_ROBUST_LIST_LIMIT;

    if (Thread->RobustList == 0 ||
        LxCopyFromUser(Head, Thread->RobustList, sizeof(Head)) < 0)
        return;
    Offset = (LONG)Head[1];
    Pending = Head[2];
    Entry = Head[0];
    while ((Entry & ~1u) != Thread->RobustList && Limit-- != 0)
    {
        if (LxCopyFromUser(&Next, Entry & ~1u, sizeof(Next)) < 0)
            break;
        if (Entry != Pending)
            LxFutexDeath(Thread->Process, (Entry & ~1u) + Offset, Thread->Tid, Entry & 1, FALSE);
        Entry = Next;
    }
    if (Pending != 0)
        LxFutexDeath(Thread->Process, (Pending & ~1u) + Offset, Thread->Tid, Pending & 1, TRUE);
}

LONG
LxFutexOperation(
    _In_ ULONG_PTR Uaddr,
    _In_ LONG Op,
    _In_ ULONG Val,
    _In_ BOOLEAN HaveTimeout,
    _In_ LONGLONG Sec,
    _In_ LONGLONG Nsec,
    _In_ ULONG_PTR Utime,
    _In_ ULONG_PTR Uaddr2,
    _In_ ULONG Val3)
{
    PLX_PROCESS Process = LxCurrentProcess();
    LONG Command = Op & LX_FUTEX_CMD_MASK;
    LONG Clock = (Op & LX_FUTEX_CLOCK_REALTIME) ? 0 /* REALTIME */ : 1 /* MONOTONIC */;
    LONGLONG Interval;
    LONG Result;

    /* private and shared futexes are the same thing here: one process per address space */
    if (Uaddr & 3)
        return -LX_EINVAL;
    if ((Op & LX_FUTEX_CLOCK_REALTIME) && Command != LX_FUTEX_WAIT_BITSET &&
        Command != LX_FUTEX_WAIT && Command != LX_FUTEX_LOCK_PI)
        return -LX_ENOSYS;

    switch (Command)
    {
        case LX_FUTEX_WAIT:
        case LX_FUTEX_WAIT_BITSET:
        {
            ULONG Bitset = (Command == LX_FUTEX_WAIT) ? MAXULONG : Val3;

            if (Bitset == 0)
                return -LX_EINVAL;
            if (HaveTimeout)
            {
                Result = LxFutexTimeout(Sec, Nsec, Command == LX_FUTEX_WAIT_BITSET, Clock,
                                        &Interval);
                if (Result < 0)
                    return Result;
            }
            return LxFutexWait(Process, Uaddr, Val, HaveTimeout ? &Interval : NULL, Bitset);
        }

        case LX_FUTEX_WAKE:
            return LxFutexWake(Process, Uaddr, Val, MAXULONG);

        case LX_FUTEX_WAKE_BITSET:
            if (Val3 == 0)
                return -LX_EINVAL;
            return LxFutexWake(Process, Uaddr, Val, Val3);

        case LX_FUTEX_REQUEUE:
        case LX_FUTEX_CMP_REQUEUE:
            if (Uaddr2 & 3)
                return -LX_EINVAL;
            /* the fourth argument is a count here, not a timeout */
            return LxFutexRequeue(Process, Uaddr, Uaddr2, Val, (ULONG)Utime,
                                  Command == LX_FUTEX_CMP_REQUEUE, Val3);

        case LX_FUTEX_LOCK_PI:
        case LX_FUTEX_TRYLOCK_PI:
            if (HaveTimeout && Command == LX_FUTEX_LOCK_PI)
            {
                /* an absolute CLOCK_REALTIME time, whatever the flags say */
                Result = LxFutexTimeout(Sec, Nsec, TRUE, 0, &Interval);
                if (Result < 0)
                    return Result;
            }
            return LxFutexLockPi(Process, Uaddr, Command == LX_FUTEX_TRYLOCK_PI,
                                 HaveTimeout && Command == LX_FUTEX_LOCK_PI ? &Interval : NULL);

        case LX_FUTEX_UNLOCK_PI:
            return LxFutexUnlockPi(Process, Uaddr);

        default:
            /* FUTEX_WAKE_OP, FUTEX_WAIT_REQUEUE_PI, FUTEX_LOCK_PI2: not implemented */
            return -LX_ENOSYS;
    }
}

BOOLEAN
LxFutexUsesTimeout(
    _In_ LONG Op)
{
    LONG Command = Op & LX_FUTEX_CMD_MASK;
    return Command == LX_FUTEX_WAIT || Command == LX_FUTEX_WAIT_BITSET ||
           Command == LX_FUTEX_LOCK_PI;
}

