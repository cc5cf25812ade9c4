/* lxss-test: group=memory needs=open,ftruncate64,mmap2,munmap,mprotect,msync,pread64,pwrite64,fork,wait4,futex,unlink,rt_sigaction,read timeout=30 */
/* mapshared: MAP_SHARED mappings of a regular file. A write through the mapping is seen by
 * pread and a pwrite by the mapping; two mappings of the file (one at a page offset, not a
 * 64 KiB one) see each other's writes; a fork child's writes reach the parent, and two
 * processes mapping the file on their own meet at the same futex. mprotect and munmap work
 * on single 4 KiB pages inside a mapping (a fault there, the pages around still usable, the
 * child of a fork sees the same protections); PROT_WRITE needs a file open for reading and
 * writing (EACCES, for mmap and for mprotect); msync(MS_SYNC) and its EINVAL/ENOMEM; MAP_FIXED
 * replaces an anonymous mapping; /proc/self/maps names the file and the offset; an empty file
 * maps too; 400 mappings of 8 MiB give their space back; what was written is in the file
 * after munmap and close. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lxscratch.h"
#include "lxtap.h"

#define PG 4096
#define FUTEX_WAIT 0       /* shared: no FUTEX_PRIVATE_FLAG */
#define FUTEX_WAKE 1

static sigjmp_buf env;

static void on_fault(int sig)
{
	siglongjmp(env, sig);
}

/* the signal a write of one byte at p raises, or 0 */
static int write_faults(volatile char *p)
{
	int sig = sigsetjmp(env, 1);
	if (sig == 0) {
		*p = 'w';
		return 0;
	}
	return sig;
}

static int read_faults(volatile char *p)
{
	int sig = sigsetjmp(env, 1);
	if (sig == 0) {
		(void)*p;
		return 0;
	}
	return sig;
}

