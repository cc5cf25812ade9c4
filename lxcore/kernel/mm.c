/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Address space of a Linux process: image, brk area and stack reservations,
 *              stack growth on faults, NT protections for Linux PROT_* bits
 *
 * NT reserves address space in 64 KiB units and commits in 4 KiB pages; Linux programs see
 * 4 KiB pages. lxcore therefore reserves 64 KiB aligned spans and commits exactly the pages a
 * mapping covers, so an access beyond a mapping still faults. Protections of private memory
 * are changed by committing again with the new protection (NtAllocateVirtualMemory(MEM_COMMIT)
 * on committed pages changes their protection); views of a file's section with
 * ZwProtectVirtualMemory.
 */

#include "lxkernel.h"

#define NDEBUG
#include <debug.h>

static LONG LxLiveRegions;

/* The memory of an LX_REGION, counted (IOCTL_LXSS_QUERY_COUNTERS), zeroed: no name, no view */
PLX_REGION
LxMmAllocateRegion(VOID)
{
    PLX_REGION Region = LxAllocateCounted(sizeof(LX_REGION), LX_TAG_REGION, &LxLiveRegions);

    if (Region != NULL)
        RtlZeroMemory(Region, sizeof(*Region));
    return Region;
}

VOID
LxMmFreeRegion(
    _In_ PLX_REGION Region)
{
    LxFreeCounted(Region, LX_TAG_REGION, &LxLiveRegions);
}

ULONG
LxMmRegionCount(VOID)
{
    return (ULONG)LxLiveRegions;
}

ULONG
LxNtProtection(
    _In_ ULONG LinuxProt)
{
    switch (LinuxProt & (LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC))
    {
        case LX_PROT_NONE:
            return PAGE_NOACCESS;
        case LX_PROT_READ:
            return PAGE_READONLY;
        case LX_PROT_WRITE:
        case LX_PROT_READ | LX_PROT_WRITE:
            return PAGE_READWRITE;
        case LX_PROT_EXEC:
            return PAGE_EXECUTE;
        case LX_PROT_READ | LX_PROT_EXEC:
            return PAGE_EXECUTE_READ;
        default:
            return PAGE_EXECUTE_READWRITE;
    }
}

/* One virtual memory operation on [Base, Base + Size) of a process: MEM_RESERVE or MEM_COMMIT
 * (with Protect), MEM_DECOMMIT or MEM_RELEASE (Size 0 for the whole reservation) */
NTSTATUS
LxVmOperation(
    _In_ HANDLE ProcessHandle,
    _In_ ULONG_PTR Base,
    _In_ SIZE_T Size,
    _In_ ULONG Type,
    _In_ ULONG Protect)
{
    PVOID Address = (PVOID)Base;
    SIZE_T RegionSize = Size;

    if (Type == MEM_DECOMMIT || Type == MEM_RELEASE)
        return ZwFreeVirtualMemory(ProcessHandle, &Address, &RegionSize, Type);
    return ZwAllocateVirtualMemory(ProcessHandle, &Address, 0, &RegionSize, Type, Protect);
}

