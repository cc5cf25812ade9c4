/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: threads (clone with CLONE_VM | CLONE_THREAD), futexes,
 *              get_robust_list (the futexes themselves: kernel/futex.c)
 *
 * A new thread is a pico thread of the same process created at the instruction after the
 * caller's trap (the table-2 handler can read the caller's user trap frame), with EAX = 0,
 * the new stack, the caller's EBX/ECX/EDX/ESI/EDI/EBP and, with CLONE_SETTLS, its own TLS
 * descriptor base. A clone without CLONE_VM is a fork (kernel/fork.c); CLONE_VM without
 * CLONE_THREAD (posix_spawn) is a fork too, on the given stack (the memory is copied).
 */

#include "lxsys.h"

#define NDEBUG
#include <debug.h>

#define LX_CSIGNAL              0x000000ff
#define LX_CLONE_VM             0x00000100
#define LX_CLONE_FS             0x00000200
#define LX_CLONE_FILES          0x00000400
#define LX_CLONE_SIGHAND        0x00000800
#define LX_CLONE_VFORK          0x00004000
#define LX_CLONE_THREAD         0x00010000
#define LX_CLONE_SYSVSEM        0x00040000
#define LX_CLONE_SETTLS         0x00080000
#define LX_CLONE_PARENT_SETTID  0x00100000
#define LX_CLONE_CHILD_CLEARTID 0x00200000
#define LX_CLONE_DETACHED       0x00400000
#define LX_CLONE_CHILD_SETTID   0x01000000

LONG
NTAPI
LxSysClone(
    ULONG_PTR CloneFlags,
    ULONG_PTR Newsp,
    LONG *ParentTidptr,
    ULONG_PTR Tls,
    LONG *ChildTidptr)
{
    const ULONG Required = LX_CLONE_VM | LX_CLONE_THREAD | LX_CLONE_SIGHAND;
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_THREAD Parent = LxCurrentThread();
    PS_PICO_THREAD_ATTRIBUTES Attributes;
    PKTRAP_FRAME TrapFrame;
    HANDLE ProcessHandle = NULL;
    PLX_THREAD Child;
    NTSTATUS Status;
    LONG Result;
    ULONG Tid;

    if (!(CloneFlags & LX_CLONE_VM))
    {
        /* a new process: fork with an eagerly copied address space (kernel/fork.c) */
        return LxFork((ULONG)CloneFlags, Newsp, ParentTidptr, ChildTidptr);
    }
    if (!(CloneFlags & LX_CLONE_THREAD))
    {
        /* CLONE_VM without a thread (posix_spawn, vfork-style clones): another NT process
         * cannot share our address space, so the child gets a copy, as for fork, and runs on
         * the stack it was given. With CLONE_VFORK the parent waits until the child execs or
         * ends, and a single-threaded parent then gets back the pages the child changed
         * (kernel/fork.c, LxVforkRelease): glibc's posix_spawn hears of a failed exec that way.
         * Without CLONE_VFORK, or with other threads in the parent, the child's writes are
         * not seen by the parent. */
        return LxFork((ULONG)CloneFlags, Newsp, ParentTidptr, ChildTidptr);
    }
    if ((CloneFlags & Required) != Required || (CloneFlags & LX_CLONE_VFORK))
        return -LX_EINVAL;

    TrapFrame = PsGetPicoThreadTrapFrame(PsGetCurrentThread());
    if (TrapFrame == NULL)
        return -LX_EINVAL;

    Child = LxAllocateCloneThread(Process, Parent, FALSE,
                                  (CloneFlags & LX_CLONE_CHILD_CLEARTID) ?
                                      (ULONG_PTR)ChildTidptr : 0);
    if (Child == NULL)
        return -LX_EAGAIN;

    RtlZeroMemory(&Attributes, sizeof(Attributes));
    Attributes.UserGsSeg = (USHORT)TrapFrame->SegGs;
    Attributes.UserGsBase = Parent->TlsBase;

    if (CloneFlags & LX_CLONE_SETTLS)
    {
        struct _LX_USER_DESC Desc;

        Result = LxCopyFromUser(&Desc, Tls, sizeof(Desc));
        if (Result < 0)
            goto Fail;
        if (Desc.EntryNumber != (ULONG)-1 && Desc.EntryNumber != PICO_TLS_GDT_ENTRY)
        {
            Result = -LX_EINVAL;
            goto Fail;
        }
        Child->TlsSet = TRUE;
        Child->TlsBase = Desc.BaseAddr;
        Child->TlsLimit = Desc.Limit;
        Child->TlsFlags = Desc.Flags;
        Attributes.UserGsSeg = PICO_TLS_SELECTOR;
        Attributes.UserGsBase = Desc.BaseAddr;
    }

    Tid = LxAllocatePid();
    Child->Tid = Tid;
    if (CloneFlags & LX_CLONE_PARENT_SETTID)
    {
        Result = LxCopyToUser((ULONG_PTR)ParentTidptr, &Tid, sizeof(Tid));
        if (Result < 0)
            goto Fail;
    }
    if (CloneFlags & LX_CLONE_CHILD_SETTID)
    {
        /* one address space: writing it now is what the child would see */
        Result = LxCopyToUser((ULONG_PTR)ChildTidptr, &Tid, sizeof(Tid));
        if (Result < 0)
            goto Fail;
    }

    Status = ObOpenObjectByPointer(PsGetCurrentProcess(), OBJ_KERNEL_HANDLE, NULL,
                                   PROCESS_ALL_ACCESS, *PsProcessType, KernelMode,
                                   &ProcessHandle);
    if (!NT_SUCCESS(Status))
    {
        Result = -LX_EAGAIN;
        goto Fail;
    }

    /* the child resumes after the trap, as the parent will, with EAX = 0 */
    LxThreadAttributesFromTrap(&Attributes, TrapFrame, ProcessHandle, Newsp, Child);

    LxReferenceProcess(Process);
    InterlockedIncrement(&Process->ThreadCount);
    LxRegisterThread(Child);
    Status = LxStartThread(&Attributes, TRUE);
    ZwClose(ProcessHandle);
    if (!NT_SUCCESS(Status))
    {
        LxUnregisterThread(Child);
        InterlockedDecrement(&Process->ThreadCount);
        LxDereferenceProcess(Process);
        DbgPrint("lxss[%lu]: clone: CreateThread failed, status 0x%08lx\n", Process->Pid, Status);
        Result = -LX_EAGAIN;
        goto Fail;
    }
    return (LONG)Tid;

Fail:
    LxFreeThreadBlock(Child);
    return Result;
}


