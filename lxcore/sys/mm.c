/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: brk, mmap2, munmap, mprotect, madvise, mremap
 *
 * Anonymous and private file mappings are private NT memory: each mmap2 reserves a 64 KiB
 * aligned span and commits exactly the 4 KiB pages asked for (lxcore/kernel/mm.c explains why).
 * A private file mapping is a copy of the file's bytes. Shared mappings are views of a section,
 * which fork children map too (kernel/mm.c): anonymous ones (and /dev/zero's, /dev/shm's) of
 * pagefile-backed memory, unmapped whole and kept at the protection they were mapped with;
 * a file's of its data section, at any page, protected and unmapped page by page, written back
 * by msync.
 */

#include "lxsys.h"

#define NDEBUG
#include <debug.h>

#define LX_MAP_SHARED           0x01
#define LX_MAP_PRIVATE          0x02
#define LX_MAP_SHARED_VALIDATE  0x03
#define LX_MAP_TYPE             0x0f
#define LX_MAP_FIXED            0x10
#define LX_MAP_ANONYMOUS        0x20
#define LX_MAP_FIXED_NOREPLACE  0x100000

#define LX_MADV_DONTNEED        4

#define LX_MREMAP_MAYMOVE       1
#define LX_MREMAP_FIXED         2

#define LX_PAGE_ROUND_UP(x)     (((x) + PAGE_SIZE - 1) & ~(ULONG_PTR)(PAGE_SIZE - 1))
#define LX_64K_ROUND_UP(x)      (((x) + 0xFFFF) & ~(ULONG_PTR)0xFFFF)
#define LX_64K_ROUND_DOWN(x)    ((x) & ~(ULONG_PTR)0xFFFF)

static
NTSTATUS
LxVm(
    _In_ ULONG_PTR Base,
    _In_ SIZE_T Size,
    _In_ ULONG Type,
    _In_ ULONG Protect)
{
    return LxVmOperation(NtCurrentProcess(), Base, Size, Type, Protect);
}

static
VOID
LxInitPrivateRegion(
    _Out_ PLX_REGION Region,
    _In_ ULONG_PTR Base,
    _In_ SIZE_T Size,
    _In_ ULONG_PTR MappedStart,
    _In_ ULONG_PTR MappedEnd)
{
    RtlZeroMemory(Region, sizeof(*Region));
    Region->Base = Base;
    Region->Size = Size;
    Region->MappedStart = MappedStart;
    Region->MappedEnd = MappedEnd;
    Region->ShmId = -1;
}

/* [Start, End) of a private reservation is mapped again (MAP_FIXED, mremap in place). */
static
VOID
LxRegionMapped(
    _In_opt_ PLX_REGION Region,
    _In_ ULONG_PTR Start,
    _In_ ULONG_PTR End)
{
    if (Region == NULL || Region->Shared != NULL)
        return;
    if (Region->MappedStart == Region->MappedEnd)
    {
        Region->MappedStart = Start;
        Region->MappedEnd = End;
        return;
    }
    Region->MappedStart = min(Region->MappedStart, Start);
    Region->MappedEnd = max(Region->MappedEnd, End);
}

/* [Start, End) of a private reservation is unmapped: TRUE when nothing of it is left. The
 * bounds shrink from either end; a hole in the middle keeps the reservation (NT cannot
 * release part of one). */
static
BOOLEAN
LxRegionUnmapped(
    _Inout_ PLX_REGION Region,
    _In_ ULONG_PTR Start,
    _In_ ULONG_PTR End)
{
    if (Start <= Region->MappedStart && End >= Region->MappedEnd)
        return TRUE;
    if (Start <= Region->MappedStart && End > Region->MappedStart)
        Region->MappedStart = End;
    else if (End >= Region->MappedEnd && Start < Region->MappedEnd)
        Region->MappedEnd = Start;
    return FALSE;
}

