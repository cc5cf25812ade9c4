/* lxss-test: group=events needs=signalfd4,rt_sigprocmask,tgkill,kill,rt_sigqueueinfo,read,poll,fork,wait4,epoll_create1,epoll_ctl,epoll_wait,eventfd2,readlink,fcntl64,rt_sigtimedwait,nanosleep timeout=30 */
/* signalfd: blocked signals read as struct signalfd_siginfo (EAGAIN when none; raise's
 * SI_TKILL and kill's SI_USER with the sender's pid; sigqueue's values in order and the lowest
 * signal first, several per read; SIGCHLD with the child's pid and status), poll and epoll
 * readiness, a blocking read woken by another process's kill, a new mask for an existing
 * signalfd, the errors, the anon inode name. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* a child that sends Sig to its parent after Ms milliseconds */
static pid_t kill_later(int sig, long ms)
{
	pid_t pid = fork();
	if (pid == 0) {
		sleep_ms(ms);
		_exit(kill(getppid(), sig) == 0 ? 0 : 1);
	}
	return pid;
}

int main(void)
{
	struct signalfd_siginfo si[4];
	sigset_t mask, chld;
	ssize_t n;
	int fd, fdflags, st;
	pid_t pid, me = getpid();

	tap_plan(12);

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGRTMIN);
	sigaddset(&mask, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	fdflags = fcntl(fd, F_GETFD);
	n = read(fd, si, sizeof(si));
	tap_ok_why(fd >= 0 && (fdflags & FD_CLOEXEC) && n == -1 && errno == EAGAIN, "signalfd(-1, SFD_NONBLOCK|SFD_CLOEXEC): EAGAIN with nothing pending", "fd %d flags %d n %zd errno %d", fd, fdflags, n, errno);

	struct pollfd pfd = { fd, POLLIN, 0 };
	int p0 = poll(&pfd, 1, 0);
	raise(SIGUSR1);
	struct pollfd pfd2 = { fd, POLLIN, 0 };
	int p1 = poll(&pfd2, 1, 0);
	tap_ok_why(p0 == 0 && p1 == 1 && pfd2.revents == POLLIN, "poll: readable once a signal of the mask is pending", "%d / %d 0x%x", p0, p1, pfd2.revents);
	memset(si, 0, sizeof(si));
	n = read(fd, si, sizeof(si));
	tap_ok_why(n == 128 && si[0].ssi_signo == SIGUSR1 && si[0].ssi_code == SI_TKILL && si[0].ssi_pid == (unsigned)me,
		   "raise: SIGUSR1, SI_TKILL, the sender's pid", "n %zd signo %u code %d pid %u", n, si[0].ssi_signo, si[0].ssi_code, si[0].ssi_pid);
	kill(me, SIGUSR1);
	memset(si, 0, sizeof(si));
	n = read(fd, si, sizeof(si));
	tap_ok_why(n == 128 && si[0].ssi_signo == SIGUSR1 && si[0].ssi_code == SI_USER && si[0].ssi_pid == (unsigned)me && si[0].ssi_uid == getuid(),
		   "kill: SI_USER, pid and uid", "n %zd code %d pid %u uid %u", n, si[0].ssi_code, si[0].ssi_pid, si[0].ssi_uid);

	union sigval v1 = { .sival_int = 1234 }, v2 = { .sival_int = 5678 }, v3 = { .sival_int = 9 };
	sigqueue(me, SIGRTMIN + 1, v3);
	sigqueue(me, SIGRTMIN, v1);
	sigqueue(me, SIGRTMIN, v2);
	memset(si, 0, sizeof(si));
	n = read(fd, si, sizeof(si));
	tap_ok_why(n == 3 * 128 && si[0].ssi_signo == (unsigned)SIGRTMIN && si[0].ssi_int == 1234 && si[0].ssi_code == SI_QUEUE &&
		   si[1].ssi_signo == (unsigned)SIGRTMIN && si[1].ssi_int == 5678 && si[2].ssi_signo == (unsigned)SIGRTMIN + 1 && si[2].ssi_int == 9,
		   "sigqueue: three in one read, the lowest signal first, values in the order sent", "n %zd: %u/%d %u/%d %u/%d", n, si[0].ssi_signo, si[0].ssi_int, si[1].ssi_signo, si[1].ssi_int, si[2].ssi_signo, si[2].ssi_int);

	n = read(fd, si, 100);
	tap_ok_why(n == -1 && errno == EINVAL, "a buffer smaller than one signalfd_siginfo is EINVAL", "n %zd errno %d", n, errno);

	fcntl(fd, F_SETFL, 0);
	pid = kill_later(SIGUSR1, 150);
	memset(si, 0, sizeof(si));
	n = read(fd, si, sizeof(si));
	waitpid(pid, &st, 0);
	tap_ok_why(n == 128 && si[0].ssi_signo == SIGUSR1 && si[0].ssi_pid == (unsigned)pid, "a blocking read is woken by another process's kill", "n %zd signo %u pid %u (child %d)", n, si[0].ssi_signo, si[0].ssi_pid, pid);

	int ep = epoll_create1(0);
	struct epoll_event ev = { EPOLLIN, { .u32 = 5 } };
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	pid = kill_later(SIGUSR1, 100);
	memset(&ev, 0, sizeof(ev));
	int r = epoll_wait(ep, &ev, 1, 5000);
	waitpid(pid, &st, 0);
	n = read(fd, si, sizeof(si));
	tap_ok_why(r == 1 && ev.data.u32 == 5 && n == 128, "epoll_wait on a signalfd is woken by the signal", "r %d data %u read %zd", r, ev.data.u32, n);
	close(ep);

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	int fd2 = signalfd(fd, &chld, 0);
	pid = fork();
	if (pid == 0)
		_exit(7);
	memset(si, 0, sizeof(si));
	n = read(fd, si, sizeof(si));
	waitpid(pid, &st, 0);
	tap_ok_why(fd2 == fd && n == 128 && si[0].ssi_signo == SIGCHLD && si[0].ssi_code == CLD_EXITED && si[0].ssi_pid == (unsigned)pid && si[0].ssi_status == 7,
		   "a new mask for the same signalfd; SIGCHLD with CLD_EXITED, the child's pid and status", "fd2 %d n %zd signo %u code %d pid %u status %d", fd2, n, si[0].ssi_signo, si[0].ssi_code, si[0].ssi_pid, si[0].ssi_status);
	raise(SIGUSR1);
	struct pollfd pfd3 = { fd, POLLIN, 0 };
	int p3 = poll(&pfd3, 1, 0);
	siginfo_t info;
	struct timespec zero = { 0, 0 };
	int got = sigtimedwait(&mask, &info, &zero);
	tap_ok_why(p3 == 0 && got == SIGUSR1, "a signal outside the new mask stays pending for others", "poll %d sigtimedwait %d", p3, got);

	int efd = eventfd(0, 0);
	int ea = syscall(SYS_signalfd4, -1, &mask, 4, 0) == -1 ? errno : 0;
	int eb = signalfd(-1, &mask, 0x4) == -1 ? errno : 0;
	int ec = signalfd(efd, &mask, 0) == -1 ? errno : 0;
	int ed = signalfd(999, &mask, 0) == -1 ? errno : 0;
	tap_ok_why(ea == EINVAL && eb == EINVAL && ec == EINVAL && ed == EBADF, "errors: a 4-byte mask, bad flags, not a signalfd, a bad fd", "%d %d %d %d", ea, eb, ec, ed);
	close(efd);

	char path[64], link[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n >= 0)
		link[n] = 0;
	tap_ok_why(n > 0 && strcmp(link, "anon_inode:[signalfd]") == 0, "anon_inode:[signalfd] in /proc/self/fd", "'%s'", n > 0 ? link : "");
	close(fd);
	return tap_done();
}
