/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Pseudo-terminals: /dev/ptmx masters and /dev/pts/N slaves over one line
 *              discipline each
 *
 * As Linux's drivers/tty/pty.c over n_tty.c (core/lx_tty.c): what the master writes is the
 * terminal's input (edited, echoed, turned into signals for the foreground process group),
 * what the slave writes is its output (OPOST) for the master to read. A pty is numbered from
 * 0 up, the lowest free number first; its slave opens only once TIOCSPTLCK unlocked it. The
 * session leader that opens the slave without O_NOCTTY (or asks TIOCSCTTY) makes it the
 * session's controlling terminal, which /dev/tty then opens.
 */

#include "lxfs.h"
#include "lx_tty.h"

#define NDEBUG
#include <debug.h>

#define LX_PTY_OUT          8192    /* output the master has not read */
#define LX_PTY_MAX          256     /* kernel.pty.max is 4096; lxcore keeps fewer */
#define LX_PTS_MAJOR        136
#define LX_PTMX_MAJOR       5
#define LX_PTMX_MINOR       2
#define LX_SIGWINCH         28

typedef struct _LX_PTY
{
    LONG RefCount;              /* the master's description and each slave's (LxPtyListLock) */
    ULONG Index;
    LIST_ENTRY Link;            /* LxPtyList */
    FAST_MUTEX Lock;            /* what follows */
    BOOLEAN Locked;             /* TIOCSPTLCK: the slave cannot be opened yet */
    BOOLEAN MasterOpen;
    BOOLEAN SlaveOpened;        /* a slave was open once: its last close hangs the master up */
    ULONG SlaveOpens;
    ULONG Pgrp;                 /* the foreground process group, 0: none */
    ULONG Session;              /* the session it is the controlling terminal of, 0: none */
    USHORT Winsize[4];          /* rows, columns, x and y pixels */
    LX_WAIT_QUEUE SlaveQueue;   /* slave readers and writers */
    LX_WAIT_QUEUE MasterQueue;  /* master readers and writers */
    ULONG OutHead, OutCount;
    UCHAR Out[LX_PTY_OUT];
    lx_ldisc Ldisc;
} LX_PTY, *PLX_PTY;

static FAST_MUTEX LxPtyListLock;
static LIST_ENTRY LxPtyList;
static const LX_FILE_OPERATIONS LxPtmxOperations, LxPtsOperations;

VOID
LxInitializePtys(VOID)
{
    ExInitializeFastMutex(&LxPtyListLock);
    InitializeListHead(&LxPtyList);
}

static
PLX_PTY
LxPtyOf(
    _In_ PLX_FILE File)
{
    return *(PLX_PTY *)File->Private;
}

static
BOOLEAN
LxPtyIsMaster(
    _In_ PLX_FILE File)
{
    return File->Ops == &LxPtmxOperations;
}

static
VOID
LxPtyDereference(
    _In_ PLX_PTY Pty)
{
    /* under the list's lock: a lookup must not find it on its way out */
    ExAcquireFastMutex(&LxPtyListLock);
    if (--Pty->RefCount != 0)
    {
        ExReleaseFastMutex(&LxPtyListLock);
        return;
    }
    RemoveEntryList(&Pty->Link);
    ExReleaseFastMutex(&LxPtyListLock);
    LxDetachWaitQueue(&Pty->SlaveQueue);
    LxDetachWaitQueue(&Pty->MasterQueue);
    ExFreePoolWithTag(Pty, LX_TAG_FILE);
}

/* LxPtyCheckJob: the call is to start again (its group was sent Sig) */
#define LX_PTY_RESTART      1

/*
 * Job control (Linux's __tty_check_change): a process of the terminal's session outside its
 * foreground process group may not read it (Sig SIGTTIN), nor write it under TOSTOP or change
 * its settings (SIGTTOU). Ignoring or blocking the signal lets it go on (-EIO for a read), so
 * does an orphaned group (-EIO); otherwise its group gets the signal: stopped there, or with a
 * handler to run. Returns 0 (go on), -EIO or LX_PTY_RESTART.
 */
static
LONG
LxPtyCheckJob(
    _In_ PLX_PTY Pty,
    _In_ ULONG Sig)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_THREAD Thread = LxCurrentThread();
    ULONG Own = LxProcessGroupOf(Process), Session, Pgrp;

    ExAcquireFastMutex(&Pty->Lock);
    Session = Pty->Session;
    Pgrp = Pty->Pgrp;
    ExReleaseFastMutex(&Pty->Lock);
    if (Session == 0 || Session != LxSessionOf(Process) || Pgrp == 0 || Pgrp == Own)
        return 0;
    if (Process->Actions.SignalHandlers[Sig] == 1 /* SIG_IGN */ ||
        (Thread->SignalMask & (1ULL << (Sig - 1))))
        return Sig == LX_SIGTTIN ? -LX_EIO : 0;
    if (LxProcessGroupOrphaned(Own))
        return -LX_EIO;
    LxSignalGroup(Own, Sig);
    return LX_PTY_RESTART;
}

/* Waits out LxPtyCheckJob: 0 to go on, or what the call returns (-EIO, or a handler's run) */
static
LONG
LxPtyJobControl(
    _In_ PLX_PTY Pty,
    _In_ ULONG Sig)
{
    PLX_THREAD Thread = LxCurrentThread();
    LONG Result;

    /* stopped and continued: look again (still in the background: stopped again); a handler
     * to run: it runs, then the call starts again with SA_RESTART (ERESTARTSYS) */
    while ((Result = LxPtyCheckJob(Pty, Sig)) == LX_PTY_RESTART)
    {
        if (LxPendingSignals(Thread) & ~Thread->SignalMask)
            return LxInterruptedCall(TRUE);
    }
    return Result;
}

