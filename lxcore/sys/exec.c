/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: execve, execveat
 *
 * The new program replaces the calling process's address space in place (same NT process,
 * same pid): the file is read, validated and its stack built first, so any error before
 * that point is returned to the caller with the old program intact; then every lxcore
 * reservation is released, the image is loaded into the current process, close-on-exec
 * descriptors are closed, caught signals go back to their default action, TLS is cleared and
 * the system call returns into the new program's entry point.
 */

#include "lxp.h"

#define NDEBUG
#include <debug.h>

#define LX_AT_EMPTY_PATH    0x1000
#define LX_AT_SYMLINK_NOFOLLOW 0x100

/* Copies a NULL-terminated user array of strings into one pool block: the strings packed,
 * then the pointer array. Returns the count or -errno (-E2BIG beyond the argument limit). */
static
LONG
LxCopyStringArray(
    _In_opt_ const CHAR *const *UserArray,
    _Inout_ PULONG Budget,
    _Out_ PCHAR **Strings)
{
    PCHAR Block, *Pointers;
    ULONG Count = 0, Used = 0, i;
    ULONG_PTR Entry;
    LONG Result;

    *Strings = NULL;
    if (UserArray == NULL)
        return 0;   /* Linux accepts NULL as an empty array */

    /* count the entries */
    for (;;)
    {
        Result = LxCopyFromUser(&Entry, (ULONG_PTR)(UserArray + Count), sizeof(Entry));
        if (Result < 0)
            return Result;
        if (Entry == 0)
            break;
        if (++Count > 0x10000)
            return -LX_E2BIG;
    }
    if (Count == 0)
        return 0;

    /* the strings (at most *Budget bytes and a spare NUL), then the aligned pointer array */
    Block = ExAllocatePoolWithTag(PagedPool, ((*Budget + 1 + 3) & ~3u) + Count * sizeof(PCHAR),
                                  LX_TAG_TEMP);
    if (Block == NULL)
        return -LX_ENOMEM;
    Pointers = (PCHAR *)(Block + ((*Budget + 1 + 3) & ~3u));
    for (i = 0; i < Count; i++)
    {
        Result = LxCopyFromUser(&Entry, (ULONG_PTR)(UserArray + i), sizeof(Entry));
        if (Result >= 0)
            Result = LxCopyStringFromUser(Block + Used, *Budget - Used + 1, Entry);
        if (Result < 0)
        {
            ExFreePoolWithTag(Block, LX_TAG_TEMP);
            return Result == -LX_ENAMETOOLONG ? -LX_E2BIG : Result;
        }
        Pointers[i] = Block + Used;
        Used += (ULONG)Result + 1;
        if (Used > *Budget)
        {
            ExFreePoolWithTag(Block, LX_TAG_TEMP);
            return -LX_E2BIG;
        }
    }
    *Budget -= Used;
    *Strings = Pointers;
    return (LONG)Count;
}

/* The pool block behind a pointer array made by LxCopyStringArray */
static
VOID
LxFreeStringArray(
    _In_opt_ PCHAR *Strings,
    _In_ LONG Count)
{
    if (Strings != NULL && Count > 0)
        ExFreePoolWithTag(Strings[0], LX_TAG_TEMP);
}

