/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: clocks, time of day, sleeping
 */

#include "lxp.h"

#define NDEBUG
#include <debug.h>

#define LX_CLOCK_REALTIME           0
#define LX_CLOCK_MONOTONIC          1
#define LX_CLOCK_PROCESS_CPUTIME_ID 2
#define LX_CLOCK_THREAD_CPUTIME_ID  3
#define LX_CLOCK_MONOTONIC_RAW      4
#define LX_CLOCK_REALTIME_COARSE    5
#define LX_CLOCK_MONOTONIC_COARSE   6
#define LX_CLOCK_BOOTTIME           7
#define LX_TIMER_ABSTIME            1

/* Reads a clock as a 64-bit timespec. Returns 0 or -EINVAL for an unknown clock. */
LONG
LxReadClock(
    _In_ LONG Clock,
    _Out_ lx_timespec64 *Ts)
{
    switch (Clock)
    {
        case LX_CLOCK_REALTIME:
        case LX_CLOCK_REALTIME_COARSE:
        {
            LARGE_INTEGER Now;

            KeQuerySystemTime(&Now);
            lx_nt_time_to_timespec(Now.QuadPart, Ts);
            return 0;
        }

        case LX_CLOCK_MONOTONIC:
        case LX_CLOCK_MONOTONIC_RAW:
        case LX_CLOCK_BOOTTIME:
        {
            LARGE_INTEGER Frequency, Counter = KeQueryPerformanceCounter(&Frequency);

            if (Frequency.QuadPart <= 0)
                Frequency.QuadPart = 1;
            Ts->sec = Counter.QuadPart / Frequency.QuadPart;
            Ts->nsec = (int32_t)((Counter.QuadPart % Frequency.QuadPart) * 1000000000LL /
                                 Frequency.QuadPart);
            return 0;
        }

        case LX_CLOCK_MONOTONIC_COARSE:
        {
            ULONGLONG Time = KeQueryInterruptTime();

            Ts->sec = (int64_t)(Time / 10000000);
            Ts->nsec = (int32_t)((Time % 10000000) * 100);
            return 0;
        }

        case LX_CLOCK_PROCESS_CPUTIME_ID:
        {
            KERNEL_USER_TIMES Times;
            NTSTATUS Status;
            LONGLONG Total;

            Status = ZwQueryInformationProcess(NtCurrentProcess(), ProcessTimes, &Times,
                                               sizeof(Times), NULL);
            if (!NT_SUCCESS(Status))
                return LxStatusToErrno(Status);
            Total = Times.KernelTime.QuadPart + Times.UserTime.QuadPart;
            Ts->sec = Total / 10000000;
            Ts->nsec = (int32_t)((Total % 10000000) * 100);
            return 0;
        }

        case LX_CLOCK_THREAD_CPUTIME_ID:
        {
            ULONG User, Kernel = KeQueryRuntimeThread(KeGetCurrentThread(), &User);
            LONGLONG Total = ((LONGLONG)Kernel + User) * KeQueryTimeIncrement();

            Ts->sec = Total / 10000000;
            Ts->nsec = (int32_t)((Total % 10000000) * 100);
            return 0;
        }

        default:
            return -LX_EINVAL;
    }
}

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
LxPutTimespec32(
    _In_ ULONG_PTR User,
    _In_ const lx_timespec64 *Ts)
{
    struct _LX_OLD_TIMESPEC32 T32;

    T32.TvSec = (LONG)Ts->sec;
    T32.TvNsec = Ts->nsec;
    return LxCopyToUser(User, &T32, sizeof(T32));
}

static
LONG
LxPutTimespec64(
    _In_ ULONG_PTR User,
    _In_ const lx_timespec64 *Ts)
{
    struct _LX_KERNEL_TIMESPEC T64;

    T64.TvSec = Ts->sec;
    T64.TvNsec = Ts->nsec;
    return LxCopyToUser(User, &T64, sizeof(T64));
}

LONG
NTAPI
LxSysClockGettime(
    LX_CLOCKID WhichClock,
    LX_OLD_TIMESPEC32 *Tp)
{
    lx_timespec64 Ts;
    LONG Result = LxReadClock(WhichClock, &Ts);

    return Result < 0 ? Result : LxPutTimespec32((ULONG_PTR)Tp, &Ts);
}

LONG
NTAPI
LxSysClockGettime64(
    LX_CLOCKID WhichClock,
    LX_KERNEL_TIMESPEC *Tp)
{
    lx_timespec64 Ts;
    LONG Result = LxReadClock(WhichClock, &Ts);

    return Result < 0 ? Result : LxPutTimespec64((ULONG_PTR)Tp, &Ts);
}

