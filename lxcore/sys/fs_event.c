/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: eventfd, eventfd2, epoll_create, epoll_create1, epoll_ctl,
 *              epoll_wait, epoll_pwait, epoll_pwait2 (the kinds: fs/eventfd.c,
 *              fs/eventpoll.c)
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
