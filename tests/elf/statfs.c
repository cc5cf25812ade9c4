/* lxss-test: group=file needs=statfs,fstatfs,statfs64,fstatfs64,openat,pipe2 timeout=20 */
/* statfs: file system information. statfs64/fstatfs64 (the C library's statfs, fstatfs,
 * statvfs) and the 32-bit statfs/fstatfs give sizes that make sense (free <= total, available
 * <= free, a block size, a name length), agree between a path and a descriptor on it and
 * between the two layouts; /proc is procfs and a pipe pipefs; errors: ENOENT, ENOTDIR,
 * EFAULT, EBADF, and EINVAL for a wrong statfs64 size. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lxtap.h"

#define PROC_SUPER_MAGIC 0x9fa0
#define PIPEFS_MAGIC 0x50495045

/* the kernel's struct statfs (32-bit counts) */
struct kstatfs32 {
	uint32_t f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
};

int main(void)
{
	tap_plan(13);
	const char *dir = getenv("TMPDIR");
	if (!dir)
		dir = ".";

	struct statfs s, f;
	tap_ok_why(statfs(dir, &s) == 0 && s.f_bsize > 0 && s.f_blocks > 0 && s.f_bfree <= s.f_blocks &&
			   s.f_bavail <= s.f_bfree && s.f_namelen > 0 && s.f_frsize > 0,
		   "statfs of the scratch directory: sizes that make sense", "errno %d bsize %ld blocks %llu bfree %llu bavail %llu namelen %ld",
		   errno, (long)s.f_bsize, (unsigned long long)s.f_blocks, (unsigned long long)s.f_bfree,
		   (unsigned long long)s.f_bavail, (long)s.f_namelen);
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	tap_ok_why(fd >= 0 && fstatfs(fd, &f) == 0 && f.f_type == s.f_type && f.f_bsize == s.f_bsize &&
			   f.f_blocks == s.f_blocks && f.f_fsid.__val[0] == s.f_fsid.__val[0],
		   "fstatfs of a descriptor on it agrees", "type %#lx/%#lx blocks %llu/%llu", (long)f.f_type,
		   (long)s.f_type, (unsigned long long)f.f_blocks, (unsigned long long)s.f_blocks);
	struct kstatfs32 k;
	long r = syscall(SYS_statfs, dir, &k);
	tap_ok_why((r == 0 && k.f_type == (uint32_t)s.f_type && k.f_blocks == s.f_blocks && k.f_bsize == (uint32_t)s.f_bsize) ||
			   (r == -1 && errno == EOVERFLOW && s.f_blocks > 0xFFFFFFFFull),
		   "the 32-bit statfs says the same (or EOVERFLOW)", "r %ld errno %d", r, errno);
	r = syscall(SYS_fstatfs, fd, &k);
	tap_ok_why((r == 0 && k.f_blocks == s.f_blocks) || (r == -1 && errno == EOVERFLOW), "the 32-bit fstatfs too", "r %ld errno %d", r, errno);
	struct statvfs v;
	tap_ok_why(statvfs(dir, &v) == 0 && v.f_frsize == (unsigned long)s.f_frsize && v.f_blocks == s.f_blocks &&
			   v.f_namemax == (unsigned long)s.f_namelen,
		   "statvfs is built from it", "errno %d", errno);
	close(fd);

	tap_ok_why(statfs("/proc", &s) == 0 && s.f_type == PROC_SUPER_MAGIC, "/proc is procfs", "errno %d type %#lx", errno, (long)s.f_type);
	int p[2];
	pipe(p);
	tap_ok_why(fstatfs(p[0], &s) == 0 && s.f_type == PIPEFS_MAGIC, "a pipe is on pipefs", "errno %d type %#lx", errno, (long)s.f_type);
	close(p[0]);
	close(p[1]);

	tap_ok(statfs("/no-such-dir-lxss/x", &s) == -1 && errno == ENOENT, "a missing path is ENOENT");
	tap_ok(statfs("/dev/null/x", &s) == -1 && errno == ENOTDIR, "a path through a file is ENOTDIR");
	tap_ok(syscall(SYS_statfs64, dir, sizeof(struct statfs) + 4, &s) == -1 && errno == EINVAL, "statfs64 with a wrong size is EINVAL");
	tap_ok(syscall(SYS_statfs64, dir, sizeof(struct statfs), (void *)16) == -1 && errno == EFAULT, "a bad buffer is EFAULT");
	tap_ok(syscall(SYS_statfs64, (void *)16, sizeof(struct statfs), &s) == -1 && errno == EFAULT, "a bad path is EFAULT");
	tap_ok(fstatfs(999, &s) == -1 && errno == EBADF, "fstatfs of a closed descriptor is EBADF");
	return tap_done();
}
