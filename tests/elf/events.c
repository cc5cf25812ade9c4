/* lxss-test: group=events needs=eventfd2,epoll_create,epoll_create1,epoll_ctl,epoll_wait,epoll_pwait,epoll_pwait2,pipe2,poll,fork,wait4,fstat64,readlink,dup,fcntl64,rt_sigaction,rt_sigprocmask,alarm,nanosleep,open timeout=30 */
/* eventfd and epoll: eventfd's counter (read takes all, EFD_SEMAPHORE one at a time, EAGAIN,
 * EINVAL, the overflow limit, poll readiness, a blocking read woken by another process, its
 * anon inode); epoll's interest list (level- and edge-triggered, one-shot and re-arming, data
 * returned as given, EPOLLHUP, a wait woken by another process, an item that goes with its
 * open file description and one that stays while a dup is open, an epoll inside an epoll and
 * the loop refused, poll on an epoll, the errors of epoll_ctl and epoll_wait, a wait
 * interrupted by a signal, epoll_pwait and epoll_pwait2). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"

#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif

static int child_status(pid_t pid)
{
	int st = -1;
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* A child that writes Value (8 bytes) to Fd after Ms milliseconds */
static pid_t write_later(int fd, uint64_t value, long ms)
{
	pid_t pid = fork();
	if (pid == 0) {
		sleep_ms(ms);
		_exit(write(fd, &value, sizeof(value)) == sizeof(value) ? 0 : 1);
	}
	return pid;
}

static int wait_one(int ep, int timeout, struct epoll_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	return epoll_wait(ep, ev, 1, timeout);
}

static void on_alarm(int sig)
{
	(void)sig;
}

