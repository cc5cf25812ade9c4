/*
 * PROJECT:     lxss for ReactOS - lxrun
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The console as the Linux program's terminal: lxcore gives the program a
 *              pseudo-terminal (PSX_REQUEST_TTY_*) whose master side is two pipes; lxrun
 *              draws what the terminal shows as an xterm does (lxvt.c) and types the keys
 *
 * The screen thread reads the terminal's output, feeds it to the screen model and copies the
 * rows that changed into the console window (WriteConsoleOutputW), with the cursor and the
 * title; the answers to the program's queries (cursor position, device attributes) go into
 * the keys pipe. The keys thread reads console input events raw (no line editing, no echo,
 * Ctrl+C as a key: the pty's line discipline does those) and writes the bytes an xterm
 * sends; about every LXTERM_POLL_MS it also looks at the window's size, which a resize
 * passes to lxcore (SIGWINCH). The terminal is the window's visible rectangle: its text
 * starts at the window's top left when the program starts.
 *
 * With --transcript, once the output has been quiet for LXTERM_SETTLE_MS lxrun reads the
 * window's text back from the console (ReadConsoleOutputW) and logs it on the kernel debug
 * port, "lxscreen: NN|text" for each row, then "lxscreen: cursor ROW COLUMN" and
 * "lxscreen: end N": what a test driving the desktop by keys checks.
 */

/* INCLUDES *******************************************************************/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIN32_NO_STATUS
#include <windef.h>
#include <winbase.h>
#include <wincon.h>
#include <winnls.h>
#include <winuser.h>

#define NTOS_MODE_USER
#include <ndk/rtlfuncs.h>

#include "psxcli.h"
#include "lxterm.h"

/* GLOBALS ********************************************************************/

#define LXTERM_POLL_MS      50      /* how often the keys thread looks at the window */
#define LXTERM_SETTLE_MS    200     /* quiet output before a transcript */
#define LXTERM_PIPE_BUFFER  4096

