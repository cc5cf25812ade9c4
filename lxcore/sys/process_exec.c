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

#include "lxsys.h"

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
        PLX_REGION Region = CONTAINING_RECORD(Process->Regions.Flink, LX_REGION, Link);

        if (Region->Shared != NULL)
        {
            LxUnmapShared(Process, Region);     /* shmat'ed segments are detached too */
            continue;
        }
        RemoveEntryList(&Region->Link);
        Base = (PVOID)Region->Base;
        Size = 0;
        ZwFreeVirtualMemory(NtCurrentProcess(), &Base, &Size, MEM_RELEASE);
        LxMmFreeRegion(Region);
    }
    if (Process->Layout.ImageReserveStart != 0)
    {
        Base = (PVOID)Process->Layout.ImageReserveStart;
        Size = 0;
        ZwFreeVirtualMemory(NtCurrentProcess(), &Base, &Size, MEM_RELEASE);
    }
    if (Process->Layout.BrkRegionBase != 0)
    {
        Base = (PVOID)Process->Layout.BrkRegionBase;
        Size = 0;
        ZwFreeVirtualMemory(NtCurrentProcess(), &Base, &Size, MEM_RELEASE);
    }
    if (Process->Layout.StackReserveBase != 0)
    {
        Base = (PVOID)Process->Layout.StackReserveBase;
        Size = 0;
        ZwFreeVirtualMemory(NtCurrentProcess(), &Base, &Size, MEM_RELEASE);
    }
    RtlZeroMemory(&Process->Layout, sizeof(Process->Layout));
    ExReleaseFastMutex(&Process->MmLock);
}

/* A new argument array for a "#!" script: Interp [Arg] Script Arguments[1..], in one block as
 * LxCopyStringArray makes them (the strings first); the old array is freed. Budget (what
 * is left of the argument bytes) pays for the growth: -E2BIG when it cannot. */
static
LONG
LxScriptArguments(
    _Inout_ PCHAR **Arguments,
    _Inout_ PLONG Count,
    _Inout_ PULONG Budget,
    _In_ PCSTR Interp,
    _In_opt_ PCSTR Arg,
    _In_ PCSTR Script)
{
    PCSTR Parts[3] = { Interp, Arg, Script };
    ULONG Old = 0, New = 0, Used = 0, NewCount = 0, i;
    PCHAR Block, *Pointers;

    for (i = 0; i < (ULONG)*Count; i++)
        Old += (ULONG)strlen((*Arguments)[i]) + 1;
    for (i = 0; i < 3; i++)
        New += Parts[i] != NULL ? (ULONG)strlen(Parts[i]) + 1 : 0;
    for (i = 1; i < (ULONG)*Count; i++)
        New += (ULONG)strlen((*Arguments)[i]) + 1;
    if (New > Old && New - Old > *Budget)
        return -LX_E2BIG;
    Block = ExAllocatePoolWithTag(PagedPool, ((New + 3) & ~3u) + (*Count + 3) * sizeof(PCHAR),
                                  LX_TAG_TEMP);
    if (Block == NULL)
        return -LX_ENOMEM;
    Pointers = (PCHAR *)(Block + ((New + 3) & ~3u));
    for (i = 0; i < 3 + (ULONG)max(*Count - 1, 0); i++)
    {
        PCSTR Source = i < 3 ? Parts[i] : (*Arguments)[i - 2];
        SIZE_T Length;

        if (Source == NULL)
            continue;
        Length = strlen(Source) + 1;
        RtlCopyMemory(Block + Used, Source, Length);
        Pointers[NewCount++] = Block + Used;
        Used += (ULONG)Length;
    }
    LxFreeStringArray(*Arguments, *Count);
    *Budget -= New - Old;
    *Arguments = Pointers;
    *Count = (LONG)NewCount;
    return 0;
}

/*
 * binfmt_script: while the file at *NtPath starts with "#!", the interpreter named there is
 * run instead, with Interp [Arg] Script argv[1..], where Script is the name execve got (then,
 * for an interpreter that is a script itself, the interpreter's name as its "#!" line gave
 * it: Linux's bprm->interp). At most LX_SCRIPT_DEPTH levels (then ELOOP). Resolved and
 * *NtPath end up naming the program to load; a file that cannot be read is left to it.
 */
