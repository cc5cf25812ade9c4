/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System V IPC: the object tables, message queues, semaphore sets, and the ipc(2)
 *              multiplexer that i386 C libraries call them (and shm.c's segments) through
 *
 * Queues are shared by every Linux process, found by key (IPC_PRIVATE: always a new one) and
 * named by an id = sequence * 32768 + slot, as Linux's. A message is a long type (> 0) and up
 * to MSGMAX bytes; a queue holds at most msg_qbytes bytes. msgsnd blocks while the queue is
 * full, msgrcv until a message of the asked type arrives (IPC_NOWAIT: EAGAIN / ENOMSG), both
 * interruptibly; IPC_RMID wakes them with EIDRM. Semaphore sets: semop applies all of its
 * operations at once or waits (semtimedop: with a timeout, then EAGAIN) until it can; SEM_UNDO
 * adjustments are applied when the process ends. The ctl calls speak the IPC_64 layouts the C
 * libraries use (msqid64_ds, semid64_ds). Shared memory segments are in shm.c, on the same
 * object tables (ipc.h). Partial: no permission checks beyond the owner's for IPC_SET/IPC_RMID,
 * no MSG_COPY, no IPC_INFO/MSG_INFO/SEM_INFO/..._STAT.
 */

#include "lxkernel.h"
#include "ipc.h"

#define NDEBUG
#include <debug.h>

#define LX_MSG_NOERROR      010000
#define LX_MSG_EXCEPT       020000
#define LX_MSGMAX           8192        /* bytes in a message */
#define LX_MSGMNB           16384       /* default bytes in a queue */


typedef struct _LX_MESSAGE
{
    LIST_ENTRY Link;
    LONG Type;
    ULONG Size;
    UCHAR Text[ANYSIZE_ARRAY];
} LX_MESSAGE, *PLX_MESSAGE;

typedef struct _LX_MSG_QUEUE
{
    LX_IPC_OBJECT Ipc;
    LIST_ENTRY Messages;        /* LX_MESSAGE, oldest first */
    ULONG Bytes, Count, QBytes;
    ULONG SendPid, ReceivePid;
    LONGLONG SendTime, ReceiveTime;
} LX_MSG_QUEUE, *PLX_MSG_QUEUE;

typedef struct _LX_SEMAPHORE
{
    USHORT Value;
    ULONG Pid;                  /* of the last semop */
} LX_SEMAPHORE;

typedef struct _LX_SEM_SET
{
    LX_IPC_OBJECT Ipc;
    LONGLONG OpTime;
    ULONG Count;
    LX_SEMAPHORE Sems[ANYSIZE_ARRAY];
} LX_SEM_SET, *PLX_SEM_SET;

/* SEM_UNDO: what a process's operations on a semaphore add up to, undone at its exit */
typedef struct _LX_SEM_ADJUST
{
    LIST_ENTRY Link;
    ULONG Pid;
    ULONG SetId;
    ULONG Index;
    LONG Adjust;
} LX_SEM_ADJUST, *PLX_SEM_ADJUST;

typedef struct _LX_IPC_WAITER
{
    LIST_ENTRY Link;
    KEVENT Event;
    ULONG Index;                /* semop: the semaphore it waits on */
    BOOLEAN ForZero;            /* semop: waiting for zero (else for an increase) */
} LX_IPC_WAITER, *PLX_IPC_WAITER;

FAST_MUTEX LxIpcLock;
static LX_IPC_TABLE LxQueues, LxSemSets;
static LIST_ENTRY LxSemUndos;   /* LX_SEM_ADJUST */

/* struct msqid64_ds (88 bytes) and semid64_ds (64) on i386 */
#include <pshpack4.h>
typedef struct _LX_MSQID64
{
    LX_IPC64_PERM Perm;
    ULONG STime, STimeHigh, RTime, RTimeHigh, CTime, CTimeHigh;
    ULONG CBytes, QNum, QBytes;
    LONG LsPid, LrPid;
    ULONG Unused4, Unused5;
} LX_MSQID64;
typedef struct _LX_SEMID64
{
    LX_IPC64_PERM Perm;
    ULONG OTime, OTimeHigh, CTime, CTimeHigh;
    ULONG NSems;
    ULONG Unused3, Unused4;
} LX_SEMID64;
struct _LX_SEMBUF     /* struct sembuf (the struct _LX_SEMBUF of the handler prototypes) */
{
    USHORT Num;
    SHORT Op;
    SHORT Flags;
};
#include <poppack.h>
C_ASSERT(sizeof(LX_MSQID64) == 88);
C_ASSERT(sizeof(LX_SEMID64) == 64);
C_ASSERT(sizeof(struct _LX_SEMBUF) == 6);

VOID
LxInitializeIpc(VOID)
{
    ExInitializeFastMutex(&LxIpcLock);
    InitializeListHead(&LxSemUndos);
}

LONGLONG
LxIpcNow(VOID)
{
    LARGE_INTEGER Now;
    lx_timespec64 Ts;

    KeQuerySystemTime(&Now);
    lx_nt_time_to_timespec(Now.QuadPart, &Ts);
    return Ts.sec;
}

static
VOID
LxIpcWake(
    _In_ PLX_IPC_OBJECT Object)
{
    PLIST_ENTRY Entry;

    for (Entry = Object->Waiters.Flink; Entry != &Object->Waiters; Entry = Entry->Flink)
        KeSetEvent(&CONTAINING_RECORD(Entry, LX_IPC_WAITER, Link)->Event, IO_NO_INCREMENT, FALSE);
}

/* Drops a reference (under the lock); the last one frees the object (its Free first). */
VOID
LxIpcRelease(
    _In_ PLX_IPC_OBJECT Object)
{
    if (--Object->RefCount != 0)
        return;
    if (Object->Free != NULL)
        Object->Free(Object);
    ExFreePoolWithTag(Object, LX_TAG_IPC);
}

/* The object of an id (under the lock), or NULL: -EINVAL, as Linux for an unknown id. */
PLX_IPC_OBJECT
LxIpcOf(
    _In_ PLX_IPC_TABLE Table,
    _In_ LONG Id)
{
    PLX_IPC_OBJECT Object;

    if (Id < 0 || Id % LX_IPCMNI >= LX_IPC_SLOTS)
        return NULL;
    Object = Table->Slots[Id % LX_IPCMNI];
    return (Object != NULL && Object->Id == (ULONG)Id) ? Object : NULL;
}

/* Takes LxIpcLock and returns the object of Id; NULL (the lock not held) for an unknown id. */
PLX_IPC_OBJECT
LxIpcLockObject(
    _In_ PLX_IPC_TABLE Table,
    _In_ LONG Id)
{
    PLX_IPC_OBJECT Object;

    ExAcquireFastMutex(&LxIpcLock);
    Object = LxIpcOf(Table, Id);
    if (Object == NULL)
        ExReleaseFastMutex(&LxIpcLock);
    return Object;
}

/* msgget/semget/shmget: the id of Key's object (Check may refuse it), or a new one of Size
 * bytes that Create fills after the header (or refuses), as Flags say. Both run under the
 * lock. */
LONG
LxIpcGet(
    _In_ PLX_IPC_TABLE Table,
    _In_ LONG Key,
    _In_ LONG Flags,
    _In_ SIZE_T Size,
    _In_opt_ LONG (*Check)(PLX_IPC_OBJECT Existing, PVOID Context),
    _In_ LONG (*Create)(PLX_IPC_OBJECT New, PVOID Context),
    _In_ PVOID Context)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_IPC_OBJECT Object;
    ULONG Slot;
    LONG Result;

    ExAcquireFastMutex(&LxIpcLock);
    if (Key != LX_IPC_PRIVATE)
    {
        for (Slot = 0; Slot < LX_IPC_SLOTS; Slot++)
        {
            Object = Table->Slots[Slot];
            if (Object != NULL && Object->Key == Key)
            {
                if ((Flags & LX_IPC_CREAT) && (Flags & LX_IPC_EXCL))
                    Result = -LX_EEXIST;
                else
                    Result = Check != NULL ? Check(Object, Context) : 0;
                ExReleaseFastMutex(&LxIpcLock);
                return Result < 0 ? Result : (LONG)Object->Id;
            }
        }
        if (!(Flags & LX_IPC_CREAT))
        {
            ExReleaseFastMutex(&LxIpcLock);
            return -LX_ENOENT;
        }
    }
    for (Slot = 0; Slot < LX_IPC_SLOTS && Table->Slots[Slot] != NULL; Slot++)
        ;
    if (Slot == LX_IPC_SLOTS)
    {
        ExReleaseFastMutex(&LxIpcLock);
        return -LX_ENOSPC;
    }
    Object = ExAllocatePoolWithTag(NonPagedPool, Size, LX_TAG_IPC);
    if (Object == NULL)
    {
        ExReleaseFastMutex(&LxIpcLock);
        return -LX_ENOMEM;
    }
    RtlZeroMemory(Object, Size);
    Object->Key = Key;
    Object->Id = (ULONG)(Table->Seq[Slot]++ % (MAXLONG / LX_IPCMNI)) * LX_IPCMNI + Slot;
    Object->Uid = Object->Cuid = Process->Cred.User.effective;
    Object->Gid = Object->Cgid = Process->Cred.Group.effective;
    Object->Mode = (ULONG)Flags & 0777;
    Object->ChangeTime = LxIpcNow();
    Object->RefCount = 1;
    InitializeListHead(&Object->Waiters);
    Result = Create(Object, Context);
    if (Result < 0)
    {
        ExFreePoolWithTag(Object, LX_TAG_IPC);
        ExReleaseFastMutex(&LxIpcLock);
        return Result;
    }
    Table->Slots[Slot] = Object;
    Result = (LONG)Object->Id;
    ExReleaseFastMutex(&LxIpcLock);
    return Result;
}

