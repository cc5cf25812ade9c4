/* getpid_loop N: makes N getpid system calls and prints the mean cost per call in ns.
 * Built twice by tests/bench/syscall-overhead.ts: natively (host gcc -m32, glibc) and
 * with `lxgen cc` (patched musl, run through the trap harness). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) syscall(SYS_getpid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / (double)n;
	printf("%.1f\n", ns);
	return 0;
}
