/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     fork, vfork and clone of a process: the child's address space, thread and
 *              descriptors, and the vfork parent's wait
 *
 * ReactOS has no copy-on-write address space cloning, so fork copies eagerly: the child is a
 * new pico process with the same reservations (image, brk area, stack, mmap regions), every
 * page of the parent that can be read is copied, and a thread starts at the parent's trap
 * frame with EAX = 0. The child shares the parent's open file descriptions. Copied pages
 * get the protections the parent's pages have (ZwQueryVirtualMemory, exported by the
 * series). vfork is a fork.
 */

#include "lxkernel.h"

#define NDEBUG
#include <debug.h>

#define LX_CLONE_VM             0x00000100
#define LX_CLONE_VFORK          0x00004000
#define LX_CLONE_PARENT_SETTID  0x00100000
#define LX_CLONE_CHILD_CLEARTID 0x00200000
#define LX_CLONE_CHILD_SETTID   0x01000000
#define LX_COPY_RUN             0x10000


/* Reads one page of the current process; FALSE when it is not readable. */
static
BOOLEAN
LxReadOwnPage(
    _In_ ULONG_PTR Address,
    _Out_writes_bytes_(PAGE_SIZE) PUCHAR Buffer)
{
    BOOLEAN Readable = TRUE;

    if (Address >= (ULONG_PTR)MmUserProbeAddress)
        return FALSE;
    _SEH2_TRY
    {
        RtlCopyMemory(Buffer, (PVOID)Address, PAGE_SIZE);
    }
    _SEH2_EXCEPT(EXCEPTION_EXECUTE_HANDLER)
    {
        Readable = FALSE;
    }
    _SEH2_END;
    return Readable;
}

/* Writes a run of pages into the child (committing them read/write/execute first). */
static
LONG
LxWriteChildRun(
    _In_ PLX_PROCESS Child,
    _In_ HANDLE ChildHandle,
    _In_ ULONG_PTR Start,
    _In_ PUCHAR Data,
    _In_ SIZE_T Length)
{
    KAPC_STATE ApcState;
    NTSTATUS Status;
    LONG Result = 0;

    Status = LxVmOperation(ChildHandle, Start, Length, MEM_COMMIT, PAGE_EXECUTE_READWRITE);
    if (!NT_SUCCESS(Status))
        return -LX_ENOMEM;
    KeStackAttachProcess((PKPROCESS)Child->Process, &ApcState);
    _SEH2_TRY
    {
        RtlCopyMemory((PVOID)Start, Data, Length);
    }
    _SEH2_EXCEPT(EXCEPTION_EXECUTE_HANDLER)
    {
        Result = -LX_ENOMEM;
    }
    _SEH2_END;
    KeUnstackDetachProcess(&ApcState);
    return Result;
}

/* The child's record of a region whose view LxMapSharedInto mapped: it now holds the view. */
static
VOID
LxAdoptView(
    _In_ PLX_PROCESS Child,
    _In_ PLX_REGION Region)
{
    PLIST_ENTRY Entry;

    for (Entry = Child->Regions.Flink; Entry != &Child->Regions; Entry = Entry->Flink)
    {
        PLX_REGION Copy = CONTAINING_RECORD(Entry, LX_REGION, Link);

        if (Copy->Base == Region->Base)
        {
            Copy->Shared = Region->Shared;
            return;
        }
    }
}

/* Reserves [ReserveStart, ReserveEnd) in the child and copies the readable pages of
 * [CopyStart, CopyEnd) into it. */