/* Releases every reservation lxcore made in the current process. */
static
VOID
LxReleaseAddressSpace(
    _In_ PLX_PROCESS Process)
{
    PVOID Base;
    SIZE_T Size;

    ExAcquireFastMutex(&Process->MmLock);
    while (!IsListEmpty(&Process->Regions))
    {
        PLX_REGION Region = CONTAINING_RECORD(RemoveHeadList(&Process->Regions), LX_REGION, Link);
        Base = (PVOID)Region->Base;
        Size = 0;
        ZwFreeVirtualMemory(NtCurrentProcess(), &Base, &Size, MEM_RELEASE);
        ExFreePoolWithTag(Region, LX_TAG_REGION);
    }
    if (Process->ImageReserveStart != 0)
    {
        Base = (PVOID)Process->ImageReserveStart;
        Size = 0;
        ZwFreeVirtualMemory(NtCurrentProcess(), &Base, &Size, MEM_RELEASE);
    }
    if (Process->BrkRegionBase != 0)
    {
        Base = (PVOID)Process->BrkRegionBase;
        Size = 0;
        ZwFreeVirtualMemory(NtCurrentProcess(), &Base, &Size, MEM_RELEASE);
    }
    if (Process->StackReserveBase != 0)
    {
        Base = (PVOID)Process->StackReserveBase;
        Size = 0;
        ZwFreeVirtualMemory(NtCurrentProcess(), &Base, &Size, MEM_RELEASE);
    }
    Process->ImageReserveStart = Process->ImageReserveEnd = 0;
    Process->BrkRegionBase = Process->BrkStart = Process->BrkCurrent = Process->BrkLimit = 0;
    Process->StackReserveBase = Process->StackCommitLow = 0;
    ExReleaseFastMutex(&Process->MmLock);
}

static
LONG
LxExecve(
    _In_ LONG Dfd,
    _In_ const CHAR *Filename,
    _In_opt_ const CHAR *const *Argv,
    _In_opt_ const CHAR *const *Envp,
    _In_ LONG Flags)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_THREAD Thread = LxCurrentThread();
    PKTRAP_FRAME TrapFrame = PsGetPicoThreadTrapFrame(PsGetCurrentThread());
    PCHAR Name = NULL, Resolved = NULL, *Arguments = NULL, *Environment = NULL;
    LONG ArgumentCount = 0, EnvironmentCount = 0, Result;
    ULONG Budget = LX_MAX_ARGUMENT_BYTES, Fd, Sig;
    UNICODE_STRING NtPath = { 0, 0, NULL };
    LX_PREPARED_IMAGE Prepared;

    RtlZeroMemory(&Prepared, sizeof(Prepared));
    if (TrapFrame == NULL)
        return -LX_EINVAL;
    if (Flags & ~(LX_AT_EMPTY_PATH | LX_AT_SYMLINK_NOFOLLOW))
        return -LX_EINVAL;
    if (Process->ThreadCount > 1)
        return -LX_EAGAIN;  /* the other threads would have to die first: not supported */

    Name = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    Resolved = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (Name == NULL || Resolved == NULL)
    {
        Result = -LX_ENOMEM;
        goto Done;
    }
    Result = LxCopyStringFromUser(Name, LX_PATH_MAX, (ULONG_PTR)Filename);
    if (Result < 0)
        goto Done;
    Result = LxResolveUserPath(Process, Dfd, Filename, Resolved, NULL,
                               (Flags & LX_AT_SYMLINK_NOFOLLOW) ? FALSE : TRUE);
    if (Result < 0)
        goto Done;
    if (strncmp(Resolved, "/proc/self/exe", 15) == 0)
        RtlStringCbCopyA(Resolved, LX_PATH_MAX, Process->ExecFn);
    Result = LxNtPathOf(Process, Resolved, &NtPath);
    if (Result < 0)
        goto Done;

    ArgumentCount = LxCopyStringArray(Argv, &Budget, &Arguments);
    if (ArgumentCount < 0)
    {
        Result = ArgumentCount;
        goto Done;
    }
    EnvironmentCount = LxCopyStringArray(Envp, &Budget, &Environment);
    if (EnvironmentCount < 0)
    {
        Result = EnvironmentCount;
        goto Done;
    }

    Result = LxPrepareImage(Process, &NtPath, (ULONG)ArgumentCount,
                            (const CHAR *const *)Arguments, (ULONG)EnvironmentCount,
                            (const CHAR *const *)Environment, Name, &Prepared);
    if (Result < 0)
    {
        if (Result == -LX_EISDIR)
            Result = -LX_EACCES;
        goto Done;
    }

    /* ---- the point of no return ---- */
    LxVforkRelease(Process, TRUE);     /* a vfork parent resumes, with our writes */
    LxDebugFlush(Process);
    LxReleaseAddressSpace(Process);
    Result = LxPopulateAddressSpace(Process, NtCurrentProcess(), FALSE, &Prepared);
    if (Result < 0)
    {
        DbgPrint("lxss[%lu]: execve of %s failed after the old image was gone: %ld\n",
                 Process->Pid, Resolved, Result);
        if (Process->Signal == 0)
            Process->Signal = LX_SIGSEGV;
        LxPicoRoutines.TerminateProcess(PsGetCurrentProcess(), STATUS_ACCESS_VIOLATION);
        goto Done;
    }
    RtlStringCbCopyA(Process->ExecFn, LX_PATH_MAX, Resolved);

    /* close-on-exec descriptors */
    for (Fd = 0; Fd < LX_MAX_FDS; Fd++)
    {
        if (Process->FdCloexec[Fd] && Process->Fds[Fd] != NULL)
            LxCloseFd(Process, Fd);
    }
    /* caught signals return to their default action; ignored ones stay ignored */
    for (Sig = 1; Sig <= 64; Sig++)
    {
        if (Process->SignalHandlers[Sig] > 1)
            Process->SignalHandlers[Sig] = 0;
        Process->SignalFlags[Sig] = 0;
        Process->SignalRestorers[Sig] = 0;
        Process->SignalMasks[Sig] = 0;
    }
    /* no TLS, no robust list, no tid to clear in the new program */
    Thread->TlsSet = FALSE;
    Thread->TlsBase = Thread->TlsLimit = Thread->TlsFlags = 0;
    Thread->ClearChildTid = 0;
    Thread->RobustList = 0;
    LxPicoRoutines.SetThreadDescriptorBase(PicoThreadDescriptorTypeGs, 0);
    /* and Linux's initial FPU state */
    LxSetFpuState(NULL);

    /* return into the new program as its first instruction */
    TrapFrame->Eip = Prepared.Plan->entry;
    TrapFrame->HardwareEsp = Prepared.Stack.esp;
    TrapFrame->Ebx = TrapFrame->Ecx = TrapFrame->Edx = 0;
    TrapFrame->Esi = TrapFrame->Edi = TrapFrame->Ebp = 0;
    TrapFrame->EFlags = 0x202;
    TrapFrame->SegGs = 0;
    TrapFrame->SegCs = 0x1B;
    TrapFrame->SegDs = TrapFrame->SegEs = TrapFrame->HardwareSegSs = 0x23;
    Result = 0;     /* EAX = 0 at the entry point */

