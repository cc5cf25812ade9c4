/* lxss-test: group=memory needs=brk,mmap2,munmap,mprotect,mremap,rt_sigaction,fork,wait4 timeout=20 */
/* memory: malloc (small and large), brk/sbrk, anonymous and file-less mmap2, munmap,
 * mprotect (a write to a read-only page faults, in a fork child too), mremap growing and
 * moving, and address space coming back after munmap of odd-sized mappings, whole or in
 * pieces. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxtap.h"

static sigjmp_buf env;
static volatile sig_atomic_t faulted;

static void on_segv(int sig)
{
	(void)sig;
	faulted = 1;
	siglongjmp(env, 1);
}

int main(void)
{
	tap_plan(19);

	char *small = malloc(100);
	tap_ok(small != NULL, "malloc(100)");
	memset(small, 0xab, 100);
	char *big = malloc(4 << 20);
	tap_ok(big != NULL, "malloc(4 MiB) (mmap-backed)");
	if (big) {
		big[0] = 1;
		big[(4 << 20) - 1] = 2;
	}
	tap_ok(big && big[0] == 1 && big[(4 << 20) - 1] == 2, "large block is writable end to end");
	char *grown = realloc(small, 100000);
	tap_ok(grown && (unsigned char)grown[99] == 0xab, "realloc keeps contents");
	free(grown);
	free(big);
	int *many[256];
	int okm = 1;
	for (int i = 0; i < 256; i++) {
		many[i] = malloc(sizeof(int) * (i + 1));
		if (!many[i]) okm = 0;
		else many[i][i] = i;
	}
	for (int i = 0; i < 256; i++) {
		if (many[i] && many[i][i] != i) okm = 0;
		free(many[i]);
	}
	tap_ok(okm, "256 mallocs of varying size, checked and freed");

	/* musl's sbrk() only supports sbrk(0); move the break with the brk system call. */
	char *cur = sbrk(0);
	tap_ok(cur != (void *)-1 && (char *)syscall(SYS_brk, 0) == cur, "sbrk(0) and brk(0) return the break");
	char *nb = (char *)syscall(SYS_brk, cur + 8192);
	tap_ok(nb == cur + 8192, "brk(break + 8192) moves the break");
	if (nb == cur + 8192) memset(cur, 0x5a, 8192);
	tap_ok((char *)syscall(SYS_brk, cur) == cur, "brk(old break) moves it back");

	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *m = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	tap_ok(m != MAP_FAILED && ((uintptr_t)m & (pg - 1)) == 0, "mmap anonymous 4 pages, page aligned");
	int zero = 1;
	for (long i = 0; m != MAP_FAILED && i < 4 * pg; i++) zero &= m[i] == 0;
	tap_ok(m != MAP_FAILED && zero, "anonymous memory is zero-filled");
	if (m != MAP_FAILED) memset(m, 0x11, 4 * pg);

	struct sigaction sa = { 0 };
	sa.sa_handler = on_segv;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	tap_eq(mprotect(m + pg, pg, PROT_READ), 0, "mprotect(PROT_READ) one page");
	faulted = 0;
	if (!sigsetjmp(env, 1)) {
		*(volatile unsigned char *)(m + pg) = 7;
	}
	tap_ok(faulted && m[pg] == 0x11, "writing the read-only page faults and changes nothing");
	mprotect(m + 2 * pg, pg, PROT_NONE);
	pid_t pid = fork();
	if (pid == 0) {
		volatile int ro, none;
		faulted = 0;
		if (!sigsetjmp(env, 1))
			*(volatile unsigned char *)(m + pg) = 7;
		ro = faulted && m[pg] == 0x11;
		faulted = 0;
		if (!sigsetjmp(env, 1))
			(void)*(volatile unsigned char *)(m + 2 * pg);
		none = faulted;
		m[0] = 0x22;
		_exit(ro && none && m[0] == 0x22 ? 0 : 1);
	}
	int status = -1;
	tap_ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "a fork child has its parent's protections: read-only and PROT_NONE pages fault, the others are writable");
	tap_eq(munmap(m + 3 * pg, pg), 0, "munmap the last page");
	faulted = 0;
	if (!sigsetjmp(env, 1)) {
		(void)*(volatile unsigned char *)(m + 3 * pg);
	}
	tap_ok(faulted, "reading the unmapped page faults");

	unsigned char *r = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r != MAP_FAILED) memset(r, 0x77, pg);
	unsigned char *r2 = r == MAP_FAILED ? MAP_FAILED : mremap(r, pg, 64 * pg, MREMAP_MAYMOVE);
	tap_ok(r2 != MAP_FAILED && r2[0] == 0x77 && r2[pg - 1] == 0x77 && r2[64 * pg - 1] == 0,
		"mremap grows a mapping (may move), keeping contents");
	tap_ok(r2 != MAP_FAILED && munmap(r2, 64 * pg) == 0 && munmap(m, 3 * pg) == 0, "munmap the rest");

	/* 400 x (8 MiB + a page), glibc's thread stack with its guard: 3.2 GiB in all, more than
	 * a 32-bit process has, so each munmap must give its space back */
	size_t odd = (8u << 20) + pg;
	int rounds = 0;
	for (; rounds < 400; rounds++) {
		char *s = mmap(NULL, odd, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (s == MAP_FAILED)
			break;
		if (mprotect(s + pg, odd - pg, PROT_READ | PROT_WRITE) != 0)
			break;
		s[odd - 1] = 1;
		if (munmap(s, odd) != 0)
			break;
	}
	tap_ok_why(rounds == 400, "400 mmap/munmap of 8 MiB + 1 page: the space comes back", "failed in round %d", rounds);

	/* the same, unmapped in three pieces: head page, tail page, then the middle */
	for (rounds = 0; rounds < 400; rounds++) {
		char *s = mmap(NULL, odd, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (s == MAP_FAILED)
			break;
		if (munmap(s, pg) != 0 || munmap(s + odd - pg, pg) != 0 || munmap(s + pg, odd - 2 * pg) != 0)
			break;
	}
	tap_ok_why(rounds == 400, "400 mappings unmapped in three pieces: the space comes back", "failed in round %d", rounds);
	return tap_done();
}
