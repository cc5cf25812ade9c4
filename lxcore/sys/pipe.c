/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: pipe, pipe2, and the pipe objects behind them
 *
 * A pipe is a ring buffer inside lxcore (not an NT named pipe): both ends are open file
 * descriptions that fork shares between processes. Reads block while the pipe is empty and
 * a writer exists (EOF once none is left); writes block while it is full and a reader exists
 * (EPIPE and SIGPIPE once none is left). O_NONBLOCK gives EAGAIN instead of blocking.
 */

#include "lxp.h"

#define NDEBUG
#include <debug.h>

#define LX_PIPE_SIZE    0x10000     /* Linux's default pipe capacity */
#define LX_SIGPIPE      13

struct _LX_PIPE
{
    LONG RefCount;
    FAST_MUTEX Lock;
    KEVENT Readable;        /* notification: data, or no writer left */
    KEVENT Writable;        /* notification: room, or no reader left */
    ULONG Readers;
    ULONG Writers;
    ULONG Head;             /* next byte to read */
    ULONG Count;            /* bytes in the buffer */
    PUCHAR Buffer;          /* LX_PIPE_SIZE bytes, paged pool */
};

static
VOID
LxDereferencePipe(
    _In_ PLX_PIPE Pipe)
{
    if (InterlockedDecrement(&Pipe->RefCount) != 0)
        return;
    ExFreePoolWithTag(Pipe->Buffer, LX_TAG_FILE);
    ExFreePoolWithTag(Pipe, LX_TAG_FILE);
}

/* Called when the last reference to a pipe end's file description goes away. */
VOID
LxPipeCloseEnd(
    _In_ PLX_FILE File)
{
    PLX_PIPE Pipe = File->Pipe;

    ExAcquireFastMutex(&Pipe->Lock);
    if (File->Type == LxFilePipeRead)
        Pipe->Readers--;
    else
        Pipe->Writers--;
    /* wake the other side: EOF for readers, EPIPE for writers */
    KeSetEvent(&Pipe->Readable, IO_NO_INCREMENT, FALSE);
    KeSetEvent(&Pipe->Writable, IO_NO_INCREMENT, FALSE);
    ExReleaseFastMutex(&Pipe->Lock);
    LxDereferencePipe(Pipe);
}

ULONG
LxPipeAvailable(
    _In_ PLX_FILE File)
{
    return File->Pipe->Count;
}

LONG
LxPipeRead(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count)
{
    PLX_PIPE Pipe = File->Pipe;
    PUCHAR Bounce;
    ULONG Done = 0;
    LONG Result;

    if (Count == 0)
        return 0;
    Bounce = ExAllocatePoolWithTag(PagedPool, LX_PIPE_SIZE, LX_TAG_TEMP);
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
            KeSetEvent(&Pipe->Writable, IO_NO_INCREMENT, FALSE);
            if (Pipe->Count == 0 && Pipe->Writers != 0)
                KeClearEvent(&Pipe->Readable);
            ExReleaseFastMutex(&Pipe->Lock);
            break;
        }
        if (Pipe->Writers == 0)
        {
            ExReleaseFastMutex(&Pipe->Lock);
            break;      /* end of file */
        }
        if (File->StatusFlags & LX_O_NONBLOCK)
        {
            ExReleaseFastMutex(&Pipe->Lock);
            ExFreePoolWithTag(Bounce, LX_TAG_TEMP);
            return -LX_EAGAIN;
        }
        KeClearEvent(&Pipe->Readable);
        ExReleaseFastMutex(&Pipe->Lock);
        {
            PVOID Object = &Pipe->Readable;

            if (LxWaitInterruptible(1, &Object, NULL) == STATUS_ALERTED)
            {
                ExFreePoolWithTag(Bounce, LX_TAG_TEMP);
                return LxInterruptedCall(TRUE);
            }
        }
    }

    Result = Done ? LxCopyToUser(Buffer, Bounce, Done) : 0;
    ExFreePoolWithTag(Bounce, LX_TAG_TEMP);
    return Result < 0 ? Result : (LONG)Done;
}

