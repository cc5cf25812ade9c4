/* lxss-test: group=signals needs=kill,wait4,waitid,setpgid,setsid,rt_sigaction,rt_sigprocmask,rt_sigtimedwait,rt_sigpending,rt_sigsuspend,clone,futex,nanosleep,mmap2 timeout=90 */
/* Job control: SIGSTOP stops a child spinning in user mode (its counter stands still,
 * /proc/PID/stat says T), waitpid WUNTRACED reports it once, SIGCONT continues it (WCONTINUED,
 * the counter moves again); waitid with WSTOPPED, WNOWAIT and WNOHANG; SIGKILL ends a stopped
 * child, SIGTERM once it is continued; SIGTSTP stops with no handler, runs a handler, does nothing ignored or to an
 * orphaned group (where SIGSTOP still stops); a read, sigsuspend and nanosleep go on after a stop
 * and a continue (no EINTR); raise(SIGSTOP); SIGCHLD with CLD_STOPPED/CLD_CONTINUED and
 * si_status, none with SA_NOCLDSTOP; SIGCONT discards a pending stop signal; every thread of a
 * process stops; waitid EINVAL and ECHILD. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"
#include "lxwait.h"

static volatile unsigned long *counter;

/* whether the counter moves within Ms */
static int counter_moves(long ms)
{
	unsigned long before = *counter;
	for (long waited = 0; waited < ms; waited += 10) {
		sleep_ms(10);
		if (*counter != before)
			return 1;
	}
	return 0;
}

static void spin(void)
{
	for (;;)
		(*counter)++;
}

/* a child in a group of its own (not orphaned: its parent is in another group of the same
 * session) spinning on the shared counter */
static pid_t spinner(void)
{
	pid_t pid;

	*counter = 0;
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		spin();
	}
	setpgid(pid, pid);
	while (*counter == 0)
		sleep_ms(1);
	return pid;
}

static char proc_state(pid_t pid)
{
	char path[64], buf[256], *p;
	int fd, n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	n = (int)read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' ? p[2] : '?';
}

static void kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void *thread_spin(void *arg)
{
	(void)arg;
	spin();
	return NULL;
}

static volatile sig_atomic_t got_signal;
static void on_signal(int sig)
{
	got_signal = sig;
}