/* A transfer's result: the bytes moved, else the error (a signal restarts the call or runs its
 * handler, as tty reads and writes do) */
static
LONG
LxPtyResult(
    _In_ SIZE_T Done,
    _In_ LONG Result)
{
    if (Done != 0)
        return (LONG)Done;
    return Result == -LX_EINTR ? LxInterruptedCall(TRUE) : Result;
}

/* Output (already processed) for the master; what does not fit is dropped (echo) or left */
static
ULONG
LxPtyPutOutput(
    _Inout_ PLX_PTY Pty,
    _In_reads_(Count) const UCHAR *Bytes,
    _In_ ULONG Count)
{
    ULONG i, Room = LX_PTY_OUT - Pty->OutCount;

    Count = min(Count, Room);
    for (i = 0; i < Count; i++)
        Pty->Out[(Pty->OutHead + Pty->OutCount + i) % LX_PTY_OUT] = Bytes[i];
    Pty->OutCount += Count;
    return Count;
}

/* Processed output of the slave's bytes: the input bytes taken */
static
ULONG
LxPtyOutput(
    _Inout_ PLX_PTY Pty,
    _In_reads_(Count) const UCHAR *Bytes,
    _In_ ULONG Count)
{
    UCHAR Processed[512];
    ULONG Done = 0;
    uint32_t Consumed, Used;

    while (Done < Count && Pty->OutCount < LX_PTY_OUT)
    {
        Used = lx_ldisc_output(&Pty->Ldisc, Bytes + Done, Count - Done, Processed,
                               min(sizeof(Processed), LX_PTY_OUT - Pty->OutCount), &Consumed);
        if (Consumed == 0)
            break;
        LxPtyPutOutput(Pty, Processed, Used);
        Done += Consumed;
    }
    return Done;
}

/* A new pty (the master's reference), locked, numbered: the lowest free number */
static
LONG
LxPtyAllocate(
    _Out_ PLX_PTY *Created)
{
    PLX_PTY Pty, Other;
    PLIST_ENTRY Entry;
    ULONG Index = 0;

    *Created = NULL;
    Pty = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Pty), LX_TAG_FILE);
    if (Pty == NULL)
        return -LX_ENOMEM;
    RtlZeroMemory(Pty, FIELD_OFFSET(LX_PTY, Out));
    Pty->RefCount = 1;
    ExInitializeFastMutex(&Pty->Lock);
    LxInitializeWaitQueue(&Pty->SlaveQueue);
    LxInitializeWaitQueue(&Pty->MasterQueue);
    lx_ldisc_init(&Pty->Ldisc);
    Pty->Locked = TRUE;
    Pty->MasterOpen = TRUE;

    /* the lowest free number (devpts_new_index); the list is kept in order */
    ExAcquireFastMutex(&LxPtyListLock);
    for (Entry = LxPtyList.Flink; Entry != &LxPtyList; Entry = Entry->Flink)
    {
        Other = CONTAINING_RECORD(Entry, LX_PTY, Link);
        if (Other->Index != Index)
            break;
        Index++;
    }
    if (Index >= LX_PTY_MAX)
    {
        ExReleaseFastMutex(&LxPtyListLock);
        ExFreePoolWithTag(Pty, LX_TAG_FILE);
        return -LX_ENOSPC;
    }
    Pty->Index = Index;
    InsertTailList(Entry, &Pty->Link);
    ExReleaseFastMutex(&LxPtyListLock);
    *Created = Pty;
    return 0;
}

LONG
LxCreatePty(
    _In_ ULONG StatusFlags,
    _Out_ PLX_FILE *File)
{
    PLX_PTY Pty;
    LONG Result;

    *File = LxAllocateFile(&LxPtmxOperations, StatusFlags, LX_S_IFCHR, sizeof(PLX_PTY));
    if (*File == NULL)
        return LxNoFile();
    Result = LxPtyAllocate(&Pty);
    if (Result < 0)
    {
        LxDereferenceFile(*File);
        *File = NULL;
        return Result;
    }
    *(PLX_PTY *)(*File)->Private = Pty;
    return 0;
}

/* The controlling terminal becomes Pty's for the caller's session: it must lead the session and
 * have none (tiocsctty, and the open of a slave without O_NOCTTY) */
static
BOOLEAN
LxPtyTakeControl(
    _Inout_ PLX_PTY Pty,
    _In_ PLX_PROCESS Process)
{
    ULONG Session = LxSessionOf(Process);
    PLIST_ENTRY Entry;

    if (Session != Process->Pid || Pty->Session != 0)
        return FALSE;
    ExAcquireFastMutex(&LxPtyListLock);
    for (Entry = LxPtyList.Flink; Entry != &LxPtyList; Entry = Entry->Flink)
    {
        if (CONTAINING_RECORD(Entry, LX_PTY, Link)->Session == Session)
        {
            ExReleaseFastMutex(&LxPtyListLock);
            return FALSE;
        }
    }
    Pty->Session = Session;
    Pty->Pgrp = LxProcessGroupOf(Process);
    ExReleaseFastMutex(&LxPtyListLock);
    return TRUE;
}

static
LONG
LxPtsOpenPty(
    _In_ PLX_PROCESS Process,
    _In_ PLX_PTY Pty,
    _In_ ULONG StatusFlags,
    _In_ BOOLEAN NoCtty,
    _Out_ PLX_FILE *File)
{
    *File = LxAllocateFile(&LxPtsOperations, StatusFlags, LX_S_IFCHR, sizeof(PLX_PTY));
    if (*File == NULL)
    {
        LxPtyDereference(Pty);
        return LxNoFile();
    }
    *(PLX_PTY *)(*File)->Private = Pty;
    ExAcquireFastMutex(&Pty->Lock);
    Pty->SlaveOpens++;
    Pty->SlaveOpened = TRUE;
    if (!NoCtty)
        LxPtyTakeControl(Pty, Process);
    ExReleaseFastMutex(&Pty->Lock);
    return 0;
}

