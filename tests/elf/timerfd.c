/* lxss-test: group=events needs=timerfd_create,timerfd_settime64,timerfd_gettime64,timerfd_settime,timerfd_gettime,clock_gettime64,read,poll,fcntl64,epoll_create1,epoll_ctl,epoll_wait,eventfd2,readlink,nanosleep timeout=30 */
/* timerfd: a disarmed timer (EAGAIN, gettime 0), a one-shot read blocking until it expires,
 * a periodic timer counting the expirations missed, TFD_TIMER_ABSTIME in the future and in
 * the past, CLOCK_REALTIME, the old value settime gives back, epoll woken by an expiry, the
 * 32-bit settime/gettime calls, the errors, the anon inode name. Times are checked against
 * the clock the program reads itself, so a slow machine gives other counts, not failures. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"

#define MS 1000000LL

static int64_t now_ns(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct timespec ns_ts(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000LL), (long)(ns % 1000000000LL) };
	return ts;
}

static int arm(int fd, int flags, int64_t value, int64_t interval, struct itimerspec *old)
{
	struct itimerspec its;
	its.it_value = ns_ts(value);
	its.it_interval = ns_ts(interval);
	return timerfd_settime(fd, flags, &its, old);
}

static int64_t ts_ns(struct timespec ts)
{
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* the 32-bit layout of timerfd_settime and timerfd_gettime (325, 326) */
struct itimerspec32 {
	int32_t interval_sec, interval_nsec, value_sec, value_nsec;
};

