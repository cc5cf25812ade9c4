/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     epoll: a file kind holding an interest list, and the engine under epoll_ctl
 *              and epoll_wait
 *
 * Each watched file is an item. When it is added, its Poll operation is asked once with the
 * item's own poll table: the item's wait entries go on the file's wait queues, and their wake
 * puts the item on the epoll's ready list and wakes the epoll's own queue (epoll_wait callers,
 * and pollers of the epoll file: an epoll can watch another). epoll_wait asks the items on the
 * ready list again: an item with events is reported; a level-triggered one goes back on the
 * list (asked again next time), an edge-triggered one waits for its next wake, a one-shot one
 * is disabled until EPOLL_CTL_MOD. A file that cannot wake (LxPollRecheck) is asked on every
 * pass, and epoll_wait then also wakes every LX_EPOLL_RECHECK_MS.
 *
 * Items do not keep their file open: as on Linux, an item goes when the last reference to the
 * open file description does (LxEpollForgetFile, from LxDereferenceFile), so closing one of
 * two descriptors for it keeps the item.
 *
 * One ERESOURCE guards every interest list and every file's list of items (polling under it
 * is allowed: it keeps special kernel APCs, and so synchronous NT I/O, working); each epoll's
 * ready list has a spin lock, as wakes come at DISPATCH_LEVEL.
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

#define LX_EPOLL_WAITS          2       /* wait queues one item can be on */
#define LX_EPOLL_RECHECK_MS     20
#define LX_EPOLL_MAX_NESTING    4       /* Linux's EP_MAX_NESTS */
#define LX_EPOLL_BATCH          256     /* events gathered per pass at most */

#define LX_EPOLLEXCLUSIVE       (1UL << 28)
#define LX_EPOLLWAKEUP          (1UL << 29)
#define LX_EPOLLONESHOT         (1UL << 30)
#define LX_EPOLLET              (1UL << 31)
#define LX_EPOLL_FLAGS          (LX_EPOLLEXCLUSIVE | LX_EPOLLWAKEUP | LX_EPOLLONESHOT | LX_EPOLLET)

typedef struct _LX_EPOLL
{
    LIST_ENTRY Items;               /* LX_EPOLL_ITEM (LxEpollLock) */
    KSPIN_LOCK ReadyLock;
    LIST_ENTRY Ready;               /* LX_EPOLL_ITEM with a wake not yet asked about */
    LX_WAIT_QUEUE Wait;             /* epoll_wait callers and pollers of this epoll */
    ULONG RecheckCount;             /* items whose file cannot wake */
} LX_EPOLL, *PLX_EPOLL;

typedef struct _LX_EPOLL_ITEM
{
    LIST_ENTRY EpollLink;           /* LX_EPOLL.Items */
    LIST_ENTRY FileLink;            /* LX_FILE.EpollItems */
    LIST_ENTRY ReadyLink;           /* LX_EPOLL.Ready, while OnReady */
    LIST_ENTRY PassLink;            /* one epoll_wait pass's list, while InPass */
    BOOLEAN OnReady;
    BOOLEAN InPass;
    BOOLEAN Recheck;
    PLX_EPOLL Epoll;
    PLX_FILE File;                  /* not referenced: the item goes when the file does */
    LONG Fd;
    ULONG Events;                   /* interest and flags; interest 0 after a one-shot fired */
    ULONGLONG Data;
    LX_POLL_TABLE Table;
    ULONG WaitCount;
    LX_WAIT_ENTRY Waits[LX_EPOLL_WAITS];
} LX_EPOLL_ITEM, *PLX_EPOLL_ITEM;

static ERESOURCE LxEpollLock;
static const LX_FILE_OPERATIONS LxEpollOperations;

VOID
LxInitializeEpoll(VOID)
{
    ExInitializeResourceLite(&LxEpollLock);
}

static
VOID
LxEpollLockExclusive(VOID)
{
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&LxEpollLock, TRUE);
}

static
VOID
LxEpollUnlock(VOID)
{
    ExReleaseResourceLite(&LxEpollLock);
    KeLeaveCriticalRegion();
}

BOOLEAN
LxFileIsEpoll(
    _In_ PLX_FILE File)
{
    return File->Ops == &LxEpollOperations;
}

