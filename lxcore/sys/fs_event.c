/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: eventfd, eventfd2, epoll_create, epoll_create1, epoll_ctl,
 *              epoll_wait, epoll_pwait, epoll_pwait2, timerfd_create, timerfd_settime,
 *              timerfd_gettime and their time64 forms, signalfd, signalfd4 (the kinds:
 *              fs/eventfd.c, fs/eventpoll.c, fs/timerfd.c, fs/signalfd.c)
 */

#include "lxsys.h"

#define NDEBUG
#include <debug.h>

#define LX_EFD_SEMAPHORE    1

LONG
NTAPI
LxSysEventfd2(
    ULONG Count,
    LONG Flags)
{
    PLX_FILE File;
    LONG Result;

    if (Flags & ~(LX_EFD_SEMAPHORE | LX_O_CLOEXEC | LX_O_NONBLOCK))
        return -LX_EINVAL;
    Result = LxCreateEventfd(Count, (Flags & LX_EFD_SEMAPHORE) != 0, (ULONG)Flags, &File);
    if (Result < 0)
        return Result;
    return LxInstallFile(LxCurrentProcess(), File, 0, (Flags & LX_O_CLOEXEC) != 0);
}

LONG
NTAPI
LxSysEventfd(
    ULONG Count)
{
    return LxSysEventfd2(Count, 0);
}

LONG
NTAPI
LxSysEpollCreate1(
    LONG Flags)
{
    PLX_FILE File;
    LONG Result;

    if (Flags & ~LX_O_CLOEXEC)
        return -LX_EINVAL;
    Result = LxCreateEpoll(&File);
    if (Result < 0)
        return Result;
    return LxInstallFile(LxCurrentProcess(), File, 0, (Flags & LX_O_CLOEXEC) != 0);
}

LONG
NTAPI
LxSysEpollCreate(
    LONG Size)
{
    if (Size <= 0)
        return -LX_EINVAL;
    return LxSysEpollCreate1(0);
}

/* The epoll description Epfd names (referenced), or NULL with *Result the error */
static
PLX_FILE
LxGetEpoll(
    _In_ LONG Epfd,
    _Out_ PLONG Result)
{
    PLX_FILE File = Epfd < 0 ? NULL : LxGetFile(LxCurrentProcess(), (ULONG)Epfd);

    *Result = 0;
    if (File == NULL)
    {
        *Result = -LX_EBADF;
        return NULL;
    }
    if (!LxFileIsEpoll(File))
    {
        LxDereferenceFile(File);
        *Result = -LX_EINVAL;
        return NULL;
    }
    return File;
}

LONG
NTAPI
LxSysEpollCtl(
    LONG Epfd,
    LONG Op,
    LONG Fd,
    LX_EPOLL_EVENT *Event)
{
    struct _LX_EPOLL_EVENT Copy = { 0 };
    PLX_FILE Epoll, Target;
    LONG Result;

    if (Op != LX_EPOLL_CTL_DEL)
    {
        Result = LxCopyFromUser(&Copy, (ULONG_PTR)Event, sizeof(Copy));
        if (Result < 0)
            return Result;
    }
    Epoll = LxGetEpoll(Epfd, &Result);
    if (Epoll == NULL)
        return Result;
    Target = Fd < 0 ? NULL : LxGetFile(LxCurrentProcess(), (ULONG)Fd);
    if (Target == NULL)
    {
        LxDereferenceFile(Epoll);
        return -LX_EBADF;
    }
    Result = LxEpollCtl(Epoll, Op, Fd, Target, &Copy);
    LxDereferenceFile(Target);
    LxDereferenceFile(Epoll);
    return Result;
}

/*
 * epoll_wait and the forms with a signal mask: Timeout NULL waits for ever, else a relative
 * NT interval; the mask, when given, is in force during the wait (as ppoll's)
 */
static
LONG
LxEpollWaitMasked(
    _In_ LONG Epfd,
    _In_ ULONG_PTR Events,
    _In_ LONG MaxEvents,
    _In_opt_ PLONGLONG Timeout,
    _In_opt_ const LX_SIGSET *Sigmask,
    _In_ SIZE_T Sigsetsize)
{
    LX_WAIT_MASK Mask;
    PLX_FILE Epoll;
    LONG Result;

    if (MaxEvents <= 0 || MaxEvents > MAXLONG / (LONG)sizeof(struct _LX_EPOLL_EVENT))
        return -LX_EINVAL;
    Result = LxReadWaitMask((ULONG_PTR)Sigmask, Sigsetsize, &Mask);
    if (Result < 0)
        return Result;
    Epoll = LxGetEpoll(Epfd, &Result);
    if (Epoll == NULL)
        return Result;
    LxBeginWaitMask(&Mask);
    Result = LxEpollWait(Epoll, Events, MaxEvents, Timeout);
    LxDereferenceFile(Epoll);
    return LxEndWaitMask(&Mask, Result);
}

