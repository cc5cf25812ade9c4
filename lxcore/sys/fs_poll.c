/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: poll, ppoll, select, pselect6 (and their time64 forms); the
 *              readiness of each file comes from its kind (fs/poll.c)
 */

#include "lxsys.h"

#define NDEBUG
#include <debug.h>

/* Timeout: NULL = forever, else a relative NT interval (<= 0 ready checks only).
 * KernelFds: the entries in kernel memory (select), else Ufds is the user's array. */
static
LONG
LxPollEx(
    _In_opt_ LX_POLLFD *Ufds,
    _Inout_opt_ PLX_POLL_ITEM KernelFds,
    _In_ ULONG Nfds,
    _In_opt_ PLONGLONG Timeout)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_POLL_ITEM Fds = KernelFds;
    LONG Result = 0;

    if (Nfds > LxFdLimit(Process))
        return -LX_EINVAL;
    if (KernelFds == NULL && Nfds != 0)
    {
        Fds = ExAllocatePoolWithTag(PagedPool, Nfds * sizeof(*Fds), LX_TAG_TEMP);
        if (Fds == NULL)
            return -LX_ENOMEM;
        Result = LxCopyFromUser(Fds, (ULONG_PTR)Ufds, Nfds * sizeof(*Fds));
    }
    if (Result == 0)
        Result = LxPollFiles(Process, Fds, Nfds, Timeout);
    if (Result >= 0 && KernelFds == NULL && Nfds != 0)
    {
        LONG Copied = LxCopyToUser((ULONG_PTR)Ufds, Fds, Nfds * sizeof(*Fds));
        if (Copied < 0)
            Result = Copied;
    }
    if (KernelFds == NULL && Fds != NULL)
        ExFreePoolWithTag(Fds, LX_TAG_TEMP);
    return Result;      /* -EINTR: the caller enters the handler (LxInterruptedCall...) */
}

#define LxPoll(Ufds, Nfds, Timeout) LxPollEx((Ufds), NULL, (Nfds), (Timeout))

LONG
NTAPI
LxSysPoll(
    LX_POLLFD *Ufds,
    ULONG Nfds,
    LONG Timeout)
{
    LONGLONG Interval;

    LONG Result;

    if (Timeout < 0)
    {
        Result = LxPoll(Ufds, Nfds, NULL);
    }
    else
    {
        Interval = -(LONGLONG)Timeout * 10000;
        Result = LxPoll(Ufds, Nfds, &Interval);
    }
    if (Result == -LX_EINTR)
        return LxInterruptedCall(FALSE);
    return Result;
}

/* Reads the sigset of Size bytes at User (0: none given) */
LONG
LxReadWaitMask(
    _In_ ULONG_PTR User,
    _In_ SIZE_T Size,
    _Out_ PLX_WAIT_MASK Mask)
{
    Mask->Given = User != 0;
    Mask->Original = LxCurrentThread()->SignalMask;
    Mask->During = Mask->Original;
    if (!Mask->Given)
        return 0;
    if (Size != sizeof(ULONGLONG))
        return -LX_EINVAL;
    return LxCopyFromUser(&Mask->During, User, sizeof(Mask->During));
}

/* Puts the wait's mask in force (SIGKILL and SIGSTOP stay deliverable) */
VOID
LxBeginWaitMask(
    _In_ const LX_WAIT_MASK *Mask)
{
    if (Mask->Given)
    {
        LxCurrentThread()->SignalMask =
            Mask->During & ~((1ULL << (LX_SIGKILL - 1)) | (1ULL << (19 - 1)));
    }
}

/* Ends the wait: its result, or for -EINTR the entry into the handler, whose frame records
 * the original mask (never restarted) */
LONG
LxEndWaitMask(
    _In_ const LX_WAIT_MASK *Mask,
    _In_ LONG Result)
{
    if (Result == -LX_EINTR)
        return LxInterruptedCallWithMask(Mask->Original);
    if (Mask->Given)
        LxCurrentThread()->SignalMask = Mask->Original;
    return Result;
}

/* ppoll and ppoll_time64: Tsp a user timespec of either layout (0: no timeout) */
static
LONG
LxPpoll(
    _In_ LX_POLLFD *Ufds,
    _In_ ULONG Nfds,
    _In_ ULONG_PTR Tsp,
    _In_ BOOLEAN Time64,
    _In_opt_ const LX_SIGSET *Sigmask,
    _In_ SIZE_T Sigsetsize)
{
    BOOLEAN HaveTimeout = Tsp != 0;
    LX_WAIT_MASK Mask;
    lx_timespec64 Ts;
    int64_t Interval;
    LONG Result;

    Result = LxGetUserTimeout(Tsp, Time64, &Ts);
    if (Result < 0)
        return Result;
    Result = LxReadWaitMask((ULONG_PTR)Sigmask, Sigsetsize, &Mask);
    if (Result < 0)
        return Result;
    if (HaveTimeout)
    {
        Result = lx_timespec_to_nt_relative(Ts.sec, Ts.nsec, &Interval);
        if (Result < 0)
            return Result;
    }
    LxBeginWaitMask(&Mask);
    return LxEndWaitMask(&Mask, LxPoll(Ufds, Nfds, HaveTimeout ? &Interval : NULL));
}

