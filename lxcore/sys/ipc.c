/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System V IPC: message queues (msgget, msgsnd, msgrcv, msgctl) and the ipc(2)
 *              multiplexer that i386 C libraries call them through
 *
 * Queues are shared by every Linux process, found by key (IPC_PRIVATE: always a new one) and
 * named by an id = sequence * 32768 + slot, as Linux's. A message is a long type (> 0) and up
 * to MSGMAX bytes; a queue holds at most msg_qbytes bytes. msgsnd blocks while the queue is
 * full, msgrcv until a message of the asked type arrives (IPC_NOWAIT: EAGAIN / ENOMSG), both
 * interruptibly; IPC_RMID wakes them with EIDRM. msgctl speaks the IPC_64 layouts the C
 * libraries use (struct msqid64_ds). Partial: no permission checks beyond the owner's for
 * IPC_SET/IPC_RMID, no MSG_COPY, no IPC_INFO/MSG_INFO/MSG_STAT; semaphores and shared memory
 * are ENOSYS.
 */

#include "lxp.h"

#define NDEBUG
#include <debug.h>

#define LX_IPC_PRIVATE      0
#define LX_IPC_CREAT        00001000
#define LX_IPC_EXCL         00002000
#define LX_IPC_NOWAIT       00004000
#define LX_IPC_RMID         0
#define LX_IPC_SET          1
#define LX_IPC_STAT         2
#define LX_IPC_64           0x0100
#define LX_MSG_NOERROR      010000
#define LX_MSG_EXCEPT       020000
#define LX_MSGMAX           8192        /* bytes in a message */
#define LX_MSGMNB           16384       /* default bytes in a queue */
#define LX_MSGMNI           256         /* queues */
#define LX_IPCMNI           32768       /* id = seq * LX_IPCMNI + slot */

/* ipc(2) calls */
#define LX_IPCOP_MSGSND     11
#define LX_IPCOP_MSGRCV     12
#define LX_IPCOP_MSGGET     13
#define LX_IPCOP_MSGCTL     14

typedef struct _LX_MESSAGE
{
    LIST_ENTRY Link;
    LONG Type;
    ULONG Size;
    UCHAR Text[ANYSIZE_ARRAY];
} LX_MESSAGE, *PLX_MESSAGE;

typedef struct _LX_MSG_QUEUE
{
    LONG Key;
    ULONG Id;
    ULONG Uid, Gid, Cuid, Cgid, Mode;
    LIST_ENTRY Messages;        /* LX_MESSAGE, oldest first */
    ULONG Bytes, Count, QBytes;
    ULONG SendPid, ReceivePid;
    LONGLONG SendTime, ReceiveTime, ChangeTime;     /* seconds */
    LIST_ENTRY Waiters;         /* LX_IPC_WAITER: blocked senders and receivers */
    BOOLEAN Removed;
    LONG RefCount;              /* the table's and each waiter's */
} LX_MSG_QUEUE, *PLX_MSG_QUEUE;

typedef struct _LX_IPC_WAITER
{
    LIST_ENTRY Link;
    KEVENT Event;
} LX_IPC_WAITER, *PLX_IPC_WAITER;

static FAST_MUTEX LxIpcLock;
static PLX_MSG_QUEUE LxQueues[LX_MSGMNI];
static USHORT LxQueueSeq[LX_MSGMNI];

/* struct ipc64_perm + struct msqid64_ds on i386 (88 bytes) */
#include <pshpack4.h>
typedef struct _LX_MSQID64
{
    LONG Key;
    ULONG Uid, Gid, Cuid, Cgid;
    USHORT Mode, Pad1;
    USHORT Seq, Pad2;
    ULONG Unused1, Unused2;
    ULONG STime, STimeHigh, RTime, RTimeHigh, CTime, CTimeHigh;
    ULONG CBytes, QNum, QBytes;
    LONG LsPid, LrPid;
    ULONG Unused4, Unused5;
} LX_MSQID64;
#include <poppack.h>
C_ASSERT(sizeof(LX_MSQID64) == 88);

VOID
LxInitializeIpc(VOID)
{
    ExInitializeFastMutex(&LxIpcLock);
}

static
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
LxWakeQueueWaiters(
    _In_ PLX_MSG_QUEUE Queue)
{
    PLIST_ENTRY Entry;

    for (Entry = Queue->Waiters.Flink; Entry != &Queue->Waiters; Entry = Entry->Flink)
        KeSetEvent(&CONTAINING_RECORD(Entry, LX_IPC_WAITER, Link)->Event, IO_NO_INCREMENT, FALSE);
}