/* A timeout in milliseconds (negative: for ever) as LxEpollWaitMasked takes it */
static
PLONGLONG
LxMillisecondsTimeout(
    _In_ LONG Timeout,
    _Out_ PLONGLONG Interval)
{
    if (Timeout < 0)
        return NULL;
    *Interval = -(LONGLONG)Timeout * 10000;
    return Interval;
}

LONG
NTAPI
LxSysEpollWait(
    LONG Epfd,
    LX_EPOLL_EVENT *Events,
    LONG Maxevents,
    LONG Timeout)
{
    LONGLONG Interval;

    return LxEpollWaitMasked(Epfd, (ULONG_PTR)Events, Maxevents,
                             LxMillisecondsTimeout(Timeout, &Interval), NULL, 0);
}

LONG
NTAPI
LxSysEpollPwait(
    LONG Epfd,
    LX_EPOLL_EVENT *Events,
    LONG Maxevents,
    LONG Timeout,
    const LX_SIGSET *Sigmask,
    SIZE_T Sigsetsize)
{
    LONGLONG Interval;

    return LxEpollWaitMasked(Epfd, (ULONG_PTR)Events, Maxevents,
                             LxMillisecondsTimeout(Timeout, &Interval), Sigmask, Sigsetsize);
}

LONG
NTAPI
LxSysEpollPwait2(
    LONG Epfd,
    LX_EPOLL_EVENT *Events,
    LONG Maxevents,
    const LX_KERNEL_TIMESPEC *Timeout,
    const LX_SIGSET *Sigmask,
    SIZE_T Sigsetsize)
{
    lx_timespec64 Ts;
    int64_t Interval;
    LONG Result;

    if (Timeout == NULL)
        return LxEpollWaitMasked(Epfd, (ULONG_PTR)Events, Maxevents, NULL, Sigmask, Sigsetsize);
    Result = LxGetUserTimeout((ULONG_PTR)Timeout, TRUE, &Ts);
    if (Result >= 0)
        Result = lx_timespec_to_nt_relative(Ts.sec, Ts.nsec, &Interval);
    if (Result < 0)
        return Result;
    return LxEpollWaitMasked(Epfd, (ULONG_PTR)Events, Maxevents, (PLONGLONG)&Interval, Sigmask,
                             Sigsetsize);
}

/* ---------------------------------------------------------------------------------------- */
/* timerfd                                                                                  */

LONG
NTAPI
LxSysTimerfdCreate(
    LONG Clockid,
    LONG Flags)
{
    PLX_FILE File;
    LONG Result;

    if (Flags & ~(LX_O_CLOEXEC | LX_O_NONBLOCK))
        return -LX_EINVAL;
    Result = LxCreateTimerfd(Clockid, (ULONG)Flags, &File);
    if (Result < 0)
        return Result;
    return LxInstallFile(LxCurrentProcess(), File, 0, (Flags & LX_O_CLOEXEC) != 0);
}

/* The timerfd description Fd names (referenced), or NULL with *Result the error */
static
PLX_FILE
LxGetTimerfd(
    _In_ LONG Fd,
    _Out_ PLONG Result)
{
    PLX_FILE File = Fd < 0 ? NULL : LxGetFile(LxCurrentProcess(), (ULONG)Fd);

    *Result = File == NULL ? -LX_EBADF : 0;
    if (File != NULL && !LxFileIsTimerfd(File))
    {
        LxDereferenceFile(File);
        *Result = -LX_EINVAL;
        return NULL;
    }
    return File;
}

/* One half of a user itimerspec (Half 0: it_interval, 1: it_value) in 100 ns units */
static
LONG
LxGetItimerHalf(
    _In_ ULONG_PTR User,
    _In_ BOOLEAN Time64,
    _In_ ULONG Half,
    _Out_ PULONGLONG Value)
{
    lx_timespec64 Ts;
    LONG Result;

    Result = LxGetUserTimespec(User + Half * (Time64 ? 16 : 8), Time64, &Ts);
    if (Result < 0)
        return Result;
    if (Ts.sec < 0 || Ts.nsec < 0 || Ts.nsec >= 1000000000)
        return -LX_EINVAL;
    /* rounded up: a timer of 1 ns is armed */
    *Value = (ULONGLONG)Ts.sec * 10000000 + ((ULONGLONG)Ts.nsec + 99) / 100;
    return 0;
}