LONG
NTAPI
LxSysPpoll(
    LX_POLLFD *Ufds,
    ULONG Nfds,
    LX_OLD_TIMESPEC32 *Tsp,
    const LX_SIGSET *Sigmask,
    SIZE_T Sigsetsize)
{
    return LxPpoll(Ufds, Nfds, (ULONG_PTR)Tsp, FALSE, Sigmask, Sigsetsize);
}

LONG
NTAPI
LxSysPpollTime64(
    LX_POLLFD *Ufds,
    ULONG Nfds,
    LX_KERNEL_TIMESPEC *Tsp,
    const LX_SIGSET *Sigmask,
    SIZE_T Sigsetsize)
{
    return LxPpoll(Ufds, Nfds, (ULONG_PTR)Tsp, TRUE, Sigmask, Sigsetsize);
}

/* ---------------------------------------------------------------------------------------- */
/* select, pselect6: fd sets turned into poll entries                                      */

#define LX_FD_SETSIZE   1024

/* Sets are arrays of 32-bit words (i386 long); N bits of each are read and written. */
static
LONG
LxSelect(
    _In_ LONG N,
    _In_opt_ LX_FD_SET *Inp,
    _In_opt_ LX_FD_SET *Outp,
    _In_opt_ LX_FD_SET *Exp,
    _In_opt_ PLONGLONG Timeout)
{
    ULONG In[LX_FD_SETSIZE / 32], Out[LX_FD_SETSIZE / 32], Ex[LX_FD_SETSIZE / 32];
    ULONG_PTR Sets[3] = { (ULONG_PTR)Inp, (ULONG_PTR)Outp, (ULONG_PTR)Exp };
    PULONG Bits[3] = { In, Out, Ex };
    PLX_POLL_ITEM Fds;
    ULONG Bytes, Count = 0, i, s;
    LONG Result, Ready = 0;

    if (N < 0)
        return -LX_EINVAL;
    if (N > LX_FD_SETSIZE)
        N = LX_FD_SETSIZE;
    Bytes = ((ULONG)N + 31) / 32 * 4;
    for (s = 0; s < 3; s++)
    {
        RtlZeroMemory(Bits[s], sizeof(In));
        if (Sets[s] != 0 && Bytes != 0)
        {
            Result = LxCopyFromUser(Bits[s], Sets[s], Bytes);
            if (Result < 0)
                return Result;
        }
        /* bits past N are not looked at */
        if (N % 32)
            Bits[s][N / 32] &= (1u << (N % 32)) - 1;
    }
    Fds = ExAllocatePoolWithTag(PagedPool, LX_MAX_FDS * sizeof(*Fds), LX_TAG_TEMP);
    if (Fds == NULL)
        return -LX_ENOMEM;
    for (i = 0; i < (ULONG)N; i++)
    {
        ULONG Word = i / 32, Bit = 1u << (i % 32);
        SHORT Events = 0;

        if (In[Word] & Bit)
            Events |= LX_POLLIN;
        if (Out[Word] & Bit)
            Events |= LX_POLLOUT;
        if (Ex[Word] & Bit)
            Events |= LX_POLLPRI;
        if (Events == 0)
            continue;
        if (i >= LX_MAX_FDS)
        {
            ExFreePoolWithTag(Fds, LX_TAG_TEMP);
            return -LX_EBADF;
        }
        Fds[Count].Fd = (LONG)i;
        Fds[Count].Events = Events;
        Fds[Count].Revents = 0;
        Count++;
    }

    Result = LxPollEx(NULL, Fds, Count, Timeout);
    if (Result < 0)
    {
        ExFreePoolWithTag(Fds, LX_TAG_TEMP);
        return Result;
    }
    RtlZeroMemory(In, sizeof(In));
    RtlZeroMemory(Out, sizeof(Out));
    RtlZeroMemory(Ex, sizeof(Ex));
    for (i = 0; i < Count; i++)
    {
        ULONG Fd = (ULONG)Fds[i].Fd, Word = Fd / 32, Bit = 1u << (Fd % 32);
        USHORT Revents = (USHORT)Fds[i].Revents;

        if (Revents & LX_POLLNVAL)
        {
            ExFreePoolWithTag(Fds, LX_TAG_TEMP);
            return -LX_EBADF;
        }
        if ((Fds[i].Events & LX_POLLIN) && (Revents & (LX_POLLIN | LX_POLLHUP | LX_POLLERR)))
        {
            In[Word] |= Bit;
            Ready++;
        }
        if ((Fds[i].Events & LX_POLLOUT) && (Revents & (LX_POLLOUT | LX_POLLERR)))
        {
            Out[Word] |= Bit;
            Ready++;
        }
        if ((Fds[i].Events & LX_POLLPRI) && (Revents & LX_POLLPRI))
        {
            Ex[Word] |= Bit;
            Ready++;
        }
    }
    ExFreePoolWithTag(Fds, LX_TAG_TEMP);
    for (s = 0; s < 3; s++)
    {
        if (Sets[s] != 0 && Bytes != 0)
        {
            Result = LxCopyToUser(Sets[s], Bits[s], Bytes);
            if (Result < 0)
                return Result;
        }
    }
    return Ready;
}