LONG
NTAPI
LxSysGetRobustList(
    LONG Pid,
    LX_ROBUST_LIST_HEAD **HeadPtr,
    SIZE_T *LenPtr)
{
    PLX_THREAD Thread = LxCurrentThread();
    ULONG Len = 12;
    LONG Result;

    if (Pid != 0 && Pid != (LONG)Thread->Tid)
        return -LX_ESRCH;
    Result = LxCopyToUser((ULONG_PTR)HeadPtr, &Thread->RobustList, sizeof(ULONG_PTR));
    if (Result == 0)
        Result = LxCopyToUser((ULONG_PTR)LenPtr, &Len, sizeof(Len));
    return Result;
}

/* futex and futex_time64: Utime a timespec of either layout for the waiting operations,
 * a number (val2) for the requeueing ones */
static
LONG
LxFutexCall(
    _In_ ULONG_PTR Uaddr,
    _In_ LONG Op,
    _In_ ULONG Val,
    _In_ ULONG_PTR Utime,
    _In_ BOOLEAN Time64,
    _In_ ULONG_PTR Uaddr2,
    _In_ ULONG Val3)
{
    BOOLEAN HaveTimeout = LxFutexUsesTimeout(Op) && Utime != 0;
    lx_timespec64 Ts;
    LONG Result = LxGetUserTimeout(HaveTimeout ? Utime : 0, Time64, &Ts);

    if (Result < 0)
        return Result;
    return LxFutexOperation(Uaddr, Op, Val, HaveTimeout, Ts.sec, Ts.nsec, Utime, Uaddr2, Val3);
}

LONG
NTAPI
LxSysFutex(
    ULONG *Uaddr,
    LONG Op,
    ULONG Val,
    const LX_OLD_TIMESPEC32 *Utime,
    ULONG *Uaddr2,
    ULONG Val3)
{
    return LxFutexCall((ULONG_PTR)Uaddr, Op, Val, (ULONG_PTR)Utime, FALSE, (ULONG_PTR)Uaddr2, Val3);
}

LONG
NTAPI
LxSysFutexTime64(
    ULONG *Uaddr,
    LONG Op,
    ULONG Val,
    const LX_KERNEL_TIMESPEC *Utime,
    ULONG *Uaddr2,
    ULONG Val3)
{
    return LxFutexCall((ULONG_PTR)Uaddr, Op, Val, (ULONG_PTR)Utime, TRUE, (ULONG_PTR)Uaddr2, Val3);
}
