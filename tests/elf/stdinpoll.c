/* lxss-test: group=pipes needs=poll,_newselect,read,ioctl,clock_gettime timeout=20 stdin=pipe */
/* poll and select on a stdin the launcher holds: a pipe here (stdinpoll_tty.c: its terminal).
 * The launcher writes "lxss\n" 1 s after the start, then (pipe) closes its end. Not ready
 * before the line (for poll and select), stdout writable, a poll that waits for the line,
 * the line read, then hang-up and EOF (pipe) or nothing more to read (terminal). */
#define _GNU_SOURCE
#include <poll.h>
#include <string.h>
#include <sys/select.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"

static long ms_since(struct timespec a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
}

int main(void)
{
	int tty = isatty(0);
	tap_plan(7);
	if (tty) {
		/* the line must not come back as output */
		struct termios t;
		if (tcgetattr(0, &t) == 0) {
			t.c_lflag &= ~(tcflag_t)ECHO;
			tcsetattr(0, TCSANOW, &t);
		}
	}

	struct pollfd p = { .fd = 0, .events = POLLIN };
	int k = poll(&p, 1, 200);
	tap_ok_why(k == 0, "poll: stdin not ready before the launcher writes", "poll = %d, revents 0x%x", k, p.revents);

	fd_set r;
	FD_ZERO(&r);
	FD_SET(0, &r);
	struct timeval tv = { 0, 200000 };
	k = select(1, &r, 0, 0, &tv);
	tap_ok_why(k == 0, "select: stdin not ready before the launcher writes", "select = %d", k);

	struct pollfd o = { .fd = 1, .events = POLLOUT };
	k = poll(&o, 1, 0);
	tap_ok_why(k == 1 && (o.revents & POLLOUT), "poll: stdout is writable", "poll = %d, revents 0x%x", k, o.revents);

	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	p.revents = 0;
	k = poll(&p, 1, 5000);
	long waited = ms_since(t0);
	tap_ok_why(k == 1 && (p.revents & POLLIN) && waited >= 100, "poll waits until the line arrives",
		   "poll = %d, revents 0x%x after %ld ms", k, p.revents, waited);

	FD_ZERO(&r);
	FD_SET(0, &r);
	tv.tv_sec = 0;
	tv.tv_usec = 0;
	k = select(1, &r, 0, 0, &tv);
	tap_ok_why(k == 1 && FD_ISSET(0, &r), "select: stdin ready with the line", "select = %d", k);

	char buf[16] = { 0 };
	ssize_t n = read(0, buf, sizeof(buf) - 1);
	tap_ok_why(n == 5 && memcmp(buf, "lxss\n", 5) == 0, "the line is read", "read = %zd '%s'", n, buf);

	if (tty) {
		p.revents = 0;
		k = poll(&p, 1, 300);
		tap_ok_why(k == 0, "terminal: nothing more to read, no hang-up", "poll = %d, revents 0x%x", k, p.revents);
	} else {
		p.revents = 0;
		k = poll(&p, 1, 5000);
		n = read(0, buf, sizeof(buf));
		tap_ok_why(k == 1 && (p.revents & POLLHUP) && n == 0, "pipe: hang-up, then end of file once the launcher closes it",
			   "poll = %d, revents 0x%x, read = %zd", k, p.revents, n);
	}
	return tap_done();
}
