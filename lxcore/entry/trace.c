/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System call tracing in strace's format for processes created with
 *              LXSS_CREATE_TRACE (and their children)
 *
 * While a traced process lives, lxcore's service table holds the generated wrappers
 * (generated/lxsys_trace.c) instead of the handlers; a wrapper asks LxTraceEnter whether its
 * caller is traced and, if so, prints one line when the handler returns, as `strace -f -T`
 * does:
 *
 *     lxtrace: [pid 7] openat(-100, "/etc/passwd", 0x8000, 0) = -1 ENOENT <0.000412>
 *
 * Arguments are printed as syscall-defs types them (strings the call reads, pointers, modes,
 * flags, numbers); a line is one DbgPrint, so lines of concurrent threads do not mix.
 * The last traced process gone, the handlers are put back.
 *
 * A process created with LXSS_CREATE_TRACE_RECORD (the fuzzer) is traced the same way, but
 * its lines go to a ring of its last LXSS_TRACE_RECORD_CALLS calls in non-paged pool, printed
 * ("lxrecent: ...") when it is killed by SIGKILL, and when a fault in one of its calls is
 * heading for the kernel debugger and a bugcheck (LxTraceFault, the exception filter around
 * each traced handler): the calls that led there. A call is put in its slot before the
 * handler runs ("= ? (not returned)") and completed when it returns, unless
 * LXSS_TRACE_RECORD_CALLS later calls of other threads took the slot meanwhile. The ring is
 * in non-paged pool: a fault may come at any IRQL.
 */

#include "lxentry.h"
#include "lxtrace.h"

#define NDEBUG
#include <debug.h>

#define LX_TRACE_STRING     48      /* characters of a string argument, then "..." */

extern ULONG_PTR LxSysServiceTable[LXSYS_SERVICE_COUNT];
static ULONG_PTR LxSysHandlerTable[LXSYS_SERVICE_COUNT];    /* the handlers, kept aside */

typedef struct _LX_TRACE_SLOT
{
    LONG Sequence;              /* 0: being written */
    ULONG Tid;
    ULONG Number;
    LONG Result;
    BOOLEAN Returned;
    CHAR Text[LX_TRACE_TEXT];
} LX_TRACE_SLOT, *PLX_TRACE_SLOT;

typedef struct _LX_TRACE_RING
{
    LONG Last;                  /* the sequence number of the newest call */
    LX_TRACE_SLOT Slots[LXSS_TRACE_RECORD_CALLS];
} LX_TRACE_RING, *PLX_TRACE_RING;

/* The table switch LxTraceProcess (kernel/process.c) asks for */
static
VOID
NTAPI
LxTraceSwitchTable(
    _In_ BOOLEAN On)
{
    ULONG i;

    for (i = 0; i < LXSYS_SERVICE_COUNT; i++)
    {
        InterlockedExchange((PLONG)&LxSysServiceTable[i],
                            (LONG)(On ? LxSysTraceTable[i] : LxSysHandlerTable[i]));
    }
    DbgPrint("lxcore: system call tracing %s\n", On ? "on" : "off");
}

/* " = result" as strace shows it: -1 and the errno's name, an address (mmap, brk), a number */
static
VOID
LxTraceFormatResult(
    _Out_writes_(Size) PCHAR Buffer,
    _In_ SIZE_T Size,
    _In_ ULONG Number,
    _In_ LONG Result)
{
    const char *Name;

    if (Result < 0 && Result > -4096)
    {
        Name = lx_errno_name(-Result);
        if (Name != NULL)
            RtlStringCbPrintfA(Buffer, Size, " = -1 %s", Name);
        else
            RtlStringCbPrintfA(Buffer, Size, " = -1 (errno %ld)", -Result);
    }
    else if (Number == LX_NR_mmap2 || Number == LX_NR_brk || Number == LX_NR_mremap)
    {
        RtlStringCbPrintfA(Buffer, Size, " = 0x%lx", (ULONG)Result);
    }
    else
    {
        RtlStringCbPrintfA(Buffer, Size, " = %ld", Result);
    }
}

static
PVOID
NTAPI
LxTraceCreateRecord(VOID)
{
    PLX_TRACE_RING Record;

    Record = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Record), LX_TAG_PROCESS);
    if (Record != NULL)
        RtlZeroMemory(Record, sizeof(*Record));
    return Record;
}

/* The record's calls, oldest first (also from an exception filter: no lock, no allocation) */
static
VOID
LxTracePrintRecord(
    _In_ PLX_TRACE_RING Record)
{
    CHAR Result[48];
    LONG Sequence, Last = Record->Last;
    PLX_TRACE_SLOT Slot;

    for (Sequence = max(Last - LXSS_TRACE_RECORD_CALLS + 1, 1); Sequence <= Last; Sequence++)
    {
        Slot = &Record->Slots[Sequence % LXSS_TRACE_RECORD_CALLS];
        if (Slot->Sequence != Sequence)
            continue;
        if (Slot->Returned)
            LxTraceFormatResult(Result, sizeof(Result), Slot->Number, Slot->Result);
        else
            RtlStringCbCopyA(Result, sizeof(Result), " = ? (not returned)");
        DbgPrint("lxrecent: [pid %lu] %s%s\n", Slot->Tid, Slot->Text, Result);
    }
}