static
VOID
LxReleaseQueue(
    _In_ PLX_MSG_QUEUE Queue)
{
    if (--Queue->RefCount != 0)
        return;
    while (!IsListEmpty(&Queue->Messages))
        ExFreePoolWithTag(CONTAINING_RECORD(RemoveHeadList(&Queue->Messages), LX_MESSAGE, Link),
                          LX_TAG_FILE);
    ExFreePoolWithTag(Queue, LX_TAG_FILE);
}

/* The queue of an id (under the lock), or NULL: -EINVAL, as Linux for an unknown id. */
static
PLX_MSG_QUEUE
LxQueueOf(
    _In_ LONG Id)
{
    PLX_MSG_QUEUE Queue;

    if (Id < 0 || Id % LX_IPCMNI >= LX_MSGMNI)
        return NULL;
    Queue = LxQueues[Id % LX_IPCMNI];
    return (Queue != NULL && Queue->Id == (ULONG)Id) ? Queue : NULL;
}

static
LONG
LxMsgget(
    _In_ LONG Key,
    _In_ LONG Flags)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_MSG_QUEUE Queue;
    ULONG Slot;
    LONG Result;

    ExAcquireFastMutex(&LxIpcLock);
    if (Key != LX_IPC_PRIVATE)
    {
        for (Slot = 0; Slot < LX_MSGMNI; Slot++)
        {
            Queue = LxQueues[Slot];
            if (Queue != NULL && Queue->Key == Key)
            {
                Result = (Flags & LX_IPC_CREAT) && (Flags & LX_IPC_EXCL) ? -LX_EEXIST :
                                                                            (LONG)Queue->Id;
                ExReleaseFastMutex(&LxIpcLock);
                return Result;
            }
        }
        if (!(Flags & LX_IPC_CREAT))
        {
            ExReleaseFastMutex(&LxIpcLock);
            return -LX_ENOENT;
        }
    }
    for (Slot = 0; Slot < LX_MSGMNI && LxQueues[Slot] != NULL; Slot++)
        ;
    if (Slot == LX_MSGMNI)
    {
        ExReleaseFastMutex(&LxIpcLock);
        return -LX_ENOSPC;
    }
    Queue = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Queue), LX_TAG_FILE);
    if (Queue == NULL)
    {
        ExReleaseFastMutex(&LxIpcLock);
        return -LX_ENOMEM;
    }
    RtlZeroMemory(Queue, sizeof(*Queue));
    Queue->Key = Key;
    Queue->Id = (ULONG)(LxQueueSeq[Slot]++ % (MAXLONG / LX_IPCMNI)) * LX_IPCMNI + Slot;
    Queue->Uid = Queue->Cuid = Process->Uid;
    Queue->Gid = Queue->Cgid = Process->Gid;
    Queue->Mode = (ULONG)Flags & 0777;
    Queue->QBytes = LX_MSGMNB;
    Queue->ChangeTime = LxIpcNow();
    Queue->RefCount = 1;
    InitializeListHead(&Queue->Messages);
    InitializeListHead(&Queue->Waiters);
    LxQueues[Slot] = Queue;
    Result = (LONG)Queue->Id;
    ExReleaseFastMutex(&LxIpcLock);
    return Result;
}

/* Waits (interruptibly, the lock released) for a change of Queue. STATUS_ALERTED on a signal. */
static
NTSTATUS
LxWaitQueue(
    _In_ PLX_MSG_QUEUE Queue)
{
    LX_IPC_WAITER Waiter;
    PVOID Object = &Waiter.Event;
    NTSTATUS Status;

    KeInitializeEvent(&Waiter.Event, NotificationEvent, FALSE);
    InsertTailList(&Queue->Waiters, &Waiter.Link);
    Queue->RefCount++;
    ExReleaseFastMutex(&LxIpcLock);
    Status = LxWaitInterruptible(1, &Object, NULL);
    ExAcquireFastMutex(&LxIpcLock);
    RemoveEntryList(&Waiter.Link);
    return Status;
}