LONG
LxMmInitializeProcess(
    _In_ PLX_PROCESS Process,
    _In_ HANDLE ProcessHandle,
    _In_ const lx_load_plan *Plan,
    _In_ ULONG_PTR StackTop)
{
    NTSTATUS Status;

    PAGED_CODE();

    /* The image: one reservation, every page of every segment committed read/write for the
     * copy; the loader sets the final protections afterwards. */
    Status = LxVmOperation(ProcessHandle, Plan->reserve_start,
                           Plan->reserve_end - Plan->reserve_start, MEM_RESERVE, PAGE_READWRITE);
    if (!NT_SUCCESS(Status))
    {
        DbgPrint("lxss: cannot reserve the image at 0x%08lx-0x%08lx, status 0x%08lx\n",
                 Plan->reserve_start, Plan->reserve_end, Status);
        return -LX_ENOMEM;
    }
    Status = LxVmOperation(ProcessHandle, Plan->image_start, Plan->image_end - Plan->image_start,
                           MEM_COMMIT, PAGE_READWRITE);
    if (!NT_SUCCESS(Status))
        return -LX_ENOMEM;

    /* brk: starts right after the image; pages up to the end of the image's 64 KiB block
     * are inside the image reservation, the rest in a reservation of its own. */
    Process->Layout.ImageReserveStart = Plan->reserve_start;
    Process->Layout.ImageReserveEnd = Plan->reserve_end;
    Process->Layout.BrkStart = Process->Layout.BrkCurrent = Plan->brk_start;
    Process->Layout.DataSize = Plan->data_size;
    if (Plan->reserve_end + LX_BRK_RESERVE < StackTop - LX_STACK_RESERVE &&
        NT_SUCCESS(LxVmOperation(ProcessHandle, Plan->reserve_end, LX_BRK_RESERVE, MEM_RESERVE,
                                 PAGE_READWRITE)))
    {
        Process->Layout.BrkRegionBase = Plan->reserve_end;
        Process->Layout.BrkLimit = Plan->reserve_end + LX_BRK_RESERVE;
    }
    else
    {
        Process->Layout.BrkRegionBase = 0;
        Process->Layout.BrkLimit = Plan->reserve_end;
    }

    /* The stack: 8 MiB reserved below StackTop, the top committed, the rest on faults. */
    Status = LxVmOperation(ProcessHandle, StackTop - LX_STACK_RESERVE, LX_STACK_RESERVE,
                           MEM_RESERVE, PAGE_READWRITE);
    if (!NT_SUCCESS(Status))
    {
        DbgPrint("lxss: cannot reserve the stack, status 0x%08lx\n", Status);
        return -LX_ENOMEM;
    }
    Status = LxVmOperation(ProcessHandle, StackTop - LX_STACK_INITIAL_COMMIT,
                           LX_STACK_INITIAL_COMMIT, MEM_COMMIT, LxNtProtection(Plan->stack_prot));
    if (!NT_SUCCESS(Status))
        return -LX_ENOMEM;
    Process->Layout.StackTop = StackTop;
    Process->Layout.StackReserveBase = StackTop - LX_STACK_RESERVE;
    Process->Layout.StackCommitLow = StackTop - LX_STACK_INITIAL_COMMIT;
    return 0;
}

LONG
LxMmReserveInterpreter(
    _In_ PLX_PROCESS Process,
    _In_ HANDLE ProcessHandle,
    _In_ PCSTR Name,
    _In_ const lx_load_plan *Plan)
{
    PLX_REGION Region;
    NTSTATUS Status;

    PAGED_CODE();

    Region = LxMmAllocateRegion();
    if (Region == NULL)
        return -LX_ENOMEM;
    Status = LxVmOperation(ProcessHandle, Plan->reserve_start,
                           Plan->reserve_end - Plan->reserve_start, MEM_RESERVE, PAGE_READWRITE);
    if (NT_SUCCESS(Status))
    {
        Status = LxVmOperation(ProcessHandle, Plan->image_start,
                               Plan->image_end - Plan->image_start, MEM_COMMIT, PAGE_READWRITE);
        if (!NT_SUCCESS(Status))
            LxVmOperation(ProcessHandle, Plan->reserve_start, 0, MEM_RELEASE, 0);
    }
    if (!NT_SUCCESS(Status))
    {
        DbgPrint("lxss: cannot reserve the interpreter at 0x%08lx-0x%08lx, status 0x%08lx\n",
                 Plan->reserve_start, Plan->reserve_end, Status);
        LxMmFreeRegion(Region);
        return -LX_ENOMEM;
    }
    RtlZeroMemory(Region, sizeof(*Region));
    Region->Base = Plan->reserve_start;
    Region->Size = Plan->reserve_end - Plan->reserve_start;
    Region->MappedStart = Plan->image_start;
    Region->MappedEnd = Plan->image_end;
    Region->ShmId = -1;
    RtlStringCbCopyA(Region->Name, sizeof(Region->Name), Name);
    ExAcquireFastMutex(&Process->MmLock);
    InsertTailList(&Process->Regions, &Region->Link);
    ExReleaseFastMutex(&Process->MmLock);
    return 0;
}

