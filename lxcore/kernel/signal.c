/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Signal delivery to the calling thread: Linux i386 sigframe / rt_sigframe on the
 *              user stack, default actions, sigreturn / rt_sigreturn
 *
 * Signals are delivered synchronously, to the thread that raised them: a CPU exception
 * (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP) from DispatchException, or kill/tkill/tgkill of
 * the caller itself, and a pending signal when rt_sigprocmask unblocks it. The frames follow
 * arch/x86/include/asm/sigframe.h (ia32): a handler installed with SA_SIGINFO gets an
 * rt_sigframe, any other handler a sigframe; the return address is sa_restorer (musl always
 * sets SA_RESTORER) or, without one, the frame's own retcode (int $0x80, which pico threads
 * may use). The x87/SSE state goes above the frame as Linux puts it there: a struct _fpstate
 * (its FNSAVE part, then the FXSAVE image 64-byte aligned) that sigcontext.fpstate and so
 * uc_mcontext.fpregs point to; the handler starts with the initial FPU state, and sigreturn
 * loads the frame's (or the initial state when fpstate is NULL), as Linux does.
 */

#include "lxkernel.h"
#include "lx_sigframe.h"

#define NDEBUG
#include <debug.h>

#define LX_SA_SIGINFO       0x00000004
#define LX_SA_RESTART       0x10000000
#define LX_SA_ONSTACK       0x08000000
#define LX_SA_RESTORER      0x04000000
#define LX_SA_NODEFER       0x40000000
#define LX_SA_RESETHAND     0x80000000
#define LX_SIG_DFL          0
#define LX_SIG_IGN          1

#define LX_USER_CS          0x1B
#define LX_USER_DS          0x23
#define LX_EFLAGS_USER      0x00040DD5  /* AC OF DF TF SF ZF AF PF CF, as Linux FIX_EFLAGS */
#define LX_EFLAGS_IF        0x00000200
#define LX_EFLAGS_TF        0x00000100
#define LX_EFLAGS_DF        0x00000400

typedef lx_sigcontext LX_SIGCONTEXT, *PLX_SIGCONTEXT;

C_ASSERT(sizeof(LX_SIGCONTEXT) == LX_SIGCONTEXT_SIZE);

/* Whether a signal with no handler ends the process (the others are ignored, or stop it:
 * LxSignalStops, or continue it: SIGCONT) */
static
BOOLEAN
LxSignalKillsByDefault(
    _In_ ULONG Sig)
{
    switch (Sig)
    {
        case LX_SIGCHLD:
        case LX_SIGCONT:
        case 23: /* SIGURG */
        case 28: /* SIGWINCH */
            return FALSE;
        default:
            return !LxSignalStops(Sig);
    }
}

/* Termination requested at APC_LEVEL (a signal APC): done by a system worker thread */
static
VOID
NTAPI
LxKillWorker(
    _In_ PVOID Context)
{
    PLX_PROCESS Process = Context;

    LxDebugFlush(Process);
    if (!KeReadStateEvent(&Process->ExitEvent) && Process->Process != NULL)
        LxPicoRoutines.TerminateProcess(Process->Process,
                                        (NTSTATUS)(0xC0000000 | Process->KillWorkSignal));
    InterlockedExchange(&Process->KillWorkQueued, 0);
    LxDereferenceProcess(Process);
}

/* The default action of a terminating signal: the whole process ends, killed by Sig.
 * Returns: the end comes on the calling thread's way back to user mode (see below). */
static
VOID
LxTerminateBySignal(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Sig)
{
    LARGE_INTEGER Pause;

    if (Process->Signal == 0 && !Process->ExitRequested)
        Process->Signal = Sig;
    /* ntoskrnl terminates threads at PASSIVE_LEVEL only, and ending the calling thread does
     * not return (PspPicoTerminateProcess ends it last, at once): from inside a system call or
     * a fault whose frames hold references (a file the call works on...) they would leak. So
     * a system worker ends the process, and the calling thread, at PASSIVE_LEVEL, waits until
     * it is marked for termination, then unwinds; it exits on its way back to user mode, where
     * the exit APC is delivered before any of its code runs again. */
    if (InterlockedCompareExchange(&Process->KillWorkQueued, 1, 0) == 0)
    {
        Process->KillWorkSignal = Sig;
        LxReferenceProcess(Process);
        ExInitializeWorkItem(&Process->KillWorkItem, LxKillWorker, Process);
        ExQueueWorkItem(&Process->KillWorkItem, CriticalWorkQueue);
    }
    if (KeGetCurrentIrql() != PASSIVE_LEVEL || PsGetCurrentProcess() != Process->Process)
        return;
    Pause.QuadPart = -10 * 10000LL;     /* 10 ms */
    while (!PsIsThreadTerminating(PsGetCurrentThread()))
        KeDelayExecutionThread(KernelMode, FALSE, &Pause);
}

/*
 * Sends Sig with the siginfo Info to the process Target, as Linux's send_signal and
 * complete_signal: SIGCONT continues it and stop signals cancel a pending SIGCONT
 * (LxPrepareSignal), whatever its disposition; a handled signal, or one every thread blocks,
 * is posted (it runs when a thread next returns to user mode or leaves an interruptible
 * wait), and so is any but SIGKILL sent to a stopped process; with no handler a stop signal
 * stops the whole process now (not SIGTSTP, SIGTTIN or SIGTTOU in an orphaned group), a fatal
 * one ends it now. At PASSIVE_LEVEL, holding no lock: Target may be the caller's own process
 * (a terminal's signal to its group). 0 or -EAGAIN.
 */
LONG
LxSendSignal(
    _In_ PLX_PROCESS Target,
    _In_ ULONG Sig,
    _In_ const lx_sigfields *Info)
{
    LONG Result;

    if (Sig == 0 || Target->Process == NULL || KeReadStateEvent(&Target->ExitEvent))
        return 0;
    LxPrepareSignal(Target, Sig);
    if (!LxSignalWouldRun(Target, Sig))
        return 0;
    /* a stopped process takes it when continued (a fatal one too, Linux's complete_signal:
     * no thread wants it); only SIGKILL ends it stopped */
    if (Sig != LX_SIGKILL && (Target->Actions.SignalHandlers[Sig] > LX_SIG_IGN ||
                              Target->Stopped || LxSignalBlocked(Target, 0, Sig)))
    {
        Result = LxSignalProcessInfo(Target, Sig, Info);
        return Result == -LX_ESRCH ? 0 : Result;
    }
    if (LxSignalStops(Sig))
    {
        LxStopProcess(Target, Sig);
        return 0;
    }
    if (Target == LxCurrentProcess())
    {
        LxTerminateBySignal(Target, Sig);   /* ends this thread on its way out */
        return 0;
    }
    if (Target->Signal == 0 && !Target->ExitRequested)
        Target->Signal = Sig;
    LxPicoRoutines.TerminateProcess(Target->Process, (NTSTATUS)(0xC0000000 | Sig));
    return 0;
}

static
VOID
LxFillSigcontext(
    _Out_ PLX_SIGCONTEXT Sc,
    _In_ PKTRAP_FRAME TrapFrame,
    _In_ ULONG SavedEax,
    _In_ ULONG Trapno,
    _In_ ULONG_PTR Cr2,
    _In_ ULONG OldMask)
{
    RtlZeroMemory(Sc, sizeof(*Sc));
    Sc->gs = TrapFrame->SegGs & 0xFFFF;
    Sc->fs = TrapFrame->SegFs & 0xFFFF;
    Sc->es = TrapFrame->SegEs & 0xFFFF;
    Sc->ds = TrapFrame->SegDs & 0xFFFF;
    Sc->edi = TrapFrame->Edi;
    Sc->esi = TrapFrame->Esi;
    Sc->ebp = TrapFrame->Ebp;
    Sc->esp = TrapFrame->HardwareEsp;
    Sc->ebx = TrapFrame->Ebx;
    Sc->edx = TrapFrame->Edx;
    Sc->ecx = TrapFrame->Ecx;
    Sc->eax = SavedEax;
    Sc->trapno = Trapno;
    Sc->err = Trapno == 14 ? TrapFrame->ErrCode : 0;
    Sc->eip = TrapFrame->Eip;
    Sc->cs = TrapFrame->SegCs & 0xFFFF;
    Sc->eflags = TrapFrame->EFlags;
    Sc->esp_at_signal = TrapFrame->HardwareEsp;
    Sc->ss = TrapFrame->HardwareSegSs & 0xFFFF;
    Sc->oldmask = OldMask;
    Sc->cr2 = (ULONG)Cr2;
}

