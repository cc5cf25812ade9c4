/* lxss-test: group=signals needs=rt_sigaction,rt_sigprocmask,rt_sigreturn,sigreturn,kill,tgkill,rt_sigpending,setitimer,rt_sigtimedwait,clone,wait4 timeout=20 */
/* signals: raise/kill run a handler that returns (sigreturn), SA_SIGINFO details, the
 * mask (block, pending, unblock delivers), SIGSEGV from a null write caught by a handler,
 * and a timer signal interrupting a blocking read: EINTR without SA_RESTART, restarted
 * read with SA_RESTART; the origin in siginfo: si_code SI_USER for kill, SI_TKILL for
 * raise and pthread_kill (glibc's cancellation handler ignores SIGCANCEL without it), and
 * si_pid the sender's, for a delivered signal and through sigtimedwait. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <pthread.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"

static volatile sig_atomic_t hits, last_sig, info_ok, info_code, info_pid;
static volatile void *segv_addr;
static sigjmp_buf jb;
static int wfd = -1;
/* Through volatile pointers so the compiler neither warns nor drops the faulting stores. */
static int *volatile null_ptr = 0, *volatile low_ptr = (int *)8;

static void plain(int sig)
{
	hits++;
	last_sig = sig;
}

static void with_info(int sig, siginfo_t *si, void *uc)
{
	info_ok = sig == SIGUSR2 && si->si_signo == SIGUSR2 && si->si_pid == getpid() && uc != NULL;
	info_code = si->si_code;
	info_pid = si->si_pid;
	hits++;
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	segv_addr = si->si_addr;
	siglongjmp(jb, 1);
}

static void on_alarm(int sig)
{
	(void)sig;
	hits++;
	if (wfd >= 0) write(wfd, "r", 1);
}

static pthread_t main_thread;

static void *kill_main(void *arg)
{
	(void)arg;
	pthread_kill(main_thread, SIGUSR1);
	return NULL;
}

/* sigtimedwait for sig (blocked) with a 5 s limit: the siginfo it returns */
static int wait_info(int sig, siginfo_t *si)
{
	sigset_t w;
	struct timespec ts = { 5, 0 };
	sigemptyset(&w);
	sigaddset(&w, sig);
	memset(si, 0, sizeof *si);
	return sigtimedwait(&w, si, &ts);
}

static void arm_timer_ms(int ms)
{
	struct itimerval it = { { 0, 0 }, { 0, ms * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

int main(void)
{
	tap_plan(18);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = plain;
	sigemptyset(&sa.sa_mask);
	tap_eq(sigaction(SIGUSR1, &sa, NULL), 0, "sigaction(SIGUSR1)");
	volatile int canary = 12345;
	hits = 0;
	tap_ok(raise(SIGUSR1) == 0 && hits == 1 && last_sig == SIGUSR1, "raise runs the handler, which returns");
	tap_ok(kill(getpid(), SIGUSR1) == 0 && hits == 2, "kill(getpid()) runs it again");
	tap_eq(canary, 12345, "locals intact after sigreturn");

	struct sigaction old;
	tap_ok(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == plain, "sigaction reports the installed handler");

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = with_info;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR2, &sa, NULL);
	kill(getpid(), SIGUSR2);
	tap_ok(info_ok, "SA_SIGINFO handler gets signo, sender pid and a ucontext (rt_sigreturn)");
	tap_eq(info_code, SI_USER, "kill gives si_code SI_USER");
	info_code = 99;
	info_pid = 0;
	raise(SIGUSR2);
	tap_ok_why(info_code == SI_TKILL && info_pid == getpid(), "raise gives si_code SI_TKILL and our pid",
		"si_code %d si_pid %d", (int)info_code, (int)info_pid);

	sigset_t set, oldset, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	hits = 0;
	tap_eq(sigprocmask(SIG_BLOCK, &set, &oldset), 0, "sigprocmask(SIG_BLOCK, SIGUSR1)");
	raise(SIGUSR1);
	tap_ok(hits == 0 && sigpending(&pend) == 0 && sigismember(&pend, SIGUSR1), "a blocked signal stays pending");
	sigprocmask(SIG_SETMASK, &oldset, NULL);
	tap_eq(hits, 1, "unblocking delivers it");

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	segv_addr = (void *)1;
	if (!sigsetjmp(jb, 1)) {
		*(volatile int *)null_ptr = 1;
	}
	tap_ok(segv_addr == NULL, "a null write raises SIGSEGV with si_addr 0, caught by the handler");
	segv_addr = (void *)1;
	if (!sigsetjmp(jb, 1)) {
		*(volatile int *)low_ptr = 1;
	}
	tap_ok(segv_addr == (void *)8, "a second fault is caught too (handler still installed)");

	int p[2];
	pipe(p);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	hits = 0;
	char c;
	arm_timer_ms(50);
	errno = 0;
	ssize_t r = read(p[0], &c, 1);
	tap_ok_why(r == -1 && errno == EINTR && hits == 1, "a timer signal interrupts a blocking read: EINTR",
		"read %zd errno %d hits %d", r, errno, (int)hits);

	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	wfd = p[1];
	hits = 0;
	c = 0;
	arm_timer_ms(50);
	r = read(p[0], &c, 1);
	tap_ok_why(r == 1 && c == 'r' && hits == 1, "with SA_RESTART the read restarts and gets the handler's byte",
		"read %zd errno %d c %d hits %d", r, errno, c, (int)hits);

	/* posted signals: from another thread (tgkill) and from another process (kill), each
	 * taken with sigtimedwait while blocked */
	sigset_t b1, saved;
	siginfo_t si;
	sigemptyset(&b1);
	sigaddset(&b1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &b1, &saved);
	main_thread = pthread_self();
	pthread_t t;
	int got = -1;
	if (pthread_create(&t, NULL, kill_main, NULL) == 0) {
		pthread_join(t, NULL);
		got = wait_info(SIGUSR1, &si);
	}
#ifdef __GLIBC__
	/* glibc's sigtimedwait folds the kernel's SI_TKILL into SI_USER */
	const int tkill_code = SI_USER;
#else
	const int tkill_code = SI_TKILL;
#endif
	tap_ok_why(got == SIGUSR1 && si.si_code == tkill_code && si.si_pid == getpid(),
		"pthread_kill from another thread: sigtimedwait gets SI_TKILL and our pid",
		"got %d si_code %d si_pid %d", got, si.si_code, si.si_pid);
	pid_t child = fork();
	if (child == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	got = child > 0 ? wait_info(SIGUSR1, &si) : -1;
	if (child > 0) waitpid(child, NULL, 0);
	tap_ok_why(got == SIGUSR1 && si.si_code == SI_USER && si.si_pid == child,
		"kill from a child: sigtimedwait gets SI_USER and the child's pid",
		"got %d si_code %d si_pid %d (child %d)", got, si.si_code, si.si_pid, child);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);

	signal(SIGUSR1, SIG_IGN);
	hits = 0;
	raise(SIGUSR1);
	tap_eq(hits, 0, "SIG_IGN discards the signal");
	return tap_done();
}