static long futex(volatile int *word, int op, int val, const struct timespec *timeout)
{
	return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

static int maps_line(const char *path, unsigned long start, const char *perms, unsigned long offset)
{
	char text[16384], want[700];
	int fd = open("/proc/self/maps", O_RDONLY);
	ssize_t n, used = 0;
	if (fd < 0)
		return 0;
	while (used < (ssize_t)sizeof text - 1 && (n = read(fd, text + used, sizeof text - 1 - used)) > 0)
		used += n;
	close(fd);
	text[used] = 0;
	snprintf(want, sizeof want, "%08lx-", start);
	char *line = strstr(text, want);
	if (!line)
		return 0;
	char *end = strchr(line, '\n');
	if (end)
		*end = 0;
	snprintf(want, sizeof want, " %s %08lx ", perms, offset);
	/* the name is absolute: match from the scratch directory's own name on */
	const char *tail = strstr(path, "lxss-mapshared-");
	return strstr(line, want) != NULL && tail != NULL && strstr(line, tail) != NULL;
}

int main(void)
{
	char dir[512];
	if (lx_scratch_dir(dir, sizeof dir, "mapshared", 0) != 0)
		return 1;
	char path[600];
	snprintf(path, sizeof path, "%s", lx_scratch_path(dir, "data"));
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fault;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	tap_plan(19);

	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char page[PG];
	int okw = fd >= 0;
	for (int i = 0; okw && i < 4; i++) {
		memset(page, 'A' + i, PG);
		okw = pwrite(fd, page, PG, (off_t)i * PG) == PG;
	}
	char *m = okw ? mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
	tap_ok(m != MAP_FAILED && m[0] == 'A' && m[PG] == 'B' && m[4 * PG - 1] == 'D',
	       "MAP_SHARED of a 4-page file reads its bytes");
	if (m == MAP_FAILED) {
		printf("Bail out! mmap: %s\n", strerror(errno));
		return 1;
	}

	memcpy(m + 100, "through the map", 15);
	char got[32] = { 0 };
	tap_ok(pread(fd, got, 15, 100) == 15 && memcmp(got, "through the map", 15) == 0,
	       "a write through the mapping is read by pread");

	tap_ok(pwrite(fd, "by pwrite", 9, PG + 7) == 9 && memcmp(m + PG + 7, "by pwrite", 9) == 0,
	       "a pwrite is seen through the mapping");

	char *second = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 2 * PG);
	int ok2 = second != MAP_FAILED && second[0] == 'C';
	if (ok2) {
		second[9] = '!';
		m[2 * PG + 10] = '?';
	}
	tap_ok(ok2 && m[2 * PG + 9] == '!' && second[10] == '?',
	       "a second mapping at a page offset (8 KiB) and the first see each other's writes");
	tap_ok(ok2 && maps_line(path, (unsigned long)second, "rw-s", 2 * PG),
	       "/proc/self/maps: the second mapping, rw-s, offset 00002000, the file's name");

	int rd = open(path, O_RDONLY);
	errno = 0;
	tap_ok(rd >= 0 && mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, rd, 0) == MAP_FAILED &&
	       errno == EACCES, "PROT_WRITE, MAP_SHARED of a file opened O_RDONLY: EACCES");
	char *ro = rd >= 0 ? mmap(NULL, PG, PROT_READ, MAP_SHARED, rd, 0) : MAP_FAILED;
	errno = 0;
	tap_ok(ro != MAP_FAILED && ro[100] == 't' && mprotect(ro, PG, PROT_READ | PROT_WRITE) == -1 &&
	       errno == EACCES, "a read-only shared mapping of it reads, mprotect(PROT_WRITE): EACCES");

	/* page 1 read-only, pages 0 and 2 still writable */
	tap_ok(mprotect(m + PG, PG, PROT_READ) == 0 && write_faults(m + PG + 1) == SIGSEGV &&
	       write_faults(m + 1) == 0 && write_faults(m + 2 * PG + 1) == 0 && m[PG + 7] == 'b',
	       "mprotect(PROT_READ) of one page: a write there faults, the pages around it do not");

	pid_t pid = fork();
	if (pid == 0) {
		int child = write_faults(m + PG + 2) == SIGSEGV;
		m[3 * PG + 5] = 'c';
		_exit(child ? 0 : 1);
	}
	int status = -1;
	tap_ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	       m[3 * PG + 5] == 'c', "a fork child writes into the mapping for its parent, and faults on the read-only page");

	tap_ok(mprotect(m + PG, PG, PROT_READ | PROT_WRITE) == 0 && write_faults(m + PG + 1) == 0,
	       "mprotect back to PROT_READ|PROT_WRITE: the page is writable again");

	/* two processes, each with a mapping of its own: one futex */
	volatile int *word = (volatile int *)(m + 3 * PG + 64);
	*word = 0;
	pid = fork();
	if (pid == 0) {
		int cfd = open(path, O_RDWR);
		char *own = cfd >= 0 ? mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 3 * PG) : MAP_FAILED;
		if (own == MAP_FAILED)
			_exit(2);
		volatile int *w = (volatile int *)(own + 64);
		struct timespec limit = { 10, 0 };
		*w = 1;
		while (*w == 1) {
			if (futex(w, FUTEX_WAIT, 1, &limit) == -1 && errno == ETIMEDOUT)
				_exit(3);
		}
		_exit(*w == 2 ? 0 : 4);
	}
	int woken = 0;
	for (int i = 0; i < 1000 && pid > 0 && !woken; i++) {
		if (*word == 1) {
			struct timespec nap = { 0, 2000000 };
			nanosleep(&nap, NULL);
			*word = 2;
			woken = futex(word, FUTEX_WAKE, 1, NULL) >= 0;
		} else {
			struct timespec nap = { 0, 5000000 };
			nanosleep(&nap, NULL);
		}
	}
	status = -1;
	tap_ok(woken && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "a FUTEX_WAKE through one process's mapping of the file wakes a waiter in another's");

	errno = 0;
	int einval = msync(m, PG, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL;
	tap_ok(msync(m, 4 * PG, MS_SYNC) == 0 && msync(m, PG, MS_ASYNC) == 0 && einval,
	       "msync MS_SYNC and MS_ASYNC; both at once: EINVAL");

	char *anon = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int gone = anon != MAP_FAILED && munmap(anon, 16 * PG) == 0;
	errno = 0;
	tap_ok(gone && msync(anon, PG, MS_SYNC) == -1 && errno == ENOMEM, "msync of memory not mapped: ENOMEM");

	anon = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *fixed = anon != MAP_FAILED ?
		mmap(anon, 16 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) : MAP_FAILED;
	tap_ok(fixed == anon && fixed[0] == 'A' && fixed[101] == 'h' && munmap(fixed, 16 * PG) == 0,
	       "MAP_FIXED maps the file over a whole anonymous mapping");

	/* unmap the middle of the first mapping: that page goes, its neighbours stay */
	int mid = munmap(m + PG, PG) == 0;
	int midsig = read_faults(m + PG);
	tap_ok(mid && (midsig == SIGSEGV || midsig == SIGBUS) && m[0] != 0 && m[2 * PG] == 'C' &&
	       read_faults(m + 2 * PG + 5) == 0, "munmap of one page inside a mapping: that page faults, the others read");

	tap_ok(munmap(m, 4 * PG) == 0 && munmap(second, PG) == 0 && msync(m, PG, MS_SYNC) == -1,
	       "munmap of the rest: nothing is mapped there any more");

	/* 400 mappings of 8 MiB, 3.2 GiB in all: more than the address space unless munmap gives
	 * each view back */
	int big = open(lx_scratch_path(dir, "big"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	int rounds = 0;
	for (; big >= 0 && ftruncate(big, 8 << 20) == 0 && rounds < 400; rounds++) {
		char *v = mmap(NULL, 8 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, big, 0);
		if (v == MAP_FAILED)
			break;
		v[rounds * PG] = 1;
		if (munmap(v, 8 << 20) != 0)
			break;
	}
	tap_ok_why(rounds == 400, "400 shared mappings of an 8 MiB file, each unmapped: the space comes back",
		   "failed in round %d", rounds);
	if (big >= 0)
		close(big);
	unlink(lx_scratch_path(dir, "big"));

	int empty = open(lx_scratch_path(dir, "empty"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	char *nothing = empty >= 0 ? mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, empty, 0) : MAP_FAILED;
	tap_ok(nothing != MAP_FAILED && write_faults(nothing) == SIGBUS && munmap(nothing, PG) == 0,
	       "MAP_SHARED of an empty file maps; touching it is SIGBUS");
	if (empty >= 0)
		close(empty);
	unlink(lx_scratch_path(dir, "empty"));

	close(fd);
	fd = open(path, O_RDONLY);
	memset(got, 0, sizeof got);
	int okr = fd >= 0 && pread(fd, got, 15, 100) == 15 && memcmp(got, "through the map", 15) == 0;
	char c1 = 0, c2 = 0, c3 = 0;
	okr = okr && pread(fd, &c1, 1, 2 * PG + 9) == 1 && pread(fd, &c2, 1, 3 * PG + 5) == 1 &&
	      pread(fd, &c3, 1, 1) == 1;
	tap_ok(okr && c1 == '!' && c2 == 'c' && c3 == 'w',
	       "after munmap and close the file holds what every mapping wrote");

	if (fd >= 0)
		close(fd);
	if (rd >= 0)
		close(rd);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