/* The siginfo of a signal from kill/tkill or the kernel: si_code and the word after it
 * (si_pid of the sender, or si_addr of a fault). */
VOID
LxSigFields(
    _Out_ lx_sigfields *Info,
    _In_ LONG Code,
    _In_ ULONG_PTR PidOrAddress)
{
    RtlZeroMemory(Info, sizeof(*Info));
    Info->code = Code;
    Info->word[0] = (ULONG)PidOrAddress;
}

/*
 * Delivers Sig to the calling thread, whose user state is TrapFrame, with the siginfo Info
 * (si_code, then the union's words: si_pid/si_uid/si_value, si_addr for faults).
 * SavedEax is the EAX the interrupted code must see again after sigreturn (a system call's
 * result); Trapno is the CPU exception behind a fault (its si_addr is then CR2), else 0.
 * Returns LX_SIGNAL_DELIVERED (TrapFrame now enters the handler), LX_SIGNAL_IGNORED, or does
 * not return (default action: termination).
 */
ULONG
LxDeliverSignalInfo(
    _In_ PKTRAP_FRAME TrapFrame,
    _In_ ULONG Sig,
    _In_ const lx_sigfields *Info,
    _In_ ULONG SavedEax,
    _In_ ULONG Trapno)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_THREAD Thread = LxCurrentThread();
    ULONG_PTR Handler = Process->Actions.SignalHandlers[Sig];
    ULONG Flags = Process->Actions.SignalFlags[Sig];
    ULONG_PTR Restorer = Process->Actions.SignalRestorers[Sig];
    ULONGLONG OldMask = Thread->SignalMask;
    PUCHAR Frame, FpState, FxSave;
    LX_SIGCONTEXT Sc;
    ULONG_PTR Sp, FrameAddress, FpAddress;
    ULONG Size;

    if (Handler == LX_SIG_DFL && LxSignalStops(Sig))
    {
        /* the whole process stops here, this thread last, until SIGCONT or SIGKILL */
        LxStopProcess(Process, Sig);
        return LX_SIGNAL_IGNORED;
    }
    if (Handler == LX_SIG_IGN || (Handler == LX_SIG_DFL && !LxSignalKillsByDefault(Sig)))
        return LX_SIGNAL_IGNORED;
    if (Handler == LX_SIG_DFL)
    {
        LxTerminateBySignal(Process, Sig);
        return LX_SIGNAL_IGNORED;   /* not reached */
    }

    /* one block: the frame, the struct _fpstate and the FXSAVE image it is made from */
    Frame = ExAllocatePoolWithTag(PagedPool, LX_SF_SIZE + LX_FPSTATE_SIZE + LX_FXSAVE_SIZE,
                                  LX_TAG_TEMP);
    if (Frame == NULL)
    {
        LxTerminateBySignal(Process, Sig);
        return LX_SIGNAL_IGNORED;
    }
    FpState = Frame + LX_SF_SIZE;
    FxSave = FpState + LX_FPSTATE_SIZE;
    if (!NT_SUCCESS(LxGetFpuState(FxSave)))
    {
        ExFreePoolWithTag(Frame, LX_TAG_TEMP);
        LxTerminateBySignal(Process, Sig);
        return LX_SIGNAL_IGNORED;
    }
    lx_fpstate_from_fxsave(FpState, FxSave);
    LxFillSigcontext(&Sc, TrapFrame, SavedEax, Trapno, Trapno != 0 ? Info->word[0] : 0,
                     (ULONG)OldMask);
    RtlZeroMemory(Frame, LX_SF_SIZE);
    Sp = TrapFrame->HardwareEsp;
    /* SA_ONSTACK: the alternate stack, unless the thread is already running on it */
    if ((Flags & LX_SA_ONSTACK) && Thread->AltStackSize != 0 &&
        !(Thread->AltStackFlags & LX_SS_DISABLE) &&
        !(Sp > Thread->AltStackBase && Sp <= Thread->AltStackBase + Thread->AltStackSize))
    {
        Sp = Thread->AltStackBase + Thread->AltStackSize;
    }
    /* the FPU state first (fpu__alloc_mathframe: FXSAVE image 64-byte aligned, the FNSAVE
     * part right below it), the frame below that */
    FpAddress = ((Sp - LX_FXSAVE_SIZE) & ~(ULONG_PTR)63) - LX_FREGS_SIZE;
    Sc.fpstate = (ULONG)FpAddress;

    if (Flags & LX_SA_SIGINFO)
    {
        Size = LX_RT_SIZE;
        FrameAddress = lx_sigframe_address((ULONG)FpAddress, Size);
        *(PULONG)(Frame + LX_RT_SIG) = Sig;
        *(PULONG)(Frame + LX_RT_PINFO) = (ULONG)(FrameAddress + LX_RT_INFO);
        *(PULONG)(Frame + LX_RT_PUC) = (ULONG)(FrameAddress + LX_RT_UC);
        /* siginfo: si_signo, si_errno, si_code, then the union */
        *(PULONG)(Frame + LX_RT_INFO) = Sig;
        *(PLONG)(Frame + LX_RT_INFO + 8) = Info->code;
        RtlCopyMemory(Frame + LX_RT_INFO + 12, Info->word, sizeof(Info->word));
        *(PULONG)(Frame + LX_RT_UC + LX_UC_STACK + 4) = LX_SS_DISABLE;
        RtlCopyMemory(Frame + LX_RT_UC + LX_UC_MCONTEXT, &Sc, sizeof(Sc));
        RtlCopyMemory(Frame + LX_RT_UC + LX_UC_SIGMASK, &OldMask, sizeof(OldMask));
        /* retcode: mov $173, %eax; int $0x80 */
        Frame[LX_RT_RETCODE + 0] = 0xB8;
        *(PULONG)(Frame + LX_RT_RETCODE + 1) = 173;
        Frame[LX_RT_RETCODE + 5] = 0xCD;
        Frame[LX_RT_RETCODE + 6] = 0x80;
        *(PULONG)Frame = (Flags & LX_SA_RESTORER) ? (ULONG)Restorer :
                                                    (ULONG)(FrameAddress + LX_RT_RETCODE);
    }
    else
    {
        Size = LX_SF_SIZE;
        FrameAddress = lx_sigframe_address((ULONG)FpAddress, Size);
        *(PULONG)(Frame + LX_SF_SIG) = Sig;
        RtlCopyMemory(Frame + LX_SF_SC, &Sc, sizeof(Sc));
        *(PULONG)(Frame + LX_SF_EXTRAMASK) = (ULONG)(OldMask >> 32);
        /* retcode: pop %eax; mov $119, %eax; int $0x80 */
        Frame[LX_SF_RETCODE + 0] = 0x58;
        Frame[LX_SF_RETCODE + 1] = 0xB8;
        *(PULONG)(Frame + LX_SF_RETCODE + 2) = 119;
        Frame[LX_SF_RETCODE + 6] = 0xCD;
        Frame[LX_SF_RETCODE + 7] = 0x80;
        *(PULONG)Frame = (Flags & LX_SA_RESTORER) ? (ULONG)Restorer :
                                                    (ULONG)(FrameAddress + LX_SF_RETCODE);
    }

    if (FpAddress >= Sp || FrameAddress >= FpAddress ||
        LxCopyToUser(FpAddress, FpState, LX_FPSTATE_SIZE) < 0 ||
        LxCopyToUser(FrameAddress, Frame, Size) < 0)
    {
        ExFreePoolWithTag(Frame, LX_TAG_TEMP);
        /* no room for the frame: Linux forces SIGSEGV */
        DbgPrint("lxss[%lu]: cannot write the frame for signal %lu at 0x%08lx\n",
                 Process->Pid, Sig, FrameAddress);
        LxTerminateBySignal(Process, LX_SIGSEGV);
        return LX_SIGNAL_IGNORED;
    }

    ExFreePoolWithTag(Frame, LX_TAG_TEMP);

    /* the handler starts with the initial FPU state (Linux: fpu__clear_user_states) */
    LxSetFpuState(NULL);

    /* the handler runs with sa_mask and (without SA_NODEFER) Sig itself blocked */
    Thread->SignalMask |= Process->Actions.SignalMasks[Sig];
    if (!(Flags & LX_SA_NODEFER))
        Thread->SignalMask |= 1ULL << (Sig - 1);
    if (Flags & LX_SA_RESETHAND)
    {
        Process->Actions.SignalHandlers[Sig] = LX_SIG_DFL;
        Process->Actions.SignalFlags[Sig] &= ~LX_SA_SIGINFO;
    }

    TrapFrame->HardwareEsp = FrameAddress;
    TrapFrame->Eip = Handler;
    TrapFrame->Eax = Sig;
    TrapFrame->Edx = (Flags & LX_SA_SIGINFO) ? (ULONG)(FrameAddress + LX_RT_INFO) : 0;
    TrapFrame->Ecx = (Flags & LX_SA_SIGINFO) ? (ULONG)(FrameAddress + LX_RT_UC) : 0;
    TrapFrame->EFlags &= ~(LX_EFLAGS_TF | LX_EFLAGS_DF);
    TrapFrame->SegCs = LX_USER_CS;
    TrapFrame->SegDs = TrapFrame->SegEs = TrapFrame->HardwareSegSs = LX_USER_DS;
    return LX_SIGNAL_DELIVERED;
}

