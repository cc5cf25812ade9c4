/* lxss-test: group=process needs=fork,wait4,setrlimit,prlimit64,setresuid,mmap2,munmap,open,pipe2,clone,futex,sigaltstack,rt_sigaction,socketpair,socket,bind,listen,accept4,epoll_wait,nanosleep,kill timeout=240 */
/* exhaust: running out of things ends in Linux's errors, and the system stays up: open until
 * EMFILE (RLIMIT_NOFILE) and ENFILE (fs.file-max, for a user who is not root), a non-blocking pipe filled until EAGAIN, anonymous mmap until ENOMEM
 * (under RLIMIT_AS-free 32-bit space), a fork bomb of a user who is not root stopped by
 * RLIMIT_NPROC with EAGAIN, 1,000 threads created and joined, unbounded recursion ending
 * in SIGSEGV on the stack guard (a child, so the test goes on), an AF_UNIX stream filled
 * until EAGAIN, and a process killed while it blocks in read, accept, futex, wait4,
 * nanosleep and epoll_wait. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxtap.h"

static void *nothing(void *arg)
{
	return arg;
}

/* A child that blocks in one call for good, for SIGKILL to end */
static void block_in(int which, int ready)
{
	int sv[2], fd;
	static int word;
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct epoll_event ev;
	struct timespec ts = { 1000, 0 };

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	switch (which) {
	case 0:         /* read of a socket nobody writes */
		write(ready, "r", 1);
		read(sv[0], &fd, 1);
		break;
	case 1:         /* accept with no client */
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		snprintf(un.sun_path + 1, sizeof un.sun_path - 1, "exhaust-%d", (int)getpid());
		bind(fd, (struct sockaddr *)&un, sizeof un);
		listen(fd, 1);
		write(ready, "a", 1);
		accept(fd, NULL, NULL);
		break;
	case 2:         /* a futex nobody wakes */
		write(ready, "f", 1);
		syscall(SYS_futex, &word, 0 /* FUTEX_WAIT */, 0, NULL, NULL, 0);
		break;
	case 3:         /* wait4 for a child that waits for our end (its pipe's writer) */
		if (pipe(sv) == 0 && fork() == 0) {
			close(sv[1]);
			read(sv[0], &fd, 1);
			_exit(0);
		}
		close(sv[0]);
		write(ready, "w", 1);
		wait(NULL);
		break;
	case 4:
		write(ready, "n", 1);
		nanosleep(&ts, NULL);
		break;
	case 5:         /* epoll_wait on a socket nobody writes */
		fd = epoll_create1(0);
		ev.events = EPOLLIN;
		ev.data.u64 = 0;
		epoll_ctl(fd, EPOLL_CTL_ADD, sv[0], &ev);
		write(ready, "e", 1);
		epoll_wait(fd, &ev, 1, -1);
		break;
	}
	_exit(99);      /* the call returned: wrong */
}

static volatile int limit = 1 << 30;   /* never reached: the stack runs out first */

static int recurse(int depth)
{
	volatile char pad[1024];
	pad[0] = (char)depth;
	if (depth > limit)
		return 0;
	return recurse(depth + 1) + pad[0];
}

/* The first number in a /proc file, -1 if it cannot be read */
static long proc_number(const char *path)
{
	char text[64];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	text[n] = 0;
	return strtol(text, NULL, 10);
}

/* ENFILE: children of a user who is not root each open /dev/null until EMFILE (RLIMIT_NOFILE
 * 1024) and keep what they opened, until one meets fs.file-max; root still opens past it
 * (Linux lets CAP_SYS_ADMIN go on). Everything is given back by killing them. */
#define ENFILE_MAX_CHILDREN 300