static
LONG
LxPutItimer(
    _In_ ULONG_PTR User,
    _In_ BOOLEAN Time64,
    _In_ ULONGLONG Value,
    _In_ ULONGLONG Interval)
{
    lx_timespec64 Ts;
    LONG Result;

    Ts.sec = (int64_t)(Interval / 10000000);
    Ts.nsec = (int32_t)((Interval % 10000000) * 100);
    Result = LxPutUserTimespec(User, Time64, &Ts);
    if (Result < 0)
        return Result;
    Ts.sec = (int64_t)(Value / 10000000);
    Ts.nsec = (int32_t)((Value % 10000000) * 100);
    return LxPutUserTimespec(User + (Time64 ? 16 : 8), Time64, &Ts);
}

static
LONG
LxTimerfdSettime(
    _In_ LONG Fd,
    _In_ LONG Flags,
    _In_ ULONG_PTR New,
    _In_ ULONG_PTR Old,
    _In_ BOOLEAN Time64)
{
    ULONGLONG Value, Interval, OldValue, OldInterval;
    PLX_FILE File;
    LONG Result;

    Result = LxGetItimerHalf(New, Time64, 1, &Value);
    if (Result >= 0)
        Result = LxGetItimerHalf(New, Time64, 0, &Interval);
    if (Result < 0)
        return Result;
    File = LxGetTimerfd(Fd, &Result);
    if (File == NULL)
        return Result;
    Result = LxTimerfdSet(File, (ULONG)Flags, Value, Interval, &OldValue, &OldInterval);
    LxDereferenceFile(File);
    if (Result >= 0 && Old != 0)
        Result = LxPutItimer(Old, Time64, OldValue, OldInterval);
    return Result;
}

static
LONG
LxTimerfdGettime(
    _In_ LONG Fd,
    _In_ ULONG_PTR Current,
    _In_ BOOLEAN Time64)
{
    ULONGLONG Value, Interval;
    PLX_FILE File;
    LONG Result;

    File = LxGetTimerfd(Fd, &Result);
    if (File == NULL)
        return Result;
    LxTimerfdGet(File, &Value, &Interval);
    LxDereferenceFile(File);
    return LxPutItimer(Current, Time64, Value, Interval);
}

LONG
NTAPI
LxSysTimerfdSettime(
    LONG Ufd,
    LONG Flags,
    const LX_OLD_ITIMERSPEC32 *Utmr,
    LX_OLD_ITIMERSPEC32 *Otmr)
{
    return LxTimerfdSettime(Ufd, Flags, (ULONG_PTR)Utmr, (ULONG_PTR)Otmr, FALSE);
}

LONG
NTAPI
LxSysTimerfdSettime64(
    LONG Ufd,
    LONG Flags,
    const LX_KERNEL_ITIMERSPEC *Utmr,
    LX_KERNEL_ITIMERSPEC *Otmr)
{
    return LxTimerfdSettime(Ufd, Flags, (ULONG_PTR)Utmr, (ULONG_PTR)Otmr, TRUE);
}

LONG
NTAPI
LxSysTimerfdGettime(
    LONG Ufd,
    LX_OLD_ITIMERSPEC32 *Otmr)
{
    return LxTimerfdGettime(Ufd, (ULONG_PTR)Otmr, FALSE);
}

LONG
NTAPI
LxSysTimerfdGettime64(
    LONG Ufd,
    LX_KERNEL_ITIMERSPEC *Otmr)
{
    return LxTimerfdGettime(Ufd, (ULONG_PTR)Otmr, TRUE);
}

/* ---------------------------------------------------------------------------------------- */
/* signalfd                                                                                 */

LONG
NTAPI
LxSysSignalfd4(
    LONG Ufd,
    LX_SIGSET *UserMask,
    SIZE_T Sizemask,
    LONG Flags)
{
    ULONGLONG Mask;
    PLX_FILE File;
    LONG Result;

    if ((Flags & ~(LX_O_CLOEXEC | LX_O_NONBLOCK)) || Sizemask != sizeof(Mask))
        return -LX_EINVAL;
    Result = LxCopyFromUser(&Mask, (ULONG_PTR)UserMask, sizeof(Mask));
    if (Result < 0)
        return Result;
    if (Ufd != -1)
    {
        /* a new mask for an existing signalfd */
        File = Ufd < 0 ? NULL : LxGetFile(LxCurrentProcess(), (ULONG)Ufd);
        if (File == NULL)
            return -LX_EBADF;
        Result = LxFileIsSignalfd(File) ? Ufd : -LX_EINVAL;
        if (Result >= 0)
            LxSetSignalfdMask(File, Mask);
        LxDereferenceFile(File);
        return Result;
    }
    Result = LxCreateSignalfd(Mask, (ULONG)Flags, &File);
    if (Result < 0)
        return Result;
    return LxInstallFile(LxCurrentProcess(), File, 0, (Flags & LX_O_CLOEXEC) != 0);
}

LONG
NTAPI
LxSysSignalfd(
    LONG Ufd,
    LX_SIGSET *UserMask,
    SIZE_T Sizemask)
{
    return LxSysSignalfd4(Ufd, UserMask, Sizemask, 0);
}
