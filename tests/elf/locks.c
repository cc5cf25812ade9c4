/* lxss-test: group=file needs=fcntl64,fork,wait4,pipe2,openat timeout=30 */
/* locks: POSIX record locks (fcntl F_GETLK/F_SETLK/F_SETLKW) between processes. A write lock
 * is seen by another process (type, range, owner pid) and refuses its locks with EAGAIN;
 * ranges elsewhere are free; F_SETLKW waits until the owner unlocks; a partial unlock splits a
 * lock; any close of the file (another descriptor too) and the end of the owner release its
 * locks; one's own locks never conflict; EBADF for a lock the descriptor's mode does not
 * allow, EINVAL for a bad type. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"

static char path[600];

static int setlk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	return fcntl(fd, cmd, &fl);
}

static struct flock getlk(int fd, short type, off_t start, off_t len)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	if (fcntl(fd, F_GETLK, &fl) != 0)
		fl.l_type = -1;
	return fl;
}

/* Runs fn(fd on the file) in a child and returns its exit status (255: trouble). */
static int in_child(int (*fn)(int))
{
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(path, O_RDWR);
		_exit(fd < 0 ? 255 : fn(fd));
	}
	int st = 0;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 254;
}

static pid_t parent;

static int sees_parent_lock(int fd)
{
	struct flock fl = getlk(fd, F_WRLCK, 50, 10);
	return fl.l_type == F_WRLCK && fl.l_start == 0 && fl.l_len == 100 && fl.l_pid == parent ? 0 : 1;
}
static int refused(int fd) { return setlk(fd, F_SETLK, F_WRLCK, 50, 10) == -1 && errno == EAGAIN ? 0 : 1; }
static int elsewhere_free(int fd) { return setlk(fd, F_SETLK, F_WRLCK, 200, 10) == 0 ? 0 : 1; }
static int split_seen(int fd)
{
	struct flock hole = getlk(fd, F_WRLCK, 45, 1), left = getlk(fd, F_WRLCK, 30, 1), right = getlk(fd, F_WRLCK, 70, 1);
	return hole.l_type == F_UNLCK && left.l_type == F_WRLCK && left.l_start == 0 && left.l_len == 40 &&
			       right.l_type == F_WRLCK && right.l_start == 60 && right.l_len == 40
		       ? 0
		       : 1;
}
static int lock_free(int fd) { return setlk(fd, F_SETLK, F_WRLCK, 0, 0) == 0 ? 0 : 1; }

int main(void)
{
	tap_plan(11);
	const char *base = getenv("TMPDIR");
	snprintf(path, sizeof path, "%s/lxss-locks-%d", base && *base ? base : ".", (int)getpid());
	parent = getpid();
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "x", 1) != 1)
		return 1;

	tap_ok(setlk(fd, F_SETLK, F_WRLCK, 0, 100) == 0, "a write lock on bytes 0-99");
	tap_ok(in_child(sees_parent_lock) == 0, "another process's F_GETLK sees it: type, range, owner");
	tap_ok(in_child(refused) == 0, "and its F_SETLK on the range is EAGAIN");
	tap_ok(in_child(elsewhere_free) == 0, "a range outside it is free");
	struct flock own = getlk(fd, F_WRLCK, 0, 10);
	tap_ok(own.l_type == F_UNLCK && setlk(fd, F_SETLK, F_RDLCK, 0, 10) == 0, "one's own locks never conflict");

	setlk(fd, F_SETLK, F_WRLCK, 0, 100);
	setlk(fd, F_SETLK, F_UNLCK, 40, 20);
	tap_ok(in_child(split_seen) == 0, "unlocking 40-59 splits the lock in two");

	/* F_SETLKW waits for the unlock */
	int p[2];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		int cfd = open(path, O_RDWR);
		struct timespec a, b;
		char c = 'r';
		write(p[1], &c, 1);
		clock_gettime(CLOCK_MONOTONIC, &a);
		int r = setlk(cfd, F_SETLKW, F_WRLCK, 0, 10);
		clock_gettime(CLOCK_MONOTONIC, &b);
		long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
		_exit(r == 0 && ms >= 100 ? 0 : 1);
	}
	char c;
	read(p[0], &c, 1);
	usleep(300000);
	setlk(fd, F_SETLK, F_UNLCK, 0, 0);
	int st = 0;
	waitpid(pid, &st, 0);
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 0, "F_SETLKW waits until the owner unlocks", "status %#x", st);

	/* any close of the file releases the process's locks, even of another descriptor */
	tap_ok(setlk(fd, F_SETLK, F_WRLCK, 0, 0) == 0 && in_child(lock_free) == 1, "locked again: others are refused");
	int other = open(path, O_RDONLY);
	close(other);
	tap_ok(in_child(lock_free) == 0, "closing another descriptor of the file released the lock");

	int ro = open(path, O_RDONLY);
	tap_ok(setlk(ro, F_SETLK, F_WRLCK, 0, 1) == -1 && errno == EBADF, "a write lock through a read-only descriptor is EBADF");
	tap_ok(setlk(fd, F_SETLK, 7, 0, 1) == -1 && errno == EINVAL, "a bad lock type is EINVAL");
	close(ro);
	close(fd);
	unlink(path);
	return tap_done();
}
