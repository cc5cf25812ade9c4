/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Linux process objects: the pid table, creation from an IOCTL request, waiting
 *              for an exit status, signalling and exit
 */

#include "lxkernel.h"

#define NDEBUG
#include <debug.h>

static FAST_MUTEX LxProcessLock;
static LIST_ENTRY LxProcessList;
static ULONG LxNextPid;
static ULONG LxLiveProcesses;
static LONG LxProcessBlocks;       /* allocated, not yet freed (IOCTL_LXSS_QUERY_COUNTERS) */

static const WCHAR LxDefaultRoot[] = L"\\SystemRoot\\lxss\\rootfs";

VOID
LxInitializeProcessTable(VOID)
{
    ExInitializeFastMutex(&LxProcessLock);
    InitializeListHead(&LxProcessList);
    LxNextPid = 2;  /* pid 1 stands for the launcher, the parent of every process for now */
}

PLX_PROCESS
LxCurrentProcess(VOID)
{
    return LxPicoRoutines.GetProcessContext(PsGetCurrentProcess());
}

PLX_THREAD
LxCurrentThread(VOID)
{
    PETHREAD NtThread = PsGetCurrentThread();
    PLX_THREAD Thread = LxPicoRoutines.GetThreadContext(NtThread);

    /* the NT thread signals are sent to (signal.c): known from its first system call */
    if (Thread != NULL && Thread->NtThread == NULL)
        Thread->NtThread = NtThread;
    return Thread;
}

VOID
LxReferenceProcess(
    _In_ PLX_PROCESS Process)
{
    InterlockedIncrement(&Process->RefCount);
}

VOID
LxDereferenceProcess(
    _In_ PLX_PROCESS Process)
{
    if (InterlockedDecrement(&Process->RefCount) != 0)
        return;

    ASSERT(KeGetCurrentIrql() <= APC_LEVEL);
    LxTraceProcess(Process, LX_TRACE_OFF);  /* one that never ran (a failed fork) */
    LxCloseAllFiles(Process);
    LxMmCleanupProcess(Process);
    if (Process->Process)
        ObDereferenceObject(Process->Process);
    if (Process->Root.Buffer)
        ExFreePoolWithTag(Process->Root.Buffer, LX_TAG_PROCESS);
    if (Process->RootPrefix)
        ExFreePoolWithTag(Process->RootPrefix, LX_TAG_PROCESS);
    if (Process->Cwd)
        ExFreePoolWithTag(Process->Cwd, LX_TAG_PROCESS);
    if (Process->ExecFn)
        ExFreePoolWithTag(Process->ExecFn, LX_TAG_PROCESS);
    LxFreeCounted(Process, LX_TAG_PROCESS, &LxProcessBlocks);
}

/* The memory of an LX_PROCESS, counted until its last reference is gone */
PLX_PROCESS
LxAllocateProcessBlock(VOID)
{
    return LxAllocateCounted(sizeof(LX_PROCESS), LX_TAG_PROCESS, &LxProcessBlocks);
}

ULONG
LxLiveProcessBlocks(VOID)
{
    return (ULONG)LxProcessBlocks;
}

PLX_PROCESS
LxLookupProcess(
    _In_ ULONG Pid)
{
    PLIST_ENTRY Entry;
    PLX_PROCESS Found = NULL;

    ExAcquireFastMutex(&LxProcessLock);
    for (Entry = LxProcessList.Flink; Entry != &LxProcessList; Entry = Entry->Flink)
    {
        PLX_PROCESS Process = CONTAINING_RECORD(Entry, LX_PROCESS, Link);
        if (Process->Pid == Pid)
        {
            LxReferenceProcess(Process);
            Found = Process;
            break;
        }
    }
    ExReleaseFastMutex(&LxProcessLock);
    return Found;
}

/* Linux pids and tids come from one counter */
/* The live processes of process group Pgid (Pgid > 0) or all of them (Pgid == -1),
 * referenced, at most Max. */
ULONG
LxCollectProcesses(
    _In_ LONG Pgid,
    _Out_writes_(Max) PLX_PROCESS *Out,
    _In_ ULONG Max)
{
    PLIST_ENTRY Entry;
    ULONG Count = 0;

    ExAcquireFastMutex(&LxProcessLock);
    for (Entry = LxProcessList.Flink; Entry != &LxProcessList && Count < Max; Entry = Entry->Flink)
    {
        PLX_PROCESS Process = CONTAINING_RECORD(Entry, LX_PROCESS, Link);
        ULONG Group = LxProcessGroupOf(Process);

        if (KeReadStateEvent(&Process->ExitEvent))
            continue;
        if (Pgid == -1 || Group == (ULONG)Pgid)
        {
            LxReferenceProcess(Process);
            Out[Count++] = Process;
        }
    }
    ExReleaseFastMutex(&LxProcessLock);
    return Count;
}

ULONG
LxAllocatePid(VOID)
{
    ULONG Pid;

    ExAcquireFastMutex(&LxProcessLock);
    Pid = LxNextPid++;
    ExReleaseFastMutex(&LxProcessLock);
    return Pid;
}

/* The pid handed out last (1, the launcher's, before any) */
ULONG
LxLastPid(VOID)
{
    return LxNextPid - 1;
}

ULONG
LxProcessCount(VOID)
{
    return LxLiveProcesses;
}

/* Whether Caller may signal or set the limits of a process with Target's credentials:
 * effective uid 0, or its real or effective uid is the target's real or saved one (Linux's
 * kill_ok_by_cred) */
