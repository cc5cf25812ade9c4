/*
 * ttyprobe: is this Linux program's stdio a terminal? For lxrun in a ReactOS console (and
 * for a pty on a Linux host). Built with the patched musl: `npx lxgen cc -O1 -o ttyprobe
 * tests/psxss/guest/ttyprobe.c`. Not part of the ELF suite (tests/elf/), whose runners never
 * give a program a terminal.
 *
 *   ttyprobe tty     stdio is a terminal: isatty(0) and isatty(1), TCGETS on fds 0 and 1
 *                    gives cooked-mode termios (ICANON and ECHO set), TCSETS is accepted,
 *                    TIOCGWINSZ rows and columns > 0, TIOCGPGRP answers; a regular file is
 *                    no tty, and after dup2(file, 1) (what the shell's "> file" does) fd 1
 *                    is none either
 *   ttyprobe notty   stdout is redirected: isatty(1) is false with errno ENOTTY, TCGETS and
 *                    TIOCGWINSZ on fd 1 fail with ENOTTY
 *   ttyprobe rows    exit status = the terminal's rows (TIOCGWINSZ on fd 1, at most 254;
 *   ttyprobe cols    ... columns); 255 if fd 1 is no terminal
 *   ttyprobe         "tty" when isatty(1), else "notty"
 *
 * TAP lines go to stdout (fd 1 is restored after the dup2 check). Exit status: 0 when every
 * check passed, else 10 + the number of the first failed check; 2 on a usage error.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static int Checks, FirstFailed;

static void
Check(int Ok, const char *Name)
{
    Checks++;
    printf("%sok %d - %s\n", Ok ? "" : "not ", Checks, Name);
    fflush(stdout);
    if (!Ok && FirstFailed == 0)
        FirstFailed = Checks;
}

static int
Done(void)
{
    printf("1..%d\n", Checks);
    fflush(stdout);
    return FirstFailed ? 10 + FirstFailed : 0;
}

/* A descriptor of a regular file (the program itself), or /dev/null if that cannot be had. */
static int
OpenPlainFile(const char *Self)
{
    int Fd = open(Self, O_RDONLY);

    if (Fd < 0)
        Fd = open("/dev/null", O_RDONLY);
    return Fd;
}

static int
ProbeTerminal(const char *Self)
{
    struct termios Termios;
    struct winsize Size;
    pid_t Group = 0;
    int File, Saved, Result;

    Check(isatty(0) == 1, "isatty(0)");
    Check(isatty(1) == 1, "isatty(1)");
    printf("# isatty(2) = %d\n", isatty(2));

    memset(&Termios, 0, sizeof(Termios));
    Result = tcgetattr(1, &Termios);
    Check(Result == 0, "TCGETS on fd 1 succeeds");
    printf("# fd 1: c_iflag 0x%x c_oflag 0x%x c_cflag 0x%x c_lflag 0x%x VINTR %d VEOF %d\n",
           (unsigned)Termios.c_iflag, (unsigned)Termios.c_oflag, (unsigned)Termios.c_cflag,
           (unsigned)Termios.c_lflag, Termios.c_cc[VINTR], Termios.c_cc[VEOF]);
    Check(Result == 0 && (Termios.c_lflag & (ICANON | ECHO)) == (ICANON | ECHO),
          "cooked mode: ICANON and ECHO set");
    Check(Result == 0 && Termios.c_cc[VINTR] == 3 && Termios.c_cc[VEOF] == 4,
          "VINTR is ^C and VEOF ^D");
    Check(tcgetattr(0, &Termios) == 0, "TCGETS on fd 0 succeeds");

    /* Setting is accepted; whether it is applied is the terminal's business (lxcore's is
     * not: the console keeps its line discipline), so only report what TCGETS says then */
    if (tcgetattr(1, &Termios) == 0)
    {
        struct termios Quiet = Termios, After;

        Quiet.c_lflag &= ~(tcflag_t)ECHO;
        Result = tcsetattr(1, TCSANOW, &Quiet);
        Check(Result == 0, "TCSETS (echo off) is accepted");
        if (tcgetattr(1, &After) == 0)
            printf("# after TCSETS without ECHO, TCGETS says ECHO %s\n",
                   (After.c_lflag & ECHO) ? "on (not applied)" : "off (applied)");
        tcsetattr(1, TCSANOW, &Termios);
    }
    else
    {
        Check(0, "TCSETS (echo off) is accepted");
    }

    memset(&Size, 0, sizeof(Size));
    Result = ioctl(1, TIOCGWINSZ, &Size);
    printf("# window %u rows x %u columns\n", (unsigned)Size.ws_row, (unsigned)Size.ws_col);
    Check(Result == 0 && Size.ws_row > 0 && Size.ws_col > 0, "TIOCGWINSZ: rows and columns > 0");
    Check(ioctl(1, TIOCGPGRP, &Group) == 0 && Group > 0, "TIOCGPGRP gives a process group");

    File = OpenPlainFile(Self);
    errno = 0;
    Check(File >= 0 && isatty(File) == 0 && errno == ENOTTY, "a regular file is no tty (ENOTTY)");

    /* What "> file" does: the file replaces fd 1 */
    Saved = dup(1);
    if (File >= 0 && Saved >= 0 && dup2(File, 1) == 1)
    {
        int IsTty = isatty(1);
        int Error = errno;
        Result = tcgetattr(1, &Termios);
        dup2(Saved, 1);
        Check(IsTty == 0 && Error == ENOTTY && Result == -1,
              "fd 1 redirected to a file: isatty(1) false, TCGETS ENOTTY");
    }
    else
    {
        Check(0, "fd 1 redirected to a file: dup/dup2 failed");
    }
    if (Saved >= 0)
        close(Saved);
    if (File >= 0)
        close(File);
    return Done();
}

static int
ProbeRedirected(void)
{
    struct termios Termios;
    struct winsize Size;
    int IsTty, Error, Result;

    errno = 0;
    IsTty = isatty(1);
    Error = errno;
    Check(IsTty == 0 && Error == ENOTTY, "isatty(1) is false with ENOTTY");
    errno = 0;
    Result = tcgetattr(1, &Termios);
    Check(Result == -1 && errno == ENOTTY, "TCGETS on fd 1: ENOTTY");
    errno = 0;
    Result = ioctl(1, TIOCGWINSZ, &Size);
    Check(Result == -1 && errno == ENOTTY, "TIOCGWINSZ on fd 1: ENOTTY");
    return Done();
}

static int
ExitWithSize(int Rows)
{
    struct winsize Size;
    unsigned Value;

    if (ioctl(1, TIOCGWINSZ, &Size) != 0)
        return 255;
    Value = Rows ? Size.ws_row : Size.ws_col;
    return Value > 254 ? 254 : (int)Value;
}

int
main(int Argc, char **Argv)
{
    const char *Mode = Argc > 1 ? Argv[1] : (isatty(1) ? "tty" : "notty");

    if (strcmp(Mode, "tty") == 0)
        return ProbeTerminal(Argv[0] ? Argv[0] : "/dev/null");
    if (strcmp(Mode, "notty") == 0)
        return ProbeRedirected();
    if (strcmp(Mode, "rows") == 0 || strcmp(Mode, "cols") == 0)
        return ExitWithSize(Mode[0] == 'r');
    fprintf(stderr, "usage: ttyprobe [tty|notty|rows|cols]\n");
    return 2;
}
