/*
 * PROJECT:     lxss for ReactOS - lxrun
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The terminal lxrun draws on the console: an xterm-like screen model fed with
 *              what the Linux program writes (UTF-8 with VT100/xterm control sequences),
 *              and the bytes an xterm sends for keys (C99, no Windows headers; also built
 *              for the host unit tests)
 *
 * lxrun's output thread gives the bytes the terminal shows to LxvtWrite, then copies the
 * rows LxvtWrite marked dirty to the console (WriteConsoleOutputW), places the cursor, sets
 * the title, and writes LxvtTakeReply's bytes (answers to DSR/DA queries) into the terminal's
 * input. The input thread turns console key events into bytes with LxvtKey and LxvtChar.
 */

#ifndef _LXVT_H_
#define _LXVT_H_

#include <stddef.h>
#include <stdint.h>

#define LXVT_MAX_ROWS           256
#define LXVT_MAX_COLUMNS        512
#define LXVT_MAX_PARAMS         16
#define LXVT_TITLE_MAX          256

/* colours: 0-7 the ANSI ones (black, red, green, yellow, blue, magenta, cyan, white),
 * 8-15 their bright forms; LXVT_DEFAULT_COLOR the terminal's default */
#define LXVT_DEFAULT_COLOR      0xFF

/* LXVT_CELL.Flags */
#define LXVT_BOLD               0x01
#define LXVT_UNDERLINE          0x02
#define LXVT_REVERSE            0x04
#define LXVT_HIDDEN             0x08
#define LXVT_DIM                0x10
#define LXVT_BLINK              0x20

typedef struct _LXVT_CELL
{
    uint32_t Char;              /* a Unicode code point, ' ' for an empty cell */
    uint8_t Fg, Bg;             /* colour index or LXVT_DEFAULT_COLOR */
    uint8_t Flags;              /* LXVT_BOLD... */
    uint8_t Reserved;
} LXVT_CELL;

/* the pen: what new characters are drawn with (SGR) */
typedef struct _LXVT_PEN
{
    uint8_t Fg, Bg, Flags;
} LXVT_PEN;

typedef struct _LXVT
{
    int Rows, Columns;
    LXVT_CELL *Cells;           /* the screen shown: Primary or Alternate */
    LXVT_CELL *Primary, *Alternate;     /* Rows x Columns each (LxvtInit allocates the maximum) */
    int UsingAlternate;         /* DECSET 47/1047/1049 */
    int CursorRow, CursorColumn;
    int WrapPending;            /* the last column was written: the next character wraps */
    LXVT_PEN Pen;
    int SavedRow, SavedColumn;  /* DECSC/DECRC (ESC 7/8, CSI s/u, DECSET 1049) */
    LXVT_PEN SavedPen;
    int Top, Bottom;            /* the scroll region (DECSTBM), rows Top..Bottom inclusive */
    int CursorVisible;          /* DECTCEM (DECSET 25) */
    int AutoWrap;               /* DECAWM (DECSET 7), on by default */
    int ApplicationCursor;      /* DECCKM (DECSET 1): arrows send ESC O A */
    int ApplicationKeypad;      /* DECKPAM/DECKPNM (ESC = / ESC >) */
    int InsertMode;             /* IRM (SM 4) */
    int OriginMode;             /* DECOM (DECSET 6) */
    int LineDrawing;            /* G0 is DEC Special Graphics (ESC ( 0): q -> U+2500... */
    uint8_t TabStops[LXVT_MAX_COLUMNS];
    /* the parser */
    int State;
    int Params[LXVT_MAX_PARAMS];
    int ParamCount;
    char Private;               /* '?', '>', '=' or 0 */
    char Intermediate;          /* ' ', '!', '(' ... or 0 */
    char Osc[LXVT_TITLE_MAX];
    int OscLength;
    uint32_t Utf8Code;          /* a UTF-8 sequence being decoded */
    int Utf8Left;
    /* what changed since the caller last looked */
    uint8_t Dirty[LXVT_MAX_ROWS];       /* rows to redraw */
    char Title[LXVT_TITLE_MAX];         /* OSC 0/2 */
    int TitleChanged;
    int Bells;                  /* BEL count */
    char Reply[128];            /* answers the program waits for (DSR, DA) */
    size_t ReplyLength;
} LXVT;

/* A terminal of Rows x Columns (clamped to 1..LXVT_MAX_*), blank, cursor at the top left.
 * 0, or -1 when out of memory. */
int LxvtInit(LXVT *Vt, int Rows, int Columns);
void LxvtFree(LXVT *Vt);
/* A new window size: the text is kept from the top left, the cursor clamped, the scroll
 * region reset, every row dirty. */
void LxvtResize(LXVT *Vt, int Rows, int Columns);
/* The bytes the program wrote: characters (UTF-8; a sequence split between calls is kept),
 * C0 controls, ESC sequences, CSI and OSC as xterm interprets them; unknown ones are
 * ignored. */
void LxvtWrite(LXVT *Vt, const uint8_t *Data, size_t Length);
/* The cells of a row of the screen shown (Row 0..Rows-1) */
const LXVT_CELL *LxvtRow(const LXVT *Vt, int Row);
/* Takes the pending replies (DSR 5/6, DA): copies at most Size bytes, returns their count */
size_t LxvtTakeReply(LXVT *Vt, char *Out, size_t Size);
/* Marks every row clean */
void LxvtClean(LXVT *Vt);

/* Keys (LxvtKey) and modifiers */
enum
{
    LXVT_KEY_UP = 1, LXVT_KEY_DOWN, LXVT_KEY_RIGHT, LXVT_KEY_LEFT,
    LXVT_KEY_HOME, LXVT_KEY_END, LXVT_KEY_INSERT, LXVT_KEY_DELETE,
    LXVT_KEY_PAGE_UP, LXVT_KEY_PAGE_DOWN,
    LXVT_KEY_F1, LXVT_KEY_F2, LXVT_KEY_F3, LXVT_KEY_F4, LXVT_KEY_F5, LXVT_KEY_F6,
    LXVT_KEY_F7, LXVT_KEY_F8, LXVT_KEY_F9, LXVT_KEY_F10, LXVT_KEY_F11, LXVT_KEY_F12,
    LXVT_KEY_BACKSPACE, LXVT_KEY_ENTER, LXVT_KEY_TAB, LXVT_KEY_ESCAPE
};
#define LXVT_MOD_SHIFT          0x01
#define LXVT_MOD_ALT            0x02
#define LXVT_MOD_CTRL           0x04

/* The bytes xterm sends for Key with Modifiers: CSI/SS3 sequences (ESC O A in application
 * cursor mode, ESC [ 1 ; m A with modifiers), DEL for Backspace, CR for Enter, Alt as an ESC
 * prefix of single bytes. Returns their count (0: unknown key; nothing is written beyond
 * Size). */
size_t LxvtKey(const LXVT *Vt, int Key, int Modifiers, char *Out, size_t Size);
/* A typed character (UTF-8), with Alt as an ESC prefix; Ctrl with a letter, @, [, \, ], ^ or
 * _ gives its C0 control, Ctrl+Space NUL (the console may already have done it: a control
 * character is passed as it is). Returns the byte count. */
size_t LxvtChar(uint32_t Char, int Modifiers, char *Out, size_t Size);

#endif /* _LXVT_H_ */
