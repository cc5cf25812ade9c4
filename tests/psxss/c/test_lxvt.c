/*
 * Host tests for lxrun's terminal model (psxss/lxrun/lxvt.c): text and wrapping, cursor
 * movement, erasing, SGR colours, the scroll region, insert/delete, the alternate screen,
 * replies, OSC titles, UTF-8, line drawing, tab stops, resizing, the key and character
 * encoders, and 1 MiB of pseudo-random bytes.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "lxvt.h"

static LXVT Vt;

static void
Fresh(int Rows, int Columns)
{
    LxvtFree(&Vt);
    if (LxvtInit(&Vt, Rows, Columns) != 0)
    {
        printf("Bail out! LxvtInit failed\n");
        exit(1);
    }
}

static void
Feed(const char *Text)
{
    LxvtWrite(&Vt, (const uint8_t *)Text, strlen(Text));
}

/* Row as text, trailing blanks cut; '?' for characters past ASCII */
static const char *
RowText(int Row)
{
    static char Text[LXVT_MAX_COLUMNS + 1];
    const LXVT_CELL *Cells = LxvtRow(&Vt, Row);
    int Column, Length = 0;

    if (!Cells)
        return "(no row)";
    for (Column = 0; Column < Vt.Columns; Column++)
        Text[Column] = Cells[Column].Char < 0x80 ? (char)Cells[Column].Char : '?';
    for (Column = 0; Column < Vt.Columns; Column++)
    {
        if (Text[Column] != ' ')
            Length = Column + 1;
    }
    Text[Length] = '\0';
    return Text;
}

static LXVT_CELL
Cell(int Row, int Column)
{
    return LxvtRow(&Vt, Row)[Column];
}

static int
At(int Row, int Column)
{
    return Vt.CursorRow == Row && Vt.CursorColumn == Column;
}

/* The pending reply as a string */
static const char *
Reply(void)
{
    static char Text[sizeof(Vt.Reply) + 1];
    size_t Length = LxvtTakeReply(&Vt, Text, sizeof(Text) - 1);

    Text[Length] = '\0';
    return Text;
}

static void
TestText(void)
{
    Fresh(5, 10);
    TapOk(Vt.Rows == 5 && Vt.Columns == 10 && At(0, 0) && Vt.AutoWrap && Vt.CursorVisible &&
          Vt.Top == 0 && Vt.Bottom == 4 && Vt.Dirty[0] && Vt.Dirty[4] && !Vt.UsingAlternate,
          "init: size, cursor, modes, region, dirty rows");
    TapOk(Cell(3, 7).Char == ' ' && Cell(3, 7).Fg == LXVT_DEFAULT_COLOR &&
          Cell(3, 7).Bg == LXVT_DEFAULT_COLOR && Cell(3, 7).Flags == 0, "init: blank cells");
    TAP_EQ(LxvtRow(&Vt, 5) == NULL && LxvtRow(&Vt, -1) == NULL, 1, "row: out of range is NULL");

    Feed("hello");
    TAP_STR(RowText(0), "hello", "text: drawn at the cursor");
    TapOk(At(0, 5), "text: cursor after it");

    Feed("\r0123456789");
    TapOk(At(0, 9) && Vt.WrapPending, "autowrap: last column written, wrap pending");
    Feed("A");
    TAP_STR(RowText(1), "A", "autowrap: next character on the next line");
    TapOk(At(1, 1) && !Vt.WrapPending, "autowrap: cursor after it");

    Feed("\x1b[1;1H0123456789\r");
    TapOk(At(0, 0) && !Vt.WrapPending, "autowrap: CR cancels the pending wrap");
    Feed("\x1b[1;1H0123456789\bX");
    TAP_STR(RowText(0), "01234567X9", "autowrap: BS from the pending wrap goes to column 8");

    Feed("\x1b[?7l\x1b[1;1H0123456789AB");
    TAP_STR(RowText(0), "012345678B", "no autowrap: the last column is overwritten");
    TapOk(At(0, 9) && !Vt.WrapPending, "no autowrap: cursor stays in the last column");

    Fresh(3, 10);
    Feed("a\r\nb\r\nc\r\nd");
    TapOk(strcmp(RowText(0), "b") == 0 && strcmp(RowText(1), "c") == 0 &&
          strcmp(RowText(2), "d") == 0, "LF at the bottom scrolls up");
    Fresh(3, 4);
    Feed("abcdefghijklm");
    TapOk(strcmp(RowText(0), "efgh") == 0 && strcmp(RowText(2), "m") == 0 && At(2, 1),
          "autowrap at the bottom scrolls up");
    Feed("\b\b\b\b");
    TapOk(At(2, 0), "BS stops at column 0");
    Feed("\a\a");
    TAP_EQ(Vt.Bells, 2, "BEL counts bells");
}