Done:
    LxFreePreparedImage(&Prepared);
    LxFreeStringArray(Arguments, ArgumentCount);
    LxFreeStringArray(Environment, EnvironmentCount);
    if (NtPath.Buffer)
        ExFreePoolWithTag(NtPath.Buffer, LX_TAG_TEMP);
    if (Name)
        ExFreePoolWithTag(Name, LX_TAG_TEMP);
    if (Resolved)
        ExFreePoolWithTag(Resolved, LX_TAG_TEMP);
    return Result;
}

LONG
NTAPI
LxSysExecve(
    const CHAR *Filename,
    const CHAR *const *Argv,
    const CHAR *const *Envp)
{
    return LxExecve(LX_AT_FDCWD, Filename, Argv, Envp, 0);
}

LONG
NTAPI
LxSysExecveat(
    LONG Dfd,
    const CHAR *Filename,
    const CHAR *const *Argv,
    const CHAR *const *Envp,
    LONG Flags)
{
    return LxExecve(Dfd, Filename, Argv, Envp, Flags);
}

/* rt_sigpending: the calling thread's pending signals */
LONG
NTAPI
LxSysRtSigpending(
    LX_SIGSET *Set,
    SIZE_T Sigsetsize)
{
    ULONGLONG Pending;

    if (Sigsetsize > sizeof(ULONGLONG))
        return -LX_EINVAL;
    Pending = LxPendingSignals(LxCurrentThread());
    return LxCopyToUser((ULONG_PTR)Set, &Pending, Sigsetsize);
}
