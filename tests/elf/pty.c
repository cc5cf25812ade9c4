/* lxss-test: group=tty needs=open,read,write,ioctl,poll,setsid timeout=60 */
/* Pseudo-terminals and their line discipline: posix_openpt/grantpt/unlockpt/ptsname and
 * TIOCGPTN, a locked slave (EIO), isatty and the default termios, canonical input with
 * ICRNL, echo (with \r\n from ONLCR) and erase, ^D as the end, output processing, FIONREAD,
 * raw mode (no echo, VMIN 1, VMIN 0 + VTIME 2 timing out), TCSAFLUSH dropping typed input,
 * window size, a session leader taking the slave as its controlling terminal (tcgetpgrp,
 * /dev/tty), ^C as SIGINT to the foreground group and a resize as SIGWINCH, and hang-ups: the
 * master reads EIO once every slave is closed; a slave whose master closed is hung up (reads
 * 0, writes EIO). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* What the fd has within Ms, as text (0 bytes: "") */
static const char *drain(int fd, int ms)
{
	static char buf[256];
	struct pollfd p = { fd, POLLIN, 0 };
	size_t used = 0;
	ssize_t n;

	while (used < sizeof buf - 1 && poll(&p, 1, ms) == 1 && (p.revents & POLLIN)) {
		n = read(fd, buf + used, sizeof buf - 1 - used);
		if (n <= 0)
			break;
		used += (size_t)n;
		ms = 100;
	}
	buf[used] = 0;
	return buf;
}

static int open_pair(int *master, char *name, size_t size)
{
	*master = posix_openpt(O_RDWR | O_NOCTTY);
	if (*master < 0 || grantpt(*master) != 0 || unlockpt(*master) != 0 || ptsname_r(*master, name, size) != 0)
		return -1;
	return open(name, O_RDWR | O_NOCTTY);
}

static int winch_fd = -1;

/* the child says "W" from the handler itself: no window between a flag and a blocking read */
static void on_winch(int sig)
{
	(void)sig;
	if (write(winch_fd, "W", 1) != 1)
		_exit(3);
}