/* Waits (interruptibly, the lock released meanwhile) for a change of Object. Returns 0, or
 * -EIDRM (removed meanwhile) or -EINTR's way (STATUS_ALERTED: *Alerted). */
static
LONG
LxIpcWait(
    _In_ PLX_IPC_OBJECT Object,
    _Inout_ PLX_IPC_WAITER Waiter,
    _In_opt_ PLARGE_INTEGER Timeout,
    _Out_ PNTSTATUS Status)
{
    PVOID Event = &Waiter->Event;
    BOOLEAN Removed;

    KeInitializeEvent(&Waiter->Event, NotificationEvent, FALSE);
    InsertTailList(&Object->Waiters, &Waiter->Link);
    Object->RefCount++;
    ExReleaseFastMutex(&LxIpcLock);
    *Status = LxWaitInterruptible(1, &Event, Timeout);
    ExAcquireFastMutex(&LxIpcLock);
    RemoveEntryList(&Waiter->Link);
    Removed = Object->Removed;
    LxIpcRelease(Object);
    return Removed ? -LX_EIDRM : 0;
}

/* IPC_STAT's struct ipc64_perm */
VOID
LxIpcPerm(
    _In_ PLX_IPC_OBJECT Object,
    _Out_ LX_IPC64_PERM *Perm)
{
    Perm->Key = Object->Key;
    Perm->Uid = Object->Uid;
    Perm->Gid = Object->Gid;
    Perm->Cuid = Object->Cuid;
    Perm->Cgid = Object->Cgid;
    Perm->Mode = (USHORT)Object->Mode;
    Perm->Seq = (USHORT)(Object->Id / LX_IPCMNI);
}