int main(void)
{
	uint64_t v = 0, big;
	struct epoll_event ev, evs[4];
	struct pollfd pfd;
	struct stat st;
	char link[64], path[64];
	ssize_t n;
	int efd, sfd, ep, ep2, p[2], r, w, cs, fdflags;
	pid_t pid;

	tap_plan(27);

	/* ---- eventfd ---- */
	efd = eventfd(3, 0);
	n = read(efd, &v, sizeof(v));
	tap_ok_why(efd >= 0 && n == 8 && v == 3, "eventfd: a read takes the whole count", "fd %d n %zd v %llu errno %d", efd, n, (unsigned long long)v, errno);
	v = 5; w = write(efd, &v, 8) == 8;
	v = 2; w = w && write(efd, &v, 8) == 8;
	v = 0; n = read(efd, &v, sizeof(v));
	tap_ok_why(w && n == 8 && v == 7, "eventfd: writes add up", "n %zd v %llu", n, (unsigned long long)v);
	fcntl(efd, F_SETFL, O_NONBLOCK);
	n = read(efd, &v, sizeof(v));
	tap_ok_why(n == -1 && errno == EAGAIN, "eventfd: a non-blocking read of 0 is EAGAIN", "n %zd errno %d", n, errno);
	sfd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	r = 0;
	for (int i = 0; i < 3; i++)
		r += read(sfd, &v, 8) == 8 && v == 1;
	n = read(sfd, &v, 8);
	tap_ok_why(r == 3 && n == -1 && errno == EAGAIN, "eventfd: EFD_SEMAPHORE reads 1 at a time", "reads %d, last %zd errno %d", r, n, errno);
	n = read(efd, &v, 4);
	int rerr = errno;
	big = ~0ULL;
	r = (int)write(efd, &big, 8);
	tap_ok_why(n == -1 && rerr == EINVAL && r == -1 && errno == EINVAL, "eventfd: a 4-byte read and a write of 2^64-1 are EINVAL", "read %zd (%d) write %d (%d)", n, rerr, r, errno);
	big = 0xfffffffffffffffeULL;
	w = write(efd, &big, 8) == 8;
	v = 1;
	r = (int)write(efd, &v, 8);
	tap_ok_why(w && r == -1 && errno == EAGAIN, "eventfd: a write past 2^64-2 would block: EAGAIN", "first %d second %d errno %d", w, r, errno);
	read(efd, &v, 8);
	pfd.fd = efd; pfd.events = POLLIN | POLLOUT; pfd.revents = 0;
	r = poll(&pfd, 1, 0);
	v = 1; write(efd, &v, 8);
	struct pollfd pfd2 = { efd, POLLIN | POLLOUT, 0 };
	int r2 = poll(&pfd2, 1, 0);
	tap_ok_why(r == 1 && pfd.revents == POLLOUT && r2 == 1 && pfd2.revents == (POLLIN | POLLOUT),
		   "eventfd: poll says POLLOUT at 0, POLLIN|POLLOUT above", "%d 0x%x / %d 0x%x", r, pfd.revents, r2, pfd2.revents);
	read(efd, &v, 8);
	fcntl(efd, F_SETFL, 0);
	pid = write_later(efd, 42, 150);
	v = 0; n = read(efd, &v, 8);
	cs = child_status(pid);
	tap_ok_why(n == 8 && v == 42 && cs == 0, "eventfd: a blocking read is woken by another process's write", "n %zd v %llu child %d", n, (unsigned long long)v, cs);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", efd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n >= 0) link[n] = 0;
	tap_ok_why(fstat(efd, &st) == 0 && (st.st_mode & S_IFMT) == 0 && (st.st_mode & 0777) == 0600 && n > 0 && strcmp(link, "anon_inode:[eventfd]") == 0,
		   "eventfd: an anon inode (mode 0600), anon_inode:[eventfd] in /proc/self/fd", "mode 0%o link '%s'", (unsigned)st.st_mode, n > 0 ? link : "");

	/* ---- epoll ---- */
	ep = epoll_create1(EPOLL_CLOEXEC);
	fdflags = fcntl(ep, F_GETFD);
	r = (int)syscall(SYS_epoll_create, 0);
	int e1 = errno;
	int r3 = epoll_create1(1);
	tap_ok_why(ep >= 0 && (fdflags & FD_CLOEXEC) && r == -1 && e1 == EINVAL && r3 == -1 && errno == EINVAL,
		   "epoll_create1(EPOLL_CLOEXEC); size 0 and unknown flags are EINVAL", "ep %d flags %d / %d %d / %d %d", ep, fdflags, r, e1, r3, errno);
	pipe2(p, O_NONBLOCK);
	ev.events = EPOLLIN; ev.data.u64 = 0x1122334455667788ULL;
	r = epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	int got0 = wait_one(ep, 0, &ev);
	write(p[1], "x", 1);
	int got1 = wait_one(ep, 0, &ev);
	tap_ok_why(r == 0 && got0 == 0 && got1 == 1 && ev.events == EPOLLIN && ev.data.u64 == 0x1122334455667788ULL,
		   "epoll: nothing before data; EPOLLIN and the data as given after", "ctl %d before %d after %d events 0x%x data %llx", r, got0, got1, ev.events, (unsigned long long)ev.data.u64);
	got1 = wait_one(ep, 0, &ev);
	tap_ok_why(got1 == 1 && ev.events == EPOLLIN, "epoll: level-triggered, still reported while unread", "%d 0x%x", got1, ev.events);
	ev.events = EPOLLIN | EPOLLET; ev.data.fd = p[0];
	r = epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
	got0 = wait_one(ep, 0, &ev);
	got1 = wait_one(ep, 0, &ev);
	write(p[1], "y", 1);
	int got2 = wait_one(ep, 0, &ev);
	tap_ok_why(r == 0 && got0 == 1 && got1 == 0 && got2 == 1 && ev.data.fd == p[0],
		   "epoll: edge-triggered, once per new write", "mod %d: %d %d %d", r, got0, got1, got2);
	ev.events = EPOLLIN | EPOLLONESHOT; ev.data.u32 = 7;
	epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
	got0 = wait_one(ep, 0, &ev);
	write(p[1], "z", 1);
	got1 = wait_one(ep, 0, &ev);
	ev.events = EPOLLIN; ev.data.u32 = 8;
	epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
	got2 = wait_one(ep, 0, &ev);
	tap_ok_why(got0 == 1 && got1 == 0 && got2 == 1 && ev.data.u32 == 8, "epoll: EPOLLONESHOT reports once until EPOLL_CTL_MOD re-arms it", "%d %d %d data %u", got0, got1, got2, ev.data.u32);
	{
		char buf[16];
		while (read(p[0], buf, sizeof(buf)) > 0)
			;
	}
	int f = open("/proc/self/exe", O_RDONLY);
	int ea, eb, ec, ed, ee, eg;
	ev.events = EPOLLIN;
	ea = epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == -1 ? errno : 0;
	eb = epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL) == -1 ? errno : 0;
	ec = epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev) == -1 ? errno : 0;
	ed = epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev) == -1 ? errno : 0;
	ee = epoll_ctl(ep, 99, p[1], &ev) == -1 ? errno : 0;
	eg = epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev) == -1 ? errno : 0;
	tap_ok_why(ea == EEXIST && eb == ENOENT && ec == EINVAL && ed == EPERM && ee == EINVAL && eg == EBADF,
		   "epoll_ctl: EEXIST, ENOENT, itself EINVAL, a regular file EPERM, a bad op EINVAL, a bad fd EBADF",
		   "%d %d %d %d %d %d", ea, eb, ec, ed, ee, eg);
	close(f);
	ea = epoll_wait(ep, evs, 0, 0) == -1 ? errno : 0;
	eb = epoll_wait(p[0], evs, 1, 0) == -1 ? errno : 0;
	write(p[1], "q", 1);
	ec = syscall(SYS_epoll_wait, ep, 8, 1, 0) == -1 ? errno : 0;
	tap_ok_why(ea == EINVAL && eb == EINVAL && ec == EFAULT, "epoll_wait: maxevents 0 and a non-epoll fd are EINVAL, a bad array EFAULT", "%d %d %d", ea, eb, ec);
	{
		char buf[16];
		while (read(p[0], buf, sizeof(buf)) > 0)
			;
	}
	pid = write_later(p[1], 0x61, 150);
	got1 = wait_one(ep, 5000, &ev);
	cs = child_status(pid);
	tap_ok_why(got1 == 1 && (ev.events & EPOLLIN) && cs == 0, "epoll: a blocking wait is woken by another process's write", "%d 0x%x child %d", got1, ev.events, cs);
	close(p[1]);
	got1 = wait_one(ep, 0, &ev);
	tap_ok_why(got1 == 1 && (ev.events & EPOLLHUP), "epoll: EPOLLHUP once the write end is closed", "%d 0x%x", got1, ev.events);
	epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL);
	close(p[0]);

	/* an item goes with its open file description, not with one descriptor */
	int e2 = eventfd(1, 0), e3 = eventfd(1, 0);
	ev.events = EPOLLIN;
	ev.data.u32 = 2; epoll_ctl(ep, EPOLL_CTL_ADD, e2, &ev);
	ev.data.u32 = 3; epoll_ctl(ep, EPOLL_CTL_ADD, e3, &ev);
	int dup3fd = dup(e3);
	close(e2);
	close(e3);
	n = epoll_wait(ep, evs, 4, 0);
	tap_ok_why(n == 1 && evs[0].data.u32 == 3, "epoll: closing the only descriptor removes the item, a dup keeps it", "n %zd data %u", n, n > 0 ? evs[0].data.u32 : 0);
	close(dup3fd);
	n = epoll_wait(ep, evs, 4, 0);
	tap_ok_why(n == 0, "epoll: closing the dup removes it too", "n %zd", n);

	/* nesting */
	ep2 = epoll_create1(0);
	int e4 = eventfd(0, EFD_NONBLOCK);
	ev.events = EPOLLIN; ev.data.u32 = 4;
	epoll_ctl(ep2, EPOLL_CTL_ADD, e4, &ev);
	ev.events = EPOLLIN; ev.data.u32 = 22;
	r = epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev);
	got0 = wait_one(ep, 0, &ev);
	v = 1; write(e4, &v, 8);
	got1 = wait_one(ep, 0, &ev);
	tap_ok_why(r == 0 && got0 == 0 && got1 == 1 && ev.data.u32 == 22 && ev.events == EPOLLIN, "epoll: an epoll inside an epoll is readable when its item is", "add %d: %d %d data %u", r, got0, got1, ev.data.u32);
	ev.events = EPOLLIN;
	r = epoll_ctl(ep2, EPOLL_CTL_ADD, ep, &ev);
	tap_ok_why(r == -1 && errno == ELOOP, "epoll: adding the outer one to the inner one is ELOOP", "%d errno %d", r, errno);
	pfd.fd = ep; pfd.events = POLLIN; pfd.revents = 0;
	r = poll(&pfd, 1, 0);
	read(e4, &v, 8);
	pfd2.fd = ep; pfd2.events = POLLIN; pfd2.revents = 0;
	r2 = poll(&pfd2, 1, 0);
	tap_ok_why(r == 1 && pfd.revents == POLLIN && r2 == 0, "poll on an epoll: POLLIN while an item is ready, nothing after", "%d 0x%x / %d 0x%x", r, pfd.revents, r2, pfd2.revents);

	/* a signal ends a blocking wait with EINTR (never restarted) */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	r = wait_one(ep, -1, &ev);
	tap_ok_why(r == -1 && errno == EINTR, "epoll_wait: a handled signal gives EINTR, even with SA_RESTART", "%d errno %d", r, errno);

	/* epoll_pwait: the mask is in force during the wait */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigset_t during;
	sigemptyset(&during);
	alarm(1);
	r = epoll_pwait(ep, &ev, 1, 5000, &during);
	int perr = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	tap_ok_why(r == -1 && perr == EINTR, "epoll_pwait: a signal blocked outside but not in its mask interrupts it", "%d errno %d", r, perr);
	v = 1; write(e4, &v, 8);
	struct timespec zero = { 0, 0 };
	r = (int)syscall(SYS_epoll_pwait2, ep, &ev, 1, &zero, NULL, 8);
	tap_ok_why(r == 1 && ev.data.u32 == 22, "epoll_pwait2 with a zero timespec", "%d errno %d data %u", r, errno, ev.data.u32);
	struct timespec tiny = { 0, 50000000 };
	read(e4, &v, 8);
	r = (int)syscall(SYS_epoll_pwait2, ep, &ev, 1, &tiny, NULL, 8);
	tap_ok_why(r == 0, "epoll_pwait2 times out after 50 ms with nothing ready", "%d errno %d", r, errno);

	close(ep);
	close(ep2);
	close(e4);
	close(efd);
	close(sfd);
	return tap_done();
}
