/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     File kind: the two ends of an lxcore pipe (pipe, pipe2, and named pipes:
 *              FIFO nodes made with mknod)
 *
 * A pipe is a ring buffer inside lxcore (not an NT named pipe): both ends are open file
 * descriptions that fork shares between processes. Reads block while the pipe is empty and
 * a writer exists (EOF once none is left); writes block while it is full and a reader exists
 * (EPIPE and SIGPIPE once none is left). O_NONBLOCK gives EAGAIN instead of blocking. Every
 * change wakes the pipe's wait queue: blocked readers and writers, and pollers.
 *
 * A FIFO node (an NT file whose metadata says S_IFIFO, fs/meta.c) has a pipe while any end
 * of it is open, found by the node's NT identity (volume serial and file index), so every
 * path to the node meets the same pipe; it goes, with any bytes left, with its last end.
 * Opens follow Linux's fifo_open: a reader waits for a writer and a writer for a reader,
 * unless O_NONBLOCK (a reader opens at once, a writer gets ENXIO) or O_RDWR.
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

#define LX_PIPE_SIZE    0x10000     /* Linux's default pipe capacity */

typedef struct _LX_PIPE
{
    LONG RefCount;              /* one per end */
    FAST_MUTEX Lock;
    LX_WAIT_QUEUE Wait;         /* woken on data, room, and the last reader or writer gone */
    ULONG Readers;
    ULONG Writers;
    ULONG Head;                 /* next byte to read */
    ULONG Count;                /* bytes in the buffer */
    PUCHAR Buffer;              /* LX_PIPE_SIZE bytes, paged pool */
    /* a FIFO node's pipe (LxNamedPipes), else Named.Flink NULL */
    LIST_ENTRY Named;
    ULONGLONG Volume;           /* the node's NT identity */
    ULONGLONG Index;
    ULONG ReaderOpens;          /* opens of each side so far (fifo_open's r_counter and */
    ULONG WriterOpens;          /* w_counter): a waiting open sees its partner come */
} LX_PIPE, *PLX_PIPE;

typedef struct _LX_PIPE_END
{
    PLX_PIPE Pipe;
    BOOLEAN ReadEnd;
    BOOLEAN Node;               /* an end of a FIFO node: stat is the node's (NodeStat) */
    ULONG SeenWriterOpens;      /* a FIFO read end opened with no writer: no POLLHUP until
                                   WriterOpens moves past this */
    struct _LX_STAT64 NodeStat;
} LX_PIPE_END, *PLX_PIPE_END;

/* the pipes of FIFO nodes with an end open, and the lock of that list and of their
 * reference counts */
static LIST_ENTRY LxNamedPipes;
static FAST_MUTEX LxNamedPipesLock;

VOID
LxInitializeNamedPipes(VOID)
{
    InitializeListHead(&LxNamedPipes);
    ExInitializeFastMutex(&LxNamedPipesLock);
}

static
PLX_PIPE
LxPipeOf(
    _In_ PLX_FILE File)
{
    return ((PLX_PIPE_END)File->Private)->Pipe;
}

/* An end (reading, writing, or both) of Pipe goes: wake the other side (EOF, EPIPE) and drop
 * the end's reference; the last one frees the pipe (a FIFO's leaves the list first, before
 * anyone can find it again). */
static
VOID
LxPipeDetach(
    _In_ PLX_PIPE Pipe,
    _In_ BOOLEAN Reader,
    _In_ BOOLEAN Writer)
{
    BOOLEAN Named = Pipe->Named.Flink != NULL;
    LONG Left;

    ExAcquireFastMutex(&Pipe->Lock);
    if (Reader)
        Pipe->Readers--;
    if (Writer)
        Pipe->Writers--;
    if (Reader || Writer)
        LxWakeWaitQueue(&Pipe->Wait, Reader ? LX_POLLERR : LX_POLLHUP);
    ExReleaseFastMutex(&Pipe->Lock);
    if (Named)
        ExAcquireFastMutex(&LxNamedPipesLock);
    Left = InterlockedDecrement(&Pipe->RefCount);
    if (Named && Left == 0)
        RemoveEntryList(&Pipe->Named);
    if (Named)
        ExReleaseFastMutex(&LxNamedPipesLock);
    if (Left == 0)
    {
        ExFreePoolWithTag(Pipe->Buffer, LX_TAG_FILE);
        ExFreePoolWithTag(Pipe, LX_TAG_FILE);
    }
}

