/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Job control: processes stopped by SIGSTOP, SIGTSTP, SIGTTIN and SIGTTOU and
 *              continued by SIGCONT, and what their parents learn of it (wait, SIGCHLD)
 *
 * A stop suspends every NT thread of the process (PS_PICO_ROUTINES.SuspendThread), the one
 * that takes the signal last; SIGCONT resumes exactly the threads the stop suspended. NT
 * delivers a suspension as a kernel APC, so a thread never stops inside a region that holds
 * a lock (guarded or critical regions, fast mutexes): like Linux's, it stops where it holds
 * nothing. A thread stopped in a wait stays in it, and whatever woke the wait meanwhile is
 * still there when it continues, so a read or a sleep simply goes on. NT terminates a
 * suspended thread (it resumes it first): SIGKILL and the fatal signals end a stopped
 * process, as they do on Linux.
 */

#include "lxkernel.h"

#define NDEBUG
#include <debug.h>

#define LX_SA_NOCLDSTOP     0x00000001
#define LX_SIG_IGN          1
#define LX_STOP_BATCH       16

static FAST_MUTEX LxJobLock;

VOID
LxInitializeJobControl(VOID)
{
    ExInitializeFastMutex(&LxJobLock);
}

/* Whether Sig's default action is to stop the process */
BOOLEAN
LxSignalStops(
    _In_ ULONG Sig)
{
    return Sig >= 1 && Sig <= 64 && (LX_STOP_SIGNALS & (1ULL << (Sig - 1))) != 0;
}

/*
 * Tells the parent of Child that it ended (LX_CLD_EXITED, LX_CLD_KILLED), stopped or
 * continued: a wait4 blocked in it wakes, and SIGCHLD is sent with si_code Code, si_pid,
 * si_uid and si_status Status, unless it is ignored (SIGCHLD's default action is to ignore
 * it, but a blocked signal is never ignored: sigwait, signalfd), or for a stop or a continue
 * the parent set SA_NOCLDSTOP (do_notify_parent_cldstop).
 */
VOID
LxNotifyParent(
    _In_ PLX_PROCESS Child,
    _In_ LONG Code,
    _In_ ULONG Status)
{
    PLX_PROCESS Parent = LxLookupProcess(Child->ParentPid);
    lx_sigfields Info;

    if (Parent == NULL)
        return;
    KeSetEvent(&Parent->ChildEvent, IO_NO_INCREMENT, FALSE);
    if ((Code == LX_CLD_STOPPED || Code == LX_CLD_CONTINUED) &&
        (Parent->Actions.SignalFlags[LX_SIGCHLD] & LX_SA_NOCLDSTOP))
    {
        LxDereferenceProcess(Parent);
        return;
    }
    if (Parent->Actions.SignalHandlers[LX_SIGCHLD] > LX_SIG_IGN ||
        LxSignalBlocked(Parent, 0, LX_SIGCHLD))
    {
        LxSigFields(&Info, Code, Child->Pid);
        Info.word[1] = Child->Cred.User.real;
        Info.word[2] = Status;
        LxSignalProcessInfo(Parent, LX_SIGCHLD, &Info);
    }
    LxDereferenceProcess(Parent);
}

/* Suspends (Stop) or resumes the threads of Process a stop suspended; the calling thread,
 * if it is one of them, is returned referenced in *Self instead. Under LxJobLock. */
static
VOID
LxStopThreads(
    _In_ PLX_PROCESS Process,
    _In_ BOOLEAN Stop,
    _Out_ PETHREAD *Self)
{
    PETHREAD Threads[LX_STOP_BATCH];
    ULONG Count, i;

    *Self = NULL;
    while ((Count = LxCollectStopThreads(Process, Stop, Threads, LX_STOP_BATCH)) != 0)
    {
        for (i = 0; i < Count; i++)
        {
            if (Threads[i] == PsGetCurrentThread())
            {
                *Self = Threads[i];
                continue;
            }
            if (Stop)
                LxPicoRoutines.SuspendThread(Threads[i], NULL);
            else
                LxPicoRoutines.ResumeThread(Threads[i], NULL);
            ObDereferenceObject(Threads[i]);
        }
    }
}

/*
 * Stops Process (the default action of a stop signal Sig): its threads are suspended until
 * LxContinueProcess, its parent is told (CLD_STOPPED, and wait with WUNTRACED reports it
 * once). When Process is the caller's, the calling thread stops last, on its way out of the
 * job lock, and this returns once the process is continued. Nothing for a process already
 * stopped or ending, nor for SIGTSTP, SIGTTIN or SIGTTOU in an orphaned process group
 * (Linux's get_signal: nobody would continue it). At or below APC_LEVEL.
 */
