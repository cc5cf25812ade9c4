/* epoll_bench: what an idle descriptor costs epoll_wait and poll. One epoll watches IDLE
 * eventfds that never become ready and ACTIVE ones that always are (level-triggered, never
 * read); another watches only the ACTIVE ones. Prints one line per measure, ns per call:
 *     EPOLLBENCH: epoll_wait_all <ns>     epoll_wait over IDLE + ACTIVE items
 *     EPOLLBENCH: epoll_wait_active <ns>  epoll_wait over the ACTIVE items only
 *     EPOLLBENCH: poll_all <ns>           poll over the same IDLE + ACTIVE descriptors
 * epoll_wait_all / epoll_wait_active near 1 means idle items cost nothing (as on Linux);
 * poll_all / epoll_wait_all is what epoll saves. Run by tests/bench/guest-epoll.ts. */
#define _GNU_SOURCE
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define IDLE 1000
#define ACTIVE 10
#define CALLS 2000

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(void)
{
	static struct pollfd pfd[IDLE + ACTIVE];
	struct epoll_event ev, out[64];
	struct rlimit rl = { IDLE + ACTIVE + 16, IDLE + ACTIVE + 16 };
	int all, active, i, n = 0;
	double t0;

	setrlimit(RLIMIT_NOFILE, &rl);
	all = epoll_create1(0);
	active = epoll_create1(0);
	for (i = 0; i < IDLE + ACTIVE; i++) {
		int fd = eventfd(i < ACTIVE ? 1 : 0, 0);
		if (fd < 0) {
			printf("EPOLLBENCH: cannot make descriptor %d\n", i);
			return 1;
		}
		ev.events = EPOLLIN;
		ev.data.fd = fd;
		epoll_ctl(all, EPOLL_CTL_ADD, fd, &ev);
		if (i < ACTIVE)
			epoll_ctl(active, EPOLL_CTL_ADD, fd, &ev);
		pfd[i].fd = fd;
		pfd[i].events = POLLIN;
	}
	t0 = now_ns();
	for (i = 0; i < CALLS; i++)
		n += epoll_wait(all, out, 64, 0);
	printf("EPOLLBENCH: epoll_wait_all %.1f\n", (now_ns() - t0) / CALLS);
	t0 = now_ns();
	for (i = 0; i < CALLS; i++)
		n += epoll_wait(active, out, 64, 0);
	printf("EPOLLBENCH: epoll_wait_active %.1f\n", (now_ns() - t0) / CALLS);
	t0 = now_ns();
	for (i = 0; i < CALLS / 10; i++)
		n += poll(pfd, IDLE + ACTIVE, 0);
	printf("EPOLLBENCH: poll_all %.1f\n", (now_ns() - t0) / (CALLS / 10));
	/* every call reports the ACTIVE descriptors */
	printf("EPOLLBENCH: ready %d of %d\n", n, ACTIVE * (2 * CALLS + CALLS / 10));
	return n == ACTIVE * (2 * CALLS + CALLS / 10) ? 0 : 1;
}