/* The last reference to an end's description is gone */
static
VOID
LxPipeRelease(
    _In_ PLX_FILE File)
{
    PLX_PIPE_END End = File->Private;

    LxPipeDetach(End->Pipe, End->ReadEnd,
                 !End->ReadEnd || (File->StatusFlags & LX_O_ACCMODE) == LX_O_RDWR);
}

static
LONG
LxPipeRead(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    PLX_PIPE Pipe = LxPipeOf(File);
    PUCHAR Bounce;
    ULONG Done = 0;
    LONG Result;

    UNREFERENCED_PARAMETER(Position);
    if (Count == 0)
        return 0;
    /* as large as what can be read at once: a 64 KiB buffer for every small read cost a
     * 1-byte round trip through two pipes 4 times an AF_UNIX one (tests/bench/guest-unix.ts) */
    Bounce = ExAllocatePoolWithTag(PagedPool, min(Count, LX_PIPE_SIZE), LX_TAG_TEMP);
    if (Bounce == NULL)
        return -LX_ENOMEM;

    for (;;)
    {
        ExAcquireFastMutex(&Pipe->Lock);
        if (Pipe->Count != 0)
        {
            ULONG n = (ULONG)min(Count, Pipe->Count), First;

            First = min(n, LX_PIPE_SIZE - Pipe->Head);
            RtlCopyMemory(Bounce, Pipe->Buffer + Pipe->Head, First);
            RtlCopyMemory(Bounce + First, Pipe->Buffer, n - First);
            Pipe->Head = (Pipe->Head + n) % LX_PIPE_SIZE;
            Pipe->Count -= n;
            Done = n;
            LxWakeWaitQueue(&Pipe->Wait, LX_POLLOUT | LX_POLLWRNORM);
            ExReleaseFastMutex(&Pipe->Lock);
            break;
        }
        if (Pipe->Writers == 0)
        {
            ExReleaseFastMutex(&Pipe->Lock);
            break;      /* end of file */
        }
        Result = LxFileWaitUnlock(File, &Pipe->Wait, &Pipe->Lock);
        if (Result < 0)
        {
            ExFreePoolWithTag(Bounce, LX_TAG_TEMP);
            return Result == -LX_EINTR ? LxInterruptedCall(TRUE) : Result;
        }
    }

    Result = Done ? LxCopyToUser(Buffer, Bounce, Done) : 0;
    ExFreePoolWithTag(Bounce, LX_TAG_TEMP);
    return Result < 0 ? Result : (LONG)Done;
}

static
LONG
LxPipeWrite(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    PLX_PIPE Pipe = LxPipeOf(File);
    PUCHAR Bounce;
    SIZE_T Done = 0;
    LONG Result = 0;

    UNREFERENCED_PARAMETER(Position);
    if (Count == 0)
        return 0;
    Bounce = ExAllocatePoolWithTag(PagedPool, min(Count, LX_PIPE_SIZE), LX_TAG_TEMP);
    if (Bounce == NULL)
        return -LX_ENOMEM;

    while (Done < Count)
    {
        ULONG Chunk = (ULONG)min(Count - Done, LX_PIPE_SIZE), Copied = 0;

        Result = LxCopyFromUser(Bounce, Buffer + Done, Chunk);
        if (Result < 0)
            break;
        while (Copied < Chunk)
        {
            ExAcquireFastMutex(&Pipe->Lock);
            if (Pipe->Readers == 0)
            {
                ExReleaseFastMutex(&Pipe->Lock);
                Result = -LX_EPIPE;
                break;
            }
            if (Pipe->Count < LX_PIPE_SIZE)
            {
                ULONG Tail = (Pipe->Head + Pipe->Count) % LX_PIPE_SIZE;
                ULONG n = min(Chunk - Copied, LX_PIPE_SIZE - Pipe->Count);
                ULONG First = min(n, LX_PIPE_SIZE - Tail);

                RtlCopyMemory(Pipe->Buffer + Tail, Bounce + Copied, First);
                RtlCopyMemory(Pipe->Buffer, Bounce + Copied + First, n - First);
                Pipe->Count += n;
                Copied += n;
                LxWakeWaitQueue(&Pipe->Wait, LX_POLLIN | LX_POLLRDNORM);
                ExReleaseFastMutex(&Pipe->Lock);
                continue;
            }
            Result = LxFileWaitUnlock(File, &Pipe->Wait, &Pipe->Lock);
            if (Result < 0)
                break;
        }
        Done += Copied;
        if (Result < 0)
            break;
    }
    ExFreePoolWithTag(Bounce, LX_TAG_TEMP);

    if (Result == -LX_EPIPE && Done == 0)
    {
        /* SIGPIPE (its default action ends the process); EPIPE when it is ignored or after
         * its handler returns */
        return LxSignalSelfWithResult(LX_SIGPIPE, LX_SI_USER, -LX_EPIPE);
    }
    if (Done != 0)
        return (LONG)Done;
    if (Result == -LX_EINTR)
        return LxInterruptedCall(TRUE);
    return Result;
}