/* IPC_SET and IPC_RMID are for the owner, the creator or root */
LONG
LxIpcMayControl(
    _In_ PLX_IPC_OBJECT Object)
{
    ULONG Uid = LxCurrentProcess()->Cred.User.effective;

    return (Uid == 0 || Uid == Object->Uid || Uid == Object->Cuid) ? 0 : -LX_EPERM;
}

/* IPC_SET (Set) and IPC_RMID (no Set) after LxIpcMayControl. IPC_RMID takes the object out of
 * the table; blocked callers see Removed and get EIDRM. */
VOID
LxIpcControl(
    _In_ PLX_IPC_TABLE Table,
    _In_ PLX_IPC_OBJECT Object,
    _In_opt_ const LX_IPC64_PERM *Set)
{
    if (Set != NULL)
    {
        Object->Uid = Set->Uid;
        Object->Gid = Set->Gid;
        Object->Mode = Set->Mode & 0777;
        Object->ChangeTime = LxIpcNow();
        LxIpcWake(Object);
        return;
    }
    Table->Slots[Object->Id % LX_IPCMNI] = NULL;
    Object->Removed = TRUE;
    LxIpcWake(Object);
    LxIpcRelease(Object);
}

/* ---- message queues ---- */

static
VOID
LxFreeQueue(
    _In_ PLX_IPC_OBJECT Object)
{
    PLX_MSG_QUEUE Queue = CONTAINING_RECORD(Object, LX_MSG_QUEUE, Ipc);

    while (!IsListEmpty(&Queue->Messages))
    {
        PLIST_ENTRY Entry = RemoveHeadList(&Queue->Messages);
        ExFreePoolWithTag(CONTAINING_RECORD(Entry, LX_MESSAGE, Link), LX_TAG_IPC);
    }
}

static
LONG
LxCreateQueue(
    _In_ PLX_IPC_OBJECT Object,
    _In_ PVOID Context)
{
    PLX_MSG_QUEUE Queue = CONTAINING_RECORD(Object, LX_MSG_QUEUE, Ipc);

    UNREFERENCED_PARAMETER(Context);
    Object->Free = LxFreeQueue;
    Queue->QBytes = LX_MSGMNB;
    InitializeListHead(&Queue->Messages);
    return 0;
}

LONG
LxMsgget(
    _In_ LONG Key,
    _In_ LONG Flags)
{
    return LxIpcGet(&LxQueues, Key, Flags, sizeof(LX_MSG_QUEUE), NULL, LxCreateQueue, NULL);
}

