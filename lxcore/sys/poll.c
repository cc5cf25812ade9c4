/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: poll, ppoll, ppoll_time64
 *
 * Files, devices and the debug stream are always ready; pipe ends report data, room, hang-up
 * and errors, and a poll that finds nothing ready waits on the events of its pipes (at most
 * 64 of them, the NT wait limit) until one changes or the timeout passes.
 */

#include "lxp.h"

#define NDEBUG
#include <debug.h>

#define LX_POLLIN       0x0001
#define LX_POLLPRI      0x0002
#define LX_POLLOUT      0x0004
#define LX_POLLERR      0x0008
#define LX_POLLHUP      0x0010
#define LX_POLLNVAL     0x0020
#define LX_POLLRDNORM   0x0040
#define LX_POLLWRNORM   0x0100
#define LX_POLL_ALWAYS  (LX_POLLERR | LX_POLLHUP | LX_POLLNVAL)

struct _LX_POLLFD
{
    LONG Fd;
    SHORT Events;
    SHORT Revents;
};

/* Polls every entry once; collects the events to wait on. Returns the ready count. */
static
LONG
LxPollOnce(
    _In_ PLX_PROCESS Process,
    _Inout_updates_(Count) struct _LX_POLLFD *Fds,
    _In_ ULONG Count,
    _Out_writes_(MAXIMUM_WAIT_OBJECTS) PVOID *WaitObjects,
    _Out_writes_(MAXIMUM_WAIT_OBJECTS) PLX_FILE *WaitFiles,
    _Out_ PULONG WaitCount)
{
    LONG Ready = 0;
    ULONG i;

    *WaitCount = 0;
    for (i = 0; i < Count; i++)
    {
        ULONG Events = (USHORT)Fds[i].Events, Revents = 0;
        PLX_FILE File;

        Fds[i].Revents = 0;
        if (Fds[i].Fd < 0)
            continue;
        File = LxGetFile(Process, (ULONG)Fds[i].Fd);
        if (File == NULL)
        {
            Fds[i].Revents = LX_POLLNVAL;
            Ready++;
            continue;
        }
        switch (File->Type)
        {
            case LxFilePipeRead:
            case LxFilePipeWrite:
            {
                PKEVENT Event;

                Revents = LxPipePoll(File, &Event);
                if ((Revents & (Events | LX_POLL_ALWAYS)) == 0 &&
                    *WaitCount < MAXIMUM_WAIT_OBJECTS)
                {
                    /* the reference keeps the pipe (and its event) alive during the wait */
                    LxReferenceFile(File);
                    WaitFiles[*WaitCount] = File;
                    WaitObjects[(*WaitCount)++] = Event;
                }
                break;
            }
            case LxFileDebugOut:
                Revents = LX_POLLOUT | LX_POLLWRNORM;
                break;
            default:
                /* regular files, devices, directories, the empty stdin: always ready */
                Revents = LX_POLLIN | LX_POLLRDNORM | LX_POLLOUT | LX_POLLWRNORM;
                break;
        }
        LxDereferenceFile(File);
        Fds[i].Revents = (SHORT)(Revents & (Events | LX_POLL_ALWAYS));
        if (Fds[i].Revents != 0)
            Ready++;
    }
    return Ready;
}

