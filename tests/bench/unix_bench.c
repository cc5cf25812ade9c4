/* unix_bench: AF_UNIX stream sockets against lxcore's pipes, between two processes. A child
 * echoes or drains; the parent measures. Prints one line per measure:
 *     UNIXBENCH: unix_mib_s <MiB/s>     16 MiB written through a socketpair in 64 KiB writes
 *     UNIXBENCH: pipe_mib_s <MiB/s>     the same through a pair of pipes
 *     UNIXBENCH: unix_rtt_us <us>       a 1-byte ping-pong over a socketpair, per round trip
 *     UNIXBENCH: pipe_rtt_us <us>       the same over two pipes
 * Run by tests/bench/guest-unix.ts (ratios unix/pipe from one boot). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TOTAL (16 << 20)
#define CHUNK (64 << 10)
#define ROUNDS 2000

static char buf[CHUNK];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* fds[0]/fds[1]: the parent's read and write ends; peer[0]/peer[1]: the child's */
static int channel(int sockets, int fds[2], int peer[2])
{
	if (sockets) {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
			return -1;
		fds[0] = fds[1] = sv[0];
		peer[0] = peer[1] = sv[1];
		return 0;
	}
	int a[2], b[2];
	if (pipe(a) != 0 || pipe(b) != 0)
		return -1;
	fds[0] = b[0]; fds[1] = a[1];   /* parent writes a, reads b */
	peer[0] = a[0]; peer[1] = b[1];
	return 0;
}

static double throughput(int sockets)
{
	int fds[2], peer[2];
	if (channel(sockets, fds, peer) != 0)
		return -1;
	pid_t c = fork();
	if (c == 0) {
		long got = 0;
		ssize_t n;
		while (got < TOTAL && (n = read(peer[0], buf, CHUNK)) > 0)
			got += n;
		write(peer[1], "x", 1);
		_exit(got == TOTAL ? 0 : 1);
	}
	double t0 = now_s();
	for (long sent = 0; sent < TOTAL;) {
		ssize_t n = write(fds[1], buf, CHUNK);
		if (n <= 0)
			return -1;
		sent += n;
	}
	char ack;
	read(fds[0], &ack, 1);          /* the child has read everything */
	double t = now_s() - t0;
	int st;
	waitpid(c, &st, 0);
	return (TOTAL / 1048576.0) / t;
}

static double round_trip(int sockets)
{
	int fds[2], peer[2];
	if (channel(sockets, fds, peer) != 0)
		return -1;
	pid_t c = fork();
	if (c == 0) {
		char b;
		for (int i = 0; i < ROUNDS; i++)
			if (read(peer[0], &b, 1) != 1 || write(peer[1], &b, 1) != 1)
				_exit(1);
		_exit(0);
	}
	char b = 'p';
	double t0 = now_s();
	for (int i = 0; i < ROUNDS; i++)
		if (write(fds[1], &b, 1) != 1 || read(fds[0], &b, 1) != 1)
			return -1;
	double t = now_s() - t0;
	int st;
	waitpid(c, &st, 0);
	return t / ROUNDS * 1e6;
}

int main(void)
{
	memset(buf, 'u', sizeof buf);
	printf("UNIXBENCH: unix_mib_s %.2f\n", throughput(1));
	printf("UNIXBENCH: pipe_mib_s %.2f\n", throughput(0));
	printf("UNIXBENCH: unix_rtt_us %.2f\n", round_trip(1));
	printf("UNIXBENCH: pipe_rtt_us %.2f\n", round_trip(0));
	fflush(stdout);
	return 0;
}