/* /dev/pts/N: EIO while locked or once the master is gone (pts_unix98_lookup, tty_open) */
LONG
LxOpenPtySlave(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Index,
    _In_ ULONG StatusFlags,
    _In_ BOOLEAN NoCtty,
    _Out_ PLX_FILE *File)
{
    PLX_PTY Pty = NULL;
    PLIST_ENTRY Entry;
    LONG Result = -LX_ENOENT;

    *File = NULL;
    ExAcquireFastMutex(&LxPtyListLock);
    for (Entry = LxPtyList.Flink; Entry != &LxPtyList; Entry = Entry->Flink)
    {
        PLX_PTY Candidate = CONTAINING_RECORD(Entry, LX_PTY, Link);

        if (Candidate->Index == Index)
        {
            Pty = Candidate;
            Pty->RefCount++;
            break;
        }
    }
    ExReleaseFastMutex(&LxPtyListLock);
    if (Pty == NULL)
        return Result;
    ExAcquireFastMutex(&Pty->Lock);
    Result = (Pty->Locked || !Pty->MasterOpen) ? -LX_EIO : 0;
    ExReleaseFastMutex(&Pty->Lock);
    if (Result < 0)
    {
        LxPtyDereference(Pty);
        return Result;
    }
    return LxPtsOpenPty(Process, Pty, StatusFlags, NoCtty, File);
}

/* The pty that is the controlling terminal of Session, referenced, or NULL */
static
PLX_PTY
LxPtyOfSession(
    _In_ ULONG Session)
{
    PLX_PTY Pty = NULL;
    PLIST_ENTRY Entry;

    ExAcquireFastMutex(&LxPtyListLock);
    for (Entry = LxPtyList.Flink; Entry != &LxPtyList; Entry = Entry->Flink)
    {
        PLX_PTY Candidate = CONTAINING_RECORD(Entry, LX_PTY, Link);

        if (Candidate->Session == Session && Candidate->MasterOpen)
        {
            Pty = Candidate;
            Pty->RefCount++;
            break;
        }
    }
    ExReleaseFastMutex(&LxPtyListLock);
    return Pty;
}

/* /dev/tty: the session's controlling terminal; FALSE if it has none that is a pty */
BOOLEAN
LxOpenControllingPty(
    _In_ PLX_PROCESS Process,
    _In_ ULONG StatusFlags,
    _Out_ PLX_FILE *File,
    _Out_ PLONG Result)
{
    PLX_PTY Pty = LxPtyOfSession(LxSessionOf(Process));

    if (Pty == NULL)
        return FALSE;
    *Result = LxPtsOpenPty(Process, Pty, StatusFlags, TRUE, File);
    return TRUE;
}

/* The master side is gone (its last close, or the launcher's end of a terminal): the slave
 * side hangs up (its reads end, the session loses its terminal), the session leader gets
 * SIGHUP and SIGCONT, and its foreground group SIGHUP when it ends
 * (tty_signal_session_leader, disassociate_ctty) */
static
VOID
LxPtyHangUp(
    _In_ PLX_PTY Pty)
{
    PLX_PROCESS Leader = NULL;
    ULONG Session, Pgrp;
    lx_sigfields Info;

    ExAcquireFastMutex(&Pty->Lock);
    Pty->MasterOpen = FALSE;
    Session = Pty->Session;
    Pgrp = Pty->Pgrp;
    Pty->Session = 0;
    Pty->Pgrp = 0;
    ExReleaseFastMutex(&Pty->Lock);
    LxWakeWaitQueue(&Pty->SlaveQueue, LX_POLLHUP);
    LxWakeWaitQueue(&Pty->MasterQueue, LX_POLLHUP);
    if (Session != 0)
        Leader = LxLookupProcess(Session);
    if (Leader != NULL)
    {
        Leader->TtyOldPgrp = Pgrp;
        LxSigFields(&Info, LX_SI_KERNEL, 0);
        LxSendSignal(Leader, LX_SIGHUP, &Info);
        LxSendSignal(Leader, LX_SIGCONT, &Info);
        LxDereferenceProcess(Leader);
    }
}

static
VOID
LxPtyRelease(
    _In_ PLX_FILE File)
{
    PLX_PTY Pty = LxPtyOf(File);

    if (LxPtyIsMaster(File))
    {
        LxPtyHangUp(Pty);
    }
    else
    {
        ExAcquireFastMutex(&Pty->Lock);
        Pty->SlaveOpens--;
        ExReleaseFastMutex(&Pty->Lock);
        LxWakeWaitQueue(&Pty->SlaveQueue, LX_POLLHUP);
        LxWakeWaitQueue(&Pty->MasterQueue, LX_POLLHUP);
    }
    LxPtyDereference(Pty);
}

/* A session leader ends (disassociate_ctty on exit): its controlling terminal's foreground
 * group (or the one it had when the terminal hung up) gets SIGHUP, and the session no longer
 * has the terminal. */