/* The reservation (ours) that contains [Start, End), as [*Base, *Limit). */
static
BOOLEAN
LxFindReservation(
    _In_ PLX_PROCESS Process,
    _In_ ULONG_PTR Start,
    _In_ ULONG_PTR End,
    _Out_ PULONG_PTR Base,
    _Out_ PULONG_PTR Limit,
    _Out_opt_ PLX_REGION *Region)
{
    PLIST_ENTRY Entry;

    if (Region)
        *Region = NULL;
    for (Entry = Process->Regions.Flink; Entry != &Process->Regions; Entry = Entry->Flink)
    {
        PLX_REGION R = CONTAINING_RECORD(Entry, LX_REGION, Link);
        if (Start >= R->Base && End <= R->Base + R->Size)
        {
            *Base = R->Base;
            *Limit = R->Base + R->Size;
            if (Region)
                *Region = R;
            return TRUE;
        }
    }
    if (Process->Layout.BrkRegionBase && Start >= Process->Layout.BrkRegionBase &&
        End <= Process->Layout.BrkLimit)
    {
        *Base = Process->Layout.BrkRegionBase;
        *Limit = Process->Layout.BrkLimit;
        return TRUE;
    }
    if (Start >= Process->Layout.StackReserveBase && End <= Process->Layout.StackTop)
    {
        *Base = Process->Layout.StackReserveBase;
        *Limit = Process->Layout.StackTop;
        return TRUE;
    }
    if (Process->Layout.ImageReserveStart && Start >= Process->Layout.ImageReserveStart &&
        End <= Process->Layout.ImageReserveEnd)
    {
        *Base = Process->Layout.ImageReserveStart;
        *Limit = Process->Layout.ImageReserveEnd;
        return TRUE;
    }
    return FALSE;
}

/* Commits [Start, End) of the brk area, which may straddle the image reservation's tail and
 * the brk reservation. */
static
NTSTATUS
LxBrkCommit(
    _In_ PLX_PROCESS Process,
    _In_ ULONG_PTR Start,
    _In_ ULONG_PTR End,
    _In_ BOOLEAN Commit)
{
    ULONG_PTR Split = Process->Layout.ImageReserveEnd;
    NTSTATUS Status = STATUS_SUCCESS;

    if (Start >= End)
        return STATUS_SUCCESS;
    if (Start < Split)
    {
        ULONG_PTR PartEnd = min(End, Split);
        Status = Commit ? LxVm(Start, PartEnd - Start, MEM_COMMIT, PAGE_READWRITE) :
                          LxVm(Start, PartEnd - Start, MEM_DECOMMIT, 0);
        if (!NT_SUCCESS(Status))
            return Status;
        Start = PartEnd;
    }
    if (Start < End)
    {
        Status = Commit ? LxVm(Start, End - Start, MEM_COMMIT, PAGE_READWRITE) :
                          LxVm(Start, End - Start, MEM_DECOMMIT, 0);
    }
    return Status;
}

LONG
NTAPI
LxSysBrk(
    ULONG_PTR Brk)
{
    PLX_PROCESS Process = LxCurrentProcess();
    ULONG_PTR OldEnd, NewEnd, Result;

    ExAcquireFastMutex(&Process->MmLock);
    Result = Process->Layout.BrkCurrent;
    /* RLIMIT_DATA bounds the brk area plus the image's data, whichever way it moves
     * (Linux's check_data_rlimit); private mappings are not counted here */
    if (Brk >= Process->Layout.BrkStart && Brk <= Process->Layout.BrkLimit &&
        (ULONGLONG)(Brk - Process->Layout.BrkStart) + Process->Layout.DataSize <=
            Process->Limits.RlimitCur[LX_RLIMIT_DATA])
    {
        OldEnd = LX_PAGE_ROUND_UP(Process->Layout.BrkCurrent);
        NewEnd = LX_PAGE_ROUND_UP(Brk);
        if (NewEnd > OldEnd)
        {
            if (NT_SUCCESS(LxBrkCommit(Process, OldEnd, NewEnd, TRUE)))
                Process->Layout.BrkCurrent = Brk;
        }
        else
        {
            /* shrinking: give the pages back, so a later grow sees zeroes as on Linux */
            if (NewEnd < OldEnd)
                LxBrkCommit(Process, NewEnd, OldEnd, FALSE);
            Process->Layout.BrkCurrent = Brk;
        }
        Result = Process->Layout.BrkCurrent;
    }
    ExReleaseFastMutex(&Process->MmLock);
    /* Linux returns the (unchanged) current break on failure */
    return (LONG)Result;
}

