/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Clocks: what CLOCK_* read, the monotonic time timed waits measure their
 *              deadlines with, and the process's CPU times
 */

#include "lxnt.h"

#define NDEBUG
#include <debug.h>

/*
 * CLOCK_MONOTONIC in 100 ns units. Timed waits (select/poll, sigtimedwait) measure their
 * deadlines with it and wait again for what is left: NT's waits run on the interrupt time,
 * which drifts from the performance counter CLOCK_MONOTONIC reads (by a few percent with a
 * TSC the APIC HAL calibrated at boot), and a timeout must not end early by the clock the
 * program reads.
 */
ULONGLONG
LxMonotonicTime(VOID)
{
    LARGE_INTEGER Frequency, Counter = KeQueryPerformanceCounter(&Frequency);

    if (Frequency.QuadPart <= 0)
        Frequency.QuadPart = 1;
    return (ULONGLONG)(Counter.QuadPart / Frequency.QuadPart) * 10000000 +
           (ULONGLONG)(Counter.QuadPart % Frequency.QuadPart) * 10000000 /
           (ULONGLONG)Frequency.QuadPart;
}

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

VOID
LxGetCpuTimes(
    _Out_ LX_CPU_TIMES *Times)
{
    KERNEL_USER_TIMES KernelUser;

    RtlZeroMemory(Times, sizeof(*Times));
    if (NT_SUCCESS(ZwQueryInformationProcess(NtCurrentProcess(), ProcessTimes, &KernelUser,
                                             sizeof(KernelUser), NULL)))
    {
        Times->User = KernelUser.UserTime.QuadPart;
        Times->Kernel = KernelUser.KernelTime.QuadPart;
    }
}

/* What is left until a LxMonotonicTime Deadline, as a relative NT wait: FALSE when it has
 * passed. Timed waits wait again for what is left after each wake. */
BOOLEAN
LxTimeLeft(
    _In_ ULONGLONG Deadline,
    _Out_ PLARGE_INTEGER Wait)
{
    ULONGLONG Now = LxMonotonicTime();

    if (Now >= Deadline)
        return FALSE;
    Wait->QuadPart = -(LONGLONG)(Deadline - Now);
    return TRUE;
}