static
LONG
LxMsgsnd(
    _In_ LONG Id,
    _In_ ULONG_PTR MsgPtr,
    _In_ SIZE_T Size,
    _In_ LONG Flags)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_MSG_QUEUE Queue;
    PLX_MESSAGE Message;
    NTSTATUS Status;
    LONG Result;

    if (Size > LX_MSGMAX || Id < 0)
        return -LX_EINVAL;
    Message = ExAllocatePoolWithTag(PagedPool, FIELD_OFFSET(LX_MESSAGE, Text[Size]), LX_TAG_FILE);
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
        ExFreePoolWithTag(Message, LX_TAG_FILE);
        return Result;
    }

    ExAcquireFastMutex(&LxIpcLock);
    Queue = LxQueueOf(Id);
    for (;;)
    {
        if (Queue == NULL || Queue->Removed)
        {
            Result = Queue == NULL ? -LX_EINVAL : -LX_EIDRM;
            break;
        }
        if (Queue->Bytes + Size <= Queue->QBytes && Queue->Count < Queue->QBytes)
        {
            InsertTailList(&Queue->Messages, &Message->Link);
            Message = NULL;
            Queue->Bytes += (ULONG)Size;
            Queue->Count++;
            Queue->SendPid = Process->Pid;
            Queue->SendTime = LxIpcNow();
            LxWakeQueueWaiters(Queue);
            Result = 0;
            break;
        }
        if (Flags & LX_IPC_NOWAIT)
        {
            Result = -LX_EAGAIN;
            break;
        }
        Status = LxWaitQueue(Queue);
        if (Queue->Removed)
        {
            LxReleaseQueue(Queue);
            Result = -LX_EIDRM;
            break;
        }
        LxReleaseQueue(Queue);
        if (Status == STATUS_ALERTED)
        {
            ExReleaseFastMutex(&LxIpcLock);
            ExFreePoolWithTag(Message, LX_TAG_FILE);
            return LxInterruptedCall(TRUE);
        }
    }
    ExReleaseFastMutex(&LxIpcLock);
    if (Message != NULL)
        ExFreePoolWithTag(Message, LX_TAG_FILE);
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

static
LONG
LxMsgrcv(
    _In_ LONG Id,
    _In_ ULONG_PTR MsgPtr,
    _In_ SIZE_T Size,
    _In_ LONG Type,
    _In_ LONG Flags)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_MSG_QUEUE Queue;
    PLX_MESSAGE Message = NULL;
    NTSTATUS Status;
    LONG Result;

    if ((LONG)Size < 0 || Id < 0)
        return -LX_EINVAL;
    ExAcquireFastMutex(&LxIpcLock);
    Queue = LxQueueOf(Id);
    for (;;)
    {
        if (Queue == NULL || Queue->Removed)
        {
            Result = Queue == NULL ? -LX_EINVAL : -LX_EIDRM;
            break;
        }
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
            LxWakeQueueWaiters(Queue);
            Result = 0;
            break;
        }
        if (Flags & LX_IPC_NOWAIT)
        {
            Result = -LX_ENOMSG;
            break;
        }
        Status = LxWaitQueue(Queue);
        if (Queue->Removed)
        {
            LxReleaseQueue(Queue);
            Result = -LX_EIDRM;
            break;
        }
        LxReleaseQueue(Queue);
        if (Status == STATUS_ALERTED)
        {
            ExReleaseFastMutex(&LxIpcLock);
            return LxInterruptedCall(TRUE);
        }
    }
    ExReleaseFastMutex(&LxIpcLock);
    if (Message == NULL)
        return Result;

    /* copied out after the lock; a bad buffer loses the message, as on Linux */
    Size = min(Size, Message->Size);
    Result = LxCopyToUser(MsgPtr, &Message->Type, sizeof(LONG));
    if (Result == 0)
        Result = LxCopyToUser(MsgPtr + sizeof(LONG), Message->Text, Size);
    ExFreePoolWithTag(Message, LX_TAG_FILE);
    return Result < 0 ? Result : (LONG)Size;
}