static
ULONG
LxPipePoll(
    _In_ PLX_FILE File,
    _In_opt_ PLX_POLL_TABLE Table)
{
    PLX_PIPE_END End = File->Private;
    PLX_PIPE Pipe = End->Pipe;
    ULONG Ready = 0;

    ExAcquireFastMutex(&Pipe->Lock);
    if (Table != NULL)
        LxPollWait(Table, &Pipe->Wait);
    if (End->ReadEnd)
    {
        if (Pipe->Count != 0)
            Ready |= LX_POLLIN | LX_POLLRDNORM;
        if (Pipe->Writers == 0 && (!End->Node || Pipe->WriterOpens != End->SeenWriterOpens))
            Ready |= LX_POLLHUP;
    }
    if (!End->ReadEnd || (File->StatusFlags & LX_O_ACCMODE) == LX_O_RDWR)
    {
        if (Pipe->Readers == 0)
            Ready |= LX_POLLERR;
        else if (Pipe->Count < LX_PIPE_SIZE)
            Ready |= LX_POLLOUT | LX_POLLWRNORM;
    }
    ExReleaseFastMutex(&Pipe->Lock);
    return Ready;
}

static
LONG
LxPipeIoctl(
    _In_ PLX_FILE File,
    _In_ ULONG Cmd,
    _In_ ULONG_PTR Arg)
{
    PLX_PIPE_END End = File->Private;
    LONG Available;

    if (Cmd != LX_FIONREAD)
        return -LX_ENOTTY;
    Available = End->ReadEnd ? (LONG)End->Pipe->Count : 0;
    return LxCopyToUser(Arg, &Available, sizeof(Available));
}

static
LONG
LxPipeStat(
    _In_ PLX_FILE File,
    _Out_ struct _LX_STAT64 *St)
{
    PLX_PIPE_END End = File->Private;

    if (End->Node)
    {
        *St = End->NodeStat;
        return 0;
    }
    St->StMode = LX_S_IFIFO | 0600;
    St->StDev = 6;
    St->StIno = St->StIno32 = (ULONG)(ULONG_PTR)LxPipeOf(File) >> 4;
    return 0;
}

static
LONG
LxPipeStatfs(
    _In_ PLX_FILE File,
    _Out_ lx_statfs_info *Info)
{
    UNREFERENCED_PARAMETER(File);
    LxStatfsDefaults(Info, LX_PIPEFS_MAGIC);
    return 0;
}

/* Both ends are one file for record locks: the pipe */
static
LONG
LxPipeIdentity(
    _In_ PLX_FILE File,
    _Out_ PULONGLONG Volume,
    _Out_ PULONGLONG Index,
    _Out_opt_ PULONGLONG Size)
{
    *Volume = ~0ULL;
    *Index = (ULONG_PTR)LxPipeOf(File);
    if (Size)
        *Size = 0;
    return 0;
}

static
LONG
LxPipeName(
    _In_ PLX_FILE File,
    _Out_writes_(Size) PCHAR Buffer,
    _In_ ULONG Size)
{
    return NT_SUCCESS(RtlStringCbPrintfA(Buffer, Size, "pipe:[%lu]",
                                         (ULONG)(ULONG_PTR)LxPipeOf(File) >> 4)) ? 0 : -LX_ENAMETOOLONG;
}

