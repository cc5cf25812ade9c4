/*
 * PROJECT:     lxss for ReactOS - lxrun
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The terminal lxrun draws on the console: an xterm-like screen model fed with
 *              what the Linux program writes (UTF-8 with VT100/xterm control sequences),
 *              and the bytes an xterm sends for keys (C99, no Windows headers; also built
 *              for the host unit tests)
 *
 * Layout: both screens hold LXVT_MAX_ROWS x LXVT_MAX_COLUMNS cells, the cell of (Row, Column)
 * at Row * LXVT_MAX_COLUMNS + Column, so a resize moves nothing; only the top left Rows x
 * Columns are shown, and the cells a resize uncovers are blanked then.
 *
 * Choices where terminals differ:
 * - erasing (ED, EL, ECH, ICH, DCH, IL, DL, scrolling) fills with the current background
 *   colour, as xterm does (bce), with the default foreground and no attributes;
 * - the UTF-8 decoder runs before the parser: invalid bytes, overlong forms, surrogates and
 *   code points past U+10FFFF are U+FFFD; U+0080..U+009F are the C1 controls (CSI, OSC, ST...)
 *   as in xterm;
 * - combining marks and zero-width characters are dropped; East Asian wide characters take
 *   two columns (the character, then a blank cell) so the cursor is where the program, which
 *   counts with wcwidth, expects it;
 * - 256-colour and direct colours become the nearest of the 16 console colours (the classic
 *   console palette: 0/128/192/255 levels);
 * - ED 3 erases the whole screen (there is no scroll-back to erase);
 * - one saved cursor is shared by both screens; G1, SS2/SS3 and the saved character set are
 *   not kept (SO/SI are ignored).
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lxvt.h"

/* Parser states (LXVT.State) */
enum
{
    LXVTP_GROUND = 0,
    LXVTP_ESCAPE,               /* after ESC */
    LXVTP_ESCAPE_INTERMEDIATE,  /* after ESC and 0x20-0x2F (ESC ( 0, ESC # 8) */
    LXVTP_CSI,                  /* after ESC [ : parameters, intermediates */
    LXVTP_CSI_IGNORE,           /* a malformed CSI, skipped up to its final byte */
    LXVTP_OSC,                  /* after ESC ] : text up to BEL or ST */
    LXVTP_OSC_ESCAPE,           /* ESC inside an OSC: ST if '\' follows */
    LXVTP_STRING,               /* DCS, SOS, PM, APC: skipped up to ST */
    LXVTP_STRING_ESCAPE         /* ESC inside one of those */
};

/* LXVT.Intermediate of an ESC or CSI sequence with more than one intermediate byte */
#define LXVTP_SEVERAL_INTERMEDIATES     1

/* Parameter values stop growing here (the longest parameters are clamped when used) */
#define LXVTP_PARAM_LIMIT       100000

#define LXVTP_CELL(Vt, Row, Column) \
    ((Vt)->Cells[(size_t)(Row) * LXVT_MAX_COLUMNS + (size_t)(Column)])

/* DEC Special Graphics, 0x5F..0x7E (ESC ( 0) */
static const uint16_t LxvtpDecGraphics[32] =
{
    0x00A0, 0x25C6, 0x2592, 0x2409, 0x240C, 0x240D, 0x240A, 0x00B0,     /* _ ` a b c d e f */
    0x00B1, 0x2424, 0x240B, 0x2518, 0x2510, 0x250C, 0x2514, 0x253C,     /* g h i j k l m n */
    0x23BA, 0x23BB, 0x2500, 0x23BC, 0x23BD, 0x251C, 0x2524, 0x2534,     /* o p q r s t u v */
    0x252C, 0x2502, 0x2264, 0x2265, 0x03C0, 0x2260, 0x00A3, 0x00B7      /* w x y z { | } ~ */
};

/* The 16 console colours as RGB, for the nearest match of 256-colour and direct colours */
static const uint8_t LxvtpPalette[16][3] =
{
    {0, 0, 0}, {128, 0, 0}, {0, 128, 0}, {128, 128, 0},
    {0, 0, 128}, {128, 0, 128}, {0, 128, 128}, {192, 192, 192},
    {128, 128, 128}, {255, 0, 0}, {0, 255, 0}, {255, 255, 0},
    {0, 0, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 255}
};

typedef struct _LXVTP_RANGE
{
    uint32_t First, Last;
} LXVTP_RANGE;

/* Code points that take no cell: combining marks, zero-width spaces and joiners, variation
 * selectors */
static const LXVTP_RANGE LxvtpZeroWidth[] =
{
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},
    {0x064B, 0x065F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},
    {0x2028, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF}
};

/* Code points that take two cells (East Asian Wide and Fullwidth, emoji) */
static const LXVTP_RANGE LxvtpWide[] =
{
    {0x1100, 0x115F}, {0x2329, 0x232A}, {0x2E80, 0x303E}, {0x3041, 0x33FF},
    {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xAC00, 0xD7A3},
    {0xF900, 0xFAFF}, {0xFE10, 0xFE19}, {0xFE30, 0xFE6F}, {0xFF00, 0xFF60},
    {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD},
    {0x30000, 0x3FFFD}
};

static void LxvtpInput(LXVT *Vt, uint32_t Char);

static int
LxvtpInRanges(uint32_t Char, const LXVTP_RANGE *Ranges, size_t Count)
{
    size_t Index;

    for (Index = 0; Index < Count; Index++)
    {
        if (Char >= Ranges[Index].First && Char <= Ranges[Index].Last)
            return 1;
    }
    return 0;
}

static int
LxvtpWidth(uint32_t Char)
{
    if (Char < 0x300)
        return 1;
    if (LxvtpInRanges(Char, LxvtpZeroWidth, sizeof(LxvtpZeroWidth) / sizeof(LxvtpZeroWidth[0])))
        return 0;
    if (LxvtpInRanges(Char, LxvtpWide, sizeof(LxvtpWide) / sizeof(LxvtpWide[0])))
        return 2;
    return 1;
}

static int
LxvtpClamp(int Value, int Low, int High)
{
    if (Value < Low)
        return Low;
    if (Value > High)
        return High;
    return Value;
}

static void
LxvtpMarkDirty(LXVT *Vt, int First, int Last)
{
    int Row;

    for (Row = First; Row <= Last; Row++)
        Vt->Dirty[Row] = 1;
}

/* What erasing leaves: a blank with the current background (bce) */
static LXVT_CELL
LxvtpErased(const LXVT *Vt)
{
    LXVT_CELL Cell;

    Cell.Char = ' ';
    Cell.Fg = LXVT_DEFAULT_COLOR;
    Cell.Bg = Vt->Pen.Bg;
    Cell.Flags = 0;
    Cell.Reserved = 0;
    return Cell;
}

static LXVT_CELL
LxvtpDefaultBlank(void)
{
    LXVT_CELL Cell;

    Cell.Char = ' ';
    Cell.Fg = LXVT_DEFAULT_COLOR;
    Cell.Bg = LXVT_DEFAULT_COLOR;
    Cell.Flags = 0;
    Cell.Reserved = 0;
    return Cell;
}