LONG
NTAPI
LxSysNewselect(
    LONG N,
    LX_FD_SET *Inp,
    LX_FD_SET *Outp,
    LX_FD_SET *Exp,
    LX_KERNEL_OLD_TIMEVAL *Tvp)
{
    LONGLONG Interval;
    LONG Result;

    if (Tvp != NULL)
    {
        struct _LX_KERNEL_OLD_TIMEVAL Tv;

        Result = LxCopyFromUser(&Tv, (ULONG_PTR)Tvp, sizeof(Tv));
        if (Result < 0)
            return Result;
        if (Tv.TvSec < 0 || Tv.TvUsec < 0 || Tv.TvUsec >= 1000000)
            return -LX_EINVAL;
        Interval = -((LONGLONG)Tv.TvSec * 10000000 + (LONGLONG)Tv.TvUsec * 10);
    }
    Result = LxSelect(N, Inp, Outp, Exp, Tvp != NULL ? &Interval : NULL);
    if (Result == -LX_EINTR)
        return LxInterruptedCall(FALSE);
    return Result;
}

/* pselect6's sixth argument: { const sigset_t *ss; size_t ss_len; } */
struct _LX_PSELECT_SIGMASK
{
    ULONG_PTR Ss;
    ULONG SsLen;
};

/* pselect6 and pselect6_time64: Tsp a user timespec of either layout (0: no timeout) */
static
LONG
LxPselect(
    _In_ LONG N,
    _In_opt_ LX_FD_SET *Inp,
    _In_opt_ LX_FD_SET *Outp,
    _In_opt_ LX_FD_SET *Exp,
    _In_ ULONG_PTR Tsp,
    _In_ BOOLEAN Time64,
    _In_opt_ VOID *Sig)
{
    BOOLEAN HaveTimeout = Tsp != 0;
    LX_WAIT_MASK Mask;
    lx_timespec64 Ts;
    int64_t Interval;
    LONGLONG Timeout;
    LONG Result;

    Result = LxGetUserTimeout(Tsp, Time64, &Ts);
    if (Result < 0)
        return Result;
    Result = LxReadWaitMask(0, 0, &Mask);
    if (Sig != NULL)
    {
        struct _LX_PSELECT_SIGMASK Pair;

        Result = LxCopyFromUser(&Pair, (ULONG_PTR)Sig, sizeof(Pair));
        if (Result >= 0)
            Result = LxReadWaitMask(Pair.Ss, Pair.SsLen, &Mask);
        if (Result < 0)
            return Result;
    }
    if (HaveTimeout)
    {
        Result = lx_timespec_to_nt_relative(Ts.sec, Ts.nsec, &Interval);
        if (Result < 0)
            return Result;
        Timeout = Interval;
    }
    LxBeginWaitMask(&Mask);
    return LxEndWaitMask(&Mask, LxSelect(N, Inp, Outp, Exp, HaveTimeout ? &Timeout : NULL));
}

LONG
NTAPI
LxSysPselect6(
    LONG N,
    LX_FD_SET *Inp,
    LX_FD_SET *Outp,
    LX_FD_SET *Exp,
    LX_OLD_TIMESPEC32 *Tsp,
    VOID *Sig)
{
    return LxPselect(N, Inp, Outp, Exp, (ULONG_PTR)Tsp, FALSE, Sig);
}

LONG
NTAPI
LxSysPselect6Time64(
    LONG N,
    LX_FD_SET *Inp,
    LX_FD_SET *Outp,
    LX_FD_SET *Exp,
    LX_KERNEL_TIMESPEC *Tsp,
    VOID *Sig)
{
    return LxPselect(N, Inp, Outp, Exp, (ULONG_PTR)Tsp, TRUE, Sig);
}