BOOLEAN
LxCredMayControl(
    _In_ const LX_CRED *Caller,
    _In_ const LX_CRED *Target)
{
    return Caller->User.effective == 0 ||
           Caller->User.effective == Target->User.real ||
           Caller->User.effective == Target->User.saved ||
           Caller->User.real == Target->User.real ||
           Caller->User.real == Target->User.saved;
}

static FAST_MUTEX LxTraceLock;
static ULONG LxTracedProcesses;
static const LX_TRACE_ROUTINES *LxTraceRoutines;

VOID
LxSetTraceRoutines(
    _In_ const LX_TRACE_ROUTINES *Routines)
{
    ExInitializeFastMutex(&LxTraceLock);
    LxTraceRoutines = Routines;
}

VOID
LxTraceProcess(
    _In_ PLX_PROCESS Process,
    _In_ UCHAR Mode)
{
    PVOID Record = NULL;
    BOOLEAN Killed;

    if (LxTraceRoutines == NULL || Process->Traced == Mode)
        return;
    if (Mode == LX_TRACE_RECORD)
    {
        Record = LxTraceRoutines->CreateRecord();
        if (Record == NULL)
            return;     /* traced less, not failed: tracing is a diagnosis */
    }
    ExAcquireFastMutex(&LxTraceLock);
    if (Process->Traced != LX_TRACE_OFF && Mode == LX_TRACE_OFF && --LxTracedProcesses == 0)
        LxTraceRoutines->Switch(FALSE);
    else if (Process->Traced == LX_TRACE_OFF && Mode != LX_TRACE_OFF && LxTracedProcesses++ == 0)
        LxTraceRoutines->Switch(TRUE);
    Process->Traced = Mode;
    ExReleaseFastMutex(&LxTraceLock);

    if (Process->TraceRecord != NULL)
    {
        /* what a SIGKILL interrupted is what a hang report needs (the fuzzer's) */
        Killed = Process->State == LXSS_PROCESS_KILLED && Process->Signal == LX_SIGKILL;
        LxTraceRoutines->EndRecord(Process->TraceRecord, Killed);
    }
    Process->TraceRecord = Record;
}

/* The live processes whose real uid is Uid (RLIMIT_NPROC; Linux counts threads) */
ULONG
LxCountUserProcesses(
    _In_ ULONG Uid)
{
    PLIST_ENTRY Entry;
    ULONG Count = 0;

    ExAcquireFastMutex(&LxProcessLock);
    for (Entry = LxProcessList.Flink; Entry != &LxProcessList; Entry = Entry->Flink)
    {
        PLX_PROCESS Process = CONTAINING_RECORD(Entry, LX_PROCESS, Link);

        if (Process->Cred.User.real == Uid && !KeReadStateEvent(&Process->ExitEvent))
            Count++;
    }
    ExReleaseFastMutex(&LxProcessLock);
    return Count;
}

/*
 * Parent ends: its children go to "init" (getppid() says 1), which reaps them as they end,
 * as Linux's init does; lxcore has no init process, so an orphan is removed from the table
 * when it ends (LxProcessIsOrphan), and those that have ended already go now.
 */
VOID
LxOrphanChildren(
    _In_ PLX_PROCESS Parent)
{
    PLX_PROCESS Ended[16];
    PLIST_ENTRY Entry;
    ULONG Count, i;

    do
    {
        Count = 0;
        ExAcquireFastMutex(&LxProcessLock);
        for (Entry = LxProcessList.Flink; Entry != &LxProcessList; Entry = Entry->Flink)
        {
            PLX_PROCESS Child = CONTAINING_RECORD(Entry, LX_PROCESS, Link);

            if (Child == Parent || Child->ParentPid != Parent->Pid)
                continue;
            if (KeReadStateEvent(&Child->ExitEvent))
            {
                if (Count == RTL_NUMBER_OF(Ended))
                    continue;   /* the next pass */
                LxReferenceProcess(Child);
                Ended[Count++] = Child;
            }
            else
            {
                Child->Orphaned = TRUE;
                Child->ParentPid = 1;
            }
        }
        ExReleaseFastMutex(&LxProcessLock);
        for (i = 0; i < Count; i++)
        {
            Ended[i]->ParentPid = 1;
            LxRemoveProcess(Ended[i]);
            LxDereferenceProcess(Ended[i]);
        }
    } while (Count == RTL_NUMBER_OF(Ended));
}

/* Whether the ending Process is init's to reap (its ExitEvent is set before this is asked) */
BOOLEAN
LxProcessIsOrphan(
    _In_ PLX_PROCESS Process)
{
    BOOLEAN Orphaned;

    ExAcquireFastMutex(&LxProcessLock);
    Orphaned = Process->Orphaned;
    ExReleaseFastMutex(&LxProcessLock);
    return Orphaned;
}

VOID
LxRemoveProcess(
    _In_ PLX_PROCESS Process)
{
    BOOLEAN Removed = FALSE;

    ExAcquireFastMutex(&LxProcessLock);
    if (!Process->Reaped)
    {
        Process->Reaped = TRUE;
        RemoveEntryList(&Process->Link);
        LxLiveProcesses--;
        Removed = TRUE;
    }
    ExReleaseFastMutex(&LxProcessLock);
    if (Removed)
        LxDereferenceProcess(Process);  /* the table's reference */
}

/* Makes a new process visible under a new pid (fork). */
VOID
LxInsertProcess(
    _In_ PLX_PROCESS Process)
{
    ExAcquireFastMutex(&LxProcessLock);
    Process->Pid = LxNextPid++;
    Process->Reaped = FALSE;
    InsertTailList(&LxProcessList, &Process->Link);
    LxLiveProcesses++;
    ExReleaseFastMutex(&LxProcessLock);
}

