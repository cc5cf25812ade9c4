/* lxss-test: group=signals needs=rt_sigqueueinfo,rt_tgsigqueueinfo,tgkill,fork timeout=60 */
/* sigqueue: real-time signals queue every instance, standard signals coalesce. A real-time
 * signal sent 100 times to a thread that blocks it is delivered 100 times once unblocked, in
 * order, each with its own siginfo (sigqueue's si_value and SI_QUEUE); a standard signal sent
 * five times is delivered once; lower numbers come first; process-directed instances queue
 * too; RLIMIT_SIGPENDING bounds sigqueue (EAGAIN); rt_sigqueueinfo may not forge kernel
 * si_codes for another process (EPERM). Last, the race of a thread raising one real-time
 * signal in a loop while another thread sends it a second one whose handler forks: every
 * instance arrives (a lost one made the original of this check spin forever). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"

#define SENDS 100

static volatile int counts[65];
static volatile int order[16], norder;
static volatile int values[SENDS], nvalues;
static volatile int codes_ok = 1;

static void count_handler(int sig)
{
	counts[sig]++;
	if (norder < 16)
		order[norder++] = sig;
}

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	counts[sig]++;
	if (nvalues < SENDS)
		values[nvalues++] = si->si_value.sival_int;
	if (si->si_code != SI_QUEUE || si->si_pid != getpid())
		codes_ok = 0;
}

static void on_masked(int sig, void (*h)(int), int mask_all)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	if (mask_all)
		sigfillset(&sa.sa_mask);
	sigaction(sig, &sa, 0);
}

static void on(int sig, void (*h)(int))
{
	on_masked(sig, h, 0);
}

static void block(int sig, int how)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	pthread_sigmask(how, &s, 0);
}

/* A thread that blocks 'sig' until main says go, then unblocks it and reports the count. */
static volatile int ready, go;
static int target_sig;

static void *blocker(void *arg)
{
	(void)arg;
	block(target_sig, SIG_BLOCK);
	ready = 1;
	while (!go)
		sched_yield();
	block(target_sig, SIG_UNBLOCK);
	return 0;
}

static int queue_value(int sig, int value)
{
	union sigval v = {.sival_int = value};
	return sigqueue(getpid(), sig, v);
}

/* The race (after musl's raise-race regression): 'racer' raises SIGRTMIN 1000 times while
 * main sends it SIGRTMIN+1 RACE_KILLS times; SIGRTMIN+1's handler forks, the child takes over
 * the loop and exits. All instances must arrive; the wait is bounded so a loss fails. */
#define RACE_RAISES 1000
#define RACE_KILLS 20
static volatile int c0, c1, in_child;

static void race_h0(int sig) { (void)sig; c0++; }
static void race_h1(int sig)
{
	(void)sig;
	c1++;
	pid_t p = fork();
	if (p == 0)
		in_child = 1;
}

static volatile int race_lost, race_child_failed;

static void *racer(void *arg)
{
	(void)arg;
	for (int i = 0; i < RACE_RAISES; i++)
		raise(SIGRTMIN);
	if (in_child)
		_exit(c0 == RACE_RAISES ? 0 : 1);
	if (c0 != RACE_RAISES)
		race_lost = 1;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (c1 < RACE_KILLS) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 10)
			break;
		sched_yield();
	}
	for (int i = 0; i < c1; i++) {
		int st;
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			race_child_failed++;
	}
	return 0;
}