VOID
LxStopProcess(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Sig)
{
    PETHREAD Self;

    if (Sig != LX_SIGSTOP && LxProcessGroupOrphaned(LxProcessGroupOf(Process)))
        return;
    ExAcquireFastMutex(&LxJobLock);
    if (Process->Stopped || Process->Process == NULL || KeReadStateEvent(&Process->ExitEvent) ||
        Process->ExitRequested || Process->Signal != 0)
    {
        ExReleaseFastMutex(&LxJobLock);
        return;
    }
    Process->Stopped = TRUE;
    Process->StopSignal = Sig;
    LxStopThreads(Process, TRUE, &Self);
    InterlockedExchange(&Process->JobReport, LX_JOB_REPORT_STOPPED);
    LxNotifyParent(Process, LX_CLD_STOPPED, Sig);
    /* the suspension of the calling thread is an APC, delivered as the mutex lowers the
     * IRQL: a SIGCONT that takes the mutex after that finds it counted */
    if (Self != NULL)
        LxPicoRoutines.SuspendThread(Self, NULL);
    ExReleaseFastMutex(&LxJobLock);
    if (Self != NULL)
        ObDereferenceObject(Self);
}

/* SIGCONT's effect on a stopped Process, whatever its disposition of SIGCONT: its threads
 * resume and its parent is told (CLD_CONTINUED, and wait with WCONTINUED reports it once). */
VOID
LxContinueProcess(
    _In_ PLX_PROCESS Process)
{
    PETHREAD Self;

    ExAcquireFastMutex(&LxJobLock);
    if (!Process->Stopped)
    {
        ExReleaseFastMutex(&LxJobLock);
        return;
    }
    Process->Stopped = FALSE;
    LxStopThreads(Process, FALSE, &Self);
    if (Self != NULL)
        ObDereferenceObject(Self);  /* cannot be: a stopped thread sends nothing */
    InterlockedExchange(&Process->JobReport, LX_JOB_REPORT_CONTINUED);
    LxNotifyParent(Process, LX_CLD_CONTINUED, LX_SIGCONT);
    ExReleaseFastMutex(&LxJobLock);
}

/* What sending Sig to Process does before anything else (Linux's prepare_signal): a stop
 * signal cancels a pending SIGCONT; SIGCONT cancels pending stop signals and continues the
 * process. */
VOID
LxPrepareSignal(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Sig)
{
    if (LxSignalStops(Sig))
    {
        LxDiscardSignals(Process, 1ULL << (LX_SIGCONT - 1));
    }
    else if (Sig == LX_SIGCONT)
    {
        LxDiscardSignals(Process, LX_STOP_SIGNALS);
        LxContinueProcess(Process);
    }
}

/* Sig, from the kernel, to every process of group Pgrp (terminal signals, hang-ups) */
VOID
LxSignalGroup(
    _In_ ULONG Pgrp,
    _In_ ULONG Sig)
{
    PLX_PROCESS Targets[64];
    ULONG Count, i;
    lx_sigfields Info;

    if (Pgrp == 0)
        return;
    LxSigFields(&Info, LX_SI_KERNEL, 0);
    Count = LxCollectProcesses((LONG)Pgrp, Targets, RTL_NUMBER_OF(Targets));
    for (i = 0; i < Count; i++)
    {
        LxSendSignal(Targets[i], Sig, &Info);
        LxDereferenceProcess(Targets[i]);
    }
}

/* A group the end of its last link outside orphans, with stopped processes, gets SIGHUP then
 * SIGCONT: nobody is left to continue them (POSIX; Linux's kill_orphaned_pgrp) */
static
VOID
LxHangUpIfOrphaned(
    _In_ ULONG Pgrp)
{
    if (LxProcessGroupOrphaned(Pgrp) && LxProcessGroupStopped(Pgrp))
    {
        LxSignalGroup(Pgrp, LX_SIGHUP);
        LxSignalGroup(Pgrp, LX_SIGCONT);
    }
}

/* Process ends (its ExitEvent set, its children not given to init yet): the groups it was the
 * last link of, its own (through its parent) and its children's, are hung up if they are
 * orphaned now with stopped processes. */
VOID
LxHangUpOrphanedGroups(
    _In_ PLX_PROCESS Process)
{
    ULONG Groups[16], Count, i;
    PLX_PROCESS Parent = LxLookupProcess(Process->ParentPid);

    if (Parent != NULL)
    {
        if (LxProcessGroupOf(Parent) != LxProcessGroupOf(Process) &&
            LxSessionOf(Parent) == LxSessionOf(Process))
            LxHangUpIfOrphaned(LxProcessGroupOf(Process));
        LxDereferenceProcess(Parent);
    }
    Count = LxChildGroups(Process, Groups, RTL_NUMBER_OF(Groups));
    for (i = 0; i < Count; i++)
        LxHangUpIfOrphaned(Groups[i]);
}
