/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: clocks, time of day, sleeping
 */

#include "lxsys.h"

#define NDEBUG
#include <debug.h>

#define LX_TIMER_ABSTIME            1

static
LONG
LxClockResolution(
    _In_ LONG Clock,
    _Out_ lx_timespec64 *Ts)
{
    lx_timespec64 Dummy;
    LONG Result = LxReadClock(Clock, &Dummy);

    if (Result < 0)
        return Result;
    Ts->sec = 0;
    if (Clock == LX_CLOCK_MONOTONIC || Clock == LX_CLOCK_MONOTONIC_RAW ||
        Clock == LX_CLOCK_BOOTTIME)
    {
        LARGE_INTEGER Frequency;

        KeQueryPerformanceCounter(&Frequency);
        Ts->nsec = Frequency.QuadPart >= 1000000000 ? 1 :
                   (int32_t)((1000000000 + Frequency.QuadPart - 1) / Frequency.QuadPart);
    }
    else
    {
        Ts->nsec = (int32_t)(KeQueryTimeIncrement() * 100);
    }
    return 0;
}

static
LONG
LxClockGettime(
    _In_ LX_CLOCKID WhichClock,
    _In_ ULONG_PTR Tp,
    _In_ BOOLEAN Time64)
{
    lx_timespec64 Ts;
    LONG Result = LxReadClock(WhichClock, &Ts);

    return Result < 0 ? Result : LxPutUserTimespec(Tp, Time64, &Ts);
}

static
LONG
LxClockGetres(
    _In_ LX_CLOCKID WhichClock,
    _In_ ULONG_PTR Tp,
    _In_ BOOLEAN Time64)
{
    lx_timespec64 Ts;
    LONG Result = LxClockResolution(WhichClock, &Ts);

    if (Result < 0 || Tp == 0)
        return Result;
    return LxPutUserTimespec(Tp, Time64, &Ts);
}

LONG
NTAPI
LxSysClockGettime(
    LX_CLOCKID WhichClock,
    LX_OLD_TIMESPEC32 *Tp)
{
    return LxClockGettime(WhichClock, (ULONG_PTR)Tp, FALSE);
}

LONG
NTAPI
LxSysClockGettime64(
    LX_CLOCKID WhichClock,
    LX_KERNEL_TIMESPEC *Tp)
{
    return LxClockGettime(WhichClock, (ULONG_PTR)Tp, TRUE);
}

LONG
NTAPI
LxSysClockGetres(
    LX_CLOCKID WhichClock,
    LX_OLD_TIMESPEC32 *Tp)
{
    return LxClockGetres(WhichClock, (ULONG_PTR)Tp, FALSE);
}

LONG
NTAPI
LxSysClockGetresTime64(
    LX_CLOCKID WhichClock,
    LX_KERNEL_TIMESPEC *Tp)
{
    return LxClockGetres(WhichClock, (ULONG_PTR)Tp, TRUE);
}

LONG
NTAPI
LxSysGettimeofday(
    LX_KERNEL_OLD_TIMEVAL *Tv,
    LX_TIMEZONE *Tz)
{
    lx_timespec64 Ts;
    LONG Result;

    if (Tv != NULL)
    {
        struct _LX_KERNEL_OLD_TIMEVAL Value;

        LxReadClock(LX_CLOCK_REALTIME, &Ts);
        Value.TvSec = (LONG)Ts.sec;
        Value.TvUsec = Ts.nsec / 1000;
        Result = LxCopyToUser((ULONG_PTR)Tv, &Value, sizeof(Value));
        if (Result < 0)
            return Result;
    }
    if (Tz != NULL)
    {
        struct _LX_TIMEZONE Zone = { 0, 0 };

        Result = LxCopyToUser((ULONG_PTR)Tz, &Zone, sizeof(Zone));
        if (Result < 0)
            return Result;
    }
    return 0;
}