/* Copies Length bytes of a file at Offset into user memory (a private file mapping); past
 * the end of the file the mapping stays zero, as on Linux. */
static
LONG
LxFillFromFile(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Address,
    _In_ SIZE_T Length,
    _In_ LONGLONG Offset)
{
    SIZE_T Done = 0;

    while (Done < Length)
    {
        LONGLONG Position = Offset + Done;
        LONG Got = LxFileRead(File, Address + Done, Length - Done, &Position);

        if (Got < 0)
            return Got;
        if (Got == 0)
            break;
        Done += (ULONG)Got;
    }
    return 0;
}

/* MAP_SHARED | MAP_ANONYMOUS: new shared memory of Length bytes, mapped here (fork children
 * map it too). MAP_FIXED needs a free, 64 KiB aligned address. */
static
LONG
LxMmapShared(
    _In_ PLX_PROCESS Process,
    _In_ ULONG_PTR Addr,
    _In_ SIZE_T Length,
    _In_ ULONG Prot,
    _In_ ULONG_PTR Flags)
{
    PLX_SHARED_MEMORY Shared;
    ULONG_PTR Base;
    LONG Result;

    Result = LxSharedMemoryCreate(Length, &Shared);
    if (Result < 0)
        return Result;
    Result = LxMapShared(Process, Shared, Addr, (Flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE)) != 0,
                         Prot, LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC, -1, 0, Length, NULL,
                         &Base);
    LxSharedMemoryDereference(Shared);      /* the view holds it now */
    return Result < 0 ? Result : (LONG)Base;
}

/* MAP_SHARED of a file whose bytes are shared memory: a view of a file's data section (any
 * page offset inside the file, at any page: coherent with read and write), or of /dev/shm's
 * memory (from offset 0). MAP_FIXED replaces what was mapped there, which must then leave
 * the range free (a view cannot go inside a private reservation). MayWrite: the file is open
 * for writing, so mprotect may add PROT_WRITE (the caller refused a writable mapping
 * otherwise); Name: the file's path for /proc/PID/maps. */
static
LONG
LxMmapView(
    _In_ PLX_PROCESS Process,
    _In_ PLX_SHARED_MEMORY Memory,
    _In_ ULONG_PTR Addr,
    _In_ SIZE_T Length,
    _In_ ULONG Prot,
    _In_ ULONG_PTR Flags,
    _In_ ULONG_PTR Pgoff,
    _In_ BOOLEAN MayWrite,
    _In_opt_ PCSTR Name)
{
    BOOLEAN Fixed = (Flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE)) != 0;
    ULONG MaxProt = LX_PROT_READ | LX_PROT_EXEC | (MayWrite ? LX_PROT_WRITE : 0);
    ULONG_PTR Base;
    LONG Result;

    if (!Memory->File && Pgoff != 0)
        return -LX_EINVAL;
    if (Fixed && Memory->File && (Flags & LX_MAP_FIXED_NOREPLACE) == 0)
        LxSysMunmap(Addr, Length);
    Result = LxMapShared(Process, Memory, Addr, Fixed, Prot, MaxProt, -1,
                         (ULONGLONG)Pgoff * PAGE_SIZE, Length, Name, &Base);
    if (Result == -LX_ENOMEM && (Flags & LX_MAP_FIXED_NOREPLACE))
        Result = -LX_EEXIST;
    return Result < 0 ? Result : (LONG)Base;
}