static void
TestCursor(void)
{
    Fresh(5, 10);
    Feed("\x1b[99999;99999H");
    TapOk(At(4, 9), "CUP: huge parameters clamp to the last cell");
    Feed("\x1b[0;0H");
    TapOk(At(0, 0), "CUP: 0 is 1");
    Feed("\x1b[3;4H");
    TapOk(At(2, 3), "CUP: 1-based");
    Feed("\x1b[A\x1b[2C");
    TapOk(At(1, 5), "CUU and CUF");
    Feed("\x1b[9B\x1b[99D");
    TapOk(At(4, 0), "CUD and CUB clamp");
    Feed("\x1b[7G\x1b[2d");
    TapOk(At(1, 6), "CHA and VPA");
    Feed("\x1b[2E");
    TapOk(At(3, 0), "CNL");
    Feed("\x1b[5;5H\x1b[F");
    TapOk(At(3, 0), "CPL");
    Feed("\x1b[2;3H\x1b[31m\x1b" "7\x1b[5;5H\x1b[0m\x1b" "8");
    TapOk(At(1, 2) && Vt.Pen.Fg == 1, "ESC 7 / ESC 8 save and restore cursor and pen");
    Feed("\x1b[1;1H\x1b[s\x1b[4;4H\x1b[u");
    TapOk(At(0, 0), "CSI s / CSI u");
}

static void
TestErase(void)
{
    Fresh(4, 8);
    Feed("\x1b#8\x1b[2;5H\x1b[J");
    TapOk(strcmp(RowText(0), "EEEEEEEE") == 0 && strcmp(RowText(1), "EEEE") == 0 &&
          strcmp(RowText(2), "") == 0 && strcmp(RowText(3), "") == 0, "ED 0: from the cursor");
    Feed("\x1b#8\x1b[2;5H\x1b[1J");
    TapOk(strcmp(RowText(0), "") == 0 && strcmp(RowText(1), "     EEE") == 0 &&
          strcmp(RowText(2), "EEEEEEEE") == 0, "ED 1: up to the cursor");
    Feed("\x1b#8\x1b[2J");
    TapOk(strcmp(RowText(0), "") == 0 && strcmp(RowText(3), "") == 0, "ED 2: all");
    Feed("\x1b#8\x1b[3J");
    TAP_STR(RowText(2), "", "ED 3: all");
    Feed("\x1b#8\x1b[2;4H\x1b[K");
    TAP_STR(RowText(1), "EEE", "EL 0");
    Feed("\x1b#8\x1b[2;4H\x1b[1K");
    TAP_STR(RowText(1), "    EEEE", "EL 1");
    Feed("\x1b#8\x1b[2;4H\x1b[2K");
    TapOk(strcmp(RowText(1), "") == 0 && strcmp(RowText(0), "EEEEEEEE") == 0, "EL 2");
    Feed("\x1b[44m\x1b[2J\x1b[0m");
    TAP_EQ(Cell(3, 7).Bg, 4, "erase uses the background colour (bce)");
}

static void
TestSgr(void)
{
    Fresh(3, 20);
    Feed("\x1b[1;31;44mA\x1b[0mB\x1b[91;102mC\x1b[4;7;5;8;2mD\x1b[22;24;25;27;28mE\x1b[39;49mF");
    TapOk(Cell(0, 0).Fg == 1 && Cell(0, 0).Bg == 4 && Cell(0, 0).Flags == LXVT_BOLD,
          "SGR 1;31;44");
    TapOk(Cell(0, 1).Fg == LXVT_DEFAULT_COLOR && Cell(0, 1).Bg == LXVT_DEFAULT_COLOR &&
          Cell(0, 1).Flags == 0, "SGR 0 resets");
    TapOk(Cell(0, 2).Fg == 9 && Cell(0, 2).Bg == 10, "SGR 91;102 bright colours");
    TAP_EQ(Cell(0, 3).Flags, LXVT_UNDERLINE | LXVT_REVERSE | LXVT_BLINK | LXVT_HIDDEN | LXVT_DIM,
           "SGR 4;7;5;8;2 flags");
    TapOk(Cell(0, 4).Flags == 0 && Cell(0, 4).Fg == 9, "SGR 22;24;25;27;28 clear the flags");
    TapOk(Cell(0, 5).Fg == LXVT_DEFAULT_COLOR && Cell(0, 5).Bg == LXVT_DEFAULT_COLOR,
          "SGR 39;49 default colours");
    Feed("\x1b[m\x1b[38;5;196m");
    TAP_EQ(Vt.Pen.Fg, 9, "SGR 38;5;196 is bright red");
    Feed("\x1b[38;5;3m");
    TAP_EQ(Vt.Pen.Fg, 3, "SGR 38;5;3 is colour 3");
    Feed("\x1b[38;5;16;48;5;231m");
    TapOk(Vt.Pen.Fg == 0 && Vt.Pen.Bg == 15, "SGR 38;5;16 black, 48;5;231 bright white");
    Feed("\x1b[38;5;244m");
    TAP_EQ(Vt.Pen.Fg, 8, "SGR 38;5;244 (grey 128) is dark grey");
    Feed("\x1b[38;2;0;0;255;48;2;0;128;0m");
    TapOk(Vt.Pen.Fg == 12 && Vt.Pen.Bg == 2, "SGR 38;2 / 48;2 direct colours");
    Feed("\x1b[38:5:1m");
    TAP_EQ(Vt.Pen.Fg, 1, "SGR 38:5:1 with colons");
    Feed("\x1b[38;5;999m");
    TAP_EQ(Vt.Pen.Fg, 1, "SGR 38;5;999 is ignored");
    Feed("\x1b[38;5m\x1b[48;2;1m\x1b[38m");
    TapOk(Vt.Pen.Fg == 1 && Vt.Pen.Bg == 2, "SGR 38/48 cut short change nothing");
}

