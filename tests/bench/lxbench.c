/* lxbench: the Linux side of the comparison table (tests/bench/benchwork.h names the rows and
 * the work). The same static binary runs as a pico process under lxcore in the ReactOS guest
 * and on Debian's i386 kernel in the same QEMU; tests/bench/guest-table.ts puts the figures
 * beside ntbench's, the native NT program doing the same work in the same boot.
 * Usage: lxbench [DIR]   (where it makes and removes its files, default the working directory)
 * Built with -DLXBENCH_NULL_ONLY it measures the null call only. Prints "LXBENCH: <key> <cost>" per row and round, then "LXBENCH: done 1". A failing step
 * prints "LXBENCH: error <what>: <strerror>" and exits 1. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "benchwork.h"

/* <linux/futex.h> is not in the musl sysroot */
#define FUTEX_WAIT_PRIVATE  128
#define FUTEX_WAKE_PRIVATE  129

static char chunk[BENCH_CHUNK];
static const char *self;

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void fail(const char *what)
{
	printf("LXBENCH: error %s: %s\n", what, strerror(errno));
	exit(1);
}

static void report(const char *key, double cost)
{
	printf("LXBENCH: %s %.3f\n", key, cost);
	fflush(stdout);
}

/* LXBENCH_NULL_ONLY: only this row, reported under LXBENCH_NULL_KEY (the build of the
 * patched musl: getpid through int $0x2e) */
#ifndef LXBENCH_NULL_KEY
#define LXBENCH_NULL_KEY "null_ns"
#endif

static void null_call(void)
{
	double t = now_us();
	for (int i = 0; i < BENCH_NULL_CALLS; i++)
		syscall(SYS_getpid);
	report(LXBENCH_NULL_KEY, (now_us() - t) * 1000 / BENCH_NULL_CALLS);
}

static void spawn(void)
{
	double t = now_us();
	for (int i = 0; i < BENCH_SPAWNS; i++) {
		int status;
		pid_t pid = fork();
		if (pid < 0)
			fail("fork");
		if (pid == 0) {
			execl(self, self, BENCH_CHILD_ARG, (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid)
			fail("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			errno = ENOEXEC;
			fail("the spawned child");
		}
	}
	report("spawn_us", (now_us() - t) / BENCH_SPAWNS);
}

static void file_name(char *buf, size_t size, const char *dir, int i)
{
	snprintf(buf, size, "%s/f%05d", dir, i);
}

static void files(const char *top)
{
	char dir[256], name[300];
	struct stat st;
	double t;

	snprintf(dir, sizeof(dir), "%s/lxb", top);
	if (mkdir(dir, 0755) != 0)
		fail("mkdir");
	t = now_us();
	for (int i = 0; i < BENCH_FILES; i++) {
		file_name(name, sizeof(name), dir, i);
		int fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0 || close(fd) != 0)
			fail("create");
	}
	report("create_us", (now_us() - t) / BENCH_FILES);

	t = now_us();
	for (int i = 0; i < BENCH_FILES; i++) {
		file_name(name, sizeof(name), dir, i);
		if (stat(name, &st) != 0 || !S_ISREG(st.st_mode))
			fail("stat");
	}
	report("stat_us", (now_us() - t) / BENCH_FILES);

	long entries = 0;
	t = now_us();
	for (int w = 0; w < BENCH_WALKS; w++) {
		DIR *d = opendir(dir);
		if (d == NULL)
			fail("opendir");
		while (readdir(d) != NULL)
			entries++;
		closedir(d);
	}
	if (entries != (long)BENCH_WALKS * (BENCH_FILES + 2)) {
		errno = EIO;
		fail("the listing's length");
	}
	report("walk_us", (now_us() - t) / entries);

	t = now_us();
	for (int i = 0; i < BENCH_FILES; i++) {
		file_name(name, sizeof(name), dir, i);
		if (unlink(name) != 0)
			fail("unlink");
	}
	report("unlink_us", (now_us() - t) / BENCH_FILES);
	if (rmdir(dir) != 0)
		fail("rmdir");
}

static void file_io(const char *top)
{
	char name[300];
	double t;
	int fd;

	snprintf(name, sizeof(name), "%s/lxb.dat", top);
	fd = open(name, O_CREAT | O_TRUNC | O_RDWR, 0644);
	if (fd < 0)
		fail("open the data file");
	t = now_us();
	for (int i = 0; i < BENCH_FILE_MIB * (1 << 20) / BENCH_CHUNK; i++)
		if (write(fd, chunk, BENCH_CHUNK) != BENCH_CHUNK)
			fail("write");
	report("write_us_mib", (now_us() - t) / BENCH_FILE_MIB);
	if (lseek(fd, 0, SEEK_SET) != 0)
		fail("lseek");
	t = now_us();
	for (int i = 0; i < BENCH_FILE_MIB * (1 << 20) / BENCH_CHUNK; i++)
		if (read(fd, chunk, BENCH_CHUNK) != BENCH_CHUNK)
			fail("read");
	report("read_us_mib", (now_us() - t) / BENCH_FILE_MIB);
	if (close(fd) != 0 || unlink(name) != 0)
		fail("close and unlink the data file");
}

/* The second thread of a transfer: MiB mebibytes written to Fd in BENCH_CHUNK writes */
struct transfer {
	int fd;
	int mib;
};

static void *writer(void *arg)
{
	const struct transfer *t = arg;
	static char out[BENCH_CHUNK];

	for (long done = 0, n; done < (long)t->mib << 20; done += n)
		if ((n = write(t->fd, out, BENCH_CHUNK)) <= 0)
			return (void *)1;
	return NULL;
}

/* Reads MiB mebibytes from In while a second thread writes them to Out; the cost per MiB */
static void stream(const char *key, int in, int out, int mib)
{
	struct transfer tr = { out, mib };
	long got = 0;
	ssize_t n;
	pthread_t th;
	void *res;
	double t;

	t = now_us();
	if ((errno = pthread_create(&th, NULL, writer, &tr)) != 0)
		fail("pthread_create");
	while (got < (long)mib << 20 && (n = read(in, chunk, BENCH_CHUNK)) > 0)
		got += n;
	pthread_join(th, &res);
	report(key, (now_us() - t) / mib);
	if (res != NULL || got != (long)mib << 20) {
		errno = EIO;
		fail(key);
	}
}

static void pipe_io(void)
{
	int fds[2];

	if (pipe(fds) != 0)
		fail("pipe");
	stream("pipe_us_mib", fds[0], fds[1], BENCH_PIPE_MIB);
	close(fds[0]);
	close(fds[1]);
}

/* The partner of a socket's round trips: each byte back as it comes */
static void *echo(void *arg)
{
	int fd = *(int *)arg;
	char c;

	for (int i = 0; i < BENCH_SOCK_TRIPS; i++)
		if (read(fd, &c, 1) != 1 || write(fd, &c, 1) != 1)
			return (void *)1;
	return NULL;
}

/* BENCH_SOCK_MIB from a second thread, then 1-byte round trips, over a connected pair */
static void sockets(const char *mib_key, const char *rtt_key, int a, int b)
{
	pthread_t th;
	void *res;
	double t;
	char c = 'x';

	stream(mib_key, a, b, BENCH_SOCK_MIB);
	if ((errno = pthread_create(&th, NULL, echo, &b)) != 0)
		fail("pthread_create");
	t = now_us();
	for (int i = 0; i < BENCH_SOCK_TRIPS; i++)
		if (write(a, &c, 1) != 1 || read(a, &c, 1) != 1)
			fail(rtt_key);
	report(rtt_key, (now_us() - t) / BENCH_SOCK_TRIPS);
	pthread_join(th, &res);
	if (res != NULL)
		fail("the echo thread");
}

static void tcp_io(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof addr;
	int l, a, b;

	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(l, 1) != 0 ||
	    getsockname(l, (struct sockaddr *)&addr, &len) != 0)
		fail("a TCP listener on 127.0.0.1");
	a = socket(AF_INET, SOCK_STREAM, 0);
	if (a < 0 || connect(a, (struct sockaddr *)&addr, sizeof addr) != 0 || (b = accept(l, NULL, NULL)) < 0)
		fail("a TCP connection on 127.0.0.1");
	sockets("tcp_us_mib", "tcp_rtt_us", a, b);
	close(a);
	close(b);
	close(l);
}