/* Puts Item on its epoll's ready list (any IRQL up to DISPATCH_LEVEL) and wakes the epoll */
static
VOID
LxEpollMarkReady(
    _In_ PLX_EPOLL_ITEM Item)
{
    PLX_EPOLL Epoll = Item->Epoll;
    KIRQL Irql;

    KeAcquireSpinLock(&Epoll->ReadyLock, &Irql);
    if (!Item->OnReady)
    {
        InsertTailList(&Epoll->Ready, &Item->ReadyLink);
        Item->OnReady = TRUE;
    }
    KeReleaseSpinLock(&Epoll->ReadyLock, Irql);
    LxWakeWaitQueue(&Epoll->Wait, LX_POLLIN | LX_POLLRDNORM);
}

static
VOID
NTAPI
LxEpollItemWake(
    _In_ PLX_WAIT_ENTRY Entry,
    _In_ ULONG Events)
{
    PLX_EPOLL_ITEM Item = Entry->Context;

    /* a wake that names its events and none the item waits for changes nothing */
    if (Events != 0 && !(Events & (Item->Events | LX_POLLERR | LX_POLLHUP) & ~LX_EPOLL_FLAGS))
        return;
    LxEpollMarkReady(Item);
}

static
VOID
LxEpollItemQueue(
    _Inout_ PLX_POLL_TABLE Table,
    _Inout_ PLX_WAIT_QUEUE Queue)
{
    PLX_EPOLL_ITEM Item = CONTAINING_RECORD(Table, LX_EPOLL_ITEM, Table);
    PLX_WAIT_ENTRY Entry;

    if (Item->WaitCount == LX_EPOLL_WAITS)
    {
        Table->Recheck = TRUE;
        return;
    }
    Entry = &Item->Waits[Item->WaitCount++];
    LxInitializeWaitEntry(Entry, LxEpollItemWake, Item);
    LxAddWaitEntry(Queue, Entry);
}

/* Takes Item out of everything and frees it (LxEpollLock held) */
static
VOID
LxEpollRemoveItem(
    _In_ PLX_EPOLL_ITEM Item)
{
    PLX_EPOLL Epoll = Item->Epoll;
    KIRQL Irql;
    ULONG i;

    RemoveEntryList(&Item->EpollLink);
    RemoveEntryList(&Item->FileLink);
    for (i = 0; i < Item->WaitCount; i++)
        LxRemoveWaitEntry(&Item->Waits[i]);     /* no wake reaches the item after this */
    KeAcquireSpinLock(&Epoll->ReadyLock, &Irql);
    if (Item->OnReady)
        RemoveEntryList(&Item->ReadyLink);
    KeReleaseSpinLock(&Epoll->ReadyLock, Irql);
    if (Item->Recheck)
        Epoll->RecheckCount--;
    ExFreePoolWithTag(Item, LX_TAG_FILE);
}

/* The last reference to File is gone: the items watching it go too */
VOID
LxEpollForgetFile(
    _In_ PLX_FILE File)
{
    LxEpollLockExclusive();
    while (!IsListEmpty(&File->EpollItems))
        LxEpollRemoveItem(CONTAINING_RECORD(File->EpollItems.Flink, LX_EPOLL_ITEM, FileLink));
    LxEpollUnlock();
}

/* The item's ready events now: its file's, filtered by its interest (0 when disabled) */
static
ULONG
LxEpollItemEvents(
    _In_ PLX_EPOLL_ITEM Item)
{
    ULONG Interest = Item->Events & ~LX_EPOLL_FLAGS;

    if (Interest == 0)
        return 0;
    return LxFilePoll(Item->File, NULL) & (Interest | LX_POLLERR | LX_POLLHUP);
}

/*
 * One pass (LxEpollLock held): asks the items on the ready list, and those that cannot wake,
 * and fills Out with at most Max events
 */
