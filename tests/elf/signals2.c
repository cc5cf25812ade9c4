/* lxss-test: group=signals needs=rt_sigaction,rt_sigprocmask,rt_sigsuspend,pause,setitimer,getitimer,alarm,nanosleep,kill,wait4,ppoll,rt_sigtimedwait,clone,futex timeout=40 */
/* signals2: asynchronous signals. pause/sigsuspend/nanosleep interrupted by a timer signal
 * (EINTR, mask restored, remaining time), getitimer/alarm, kill of a spinning child that
 * runs its handler, wait4 restarted after an SA_RESTART handler, SIGALRM's default action
 * ending a blocked child, SIGCHLD delivery, ppoll with a temporary mask, and
 * sigtimedwait/sigwait including a process-directed signal taken by a sigwait thread while
 * every thread blocks it. */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"

static volatile sig_atomic_t alrm, usr, chld;
static void on_alrm(int s) { (void)s; alrm++; }
static void on_usr1(int s) { (void)s; usr++; }
static void on_chld(int s) { (void)s; chld++; }

static void handle(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigaction(sig, &sa, 0);
}

/* A one-shot ITIMER_REAL of 50 ms. */
static void arm_50ms(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	setitimer(ITIMER_REAL, &it, 0);
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&t, &t) == -1 && errno == EINTR) {}
}

static volatile int waited_sig;
static void *sigwait_thread(void *a)
{
	sigset_t s;
	int sig = 0;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	if (sigwait(&s, &sig) == 0) waited_sig = sig;
	return a;
}