static void
FillRows(void)
{
    int Row;
    char Line[48];

    for (Row = 0; Row < Vt.Rows; Row++)
    {
        snprintf(Line, sizeof(Line), "\x1b[%d;1H\x1b[2Kr%d", Row + 1, Row);
        Feed(Line);
    }
}

static void
TestRegion(void)
{
    Fresh(5, 10);
    FillRows();
    Feed("\x1b[2;4r");
    TapOk(Vt.Top == 1 && Vt.Bottom == 3 && At(0, 0), "DECSTBM sets the region, homes the cursor");
    LxvtClean(&Vt);
    Feed("\x1b[4;1H\n");
    TapOk(strcmp(RowText(0), "r0") == 0 && strcmp(RowText(1), "r2") == 0 &&
          strcmp(RowText(2), "r3") == 0 && strcmp(RowText(3), "") == 0 &&
          strcmp(RowText(4), "r4") == 0 && At(3, 0), "LF at the region bottom scrolls the region");
    TapOk(!Vt.Dirty[0] && Vt.Dirty[1] && Vt.Dirty[2] && Vt.Dirty[3] && !Vt.Dirty[4],
          "scrolling marks the region dirty");
    FillRows();
    Feed("\x1b[2;1H\x1bM");
    TapOk(strcmp(RowText(0), "r0") == 0 && strcmp(RowText(1), "") == 0 &&
          strcmp(RowText(2), "r1") == 0 && strcmp(RowText(3), "r2") == 0 &&
          strcmp(RowText(4), "r4") == 0, "RI at the region top scrolls the region down");
    FillRows();
    Feed("\x1b[2S");
    TapOk(strcmp(RowText(1), "r3") == 0 && strcmp(RowText(2), "") == 0 &&
          strcmp(RowText(4), "r4") == 0, "SU scrolls the region");
    FillRows();
    Feed("\x1b[T");
    TapOk(strcmp(RowText(1), "") == 0 && strcmp(RowText(2), "r1") == 0 &&
          strcmp(RowText(3), "r2") == 0, "SD scrolls the region down");
    FillRows();
    Feed("\x1b[3;4H\x1b[L");
    TapOk(strcmp(RowText(2), "") == 0 && strcmp(RowText(3), "r2") == 0 &&
          strcmp(RowText(4), "r4") == 0 && At(2, 0), "IL inside the region");
    FillRows();
    Feed("\x1b[2;1H\x1b[9M");
    TapOk(strcmp(RowText(1), "") == 0 && strcmp(RowText(3), "") == 0 &&
          strcmp(RowText(4), "r4") == 0 && strcmp(RowText(0), "r0") == 0, "DL clamps to the region");
    FillRows();
    Feed("\x1b[5;1H\x1b[L\x1b[M");
    TapOk(strcmp(RowText(4), "r4") == 0 && strcmp(RowText(3), "r3") == 0,
          "IL/DL outside the region do nothing");
    Feed("\x1b[4;2r");
    TapOk(Vt.Top == 1 && Vt.Bottom == 3, "DECSTBM: an inverted region is ignored");
    Feed("\x1b[?6h\x1b[1;1H");
    TapOk(At(1, 0), "origin mode: CUP is relative to the region");
    Feed("\x1b[99;1H");
    TapOk(At(3, 0), "origin mode: CUP stays in the region");
    Feed("\x1b[6n");
    TAP_STR(Reply(), "\x1b[3;1R", "origin mode: DSR 6 is relative to the region");
    Feed("\x1b[?6l\x1b[r");
    TapOk(Vt.Top == 0 && Vt.Bottom == 4 && At(0, 0), "DECSTBM without parameters: full screen");
}

