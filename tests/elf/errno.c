/* lxss-test: group=errno needs=open,close,read,write,mkdir,stat64,utimensat_time64 timeout=10 */
/* errno: the error paths a kernel must report exactly: ENOENT, EBADF, EFAULT, EEXIST,
 * ENOTDIR, EISDIR, EINVAL, and errno unchanged by a successful call. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lxtap.h"

int main(void)
{
	tap_plan(16);
	char dir[512];
	const char *base = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/lxss-errno-XXXXXX", base && *base ? base : ".");
	tap_ok(mkdtemp(dir) != NULL, "scratch directory");
	char f[600], sub[700];
	snprintf(f, sizeof f, "%s/file", dir);

	tap_errno(open("/nonexistent-lxss/none", O_RDONLY), ENOENT, "open of a missing path: ENOENT");
	tap_errno(close(12345), EBADF, "close of a bad fd: EBADF");
	tap_errno(read(-1, f, 1), EBADF, "read of fd -1: EBADF");
	/* Through syscall() so libc cannot look at the pointer first. */
	tap_errno(syscall(SYS_write, 1, (void *)16, 4), EFAULT, "write from an unmapped buffer: EFAULT");
	tap_errno(syscall(SYS_open, (void *)16, O_RDONLY, 0), EFAULT, "open with an unmapped path: EFAULT");
	int fd = open(f, O_CREAT | O_WRONLY, 0600);
	tap_ok(fd >= 0, "create a file");
	tap_errno(open(f, O_CREAT | O_EXCL | O_WRONLY, 0600), EEXIST, "O_CREAT|O_EXCL on an existing file: EEXIST");
	tap_errno(mkdir(dir, 0700), EEXIST, "mkdir of an existing directory: EEXIST");
	snprintf(sub, sizeof sub, "%s/x", f);
	struct stat st;
	tap_errno(stat(sub, &st), ENOTDIR, "a path through a regular file: ENOTDIR");
	tap_errno(utimensat(AT_FDCWD, sub, NULL, 0), ENOTDIR, "utimensat through a regular file: ENOTDIR");
	tap_errno(open("/dev/null/x", O_RDONLY), ENOTDIR, "open through /dev/null: ENOTDIR");
	tap_errno(utimensat(AT_FDCWD, "/dev/null/invalid", NULL, 0), ENOTDIR, "utimensat through /dev/null: ENOTDIR");
	tap_errno(open(dir, O_WRONLY), EISDIR, "open a directory for writing: EISDIR");
	tap_errno(lseek(fd, -100, SEEK_SET), EINVAL, "lseek to a negative offset: EINVAL");
	errno = 1234;
	int ok = getpid() > 0 && errno == 1234;
	tap_ok(ok, "a successful call leaves errno alone");
	close(fd);
	unlink(f);
	rmdir(dir);
	return tap_done();
}