VOID
LxPtySessionEnds(
    _In_ PLX_PROCESS Leader)
{
    PLX_PTY Pty;
    ULONG Pgrp = Leader->TtyOldPgrp;

    if (LxSessionOf(Leader) != Leader->Pid)
        return;
    Pty = LxPtyOfSession(Leader->Pid);
    if (Pty != NULL)
    {
        ExAcquireFastMutex(&Pty->Lock);
        if (Pty->Session == Leader->Pid)
        {
            Pgrp = Pty->Pgrp;
            Pty->Session = Pty->Pgrp = 0;
        }
        ExReleaseFastMutex(&Pty->Lock);
        LxPtyDereference(Pty);
    }
    if (Pgrp != 0)
        LxSignalGroup(Pgrp, LX_SIGHUP);
}

/* Typed bytes (the master's write, the launcher's keys) into the line discipline: echo to the
 * output, a signal to the foreground group. Called with the pty's lock, which it releases
 * unless nothing could be taken (the read buffer is full: -1, the lock still held). Returns
 * the bytes taken. */
static
LONG
LxPtyInputLocked(
    _Inout_ PLX_PTY Pty,
    _In_reads_(Length) const UCHAR *Chunk,
    _In_ ULONG Length)
{
    UCHAR Echo[512], Processed[1024];
    uint32_t EchoLength, Used, Consumed;
    ULONG Taken, Pgrp;
    int Signal;

    Taken = lx_ldisc_receive(&Pty->Ldisc, Chunk, Length, Echo, sizeof(Echo), &EchoLength, &Signal);
    if (EchoLength != 0)
    {
        Used = lx_ldisc_output(&Pty->Ldisc, Echo, EchoLength, Processed, sizeof(Processed), &Consumed);
        LxPtyPutOutput(Pty, Processed, Used);
    }
    if (Taken == 0 && Signal == 0)
        return -1;
    Pgrp = Pty->Pgrp;
    ExReleaseFastMutex(&Pty->Lock);
    LxWakeWaitQueue(&Pty->SlaveQueue, LX_POLLIN);
    if (EchoLength != 0)
        LxWakeWaitQueue(&Pty->MasterQueue, LX_POLLIN);
    if (Signal != 0)
        LxSignalGroup(Pgrp, (ULONG)Signal);
    return (LONG)Taken;
}

/* The master writes: the terminal's input */
static
LONG
LxPtmxWrite(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    PLX_PTY Pty = LxPtyOf(File);
    UCHAR Chunk[256];
    SIZE_T Done = 0;
    LONG Result = 0;

    UNREFERENCED_PARAMETER(Position);
    while (Done < Count)
    {
        ULONG Length = (ULONG)min(Count - Done, sizeof(Chunk));
        LONG Taken;

        Result = LxCopyFromUser(Chunk, Buffer + Done, Length);
        if (Result < 0)
            break;
        ExAcquireFastMutex(&Pty->Lock);
        Taken = LxPtyInputLocked(Pty, Chunk, Length);
        if (Taken < 0)
        {
            /* the read buffer is full: wait for the slave to read */
            if (Done != 0)
            {
                ExReleaseFastMutex(&Pty->Lock);
                break;
            }
            Result = LxFileWaitUnlock(File, &Pty->MasterQueue, &Pty->Lock);
            if (Result < 0)
                break;
            continue;
        }
        Done += (ULONG)Taken;
    }
    return LxPtyResult(Done, Result);
}

/* The master reads the terminal's output */
static
LONG
LxPtmxRead(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    PLX_PTY Pty = LxPtyOf(File);
    UCHAR Chunk[512];
    ULONG Length, First, i;
    LONG Result;

    UNREFERENCED_PARAMETER(Position);
    if (Count == 0)
        return 0;
    for (;;)
    {
        ExAcquireFastMutex(&Pty->Lock);
        if (Pty->OutCount != 0)
            break;
        if (Pty->SlaveOpened && Pty->SlaveOpens == 0)
        {
            /* every slave closed: the master reads EIO (pty_read after the other side closed) */
            ExReleaseFastMutex(&Pty->Lock);
            return -LX_EIO;
        }
        Result = LxFileWaitUnlock(File, &Pty->MasterQueue, &Pty->Lock);
        if (Result < 0)
            return LxPtyResult(0, Result);
    }
    Length = (ULONG)min(min(Count, Pty->OutCount), sizeof(Chunk));
    for (i = 0; i < Length; i++)
        Chunk[i] = Pty->Out[(Pty->OutHead + i) % LX_PTY_OUT];
    First = Pty->OutHead;
    Pty->OutHead = (Pty->OutHead + Length) % LX_PTY_OUT;
    Pty->OutCount -= Length;
    ExReleaseFastMutex(&Pty->Lock);
    Result = LxCopyToUser(Buffer, Chunk, Length);
    if (Result < 0)
    {
        /* nothing was read: the bytes stay (they are still in the ring) */
        ExAcquireFastMutex(&Pty->Lock);
        Pty->OutHead = First;
        Pty->OutCount += Length;
        ExReleaseFastMutex(&Pty->Lock);
        return Result;
    }
    LxWakeWaitQueue(&Pty->SlaveQueue, LX_POLLOUT);
    return (LONG)Length;
}

/* The slave writes the terminal's output */
static
LONG
LxPtsWrite(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    PLX_PTY Pty = LxPtyOf(File);
    UCHAR Chunk[256];
    SIZE_T Done = 0;
    LONG Result = 0;

    UNREFERENCED_PARAMETER(Position);
    if (Pty->Ldisc.t.lflag & LX_TOSTOP)
    {
        Result = LxPtyJobControl(Pty, LX_SIGTTOU);
        if (Result != 0)
            return Result;
    }
    while (Done < Count)
    {
        ULONG Length = (ULONG)min(Count - Done, sizeof(Chunk)), Taken;

        Result = LxCopyFromUser(Chunk, Buffer + Done, Length);
        if (Result < 0)
            break;
        ExAcquireFastMutex(&Pty->Lock);
        if (!Pty->MasterOpen)
        {
            ExReleaseFastMutex(&Pty->Lock);
            Result = -LX_EIO;
            break;
        }
        Taken = LxPtyOutput(Pty, Chunk, Length);
        if (Taken == 0)
        {
            if (Done != 0)
            {
                ExReleaseFastMutex(&Pty->Lock);
                break;
            }
            Result = LxFileWaitUnlock(File, &Pty->SlaveQueue, &Pty->Lock);
            if (Result < 0)
                break;
            continue;
        }
        ExReleaseFastMutex(&Pty->Lock);
        Done += Taken;
        LxWakeWaitQueue(&Pty->MasterQueue, LX_POLLIN);
    }
    return LxPtyResult(Done, Result);
}

