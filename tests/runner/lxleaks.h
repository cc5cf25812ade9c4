/*
 * PROJECT:     lxss for ReactOS - in-guest test runner
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Leak accounting: what lxcore holds before the first test and after the last
 *
 * lxcore's own counters (IOCTL_LXSS_QUERY_COUNTERS): live processes, threads, mappings,
 * futex wait blocks and open file descriptions of each kind, judged like the tags below.
 * And two sources the kernel keeps anyway:
 *  - pool tracking by tag (NtQuerySystemInformation(SystemPoolTagInformation)): outstanding
 *    allocations (allocations - frees) and bytes of each lxcore tag (LX_TAG_* in nt/lxnt.h);
 *  - the System process's handle count: lxcore's kernel handles (OBJ_KERNEL_HANDLE) live in
 *    its table, beside ReactOS's own, so it is reported and not judged (a long test lets the
 *    system open a handle or two of its own).
 * Non-paged and paged pool pages are reported beside them. After the last test the runner
 * lets the ends of the processes settle (up to LXSS_LEAK_SETTLE_MS) and prints
 *     # leaks before: ...      # leaks after: ...
 *     # leak check: clean      or      # leak check: LEAK <what grew>
 * before its done line; `lxgen test` fails the run on a LEAK line. Tags that may
 * legitimately grow are reported, not judged: the Linux modes lxcore keeps for files that stay
 * on the disk, System V IPC objects (they live until IPC_RMID), shared memory and /dev/shm
 * names (until the last view and unlink).
 */

#ifndef _LXLEAKS_H_
#define _LXLEAKS_H_

#define LXSS_LEAK_SETTLE_MS     3000

static const struct
{
    ULONG Tag;
    PCSTR Name;
    BOOLEAN MustReturn;
} LeakTags[] =
{
    { 'pPxL', "processes", TRUE },
    { 'tPxL', "threads", TRUE },
    { 'fPxL', "files", TRUE },
    { 'iPxL', "images", TRUE },
    { 'rPxL', "regions", TRUE },
    { 'qPxL', "queued signals", TRUE },
    { 'xPxL', "temporary", TRUE },
    { 'nPxL', "sockets", TRUE },
    { 'mPxL', "kept modes", FALSE },
    { 'cPxL', "System V IPC", FALSE },
    { 'sPxL', "shared memory", FALSE },
};

typedef struct _LXSS_LEAK_SNAPSHOT
{
    BOOLEAN Valid;
    LONG Allocations[RTL_NUMBER_OF(LeakTags)];
    LONGLONG Bytes[RTL_NUMBER_OF(LeakTags)];
    ULONG SystemHandles;
    ULONG NonPagedPages;
    ULONG PagedPages;
    BOOLEAN HaveCounters;
    LXSS_COUNTERS Counters;
} LXSS_LEAK_SNAPSHOT, *PLXSS_LEAK_SNAPSHOT;

/* lxcore's counters, named; a file kind is judged by the total of all kinds */
static const struct
{
    PCSTR Name;
    ULONG Offset;
} LeakCounters[] =
{
    { "processes", FIELD_OFFSET(LXSS_COUNTERS, Processes) },
    { "threads", FIELD_OFFSET(LXSS_COUNTERS, Threads) },
    { "mappings", FIELD_OFFSET(LXSS_COUNTERS, Regions) },
    { "futex waiters", FIELD_OFFSET(LXSS_COUNTERS, FutexWaiters) },
    { "files", FIELD_OFFSET(LXSS_COUNTERS, Files) },
};

static ULONG
LeakCounter(const LXSS_LEAK_SNAPSHOT *Snapshot, ULONG c)
{
    return *(const ULONG *)((const UCHAR *)&Snapshot->Counters + LeakCounters[c].Offset);
}