/* Fills columns First..Last-1 of Row of Screen */
static void
LxvtpFillRow(LXVT_CELL *Screen, int Row, int First, int Last, LXVT_CELL Cell)
{
    LXVT_CELL *Line = Screen + (size_t)Row * LXVT_MAX_COLUMNS;
    int Column;

    for (Column = First; Column < Last; Column++)
        Line[Column] = Cell;
}

/* Erases columns First..Last-1 of Row of the screen shown */
static void
LxvtpErase(LXVT *Vt, int Row, int First, int Last)
{
    First = LxvtpClamp(First, 0, Vt->Columns);
    Last = LxvtpClamp(Last, 0, Vt->Columns);
    if (First >= Last)
        return;
    LxvtpFillRow(Vt->Cells, Row, First, Last, LxvtpErased(Vt));
    Vt->Dirty[Row] = 1;
}

static void
LxvtpEraseRows(LXVT *Vt, int First, int Last)
{
    int Row;

    for (Row = First; Row <= Last; Row++)
        LxvtpErase(Vt, Row, 0, Vt->Columns);
}

static void
LxvtpCopyRow(LXVT *Vt, int To, int From)
{
    memcpy(&LXVTP_CELL(Vt, To, 0), &LXVTP_CELL(Vt, From, 0),
           (size_t)Vt->Columns * sizeof(LXVT_CELL));
}

/* Moves rows Top+Count..Bottom up to Top, erasing the Count rows uncovered at the bottom */
static void
LxvtpScrollUp(LXVT *Vt, int Top, int Bottom, int Count)
{
    int Row;

    if (Count <= 0 || Top > Bottom)
        return;
    if (Count > Bottom - Top + 1)
        Count = Bottom - Top + 1;
    for (Row = Top; Row + Count <= Bottom; Row++)
        LxvtpCopyRow(Vt, Row, Row + Count);
    LxvtpEraseRows(Vt, Bottom - Count + 1, Bottom);
    LxvtpMarkDirty(Vt, Top, Bottom);
}

/* Moves rows Top..Bottom-Count down to Top+Count, erasing the Count rows uncovered at the top */
static void
LxvtpScrollDown(LXVT *Vt, int Top, int Bottom, int Count)
{
    int Row;

    if (Count <= 0 || Top > Bottom)
        return;
    if (Count > Bottom - Top + 1)
        Count = Bottom - Top + 1;
    for (Row = Bottom; Row - Count >= Top; Row--)
        LxvtpCopyRow(Vt, Row, Row - Count);
    LxvtpEraseRows(Vt, Top, Top + Count - 1);
    LxvtpMarkDirty(Vt, Top, Bottom);
}

/* IND and LF: down one row; at the bottom of the scroll region the region scrolls up */
static void
LxvtpIndex(LXVT *Vt)
{
    Vt->WrapPending = 0;
    if (Vt->CursorRow == Vt->Bottom)
        LxvtpScrollUp(Vt, Vt->Top, Vt->Bottom, 1);
    else if (Vt->CursorRow < Vt->Rows - 1)
        Vt->CursorRow++;
}

/* RI: up one row; at the top of the scroll region the region scrolls down */
static void
LxvtpReverseIndex(LXVT *Vt)
{
    Vt->WrapPending = 0;
    if (Vt->CursorRow == Vt->Top)
        LxvtpScrollDown(Vt, Vt->Top, Vt->Bottom, 1);
    else if (Vt->CursorRow > 0)
        Vt->CursorRow--;
}

static void
LxvtpMoveTo(LXVT *Vt, int Row, int Column)
{
    Vt->CursorRow = LxvtpClamp(Row, 0, Vt->Rows - 1);
    Vt->CursorColumn = LxvtpClamp(Column, 0, Vt->Columns - 1);
    Vt->WrapPending = 0;
}

/* CUP and VPA: Row is relative to the scroll region in origin mode and kept inside it */
static void
LxvtpGoto(LXVT *Vt, int Row, int Column)
{
    if (Vt->OriginMode)
        Row = LxvtpClamp(Vt->Top + LxvtpClamp(Row, 0, Vt->Rows), Vt->Top, Vt->Bottom);
    LxvtpMoveTo(Vt, Row, Column);
}

static void
LxvtpSaveCursor(LXVT *Vt)
{
    Vt->SavedRow = Vt->CursorRow;
    Vt->SavedColumn = Vt->CursorColumn;
    Vt->SavedPen = Vt->Pen;
}

static void
LxvtpRestoreCursor(LXVT *Vt)
{
    Vt->Pen = Vt->SavedPen;
    LxvtpMoveTo(Vt, Vt->SavedRow, Vt->SavedColumn);
}

static int
LxvtpNextTab(const LXVT *Vt, int Column)
{
    for (Column++; Column < Vt->Columns; Column++)
    {
        if (Vt->TabStops[Column])
            return Column;
    }
    return Vt->Columns - 1;
}

static int
LxvtpPreviousTab(const LXVT *Vt, int Column)
{
    for (Column--; Column > 0; Column--)
    {
        if (Vt->TabStops[Column])
            return Column;
    }
    return 0;
}

static void
LxvtpTab(LXVT *Vt, int Forward, int Count)
{
    int Column = Vt->CursorColumn;

    Count = LxvtpClamp(Count, 1, Vt->Columns);
    while (Count-- > 0)
        Column = Forward ? LxvtpNextTab(Vt, Column) : LxvtpPreviousTab(Vt, Column);
    if (Column != Vt->CursorColumn)
        LxvtpMoveTo(Vt, Vt->CursorRow, Column);
}

static void
LxvtpDefaultTabs(LXVT *Vt)
{
    int Column;

    for (Column = 0; Column < LXVT_MAX_COLUMNS; Column++)
        Vt->TabStops[Column] = (Column % 8) == 0;
}

/* ICH: Count blanks at the cursor, the rest of the line moving right */
static void
LxvtpInsertCells(LXVT *Vt, int Count)
{
    LXVT_CELL *Line = &LXVTP_CELL(Vt, Vt->CursorRow, 0);
    int Column = Vt->CursorColumn;

    Count = LxvtpClamp(Count, 1, Vt->Columns - Column);
    memmove(Line + Column + Count, Line + Column,
            (size_t)(Vt->Columns - Column - Count) * sizeof(LXVT_CELL));
    LxvtpErase(Vt, Vt->CursorRow, Column, Column + Count);
}

/* DCH: Count cells at the cursor removed, the rest of the line moving left */
static void
LxvtpDeleteCells(LXVT *Vt, int Count)
{
    LXVT_CELL *Line = &LXVTP_CELL(Vt, Vt->CursorRow, 0);
    int Column = Vt->CursorColumn;

    Count = LxvtpClamp(Count, 1, Vt->Columns - Column);
    memmove(Line + Column, Line + Column + Count,
            (size_t)(Vt->Columns - Column - Count) * sizeof(LXVT_CELL));
    LxvtpErase(Vt, Vt->CursorRow, Vt->Columns - Count, Vt->Columns);
}