LONG
LxMsgsnd(
    _In_ LONG Id,
    _In_ ULONG_PTR MsgPtr,
    _In_ SIZE_T Size,
    _In_ LONG Flags)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_IPC_OBJECT Object;
    PLX_MSG_QUEUE Queue;
    PLX_MESSAGE Message;
    LX_IPC_WAITER Waiter;
    NTSTATUS Status;
    LONG Result;

    if (Size > LX_MSGMAX || Id < 0)
        return -LX_EINVAL;
    Message = ExAllocatePoolWithTag(PagedPool, FIELD_OFFSET(LX_MESSAGE, Text[Size]), LX_TAG_IPC);
    if (Message == NULL)
        return -LX_ENOMEM;
    Message->Size = (ULONG)Size;
    Result = LxCopyFromUser(&Message->Type, MsgPtr, sizeof(LONG));
    if (Result == 0)
        Result = LxCopyFromUser(Message->Text, MsgPtr + sizeof(LONG), Size);
    if (Result == 0 && Message->Type < 1)
        Result = -LX_EINVAL;
    if (Result < 0)
    {
        ExFreePoolWithTag(Message, LX_TAG_IPC);
        return Result;
    }

    ExAcquireFastMutex(&LxIpcLock);
    Object = LxIpcOf(&LxQueues, Id);
    Queue = Object != NULL ? CONTAINING_RECORD(Object, LX_MSG_QUEUE, Ipc) : NULL;
    Result = Queue == NULL ? -LX_EINVAL : 0;
    while (Result == 0)
    {
        if (Queue->Bytes + Size <= Queue->QBytes && Queue->Count < Queue->QBytes)
        {
            InsertTailList(&Queue->Messages, &Message->Link);
            Message = NULL;
            Queue->Bytes += (ULONG)Size;
            Queue->Count++;
            Queue->SendPid = Process->Pid;
            Queue->SendTime = LxIpcNow();
            LxIpcWake(&Queue->Ipc);
            break;
        }
        if (Flags & LX_IPC_NOWAIT)
        {
            Result = -LX_EAGAIN;
            break;
        }
        Result = LxIpcWait(&Queue->Ipc, &Waiter, NULL, &Status);
        if (Result == 0 && Status == STATUS_ALERTED)
            Result = LxInterruptedCall(TRUE);
    }
    ExReleaseFastMutex(&LxIpcLock);
    if (Message != NULL)
        ExFreePoolWithTag(Message, LX_TAG_IPC);
    return Result;
}

/* The message msgrcv takes: type 0 the first, > 0 the first of that type (MSG_EXCEPT: of
 * another type), < 0 the first of the lowest type not above -type. */
static
PLX_MESSAGE
LxPickMessage(
    _In_ PLX_MSG_QUEUE Queue,
    _In_ LONG Type,
    _In_ LONG Flags)
{
    PLX_MESSAGE Best = NULL;
    PLIST_ENTRY Entry;

    for (Entry = Queue->Messages.Flink; Entry != &Queue->Messages; Entry = Entry->Flink)
    {
        PLX_MESSAGE Message = CONTAINING_RECORD(Entry, LX_MESSAGE, Link);

        if (Type == 0)
            return Message;
        if (Type > 0 && ((Message->Type == Type) != ((Flags & LX_MSG_EXCEPT) != 0)))
            return Message;
        if (Type < 0 && Message->Type <= -Type && (Best == NULL || Message->Type < Best->Type))
            Best = Message;
    }
    return Best;
}

LONG
LxMsgrcv(
    _In_ LONG Id,
    _In_ ULONG_PTR MsgPtr,
    _In_ SIZE_T Size,
    _In_ LONG Type,
    _In_ LONG Flags)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_IPC_OBJECT Object;
    PLX_MSG_QUEUE Queue;
    PLX_MESSAGE Message = NULL;
    LX_IPC_WAITER Waiter;
    NTSTATUS Status;
    LONG Result;

    if ((LONG)Size < 0 || Id < 0)
        return -LX_EINVAL;
    ExAcquireFastMutex(&LxIpcLock);
    Object = LxIpcOf(&LxQueues, Id);
    Queue = Object != NULL ? CONTAINING_RECORD(Object, LX_MSG_QUEUE, Ipc) : NULL;
    Result = Queue == NULL ? -LX_EINVAL : 0;
    while (Result == 0)
    {
        Message = LxPickMessage(Queue, Type, Flags);
        if (Message != NULL)
        {
            if (Message->Size > Size && !(Flags & LX_MSG_NOERROR))
            {
                Message = NULL;
                Result = -LX_E2BIG;
                break;
            }
            RemoveEntryList(&Message->Link);
            Queue->Bytes -= Message->Size;
            Queue->Count--;
            Queue->ReceivePid = Process->Pid;
            Queue->ReceiveTime = LxIpcNow();
            LxIpcWake(&Queue->Ipc);
            break;
        }
        if (Flags & LX_IPC_NOWAIT)
        {
            Result = -LX_ENOMSG;
            break;
        }
        Result = LxIpcWait(&Queue->Ipc, &Waiter, NULL, &Status);
        if (Result == 0 && Status == STATUS_ALERTED)
            Result = LxInterruptedCall(TRUE);
    }
    ExReleaseFastMutex(&LxIpcLock);
    if (Message == NULL)
        return Result;

    /* copied out after the lock; a bad buffer loses the message, as on Linux */
    Size = min(Size, Message->Size);
    Result = LxCopyToUser(MsgPtr, &Message->Type, sizeof(LONG));
    if (Result == 0)
        Result = LxCopyToUser(MsgPtr + sizeof(LONG), Message->Text, Size);
    ExFreePoolWithTag(Message, LX_TAG_IPC);
    return Result < 0 ? Result : (LONG)Size;
}