/* A process's group and session: one that never called setpgid/setsid is in the group of its
 * own pid and in init's session (1). */
ULONG
LxProcessGroupOf(
    _In_ PLX_PROCESS Process)
{
    return Process->Pgid ? Process->Pgid : Process->Pid;
}

ULONG
LxSessionOf(
    _In_ PLX_PROCESS Process)
{
    return Process->Sid ? Process->Sid : 1;
}

/* The live process Pid, not referenced (under LxProcessLock) */
static
PLX_PROCESS
LxFindProcessLocked(
    _In_ ULONG Pid)
{
    PLIST_ENTRY Entry;

    for (Entry = LxProcessList.Flink; Entry != &LxProcessList; Entry = Entry->Flink)
    {
        PLX_PROCESS Process = CONTAINING_RECORD(Entry, LX_PROCESS, Link);

        if (Process->Pid == Pid && !KeReadStateEvent(&Process->ExitEvent))
            return Process;
    }
    return NULL;
}

/* Whether process group Pgid is orphaned: no live member has its parent in another group of
 * the same session (Linux's will_become_orphaned_pgrp; init, pid 1 here the launcher, is no
 * such parent). Job-control stops (SIGTSTP, SIGTTIN, SIGTTOU) never reach such a group, as
 * nobody would continue it. */
BOOLEAN
LxProcessGroupOrphaned(
    _In_ ULONG Pgid)
{
    PLIST_ENTRY Entry;
    BOOLEAN Orphaned = TRUE;

    ExAcquireFastMutex(&LxProcessLock);
    for (Entry = LxProcessList.Flink; Orphaned && Entry != &LxProcessList; Entry = Entry->Flink)
    {
        PLX_PROCESS Process = CONTAINING_RECORD(Entry, LX_PROCESS, Link);
        PLX_PROCESS Parent;

        if (LxProcessGroupOf(Process) != Pgid || KeReadStateEvent(&Process->ExitEvent) ||
            Process->ParentPid <= 1)
            continue;
        Parent = LxFindProcessLocked(Process->ParentPid);
        if (Parent != NULL && LxProcessGroupOf(Parent) != Pgid &&
            LxSessionOf(Parent) == LxSessionOf(Process))
        {
            Orphaned = FALSE;
        }
    }
    ExReleaseFastMutex(&LxProcessLock);
    return Orphaned;
}

/* Whether a live process of group Pgid is stopped (has_stopped_jobs) */
BOOLEAN
LxProcessGroupStopped(
    _In_ ULONG Pgid)
{
    PLIST_ENTRY Entry;
    BOOLEAN Stopped = FALSE;

    ExAcquireFastMutex(&LxProcessLock);
    for (Entry = LxProcessList.Flink; !Stopped && Entry != &LxProcessList; Entry = Entry->Flink)
    {
        PLX_PROCESS Process = CONTAINING_RECORD(Entry, LX_PROCESS, Link);

        Stopped = LxProcessGroupOf(Process) == Pgid && Process->Stopped &&
                  !KeReadStateEvent(&Process->ExitEvent);
    }
    ExReleaseFastMutex(&LxProcessLock);
    return Stopped;
}

/* The groups of Parent's live children that are not its own, each once, at most Max */
ULONG
LxChildGroups(
    _In_ PLX_PROCESS Parent,
    _Out_writes_(Max) PULONG Groups,
    _In_ ULONG Max)
{
    PLIST_ENTRY Entry;
    ULONG Count = 0, i;

    ExAcquireFastMutex(&LxProcessLock);
    for (Entry = LxProcessList.Flink; Count < Max && Entry != &LxProcessList; Entry = Entry->Flink)
    {
        PLX_PROCESS Process = CONTAINING_RECORD(Entry, LX_PROCESS, Link);
        ULONG Group = LxProcessGroupOf(Process);

        if (Process->ParentPid != Parent->Pid || KeReadStateEvent(&Process->ExitEvent) ||
            Group == LxProcessGroupOf(Parent) || LxSessionOf(Process) != LxSessionOf(Parent))
            continue;
        for (i = 0; i < Count && Groups[i] != Group; i++)
            ;
        if (i == Count)
            Groups[Count++] = Group;
    }
    ExReleaseFastMutex(&LxProcessLock);
    return Count;
}

/*
 * wait4/waitid: the first child of ParentPid matching Pid (> 0: that pid; -1: any; < -1: one
 * in group -Pid) with something Options asks for: LX_WAIT_EXITED, it ended;
 * LX_JOB_REPORT_STOPPED, a stop it is still in, or LX_JOB_REPORT_CONTINUED, a continue,
 * neither reported yet (now reported, unless LX_WAIT_NOWAIT). Returns it referenced, what it
 * reports in *Report, and whether any child matches at all in *HaveChildren.
 */
