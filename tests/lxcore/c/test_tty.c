/* lx_tty: the line discipline as Linux's n_tty does it: canonical editing, echo, signals,
 * raw mode, EOF, output processing */
#include <stdio.h>
#include <string.h>

#include "lx_tty.h"
#include "tap.h"

static lx_ldisc l;
static uint8_t echo[256];
static uint32_t echo_len;

/* Input as text; returns the signal it stopped at (0: none) */
static int input(const char *text)
{
    int sig = 0;
    uint32_t n = (uint32_t)strlen(text), done = lx_ldisc_receive(&l, (const uint8_t *)text, n, echo, sizeof echo, &echo_len, &sig);
    echo[echo_len] = 0;
    return done == n || sig ? sig : -1;
}

static const char *read_all(void)
{
    static char buf[512];
    int eof;
    uint32_t n = lx_ldisc_read(&l, (uint8_t *)buf, sizeof buf - 1, &eof);
    buf[n] = 0;
    return eof ? "<EOF>" : buf;
}

int main(void)
{
    lx_termios t;
    int eof;
    uint8_t out[64];
    uint32_t used, consumed;

    lx_ldisc_init(&l);
    tap_ok(sizeof(lx_termios) == 36, "struct termios of TCGETS is 36 bytes");
    tap_ok(l.t.iflag == 0x500 && l.t.oflag == 5 && l.t.cflag == 0x4bf && l.t.lflag == 0x8a3b && l.t.cc[0] == 3 && l.t.cc[2] == 0x7f,
           "defaults: iflag 0x500, oflag 5, cflag 0x4bf, lflag 0x8a3b, ^C and DEL");

    tap_ok(input("ab") == 0 && strcmp((char *)echo, "ab") == 0 && lx_ldisc_readable(&l, &eof) == 0,
           "canonical: typed bytes echo and are not readable before the end of the line");
    tap_ok(input("c\r") == 0 && strcmp((char *)echo, "c\n") == 0 && lx_ldisc_readable(&l, &eof) == 4,
           "a carriage return ends the line as a newline (ICRNL), echoed");
    tap_ok(strcmp(read_all(), "abc\n") == 0, "the read takes \"abc\\n\"");

    input("xy\x7fz\n");
    tap_ok(strcmp((char *)echo, "xy\b \bz\n") == 0 && strcmp(read_all(), "xz\n") == 0, "DEL erases one character, echoed as \\b \\b (ECHOE)");
    input("one two\x17three\n");
    tap_ok(strcmp(read_all(), "one three\n") == 0, "^W erases the last word");
    input("junk\x15ok\n");
    tap_ok(strcmp(read_all(), "ok\n") == 0, "^U kills the line");
    {
        lx_ldisc_init(&l);
        tap_ok(input("pending\x03rest") == LX_TTY_SIGINT && strcmp((char *)echo, "pending^C") == 0 && l.line_len == 0,
               "^C: SIGINT, echoed ^C, the line flushed, the rest not taken");
        tap_ok(input("\x1c") == LX_TTY_SIGQUIT && input("\x1a") == LX_TTY_SIGTSTP, "^\\ is SIGQUIT, ^Z SIGTSTP");
    }
    lx_ldisc_init(&l);
    input("\x04");
    tap_ok(lx_ldisc_readable(&l, &eof) == 0 && eof && strcmp(read_all(), "<EOF>") == 0 && !lx_ldisc_readable(&l, &eof) && !eof,
           "^D at the start of a line reads as the end (0), once");
    input("par\x04");
    tap_ok(strcmp(read_all(), "par") == 0, "^D after text makes it readable without a newline");
    input("long line\n");
    {
        uint8_t b[4];
        tap_ok(lx_ldisc_read(&l, b, 4, &eof) == 4 && memcmp(b, "long", 4) == 0 && strcmp(read_all(), " line\n") == 0,
               "a short read leaves the rest of the line for the next");
    }
    input("v\x16\x7fw\n");
    tap_ok(strcmp(read_all(), "v\x7fw\n") == 0, "^V makes the next byte literal");

    /* raw mode */
    lx_termios_default(&t);
    t.lflag &= ~(LX_ICANON | LX_ECHO);
    input("half");
    lx_ldisc_set(&l, &t);
    tap_ok(lx_ldisc_readable(&l, &eof) == 4 && strcmp(read_all(), "half") == 0, "leaving canonical mode makes the edited line readable");
    tap_ok(input("a\x7f\r") == 0 && echo_len == 0 && strcmp(read_all(), "a\x7f\n") == 0, "raw: no editing, no echo, ICRNL still");
    t.iflag &= ~LX_ICRNL;
    t.lflag &= ~LX_ISIG;
    lx_ldisc_set(&l, &t);
    tap_ok(input("\r\x03") == 0 && strcmp(read_all(), "\r\x03") == 0, "without ICRNL and ISIG: \\r and ^C as bytes");

    /* output */
    lx_ldisc_init(&l);
    used = lx_ldisc_output(&l, (const uint8_t *)"a\nb", 3, out, sizeof out, &consumed);
    tap_ok(used == 4 && consumed == 3 && memcmp(out, "a\r\nb", 4) == 0, "ONLCR: \\n goes out as \\r\\n");
    used = lx_ldisc_output(&l, (const uint8_t *)"\n\n", 2, out, 3, &consumed);
    tap_ok(used == 2 && consumed == 1, "a \\r\\n that does not fit waits");
    l.t.oflag &= ~LX_OPOST;
    used = lx_ldisc_output(&l, (const uint8_t *)"x\n", 2, out, sizeof out, &consumed);
    tap_ok(used == 2 && memcmp(out, "x\n", 2) == 0, "without OPOST the bytes go out as written");

    /* a full buffer */
    lx_ldisc_init(&l);
    t = l.t;
    t.lflag &= ~(LX_ICANON | LX_ECHO);
    lx_ldisc_set(&l, &t);
    {
        static uint8_t big[LX_TTY_BUF + 10];
        int sig;
        memset(big, 'q', sizeof big);
        tap_ok(lx_ldisc_receive(&l, big, sizeof big, echo, sizeof echo, &echo_len, &sig) == LX_TTY_BUF && sig == 0,
               "a full read buffer takes no more");
    }
    return tap_done();
}
