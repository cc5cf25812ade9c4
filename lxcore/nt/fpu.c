/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The x87/SSE state of Linux threads, as FXSAVE images (lxcore/core/lx_fpu.h)
 *
 * NT switches the FPU lazily: a thread's state may still be in the CPU rather than in its FX
 * save area. The pico context routines (PsGet/SetContextThread's internals) save it first, so
 * the calling thread's state is read and written through them with CONTEXT_EXTENDED_REGISTERS
 * alone; a new thread gets its state from PS_PICO_THREAD_ATTRIBUTES.ExtendedRegisters.
 * Linux: a program starts with lx_fpu_init's state, fork and clone copy the caller's
 * (LxCreatePicoThread), execve resets it, a signal handler starts from the initial state and
 * sigreturn restores the frame's.
 */

#include "lxnt.h"

C_ASSERT(MAXIMUM_SUPPORTED_EXTENSION == LX_FXSAVE_SIZE);

static
NTSTATUS
LxFpuContext(
    _In_reads_bytes_opt_(LX_FXSAVE_SIZE) const UCHAR *In,
    _Out_writes_bytes_opt_(LX_FXSAVE_SIZE) PUCHAR Out)
{
    PCONTEXT Context;
    NTSTATUS Status;

    Context = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Context), LX_TAG_TEMP);
    if (Context == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlZeroMemory(Context, sizeof(*Context));
    Context->ContextFlags = CONTEXT_EXTENDED_REGISTERS;
    if (In != NULL)
    {
        RtlCopyMemory(Context->ExtendedRegisters, In, LX_FXSAVE_SIZE);
        Status = LxPicoRoutines.SetContextThreadInternal(PsGetCurrentThread(), Context,
                                                         KernelMode, UserMode, FALSE);
    }
    else
    {
        Status = LxPicoRoutines.GetContextThreadInternal(PsGetCurrentThread(), Context,
                                                         KernelMode, UserMode, FALSE);
        if (NT_SUCCESS(Status))
            RtlCopyMemory(Out, Context->ExtendedRegisters, LX_FXSAVE_SIZE);
    }
    ExFreePoolWithTag(Context, LX_TAG_TEMP);
    return Status;
}

/* The calling thread's state. */
NTSTATUS
LxGetFpuState(
    _Out_writes_bytes_(LX_FXSAVE_SIZE) PUCHAR FxSave)
{
    return LxFpuContext(NULL, FxSave);
}

/* Replaces the calling thread's state (NULL: Linux's initial state). */
NTSTATUS
LxSetFpuState(
    _In_reads_bytes_opt_(LX_FXSAVE_SIZE) const UCHAR *FxSave)
{
    UCHAR Initial[LX_FXSAVE_SIZE];

    if (FxSave == NULL)
    {
        lx_fpu_init(Initial);
        FxSave = Initial;
    }
    return LxFpuContext(FxSave, NULL);
}

/* The state a new thread starts with: a copy of the calling thread's (fork, clone) or Linux's
 * initial state; a pool block (LX_TAG_TEMP), NULL when out of memory. */
static
PUCHAR
LxNewThreadFpuState(
    _In_ BOOLEAN Inherit)
{
    PUCHAR FxSave = ExAllocatePoolWithTag(NonPagedPool, LX_FXSAVE_SIZE, LX_TAG_TEMP);

    if (FxSave == NULL)
        return NULL;
    if (!Inherit)
    {
        lx_fpu_init(FxSave);
    }
    else if (!NT_SUCCESS(LxGetFpuState(FxSave)))
    {
        ExFreePoolWithTag(FxSave, LX_TAG_TEMP);
        return NULL;
    }
    return FxSave;
}

/* PS_PICO_ROUTINES.CreateThread, the new thread starting with a copy of the caller's FPU state
 * (Inherit: fork, clone) or Linux's initial one (PS_PICO_THREAD_ATTRIBUTES.ExtendedRegisters). */
NTSTATUS
LxCreatePicoThread(
    _Inout_ PPS_PICO_THREAD_ATTRIBUTES Attributes,
    _In_ BOOLEAN Inherit,
    _Out_ PHANDLE ThreadHandle)
{
    NTSTATUS Status;

    Attributes->ExtendedRegisters = LxNewThreadFpuState(Inherit);
    if (Attributes->ExtendedRegisters == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    Status = LxPicoRoutines.CreateThread(Attributes, NULL, ThreadHandle);
    ExFreePoolWithTag(Attributes->ExtendedRegisters, LX_TAG_TEMP);
    Attributes->ExtendedRegisters = NULL;
    return Status;
}