static void
TestChars(void)
{
    Fresh(3, 8);
    Feed("abcdef\x1b[1;2H\x1b[2@");
    TapOk(strcmp(RowText(0), "a  bcdef") == 0 && At(0, 1), "ICH");
    Feed("\x1b[3P");
    TAP_STR(RowText(0), "acdef", "DCH");
    Feed("\x1b[2X");
    TAP_STR(RowText(0), "a  ef", "ECH");
    Feed("\x1b[99999@");
    TAP_STR(RowText(0), "a", "ICH with a huge count");
    Feed("\r12345678\x1b[1;3H\x1b[99999P");
    TAP_STR(RowText(0), "12", "DCH with a huge count");
    Feed("\r\x1b[K" "abc\r\x1b[4hXY\x1b[4l");
    TAP_STR(RowText(0), "XYabc", "insert mode shifts the line right");
    TAP_EQ(Vt.InsertMode, 0, "insert mode off again");
}

static void
TestScreens(void)
{
    Fresh(4, 10);
    Feed("primary\x1b[?1049h");
    TapOk(Vt.UsingAlternate && strcmp(RowText(0), "") == 0, "1049: a clear alternate screen");
    Feed("\x1b[1;1Halt\x1b[3;3H");
    TAP_STR(RowText(0), "alt", "1049: drawing on the alternate screen");
    Feed("\x1b[?1049l");
    TapOk(!Vt.UsingAlternate && strcmp(RowText(0), "primary") == 0 && At(0, 7),
          "1049: primary text and cursor back");
    Feed("\x1b[?1049h");
    TAP_STR(RowText(0), "", "1049: cleared again on entry");
    Feed("\x1b[?1049l\x1b[?47hX\x1b[?47l");
    TAP_STR(RowText(0), "primary", "47: primary screen kept");
    Feed("\x1b[?1047hzz\x1b[?1047l\x1b[?47h");
    TAP_STR(RowText(0), "", "1047: alternate cleared on leaving");
    Feed("\x1b[?47l\x1b[?25l");
    TAP_EQ(Vt.CursorVisible, 0, "DECTCEM hides the cursor");
    Feed("\x1b[?25h\x1b" "c");
    TapOk(strcmp(RowText(0), "") == 0 && At(0, 0) && Vt.CursorVisible && Vt.AutoWrap,
          "ESC c resets");
}

static void
TestReplies(void)
{
    int Index;

    Fresh(5, 10);
    Feed("\x1b[3;7H\x1b[6n");
    TAP_STR(Reply(), "\x1b[3;7R", "DSR 6 reports the cursor");
    Feed("\x1b[5n");
    TAP_STR(Reply(), "\x1b[0n", "DSR 5 reports OK");
    Feed("\x1b[c");
    TAP_STR(Reply(), "\x1b[?1;2c", "DA");
    Feed("\x1b[>c");
    TAP_STR(Reply(), "\x1b[>0;0;0c", "secondary DA");
    TAP_STR(Reply(), "", "replies are taken once");
    for (Index = 0; Index < 100; Index++)
        Feed("\x1b[c");
    TapOk(Vt.ReplyLength <= sizeof(Vt.Reply) && Vt.ReplyLength % 7 == 0,
          "replies that do not fit are dropped whole");
    {
        char Part[4];

        TAP_EQ(LxvtTakeReply(&Vt, Part, sizeof(Part)), 4, "LxvtTakeReply takes at most Size");
        TAP_EQ(Vt.ReplyLength % 7, 3, "... and keeps the rest");
    }
}

static void
TestOsc(void)
{
    char Long[600];

    Fresh(3, 10);
    Feed("\x1b]0;hello\x07X");
    TapOk(strcmp(Vt.Title, "hello") == 0 && Vt.TitleChanged, "OSC 0 with BEL sets the title");
    TAP_STR(RowText(0), "X", "OSC text is not drawn");
    Vt.TitleChanged = 0;
    Feed("\x1b]2;w\xc3\xa9rld\x1b\\Y");
    TapOk(strcmp(Vt.Title, "w\xc3\xa9rld") == 0 && Vt.TitleChanged,
          "OSC 2 with ST sets the title (UTF-8)");
    Vt.TitleChanged = 0;
    Feed("\x1b]1;icon\x07\x1b]52;c;Zm9v\x07");
    TapOk(strcmp(Vt.Title, "w\xc3\xa9rld") == 0 && !Vt.TitleChanged, "other OSCs are ignored");
    memset(Long, 'x', sizeof(Long));
    memcpy(Long, "\x1b]2;", 4);
    Long[sizeof(Long) - 2] = '\x07';
    Long[sizeof(Long) - 1] = '\0';
    Feed(Long);
    TapOk(strlen(Vt.Title) > 200 && strlen(Vt.Title) < LXVT_TITLE_MAX,
          "a long title is truncated and terminated");
    Feed("\x1bPq#0;2;0;0;0~-\x1b\\Z\x1b_apc\x1b\\");
    TAP_STR(RowText(0), "XYZ", "DCS and APC strings are skipped");
    Feed("\x1b[31\x18W");
    TapOk(Cell(0, 3).Char == 'W' && Cell(0, 3).Fg == LXVT_DEFAULT_COLOR, "CAN aborts a CSI");
    Feed("\x1b[3\x1b[1;1HV");
    TAP_STR(RowText(0), "VYZW", "ESC inside a CSI starts a new sequence");
}