static
LONG
LxCopyReservation(
    _In_ PLX_PROCESS Child,
    _In_ HANDLE ChildHandle,
    _In_ ULONG_PTR ReserveStart,
    _In_ ULONG_PTR ReserveEnd,
    _In_ ULONG_PTR CopyStart,
    _In_ ULONG_PTR CopyEnd,
    _In_ PUCHAR Buffer)
{
    ULONG_PTR Address, RunStart = 0;
    SIZE_T RunLength = 0;
    NTSTATUS Status;
    LONG Result;

    if (ReserveEnd <= ReserveStart)
        return 0;
    Status = LxVmOperation(ChildHandle, ReserveStart, ReserveEnd - ReserveStart, MEM_RESERVE,
                           PAGE_READWRITE);
    if (!NT_SUCCESS(Status))
    {
        DbgPrint("lxss: fork: cannot reserve 0x%08lx-0x%08lx, status 0x%08lx\n",
                 ReserveStart, ReserveEnd, Status);
        return -LX_ENOMEM;
    }

    CopyStart &= ~(ULONG_PTR)(PAGE_SIZE - 1);
    for (Address = CopyStart; Address < CopyEnd; Address += PAGE_SIZE)
    {
        BOOLEAN Readable = LxReadOwnPage(Address, Buffer + RunLength);

        if (Readable)
        {
            if (RunLength == 0)
                RunStart = Address;
            RunLength += PAGE_SIZE;
        }
        if ((!Readable || RunLength == LX_COPY_RUN) && RunLength != 0)
        {
            Result = LxWriteChildRun(Child, ChildHandle, RunStart, Buffer, RunLength);
            if (Result < 0)
                return Result;
            RunLength = 0;
        }
    }
    if (RunLength != 0)
    {
        Result = LxWriteChildRun(Child, ChildHandle, RunStart, Buffer, RunLength);
        if (Result < 0)
            return Result;
    }
    /* they were committed read/write/execute for the copy */
    return LxMmCopyProtections(ChildHandle, CopyStart, CopyEnd, PAGE_EXECUTE_READWRITE, FALSE);
}

/*
 * vfork-style children. ReactOS cannot share an address space between two NT processes, so
 * a CLONE_VM child gets a copy, like a forked one. CLONE_VFORK still holds the parent's
 * thread until the child execs or ends, and when the parent has no other thread (nothing
 * else can write its memory meanwhile) the pages the child changed are copied back into it
 * just before the child's image goes away (execve) or it exits: the parent then sees what
 * the child wrote, as with a shared address space (glibc's posix_spawn reports a failed exec
 * that way). LxVforkRelease is called in the child; CopyBack FALSE only releases the parent
 * (a child that failed to start).
 */

/* Copies the pages of [Start, End) that differ between the child (current) and Parent back
 * into Parent; Buffer holds two pages. Returns how many were copied. */
static
ULONG
LxVforkCopyBackRange(
    _In_ PLX_PROCESS Parent,
    _In_ ULONG_PTR Start,
    _In_ ULONG_PTR End,
    _Inout_updates_bytes_(2 * PAGE_SIZE) PUCHAR Buffer)
{
    ULONG_PTR Address;
    ULONG Copied = 0;

    for (Address = Start; Address < End; Address += PAGE_SIZE)
    {
        KAPC_STATE ApcState;

        if (!LxReadOwnPage(Address, Buffer))
            continue;
        KeStackAttachProcess((PKPROCESS)Parent->Process, &ApcState);
        _SEH2_TRY
        {
            RtlCopyMemory(Buffer + PAGE_SIZE, (PVOID)Address, PAGE_SIZE);
            if (RtlCompareMemory(Buffer, Buffer + PAGE_SIZE, PAGE_SIZE) != PAGE_SIZE)
            {
                RtlCopyMemory((PVOID)Address, Buffer, PAGE_SIZE);
                Copied++;
            }
        }
        _SEH2_EXCEPT(EXCEPTION_EXECUTE_HANDLER)
        {
            /* not readable or not writable in the parent: the child cannot have changed it
             * through a shared mapping either */
        }
        _SEH2_END;
        KeUnstackDetachProcess(&ApcState);
    }
    return Copied;
}

/* The same ranges LxFork copies: image, brk, committed stack, every mmap region. */
static
VOID
LxVforkCopyBack(
    _In_ PLX_PROCESS Child,
    _In_ PLX_PROCESS Parent)
{
    PUCHAR Buffer;
    PLIST_ENTRY Entry;
    ULONG Copied;

    Buffer = ExAllocatePoolWithTag(PagedPool, 2 * PAGE_SIZE, LX_TAG_TEMP);
    if (Buffer == NULL)
        return;
    ExAcquireFastMutex(&Parent->MmLock);
    Copied = LxVforkCopyBackRange(Parent, Parent->Layout.ImageReserveStart,
                                  Parent->Layout.ImageReserveEnd, Buffer);
    if (Parent->Layout.BrkRegionBase != 0)
    {
        Copied += LxVforkCopyBackRange(Parent, Parent->Layout.BrkRegionBase,
                                       (Parent->Layout.BrkCurrent + PAGE_SIZE - 1) &
                                           ~(ULONG_PTR)(PAGE_SIZE - 1),
                                       Buffer);
    }
    Copied += LxVforkCopyBackRange(Parent,
                                   Parent->Layout.StackCommitLow & ~(ULONG_PTR)(PAGE_SIZE - 1),
                                   Parent->Layout.StackTop, Buffer);
    for (Entry = Parent->Regions.Flink; Entry != &Parent->Regions; Entry = Entry->Flink)
    {
        PLX_REGION Region = CONTAINING_RECORD(Entry, LX_REGION, Link);

        if (Region->Shared == NULL)     /* shared memory is the same pages in both */
            Copied += LxVforkCopyBackRange(Parent, Region->Base, Region->Base + Region->Size, Buffer);
    }
    ExReleaseFastMutex(&Parent->MmLock);
    ExFreePoolWithTag(Buffer, LX_TAG_TEMP);
    DbgPrint("lxss[%lu]: vfork child: %lu changed pages copied back to %lu\n", Child->Pid, Copied,
             Parent->Pid);
}

