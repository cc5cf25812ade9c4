/* lxss-test: group=file needs=utimensat_time64,openat,fstat64,stat64 timeout=20 */
/* utimes: setting file times. futimens with explicit times (also on a read-only descriptor
 * of one's own file), times before what the file system holds (Linux's vfat clamps 1970 to
 * 1980; other file systems keep 0), UTIME_NOW and UTIME_OMIT, utimensat with NULL (now), and
 * EINVAL for a bad nanosecond count. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"

#define Y2001 1000000000
#define JAN_4_1980 315792000

int main(void)
{
	tap_plan(7);
	char f[600];
	const char *base = getenv("TMPDIR");
	snprintf(f, sizeof f, "%s/lxss-utimes-%d", base && *base ? base : ".", (int)getpid());
	int fd = open(f, O_CREAT | O_RDWR | O_TRUNC, 0644);
	tap_ok(fd >= 0, "create a file");
	struct stat st;
	struct timespec t2001[2] = {{Y2001, 0}, {Y2001, 0}};
	tap_ok_why(futimens(fd, t2001) == 0 && fstat(fd, &st) == 0 && st.st_mtime == Y2001, "futimens to 2001",
		   "errno %d mtime %lld", errno, (long long)st.st_mtime);
	struct timespec zero[2] = {{0, 0}, {0, 0}};
	tap_ok_why(futimens(fd, zero) == 0 && fstat(fd, &st) == 0 && st.st_mtime < JAN_4_1980,
		   "futimens to 1970 succeeds (kept, or clamped to the file system's first day)", "errno %d mtime %lld",
		   errno, (long long)st.st_mtime);
	int ro = open(f, O_RDONLY);
	tap_ok_why(futimens(ro, t2001) == 0 && fstat(fd, &st) == 0 && st.st_mtime == Y2001,
		   "futimens on a read-only descriptor of one's own file", "errno %d mtime %lld", errno, (long long)st.st_mtime);
	close(ro);
	struct timespec omit[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
	tap_ok_why(futimens(fd, omit) == 0 && fstat(fd, &st) == 0 && st.st_mtime == Y2001, "UTIME_OMIT leaves mtime alone",
		   "errno %d mtime %lld", errno, (long long)st.st_mtime);
	time_t before = time(NULL);
	tap_ok_why(utimensat(AT_FDCWD, f, NULL, 0) == 0 && stat(f, &st) == 0 && st.st_mtime >= before - 3 &&
			   st.st_mtime <= time(NULL) + 3,
		   "utimensat(NULL) sets now", "errno %d mtime %lld now %lld", errno, (long long)st.st_mtime, (long long)before);
	struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
	tap_ok(utimensat(AT_FDCWD, f, bad, 0) == -1 && errno == EINVAL, "a nanosecond count of 10^9 is EINVAL");
	close(fd);
	unlink(f);
	return tap_done();
}