/* Timeout: NULL = forever, else a relative NT interval (<= 0 ready checks only) */
static
LONG
LxPoll(
    _In_ LX_POLLFD *Ufds,
    _In_ ULONG Nfds,
    _In_opt_ PLONGLONG Timeout)
{
    PLX_PROCESS Process = LxCurrentProcess();
    struct _LX_POLLFD *Fds = NULL;
    PVOID WaitObjects[MAXIMUM_WAIT_OBJECTS];
    PLX_FILE WaitFiles[MAXIMUM_WAIT_OBJECTS];
    PKWAIT_BLOCK WaitBlocks = NULL;
    ULONGLONG Deadline = 0;
    ULONG WaitCount = 0, i;
    LONG Result;
    BOOLEAN Interrupted = FALSE;

    if (Nfds > LX_MAX_FDS)
        return -LX_EINVAL;
    if (Nfds != 0)
    {
        Fds = ExAllocatePoolWithTag(PagedPool, Nfds * sizeof(*Fds), LX_TAG_TEMP);
        if (Fds == NULL)
            return -LX_ENOMEM;
        Result = LxCopyFromUser(Fds, (ULONG_PTR)Ufds, Nfds * sizeof(*Fds));
        if (Result < 0)
            goto Done;
    }
    WaitBlocks = ExAllocatePoolWithTag(NonPagedPool, MAXIMUM_WAIT_OBJECTS * sizeof(KWAIT_BLOCK),
                                       LX_TAG_TEMP);
    if (WaitBlocks == NULL)
    {
        Result = -LX_ENOMEM;
        goto Done;
    }
    if (Timeout != NULL && *Timeout < 0)
        Deadline = KeQueryInterruptTime() + (ULONGLONG)(-*Timeout);

    for (;;)
    {
        LARGE_INTEGER Wait;

        for (i = 0; i < WaitCount; i++)
            LxDereferenceFile(WaitFiles[i]);
        Result = LxPollOnce(Process, Fds, Nfds, WaitObjects, WaitFiles, &WaitCount);
        if (Result != 0 || (Timeout != NULL && *Timeout >= 0))
            break;
        if (Timeout != NULL)
        {
            ULONGLONG Now = KeQueryInterruptTime();
            if (Now >= Deadline)
                break;
            Wait.QuadPart = -(LONGLONG)(Deadline - Now);
        }
        if (WaitCount == 0)
        {
            /* nothing that can change (no pipes): sleep out the timeout */
            if (Timeout == NULL)
                Wait.QuadPart = -10000000LL;    /* re-check every second, forever */
            if (LxSleepInterruptible(&Wait) == STATUS_ALERTED)
            {
                Interrupted = TRUE;
                break;
            }
            continue;
        }
        if (WaitCount <= LX_WAIT_MAX_OBJECTS)
        {
            if (LxWaitInterruptible(WaitCount, WaitObjects, Timeout != NULL ? &Wait : NULL) ==
                STATUS_ALERTED)
            {
                Interrupted = TRUE;
                break;
            }
        }
        else
        {
            KeWaitForMultipleObjects(WaitCount, WaitObjects, WaitAny, Executive, KernelMode,
                                     FALSE, Timeout != NULL ? &Wait : NULL, WaitBlocks);
        }
    }

    for (i = 0; i < WaitCount; i++)
        LxDereferenceFile(WaitFiles[i]);
    if (Nfds != 0)
    {
        LONG Copied = LxCopyToUser((ULONG_PTR)Ufds, Fds, Nfds * sizeof(*Fds));
        if (Copied < 0)
            Result = Copied;
    }

Done:
    if (WaitBlocks)
        ExFreePoolWithTag(WaitBlocks, LX_TAG_TEMP);
    if (Fds)
        ExFreePoolWithTag(Fds, LX_TAG_TEMP);
    if (Interrupted && Result >= 0)
        return -LX_EINTR;   /* the caller enters the handler (LxInterruptedCall...) */
    return Result;
}

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

static
LONG
LxPpoll(
    _In_ LX_POLLFD *Ufds,
    _In_ ULONG Nfds,
    _In_ BOOLEAN HaveTimeout,
    _In_ LONGLONG Sec,
    _In_ LONGLONG Nsec,
    _In_opt_ const LX_SIGSET *Sigmask,
    _In_ SIZE_T Sigsetsize)
{
    PLX_THREAD Thread = LxCurrentThread();
    ULONGLONG OldMask = Thread->SignalMask, NewMask;
    int64_t Interval;
    LONG Result;

    if (Sigmask != NULL)
    {
        if (Sigsetsize != sizeof(ULONGLONG))
            return -LX_EINVAL;
        Result = LxCopyFromUser(&NewMask, (ULONG_PTR)Sigmask, sizeof(NewMask));
        if (Result < 0)
            return Result;
    }
    if (HaveTimeout)
    {
        Result = lx_timespec_to_nt_relative(Sec, Nsec, &Interval);
        if (Result < 0)
            return Result;
    }
    /* the temporary mask is the one in force during the wait; an interrupting signal's
     * frame records the original one */
    if (Sigmask != NULL)
        Thread->SignalMask = NewMask & ~((1ULL << (LX_SIGKILL - 1)) | (1ULL << (19 - 1)));
    Result = LxPoll(Ufds, Nfds, HaveTimeout ? &Interval : NULL);
    if (Result == -LX_EINTR)
        return LxInterruptedCallWithMask(OldMask);
    if (Sigmask != NULL)
        Thread->SignalMask = OldMask;
    return Result;
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
    struct _LX_OLD_TIMESPEC32 Ts = { 0, 0 };
    LONG Result;

    if (Tsp != NULL)
    {
        Result = LxCopyFromUser(&Ts, (ULONG_PTR)Tsp, sizeof(Ts));
        if (Result < 0)
            return Result;
    }
    return LxPpoll(Ufds, Nfds, Tsp != NULL, Ts.TvSec, Ts.TvNsec, Sigmask, Sigsetsize);
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
    struct _LX_KERNEL_TIMESPEC Ts = { 0, 0 };
    LONG Result;

    if (Tsp != NULL)
    {
        Result = LxCopyFromUser(&Ts, (ULONG_PTR)Tsp, sizeof(Ts));
        if (Result < 0)
            return Result;
    }
    return LxPpoll(Ufds, Nfds, Tsp != NULL, Ts.TvSec, (LONG)Ts.TvNsec, Sigmask, Sigsetsize);
}