/* Called for an access violation of a pico thread: grows the stack when the address is in
 * the reserved part below the committed part. Returns TRUE when the access can be retried. */
BOOLEAN
LxMmHandleFault(
    _In_ PLX_PROCESS Process,
    _In_ ULONG_PTR Address)
{
    ULONG_PTR NewLow;
    NTSTATUS Status;
    BOOLEAN Handled = FALSE;

    if (KeGetCurrentIrql() != PASSIVE_LEVEL)
        return FALSE;

    ExAcquireFastMutex(&Process->MmLock);
    if (Address >= Process->Layout.StackReserveBase && Address < Process->Layout.StackCommitLow)
    {
        /* commit down to the faulting page plus 64 KiB of slack */
        NewLow = Address & ~(ULONG_PTR)(PAGE_SIZE - 1);
        NewLow = (NewLow - Process->Layout.StackReserveBase > 0x10000) ? NewLow - 0x10000 :
                                                                  Process->Layout.StackReserveBase;
        Status = LxVmOperation(NtCurrentProcess(), NewLow, Process->Layout.StackCommitLow - NewLow,
                               MEM_COMMIT, PAGE_READWRITE);
        if (NT_SUCCESS(Status))
        {
            Process->Layout.StackCommitLow = NewLow;
            Handled = TRUE;
        }
    }
    ExReleaseFastMutex(&Process->MmLock);
    return Handled;
}

/* Whether Address lies in a mapping with no file bytes behind it: its fault is SIGBUS, as
 * Linux's for a page past a mapped file's end */
BOOLEAN
LxMmPastEnd(
    _In_ PLX_PROCESS Process,
    _In_ ULONG_PTR Address)
{
    PLIST_ENTRY Entry;
    BOOLEAN PastEnd = FALSE;

    if (KeGetCurrentIrql() != PASSIVE_LEVEL)
        return FALSE;
    ExAcquireFastMutex(&Process->MmLock);
    for (Entry = Process->Regions.Flink; Entry != &Process->Regions; Entry = Entry->Flink)
    {
        PLX_REGION Region = CONTAINING_RECORD(Entry, LX_REGION, Link);

        if (Region->PastEnd && Address >= Region->MappedStart && Address < Region->MappedEnd)
        {
            PastEnd = TRUE;
            break;
        }
    }
    ExReleaseFastMutex(&Process->MmLock);
    return PastEnd;
}

VOID
LxMmCleanupProcess(
    _In_ PLX_PROCESS Process)
{
    /* The address space goes away with the NT process; only the bookkeeping is ours. */
    LxMmDetachShared(Process);
    while (!IsListEmpty(&Process->Regions))
    {
        PLIST_ENTRY Entry = RemoveHeadList(&Process->Regions);
        LxMmFreeRegion(CONTAINING_RECORD(Entry, LX_REGION, Link));
    }
}

/*
 * Shared memory: a pagefile-backed section (SEC_COMMIT) of a page multiple, mapped as a view
 * wherever a process attaches it (shmat, mmap MAP_SHARED | MAP_ANONYMOUS) and again in each
 * fork child, so that all of them see the same pages. Views start on 64 KiB boundaries as NT
 * wants; the rest of the last 64 KiB unit stays unused, like a private mapping's.
 */
LONG
LxSharedMemoryCreate(
    _In_ SIZE_T Size,
    _Out_ PLX_SHARED_MEMORY *Shared)
{
    OBJECT_ATTRIBUTES Attributes;
    LARGE_INTEGER MaximumSize;
    PLX_SHARED_MEMORY Memory;
    HANDLE Handle;
    NTSTATUS Status;

    *Shared = NULL;
    Memory = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Memory), LX_TAG_SHARED);
    if (Memory == NULL)
        return -LX_ENOMEM;
    InitializeObjectAttributes(&Attributes, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    MaximumSize.QuadPart = Size;
    Status = ZwCreateSection(&Handle, SECTION_ALL_ACCESS, &Attributes, &MaximumSize,
                             PAGE_READWRITE, SEC_COMMIT, NULL);
    if (NT_SUCCESS(Status))
    {
        Status = ObReferenceObjectByHandle(Handle, SECTION_ALL_ACCESS, MmSectionObjectType,
                                           KernelMode, &Memory->Section, NULL);
        ZwClose(Handle);
    }
    if (!NT_SUCCESS(Status))
    {
        DbgPrint("lxss: cannot create %lu bytes of shared memory, status 0x%08lx\n",
                 (ULONG)Size, Status);
        ExFreePoolWithTag(Memory, LX_TAG_SHARED);
        return -LX_ENOMEM;
    }
    Memory->RefCount = 1;
    Memory->Attaches = 0;
    Memory->Size = Size;
    Memory->Key = Memory;
    Memory->File = FALSE;
    *Shared = Memory;
    return 0;
}