LONG
LxMsgctl(
    _In_ LONG Id,
    _In_ LONG Cmd,
    _In_ ULONG_PTR Buf)
{
    PLX_IPC_OBJECT Object;
    PLX_MSG_QUEUE Queue;
    LX_MSQID64 Ds;
    LONG Result = 0;

    /* the C libraries pass IPC_64; the old layouts are not spoken */
    if (!(Cmd & LX_IPC_64) && Cmd != LX_IPC_RMID)
        return -LX_EINVAL;
    Cmd &= ~LX_IPC_64;
    if (Cmd != LX_IPC_STAT && Cmd != LX_IPC_SET && Cmd != LX_IPC_RMID)
        return -LX_EINVAL;
    if (Cmd == LX_IPC_SET)
    {
        Result = LxCopyFromUser(&Ds, Buf, sizeof(Ds));
        if (Result < 0)
            return Result;
    }
    Object = LxIpcLockObject(&LxQueues, Id);
    if (Object == NULL)
        return -LX_EINVAL;
    Queue = CONTAINING_RECORD(Object, LX_MSG_QUEUE, Ipc);
    if (Cmd == LX_IPC_STAT)
    {
        RtlZeroMemory(&Ds, sizeof(Ds));
        LxIpcPerm(Object, &Ds.Perm);
        Ds.STime = (ULONG)Queue->SendTime;
        Ds.STimeHigh = (ULONG)(Queue->SendTime >> 32);
        Ds.RTime = (ULONG)Queue->ReceiveTime;
        Ds.RTimeHigh = (ULONG)(Queue->ReceiveTime >> 32);
        Ds.CTime = (ULONG)Object->ChangeTime;
        Ds.CTimeHigh = (ULONG)(Object->ChangeTime >> 32);
        Ds.CBytes = Queue->Bytes;
        Ds.QNum = Queue->Count;
        Ds.QBytes = Queue->QBytes;
        Ds.LsPid = (LONG)Queue->SendPid;
        Ds.LrPid = (LONG)Queue->ReceivePid;
    }
    else
    {
        Result = LxIpcMayControl(Object);
        if (Result == 0 && Cmd == LX_IPC_SET && Ds.QBytes > LX_MSGMNB &&
            LxCurrentProcess()->Cred.User.effective != 0)
            Result = -LX_EPERM;
        if (Result == 0 && Cmd == LX_IPC_SET)
            Queue->QBytes = Ds.QBytes;  /* a larger queue lets senders in: woken below */
        if (Result == 0)
            LxIpcControl(&LxQueues, Object, Cmd == LX_IPC_SET ? &Ds.Perm : NULL);
    }
    ExReleaseFastMutex(&LxIpcLock);
    if (Result == 0 && Cmd == LX_IPC_STAT)
        Result = LxCopyToUser(Buf, &Ds, sizeof(Ds));
    return Result;
}

/* ---- semaphore sets ---- */

#define LX_SEMMSL           250         /* semaphores in a set */
#define LX_SEMOPM           500         /* operations in one semop */
#define LX_SEMVMX           32767       /* a semaphore's largest value */
#define LX_SEM_UNDO         0x1000
#define LX_GETPID           11
#define LX_GETVAL           12
#define LX_GETALL           13
#define LX_GETNCNT          14
#define LX_GETZCNT          15
#define LX_SETVAL           16
#define LX_SETALL           17

static
LONG
LxCheckSemSet(
    _In_ PLX_IPC_OBJECT Object,
    _In_ PVOID Context)
{
    return (ULONG)(ULONG_PTR)Context > CONTAINING_RECORD(Object, LX_SEM_SET, Ipc)->Count ?
           -LX_EINVAL : 0;
}

static
LONG
LxCreateSemSet(
    _In_ PLX_IPC_OBJECT Object,
    _In_ PVOID Context)
{
    ULONG Count = (ULONG)(ULONG_PTR)Context;

    if (Count == 0)
        return -LX_EINVAL;     /* only an existing set may be asked for with 0 */
    CONTAINING_RECORD(Object, LX_SEM_SET, Ipc)->Count = Count;
    return 0;
}

LONG
LxSemget(
    _In_ LONG Key,
    _In_ LONG Count,
    _In_ LONG Flags)
{
    if (Count < 0 || Count > LX_SEMMSL)
        return -LX_EINVAL;
    return LxIpcGet(&LxSemSets, Key, Flags, FIELD_OFFSET(LX_SEM_SET, Sems[max(Count, 1)]),
                    LxCheckSemSet, LxCreateSemSet, (PVOID)(ULONG_PTR)Count);
}