int main(void)
{
	tap_plan(19);
	int r, st;
	sigset_t b, old, none, cur;

	/* pause, sigsuspend, nanosleep interrupted by the timer */
	handle(SIGALRM, on_alrm, 0);
	alrm = 0;
	arm_50ms();
	errno = 0;
	r = pause();
	tap_ok_why(r == -1 && errno == EINTR && alrm == 1, "pause returns EINTR after the handler",
		"r=%d errno=%d hits=%d", r, errno, (int)alrm);

	sigemptyset(&b);
	sigaddset(&b, SIGALRM);
	sigprocmask(SIG_BLOCK, &b, &old);
	alrm = 0;
	arm_50ms();
	sigemptyset(&none);
	errno = 0;
	r = sigsuspend(&none);
	int e = errno;
	sigprocmask(SIG_BLOCK, 0, &cur);
	tap_ok_why(r == -1 && e == EINTR && alrm == 1 && sigismember(&cur, SIGALRM),
		"sigsuspend: handler ran, mask restored", "r=%d errno=%d hits=%d blocked=%d", r, e, (int)alrm,
		sigismember(&cur, SIGALRM));
	sigprocmask(SIG_SETMASK, &old, 0);

	alrm = 0;
	arm_50ms();
	struct timespec req = { 2, 0 }, rem = { 0, 0 };
	errno = 0;
	r = nanosleep(&req, &rem);
	e = errno;
	tap_ok_why(r == -1 && e == EINTR && alrm == 1 && rem.tv_sec <= 2 && (rem.tv_sec > 0 || rem.tv_nsec > 0),
		"nanosleep EINTR with the remaining time", "r=%d errno=%d hits=%d rem=%ld.%09ld", r, e, (int)alrm,
		(long)rem.tv_sec, (long)rem.tv_nsec);

	/* getitimer, alarm */
	struct itimerval three = { { 0, 0 }, { 3, 0 } }, g;
	setitimer(ITIMER_REAL, &three, 0);
	getitimer(ITIMER_REAL, &g);
	tap_ok_why(g.it_value.tv_sec >= 2 && g.it_value.tv_sec <= 3, "getitimer reports the time left",
		"it_value %ld.%06ld", (long)g.it_value.tv_sec, (long)g.it_value.tv_usec);
	tap_eq(alarm(0), 3, "alarm(0) returns the seconds left and cancels");

	/* a spinning child with a handler */
	handle(SIGUSR1, on_usr1, 0);
	usr = 0;
	int p[2];
	tap_ok(pipe(p) == 0, "pipe");
	pid_t c = fork();
	if (c == 0) {
		time_t t0 = time(0);
		while (!usr && time(0) - t0 < 5) {}
		if (write(p[1], usr ? "y" : "n", 1) != 1) _exit(2);
		_exit(usr ? 7 : 1);
	}
	sleep_ms(30);
	tap_ok(kill(c, SIGUSR1) == 0, "kill(child, SIGUSR1)");
	char ch = 0;
	r = (int)read(p[0], &ch, 1);
	st = 0;
	waitpid(c, &st, 0);
	tap_ok_why(r == 1 && ch == 'y' && WIFEXITED(st) && WEXITSTATUS(st) == 7, "the spinning child ran its handler",
		"read %d '%c', status 0x%x", r, ch ? ch : '?', st);

	/* SA_RESTART on wait4: the child exits later, our timer fires in between */
	handle(SIGALRM, on_alrm, SA_RESTART);
	alrm = 0;
	c = fork();
	if (c == 0) {
		sleep_ms(200);
		_exit(5);
	}
	arm_50ms();
	st = 0;
	pid_t w = waitpid(c, &st, 0);
	tap_ok_why(w == c && alrm == 1 && WIFEXITED(st) && WEXITSTATUS(st) == 5,
		"waitpid restarts after an SA_RESTART handler", "w=%d (child %d) errno=%d hits=%d status 0x%x", (int)w,
		(int)c, errno, (int)alrm, st);

	/* SIGALRM's default action ends a child blocked in read */
	c = fork();
	if (c == 0) {
		signal(SIGALRM, SIG_DFL);
		alarm(1);
		char x;
		if (read(p[0], &x, 1) < 0) _exit(3);
		_exit(0);
	}
	st = 0;
	waitpid(c, &st, 0);
	tap_ok_why(WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM, "SIGALRM's default action ends a blocked child",
		"status 0x%x", st);
	close(p[0]);
	close(p[1]);

	/* SIGCHLD */
	handle(SIGCHLD, on_chld, 0);
	chld = 0;
	c = fork();
	if (c == 0) {
		sleep_ms(50);
		_exit(3);
	}
	errno = 0;
	r = pause();
	tap_ok_why(r == -1 && errno == EINTR && chld == 1, "SIGCHLD handler runs when a child exits",
		"r=%d errno=%d hits=%d", r, errno, (int)chld);
	st = 0;
	tap_ok_why(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 3, "and the child is reaped",
		"status 0x%x", st);
	signal(SIGCHLD, SIG_DFL);

	/* ppoll with SIGALRM unblocked only during the call */
	handle(SIGALRM, on_alrm, 0);
	alrm = 0;
	sigprocmask(SIG_BLOCK, &b, &old);
	arm_50ms();
	int q[2];
	if (pipe(q) != 0) q[0] = q[1] = -1;
	struct pollfd pf = { q[0], POLLIN, 0 };
	struct timespec to = { 2, 0 };
	errno = 0;
	r = ppoll(&pf, 1, &to, &none);
	e = errno;
	sigprocmask(SIG_BLOCK, 0, &cur);
	tap_ok_why(r == -1 && e == EINTR && alrm == 1, "ppoll with SIGALRM unblocked: EINTR, handler ran",
		"r=%d errno=%d hits=%d", r, e, (int)alrm);
	tap_ok(sigismember(&cur, SIGALRM), "after ppoll the original mask (SIGALRM blocked) is back");
	sigprocmask(SIG_SETMASK, &old, 0);
	close(q[0]);
	close(q[1]);

	/* sigtimedwait, sigwait, a process-directed signal taken by a sigwait thread */
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGUSR2);
	sigaddset(&s, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &s, &old);
	raise(SIGUSR1);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	struct timespec zero = { 0, 0 }, t100 = { 0, 100000000 };
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, SIGUSR1);
	r = sigtimedwait(&one, &si, &zero);
	tap_ok_why(r == SIGUSR1 && si.si_signo == SIGUSR1, "sigtimedwait takes a pending blocked signal",
		"r=%d errno=%d si_signo=%d", r, errno, si.si_signo);
	tap_errno(sigtimedwait(&one, &si, &t100), EAGAIN, "nothing pending: EAGAIN after the timeout");
	arm_50ms();
	sigset_t al;
	sigemptyset(&al);
	sigaddset(&al, SIGALRM);
	int sig = 0;
	r = sigwait(&al, &sig);
	tap_ok_why(r == 0 && sig == SIGALRM, "sigwait gets the timer's SIGALRM", "r=%d sig=%d", r, sig);
	pthread_t th;
	waited_sig = 0;
	r = pthread_create(&th, 0, sigwait_thread, 0);
	sleep_ms(30);
	tap_ok(r == 0 && kill(getpid(), SIGUSR2) == 0, "kill(getpid(), SIGUSR2) with every thread blocking it");
	if (r == 0) pthread_join(th, 0);
	tap_eq(waited_sig, SIGUSR2, "the sigwait thread takes the process-directed signal");
	pthread_sigmask(SIG_SETMASK, &old, 0);
	return tap_done();
}