LONG
NTAPI
LxSysTime(
    LX_OLD_TIME32 *Tloc)
{
    lx_timespec64 Ts;
    LONG Seconds, Result;

    LxReadClock(LX_CLOCK_REALTIME, &Ts);
    Seconds = (LONG)Ts.sec;
    if (Tloc != NULL)
    {
        Result = LxCopyToUser((ULONG_PTR)Tloc, &Seconds, sizeof(Seconds));
        if (Result < 0)
            return Result;
    }
    return Seconds;
}

/*
 * Sleeps on Clock until Sec/Nsec (absolute with TIMER_ABSTIME, else relative). The deadline
 * is kept in the clock's own terms and re-checked after every wait, so the sleep is never
 * shorter than asked when the NT timer (interrupt time) and the clock disagree slightly.
 * A signal the thread handles ends it: the remaining time of a relative sleep goes to
 * *Remaining (when given) and the handler runs (-EINTR).
 */
static
LONG
LxNanosleep(
    _In_ LONG Clock,
    _In_ LONG Flags,
    _In_ LONGLONG Sec,
    _In_ LONGLONG Nsec,
    _Out_opt_ lx_timespec64 *Remaining,
    _Out_opt_ PBOOLEAN Interrupted)
{
    lx_timespec64 Now;
    LONGLONG DeadlineNs, LeftNs;

    if (Interrupted != NULL)
        *Interrupted = FALSE;
    if (Clock != LX_CLOCK_REALTIME && Clock != LX_CLOCK_MONOTONIC &&
        Clock != LX_CLOCK_BOOTTIME)
        return Clock == LX_CLOCK_THREAD_CPUTIME_ID ? -LX_EINVAL : -LX_EOPNOTSUPP;
    if (Flags & ~LX_TIMER_ABSTIME)
        return -LX_EINVAL;
    if (Nsec < 0 || Nsec >= 1000000000 || Sec < 0)
        return -LX_EINVAL;
    if (Sec > 0x7FFFFFFFLL * 4)
        Sec = 0x7FFFFFFFLL * 4;     /* ~270 years: forever enough, no overflow */

    /* a relative sleep is elapsed time whatever the clock (Linux: CLOCK_REALTIME is
     * CLOCK_MONOTONIC plus an offset): measured on CLOCK_MONOTONIC, which programs time it
     * with; CLOCK_REALTIME follows the interrupt time, which drifts from it on the APIC HAL
     * (glibc's nanosleep is clock_nanosleep(CLOCK_REALTIME, 0): it slept 48.3 of 50 ms) */
    if (!(Flags & LX_TIMER_ABSTIME))
        Clock = LX_CLOCK_MONOTONIC;
    LxReadClock(Clock, &Now);
    DeadlineNs = Sec * 1000000000LL + Nsec;
    if (!(Flags & LX_TIMER_ABSTIME))
        DeadlineNs += Now.sec * 1000000000LL + Now.nsec;

    for (;;)
    {
        LARGE_INTEGER Wait;

        LxReadClock(Clock, &Now);
        LeftNs = DeadlineNs - (Now.sec * 1000000000LL + Now.nsec);
        if (LeftNs <= 0)
            return 0;
        /* round up to the next 100 ns unit */
        Wait.QuadPart = -((LeftNs + 99) / 100);
        if (LxSleepInterruptible(&Wait) == STATUS_ALERTED)
            break;
    }

    if (Remaining != NULL)
    {
        LxReadClock(Clock, &Now);
        LeftNs = DeadlineNs - (Now.sec * 1000000000LL + Now.nsec);
        if (LeftNs < 0)
            LeftNs = 0;
        Remaining->sec = LeftNs / 1000000000LL;
        Remaining->nsec = (int32_t)(LeftNs % 1000000000LL);
    }
    if (Interrupted != NULL)
        *Interrupted = TRUE;
    return -LX_EINTR;
}

/* nanosleep / clock_nanosleep: after an interrupted sleep, the remaining time for a relative
 * one, then the handler */