static
LONG
LxEpollPass(
    _In_ PLX_EPOLL Epoll,
    _Out_writes_(Max) struct _LX_EPOLL_EVENT *Out,
    _In_ LONG Max)
{
    LIST_ENTRY Pass, *Entry;
    PLX_EPOLL_ITEM Item;
    LONG Count = 0;
    KIRQL Irql;

    InitializeListHead(&Pass);
    KeAcquireSpinLock(&Epoll->ReadyLock, &Irql);
    while (!IsListEmpty(&Epoll->Ready))
    {
        Item = CONTAINING_RECORD(RemoveHeadList(&Epoll->Ready), LX_EPOLL_ITEM, ReadyLink);
        Item->OnReady = FALSE;
        Item->InPass = TRUE;
        InsertTailList(&Pass, &Item->PassLink);
    }
    KeReleaseSpinLock(&Epoll->ReadyLock, Irql);
    if (Epoll->RecheckCount != 0)
    {
        for (Entry = Epoll->Items.Flink; Entry != &Epoll->Items; Entry = Entry->Flink)
        {
            Item = CONTAINING_RECORD(Entry, LX_EPOLL_ITEM, EpollLink);
            if (Item->Recheck && !Item->InPass)
            {
                Item->InPass = TRUE;
                InsertTailList(&Pass, &Item->PassLink);
            }
        }
    }

    while (!IsListEmpty(&Pass))
    {
        ULONG Events;

        Item = CONTAINING_RECORD(RemoveHeadList(&Pass), LX_EPOLL_ITEM, PassLink);
        Item->InPass = FALSE;
        if (Count == Max)
        {
            LxEpollMarkReady(Item);     /* not asked: the next call does */
            continue;
        }
        Events = LxEpollItemEvents(Item);
        if (Events == 0)
            continue;
        Out[Count].Events = Events;
        Out[Count].Data = Item->Data;
        Count++;
        if (Item->Events & LX_EPOLLONESHOT)
            Item->Events &= LX_EPOLL_FLAGS;
        else if (!(Item->Events & LX_EPOLLET))
            LxEpollMarkReady(Item);     /* level-triggered: still ready until asked otherwise */
    }
    return Count;
}

/*
 * epoll_wait: up to Max events into the user array Events. Timeout NULL waits for ever,
 * else a relative NT interval (0: no wait). The count, -EINTR when a signal came first, or
 * -EFAULT.
 */
LONG
LxEpollWait(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Events,
    _In_ LONG Max,
    _In_opt_ PLONGLONG Timeout)
{
    PLX_EPOLL Epoll = File->Private;
    struct _LX_EPOLL_EVENT *Out;
    ULONGLONG Deadline = 0;
    LONG Count, Result;

    Max = min(Max, LX_EPOLL_BATCH);
    Result = LxZeroUser(Events, (SIZE_T)Max * sizeof(struct _LX_EPOLL_EVENT));
    if (Result < 0)
        return Result;
    Out = ExAllocatePoolWithTag(PagedPool, (SIZE_T)Max * sizeof(struct _LX_EPOLL_EVENT), LX_TAG_TEMP);
    if (Out == NULL)
        return -LX_ENOMEM;
    if (Timeout != NULL && *Timeout < 0)
        Deadline = LxMonotonicTime() + (ULONGLONG)(-*Timeout);

    for (;;)
    {
        LARGE_INTEGER Wait, *WaitPointer = NULL;
        LX_WAITER Waiter;
        PVOID Object = &Waiter.Event;
        NTSTATUS Status;

        /* on the queue before asking, so that a wake in between is not lost */
        LxPrepareWait(&Waiter, &Epoll->Wait);
        LxEpollLockExclusive();
        Count = LxEpollPass(Epoll, Out, Max);
        LxEpollUnlock();
        if (Count != 0 || (Timeout != NULL && *Timeout >= 0))
        {
            LxFinishWait(&Waiter);
            break;
        }
        if (Timeout != NULL)
        {
            if (!LxTimeLeft(Deadline, &Wait))
            {
                LxFinishWait(&Waiter);
                break;
            }
            WaitPointer = &Wait;
        }
        if (Epoll->RecheckCount != 0 &&
            (WaitPointer == NULL || -Wait.QuadPart > LX_EPOLL_RECHECK_MS * 10000LL))
        {
            Wait.QuadPart = -LX_EPOLL_RECHECK_MS * 10000LL;
            WaitPointer = &Wait;
        }
        Status = LxWaitInterruptible(1, &Object, WaitPointer);
        LxFinishWait(&Waiter);
        if (Status == STATUS_ALERTED)
        {
            Count = -LX_EINTR;
            break;
        }
    }

    if (Count > 0)
    {
        Result = LxCopyToUser(Events, Out, (SIZE_T)Count * sizeof(struct _LX_EPOLL_EVENT));
        if (Result < 0)
            Count = Result;
    }
    ExFreePoolWithTag(Out, LX_TAG_TEMP);
    return Count;
}