LONG
LxPipeWrite(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count)
{
    PLX_PIPE Pipe = File->Pipe;
    PUCHAR Bounce;
    SIZE_T Done = 0;
    LONG Result = 0;

    if (Count == 0)
        return 0;
    Bounce = ExAllocatePoolWithTag(PagedPool, LX_PIPE_SIZE, LX_TAG_TEMP);
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
                KeSetEvent(&Pipe->Readable, IO_NO_INCREMENT, FALSE);
                if (Pipe->Count == LX_PIPE_SIZE && Pipe->Readers != 0)
                    KeClearEvent(&Pipe->Writable);
                ExReleaseFastMutex(&Pipe->Lock);
                continue;
            }
            if (File->StatusFlags & LX_O_NONBLOCK)
            {
                ExReleaseFastMutex(&Pipe->Lock);
                Result = -LX_EAGAIN;
                break;
            }
            KeClearEvent(&Pipe->Writable);
            ExReleaseFastMutex(&Pipe->Lock);
            {
                PVOID Object = &Pipe->Writable;

                if (LxWaitInterruptible(1, &Object, NULL) == STATUS_ALERTED)
                {
                    Result = -LX_EINTR;
                    break;
                }
            }
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
LONG
LxCreatePipe(
    _In_ LONG *Fildes,
    _In_ LONG Flags)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE ReadEnd, WriteEnd;
    PLX_PIPE Pipe;
    LONG Fds[2], Result;
    ULONG Extra = Flags & LX_O_NONBLOCK;

    if (Flags & ~(LX_O_CLOEXEC | LX_O_NONBLOCK | LX_O_DIRECT))
        return -LX_EINVAL;

    Pipe = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Pipe), LX_TAG_FILE);
    if (Pipe == NULL)
        return -LX_ENFILE;
    RtlZeroMemory(Pipe, sizeof(*Pipe));
    Pipe->Buffer = ExAllocatePoolWithTag(PagedPool, LX_PIPE_SIZE, LX_TAG_FILE);
    if (Pipe->Buffer == NULL)
    {
        ExFreePoolWithTag(Pipe, LX_TAG_FILE);
        return -LX_ENFILE;
    }
    ExInitializeFastMutex(&Pipe->Lock);
    KeInitializeEvent(&Pipe->Readable, NotificationEvent, FALSE);
    KeInitializeEvent(&Pipe->Writable, NotificationEvent, TRUE);
    Pipe->RefCount = 2;
    Pipe->Readers = 1;
    Pipe->Writers = 1;

    ReadEnd = LxAllocateFile(LxFilePipeRead, LX_O_RDONLY | Extra);
    WriteEnd = LxAllocateFile(LxFilePipeWrite, LX_O_WRONLY | Extra);
    if (ReadEnd == NULL || WriteEnd == NULL)
    {
        if (ReadEnd)
            ExFreePoolWithTag(ReadEnd, LX_TAG_FILE);
        if (WriteEnd)
            ExFreePoolWithTag(WriteEnd, LX_TAG_FILE);
        ExFreePoolWithTag(Pipe->Buffer, LX_TAG_FILE);
        ExFreePoolWithTag(Pipe, LX_TAG_FILE);
        return -LX_ENFILE;
    }
    ReadEnd->Pipe = Pipe;
    WriteEnd->Pipe = Pipe;

    Fds[0] = LxInstallFile(Process, ReadEnd, 0, (Flags & LX_O_CLOEXEC) != 0);
    if (Fds[0] < 0)
    {
        LxDereferenceFile(WriteEnd);
        return Fds[0];
    }
    Fds[1] = LxInstallFile(Process, WriteEnd, 0, (Flags & LX_O_CLOEXEC) != 0);
    if (Fds[1] < 0)
    {
        LxCloseFd(Process, (ULONG)Fds[0]);
        return Fds[1];
    }
    Result = LxCopyToUser((ULONG_PTR)Fildes, Fds, sizeof(Fds));
    if (Result < 0)
    {
        LxCloseFd(Process, (ULONG)Fds[0]);
        LxCloseFd(Process, (ULONG)Fds[1]);
    }
    return Result;
}

LONG
NTAPI
LxSysPipe(
    LONG *Fildes)
{
    return LxCreatePipe(Fildes, 0);
}

LONG
NTAPI
LxSysPipe2(
    LONG *Fildes,
    LONG Flags)
{
    return LxCreatePipe(Fildes, Flags);
}

/* poll support: the ready events of a pipe end, and the event to wait on for more */
#define LX_POLLIN   0x0001
#define LX_POLLOUT  0x0004
#define LX_POLLERR  0x0008
#define LX_POLLHUP  0x0010
#define LX_POLLRDNORM 0x0040
#define LX_POLLWRNORM 0x0100

ULONG
LxPipePoll(
    _In_ PLX_FILE File,
    _Out_ PKEVENT *WaitEvent)
{
    PLX_PIPE Pipe = File->Pipe;
    ULONG Ready = 0;

    ExAcquireFastMutex(&Pipe->Lock);
    if (File->Type == LxFilePipeRead)
    {
        if (Pipe->Count != 0)
            Ready |= LX_POLLIN | LX_POLLRDNORM;
        if (Pipe->Writers == 0)
            Ready |= LX_POLLHUP;
        if (Ready == 0)
            KeClearEvent(&Pipe->Readable);
        *WaitEvent = &Pipe->Readable;
    }
    else
    {
        if (Pipe->Readers == 0)
            Ready |= LX_POLLERR;
        else if (Pipe->Count < LX_PIPE_SIZE)
            Ready |= LX_POLLOUT | LX_POLLWRNORM;
        if (Ready == 0)
            KeClearEvent(&Pipe->Writable);
        *WaitEvent = &Pipe->Writable;
    }
    ExReleaseFastMutex(&Pipe->Lock);
    return Ready;
}