static
LONG
LxSleep(
    _In_ LX_CLOCKID WhichClock,
    _In_ LONG Flags,
    _In_ ULONG_PTR Rqtp,
    _In_ ULONG_PTR Rmtp,
    _In_ BOOLEAN Time64)
{
    lx_timespec64 Request, Remaining;
    BOOLEAN Interrupted;
    LONG Result;

    Result = LxGetUserTimespec(Rqtp, Time64, &Request);
    if (Result < 0)
        return Result;
    Result = LxNanosleep(WhichClock, Flags, Request.sec, Request.nsec, &Remaining, &Interrupted);
    if (!Interrupted)
        return Result;
    if (Rmtp != 0 && !(Flags & LX_TIMER_ABSTIME))
    {
        if (LxPutUserTimespec(Rmtp, Time64, &Remaining) < 0)
            return -LX_EFAULT;
    }
    return LxInterruptedCall(FALSE);
}

LONG
NTAPI
LxSysNanosleep(
    LX_OLD_TIMESPEC32 *Rqtp,
    LX_OLD_TIMESPEC32 *Rmtp)
{
    return LxSleep(LX_CLOCK_MONOTONIC, 0, (ULONG_PTR)Rqtp, (ULONG_PTR)Rmtp, FALSE);
}

LONG
NTAPI
LxSysClockNanosleep(
    LX_CLOCKID WhichClock,
    LONG Flags,
    LX_OLD_TIMESPEC32 *Rqtp,
    LX_OLD_TIMESPEC32 *Rmtp)
{
    return LxSleep(WhichClock, Flags, (ULONG_PTR)Rqtp, (ULONG_PTR)Rmtp, FALSE);
}

LONG
NTAPI
LxSysClockNanosleepTime64(
    LX_CLOCKID WhichClock,
    LONG Flags,
    const LX_KERNEL_TIMESPEC *Rqtp,
    LX_KERNEL_TIMESPEC *Rmtp)
{
    return LxSleep(WhichClock, Flags, (ULONG_PTR)Rqtp, (ULONG_PTR)Rmtp, TRUE);
}

/* setitimer / getitimer / alarm: ITIMER_REAL only (SIGALRM from a kernel timer) */
#define LX_ITIMER_REAL      0
#define LX_ITIMER_VIRTUAL   1
#define LX_ITIMER_PROF      2

struct _LX_KERNEL_OLD_ITIMERVAL
{
    struct _LX_KERNEL_OLD_TIMEVAL ItInterval;
    struct _LX_KERNEL_OLD_TIMEVAL ItValue;
};

static
VOID
LxGetRealTimer(
    _In_ PLX_PROCESS Process,
    _Out_ struct _LX_KERNEL_OLD_ITIMERVAL *Value)
{
    ULONGLONG Now = KeQueryInterruptTime(), Left = 0;

    if (Process->RealTimerArmed && Process->RealTimerDue > Now)
        Left = (Process->RealTimerDue - Now + 9) / 10;     /* microseconds, rounded up */
    else if (Process->RealTimerArmed)
        Left = 1;
    Value->ItValue.TvSec = (LONG)(Left / 1000000);
    Value->ItValue.TvUsec = (LONG)(Left % 1000000);
    Value->ItInterval.TvSec = (LONG)(Process->RealTimerIntervalUs / 1000000);
    Value->ItInterval.TvUsec = (LONG)(Process->RealTimerIntervalUs % 1000000);
}