/* Forgets the SEM_UNDO adjustments of a set (Index MAXULONG) or of one of its semaphores
 * (SETVAL, SETALL, IPC_RMID: as Linux clears semadj). Under the lock. */
static
VOID
LxForgetSemUndo(
    _In_ ULONG SetId,
    _In_ ULONG Index)
{
    PLIST_ENTRY Entry, Next;

    for (Entry = LxSemUndos.Flink; Entry != &LxSemUndos; Entry = Next)
    {
        PLX_SEM_ADJUST Undo = CONTAINING_RECORD(Entry, LX_SEM_ADJUST, Link);

        Next = Entry->Flink;
        if (Undo->SetId == SetId && (Index == MAXULONG || Undo->Index == Index))
        {
            RemoveEntryList(&Undo->Link);
            ExFreePoolWithTag(Undo, LX_TAG_IPC);
        }
    }
}

/* Adds -Op to Pid's SEM_UNDO adjustment of a semaphore. FALSE when out of memory. */
static
BOOLEAN
LxRecordSemUndo(
    _In_ ULONG Pid,
    _In_ ULONG SetId,
    _In_ ULONG Index,
    _In_ LONG Op)
{
    PLIST_ENTRY Entry;
    PLX_SEM_ADJUST Undo;

    for (Entry = LxSemUndos.Flink; Entry != &LxSemUndos; Entry = Entry->Flink)
    {
        Undo = CONTAINING_RECORD(Entry, LX_SEM_ADJUST, Link);
        if (Undo->Pid == Pid && Undo->SetId == SetId && Undo->Index == Index)
        {
            Undo->Adjust -= Op;
            return TRUE;
        }
    }
    Undo = ExAllocatePoolWithTag(PagedPool, sizeof(*Undo), LX_TAG_IPC);
    if (Undo == NULL)
        return FALSE;
    Undo->Pid = Pid;
    Undo->SetId = SetId;
    Undo->Index = Index;
    Undo->Adjust = -Op;
    InsertTailList(&LxSemUndos, &Undo->Link);
    return TRUE;
}

/* Tries all of Sops at once on Set: 0 (applied), -EAGAIN with *Blocked the operation that
 * would wait, -ERANGE, -EFBIG. Nothing is applied unless all can be. */
static
LONG
LxTrySemops(
    _In_ PLX_SEM_SET Set,
    _In_reads_(Count) const struct _LX_SEMBUF *Sops,
    _In_ ULONG Count,
    _Out_ PULONG Blocked)
{
    ULONG i, Done;
    LONG Result = 0;

    for (Done = 0; Done < Count; Done++)
    {
        const struct _LX_SEMBUF *Sop = &Sops[Done];
        LONG Value = Set->Sems[Sop->Num].Value;

        if (Sop->Op > 0 && Value + Sop->Op > LX_SEMVMX)
            Result = -LX_ERANGE;
        else if ((Sop->Op == 0 && Value != 0) || (Sop->Op < 0 && Value < -Sop->Op))
            Result = -LX_EAGAIN;
        if (Result < 0)
            break;
        Set->Sems[Sop->Num].Value = (USHORT)(Value + Sop->Op);
    }
    if (Result == 0)
        return 0;
    /* undone, in reverse: the set is as it was */
    *Blocked = Done;
    for (i = Done; i-- > 0;)
        Set->Sems[Sops[i].Num].Value = (USHORT)(Set->Sems[Sops[i].Num].Value - Sops[i].Op);
    return Result;
}

