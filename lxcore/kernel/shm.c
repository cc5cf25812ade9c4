/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: System V shared memory (shmget, shmat, shmdt, shmctl)
 *
 * A segment is shared memory (kernel/mm.c: a pagefile-backed section) in the System V object
 * table (ipc.h), found by key or id as queues and semaphore sets are. shmat maps a view of it
 * into the caller, which fork children inherit; execve and exit detach. shm_nattch counts the
 * views in every process. IPC_RMID of an attached segment hides its key and marks it
 * SHM_DEST; it goes when its last view does (LxShmSweep, run by every shm call, execve and
 * process exit). Partial: attach addresses must be 64 KiB aligned (NT's view granularity;
 * SHMLBA is 4 KiB on Linux), no permission checks beyond the owner's for IPC_SET/IPC_RMID,
 * SHM_LOCK/SHM_UNLOCK are accepted and do nothing, no IPC_INFO/SHM_INFO/SHM_STAT.
 */

#include "lxkernel.h"
#include "ipc.h"

#define NDEBUG
#include <debug.h>

#define LX_SHMMIN           1
#define LX_SHMMAX           0x7FFF0000  /* what the i386 address space could map at all */
#define LX_SHM_RDONLY       010000
#define LX_SHM_RND          020000
#define LX_SHM_DEST         01000       /* in shm_perm.mode */
#define LX_SHM_LOCKED       02000
#define LX_SHM_LOCK         11
#define LX_SHM_UNLOCK       12
#define LX_SHMLBA           4096

typedef struct _LX_SHM_SEGMENT
{
    LX_IPC_OBJECT Ipc;
    PLX_SHARED_MEMORY Memory;   /* the segment's own reference */
    SIZE_T SegSize;             /* shm_segsz: the size asked for */
    ULONG CreatorPid, LastPid;
    LONGLONG AttachTime, DetachTime;
    BOOLEAN Locked;
} LX_SHM_SEGMENT, *PLX_SHM_SEGMENT;

/* struct shmid64_ds on i386 (84 bytes) */
#include <pshpack4.h>
typedef struct _LX_SHMID64
{
    LX_IPC64_PERM Perm;
    ULONG SegSz;
    ULONG ATime, ATimeHigh, DTime, DTimeHigh, CTime, CTimeHigh;
    LONG CPid, LPid;
    ULONG NAttch;
    ULONG Unused4, Unused5;
} LX_SHMID64;
#include <poppack.h>
C_ASSERT(sizeof(LX_SHMID64) == 84);

static LX_IPC_TABLE LxSegments;

static
VOID
LxFreeSegment(
    _In_ PLX_IPC_OBJECT Object)
{
    LxSharedMemoryDereference(CONTAINING_RECORD(Object, LX_SHM_SEGMENT, Ipc)->Memory);
}

typedef struct _LX_SHMGET
{
    SIZE_T Size;
    PLX_SHARED_MEMORY Memory;   /* made before the lock (sections are made at PASSIVE_LEVEL) */
} LX_SHMGET, *PLX_SHMGET;

static
LONG
LxCheckSegment(
    _In_ PLX_IPC_OBJECT Object,
    _In_ PVOID Context)
{
    PLX_SHMGET Get = Context;

    return Get->Size > CONTAINING_RECORD(Object, LX_SHM_SEGMENT, Ipc)->SegSize ? -LX_EINVAL : 0;
}

static
LONG
LxCreateSegment(
    _In_ PLX_IPC_OBJECT Object,
    _In_ PVOID Context)
{
    PLX_SHMGET Get = Context;
    PLX_SHM_SEGMENT Segment = CONTAINING_RECORD(Object, LX_SHM_SEGMENT, Ipc);

    if (Get->Size < LX_SHMMIN || Get->Size > LX_SHMMAX)
        return -LX_EINVAL;
    if (Get->Memory == NULL)
        return -LX_ENOMEM;
    Object->Free = LxFreeSegment;
    Segment->Memory = Get->Memory;
    Get->Memory = NULL;
    Segment->SegSize = Get->Size;
    Segment->CreatorPid = LxCurrentProcess()->Pid;
    return 0;
}