/* Delivers a signal whose siginfo is si_code Code and si_addr (a fault, Code > 0) or si_pid
 * (kill, tkill) Address. */
ULONG
LxDeliverSignal(
    _In_ PKTRAP_FRAME TrapFrame,
    _In_ ULONG Sig,
    _In_ LONG Code,
    _In_ ULONG_PTR Address,
    _In_ ULONG SavedEax,
    _In_ ULONG Trapno)
{
    lx_sigfields Info;

    LxSigFields(&Info, Code, Address);
    return LxDeliverSignalInfo(TrapFrame, Sig, &Info, SavedEax, Trapno);
}

/*
 * Asynchronous signals. Every Linux thread is on LxThreadList with a synchronization event;
 * posting a signal adds it to the thread's pending set (under LxSignalLock: a standard signal
 * coalesces, each real-time one is queued with its siginfo, core/lx_sigqueue.c) and sets the
 * event. A thread sees it at its next interruptible wait (LxWaitInterruptible: pipes,
 * futexes, sleeps, wait4, poll), which then ends the call: the call hands the signal to
 * LxInterruptedCall, which builds the frame (-EINTR, or the call restarted after the handler
 * with SA_RESTART), and at the calls that change the mask or return from a handler.
 * A thread running user code without entering a wait is not interrupted (no async APC yet).
 */
static KSPIN_LOCK LxSignalLock;
static LIST_ENTRY LxThreadList;

/* Frees queued instances (a chain through next) charged to Process. Under LxSignalLock. */
static
VOID
LxFreeSigEntries(
    _In_ PLX_PROCESS Process,
    _In_opt_ lx_sigq_entry *Chain)
{
    while (Chain != NULL)
    {
        lx_sigq_entry *Next = Chain->next;

        Process->SigQueued--;
        ExFreePoolWithTag(Chain, LX_TAG_SIGQUEUE);
        Chain = Next;
    }
}

/*
 * Adds a send of Sig to a pending set of (a thread of) Process, as Linux's __send_signal: a
 * standard signal already pending is dropped; otherwise the instance gets an entry, charged
 * to Process against RLIMIT_SIGPENDING (per process here, per user in Linux), except standard
 * signals from kill or the kernel (si_code >= 0), which are never refused one. Without an
 * entry a real-time signal from anything but kill fails with -EAGAIN (sigqueue's EAGAIN);
 * otherwise the bit is set and the siginfo lost. Under LxSignalLock.
 */
static
LONG
LxQueueSignalLocked(
    _In_ PLX_PROCESS Process,
    _Inout_ lx_sigpending *Set,
    _In_ ULONG Sig,
    _In_ const lx_sigfields *Info)
{
    lx_sigq_entry *Entry = NULL;

    if (lx_sigpending_coalesces(Set, Sig))
        return 0;
    if ((Sig < LX_SIGRTMIN_KERNEL && Info->code >= 0) ||
        (ULONGLONG)Process->SigQueued < Process->Limits.RlimitCur[LX_RLIMIT_SIGPENDING])
    {
        Entry = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Entry), LX_TAG_SIGQUEUE);
    }
    if (Entry != NULL)
        Process->SigQueued++;
    else if (Sig >= LX_SIGRTMIN_KERNEL && Info->code != LX_SI_USER)
        return -LX_EAGAIN;
    lx_sigpending_add(Set, Sig, Entry, Info);
    LxWakeWaitQueue(&Process->SignalWait, LX_POLLIN | LX_POLLRDNORM);
    return 0;
}

/* Takes the oldest instance of Sig, pending for Thread (first) or its process: its siginfo in
 * *Info. Under LxSignalLock. */
static
VOID
LxTakeSignalLocked(
    _In_ PLX_THREAD Thread,
    _In_ ULONG Sig,
    _Out_ lx_sigfields *Info)
{
    PLX_PROCESS Process = Thread->Process;
    lx_sigpending *Set = (Thread->Pending.mask & lx_sigbit(Sig)) ? &Thread->Pending :
                                                                    &Process->SharedPending;

    LxFreeSigEntries(Process, lx_sigpending_take(Set, Sig, Info));
}

VOID
LxInitializeSignals(VOID)
{
    KeInitializeSpinLock(&LxSignalLock);
    InitializeListHead(&LxThreadList);
    LxInitializeJobControl();
}

/* Records the ETHREAD of a thread just created (ThreadHandle) in its LX_THREAD, unless the
 * thread already ended: its LX_THREAD is then freed or about to be (ExitThread callback), and
 * it is looked at only under LxSignalLock, which LxUnregisterThread takes first. */
VOID
LxRecordThreadObject(
    _In_ PLX_THREAD Thread,
    _In_ HANDLE ThreadHandle)
{
    PETHREAD NtThread;
    KIRQL Irql;

    if (!NT_SUCCESS(ObReferenceObjectByHandle(ThreadHandle, 0, *PsThreadType, KernelMode,
                                              (PVOID *)&NtThread, NULL)))
        return;
    KeAcquireSpinLock(&LxSignalLock, &Irql);
    if (!PsIsThreadTerminating(NtThread) && Thread->NtThread == NULL &&
        LxPicoRoutines.GetThreadContext(NtThread) == Thread)
    {
        Thread->NtThread = NtThread;
    }
    KeReleaseSpinLock(&LxSignalLock, Irql);
    ObDereferenceObject(NtThread);
}

/*
 * The NT threads of Process, referenced, at most Max: Stop, those a stop has not suspended
 * yet, now marked as suspended by it; otherwise those it suspended, now unmarked. Called
 * until it returns 0 (jobctl.c, under LxJobLock).
 */