static void
LxvtpPrint(LXVT *Vt, uint32_t Char)
{
    LXVT_CELL *Line;
    int Width;
    int Column;

    if (Vt->LineDrawing && Char >= 0x5F && Char <= 0x7E)
        Char = LxvtpDecGraphics[Char - 0x5F];
    Width = LxvtpWidth(Char);
    if (Width == 0)
        return;
    if (Width > Vt->Columns)
        Width = 1;

    if (Vt->WrapPending && Vt->AutoWrap)
    {
        Vt->CursorColumn = 0;
        LxvtpIndex(Vt);
    }
    Vt->WrapPending = 0;

    /* A wide character that does not fit in the last column goes to the next line */
    if (Vt->CursorColumn + Width > Vt->Columns)
    {
        if (Vt->AutoWrap)
        {
            Vt->CursorColumn = 0;
            LxvtpIndex(Vt);
        }
        else
        {
            Vt->CursorColumn = Vt->Columns - Width;
        }
    }

    if (Vt->InsertMode)
        LxvtpInsertCells(Vt, Width);

    Column = Vt->CursorColumn;
    Line = &LXVTP_CELL(Vt, Vt->CursorRow, 0);
    Line[Column].Char = Char;
    Line[Column].Fg = Vt->Pen.Fg;
    Line[Column].Bg = Vt->Pen.Bg;
    Line[Column].Flags = Vt->Pen.Flags;
    Line[Column].Reserved = 0;
    if (Width == 2)
    {
        Line[Column + 1] = Line[Column];
        Line[Column + 1].Char = ' ';
    }
    Vt->Dirty[Vt->CursorRow] = 1;

    if (Column + Width >= Vt->Columns)
    {
        Vt->CursorColumn = Vt->Columns - 1;
        Vt->WrapPending = Vt->AutoWrap;
    }
    else
    {
        Vt->CursorColumn = Column + Width;
    }
}

static void
LxvtpReply(LXVT *Vt, const char *Text)
{
    size_t Length = strlen(Text);

    /* The program reads its replies in order: one that does not fit is dropped whole */
    if (Length > sizeof(Vt->Reply) - Vt->ReplyLength)
        return;
    memcpy(Vt->Reply + Vt->ReplyLength, Text, Length);
    Vt->ReplyLength += Length;
}

static void
LxvtpUseScreen(LXVT *Vt, int Alternate, int Clear)
{
    Vt->UsingAlternate = Alternate;
    Vt->Cells = Alternate ? Vt->Alternate : Vt->Primary;
    if (Clear)
        LxvtpEraseRows(Vt, 0, Vt->Rows - 1);
    LxvtpMarkDirty(Vt, 0, Vt->Rows - 1);
}

/* DECSTR: the modes back to their defaults, the screen kept */
static void
LxvtpSoftReset(LXVT *Vt)
{
    Vt->Pen.Fg = LXVT_DEFAULT_COLOR;
    Vt->Pen.Bg = LXVT_DEFAULT_COLOR;
    Vt->Pen.Flags = 0;
    Vt->SavedRow = 0;
    Vt->SavedColumn = 0;
    Vt->SavedPen = Vt->Pen;
    Vt->Top = 0;
    Vt->Bottom = Vt->Rows - 1;
    Vt->CursorVisible = 1;
    Vt->AutoWrap = 1;
    Vt->ApplicationCursor = 0;
    Vt->ApplicationKeypad = 0;
    Vt->InsertMode = 0;
    Vt->OriginMode = 0;
    Vt->LineDrawing = 0;
    Vt->WrapPending = 0;
}

/* The state of a new terminal (RIS): DECSTR's, and the cursor home, default tab stops, the
 * parser at rest, both screens blank; the size, title, bell count and replies stay */
static void
LxvtpReset(LXVT *Vt)
{
    LXVT_CELL Blank = LxvtpDefaultBlank();
    int Row;

    LxvtpSoftReset(Vt);
    Vt->CursorRow = 0;
    Vt->CursorColumn = 0;
    LxvtpDefaultTabs(Vt);
    Vt->State = LXVTP_GROUND;
    Vt->ParamCount = 0;
    Vt->Private = 0;
    Vt->Intermediate = 0;
    Vt->OscLength = 0;
    Vt->Utf8Code = 0;
    Vt->Utf8Left = 0;

    for (Row = 0; Row < Vt->Rows; Row++)
    {
        LxvtpFillRow(Vt->Primary, Row, 0, Vt->Columns, Blank);
        LxvtpFillRow(Vt->Alternate, Row, 0, Vt->Columns, Blank);
    }
    LxvtpUseScreen(Vt, 0, 0);
}

static uint8_t
LxvtpNearestColor(int Red, int Green, int Blue)
{
    long Best = LONG_MAX;
    uint8_t BestIndex = 0;
    int Index;

    for (Index = 0; Index < 16; Index++)
    {
        long DeltaRed = Red - LxvtpPalette[Index][0];
        long DeltaGreen = Green - LxvtpPalette[Index][1];
        long DeltaBlue = Blue - LxvtpPalette[Index][2];
        long Distance = DeltaRed * DeltaRed + DeltaGreen * DeltaGreen + DeltaBlue * DeltaBlue;

        if (Distance < Best)
        {
            Best = Distance;
            BestIndex = (uint8_t)Index;
        }
    }
    return BestIndex;
}

/* One of xterm's 256 colours as one of the 16 */
static uint8_t
LxvtpColor256(int Color)
{
    static const uint8_t Levels[6] = {0, 95, 135, 175, 215, 255};
    int Grey;

    if (Color < 16)
        return (uint8_t)Color;
    if (Color < 232)
    {
        Color -= 16;
        return LxvtpNearestColor(Levels[Color / 36], Levels[(Color / 6) % 6], Levels[Color % 6]);
    }
    Grey = 8 + 10 * (Color - 232);
    return LxvtpNearestColor(Grey, Grey, Grey);
}

/* The colour of SGR 38/48 ; 5 ; n or 38/48 ; 2 ; r ; g ; b starting at Params[*Index] (the
 * 38 or 48); *Index is left on its last parameter. 0 if it names no colour. */
static int
LxvtpExtendedColor(LXVT *Vt, int Count, int *Index, uint8_t *Color)
{
    int Kind;

    if (*Index + 1 >= Count)
        return 0;
    Kind = Vt->Params[*Index + 1];
    if (Kind == 5)
    {
        int Value;

        if (*Index + 2 >= Count)
        {
            *Index = Count;
            return 0;
        }
        Value = Vt->Params[*Index + 2];
        *Index += 2;
        if (Value > 255)
            return 0;
        *Color = LxvtpColor256(Value);
        return 1;
    }
    if (Kind == 2)
    {
        if (*Index + 4 >= Count)
        {
            *Index = Count;
            return 0;
        }
        *Color = LxvtpNearestColor(LxvtpClamp(Vt->Params[*Index + 2], 0, 255),
                                   LxvtpClamp(Vt->Params[*Index + 3], 0, 255),
                                   LxvtpClamp(Vt->Params[*Index + 4], 0, 255));
        *Index += 4;
        return 1;
    }
    /* An unknown colour space: xterm stops reading the SGR there */
    *Index = Count;
    return 0;
}