/* semop/semtimedop: Timeout is a relative timespec (NULL: none). */
LONG
LxSemop(
    _In_ LONG Id,
    _In_ ULONG_PTR SopsPtr,
    _In_ ULONG Count,
    _In_ ULONG_PTR Timeout,
    _In_ BOOLEAN Time64)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_IPC_OBJECT Object;
    PLX_SEM_SET Set;
    struct _LX_SEMBUF *Sops;
    LX_IPC_WAITER Waiter;
    LARGE_INTEGER Wait;
    ULONGLONG Deadline = 0;
    lx_timespec64 Ts;
    int64_t Interval;
    NTSTATUS Status;
    ULONG i, Blocked = 0;
    LONG Result;

    if (Id < 0 || Count == 0)
        return -LX_EINVAL;
    if (Count > LX_SEMOPM)
        return -LX_E2BIG;
    if (Timeout != 0)
    {
        Result = LxGetUserTimespec(Timeout, Time64, &Ts);
        if (Result < 0)
            return Result;
        if (Ts.sec < 0 || Ts.nsec < 0 || Ts.nsec >= 1000000000 ||
            lx_timespec_to_nt_relative(Ts.sec, Ts.nsec, &Interval) < 0)
            return -LX_EINVAL;
        Deadline = LxMonotonicTime() + (ULONGLONG)(-Interval);
    }
    Sops = ExAllocatePoolWithTag(PagedPool, Count * sizeof(struct _LX_SEMBUF), LX_TAG_TEMP);
    if (Sops == NULL)
        return -LX_ENOMEM;
    Result = LxCopyFromUser(Sops, SopsPtr, Count * sizeof(struct _LX_SEMBUF));
    if (Result < 0)
    {
        ExFreePoolWithTag(Sops, LX_TAG_TEMP);
        return Result;
    }

    ExAcquireFastMutex(&LxIpcLock);
    Object = LxIpcOf(&LxSemSets, Id);
    Set = Object != NULL ? CONTAINING_RECORD(Object, LX_SEM_SET, Ipc) : NULL;
    Result = Set == NULL ? -LX_EINVAL : 0;
    for (i = 0; Result == 0 && i < Count; i++)
        if (Sops[i].Num >= Set->Count)
            Result = -LX_EFBIG;
    while (Result == 0)
    {
        Result = LxTrySemops(Set, Sops, Count, &Blocked);
        if (Result == 0)
        {
            for (i = 0; i < Count; i++)
            {
                Set->Sems[Sops[i].Num].Pid = Process->Pid;
                if ((Sops[i].Flags & LX_SEM_UNDO) && Sops[i].Op != 0 &&
                    !LxRecordSemUndo(Process->Pid, Set->Ipc.Id, Sops[i].Num, Sops[i].Op))
                    DPRINT1("lxss: no memory for a SEM_UNDO record\n");
            }
            Set->OpTime = LxIpcNow();
            LxIpcWake(&Set->Ipc);
            break;
        }
        if (Result != -LX_EAGAIN || (Sops[Blocked].Flags & LX_IPC_NOWAIT))
            break;
        if (Timeout != 0)
        {
            if (!LxTimeLeft(Deadline, &Wait))
                break;      /* -EAGAIN: the time ran out */
        }
        Waiter.Index = Sops[Blocked].Num;
        Waiter.ForZero = Sops[Blocked].Op == 0;
        Result = LxIpcWait(&Set->Ipc, &Waiter, Timeout != 0 ? &Wait : NULL, &Status);
        if (Result == 0 && Status == STATUS_ALERTED)
            Result = LxInterruptedCall(Timeout == 0);
    }
    ExReleaseFastMutex(&LxIpcLock);
    ExFreePoolWithTag(Sops, LX_TAG_TEMP);
    return Result;
}

/* How many blocked semops wait on semaphore Index: for it to grow, or for zero. */
static
ULONG
LxSemWaiters(
    _In_ PLX_SEM_SET Set,
    _In_ ULONG Index,
    _In_ BOOLEAN ForZero)
{
    PLIST_ENTRY Entry;
    ULONG Count = 0;

    for (Entry = Set->Ipc.Waiters.Flink; Entry != &Set->Ipc.Waiters; Entry = Entry->Flink)
    {
        PLX_IPC_WAITER Waiter = CONTAINING_RECORD(Entry, LX_IPC_WAITER, Link);
        if (Waiter->Index == Index && Waiter->ForZero == ForZero)
            Count++;
    }
    return Count;
}