int main(void)
{
	pthread_t t;
	sigset_t set, pend;
	siginfo_t si;
	int rt = SIGRTMIN + 1;

	tap_plan(14);

	/* 1-2: 100 pthread_kills of a real-time signal the target blocks */
	on(rt, count_handler);
	target_sig = rt;
	pthread_create(&t, 0, blocker, 0);
	while (!ready)
		sched_yield();
	for (int i = 0; i < SENDS; i++)
		pthread_kill(t, rt);
	go = 1;
	pthread_join(t, 0);
	tap_eq(counts[rt], SENDS, "a blocked real-time signal sent 100 times runs its handler 100 times");

	on(SIGUSR1, count_handler);
	counts[SIGUSR1] = 0;
	target_sig = SIGUSR1;
	ready = go = 0;
	pthread_create(&t, 0, blocker, 0);
	while (!ready)
		sched_yield();
	for (int i = 0; i < 5; i++)
		pthread_kill(t, SIGUSR1);
	go = 1;
	pthread_join(t, 0);
	tap_eq(counts[SIGUSR1], 1, "a blocked standard signal sent 5 times runs once");

	/* 3-4: sigqueue to self, blocked: values in order, SI_QUEUE and our pid */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = info_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGRTMIN + 2, &sa, 0);
	block(SIGRTMIN + 2, SIG_BLOCK);
	int qok = 1;
	for (int i = 0; i < 10; i++)
		if (queue_value(SIGRTMIN + 2, 1000 + i) != 0)
			qok = 0;
	sigpending(&pend);
	tap_ok(qok && sigismember(&pend, SIGRTMIN + 2), "sigqueue of a blocked signal: pending");
	block(SIGRTMIN + 2, SIG_UNBLOCK);
	int inorder = nvalues == 10;
	for (int i = 0; inorder && i < 10; i++)
		inorder = values[i] == 1000 + i;
	tap_ok_why(inorder && codes_ok, "10 sigqueue values delivered in order with SI_QUEUE and the sender's pid",
		   "%d delivered, first %d, codes_ok %d", nvalues, nvalues ? values[0] : -1, codes_ok);

	/* 5: sigwaitinfo takes the queued instances one by one */
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 3);
	sigprocmask(SIG_BLOCK, &set, 0);
	for (int i = 0; i < 3; i++)
		queue_value(SIGRTMIN + 3, 7 + i);
	int got[4] = {0}, n = 0;
	struct timespec zero = {0, 0};
	while (n < 4 && sigtimedwait(&set, &si, &zero) == SIGRTMIN + 3)
		got[n++] = si.si_value.sival_int;
	tap_ok_why(n == 3 && got[0] == 7 && got[1] == 8 && got[2] == 9 && si.si_code == SI_QUEUE,
		   "sigtimedwait takes 3 queued instances in order with their values",
		   "%d taken: %d %d %d", n, got[0], got[1], got[2]);

	/* 6: lower signal numbers first, whatever the sending order (the handlers block all
	 * signals, so each runs before the next is taken) */
	norder = 0;
	on_masked(SIGRTMIN + 4, count_handler, 1);
	on_masked(SIGRTMIN + 5, count_handler, 1);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 4);
	sigaddset(&set, SIGRTMIN + 5);
	sigprocmask(SIG_BLOCK, &set, 0);
	raise(SIGRTMIN + 5);
	raise(SIGRTMIN + 4);
	raise(SIGRTMIN + 5);
	sigprocmask(SIG_UNBLOCK, &set, 0);
	tap_ok_why(norder == 3 && order[0] == SIGRTMIN + 4 && order[1] == SIGRTMIN + 5 &&
			   order[2] == SIGRTMIN + 5,
		   "pending real-time signals run lowest number first, each instance",
		   "%d ran: %d %d %d", norder, order[0], order[1], order[2]);

	/* 7: process-directed (kill) instances queue too */
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 6);
	sigprocmask(SIG_BLOCK, &set, 0);
	for (int i = 0; i < 20; i++)
		kill(getpid(), SIGRTMIN + 6);
	n = 0;
	while (sigtimedwait(&set, &si, &zero) == SIGRTMIN + 6)
		n++;
	tap_eq(n, 20, "20 kills of a blocked real-time signal: 20 instances for sigtimedwait");

	/* 8: a child's process-directed instances while every thread blocks it */
	pid_t child = fork();
	if (child == 0) {
		for (int i = 0; i < 5; i++)
			kill(getppid(), SIGRTMIN + 6);
		_exit(0);
	}
	waitpid(child, 0, 0);
	n = 0;
	int from_child = 1;
	while (sigtimedwait(&set, &si, &zero) == SIGRTMIN + 6) {
		n++;
		if (si.si_pid != child || si.si_code != SI_USER)
			from_child = 0;
	}
	tap_ok_why(n == 5 && from_child, "5 kills from a child: 5 instances, each SI_USER from the child",
		   "%d instances, from_child %d", n, from_child);

	/* 9-10: rt_tgsigqueueinfo to one thread with a value */
	memset(&si, 0, sizeof si);
	si.si_signo = SIGRTMIN + 7;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = 4242;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 7);
	sigprocmask(SIG_BLOCK, &set, 0);
	long r = syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), SIGRTMIN + 7, &si);
	tap_eq(r, 0, "rt_tgsigqueueinfo to this thread");
	memset(&si, 0, sizeof si);
	int s = sigtimedwait(&set, &si, &zero);
	tap_ok_why(s == SIGRTMIN + 7 && si.si_value.sival_int == 4242 && si.si_code == SI_QUEUE,
		   "its siginfo arrives whole", "sig %d value %d code %d", s, si.si_value.sival_int,
		   si.si_code);

	/* 11: rt_sigqueueinfo to another process with a kernel si_code: EPERM */
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	memset(&si, 0, sizeof si);
	si.si_signo = SIGUSR2;
	si.si_code = SI_KERNEL;
	tap_errno(syscall(SYS_rt_sigqueueinfo, child, SIGUSR2, &si), EPERM,
		  "rt_sigqueueinfo with a kernel si_code to another process: EPERM");
	kill(child, SIGKILL);
	waitpid(child, 0, 0);

	/* 12: RLIMIT_SIGPENDING bounds sigqueue: EAGAIN */
	child = fork();
	if (child == 0) {
		struct rlimit rl = {8, 8};
		sigset_t all;
		int sent = 0;
		sigemptyset(&all);
		sigaddset(&all, SIGRTMIN + 8);
		sigprocmask(SIG_BLOCK, &all, 0);
		if (setrlimit(RLIMIT_SIGPENDING, &rl) != 0)
			_exit(2);
		while (sent < 100 && queue_value(SIGRTMIN + 8, sent) == 0)
			sent++;
		_exit(sent >= 1 && sent <= 8 && errno == EAGAIN ? 0 : 1);
	}
	int st = -1;
	waitpid(child, &st, 0);
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		   "RLIMIT_SIGPENDING 8: sigqueue stops with EAGAIN", "status 0x%x", st);

	/* 13-14: the raise / pthread_kill / fork-in-handler race */
	on(SIGRTMIN, race_h0);
	on(SIGRTMIN + 1, race_h1);
	pthread_create(&t, 0, racer, 0);
	for (int i = 0; i < RACE_KILLS; i++)
		pthread_kill(t, SIGRTMIN + 1);
	pthread_join(t, 0);
	tap_ok_why(!race_lost && c0 == RACE_RAISES && c1 == RACE_KILLS,
		   "racing raise and pthread_kill: every instance delivered",
		   "raised %d of %d, sent %d of %d", c0, RACE_RAISES, c1, RACE_KILLS);
	tap_eq(race_child_failed, 0, "children forked in the handler finish the loop and exit 0");

	return tap_done();
}