LONG
NTAPI
LxSysMmap2(
    ULONG_PTR Addr,
    ULONG_PTR Len,
    ULONG_PTR Prot,
    ULONG_PTR Flags,
    ULONG_PTR Fd,
    ULONG_PTR Pgoff)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLX_FILE File = NULL;
    PLX_SHARED_MEMORY Memory = NULL;
    PLX_REGION Region = NULL;
    ULONG_PTR Base, End, ResBase, ResLimit;
    SIZE_T Length;
    NTSTATUS Status;
    LONG Result;
    ULONG MapType = Flags & LX_MAP_TYPE;
    BOOLEAN Fixed = (Flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE)) != 0;
    BOOLEAN Inside, PastEnd = FALSE;
    PLX_REGION Found = NULL;

    if (Len == 0 || (Prot & ~(ULONG_PTR)(LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC)))
        return -LX_EINVAL;
    if (MapType != LX_MAP_SHARED && MapType != LX_MAP_PRIVATE &&
        MapType != LX_MAP_SHARED_VALIDATE)
        return -LX_EINVAL;
    if (Len > 0x7FFF0000)
        return -LX_ENOMEM;
    Length = LX_PAGE_ROUND_UP(Len);
    if (Fixed && (Addr & (PAGE_SIZE - 1)))
        return -LX_EINVAL;

    if (!(Flags & LX_MAP_ANONYMOUS))
    {
        File = LxGetFile(Process, (ULONG)Fd);
        if (File == NULL)
            return -LX_EBADF;
        Result = LxFileMmap(File, MapType != LX_MAP_PRIVATE, &Memory);
        if ((Result == LX_MMAP_SHARED || Result == LX_MMAP_EMPTY) && (Prot & LX_PROT_WRITE) &&
            (File->StatusFlags & LX_O_ACCMODE) != LX_O_RDWR)
        {
            /* as Linux: a writable shared mapping needs a file open for reading and writing */
            if (Result == LX_MMAP_SHARED)
                LxSharedMemoryDereference(Memory);
            LxDereferenceFile(File);
            return -LX_EACCES;
        }
        if (Result == LX_MMAP_SHARED && Memory->File &&
            (ULONGLONG)Pgoff * PAGE_SIZE >= Memory->Size)
        {
            LxSharedMemoryDereference(Memory);
            Result = LX_MMAP_EMPTY;
        }
        if (Result == LX_MMAP_EMPTY)
        {
            /* wholly past the file's end (an empty file too): mapped, but nothing there may
             * be touched (an inaccessible private mapping whose faults are SIGBUS) */
            Result = LX_MMAP_ANONYMOUS;
            Prot = LX_PROT_NONE;
            MapType = LX_MAP_PRIVATE;
            PastEnd = TRUE;
        }
        if (Result == LX_MMAP_SHARED)
        {
            BOOLEAN MayWrite = (File->StatusFlags & LX_O_ACCMODE) == LX_O_RDWR;

            Result = LxMmapView(Process, Memory, Addr, Length, (ULONG)Prot, Flags, Pgoff, MayWrite,
                                File->Path);
            LxSharedMemoryDereference(Memory);
            LxDereferenceFile(File);
            return Result;
        }
        if (Result == LX_MMAP_ANONYMOUS)
        {
            /* /dev/zero (or past a file's end): an anonymous mapping */
            LxDereferenceFile(File);
            File = NULL;
            Flags |= LX_MAP_ANONYMOUS;
        }
        else if (Result < 0)
        {
            LxDereferenceFile(File);
            return Result;
        }
        if (File != NULL && MapType != LX_MAP_PRIVATE && (Prot & LX_PROT_WRITE))
        {
            LxDereferenceFile(File);
            return -LX_ENODEV;  /* a file kind whose bytes can only be copied */
        }
    }

    if ((Flags & LX_MAP_ANONYMOUS) && MapType != LX_MAP_PRIVATE)
        return LxMmapShared(Process, Addr, Length, (ULONG)Prot, Flags);

    ExAcquireFastMutex(&Process->MmLock);
    if (Fixed)
    {
        End = Addr + Length;
        if (End < Addr || End > LX_USER_LIMIT || Addr < LX_USER_MIN_ADDRESS)
        {
            Result = -LX_ENOMEM;
            goto Done;
        }
        Inside = LxFindReservation(Process, Addr, End, &ResBase, &ResLimit, &Found);
        if (Inside && (Flags & LX_MAP_FIXED_NOREPLACE))
        {
            Result = -LX_EEXIST;
            goto Done;
        }
        if (Inside && Found != NULL && Found->Shared != NULL)
        {
            /* over shared memory: a whole view goes first; part of one cannot be replaced
             * (committing private pages inside a view corrupts it) */
            if (Addr != Found->Base || End < Found->Base + Found->ViewSize)
            {
                Result = -LX_ENOMEM;
                goto Done;
            }
            LxUnmapShared(Process, Found);
            Inside = FALSE;
        }
        if (Inside)
        {
            /* replace: fresh zero pages with the new protection */
            LxVm(Addr, Length, MEM_DECOMMIT, 0);
            Status = LxVm(Addr, Length, MEM_COMMIT, PAGE_READWRITE);
            if (!NT_SUCCESS(Status))
            {
                Result = -LX_ENOMEM;
                goto Done;
            }
            LxRegionMapped(Found, Addr, End);
            if (Found != NULL)
                Found->PastEnd = PastEnd;
            Base = Addr;
        }
        else
        {
            /* a new reservation covering the range (needs free, 64 KiB aligned space) */
            ResBase = LX_64K_ROUND_DOWN(Addr);
            ResLimit = LX_64K_ROUND_UP(End);
            Status = LxVm(ResBase, ResLimit - ResBase, MEM_RESERVE, PAGE_READWRITE);
            if (!NT_SUCCESS(Status))
            {
                /* partly inside something else: replacing across reservations is not
                 * supported */
                Result = (Flags & LX_MAP_FIXED_NOREPLACE) ? -LX_EEXIST : -LX_ENOMEM;
                goto Done;
            }
            Region = LxMmAllocateRegion();
            if (Region == NULL ||
                !NT_SUCCESS(LxVm(Addr, Length, MEM_COMMIT, PAGE_READWRITE)))
            {
                LxVm(ResBase, 0, MEM_RELEASE, 0);
                if (Region)
                    LxMmFreeRegion(Region);
                Result = -LX_ENOMEM;
                goto Done;
            }
            LxInitPrivateRegion(Region, ResBase, ResLimit - ResBase, Addr, End);
            InsertTailList(&Process->Regions, &Region->Link);
            Base = Addr;
        }
    }
    else
    {
        SIZE_T ReserveSize = LX_64K_ROUND_UP(Length);
        PVOID Address = NULL;

        /* a hint is honoured when it is 64 KiB aligned and free */
        if (Addr != 0 && (Addr & 0xFFFF) == 0 && Addr + ReserveSize > Addr &&
            Addr + ReserveSize <= LX_USER_LIMIT)
        {
            Address = (PVOID)Addr;
            Status = ZwAllocateVirtualMemory(NtCurrentProcess(), &Address, 0, &ReserveSize,
                                             MEM_RESERVE, PAGE_READWRITE);
            if (!NT_SUCCESS(Status))
                Address = NULL;
        }
        if (Address == NULL)
        {
            ReserveSize = LX_64K_ROUND_UP(Length);
            Status = ZwAllocateVirtualMemory(NtCurrentProcess(), &Address, 0, &ReserveSize,
                                             MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE);
            if (!NT_SUCCESS(Status))
            {
                Result = -LX_ENOMEM;
                goto Done;
            }
        }
        Base = (ULONG_PTR)Address;
        Region = LxMmAllocateRegion();
        if (Region == NULL || !NT_SUCCESS(LxVm(Base, Length, MEM_COMMIT, PAGE_READWRITE)))
        {
            LxVm(Base, 0, MEM_RELEASE, 0);
            if (Region)
                LxMmFreeRegion(Region);
            Result = -LX_ENOMEM;
            goto Done;
        }
        LxInitPrivateRegion(Region, Base, ReserveSize, Base, Base + Length);
        InsertTailList(&Process->Regions, &Region->Link);
    }

    if (File != NULL)
    {
        PLX_REGION Named = Region != NULL ? Region : Found;

        Result = LxFillFromFile(File, Base, Length, (LONGLONG)Pgoff * PAGE_SIZE);
        if (Result < 0)
            goto Done;
        /* /proc/PID/maps names a region by the first file mapped into it (ld.so maps a
           library whole, then its segments over that) */
        if (Named != NULL && Named->Name[0] == ANSI_NULL && File->Path != NULL)
            RtlStringCbCopyA(Named->Name, sizeof(Named->Name), File->Path);
    }
    if (Prot != (LX_PROT_READ | LX_PROT_WRITE))
        LxVm(Base, Length, MEM_COMMIT, LxNtProtection((ULONG)Prot));
    if (Region != NULL)
        Region->PastEnd = PastEnd;
    Result = (LONG)Base;

