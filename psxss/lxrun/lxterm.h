/*
 * PROJECT:     lxss for ReactOS - lxrun
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The console as the Linux program's terminal (lxterm.c)
 */

#ifndef _LXTERM_H_
#define _LXTERM_H_

#include "lxvt.h"

typedef struct _LXRUN_TERMINAL
{
    ULONG Fds;                  /* bit i: fd i is the console */
    HANDLE ConsoleIn;           /* the console's input, NULL when stdin is redirected */
    HANDLE ConsoleOut;          /* the console's screen buffer (stdout's, else stderr's) */
    HANDLE Keys;                /* our end of the pipe of the terminal's input */
    HANDLE Screen;              /* our end of the pipe of what the terminal shows */
    HANDLE ScreenThread, KeysThread;
    CRITICAL_SECTION Lock;      /* Vt, the console's screen, the transcript */
    LXVT Vt;
    COORD Origin;               /* the window's top left in the screen buffer */
    BOOL CursorShown;
    BOOL Transcript;            /* --transcript */
    BOOL Unrecorded;            /* drawn since the last transcript */
    DWORD LastOutput;           /* GetTickCount of the last drawing */
    ULONG Frames;
    DWORD InputMode;
    BOOL RestoreInput;
    volatile LONG Done;
    PPSX_CLIENT Client;
    ULONG Pid;
} LXRUN_TERMINAL, *PLXRUN_TERMINAL;

BOOL LxrunTerminalPrepare(_Out_ PLXRUN_TERMINAL Terminal, _In_ BOOL Transcript,
                          _Inout_ PSX_REQUEST_PARAMS *Params,
                          _Inout_updates_(3) PHANDLE ProgramHandles);
BOOL LxrunTerminalStart(_Inout_ PLXRUN_TERMINAL Terminal, _In_ PPSX_CLIENT Client, _In_ ULONG Pid);
VOID LxrunTerminalFinish(_Inout_ PLXRUN_TERMINAL Terminal, _In_ DWORD DrainTimeout);

#endif /* _LXTERM_H_ */