ULONG
LxCollectStopThreads(
    _In_ PLX_PROCESS Process,
    _In_ BOOLEAN Stop,
    _Out_writes_(Max) PETHREAD *Out,
    _In_ ULONG Max)
{
    PLIST_ENTRY Entry;
    ULONG Count = 0;
    KIRQL Irql;

    KeAcquireSpinLock(&LxSignalLock, &Irql);
    for (Entry = LxThreadList.Flink; Entry != &LxThreadList && Count < Max; Entry = Entry->Flink)
    {
        PLX_THREAD Thread = CONTAINING_RECORD(Entry, LX_THREAD, SignalLink);

        if (Thread->Process != Process || Thread->NtThread == NULL ||
            Thread->StopSuspended != !Stop)
            continue;
        Thread->StopSuspended = Stop;
        ObReferenceObject(Thread->NtThread);
        Out[Count++] = Thread->NtThread;
    }
    KeReleaseSpinLock(&LxSignalLock, Irql);
    return Count;
}

/* Drops the signals of Set pending for Process or any of its threads (a SIGCONT drops the
 * stop signals, a stop signal SIGCONT: Linux's prepare_signal) */
VOID
LxDiscardSignals(
    _In_ PLX_PROCESS Process,
    _In_ ULONGLONG Set)
{
    PLIST_ENTRY Entry;
    KIRQL Irql;

    KeAcquireSpinLock(&LxSignalLock, &Irql);
    LxFreeSigEntries(Process, lx_sigpending_discard(&Process->SharedPending, Set));
    for (Entry = LxThreadList.Flink; Entry != &LxThreadList; Entry = Entry->Flink)
    {
        PLX_THREAD Thread = CONTAINING_RECORD(Entry, LX_THREAD, SignalLink);

        if (Thread->Process == Process)
            LxFreeSigEntries(Process, lx_sigpending_discard(&Thread->Pending, Set));
    }
    KeReleaseSpinLock(&LxSignalLock, Irql);
}

VOID
LxRegisterThread(
    _In_ PLX_THREAD Thread)
{
    KIRQL Irql;

    KeInitializeEvent(&Thread->SignalEvent, SynchronizationEvent, FALSE);
    lx_sigpending_init(&Thread->Pending);
    KeAcquireSpinLock(&LxSignalLock, &Irql);
    InsertTailList(&LxThreadList, &Thread->SignalLink);
    Thread->SignalRegistered = TRUE;
    KeReleaseSpinLock(&LxSignalLock, Irql);
}

VOID
LxUnregisterThread(
    _In_ PLX_THREAD Thread)
{
    KIRQL Irql;

    KeAcquireSpinLock(&LxSignalLock, &Irql);
    if (Thread->SignalRegistered)
    {
        RemoveEntryList(&Thread->SignalLink);
        Thread->SignalRegistered = FALSE;
        /* what is still pending for the thread dies with it */
        LxFreeSigEntries(Thread->Process, lx_sigpending_discard(&Thread->Pending, ~0ULL));
    }
    KeReleaseSpinLock(&LxSignalLock, Irql);
}

/*
 * A thread running user code (not in a wait) is reached through APCs: a special kernel APC
 * runs in the thread as soon as it is scheduled and queues a user-mode APC with
 * KeTestAlertThread; the kernel delivers user APCs on the thread's next way back to user
 * mode (end of any system call, interrupt or exception from user mode) with the user trap
 * frame in place, and that APC's kernel routine builds the signal frame there (its normal
 * routine is cancelled: nothing runs in user mode but the Linux handler). The APC objects
 * are pool blocks freed by their routines (or by the rundown on thread exit).
 */
static
VOID
NTAPI
LxSignalApcRundown(
    _In_ PKAPC Apc)
{
    ExFreePoolWithTag(Apc, LX_TAG_TEMP);
}

static
VOID
NTAPI
LxSignalApcNormal(
    _In_opt_ PVOID NormalContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2)
{
    UNREFERENCED_PARAMETER(NormalContext);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
}

static ULONG LxPeekSignal(_In_ PLX_THREAD Thread, _In_ BOOLEAN Take,
                          _Out_opt_ lx_sigfields *Info);

/* The user trap frame of the current thread: a thread that entered the kernel from user
 * mode has it at the top of its kernel stack (ntoskrnl's KeGetTrapFrame). */
static
PKTRAP_FRAME
LxUserTrapFrame(VOID)
{
    PKTHREAD Thread = KeGetCurrentThread();

    return (PKTRAP_FRAME)((ULONG_PTR)Thread->InitialStack - sizeof(KTRAP_FRAME) -
                          sizeof(FX_SAVE_AREA));
}

static
VOID
NTAPI
LxSignalUserApcKernel(
    _In_ PKAPC Apc,
    _Inout_ PKNORMAL_ROUTINE *NormalRoutine,
    _Inout_ PVOID *NormalContext,
    _Inout_ PVOID *SystemArgument1,
    _Inout_ PVOID *SystemArgument2)
{
    PLX_THREAD Thread;
    PKTRAP_FRAME TrapFrame = LxUserTrapFrame();
    KIRQL Irql;
    ULONG Sig;
    lx_sigfields Info;

    UNREFERENCED_PARAMETER(NormalContext);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    ExFreePoolWithTag(Apc, LX_TAG_TEMP);
    *NormalRoutine = NULL;
    /* an exiting thread's LX_THREAD may already be gone (ExitThread callback) */
    if (PsIsThreadTerminating(PsGetCurrentThread()))
        return;
    Thread = LxCurrentThread();
    if (Thread == NULL)
        return;
    KeAcquireSpinLock(&LxSignalLock, &Irql);
    Thread->SignalApcArmed = FALSE;
    KeReleaseSpinLock(&LxSignalLock, Irql);
    if ((TrapFrame->SegCs & 1) == 0 || (TrapFrame->EFlags & 0x20000 /* V86 */))
        return;
    Sig = LxPeekSignal(Thread, TRUE, &Info);
    if (Sig == 0)
        return;
    /* the interrupted code's EAX (a finished system call's result) comes back after
     * sigreturn; a default action that ends the process was taken by the sender */
    LxDeliverSignalInfo(TrapFrame, Sig, &Info, TrapFrame->Eax, 0);
}

static
VOID
NTAPI
LxSignalKernelApc(
    _In_ PKAPC Apc,
    _Inout_ PKNORMAL_ROUTINE *NormalRoutine,
    _Inout_ PVOID *NormalContext,
    _Inout_ PVOID *SystemArgument1,
    _Inout_ PVOID *SystemArgument2)
{
    PKAPC UserApc;

    UNREFERENCED_PARAMETER(NormalRoutine);
    UNREFERENCED_PARAMETER(NormalContext);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    if (PsIsThreadTerminating(PsGetCurrentThread()))
    {
        /* its LX_THREAD may already be gone (ExitThread callback) */
        ExFreePoolWithTag(Apc, LX_TAG_TEMP);
        return;
    }
    UserApc = Apc;      /* reused as the user-mode APC */
    KeInitializeApc(UserApc, KeGetCurrentThread(), OriginalApcEnvironment,
                    LxSignalUserApcKernel, LxSignalApcRundown, LxSignalApcNormal, UserMode,
                    NULL);
    if (!KeInsertQueueApc(UserApc, NULL, NULL, IO_NO_INCREMENT))
    {
        PLX_THREAD Thread = LxCurrentThread();
        KIRQL Irql;

        ExFreePoolWithTag(UserApc, LX_TAG_TEMP);
        if (Thread != NULL)
        {
            KeAcquireSpinLock(&LxSignalLock, &Irql);
            Thread->SignalApcArmed = FALSE;
            KeReleaseSpinLock(&LxSignalLock, Irql);
        }
        return;
    }
    /* what KeTestAlertThread(UserMode) does (not exported): the user APC is delivered on
     * the thread's next return to user mode, or ends its alertable user-mode wait */
    KeGetCurrentThread()->ApcState.UserApcPending = TRUE;
}