LONG
NTAPI
LxSysClockGetres(
    LX_CLOCKID WhichClock,
    LX_OLD_TIMESPEC32 *Tp)
{
    lx_timespec64 Ts;
    LONG Result = LxClockResolution(WhichClock, &Ts);

    if (Result < 0 || Tp == NULL)
        return Result;
    return LxPutTimespec32((ULONG_PTR)Tp, &Ts);
}

LONG
NTAPI
LxSysClockGetresTime64(
    LX_CLOCKID WhichClock,
    LX_KERNEL_TIMESPEC *Tp)
{
    lx_timespec64 Ts;
    LONG Result = LxClockResolution(WhichClock, &Ts);

    if (Result < 0 || Tp == NULL)
        return Result;
    return LxPutTimespec64((ULONG_PTR)Tp, &Ts);
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

/* Sleeps for a relative 100 ns interval (negative) or until an absolute NT time (positive).
 * Termination (kill) still ends the sleep: it is a kernel APC. */
static
LONG
LxSleep(
    _In_ LONGLONG Interval)
{
    LARGE_INTEGER Timeout;

    Timeout.QuadPart = Interval;
    KeDelayExecutionThread(KernelMode, FALSE, &Timeout);
    return 0;
}

static
LONG
LxNanosleep(
    _In_ LONG Clock,
    _In_ LONG Flags,
    _In_ LONGLONG Sec,
    _In_ LONGLONG Nsec)
{
    int64_t Interval;
    LONG Result;

    if (Clock != LX_CLOCK_REALTIME && Clock != LX_CLOCK_MONOTONIC &&
        Clock != LX_CLOCK_BOOTTIME)
        return Clock == LX_CLOCK_THREAD_CPUTIME_ID ? -LX_EINVAL : -LX_EOPNOTSUPP;
    if (Flags & ~LX_TIMER_ABSTIME)
        return -LX_EINVAL;
    if (Nsec < 0 || Nsec >= 1000000000 || Sec < 0)
        return -LX_EINVAL;

    if (Flags & LX_TIMER_ABSTIME)
    {
        lx_timespec64 Now;
        LONGLONG DeltaNs;

        LxReadClock(Clock, &Now);
        DeltaNs = (Sec - Now.sec) * 1000000000LL + (Nsec - Now.nsec);
        if (DeltaNs <= 0)
            return 0;
        Sec = DeltaNs / 1000000000LL;
        Nsec = DeltaNs % 1000000000LL;
    }
    Result = lx_timespec_to_nt_relative(Sec, Nsec, &Interval);
    if (Result < 0)
        return Result;
    if (Interval == 0)
        return 0;
    return LxSleep(Interval);
}

LONG
NTAPI
LxSysNanosleep(
    LX_OLD_TIMESPEC32 *Rqtp,
    LX_OLD_TIMESPEC32 *Rmtp)
{
    struct _LX_OLD_TIMESPEC32 Request;
    LONG Result;

    UNREFERENCED_PARAMETER(Rmtp);   /* never interrupted early: nothing remains */
    Result = LxCopyFromUser(&Request, (ULONG_PTR)Rqtp, sizeof(Request));
    if (Result < 0)
        return Result;
    return LxNanosleep(LX_CLOCK_MONOTONIC, 0, Request.TvSec, Request.TvNsec);
}

LONG
NTAPI
LxSysClockNanosleep(
    LX_CLOCKID WhichClock,
    LONG Flags,
    LX_OLD_TIMESPEC32 *Rqtp,
    LX_OLD_TIMESPEC32 *Rmtp)
{
    struct _LX_OLD_TIMESPEC32 Request;
    LONG Result;

    UNREFERENCED_PARAMETER(Rmtp);
    Result = LxCopyFromUser(&Request, (ULONG_PTR)Rqtp, sizeof(Request));
    if (Result < 0)
        return Result;
    return LxNanosleep(WhichClock, Flags, Request.TvSec, Request.TvNsec);
}

LONG
NTAPI
LxSysClockNanosleepTime64(
    LX_CLOCKID WhichClock,
    LONG Flags,
    const LX_KERNEL_TIMESPEC *Rqtp,
    LX_KERNEL_TIMESPEC *Rmtp)
{
    struct _LX_KERNEL_TIMESPEC Request;
    LONG Result;

    UNREFERENCED_PARAMETER(Rmtp);
    Result = LxCopyFromUser(&Request, (ULONG_PTR)Rqtp, sizeof(Request));
    if (Result < 0)
        return Result;
    /* the i386 kernel_timespec nsec is a 64-bit field whose upper half is ignored */
    return LxNanosleep(WhichClock, Flags, Request.TvSec, (LONG)Request.TvNsec);
}