PLX_PROCESS
LxFindWaitableChild(
    _In_ ULONG ParentPid,
    _In_ LONG Pid,
    _In_ ULONG Options,
    _Out_ PULONG Report,
    _Out_ PBOOLEAN HaveChildren)
{
    PLIST_ENTRY Entry;
    PLX_PROCESS Found = NULL;

    *HaveChildren = FALSE;
    *Report = 0;
    ExAcquireFastMutex(&LxProcessLock);
    for (Entry = LxProcessList.Flink; Entry != &LxProcessList; Entry = Entry->Flink)
    {
        PLX_PROCESS Process = CONTAINING_RECORD(Entry, LX_PROCESS, Link);
        LONG Job;

        if (Process->ParentPid != ParentPid || (Pid > 0 && Process->Pid != (ULONG)Pid))
            continue;
        if (Pid < -1 && LxProcessGroupOf(Process) != (ULONG)-Pid)
            continue;
        *HaveChildren = TRUE;
        if (KeReadStateEvent(&Process->ExitEvent))
        {
            if (!(Options & LX_WAIT_EXITED))
                continue;
            *Report = LX_WAIT_EXITED;
        }
        else
        {
            /* taken unless a continue or a stop replaced it meanwhile (then again) */
            do
            {
                Job = Process->JobReport & (LONG)Options &
                      (LX_JOB_REPORT_STOPPED | LX_JOB_REPORT_CONTINUED);
            } while (Job != 0 && !(Options & LX_WAIT_NOWAIT) &&
                     InterlockedCompareExchange(&Process->JobReport, 0, Job) != Job);
            if (Job == 0)
                continue;
            *Report = (ULONG)Job;
        }
        LxReferenceProcess(Process);
        Found = Process;
        break;
    }
    ExReleaseFastMutex(&LxProcessLock);
    return Found;
}

/* Checks that a blob lies inside the request; returns its address or NULL (Length 0). */
static
NTSTATUS
LxGetBlob(
    _In_ PUCHAR Request,
    _In_ ULONG RequestLength,
    _In_ PLXSS_BLOB Blob,
    _Out_ PUCHAR *Data)
{
    *Data = NULL;
    if (Blob->Length == 0)
        return STATUS_SUCCESS;
    if (Blob->Offset > RequestLength || Blob->Length > RequestLength - Blob->Offset)
        return STATUS_INVALID_PARAMETER;
    *Data = Request + Blob->Offset;
    return STATUS_SUCCESS;
}

