/* lxss-test: group=memory needs=open,ftruncate64,mmap2,munmap,unlink,link,fork,wait4,futex,getdents64,fstat64,pread64,pwrite64 timeout=30 */
/* POSIX shared memory and named semaphores over /dev/shm (an in-memory file system shared by
 * every process): shm_open (O_EXCL, EEXIST), ftruncate and fstat, a MAP_SHARED mapping that a
 * fork child writes through its own mapping, read/write through the descriptor coherent with
 * it, the name in a /dev/shm listing, a named semaphore a child posts that wakes the parent's
 * sem_wait, sem_unlink and shm_unlink (the name goes, the mapping stays). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"

static int child_status(pid_t pid)
{
	int st = -1;
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(void)
{
	char name[64], semname[64];
	tap_plan(11);
	snprintf(name, sizeof(name), "/lxss-shm-%d", (int)getpid());
	snprintf(semname, sizeof(semname), "/lxss-sem-%d", (int)getpid());

	int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	tap_ok_why(fd >= 0, "shm_open creates a new object", "errno %d", errno);
	errno = 0;
	int again = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	tap_ok_why(again == -1 && errno == EEXIST, "O_EXCL: EEXIST for an existing name", "fd %d errno %d", again, errno);

	struct stat st;
	int t = ftruncate(fd, 8192);
	tap_ok_why(t == 0 && fstat(fd, &st) == 0 && st.st_size == 8192 && S_ISREG(st.st_mode), "ftruncate sizes it, fstat says so",
		   "ftruncate %d errno %d size %lld mode 0%o", t, errno, (long long)st.st_size, (unsigned)st.st_mode);

	char *p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	tap_ok_why(p != MAP_FAILED, "MAP_SHARED mapping of it", "errno %d", errno);
	if (p == MAP_FAILED)
		return tap_done();
	pid_t pid = fork();
	if (pid == 0) {
		int cfd = shm_open(name, O_RDWR, 0);
		char *q = cfd < 0 ? MAP_FAILED : mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
		if (q == MAP_FAILED)
			_exit(2);
		memcpy(q + 100, "child", 5);
		p[4096] = 0x5a;     /* through the mapping fork passed on */
		_exit(0);
	}
	int cs = child_status(pid);
	tap_ok_why(cs == 0 && memcmp(p + 100, "child", 5) == 0 && p[4096] == 0x5a,
		   "a fork child's writes through its own mapping and the inherited one are seen", "child %d, bytes '%.5s' 0x%x", cs,
		   p + 100, (unsigned char)p[4096]);

	char buf[8] = { 0 };
	ssize_t r = pread(fd, buf, 5, 100);
	ssize_t w = pwrite(fd, "WRITE", 5, 200);
	tap_ok_why(r == 5 && memcmp(buf, "child", 5) == 0 && w == 5 && memcmp(p + 200, "WRITE", 5) == 0,
		   "read and write through the descriptor are coherent with the mapping", "pread %zd '%s', pwrite %zd", r, buf, w);

	int listed = 0;
	DIR *d = opendir("/dev/shm");
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, name + 1) == 0)
			listed = 1;
	if (d)
		closedir(d);
	tap_ok_why(listed, "the name is listed in /dev/shm", "opendir %s", d ? "ok" : strerror(errno));

	sem_t *s = sem_open(semname, O_CREAT | O_EXCL, 0600, 0);
	tap_ok_why(s != SEM_FAILED, "sem_open creates a named semaphore", "errno %d", errno);
	if (s == SEM_FAILED)
		return tap_done();
	pid = fork();
	if (pid == 0) {
		sem_t *c = sem_open(semname, 0);
		struct timespec ts = { 0, 200000000 };
		nanosleep(&ts, 0);
		_exit(c == SEM_FAILED || sem_post(c) != 0);
	}
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 10;
	int wr = sem_timedwait(s, &deadline);
	cs = child_status(pid);
	tap_ok_why(wr == 0 && cs == 0, "sem_wait wakes on another process's sem_post", "sem_timedwait %d errno %d, child %d", wr, errno, cs);

	int su = sem_unlink(semname);
	errno = 0;
	sem_t *gone = sem_open(semname, 0);
	tap_ok_why(su == 0 && gone == SEM_FAILED && errno == ENOENT, "sem_unlink removes the name", "sem_unlink %d, errno %d", su, errno);
	sem_close(s);

	int u = shm_unlink(name);
	errno = 0;
	int reopen = shm_open(name, O_RDWR, 0);
	tap_ok_why(u == 0 && reopen == -1 && errno == ENOENT && memcmp(p + 100, "child", 5) == 0,
		   "shm_unlink removes the name; the mapping stays", "shm_unlink %d, reopen %d errno %d", u, reopen, errno);
	munmap(p, 8192);
	close(fd);
	return tap_done();
}
