/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Access to Linux user memory: every pointer a Linux program passes is probed
 *              and touched only under SEH, so a bad pointer is -EFAULT, never a bugcheck
 */

#include "lxnt.h"

/* What a kernel access that faulted may do before it is retried (kernel/mm.c: grow the
 * stack); set once by DriverEntry */
static PLX_USER_FAULT_ROUTINE LxUserFaultRoutine;

VOID
LxSetUserFaultRoutine(
    _In_ PLX_USER_FAULT_ROUTINE Routine)
{
    LxUserFaultRoutine = Routine;
}


typedef enum _LX_USER_ACCESS
{
    LxUserRead,     /* user -> kernel copy */
    LxUserWrite,    /* kernel -> user copy */
    LxUserZero,     /* zero user memory (Kernel unused) */
    LxUserCmpxchg   /* compare-exchange a user ULONG: Kernel = { Expected, New, Old } */
} LX_USER_ACCESS;

/* One probed access under SEH: 0 or -EFAULT. */
static
LONG
LxAccessUserOnce(
    _In_ LX_USER_ACCESS Access,
    _In_ ULONG_PTR User,
    _Inout_opt_ PVOID Kernel,
    _In_ SIZE_T Length)
{
    LONG Result = 0;

    _SEH2_TRY
    {
        if (Access == LxUserRead)
        {
            ProbeForRead((PVOID)User, Length, 1);
            RtlCopyMemory(Kernel, (PVOID)User, Length);
        }
        else if (Access == LxUserWrite)
        {
            ProbeForWrite((PVOID)User, Length, 1);
            RtlCopyMemory((PVOID)User, Kernel, Length);
        }
        else if (Access == LxUserCmpxchg)
        {
            PULONG Values = Kernel;

            ProbeForWrite((PVOID)User, sizeof(ULONG), sizeof(ULONG));
            Values[2] = (ULONG)InterlockedCompareExchange((volatile LONG *)User,
                                                          (LONG)Values[1], (LONG)Values[0]);
        }
        else
        {
            ProbeForWrite((PVOID)User, Length, 1);
            RtlZeroMemory((PVOID)User, Length);
        }
    }
    _SEH2_EXCEPT(EXCEPTION_EXECUTE_HANDLER)
    {
        Result = -LX_EFAULT;
    }
    _SEH2_END;
    return Result;
}

/* The access, retried once after growing the stack when it faulted on the uncommitted part
 * of the stack reservation. */
static
LONG
LxAccessUser(
    _In_ LX_USER_ACCESS Access,
    _In_ ULONG_PTR User,
    _Inout_opt_ PVOID Kernel,
    _In_ SIZE_T Length)
{
    LONG Result;

    if (Length == 0)
        return 0;
    Result = LxAccessUserOnce(Access, User, Kernel, Length);
    if (Result == -LX_EFAULT && LxUserFaultRoutine != NULL && LxUserFaultRoutine(User, Length))
        Result = LxAccessUserOnce(Access, User, Kernel, Length);
    return Result;
}

LONG
LxCopyFromUser(
    _Out_writes_bytes_(Length) PVOID Destination,
    _In_ ULONG_PTR UserSource,
    _In_ SIZE_T Length)
{
    return LxAccessUser(LxUserRead, UserSource, Destination, Length);
}

LONG
LxCopyToUser(
    _In_ ULONG_PTR UserDestination,
    _In_reads_bytes_(Length) const VOID *Source,
    _In_ SIZE_T Length)
{
    return LxAccessUser(LxUserWrite, UserDestination, (PVOID)Source, Length);
}

LONG
LxZeroUser(
    _In_ ULONG_PTR UserDestination,
    _In_ SIZE_T Length)
{
    return LxAccessUser(LxUserZero, UserDestination, NULL, Length);
}

/* Atomically replaces the aligned user ULONG at Address by New if it holds Expected; *Old gets
 * what it held. 0 or -EFAULT (-EINVAL when misaligned). */
LONG
LxCompareExchangeUser(
    _In_ ULONG_PTR Address,
    _In_ ULONG Expected,
    _In_ ULONG New,
    _Out_ PULONG Old)
{
    ULONG Values[3] = { Expected, New, 0 };
    LONG Result;

    if (Address & 3)
        return -LX_EINVAL;
    Result = LxAccessUser(LxUserCmpxchg, Address, Values, sizeof(ULONG));
    *Old = Values[2];
    return Result;
}

/* Reads a Linux timespec: the old 32-bit layout, or the time64 kernel_timespec, whose 64-bit
 * nsec field has its upper half ignored on i386 (as Linux does for 32-bit callers). */