static
LONG
LxSetRealTimer(
    _In_ PLX_PROCESS Process,
    _In_ const struct _LX_KERNEL_OLD_ITIMERVAL *Value,
    _Out_opt_ struct _LX_KERNEL_OLD_ITIMERVAL *Old)
{
    ULONGLONG ValueUs, IntervalUs;
    LARGE_INTEGER Due;
    LONG Period;

    if (Value->ItValue.TvUsec < 0 || Value->ItValue.TvUsec >= 1000000 ||
        Value->ItInterval.TvUsec < 0 || Value->ItInterval.TvUsec >= 1000000 ||
        Value->ItValue.TvSec < 0 || Value->ItInterval.TvSec < 0)
        return -LX_EINVAL;
    ValueUs = (ULONGLONG)Value->ItValue.TvSec * 1000000 + Value->ItValue.TvUsec;
    IntervalUs = (ULONGLONG)Value->ItInterval.TvSec * 1000000 + Value->ItInterval.TvUsec;
    if (IntervalUs > 0x7FFFFFFF / 1000 * 1000)
        IntervalUs = 0x7FFFFFFF / 1000 * 1000;

    if (Old != NULL)
        LxGetRealTimer(Process, Old);
    KeCancelTimer(&Process->RealTimer);
    Process->RealTimerArmed = FALSE;
    Process->RealTimerIntervalUs = 0;
    if (ValueUs == 0)
        return 0;

    Process->RealTimerIntervalUs = (ULONG)IntervalUs;
    Process->RealTimerDue = KeQueryInterruptTime() + ValueUs * 10;
    Process->RealTimerArmed = TRUE;
    Due.QuadPart = -(LONGLONG)(ValueUs * 10);
    /* KeSetTimerEx periods are milliseconds: round the interval up */
    Period = IntervalUs ? (LONG)((IntervalUs + 999) / 1000) : 0;
    KeSetTimerEx(&Process->RealTimer, Due, Period, &Process->RealTimerDpc);
    return 0;
}

LONG
NTAPI
LxSysSetitimer(
    LONG Which,
    LX_KERNEL_OLD_ITIMERVAL *Value,
    LX_KERNEL_OLD_ITIMERVAL *Ovalue)
{
    PLX_PROCESS Process = LxCurrentProcess();
    struct _LX_KERNEL_OLD_ITIMERVAL New, Old;
    LONG Result;

    if (Which != LX_ITIMER_REAL)
        return (Which == LX_ITIMER_VIRTUAL || Which == LX_ITIMER_PROF) ? -LX_ENOSYS : -LX_EINVAL;
    RtlZeroMemory(&New, sizeof(New));
    if (Value != NULL)
    {
        Result = LxCopyFromUser(&New, (ULONG_PTR)Value, sizeof(New));
        if (Result < 0)
            return Result;
    }
    Result = LxSetRealTimer(Process, &New, &Old);
    if (Result < 0)
        return Result;
    if (Ovalue != NULL)
        return LxCopyToUser((ULONG_PTR)Ovalue, &Old, sizeof(Old));
    return 0;
}

LONG
NTAPI
LxSysGetitimer(
    LONG Which,
    LX_KERNEL_OLD_ITIMERVAL *Value)
{
    struct _LX_KERNEL_OLD_ITIMERVAL Current;

    if (Which != LX_ITIMER_REAL)
        return (Which == LX_ITIMER_VIRTUAL || Which == LX_ITIMER_PROF) ? -LX_ENOSYS : -LX_EINVAL;
    LxGetRealTimer(LxCurrentProcess(), &Current);
    return LxCopyToUser((ULONG_PTR)Value, &Current, sizeof(Current));
}

LONG
NTAPI
LxSysAlarm(
    ULONG Seconds)
{
    struct _LX_KERNEL_OLD_ITIMERVAL New, Old;

    RtlZeroMemory(&New, sizeof(New));
    New.ItValue.TvSec = (LONG)min(Seconds, 0x7FFFFFFFu / 2);
    LxSetRealTimer(LxCurrentProcess(), &New, &Old);
    /* the seconds left of a previous alarm, rounded as Linux does (never 0 while pending) */
    if ((Old.ItValue.TvSec == 0 && Old.ItValue.TvUsec != 0) || Old.ItValue.TvUsec >= 500000)
        Old.ItValue.TvSec++;
    return Old.ItValue.TvSec;
}

LONG
NTAPI
LxSysTimes(
    LX_TMS *Tbuf)
{
    LX_CPU_TIMES Times;
    LONG Values[4], Result;

    LxGetCpuTimes(&Times);
    if (Tbuf != NULL)
    {
        Values[0] = (LONG)(Times.User / 100000);     /* clock ticks of 10 ms */
        Values[1] = (LONG)(Times.Kernel / 100000);
        Values[2] = Values[3] = 0;                   /* children: not accounted */
        Result = LxCopyToUser((ULONG_PTR)Tbuf, Values, sizeof(Values));
        if (Result < 0)
            return Result;
    }
    return (LONG)(KeQueryInterruptTime() / 100000);
}