/* Splits Count packed NUL-terminated strings into a pointer array (pool, caller frees). */
static
NTSTATUS
LxSplitStrings(
    _In_opt_ PUCHAR Data,
    _In_ ULONG Length,
    _In_ ULONG Count,
    _Out_ PCHAR **Strings)
{
    PCHAR *Array;
    ULONG i, Offset = 0;

    *Strings = NULL;
    if (Count == 0)
        return STATUS_SUCCESS;
    if (Data == NULL || Count > Length || Count > 0x10000)
        return STATUS_INVALID_PARAMETER;

    Array = ExAllocatePoolWithTag(PagedPool, Count * sizeof(PCHAR), LX_TAG_TEMP);
    if (Array == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    for (i = 0; i < Count; i++)
    {
        ULONG Start = Offset;

        while (Offset < Length && Data[Offset] != ANSI_NULL)
            Offset++;
        if (Offset >= Length)
        {
            ExFreePoolWithTag(Array, LX_TAG_TEMP);
            return STATUS_INVALID_PARAMETER;    /* not terminated inside the blob */
        }
        Array[i] = (PCHAR)Data + Start;
        Offset++;
    }
    *Strings = Array;
    return STATUS_SUCCESS;
}

/* A kernel handle to the file object behind a caller's handle, with the same access: no
 * access is gained through lxcore */
static
NTSTATUS
LxKernelHandleOf(
    _In_ HANDLE CallerHandle,
    _In_ KPROCESSOR_MODE RequestorMode,
    _Out_ PHANDLE KernelHandle)
{
    OBJECT_HANDLE_INFORMATION HandleInfo;
    PFILE_OBJECT FileObject;
    NTSTATUS Status;

    *KernelHandle = NULL;
    Status = ObReferenceObjectByHandle(CallerHandle,
                                       0,
                                       *IoFileObjectType,
                                       RequestorMode,
                                       (PVOID *)&FileObject,
                                       &HandleInfo);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = ObOpenObjectByPointer(FileObject,
                                   OBJ_KERNEL_HANDLE,
                                   NULL,
                                   HandleInfo.GrantedAccess,
                                   *IoFileObjectType,
                                   KernelMode,
                                   KernelHandle);
    ObDereferenceObject(FileObject);
    return Status;
}

/* Turns a caller's handle into an fd backed by a kernel handle with the caller's access. */
static
NTSTATUS
LxFileFromCallerHandle(
    _In_ HANDLE CallerHandle,
    _In_ KPROCESSOR_MODE RequestorMode,
    _In_ ULONG Fd,
    _In_ USHORT TtyRows,
    _In_ USHORT TtyColumns,
    _Out_ PLX_FILE *File)
{
    HANDLE KernelHandle;
    NTSTATUS Status;

    *File = NULL;
    Status = LxKernelHandleOf(CallerHandle, RequestorMode, &KernelHandle);
    if (!NT_SUCCESS(Status))
        return Status;

    /* a stream: pipes and consoles; the position is the object's own */
    if (LxCreateStreamFile(KernelHandle, Fd == 0 ? LX_O_RDONLY : LX_O_WRONLY, TtyRows, TtyColumns,
                           File) < 0)
        return STATUS_INSUFFICIENT_RESOURCES;
    return STATUS_SUCCESS;
}

/*
 * LXSS_CREATE_TTY_*: the launcher's terminal, a pty the new process leads a session with
 * (fs/pty.c LxStartTerminal), on the descriptors the flags name. Its keys come from
 * StdHandles[0] (LXSS_CREATE_TTY_STDIN), what it shows goes to StdHandles[1]
 * (LXSS_CREATE_TTY_STDOUT) or else [2]. 0 or a Linux error (-EBADF for a bad handle).
 */
static
LONG
LxStartRequestTerminal(
    _In_ PLX_PROCESS Process,
    _In_ PLXSS_CREATE_PROCESS_IN Request,
    _In_ KPROCESSOR_MODE RequestorMode)
{
    HANDLE Input = NULL, Output = NULL, Screen;
    USHORT Rows = (USHORT)(Request->TerminalSize >> 16), Columns = (USHORT)Request->TerminalSize;
    PLX_FILE Slave;
    ULONG i;
    LONG Result = -LX_EBADF;

    if (Rows == 0 || Columns == 0)
    {
        Rows = 25;
        Columns = 80;
    }
    Screen = (Request->Flags & LXSS_CREATE_TTY_STDOUT) ? Request->StdHandles[1] :
             (Request->Flags & LXSS_CREATE_TTY_STDERR) ? Request->StdHandles[2] : NULL;
    if ((Request->Flags & LXSS_CREATE_TTY_STDIN) && Request->StdHandles[0] != NULL &&
        !NT_SUCCESS(LxKernelHandleOf(Request->StdHandles[0], RequestorMode, &Input)))
        goto Fail;
    if (Screen != NULL && !NT_SUCCESS(LxKernelHandleOf(Screen, RequestorMode, &Output)))
        goto Fail;
    Result = LxStartTerminal(Process, Input, Output, Rows, Columns, &Slave);
    if (Result < 0)
        goto Fail;
    for (i = 0; i < 3; i++)
    {
        if (Request->Flags & (LXSS_CREATE_TTY_STDIN << i))
        {
            LxReferenceFile(Slave);
            LxReplaceFile(Process, Slave, i, FALSE);
        }
    }
    LxDereferenceFile(Slave);
    return 0;

Fail:
    if (Input != NULL)
        ZwClose(Input);
    if (Output != NULL)
        ZwClose(Output);
    return Result;
}

NTSTATUS
LxCreateProcessFromRequest(
    _In_ PLXSS_CREATE_PROCESS_IN Request,
    _In_ ULONG RequestLength,
    _In_ KPROCESSOR_MODE RequestorMode,
    _Out_ PLXSS_CREATE_PROCESS_OUT Reply)
{
    PUCHAR Base = (PUCHAR)Request;
    PUCHAR ImageData, RootData, CwdData, ExecFnData, ArgData, EnvData, ProgramData, GroupData;
    UNICODE_STRING ImagePath, ProgramNtPath = { 0 };
    PCHAR ProgramResolved = NULL;
    struct _LX_STAT64 ProgramStat;
    PCHAR *Arguments = NULL, *Environment = NULL;
    PLX_PROCESS Process = NULL;
    HANDLE Token = NULL;
    BOOLEAN Privileged;
    ULONG i, RootLength;
    NTSTATUS Status;
    LONG Result;
    int Resolved;

    PAGED_CODE();

    Reply->Size = sizeof(*Reply);
    if (Request->Size < sizeof(*Request))
        return STATUS_INFO_LENGTH_MISMATCH;
    if (Request->Flags & LXSS_CREATE_SUSPENDED)
        return STATUS_NOT_SUPPORTED;
    if ((Request->Flags & ~LXSS_CREATE_VALID_FLAGS) != 0)
        return STATUS_INVALID_PARAMETER;
    if (Request->Reserved != 0 ||
        (Request->TerminalSize != 0 &&
         !(Request->Flags & (LXSS_CREATE_STDIO_TTY | LXSS_CREATE_TTY_ANY))) ||
        ((Request->Flags & LXSS_CREATE_STDIO_TTY) && (Request->Flags & LXSS_CREATE_TTY_ANY)))
        return STATUS_INVALID_PARAMETER;

    /* the program: an NT path, or a Linux path lxcore resolves (exactly one) */
    Status = LxGetBlob(Base, RequestLength, &Request->ImagePath, &ImageData);
    if (!NT_SUCCESS(Status) || (Request->ImagePath.Length & 1) || Request->ImagePath.Length > 0x7FF0 ||
        !NT_SUCCESS(LxGetBlob(Base, RequestLength, &Request->ProgramPath, &ProgramData)) ||
        (ImageData == NULL) == (ProgramData == NULL) ||
        (ProgramData && ProgramData[Request->ProgramPath.Length - 1] != ANSI_NULL))
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(LxGetBlob(Base, RequestLength, &Request->RootDirectory, &RootData)) ||
        (Request->RootDirectory.Length & 1) || Request->RootDirectory.Length > 0x7FF0 ||
        !NT_SUCCESS(LxGetBlob(Base, RequestLength, &Request->CurrentDirectory, &CwdData)) ||
        !NT_SUCCESS(LxGetBlob(Base, RequestLength, &Request->ExecFn, &ExecFnData)) ||
        !NT_SUCCESS(LxGetBlob(Base, RequestLength, &Request->Arguments, &ArgData)) ||
        !NT_SUCCESS(LxGetBlob(Base, RequestLength, &Request->Environment, &EnvData)))
        return STATUS_INVALID_PARAMETER;
    if (CwdData && CwdData[Request->CurrentDirectory.Length - 1] != ANSI_NULL)
        return STATUS_INVALID_PARAMETER;
    if (ExecFnData && ExecFnData[Request->ExecFn.Length - 1] != ANSI_NULL)
        return STATUS_INVALID_PARAMETER;
    /* (1.6) another user: ids and groups only with the flag, at most LX_NGROUPS groups */
    if (!NT_SUCCESS(LxGetBlob(Base, RequestLength, &Request->Groups, &GroupData)) ||
        (Request->Groups.Length & 3) || Request->Groups.Length / 4 > LX_NGROUPS ||
        (!(Request->Flags & LXSS_CREATE_USER) &&
         (Request->Uid != 0 || Request->Gid != 0 || GroupData != NULL)))
        return STATUS_INVALID_PARAMETER;

    ImagePath.Buffer = (PWCH)ImageData;
    ImagePath.Length = ImagePath.MaximumLength = (USHORT)Request->ImagePath.Length;

    /* The process runs with the requester's token; only SYSTEM and administrators (the
     * runner) may send its output to the kernel debugger */
    Status = LxCaptureCallerToken(&Token, &Privileged);
    if (!NT_SUCCESS(Status))
        goto Cleanup;
    if ((Request->Flags & (LXSS_CREATE_DEBUG_STDIO | LXSS_CREATE_TRACE |
                           LXSS_CREATE_TRACE_RECORD)) && !Privileged)
    {
        Status = STATUS_ACCESS_DENIED;
        goto Cleanup;
    }

    Status = LxSplitStrings(ArgData, Request->Arguments.Length, Request->ArgumentCount,
                            &Arguments);
    if (!NT_SUCCESS(Status))
        goto Cleanup;
    Status = LxSplitStrings(EnvData, Request->Environment.Length, Request->EnvironmentCount,
                            &Environment);
    if (!NT_SUCCESS(Status))
        goto Cleanup;

    /* The Linux process object */
    Process = LxAllocateProcessBlock();
    if (Process == NULL)
    {
        Status = STATUS_INSUFFICIENT_RESOURCES;
        goto Cleanup;
    }
    RtlZeroMemory(Process, sizeof(*Process));
    Process->RefCount = 1;
    Process->CreateFlags = Request->Flags;
    Process->ParentPid = 1;
    Process->State = LXSS_PROCESS_RUNNING;
    Process->Umask = 022;
    LxInitializeLimits(Process);
    KeInitializeEvent(&Process->ExitEvent, NotificationEvent, FALSE);
    KeInitializeEvent(&Process->ChildEvent, NotificationEvent, FALSE);
    LxInitializeProcessSignals(Process);
    ExInitializeFastMutex(&Process->MmLock);
    ExInitializeFastMutex(&Process->FdLock);
    ExInitializeFastMutex(&Process->OutLock);
    InitializeListHead(&Process->Regions);
    InitializeListHead(&Process->Link);
    Process->Reaped = TRUE;     /* not in the table yet */
    if (Request->Flags & LXSS_CREATE_USER)
    {
        uint32_t Groups[LX_NGROUPS];

        Process->Cred.User.real = Process->Cred.User.effective = Request->Uid;
        Process->Cred.User.saved = Process->Cred.User.fs = Request->Uid;
        Process->Cred.Group.real = Process->Cred.Group.effective = Request->Gid;
        Process->Cred.Group.saved = Process->Cred.Group.fs = Request->Gid;
        if (GroupData != NULL)
            RtlCopyMemory(Groups, GroupData, Request->Groups.Length);
        lx_groups_set(&Process->Cred.Groups, Groups, Request->Groups.Length / 4);
    }
    if (Request->Flags & LXSS_CREATE_TRACE)
        LxTraceProcess(Process, LX_TRACE_PRINT);
    else if (Request->Flags & LXSS_CREATE_TRACE_RECORD)
        LxTraceProcess(Process, LX_TRACE_RECORD);

    RootLength = RootData ? Request->RootDirectory.Length : sizeof(LxDefaultRoot) - sizeof(WCHAR);
    Process->Root.Buffer = ExAllocatePoolWithTag(PagedPool, RootLength + sizeof(WCHAR),
                                                 LX_TAG_PROCESS);
    Process->Cwd = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_PROCESS);
    Process->ExecFn = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_PROCESS);
    if (!Process->Root.Buffer || !Process->Cwd || !Process->ExecFn)
    {
        Status = STATUS_INSUFFICIENT_RESOURCES;
        goto Cleanup;
    }
    RtlCopyMemory(Process->Root.Buffer, RootData ? (PVOID)RootData : (PVOID)LxDefaultRoot,
                  RootLength);
    Process->Root.Length = (USHORT)RootLength;
    Process->Root.MaximumLength = (USHORT)(RootLength + sizeof(WCHAR));
    /* drop trailing backslashes: "/" maps to the directory itself */
    while (Process->Root.Length >= sizeof(WCHAR) &&
           Process->Root.Buffer[Process->Root.Length / sizeof(WCHAR) - 1] == L'\\')
        Process->Root.Length -= sizeof(WCHAR);

    /* a root the requester cannot reach is refused (the check is the requester's) */
    Status = LxCheckDirectoryAccess(&Process->Root);
    if (!NT_SUCCESS(Status))
        goto Cleanup;

    Resolved = lx_path_resolve(NULL, CwdData ? (PCSTR)CwdData : "/", Process->Cwd,
                               LX_PATH_MAX, NULL);
    if (Resolved < 0)
    {
        Status = STATUS_INVALID_PARAMETER;   /* cwd must be an absolute Linux path */
        goto Cleanup;
    }
    if (ExecFnData)
        RtlStringCbCopyA(Process->ExecFn, LX_PATH_MAX, (PCSTR)ExecFnData);
    else if (ProgramData)
        RtlStringCbCopyA(Process->ExecFn, LX_PATH_MAX, (PCSTR)ProgramData);    /* as execve's */
    else if (Request->ArgumentCount)
        RtlStringCbCopyA(Process->ExecFn, LX_PATH_MAX, Arguments[0]);
    else
        Process->ExecFn[0] = ANSI_NULL;

    /* Standard descriptors (those that are the launcher's terminal: below) */
    for (i = 0; i < 3; i++)
    {
        PLX_FILE File = NULL;
        USHORT Rows = 0, Columns = 0;

        if (Request->Flags & (LXSS_CREATE_TTY_STDIN << i))
            continue;

        if (Request->Flags & LXSS_CREATE_STDIO_TTY)
        {
            Rows = (USHORT)(Request->TerminalSize >> 16);
            Columns = (USHORT)Request->TerminalSize;
            if (Rows == 0 || Columns == 0)
            {
                Rows = 25;
                Columns = 80;
            }
        }
        if (Request->StdHandles[i] != NULL)
        {
            Status = LxFileFromCallerHandle(Request->StdHandles[i], RequestorMode, i, Rows, Columns,
                                            &File);
            if (!NT_SUCCESS(Status))
                goto Cleanup;
        }
        else if (Request->Flags & LXSS_CREATE_DEBUG_STDIO)
        {
            /* stdin reads as /dev/null; stdout and stderr go to the debug port */
            Result = i == 0 ? LxCreateMemDevice(LX_DEV_NULL, LX_O_RDONLY, &File) :
                              LxCreateDebugFile(i == 2 ? 1 : 0, &File);
            if (Result < 0)
            {
                Status = STATUS_INSUFFICIENT_RESOURCES;
                goto Cleanup;
            }
        }
        if (File != NULL)
            LxInstallFile(Process, File, i, FALSE);
    }

    /* Into the table: from here the pid is visible to waiters */
    ExAcquireFastMutex(&LxProcessLock);
    Process->Pid = LxNextPid++;
    Process->Reaped = FALSE;
    InsertTailList(&LxProcessList, &Process->Link);
    LxLiveProcesses++;
    ExReleaseFastMutex(&LxProcessLock);

    if (Request->Flags & LXSS_CREATE_TTY_ANY)
    {
        Result = LxStartRequestTerminal(Process, Request, RequestorMode);
        if (Result < 0)
            goto LaunchFailed;
    }

    if (ProgramData)
    {
        /* the Linux path, as open() resolves it: the one translation of names lxss has */
        ProgramResolved = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
        Result = ProgramResolved == NULL ? -LX_ENOMEM :
                 LxWalkPath(Process, Process->Cwd, (PCSTR)ProgramData, TRUE, ProgramResolved, NULL);
        /* as execve: an execute bit, and the program's set-ID bits give its ids */
        if (Result >= 0)
            Result = LxCheckPermission(Process, ProgramResolved, LX_MAY_EXEC, &ProgramStat);
        if (Result >= 0)
        {
            lx_ids_exec(&Process->Cred.User, &Process->Cred.Group, ProgramStat.StMode,
                        ProgramStat.StUid, ProgramStat.StGid);
            Result = LxNtPathOf(Process, ProgramResolved, &ProgramNtPath);
        }
        if (Result < 0)
            goto LaunchFailed;
        ImagePath = ProgramNtPath;
    }

    Result = LxLoadElf(Process,
                       &ImagePath,
                       Request->ArgumentCount, (const CHAR *const *)Arguments,
                       Request->EnvironmentCount, (const CHAR *const *)Environment,
                       Process->ExecFn, Token);
    if (Result < 0)
    {
        DbgPrint("lxss: cannot start %wZ: error %ld\n", &ImagePath, Result);
        goto LaunchFailed;
    }

    Reply->LinuxError = 0;
    Reply->Pid = Process->Pid;
    Reply->NtProcessId = HandleToUlong(Process->NtProcessId);
    Process = NULL;     /* owned by the table now */
    Status = STATUS_SUCCESS;
    goto Cleanup;

