/* lxss-test: group=file needs=open,openat,read,write,_llseek,pread64,pwrite64,readv,writev,fstat64,stat64,lstat64,fstatat64,getdents64,mkdir,rmdir,rename,unlink,symlink,readlink,ftruncate64,fsync,dup,dup2,fcntl64,umask timeout=30 */
/* file: file I/O in a scratch directory under $TMPDIR (or the current directory). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "lxtap.h"

struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static char dir[512];

static char *p(const char *name)
{
	static char buf[4][600];
	static int k;
	k = (k + 1) & 3;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

int main(void)
{
	tap_plan(39);
	/* The mode checks below assume the usual umask; whoever started us may have set another. */
	umask(022);
	const char *base = getenv("TMPDIR");
	if (!base || !*base) base = ".";
	snprintf(dir, sizeof dir, "%s/lxss-file-XXXXXX", base);
	tap_ok(mkdtemp(dir) != NULL, "mkdtemp scratch directory (mkdir)");

	int fd = open(p("a.txt"), O_CREAT | O_RDWR | O_TRUNC, 0644);
	tap_ok(fd >= 0, "open O_CREAT|O_RDWR");
	tap_eq(write(fd, "hello, world\n", 13), 13, "write 13 bytes");
	tap_eq(lseek(fd, 0, SEEK_CUR), 13, "lseek SEEK_CUR is 13");
	tap_eq(lseek(fd, 7, SEEK_SET), 7, "lseek SEEK_SET 7");
	char buf[64] = { 0 };
	tap_ok(read(fd, buf, sizeof buf) == 6 && memcmp(buf, "world\n", 6) == 0, "read from offset 7");
	tap_eq(read(fd, buf, sizeof buf), 0, "read at EOF returns 0");
	tap_eq(lseek(fd, -1, SEEK_END), 12, "lseek SEEK_END -1");
	/* 64-bit offsets: _llseek beyond 4 GiB on a sparse file is not needed; check the
	 * 64-bit return path with a large but valid offset. */
	off_t big = lseek(fd, (off_t)1 << 32, SEEK_SET);
	tap_ok(big == ((off_t)1 << 32), "lseek to 4 GiB (64-bit offset through _llseek)");
	memset(buf, 0, sizeof buf);
	tap_ok(pread(fd, buf, 5, 0) == 5 && memcmp(buf, "hello", 5) == 0, "pread 5 at offset 0");
	tap_eq(pwrite(fd, "HELLO", 5, 0), 5, "pwrite 5 at offset 0");
	tap_ok(pread(fd, buf, 13, 0) == 13 && memcmp(buf, "HELLO, world\n", 13) == 0, "pwrite changed the file");
	tap_ok(lseek(fd, 0, SEEK_CUR) == big, "pread/pwrite leave the offset alone");

	struct iovec iov[3] = { { "ab", 2 }, { "cde", 3 }, { "f\n", 2 } };
	lseek(fd, 0, SEEK_END);
	tap_eq(writev(fd, iov, 3), 7, "writev 3 buffers");
	char r1[4] = { 0 }, r2[16] = { 0 };
	struct iovec riov[2] = { { r1, 3 }, { r2, 16 } };
	lseek(fd, 10, SEEK_SET);
	tap_ok(readv(fd, riov, 2) == 10 && memcmp(r1, "ld\n", 3) == 0 && memcmp(r2, "abcdef\n", 7) == 0,
		"readv into 2 buffers");

	struct stat st;
	tap_ok(fstat(fd, &st) == 0 && st.st_size == 20 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0644,
		"fstat: size 20, regular, mode 0644");
	tap_eq(ftruncate(fd, 5), 0, "ftruncate to 5");
	tap_ok(fstat(fd, &st) == 0 && st.st_size == 5, "fstat sees size 5");
	tap_eq(fsync(fd), 0, "fsync");

	int fd2 = dup(fd);
	tap_ok(fd2 > fd || (fd2 >= 0 && fd2 != fd), "dup gives a new descriptor");
	tap_ok(lseek(fd2, 1, SEEK_SET) == 1 && lseek(fd, 0, SEEK_CUR) == 1, "dup'd descriptors share the offset");
	tap_eq(dup2(fd, 100), 100, "dup2 to 100");
	tap_ok(fcntl(100, F_GETFD) == 0 && fcntl(100, F_SETFD, FD_CLOEXEC) == 0 && fcntl(100, F_GETFD) == FD_CLOEXEC,
		"fcntl F_GETFD/F_SETFD FD_CLOEXEC");
	tap_ok((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR, "fcntl F_GETFL is O_RDWR");
	int fd3 = fcntl(fd, F_DUPFD, 50);
	tap_ok(fd3 >= 50, "fcntl F_DUPFD >= 50");
	close(fd3);
	close(100);
	close(fd2);

	tap_ok(stat(p("a.txt"), &st) == 0 && st.st_size == 5, "stat by path");
	tap_eq(symlink("a.txt", p("link")), 0, "symlink");
	char lbuf[64] = { 0 };
	tap_ok(readlink(p("link"), lbuf, sizeof lbuf) == 5 && memcmp(lbuf, "a.txt", 5) == 0, "readlink");
	tap_ok(lstat(p("link"), &st) == 0 && S_ISLNK(st.st_mode), "lstat sees a symlink");
	tap_ok(stat(p("link"), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 5, "stat follows the symlink");

	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	tap_ok(dfd >= 0, "open the directory O_DIRECTORY");
	int fd4 = openat(dfd, "b.txt", O_CREAT | O_WRONLY, 0600);
	tap_ok(fd4 >= 0 && write(fd4, "x", 1) == 1, "openat relative to a directory fd");
	close(fd4);
	tap_ok(fstatat(dfd, "b.txt", &st, 0) == 0 && st.st_size == 1 && (st.st_mode & 0777) == 0600,
		"fstatat relative to the directory fd");
	tap_eq(mkdir(p("sub"), 0755), 0, "mkdir sub");
	tap_eq(rename(p("b.txt"), p("sub/c.txt")), 0, "rename into sub");

	char dbuf[1024];
	int seen = 0;
	long n;
	while ((n = syscall(SYS_getdents64, dfd, dbuf, sizeof dbuf)) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(dbuf + off);
			if (!strcmp(d->d_name, ".")) seen |= 1;
			else if (!strcmp(d->d_name, "..")) seen |= 2;
			else if (!strcmp(d->d_name, "a.txt") && d->d_type == DT_REG) seen |= 4;
			else if (!strcmp(d->d_name, "link") && d->d_type == DT_LNK) seen |= 8;
			else if (!strcmp(d->d_name, "sub") && d->d_type == DT_DIR) seen |= 16;
			else seen |= 64; /* b.txt or anything unexpected */
			off += d->d_reclen;
		}
	}
	tap_ok_why(seen == 31, "getdents64 lists . .. a.txt link sub with types", "seen mask %#x", seen);
	DIR *dp = opendir(p("sub"));
	struct dirent *de;
	int found = 0;
	while (dp && (de = readdir(dp)))
		if (!strcmp(de->d_name, "c.txt")) found = 1;
	if (dp) closedir(dp);
	tap_ok(found, "readdir finds the renamed file");

	int clean = unlink(p("sub/c.txt")) == 0 && rmdir(p("sub")) == 0 && unlink(p("link")) == 0 &&
		unlink(p("a.txt")) == 0;
	tap_ok(clean, "unlink files, rmdir sub");
	close(dfd);
	close(fd);
	tap_eq(rmdir(dir), 0, "rmdir the scratch directory");
	return tap_done();
}