/* Whether the newest call is a signal to itself that did not return: a process that killed
 * itself (the fuzzer's do, often) needs no report */
static
BOOLEAN
LxTraceKilledItself(
    _In_ PLX_TRACE_RING Record)
{
    PLX_TRACE_SLOT Slot = &Record->Slots[Record->Last % LXSS_TRACE_RECORD_CALLS];

    if (Record->Last == 0 || Slot->Sequence != Record->Last || Slot->Returned)
        return FALSE;
    switch (Slot->Number)
    {
        case LX_NR_kill:
        case LX_NR_tkill:
        case LX_NR_tgkill:
        case LX_NR_rt_sigqueueinfo:
        case LX_NR_rt_tgsigqueueinfo:
            return TRUE;
        default:
            return FALSE;
    }
}

static
VOID
NTAPI
LxTraceEndRecord(
    _In_ PVOID Context,
    _In_ BOOLEAN Print)
{
    PLX_TRACE_RING Record = Context;

    if (Print && !LxTraceKilledItself(Record))
        LxTracePrintRecord(Record);
    ExFreePoolWithTag(Record, LX_TAG_PROCESS);
}

static const LX_TRACE_ROUTINES LxTraceRoutineTable =
{
    LxTraceSwitchTable,
    LxTraceCreateRecord,
    LxTraceEndRecord,
};

VOID
LxInitializeTrace(VOID)
{
    RtlCopyMemory(LxSysHandlerTable, LxSysServiceTable, sizeof(LxSysHandlerTable));
    LxSetTraceRoutines(&LxTraceRoutineTable);
}

static
VOID
LxTraceAppend(
    _Inout_ PLX_TRACE_CALL Call,
    _In_ PCSTR Format,
    ...)
{
    SIZE_T Used = strlen(Call->Text);
    va_list Args;

    va_start(Args, Format);
    RtlStringCbVPrintfA(Call->Text + Used, sizeof(Call->Text) - Used, Format, Args);
    va_end(Args);
}

/* Bytes the call reads, quoted, escaped and cut as strace does: a string (Length -1, up to
 * its NUL) or a buffer of Length bytes */
static
VOID
LxTraceBytes(
    _Inout_ PLX_TRACE_CALL Call,
    _In_ ULONG_PTR User,
    _In_ LONG Length)
{
    UCHAR Buffer[LX_TRACE_STRING + 2];
    CHAR Escaped[4 * LX_TRACE_STRING + 8];
    ULONG i, o = 0, Count;
    LONG Result;

    if (User == 0)
    {
        LxTraceAppend(Call, "NULL");
        return;
    }
    RtlZeroMemory(Buffer, sizeof(Buffer));
    if (Length < 0)
    {
        Result = LxCopyStringFromUser((PCHAR)Buffer, sizeof(Buffer), User);
        if (Result == -LX_ENAMETOOLONG)
            Result = 0;
        Count = (ULONG)strlen((PCSTR)Buffer);
    }
    else
    {
        Count = (ULONG)min(Length, LX_TRACE_STRING + 1);
        Result = LxCopyFromUser(Buffer, User, Count);
    }
    if (Result < 0)
    {
        LxTraceAppend(Call, "0x%lx", User);
        return;
    }
    for (i = 0; i < Count && i < LX_TRACE_STRING; i++)
    {
        UCHAR c = Buffer[i];

        if (c == '"' || c == '\\')
        {
            Escaped[o++] = '\\';
            Escaped[o++] = (CHAR)c;
        }
        else if (c == '\n' || c == '\t')
        {
            Escaped[o++] = '\\';
            Escaped[o++] = c == '\n' ? 'n' : 't';
        }
        else if (c >= 0x20 && c < 0x7F)
            Escaped[o++] = (CHAR)c;
        else
        {
            RtlStringCbPrintfA(Escaped + o, sizeof(Escaped) - o, "\\x%02x", c);
            o += 4;
        }
    }
    Escaped[o] = 0;
    LxTraceAppend(Call, "\"%s\"%s", Escaped, Count > LX_TRACE_STRING ? "..." : "");
}

/* Call's text is ready: keeps it (LX_TRACE_RECORD) or notes when it began (LX_TRACE_PRINT).
 * FALSE: a call that does not come back (exit, exit_group), already kept or printed. */