/*
 * A file's bytes as shared memory (MAP_SHARED of a file): a data section of the file object
 * behind FileHandle, Size bytes (the file's size now, not 0). The cache manager reads and
 * writes the file through the same section pages, so views and read()/write() see the same
 * bytes. The section may be mapped with any protection: the Linux rules (no writable view of
 * a file not opened for writing) are the caller's.
 */
LONG
LxSharedMemoryFromFile(
    _In_ HANDLE FileHandle,
    _In_ ULONGLONG Size,
    _Out_ PLX_SHARED_MEMORY *Shared)
{
    PLX_SHARED_MEMORY Memory;
    PFILE_OBJECT FileObject;
    LARGE_INTEGER MaximumSize;
    NTSTATUS Status;

    PAGED_CODE();

    *Shared = NULL;
    if (Size == 0 || Size > MAXULONG)
        return -LX_EOVERFLOW;
    Memory = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Memory), LX_TAG_SHARED);
    if (Memory == NULL)
        return -LX_ENOMEM;
    Status = ObReferenceObjectByHandle(FileHandle, 0, *IoFileObjectType, KernelMode,
                                       (PVOID *)&FileObject, NULL);
    if (NT_SUCCESS(Status))
    {
        /* by the file object: no handle access check (execute views of a file opened for
         * reading), and the size is the one given, the file is never extended */
        MaximumSize.QuadPart = (LONGLONG)Size;
        Status = MmCreateSection(&Memory->Section, SECTION_ALL_ACCESS, NULL, &MaximumSize,
                                 PAGE_EXECUTE_READWRITE, SEC_COMMIT, NULL, FileObject);
        Memory->Key = FileObject->SectionObjectPointer;
        ObDereferenceObject(FileObject);
    }
    if (!NT_SUCCESS(Status))
    {
        DbgPrint("lxss: cannot create a section of a file (%lu bytes), status 0x%08lx\n",
                 (ULONG)Size, Status);
        ExFreePoolWithTag(Memory, LX_TAG_SHARED);
        return LxStatusToErrno(Status);
    }
    Memory->RefCount = 1;
    Memory->Attaches = 0;
    Memory->Size = (SIZE_T)Size;
    Memory->File = TRUE;
    *Shared = Memory;
    return 0;
}

VOID
LxSharedMemoryDereference(
    _In_ PLX_SHARED_MEMORY Shared)
{
    if (InterlockedDecrement(&Shared->RefCount) != 0)
        return;
    ObDereferenceObject(Shared->Section);
    ExFreePoolWithTag(Shared, LX_TAG_SHARED);
}

/* Maps a view of Shared into Target (a process) at *Base (0: anywhere), protection Protect:
 * the whole of anonymous shared memory, or up to Length bytes of a file's from Offset (a
 * page multiple, inside the file). The view's size (a page multiple) in *ViewSize. */