static
LONG
LxResolveScripts(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Filename,
    _Inout_updates_(LX_PATH_MAX) PCHAR Resolved,
    _Inout_ PUNICODE_STRING NtPath,
    _Inout_ PCHAR **Arguments,
    _Inout_ PLONG ArgumentCount,
    _Inout_ PULONG Budget,
    _Inout_ struct _LX_STAT64 *St)
{
    PCHAR Head, Script;
    ULONG Depth;
    LONG Result = 0;

    /* the head (and a NUL after it), then the script's name for the next level */
    Head = ExAllocatePoolWithTag(PagedPool, LX_SCRIPT_HEAD + 1 + LX_PATH_MAX, LX_TAG_TEMP);
    if (Head == NULL)
        return -LX_ENOMEM;
    Script = Head + LX_SCRIPT_HEAD + 1;
    RtlStringCbCopyA(Script, LX_PATH_MAX, Filename);
    for (Depth = 0;; Depth++)
    {
        size_t Interp, InterpLength, Arg, ArgLength;
        ULONG PathFlags;

        if (LxReadImageHead(NtPath, Head) < 0 ||
            lx_script_parse(Head, &Interp, &InterpLength, &Arg, &ArgLength) < 0)
            break;      /* unreadable or not a script: the loader decides */
        if (Depth == LX_SCRIPT_DEPTH)
        {
            Result = -LX_ELOOP;
            break;
        }
        Head[Interp + InterpLength] = ANSI_NULL;
        if (ArgLength != 0)
            Head[Arg + ArgLength] = ANSI_NULL;
        Result = LxScriptArguments(Arguments, ArgumentCount, Budget, Head + Interp,
                                   ArgLength != 0 ? Head + Arg : NULL, Script);
        if (Result < 0)
            break;
        RtlStringCbCopyA(Script, LX_PATH_MAX, Head + Interp);
        Result = LxWalkPath(Process, Process->Cwd, Head + Interp, TRUE, Resolved, &PathFlags);
        if (Result >= 0)
            Result = LxCheckPermission(Process, Resolved, LX_MAY_EXEC, St);
        if (Result < 0)
            break;
        ExFreePoolWithTag(NtPath->Buffer, LX_TAG_TEMP);
        RtlZeroMemory(NtPath, sizeof(*NtPath));
        Result = LxNtPathOf(Process, Resolved, NtPath);
        if (Result < 0)
            break;
    }
    ExFreePoolWithTag(Head, LX_TAG_TEMP);
    return Result;
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
    struct _LX_STAT64 St;
    LX_CRED NewCred;

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
    LxProcfsFollowFileLink(Process, Resolved);     /* /proc/self/exe: the program's file */
    /* execute permission by the mode bits (perm.c; root needs one x bit); a directory is
     * EACCES here as in the loader */
    Result = LxCheckPermission(Process, Resolved, LX_MAY_EXEC, &St);
    if (Result < 0)
        goto Done;
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
    Result = LxResolveScripts(Process, Name, Resolved, &NtPath, &Arguments, &ArgumentCount,
                              &Budget, &St);
    if (Result < 0)
        goto Done;

    /* the ids the program (the interpreter for a script) runs with: its set-ID bits */
    NewCred = Process->Cred;
    lx_ids_exec(&NewCred.User, &NewCred.Group, St.StMode, St.StUid, St.StGid);

    Result = LxPrepareImage(Process, &NtPath, (ULONG)ArgumentCount,
                            (const CHAR *const *)Arguments, (ULONG)EnvironmentCount,
                            (const CHAR *const *)Environment, Name, &NewCred, &Prepared);
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
    LxShmSweep();
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
    Process->Cred = NewCred;

    /* close-on-exec descriptors */
    for (Fd = 0; Fd < LX_MAX_FDS; Fd++)
    {
        if (Process->FdCloexec[Fd] && Process->Fds[Fd] != NULL)
            LxCloseFd(Process, Fd);
    }
    /* caught signals return to their default action; ignored ones stay ignored */
    for (Sig = 1; Sig <= 64; Sig++)
    {
        if (Process->Actions.SignalHandlers[Sig] > 1)
            Process->Actions.SignalHandlers[Sig] = 0;
        Process->Actions.SignalFlags[Sig] = 0;
        Process->Actions.SignalRestorers[Sig] = 0;
        Process->Actions.SignalMasks[Sig] = 0;
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
    TrapFrame->Eip = Prepared.Entry;
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

