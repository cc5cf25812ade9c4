/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The terminal line discipline (lx_tty.h), after Linux's n_tty.c
 */

#include "lx_tty.h"

static const uint8_t lx_init_cc[LX_NCCS] =
{
    003, 034, 0177, 025, 004, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0, 0, 0
};

void
lx_termios_default(lx_termios *t)
{
    uint32_t i;

    t->iflag = LX_ICRNL | LX_IXON;
    t->oflag = LX_OPOST | LX_ONLCR;
    t->cflag = LX_B38400 | LX_CS8 | LX_CREAD | LX_HUPCL;
    t->lflag = LX_ISIG | LX_ICANON | LX_ECHO | LX_ECHOE | LX_ECHOK | LX_ECHOCTL | LX_ECHOKE | LX_IEXTEN;
    t->line = 0;
    for (i = 0; i < LX_NCCS; i++)
        t->cc[i] = lx_init_cc[i];
}

void
lx_ldisc_init(lx_ldisc *l)
{
    uint32_t i;
    uint8_t *p = (uint8_t *)l;

    for (i = 0; i < sizeof(*l); i++)
        p[i] = 0;
    lx_termios_default(&l->t);
}

static int
lx_canon(const lx_ldisc *l)
{
    return (l->t.lflag & LX_ICANON) != 0;
}

/* A character the settings give a meaning to (a c_cc entry of 0 is disabled) */
static int
lx_is(const lx_ldisc *l, uint8_t c, int index)
{
    return l->t.cc[index] != 0 && c == l->t.cc[index];
}

static void
lx_rbuf_put(lx_ldisc *l, const uint8_t *bytes, uint32_t n)
{
    uint32_t i;

    for (i = 0; i < n; i++)
        l->rbuf[(l->rhead + l->rcount + i) % LX_TTY_BUF] = bytes[i];
    l->rcount += n;
}

/* A completed canonical line (with its terminator, or an EOF of length 0) into the read buffer */
static void
lx_commit_line(lx_ldisc *l)
{
    lx_rbuf_put(l, l->line, l->line_len);
    l->lines[(l->lhead + l->lcount) % LX_TTY_LINES] = (uint16_t)l->line_len;
    l->lcount++;
    l->line_len = 0;
    l->column = 0;
}

void
lx_ldisc_set(lx_ldisc *l, const lx_termios *t)
{
    int was_canon = lx_canon(l);

    l->t = *t;
    if (was_canon && !lx_canon(l))
    {
        /* the line being edited and the completed lines become plain input (n_tty_set_termios) */
        lx_rbuf_put(l, l->line, l->line_len);
        l->line_len = 0;
        l->lcount = 0;
        l->partial = 0;
    }
    if (!(l->t.iflag & LX_IXON))
        l->stopped = 0;
}

void
lx_ldisc_flush_input(lx_ldisc *l)
{
    l->rhead = l->rcount = 0;
    l->lhead = l->lcount = 0;
    l->partial = 0;
    l->line_len = 0;
    l->lnext = 0;
}

typedef struct lx_echo
{
    uint8_t *out;
    uint32_t room;
    uint32_t *len;
} lx_echo;

static void
lx_echo_byte(lx_echo *e, uint8_t c)
{
    if (*e->len < e->room)
        e->out[(*e->len)++] = c;
}

/* A character as echo shows it: ^X for control characters with ECHOCTL (not tab or newline) */
static void
lx_echo_char(lx_ldisc *l, lx_echo *e, uint8_t c)
{
    if ((l->t.lflag & LX_ECHOCTL) && (c < 32 || c == 0177) && c != '\t' && c != '\n')
    {
        lx_echo_byte(e, '^');
        lx_echo_byte(e, c == 0177 ? '?' : (uint8_t)(c + '@'));
        l->column += 2;
        return;
    }
    lx_echo_byte(e, c);
    if (c == '\t')
        l->column = (l->column | 7) + 1;
    else if (c == '\n' || c == '\r')
        l->column = 0;
    else
        l->column++;
}

/* Erases the last character of the line being edited (VERASE) and its echo */
static void
lx_erase_one(lx_ldisc *l, lx_echo *e, int echo)
{
    uint8_t c;
    uint32_t width = 1, i;

    if (l->line_len == 0)
        return;
    c = l->line[--l->line_len];
    if (!echo || !(l->t.lflag & LX_ECHO))
        return;
    if (!(l->t.lflag & LX_ECHOE))
    {
        lx_echo_char(l, e, l->t.cc[LX_VERASE]);
        return;
    }
    if (c == '\t')
    {
        /* back to where the tab started: the columns of the line before it */
        uint32_t column = 0;

        for (i = 0; i < l->line_len; i++)
            column = l->line[i] == '\t' ? (column | 7) + 1 : column + ((l->line[i] < 32 && (l->t.lflag & LX_ECHOCTL)) ? 2 : 1);
        width = l->column - column;
        for (i = 0; i < width; i++)
            lx_echo_byte(e, '\b');
        l->column = column;
        return;
    }
    if ((c < 32 || c == 0177) && (l->t.lflag & LX_ECHOCTL))
        width = 2;
    for (i = 0; i < width; i++)
    {
        lx_echo_byte(e, '\b');
        lx_echo_byte(e, ' ');
        lx_echo_byte(e, '\b');
    }
    l->column = l->column >= width ? l->column - width : 0;
}