int main(void)
{
	int status, fds[2], back[2];
	pid_t pid;
	siginfo_t si;
	char c;

	tap_plan(31);
	counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counter == MAP_FAILED)
		return tap_done();

	/* SIGSTOP and SIGCONT of a child running user code */
	pid = spinner();
	kill(pid, SIGSTOP);
	status = wait_for(pid, WUNTRACED, 5000);
	tap_ok(status != -1 && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP, "SIGSTOP: waitpid WUNTRACED reports WIFSTOPPED with WSTOPSIG SIGSTOP");
	sleep_ms(50);
	tap_ok(!counter_moves(300), "a stopped child runs no user code (its counter stands still)");
	c = proc_state(pid);    /* t: stopped while traced, as under the trap harness */
	tap_ok(c == 'T' || c == 't', "/proc/PID/stat: state T");
	tap_eq(waitpid(pid, &status, WUNTRACED | WNOHANG), 0, "the stop is reported once");
	kill(pid, SIGCONT);
	status = wait_for(pid, WCONTINUED, 5000);
	tap_ok(status != -1 && WIFCONTINUED(status), "SIGCONT: waitpid WCONTINUED reports WIFCONTINUED");
	tap_ok(counter_moves(2000), "the continued child runs again");

	/* waitid */
	kill(pid, SIGSTOP);
	memset(&si, 0x55, sizeof si);
	tap_ok(waitid(P_PID, (id_t)pid, &si, WSTOPPED | WNOWAIT) == 0 && si.si_signo == SIGCHLD &&
	       si.si_code == CLD_STOPPED && si.si_status == SIGSTOP && si.si_pid == pid && si.si_uid == getuid(),
	       "waitid WSTOPPED|WNOWAIT: SIGCHLD, CLD_STOPPED, si_status SIGSTOP, si_pid, si_uid");
	memset(&si, 0x55, sizeof si);
	tap_ok(waitid(P_PGID, (id_t)pid, &si, WSTOPPED) == 0 && si.si_code == CLD_STOPPED && si.si_pid == pid,
	       "WNOWAIT left it reportable: waitid P_PGID WSTOPPED reports it again");
	memset(&si, 0x55, sizeof si);
	tap_ok(waitid(P_PID, (id_t)pid, &si, WSTOPPED | WNOHANG) == 0 && si.si_pid == 0 && si.si_signo == 0,
	       "then waitid WNOHANG finds nothing: 0 and si_pid 0");
	kill(pid, SIGKILL);
	status = wait_for(pid, 0, 5000);
	tap_ok(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "SIGKILL ends a stopped child");

	pid = spinner();
	kill(pid, SIGSTOP);
	wait_for(pid, WUNTRACED, 5000);
	kill(pid, SIGTERM);
	tap_eq(wait_for(pid, 0, 300), -1, "SIGTERM (fatal, no handler) to a stopped child waits for it to continue");
	kill(pid, SIGCONT);
	status = wait_for(pid, 0, 5000);
	tap_ok(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "continued, it dies of SIGTERM");

	/* SIGTSTP: stop, handler, ignored */
	pid = spinner();
	kill(pid, SIGTSTP);
	status = wait_for(pid, WUNTRACED, 5000);
	tap_ok(status != -1 && WIFSTOPPED(status) && WSTOPSIG(status) == SIGTSTP, "SIGTSTP with no handler stops a child (WSTOPSIG SIGTSTP)");
	kill_and_reap(pid);

	if (pipe(back) != 0)
		return tap_done();
	pid = fork();
	if (pid == 0) {
		sigset_t block, none;
		setpgid(0, 0);
		/* blocked until sigsuspend: a signal that comes early is not lost */
		sigemptyset(&none);
		sigemptyset(&block);
		sigaddset(&block, SIGTSTP);
		sigprocmask(SIG_BLOCK, &block, NULL);
		signal(SIGTSTP, on_signal);
		if (write(back[1], "r", 1) != 1)
			_exit(2);
		while (got_signal == 0)
			sigsuspend(&none);
		_exit(got_signal == SIGTSTP ? 0 : 1);
	}
	setpgid(pid, pid);
	read(back[0], &c, 1);
	kill(pid, SIGTSTP);
	status = wait_for(pid, WUNTRACED, 5000);
	tap_ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "SIGTSTP with a handler runs the handler, no stop");

	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGTSTP, SIG_IGN);
		if (write(back[1], "r", 1) != 1)
			_exit(2);
		spin();
	}
	setpgid(pid, pid);
	read(back[0], &c, 1);
	kill(pid, SIGTSTP);
	tap_eq(wait_for(pid, WUNTRACED, 300), -1, "an ignored SIGTSTP stops nothing");
	kill_and_reap(pid);

	/* an orphaned process group: a session of its own */
	pid = fork();
	if (pid == 0) {
		setsid();
		if (write(back[1], "r", 1) != 1)
			_exit(2);
		spin();
	}
	read(back[0], &c, 1);
	kill(pid, SIGTSTP);
	tap_eq(wait_for(pid, WUNTRACED, 300), -1, "SIGTSTP does not stop a process of an orphaned group");
	kill(pid, SIGSTOP);
	status = wait_for(pid, WUNTRACED, 5000);
	tap_ok(status != -1 && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP, "SIGSTOP does");
	kill_and_reap(pid);

	/* a blocking read goes on after a stop and a continue */
	if (pipe(fds) != 0)
		return tap_done();
	pid = fork();
	if (pid == 0) {
		ssize_t n;
		if (write(back[1], "r", 1) != 1)
			_exit(2);
		n = read(fds[0], &c, 1);
		if (n < 0)
			_exit(errno == EINTR ? 3 : 4);
		if (write(back[1], &c, 1) != 1)
			_exit(2);
		_exit(n == 1 && c == 'x' ? 0 : 5);
	}
	read(back[0], &c, 1);
	sleep_ms(100);
	kill(pid, SIGSTOP);
	wait_for(pid, WUNTRACED, 5000);
	write(fds[1], "x", 1);
	{
		struct timespec ts = { 0, 200000000L };
		fd_set set;
		FD_ZERO(&set);
		FD_SET(back[0], &set);
		tap_eq(pselect(back[0] + 1, &set, NULL, NULL, &ts, NULL), 0, "a stopped child blocked in read does not take data written meanwhile");
	}
	kill(pid, SIGCONT);
	status = wait_for(pid, 0, 5000);
	tap_ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "continued, its read returns the byte (no EINTR)");
	read(back[0], &c, 1);

	/* sigsuspend and nanosleep are not ended by a stop either */
	pid = fork();
	if (pid == 0) {
		sigset_t block, none;
		sigemptyset(&none);
		sigemptyset(&block);
		sigaddset(&block, SIGUSR1);
		sigprocmask(SIG_BLOCK, &block, NULL);   /* a SIGUSR1 that comes early waits */
		signal(SIGUSR1, on_signal);
		if (write(back[1], "r", 1) != 1)
			_exit(2);
		sigsuspend(&none);
		_exit(got_signal == SIGUSR1 ? 0 : 1);
	}
	read(back[0], &c, 1);
	sleep_ms(100);
	kill(pid, SIGSTOP);
	wait_for(pid, WUNTRACED, 5000);
	kill(pid, SIGCONT);
	wait_for(pid, WCONTINUED, 5000);
	sleep_ms(200);
	kill(pid, SIGUSR1);
	status = wait_for(pid, 0, 5000);
	tap_ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "sigsuspend goes on after a stop and a continue, until a handled signal");

	pid = fork();
	if (pid == 0) {
		struct timespec ts = { 0, 600000000L };
		if (write(back[1], "r", 1) != 1)
			_exit(2);
		_exit(nanosleep(&ts, NULL) == 0 ? 0 : errno == EINTR ? 3 : 4);
	}
	read(back[0], &c, 1);
	sleep_ms(100);
	kill(pid, SIGSTOP);
	wait_for(pid, WUNTRACED, 5000);
	kill(pid, SIGCONT);
	status = wait_for(pid, 0, 5000);
	tap_ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "nanosleep goes on after a stop and a continue and returns 0");

	/* raise(SIGSTOP) */
	pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(7);
	}
	status = wait_for(pid, WUNTRACED, 5000);
	tap_ok(status != -1 && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP, "raise(SIGSTOP) stops the caller");
	kill(pid, SIGCONT);
	status = wait_for(pid, 0, 5000);
	tap_ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 7, "continued, raise returns and the child goes on to exit 7");

	/* SIGCHLD for a stop and a continue, and SA_NOCLDSTOP */
	{
		sigset_t set;
		struct timespec ts = { 5, 0 };
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigaction(SIGCHLD, &sa, NULL);
		sigemptyset(&set);
		sigaddset(&set, SIGCHLD);
		sigprocmask(SIG_BLOCK, &set, NULL);
		pid = spinner();
		kill(pid, SIGSTOP);
		memset(&si, 0, sizeof si);
		tap_ok(sigtimedwait(&set, &si, &ts) == SIGCHLD && si.si_code == CLD_STOPPED && si.si_status == SIGSTOP && si.si_pid == pid,
		       "SIGCHLD for a stop: CLD_STOPPED, si_status SIGSTOP, si_pid");
		kill(pid, SIGCONT);
		memset(&si, 0, sizeof si);
		tap_ok(sigtimedwait(&set, &si, &ts) == SIGCHLD && si.si_code == CLD_CONTINUED && si.si_status == SIGCONT && si.si_pid == pid,
		       "SIGCHLD for a continue: CLD_CONTINUED, si_status SIGCONT");
		wait_for(pid, WUNTRACED | WCONTINUED, 1000);
		sa.sa_flags = SA_NOCLDSTOP;
		sigaction(SIGCHLD, &sa, NULL);
		kill(pid, SIGSTOP);
		wait_for(pid, WUNTRACED, 5000);
		ts.tv_sec = 0;
		ts.tv_nsec = 300000000L;
		tap_eq(sigtimedwait(&set, &si, &ts), -1, "SA_NOCLDSTOP: no SIGCHLD for a stop");
		kill_and_reap(pid);
		sigtimedwait(&set, &si, &ts);   /* the SIGCHLD of its end */
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		signal(SIGCHLD, SIG_DFL);
	}

	/* SIGCONT discards a pending stop signal */
	pid = fork();
	if (pid == 0) {
		sigset_t set, pending;
		setpgid(0, 0);
		sigemptyset(&set);
		sigaddset(&set, SIGTSTP);
		sigprocmask(SIG_BLOCK, &set, NULL);
		if (write(back[1], "r", 1) != 1)
			_exit(2);
		if (read(fds[0], &c, 1) != 1)   /* the parent's kills are done */
			_exit(2);
		sigpending(&pending);
		_exit(sigismember(&pending, SIGTSTP) ? 1 : 0);
	}
	setpgid(pid, pid);
	read(back[0], &c, 1);
	kill(pid, SIGTSTP);
	kill(pid, SIGCONT);
	write(fds[1], "g", 1);
	status = wait_for(pid, WUNTRACED, 5000);
	tap_ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "SIGCONT discards a pending (blocked) SIGTSTP");

	/* every thread of a process stops */
	*counter = 0;
	pid = fork();
	if (pid == 0) {
		pthread_t t;
		if (pthread_create(&t, NULL, thread_spin, NULL) != 0)
			_exit(2);
		pthread_join(t, NULL);
		_exit(1);
	}
	while (*counter == 0)
		sleep_ms(1);
	kill(pid, SIGSTOP);
	wait_for(pid, WUNTRACED, 5000);
	sleep_ms(50);
	tap_ok(!counter_moves(300), "a stopped process's other thread stops too");
	kill(pid, SIGCONT);
	tap_ok(counter_moves(2000), "and runs again after SIGCONT");
	kill_and_reap(pid);

	/* bad input */
	errno = 0;
	tap_ok(waitid(P_ALL, 0, &si, WNOHANG) == -1 && errno == EINVAL, "waitid without WEXITED/WSTOPPED/WCONTINUED: EINVAL");
	errno = 0;
	tap_ok(waitid(P_ALL, 0, &si, WEXITED) == -1 && errno == ECHILD, "waitid with no child: ECHILD");
	return tap_done();
}
