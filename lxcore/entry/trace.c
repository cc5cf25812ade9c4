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
 */

#include "lxentry.h"
#include "lxtrace.h"

#define NDEBUG
#include <debug.h>

#define LX_TRACE_STRING     48      /* characters of a string argument, then "..." */

extern ULONG_PTR LxSysServiceTable[LXSYS_SERVICE_COUNT];
static ULONG_PTR LxSysHandlerTable[LXSYS_SERVICE_COUNT];    /* the handlers, kept aside */

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

VOID
LxInitializeTrace(VOID)
{
    RtlCopyMemory(LxSysHandlerTable, LxSysServiceTable, sizeof(LxSysHandlerTable));
    LxSetTraceSwitchRoutine(LxTraceSwitchTable);
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

    /* calls that do not come back are shown before they run */
    if (Number == LX_NR_exit || Number == LX_NR_exit_group)
    {
        DbgPrint("lxtrace: [pid %lu] %s = ?\n", LxCurrentThread()->Tid, Call->Text);
        return FALSE;
    }
    Call->Start = LxMonotonicTime();
    return TRUE;
}

VOID
LxTraceLeave(
    _In_ PLX_TRACE_CALL Call,
    _In_ LONG Result)
{
    ULONGLONG Took = LxMonotonicTime() - Call->Start;
    ULONG Seconds = (ULONG)(Took / 10000000ULL), Micro = (ULONG)((Took % 10000000ULL) / 10);
    const char *Name;

    if (Result < 0 && Result > -4096)
    {
        Name = lx_errno_name(-Result);
        if (Name != NULL)
        {
            DbgPrint("lxtrace: [pid %lu] %s = -1 %s <%lu.%06lu>\n", LxCurrentThread()->Tid,
                     Call->Text, Name, Seconds, Micro);
        }
        else
        {
            DbgPrint("lxtrace: [pid %lu] %s = -1 (errno %ld) <%lu.%06lu>\n",
                     LxCurrentThread()->Tid, Call->Text, -Result, Seconds, Micro);
        }
        return;
    }
    /* addresses as strace shows them (mmap, brk), other results in decimal */
    if (Call->Number == LX_NR_mmap2 || Call->Number == LX_NR_brk || Call->Number == LX_NR_mremap)
    {
        DbgPrint("lxtrace: [pid %lu] %s = 0x%lx <%lu.%06lu>\n", LxCurrentThread()->Tid,
                 Call->Text, (ULONG)Result, Seconds, Micro);
    }
    else
    {
        DbgPrint("lxtrace: [pid %lu] %s = %ld <%lu.%06lu>\n", LxCurrentThread()->Tid,
                 Call->Text, Result, Seconds, Micro);
    }
}

LONG
LxTraceEnosys(
    _In_ ULONG Number)
{
    PLX_PROCESS Process = LxCurrentProcess();

    if (Process != NULL && Process->Traced && Number < LXSYS_SERVICE_COUNT)
    {
        if (LxSysServiceInfo[Number].Name != NULL)
        {
            DbgPrint("lxtrace: [pid %lu] %s(...) = -1 ENOSYS (not implemented)\n",
                     LxCurrentThread()->Tid, LxSysServiceInfo[Number].Name);
        }
        else
        {
            DbgPrint("lxtrace: [pid %lu] syscall_%lu(...) = -1 ENOSYS\n",
                     LxCurrentThread()->Tid, Number);
        }
    }
    return -LX_ENOSYS;
}
