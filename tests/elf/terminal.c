/* lxss-test: group=tty needs=ioctl,read,open,fstat64,readlink,getsid,getpgrp timeout=30 stdin=tty */
/* stdin is the launcher's terminal, a real pseudo-terminal: isatty, ttyname /dev/pts/N (the
 * terminal /dev/tty opens), it is the controlling terminal of the program's session
 * with the program's group in the foreground, the window is 25 x 80, the termios are a new
 * pty's (ICANON, ECHO, ISIG, ICRNL, OPOST|ONLCR), and the line the launcher types arrives
 * through the line discipline. Under lxcore the runner asks for LXSS_CREATE_TTY_STDIN; on
 * Linux script(1) makes the terminal. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include "lxtap.h"

int main(void)
{
	struct stat st0, st1, sttty;
	struct winsize ws = { 0, 0, 0, 0 };
	struct termios t;
	struct pollfd p = { 0, POLLIN, 0 };
	char name[64] = "", buf[16];
	ssize_t n = -1;
	int tty;

	tap_plan(8);
	tap_ok(isatty(0), "stdin is a terminal");
	tap_ok(ttyname_r(0, name, sizeof name) == 0 && strncmp(name, "/dev/pts/", 9) == 0 &&
	       fstat(0, &st0) == 0 && stat(name, &st1) == 0 && S_ISCHR(st0.st_mode) && st0.st_rdev == st1.st_rdev,
	       "ttyname: /dev/pts/N, the same device");
	tty = open("/dev/tty", O_RDWR | O_NOCTTY);
	tap_ok(tty >= 0 && fstat(tty, &sttty) == 0 && S_ISCHR(sttty.st_mode) && tcgetsid(tty) == tcgetsid(0) &&
	       tcgetpgrp(tty) == tcgetpgrp(0),
	       "/dev/tty opens the controlling terminal (same session and foreground group)");
	tap_ok(tcgetsid(0) == getsid(0), "it is the controlling terminal of our session");
	tap_ok(tcgetpgrp(0) == getpgrp(), "our process group is its foreground group");
	tap_ok(ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 25 && ws.ws_col == 80, "the window is 25 x 80");
	tap_ok(tcgetattr(0, &t) == 0 && (t.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG) &&
	       (t.c_iflag & ICRNL) && (t.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR),
	       "a new terminal's settings: ICANON, ECHO, ISIG, ICRNL, OPOST|ONLCR");
	if (poll(&p, 1, 10000) == 1)
		n = read(0, buf, sizeof buf);
	tap_ok(n == 5 && memcmp(buf, "lxss\n", 5) == 0, "the line typed arrives whole through the line discipline");
	return tap_done();
}