int main(void)
{
	char name[64], buf[128];
	struct termios t, saved;
	struct winsize ws = { 33, 111, 0, 0 }, got;
	int m, s, n, ptn = -1, status;
	long t0;

	tap_plan(29);
	s = open_pair(&m, name, sizeof name);
	tap_ok(s >= 0 && strncmp(name, "/dev/pts/", 9) == 0, "posix_openpt, grantpt, unlockpt, ptsname: /dev/pts/N, and the slave opens");
	tap_ok(ioctl(m, TIOCGPTN, &ptn) == 0 && ptn == atoi(name + 9), "TIOCGPTN gives N");
	tap_ok(isatty(m) && isatty(s), "both sides are terminals");
	{
		struct statfs sf;
		tap_ok(fstatfs(s, &sf) == 0 && sf.f_type == 0x1cd1, "the slave is on a devpts (fstatfs)");
	}
	tap_ok(tcgetattr(s, &t) == 0 && (t.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG) &&
	       (t.c_iflag & ICRNL) && (t.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR) && t.c_cc[VINTR] == 3,
	       "the default termios: ICANON ECHO ISIG, ICRNL, OPOST|ONLCR, ^C");
	{
		int m2 = posix_openpt(O_RDWR | O_NOCTTY), s2;
		char name2[64];
		ptsname_r(m2, name2, sizeof name2);
		s2 = open(name2, O_RDWR | O_NOCTTY);
		tap_ok(s2 < 0 && errno == EIO, "a slave not yet unlocked: EIO");
		close(m2);
	}

	write(m, "hello\r", 6);
	n = (int)read(s, buf, sizeof buf);
	tap_ok(n == 6 && memcmp(buf, "hello\n", 6) == 0, "canonical: \"hello\\r\" typed reads as \"hello\\n\" (ICRNL)");
	tap_ok(strcmp(drain(m, 500), "hello\r\n") == 0, "the master sees the echo, \\n as \\r\\n");
	write(s, "out\n", 4);
	tap_ok(strcmp(drain(m, 500), "out\r\n") == 0, "the slave's output: ONLCR");
	write(m, "ab\177c\n", 5);
	n = (int)read(s, buf, sizeof buf);
	tap_ok(n == 3 && memcmp(buf, "ac\n", 3) == 0 && strcmp(drain(m, 500), "ab\b \bc\r\n") == 0,
	       "DEL erases: the line reads \"ac\", the echo rubs out");
	write(m, "\004", 1);
	tap_ok(read(s, buf, sizeof buf) == 0, "^D at the start of a line reads as the end (0)");
	write(m, "two\n", 4);
	drain(m, 300);
	tap_ok(ioctl(s, FIONREAD, &n) == 0 && n == 4, "FIONREAD: the line waiting");
	read(s, buf, sizeof buf);

	/* raw */
	tcgetattr(s, &saved);
	cfmakeraw(&t);
	tap_ok(tcsetattr(s, TCSANOW, &t) == 0, "cfmakeraw + tcsetattr");
	write(m, "xyz", 3);
	n = (int)read(s, buf, sizeof buf);
	tap_ok(n >= 1 && memcmp(buf, "xyz", (size_t)n) == 0 && strcmp(drain(m, 200), "") == 0,
	       "raw: bytes read as they come, no echo");
	if (n < 3)
		read(s, buf, sizeof buf);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 2;
	tcsetattr(s, TCSANOW, &t);
	t0 = now_ms();
	n = (int)read(s, buf, sizeof buf);
	t0 = now_ms() - t0;
	tap_ok_why(n == 0 && t0 >= 150 && t0 < 2000, "VMIN 0, VTIME 2: a read with no input returns 0 after 0.2 s", "n=%d after %ld ms", n, t0);
	write(m, "q", 1);
	tap_ok(read(s, buf, sizeof buf) == 1 && buf[0] == 'q', "and with input at once");
	tcsetattr(s, TCSANOW, &saved);
	write(m, "dropped", 7);
	drain(m, 300);
	tcsetattr(s, TCSAFLUSH, &saved);
	write(m, "kept\n", 5);
	n = (int)read(s, buf, sizeof buf);
	tap_ok(n == 5 && memcmp(buf, "kept\n", 5) == 0, "TCSAFLUSH drops what was typed before");
	drain(m, 300);

	tap_ok(ioctl(m, TIOCSWINSZ, &ws) == 0 && ioctl(s, TIOCGWINSZ, &got) == 0 && got.ws_row == 33 && got.ws_col == 111,
	       "TIOCSWINSZ on the master, TIOCGWINSZ on the slave");

	/* a session with the slave as its controlling terminal */
	{
		int pipefd[2];
		pid_t pid;
		pipe(pipefd);
		pid = fork();
		if (pid == 0) {
			int c, tty;
			struct sigaction sa;
			close(pipefd[0]);
			winch_fd = pipefd[1];
			memset(&sa, 0, sizeof sa);
			sa.sa_handler = on_winch;
			sa.sa_flags = SA_RESTART;
			sigaction(SIGWINCH, &sa, NULL);
			setsid();
			c = open(name, O_RDWR);     /* no O_NOCTTY: it becomes the controlling terminal */
			tty = open("/dev/tty", O_RDWR);
			buf[0] = (char)(c >= 0 && tcgetpgrp(c) == getpid() && getsid(0) == getpid());
			buf[1] = (char)(tty >= 0 && isatty(tty));
			write(pipefd[1], buf, 2);
			/* waits for input; a SIGWINCH's handler writes "W", ^C ends it by default */
			while (read(c, buf, sizeof buf) <= 0)
				;
			_exit(0);
		}
		close(pipefd[1]);
		n = (int)read(pipefd[0], buf, 2);
		tap_ok(n == 2 && buf[0] == 1, "a session leader that opens the slave gets it as its controlling terminal (tcgetpgrp)");
		tap_ok(n == 2 && buf[1] == 1, "and /dev/tty opens it");
		ws.ws_row = 44;
		ioctl(m, TIOCSWINSZ, &ws);
		{
			struct pollfd p = { pipefd[0], POLLIN, 0 };
			tap_ok(poll(&p, 1, 3000) == 1 && read(pipefd[0], buf, 1) == 1 && buf[0] == 'W', "a new window size: SIGWINCH for the foreground group");
		}
		write(m, "\003", 1);
		waitpid(pid, &status, 0);
		tap_ok_why(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT, "^C: SIGINT for the foreground group", "status %#x", status);
		tap_ok(strstr(drain(m, 300), "^C") != NULL, "echoed as ^C");
		close(pipefd[0]);
	}

	/* hang-ups */
	{
		struct pollfd p = { m, POLLIN, 0 };
		close(s);
		tap_ok(read(m, buf, sizeof buf) < 0 && errno == EIO, "the master reads EIO once every slave is closed");
		tap_ok(poll(&p, 1, 0) == 1 && (p.revents & POLLHUP), "and polls POLLHUP");
		close(m);
	}
	{
		struct pollfd p;
		s = open_pair(&m, name, sizeof name);
		write(s, "left\n", 5);
		close(m);
		p.fd = s;
		p.events = POLLIN;
		tap_ok(poll(&p, 1, 0) == 1 && (p.revents & POLLHUP), "a slave whose master is gone polls POLLHUP");
		tap_ok(read(s, buf, sizeof buf) == 0, "and reads the end (0: hung up)");
		tap_ok(write(s, "x", 1) < 0 && errno == EIO, "and writes EIO");
		close(s);
	}
	tap_ok(open("/dev/pts/999", O_RDWR) < 0 && errno == ENOENT, "a pty number nobody has: ENOENT");
	return tap_done();
}