LaunchFailed:
    /* the request was good, the program could not start: the Linux error is the answer */
    Reply->LinuxError = Result;
    LxRemoveProcess(Process);   /* drops the last reference */
    Process = NULL;
    Status = STATUS_SUCCESS;

Cleanup:
    if (Process != NULL)
        LxDereferenceProcess(Process);
    if (ProgramNtPath.Buffer)
        ExFreePoolWithTag(ProgramNtPath.Buffer, LX_TAG_TEMP);
    if (ProgramResolved)
        ExFreePoolWithTag(ProgramResolved, LX_TAG_TEMP);
    if (Arguments)
        ExFreePoolWithTag(Arguments, LX_TAG_TEMP);
    if (Environment)
        ExFreePoolWithTag(Environment, LX_TAG_TEMP);
    if (Token)
        ZwClose(Token);
    return Status;
}

static
VOID
LxFillWaitReply(
    _In_ PLX_PROCESS Process,
    _Out_ PLXSS_WAIT_PROCESS_OUT Reply)
{
    Reply->Size = sizeof(*Reply);
    Reply->Pid = Process->Pid;
    Reply->State = Process->State;
    Reply->ExitStatus = Process->ExitStatus;
    Reply->Signal = Process->Signal;
    if (Process->State == LXSS_PROCESS_EXITED)
        Reply->WaitStatus = (Process->ExitStatus & 0xFF) << 8;
    else if (Process->State == LXSS_PROCESS_KILLED)
        Reply->WaitStatus = Process->Signal & 0x7F;
    else
        Reply->WaitStatus = 0;
}