static void
LxvtpSgr(LXVT *Vt, int Count)
{
    int Index;

    if (Count == 0)
    {
        Vt->Pen.Fg = LXVT_DEFAULT_COLOR;
        Vt->Pen.Bg = LXVT_DEFAULT_COLOR;
        Vt->Pen.Flags = 0;
        return;
    }
    for (Index = 0; Index < Count; Index++)
    {
        int Value = Vt->Params[Index];
        uint8_t Color;

        switch (Value)
        {
            case 0:
                Vt->Pen.Fg = LXVT_DEFAULT_COLOR;
                Vt->Pen.Bg = LXVT_DEFAULT_COLOR;
                Vt->Pen.Flags = 0;
                break;
            case 1: Vt->Pen.Flags |= LXVT_BOLD; break;
            case 2: Vt->Pen.Flags |= LXVT_DIM; break;
            case 4: case 21: Vt->Pen.Flags |= LXVT_UNDERLINE; break;
            case 5: case 6: Vt->Pen.Flags |= LXVT_BLINK; break;
            case 7: Vt->Pen.Flags |= LXVT_REVERSE; break;
            case 8: Vt->Pen.Flags |= LXVT_HIDDEN; break;
            case 22: Vt->Pen.Flags &= (uint8_t)~(LXVT_BOLD | LXVT_DIM); break;
            case 24: Vt->Pen.Flags &= (uint8_t)~LXVT_UNDERLINE; break;
            case 25: Vt->Pen.Flags &= (uint8_t)~LXVT_BLINK; break;
            case 27: Vt->Pen.Flags &= (uint8_t)~LXVT_REVERSE; break;
            case 28: Vt->Pen.Flags &= (uint8_t)~LXVT_HIDDEN; break;
            case 38:
                if (LxvtpExtendedColor(Vt, Count, &Index, &Color))
                    Vt->Pen.Fg = Color;
                break;
            case 39: Vt->Pen.Fg = LXVT_DEFAULT_COLOR; break;
            case 48:
                if (LxvtpExtendedColor(Vt, Count, &Index, &Color))
                    Vt->Pen.Bg = Color;
                break;
            case 49: Vt->Pen.Bg = LXVT_DEFAULT_COLOR; break;
            default:
                if (Value >= 30 && Value <= 37)
                    Vt->Pen.Fg = (uint8_t)(Value - 30);
                else if (Value >= 40 && Value <= 47)
                    Vt->Pen.Bg = (uint8_t)(Value - 40);
                else if (Value >= 90 && Value <= 97)
                    Vt->Pen.Fg = (uint8_t)(Value - 90 + 8);
                else if (Value >= 100 && Value <= 107)
                    Vt->Pen.Bg = (uint8_t)(Value - 100 + 8);
                /* italic, strike-through, fonts, frames...: not shown */
                break;
        }
    }
}

static void
LxvtpSetPrivateMode(LXVT *Vt, int Mode, int Set)
{
    switch (Mode)
    {
        case 1:
            Vt->ApplicationCursor = Set;
            break;
        case 6:
            Vt->OriginMode = Set;
            LxvtpGoto(Vt, 0, 0);
            break;
        case 7:
            Vt->AutoWrap = Set;
            if (!Set)
                Vt->WrapPending = 0;
            break;
        case 25:
            Vt->CursorVisible = Set;
            break;
        case 47:
            LxvtpUseScreen(Vt, Set, 0);
            break;
        case 1047:
            /* xterm clears the alternate screen when it leaves it; it is cleared on entry too
             * so that what a previous program left there is never shown */
            if (!Set && Vt->UsingAlternate)
                LxvtpEraseRows(Vt, 0, Vt->Rows - 1);
            LxvtpUseScreen(Vt, Set, Set);
            break;
        case 1048:
            if (Set)
                LxvtpSaveCursor(Vt);
            else
                LxvtpRestoreCursor(Vt);
            break;
        case 1049:
            if (Set)
            {
                LxvtpSaveCursor(Vt);
                LxvtpUseScreen(Vt, 1, 1);
            }
            else
            {
                LxvtpUseScreen(Vt, 0, 0);
                LxvtpRestoreCursor(Vt);
            }
            break;
        default:
            /* mouse reporting, bracketed paste, cursor blinking...: nothing to draw */
            break;
    }
}

/* The parameters given (a sequence with more than LXVT_MAX_PARAMS keeps the first ones) */
static int
LxvtpParamCount(const LXVT *Vt)
{
    return Vt->ParamCount > LXVT_MAX_PARAMS ? LXVT_MAX_PARAMS : Vt->ParamCount;
}

/* Parameter Index, Default when missing or 0 */
static int
LxvtpParam(const LXVT *Vt, int Index, int Default)
{
    if (Index >= LxvtpParamCount(Vt) || Vt->Params[Index] == 0)
        return Default;
    return Vt->Params[Index];
}

static void
LxvtpEraseDisplay(LXVT *Vt, int Mode)
{
    Vt->WrapPending = 0;
    switch (Mode)
    {
        case 0:
            LxvtpErase(Vt, Vt->CursorRow, Vt->CursorColumn, Vt->Columns);
            LxvtpEraseRows(Vt, Vt->CursorRow + 1, Vt->Rows - 1);
            break;
        case 1:
            LxvtpEraseRows(Vt, 0, Vt->CursorRow - 1);
            LxvtpErase(Vt, Vt->CursorRow, 0, Vt->CursorColumn + 1);
            break;
        case 2:
        case 3:
            LxvtpEraseRows(Vt, 0, Vt->Rows - 1);
            break;
        default:
            break;
    }
}

static void
LxvtpEraseLine(LXVT *Vt, int Mode)
{
    Vt->WrapPending = 0;
    switch (Mode)
    {
        case 0:
            LxvtpErase(Vt, Vt->CursorRow, Vt->CursorColumn, Vt->Columns);
            break;
        case 1:
            LxvtpErase(Vt, Vt->CursorRow, 0, Vt->CursorColumn + 1);
            break;
        case 2:
            LxvtpErase(Vt, Vt->CursorRow, 0, Vt->Columns);
            break;
        default:
            break;
    }
}

