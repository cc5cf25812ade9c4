/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Poll tables and the poll engine under poll, ppoll, select and pselect6
 *
 * The first pass asks every file's Poll operation for its ready events with a table: the
 * kind registers each wait queue of its own in it (LxPollWait), which here adds a wait entry
 * whose wake sets the poller's one event. Then, while nothing asked for is ready, the poller waits
 * on that single event (and its signal event), so there is no limit on the number of files.
 * Later passes ask again without a table. A kind whose state changes without a wake (NT
 * pipes from the launcher) calls LxPollRecheck instead: the poller then also wakes every
 * LX_POLL_RECHECK_MS to ask again.
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

#define LX_POLL_RECHECK_MS  20
#define LX_POLL_ALWAYS      (LX_POLLERR | LX_POLLHUP | LX_POLLNVAL)

/* Called by a kind's Poll operation: the table's owner waits on Queue too */
VOID
LxPollWait(
    _Inout_ PLX_POLL_TABLE Table,
    _Inout_ PLX_WAIT_QUEUE Queue)
{
    Table->Queue(Table, Queue);
}

/* Called by a kind's Poll operation when its state changes without a wake */
VOID
LxPollRecheck(
    _Inout_ PLX_POLL_TABLE Table)
{
    Table->Recheck = TRUE;
}

/* The poll engine's table: every registration wakes one event */
typedef struct _LX_POLLER
{
    LX_POLL_TABLE Table;
    KEVENT Event;               /* set by a wake of any queue in the table */
    LIST_ENTRY Entries;         /* LX_POLL_ENTRY */
} LX_POLLER, *PLX_POLLER;

typedef struct _LX_POLL_ENTRY
{
    LX_WAIT_ENTRY Wait;
    LIST_ENTRY TableLink;
} LX_POLL_ENTRY, *PLX_POLL_ENTRY;

static
VOID
NTAPI
LxPollerWake(
    _In_ PLX_WAIT_ENTRY Entry,
    _In_ ULONG Events)
{
    PLX_POLLER Poller = Entry->Context;

    UNREFERENCED_PARAMETER(Events);
    KeSetEvent(&Poller->Event, IO_NO_INCREMENT, FALSE);
}

static
VOID
LxPollerQueue(
    _Inout_ PLX_POLL_TABLE Table,
    _Inout_ PLX_WAIT_QUEUE Queue)
{
    PLX_POLLER Poller = CONTAINING_RECORD(Table, LX_POLLER, Table);
    PLX_POLL_ENTRY Entry = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Entry), LX_TAG_TEMP);

    if (Entry == NULL)
    {
        Table->Recheck = TRUE;  /* no memory for the entry: fall back to asking again */
        return;
    }
    LxInitializeWaitEntry(&Entry->Wait, LxPollerWake, Poller);
    InsertTailList(&Poller->Entries, &Entry->TableLink);
    LxAddWaitEntry(Queue, &Entry->Wait);
}

static
VOID
LxFreePoller(
    _Inout_ PLX_POLLER Poller)
{
    while (!IsListEmpty(&Poller->Entries))
    {
        PLX_POLL_ENTRY Entry = CONTAINING_RECORD(RemoveHeadList(&Poller->Entries), LX_POLL_ENTRY,
                                                 TableLink);
        LxRemoveWaitEntry(&Entry->Wait);
        ExFreePoolWithTag(Entry, LX_TAG_TEMP);
    }
}

/* Asks every file once; returns how many entries have events */
static
LONG
LxPollPass(
    _Inout_updates_(Count) PLX_POLL_ITEM Items,
    _In_reads_(Count) PLX_FILE *Files,
    _In_ ULONG Count,
    _In_opt_ PLX_POLL_TABLE Table)
{
    LONG Ready = 0;
    ULONG i;

    for (i = 0; i < Count; i++)
    {
        ULONG Revents;

        if (Items[i].Fd < 0)
        {
            Items[i].Revents = 0;
            continue;
        }
        Revents = Files[i] == NULL ? LX_POLLNVAL : LxFilePoll(Files[i], Table);
        Items[i].Revents = (SHORT)(Revents & ((USHORT)Items[i].Events | LX_POLL_ALWAYS));
        if (Items[i].Revents != 0)
        {
            /* the call will not wait: the files after this one need not be registered (as
             * Linux's do_poll) */
            Table = NULL;
            Ready++;
        }
    }
    return Ready;
}

/*
 * poll(2) over Items: Timeout NULL waits for ever, else a relative NT interval (<= 0: no
 * wait). Returns the number of entries with events, -EINTR when a signal came first (the
 * caller enters the handler), or -ENOMEM.
 */
LONG
LxPollFiles(
    _In_ PLX_PROCESS Process,
    _Inout_updates_(Count) PLX_POLL_ITEM Items,
    _In_ ULONG Count,
    _In_opt_ PLONGLONG Timeout)
{
    LX_POLLER Poller;
    PLX_FILE *Files;
    ULONGLONG Deadline = 0;
    LONG Ready;
    ULONG i;

    Files = ExAllocatePoolWithTag(PagedPool, max(Count, 1) * sizeof(PLX_FILE), LX_TAG_TEMP);
    if (Files == NULL)
        return -LX_ENOMEM;
    /* the descriptions polled stay referenced for the whole call, with their wait queues */
    for (i = 0; i < Count; i++)
        Files[i] = Items[i].Fd < 0 ? NULL : LxGetFile(Process, (ULONG)Items[i].Fd);
    Poller.Table.Queue = LxPollerQueue;
    Poller.Table.Recheck = FALSE;
    KeInitializeEvent(&Poller.Event, NotificationEvent, FALSE);
    InitializeListHead(&Poller.Entries);
    if (Timeout != NULL && *Timeout < 0)
        Deadline = LxMonotonicTime() + (ULONGLONG)(-*Timeout);

    /* a call that does not wait (timeout 0) registers nothing */
    Ready = LxPollPass(Items, Files, Count,
                       (Timeout != NULL && *Timeout >= 0) ? NULL : &Poller.Table);
    while (Ready == 0 && (Timeout == NULL || *Timeout < 0))
    {
        LARGE_INTEGER Wait, *WaitPointer = NULL;
        PVOID Object = &Poller.Event;
        NTSTATUS Status;

        if (Timeout != NULL)
        {
            if (!LxTimeLeft(Deadline, &Wait))
                break;
            WaitPointer = &Wait;
        }
        if (Poller.Table.Recheck && (WaitPointer == NULL || -Wait.QuadPart > LX_POLL_RECHECK_MS * 10000LL))
        {
            Wait.QuadPart = -LX_POLL_RECHECK_MS * 10000LL;
            WaitPointer = &Wait;
        }
        Status = LxWaitInterruptible(1, &Object, WaitPointer);
        if (Status == STATUS_ALERTED)
        {
            Ready = -LX_EINTR;
            break;
        }
        KeClearEvent(&Poller.Event);
        Ready = LxPollPass(Items, Files, Count, NULL);
    }

    LxFreePoller(&Poller);
    for (i = 0; i < Count; i++)
    {
        if (Files[i] != NULL)
            LxDereferenceFile(Files[i]);
    }
    ExFreePoolWithTag(Files, LX_TAG_TEMP);
    return Ready;
}