Done:
    ExReleaseFastMutex(&Process->MmLock);
    if (File != NULL)
        LxDereferenceFile(File);
    return Result;
}

LONG
NTAPI
LxSysMunmap(
    ULONG_PTR Addr,
    SIZE_T Len)
{
    PLX_PROCESS Process = LxCurrentProcess();
    PLIST_ENTRY Entry, Next;
    ULONG_PTR End;

    if ((Addr & (PAGE_SIZE - 1)) || Len == 0)
        return -LX_EINVAL;
    End = Addr + LX_PAGE_ROUND_UP(Len);
    if (End < Addr || End > LX_USER_LIMIT)
        return -LX_EINVAL;

    ExAcquireFastMutex(&Process->MmLock);
    for (Entry = Process->Regions.Flink; Entry != &Process->Regions; Entry = Next)
    {
        PLX_REGION R = CONTAINING_RECORD(Entry, LX_REGION, Link);
        ULONG_PTR S = max(Addr, R->Base), E = min(End, R->Base + R->Size);

        Next = Entry->Flink;
        if (S >= E)
            continue;
        if (R->Shared != NULL && !R->Shared->File)
        {
            /* a view of anonymous shared memory goes whole or not at all */
            if (S == R->Base && E >= R->Base + R->ViewSize)
                LxUnmapShared(Process, R);
            continue;
        }
        if (R->Shared != NULL)
        {
            /* a file's view goes when nothing of it is left; until then its unmapped pages
             * are inaccessible (NT cannot unmap part of a view) */
            if (LxRegionUnmapped(R, S, E))
                LxUnmapShared(Process, R);
            else
                LxProtectView(R, S, E, PAGE_NOACCESS);
            continue;
        }
        /* the reservation is rounded up to 64 KiB: it goes when what was mapped in it is
         * unmapped (a glibc thread stack, 8 MiB and a guard page, unmapped as it was
         * mapped, left its reservation behind until the address space ran out) */
        if (!LxRegionUnmapped(R, S, E))
        {
            LxVm(S, E - S, MEM_DECOMMIT, 0);
            continue;
        }
        LxVm(R->Base, 0, MEM_RELEASE, 0);
        RemoveEntryList(&R->Link);
        LxMmFreeRegion(R);
    }
    ExReleaseFastMutex(&Process->MmLock);
    /* unmapping what is not mapped is not an error on Linux */
    return 0;
}