/* Asks for a system information class whose size is not known in advance (heap buffer) */
static PVOID
QuerySystemTable(SYSTEM_INFORMATION_CLASS Class)
{
    ULONG Size = 64 * 1024, Needed = 0;
    NTSTATUS Status;
    PVOID Buffer;

    for (;;)
    {
        Buffer = RtlAllocateHeap(RtlGetProcessHeap(), 0, Size);
        if (Buffer == NULL)
            return NULL;
        Status = NtQuerySystemInformation(Class, Buffer, Size, &Needed);
        if (NT_SUCCESS(Status))
            return Buffer;
        RtlFreeHeap(RtlGetProcessHeap(), 0, Buffer);
        if (Status != STATUS_INFO_LENGTH_MISMATCH || Size >= 16 * 1024 * 1024)
            return NULL;
        Size = max(Size * 2, Needed + 4096);
    }
}

static VOID
TakeLeakSnapshot(PLXSS_LEAK_SNAPSHOT Snapshot, HANDLE Device)
{
    PSYSTEM_POOLTAG_INFORMATION Tags;
    PSYSTEM_PROCESS_INFORMATION Process;
    SYSTEM_PERFORMANCE_INFORMATION Performance;
    PVOID Processes;
    ULONG i, t;

    RtlZeroMemory(Snapshot, sizeof(*Snapshot));
    Snapshot->HaveCounters = Device != NULL &&
        NT_SUCCESS(LxIoctl(Device, IOCTL_LXSS_QUERY_COUNTERS, NULL, 0, &Snapshot->Counters,
                           sizeof(Snapshot->Counters)));
    Tags = QuerySystemTable(SystemPoolTagInformation);
    Processes = QuerySystemTable(SystemProcessInformation);
    if (Tags == NULL || Processes == NULL)
        goto Done;
    for (i = 0; i < Tags->Count; i++)
    {
        for (t = 0; t < RTL_NUMBER_OF(LeakTags); t++)
        {
            PSYSTEM_POOLTAG Entry = &Tags->TagInfo[i];

            if (Entry->TagUlong != LeakTags[t].Tag)
                continue;
            Snapshot->Allocations[t] += (LONG)(Entry->PagedAllocs - Entry->PagedFrees) +
                                        (LONG)(Entry->NonPagedAllocs - Entry->NonPagedFrees);
            Snapshot->Bytes[t] += (LONGLONG)Entry->PagedUsed + (LONGLONG)Entry->NonPagedUsed;
        }
    }
    /* the System process: the one whose parent is none, after the idle process */
    for (Process = Processes; ; Process = (PSYSTEM_PROCESS_INFORMATION)((PUCHAR)Process + Process->NextEntryOffset))
    {
        if (Process->UniqueProcessId != NULL && Process->InheritedFromUniqueProcessId == NULL)
        {
            Snapshot->SystemHandles = Process->HandleCount;
            break;
        }
        if (Process->NextEntryOffset == 0)
            break;
    }
    if (NT_SUCCESS(NtQuerySystemInformation(SystemPerformanceInformation, &Performance,
                                            sizeof(Performance), NULL)))
    {
        Snapshot->NonPagedPages = Performance.NonPagedPoolPages;
        Snapshot->PagedPages = Performance.PagedPoolPages;
    }
    Snapshot->Valid = TRUE;

Done:
    if (Tags != NULL)
        RtlFreeHeap(RtlGetProcessHeap(), 0, Tags);
    if (Processes != NULL)
        RtlFreeHeap(RtlGetProcessHeap(), 0, Processes);
}

/* Whether After holds more than Before of what must return (the settling loop's test) */
static BOOLEAN
LeakSnapshotGrew(const LXSS_LEAK_SNAPSHOT *Before, const LXSS_LEAK_SNAPSHOT *After)
{
    ULONG t;

    for (t = 0; t < RTL_NUMBER_OF(LeakTags); t++)
    {
        if (LeakTags[t].MustReturn && After->Allocations[t] > Before->Allocations[t])
            return TRUE;
    }
    for (t = 0; Before->HaveCounters && After->HaveCounters && t < RTL_NUMBER_OF(LeakCounters); t++)
    {
        if (LeakCounter(After, t) > LeakCounter(Before, t))
            return TRUE;
    }
    return FALSE;
}