/* The slave reads the terminal's input: a line in canonical mode; VMIN/VTIME otherwise */
static
LONG
LxPtsRead(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    PLX_PTY Pty = LxPtyOf(File);
    UCHAR Chunk[512];
    SIZE_T Done = 0;
    ULONGLONG Deadline = 0;
    LONG Result = 0;

    UNREFERENCED_PARAMETER(Position);
    if (Count == 0)
        return 0;
    Result = LxPtyJobControl(Pty, LX_SIGTTIN);
    if (Result != 0)
        return Result;
    for (;;)
    {
        ULONG Taken, Min, Time;
        int Eof = 0;
        BOOLEAN Canon;

        ExAcquireFastMutex(&Pty->Lock);
        Canon = (Pty->Ldisc.t.lflag & LX_ICANON) != 0;
        Min = Pty->Ldisc.t.cc[LX_VMIN];
        Time = Pty->Ldisc.t.cc[LX_VTIME];
        Taken = lx_ldisc_read(&Pty->Ldisc, Chunk, (ULONG)min(Count - Done, sizeof(Chunk)), &Eof);
        if (Taken != 0 || Eof)
        {
            ExReleaseFastMutex(&Pty->Lock);
            LxWakeWaitQueue(&Pty->MasterQueue, LX_POLLOUT);
            if (Taken != 0)
            {
                Result = LxCopyToUser(Buffer + Done, Chunk, Taken);
                if (Result < 0)
                    break;
                Done += Taken;
            }
            /* a canonical read ends with its line; a raw one when it has VMIN bytes (or any
             * byte with VTIME: the timer runs from then on) */
            if (Eof || Canon || Done >= Count || Done >= max(Min, 1) ||
                (Time != 0 && Min == 0))
                break;
            if (Time != 0)
                Deadline = LxMonotonicTime() + (ULONGLONG)Time * 1000000ULL;
            continue;
        }
        if (!Pty->MasterOpen)
        {
            /* hung up: the end (hung_up_tty_read), after whatever was still there */
            ExReleaseFastMutex(&Pty->Lock);
            Result = 0;
            break;
        }
        if (!Canon && Min == 0 && Time == 0)
        {
            ExReleaseFastMutex(&Pty->Lock);
            break;      /* a polling read: whatever there is, maybe nothing */
        }
        if (!Canon && Time != 0 && Deadline == 0 && Min == 0)
            Deadline = LxMonotonicTime() + (ULONGLONG)Time * 1000000ULL;
        Result = LxWaitUnlock(&Pty->SlaveQueue, &Pty->Lock, (File->StatusFlags & LX_O_NONBLOCK) != 0,
                              Deadline);
        if (Result == -LX_EAGAIN && Deadline != 0)
        {
            Result = 0;     /* VTIME ran out */
            break;
        }
        if (Result < 0)
            break;
    }
    return LxPtyResult(Done, Result);
}

static
ULONG
LxPtyPoll(
    _In_ PLX_FILE File,
    _In_opt_ PLX_POLL_TABLE Table)
{
    PLX_PTY Pty = LxPtyOf(File);
    ULONG Ready = 0;
    int Eof;

    ExAcquireFastMutex(&Pty->Lock);
    if (LxPtyIsMaster(File))
    {
        if (Table != NULL)
            LxPollWait(Table, &Pty->MasterQueue);
        if (Pty->OutCount != 0)
            Ready |= LX_POLLIN | LX_POLLRDNORM;
        if (Pty->Ldisc.rcount + Pty->Ldisc.line_len < LX_TTY_BUF)
            Ready |= LX_POLLOUT | LX_POLLWRNORM;
        if (Pty->SlaveOpened && Pty->SlaveOpens == 0)
            Ready |= LX_POLLHUP;
    }
    else
    {
        if (Table != NULL)
            LxPollWait(Table, &Pty->SlaveQueue);
        if (lx_ldisc_readable(&Pty->Ldisc, &Eof) != 0 || Eof)
            Ready |= LX_POLLIN | LX_POLLRDNORM;
        if (Pty->OutCount < LX_PTY_OUT)
            Ready |= LX_POLLOUT | LX_POLLWRNORM;
        if (!Pty->MasterOpen)
            Ready |= LX_POLLIN | LX_POLLRDNORM | LX_POLLHUP;
    }
    ExReleaseFastMutex(&Pty->Lock);
    return Ready;
}

/* A new window size; TRUE when it differs (SIGWINCH for the foreground group). Under the
 * pty's lock. */
static
BOOLEAN
LxPtySetWinsizeLocked(
    _Inout_ PLX_PTY Pty,
    _In_reads_(4) const USHORT *Winsize)
{
    BOOLEAN Changed = RtlCompareMemory(Winsize, Pty->Winsize, sizeof(Pty->Winsize)) !=
                      sizeof(Pty->Winsize);

    RtlCopyMemory(Pty->Winsize, Winsize, sizeof(Pty->Winsize));
    return Changed;
}