static void
LxvtpCsiDispatch(LXVT *Vt, uint32_t Final)
{
    int Count = LxvtpParamCount(Vt);
    int Row = Vt->CursorRow;
    int Column = Vt->CursorColumn;
    int Amount = LxvtpClamp(LxvtpParam(Vt, 0, 1), 1, LXVT_MAX_ROWS + LXVT_MAX_COLUMNS);
    int Index;
    char Text[32];

    if (Vt->Intermediate)
    {
        if (Vt->Intermediate == '!' && Final == 'p' && !Vt->Private)
            LxvtpSoftReset(Vt);
        /* DECSCUSR (cursor shape) and the rest: ignored */
        return;
    }

    if (Vt->Private == '?')
    {
        switch (Final)
        {
            case 'h':
            case 'l':
                for (Index = 0; Index < Count; Index++)
                    LxvtpSetPrivateMode(Vt, Vt->Params[Index], Final == 'h');
                break;
            case 'J':
                /* DECSED: there are no protected characters, so it is ED */
                LxvtpEraseDisplay(Vt, LxvtpParam(Vt, 0, 0));
                break;
            case 'K':
                LxvtpEraseLine(Vt, LxvtpParam(Vt, 0, 0));
                break;
            default:
                break;
        }
        return;
    }
    if (Vt->Private == '>')
    {
        if (Final == 'c' && LxvtpParam(Vt, 0, 0) == 0)
            LxvtpReply(Vt, "\x1b[>0;0;0c");
        return;
    }
    if (Vt->Private)
        return;

    switch (Final)
    {
        case 'A':   /* CUU: not above the scroll region when in it */
            LxvtpMoveTo(Vt, LxvtpClamp(Row - Amount, Row >= Vt->Top ? Vt->Top : 0, Row), Column);
            break;
        case 'B':   /* CUD, and VPR */
        case 'e':
            LxvtpMoveTo(Vt, LxvtpClamp(Row + Amount, Row, Row <= Vt->Bottom ? Vt->Bottom :
                                       Vt->Rows - 1), Column);
            break;
        case 'C':   /* CUF, and HPR */
        case 'a':
            LxvtpMoveTo(Vt, Row, Column + Amount);
            break;
        case 'D':   /* CUB */
            LxvtpMoveTo(Vt, Row, Column - Amount);
            break;
        case 'E':   /* CNL */
            LxvtpMoveTo(Vt, LxvtpClamp(Row + Amount, Row, Row <= Vt->Bottom ? Vt->Bottom :
                                       Vt->Rows - 1), 0);
            break;
        case 'F':   /* CPL */
            LxvtpMoveTo(Vt, LxvtpClamp(Row - Amount, Row >= Vt->Top ? Vt->Top : 0, Row), 0);
            break;
        case 'G':   /* CHA, and HPA */
        case '`':
            LxvtpMoveTo(Vt, Row, Amount - 1);
            break;
        case 'H':   /* CUP, and HVP */
        case 'f':
            LxvtpGoto(Vt, LxvtpClamp(LxvtpParam(Vt, 0, 1), 1, LXVT_MAX_ROWS) - 1,
                      LxvtpClamp(LxvtpParam(Vt, 1, 1), 1, LXVT_MAX_COLUMNS) - 1);
            break;
        case 'd':   /* VPA */
            LxvtpGoto(Vt, LxvtpClamp(Amount, 1, LXVT_MAX_ROWS) - 1, Column);
            break;
        case 'I':   /* CHT */
            LxvtpTab(Vt, 1, Amount);
            break;
        case 'Z':   /* CBT */
            LxvtpTab(Vt, 0, Amount);
            break;
        case 'J':
            LxvtpEraseDisplay(Vt, LxvtpParam(Vt, 0, 0));
            break;
        case 'K':
            LxvtpEraseLine(Vt, LxvtpParam(Vt, 0, 0));
            break;
        case 'L':   /* IL */
        case 'M':   /* DL */
            if (Row < Vt->Top || Row > Vt->Bottom)
                break;
            if (Final == 'L')
                LxvtpScrollDown(Vt, Row, Vt->Bottom, Amount);
            else
                LxvtpScrollUp(Vt, Row, Vt->Bottom, Amount);
            LxvtpMoveTo(Vt, Row, 0);
            break;
        case '@':   /* ICH */
            Vt->WrapPending = 0;
            LxvtpInsertCells(Vt, Amount);
            break;
        case 'P':   /* DCH */
            Vt->WrapPending = 0;
            LxvtpDeleteCells(Vt, Amount);
            break;
        case 'X':   /* ECH */
            Vt->WrapPending = 0;
            LxvtpErase(Vt, Row, Column, Column + LxvtpClamp(Amount, 1, Vt->Columns));
            break;
        case 'S':   /* SU */
            LxvtpScrollUp(Vt, Vt->Top, Vt->Bottom, Amount);
            break;
        case 'T':   /* SD; with more parameters it is xterm's mouse tracking: ignored */
            if (Count <= 1)
                LxvtpScrollDown(Vt, Vt->Top, Vt->Bottom, Amount);
            break;
        case 'r':   /* DECSTBM: at least two rows; a bottom past the screen is its last row */
        {
            int Top = LxvtpParam(Vt, 0, 1);
            int Bottom = LxvtpParam(Vt, 1, Vt->Rows);

            if (Bottom > Vt->Rows)
                Bottom = Vt->Rows;
            if (Top < Bottom)
            {
                Vt->Top = Top - 1;
                Vt->Bottom = Bottom - 1;
                LxvtpGoto(Vt, 0, 0);
            }
            break;
        }
        case 's':
            LxvtpSaveCursor(Vt);
            break;
        case 'u':
            LxvtpRestoreCursor(Vt);
            break;
        case 'g':   /* TBC */
            if (LxvtpParam(Vt, 0, 0) == 0)
                Vt->TabStops[Column] = 0;
            else if (LxvtpParam(Vt, 0, 0) == 3)
                memset(Vt->TabStops, 0, sizeof(Vt->TabStops));
            break;
        case 'm':
            LxvtpSgr(Vt, Count);
            break;
        case 'h':
        case 'l':
            for (Index = 0; Index < Count; Index++)
            {
                if (Vt->Params[Index] == 4)
                    Vt->InsertMode = Final == 'h';
            }
            break;
        case 'n':   /* DSR */
            if (LxvtpParam(Vt, 0, 0) == 5)
            {
                LxvtpReply(Vt, "\x1b[0n");
            }
            else if (LxvtpParam(Vt, 0, 0) == 6)
            {
                snprintf(Text, sizeof(Text), "\x1b[%d;%dR",
                         Row - (Vt->OriginMode ? Vt->Top : 0) + 1, Column + 1);
                LxvtpReply(Vt, Text);
            }
            break;
        case 'c':   /* DA: a VT100 with the advanced video option */
            if (LxvtpParam(Vt, 0, 0) == 0)
                LxvtpReply(Vt, "\x1b[?1;2c");
            break;
        default:
            /* window operations (t), DECLL, media copy...: ignored */
            break;
    }
}