static const LX_FILE_OPERATIONS LxPipeOperations =
{
    .Kind = "pipe",
    .Read = LxPipeRead,
    .Write = LxPipeWrite,
    .Ioctl = LxPipeIoctl,
    .Poll = LxPipePoll,
    .Stat = LxPipeStat,
    .Statfs = LxPipeStatfs,
    .Identity = LxPipeIdentity,
    .Name = LxPipeName,
    .Release = LxPipeRelease,
};

/* A new, empty pipe with no ends (RefCount 0), or NULL */
static
PLX_PIPE
LxAllocatePipe(VOID)
{
    PLX_PIPE Pipe = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Pipe), LX_TAG_FILE);

    if (Pipe == NULL)
        return NULL;
    RtlZeroMemory(Pipe, sizeof(*Pipe));
    Pipe->Buffer = ExAllocatePoolWithTag(PagedPool, LX_PIPE_SIZE, LX_TAG_FILE);
    if (Pipe->Buffer == NULL)
    {
        ExFreePoolWithTag(Pipe, LX_TAG_FILE);
        return NULL;
    }
    ExInitializeFastMutex(&Pipe->Lock);
    LxInitializeWaitQueue(&Pipe->Wait);
    return Pipe;
}

/* A new pipe's read and write ends (Flags: O_NONBLOCK for both) */
LONG
LxCreatePipeFiles(
    _In_ ULONG Flags,
    _Out_ PLX_FILE *ReadEnd,
    _Out_ PLX_FILE *WriteEnd)
{
    PLX_FILE Ends[2];
    PLX_PIPE Pipe;
    ULONG i;

    *ReadEnd = *WriteEnd = NULL;
    Pipe = LxAllocatePipe();
    if (Pipe == NULL)
        return -LX_ENFILE;

    for (i = 0; i < 2; i++)
    {
        Ends[i] = LxAllocateFile(&LxPipeOperations, (i == 0 ? LX_O_RDONLY : LX_O_WRONLY) | (Flags & LX_O_NONBLOCK),
                                 LX_S_IFIFO, sizeof(LX_PIPE_END));
        if (Ends[i] == NULL)
            break;
        ((PLX_PIPE_END)Ends[i]->Private)->Pipe = Pipe;
        ((PLX_PIPE_END)Ends[i]->Private)->ReadEnd = (i == 0);
        Pipe->RefCount++;
        if (i == 0)
            Pipe->Readers = 1;
        else
            Pipe->Writers = 1;
    }
    if (i < 2)
    {
        if (i == 1)
            LxDereferenceFile(Ends[0]);     /* the last reference frees the pipe */
        else
        {
            ExFreePoolWithTag(Pipe->Buffer, LX_TAG_FILE);
            ExFreePoolWithTag(Pipe, LX_TAG_FILE);
        }
        return LxNoFile();
    }
    *ReadEnd = Ends[0];
    *WriteEnd = Ends[1];
    return 0;
}

/* A FIFO node's pipe, referenced (found by the node's identity, or a new one listed), or NULL */
static
PLX_PIPE
LxGetNamedPipe(
    _In_ ULONGLONG Volume,
    _In_ ULONGLONG Index)
{
    PLX_PIPE Fresh = LxAllocatePipe(), Pipe = NULL;
    PLIST_ENTRY Link;

    ExAcquireFastMutex(&LxNamedPipesLock);
    for (Link = LxNamedPipes.Flink; Link != &LxNamedPipes; Link = Link->Flink)
    {
        PLX_PIPE Listed = CONTAINING_RECORD(Link, LX_PIPE, Named);

        if (Listed->Volume == Volume && Listed->Index == Index)
        {
            Pipe = Listed;
            break;
        }
    }
    if (Pipe == NULL && Fresh != NULL)
    {
        Pipe = Fresh;
        Fresh = NULL;
        Pipe->Volume = Volume;
        Pipe->Index = Index;
        InsertTailList(&LxNamedPipes, &Pipe->Named);
    }
    if (Pipe != NULL)
        InterlockedIncrement(&Pipe->RefCount);
    ExReleaseFastMutex(&LxNamedPipesLock);
    if (Fresh != NULL)
    {
        ExFreePoolWithTag(Fresh->Buffer, LX_TAG_FILE);
        ExFreePoolWithTag(Fresh, LX_TAG_FILE);
    }
    return Pipe;
}