/* The launcher's window of Session's terminal has a new size (IOCTL_LXSS_RESIZE_TERMINAL);
 * FALSE when the session has no terminal */
BOOLEAN
LxPtyResizeSession(
    _In_ ULONG Session,
    _In_ USHORT Rows,
    _In_ USHORT Columns)
{
    PLX_PTY Pty = LxPtyOfSession(Session);
    USHORT Winsize[4] = { Rows, Columns, 0, 0 };
    BOOLEAN Winch;
    ULONG Pgrp;

    if (Pty == NULL)
        return FALSE;
    ExAcquireFastMutex(&Pty->Lock);
    Winch = LxPtySetWinsizeLocked(Pty, Winsize);
    Pgrp = Pty->Pgrp;
    ExReleaseFastMutex(&Pty->Lock);
    if (Winch)
        LxSignalGroup(Pgrp, LX_SIGWINCH);
    LxPtyDereference(Pty);
    return TRUE;
}

static
LONG
LxPtyIoctl(
    _In_ PLX_FILE File,
    _In_ ULONG Cmd,
    _In_ ULONG_PTR Arg)
{
    PLX_PTY Pty = LxPtyOf(File);
    PLX_PROCESS Process = LxCurrentProcess();
    lx_termios Termios;
    USHORT Winsize[4];
    ULONG Value = 0, Pgrp = 0;
    LONG Result = 0;
    BOOLEAN Winch = FALSE;
    int Eof;

    switch (Cmd)
    {
        case LX_TCSETS:
        case LX_TCSETSW:
        case LX_TCSETSF:
        case LX_TIOCSWINSZ:
        case LX_TIOCSPGRP:
        case LX_TIOCSPTLCK:
            /* the argument first: nothing changes for a bad pointer */
            Result = LxCopyFromUser(Cmd == LX_TIOCSWINSZ ? (PVOID)Winsize :
                                    (Cmd == LX_TIOCSPGRP || Cmd == LX_TIOCSPTLCK) ? (PVOID)&Value :
                                    (PVOID)&Termios,
                                    Arg, Cmd == LX_TIOCSWINSZ ? sizeof(Winsize) :
                                    (Cmd == LX_TIOCSPGRP || Cmd == LX_TIOCSPTLCK) ? sizeof(Value) :
                                    sizeof(Termios));
            if (Result < 0)
                return Result;
            break;
    }
    if ((Cmd == LX_TIOCGPTN || Cmd == LX_TIOCSPTLCK) && !LxPtyIsMaster(File))
        return -LX_ENOTTY;
    if (Cmd == LX_TCSETS || Cmd == LX_TCSETSW || Cmd == LX_TCSETSF || Cmd == LX_TIOCSPGRP ||
        Cmd == LX_TCFLSH || Cmd == LX_TCXONC)
    {
        /* changing the terminal from the background (tty_check_change) */
        Result = LxPtyJobControl(Pty, LX_SIGTTOU);
        if (Result != 0)
            return Result == -LX_EIO && Cmd == LX_TIOCSPGRP ? -LX_ENOTTY : Result;
    }

    ExAcquireFastMutex(&Pty->Lock);
    switch (Cmd)
    {
        case LX_TCGETS:
            Termios = Pty->Ldisc.t;
            break;
        case LX_TCSETSF:
            lx_ldisc_flush_input(&Pty->Ldisc);
            /* fall through */
        case LX_TCSETS:
        case LX_TCSETSW:
            lx_ldisc_set(&Pty->Ldisc, &Termios);
            break;
        case LX_TIOCGWINSZ:
            RtlCopyMemory(Winsize, Pty->Winsize, sizeof(Winsize));
            break;
        case LX_TIOCSWINSZ:
            Winch = LxPtySetWinsizeLocked(Pty, Winsize);
            Pgrp = Pty->Pgrp;
            break;
        case LX_TIOCGPGRP:
            Value = Pty->Pgrp;
            break;
        case LX_TIOCSPGRP:
            /* a process group of the terminal's session (tiocspgrp) */
            if (Pty->Session == 0 || Pty->Session != LxSessionOf(Process))
                Result = -LX_ENOTTY;
            else if ((LONG)Value < 0)
                Result = -LX_EINVAL;
            else
                Pty->Pgrp = Value;
            break;
        case LX_TIOCGSID:
            if (Pty->Session == 0)
                Result = -LX_ENOTTY;
            Value = Pty->Session;
            break;
        case LX_TIOCSCTTY:
            if (Pty->Session != LxSessionOf(Process) && !LxPtyTakeControl(Pty, Process))
                Result = -LX_EPERM;
            break;
        case LX_TIOCNOTTY:
            if (Pty->Session != LxSessionOf(Process))
                Result = -LX_ENOTTY;
            else if (LxSessionOf(Process) == Process->Pid)
                Pty->Session = Pty->Pgrp = 0;   /* the leader gives it up (disassociate_ctty) */
            break;
        case LX_TIOCGPTN:
            Value = Pty->Index;
            break;
        case LX_TIOCSPTLCK:
            Pty->Locked = Value != 0;
            break;
        case LX_FIONREAD:
            Value = LxPtyIsMaster(File) ? Pty->OutCount : lx_ldisc_readable(&Pty->Ldisc, &Eof);
            break;
        case LX_TIOCOUTQ:
            Value = LxPtyIsMaster(File) ? 0 : Pty->OutCount;
            break;
        case LX_TCFLSH:
            if (Arg > 2)
                Result = -LX_EINVAL;
            if (Result == 0 && Arg != 1)
                lx_ldisc_flush_input(&Pty->Ldisc);
            if (Result == 0 && Arg != 0)
                Pty->OutHead = Pty->OutCount = 0;
            break;
        case LX_TCSBRK:
        case LX_TCXONC:
            break;      /* output is never held back: tcdrain and tcflow have nothing to do */
        default:
            Result = -LX_ENOTTY;
            break;
    }
    ExReleaseFastMutex(&Pty->Lock);
    if (Result < 0)
        return Result;
    LxWakeWaitQueue(&Pty->SlaveQueue, 0);
    LxWakeWaitQueue(&Pty->MasterQueue, 0);
    if (Winch)
        LxSignalGroup(Pgrp, LX_SIGWINCH);
    switch (Cmd)
    {
        case LX_TCGETS:
            return LxCopyToUser(Arg, &Termios, sizeof(Termios));
        case LX_TIOCGWINSZ:
            return LxCopyToUser(Arg, Winsize, sizeof(Winsize));
        case LX_TIOCGPGRP:
        case LX_TIOCGSID:
        case LX_TIOCGPTN:
        case LX_FIONREAD:
        case LX_TIOCOUTQ:
            return LxCopyToUser(Arg, &Value, sizeof(Value));
        default:
            return 0;
    }
}