VOID
LxVforkRelease(
    _In_ PLX_PROCESS Child,
    _In_ BOOLEAN CopyBack)
{
    PLX_PROCESS Parent;

    if (InterlockedExchange(&Child->VforkPending, 0) == 0)
        return;
    Parent = Child->VforkParent;
    if (CopyBack && Child->VforkCopyBack && Parent->Process != NULL &&
        PsGetCurrentProcess() == Child->Process)
    {
        LxVforkCopyBack(Child, Parent);
    }
    KeSetEvent(&Child->VforkDone, IO_NO_INCREMENT, FALSE);
    Child->VforkParent = NULL;
    LxDereferenceProcess(Parent);
}

static
PLX_PROCESS
LxAllocateChild(
    _In_ PLX_PROCESS Parent)
{
    PLX_PROCESS Child;
    PLIST_ENTRY Entry;
    ULONG Fd;

    Child = LxAllocateProcessBlock();
    if (Child == NULL)
        return NULL;
    RtlZeroMemory(Child, sizeof(*Child));
    Child->RefCount = 1;
    Child->ParentPid = Parent->Pid;
    Child->CreateFlags = Parent->CreateFlags;
    Child->State = LXSS_PROCESS_RUNNING;
    Child->Reaped = TRUE;
    KeInitializeEvent(&Child->ExitEvent, NotificationEvent, FALSE);
    KeInitializeEvent(&Child->ChildEvent, NotificationEvent, FALSE);
    LxInitializeProcessSignals(Child);
    ExInitializeFastMutex(&Child->MmLock);
    ExInitializeFastMutex(&Child->FdLock);
    ExInitializeFastMutex(&Child->OutLock);
    InitializeListHead(&Child->Regions);
    InitializeListHead(&Child->Link);

    /* what a child inherits as a whole (lxkernel.h) */
    Child->Cred = Parent->Cred;
    Child->Limits = Parent->Limits;
    Child->Actions = Parent->Actions;
    Child->Layout = Parent->Layout;
    Child->Pgid = Parent->Pgid ? Parent->Pgid : Parent->Pid;
    Child->Sid = Parent->Sid;
    Child->Umask = Parent->Umask;

    Child->Root.Buffer = ExAllocatePoolWithTag(PagedPool, Parent->Root.MaximumLength,
                                               LX_TAG_PROCESS);
    Child->Cwd = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_PROCESS);
    Child->ExecFn = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_PROCESS);
    if (!Child->Root.Buffer || !Child->Cwd || !Child->ExecFn)
    {
        LxDereferenceProcess(Child);
        return NULL;
    }
    RtlCopyMemory(Child->Root.Buffer, Parent->Root.Buffer, Parent->Root.MaximumLength);
    Child->Root.Length = Parent->Root.Length;
    Child->Root.MaximumLength = Parent->Root.MaximumLength;
    RtlCopyMemory(Child->Cwd, Parent->Cwd, LX_PATH_MAX);
    RtlCopyMemory(Child->ExecFn, Parent->ExecFn, LX_PATH_MAX);
    if (Parent->RootPrefix != NULL)
    {
        Child->RootPrefix = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_PROCESS);
        if (Child->RootPrefix == NULL)
        {
            LxDereferenceProcess(Child);
            return NULL;
        }
        RtlCopyMemory(Child->RootPrefix, Parent->RootPrefix, LX_PATH_MAX);
    }

    /* the same open file descriptions */
    ExAcquireFastMutex(&Parent->FdLock);
    for (Fd = 0; Fd < LX_MAX_FDS; Fd++)
    {
        if (Parent->Fds[Fd] != NULL)
        {
            LxReferenceFile(Parent->Fds[Fd]);
            Child->Fds[Fd] = Parent->Fds[Fd];
            Child->FdCloexec[Fd] = Parent->FdCloexec[Fd];
        }
    }
    ExReleaseFastMutex(&Parent->FdLock);

    /* mmap regions (the bookkeeping; the memory is copied later) */
    ExAcquireFastMutex(&Parent->MmLock);
    for (Entry = Parent->Regions.Flink; Entry != &Parent->Regions; Entry = Entry->Flink)
    {
        PLX_REGION Region = CONTAINING_RECORD(Entry, LX_REGION, Link);
        PLX_REGION Copy = LxMmAllocateRegion();
        if (Copy == NULL)
            continue;
        *Copy = *Region;
        Copy->Shared = NULL;        /* set once the view is mapped in the child */
        InsertTailList(&Child->Regions, &Copy->Link);
    }
    ExReleaseFastMutex(&Parent->MmLock);
    return Child;
}

