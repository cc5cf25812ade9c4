/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Pico provider callbacks: system calls outside table 2, thread and process
 *              exit, user exceptions (signals), external termination
 */

#include "lxentry.h"

#define NDEBUG
#include <debug.h>

extern ULONG_PTR LxSysServiceTable[LXSYS_SERVICE_COUNT];
extern UCHAR LxSysArgumentBytes[LXSYS_SERVICE_COUNT];

typedef LONG (NTAPI *LX_HANDLER0)(VOID);
typedef LONG (NTAPI *LX_HANDLER1)(ULONG);
typedef LONG (NTAPI *LX_HANDLER2)(ULONG, ULONG);
typedef LONG (NTAPI *LX_HANDLER3)(ULONG, ULONG, ULONG);
typedef LONG (NTAPI *LX_HANDLER4)(ULONG, ULONG, ULONG, ULONG);
typedef LONG (NTAPI *LX_HANDLER5)(ULONG, ULONG, ULONG, ULONG, ULONG);
typedef LONG (NTAPI *LX_HANDLER6)(ULONG, ULONG, ULONG, ULONG, ULONG, ULONG);

/* int $0x80 from an unmodified Linux program: number in EAX, arguments in EBX, ECX, EDX,
 * ESI, EDI, EBP. The same table-2 handler is called with exactly its argument count (the
 * handlers are stdcall and pop their arguments). */
static
LONG
LxDispatchInt80(
    _In_ PKTRAP_FRAME TrapFrame)
{
    ULONG Number = TrapFrame->Eax;
    ULONG_PTR Handler;

    if (Number >= LXSYS_SERVICE_COUNT)
        return -LX_ENOSYS;
    Handler = LxSysServiceTable[Number];
    switch (LxSysArgumentBytes[Number] / sizeof(ULONG))
    {
        case 0:
            return ((LX_HANDLER0)Handler)();
        case 1:
            return ((LX_HANDLER1)Handler)(TrapFrame->Ebx);
        case 2:
            return ((LX_HANDLER2)Handler)(TrapFrame->Ebx, TrapFrame->Ecx);
        case 3:
            return ((LX_HANDLER3)Handler)(TrapFrame->Ebx, TrapFrame->Ecx, TrapFrame->Edx);
        case 4:
            return ((LX_HANDLER4)Handler)(TrapFrame->Ebx, TrapFrame->Ecx, TrapFrame->Edx,
                                          TrapFrame->Esi);
        case 5:
            return ((LX_HANDLER5)Handler)(TrapFrame->Ebx, TrapFrame->Ecx, TrapFrame->Edx,
                                          TrapFrame->Esi, TrapFrame->Edi);
        case 6:
            return ((LX_HANDLER6)Handler)(TrapFrame->Ebx, TrapFrame->Ecx, TrapFrame->Edx,
                                          TrapFrame->Esi, TrapFrame->Edi, TrapFrame->Ebp);
        default:
            return -LX_ENOSYS;
    }
}

/* System calls that do not come through table 2: int $0x80 (TrapFrame->ErrCode == 0x80)
 * goes to the same handlers; anything else (int $0x2e outside 0x2000 + the table) is
 * -ENOSYS. */
VOID
NTAPI
LxPicoDispatchSystemCall(
    _Inout_ PPS_PICO_SYSTEM_CALL_INFORMATION Info)
{
    PKTRAP_FRAME TrapFrame = Info->TrapFrame;
    PLX_PROCESS Process;

    if (TrapFrame->ErrCode == 0x80)
    {
        TrapFrame->Eax = (ULONG)LxDispatchInt80(TrapFrame);
        return;
    }

    Process = LxCurrentProcess();
    DbgPrint("lxss[%lu]: unknown system service 0x%lx at eip 0x%08lx: ENOSYS\n",
             Process ? Process->Pid : 0, TrapFrame->Eax, TrapFrame->Eip);
    TrapFrame->Eax = (ULONG)-LX_ENOSYS;
}

VOID
NTAPI
LxPicoExitThread(
    _In_ PETHREAD NtThread)
{
    PLX_THREAD Thread = LxPicoRoutines.GetThreadContext(NtThread);

    if (Thread == NULL)
        return;

    LxUnregisterThread(Thread);

    /* a futex wait cut short by termination */
    LxFutexThreadExit(Thread);

    /* robust locks the thread still holds: OWNER_DIED, and a waiter woken */
    if (NtThread == PsGetCurrentThread())
        LxFutexRobustExit(Thread);

    /* CLONE_CHILD_CLEARTID / set_tid_address: clear the tid word and wake a joiner */
    if (Thread->ClearChildTid != 0 && NtThread == PsGetCurrentThread())
    {
        ULONG Zero = 0;
        if (LxCopyToUser(Thread->ClearChildTid, &Zero, sizeof(Zero)) == 0)
            LxFutexWake(Thread->Process, Thread->ClearChildTid, 1, MAXULONG);
    }
    InterlockedDecrement(&Thread->Process->ThreadCount);
    LxDereferenceProcess(Thread->Process);
    LxFreeThreadBlock(Thread);
}