static
LONG
LxPtyStat(
    _In_ PLX_FILE File,
    _Out_ struct _LX_STAT64 *St)
{
    if (LxPtyIsMaster(File))
        LxStatCharDevice(St, LX_PTMX_MAJOR, LX_PTMX_MINOR, 0666);
    else
        LxStatCharDevice(St, LX_PTS_MAJOR, LxPtyOf(File)->Index, 0620);
    return 0;
}

/* the slave lives in a devpts, /dev/ptmx in /dev's devtmpfs */
static
LONG
LxPtyStatfs(
    _In_ PLX_FILE File,
    _Out_ lx_statfs_info *Info)
{
    LxStatfsDefaults(Info, LxPtyIsMaster(File) ? LX_TMPFS_MAGIC : LX_DEVPTS_SUPER_MAGIC);
    return 0;
}

static
LONG
LxPtyName(
    _In_ PLX_FILE File,
    _Out_writes_(Size) PCHAR Buffer,
    _In_ ULONG Size)
{
    NTSTATUS Status = LxPtyIsMaster(File) ?
                      RtlStringCbCopyA(Buffer, Size, "/dev/ptmx") :
                      RtlStringCbPrintfA(Buffer, Size, "/dev/pts/%lu", LxPtyOf(File)->Index);

    return NT_SUCCESS(Status) ? 0 : -LX_ENAMETOOLONG;
}

/*
 * A launcher's terminal (LXSS_CREATE_TTY_*): a pty whose master side is the launcher's two
 * handles, a pipe it writes the keys typed into and one it reads what the terminal shows
 * from, moved by a system thread. NT tells nothing when a pipe gets data, so the thread looks
 * at the input pipe every LX_PTY_PUMP_POLL_MS, and wakes at once for the terminal's output.
 * It ends when every slave is closed and the output is out (the program and its children
 * are done with the terminal), or when the launcher is gone (a broken pipe: the terminal
 * hangs up, as at a master's close).
 */
#define LX_PTY_PUMP_POLL_MS 15

typedef struct _LX_PTY_PUMP
{
    PLX_PTY Pty;                /* a reference: the master's */
    HANDLE Input;               /* kernel handles, NULL: none */
    HANDLE Output;
    ULONG Pending, PendingOffset;   /* typed bytes the line discipline could not take yet */
    UCHAR In[256];
    UCHAR Out[LX_PTY_OUT];
} LX_PTY_PUMP, *PLX_PTY_PUMP;

/* Bytes waiting in the input pipe; FALSE when the launcher closed it */
static
BOOLEAN
LxPtyPumpAvailable(
    _In_ HANDLE Input,
    _Out_ PULONG Available)
{
    FILE_PIPE_LOCAL_INFORMATION Local;
    IO_STATUS_BLOCK IoStatus;

    *Available = 0;
    if (!NT_SUCCESS(ZwQueryInformationFile(Input, &IoStatus, &Local, sizeof(Local),
                                           FilePipeLocalInformation)))
        return FALSE;
    *Available = Local.ReadDataAvailable;
    return Local.ReadDataAvailable != 0 || Local.NamedPipeState == FILE_PIPE_CONNECTED_STATE;
}

/* One round: the terminal's output to the launcher, typed bytes into the line discipline.
 * FALSE when the pump is done. */