static
PLX_EPOLL_ITEM
LxEpollFindItem(
    _In_ PLX_EPOLL Epoll,
    _In_ PLX_FILE Target,
    _In_ LONG Fd)
{
    PLIST_ENTRY Entry;

    for (Entry = Epoll->Items.Flink; Entry != &Epoll->Items; Entry = Entry->Flink)
    {
        PLX_EPOLL_ITEM Item = CONTAINING_RECORD(Entry, LX_EPOLL_ITEM, EpollLink);
        if (Item->File == Target && Item->Fd == Fd)
            return Item;
    }
    return NULL;
}

/* Whether Goal can be reached from the epoll File through watched epolls, or they nest too
 * deep (Linux: ELOOP for both) */
static
BOOLEAN
LxEpollReaches(
    _In_ PLX_FILE File,
    _In_ PLX_FILE Goal,
    _In_ ULONG Depth)
{
    PLX_EPOLL Epoll = File->Private;
    PLIST_ENTRY Entry;

    if (File == Goal || Depth > LX_EPOLL_MAX_NESTING)
        return TRUE;
    for (Entry = Epoll->Items.Flink; Entry != &Epoll->Items; Entry = Entry->Flink)
    {
        PLX_EPOLL_ITEM Item = CONTAINING_RECORD(Entry, LX_EPOLL_ITEM, EpollLink);
        if (LxFileIsEpoll(Item->File) && LxEpollReaches(Item->File, Goal, Depth + 1))
            return TRUE;
    }
    return FALSE;
}

static
LONG
LxEpollAdd(
    _In_ PLX_FILE File,
    _In_ PLX_FILE Target,
    _In_ LONG Fd,
    _In_ const struct _LX_EPOLL_EVENT *Event)
{
    PLX_EPOLL Epoll = File->Private;
    PLX_EPOLL_ITEM Item;

    if (LxEpollFindItem(Epoll, Target, Fd) != NULL)
        return -LX_EEXIST;
    if (LxFileIsEpoll(Target) && LxEpollReaches(Target, File, 1))
        return -LX_ELOOP;
    Item = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Item), LX_TAG_FILE);
    if (Item == NULL)
        return -LX_ENOMEM;
    RtlZeroMemory(Item, sizeof(*Item));
    Item->Epoll = Epoll;
    Item->File = Target;
    Item->Fd = Fd;
    Item->Events = Event->Events;
    Item->Data = Event->Data;
    Item->Table.Queue = LxEpollItemQueue;
    InsertTailList(&Epoll->Items, &Item->EpollLink);
    InsertTailList(&Target->EpollItems, &Item->FileLink);
    Target->Flags |= LX_FILE_EPOLLED;

    /* the registration: the file's queues get the item's wait entries */
    if (LxFilePoll(Target, &Item->Table) & (Item->Events | LX_POLLERR | LX_POLLHUP) &
        ~LX_EPOLL_FLAGS)
    {
        LxEpollMarkReady(Item);
    }
    if (Item->Table.Recheck)
    {
        Item->Recheck = TRUE;
        Epoll->RecheckCount++;
        LxWakeWaitQueue(&Epoll->Wait, LX_POLLIN | LX_POLLRDNORM);
    }
    return 0;
}

/*
 * epoll_ctl on the epoll File: Op 1 add, 2 delete, 3 modify Target (descriptor Fd) with
 * Event (unused for delete)
 */