static void
TestUtf8(void)
{
    Fresh(3, 10);
    LxvtWrite(&Vt, (const uint8_t *)"\xe2\x82", 2);
    TAP_EQ(Vt.CursorColumn, 0, "UTF-8: nothing drawn for half a sequence");
    LxvtWrite(&Vt, (const uint8_t *)"\xac", 1);
    TapOk(Cell(0, 0).Char == 0x20AC && At(0, 1), "UTF-8: a sequence split between writes");
    Feed("\xff");
    TAP_EQ(Cell(0, 1).Char, 0xFFFD, "UTF-8: an invalid byte is U+FFFD");
    Feed("\xe2\x82Q");
    TapOk(Cell(0, 2).Char == 0xFFFD && Cell(0, 3).Char == 'Q', "UTF-8: a cut sequence, then ASCII");
    Feed("\xc0\xaf\xed\xa0\x80\xf0\x9f\x98\x80");
    TapOk(Cell(0, 4).Char == 0xFFFD && Cell(0, 6).Char == 0xFFFD && Cell(0, 7).Char == 0x1F600,
          "UTF-8: overlong and surrogate are U+FFFD, 4 bytes decoded");
    Fresh(3, 10);
    Feed("\xe4\xb8\xad" "a" "e\xcc\x81" "b");
    TapOk(Cell(0, 0).Char == 0x4E2D && Cell(0, 2).Char == 'a' && Cell(0, 3).Char == 'e' &&
          Cell(0, 4).Char == 'b', "wide characters take two cells, combining marks none");
    Feed("\xc2\x9b" "3;2H");
    TapOk(At(2, 1), "C1 CSI in UTF-8");

    Fresh(3, 20);
    Feed("\x1b(0lqkxjmtuvwn~\x1b(Bq");
    TapOk(Cell(0, 0).Char == 0x250C && Cell(0, 1).Char == 0x2500 && Cell(0, 2).Char == 0x2510 &&
          Cell(0, 3).Char == 0x2502 && Cell(0, 4).Char == 0x2518 && Cell(0, 5).Char == 0x2514 &&
          Cell(0, 6).Char == 0x251C && Cell(0, 7).Char == 0x2524 && Cell(0, 8).Char == 0x2534 &&
          Cell(0, 9).Char == 0x252C && Cell(0, 10).Char == 0x253C && Cell(0, 11).Char == 0x00B7,
          "DEC line drawing");
    TapOk(Cell(0, 12).Char == 'q' && !Vt.LineDrawing, "ESC ( B back to ASCII");
}

static void
TestTabs(void)
{
    Fresh(3, 20);
    Feed("\tX\tY");
    TapOk(Cell(0, 8).Char == 'X' && Cell(0, 16).Char == 'Y', "HT: stops every 8 columns");
    Feed("\t\t");
    TapOk(At(0, 19), "HT: stops at the last column");
    Feed("\x1b[1;4H\x1bH\r\tZ");
    TAP_EQ(Cell(0, 3).Char, 'Z', "ESC H sets a stop");
    Feed("\x1b[1;4H\x1b[g\r\t");
    TapOk(At(0, 8), "TBC 0 clears the stop at the cursor");
    Feed("\x1b[3g\r\t");
    TapOk(At(0, 19), "TBC 3 clears every stop");
}