static void
LxvtpEscDispatch(LXVT *Vt, uint32_t Final)
{
    int Row;

    if (Vt->Intermediate == '(')
    {
        /* G0: DEC Special Graphics or one of the text sets */
        Vt->LineDrawing = Final == '0';
        return;
    }
    if (Vt->Intermediate == '#')
    {
        if (Final == '8')
        {
            /* DECALN: the screen full of E */
            LXVT_CELL Cell = LxvtpDefaultBlank();

            Cell.Char = 'E';
            for (Row = 0; Row < Vt->Rows; Row++)
                LxvtpFillRow(Vt->Cells, Row, 0, Vt->Columns, Cell);
            LxvtpMarkDirty(Vt, 0, Vt->Rows - 1);
            Vt->Top = 0;
            Vt->Bottom = Vt->Rows - 1;
            LxvtpMoveTo(Vt, 0, 0);
        }
        return;
    }
    if (Vt->Intermediate)
    {
        /* G1-G3, character set selection, DECDHL...: ignored */
        return;
    }

    switch (Final)
    {
        case '7':
            LxvtpSaveCursor(Vt);
            break;
        case '8':
            LxvtpRestoreCursor(Vt);
            break;
        case 'D':
            LxvtpIndex(Vt);
            break;
        case 'E':
            Vt->CursorColumn = 0;
            LxvtpIndex(Vt);
            break;
        case 'M':
            LxvtpReverseIndex(Vt);
            break;
        case 'H':
            Vt->TabStops[Vt->CursorColumn] = 1;
            break;
        case 'c':
            LxvtpReset(Vt);
            break;
        case '=':
            Vt->ApplicationKeypad = 1;
            break;
        case '>':
            Vt->ApplicationKeypad = 0;
            break;
        default:
            break;
    }
}

/* Ends an OSC: "0;title" and "2;title" set the title, the others are ignored */
static void
LxvtpOscDispatch(LXVT *Vt)
{
    int Command = 0;
    int Index = 0;

    while (Index < Vt->OscLength && Vt->Osc[Index] >= '0' && Vt->Osc[Index] <= '9')
    {
        if (Command < LXVTP_PARAM_LIMIT)
            Command = Command * 10 + (Vt->Osc[Index] - '0');
        Index++;
    }
    if (Index == 0 || Index >= Vt->OscLength || Vt->Osc[Index] != ';')
        return;
    if (Command == 0 || Command == 2)
    {
        size_t Length = (size_t)(Vt->OscLength - Index - 1);

        if (Length > sizeof(Vt->Title) - 1)
            Length = sizeof(Vt->Title) - 1;
        memcpy(Vt->Title, Vt->Osc + Index + 1, Length);
        Vt->Title[Length] = '\0';
        Vt->TitleChanged = 1;
    }
}

/* Adds Char to the OSC text as UTF-8; what does not fit is dropped */
static void
LxvtpOscAdd(LXVT *Vt, uint32_t Char)
{
    char Bytes[4];
    size_t Length = LxvtChar(Char, 0, Bytes, sizeof(Bytes));

    if (Length == 0 || (size_t)Vt->OscLength + Length > sizeof(Vt->Osc) - 1)
        return;
    memcpy(Vt->Osc + Vt->OscLength, Bytes, Length);
    Vt->OscLength += (int)Length;
}

static void
LxvtpStartEscape(LXVT *Vt)
{
    Vt->State = LXVTP_ESCAPE;
    Vt->Intermediate = 0;
}

/* C0 controls, in text and inside ESC and CSI sequences */
static void
LxvtpControl(LXVT *Vt, uint32_t Char)
{
    switch (Char)
    {
        case 0x07:
            if (Vt->Bells < INT_MAX)
                Vt->Bells++;
            break;
        case 0x08:
            if (Vt->CursorColumn > 0)
                Vt->CursorColumn--;
            Vt->WrapPending = 0;
            break;
        case 0x09:
            LxvtpTab(Vt, 1, 1);
            break;
        case 0x0A:
        case 0x0B:
        case 0x0C:
            LxvtpIndex(Vt);
            break;
        case 0x0D:
            Vt->CursorColumn = 0;
            Vt->WrapPending = 0;
            break;
        case 0x18:
        case 0x1A:
            Vt->State = LXVTP_GROUND;
            break;
        case 0x1B:
            LxvtpStartEscape(Vt);
            break;
        default:
            /* NUL, SO/SI (G1 is never anything but ASCII here), ENQ...: ignored */
            break;
    }
}