static
LONG
LxPostSignalLocked(
    _In_ PLX_THREAD Thread,
    _In_ ULONG Sig,
    _In_ const lx_sigfields *Info)
{
    PKAPC Apc;
    LONG Result;

    Result = LxQueueSignalLocked(Thread->Process, &Thread->Pending, Sig, Info);
    if (Result < 0 || !Thread->SignalRegistered)
        return Result;
    KeSetEvent(&Thread->SignalEvent, IO_NO_INCREMENT, FALSE);
    if (Thread->SignalApcArmed || Thread->NtThread == NULL ||
        (Thread->SignalMask & lx_sigbit(Sig)))
        return 0;
    Apc = ExAllocatePoolWithTag(NonPagedPool, sizeof(KAPC), LX_TAG_TEMP);
    if (Apc == NULL)
        return 0;
    KeInitializeApc(Apc, (PKTHREAD)Thread->NtThread, OriginalApcEnvironment, LxSignalKernelApc,
                    LxSignalApcRundown, NULL, KernelMode, NULL);
    if (KeInsertQueueApc(Apc, NULL, NULL, IO_NO_INCREMENT))
        Thread->SignalApcArmed = TRUE;
    else
        ExFreePoolWithTag(Apc, LX_TAG_TEMP);
    return 0;
}

/* Makes Sig pending for Thread with the siginfo Info. 0, or -EAGAIN (see LxQueueSignalLocked). */
LONG
LxPostSignalInfo(
    _In_ PLX_THREAD Thread,
    _In_ ULONG Sig,
    _In_ const lx_sigfields *Info)
{
    LONG Result;
    KIRQL Irql;

    if (Sig == 0 || Sig > 64)
        return -LX_EINVAL;
    KeAcquireSpinLock(&LxSignalLock, &Irql);
    Result = LxPostSignalLocked(Thread, Sig, Info);
    KeReleaseSpinLock(&LxSignalLock, Irql);
    return Result;
}

/* tkill/tgkill/rt_tgsigqueueinfo: Tid of Process (any process when NULL). 0, -ESRCH or
 * -EAGAIN. Without Info the signal carries SI_TKILL and the calling process's pid (glibc's
 * cancellation handler checks both). */
LONG
LxSignalThreadByTid(
    _In_opt_ PLX_PROCESS Process,
    _In_ ULONG Tid,
    _In_ ULONG Sig,
    _In_opt_ const lx_sigfields *Info)
{
    PLX_PROCESS Sender = LxCurrentProcess();
    PLIST_ENTRY Entry;
    LONG Result = -LX_ESRCH;
    lx_sigfields Tkill;
    KIRQL Irql;

    if (Info == NULL)
    {
        LxSigFields(&Tkill, LX_SI_TKILL, Sender != NULL ? Sender->Pid : 0);
        Info = &Tkill;
    }
    KeAcquireSpinLock(&LxSignalLock, &Irql);
    for (Entry = LxThreadList.Flink; Entry != &LxThreadList; Entry = Entry->Flink)
    {
        PLX_THREAD Thread = CONTAINING_RECORD(Entry, LX_THREAD, SignalLink);

        if (Thread->Tid == Tid && (Process == NULL || Thread->Process == Process))
        {
            Result = Sig != 0 ? LxPostSignalLocked(Thread, Sig, Info) : 0;
            break;
        }
    }
    KeReleaseSpinLock(&LxSignalLock, Irql);
    return Result;
}

/* A process-directed signal goes to a thread that does not block it (else it stays pending
 * for the process). 0, -ESRCH (no thread left) or -EAGAIN. Callable up to DISPATCH_LEVEL
 * (the interval timer's DPC). */
LONG
LxSignalProcessInfo(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Sig,
    _In_ const lx_sigfields *Info)
{
    PLIST_ENTRY Entry;
    PLX_THREAD Target = NULL;
    BOOLEAN Found = FALSE;
    LONG Result = -LX_ESRCH;
    KIRQL Irql;

    if (Sig == 0 || Sig > 64)
        return -LX_EINVAL;
    KeAcquireSpinLock(&LxSignalLock, &Irql);
    for (Entry = LxThreadList.Flink; Entry != &LxThreadList; Entry = Entry->Flink)
    {
        PLX_THREAD Thread = CONTAINING_RECORD(Entry, LX_THREAD, SignalLink);

        if (Thread->Process != Process)
            continue;
        Found = TRUE;
        if (!(Thread->SignalMask & (1ULL << (Sig - 1))))
        {
            Target = Thread;
            break;
        }
    }
    if (Target != NULL)
    {
        Result = LxPostSignalLocked(Target, Sig, Info);
    }
    else if (Found)
    {
        /* every thread blocks it: pending for the process, taken by the first thread that
         * unblocks it or waits for it (sigwait); wake them all to look */
        Result = LxQueueSignalLocked(Process, &Process->SharedPending, Sig, Info);
        for (Entry = LxThreadList.Flink;
             Result == 0 && Entry != &LxThreadList;
             Entry = Entry->Flink)
        {
            PLX_THREAD Thread = CONTAINING_RECORD(Entry, LX_THREAD, SignalLink);

            if (Thread->Process == Process)
                KeSetEvent(&Thread->SignalEvent, IO_NO_INCREMENT, FALSE);
        }
    }
    KeReleaseSpinLock(&LxSignalLock, Irql);
    return Result;
}

/* Whether Sig sent to Process (to its thread Tid, or 0: to the process) would only be made
 * pending: every such thread blocks it. */
BOOLEAN
LxSignalBlocked(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Tid,
    _In_ ULONG Sig)
{
    PLIST_ENTRY Entry;
    BOOLEAN Found = FALSE, Blocked = TRUE;
    KIRQL Irql;

    KeAcquireSpinLock(&LxSignalLock, &Irql);
    for (Entry = LxThreadList.Flink; Entry != &LxThreadList; Entry = Entry->Flink)
    {
        PLX_THREAD Thread = CONTAINING_RECORD(Entry, LX_THREAD, SignalLink);

        if (Thread->Process != Process || (Tid != 0 && Thread->Tid != Tid))
            continue;
        Found = TRUE;
        if (!(Thread->SignalMask & lx_sigbit(Sig)))
        {
            Blocked = FALSE;
            break;
        }
    }
    KeReleaseSpinLock(&LxSignalLock, Irql);
    return Found && Blocked;
}

static
BOOLEAN
LxSignalProcessAsync(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Sig,
    _In_ LONG Code,
    _In_ ULONG Pid)
{
    lx_sigfields Info;

    LxSigFields(&Info, Code, Pid);
    return LxSignalProcessInfo(Process, Sig, &Info) != -LX_ESRCH;
}

ULONGLONG
LxPendingSignals(
    _In_ PLX_THREAD Thread)
{
    ULONGLONG Pending;
    KIRQL Irql;

    KeAcquireSpinLock(&LxSignalLock, &Irql);
    Pending = Thread->Pending.mask | Thread->Process->SharedPending.mask;
    KeReleaseSpinLock(&LxSignalLock, Irql);
    return Pending;
}

/* Takes the lowest signal of Set pending for Thread or its process (sigtimedwait, signalfd):
 * the signal and its siginfo, or 0 */
ULONG
LxDequeueSignal(
    _In_ PLX_THREAD Thread,
    _In_ ULONGLONG Set,
    _Out_ lx_sigfields *Info)
{
    ULONG Sig;
    KIRQL Irql;

    KeAcquireSpinLock(&LxSignalLock, &Irql);
    Sig = lx_sig_lowest((Thread->Pending.mask | Thread->Process->SharedPending.mask) & Set);
    if (Sig != 0)
        LxTakeSignalLocked(Thread, Sig, Info);
    KeReleaseSpinLock(&LxSignalLock, Irql);
    return Sig;
}