/* ANSI colour index -> console attribute bits (red 1 is FOREGROUND_RED = 4...) */
static const WORD LxtermColors[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

/* FUNCTIONS ******************************************************************/

static
BOOL
LxtermIsConsole(
    _In_ HANDLE Handle)
{
    DWORD Mode;

    if (Handle == NULL || Handle == INVALID_HANDLE_VALUE)
        return FALSE;
    if (((ULONG_PTR)Handle & 3) == 3)
        return TRUE;
    return GetConsoleMode(Handle, &Mode);
}

/* The window's visible rectangle: its size and its top left in the screen buffer */
static
BOOL
LxtermWindow(
    _In_ HANDLE Output,
    _Out_ PSHORT Rows,
    _Out_ PSHORT Columns,
    _Out_ PCOORD Origin)
{
    CONSOLE_SCREEN_BUFFER_INFO Info;

    if (!GetConsoleScreenBufferInfo(Output, &Info))
        return FALSE;
    *Rows = Info.srWindow.Bottom - Info.srWindow.Top + 1;
    *Columns = Info.srWindow.Right - Info.srWindow.Left + 1;
    Origin->X = Info.srWindow.Left;
    Origin->Y = Info.srWindow.Top;
    if (*Rows <= 0 || *Columns <= 0)
        return FALSE;
    if (*Rows > LXVT_MAX_ROWS)
        *Rows = LXVT_MAX_ROWS;
    if (*Columns > LXVT_MAX_COLUMNS)
        *Columns = LXVT_MAX_COLUMNS;
    return TRUE;
}

static
WORD
LxtermAttribute(
    _In_ const LXVT_CELL *Cell)
{
    UINT Fg = Cell->Fg == LXVT_DEFAULT_COLOR ? 7 : Cell->Fg;
    UINT Bg = Cell->Bg == LXVT_DEFAULT_COLOR ? 0 : Cell->Bg;
    WORD Attribute;
    UINT Swap;

    if ((Cell->Flags & LXVT_BOLD) && Fg < 8)
        Fg += 8;
    if (Cell->Flags & LXVT_REVERSE)
    {
        Swap = Fg;
        Fg = Bg;
        Bg = Swap;
    }
    if (Cell->Flags & LXVT_HIDDEN)
        Fg = Bg;
    Attribute = LxtermColors[Fg & 7] | ((Fg & 8) ? FOREGROUND_INTENSITY : 0);
    Attribute |= (WORD)(LxtermColors[Bg & 7] << 4) | ((Bg & 8) ? BACKGROUND_INTENSITY : 0);
    if (Cell->Flags & LXVT_UNDERLINE)
        Attribute |= COMMON_LVB_UNDERSCORE;
    return Attribute;
}

/* Copies the rows the screen model marked into the window, then the cursor. Under Lock. */
static
VOID
LxtermDraw(
    _Inout_ PLXRUN_TERMINAL Terminal)
{
    LXVT *Vt = &Terminal->Vt;
    CHAR_INFO Line[LXVT_MAX_COLUMNS];
    CONSOLE_CURSOR_INFO Cursor;
    COORD Size, Zero = { 0, 0 }, Position;
    SMALL_RECT Rect;
    WCHAR Title[LXVT_TITLE_MAX];
    int Row, Column;

    for (Row = 0; Row < Vt->Rows; Row++)
    {
        const LXVT_CELL *Cells;

        if (!Vt->Dirty[Row])
            continue;
        Cells = LxvtRow(Vt, Row);
        for (Column = 0; Column < Vt->Columns; Column++)
        {
            Line[Column].Char.UnicodeChar = Cells[Column].Char > 0xFFFF ? L'?' :
                                            (WCHAR)Cells[Column].Char;
            Line[Column].Attributes = LxtermAttribute(&Cells[Column]);
        }
        Size.X = (SHORT)Vt->Columns;
        Size.Y = 1;
        Rect.Left = Terminal->Origin.X;
        Rect.Right = (SHORT)(Terminal->Origin.X + Vt->Columns - 1);
        Rect.Top = Rect.Bottom = (SHORT)(Terminal->Origin.Y + Row);
        WriteConsoleOutputW(Terminal->ConsoleOut, Line, Size, Zero, &Rect);
    }
    LxvtClean(Vt);
    Position.X = (SHORT)(Terminal->Origin.X + min(Vt->CursorColumn, Vt->Columns - 1));
    Position.Y = (SHORT)(Terminal->Origin.Y + Vt->CursorRow);
    SetConsoleCursorPosition(Terminal->ConsoleOut, Position);
    if (Vt->CursorVisible != Terminal->CursorShown && GetConsoleCursorInfo(Terminal->ConsoleOut, &Cursor))
    {
        Cursor.bVisible = Vt->CursorVisible != 0;
        SetConsoleCursorInfo(Terminal->ConsoleOut, &Cursor);
        Terminal->CursorShown = Vt->CursorVisible;
    }
    if (Vt->TitleChanged)
    {
        Vt->TitleChanged = 0;
        if (MultiByteToWideChar(CP_UTF8, 0, Vt->Title, -1, Title, LXVT_TITLE_MAX) > 0)
            SetConsoleTitleW(Title);
    }
}

/* --transcript: the window's text as the console holds it, on the debug port. Under Lock. */
static
VOID
LxtermTranscript(
    _Inout_ PLXRUN_TERMINAL Terminal)
{
    CHAR_INFO Line[LXVT_MAX_COLUMNS];
    WCHAR Wide[LXVT_MAX_COLUMNS + 1];
    CHAR Text[LXVT_MAX_COLUMNS * 3 + 32];
    COORD Size, Zero = { 0, 0 };
    SMALL_RECT Rect;
    int Row, Column, Length, Used;

    for (Row = 0; Row < Terminal->Vt.Rows; Row++)
    {
        Size.X = (SHORT)Terminal->Vt.Columns;
        Size.Y = 1;
        Rect.Left = Terminal->Origin.X;
        Rect.Right = (SHORT)(Terminal->Origin.X + Terminal->Vt.Columns - 1);
        Rect.Top = Rect.Bottom = (SHORT)(Terminal->Origin.Y + Row);
        if (!ReadConsoleOutputW(Terminal->ConsoleOut, Line, Size, Zero, &Rect))
            return;
        Length = Rect.Right - Rect.Left + 1;
        for (Column = 0; Column < Length; Column++)
            Wide[Column] = Line[Column].Char.UnicodeChar ? Line[Column].Char.UnicodeChar : L' ';
        while (Length > 0 && Wide[Length - 1] == L' ')
            Length--;
        Used = _snprintf(Text, sizeof(Text), "lxscreen: %02d|", Row);
        if (Length > 0)
            Used += WideCharToMultiByte(CP_UTF8, 0, Wide, Length, Text + Used,
                                        (int)sizeof(Text) - Used - 2, NULL, NULL);
        Text[Used++] = '\n';
        Text[Used] = '\0';
        OutputDebugStringA(Text);
    }
    _snprintf(Text, sizeof(Text), "lxscreen: cursor %d %d\n", Terminal->Vt.CursorRow,
              Terminal->Vt.CursorColumn);
    OutputDebugStringA(Text);
    _snprintf(Text, sizeof(Text), "lxscreen: end %lu\n", ++Terminal->Frames);
    OutputDebugStringA(Text);
}

/* Bytes for the program's terminal input (keys, answers to its queries) */
static
VOID
LxtermType(
    _Inout_ PLXRUN_TERMINAL Terminal,
    _In_reads_(Length) const char *Bytes,
    _In_ size_t Length)
{
    DWORD Written;

    if (Length != 0 && Terminal->Keys != NULL)
        WriteFile(Terminal->Keys, Bytes, (DWORD)Length, &Written, NULL);
}

static
DWORD
WINAPI
LxtermScreenThread(
    _In_ LPVOID Parameter)
{
    PLXRUN_TERMINAL Terminal = Parameter;
    UCHAR Buffer[LXTERM_PIPE_BUFFER];
    char Reply[128];
    size_t ReplyLength;
    DWORD Read;

    while (ReadFile(Terminal->Screen, Buffer, sizeof(Buffer), &Read, NULL) && Read != 0)
    {
        EnterCriticalSection(&Terminal->Lock);
        LxvtWrite(&Terminal->Vt, Buffer, Read);
        LxtermDraw(Terminal);
        ReplyLength = LxvtTakeReply(&Terminal->Vt, Reply, sizeof(Reply));
        Terminal->LastOutput = GetTickCount();
        Terminal->Unrecorded = TRUE;
        LeaveCriticalSection(&Terminal->Lock);
        LxtermType(Terminal, Reply, ReplyLength);
    }
    return 0;
}

/* A console key event -> the bytes an xterm sends */
static
size_t
LxtermKeyBytes(
    _In_ PLXRUN_TERMINAL Terminal,
    _In_ const KEY_EVENT_RECORD *Key,
    _Out_writes_(Size) char *Out,
    _In_ size_t Size)
{
    DWORD State = Key->dwControlKeyState;
    int Modifiers = 0, Code = 0;
    WCHAR Char = Key->uChar.UnicodeChar;

    if (State & SHIFT_PRESSED)
        Modifiers |= LXVT_MOD_SHIFT;
    if (State & (LEFT_ALT_PRESSED | RIGHT_ALT_PRESSED))
        Modifiers |= LXVT_MOD_ALT;
    if (State & (LEFT_CTRL_PRESSED | RIGHT_CTRL_PRESSED))
        Modifiers |= LXVT_MOD_CTRL;
    switch (Key->wVirtualKeyCode)
    {
        case VK_UP: Code = LXVT_KEY_UP; break;
        case VK_DOWN: Code = LXVT_KEY_DOWN; break;
        case VK_RIGHT: Code = LXVT_KEY_RIGHT; break;
        case VK_LEFT: Code = LXVT_KEY_LEFT; break;
        case VK_HOME: Code = LXVT_KEY_HOME; break;
        case VK_END: Code = LXVT_KEY_END; break;
        case VK_INSERT: Code = LXVT_KEY_INSERT; break;
        case VK_DELETE: Code = LXVT_KEY_DELETE; break;
        case VK_PRIOR: Code = LXVT_KEY_PAGE_UP; break;
        case VK_NEXT: Code = LXVT_KEY_PAGE_DOWN; break;
        case VK_BACK: Code = LXVT_KEY_BACKSPACE; break;
        case VK_RETURN: Code = LXVT_KEY_ENTER; break;
        case VK_TAB: Code = LXVT_KEY_TAB; break;
        case VK_ESCAPE: Code = LXVT_KEY_ESCAPE; break;
        default:
            if (Key->wVirtualKeyCode >= VK_F1 && Key->wVirtualKeyCode <= VK_F12)
                Code = LXVT_KEY_F1 + (Key->wVirtualKeyCode - VK_F1);
            break;
    }
    if (Code != 0)
        return LxvtKey(&Terminal->Vt, Code, Modifiers, Out, Size);
    if (Char == 0)
    {
        /* Ctrl+Space, Ctrl+2: NUL; a modifier key alone: nothing */
        if ((Modifiers & LXVT_MOD_CTRL) && (Key->wVirtualKeyCode == VK_SPACE || Key->wVirtualKeyCode == '2'))
            return LxvtChar(' ', LXVT_MOD_CTRL, Out, Size);
        return 0;
    }
    /* AltGr is Ctrl+Alt: the character is already the one meant */
    if ((Modifiers & (LXVT_MOD_CTRL | LXVT_MOD_ALT)) == (LXVT_MOD_CTRL | LXVT_MOD_ALT) && Char >= 0x20)
        Modifiers = 0;
    return LxvtChar(Char, Modifiers & ~LXVT_MOD_SHIFT, Out, Size);
}

/* A new window size goes to the screen model and to lxcore (SIGWINCH) */
static
VOID
LxtermCheckSize(
    _Inout_ PLXRUN_TERMINAL Terminal)
{
    SHORT Rows, Columns;
    COORD Origin;

    if (!LxtermWindow(Terminal->ConsoleOut, &Rows, &Columns, &Origin))
        return;
    if (Rows == Terminal->Vt.Rows && Columns == Terminal->Vt.Columns)
        return;
    EnterCriticalSection(&Terminal->Lock);
    Terminal->Origin = Origin;
    LxvtResize(&Terminal->Vt, Rows, Columns);
    LxtermDraw(Terminal);
    Terminal->Unrecorded = TRUE;
    Terminal->LastOutput = GetTickCount();
    LeaveCriticalSection(&Terminal->Lock);
    PsxResizeTerminal(Terminal->Client, Terminal->Pid, (USHORT)Rows, (USHORT)Columns);
}

static
DWORD
WINAPI
LxtermKeysThread(
    _In_ LPVOID Parameter)
{
    PLXRUN_TERMINAL Terminal = Parameter;
    INPUT_RECORD Records[32];
    char Bytes[64];
    DWORD Count, i;
    WORD Repeat;
    size_t Length;

    while (!Terminal->Done)
    {
        if (Terminal->ConsoleOut != NULL)
            LxtermCheckSize(Terminal);
        if (Terminal->Transcript)
        {
            EnterCriticalSection(&Terminal->Lock);
            if (Terminal->Unrecorded && GetTickCount() - Terminal->LastOutput >= LXTERM_SETTLE_MS)
            {
                Terminal->Unrecorded = FALSE;
                LxtermTranscript(Terminal);
            }
            LeaveCriticalSection(&Terminal->Lock);
        }
        if (Terminal->ConsoleIn == NULL || Terminal->Keys == NULL)
        {
            Sleep(LXTERM_POLL_MS);
            continue;
        }
        if (WaitForSingleObject(Terminal->ConsoleIn, LXTERM_POLL_MS) != WAIT_OBJECT_0)
            continue;
        if (!ReadConsoleInputW(Terminal->ConsoleIn, Records, RTL_NUMBER_OF(Records), &Count))
            break;
        for (i = 0; i < Count; i++)
        {
            if (Records[i].EventType != KEY_EVENT || !Records[i].Event.KeyEvent.bKeyDown)
                continue;
            Length = LxtermKeyBytes(Terminal, &Records[i].Event.KeyEvent, Bytes, sizeof(Bytes));
            for (Repeat = max(Records[i].Event.KeyEvent.wRepeatCount, 1); Repeat > 0; Repeat--)
                LxtermType(Terminal, Bytes, Length);
        }
    }
    return 0;
}

/*
 * Whether this console is the terminal (stdin, stdout or stderr is a console, and no
 * --debug-stdio): then the PSX_REQUEST_TTY_* flags for the fds that are the console, the
 * window's size, and the program's ends of the two pipes in ProgramHandles (the keys for
 * fd 0, the screen for fd 1, or fd 2 when stdout is redirected). The other fds are left to
 * the caller.
 */
BOOL
LxrunTerminalPrepare(
    _Out_ PLXRUN_TERMINAL Terminal,
    _In_ BOOL Transcript,
    _Inout_ PSX_REQUEST_PARAMS *Params,
    _Inout_updates_(3) PHANDLE ProgramHandles)
{
    HANDLE Std[3] = { GetStdHandle(STD_INPUT_HANDLE), GetStdHandle(STD_OUTPUT_HANDLE),
                      GetStdHandle(STD_ERROR_HANDLE) };
    HANDLE ReadEnd, WriteEnd;
    SHORT Rows = 25, Columns = 80;
    ULONG i;

    ZeroMemory(Terminal, sizeof(*Terminal));
    for (i = 0; i < 3; i++)
    {
        if (LxtermIsConsole(Std[i]))
            Terminal->Fds |= 1u << i;
    }
    if (Terminal->Fds == 0)
        return FALSE;
    Terminal->Transcript = Transcript;
    Terminal->CursorShown = TRUE;
    if (Terminal->Fds & 1)
        Terminal->ConsoleIn = Std[0];
    if (Terminal->Fds & 6)
    {
        Terminal->ConsoleOut = (Terminal->Fds & 2) ? Std[1] : Std[2];
        if (!LxtermWindow(Terminal->ConsoleOut, &Rows, &Columns, &Terminal->Origin))
        {
            Rows = 25;
            Columns = 80;
        }
    }
    if (LxvtInit(&Terminal->Vt, Rows, Columns) != 0)
        return FALSE;
    InitializeCriticalSection(&Terminal->Lock);

    if (Terminal->ConsoleIn != NULL)
    {
        if (!CreatePipe(&ReadEnd, &WriteEnd, NULL, LXTERM_PIPE_BUFFER))
            return FALSE;
        Terminal->Keys = WriteEnd;
        ProgramHandles[0] = ReadEnd;
        Params->Flags |= PSX_REQUEST_TTY_STDIN;
    }
    if (Terminal->ConsoleOut != NULL)
    {
        if (!CreatePipe(&ReadEnd, &WriteEnd, NULL, LXTERM_PIPE_BUFFER))
            return FALSE;
        Terminal->Screen = ReadEnd;
        ProgramHandles[(Terminal->Fds & 2) ? 1 : 2] = WriteEnd;
    }
    if (Terminal->Fds & 2)
        Params->Flags |= PSX_REQUEST_TTY_STDOUT;
    if (Terminal->Fds & 4)
        Params->Flags |= PSX_REQUEST_TTY_STDERR;
    Params->TerminalRows = (uint16_t)Rows;
    Params->TerminalColumns = (uint16_t)Columns;
    return TRUE;
}

/* The program Pid started: the console goes raw and the two threads run */
BOOL
LxrunTerminalStart(
    _Inout_ PLXRUN_TERMINAL Terminal,
    _In_ PPSX_CLIENT Client,
    _In_ ULONG Pid)
{
    Terminal->Client = Client;
    Terminal->Pid = Pid;
    if (Terminal->ConsoleIn != NULL && GetConsoleMode(Terminal->ConsoleIn, &Terminal->InputMode))
    {
        /* keys as they are: the line discipline edits, echoes and turns ^C into SIGINT */
        SetConsoleMode(Terminal->ConsoleIn, ENABLE_WINDOW_INPUT);
        Terminal->RestoreInput = TRUE;
    }
    if (Terminal->Screen != NULL)
    {
        Terminal->ScreenThread = CreateThread(NULL, 0, LxtermScreenThread, Terminal, 0, NULL);
        if (Terminal->ScreenThread == NULL)
            return FALSE;
    }
    Terminal->KeysThread = CreateThread(NULL, 0, LxtermKeysThread, Terminal, 0, NULL);
    return Terminal->KeysThread != NULL;
}

/* The program ended: what is still in the screen pipe is drawn (the pipe ends when lxcore's
 * terminal closes), the cursor goes below the text, the console's input mode comes back. */
VOID
LxrunTerminalFinish(
    _Inout_ PLXRUN_TERMINAL Terminal,
    _In_ DWORD DrainTimeout)
{
    COORD Below;

    if (Terminal->ScreenThread != NULL)
        WaitForSingleObject(Terminal->ScreenThread, DrainTimeout);
    Terminal->Done = TRUE;
    if (Terminal->KeysThread != NULL)
        WaitForSingleObject(Terminal->KeysThread, 10 * LXTERM_POLL_MS);
    if (Terminal->Transcript)
    {
        EnterCriticalSection(&Terminal->Lock);
        if (Terminal->Unrecorded)
            LxtermTranscript(Terminal);
        LeaveCriticalSection(&Terminal->Lock);
    }
    if (Terminal->RestoreInput)
        SetConsoleMode(Terminal->ConsoleIn, Terminal->InputMode);
    if (Terminal->ConsoleOut != NULL)
    {
        Below.X = 0;
        Below.Y = (SHORT)(Terminal->Origin.Y + Terminal->Vt.CursorRow + 1);
        SetConsoleCursorPosition(Terminal->ConsoleOut, Below);
    }
}
