/* lxss-test: group=time needs=clock_gettime64,gettimeofday,nanosleep,clock_nanosleep,time timeout=20 */
/* time: clocks move forward and agree; sleeps last at least what was asked. */
#define _GNU_SOURCE
#include <sys/time.h>
#include <time.h>
#include "lxtap.h"

static long long ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

int main(void)
{
	tap_plan(10);
	struct timespec r0, r1, m0, m1, res;
	tap_eq(clock_gettime(CLOCK_REALTIME, &r0), 0, "clock_gettime(CLOCK_REALTIME)");
	tap_ok(r0.tv_sec > 1600000000 && r0.tv_nsec >= 0 && r0.tv_nsec < 1000000000, "realtime is after 2020, nsec in range");
	tap_eq(clock_gettime(CLOCK_MONOTONIC, &m0), 0, "clock_gettime(CLOCK_MONOTONIC)");
	tap_ok(clock_getres(CLOCK_MONOTONIC, &res) == 0 && ns(&res) > 0 && ns(&res) <= 10000000,
		"clock_getres(CLOCK_MONOTONIC) between 1 ns and 10 ms");
	struct timeval tv;
	tap_ok(gettimeofday(&tv, NULL) == 0 && tv.tv_usec >= 0 && tv.tv_usec < 1000000 &&
		(long long)tv.tv_sec - r0.tv_sec <= 2 && (long long)tv.tv_sec >= r0.tv_sec,
		"gettimeofday agrees with CLOCK_REALTIME");
	time_t t = time(NULL);
	tap_ok(t >= r0.tv_sec && t - r0.tv_sec <= 2, "time() agrees");
	struct timespec req = { 0, 50 * 1000000 }; /* 50 ms */
	clock_gettime(CLOCK_MONOTONIC, &m0);
	int rc = nanosleep(&req, NULL);
	clock_gettime(CLOCK_MONOTONIC, &m1);
	long long slept = ns(&m1) - ns(&m0);
	tap_ok_why(rc == 0 && slept >= 50000000LL, "nanosleep(50 ms) sleeps at least 50 ms",
		"rc %d, slept %lld ns", rc, slept);
	tap_ok(slept < 5000000000LL, "... and returns within 5 s");
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += 20 * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
	clock_gettime(CLOCK_MONOTONIC, &m1);
	tap_ok_why(rc == 0 && ns(&m1) >= ns(&until), "clock_nanosleep(TIMER_ABSTIME) wakes after the deadline",
		"rc %d, now-deadline %lld ns", rc, ns(&m1) - ns(&until));
	clock_gettime(CLOCK_REALTIME, &r1);
	tap_ok(ns(&r1) > ns(&r0), "realtime moved forward");
	return tap_done();
}