int main(void)
{
	struct itimerspec cur, old;
	uint64_t count = 0;
	int64_t t0, t1;
	ssize_t n;
	int fd, r, e;

	tap_plan(12);

	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	n = read(fd, &count, 8);
	e = errno;
	r = timerfd_gettime(fd, &cur);
	tap_ok_why(fd >= 0 && n == -1 && e == EAGAIN && r == 0 && ts_ns(cur.it_value) == 0 && ts_ns(cur.it_interval) == 0,
		   "a disarmed timer: EAGAIN, gettime 0", "fd %d read %zd errno %d gettime %d", fd, n, e, r);

	t0 = now_ns(CLOCK_MONOTONIC);
	r = arm(fd, 0, 80 * MS, 0, NULL);
	timerfd_gettime(fd, &cur);
	struct pollfd pfd = { fd, POLLIN, 0 };
	int p0 = poll(&pfd, 1, 0);
	tap_ok_why(r == 0 && ts_ns(cur.it_value) > 0 && ts_ns(cur.it_value) <= 80 * MS && ts_ns(cur.it_interval) == 0 && p0 == 0,
		   "settime 80 ms: gettime counts down, not readable yet", "r %d value %lld poll %d", r, (long long)ts_ns(cur.it_value), p0);
	fcntl(fd, F_SETFL, 0);
	n = read(fd, &count, 8);
	t1 = now_ns(CLOCK_MONOTONIC);
	tap_ok_why(n == 8 && count == 1 && t1 - t0 >= 79 * MS, "a blocking read returns 1 when the one-shot expires", "n %zd count %llu after %lld ms", n, (unsigned long long)count, (long long)((t1 - t0) / MS));
	timerfd_gettime(fd, &cur);
	tap_ok_why(ts_ns(cur.it_value) == 0, "an expired one-shot is disarmed", "value %lld", (long long)ts_ns(cur.it_value));

	t0 = now_ns(CLOCK_MONOTONIC);
	arm(fd, 0, 20 * MS, 20 * MS, NULL);
	struct timespec pause = { 0, 110 * MS };
	nanosleep(&pause, NULL);
	n = read(fd, &count, 8);
	t1 = now_ns(CLOCK_MONOTONIC);
	/* by the read the timer expired (t1 - t0) / 20 ms times, give or take the one at the edge */
	int64_t want = (t1 - t0) / (20 * MS);
	tap_ok_why(n == 8 && (int64_t)count >= 5 && (int64_t)count >= want - 1 && (int64_t)count <= want + 1,
		   "a periodic timer counts every expiry since the last read", "count %llu, %lld expected", (unsigned long long)count, (long long)want);
	arm(fd, 0, 0, 0, NULL);

	t0 = now_ns(CLOCK_MONOTONIC);
	r = arm(fd, TFD_TIMER_ABSTIME, t0 + 50 * MS, 0, NULL);
	n = read(fd, &count, 8);
	t1 = now_ns(CLOCK_MONOTONIC);
	tap_ok_why(r == 0 && n == 8 && count == 1 && t1 >= t0 + 49 * MS, "TFD_TIMER_ABSTIME: the read returns at that CLOCK_MONOTONIC time", "r %d n %zd count %llu", r, n, (unsigned long long)count);
	r = arm(fd, TFD_TIMER_ABSTIME, now_ns(CLOCK_MONOTONIC) - 1000 * MS, 100 * MS, NULL);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	/* Linux's timer fires from its interrupt after settime returns: on a slow (emulated)
	 * machine a read right away may still find nothing */
	struct pollfd ready = { fd, POLLIN, 0 };
	poll(&ready, 1, 1000);
	n = read(fd, &count, 8);
	tap_ok_why(r == 0 && n == 8 && count >= 10 && count <= 12, "TFD_TIMER_ABSTIME 1 s ago, every 100 ms: about 11 expirations at once", "r %d n %zd count %llu", r, n, (unsigned long long)count);
	close(fd);

	fd = timerfd_create(CLOCK_REALTIME, 0);
	t0 = now_ns(CLOCK_MONOTONIC);
	arm(fd, TFD_TIMER_ABSTIME, now_ns(CLOCK_REALTIME) + 40 * MS, 0, NULL);
	n = read(fd, &count, 8);
	t1 = now_ns(CLOCK_MONOTONIC);
	arm(fd, 0, 5000 * MS, 0, NULL);
	r = arm(fd, 0, 0, 0, &old);
	timerfd_gettime(fd, &cur);
	tap_ok_why(n == 8 && count == 1 && t1 - t0 >= 35 * MS && r == 0 && ts_ns(old.it_value) > 4000 * MS && ts_ns(old.it_value) <= 5000 * MS && ts_ns(cur.it_value) == 0,
		   "CLOCK_REALTIME absolute; settime gives back the old value and 0 disarms", "n %zd count %llu old %lld cur %lld", n, (unsigned long long)count, (long long)ts_ns(old.it_value), (long long)ts_ns(cur.it_value));

	int ep = epoll_create1(0);
	struct epoll_event ev = { EPOLLIN, { .u32 = 99 } };
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	arm(fd, 0, 60 * MS, 0, NULL);
	t0 = now_ns(CLOCK_MONOTONIC);
	memset(&ev, 0, sizeof(ev));
	r = epoll_wait(ep, &ev, 1, 5000);
	t1 = now_ns(CLOCK_MONOTONIC);
	tap_ok_why(r == 1 && ev.data.u32 == 99 && t1 - t0 >= 50 * MS, "epoll_wait is woken by the expiry", "r %d data %u after %lld ms", r, ev.data.u32, (long long)((t1 - t0) / MS));
	read(fd, &count, 8);
	close(ep);

	struct itimerspec32 n32 = { 0, 0, 3, 0 }, o32;
	r = (int)syscall(325, fd, 0, &n32, NULL);
	int r2 = (int)syscall(326, fd, &o32);
	tap_ok_why(r == 0 && r2 == 0 && o32.value_sec <= 3 && (o32.value_sec >= 2 || o32.value_nsec > 0) && o32.interval_sec == 0,
		   "the 32-bit timerfd_settime and timerfd_gettime", "%d %d value %d.%09d", r, r2, o32.value_sec, o32.value_nsec);

	struct itimerspec bad = { { 0, 0 }, { 0, 1000000000 } };
	int efd = eventfd(0, 0);
	int ea = timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0) == -1 ? errno : 0;
	int eb = timerfd_create(CLOCK_MONOTONIC, 0x4) == -1 ? errno : 0;
	int ec = timerfd_settime(fd, 0, &bad, NULL) == -1 ? errno : 0;
	int ed = timerfd_settime(efd, 0, &cur, NULL) == -1 ? errno : 0;
	int ee = timerfd_gettime(999, &cur) == -1 ? errno : 0;
	int ef = timerfd_settime(fd, 0x10, &cur, NULL) == -1 ? errno : 0;
	int eg = read(fd, &count, 4) == -1 ? errno : 0;
	tap_ok_why(ea == EINVAL && eb == EINVAL && ec == EINVAL && ed == EINVAL && ee == EBADF && ef == EINVAL && eg == EINVAL,
		   "errors: a CPU clock, bad flags, nsec 10^9, not a timerfd, a bad fd, bad settime flags, a short read",
		   "%d %d %d %d %d %d %d", ea, eb, ec, ed, ee, ef, eg);

	char path[64], link[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n >= 0)
		link[n] = 0;
	tap_ok_why(n > 0 && strcmp(link, "anon_inode:[timerfd]") == 0, "anon_inode:[timerfd] in /proc/self/fd", "'%s'", n > 0 ? link : "");
	close(fd);
	close(efd);
	return tap_done();
}