LONG
NTAPI
LxSysMprotect(
    ULONG_PTR Start,
    SIZE_T Len,
    ULONG_PTR Prot)
{
    PLX_PROCESS Process = LxCurrentProcess();
    ULONG_PTR End, Addr;
    NTSTATUS Status;
    LONG Result = 0;

    if (Start & (PAGE_SIZE - 1))
        return -LX_EINVAL;
    if (Prot & ~(ULONG_PTR)(LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC | 0x01000000 |
                            0x02000000 /* PROT_GROWSDOWN/UP */))
        return -LX_EINVAL;
    End = Start + LX_PAGE_ROUND_UP(Len);
    if (End < Start || End > LX_USER_LIMIT)
        return -LX_ENOMEM;
    if (End == Start)
        return 0;

    /* Page by page range within each reservation: a commit cannot span two of them. The
     * image reservation and other NT allocations are handled by the commit failing. */
    ExAcquireFastMutex(&Process->MmLock);
    Addr = Start;
    while (Addr < End)
    {
        ULONG_PTR ResBase, ResLimit, PartEnd;
        PLX_REGION Region;

        if (LxFindReservation(Process, Addr, Addr + PAGE_SIZE, &ResBase, &ResLimit, &Region))
            PartEnd = min(End, ResLimit);
        else
            PartEnd = min(End, LX_64K_ROUND_UP(Addr + 1));
        if (Region != NULL && Region->Shared != NULL)
        {
            /* a shared mapping of a file not opened for writing cannot become writable */
            Result = (Prot & ~(ULONG_PTR)Region->MaxProt & 7) ? -LX_EACCES :
                     LxProtectView(Region, Addr, PartEnd, LxNtProtection((ULONG)Prot));
            if (Result < 0)
                break;
            Addr = PartEnd;
            continue;
        }
        Status = LxVm(Addr, PartEnd - Addr, MEM_COMMIT, LxNtProtection((ULONG)Prot));
        if (!NT_SUCCESS(Status))
        {
            Result = -LX_ENOMEM;
            break;
        }
        Addr = PartEnd;
    }
    ExReleaseFastMutex(&Process->MmLock);
    return Result;
}