static
NTSTATUS
LxMapView(
    _In_ PEPROCESS Target,
    _In_ PLX_SHARED_MEMORY Shared,
    _Inout_ PULONG_PTR Base,
    _In_ ULONGLONG ViewOffset,
    _In_ SIZE_T Length,
    _In_ ULONG Protect,
    _Out_ PSIZE_T ViewSize)
{
    PVOID View = (PVOID)*Base;
    SIZE_T Size = Shared->Size;
    LARGE_INTEGER Offset;
    NTSTATUS Status;

    /* a file's section: no further than the file's end (NT would refuse the view) */
    if (Shared->File)
        Size = (SIZE_T)min((ULONGLONG)Length, Shared->Size - ViewOffset);
    else
        ViewOffset = 0;

    /* ReactOS's ARM3 sections need the offset; anywhere means high, as Linux's mmap and
     * lxcore's private mappings place them */
    Offset.QuadPart = (LONGLONG)ViewOffset;
    Status = MmMapViewOfSection(Shared->Section, Target, &View, 0, 0, &Offset, &Size,
                                ViewUnmap, View == NULL ? MEM_TOP_DOWN : 0, Protect);
    if (NT_SUCCESS(Status))
    {
        *Base = (ULONG_PTR)View;
        *ViewSize = Shared->File ? ROUND_TO_PAGES(Size) : Shared->Size;
        InterlockedIncrement(&Shared->RefCount);
        InterlockedIncrement(&Shared->Attaches);
    }
    return Status;
}

/* Undoes LxMapView's accounting (the view itself is unmapped by the caller or by NT). */
static
VOID
LxForgetView(
    _Inout_ PLX_REGION Region)
{
    InterlockedDecrement(&Region->Shared->Attaches);
    LxSharedMemoryDereference(Region->Shared);
    Region->Shared = NULL;
}

/* A view of Shared in the calling Process (a region of its own): at Address when Fixed (free;
 * 64 KiB aligned for anonymous shared memory, a page for a file's), else there if possible,
 * else anywhere. A file's view covers Length bytes from Offset (inside the file: the caller
 * checks), anonymous memory's the whole of it. MaxProt: what mprotect may give it later; Name:
 * the file /proc/PID/maps names it by. The address in *Base, or -EINVAL (Fixed, unaligned) or
 * -ENOMEM. */
LONG
LxMapShared(
    _In_ PLX_PROCESS Process,
    _In_ PLX_SHARED_MEMORY Shared,
    _In_ ULONG_PTR Address,
    _In_ BOOLEAN Fixed,
    _In_ ULONG LinuxProt,
    _In_ ULONG MaxProt,
    _In_ LONG ShmId,
    _In_ ULONGLONG Offset,
    _In_ SIZE_T Length,
    _In_opt_ PCSTR Name,
    _Out_ PULONG_PTR Base)
{
    ULONG Protect = LxNtProtection(LinuxProt);
    ULONG_PTR Granularity = Shared->File ? PAGE_SIZE - 1 : 0xFFFF;
    SIZE_T Span = Shared->File ? Length : Shared->Size;
    SIZE_T ViewSize = 0;
    PLX_REGION Region;
    ULONG_PTR View = 0;
    NTSTATUS Status = STATUS_CONFLICTING_ADDRESSES;

    *Base = 0;
    /* only user space: MmMapViewOfSection called from the kernel would map a view anywhere,
     * page tables included */
    if (Address != 0 &&
        (Address < LX_USER_MIN_ADDRESS || Address + Span < Address ||
         Address + Span > LX_USER_LIMIT))
    {
        if (Fixed)
            return -LX_ENOMEM;
        Address = 0;
    }
    if (Fixed && (Address & Granularity))
        return -LX_EINVAL;
    Region = LxMmAllocateRegion();
    if (Region == NULL)
        return -LX_ENOMEM;
    ExAcquireFastMutex(&Process->MmLock);
    if (Address != 0 && (Address & Granularity) == 0)
    {
        View = Address;
        Status = LxMapView(Process->Process, Shared, &View, Offset, Length, Protect, &ViewSize);
    }
    if (!NT_SUCCESS(Status) && !Fixed)
    {
        View = 0;
        Status = LxMapView(Process->Process, Shared, &View, Offset, Length, Protect, &ViewSize);
    }
    if (!NT_SUCCESS(Status))
    {
        ExReleaseFastMutex(&Process->MmLock);
        LxMmFreeRegion(Region);
        return -LX_ENOMEM;
    }
    Region->Base = View;
    Region->Size = Shared->File ? ViewSize : (ViewSize + 0xFFFF) & ~(SIZE_T)0xFFFF;
    Region->MappedStart = View;
    Region->MappedEnd = View + ViewSize;
    Region->Shared = Shared;
    Region->SharedProtect = Protect;
    Region->MaxProt = MaxProt;
    Region->ViewSize = ViewSize;
    Region->ViewOffset = Shared->File ? Offset : 0;
    Region->ShmId = ShmId;
    if (Name != NULL)
        RtlStringCbCopyA(Region->Name, sizeof(Region->Name), Name);
    InsertTailList(&Process->Regions, &Region->Link);
    ExReleaseFastMutex(&Process->MmLock);
    *Base = View;
    return 0;
}