static
LONG
LxMsgctl(
    _In_ LONG Id,
    _In_ LONG Cmd,
    _In_ ULONG_PTR Buf)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_MSG_QUEUE Queue;
    LX_MSQID64 Ds;
    LONG Result = 0;

    /* the C libraries pass IPC_64; the old layouts are not spoken */
    if (!(Cmd & LX_IPC_64) && Cmd != LX_IPC_RMID)
        return -LX_EINVAL;
    Cmd &= ~LX_IPC_64;
    if (Cmd == LX_IPC_SET)
    {
        Result = LxCopyFromUser(&Ds, Buf, sizeof(Ds));
        if (Result < 0)
            return Result;
    }
    ExAcquireFastMutex(&LxIpcLock);
    Queue = LxQueueOf(Id);
    if (Queue == NULL)
    {
        ExReleaseFastMutex(&LxIpcLock);
        return -LX_EINVAL;
    }
    switch (Cmd)
    {
        case LX_IPC_STAT:
            RtlZeroMemory(&Ds, sizeof(Ds));
            Ds.Key = Queue->Key;
            Ds.Uid = Queue->Uid;
            Ds.Gid = Queue->Gid;
            Ds.Cuid = Queue->Cuid;
            Ds.Cgid = Queue->Cgid;
            Ds.Mode = (USHORT)Queue->Mode;
            Ds.Seq = (USHORT)(Queue->Id / LX_IPCMNI);
            Ds.STime = (ULONG)Queue->SendTime;
            Ds.STimeHigh = (ULONG)(Queue->SendTime >> 32);
            Ds.RTime = (ULONG)Queue->ReceiveTime;
            Ds.RTimeHigh = (ULONG)(Queue->ReceiveTime >> 32);
            Ds.CTime = (ULONG)Queue->ChangeTime;
            Ds.CTimeHigh = (ULONG)(Queue->ChangeTime >> 32);
            Ds.CBytes = Queue->Bytes;
            Ds.QNum = Queue->Count;
            Ds.QBytes = Queue->QBytes;
            Ds.LsPid = (LONG)Queue->SendPid;
            Ds.LrPid = (LONG)Queue->ReceivePid;
            break;

        case LX_IPC_SET:
        case LX_IPC_RMID:
            /* the owner, the creator or root */
            if (Process->Uid != 0 && Process->Uid != Queue->Uid && Process->Uid != Queue->Cuid)
            {
                Result = -LX_EPERM;
                break;
            }
            if (Cmd == LX_IPC_SET)
            {
                if (Ds.QBytes > LX_MSGMNB && Process->Uid != 0)
                {
                    Result = -LX_EPERM;
                    break;
                }
                Queue->QBytes = Ds.QBytes;
                Queue->Uid = Ds.Uid;
                Queue->Gid = Ds.Gid;
                Queue->Mode = Ds.Mode & 0777;
                Queue->ChangeTime = LxIpcNow();
                LxWakeQueueWaiters(Queue);  /* a larger queue lets senders in */
                break;
            }
            /* gone from the table now; blocked callers see Removed and get EIDRM */
            LxQueues[Queue->Id % LX_IPCMNI] = NULL;
            Queue->Removed = TRUE;
            LxWakeQueueWaiters(Queue);
            LxReleaseQueue(Queue);
            break;

        default:
            Result = -LX_EINVAL;
            break;
    }
    ExReleaseFastMutex(&LxIpcLock);
    if (Result == 0 && Cmd == LX_IPC_STAT)
        Result = LxCopyToUser(Buf, &Ds, sizeof(Ds));
    return Result;
}

LONG
NTAPI
LxSysMsgget(
    LX_KEY Key,
    LONG Msgflg)
{
    return LxMsgget(Key, Msgflg);
}

LONG
NTAPI
LxSysMsgsnd(
    LONG Msqid,
    LX_MSGBUF *Msgp,
    SIZE_T Msgsz,
    LONG Msgflg)
{
    return LxMsgsnd(Msqid, (ULONG_PTR)Msgp, Msgsz, Msgflg);
}

LONG
NTAPI
LxSysMsgrcv(
    LONG Msqid,
    LX_MSGBUF *Msgp,
    SIZE_T Msgsz,
    LONG Msgtyp,
    LONG Msgflg)
{
    return LxMsgrcv(Msqid, (ULONG_PTR)Msgp, Msgsz, Msgtyp, Msgflg);
}

LONG
NTAPI
LxSysMsgctl(
    LONG Msqid,
    LONG Cmd,
    LX_MSQID_DS *Buf)
{
    return LxMsgctl(Msqid, Cmd, (ULONG_PTR)Buf);
}

/* ipc(2): the low 16 bits of Call name the operation, the high ones its version */
LONG
NTAPI
LxSysIpc(
    ULONG Call,
    LONG First,
    ULONG_PTR Second,
    ULONG_PTR Third,
    PVOID Ptr,
    LONG Fifth)
{
    ULONG Version = Call >> 16;

    switch (Call & 0xFFFF)
    {
        case LX_IPCOP_MSGSND:
            return LxMsgsnd(First, (ULONG_PTR)Ptr, Second, (LONG)Third);

        case LX_IPCOP_MSGRCV:
            if (Version == 0)
            {
                /* struct ipc_kludge { struct msgbuf *msgp; long msgtyp; } */
                ULONG Kludge[2];
                LONG Result = LxCopyFromUser(Kludge, (ULONG_PTR)Ptr, sizeof(Kludge));

                if (Result < 0)
                    return Result;
                return LxMsgrcv(First, Kludge[0], Second, (LONG)Kludge[1], (LONG)Third);
            }
            return LxMsgrcv(First, (ULONG_PTR)Ptr, Second, Fifth, (LONG)Third);

        case LX_IPCOP_MSGGET:
            return LxMsgget(First, (LONG)Second);

        case LX_IPCOP_MSGCTL:
            return LxMsgctl(First, (LONG)Second, (ULONG_PTR)Ptr);

        default:
            /* semaphores (1-4) and shared memory (21-24) */
            return -LX_ENOSYS;
    }
}