/* A process a requester of \Device\lxss names by pid: only its own NT user, SYSTEM or an
 * administrator may wait for it or signal it */
static
NTSTATUS
LxLookupRequestedProcess(
    _In_ ULONG Pid,
    _Out_ PLX_PROCESS *Process)
{
    *Process = LxLookupProcess(Pid);
    if (*Process == NULL)
        return STATUS_NOT_FOUND;
    if (!LxCallerMayControl((*Process)->Process))
    {
        LxDereferenceProcess(*Process);
        *Process = NULL;
        return STATUS_ACCESS_DENIED;
    }
    return STATUS_SUCCESS;
}

NTSTATUS
LxWaitProcess(
    _In_ PLXSS_WAIT_PROCESS_IN Request,
    _Out_ PLXSS_WAIT_PROCESS_OUT Reply)
{
    PLX_PROCESS Process;
    LARGE_INTEGER Timeout;
    NTSTATUS Status;

    PAGED_CODE();

    Status = LxLookupRequestedProcess(Request->Pid, &Process);
    if (!NT_SUCCESS(Status))
        return Status;

    Timeout.QuadPart = -(LONGLONG)Request->TimeoutMilliseconds * 10000;
    Status = KeWaitForSingleObject(&Process->ExitEvent,
                                   Executive,
                                   UserMode,
                                   TRUE,
                                   Request->TimeoutMilliseconds == LXSS_WAIT_INFINITE ?
                                       NULL : &Timeout);
    if (Status == STATUS_USER_APC || Status == STATUS_ALERTED)
    {
        LxDereferenceProcess(Process);
        return Status;
    }

    if (Status == STATUS_SUCCESS)
    {
        LxFillWaitReply(Process, Reply);
        if (!(Request->Flags & LXSS_WAIT_NOREAP))
            LxRemoveProcess(Process);
    }
    else
    {
        /* STATUS_TIMEOUT: still running */
        Reply->Size = sizeof(*Reply);
        Reply->Pid = Process->Pid;
        Reply->State = LXSS_PROCESS_RUNNING;
    }
    LxDereferenceProcess(Process);
    return STATUS_SUCCESS;
}