/* TRUE if Sig, delivered to Process, would run a handler or end it (not ignored). */
BOOLEAN
LxSignalWouldRun(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Sig)
{
    ULONG_PTR Handler;

    if (Sig == 0 || Sig > 64)
        return FALSE;
    Handler = Process->Actions.SignalHandlers[Sig];
    if (Sig == LX_SIGKILL)
        return TRUE;
    if (Handler == LX_SIG_DFL)
        return LxSignalKillsByDefault(Sig) || LxSignalStops(Sig);
    return Handler != LX_SIG_IGN;
}

/* The lowest pending signal the thread does not block, 0 if none; pending signals whose
 * disposition is to ignore are discarded on the way. Take: take the oldest instance of the
 * one returned (the thread's own first, else the process's), its siginfo in *Info. */
static
ULONG
LxPeekSignal(
    _In_ PLX_THREAD Thread,
    _In_ BOOLEAN Take,
    _Out_opt_ lx_sigfields *Info)
{
    PLX_PROCESS Process = Thread->Process;
    ULONGLONG Ready;
    ULONG Sig;
    lx_sigfields Taken;
    KIRQL Irql;

    KeAcquireSpinLock(&LxSignalLock, &Irql);
    Ready = (Thread->Pending.mask | Process->SharedPending.mask) & ~Thread->SignalMask;
    while ((Sig = lx_sig_lowest(Ready)) != 0)
    {
        ULONGLONG Bit = lx_sigbit(Sig);

        if (LxSignalWouldRun(Process, Sig))
            break;
        LxFreeSigEntries(Process, lx_sigpending_discard(&Thread->Pending, Bit));
        LxFreeSigEntries(Process, lx_sigpending_discard(&Process->SharedPending, Bit));
        Ready &= ~Bit;
    }
    if (Sig != 0 && Take)
    {
        LxTakeSignalLocked(Thread, Sig, &Taken);
        if (Info != NULL)
            *Info = Taken;
    }
    KeReleaseSpinLock(&LxSignalLock, Irql);
    return Sig;
}

/* Delivers the lowest pending, unblocked signal of the calling thread, if any. */
ULONG
LxDeliverPendingSignal(
    _In_ PKTRAP_FRAME TrapFrame,
    _In_ ULONG SavedEax,
    _Out_ PULONG Delivered)
{
    PLX_THREAD Thread = LxCurrentThread();
    ULONG Sig;
    lx_sigfields Info;

    *Delivered = 0;
    if (Thread == NULL)
        return LX_SIGNAL_IGNORED;
    while ((Sig = LxPeekSignal(Thread, TRUE, &Info)) != 0)
    {
        if (LxDeliverSignalInfo(TrapFrame, Sig, &Info, SavedEax, 0) ==
            LX_SIGNAL_DELIVERED)
        {
            *Delivered = Sig;
            return LX_SIGNAL_DELIVERED;
        }
    }
    return LX_SIGNAL_IGNORED;
}

/*
 * Waits for any of Objects (at most LX_WAIT_MAX_OBJECTS) like KeWaitForMultipleObjects
 * (WaitAny), but gives up with STATUS_ALERTED when a signal the thread would handle is
 * pending, and on termination (the wait is an alertable user-mode one, so the exit APC of
 * SIGKILL / exit_group from another thread ends it). Returns STATUS_WAIT_0 + index,
 * STATUS_TIMEOUT or STATUS_ALERTED.
 */
NTSTATUS
LxWaitInterruptible(
    _In_ ULONG Count,
    _In_reads_(Count) PVOID *Objects,
    _In_opt_ PLARGE_INTEGER Timeout)
{
    PLX_THREAD Thread = LxCurrentThread();
    PVOID All[LX_WAIT_MAX_OBJECTS + 1];
    PKWAIT_BLOCK Blocks = NULL;
    NTSTATUS Status;

    if (Count == 0 || Count > LX_WAIT_MAX_OBJECTS)
        return STATUS_INVALID_PARAMETER;
    if (Count + 1 > THREAD_WAIT_OBJECTS)
    {
        Blocks = ExAllocatePoolWithTag(NonPagedPool, (Count + 1) * sizeof(KWAIT_BLOCK),
                                       LX_TAG_TEMP);
        if (Blocks == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (Thread == NULL || !Thread->SignalRegistered)
    {
        /* not a Linux thread (cannot happen for system calls): a plain wait */
        Status = KeWaitForMultipleObjects(Count, Objects, WaitAny, Executive, KernelMode, FALSE,
                                          Timeout, Blocks);
        if (Blocks != NULL)
            ExFreePoolWithTag(Blocks, LX_TAG_TEMP);
        return Status;
    }
    RtlCopyMemory(All, Objects, Count * sizeof(PVOID));
    All[Count] = &Thread->SignalEvent;
    for (;;)
    {
        if (LxPeekSignal(Thread, FALSE, NULL) != 0)
        {
            Status = STATUS_ALERTED;
            break;
        }
        Status = KeWaitForMultipleObjects(Count + 1, All, WaitAny, Executive, UserMode, TRUE,
                                          Timeout, Blocks);
        if (Status == STATUS_WAIT_0 + Count)
            continue;       /* a signal was posted: handled or ignored? */
        if (Status == STATUS_USER_APC || Status == STATUS_ALERTED || Status == STATUS_KERNEL_APC)
            Status = STATUS_ALERTED;
        break;
    }
    if (Blocks != NULL)
        ExFreePoolWithTag(Blocks, LX_TAG_TEMP);
    return Status;
}

/*
 * A blocking system call that LxWaitInterruptible interrupted returns this: the pending
 * signal's handler is entered (the value returned is the handler's EAX, the call's own
 * result is in the frame): -EINTR, or with SA_RESTART and a Restartable call, the trap
 * itself again (EIP back onto the 2-byte int, EAX = the call number, EDX untouched).
 * Without a signal (termination), -EINTR.
 */
LONG
LxInterruptedCall(
    _In_ BOOLEAN Restartable)
{
    PLX_THREAD Thread = LxCurrentThread();
    PLX_PROCESS Process = LxCurrentProcess();
    PKTRAP_FRAME TrapFrame = PsGetPicoThreadTrapFrame(PsGetCurrentThread());
    ULONG Sig, SavedEax = (ULONG)-LX_EINTR;
    lx_sigfields Info;
    BOOLEAN Rewound = FALSE;

    if (Thread == NULL || Process == NULL || TrapFrame == NULL)
        return -LX_EINTR;
    Sig = LxPeekSignal(Thread, TRUE, &Info);
    if (Sig == 0)
        return -LX_EINTR;
    if (Restartable && Process->Actions.SignalHandlers[Sig] > LX_SIG_IGN &&
        (Process->Actions.SignalFlags[Sig] & LX_SA_RESTART))
    {
        SavedEax = TrapFrame->Eax;
        TrapFrame->Eip -= 2;
        Rewound = TRUE;
    }
    if (LxDeliverSignalInfo(TrapFrame, Sig, &Info, SavedEax, 0) == LX_SIGNAL_DELIVERED)
    {
        Thread->EnteredHandler = TRUE;
        return (LONG)Sig;
    }
    /* no handler ran: the signal stopped the process, now continued; Linux restarts the call
     * then, but for those that end with EINTR anyway (signal(7): epoll_wait, semtimedop...) */
    if (Restartable)
    {
        if (!Rewound)
            TrapFrame->Eip -= 2;
        return (LONG)TrapFrame->Eax;
    }
    if (Rewound)
        TrapFrame->Eip += 2;
    return -LX_EINTR;
}

/* An interrupted call that ran with a temporary mask (rt_sigsuspend, ppoll): the signal is
 * taken under that mask, then the original mask is put back and recorded in the frame, so
 * sigreturn restores it (-EINTR for the call). */
LONG
LxInterruptedCallWithMask(
    _In_ ULONGLONG OriginalMask)
{
    PLX_THREAD Thread = LxCurrentThread();
    PKTRAP_FRAME TrapFrame = PsGetPicoThreadTrapFrame(PsGetCurrentThread());
    ULONG Sig;
    lx_sigfields Info;

    if (Thread == NULL)
        return -LX_EINTR;
    Sig = LxPeekSignal(Thread, TRUE, &Info);
    Thread->SignalMask = OriginalMask;
    if (Sig == 0 || TrapFrame == NULL)
        return -LX_EINTR;
    if (LxDeliverSignalInfo(TrapFrame, Sig, &Info, (ULONG)-LX_EINTR, 0) == LX_SIGNAL_DELIVERED)
    {
        Thread->EnteredHandler = TRUE;
        return (LONG)Sig;
    }
    /* a stop, now continued: the call starts again (ERESTARTNOHAND with no handler) */
    TrapFrame->Eip -= 2;
    return (LONG)TrapFrame->Eax;
}

/* Sleeps for a relative interval (negative, 100 ns units): STATUS_SUCCESS when it ran out,
 * STATUS_ALERTED when a signal the thread handles is pending or on termination. */
NTSTATUS
LxSleepInterruptible(
    _In_ PLARGE_INTEGER Interval)
{
    PLX_THREAD Thread = LxCurrentThread();
    ULONGLONG Deadline = KeQueryInterruptTime() + (ULONGLONG)(-Interval->QuadPart);
    LARGE_INTEGER Wait;
    NTSTATUS Status;

    if (Thread == NULL || !Thread->SignalRegistered)
        return KeDelayExecutionThread(KernelMode, FALSE, Interval);
    for (;;)
    {
        ULONGLONG Now;

        if (LxPeekSignal(Thread, FALSE, NULL) != 0)
            return STATUS_ALERTED;
        Now = KeQueryInterruptTime();
        if (Now >= Deadline)
            return STATUS_SUCCESS;
        Wait.QuadPart = -(LONGLONG)(Deadline - Now);
        Status = KeWaitForSingleObject(&Thread->SignalEvent, Executive, UserMode, TRUE, &Wait);
        if (Status == STATUS_TIMEOUT)
            return STATUS_SUCCESS;
        if (Status == STATUS_USER_APC || Status == STATUS_ALERTED)
            return STATUS_ALERTED;
    }
}

/* setitimer(ITIMER_REAL): SIGALRM from the timer's DPC */
static
VOID
NTAPI
LxRealTimerDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID Context,
    _In_opt_ PVOID Argument1,
    _In_opt_ PVOID Argument2)
{
    PLX_PROCESS Process = Context;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Argument1);
    UNREFERENCED_PARAMETER(Argument2);
    if (Process->RealTimerIntervalUs != 0)
        Process->RealTimerDue += (ULONGLONG)Process->RealTimerIntervalUs * 10;
    else
        Process->RealTimerArmed = FALSE;
    LxSignalProcessAsync(Process, 14 /* SIGALRM */, LX_SI_KERNEL, 0);
}