/* Removes segments marked SHM_DEST that nothing maps any more (under the lock). */
static
VOID
LxShmSweepLocked(VOID)
{
    ULONG Slot;

    for (Slot = 0; Slot < LX_IPC_SLOTS; Slot++)
    {
        PLX_IPC_OBJECT Object = LxSegments.Slots[Slot];

        if (Object != NULL && (Object->Mode & LX_SHM_DEST) &&
            CONTAINING_RECORD(Object, LX_SHM_SEGMENT, Ipc)->Memory->Attaches == 0)
        {
            LxIpcControl(&LxSegments, Object, NULL);
        }
    }
}

VOID
LxShmSweep(VOID)
{
    ExAcquireFastMutex(&LxIpcLock);
    LxShmSweepLocked();
    ExReleaseFastMutex(&LxIpcLock);
}

LONG
LxShmget(
    _In_ LONG Key,
    _In_ SIZE_T Size,
    _In_ LONG Flags)
{
    LX_SHMGET Get;
    LONG Result;

    LxShmSweep();
    Get.Size = Size;
    Get.Memory = NULL;
    if ((Key == LX_IPC_PRIVATE || (Flags & LX_IPC_CREAT)) && Size >= LX_SHMMIN && Size <= LX_SHMMAX)
    {
        Result = LxSharedMemoryCreate((Size + PAGE_SIZE - 1) & ~(SIZE_T)(PAGE_SIZE - 1),
                                      &Get.Memory);
        if (Result < 0)
            return Result;
    }
    Result = LxIpcGet(&LxSegments, Key, Flags, sizeof(LX_SHM_SEGMENT), LxCheckSegment,
                      LxCreateSegment, &Get);
    if (Get.Memory != NULL)
        LxSharedMemoryDereference(Get.Memory);  /* an existing segment was found */
    return Result;
}

/* Returns the address, or a negative errno. */
LONG
LxShmat(
    _In_ LONG Id,
    _In_ ULONG_PTR Address,
    _In_ LONG Flags)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_IPC_OBJECT Object;
    PLX_SHM_SEGMENT Segment;
    PLX_SHARED_MEMORY Memory;
    ULONG_PTR Base;
    ULONG Prot;
    LONG Result;

    if (Address != 0 && (Flags & LX_SHM_RND))
        Address &= ~(ULONG_PTR)(LX_SHMLBA - 1);
    if (Address & (LX_SHMLBA - 1))
        return -LX_EINVAL;
    LxShmSweep();
    Object = LxIpcLockObject(&LxSegments, Id);
    if (Object == NULL)
        return -LX_EINVAL;
    Segment = CONTAINING_RECORD(Object, LX_SHM_SEGMENT, Ipc);
    Memory = Segment->Memory;
    InterlockedIncrement(&Memory->RefCount);
    ExReleaseFastMutex(&LxIpcLock);
    if (Address != 0 && Address + Memory->Size < Address)
    {
        LxSharedMemoryDereference(Memory);
        return -LX_EINVAL;      /* wraps around, as do_shmat checks */
    }

    /* beyond user space: ENOMEM (do_mmap's answer); not on 64 KiB: EINVAL (NT's views) */
    Prot = (Flags & LX_SHM_RDONLY) ? LX_PROT_READ : (LX_PROT_READ | LX_PROT_WRITE);
    Result = LxMapShared(Process, Memory, Address, Address != 0, Prot, Prot | LX_PROT_EXEC, Id, 0,
                         Memory->Size, NULL, &Base);
    LxSharedMemoryDereference(Memory);
    if (Result < 0)
        return Result;

    ExAcquireFastMutex(&LxIpcLock);
    Object = LxIpcOf(&LxSegments, Id);
    if (Object != NULL)
    {
        Segment = CONTAINING_RECORD(Object, LX_SHM_SEGMENT, Ipc);
        Segment->AttachTime = LxIpcNow();
        Segment->LastPid = Process->Pid;
    }
    ExReleaseFastMutex(&LxIpcLock);
    return (LONG)Base;
}