static void unix_io(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		fail("socketpair");
	sockets("unix_us_mib", "unix_rtt_us", sv[0], sv[1]);
	close(sv[0]);
	close(sv[1]);
}

static void *nothing(void *arg)
{
	return arg;
}

static void threads(void)
{
	double t = now_us();
	for (int i = 0; i < BENCH_THREADS; i++) {
		pthread_t th;
		if ((errno = pthread_create(&th, NULL, nothing, NULL)) != 0 || (errno = pthread_join(th, NULL)) != 0)
			fail("pthread_create and join");
	}
	report("thread_us", (now_us() - t) / BENCH_THREADS);
}

/* 0: the main thread's turn, 1: the partner's */
static volatile int turn;

static void futex_wait(int value)
{
	while (turn == value)
		syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, value, NULL);
}

static void futex_pass(int value)
{
	turn = value;
	syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1);
}

static void *partner(void *arg)
{
	for (int i = 0; i < BENCH_ROUND_TRIPS; i++) {
		futex_wait(0);
		futex_pass(0);
	}
	return arg;
}

static void futex_round_trips(void)
{
	pthread_t th;
	double t;

	turn = 0;
	if ((errno = pthread_create(&th, NULL, partner, NULL)) != 0)
		fail("pthread_create");
	t = now_us();
	for (int i = 0; i < BENCH_ROUND_TRIPS; i++) {
		futex_pass(1);
		futex_wait(1);
	}
	report("futex_us", (now_us() - t) / BENCH_ROUND_TRIPS);
	pthread_join(th, NULL);
}

/* Where a round trip's time goes, without a partner: a wake with no waiter, and a wait whose
 * value has changed (EAGAIN: the waiter is set up and taken down, nothing blocks). */
static void futex_parts(void)
{
	int word = 0;
	double t = now_us();
	for (int i = 0; i < BENCH_ROUND_TRIPS; i++)
		syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1);
	report("futex_wake_ns", (now_us() - t) * 1000 / BENCH_ROUND_TRIPS);
	t = now_us();
	for (int i = 0; i < BENCH_ROUND_TRIPS; i++)
		if (syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, NULL) != -1 || errno != EAGAIN)
			fail("FUTEX_WAIT of a changed value");
	report("futex_eagain_ns", (now_us() - t) * 1000 / BENCH_ROUND_TRIPS);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";

	if (argc > 1 && strcmp(argv[1], BENCH_CHILD_ARG) == 0)
		return 0;
	if (argc > 2) {
		fprintf(stderr, "usage: lxbench [DIR]   (DIR, default the working directory: where it may make and remove its files)\n");
		return 2;
	}
	self = argv[0];
	for (int r = 0; r < BENCH_ROUNDS; r++) {
		null_call();
#ifndef LXBENCH_NULL_ONLY
		spawn();
		files(dir);
		file_io(dir);
		pipe_io();
		threads();
		futex_round_trips();
		futex_parts();
		tcp_io();
		unix_io();
#endif
	}
	report("done", 1);
	return 0;
}