LONG
NTAPI
LxSysMadvise(
    ULONG_PTR Start,
    SIZE_T Len,
    LONG Behavior)
{
    PLX_PROCESS Process = LxCurrentProcess();
    ULONG_PTR End, ResBase, ResLimit;

    if (Start & (PAGE_SIZE - 1))
        return -LX_EINVAL;
    End = Start + LX_PAGE_ROUND_UP(Len);
    if (End < Start)
        return -LX_EINVAL;

    if (Behavior == LX_MADV_DONTNEED && End > Start)
    {
        /* private anonymous memory reads back as zeroes afterwards */
        PLX_REGION Region;

        /* shared memory keeps its contents, as on Linux */
        ExAcquireFastMutex(&Process->MmLock);
        if (LxFindReservation(Process, Start, End, &ResBase, &ResLimit, &Region) &&
            (Region == NULL || Region->Shared == NULL))
        {
            LxVm(Start, End - Start, MEM_DECOMMIT, 0);
            LxVm(Start, End - Start, MEM_COMMIT, PAGE_READWRITE);
        }
        ExReleaseFastMutex(&Process->MmLock);
    }
    /* every other advice is only a hint: accepted and ignored */
    return 0;
}

LONG
NTAPI
LxSysMremap(
    ULONG_PTR Addr,
    ULONG_PTR OldLen,
    ULONG_PTR NewLen,
    ULONG_PTR Flags,
    ULONG_PTR NewAddr)
{
    ULONG_PTR OldSize = LX_PAGE_ROUND_UP(OldLen), NewSize = LX_PAGE_ROUND_UP(NewLen);
    PLX_PROCESS Process = LxCurrentProcess();
    ULONG_PTR ResBase, ResLimit;
    PLX_REGION Region;
    LONG Result;

    UNREFERENCED_PARAMETER(NewAddr);
    if ((Addr & (PAGE_SIZE - 1)) || NewLen == 0 ||
        (Flags & ~(ULONG_PTR)(LX_MREMAP_MAYMOVE | LX_MREMAP_FIXED)))
        return -LX_EINVAL;
    if (Flags & LX_MREMAP_FIXED)
        return -LX_EINVAL;  /* not supported */
    ExAcquireFastMutex(&Process->MmLock);
    if (LxFindReservation(Process, Addr, Addr + PAGE_SIZE, &ResBase, &ResLimit, &Region) &&
        Region != NULL && Region->Shared != NULL)
    {
        ExReleaseFastMutex(&Process->MmLock);
        return -LX_EINVAL;  /* shared memory is not resized or moved */
    }
    ExReleaseFastMutex(&Process->MmLock);

    if (NewSize <= OldSize)
    {
        if (NewSize < OldSize)
            LxSysMunmap(Addr + NewSize, OldSize - NewSize);
        return (LONG)Addr;
    }

    /* grow in place when the reservation has room */
    ExAcquireFastMutex(&Process->MmLock);
    if (LxFindReservation(Process, Addr, Addr + NewSize, &ResBase, &ResLimit, &Region) &&
        NT_SUCCESS(LxVm(Addr + OldSize, NewSize - OldSize, MEM_COMMIT, PAGE_READWRITE)))
    {
        LxRegionMapped(Region, Addr + OldSize, Addr + NewSize);
        ExReleaseFastMutex(&Process->MmLock);
        return (LONG)Addr;
    }
    ExReleaseFastMutex(&Process->MmLock);

    if (!(Flags & LX_MREMAP_MAYMOVE))
        return -LX_ENOMEM;

    /* move: a new anonymous mapping, copy, unmap the old one */
    Result = LxSysMmap2(0, NewSize, LX_PROT_READ | LX_PROT_WRITE,
                        LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, (ULONG_PTR)-1, 0);
    if (Result < 0 && Result > -4096)
        return Result;
    _SEH2_TRY
    {
        ProbeForRead((PVOID)Addr, OldSize, 1);
        RtlCopyMemory((PVOID)(ULONG_PTR)Result, (PVOID)Addr, OldSize);
    }
    _SEH2_EXCEPT(EXCEPTION_EXECUTE_HANDLER)
    {
        LxSysMunmap((ULONG_PTR)Result, NewSize);
        _SEH2_YIELD(return -LX_EFAULT);
    }
    _SEH2_END;
    LxSysMunmap(Addr, OldSize);
    return Result;
}

