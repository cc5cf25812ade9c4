/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Wait queues: how an object (a pipe, later an event fd or a socket) tells
 *              everyone waiting for it that its state changed
 *
 * A queue is a list of entries under a spin lock. Whoever waits (a blocking read, poll,
 * later epoll) puts an entry on it with a wake routine: LxWakeWaitQueue calls every
 * entry's routine with the events that happened, at DISPATCH_LEVEL. The common routine sets
 * an event (LX_WAITER); poll's sets the poller's event; epoll's will move its item to the
 * ready list. The object never knows who waits, so new waiters need no change to it.
 */

#include "lxnt.h"

#define NDEBUG
#include <debug.h>

VOID
LxInitializeWaitQueue(
    _Out_ PLX_WAIT_QUEUE Queue)
{
    KeInitializeSpinLock(&Queue->Lock);
    InitializeListHead(&Queue->Entries);
}

VOID
LxInitializeWaitEntry(
    _Out_ PLX_WAIT_ENTRY Entry,
    _In_ PLX_WAKE_ROUTINE Wake,
    _In_opt_ PVOID Context)
{
    Entry->Queue = NULL;
    Entry->Wake = Wake;
    Entry->Context = Context;
}

VOID
LxAddWaitEntry(
    _Inout_ PLX_WAIT_QUEUE Queue,
    _Inout_ PLX_WAIT_ENTRY Entry)
{
    KIRQL OldIrql;

    ASSERT(Entry->Queue == NULL);
    KeAcquireSpinLock(&Queue->Lock, &OldIrql);
    InsertTailList(&Queue->Entries, &Entry->Link);
    Entry->Queue = Queue;
    KeReleaseSpinLock(&Queue->Lock, OldIrql);
}

VOID
LxRemoveWaitEntry(
    _Inout_ PLX_WAIT_ENTRY Entry)
{
    PLX_WAIT_QUEUE Queue = Entry->Queue;
    KIRQL OldIrql;

    if (Queue == NULL)
        return;
    KeAcquireSpinLock(&Queue->Lock, &OldIrql);
    if (Entry->Queue == Queue)      /* not detached meanwhile (LxDetachWaitQueue) */
    {
        RemoveEntryList(&Entry->Link);
        Entry->Queue = NULL;
    }
    KeReleaseSpinLock(&Queue->Lock, OldIrql);
}

/* The queue's owner goes: every entry still on it is taken off (it is never woken again,
 * and removing it later does nothing) */
VOID
LxDetachWaitQueue(
    _Inout_ PLX_WAIT_QUEUE Queue)
{
    KIRQL OldIrql;

    KeAcquireSpinLock(&Queue->Lock, &OldIrql);
    while (!IsListEmpty(&Queue->Entries))
    {
        PLX_WAIT_ENTRY Entry = CONTAINING_RECORD(RemoveHeadList(&Queue->Entries), LX_WAIT_ENTRY,
                                                 Link);
        Entry->Queue = NULL;
    }
    KeReleaseSpinLock(&Queue->Lock, OldIrql);
}

/* Calls every entry's wake routine with Events (LX_POLL* bits; 0: "something changed"). */
VOID
LxWakeWaitQueue(
    _Inout_ PLX_WAIT_QUEUE Queue,
    _In_ ULONG Events)
{
    PLIST_ENTRY Link;
    KIRQL OldIrql;

    KeAcquireSpinLock(&Queue->Lock, &OldIrql);
    for (Link = Queue->Entries.Flink; Link != &Queue->Entries; Link = Link->Flink)
    {
        PLX_WAIT_ENTRY Entry = CONTAINING_RECORD(Link, LX_WAIT_ENTRY, Link);
        Entry->Wake(Entry, Events);
    }
    KeReleaseSpinLock(&Queue->Lock, OldIrql);
}

/* ---------------------------------------------------------------------------------------- */
/* LX_WAITER: one thread blocking until a queue is woken                                   */

static
VOID
NTAPI
LxWakeWaiter(
    _In_ PLX_WAIT_ENTRY Entry,
    _In_ ULONG Events)
{
    PLX_WAITER Waiter = CONTAINING_RECORD(Entry, LX_WAITER, Entry);

    UNREFERENCED_PARAMETER(Events);
    KeSetEvent(&Waiter->Event, IO_NO_INCREMENT, FALSE);
}

/*
 * Puts the waiter on Queue. Call it with the object's own lock held, after finding that the
 * caller must wait and before dropping the lock: a wake between the unlock and the wait then
 * still sets the waiter's event. Then LxWaitForWake, then LxFinishWait.
 */
VOID
LxPrepareWait(
    _Out_ PLX_WAITER Waiter,
    _Inout_ PLX_WAIT_QUEUE Queue)
{
    KeInitializeEvent(&Waiter->Event, NotificationEvent, FALSE);
    LxInitializeWaitEntry(&Waiter->Entry, LxWakeWaiter, NULL);
    LxAddWaitEntry(Queue, &Waiter->Entry);
}

VOID
LxFinishWait(
    _Inout_ PLX_WAITER Waiter)
{
    LxRemoveWaitEntry(&Waiter->Entry);
}