LONG
LxShmdt(
    _In_ ULONG_PTR Address)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLIST_ENTRY Entry;
    PLX_IPC_OBJECT Object;
    LONG Id = -1;

    ExAcquireFastMutex(&Process->MmLock);
    for (Entry = Process->Regions.Flink; Entry != &Process->Regions; Entry = Entry->Flink)
    {
        PLX_REGION Region = CONTAINING_RECORD(Entry, LX_REGION, Link);

        if (Region->Base == Address && Region->ShmId >= 0 && Region->Shared != NULL)
        {
            Id = Region->ShmId;
            LxUnmapShared(Process, Region);
            break;
        }
    }
    ExReleaseFastMutex(&Process->MmLock);
    if (Id < 0)
        return -LX_EINVAL;

    ExAcquireFastMutex(&LxIpcLock);
    Object = LxIpcOf(&LxSegments, Id);
    if (Object != NULL)
    {
        PLX_SHM_SEGMENT Segment = CONTAINING_RECORD(Object, LX_SHM_SEGMENT, Ipc);

        Segment->DetachTime = LxIpcNow();
        Segment->LastPid = Process->Pid;
    }
    LxShmSweepLocked();
    ExReleaseFastMutex(&LxIpcLock);
    return 0;
}

LONG
LxShmctl(
    _In_ LONG Id,
    _In_ LONG Cmd,
    _In_ ULONG_PTR Buf)
{
    PLX_IPC_OBJECT Object;
    PLX_SHM_SEGMENT Segment;
    LX_SHMID64 Ds;
    LONG Result = 0;

    /* the C libraries pass IPC_64; the old layouts are not spoken */
    if (!(Cmd & LX_IPC_64) && Cmd != LX_IPC_RMID && Cmd != LX_SHM_LOCK && Cmd != LX_SHM_UNLOCK)
        return -LX_EINVAL;
    Cmd &= ~LX_IPC_64;
    if (Cmd != LX_IPC_STAT && Cmd != LX_IPC_SET && Cmd != LX_IPC_RMID && Cmd != LX_SHM_LOCK &&
        Cmd != LX_SHM_UNLOCK)
        return -LX_EINVAL;
    if (Cmd == LX_IPC_SET)
    {
        Result = LxCopyFromUser(&Ds, Buf, sizeof(Ds));
        if (Result < 0)
            return Result;
    }
    LxShmSweep();
    Object = LxIpcLockObject(&LxSegments, Id);
    if (Object == NULL)
        return -LX_EINVAL;
    Segment = CONTAINING_RECORD(Object, LX_SHM_SEGMENT, Ipc);
    switch (Cmd)
    {
        case LX_IPC_STAT:
            RtlZeroMemory(&Ds, sizeof(Ds));
            LxIpcPerm(Object, &Ds.Perm);
            Ds.Perm.Mode = (USHORT)((Object->Mode & ~LX_SHM_LOCKED) |
                                    (Segment->Locked ? LX_SHM_LOCKED : 0));
            Ds.SegSz = (ULONG)Segment->SegSize;
            Ds.ATime = (ULONG)Segment->AttachTime;
            Ds.ATimeHigh = (ULONG)(Segment->AttachTime >> 32);
            Ds.DTime = (ULONG)Segment->DetachTime;
            Ds.DTimeHigh = (ULONG)(Segment->DetachTime >> 32);
            Ds.CTime = (ULONG)Object->ChangeTime;
            Ds.CTimeHigh = (ULONG)(Object->ChangeTime >> 32);
            Ds.CPid = (LONG)Segment->CreatorPid;
            Ds.LPid = (LONG)Segment->LastPid;
            Ds.NAttch = (ULONG)Segment->Memory->Attaches;
            break;

        case LX_IPC_SET:
            Result = LxIpcMayControl(Object);
            if (Result == 0)
            {
                ULONG Dest = Object->Mode & LX_SHM_DEST;

                LxIpcControl(&LxSegments, Object, &Ds.Perm);
                Object->Mode |= Dest;
            }
            break;

        case LX_IPC_RMID:
            Result = LxIpcMayControl(Object);
            if (Result == 0)
            {
                /* gone now if nothing maps it, else when the last view goes */
                Object->Mode |= LX_SHM_DEST;
                Object->Key = LX_IPC_PRIVATE;
                LxShmSweepLocked();
            }
            break;

        default:
            /* SHM_LOCK / SHM_UNLOCK: NT keeps the pages where it likes */
            Result = LxIpcMayControl(Object);
            if (Result == 0)
                Segment->Locked = (Cmd == LX_SHM_LOCK);
            break;
    }
    ExReleaseFastMutex(&LxIpcLock);
    if (Result == 0 && Cmd == LX_IPC_STAT)
        Result = LxCopyToUser(Buf, &Ds, sizeof(Ds));
    return Result;
}