/* MS_SYNC writes the pages of a file's shared mappings in the range to the file; private
 * and anonymous memory have nowhere to go, and MS_ASYNC is nothing to do (as on Linux, where
 * dirty pages are tracked and written anyway). A range not wholly mapped is ENOMEM. */
LONG
NTAPI
LxSysMsync(
    ULONG_PTR Start,
    SIZE_T Len,
    LONG Flags)
{
    PLX_PROCESS Process = LxCurrentProcess();
    ULONG_PTR End, Addr;
    LONG Result = 0;

    if ((Start & (PAGE_SIZE - 1)) || (Flags & ~7) || ((Flags & 1) && (Flags & 4)))
        return -LX_EINVAL;  /* MS_ASYNC 1, MS_INVALIDATE 2, MS_SYNC 4 */
    End = Start + LX_PAGE_ROUND_UP(Len);
    if (End < Start || End > LX_USER_LIMIT)
        return -LX_ENOMEM;

    for (Addr = Start; Addr < End && Result == 0;)
    {
        ULONG_PTR ResBase, ResLimit, PartEnd;
        PLX_REGION Region;
        BOOLEAN FileView;

        ExAcquireFastMutex(&Process->MmLock);
        if (!LxFindReservation(Process, Addr, Addr + PAGE_SIZE, &ResBase, &ResLimit, &Region))
        {
            ExReleaseFastMutex(&Process->MmLock);
            return -LX_ENOMEM;
        }
        PartEnd = min(End, ResLimit);
        FileView = Region != NULL && Region->Shared != NULL && Region->Shared->File;
        ExReleaseFastMutex(&Process->MmLock);
        /* the writes happen at PASSIVE_LEVEL, with no lxcore lock held */
        if (FileView && (Flags & 4))
            Result = LxFlushView(Addr, PartEnd);
        Addr = PartEnd;
    }
    return Result;
}