VOID
LxInitializeProcessSignals(
    _In_ PLX_PROCESS Process)
{
    lx_sigpending_init(&Process->SharedPending);
    LxInitializeWaitQueue(&Process->SignalWait);
    Process->SigQueued = 0;
    KeInitializeTimerEx(&Process->RealTimer, NotificationTimer);
    KeInitializeDpc(&Process->RealTimerDpc, LxRealTimerDpc, Process);
    Process->RealTimerArmed = FALSE;
    Process->RealTimerIntervalUs = 0;
}

VOID
LxCleanupProcessSignals(
    _In_ PLX_PROCESS Process)
{
    KIRQL Irql;

    KeCancelTimer(&Process->RealTimer);
    Process->RealTimerArmed = FALSE;
    KeFlushQueuedDpcs();
    KeAcquireSpinLock(&LxSignalLock, &Irql);
    LxFreeSigEntries(Process, lx_sigpending_discard(&Process->SharedPending, ~0ULL));
    KeReleaseSpinLock(&LxSignalLock, Irql);
    LxDetachWaitQueue(&Process->SignalWait);    /* a signalfd polled from another process */
}

/* sigreturn's FPU state: the struct _fpstate at FpAddress (its FNSAVE part over its FXSAVE
 * image, or over the current SSE state when magic says there is none), or the initial state
 * when the frame has none (fpstate NULL), as Linux's fpu__restore_sig. -EFAULT if unreadable. */
static
LONG
LxRestoreFpState(
    _In_ ULONG_PTR FpAddress)
{
    PUCHAR FpState, FxSave;
    SIZE_T Length = LX_FREGS_SIZE;
    LONG Result = 0;

    if (FpAddress == 0)
        return NT_SUCCESS(LxSetFpuState(NULL)) ? 0 : -LX_ENOMEM;
    FpState = ExAllocatePoolWithTag(PagedPool, LX_FPSTATE_SIZE + LX_FXSAVE_SIZE, LX_TAG_TEMP);
    if (FpState == NULL)
        return -LX_ENOMEM;
    FxSave = FpState + LX_FPSTATE_SIZE;
    if (LxCopyFromUser(FpState, FpAddress, LX_FREGS_SIZE) < 0)
    {
        Result = -LX_EFAULT;
    }
    else if (*(PUSHORT)(FpState + LX_FPSTATE_MAGIC) == LX_FP_MAGIC_FXSR)
    {
        Length = LX_FPSTATE_SIZE;
        if (LxCopyFromUser(FpState + LX_FREGS_SIZE, FpAddress + LX_FREGS_SIZE,
                           LX_FPSTATE_SIZE - LX_FREGS_SIZE) < 0)
        {
            Result = -LX_EFAULT;
        }
    }
    if (Result == 0 && !NT_SUCCESS(LxGetFpuState(FxSave)))
        Result = -LX_ENOMEM;
    if (Result == 0)
    {
        lx_fxsave_from_fpstate(FxSave, FpState, Length);
        if (!NT_SUCCESS(LxSetFpuState(FxSave)))
            Result = -LX_ENOMEM;
    }
    ExFreePoolWithTag(FpState, LX_TAG_TEMP);
    return Result;
}

/* Restores the user state saved in a sigcontext into the trap frame. Returns EAX. */
static
LONG
LxRestoreSigcontext(
    _In_ PKTRAP_FRAME TrapFrame,
    _In_ ULONG_PTR ScAddress,
    _In_ ULONG_PTR MaskAddress,
    _In_ BOOLEAN SplitMask)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_THREAD Thread = LxCurrentThread();
    LX_SIGCONTEXT Sc;
    ULONGLONG Mask = 0;
    ULONG High = 0;

    if (LxCopyFromUser(&Sc, ScAddress, sizeof(Sc)) < 0 ||
        (SplitMask ? LxCopyFromUser(&High, MaskAddress, sizeof(High)) :
                     LxCopyFromUser(&Mask, MaskAddress, sizeof(Mask))) < 0)
    {
        LxTerminateBySignal(Process, LX_SIGSEGV);
        return -LX_EFAULT;
    }
    if (SplitMask)
        Mask = ((ULONGLONG)High << 32) | Sc.oldmask;
    if (LxRestoreFpState(Sc.fpstate) < 0)
    {
        LxTerminateBySignal(Process, LX_SIGSEGV);
        return -LX_EFAULT;
    }

    TrapFrame->Edi = Sc.edi;
    TrapFrame->Esi = Sc.esi;
    TrapFrame->Ebp = Sc.ebp;
    TrapFrame->HardwareEsp = Sc.esp;
    TrapFrame->Ebx = Sc.ebx;
    TrapFrame->Edx = Sc.edx;
    TrapFrame->Ecx = Sc.ecx;
    TrapFrame->Eip = Sc.eip;
    TrapFrame->EFlags = (TrapFrame->EFlags & ~LX_EFLAGS_USER) | (Sc.eflags & LX_EFLAGS_USER) |
                        LX_EFLAGS_IF;
    /* segments: only the TLS selector (or none) may come back in GS; the rest stay flat */
    if ((Sc.gs & 0xFFFF) == PICO_TLS_SELECTOR || (Sc.gs & 0xFFFF) == 0)
        TrapFrame->SegGs = Sc.gs & 0xFFFF;
    TrapFrame->SegCs = LX_USER_CS;
    TrapFrame->SegDs = TrapFrame->SegEs = TrapFrame->HardwareSegSs = LX_USER_DS;
    Thread->SignalMask = Mask & ~((1ULL << (LX_SIGKILL - 1)) | (1ULL << (19 - 1)));
    return (LONG)Sc.eax;
}