static int
lx_is_word(uint8_t c)
{
    return c != ' ' && c != '\t';
}

/* One input byte in canonical mode */
static void
lx_canon_byte(lx_ldisc *l, lx_echo *e, uint8_t c)
{
    int echo = (l->t.lflag & LX_ECHO) != 0;

    if (lx_is(l, c, LX_VERASE))
    {
        lx_erase_one(l, e, 1);
        return;
    }
    if (lx_is(l, c, LX_VKILL))
    {
        if ((l->t.lflag & LX_ECHOKE) && (l->t.lflag & LX_ECHOE))
        {
            while (l->line_len != 0)
                lx_erase_one(l, e, 1);
        }
        else
        {
            l->line_len = 0;
            if (echo)
                lx_echo_char(l, e, c);
            if (echo && (l->t.lflag & LX_ECHOK))
                lx_echo_char(l, e, '\n');
        }
        return;
    }
    if ((l->t.lflag & LX_IEXTEN) && lx_is(l, c, LX_VWERASE))
    {
        while (l->line_len != 0 && !lx_is_word(l->line[l->line_len - 1]))
            lx_erase_one(l, e, 1);
        while (l->line_len != 0 && lx_is_word(l->line[l->line_len - 1]))
            lx_erase_one(l, e, 1);
        return;
    }
    if ((l->t.lflag & LX_IEXTEN) && lx_is(l, c, LX_VREPRINT))
    {
        uint32_t i;

        if (echo)
        {
            lx_echo_char(l, e, c);
            lx_echo_char(l, e, '\n');
            for (i = 0; i < l->line_len; i++)
                lx_echo_char(l, e, l->line[i]);
        }
        return;
    }
    if (lx_is(l, c, LX_VEOF))
    {
        /* the line so far is readable as is; at the start of a line it reads as the end */
        lx_commit_line(l);
        return;
    }
    if (c == '\n' || lx_is(l, c, LX_VEOL) || ((l->t.lflag & LX_IEXTEN) && lx_is(l, c, LX_VEOL2)))
    {
        if (echo || (c == '\n' && (l->t.lflag & LX_ECHONL)))
            lx_echo_char(l, e, c);
        if (l->line_len < LX_TTY_BUF)
            l->line[l->line_len++] = c;
        lx_commit_line(l);
        return;
    }
    /* an ordinary byte: the line keeps room for its end (n_tty: the last byte is the newline) */
    if (l->line_len >= LX_TTY_BUF - 1)
    {
        if ((l->t.iflag & LX_IMAXBEL) && echo)
            lx_echo_byte(e, '\a');
        return;
    }
    l->line[l->line_len++] = c;
    if (echo)
        lx_echo_char(l, e, c);
}