/* Unmaps a shared region of the calling Process and frees it (MmLock held). */
VOID
LxUnmapShared(
    _In_ PLX_PROCESS Process,
    _In_ PLX_REGION Region)
{
    MmUnmapViewOfSection(Process->Process, (PVOID)Region->Base);
    LxForgetView(Region);
    RemoveEntryList(&Region->Link);
    LxMmFreeRegion(Region);
}

/* The same view in Target (a fork child, TargetHandle) as Region has in the calling parent,
 * with the protections the parent's pages have now (mprotect and partial munmap of a
 * file's view change them page by page). */
LONG
LxMapSharedInto(
    _In_ PLX_PROCESS Target,
    _In_ HANDLE TargetHandle,
    _In_ PLX_REGION Region)
{
    ULONG_PTR View = Region->Base;
    SIZE_T ViewSize;
    NTSTATUS Status = LxMapView(Target->Process, Region->Shared, &View, Region->ViewOffset,
                                Region->ViewSize, Region->SharedProtect, &ViewSize);

    if (!NT_SUCCESS(Status) || View != Region->Base)
    {
        DbgPrint("lxss: fork: cannot map shared memory at 0x%08lx, status 0x%08lx\n",
                 Region->Base, Status);
        return -LX_ENOMEM;
    }
    if (!Region->Shared->File)
        return 0;
    return LxMmCopyProtections(TargetHandle, View, View + ViewSize, Region->SharedProtect, TRUE);
}

/* Gives Target's pages of [Start, End) the protections the calling process's have, where
 * they differ from Given (what Target has them at now): a view's through
 * ZwProtectVirtualMemory (View), private committed memory by committing it again with the
 * protection (a page the caller has committed PROT_NONE comes inaccessible, zero-filled). */
LONG
LxMmCopyProtections(
    _In_ HANDLE TargetHandle,
    _In_ ULONG_PTR Start,
    _In_ ULONG_PTR End,
    _In_ ULONG Given,
    _In_ BOOLEAN View)
{
    ULONG_PTR Address = Start;

    while (Address < End)
    {
        MEMORY_BASIC_INFORMATION Info;
        PVOID Base = (PVOID)Address;
        SIZE_T Size;
        ULONG Old;
        NTSTATUS Status;

        Status = ZwQueryVirtualMemory(NtCurrentProcess(), (PVOID)Address, MemoryBasicInformation,
                                      &Info, sizeof(Info), NULL);
        if (!NT_SUCCESS(Status) || Info.RegionSize == 0)
            return -LX_ENOMEM;
        Size = min((ULONG_PTR)Info.BaseAddress + Info.RegionSize, End) - Address;
        if (Info.State == MEM_COMMIT && Info.Protect != Given)
        {
            Status = View ? ZwProtectVirtualMemory(TargetHandle, &Base, &Size, Info.Protect, &Old) :
                            LxVmOperation(TargetHandle, Address, Size, MEM_COMMIT, Info.Protect);
            if (!NT_SUCCESS(Status))
                return -LX_ENOMEM;
        }
        Address += Size;
    }
    return 0;
}

/* New protections for [Start, End) of a view of the calling process: page by page for a
 * file's; anonymous shared memory keeps what it was mapped with (ARM3 does not change the
 * protection of section views), so another one is -EACCES. */