LONG
LxGetUserTimespec(
    _In_ ULONG_PTR User,
    _In_ BOOLEAN Time64,
    _Out_ lx_timespec64 *Ts)
{
    LONG Result;

    if (Time64)
    {
        struct _LX_KERNEL_TIMESPEC T64;

        Result = LxCopyFromUser(&T64, User, sizeof(T64));
        Ts->sec = T64.TvSec;
        Ts->nsec = (LONG)T64.TvNsec;
    }
    else
    {
        struct _LX_OLD_TIMESPEC32 T32;

        Result = LxCopyFromUser(&T32, User, sizeof(T32));
        Ts->sec = T32.TvSec;
        Ts->nsec = T32.TvNsec;
    }
    if (Result < 0)
    {
        Ts->sec = 0;
        Ts->nsec = 0;
    }
    return Result;
}

/* Writes a Linux timespec in the old 32-bit layout (sec truncated) or the time64 one. */
LONG
LxPutUserTimespec(
    _In_ ULONG_PTR User,
    _In_ BOOLEAN Time64,
    _In_ const lx_timespec64 *Ts)
{
    if (Time64)
    {
        struct _LX_KERNEL_TIMESPEC T64;

        T64.TvSec = Ts->sec;
        T64.TvNsec = Ts->nsec;
        return LxCopyToUser(User, &T64, sizeof(T64));
    }
    else
    {
        struct _LX_OLD_TIMESPEC32 T32;

        T32.TvSec = (LONG)Ts->sec;
        T32.TvNsec = Ts->nsec;
        return LxCopyToUser(User, &T32, sizeof(T32));
    }
}

/* The same for an optional timeout: a NULL pointer reads as zero (the caller passes
 * User != 0 on as "has a timeout"). */
LONG
LxGetUserTimeout(
    _In_ ULONG_PTR User,
    _In_ BOOLEAN Time64,
    _Out_ lx_timespec64 *Ts)
{
    if (User == 0)
    {
        Ts->sec = 0;
        Ts->nsec = 0;
        return 0;
    }
    return LxGetUserTimespec(User, Time64, Ts);
}

/* Copies a NUL-terminated string. Returns its length, -EFAULT, or -ENAMETOOLONG when no NUL
 * is found within BufferSize - 1 bytes (Buffer is always terminated on success). */
LONG
LxCopyStringFromUser(
    _Out_writes_z_(BufferSize) PCHAR Buffer,
    _In_ SIZE_T BufferSize,
    _In_ ULONG_PTR UserString)
{
    LONG Result = -LX_ENAMETOOLONG;
    SIZE_T i;

    if (BufferSize == 0)
        return -LX_EINVAL;
    Buffer[0] = ANSI_NULL;
    _SEH2_TRY
    {
        for (i = 0; i < BufferSize; i++)
        {
            ULONG_PTR Address = UserString + i;

            if (Address < UserString || Address >= (ULONG_PTR)MmUserProbeAddress)
                ExRaiseStatus(STATUS_ACCESS_VIOLATION);
            Buffer[i] = *(volatile CHAR *)Address;
            if (Buffer[i] == ANSI_NULL)
            {
                Result = (LONG)i;
                break;
            }
        }
    }
    _SEH2_EXCEPT(EXCEPTION_EXECUTE_HANDLER)
    {
        Result = -LX_EFAULT;
    }
    _SEH2_END;
    if (Result < 0)
        Buffer[0] = ANSI_NULL;
    return Result;
}

/*
 * Random bytes for AT_RANDOM and getrandom(2). The kernel has no exported CSPRNG, so this
 * mixes the performance counter, the interrupt time, the TSC and RtlRandomEx state through
 * an xorshift generator. Unpredictable enough for stack canaries and hash seeds; not a
 * cryptographic generator (getrandom is marked partial for that reason).
 */
static ULONG LxRandomSeed;
static ULONGLONG LxRandomState;

VOID
LxGetRandomBytes(
    _Out_writes_bytes_(Length) PUCHAR Buffer,
    _In_ ULONG Length)
{
    LARGE_INTEGER Counter = KeQueryPerformanceCounter(NULL);
    ULONGLONG State, Tsc = __rdtsc();
    ULONG i;

    State = LxRandomState ^ (ULONGLONG)Counter.QuadPart ^ (Tsc << 17) ^
            (ULONGLONG)KeQueryInterruptTime();
    if (LxRandomSeed == 0)
        LxRandomSeed = (ULONG)Tsc | 1;
    State ^= (ULONGLONG)RtlRandomEx(&LxRandomSeed) << 32;
    if (State == 0)
        State = 0x9E3779B97F4A7C15ULL;

    for (i = 0; i < Length; i++)
    {
        if ((i & 7) == 0)
        {
            State ^= State << 13;
            State ^= State >> 7;
            State ^= State << 17;
            State += __rdtsc();
        }
        Buffer[i] = (UCHAR)(State >> ((i & 7) * 8));
    }
    LxRandomState = State;
}
