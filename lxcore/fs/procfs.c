/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     /proc: one table of entries (generated files and symbolic links), and the
 *              file kind of a generated file (its text made at open, read-only)
 *
 * A new /proc file is one entry here: a name (a prefix when it ends in '/') and either a
 * generator, which writes the file's text, or a link routine, which names the target and,
 * for /proc/self/fd/N, the description that opening it gives. An entry under /proc/self/ is
 * also every process's under /proc/<pid>/ (its generator and link are given that process);
 * entries marked Private only to who may signal it (Linux's ptrace access mode, in short).
 * /proc and /proc/<pid> are directories listed from the table and the live processes.
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

#define LX_PROC_TEXT_MAX    16384   /* a generated file's size at most (longer: cut) */
#define LX_PROC_SELF        "/proc/self/"

/* Writes the contents of a generated file of Process into Text (LX_PROC_TEXT_MAX bytes; text
 * or binary), returns their length */
typedef ULONG (*PLX_PROC_GENERATE)(_In_ PLX_PROCESS Process, _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text);
/* A link: its target in Target; with File, also the description opening it gives (or NULL
 * when the target is to be opened by path). Rest: the name after the entry's prefix. */
typedef LONG (*PLX_PROC_LINK)(_In_ PLX_PROCESS Process, _In_ PCSTR Rest,
                              _Out_writes_(Size) PCHAR Target, _In_ ULONG Size,
                              _Out_opt_ PLX_FILE *File);

typedef struct _LX_PROC_ENTRY
{
    PCSTR Name;
    PLX_PROC_GENERATE Generate;
    PLX_PROC_LINK Link;
    BOOLEAN Private;            /* another process's only to who may signal it */
} LX_PROC_ENTRY;

/* ---------------------------------------------------------------------------------------- */
/* Generators                                                                              */

static
ULONG
LxProcCpuinfo(
    _In_ PLX_PROCESS Process,
    _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text)
{
    int Regs[4];
    CHAR Vendor[13];
    ULONG Family, Model, Stepping;

    UNREFERENCED_PARAMETER(Process);
    __cpuid(Regs, 0);
    RtlCopyMemory(Vendor, &Regs[1], 4);
    RtlCopyMemory(Vendor + 4, &Regs[3], 4);
    RtlCopyMemory(Vendor + 8, &Regs[2], 4);
    Vendor[12] = ANSI_NULL;
    __cpuid(Regs, 1);
    Family = (Regs[0] >> 8) & 0xF;
    Model = (Regs[0] >> 4) & 0xF;
    Stepping = Regs[0] & 0xF;
    RtlStringCbPrintfA(Text, LX_PROC_TEXT_MAX,
                       "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %lu\n"
                       "model\t\t: %lu\nmodel name\t: i686 (lxss on ReactOS)\n"
                       "stepping\t: %lu\nflags\t\t: %s%s%s%s\nbogomips\t: 1000.00\n\n",
                       Vendor, Family, Model, Stepping,
                       (Regs[3] & (1 << 0)) ? "fpu " : "",
                       (Regs[3] & (1 << 4)) ? "tsc " : "",
                       (Regs[3] & (1 << 15)) ? "cmov " : "",
                       (Regs[3] & (1 << 25)) ? "sse" : "");
    return (ULONG)strlen(Text);
}

static
ULONG
LxProcMeminfo(
    _In_ PLX_PROCESS Process,
    _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text)
{
    SYSTEM_BASIC_INFORMATION Basic;
    SYSTEM_PERFORMANCE_INFORMATION Performance;
    ULONG TotalKb = 0, FreeKb = 0;

    UNREFERENCED_PARAMETER(Process);
    if (NT_SUCCESS(ZwQuerySystemInformation(SystemBasicInformation, &Basic, sizeof(Basic), NULL)))
        TotalKb = Basic.NumberOfPhysicalPages * (PAGE_SIZE / 1024);
    if (NT_SUCCESS(ZwQuerySystemInformation(SystemPerformanceInformation, &Performance,
                                            sizeof(Performance), NULL)))
        FreeKb = min(Performance.AvailablePages * (PAGE_SIZE / 1024), TotalKb);
    RtlStringCbPrintfA(Text, LX_PROC_TEXT_MAX,
                       "MemTotal:       %8lu kB\nMemFree:        %8lu kB\n"
                       "MemAvailable:   %8lu kB\nBuffers:               0 kB\n"
                       "Cached:                0 kB\nSwapTotal:             0 kB\n"
                       "SwapFree:              0 kB\n",
                       TotalKb, FreeKb, FreeKb);
    return (ULONG)strlen(Text);
}

/* 100 ns units as Linux's clock ticks (USER_HZ 100) */
#define LX_PROC_TICKS(Time) ((ULONGLONG)(Time).QuadPart / 100000ULL)
#define LX_PROC_MAX_CPUS    16

/* /proc/stat: each processor's time as NT counts it (kernel time includes idle time; its
 * DPCs are softirq, its interrupts irq), context switches, boot time, processes made */
static
ULONG
LxProcSystemStat(
    _In_ PLX_PROCESS Process,
    _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text)
{
    SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION Cpus[LX_PROC_MAX_CPUS];
    SYSTEM_PERFORMANCE_INFORMATION Performance;
    SYSTEM_TIMEOFDAY_INFORMATION TimeOfDay;
    ULONGLONG Rows[LX_PROC_MAX_CPUS + 1][5];    /* user, system, idle, irq, softirq */
    ULONG Length = 0, Count, i, j, Boot = 0, Switches = 0;
    PCHAR End = Text;
    size_t Left = LX_PROC_TEXT_MAX;

    UNREFERENCED_PARAMETER(Process);
    if (!NT_SUCCESS(ZwQuerySystemInformation(SystemProcessorPerformanceInformation, Cpus,
                                             sizeof(Cpus), &Length)))
        Length = 0;
    Count = Length / sizeof(Cpus[0]);
    if (NT_SUCCESS(ZwQuerySystemInformation(SystemPerformanceInformation, &Performance,
                                            sizeof(Performance), NULL)))
        Switches = Performance.ContextSwitches;
    if (NT_SUCCESS(ZwQuerySystemInformation(SystemTimeOfDayInformation, &TimeOfDay,
                                            sizeof(TimeOfDay), NULL)))
        RtlTimeToSecondsSince1970(&TimeOfDay.BootTime, &Boot);
    RtlZeroMemory(Rows[0], sizeof(Rows[0]));    /* row 0: the sum */
    for (i = 0; i < Count; i++)
    {
        ULONGLONG Kernel = LX_PROC_TICKS(Cpus[i].KernelTime), Idle = LX_PROC_TICKS(Cpus[i].IdleTime);

        Rows[i + 1][0] = LX_PROC_TICKS(Cpus[i].UserTime);
        Rows[i + 1][1] = Kernel - min(Kernel, Idle);
        Rows[i + 1][2] = Idle;
        Rows[i + 1][3] = LX_PROC_TICKS(Cpus[i].InterruptTime);
        Rows[i + 1][4] = LX_PROC_TICKS(Cpus[i].DpcTime);
        for (j = 0; j < 5; j++)
            Rows[0][j] += Rows[i + 1][j];
    }
    for (i = 0; i <= Count; i++)
    {
        CHAR Name[8] = "cpu ";

        if (i != 0)
            RtlStringCbPrintfA(Name, sizeof(Name), "cpu%lu", i - 1);
        RtlStringCbPrintfExA(End, Left, &End, &Left, 0,
                             "%s %I64u 0 %I64u %I64u 0 %I64u %I64u 0 0 0\n", Name, Rows[i][0],
                             Rows[i][1], Rows[i][2], Rows[i][3], Rows[i][4]);
    }
    RtlStringCbPrintfExA(End, Left, &End, &Left, 0,
                         "ctxt %lu\nbtime %lu\nprocesses %lu\nprocs_running 1\n"
                         "procs_blocked 0\n", Switches, Boot, LxLastPid() - 1);
    return (ULONG)(End - Text);
}

/* /proc/uptime: seconds since boot, and the processors' idle seconds */
static
ULONG
LxProcUptime(
    _In_ PLX_PROCESS Process,
    _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text)
{
    SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION Cpus[LX_PROC_MAX_CPUS];
    ULONGLONG Up = KeQueryInterruptTime() / 100000ULL, Idle = 0;
    ULONG Length = 0, i;

    UNREFERENCED_PARAMETER(Process);
    if (NT_SUCCESS(ZwQuerySystemInformation(SystemProcessorPerformanceInformation, Cpus,
                                            sizeof(Cpus), &Length)))
    {
        for (i = 0; i < Length / sizeof(Cpus[0]); i++)
            Idle += LX_PROC_TICKS(Cpus[i].IdleTime);
    }
    RtlStringCbPrintfA(Text, LX_PROC_TEXT_MAX, "%I64u.%02I64u %I64u.%02I64u\n", Up / 100, Up % 100,
                       Idle / 100, Idle % 100);
    return (ULONG)strlen(Text);
}

/* /proc/loadavg: NT keeps no load averages (0.00, partial); running/all tasks, last pid */
static
ULONG
LxProcLoadavg(
    _In_ PLX_PROCESS Process,
    _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text)
{
    UNREFERENCED_PARAMETER(Process);
    RtlStringCbPrintfA(Text, LX_PROC_TEXT_MAX, "0.00 0.00 0.00 1/%lu %lu\n",
                       LxProcessCount(), LxLastPid());
    return (ULONG)strlen(Text);
}

/* /proc/sys/fs/file-max: descriptions a user other than root may have open in all */
static
ULONG
LxProcFileMax(
    _In_ PLX_PROCESS Process,
    _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text)
{
    UNREFERENCED_PARAMETER(Process);
    RtlStringCbPrintfA(Text, LX_PROC_TEXT_MAX, "%lu\n", LxFileMax());
    return (ULONG)strlen(Text);
}

/* /proc/sys/fs/file-nr: open descriptions, free ones (0: none are kept), file-max */
static
ULONG
LxProcFileNr(
    _In_ PLX_PROCESS Process,
    _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text)
{
    UNREFERENCED_PARAMETER(Process);
    RtlStringCbPrintfA(Text, LX_PROC_TEXT_MAX, "%lu\t0\t%lu\n", LxFileCount(), LxFileMax());
    return (ULONG)strlen(Text);
}

/* /proc/self/auxv: the auxiliary vector exec gave, as Linux keeps it (mm->saved_auxv) */
static
ULONG
LxProcAuxv(
    _In_ PLX_PROCESS Process,
    _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text)
{
    ULONG Length = 0;

    C_ASSERT(sizeof(Process->Layout.Auxv) <= LX_PROC_TEXT_MAX);
    /* up to and with AT_NULL */
    while (Length < sizeof(Process->Layout.Auxv))
    {
        Length += 2 * sizeof(ULONG);
        if (Process->Layout.Auxv[Length / sizeof(ULONG) - 2] == 0)
            break;
    }
    RtlCopyMemory(Text, Process->Layout.Auxv, Length);
    return Length;
}

/* Process's memory from Start to End (cut at LX_PROC_TEXT_MAX): nothing if unreadable or gone */
static
ULONG
LxProcUserBytes(
    _In_ PLX_PROCESS Process,
    _In_ ULONG_PTR Start,
    _In_ ULONG_PTR End,
    _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text)
{
    KAPC_STATE ApcState;
    ULONG Length;

    if (Start == 0 || End <= Start)
        return 0;
    Length = (ULONG)min(End - Start, LX_PROC_TEXT_MAX);
    if (Process == LxCurrentProcess())
        return LxCopyFromUser(Text, Start, Length) == 0 ? Length : 0;
    if (Process->Process == NULL || KeReadStateEvent(&Process->ExitEvent))
        return 0;
    /* another process's: attached to it (Text is pool, seen from any address space) */
    KeStackAttachProcess((PKPROCESS)Process->Process, &ApcState);
    _SEH2_TRY
    {
        ProbeForRead((PVOID)Start, Length, 1);
        RtlCopyMemory(Text, (PVOID)Start, Length);
    }
    _SEH2_EXCEPT(EXCEPTION_EXECUTE_HANDLER)
    {
        Length = 0;
    }
    _SEH2_END;
    KeUnstackDetachProcess(&ApcState);
    return Length;
}

/* The name ps shows: the program's file name, 15 characters at most (Linux's comm) */
static
VOID
LxProcComm(
    _In_ PLX_PROCESS Process,
    _Out_writes_(16) PCHAR Comm)
{
    PCSTR Name = Process->ExecFn ? Process->ExecFn : "";
    PCSTR Slash = strrchr(Name, '/');

    RtlStringCbCopyNA(Comm, 16, Slash ? Slash + 1 : Name, 15);
}

/* R for the caller, Z for one that ended and is not reaped, T for a stopped one, S for the
 * others */
static
CHAR
LxProcState(
    _In_ PLX_PROCESS Process)
{
    if (Process == LxCurrentProcess())
        return 'R';
    if (KeReadStateEvent(&Process->ExitEvent))
        return 'Z';
    return Process->Stopped ? 'T' : 'S';
}

/* One line of /proc/<pid>/maps */
typedef struct _LX_PROC_MAP
{
    ULONG_PTR Start;
    ULONG_PTR End;
    PCSTR Perms;
    PCSTR Name;
    ULONG Offset;               /* in the file (a shared mapping of one) */
} LX_PROC_MAP;

#define LX_PROC_MAPS_MAX    256

/* /proc/<pid>/maps: the program's image, the brk area, the mappings and the stack, in
 * address order. Protections are not looked up page by page: the image shows r-xp, private
 * memory rw-p, shared memory rw-s (r--s mapped read-only). */
static
ULONG
LxProcMaps(
    _In_ PLX_PROCESS Process,
    _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text)
{
    LX_PROC_MAP *Maps;
    PLIST_ENTRY Entry;
    ULONG Count = 0, i, j, Used = 0;
    PCSTR Exe = Process->ExecFn ? Process->ExecFn : "";

    Maps = ExAllocatePoolWithTag(PagedPool, LX_PROC_MAPS_MAX * sizeof(*Maps), LX_TAG_TEMP);
    if (Maps == NULL)
        return 0;
    ExAcquireFastMutex(&Process->MmLock);
    if (Process->Layout.ImageReserveStart != 0)
    {
        Maps[Count++] = (LX_PROC_MAP){ Process->Layout.ImageReserveStart, Process->Layout.BrkStart,
                                       "r-xp", Exe };
    }
    if (Process->Layout.BrkCurrent > Process->Layout.BrkStart)
    {
        Maps[Count++] = (LX_PROC_MAP){ Process->Layout.BrkStart,
                                       (Process->Layout.BrkCurrent + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1),
                                       "rw-p", "[heap]" };
    }
    for (Entry = Process->Regions.Flink;
         Entry != &Process->Regions && Count < LX_PROC_MAPS_MAX - 1;
         Entry = Entry->Flink)
    {
        PLX_REGION Region = CONTAINING_RECORD(Entry, LX_REGION, Link);

        if (Region->Shared != NULL)
        {
            Maps[Count++] = (LX_PROC_MAP){ Region->MappedStart, Region->MappedEnd,
                                           (Region->SharedProtect == PAGE_READONLY ||
                                            Region->SharedProtect == PAGE_EXECUTE_READ) ?
                                               "r--s" : "rw-s",
                                           Region->Name,
                                           (ULONG)Region->ViewOffset +
                                               (Region->MappedStart - Region->Base) };
        }
        else if (Region->MappedEnd > Region->MappedStart)
            Maps[Count++] = (LX_PROC_MAP){ Region->MappedStart, Region->MappedEnd, "rw-p", Region->Name };
    }
    if (Process->Layout.StackCommitLow != 0)
        Maps[Count++] = (LX_PROC_MAP){ Process->Layout.StackCommitLow, Process->Layout.StackTop, "rw-p", "[stack]" };
    ExReleaseFastMutex(&Process->MmLock);

    /* in address order */
    for (i = 1; i < Count; i++)
    {
        for (j = i; j > 0 && Maps[j - 1].Start > Maps[j].Start; j--)
        {
            LX_PROC_MAP Swap = Maps[j];
            Maps[j] = Maps[j - 1];
            Maps[j - 1] = Swap;
        }
    }
    Text[0] = ANSI_NULL;
    for (i = 0; i < Count; i++)
    {
        if (!NT_SUCCESS(RtlStringCbPrintfA(Text + Used, LX_PROC_TEXT_MAX - Used,
                                           "%08lx-%08lx %s %08lx 00:00 0 %s%s\n",
                                           Maps[i].Start, Maps[i].End, Maps[i].Perms,
                                           Maps[i].Offset,
                                           Maps[i].Name[0] ? "                    " : "",
                                           Maps[i].Name)))
            break;
        Used += (ULONG)strlen(Text + Used);
    }
    ExFreePoolWithTag(Maps, LX_TAG_TEMP);
    return Used;
}

/* /proc/<pid>/stat: Linux's 52 fields; what lxcore does not count is 0 */
static
ULONG
LxProcStat(
    _In_ PLX_PROCESS Process,
    _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text)
{
    CHAR Comm[16];

    LxProcComm(Process, Comm);
    RtlStringCbPrintfA(Text, LX_PROC_TEXT_MAX,
                       "%lu (%s) %c %lu %lu %lu 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 %ld 0 0 0 0 "
                       "4294967295 %lu %lu %lu 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 %lu %lu "
                       "%lu %lu %lu 0\n",
                       Process->Pid, Comm, LxProcState(Process), Process->ParentPid,
                       LxProcessGroupOf(Process), LxSessionOf(Process), Process->ThreadCount,
                       (ULONG)Process->Layout.ImageReserveStart,
                       (ULONG)Process->Layout.ImageReserveEnd, (ULONG)Process->Layout.StackTop,
                       (ULONG)Process->Layout.BrkStart, (ULONG)Process->Layout.ArgStart,
                       (ULONG)Process->Layout.ArgEnd, (ULONG)Process->Layout.EnvStart,
                       (ULONG)Process->Layout.EnvEnd);
    return (ULONG)strlen(Text);
}

/* /proc/<pid>/status: the lines ps and top read */
static
ULONG
LxProcStatus(
    _In_ PLX_PROCESS Process,
    _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text)
{
    const lx_ids *User = &Process->Cred.User, *Group = &Process->Cred.Group;
    const lx_groups *Groups = &Process->Cred.Groups;
    CHAR Comm[16];
    CHAR State = LxProcState(Process);
    ULONG i, Used;

    LxProcComm(Process, Comm);
    RtlStringCbPrintfA(Text, LX_PROC_TEXT_MAX,
                       "Name:\t%s\nUmask:\t%04lo\nState:\t%c (%s)\nTgid:\t%lu\nNgid:\t0\n"
                       "Pid:\t%lu\nPPid:\t%lu\nTracerPid:\t0\nUid:\t%lu\t%lu\t%lu\t%lu\n"
                       "Gid:\t%lu\t%lu\t%lu\t%lu\nFDSize:\t%lu\nGroups:\t",
                       Comm, Process->Umask, State,
                       State == 'R' ? "running" : State == 'Z' ? "zombie" :
                       State == 'T' ? "stopped" : "sleeping",
                       Process->Pid, Process->Pid, Process->ParentPid,
                       User->real, User->effective, User->saved, User->fs,
                       Group->real, Group->effective, Group->saved, Group->fs,
                       (ULONG)LX_MAX_FDS);
    /* each supplementary group followed by a space, as Linux prints them */
    for (i = 0; i < Groups->count; i++)
    {
        Used = (ULONG)strlen(Text);
        RtlStringCbPrintfA(Text + Used, LX_PROC_TEXT_MAX - Used, "%lu ", Groups->gid[i]);
    }
    Used = (ULONG)strlen(Text);
    RtlStringCbPrintfA(Text + Used, LX_PROC_TEXT_MAX - Used, "\nThreads:\t%ld\n",
                       Process->ThreadCount);
    return (ULONG)strlen(Text);
}

/* /proc/self/cmdline: the argument strings, each with its NUL */
static
ULONG
LxProcCmdline(
    _In_ PLX_PROCESS Process,
    _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text)
{
    return LxProcUserBytes(Process, Process->Layout.ArgStart, Process->Layout.ArgEnd, Text);
}

/* /proc/self/environ: the environment strings exec gave, each with its NUL */
static
ULONG
LxProcEnviron(
    _In_ PLX_PROCESS Process,
    _Out_writes_(LX_PROC_TEXT_MAX) PCHAR Text)
{
    return LxProcUserBytes(Process, Process->Layout.EnvStart, Process->Layout.EnvEnd, Text);
}

/* ---------------------------------------------------------------------------------------- */
/* Links                                                                                   */

/* /proc/self/exe: the program's file (opened by path) */
static
LONG
LxProcExe(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Rest,
    _Out_writes_(Size) PCHAR Target,
    _In_ ULONG Size,
    _Out_opt_ PLX_FILE *File)
{
    UNREFERENCED_PARAMETER(Rest);
    if (File)
        *File = NULL;
    return NT_SUCCESS(RtlStringCbCopyA(Target, Size, Process->ExecFn)) ? 0 : -LX_ENAMETOOLONG;
}

/* /proc/self/fd/N: the description behind descriptor N */
static
LONG
LxProcFd(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Rest,
    _Out_writes_(Size) PCHAR Target,
    _In_ ULONG Size,
    _Out_opt_ PLX_FILE *File)
{
    PLX_FILE Found;
    ULONG Fd = 0;
    PCSTR p;
    LONG Result;

    if (File)
        *File = NULL;
    if (*Rest == ANSI_NULL)
        return -LX_ENOENT;
    for (p = Rest; *p; p++)
    {
        if (*p < '0' || *p > '9' || Fd > LX_MAX_FDS)
            return -LX_ENOENT;
        Fd = Fd * 10 + (*p - '0');
    }
    Found = LxGetFile(Process, Fd);
    if (Found == NULL)
        return -LX_ENOENT;
    Result = LxFileName(Found, Target, Size);
    if (Result == 0 && File != NULL)
        *File = Found;
    else
        LxDereferenceFile(Found);
    return Result;
}

static const LX_PROC_ENTRY LxProcEntries[] =
{
    { "/proc/cpuinfo", LxProcCpuinfo, NULL },
    { "/proc/loadavg", LxProcLoadavg, NULL },
    { "/proc/meminfo", LxProcMeminfo, NULL },
    { "/proc/self/auxv", LxProcAuxv, NULL, TRUE },
    { "/proc/self/cmdline", LxProcCmdline, NULL },
    { "/proc/self/environ", LxProcEnviron, NULL, TRUE },
    { "/proc/self/exe", NULL, LxProcExe, TRUE },
    { "/proc/self/fd/", NULL, LxProcFd, TRUE },
    { "/proc/self/maps", LxProcMaps, NULL, TRUE },
    { "/proc/self/stat", LxProcStat, NULL },
    { "/proc/self/status", LxProcStatus, NULL },
    { "/proc/stat", LxProcSystemStat, NULL },
    /* opened by name; no /proc/sys directory lists them (partial) */
    { "/proc/sys/fs/file-max", LxProcFileMax, NULL },
    { "/proc/sys/fs/file-nr", LxProcFileNr, NULL },
    { "/proc/uptime", LxProcUptime, NULL },
};

/* The process "/proc/<pid>" or "/proc/self" names (referenced) and what follows its
 * directory ("" for the directory itself, NULL if more than a directory of its own: the name
 * is not under it); NULL when the name is no process's or the pid is not alive */
static
PLX_PROCESS
LxProcProcessOf(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _Out_ PCSTR *Tail)
{
    ULONG Pid = 0;
    PCSTR p;

    *Tail = NULL;
    if (strncmp(Resolved, "/proc/", sizeof("/proc/") - 1) != 0)
        return NULL;
    p = Resolved + sizeof("/proc/") - 1;
    if (strncmp(p, "self", 4) == 0 && (p[4] == '/' || p[4] == ANSI_NULL))
    {
        *Tail = p[4] == '/' ? p + 5 : p + 4;
        LxReferenceProcess(Process);
        return Process;
    }
    if (*p < '1' || *p > '9')
        return NULL;
    for (; *p >= '0' && *p <= '9' && Pid < 0x10000000; p++)
        Pid = Pid * 10 + (*p - '0');
    if (*p != '/' && *p != ANSI_NULL)
        return NULL;
    *Tail = *p == '/' ? p + 1 : p;
    return LxLookupProcess(Pid);
}

/* The entry for Resolved, the rest of the name after a prefix entry, and the process whose
 * file it is (referenced: dereference it), or NULL */
static
const LX_PROC_ENTRY *
LxProcLookup(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _Out_ PCSTR *Rest,
    _Out_ PLX_PROCESS *Target)
{
    PCSTR Tail;
    ULONG i;

    *Target = NULL;
    if (strncmp(Resolved, "/proc/", sizeof("/proc/") - 1) != 0)
        return NULL;    /* every open asks: most names are not ours */
    *Target = LxProcProcessOf(Process, Resolved, &Tail);
    for (i = 0; i < RTL_NUMBER_OF(LxProcEntries); i++)
    {
        PCSTR Name = LxProcEntries[i].Name, Match = Resolved;
        SIZE_T Length;

        if (strncmp(Name, LX_PROC_SELF, sizeof(LX_PROC_SELF) - 1) == 0)
        {
            /* a process's entry: matched against what follows /proc/<pid>/ */
            if (*Target == NULL)
                continue;
            Name += sizeof(LX_PROC_SELF) - 1;
            Match = Tail;
        }
        else if (*Target != NULL)
        {
            continue;
        }
        Length = strlen(Name);
        if (Name[Length - 1] == '/' ? strncmp(Match, Name, Length) == 0 : strcmp(Match, Name) == 0)
        {
            *Rest = Match + Length;
            if (*Target == NULL)
            {
                LxReferenceProcess(Process);
                *Target = Process;
            }
            return &LxProcEntries[i];
        }
    }
    if (*Target != NULL)
        LxDereferenceProcess(*Target);
    *Target = NULL;
    return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* The generated file kind                                                                 */

typedef struct _LX_PROC_FILE
{
    ULONG Length;
    PCHAR Text;                 /* LX_PROC_TEXT_MAX bytes, paged pool */
} LX_PROC_FILE, *PLX_PROC_FILE;

static
VOID
LxProcFileRelease(
    _In_ PLX_FILE File)
{
    PLX_PROC_FILE Proc = File->Private;

    if (Proc->Text != NULL)
        ExFreePoolWithTag(Proc->Text, LX_TAG_FILE);
}

static
LONG
LxProcFileRead(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    PLX_PROC_FILE Proc = File->Private;
    LONGLONG Start;
    SIZE_T Done = 0;
    LONG Result = 0;

    ExAcquireFastMutex(&File->Lock);
    Start = Position ? *Position : File->Offset;
    if (Start < Proc->Length)
    {
        Done = (SIZE_T)min((LONGLONG)Count, Proc->Length - Start);
        Result = LxCopyToUser(Buffer, Proc->Text + Start, Done);
        if (Result < 0)
            Done = 0;
        else if (Position == NULL)
            File->Offset += Done;
    }
    ExReleaseFastMutex(&File->Lock);
    return Result < 0 ? Result : (LONG)Done;
}

static
LONG
LxProcFileSeek(
    _In_ PLX_FILE File,
    _In_ LONGLONG Offset,
    _In_ ULONG Whence,
    _Out_ PLONGLONG NewOffset)
{
    return LxSeekLocked(File, Offset, Whence, ((PLX_PROC_FILE)File->Private)->Length, NewOffset);
}

static
LONG
LxProcFileStat(
    _In_ PLX_FILE File,
    _Out_ struct _LX_STAT64 *St)
{
    St->StMode = LX_S_IFREG | 0444;
    St->StDev = 4;
    St->StIno = LxPathInode(File->Path);
    St->StIno32 = (ULONG)St->StIno;
    return 0;
}

static
LONG
LxProcFileStatfs(
    _In_ PLX_FILE File,
    _Out_ lx_statfs_info *Info)
{
    UNREFERENCED_PARAMETER(File);
    LxStatfsDefaults(Info, LX_PROC_SUPER_MAGIC);
    return 0;
}

static const LX_FILE_OPERATIONS LxProcFileOperations =
{
    .Kind = "proc file",
    .Read = LxProcFileRead,
    .Seek = LxProcFileSeek,
    .Stat = LxProcFileStat,
    .Statfs = LxProcFileStatfs,
    .Release = LxProcFileRelease,
};

/* ---------------------------------------------------------------------------------------- */

/* ---------------------------------------------------------------------------------------- */
/* Directories: /proc and /proc/<pid>, listed when opened                                  */

#define LX_PROC_DIR_MAX     80      /* entries of a listing; more live processes are left out */

typedef struct _LX_PROC_DIR_ENTRY
{
    CHAR Name[16];
    UCHAR Type;
} LX_PROC_DIR_ENTRY;

typedef struct _LX_PROC_DIR
{
    ULONG Count;
    LX_PROC_DIR_ENTRY Entries[LX_PROC_DIR_MAX];
} LX_PROC_DIR, *PLX_PROC_DIR;

static
VOID
LxProcDirAdd(
    _Inout_ PLX_PROC_DIR Dir,
    _In_ PCSTR Name,
    _In_ UCHAR Type)
{
    if (Dir->Count < LX_PROC_DIR_MAX)
    {
        RtlStringCbCopyA(Dir->Entries[Dir->Count].Name, sizeof(Dir->Entries[0].Name), Name);
        Dir->Entries[Dir->Count++].Type = Type;
    }
}

static
LONG
LxProcDirGetdents(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ ULONG Count)
{
    PLX_PROC_DIR Dir = File->Private;
    ULONG Used = 0, OutSize = min(Count, 0x10000);
    PUCHAR Out;
    LONG Result = 0;
    CHAR Full[64];

    Out = ExAllocatePoolWithTag(PagedPool, max(OutSize, 1), LX_TAG_TEMP);
    if (Out == NULL)
        return -LX_ENOMEM;
    ExAcquireFastMutex(&File->Lock);
    while (File->Offset < Dir->Count)
    {
        const LX_PROC_DIR_ENTRY *Entry = &Dir->Entries[File->Offset];

        RtlStringCbPrintfA(Full, sizeof(Full), "%s/%s", File->Path, Entry->Name);
        if (!LxEmitDirent(Out, &Used, OutSize, LxPathInode(Full), File->Offset + 1, Entry->Type,
                          Entry->Name, (ULONG)strlen(Entry->Name)))
        {
            if (Used == 0)
                Result = -LX_EINVAL;    /* the buffer is too small for one entry */
            break;
        }
        File->Offset++;
    }
    ExReleaseFastMutex(&File->Lock);
    Result = LxDirentsToUser(Buffer, Out, Used, Result);
    ExFreePoolWithTag(Out, LX_TAG_TEMP);
    return Result;
}

static
LONG
LxProcDirSeek(
    _In_ PLX_FILE File,
    _In_ LONGLONG Offset,
    _In_ ULONG Whence,
    _Out_ PLONGLONG NewOffset)
{
    return LxSeekLocked(File, Offset, Whence, ((PLX_PROC_DIR)File->Private)->Count, NewOffset);
}

static
LONG
LxProcDirStat(
    _In_ PLX_FILE File,
    _Out_ struct _LX_STAT64 *St)
{
    St->StMode = LX_S_IFDIR | 0555;
    St->StNlink = 2;
    St->StDev = 4;
    St->StIno = LxPathInode(File->Path);
    St->StIno32 = (ULONG)St->StIno;
    return 0;
}

static const LX_FILE_OPERATIONS LxProcDirOperations =
{
    .Kind = "proc directory",
    .Read = LxDirectoryReadWrite,
    .Write = LxDirectoryReadWrite,
    .Seek = LxProcDirSeek,
    .Getdents = LxProcDirGetdents,
    .Stat = LxProcDirStat,
    .Statfs = LxProcFileStatfs,
};

/* Opens /proc (Target NULL: the table's files, self and every live process) or a process's
 * directory (its files) */
static
LONG
LxProcOpenDirectory(
    _In_ PLX_PROCESS Process,
    _In_opt_ PLX_PROCESS Target,
    _In_ PCSTR Resolved,
    _In_ ULONG StatusFlags,
    _Out_ PLX_FILE *File)
{
    PLX_PROCESS Live[LX_PROC_DIR_MAX];
    PLX_PROC_DIR Dir;
    CHAR Name[16];
    ULONG i, Count;

    *File = LxAllocateFile(&LxProcDirOperations, StatusFlags, LX_S_IFDIR, sizeof(LX_PROC_DIR));
    if (*File == NULL)
        return LxNoFile();
    (*File)->Path = ExAllocatePoolWithTag(PagedPool, strlen(Resolved) + 1, LX_TAG_FILE);
    if ((*File)->Path == NULL)
    {
        LxDereferenceFile(*File);
        *File = NULL;
        return -LX_ENOMEM;
    }
    RtlCopyMemory((*File)->Path, Resolved, strlen(Resolved) + 1);
    Dir = (*File)->Private;
    LxProcDirAdd(Dir, ".", LX_DT_DIR);
    LxProcDirAdd(Dir, "..", LX_DT_DIR);
    for (i = 0; i < RTL_NUMBER_OF(LxProcEntries); i++)
    {
        PCSTR Entry = LxProcEntries[i].Name;
        BOOLEAN Own = strncmp(Entry, LX_PROC_SELF, sizeof(LX_PROC_SELF) - 1) == 0;
        SIZE_T Length;
        UCHAR Type;

        /* /proc lists the table's own files, a process's directory its entries */
        if (Own != (Target != NULL))
            continue;
        Entry += Own ? sizeof(LX_PROC_SELF) - 1 : sizeof("/proc/") - 1;
        Length = strlen(Entry);
        if (strchr(Entry, '/') != NULL && strchr(Entry, '/') != Entry + Length - 1)
            continue;   /* deeper than one directory: /proc/sys/fs/... */
        Type = LxProcEntries[i].Link == NULL ? LX_DT_REG : Entry[Length - 1] == '/' ? LX_DT_DIR : LX_DT_LNK;
        if (Entry[Length - 1] == '/')
            Length--;
        RtlStringCbCopyNA(Name, sizeof(Name), Entry, Length);
        LxProcDirAdd(Dir, Name, Type);
    }
    UNREFERENCED_PARAMETER(Process);
    if (Target == NULL)
    {
        LxProcDirAdd(Dir, "self", LX_DT_LNK);
        Count = LxCollectProcesses(-1, Live, LX_PROC_DIR_MAX);
        for (i = 0; i < Count; i++)
        {
            RtlStringCbPrintfA(Name, sizeof(Name), "%lu", Live[i]->Pid);
            LxProcDirAdd(Dir, Name, LX_DT_DIR);
            LxDereferenceProcess(Live[i]);
        }
    }
    return 0;
}

BOOLEAN
LxProcfsOpen(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _In_ ULONG StatusFlags,
    _Out_ PLX_FILE *File,
    _Out_ PLONG Result)
{
    const LX_PROC_ENTRY *Entry;
    PLX_PROCESS Owner;
    PLX_PROC_FILE Proc;
    PCSTR Rest;
    PCHAR Target;
    BOOLEAN Done;

    *File = NULL;
    if (strcmp(Resolved, "/proc") == 0)
    {
        *Result = LxProcOpenDirectory(Process, NULL, Resolved, StatusFlags, File);
        return TRUE;
    }
    Owner = LxProcProcessOf(Process, Resolved, &Rest);
    if (Owner != NULL && *Rest == ANSI_NULL)
    {
        /* /proc/<pid>, /proc/self */
        *Result = LxProcOpenDirectory(Process, Owner, Resolved, StatusFlags, File);
        LxDereferenceProcess(Owner);
        return TRUE;
    }
    if (Owner != NULL)
        LxDereferenceProcess(Owner);

    Entry = LxProcLookup(Process, Resolved, &Rest, &Owner);
    if (Entry == NULL)
        return FALSE;
    if (Entry->Private && Owner != Process && !LxCredMayControl(&Process->Cred, &Owner->Cred))
    {
        LxDereferenceProcess(Owner);
        *Result = -LX_EACCES;
        return TRUE;
    }
    if (Entry->Link != NULL)
    {
        /* a link to a description opens it; one to a path is followed by the caller */
        Target = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
        if (Target == NULL)
        {
            LxDereferenceProcess(Owner);
            *Result = -LX_ENOMEM;
            return TRUE;
        }
        *Result = Entry->Link(Owner, Rest, Target, LX_PATH_MAX, File);
        ExFreePoolWithTag(Target, LX_TAG_TEMP);
        LxDereferenceProcess(Owner);
        Done = *Result < 0 || *File != NULL;
        return Done;
    }
    if ((StatusFlags & LX_O_ACCMODE) != LX_O_RDONLY)
    {
        LxDereferenceProcess(Owner);
        *Result = -LX_EACCES;
        return TRUE;
    }
    *File = LxAllocateFile(&LxProcFileOperations, StatusFlags, LX_S_IFREG, sizeof(LX_PROC_FILE));
    if (*File != NULL)
        (*File)->Path = ExAllocatePoolWithTag(PagedPool, strlen(Resolved) + 1, LX_TAG_FILE);
    if (*File == NULL || (*File)->Path == NULL)
    {
        *Result = *File == NULL ? LxNoFile() : -LX_ENOMEM;
        if (*File != NULL)
            LxDereferenceFile(*File);
        *File = NULL;
        LxDereferenceProcess(Owner);
        return TRUE;
    }
    RtlCopyMemory((*File)->Path, Resolved, strlen(Resolved) + 1);
    (*File)->Flags = LX_FILE_PREAD;
    Proc = (*File)->Private;
    Proc->Text = ExAllocatePoolWithTag(PagedPool, LX_PROC_TEXT_MAX, LX_TAG_FILE);
    if (Proc->Text == NULL)
    {
        LxDereferenceFile(*File);
        *File = NULL;
        LxDereferenceProcess(Owner);
        *Result = -LX_ENOMEM;
        return TRUE;
    }
    Proc->Length = Entry->Generate(Owner, Proc->Text);
    LxDereferenceProcess(Owner);
    *Result = 0;
    return TRUE;
}

LONG
LxProcfsReadlink(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _Out_writes_(Size) PCHAR Target,
    _In_ ULONG Size)
{
    const LX_PROC_ENTRY *Entry;
    PLX_PROCESS Owner;
    PCSTR Rest;
    LONG Result;

    if (strcmp(Resolved, "/proc/self") == 0)
    {
        /* /proc/self: a link to the caller's own directory */
        return NT_SUCCESS(RtlStringCbPrintfA(Target, Size, "%lu", Process->Pid)) ? 0 : -LX_ENAMETOOLONG;
    }
    Entry = LxProcLookup(Process, Resolved, &Rest, &Owner);
    if (Entry == NULL)
        return -LX_ENOENT;
    if (Entry->Link == NULL)
        Result = -LX_EINVAL;    /* not a link */
    else if (Entry->Private && Owner != Process && !LxCredMayControl(&Process->Cred, &Owner->Cred))
        Result = -LX_EACCES;
    else
        Result = Entry->Link(Owner, Rest, Target, Size, NULL);
    LxDereferenceProcess(Owner);
    return Result;
}

BOOLEAN
LxProcfsFollowFileLink(
    _In_ PLX_PROCESS Process,
    _Inout_updates_(LX_PATH_MAX) PCHAR Resolved)
{
    const LX_PROC_ENTRY *Entry;
    PLX_PROCESS Owner;
    PLX_FILE File = NULL;
    PCHAR Target;
    PCSTR Rest;
    LONG Result;

    Entry = LxProcLookup(Process, Resolved, &Rest, &Owner);
    if (Entry == NULL)
        return FALSE;
    Target = Entry->Link != NULL ? ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP) : NULL;
    if (Target == NULL)
    {
        LxDereferenceProcess(Owner);
        return FALSE;
    }
    Result = Entry->Link(Owner, Rest, Target, LX_PATH_MAX, &File);
    LxDereferenceProcess(Owner);
    if (File != NULL)
        LxDereferenceFile(File);    /* a link to a description: not a path */
    else if (Result == 0)
        RtlCopyMemory(Resolved, Target, LX_PATH_MAX);
    ExFreePoolWithTag(Target, LX_TAG_TEMP);
    return Result == 0 && File == NULL;
}