/* Waits until *Counter (ReaderOpens or WriterOpens) is no longer Seen: fifo_open's
 * wait_for_partner. 0 or -EINTR. */
static
LONG
LxWaitForPartner(
    _In_ PLX_PIPE Pipe,
    _In_ volatile ULONG *Counter,
    _In_ ULONG Seen)
{
    LONG Result;

    for (;;)
    {
        ExAcquireFastMutex(&Pipe->Lock);
        if (*Counter != Seen)
        {
            ExReleaseFastMutex(&Pipe->Lock);
            return 0;
        }
        Result = LxWaitUnlock(&Pipe->Wait, &Pipe->Lock, FALSE, 0);
        if (Result < 0)
            return Result;
    }
}

/*
 * Opens the FIFO node Node (an NT file lxcore opened) as StatusFlags say, as Linux's
 * fifo_open: an end of the node's pipe, whose fstat is the node's. A reader waits for a
 * writer and a writer for a reader; O_NONBLOCK opens a reader at once and refuses a writer
 * with ENXIO while no reader exists; O_RDWR is both ends and never waits.
 */
LONG
LxOpenFifo(
    _In_ PLX_FILE Node,
    _In_ ULONG StatusFlags,
    _Out_ PLX_FILE *File)
{
    ULONG Access = StatusFlags & LX_O_ACCMODE;
    BOOLEAN Reader = Access != LX_O_WRONLY, Writer = Access != LX_O_RDONLY;
    BOOLEAN NonBlock = (StatusFlags & LX_O_NONBLOCK) != 0, NeedWriter, NeedReader;
    struct _LX_STAT64 St;
    ULONGLONG Volume, Index;
    ULONG SeenReaders, SeenWriters;
    PLX_PIPE_END End;
    PLX_FILE EndFile;
    PLX_PIPE Pipe;
    LONG Result;

    *File = NULL;
    Result = LxFileIdentity(Node, &Volume, &Index, NULL);
    if (Result == 0)
        Result = LxFileStat(Node, &St);
    if (Result < 0)
        return Result;
    Pipe = LxGetNamedPipe(Volume, Index);
    if (Pipe == NULL)
        return -LX_ENFILE;

    ExAcquireFastMutex(&Pipe->Lock);
    if (Writer && !Reader && NonBlock && Pipe->Readers == 0)
    {
        ExReleaseFastMutex(&Pipe->Lock);
        LxPipeDetach(Pipe, FALSE, FALSE);
        return -LX_ENXIO;
    }
    if (Reader)
    {
        Pipe->ReaderOpens++;
        Pipe->Readers++;
    }
    if (Writer)
    {
        Pipe->WriterOpens++;
        Pipe->Writers++;
    }
    LxWakeWaitQueue(&Pipe->Wait, Reader ? LX_POLLOUT : LX_POLLIN);     /* a waiting partner */
    SeenReaders = Pipe->ReaderOpens;
    SeenWriters = Pipe->WriterOpens;
    NeedWriter = Reader && !Writer && Pipe->Writers == 0;
    NeedReader = Writer && !Reader && Pipe->Readers == 0;
    ExReleaseFastMutex(&Pipe->Lock);

    EndFile = LxAllocateFile(&LxPipeOperations, StatusFlags, LX_S_IFIFO, sizeof(LX_PIPE_END));
    if (EndFile == NULL)
    {
        LxPipeDetach(Pipe, Reader, Writer);
        return LxNoFile();
    }
    End = EndFile->Private;
    End->Pipe = Pipe;
    End->ReadEnd = Reader;
    End->Node = TRUE;
    End->NodeStat = St;
    /* a reader that came before any writer sees no hang-up until one has come */
    End->SeenWriterOpens = NeedWriter ? SeenWriters : 0;

    if (NeedWriter && !NonBlock)
        Result = LxWaitForPartner(Pipe, &Pipe->WriterOpens, SeenWriters);
    else if (NeedReader)
        Result = LxWaitForPartner(Pipe, &Pipe->ReaderOpens, SeenReaders);
    if (Result < 0)
    {
        LxDereferenceFile(EndFile);
        return Result == -LX_EINTR ? LxInterruptedCall(TRUE) : Result;
    }
    *File = EndFile;
    return 0;
}