static void
TestMore(void)
{
    Fresh(3, 20);
    Feed("\x1b[3I");
    TapOk(At(0, 19), "CHT: three stops forward, at most the last column");
    Feed("\x1b[2Z");
    TapOk(At(0, 8), "CBT: two stops back");
    Feed("\x1b[2;5H\x1b[?1048h\x1b[H\x1b[?1048l");
    TapOk(At(1, 4), "1048 saves and restores the cursor");
    Feed("\x1b[?7l\x1b[?6h\x1b[4h\x1b[1;33m\x1b[2;3r\x1b[!p");
    TapOk(Vt.AutoWrap && !Vt.OriginMode && !Vt.InsertMode && Vt.Pen.Fg == LXVT_DEFAULT_COLOR &&
          Vt.Pen.Flags == 0 && Vt.Top == 0 && Vt.Bottom == 2, "DECSTR resets the modes");
    Feed("\x1b[1;19H\xe4\xb8\xad");
    TapOk(Cell(0, 18).Char == 0x4E2D && At(0, 19) && Vt.WrapPending,
          "a wide character ending in the last column");
    Feed("\x1b[1;20H\xe4\xb8\xad");
    TapOk(Cell(1, 0).Char == 0x4E2D && At(1, 2), "a wide character in the last column wraps");
    Feed("\x1b[?7l\x1b[1;20H\xe4\xb8\xad");
    TapOk(Cell(0, 18).Char == 0x4E2D && At(0, 19), "... and without autowrap stays on the line");
    Feed("\x1b]2;c1\xc2\x9c" "A");
    TapOk(strcmp(Vt.Title, "c1") == 0 && Cell(0, 19).Char == 'A', "C1 ST ends an OSC");
    Fresh(2, 1);
    Feed("\xe4\xb8\xad" "b");
    TapOk(Cell(0, 0).Char == 0x4E2D && Cell(1, 0).Char == 'b', "one column: wide taken as narrow");
}

static void
TestResize(void)
{
    Fresh(5, 10);
    Feed("abcdefghij\r\n12345\x1b[5;10H");
    LxvtClean(&Vt);
    LxvtResize(&Vt, 3, 4);
    TapOk(Vt.Rows == 3 && Vt.Columns == 4 && strcmp(RowText(0), "abcd") == 0 &&
          strcmp(RowText(1), "1234") == 0, "resize smaller keeps the top left text");
    TapOk(At(2, 3) && Vt.Top == 0 && Vt.Bottom == 2 && Vt.Dirty[0] && Vt.Dirty[2],
          "resize clamps the cursor, resets the region, marks rows dirty");
    LxvtResize(&Vt, 6, 12);
    TapOk(strcmp(RowText(0), "abcd") == 0 && strcmp(RowText(1), "1234") == 0 &&
          strcmp(RowText(4), "") == 0, "resize larger: the uncovered cells are blank");
    LxvtResize(&Vt, 0, 99999);
    TapOk(Vt.Rows == 1 && Vt.Columns == LXVT_MAX_COLUMNS, "resize clamps the size");
    LxvtFree(&Vt);
    TAP_EQ(LxvtInit(&Vt, -5, 100000), 0, "init clamps the size");
    TapOk(Vt.Rows == 1 && Vt.Columns == LXVT_MAX_COLUMNS, "... to 1..max");
}

static void
TestBadParameters(void)
{
    char Many[256];
    int Index, Length;

    Fresh(4, 10);
    Length = snprintf(Many, sizeof(Many), "\x1b[");
    for (Index = 1; Index <= 40; Index++)
        Length += snprintf(Many + Length, sizeof(Many) - (size_t)Length, "%d;", Index + 30);
    snprintf(Many + Length, sizeof(Many) - (size_t)Length, "mA");
    Feed(Many);
    TapOk(Cell(0, 0).Char == 'A' && Vt.ParamCount <= LXVT_MAX_PARAMS + 1,
          "40 parameters: the first ones kept");
    Feed("\x1b[99999999999999999999;99999999999999999999H\x1b[99999999999999L"
         "\x1b[99999999999S\x1b[9999999999T\x1b[99999999999X\x1b[99999999999r");
    TapOk(Vt.CursorRow >= 0 && Vt.CursorRow < Vt.Rows && Vt.CursorColumn >= 0 &&
          Vt.CursorColumn < Vt.Columns && Vt.Top == 0 && Vt.Bottom == 3,
          "huge parameters stay in bounds");
    Feed("\x1b[?99999h\x1b[>99999q\x1b[1;2;3;4t\x1b[ q\x1b[?1;2;3$p\x1b[<1;2M\x1b[=c");
    TAP_EQ(Vt.State, 0, "unknown sequences end in the ground state");
    TAP_STR(Reply(), "", "... and answer nothing");
}