LONG
LxEpollCtl(
    _In_ PLX_FILE File,
    _In_ LONG Op,
    _In_ LONG Fd,
    _In_ PLX_FILE Target,
    _In_ const struct _LX_EPOLL_EVENT *Event)
{
    PLX_EPOLL Epoll = File->Private;
    PLX_EPOLL_ITEM Item;
    ULONG Allowed = LX_EPOLLEXCLUSIVE | LX_POLLIN | LX_POLLOUT | LX_EPOLLWAKEUP | LX_EPOLLET;
    LONG Result = 0;

    if (Target == File)
        return -LX_EINVAL;
    /* regular files and directories are always ready: Linux refuses them */
    if ((Target->Mode & LX_S_IFMT) == LX_S_IFREG || (Target->Mode & LX_S_IFMT) == LX_S_IFDIR ||
        Target->Ops->Poll == NULL)
    {
        return -LX_EPERM;
    }
    if (Op != LX_EPOLL_CTL_DEL && (Event->Events & LX_EPOLLEXCLUSIVE) &&
        (Op == LX_EPOLL_CTL_MOD || (Event->Events & ~Allowed) || LxFileIsEpoll(Target)))
    {
        return -LX_EINVAL;
    }

    LxEpollLockExclusive();
    Item = LxEpollFindItem(Epoll, Target, Fd);
    switch (Op)
    {
        case LX_EPOLL_CTL_ADD:
            Result = LxEpollAdd(File, Target, Fd, Event);
            break;

        case LX_EPOLL_CTL_DEL:
            if (Item == NULL)
                Result = -LX_ENOENT;
            else
                LxEpollRemoveItem(Item);
            break;

        case LX_EPOLL_CTL_MOD:
            if (Item == NULL)
            {
                Result = -LX_ENOENT;
                break;
            }
            if (Item->Events & LX_EPOLLEXCLUSIVE)
            {
                Result = -LX_EINVAL;
                break;
            }
            Item->Events = Event->Events;
            Item->Data = Event->Data;
            if (LxEpollItemEvents(Item) != 0)
                LxEpollMarkReady(Item);
            break;

        default:
            Result = -LX_EINVAL;
            break;
    }
    LxEpollUnlock();
    return Result;
}

/* An epoll is readable when one of its items has events */
static
ULONG
LxEpollPoll(
    _In_ PLX_FILE File,
    _In_opt_ PLX_POLL_TABLE Table)
{
    PLX_EPOLL Epoll = File->Private;
    PLIST_ENTRY Entry;
    ULONG Ready = 0;

    if (Table != NULL)
    {
        LxPollWait(Table, &Epoll->Wait);
        if (Epoll->RecheckCount != 0)
            LxPollRecheck(Table);
    }
    KeEnterCriticalRegion();
    ExAcquireResourceSharedLite(&LxEpollLock, TRUE);
    for (Entry = Epoll->Items.Flink; Entry != &Epoll->Items && Ready == 0; Entry = Entry->Flink)
    {
        PLX_EPOLL_ITEM Item = CONTAINING_RECORD(Entry, LX_EPOLL_ITEM, EpollLink);
        if ((Item->OnReady || Item->Recheck) && LxEpollItemEvents(Item) != 0)
            Ready = LX_POLLIN | LX_POLLRDNORM;
    }
    LxEpollUnlock();
    return Ready;
}

static
VOID
LxEpollRelease(
    _In_ PLX_FILE File)
{
    PLX_EPOLL Epoll = File->Private;

    LxEpollLockExclusive();
    while (!IsListEmpty(&Epoll->Items))
        LxEpollRemoveItem(CONTAINING_RECORD(Epoll->Items.Flink, LX_EPOLL_ITEM, EpollLink));
    LxEpollUnlock();
}

static const LX_FILE_OPERATIONS LxEpollOperations =
{
    .Kind = "eventpoll",
    .Seek = LxNoSeek,
    .Poll = LxEpollPoll,
    .Stat = LxAnonInodeStat,
    .Statfs = LxAnonInodeStatfs,
    .Release = LxEpollRelease,
};

/* A new epoll description (O_CLOEXEC is the descriptor's, not ours) */
LONG
LxCreateEpoll(
    _Out_ PLX_FILE *File)
{
    PLX_EPOLL Epoll;

    *File = LxAllocateFile(&LxEpollOperations, LX_O_RDWR, 0, sizeof(LX_EPOLL));
    if (*File == NULL)
        return LxNoFile();
    Epoll = (*File)->Private;
    InitializeListHead(&Epoll->Items);
    KeInitializeSpinLock(&Epoll->ReadyLock);
    InitializeListHead(&Epoll->Ready);
    LxInitializeWaitQueue(&Epoll->Wait);
    return 0;
}