/*
 * sigreturn (Rt FALSE; ESP = the sigframe + 8, pretcode and sig were popped) and
 * rt_sigreturn (Rt TRUE; ESP = the rt_sigframe + 4, pretcode was popped by the handler's
 * ret): restores what the frame saved and returns the EAX to resume with
 */
LONG
LxSigreturn(
    _In_ BOOLEAN Rt)
{
    PKTRAP_FRAME TrapFrame = PsGetPicoThreadTrapFrame(PsGetCurrentThread());
    ULONG_PTR FrameAddress = TrapFrame->HardwareEsp - (Rt ? 4 : 8);
    ULONG Delivered;
    LONG Eax;

    if (Rt)
        Eax = LxRestoreSigcontext(TrapFrame, FrameAddress + LX_RT_UC + LX_UC_MCONTEXT,
                                  FrameAddress + LX_RT_UC + LX_UC_SIGMASK, FALSE);
    else
        Eax = LxRestoreSigcontext(TrapFrame, FrameAddress + LX_SF_SC,
                                  FrameAddress + LX_SF_EXTRAMASK, TRUE);
    /* a signal that arrived during the handler (or that the restored mask unblocks) */
    if (LxDeliverPendingSignal(TrapFrame, (ULONG)Eax, &Delivered) == LX_SIGNAL_DELIVERED)
        return (LONG)Delivered;
    return Eax;
}

/* rt_sigtimedwait(_time64): takes a pending signal of *Uthese (normally blocked) without
 * running its handler; a handled signal outside the set interrupts the wait (-EINTR). */
LONG
LxSigtimedwait(
    _In_ ULONG_PTR Uthese,
    _In_ ULONG_PTR Uinfo,
    _In_ ULONG_PTR Uts,
    _In_ BOOLEAN Time64,
    _In_ SIZE_T Sigsetsize)
{
    BOOLEAN HaveTimeout = Uts != 0;
    lx_timespec64 Ts;
    LONGLONG Sec, Nsec;
    PLX_THREAD Thread = LxCurrentThread();
    ULONGLONG Set, Deadline = 0;
    NTSTATUS Status;
    LONG Result;

    if (LxGetUserTimeout(Uts, Time64, &Ts) < 0)
        return -LX_EFAULT;
    Sec = Ts.sec;
    Nsec = Ts.nsec;

    if (Sigsetsize != sizeof(ULONGLONG))
        return -LX_EINVAL;
    Result = LxCopyFromUser(&Set, Uthese, sizeof(Set));
    if (Result < 0)
        return Result;
    Set &= ~((1ULL << (LX_SIGKILL - 1)) | (1ULL << (19 - 1)));
    if (HaveTimeout)
    {
        if (Sec < 0 || Nsec < 0 || Nsec >= 1000000000)
            return -LX_EINVAL;
        if (Sec > 0x7FFFFFFFLL)
            Sec = 0x7FFFFFFFLL;
        Deadline = LxMonotonicTime() + (ULONGLONG)Sec * 10000000 + (ULONGLONG)Nsec / 100;
    }

    for (;;)
    {
        ULONG Sig;
        lx_sigfields Taken;
        LARGE_INTEGER Wait;

        Sig = LxDequeueSignal(Thread, Set, &Taken);
        if (Sig != 0)
        {
            if (Uinfo != 0)
            {
                ULONG Info[32];     /* siginfo_t: 128 bytes */

                RtlZeroMemory(Info, sizeof(Info));
                Info[0] = Sig;      /* si_signo; si_errno 0; si_code; the union */
                Info[2] = (ULONG)Taken.code;
                RtlCopyMemory(&Info[3], Taken.word, sizeof(Taken.word));
                Result = LxCopyToUser(Uinfo, Info, sizeof(Info));
                if (Result < 0)
                    return Result;
            }
            return (LONG)Sig;
        }
        if (LxPeekSignal(Thread, FALSE, NULL) != 0)
            return LxInterruptedCall(FALSE);
        if (HaveTimeout)
        {
            if (!LxTimeLeft(Deadline, &Wait))
                return -LX_EAGAIN;
        }
        Status = KeWaitForSingleObject(&Thread->SignalEvent, Executive, UserMode, TRUE,
                                       HaveTimeout ? &Wait : NULL);
        if (Status == STATUS_USER_APC || Status == STATUS_ALERTED)
            return LxInterruptedCall(FALSE);
    }
}

/* A signal sent to the calling thread (or its process) by itself: a handler runs when the
 * system call returns, a blocked signal waits for rt_sigprocmask, otherwise the default
 * action (ignore or terminate). SyscallResult is what the system call returns to the
 * program (after the handler, if one runs). Returns the EAX for the trap return. */
LONG
LxSignalSelfInfo(
    _In_ LONG Sig,
    _In_ const lx_sigfields *Info,
    _In_ LONG SyscallResult)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_THREAD Thread = LxCurrentThread();
    PKTRAP_FRAME TrapFrame;
    LONG Result;

    if (Sig < 0 || Sig > 64)
        return -LX_EINVAL;
    if (Sig == 0)
        return SyscallResult;
    LxPrepareSignal(Process, (ULONG)Sig);
    if (Process->Actions.SignalHandlers[Sig] == 1 /* SIG_IGN */ && Sig != LX_SIGKILL)
        return SyscallResult;
    if ((Thread->SignalMask & (1ULL << (Sig - 1))) && Sig != LX_SIGKILL && Sig != 19)
    {
        Result = LxPostSignalInfo(Thread, (ULONG)Sig, Info);
        return Result < 0 ? Result : SyscallResult;
    }
    TrapFrame = PsGetPicoThreadTrapFrame(PsGetCurrentThread());
    if (TrapFrame != NULL &&
        LxDeliverSignalInfo(TrapFrame, (ULONG)Sig, Info, (ULONG)SyscallResult, 0) ==
            LX_SIGNAL_DELIVERED)
    {
        /* the handler starts with EAX = Sig; the call's own result is in the frame */
        return Sig;
    }
    return SyscallResult;
}

/* The siginfo of a signal this process sends: si_code Code, our pid and uid. */
VOID
LxSenderFields(
    _Out_ lx_sigfields *Info,
    _In_ LONG Code)
{
    PLX_PROCESS Process = LxCurrentProcess();

    LxSigFields(Info, Code, Process->Pid);
    Info->word[1] = Process->Cred.User.real;
}

LONG
LxSignalSelfWithResult(
    _In_ LONG Sig,
    _In_ LONG Code,
    _In_ LONG SyscallResult)
{
    lx_sigfields Info;

    LxSenderFields(&Info, Code);
    return LxSignalSelfInfo(Sig, &Info, SyscallResult);
}
