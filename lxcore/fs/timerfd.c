/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     timerfd: a timer read as the number of its expirations
 *
 * Expirations are counted from the clock, not from wakes: with the first expiry First and the
 * interval Interval (CLOCK_MONOTONIC, 100 ns units), by time t the timer has expired
 * 1 + (t - First) / Interval times (once for a one-shot), and a read takes what has come
 * since the last one. A KTIMER whose DPC wakes the wait queue at each expiry serves the
 * blocking reads and the pollers. CLOCK_REALTIME times are turned into CLOCK_MONOTONIC ones
 * when the timer is set (a later change of the real-time clock does not move the timer).
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

#define LX_TFD_TIMER_ABSTIME        1
#define LX_TFD_TIMER_CANCEL_ON_SET  2
#define LX_CLOCK_REALTIME_ALARM     8
#define LX_CLOCK_BOOTTIME_ALARM     9
#define LX_TIMERFD_MIN_TICK         10000   /* the DPC re-arms at most every 1 ms */

typedef struct _LX_TIMERFD
{
    KSPIN_LOCK Lock;                /* the fields below; the DPC takes it */
    LONG Clock;
    BOOLEAN Armed;
    ULONGLONG First;                /* CLOCK_MONOTONIC of the first expiry */
    ULONGLONG Interval;             /* 0: one-shot */
    ULONGLONG Consumed;             /* expirations already read */
    KTIMER Timer;
    KDPC Dpc;
    LX_WAIT_QUEUE Wait;
} LX_TIMERFD, *PLX_TIMERFD;

/* Expirations by Now (lock held) */
static
ULONGLONG
LxTimerfdTicks(
    _In_ PLX_TIMERFD Tfd,
    _In_ ULONGLONG Now)
{
    if (!Tfd->Armed || Now < Tfd->First)
        return 0;
    return Tfd->Interval == 0 ? 1 : 1 + (Now - Tfd->First) / Tfd->Interval;
}

/* The next expiry after Now, or 0 when none comes (lock held) */
static
ULONGLONG
LxTimerfdNext(
    _In_ PLX_TIMERFD Tfd,
    _In_ ULONGLONG Now)
{
    if (!Tfd->Armed)
        return 0;
    if (Now < Tfd->First)
        return Tfd->First;
    if (Tfd->Interval == 0)
        return 0;
    return Tfd->First + LxTimerfdTicks(Tfd, Now) * Tfd->Interval;
}

/* Sets the KTIMER for the next expiry (lock held) */
static
VOID
LxTimerfdArm(
    _In_ PLX_TIMERFD Tfd,
    _In_ ULONGLONG Now)
{
    ULONGLONG Next = LxTimerfdNext(Tfd, Now);
    LARGE_INTEGER Due;

    if (Next == 0)
    {
        KeCancelTimer(&Tfd->Timer);
        return;
    }
    Due.QuadPart = -(LONGLONG)max(Next - Now, LX_TIMERFD_MIN_TICK);
    KeSetTimer(&Tfd->Timer, Due, &Tfd->Dpc);
}

static
VOID
NTAPI
LxTimerfdDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID Context,
    _In_opt_ PVOID Argument1,
    _In_opt_ PVOID Argument2)
{
    PLX_TIMERFD Tfd = Context;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Argument1);
    UNREFERENCED_PARAMETER(Argument2);
    KeAcquireSpinLockAtDpcLevel(&Tfd->Lock);
    LxTimerfdArm(Tfd, LxMonotonicTime());
    KeReleaseSpinLockFromDpcLevel(&Tfd->Lock);
    LxWakeWaitQueue(&Tfd->Wait, LX_POLLIN | LX_POLLRDNORM);
}

static
LONG
LxTimerfdRead(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    PLX_TIMERFD Tfd = File->Private;
    ULONGLONG Value;
    LONG Result;
    KIRQL Irql;

    UNREFERENCED_PARAMETER(Position);
    if (Count < sizeof(Value))
        return -LX_EINVAL;
    for (;;)
    {
        LX_WAITER Waiter;
        PVOID Object = &Waiter.Event;
        NTSTATUS Status;

        KeAcquireSpinLock(&Tfd->Lock, &Irql);
        Value = LxTimerfdTicks(Tfd, LxMonotonicTime()) - Tfd->Consumed;
        if (Value != 0)
        {
            Tfd->Consumed += Value;
            KeReleaseSpinLock(&Tfd->Lock, Irql);
            break;
        }
        if (File->StatusFlags & LX_O_NONBLOCK)
        {
            KeReleaseSpinLock(&Tfd->Lock, Irql);
            return -LX_EAGAIN;
        }
        LxPrepareWait(&Waiter, &Tfd->Wait);
        KeReleaseSpinLock(&Tfd->Lock, Irql);
        Status = LxWaitInterruptible(1, &Object, NULL);
        LxFinishWait(&Waiter);
        if (Status == STATUS_ALERTED)
            return LxInterruptedCall(TRUE);
    }
    Result = LxCopyToUser(Buffer, &Value, sizeof(Value));
    return Result < 0 ? Result : (LONG)sizeof(Value);
}

static
ULONG
LxTimerfdPoll(
    _In_ PLX_FILE File,
    _In_opt_ PLX_POLL_TABLE Table)
{
    PLX_TIMERFD Tfd = File->Private;
    ULONG Ready;
    KIRQL Irql;

    if (Table != NULL)
        LxPollWait(Table, &Tfd->Wait);
    KeAcquireSpinLock(&Tfd->Lock, &Irql);
    Ready = LxTimerfdTicks(Tfd, LxMonotonicTime()) != Tfd->Consumed ?
            LX_POLLIN | LX_POLLRDNORM : 0;
    KeReleaseSpinLock(&Tfd->Lock, Irql);
    return Ready;
}