NTSTATUS
LxSignalProcess(
    _In_ PLXSS_SIGNAL_PROCESS_IN Request)
{
    PLX_PROCESS Process;
    lx_sigfields Info;
    NTSTATUS Status;

    PAGED_CODE();

    if (Request->Signal == 0 || Request->Signal > 64)
        return STATUS_INVALID_PARAMETER;
    Status = LxLookupRequestedProcess(Request->Pid, &Process);
    if (!NT_SUCCESS(Status))
        return Status;

    /* as the kernel sends it: a handler runs (Ctrl+C: SIGINT), a stop signal stops it,
     * SIGCONT continues it, a fatal one ends it */
    LxSigFields(&Info, LX_SI_KERNEL, 0);
    LxSendSignal(Process, Request->Signal, &Info);
    LxDereferenceProcess(Process);
    return Status;
}

/* IOCTL_LXSS_RESIZE_TERMINAL: the window of the launcher's terminal of process Pid */
NTSTATUS
LxResizeTerminal(
    _In_ PLXSS_RESIZE_TERMINAL_IN Request)
{
    PLX_PROCESS Process;
    NTSTATUS Status;

    PAGED_CODE();

    if ((Request->TerminalSize >> 16) == 0 || (Request->TerminalSize & 0xFFFF) == 0 ||
        Request->Reserved != 0)
        return STATUS_INVALID_PARAMETER;
    Status = LxLookupRequestedProcess(Request->Pid, &Process);
    if (!NT_SUCCESS(Status))
        return Status;
    if (!LxPtyResizeSession(LxSessionOf(Process), (USHORT)(Request->TerminalSize >> 16),
                            (USHORT)Request->TerminalSize))
        Status = STATUS_NOT_FOUND;
    LxDereferenceProcess(Process);
    return Status;
}

VOID
LxExitCurrentProcess(
    _In_ ULONG Status)
{
    PLX_PROCESS Process = LxCurrentProcess();

    if (Process != NULL && Process->Signal == 0)
    {
        Process->ExitStatus = Status & 0xFF;
        Process->ExitRequested = TRUE;
    }
    /* Does not return when it works. */
    LxPicoRoutines.TerminateProcess(PsGetCurrentProcess(), (NTSTATUS)(Status & 0xFF));
    LxPicoRoutines.TerminateThread(PsGetCurrentThread(), (NTSTATUS)(Status & 0xFF), TRUE);
}

/* Resource limits: Linux's defaults (INIT_RLIMITS) for a new process */
VOID
LxInitializeLimits(
    _Out_ PLX_PROCESS Process)
{
    PLX_RLIMITS Limits = &Process->Limits;
    ULONG Resource;

    for (Resource = 0; Resource < LX_RLIM_NLIMITS; Resource++)
        Limits->RlimitCur[Resource] = Limits->RlimitMax[Resource] = LX_RLIM64_INFINITY;
    Limits->RlimitCur[LX_RLIMIT_STACK] = LX_STACK_RESERVE;
    Limits->RlimitCur[LX_RLIMIT_CORE] = 0;
    Limits->RlimitCur[LX_RLIMIT_NOFILE] = Limits->RlimitMax[LX_RLIMIT_NOFILE] = LX_MAX_FDS;
    Limits->RlimitCur[LX_RLIMIT_MEMLOCK] = Limits->RlimitMax[LX_RLIMIT_MEMLOCK] = 8 << 20;
    Limits->RlimitCur[LX_RLIMIT_MSGQUEUE] = Limits->RlimitMax[LX_RLIMIT_MSGQUEUE] = 819200;
    Limits->RlimitCur[LX_RLIMIT_NICE] = Limits->RlimitMax[LX_RLIMIT_NICE] = 0;
    Limits->RlimitCur[LX_RLIMIT_RTPRIO] = Limits->RlimitMax[LX_RLIMIT_RTPRIO] = 0;
    /* Linux: max_threads / 2, 4096 for a 512 MiB i386 machine; bounds queued signals */
    Limits->RlimitCur[LX_RLIMIT_SIGPENDING] = Limits->RlimitMax[LX_RLIMIT_SIGPENDING] = 4096;
}