/* semctl: Arg is the union semun's value (val, or a pointer to an array or a semid64_ds) */
LONG
LxSemctl(
    _In_ LONG Id,
    _In_ LONG Index,
    _In_ LONG Cmd,
    _In_ ULONG_PTR Arg)
{
    PLX_IPC_OBJECT Object;
    PLX_SEM_SET Set;
    LX_SEMID64 Ds;
    PUSHORT Values = NULL;
    ULONG i, Count = 0;
    LONG Result = 0;

    Cmd &= ~LX_IPC_64;
    if (Cmd == LX_IPC_SET)
    {
        Result = LxCopyFromUser(&Ds, Arg, sizeof(Ds));
        if (Result < 0)
            return Result;
    }
    if (Cmd == LX_GETALL || Cmd == LX_SETALL)
    {
        Values = ExAllocatePoolWithTag(PagedPool, LX_SEMMSL * sizeof(USHORT), LX_TAG_TEMP);
        if (Values == NULL)
            return -LX_ENOMEM;
    }
    ExAcquireFastMutex(&LxIpcLock);
    Object = LxIpcOf(&LxSemSets, Id);
    if (Object == NULL)
    {
        Result = -LX_EINVAL;
        goto Done;
    }
    Set = CONTAINING_RECORD(Object, LX_SEM_SET, Ipc);
    Count = Set->Count;
    if ((Cmd == LX_GETVAL || Cmd == LX_SETVAL || Cmd == LX_GETPID || Cmd == LX_GETNCNT ||
         Cmd == LX_GETZCNT) && (Index < 0 || (ULONG)Index >= Count))
    {
        Result = -LX_EINVAL;
        goto Done;
    }
    switch (Cmd)
    {
        case LX_GETVAL:
            Result = Set->Sems[Index].Value;
            break;
        case LX_GETPID:
            Result = (LONG)Set->Sems[Index].Pid;
            break;
        case LX_GETNCNT:
        case LX_GETZCNT:
            Result = (LONG)LxSemWaiters(Set, (ULONG)Index, Cmd == LX_GETZCNT);
            break;
        case LX_SETVAL:
            if ((LONG)Arg < 0 || (LONG)Arg > LX_SEMVMX)
            {
                Result = -LX_ERANGE;
                break;
            }
            Set->Sems[Index].Value = (USHORT)Arg;
            Set->Sems[Index].Pid = LxCurrentProcess()->Pid;
            LxForgetSemUndo(Set->Ipc.Id, (ULONG)Index);
            Set->Ipc.ChangeTime = LxIpcNow();
            LxIpcWake(&Set->Ipc);
            break;
        case LX_GETALL:
            for (i = 0; i < Count; i++)
                Values[i] = Set->Sems[i].Value;
            break;      /* copied out below, after the lock */
        case LX_SETALL:
            ExReleaseFastMutex(&LxIpcLock);
            Result = LxCopyFromUser(Values, Arg, Count * sizeof(USHORT));
            ExAcquireFastMutex(&LxIpcLock);
            /* the set may be gone meanwhile */
            if (Result == 0 && LxIpcOf(&LxSemSets, Id) != Object)
                Result = -LX_EIDRM;
            for (i = 0; Result == 0 && i < Count; i++)
                if (Values[i] > LX_SEMVMX)
                    Result = -LX_ERANGE;
            if (Result < 0)
                break;
            for (i = 0; i < Count; i++)
            {
                Set->Sems[i].Value = Values[i];
                Set->Sems[i].Pid = LxCurrentProcess()->Pid;
            }
            LxForgetSemUndo(Set->Ipc.Id, MAXULONG);
            Set->Ipc.ChangeTime = LxIpcNow();
            LxIpcWake(&Set->Ipc);
            break;
        case LX_IPC_STAT:
            RtlZeroMemory(&Ds, sizeof(Ds));
            LxIpcPerm(Object, &Ds.Perm);
            Ds.OTime = (ULONG)Set->OpTime;
            Ds.OTimeHigh = (ULONG)(Set->OpTime >> 32);
            Ds.CTime = (ULONG)Object->ChangeTime;
            Ds.CTimeHigh = (ULONG)(Object->ChangeTime >> 32);
            Ds.NSems = Count;
            break;
        case LX_IPC_SET:
        case LX_IPC_RMID:
            Result = LxIpcMayControl(Object);
            if (Result < 0)
                break;
            if (Cmd == LX_IPC_RMID)
                LxForgetSemUndo(Set->Ipc.Id, MAXULONG);
            LxIpcControl(&LxSemSets, Object, Cmd == LX_IPC_SET ? &Ds.Perm : NULL);
            break;
        default:
            Result = -LX_EINVAL;
            break;
    }

Done:
    ExReleaseFastMutex(&LxIpcLock);
    if (Result == 0 && Cmd == LX_GETALL)
        Result = LxCopyToUser(Arg, Values, Count * sizeof(USHORT));
    if (Result == 0 && Cmd == LX_IPC_STAT)
        Result = LxCopyToUser(Arg, &Ds, sizeof(Ds));
    if (Values != NULL)
        ExFreePoolWithTag(Values, LX_TAG_TEMP);
    return Result;
}

/* A process's end applies its SEM_UNDO adjustments (each value kept within 0..SEMVMX) and
 * lets removed shared memory segments it was the last to map go. */
VOID
LxIpcProcessExit(
    _In_ PLX_PROCESS Process)
{
    PLIST_ENTRY Entry, Next;

    ExAcquireFastMutex(&LxIpcLock);
    for (Entry = LxSemUndos.Flink; Entry != &LxSemUndos; Entry = Next)
    {
        PLX_SEM_ADJUST Undo = CONTAINING_RECORD(Entry, LX_SEM_ADJUST, Link);
        PLX_IPC_OBJECT Object;

        Next = Entry->Flink;
        if (Undo->Pid != Process->Pid)
            continue;
        Object = LxIpcOf(&LxSemSets, (LONG)Undo->SetId);
        if (Object != NULL)
        {
            PLX_SEM_SET Set = CONTAINING_RECORD(Object, LX_SEM_SET, Ipc);
            LONG Value = Set->Sems[Undo->Index].Value + Undo->Adjust;

            Set->Sems[Undo->Index].Value = (USHORT)max(0, min(Value, LX_SEMVMX));
            Set->Sems[Undo->Index].Pid = Process->Pid;
            LxIpcWake(Object);
        }
        RemoveEntryList(&Undo->Link);
        ExFreePoolWithTag(Undo, LX_TAG_IPC);
    }
    ExReleaseFastMutex(&LxIpcLock);
    LxShmSweep();   /* its views are gone (LxMmDetachShared) */
}