uint32_t
lx_ldisc_receive(lx_ldisc *l, const uint8_t *in, uint32_t n, uint8_t *echo, uint32_t echo_room,
                 uint32_t *echo_len, int *signal)
{
    lx_echo e = { echo, echo_room, echo_len };
    uint32_t i;

    *echo_len = 0;
    *signal = 0;
    for (i = 0; i < n; i++)
    {
        uint8_t c = in[i];

        /* room: canonical input needs room for the committed line, raw for the byte */
        if (l->rcount + l->line_len + 1 > LX_TTY_BUF || l->lcount >= LX_TTY_LINES)
            break;
        if (l->t.iflag & LX_ISTRIP)
            c &= 0x7F;
        if (l->lnext)
        {
            l->lnext = 0;
            goto Literal;
        }
        if ((l->t.lflag & LX_IEXTEN) && lx_is(l, c, LX_VLNEXT))
        {
            l->lnext = 1;
            if ((l->t.lflag & LX_ECHO) && (l->t.lflag & LX_ECHOCTL) && lx_canon(l))
            {
                lx_echo_byte(&e, '^');
                lx_echo_byte(&e, '\b');
            }
            continue;
        }
        if (l->t.iflag & LX_IXON)
        {
            if (lx_is(l, c, LX_VSTOP))
            {
                l->stopped = 1;
                continue;
            }
            if (lx_is(l, c, LX_VSTART))
            {
                l->stopped = 0;
                continue;
            }
        }
        if (l->t.lflag & LX_ISIG)
        {
            int sig = lx_is(l, c, LX_VINTR) ? LX_TTY_SIGINT : lx_is(l, c, LX_VQUIT) ? LX_TTY_SIGQUIT :
                      lx_is(l, c, LX_VSUSP) ? LX_TTY_SIGTSTP : 0;

            if (sig != 0)
            {
                if (!(l->t.lflag & LX_NOFLSH))
                    lx_ldisc_flush_input(l);
                l->stopped = 0;
                if (l->t.lflag & LX_ECHO)
                    lx_echo_char(l, &e, c);
                *signal = sig;
                return i + 1;
            }
        }
        if (c == '\r')
        {
            if (l->t.iflag & LX_IGNCR)
                continue;
            if (l->t.iflag & LX_ICRNL)
                c = '\n';
        }
        else if (c == '\n' && (l->t.iflag & LX_INLCR))
        {
            c = '\r';
        }
        if ((l->t.iflag & LX_IUCLC) && (l->t.lflag & LX_IEXTEN) && c >= 'A' && c <= 'Z')
            c = (uint8_t)(c - 'A' + 'a');
        if (lx_canon(l))
        {
            lx_canon_byte(l, &e, c);
            continue;
        }
Literal:
        if (lx_canon(l))
        {
            if (l->line_len < LX_TTY_BUF - 1)
                l->line[l->line_len++] = c;
            if (l->t.lflag & LX_ECHO)
                lx_echo_char(l, &e, c);
            continue;
        }
        lx_rbuf_put(l, &c, 1);
        if (l->t.lflag & LX_ECHO)
            lx_echo_char(l, &e, c);
        else if (c == '\n' && (l->t.lflag & LX_ECHONL))
            lx_echo_char(l, &e, c);
    }
    return i;
}

uint32_t
lx_ldisc_readable(const lx_ldisc *l, int *eof)
{
    *eof = 0;
    if (!lx_canon(l))
        return l->rcount;
    if (l->lcount == 0)
        return 0;
    if (l->lines[l->lhead] == 0)
    {
        *eof = 1;
        return 0;
    }
    return l->lines[l->lhead] - l->partial;
}

uint32_t
lx_ldisc_read(lx_ldisc *l, uint8_t *out, uint32_t n, int *eof)
{
    uint32_t avail = lx_ldisc_readable(l, eof), take, i;

    if (*eof)
    {
        /* an EOF at the start of a line: the read returns 0 and takes it */
        l->lhead = (l->lhead + 1) % LX_TTY_LINES;
        l->lcount--;
        return 0;
    }
    take = avail < n ? avail : n;
    for (i = 0; i < take; i++)
        out[i] = l->rbuf[(l->rhead + i) % LX_TTY_BUF];
    l->rhead = (l->rhead + take) % LX_TTY_BUF;
    l->rcount -= take;
    if (lx_canon(l) && take != 0)
    {
        l->partial += take;
        if (l->partial == l->lines[l->lhead])
        {
            l->lhead = (l->lhead + 1) % LX_TTY_LINES;
            l->lcount--;
            l->partial = 0;
        }
    }
    if (l->rcount == 0)
        l->rhead = 0;
    return take;
}

uint32_t
lx_ldisc_output(lx_ldisc *l, const uint8_t *in, uint32_t n, uint8_t *out, uint32_t room,
                uint32_t *consumed)
{
    uint32_t i, used = 0;

    for (i = 0; i < n; i++)
    {
        uint8_t c = in[i];

        if (!(l->t.oflag & LX_OPOST))
        {
            if (used == room)
                break;
            out[used++] = c;
            continue;
        }
        if (c == '\n' && (l->t.oflag & LX_ONLCR))
        {
            if (used + 2 > room)
                break;
            out[used++] = '\r';
            out[used++] = '\n';
            l->column = 0;
            continue;
        }
        if (used == room)
            break;
        if (c == '\r' && (l->t.oflag & LX_ONOCR) && l->column == 0)
            continue;
        if (c == '\r' && (l->t.oflag & LX_OCRNL))
            c = '\n';
        if ((l->t.oflag & LX_OLCUC) && c >= 'a' && c <= 'z')
            c = (uint8_t)(c - 'a' + 'A');
        out[used++] = c;
        if (c == '\n' || c == '\r')
            l->column = (c == '\n' && !(l->t.oflag & LX_ONLRET)) ? l->column : 0;
        else if (c == '\b')
            l->column = l->column ? l->column - 1 : 0;
        else if (c == '\t')
            l->column = (l->column | 7) + 1;
        else if (c >= 32)
            l->column++;
    }
    *consumed = i;
    return used;
}