LONG
LxProtectView(
    _In_ PLX_REGION Region,
    _In_ ULONG_PTR Start,
    _In_ ULONG_PTR End,
    _In_ ULONG Protect)
{
    PVOID Base = (PVOID)Start;
    SIZE_T Size = End - Start;
    ULONG Old;
    NTSTATUS Status;

    if (!Region->Shared->File)
        return Protect == Region->SharedProtect ? 0 : -LX_EACCES;
    Status = ZwProtectVirtualMemory(NtCurrentProcess(), &Base, &Size, Protect, &Old);
    return NT_SUCCESS(Status) ? 0 : -LX_ENOMEM;
}

/* msync(MS_SYNC) of [Start, End) of a file's view in the calling process: its pages are
 * written to the file. Called at PASSIVE_LEVEL with no lock held (the writes are I/O). */
LONG
LxFlushView(
    _In_ ULONG_PTR Start,
    _In_ ULONG_PTR End)
{
    IO_STATUS_BLOCK IoStatus;
    PVOID Base = (PVOID)Start;
    SIZE_T Size = End - Start;
    NTSTATUS Status;

    PAGED_CODE();

    if (Start >= End)
        return 0;
    Status = ZwFlushVirtualMemory(NtCurrentProcess(), &Base, &Size, &IoStatus);
    return NT_SUCCESS(Status) ? 0 : -LX_EIO;
}

/* A process that ends or execs no longer attaches its shared memory (its views go with the
 * address space). */
VOID
LxMmDetachShared(
    _In_ PLX_PROCESS Process)
{
    PLIST_ENTRY Entry;

    for (Entry = Process->Regions.Flink; Entry != &Process->Regions; Entry = Entry->Flink)
    {
        PLX_REGION Region = CONTAINING_RECORD(Entry, LX_REGION, Link);

        if (Region->Shared != NULL)
            LxForgetView(Region);
    }
}

/* A kernel access to a not yet committed part of the stack reservation (a read() into a big
 * stack buffer the program has not touched yet) grows the stack like a user access would. */
BOOLEAN
NTAPI
LxMmUserFault(
    _In_ ULONG_PTR Address,
    _In_ SIZE_T Length)
{
    PLX_PROCESS Process = LxCurrentProcess();

    if (Process == NULL || Address + Length < Address)
        return FALSE;
    if (Address >= Process->Layout.StackCommitLow ||
        Address + Length <= Process->Layout.StackReserveBase)
        return FALSE;
    return LxMmHandleFault(Process, max(Address, Process->Layout.StackReserveBase));
}

/*
 * A view of shared memory in the calling process for the kernel to copy through (a view in
 * system space faults in ReactOS's ARM3 prototype PTE path, while views of the process work),
 * and its removal
 */
static
NTSTATUS
LxMapTemporaryView(
    _In_ PLX_SHARED_MEMORY Memory,
    _Out_ PULONG_PTR View)
{
    SIZE_T ViewSize = Memory->Size;
    LARGE_INTEGER Offset;
    PVOID Base = NULL;
    NTSTATUS Status;

    Offset.QuadPart = 0;
    Status = MmMapViewOfSection(Memory->Section, PsGetCurrentProcess(), &Base, 0, 0, &Offset, &ViewSize,
                                ViewUnmap, MEM_TOP_DOWN, PAGE_READWRITE);
    *View = (ULONG_PTR)Base;
    return Status;
}

static
VOID
LxUnmapTemporaryView(
    _In_ ULONG_PTR View)
{
    MmUnmapViewOfSection(PsGetCurrentProcess(), (PVOID)View);
}

/* Copies Length bytes between two places of the calling process's user memory */
static
LONG
LxCopyUserToUser(
    _In_ ULONG_PTR Destination,
    _In_ ULONG_PTR Source,
    _In_ SIZE_T Length)
{
    UCHAR Bounce[512];
    SIZE_T Done;
    LONG Result = 0;

    for (Done = 0; Done < Length && Result == 0; Done += sizeof(Bounce))
    {
        SIZE_T n = min(Length - Done, sizeof(Bounce));

        Result = LxCopyFromUser(Bounce, Source + Done, n);
        if (Result == 0)
            Result = LxCopyToUser(Destination + Done, Bounce, n);
    }
    return Result;
}