static
BOOLEAN
LxPtyPumpRound(
    _Inout_ PLX_PTY_PUMP Pump,
    _Out_ PBOOLEAN Busy)
{
    PLX_PTY Pty = Pump->Pty;
    IO_STATUS_BLOCK IoStatus;
    ULONG Length, i, Available;
    BOOLEAN Closed;
    LONG Taken;

    *Busy = FALSE;
    ExAcquireFastMutex(&Pty->Lock);
    Length = Pty->OutCount;
    for (i = 0; i < Length; i++)
        Pump->Out[i] = Pty->Out[(Pty->OutHead + i) % LX_PTY_OUT];
    Pty->OutHead = (Pty->OutHead + Length) % LX_PTY_OUT;
    Pty->OutCount = 0;
    Closed = Pty->SlaveOpened && Pty->SlaveOpens == 0;
    ExReleaseFastMutex(&Pty->Lock);
    if (Length != 0)
    {
        *Busy = TRUE;
        LxWakeWaitQueue(&Pty->SlaveQueue, LX_POLLOUT);
        /* no screen (no output handle): what the terminal shows is dropped */
        if (Pump->Output != NULL &&
            !NT_SUCCESS(ZwWriteFile(Pump->Output, NULL, NULL, NULL, &IoStatus, Pump->Out, Length,
                                    NULL, NULL)))
            return FALSE;
        return TRUE;
    }
    if (Closed)
        return FALSE;
    if (Pump->Input == NULL)
        return TRUE;
    if (Pump->Pending == 0)
    {
        if (!LxPtyPumpAvailable(Pump->Input, &Available))
            return FALSE;
        if (Available == 0)
            return TRUE;
        if (!NT_SUCCESS(ZwReadFile(Pump->Input, NULL, NULL, NULL, &IoStatus, Pump->In,
                                   min(Available, sizeof(Pump->In)), NULL, NULL)))
            return FALSE;
        Pump->Pending = (ULONG)IoStatus.Information;
        Pump->PendingOffset = 0;
    }
    ExAcquireFastMutex(&Pty->Lock);
    Taken = LxPtyInputLocked(Pty, Pump->In + Pump->PendingOffset, Pump->Pending);
    if (Taken < 0)
    {
        ExReleaseFastMutex(&Pty->Lock);     /* full: the program reads first */
        return TRUE;
    }
    Pump->Pending -= (ULONG)Taken;
    Pump->PendingOffset += (ULONG)Taken;
    *Busy = TRUE;
    return TRUE;
}

static
VOID
NTAPI
LxPtyPumpThread(
    _In_ PVOID Context)
{
    PLX_PTY_PUMP Pump = Context;
    PLX_PTY Pty = Pump->Pty;
    BOOLEAN Busy;

    while (LxPtyPumpRound(Pump, &Busy))
    {
        if (Busy)
            continue;
        /* until the program writes (or reads: room for typed bytes), or the next look */
        ExAcquireFastMutex(&Pty->Lock);
        if (Pty->OutCount != 0)
        {
            ExReleaseFastMutex(&Pty->Lock);
            continue;
        }
        LxWaitUnlock(&Pty->MasterQueue, &Pty->Lock, FALSE,
                     LxMonotonicTime() + LX_PTY_PUMP_POLL_MS * 1000000ULL);
    }
    LxPtyHangUp(Pty);
    LxPtyDereference(Pty);
    if (Pump->Input != NULL)
        ZwClose(Pump->Input);
    if (Pump->Output != NULL)
        ZwClose(Pump->Output);
    ExFreePoolWithTag(Pump, LX_TAG_FILE);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

/*
 * The launcher's terminal of Process, which becomes the leader of a new session with it as
 * its controlling terminal: a pty of Rows x Columns whose master is pumped from Input (the
 * keys the launcher writes) and to Output (what it shows), kernel handles (either may be
 * NULL) that are the terminal's once this succeeds. Returns the slave, opened read-write, for
 * the descriptors that are the terminal.
 */
LONG
LxStartTerminal(
    _In_ PLX_PROCESS Process,
    _In_opt_ HANDLE Input,
    _In_opt_ HANDLE Output,
    _In_ USHORT Rows,
    _In_ USHORT Columns,
    _Out_ PLX_FILE *Slave)
{
    PLX_PTY_PUMP Pump;
    HANDLE Thread;
    NTSTATUS Status;
    LONG Result;

    *Slave = NULL;
    Pump = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Pump), LX_TAG_FILE);
    if (Pump == NULL)
        return -LX_ENOMEM;
    RtlZeroMemory(Pump, FIELD_OFFSET(LX_PTY_PUMP, In));
    Result = LxPtyAllocate(&Pump->Pty);
    if (Result < 0)
    {
        ExFreePoolWithTag(Pump, LX_TAG_FILE);
        return Result;
    }
    Pump->Pty->Locked = FALSE;
    Pump->Pty->Winsize[0] = Rows;
    Pump->Pty->Winsize[1] = Columns;
    Process->Sid = Process->Pgid = Process->Pid;
    ExAcquireFastMutex(&LxPtyListLock);
    Pump->Pty->RefCount++;      /* the slave's */
    ExReleaseFastMutex(&LxPtyListLock);
    Result = LxPtsOpenPty(Process, Pump->Pty, LX_O_RDWR, FALSE, Slave);
    if (Result < 0)
    {
        LxPtyDereference(Pump->Pty);
        ExFreePoolWithTag(Pump, LX_TAG_FILE);
        return Result;
    }
    Pump->Input = Input;
    Pump->Output = Output;
    Status = PsCreateSystemThread(&Thread, THREAD_ALL_ACCESS, NULL, NULL, NULL, LxPtyPumpThread,
                                  Pump);
    if (!NT_SUCCESS(Status))
    {
        LxDereferenceFile(*Slave);
        *Slave = NULL;
        LxPtyDereference(Pump->Pty);
        ExFreePoolWithTag(Pump, LX_TAG_FILE);
        return -LX_ENOMEM;
    }
    ZwClose(Thread);
    return 0;
}

static const LX_FILE_OPERATIONS LxPtmxOperations =
{
    .Kind = "ptmx",
    .Read = LxPtmxRead,
    .Write = LxPtmxWrite,
    .Ioctl = LxPtyIoctl,
    .Poll = LxPtyPoll,
    .Stat = LxPtyStat,
    .Statfs = LxPtyStatfs,
    .Name = LxPtyName,
    .Release = LxPtyRelease,
};

static const LX_FILE_OPERATIONS LxPtsOperations =
{
    .Kind = "pts",
    .Read = LxPtsRead,
    .Write = LxPtsWrite,
    .Ioctl = LxPtyIoctl,
    .Poll = LxPtyPoll,
    .Stat = LxPtyStat,
    .Statfs = LxPtyStatfs,
    .Name = LxPtyName,
    .Release = LxPtyRelease,
};