LONG
LxFork(
    _In_ ULONG Flags,
    _In_ ULONG_PTR Newsp,           /* the child's stack (clone's second argument), 0: ours */
    _In_opt_ LONG *ParentTidptr,
    _In_opt_ LONG *ChildTidptr)
{
    PLX_PROCESS Parent = LxCurrentProcess(), Child;
    PLX_THREAD ParentThread = LxCurrentThread(), ChildThread = NULL;
    PS_PICO_PROCESS_ATTRIBUTES ProcessAttributes;
    PS_PICO_THREAD_ATTRIBUTES ThreadAttributes;
    HANDLE ChildHandle = NULL;
    PKTRAP_FRAME TrapFrame;
    PLIST_ENTRY Entry;
    PUCHAR Buffer = NULL;
    NTSTATUS Status;
    LONG Result;
    ULONG Pid;

    TrapFrame = PsGetPicoThreadTrapFrame(PsGetCurrentThread());
    if (TrapFrame == NULL)
        return -LX_EINVAL;

    /* RLIMIT_NPROC, which root is not held to (CAP_SYS_RESOURCE) */
    if (Parent->Cred.User.effective != 0 &&
        LxCountUserProcesses(Parent->Cred.User.real) >=
            Parent->Limits.RlimitCur[LX_RLIMIT_NPROC])
    {
        return -LX_EAGAIN;
    }

    LxDebugFlush(Parent);
    Child = LxAllocateChild(Parent);
    if (Child == NULL)
        return -LX_EAGAIN;
    LxTraceProcess(Child, Parent->Traced);

    RtlZeroMemory(&ProcessAttributes, sizeof(ProcessAttributes));
    ProcessAttributes.Context = Child;
    Status = LxPicoRoutines.CreateProcess(&ProcessAttributes, NULL, &ChildHandle);
    if (!NT_SUCCESS(Status))
    {
        DbgPrint("lxss[%lu]: fork: CreateProcess failed, status 0x%08lx\n", Parent->Pid, Status);
        LxDereferenceProcess(Child);
        return -LX_EAGAIN;
    }
    Status = ObReferenceObjectByHandle(ChildHandle, PROCESS_ALL_ACCESS, *PsProcessType,
                                       KernelMode, (PVOID *)&Child->Process, NULL);
    if (!NT_SUCCESS(Status))
    {
        Child->Process = NULL;
        Result = -LX_EAGAIN;
        goto Fail;
    }
    Child->NtProcessId = PsGetProcessId(Child->Process);

    /* the address space, reservation by reservation */
    Buffer = ExAllocatePoolWithTag(PagedPool, LX_COPY_RUN, LX_TAG_TEMP);
    if (Buffer == NULL)
    {
        Result = -LX_ENOMEM;
        goto Fail;
    }
    ExAcquireFastMutex(&Parent->MmLock);
    Result = LxCopyReservation(Child, ChildHandle, Parent->Layout.ImageReserveStart,
                               Parent->Layout.ImageReserveEnd, Parent->Layout.ImageReserveStart,
                               Parent->Layout.ImageReserveEnd, Buffer);
    if (Result == 0 && Parent->Layout.BrkRegionBase != 0)
    {
        Result = LxCopyReservation(Child, ChildHandle, Parent->Layout.BrkRegionBase,
                                   Parent->Layout.BrkLimit,
                                   Parent->Layout.BrkRegionBase,
                                   max(Parent->Layout.BrkRegionBase,
                                       (Parent->Layout.BrkCurrent + PAGE_SIZE - 1) &
                                           ~(ULONG_PTR)(PAGE_SIZE - 1)),
                                   Buffer);
    }
    if (Result == 0)
    {
        Result = LxCopyReservation(Child, ChildHandle, Parent->Layout.StackReserveBase,
                                   Parent->Layout.StackTop,
                                   Parent->Layout.StackCommitLow, Parent->Layout.StackTop, Buffer);
    }
    for (Entry = Parent->Regions.Flink; Result == 0 && Entry != &Parent->Regions;
         Entry = Entry->Flink)
    {
        PLX_REGION Region = CONTAINING_RECORD(Entry, LX_REGION, Link);

        if (Region->Shared != NULL)
        {
            /* shared memory: the same pages in the child */
            Result = LxMapSharedInto(Child, ChildHandle, Region);
            if (Result == 0)
                LxAdoptView(Child, Region);
            continue;
        }
        Result = LxCopyReservation(Child, ChildHandle, Region->Base,
                                   Region->Base + Region->Size, Region->Base,
                                   Region->Base + Region->Size, Buffer);
    }
    ExReleaseFastMutex(&Parent->MmLock);
    if (Result < 0)
        goto Fail;

    /* the child's only thread */
    ChildThread = LxAllocateCloneThread(Child, ParentThread, TRUE,
                                        (Flags & LX_CLONE_CHILD_CLEARTID) ?
                                            (ULONG_PTR)ChildTidptr : 0);
    if (ChildThread == NULL)
    {
        Result = -LX_EAGAIN;
        goto Fail;
    }

    if (Flags & LX_CLONE_VFORK)
    {
        KeInitializeEvent(&Child->VforkDone, NotificationEvent, FALSE);
        Child->VforkCopyBack = (Flags & LX_CLONE_VM) && Parent->ThreadCount == 1;
        LxReferenceProcess(Parent);
        Child->VforkParent = Parent;
        Child->VforkPending = 1;
    }

    LxInsertProcess(Child);     /* the child's pid; wait4 can see it from now on */
    Pid = Child->Pid;
    ChildThread->Tid = Pid;

    if (Flags & LX_CLONE_CHILD_SETTID)
    {
        KAPC_STATE ApcState;
        KeStackAttachProcess((PKPROCESS)Child->Process, &ApcState);
        LxCopyToUser((ULONG_PTR)ChildTidptr, &Pid, sizeof(Pid));
        KeUnstackDetachProcess(&ApcState);
    }
    if (Flags & LX_CLONE_PARENT_SETTID)
        LxCopyToUser((ULONG_PTR)ParentTidptr, &Pid, sizeof(Pid));

    RtlZeroMemory(&ThreadAttributes, sizeof(ThreadAttributes));
    LxThreadAttributesFromTrap(&ThreadAttributes, TrapFrame, ChildHandle, Newsp, ChildThread);
    ThreadAttributes.UserGsSeg = (USHORT)TrapFrame->SegGs;
    ThreadAttributes.UserGsBase = ParentThread->TlsBase;

    LxReferenceProcess(Child);      /* the thread's */
    LxReferenceProcess(Child);      /* the NT process's, dropped by ExitProcess */
    InterlockedIncrement(&Child->ThreadCount);
    LxRegisterThread(ChildThread);
    /* the child continues with a copy of the caller's FPU state */
    Status = LxStartThread(&ThreadAttributes, TRUE);
    if (!NT_SUCCESS(Status))
    {
        LxUnregisterThread(ChildThread);
        DbgPrint("lxss[%lu]: fork: CreateThread failed, status 0x%08lx\n", Parent->Pid, Status);
        InterlockedDecrement(&Child->ThreadCount);
        LxDereferenceProcess(Child);
        LxDereferenceProcess(Child);
        LxFreeThreadBlock(ChildThread);
        ZwClose(ChildHandle);
        ExFreePoolWithTag(Buffer, LX_TAG_TEMP);
        LxVforkRelease(Child, FALSE);
        LxRemoveProcess(Child);     /* drops the table's (last) reference */
        return -LX_EAGAIN;
    }
    ZwClose(ChildHandle);
    ExFreePoolWithTag(Buffer, LX_TAG_TEMP);
    if (Flags & LX_CLONE_VFORK)
    {
        /* until the child execs or ends (a kernel-mode wait: termination still ends it) */
        LxReferenceProcess(Child);
        KeWaitForSingleObject(&Child->VforkDone, Executive, KernelMode, FALSE, NULL);
        LxDereferenceProcess(Child);
    }
    return (LONG)Pid;

Fail:
    if (ChildHandle != NULL)
        ZwClose(ChildHandle);
    if (Buffer != NULL)
        ExFreePoolWithTag(Buffer, LX_TAG_TEMP);
    LxDereferenceProcess(Child);    /* not in the table yet: this frees it */
    return Result;
}