static void
TestKeys(void)
{
    char Out[32];
    size_t Length;

    Fresh(3, 10);
#define KEY(K, M, Want, Name)                                                           \
    do {                                                                                \
        Length = LxvtKey(&Vt, (K), (M), Out, sizeof(Out));                              \
        Out[Length] = '\0';                                                             \
        TapOk(Length == sizeof(Want) - 1 && memcmp(Out, Want, Length) == 0, Name);     \
    } while (0)
    KEY(LXVT_KEY_UP, 0, "\x1b[A", "key: Up");
    KEY(LXVT_KEY_LEFT, 0, "\x1b[D", "key: Left");
    Feed("\x1b[?1h");
    KEY(LXVT_KEY_UP, 0, "\x1bOA", "key: Up in application cursor mode");
    KEY(LXVT_KEY_END, 0, "\x1bOF", "key: End in application cursor mode");
    KEY(LXVT_KEY_UP, LXVT_MOD_CTRL, "\x1b[1;5A", "key: Ctrl+Up");
    Feed("\x1b[?1l");
    KEY(LXVT_KEY_RIGHT, LXVT_MOD_SHIFT | LXVT_MOD_ALT, "\x1b[1;4C", "key: Shift+Alt+Right");
    KEY(LXVT_KEY_HOME, 0, "\x1b[H", "key: Home");
    KEY(LXVT_KEY_INSERT, 0, "\x1b[2~", "key: Insert");
    KEY(LXVT_KEY_DELETE, LXVT_MOD_SHIFT, "\x1b[3;2~", "key: Shift+Delete");
    KEY(LXVT_KEY_PAGE_DOWN, 0, "\x1b[6~", "key: PageDown");
    KEY(LXVT_KEY_F1, 0, "\x1bOP", "key: F1");
    KEY(LXVT_KEY_F4, LXVT_MOD_CTRL, "\x1b[1;5S", "key: Ctrl+F4");
    KEY(LXVT_KEY_F5, 0, "\x1b[15~", "key: F5");
    KEY(LXVT_KEY_F11, 0, "\x1b[23~", "key: F11");
    KEY(LXVT_KEY_F12, LXVT_MOD_ALT, "\x1b[24;3~", "key: Alt+F12");
    KEY(LXVT_KEY_BACKSPACE, 0, "\x7f", "key: Backspace");
    KEY(LXVT_KEY_BACKSPACE, LXVT_MOD_CTRL, "\x08", "key: Ctrl+Backspace");
    KEY(LXVT_KEY_BACKSPACE, LXVT_MOD_ALT, "\x1b\x7f", "key: Alt+Backspace");
    KEY(LXVT_KEY_ENTER, 0, "\r", "key: Enter");
    KEY(LXVT_KEY_TAB, LXVT_MOD_SHIFT, "\x1b[Z", "key: Shift+Tab");
    KEY(LXVT_KEY_ESCAPE, 0, "\x1b", "key: Escape");
#undef KEY
    TAP_EQ(LxvtKey(&Vt, 0, 0, Out, sizeof(Out)) + LxvtKey(&Vt, 999, 0, Out, sizeof(Out)), 0,
           "key: unknown keys give nothing");
    memset(Out, 'z', sizeof(Out));
    TapOk(LxvtKey(&Vt, LXVT_KEY_F5, 0, Out, 4) == 0 && Out[0] == 'z',
          "key: too small a buffer gives nothing");
    TAP_EQ(LxvtKey(&Vt, LXVT_KEY_F5, 0, Out, 5), 5, "key: an exact buffer is enough");
}

static void
TestChar(void)
{
    char Out[8];

    TapOk(LxvtChar('a', 0, Out, sizeof(Out)) == 1 && Out[0] == 'a', "char: ASCII");
    TapOk(LxvtChar(0x20AC, 0, Out, sizeof(Out)) == 3 && memcmp(Out, "\xe2\x82\xac", 3) == 0,
          "char: 3-byte UTF-8");
    TapOk(LxvtChar(0x1F600, 0, Out, sizeof(Out)) == 4 && memcmp(Out, "\xf0\x9f\x98\x80", 4) == 0,
          "char: 4-byte UTF-8");
    TapOk(LxvtChar('c', LXVT_MOD_CTRL, Out, sizeof(Out)) == 1 && Out[0] == 0x03, "char: Ctrl+C");
    TapOk(LxvtChar('[', LXVT_MOD_CTRL, Out, sizeof(Out)) == 1 && Out[0] == 0x1B, "char: Ctrl+[");
    TapOk(LxvtChar('x', LXVT_MOD_ALT, Out, sizeof(Out)) == 2 && memcmp(Out, "\x1bx", 2) == 0,
          "char: Alt+x");
    TapOk(LxvtChar(' ', LXVT_MOD_CTRL, Out, sizeof(Out)) == 1 && Out[0] == 0, "char: Ctrl+Space");
    TapOk(LxvtChar(0x03, LXVT_MOD_CTRL, Out, sizeof(Out)) == 1 && Out[0] == 0x03,
          "char: a control character passes as it is");
    TAP_EQ(LxvtChar(0x110000, 0, Out, sizeof(Out)) + LxvtChar(0xD800, 0, Out, sizeof(Out)), 0,
           "char: invalid code points give nothing");
    TAP_EQ(LxvtChar(0x20AC, LXVT_MOD_ALT, Out, 3), 0, "char: too small a buffer gives nothing");
}

static uint32_t FuzzState = 0x2545F491;