static VOID
PrintLeakSnapshot(PCSTR When, const LXSS_LEAK_SNAPSHOT *Snapshot)
{
    CHAR Line[512];
    ULONG t, Used = 0;

    for (t = 0; t < RTL_NUMBER_OF(LeakTags) && Used < sizeof(Line) - 64; t++)
    {
        Used += _snprintf(Line + Used, sizeof(Line) - Used, "%s %ld (%I64d B), ", LeakTags[t].Name,
                          Snapshot->Allocations[t], Snapshot->Bytes[t]);
    }
    Line[sizeof(Line) - 1] = ANSI_NULL;
    TapPrint("# leaks %s: %sSystem handles %lu, non-paged pool %lu pages, paged pool %lu pages",
             When, Line, Snapshot->SystemHandles, Snapshot->NonPagedPages, Snapshot->PagedPages);
    if (!Snapshot->HaveCounters)
    {
        TapPrint("# lxcore counters %s: not available", When);
        return;
    }
    Used = 0;
    for (t = 0; t < RTL_NUMBER_OF(LeakCounters) && Used < sizeof(Line) - 64; t++)
        Used += _snprintf(Line + Used, sizeof(Line) - Used, "%s %lu, ", LeakCounters[t].Name,
                          LeakCounter(Snapshot, t));
    for (t = 0; t < Snapshot->Counters.KindCount && t < LXSS_COUNTER_KINDS && Used < sizeof(Line) - 32; t++)
        Used += _snprintf(Line + Used, sizeof(Line) - Used, "%.16s %lu, ", Snapshot->Counters.Kinds[t].Kind,
                          Snapshot->Counters.Kinds[t].Live);
    Line[sizeof(Line) - 1] = ANSI_NULL;
    TapPrint("# lxcore counters %s: %.*s", When, (int)(Used >= 2 ? Used - 2 : 0), Line);
}

/* After the last test: settles, prints both snapshots and the verdict */
static VOID
CheckLeaks(const LXSS_LEAK_SNAPSHOT *Before, HANDLE Device)
{
    LXSS_LEAK_SNAPSHOT After;
    LARGE_INTEGER Pause;
    CHAR Why[512];
    ULONG Waited, t, Used = 0;

    if (!Before->Valid)
    {
        TapPrint("# leak check: not made (the system information query failed)");
        return;
    }
    Pause.QuadPart = -100 * 10000LL;
    for (Waited = 0; ; Waited += 100)
    {
        TakeLeakSnapshot(&After, Device);
        if (!After.Valid || !LeakSnapshotGrew(Before, &After) || Waited >= LXSS_LEAK_SETTLE_MS)
            break;
        NtDelayExecution(FALSE, &Pause);
    }
    PrintLeakSnapshot("before", Before);
    PrintLeakSnapshot("after", &After);
    if (!After.Valid)
    {
        TapPrint("# leak check: not made (the system information query failed)");
        return;
    }
    Why[0] = ANSI_NULL;
    for (t = 0; t < RTL_NUMBER_OF(LeakTags) && Used < sizeof(Why) - 96; t++)
    {
        if (LeakTags[t].MustReturn && After.Allocations[t] > Before->Allocations[t])
        {
            Used += _snprintf(Why + Used, sizeof(Why) - Used, "%s +%ld (+%I64d B), ", LeakTags[t].Name,
                              After.Allocations[t] - Before->Allocations[t],
                              After.Bytes[t] - Before->Bytes[t]);
        }
    }
    for (t = 0; Before->HaveCounters && After.HaveCounters && t < RTL_NUMBER_OF(LeakCounters) &&
                Used < sizeof(Why) - 64; t++)
    {
        if (LeakCounter(&After, t) > LeakCounter(Before, t))
        {
            Used += _snprintf(Why + Used, sizeof(Why) - Used, "lxcore %s +%lu, ", LeakCounters[t].Name,
                              LeakCounter(&After, t) - LeakCounter(Before, t));
        }
    }
    Why[sizeof(Why) - 1] = ANSI_NULL;
    if (Used == 0)
        TapPrint("# leak check: clean (settled after %lu ms)", Waited);
    else
        TapPrint("# leak check: LEAK %.*s", (int)(Used - 2), Why);
}

#endif /* _LXLEAKS_H_ */