VOID
NTAPI
LxPicoExitProcess(
    _In_ PEPROCESS NtProcess)
{
    PLX_PROCESS Process = LxPicoRoutines.GetProcessContext(NtProcess);

    if (Process == NULL)
        return;

    LxCleanupProcessSignals(Process);
    LxVforkRelease(Process, FALSE);     /* a vfork child that did not exec or exit itself */
    LxDebugFlush(Process);
    LxCloseAllFiles(Process);
    LxReleaseLocks(Process, NULL);
    LxMmDetachShared(Process);          /* before IPC: shm_nattch counts it out */
    LxIpcProcessExit(Process);

    if (!Process->ExitRequested && Process->Signal == 0 && Process->ThreadExited)
    {
        /* the last thread left through exit() */
        Process->ExitRequested = TRUE;
        Process->ExitStatus = Process->LastExitStatus;
    }
    if (Process->ExitRequested && Process->Signal == 0)
    {
        Process->State = LXSS_PROCESS_EXITED;
        DbgPrint("lxss: process %lu exited with status %lu\n", Process->Pid, Process->ExitStatus);
    }
    else
    {
        if (Process->Signal == 0)
            Process->Signal = LX_SIGKILL;
        Process->State = LXSS_PROCESS_KILLED;
        DbgPrint("lxss: process %lu killed by signal %lu (NT status 0x%08lx)\n",
                 Process->Pid, Process->Signal, PsGetProcessExitStatus(NtProcess));
    }
    KeSetEvent(&Process->ExitEvent, IO_NO_INCREMENT, FALSE);
    LxTraceProcess(Process, LX_TRACE_OFF);

    /* wake a parent blocked in wait4; SIGCHLD with the exit status or the signal */
    if (Process->State == LXSS_PROCESS_EXITED)
        LxNotifyParent(Process, LX_CLD_EXITED, Process->ExitStatus);
    else
        LxNotifyParent(Process, LX_CLD_KILLED, Process->Signal);

    /* a session leader's terminal hangs up its foreground group; groups left orphaned with
     * stopped processes are hung up */
    LxPtySessionEnds(Process);
    LxHangUpOrphanedGroups(Process);

    /* its children go to init; if it is init's itself, nobody waits for it: it goes now */
    LxOrphanChildren(Process);
    if (LxProcessIsOrphan(Process))
        LxRemoveProcess(Process);
    LxDereferenceProcess(Process);
}

/* Linux signal, si_code and trap number of an NT exception */
static
ULONG
LxSignalForException(
    _In_ NTSTATUS Code,
    _Out_ PLONG SiCode,
    _Out_ PULONG Trapno)
{
    switch (Code)
    {
        case STATUS_ILLEGAL_INSTRUCTION:
        case STATUS_INVALID_LOCK_SEQUENCE:
            *SiCode = 2;    /* ILL_ILLOPN */
            *Trapno = 6;
            return LX_SIGILL;
        case STATUS_INTEGER_DIVIDE_BY_ZERO:
            *SiCode = 1;    /* FPE_INTDIV */
            *Trapno = 0;
            return LX_SIGFPE;
        case STATUS_INTEGER_OVERFLOW:
            *SiCode = 2;    /* FPE_INTOVF */
            *Trapno = 4;
            return LX_SIGFPE;
        case STATUS_FLOAT_DIVIDE_BY_ZERO:
        case STATUS_FLOAT_INVALID_OPERATION:
        case STATUS_FLOAT_OVERFLOW:
        case STATUS_FLOAT_UNDERFLOW:
        case STATUS_FLOAT_INEXACT_RESULT:
        case STATUS_FLOAT_DENORMAL_OPERAND:
        case STATUS_FLOAT_STACK_CHECK:
            *SiCode = 0;
            *Trapno = 16;
            return LX_SIGFPE;
        case STATUS_BREAKPOINT:
            *SiCode = 0x80; /* SI_KERNEL, as int3 gives on Linux */
            *Trapno = 3;
            return LX_SIGTRAP;
        case STATUS_SINGLE_STEP:
            *SiCode = 2;    /* TRAP_TRACE */
            *Trapno = 1;
            return LX_SIGTRAP;
        case STATUS_DATATYPE_MISALIGNMENT:
            *SiCode = 1;    /* BUS_ADRALN */
            *Trapno = 17;
            return LX_SIGBUS;
        case STATUS_ACCESS_VIOLATION:
            *SiCode = 1;    /* SEGV_MAPERR */
            *Trapno = 14;
            return LX_SIGSEGV;
        default:
            /* #GP (privileged instructions, bad selectors), stack overflow... */
            *SiCode = 0x80; /* SI_KERNEL */
            *Trapno = 13;
            return LX_SIGSEGV;
    }
}