static
VOID
LxTimerfdRelease(
    _In_ PLX_FILE File)
{
    PLX_TIMERFD Tfd = File->Private;

    KeCancelTimer(&Tfd->Timer);
    KeFlushQueuedDpcs();    /* no DPC of this timer runs after the memory goes */
}

static const LX_FILE_OPERATIONS LxTimerfdOperations =
{
    .Kind = "timerfd",
    .Read = LxTimerfdRead,
    .Seek = LxNoSeek,
    .Poll = LxTimerfdPoll,
    .Stat = LxAnonInodeStat,
    .Statfs = LxAnonInodeStatfs,
    .Release = LxTimerfdRelease,
};

BOOLEAN
LxFileIsTimerfd(
    _In_ PLX_FILE File)
{
    return File->Ops == &LxTimerfdOperations;
}

/* A new timerfd on Clock (CLOCK_REALTIME, _MONOTONIC, _BOOTTIME and their _ALARM forms) */
LONG
LxCreateTimerfd(
    _In_ LONG Clock,
    _In_ ULONG StatusFlags,
    _Out_ PLX_FILE *File)
{
    PLX_TIMERFD Tfd;

    if (Clock == LX_CLOCK_REALTIME_ALARM)
        Clock = LX_CLOCK_REALTIME;
    else if (Clock == LX_CLOCK_BOOTTIME_ALARM)
        Clock = LX_CLOCK_BOOTTIME;
    if (Clock != LX_CLOCK_REALTIME && Clock != LX_CLOCK_MONOTONIC && Clock != LX_CLOCK_BOOTTIME)
        return -LX_EINVAL;
    *File = LxAllocateFile(&LxTimerfdOperations, LX_O_RDWR | (StatusFlags & LX_O_NONBLOCK), 0,
                           sizeof(LX_TIMERFD));
    if (*File == NULL)
        return LxNoFile();
    Tfd = (*File)->Private;
    KeInitializeSpinLock(&Tfd->Lock);
    Tfd->Clock = Clock;
    KeInitializeTimer(&Tfd->Timer);
    KeInitializeDpc(&Tfd->Dpc, LxTimerfdDpc, Tfd);
    LxInitializeWaitQueue(&Tfd->Wait);
    return 0;
}

/* Value and interval now (100 ns; value 0: disarmed), lock held */
static
VOID
LxTimerfdCurrent(
    _In_ PLX_TIMERFD Tfd,
    _In_ ULONGLONG Now,
    _Out_ PULONGLONG Value,
    _Out_ PULONGLONG Interval)
{
    ULONGLONG Next = LxTimerfdNext(Tfd, Now);

    *Value = Next == 0 ? 0 : Next - Now;
    *Interval = Tfd->Armed ? Tfd->Interval : 0;
}

/* timerfd_gettime: value (time left) and interval, 100 ns units */
VOID
LxTimerfdGet(
    _In_ PLX_FILE File,
    _Out_ PULONGLONG Value,
    _Out_ PULONGLONG Interval)
{
    PLX_TIMERFD Tfd = File->Private;
    KIRQL Irql;

    KeAcquireSpinLock(&Tfd->Lock, &Irql);
    LxTimerfdCurrent(Tfd, LxMonotonicTime(), Value, Interval);
    KeReleaseSpinLock(&Tfd->Lock, Irql);
}

/*
 * timerfd_settime: Value (0: disarm) relative, or with TFD_TIMER_ABSTIME the clock's absolute
 * time, both 100 ns units; Interval 0 for a one-shot. The old value and interval come back.
 */
LONG
LxTimerfdSet(
    _In_ PLX_FILE File,
    _In_ ULONG Flags,
    _In_ ULONGLONG Value,
    _In_ ULONGLONG Interval,
    _Out_ PULONGLONG OldValue,
    _Out_ PULONGLONG OldInterval)
{
    PLX_TIMERFD Tfd = File->Private;
    ULONGLONG Now = LxMonotonicTime(), First = 0;
    KIRQL Irql;

    if (Flags & ~(LX_TFD_TIMER_ABSTIME | LX_TFD_TIMER_CANCEL_ON_SET))
        return -LX_EINVAL;
    if (Value != 0)
    {
        if (!(Flags & LX_TFD_TIMER_ABSTIME))
        {
            First = Now + Value;
        }
        else if (Tfd->Clock == LX_CLOCK_REALTIME)
        {
            LARGE_INTEGER Real;
            ULONGLONG Target = Value + 116444736000000000ULL;   /* 1601 -> 1970 */

            KeQuerySystemTime(&Real);
            First = Target > (ULONGLONG)Real.QuadPart ?
                    Now + (Target - (ULONGLONG)Real.QuadPart) : Now;
        }
        else
        {
            First = Value;      /* CLOCK_MONOTONIC and CLOCK_BOOTTIME are LxMonotonicTime */
        }
    }

    KeAcquireSpinLock(&Tfd->Lock, &Irql);
    LxTimerfdCurrent(Tfd, Now, OldValue, OldInterval);
    Tfd->Armed = Value != 0;
    Tfd->First = max(First, 1);
    Tfd->Interval = Interval;
    Tfd->Consumed = 0;
    LxTimerfdArm(Tfd, Now);
    KeReleaseSpinLock(&Tfd->Lock, Irql);
    /* an absolute time already past is an expiry now */
    LxWakeWaitQueue(&Tfd->Wait, LX_POLLIN | LX_POLLRDNORM);
    return 0;
}