static void test_enfile(void)
{
	static pid_t kids[ENFILE_MAX_CHILDREN];
	long max = proc_number("/proc/sys/fs/file-max"), nr = proc_number("/proc/sys/fs/file-nr");
	int p[2], e = 0, children, opened = 0, root_fd, st;

	if (max < 0 || nr < 0) {
		tap_ok_why(0, "open until ENFILE", "/proc/sys/fs/file-max %ld, file-nr %ld: not readable", max, nr);
		tap_ok_why(0, "root opens past fs.file-max", "not reached");
		return;
	}
	if ((max - nr) / 1000 + 2 > ENFILE_MAX_CHILDREN) {
		/* a machine with more memory than a test may take (a host, not the guest or the
		 * Linux VM): the count behind fs.file-max, not the limit itself */
		int fds[900], n;
		long during, after;

		for (n = 0; n < 900 && (fds[n] = open("/dev/null", O_RDONLY)) >= 0; n++)
			;
		during = proc_number("/proc/sys/fs/file-nr");
		while (n > 0)
			close(fds[--n]);
		after = proc_number("/proc/sys/fs/file-nr");
		tap_ok_why(during - nr >= 800 && during - after >= 800,
			   "fs.file-max out of reach here (too large): fs.file-nr counts 900 more open files, then fewer",
			   "file-max %ld; file-nr %ld, with 900 more %ld, after closing them %ld", max, nr, during, after);
		tap_ok_why(max >= 8192, "fs.file-max is at least Linux's 8192", "%ld", max);
		return;
	}
	pipe(p);
	for (children = 0; children < ENFILE_MAX_CHILDREN && e != ENFILE; children++) {
		kids[children] = fork();
		if (kids[children] == 0) {
			struct rlimit rl;
			int n = 0, err;

			close(p[0]);
			getrlimit(RLIMIT_NOFILE, &rl);
			rl.rlim_cur = rl.rlim_max < 1024 ? rl.rlim_max : 1024;
			if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || setresgid(65533, 65533, 65533) != 0 ||
			    setresuid(65533, 65533, 65533) != 0)
				_exit(1);
			while (open("/dev/null", O_RDONLY) >= 0)
				n++;
			err = errno;
			write(p[1], &err, sizeof(err));
			write(p[1], &n, sizeof(n));
			pause();
			_exit(0);
		}
		int n = 0;
		if (kids[children] < 0 || read(p[0], &e, sizeof(e)) != sizeof(e) || read(p[0], &n, sizeof(n)) != sizeof(n))
			break;
		opened += n;
		if (e != EMFILE && e != ENFILE)
			break;
	}
	root_fd = open("/dev/null", O_RDONLY);
	/* near file-max: Linux counts open files per CPU and compares a sum that may lag a little */
	tap_ok_why(e == ENFILE && opened >= (max - nr) * 9 / 10 && opened <= max + 1024,
		   "children of uid 65533 open until ENFILE near fs.file-max",
		   "file-max %ld, %d children opened %d, the last errno %d", max, children, opened, e);
	tap_ok_why(root_fd >= 0, "root opens past fs.file-max", "open %d errno %d", root_fd, errno);
	if (root_fd >= 0)
		close(root_fd);
	for (int i = 0; i < children; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGKILL);
	for (int i = 0; i < children; i++)
		if (kids[i] > 0)
			waitpid(kids[i], &st, 0);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	struct rlimit rl;
	int fds[80], n, e, st;

	tap_plan(10);

	/* open until EMFILE (the soft limit only: raising a hard limit back takes a privilege a
	 * container's root may lack) */
	struct rlimit saved;
	getrlimit(RLIMIT_NOFILE, &saved);
	rl.rlim_cur = 64;
	rl.rlim_max = saved.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	for (n = 0; n < 80; n++) {
		fds[n] = open("/dev/null", O_RDONLY);
		if (fds[n] < 0)
			break;
	}
	e = errno;
	tap_ok_why(n > 40 && n < 64 && e == EMFILE, "open until EMFILE under RLIMIT_NOFILE 64", "%d opened, errno %d", n, e);
	while (n > 0)
		close(fds[--n]);
	setrlimit(RLIMIT_NOFILE, &saved);
	test_enfile();

	/* a pipe filled until EAGAIN */
	int p[2];
	char block[4096];
	long total = 0;
	memset(block, 'x', sizeof(block));
	pipe2(p, O_NONBLOCK);
	for (;;) {
		ssize_t w = write(p[1], block, sizeof(block));
		if (w < 0)
			break;
		total += w;
		if (total > (16L << 20))
			break;
	}
	e = errno;
	tap_ok_why(total >= 4096 && total <= (1L << 20) && e == EAGAIN, "a non-blocking pipe takes a bounded amount, then EAGAIN", "%ld bytes, errno %d", total, e);
	close(p[0]);
	close(p[1]);

	/* anonymous mmap until ENOMEM, then everything back */
	void *maps[4096];
	for (n = 0; n < 4096; n++) {
		maps[n] = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (maps[n] == MAP_FAILED)
			break;
	}
	e = errno;
	int mapped = n;
	while (n > 0)
		munmap(maps[--n], 1 << 20);
	void *again = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	tap_ok_why(mapped > 100 && mapped < 4096 && e == ENOMEM && again != MAP_FAILED,
		   "mmap of 1 MiB until ENOMEM, and the space comes back after munmap", "%d MiB mapped, errno %d", mapped, e);
	munmap(again, 1 << 20);

	/* a fork bomb of a user who is not root, stopped by RLIMIT_NPROC */
	pid_t bomb = fork();
	if (bomb == 0) {
		struct rlimit np = { 20, 20 };
		if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0)
			_exit(90);
		setrlimit(RLIMIT_NPROC, &np);
		pid_t kids[64];
		int made = 0, err = 0;
		for (int i = 0; i < 64; i++) {
			kids[i] = fork();
			if (kids[i] == 0) {
				pause();
				_exit(0);
			}
			if (kids[i] < 0) {
				err = errno;
				break;
			}
			made++;
		}
		for (int i = 0; i < made; i++)
			kill(kids[i], SIGKILL);
		for (int i = 0; i < made; i++)
			waitpid(kids[i], NULL, 0);
		_exit(err == EAGAIN && made < 20 ? 0 : made >= 64 ? 91 : 92);
	}
	st = -1;
	waitpid(bomb, &st, 0);
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a fork bomb of uid 65534 is stopped by RLIMIT_NPROC 20 with EAGAIN", "status 0x%x", st);

	/* 1,000 threads, a few at a time */
	int made = 0, joined = 0, perr = 0;
	for (int round = 0; round < 100; round++) {
		pthread_t t[10];
		int k = 0;
		for (; k < 10; k++) {
			if ((perr = pthread_create(&t[k], NULL, nothing, NULL)) != 0)
				break;
			made++;
		}
		for (int j = 0; j < k; j++)
			joined += pthread_join(t[j], NULL) == 0;
	}
	tap_ok_why(made == 1000 && joined == 1000, "1,000 threads created and joined", "%d created, %d joined, pthread_create %d", made, joined, perr);

	/* unbounded recursion: SIGSEGV on the guard page */
	pid_t deep = fork();
	if (deep == 0) {
		recurse(0);
		_exit(0);
	}
	st = 0;
	waitpid(deep, &st, 0);
	tap_ok_why(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "unbounded recursion ends in SIGSEGV", "status 0x%x", st);

	/* an AF_UNIX stream, non-blocking, filled until EAGAIN (bounded: 64 MiB) */
	int sv[2];
	long filled = 0;
	static char chunk[4096];
	e = 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0) {
		while (filled < (64L << 20)) {
			ssize_t w = write(sv[0], chunk, sizeof chunk);
			if (w < 0) {
				e = errno;
				break;
			}
			filled += w;
		}
		close(sv[0]);
		close(sv[1]);
	}
	tap_ok_why(e == EAGAIN && filled > 0, "an AF_UNIX stream takes a bounded amount, then EAGAIN", "%ld bytes, errno %d", filled, e);

	/* killed in each blocking call: it ends at once with SIGKILL */
	static const char *const calls[] = { "read", "accept", "futex", "wait4", "nanosleep", "epoll_wait" };
	char bad[128] = "";
	for (int i = 0; i < 6; i++) {
		int rp[2];
		char c;
		struct timespec settle = { 0, 30 * 1000 * 1000 };
		pipe(rp);
		pid_t k = fork();
		if (k == 0) {
			close(rp[0]);
			block_in(i, rp[1]);
		}
		close(rp[1]);
		read(rp[0], &c, 1);
		close(rp[0]);
		nanosleep(&settle, NULL);       /* into the call (a kill before it ends it too) */
		kill(k, SIGKILL);
		st = 0;
		waitpid(k, &st, 0);
		if (!(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL))
			snprintf(bad + strlen(bad), sizeof bad - strlen(bad), " %s:0x%x", calls[i], st);
	}
	tap_ok_why(bad[0] == 0, "a process killed in read, accept, futex, wait4, nanosleep and epoll_wait ends by SIGKILL", "%s", bad);
	return tap_done();
}