static uint32_t
FuzzNext(void)
{
    FuzzState ^= FuzzState << 13;
    FuzzState ^= FuzzState >> 17;
    FuzzState ^= FuzzState << 5;
    return FuzzState;
}

static int
Sane(void)
{
    return Vt.Rows >= 1 && Vt.Rows <= LXVT_MAX_ROWS && Vt.Columns >= 1 &&
           Vt.Columns <= LXVT_MAX_COLUMNS && Vt.CursorRow >= 0 && Vt.CursorRow < Vt.Rows &&
           Vt.CursorColumn >= 0 && Vt.CursorColumn < Vt.Columns && Vt.Top >= 0 &&
           Vt.Top <= Vt.Bottom && Vt.Bottom < Vt.Rows && Vt.SavedRow >= 0 &&
           Vt.SavedRow < Vt.Rows && Vt.SavedColumn >= 0 && Vt.SavedColumn < Vt.Columns &&
           Vt.ReplyLength <= sizeof(Vt.Reply) && Vt.OscLength >= 0 &&
           Vt.OscLength < LXVT_TITLE_MAX && memchr(Vt.Title, 0, sizeof(Vt.Title)) != NULL &&
           Vt.ParamCount >= 0 && Vt.ParamCount <= LXVT_MAX_PARAMS + 1 &&
           Vt.Cells == (Vt.UsingAlternate ? Vt.Alternate : Vt.Primary);
}

static int
CellsSane(void)
{
    int Row, Column;

    for (Row = 0; Row < Vt.Rows; Row++)
    {
        const LXVT_CELL *Cells = LxvtRow(&Vt, Row);

        for (Column = 0; Column < Vt.Columns; Column++)
        {
            if (Cells[Column].Char > 0x10FFFF ||
                (Cells[Column].Fg >= 16 && Cells[Column].Fg != LXVT_DEFAULT_COLOR) ||
                (Cells[Column].Bg >= 16 && Cells[Column].Bg != LXVT_DEFAULT_COLOR))
                return 0;
        }
    }
    return 1;
}

static void
TestFuzz(void)
{
    static const char Alphabet[] = "\x1b\x1b\x1b[[[]]];;;;0123456789?>!#()Pc\\\x07\x18\n\r\b\t"
                                   "ABCDEFGHJKLMPSTXZ@`dfghlmnrsu~ aq\xc2\xe2\x9b\x80";
    static uint8_t Chunk[4096];
    size_t Total = 0;
    int Chunks = 0, Insane = 0, BadCells = 0;
    char Sink[64];

    Fresh(24, 80);
    while (Total < 1024 * 1024)
    {
        size_t Length = 1 + FuzzNext() % sizeof(Chunk);
        int Biased = (FuzzNext() & 1) != 0;
        size_t Index;

        if (Length > 1024 * 1024 - Total)
            Length = 1024 * 1024 - Total;
        for (Index = 0; Index < Length; Index++)
        {
            uint32_t Random = FuzzNext();

            Chunk[Index] = Biased ? (uint8_t)Alphabet[Random % (sizeof(Alphabet) - 1)]
                                  : (uint8_t)Random;
        }
        LxvtWrite(&Vt, Chunk, Length);
        Total += Length;
        Chunks++;
        Insane += !Sane();
        if (Chunks % 16 == 0)
            BadCells += !CellsSane();
        if (Chunks % 8 == 0)
            LxvtTakeReply(&Vt, Sink, sizeof(Sink));
        if (Chunks % 32 == 0)
        {
            uint32_t Size = FuzzNext();

            if (Size % 5 == 0)
                LxvtResize(&Vt, LXVT_MAX_ROWS + 1, LXVT_MAX_COLUMNS + 1);
            else
                LxvtResize(&Vt, (int)(Size % 60), (int)((Size >> 8) % 200));
            Insane += !Sane();
        }
    }
    printf("# fuzz: %d chunks\n", Chunks);
    TAP_EQ(Insane, 0, "fuzz: 1 MiB: cursor, region and parser state always in bounds");
    TAP_EQ(BadCells, 0, "fuzz: cells always hold valid characters and colours");
    Feed("\x18\x1b(B\x1b[0m\x1b[?1049l\x1b[r\x1b[H\x1b[2Jok");
    TAP_STR(RowText(0), "ok", "fuzz: the terminal still works afterwards");
}

int
main(void)
{
    TestText();
    TestCursor();
    TestErase();
    TestSgr();
    TestRegion();
    TestChars();
    TestScreens();
    TestReplies();
    TestOsc();
    TestUtf8();
    TestTabs();
    TestMore();
    TestResize();
    TestBadParameters();
    TestKeys();
    TestChar();
    TestFuzz();
    LxvtFree(&Vt);
    return TapDone();
}
