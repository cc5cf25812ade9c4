/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Linux threads: the LX_THREAD of a clone or fork child
 */

#include "lxkernel.h"

#define NDEBUG
#include <debug.h>

static LONG LxLiveThreads;

/* The memory of an LX_THREAD, counted (IOCTL_LXSS_QUERY_COUNTERS) */
PLX_THREAD
LxAllocateThreadBlock(VOID)
{
    return LxAllocateCounted(sizeof(LX_THREAD), LX_TAG_THREAD, &LxLiveThreads);
}

VOID
LxFreeThreadBlock(
    _In_ PLX_THREAD Thread)
{
    LxFreeCounted(Thread, LX_TAG_THREAD, &LxLiveThreads);
}

ULONG
LxThreadCount(VOID)
{
    return (ULONG)LxLiveThreads;
}

/* A new thread for clone (Process is the caller's) or fork (the child process): the caller's
 * signal mask and TLS, and for fork its alternate signal stack too. NULL: out of memory. */
PLX_THREAD
LxAllocateCloneThread(
    _In_ PLX_PROCESS Process,
    _In_ PLX_THREAD Parent,
    _In_ BOOLEAN CopyAltStack,
    _In_ ULONG_PTR ClearChildTid)
{
    PLX_THREAD Thread;

    Thread = LxAllocateThreadBlock();
    if (Thread == NULL)
        return NULL;
    RtlZeroMemory(Thread, sizeof(*Thread));
    Thread->Process = Process;
    Thread->SignalMask = Parent->SignalMask;
    Thread->TlsSet = Parent->TlsSet;
    Thread->TlsBase = Parent->TlsBase;
    Thread->TlsLimit = Parent->TlsLimit;
    Thread->TlsFlags = Parent->TlsFlags;
    if (CopyAltStack)
    {
        Thread->AltStackBase = Parent->AltStackBase;
        Thread->AltStackSize = Parent->AltStackSize;
        Thread->AltStackFlags = Parent->AltStackFlags;
    }
    Thread->ClearChildTid = ClearChildTid;
    return Thread;
}

/* A new pico thread's registers (the rest of Attributes is the caller's): it resumes after
 * the caller's trap with EAX = 0, on Newsp (or the caller's stack), with the caller's other
 * registers */
VOID
LxThreadAttributesFromTrap(
    _Out_ PPS_PICO_THREAD_ATTRIBUTES Attributes,
    _In_ PKTRAP_FRAME TrapFrame,
    _In_ HANDLE Process,
    _In_ ULONG_PTR Newsp,
    _In_ PVOID Context)
{
    Attributes->Process = Process;
    Attributes->UserStack = Newsp ? Newsp : TrapFrame->HardwareEsp;
    Attributes->StartRoutine = TrapFrame->Eip;
    Attributes->Eax = 0;
    Attributes->Ebx = TrapFrame->Ebx;
    Attributes->Ecx = TrapFrame->Ecx;
    Attributes->Edx = TrapFrame->Edx;
    Attributes->Esi = TrapFrame->Esi;
    Attributes->Edi = TrapFrame->Edi;
    Attributes->Ebp = TrapFrame->Ebp;
    Attributes->Context = Context;
}

/* Starts the registered LX_THREAD Attributes->Context as a pico thread (LxCreatePicoThread)
 * and records its ETHREAD at once: a stop (jobctl.c) suspends it even before it first enters
 * lxcore. */
NTSTATUS
LxStartThread(
    _Inout_ PPS_PICO_THREAD_ATTRIBUTES Attributes,
    _In_ BOOLEAN Inherit)
{
    HANDLE ThreadHandle;
    NTSTATUS Status;

    Status = LxCreatePicoThread(Attributes, Inherit, &ThreadHandle);
    if (!NT_SUCCESS(Status))
        return Status;
    LxRecordThreadObject(Attributes->Context, ThreadHandle);
    ZwClose(ThreadHandle);
    return Status;
}
