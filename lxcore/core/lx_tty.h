/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The terminal line discipline: termios, input editing, echo and output
 *              processing, as Linux's drivers/tty/n_tty.c does them
 *
 * A terminal's two directions: input (what the keyboard or a pty master sends) goes through
 * lx_ldisc_receive, which edits lines in canonical mode, echoes, and stops at a signal
 * character for the caller to signal the foreground process group; the reader takes it with
 * lx_ldisc_read. Output (what programs write) goes through lx_ldisc_output (OPOST). No locks,
 * no waits: fs/pty.c holds the lock and does the waiting.
 */

#ifndef LX_TTY_H
#define LX_TTY_H

#include "lx_types.h"

/* struct termios of the kernel (TCGETS), i386: 36 bytes */
#define LX_NCCS         19
typedef struct lx_termios
{
    uint32_t iflag;
    uint32_t oflag;
    uint32_t cflag;
    uint32_t lflag;
    uint8_t line;
    uint8_t cc[LX_NCCS];
} lx_termios;

/* c_cc */
#define LX_VINTR        0
#define LX_VQUIT        1
#define LX_VERASE       2
#define LX_VKILL        3
#define LX_VEOF         4
#define LX_VTIME        5
#define LX_VMIN         6
#define LX_VSTART       8
#define LX_VSTOP        9
#define LX_VSUSP        10
#define LX_VEOL         11
#define LX_VREPRINT     12
#define LX_VWERASE      14
#define LX_VLNEXT       15
#define LX_VEOL2        16
/* c_iflag */
#define LX_IGNCR        0000200
#define LX_INLCR        0000100
#define LX_ICRNL        0000400
#define LX_ISTRIP       0000040
#define LX_IUCLC        0001000
#define LX_IXON         0002000
#define LX_IMAXBEL      0020000
#define LX_IUTF8        0040000
/* c_oflag */
#define LX_OPOST        0000001
#define LX_OLCUC        0000002
#define LX_ONLCR        0000004
#define LX_OCRNL        0000010
#define LX_ONOCR        0000020
#define LX_ONLRET       0000040
/* c_cflag */
#define LX_B38400       0000017
#define LX_CS8          0000060
#define LX_CREAD        0000200
#define LX_HUPCL        0002000
/* c_lflag */
#define LX_ISIG         0000001
#define LX_ICANON       0000002
#define LX_ECHO         0000010
#define LX_ECHOE        0000020
#define LX_ECHOK        0000040
#define LX_ECHONL       0000100
#define LX_NOFLSH       0000200
#define LX_TOSTOP       0000400
#define LX_ECHOCTL      0001000
#define LX_ECHOKE       0004000
#define LX_IEXTEN       0100000

/* the signals the line discipline raises */
#define LX_TTY_SIGINT   2
#define LX_TTY_SIGQUIT  3
#define LX_TTY_SIGTSTP  20

#define LX_TTY_BUF      4096    /* N_TTY_BUF_SIZE */
#define LX_TTY_LINES    256     /* completed lines (or EOFs) waiting to be read */

typedef struct lx_ldisc
{
    lx_termios t;
    /* what a read takes: in canonical mode only completed lines */
    uint8_t rbuf[LX_TTY_BUF];
    uint32_t rhead;             /* first unread byte */
    uint32_t rcount;            /* unread bytes */
    /* canonical mode: the length of each completed line in rbuf, in order (0: an EOF) */
    uint16_t lines[LX_TTY_LINES];
    uint32_t lhead;
    uint32_t lcount;
    uint32_t partial;           /* bytes of the first line a short read already took */
    /* the line being edited */
    uint8_t line[LX_TTY_BUF];
    uint32_t line_len;
    uint32_t column;            /* of the echo, for erasing a tab */
    int lnext;                  /* the next byte is literal (VLNEXT) */
    int stopped;                /* output stopped by VSTOP (IXON) */
} lx_ldisc;

/* tty_std_termios: canonical, echo, ISIG, ICRNL, OPOST|ONLCR, B38400 CS8 */
void lx_termios_default(lx_termios *t);
void lx_ldisc_init(lx_ldisc *l);
/* New settings: leaving canonical mode makes the line being edited readable */
void lx_ldisc_set(lx_ldisc *l, const lx_termios *t);

/* Input of N bytes. Echo goes to Echo (room EchoRoom; *EchoLen: bytes written, raw: the caller
 * runs it through lx_ldisc_output). Stops after a signal character with ISIG: *Signal is
 * SIGINT, SIGQUIT or SIGTSTP (else 0) and the pending input was flushed unless NOFLSH. Returns
 * the bytes consumed; fewer than N without a signal when the read buffer is full. */
uint32_t lx_ldisc_receive(lx_ldisc *l, const uint8_t *in, uint32_t n, uint8_t *echo, uint32_t echo_room,
                          uint32_t *echo_len, int *signal);
/* Bytes a read can take now: canonical, the rest of the first line (an EOF line: 0 with
 * *Eof set); otherwise all unread bytes */
uint32_t lx_ldisc_readable(const lx_ldisc *l, int *eof);
/* A read of at most N bytes: the bytes taken (0 with an EOF consumed). Canonical reads stop at
 * the end of a line. */
uint32_t lx_ldisc_read(lx_ldisc *l, uint8_t *out, uint32_t n, int *eof);
/* Drops what waits to be read and the line being edited (TCFLSH TCIFLUSH, a signal) */
void lx_ldisc_flush_input(lx_ldisc *l);
/* Output processing (OPOST): In's bytes into Out (room bytes). *Consumed: input bytes taken;
 * returns the bytes written. */
uint32_t lx_ldisc_output(lx_ldisc *l, const uint8_t *in, uint32_t n, uint8_t *out, uint32_t room,
                         uint32_t *consumed);

#endif /* LX_TTY_H */
