/* lxss-test: group=pipes needs=_newselect,pselect6,pipe,dup,close,read,write,setitimer,rt_sigaction,rt_sigprocmask,clock_gettime timeout=20 */
/* select: readiness of a pipe's two ends, a byte making the read end ready, a timeout
 * with nothing ready (lower bound), EBADF for a closed descriptor in a set, EINTR when a
 * signal arrives, and pselect's temporary signal mask (restored afterwards). */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"

static volatile sig_atomic_t hits;
static void on_alrm(int s) { (void)s; hits++; }
static long ms(struct timespec a, struct timespec b) { return (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000; }

int main(void)
{
	tap_plan(8);
	int p[2];
	tap_ok(pipe(p) == 0, "pipe");
	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	struct timeval tv = { 0, 0 };
	int k = select(p[1] + 1, &r, &w, 0, &tv);
	tap_ok_why(k == 1 && !FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w), "empty pipe: only the write end is ready",
		"select = %d errno %d, read ready %d, write ready %d", k, errno, FD_ISSET(p[0], &r), FD_ISSET(p[1], &w));
	if (write(p[1], "x", 1) != 1) {}
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv.tv_sec = 1;
	tv.tv_usec = 0;
	k = select(p[0] + 1, &r, 0, 0, &tv);
	tap_ok_why(k == 1 && FD_ISSET(p[0], &r), "a byte makes the read end ready", "select = %d errno %d", k, errno);
	char c;
	if (read(p[0], &c, 1) != 1) {}
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv.tv_sec = 0;
	tv.tv_usec = 100000;
	k = select(p[0] + 1, &r, 0, 0, &tv);
	clock_gettime(CLOCK_MONOTONIC, &b);
	tap_ok_why(k == 0 && ms(a, b) >= 90, "timeout after 100 ms with nothing ready", "select = %d after %ld ms", k,
		ms(a, b));
	/* A descriptor that is certainly closed: the lowest free number, freed again. A fixed
	 * number could be inherited open from whoever started us. */
	int closed = dup(p[0]);
	close(closed);
	FD_ZERO(&r);
	FD_SET(closed, &r);
	tv.tv_sec = 0;
	tv.tv_usec = 0;
	tap_errno(select(closed + 1, &r, 0, 0, &tv), EBADF, "a closed fd in a set: EBADF");

	signal(SIGALRM, on_alrm);
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	setitimer(ITIMER_REAL, &it, 0);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tap_errno(select(p[0] + 1, &r, 0, 0, 0), EINTR, "a signal interrupts select: EINTR");
	tap_eq(hits, 1, "the handler ran once");

	sigset_t bl, none, cur;
	sigemptyset(&bl);
	sigaddset(&bl, SIGALRM);
	sigprocmask(SIG_BLOCK, &bl, 0);
	sigemptyset(&none);
	setitimer(ITIMER_REAL, &it, 0);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timespec ts = { 2, 0 };
	errno = 0;
	k = pselect(p[0] + 1, &r, 0, 0, &ts, &none);
	int e = errno;
	sigprocmask(SIG_BLOCK, 0, &cur);
	tap_ok_why(k == -1 && e == EINTR && hits == 2 && sigismember(&cur, SIGALRM),
		"pselect with SIGALRM unblocked: EINTR, handler ran, mask restored", "pselect = %d errno %d hits %d blocked %d",
		k, e, (int)hits, sigismember(&cur, SIGALRM));
	return tap_done();
}