/* One code point through the parser */
static void
LxvtpInput(LXVT *Vt, uint32_t Char)
{
    /* C1 controls are their 7-bit ESC forms */
    if (Char >= 0x80 && Char < 0xA0)
    {
        LxvtpInput(Vt, 0x1B);
        LxvtpInput(Vt, Char - 0x40);
        return;
    }

    switch (Vt->State)
    {
        case LXVTP_GROUND:
            if (Char < 0x20)
                LxvtpControl(Vt, Char);
            else if (Char != 0x7F)
                LxvtpPrint(Vt, Char);
            break;

        case LXVTP_ESCAPE:
        case LXVTP_ESCAPE_INTERMEDIATE:
            if (Char < 0x20)
            {
                LxvtpControl(Vt, Char);
            }
            else if (Char < 0x30)
            {
                Vt->Intermediate = Vt->Intermediate ? LXVTP_SEVERAL_INTERMEDIATES : (char)Char;
                Vt->State = LXVTP_ESCAPE_INTERMEDIATE;
            }
            else if (Char >= 0x7F)
            {
                /* DEL is ignored; a character ends the sequence and is dropped */
                if (Char != 0x7F)
                    Vt->State = LXVTP_GROUND;
            }
            else if (Vt->State == LXVTP_ESCAPE && Char == '[')
            {
                Vt->State = LXVTP_CSI;
                Vt->ParamCount = 0;
                Vt->Params[0] = 0;
                Vt->Private = 0;
                Vt->Intermediate = 0;
            }
            else if (Vt->State == LXVTP_ESCAPE && Char == ']')
            {
                Vt->State = LXVTP_OSC;
                Vt->OscLength = 0;
            }
            else if (Vt->State == LXVTP_ESCAPE &&
                     (Char == 'P' || Char == 'X' || Char == '^' || Char == '_'))
            {
                Vt->State = LXVTP_STRING;
            }
            else
            {
                Vt->State = LXVTP_GROUND;
                LxvtpEscDispatch(Vt, Char);
            }
            break;

        case LXVTP_CSI:
        case LXVTP_CSI_IGNORE:
            if (Char < 0x20)
            {
                LxvtpControl(Vt, Char);
            }
            else if (Char >= 0x40 && Char <= 0x7E)
            {
                /* the final byte; a malformed sequence just ends */
                int Malformed = Vt->State == LXVTP_CSI_IGNORE;

                Vt->State = LXVTP_GROUND;
                if (!Malformed)
                    LxvtpCsiDispatch(Vt, Char);
            }
            else if (Vt->State == LXVTP_CSI_IGNORE || Char >= 0x7F)
            {
                /* inside a malformed sequence; DEL and other characters are ignored */
            }
            else if (Char < 0x30)
            {
                Vt->Intermediate = Vt->Intermediate ? LXVTP_SEVERAL_INTERMEDIATES : (char)Char;
            }
            else if (Vt->Intermediate)
            {
                /* parameters after an intermediate byte */
                Vt->State = LXVTP_CSI_IGNORE;
            }
            else if (Char <= '9')
            {
                if (Vt->ParamCount == 0)
                {
                    Vt->ParamCount = 1;
                    Vt->Params[0] = 0;
                }
                if (Vt->ParamCount <= LXVT_MAX_PARAMS &&
                    Vt->Params[Vt->ParamCount - 1] < LXVTP_PARAM_LIMIT)
                {
                    Vt->Params[Vt->ParamCount - 1] =
                        Vt->Params[Vt->ParamCount - 1] * 10 + (int)(Char - '0');
                }
            }
            else if (Char == ';' || Char == ':')
            {
                /* ':' separates the sub-parameters of 38:5:n and 38:2::r:g:b: taken as ';' */
                if (Vt->ParamCount == 0)
                {
                    Vt->ParamCount = 1;
                    Vt->Params[0] = 0;
                }
                if (Vt->ParamCount < LXVT_MAX_PARAMS)
                    Vt->Params[Vt->ParamCount++] = 0;
                else
                    Vt->ParamCount = LXVT_MAX_PARAMS + 1;
            }
            else
            {
                /* '<' '=' '>' '?': a private marker, only before the parameters */
                if (Vt->ParamCount == 0 && !Vt->Private)
                    Vt->Private = (char)Char;
                else
                    Vt->State = LXVTP_CSI_IGNORE;
            }
            break;

        case LXVTP_OSC:
            if (Char == 0x07)
            {
                Vt->State = LXVTP_GROUND;
                LxvtpOscDispatch(Vt);
            }
            else if (Char == 0x1B)
            {
                Vt->State = LXVTP_OSC_ESCAPE;
            }
            else if (Char == 0x18 || Char == 0x1A)
            {
                Vt->State = LXVTP_GROUND;
            }
            else if (Char >= 0x20 && Char != 0x7F)
            {
                LxvtpOscAdd(Vt, Char);
            }
            break;

        case LXVTP_STRING:
            if (Char == 0x1B)
                Vt->State = LXVTP_STRING_ESCAPE;
            else if (Char == 0x18 || Char == 0x1A)
                Vt->State = LXVTP_GROUND;
            break;

        case LXVTP_OSC_ESCAPE:
        case LXVTP_STRING_ESCAPE:
            if (Char == '\\')
            {
                if (Vt->State == LXVTP_OSC_ESCAPE)
                    LxvtpOscDispatch(Vt);
                Vt->State = LXVTP_GROUND;
            }
            else
            {
                /* not ST: the string is abandoned and the ESC starts a new sequence */
                LxvtpStartEscape(Vt);
                LxvtpInput(Vt, Char);
            }
            break;

        default:
            Vt->State = LXVTP_GROUND;
            break;
    }
}

/* The code point of a finished UTF-8 sequence: Code holds the lead byte above the 6-bit
 * groups, so its size tells the length; overlong forms, surrogates and values past
 * U+10FFFF are U+FFFD */
static uint32_t
LxvtpUtf8Finish(uint32_t Code)
{
    uint32_t Value;

    if (Code < 0x4000)
        return Code & 0x7FF;    /* the leads C2..DF are never overlong */
    if (Code < 0x100000)
    {
        Value = Code & 0xFFFF;
        if (Value < 0x800 || (Value >= 0xD800 && Value <= 0xDFFF))
            return 0xFFFD;
        return Value;
    }
    Value = Code & 0x1FFFFF;
    if (Value < 0x10000 || Value > 0x10FFFF)
        return 0xFFFD;
    return Value;
}

int
LxvtInit(LXVT *Vt, int Rows, int Columns)
{
    size_t Count = (size_t)LXVT_MAX_ROWS * LXVT_MAX_COLUMNS;
    LXVT_CELL Blank = LxvtpDefaultBlank();
    size_t Index;

    memset(Vt, 0, sizeof(*Vt));
    Vt->Rows = LxvtpClamp(Rows, 1, LXVT_MAX_ROWS);
    Vt->Columns = LxvtpClamp(Columns, 1, LXVT_MAX_COLUMNS);
    Vt->Primary = malloc(Count * sizeof(LXVT_CELL));
    Vt->Alternate = malloc(Count * sizeof(LXVT_CELL));
    if (!Vt->Primary || !Vt->Alternate)
    {
        LxvtFree(Vt);
        return -1;
    }
    for (Index = 0; Index < Count; Index++)
    {
        Vt->Primary[Index] = Blank;
        Vt->Alternate[Index] = Blank;
    }
    LxvtpReset(Vt);
    return 0;
}

void
LxvtFree(LXVT *Vt)
{
    free(Vt->Primary);
    free(Vt->Alternate);
    Vt->Primary = NULL;
    Vt->Alternate = NULL;
    Vt->Cells = NULL;
}

void
LxvtResize(LXVT *Vt, int Rows, int Columns)
{
    LXVT_CELL Blank = LxvtpDefaultBlank();
    int Row;

    Rows = LxvtpClamp(Rows, 1, LXVT_MAX_ROWS);
    Columns = LxvtpClamp(Columns, 1, LXVT_MAX_COLUMNS);

    /* The cells uncovered still hold what a smaller size cut off */
    for (Row = 0; Row < Rows; Row++)
    {
        int First = Row < Vt->Rows ? Vt->Columns : 0;

        if (First < Columns)
        {
            LxvtpFillRow(Vt->Primary, Row, First, Columns, Blank);
            LxvtpFillRow(Vt->Alternate, Row, First, Columns, Blank);
        }
    }

    if (Columns != Vt->Columns)
        Vt->WrapPending = 0;
    Vt->Rows = Rows;
    Vt->Columns = Columns;
    Vt->CursorRow = LxvtpClamp(Vt->CursorRow, 0, Rows - 1);
    Vt->CursorColumn = LxvtpClamp(Vt->CursorColumn, 0, Columns - 1);
    Vt->SavedRow = LxvtpClamp(Vt->SavedRow, 0, Rows - 1);
    Vt->SavedColumn = LxvtpClamp(Vt->SavedColumn, 0, Columns - 1);
    Vt->Top = 0;
    Vt->Bottom = Rows - 1;
    LxvtpMarkDirty(Vt, 0, Rows - 1);
}

