/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System call tracing: what the generated wrappers (generated/lxsys_trace.c)
 *              call around a handler of a traced process
 */

#ifndef _LXTRACE_H_
#define _LXTRACE_H_

#include "lxkernel.h"

#define LX_TRACE_TEXT   240

/* One call of a traced process: its arguments as text, taken before the handler runs */
typedef struct _LX_TRACE_CALL
{
    ULONG Number;
    ULONGLONG Start;
    struct _LX_TRACE_RING *Record;    /* LX_TRACE_RECORD: where it is kept, */
    LONG Sequence;                      /* in the slot of this number */
    CHAR Text[LX_TRACE_TEXT];
} LX_TRACE_CALL, *PLX_TRACE_CALL;

/* FALSE: the caller is not traced (call the handler alone) */
BOOLEAN LxTraceEnter(_In_ ULONG Number, _In_ const ULONG_PTR *Args, _Out_ PLX_TRACE_CALL Call);
VOID LxTraceLeave(_In_ PLX_TRACE_CALL Call, _In_ LONG Result);
/* An exception filter: prints what the traced process was doing, EXCEPTION_CONTINUE_SEARCH */
LONG LxTraceFault(_In_ PLX_TRACE_CALL Call);
LONG LxTraceEnosys(_In_ ULONG Number);
VOID LxInitializeTrace(VOID);

extern const ULONG_PTR LxSysTraceTable[];

#endif /* _LXTRACE_H_ */