/* Copies between user memory and Length bytes of shared memory at Offset (ToUser: from
 * the memory to User) */
LONG
LxSharedMemoryCopy(
    _In_ PLX_SHARED_MEMORY Memory,
    _In_ SIZE_T Offset,
    _In_ ULONG_PTR User,
    _In_ SIZE_T Length,
    _In_ BOOLEAN ToUser)
{
    ULONG_PTR View;
    NTSTATUS Status;
    LONG Result;

    if (Length == 0)
        return 0;
    if (Memory == NULL || Offset + Length < Offset || Offset + Length > Memory->Size)
        return -LX_EIO;
    Status = LxMapTemporaryView(Memory, &View);
    if (!NT_SUCCESS(Status))
        return LxStatusToErrno(Status);
    Result = ToUser ? LxCopyUserToUser(User, View + Offset, Length) :
                      LxCopyUserToUser(View + Offset, User, Length);
    LxUnmapTemporaryView(View);
    return Result;
}

/*
 * Gives *Memory room for Size bytes: a larger one with the old bytes copied (views of the old
 * one keep it), none for 0; the bytes from Size on are zero afterwards.
 */
LONG
LxSharedMemoryResize(
    _Inout_ PLX_SHARED_MEMORY *Memory,
    _In_ SIZE_T Size)
{
    PLX_SHARED_MEMORY Old = *Memory, New;
    SIZE_T Rounded = ROUND_TO_PAGES(Size);
    ULONG_PTR OldView, NewView;
    NTSTATUS Status;
    LONG Result;

    if (Size == 0)
    {
        if (Old != NULL)
            LxSharedMemoryDereference(Old);
        *Memory = NULL;
        return 0;
    }
    if (Old != NULL && Rounded <= Old->Size)
    {
        /* shrinking (or growing within the pages): what lies past the end reads as zero */
        Status = LxMapTemporaryView(Old, &OldView);
        if (!NT_SUCCESS(Status))
            return LxStatusToErrno(Status);
        Result = LxZeroUser(OldView + Size, Old->Size - Size);
        LxUnmapTemporaryView(OldView);
        return Result;
    }
    Result = LxSharedMemoryCreate(Rounded, &New);
    if (Result < 0 || Old == NULL)
    {
        if (Result == 0)
            *Memory = New;
        return Result;
    }
    Status = LxMapTemporaryView(Old, &OldView);
    if (NT_SUCCESS(Status))
    {
        Status = LxMapTemporaryView(New, &NewView);
        if (NT_SUCCESS(Status))
        {
            Result = LxCopyUserToUser(NewView, OldView, Old->Size);
            LxUnmapTemporaryView(NewView);
        }
        LxUnmapTemporaryView(OldView);
    }
    if (!NT_SUCCESS(Status) || Result < 0)
    {
        LxSharedMemoryDereference(New);
        return NT_SUCCESS(Status) ? Result : LxStatusToErrno(Status);
    }
    LxSharedMemoryDereference(Old);
    *Memory = New;
    return 0;
}

/*
 * The key of a futex at Address: shared memory and the offset in it when Address lies in a
 * view of some (so that every process mapping it meets at the same futex; every mapping of a
 * file meets at the file's), else the process and the address
 */
VOID
LxMmFutexKey(
    _In_ PLX_PROCESS Process,
    _In_ ULONG_PTR Address,
    _Out_ PVOID *Object,
    _Out_ PULONG_PTR Offset)
{
    PLIST_ENTRY Link;

    *Object = Process;
    *Offset = Address;
    ExAcquireFastMutex(&Process->MmLock);
    for (Link = Process->Regions.Flink; Link != &Process->Regions; Link = Link->Flink)
    {
        PLX_REGION Region = CONTAINING_RECORD(Link, LX_REGION, Link);

        if (Region->Shared != NULL && Address >= Region->Base && Address - Region->Base < Region->Size)
        {
            *Object = Region->Shared->Key;
            *Offset = (ULONG_PTR)Region->ViewOffset + (Address - Region->Base);
            break;
        }
    }
    ExReleaseFastMutex(&Process->MmLock);
}
