/* lxss-test: group=process needs=prlimit64,ugetrlimit,setrlimit,openat,dup2,fcntl64,fork,wait4,execve timeout=30 */
/* limits: resource limits are the process's own. RLIMIT_NOFILE set with setrlimit reads back
 * and is enforced (EMFILE below it, dup2 EBADF and F_DUPFD EINVAL at it), a soft limit above
 * the hard one is EINVAL; fork and execve keep the limits; prlimit reads and sets another
 * resource and reads a child's. RLIMIT_DATA (unlimited at first) bounds the brk area: brk
 * fails past it, moves within it, and cannot grow at all under a limit of 0. The raw system
 * calls are used, so that the C library's fallbacks cannot hide a missing one. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxtap.h"

#define LIMIT 42
#define RAW_INFINITY 0xFFFFFFFFu /* RLIM_INFINITY in the 32-bit struct rlimit of ugetrlimit/setrlimit */

struct raw_rlimit32 {
	uint32_t cur, max;
};
struct raw_rlimit64 {
	uint64_t cur, max;
};

static long raw_setrlimit(int res, uint32_t cur, uint32_t max)
{
	struct raw_rlimit32 r = {cur, max};
	return syscall(SYS_setrlimit, res, &r);
}
static long raw_ugetrlimit(int res, struct raw_rlimit32 *r) { return syscall(SYS_ugetrlimit, res, r); }
static long raw_prlimit(pid_t pid, int res, const struct raw_rlimit64 *new, struct raw_rlimit64 *old)
{
	return syscall(SYS_prlimit64, pid, res, new, old);
}

static int nofile_is(uint32_t cur, uint32_t max)
{
	struct raw_rlimit32 r = {0, 0};
	return raw_ugetrlimit(RLIMIT_NOFILE, &r) == 0 && r.cur == cur && r.max == max;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--exec-child") == 0)
		return nofile_is(LIMIT, LIMIT) ? 0 : 1;

	tap_plan(16);
	struct raw_rlimit32 r = {0, 0};
	tap_ok_why(raw_ugetrlimit(RLIMIT_NOFILE, &r) == 0 && r.cur > LIMIT && r.cur <= r.max, "ugetrlimit(RLIMIT_NOFILE)",
		   "cur %u max %u", r.cur, r.max);
	tap_ok(raw_setrlimit(RLIMIT_NOFILE, LIMIT + 1, LIMIT) == -1 && errno == EINVAL, "setrlimit: soft above hard is EINVAL");
	tap_ok(raw_setrlimit(RLIMIT_NOFILE, LIMIT, LIMIT) == 0 && nofile_is(LIMIT, LIMIT), "setrlimit(RLIMIT_NOFILE, 42) reads back");

	/* open until EMFILE: then every descriptor below 42 is in use */
	int opened[LIMIT], n = 0, fd, err = 0;
	while (n < LIMIT && (fd = open("/dev/null", O_RDONLY)) >= 0)
		opened[n++] = fd;
	err = errno;
	int full = 1;
	for (int i = 0; i < LIMIT; i++)
		full &= fcntl(i, F_GETFD) >= 0;
	tap_ok_why(n > 0 && n < LIMIT && err == EMFILE && full, "open fails with EMFILE once fds 0..41 are used",
		   "%d opened, errno %d, all below 42 open: %d", n, err, full);
	tap_ok(dup2(0, LIMIT) == -1 && errno == EBADF, "dup2 to fd 42 is EBADF");
	tap_ok(fcntl(0, F_DUPFD, LIMIT) == -1 && errno == EINVAL, "F_DUPFD from 42 is EINVAL");
	close(opened[n - 1]);
	tap_ok(fcntl(0, F_DUPFD, 0) == opened[n - 1], "a closed descriptor below the limit is handed out again");

	/* fork keeps the limit, and so does execve */
	pid_t pid = fork();
	if (pid == 0)
		_exit(nofile_is(LIMIT, LIMIT) && open("/dev/null", O_RDONLY) == -1 && errno == EMFILE ? 0 : 1);
	int st = -1;
	waitpid(pid, &st, 0);
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a fork child has the limit and is held to it", "status %#x", st);
	for (int i = 0; i < n; i++)
		close(opened[i]);
	st = tap_run_self(argv[0], "--exec-child");
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 0, "execve keeps the limit", "status %#x (99: execve failed)", st);

	/* prlimit64: another resource, and another process */
	struct raw_rlimit64 core = {0, 0}, old = {1, 1}, now = {1, 1};
	tap_ok(raw_prlimit(0, RLIMIT_CORE, &core, &old) == 0 && old.cur == 0, "prlimit64 sets RLIMIT_CORE and returns the old value");
	tap_ok(raw_prlimit(0, RLIMIT_CORE, NULL, &now) == 0 && now.cur == 0 && now.max == 0, "prlimit64 reads RLIMIT_CORE back");
	int p[2];
	pipe(p);
	pid = fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		raw_setrlimit(RLIMIT_NOFILE, 30, 40);
		read(p[0], &c, 1); /* until the parent has looked */
		_exit(0);
	}
	close(p[0]);
	struct raw_rlimit64 child = {0, 0};
	for (int tries = 0; tries < 200 && child.cur != 30; tries++) {
		raw_prlimit(pid, RLIMIT_NOFILE, NULL, &child);
		if (child.cur != 30)
			usleep(10000);
	}
	tap_ok_why(child.cur == 30 && child.max == 40, "prlimit64 reads a child's limit", "cur %llu max %llu",
		   (unsigned long long)child.cur, (unsigned long long)child.max);
	close(p[1]);
	waitpid(pid, &st, 0);
	tap_ok(raw_prlimit(999999, RLIMIT_NOFILE, NULL, &child) == -1 && errno == ESRCH, "prlimit64 of no process is ESRCH");

	/* RLIMIT_DATA and brk, in a child */
	tap_ok_why(raw_ugetrlimit(RLIMIT_DATA, &r) == 0 && r.cur == RAW_INFINITY && r.max == RAW_INFINITY,
		   "RLIMIT_DATA is unlimited at first", "cur %#x max %#x", r.cur, r.max);
	pid = fork();
	if (pid == 0) {
		long cur = syscall(SYS_brk, 0);
		if (raw_setrlimit(RLIMIT_DATA, 1 << 20, RAW_INFINITY) != 0)
			_exit(2);
		if (syscall(SYS_brk, cur + (4 << 20)) != cur)
			_exit(3); /* 4 MiB more than a 1 MiB limit: refused, the break unchanged */
		if (syscall(SYS_brk, cur + (256 << 10)) != cur + (256 << 10))
			_exit(4); /* within it: moves */
		_exit(0);
	}
	waitpid(pid, &st, 0);
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 0, "RLIMIT_DATA 1 MiB: brk 4 MiB further fails, 256 KiB moves",
		   "status %#x (3: the large brk moved, 4: the small one failed)", st);
	pid = fork();
	if (pid == 0) {
		long cur = syscall(SYS_brk, 0);
		raw_setrlimit(RLIMIT_DATA, 0, RAW_INFINITY);
		_exit(syscall(SYS_brk, cur + 4096) == cur ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 0, "RLIMIT_DATA 0: brk cannot grow", "status %#x", st);
	return tap_done();
}