BOOLEAN
NTAPI
LxPicoDispatchException(
    _Inout_ PEXCEPTION_RECORD ExceptionRecord,
    _Inout_opt_ PVOID ExceptionFrame,
    _Inout_ struct _KTRAP_FRAME *TrapFrame,
    _In_ ULONG Chance,
    _In_ KPROCESSOR_MODE PreviousMode)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_THREAD Thread;
    ULONG_PTR FaultAddress = 0;
    ULONG Sig, Trapno;
    LONG SiCode;

    UNREFERENCED_PARAMETER(ExceptionFrame);
    UNREFERENCED_PARAMETER(Chance);

    if (Process == NULL || PreviousMode != UserMode)
        return FALSE;

    if (ExceptionRecord->ExceptionCode == STATUS_ACCESS_VIOLATION &&
        ExceptionRecord->NumberParameters >= 2)
    {
        FaultAddress = ExceptionRecord->ExceptionInformation[1];
        if (LxMmHandleFault(Process, FaultAddress))
            return TRUE;
    }

    Sig = LxSignalForException(ExceptionRecord->ExceptionCode, &SiCode, &Trapno);
    if (Sig == LX_SIGSEGV && FaultAddress != 0 && LxMmPastEnd(Process, FaultAddress))
    {
        Sig = LX_SIGBUS;
        SiCode = 2;     /* BUS_ADRERR */
    }
    DbgPrint("lxss[%lu]: signal %lu: exception 0x%08lx at eip 0x%08lx, address 0x%08lx\n",
             Process->Pid, Sig, ExceptionRecord->ExceptionCode, TrapFrame->Eip, FaultAddress);

    /* A handler that is not blocked runs; a blocked or ignored fault signal kills, as on
     * Linux (force_sig). LxDeliverSignal does not return for the default action. */
    Thread = LxCurrentThread();
    if (Thread != NULL && Process->Actions.SignalHandlers[Sig] > 1 &&
        !(Thread->SignalMask & (1ULL << (Sig - 1))))
    {
        if (LxDeliverSignal(TrapFrame, Sig, SiCode, FaultAddress, TrapFrame->Eax, Trapno) ==
            LX_SIGNAL_DELIVERED)
            return TRUE;
    }
    if (Process->Signal == 0 && !Process->ExitRequested)
        Process->Signal = Sig;
    return FALSE;
}

NTSTATUS
NTAPI
LxPicoTerminateProcess(
    _In_ PEPROCESS NtProcess,
    _In_ NTSTATUS TerminateStatus)
{
    PLX_PROCESS Process = LxPicoRoutines.GetProcessContext(NtProcess);

    UNREFERENCED_PARAMETER(TerminateStatus);

    /* NtTerminateProcess from outside (task manager, taskkill): SIGKILL. */
    if (Process != NULL && Process->Signal == 0 && !Process->ExitRequested)
        Process->Signal = LX_SIGKILL;
    return STATUS_SUCCESS;
}

ULONG
NTAPI
LxPicoWalkUserStack(
    _In_ struct _KTRAP_FRAME *TrapFrame,
    _Out_writes_(FrameCount) PVOID *Callers,
    _In_ ULONG FrameCount)
{
    UNREFERENCED_PARAMETER(TrapFrame);
    UNREFERENCED_PARAMETER(Callers);
    UNREFERENCED_PARAMETER(FrameCount);
    return 0;
}

NTSTATUS
NTAPI
LxPicoGetAllocatedProcessImageName(
    _In_ PEPROCESS NtProcess,
    _Outptr_ PUNICODE_STRING *ImageName)
{
    PLX_PROCESS Process = LxPicoRoutines.GetProcessContext(NtProcess);
    PUNICODE_STRING Name;
    ANSI_STRING Ansi;
    ULONG Length;

    *ImageName = NULL;
    if (Process == NULL || Process->ExecFn == NULL)
        return STATUS_NOT_FOUND;

    /* The Linux path of the program (UTF-8 shown as ANSI: good enough for a name) */
    RtlInitAnsiString(&Ansi, Process->ExecFn);
    Length = RtlAnsiStringToUnicodeSize(&Ansi);
    if (Length > MAXUSHORT)
        return STATUS_NAME_TOO_LONG;
    Name = ExAllocatePoolWithTag(PagedPool, sizeof(UNICODE_STRING) + Length, LX_TAG_PROCESS);
    if (Name == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    Name->Buffer = (PWCH)(Name + 1);
    Name->Length = 0;
    Name->MaximumLength = (USHORT)Length;
    RtlAnsiStringToUnicodeString(Name, &Ansi, FALSE);
    *ImageName = Name;
    return STATUS_SUCCESS;
}