void
LxvtWrite(LXVT *Vt, const uint8_t *Data, size_t Length)
{
    size_t Index;

    for (Index = 0; Index < Length; Index++)
    {
        uint8_t Byte = Data[Index];

        if (Vt->Utf8Left > 0)
        {
            if ((Byte & 0xC0) == 0x80)
            {
                Vt->Utf8Code = (Vt->Utf8Code << 6) | (Byte & 0x3F);
                if (--Vt->Utf8Left == 0)
                    LxvtpInput(Vt, LxvtpUtf8Finish(Vt->Utf8Code));
                continue;
            }
            /* A sequence cut short: U+FFFD, then the byte starts anew */
            Vt->Utf8Left = 0;
            LxvtpInput(Vt, 0xFFFD);
        }

        if (Byte < 0x80)
        {
            LxvtpInput(Vt, Byte);
        }
        else if (Byte >= 0xC2 && Byte <= 0xF4)
        {
            Vt->Utf8Code = Byte;
            Vt->Utf8Left = Byte < 0xE0 ? 1 : Byte < 0xF0 ? 2 : 3;
        }
        else
        {
            /* a continuation byte alone, or a lead that is never valid */
            LxvtpInput(Vt, 0xFFFD);
        }
    }
}

const LXVT_CELL *
LxvtRow(const LXVT *Vt, int Row)
{
    if (Row < 0 || Row >= Vt->Rows)
        return NULL;
    return Vt->Cells + (size_t)Row * LXVT_MAX_COLUMNS;
}

size_t
LxvtTakeReply(LXVT *Vt, char *Out, size_t Size)
{
    size_t Length = Vt->ReplyLength < Size ? Vt->ReplyLength : Size;

    memcpy(Out, Vt->Reply, Length);
    memmove(Vt->Reply, Vt->Reply + Length, Vt->ReplyLength - Length);
    Vt->ReplyLength -= Length;
    return Length;
}

void
LxvtClean(LXVT *Vt)
{
    memset(Vt->Dirty, 0, sizeof(Vt->Dirty));
}

/* Copies Length bytes of Bytes to Out if they fit */
static size_t
LxvtpOutput(const char *Bytes, size_t Length, char *Out, size_t Size)
{
    if (Length > Size)
        return 0;
    memcpy(Out, Bytes, Length);
    return Length;
}

size_t
LxvtKey(const LXVT *Vt, int Key, int Modifiers, char *Out, size_t Size)
{
    /* The final byte of the cursor keys and F1-F4, and the number of the "~" keys */
    static const char CursorFinal[] = "ABCDHF";
    static const char FunctionFinal[] = "PQRS";
    static const uint8_t TildeNumber[] =
    {
        2, 3, 5, 6,                         /* Insert Delete PageUp PageDown */
        0, 0, 0, 0,                         /* F1-F4: SS3 */
        15, 17, 18, 19, 20, 21, 23, 24      /* F5-F12 */
    };
    int Modifier = 1 + (((Modifiers & LXVT_MOD_SHIFT) ? 1 : 0) |
                        ((Modifiers & LXVT_MOD_ALT) ? 2 : 0) |
                        ((Modifiers & LXVT_MOD_CTRL) ? 4 : 0));
    char Bytes[16];
    int Length;
    char Single;

    if ((Key >= LXVT_KEY_UP && Key <= LXVT_KEY_END) || (Key >= LXVT_KEY_F1 && Key <= LXVT_KEY_F4))
    {
        /* CSI 1 ; m X with modifiers; else SS3 X (F1-F4, and the cursor keys in application
         * cursor mode) or CSI X */
        int Cursor = Key <= LXVT_KEY_END;
        char Final = Cursor ? CursorFinal[Key - LXVT_KEY_UP] : FunctionFinal[Key - LXVT_KEY_F1];

        if (Modifier > 1)
            Length = snprintf(Bytes, sizeof(Bytes), "\x1b[1;%d%c", Modifier, Final);
        else if (!Cursor || (Vt && Vt->ApplicationCursor))
            Length = snprintf(Bytes, sizeof(Bytes), "\x1bO%c", Final);
        else
            Length = snprintf(Bytes, sizeof(Bytes), "\x1b[%c", Final);
        return LxvtpOutput(Bytes, (size_t)Length, Out, Size);
    }
    if (Key >= LXVT_KEY_INSERT && Key <= LXVT_KEY_F12)
    {
        int Number = TildeNumber[Key - LXVT_KEY_INSERT];

        if (Modifier > 1)
            Length = snprintf(Bytes, sizeof(Bytes), "\x1b[%d;%d~", Number, Modifier);
        else
            Length = snprintf(Bytes, sizeof(Bytes), "\x1b[%d~", Number);
        return LxvtpOutput(Bytes, (size_t)Length, Out, Size);
    }

    switch (Key)
    {
        case LXVT_KEY_BACKSPACE:
            Single = (Modifiers & LXVT_MOD_CTRL) ? 0x08 : 0x7F;
            break;
        case LXVT_KEY_ENTER:
            Single = '\r';
            break;
        case LXVT_KEY_TAB:
            if (Modifiers & LXVT_MOD_SHIFT)
                return LxvtpOutput("\x1b[Z", 3, Out, Size);
            Single = '\t';
            break;
        case LXVT_KEY_ESCAPE:
            Single = 0x1B;
            break;
        default:
            return 0;
    }
    Length = 0;
    if (Modifiers & LXVT_MOD_ALT)
        Bytes[Length++] = 0x1B;
    Bytes[Length++] = Single;
    return LxvtpOutput(Bytes, (size_t)Length, Out, Size);
}

size_t
LxvtChar(uint32_t Char, int Modifiers, char *Out, size_t Size)
{
    char Bytes[5];
    size_t Length = 0;

    if (Char > 0x10FFFF || (Char >= 0xD800 && Char <= 0xDFFF))
        return 0;
    if (Modifiers & LXVT_MOD_CTRL)
    {
        if (Char == ' ' || Char == '@')
            Char = 0;
        else if (Char >= 'a' && Char <= 'z')
            Char -= 0x60;
        else if ((Char >= 'A' && Char <= 'Z') || (Char >= '[' && Char <= '_'))
            Char -= 0x40;
        else if (Char == '?')
            Char = 0x7F;
    }

    if (Modifiers & LXVT_MOD_ALT)
        Bytes[Length++] = 0x1B;
    if (Char < 0x80)
    {
        Bytes[Length++] = (char)Char;
    }
    else if (Char < 0x800)
    {
        Bytes[Length++] = (char)(0xC0 | (Char >> 6));
        Bytes[Length++] = (char)(0x80 | (Char & 0x3F));
    }
    else if (Char < 0x10000)
    {
        Bytes[Length++] = (char)(0xE0 | (Char >> 12));
        Bytes[Length++] = (char)(0x80 | ((Char >> 6) & 0x3F));
        Bytes[Length++] = (char)(0x80 | (Char & 0x3F));
    }
    else
    {
        Bytes[Length++] = (char)(0xF0 | (Char >> 18));
        Bytes[Length++] = (char)(0x80 | ((Char >> 12) & 0x3F));
        Bytes[Length++] = (char)(0x80 | ((Char >> 6) & 0x3F));
        Bytes[Length++] = (char)(0x80 | (Char & 0x3F));
    }
    return LxvtpOutput(Bytes, Length, Out, Size);
}
