/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     eventfd: a 64-bit counter read and written 8 bytes at a time
 *
 * A write adds to the counter (blocking while it would pass 0xfffffffffffffffe); a read
 * takes all of it, or 1 with EFD_SEMAPHORE (blocking while it is 0). Readable while the
 * counter is not 0, writable while it is below the maximum.
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

#define LX_EVENTFD_MAX  0xFFFFFFFFFFFFFFFEULL

typedef struct _LX_EVENTFD
{
    FAST_MUTEX Lock;
    ULONGLONG Count;
    BOOLEAN Semaphore;
    LX_WAIT_QUEUE Wait;
} LX_EVENTFD, *PLX_EVENTFD;

static
LONG
LxEventfdRead(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    PLX_EVENTFD Event = File->Private;
    ULONGLONG Value;
    LONG Result;

    UNREFERENCED_PARAMETER(Position);
    if (Count < sizeof(Value))
        return -LX_EINVAL;
    for (;;)
    {
        ExAcquireFastMutex(&Event->Lock);
        if (Event->Count != 0)
        {
            Value = Event->Semaphore ? 1 : Event->Count;
            Event->Count -= Value;
            LxWakeWaitQueue(&Event->Wait, LX_POLLOUT | LX_POLLWRNORM);
            ExReleaseFastMutex(&Event->Lock);
            break;
        }
        Result = LxFileWaitUnlock(File, &Event->Wait, &Event->Lock);
        if (Result < 0)
            return Result == -LX_EINTR ? LxInterruptedCall(TRUE) : Result;
    }
    Result = LxCopyToUser(Buffer, &Value, sizeof(Value));
    return Result < 0 ? Result : (LONG)sizeof(Value);
}

static
LONG
LxEventfdWrite(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    PLX_EVENTFD Event = File->Private;
    ULONGLONG Value;
    LONG Result;

    UNREFERENCED_PARAMETER(Position);
    if (Count < sizeof(Value))
        return -LX_EINVAL;
    Result = LxCopyFromUser(&Value, Buffer, sizeof(Value));
    if (Result < 0)
        return Result;
    if (Value == ~0ULL)
        return -LX_EINVAL;
    for (;;)
    {
        ExAcquireFastMutex(&Event->Lock);
        if (LX_EVENTFD_MAX - Event->Count >= Value)
        {
            Event->Count += Value;
            if (Value != 0)
                LxWakeWaitQueue(&Event->Wait, LX_POLLIN | LX_POLLRDNORM);
            ExReleaseFastMutex(&Event->Lock);
            return sizeof(Value);
        }
        Result = LxFileWaitUnlock(File, &Event->Wait, &Event->Lock);
        if (Result < 0)
            return Result == -LX_EINTR ? LxInterruptedCall(TRUE) : Result;
    }
}

static
ULONG
LxEventfdPoll(
    _In_ PLX_FILE File,
    _In_opt_ PLX_POLL_TABLE Table)
{
    PLX_EVENTFD Event = File->Private;
    ULONG Ready = 0;

    ExAcquireFastMutex(&Event->Lock);
    if (Table != NULL)
        LxPollWait(Table, &Event->Wait);
    if (Event->Count != 0)
        Ready |= LX_POLLIN | LX_POLLRDNORM;
    if (Event->Count < LX_EVENTFD_MAX)
        Ready |= LX_POLLOUT | LX_POLLWRNORM;
    ExReleaseFastMutex(&Event->Lock);
    return Ready;
}

static const LX_FILE_OPERATIONS LxEventfdOperations =
{
    .Kind = "eventfd",
    .Read = LxEventfdRead,
    .Write = LxEventfdWrite,
    .Seek = LxNoSeek,
    .Poll = LxEventfdPoll,
    .Stat = LxAnonInodeStat,
    .Statfs = LxAnonInodeStatfs,
};

/* A new eventfd description: Initial count, Semaphore mode, O_NONBLOCK in StatusFlags */
LONG
LxCreateEventfd(
    _In_ ULONG Initial,
    _In_ BOOLEAN Semaphore,
    _In_ ULONG StatusFlags,
    _Out_ PLX_FILE *File)
{
    PLX_EVENTFD Event;

    *File = LxAllocateFile(&LxEventfdOperations, LX_O_RDWR | (StatusFlags & LX_O_NONBLOCK), 0,
                           sizeof(LX_EVENTFD));
    if (*File == NULL)
        return LxNoFile();
    Event = (*File)->Private;
    ExInitializeFastMutex(&Event->Lock);
    LxInitializeWaitQueue(&Event->Wait);
    Event->Count = Initial;
    Event->Semaphore = Semaphore;
    return 0;
}