static
BOOLEAN
LxTraceBegin(
    _In_ PLX_PROCESS Process,
    _Inout_ PLX_TRACE_CALL Call)
{
    BOOLEAN Returns = Call->Number != LX_NR_exit && Call->Number != LX_NR_exit_group;
    PLX_TRACE_SLOT Slot;

    Call->Record = Process->Traced == LX_TRACE_RECORD ? Process->TraceRecord : NULL;
    if (Call->Record != NULL)
    {
        /* kept before it runs: a call that never returns is what a report needs */
        Call->Sequence = InterlockedIncrement(&Call->Record->Last);
        Slot = &Call->Record->Slots[Call->Sequence % LXSS_TRACE_RECORD_CALLS];
        Slot->Sequence = 0;
        Slot->Tid = LxCurrentThread()->Tid;
        Slot->Number = Call->Number;
        Slot->Returned = FALSE;
        RtlCopyMemory(Slot->Text, Call->Text, sizeof(Slot->Text));
        Slot->Sequence = Call->Sequence;
        return Returns;
    }
    if (!Returns)
        DbgPrint("lxtrace: [pid %lu] %s = ?\n", LxCurrentThread()->Tid, Call->Text);
    Call->Start = LxMonotonicTime();
    return Returns;
}

BOOLEAN
LxTraceEnter(
    _In_ ULONG Number,
    _In_ const ULONG_PTR *Args,
    _Out_ PLX_TRACE_CALL Call)
{
    PLX_PROCESS Process = LxCurrentProcess();
    const LXSYS_SERVICE_INFO *Info;
    ULONG i;

    if (Process == NULL || !Process->Traced || Number >= LXSYS_SERVICE_COUNT)
        return FALSE;
    Info = &LxSysServiceInfo[Number];
    Call->Number = Number;
    Call->Text[0] = 0;
    LxTraceAppend(Call, "%s(", Info->Name);
    for (i = 0; i < Info->ArgumentCount; i++)
    {
        if (i != 0)
            LxTraceAppend(Call, ", ");
        switch (Info->ArgKinds[i])
        {
            case 's':
                LxTraceBytes(Call, Args[i], -1);
                break;
            case 'b':
                LxTraceBytes(Call, Args[i], (LONG)min(Args[i + 1], LX_TRACE_STRING + 1));
                break;
            case 'p':
                LxTraceAppend(Call, Args[i] ? "0x%lx" : "NULL", Args[i]);
                break;
            case 'o':
                LxTraceAppend(Call, "0%lo", Args[i]);
                break;
            case 'x':
                LxTraceAppend(Call, "0x%lx", Args[i]);
                break;
            case 'u':
                LxTraceAppend(Call, "%lu", Args[i]);
                break;
            default:
                LxTraceAppend(Call, "%ld", (LONG)Args[i]);
                break;
        }
    }
    LxTraceAppend(Call, ")");

    return LxTraceBegin(Process, Call);
}

VOID
LxTraceLeave(
    _In_ PLX_TRACE_CALL Call,
    _In_ LONG Result)
{
    ULONGLONG Took;
    CHAR Text[48];

    if (Call->Record != NULL)
    {
        PLX_TRACE_SLOT Slot = &Call->Record->Slots[Call->Sequence % LXSS_TRACE_RECORD_CALLS];

        /* a call a terminating signal cut short does not return to the program: it stays
         * "not returned", as strace shows it ("= ?") */
        if (Slot->Sequence == Call->Sequence && LxCurrentProcess()->Signal == 0)
        {
            Slot->Result = Result;
            Slot->Returned = TRUE;
        }
        return;
    }
    Took = LxMonotonicTime() - Call->Start;
    LxTraceFormatResult(Text, sizeof(Text), Call->Number, Result);
    DbgPrint("lxtrace: [pid %lu] %s%s <%lu.%06lu>\n", LxCurrentThread()->Tid, Call->Text, Text,
             (ULONG)(Took / 10000000ULL), (ULONG)((Took % 10000000ULL) / 10));
}

LONG
LxTraceFault(
    _In_ PLX_TRACE_CALL Call)
{
    if (Call->Record != NULL)
    {
        DbgPrint("lxrecent: a fault in the last call below, not handled in lxcore:\n");
        LxTracePrintRecord(Call->Record);
    }
    else
    {
        DbgPrint("lxtrace: [pid %lu] %s = ? (a fault not handled in lxcore)\n",
                 LxCurrentThread()->Tid, Call->Text);
    }
    return EXCEPTION_CONTINUE_SEARCH;
}

LONG
LxTraceEnosys(
    _In_ ULONG Number)
{
    PLX_PROCESS Process = LxCurrentProcess();
    LX_TRACE_CALL Call;

    if (Process == NULL || !Process->Traced || Number >= LXSYS_SERVICE_COUNT)
        return -LX_ENOSYS;
    Call.Number = Number;
    if (LxSysServiceInfo[Number].Name != NULL)
        RtlStringCbPrintfA(Call.Text, sizeof(Call.Text), "%s(...)", LxSysServiceInfo[Number].Name);
    else
        RtlStringCbPrintfA(Call.Text, sizeof(Call.Text), "syscall_%lu(...)", Number);
    if (LxTraceBegin(Process, &Call))
        LxTraceLeave(&Call, -LX_ENOSYS);
    return -LX_ENOSYS;
}
