/* The files persist and persist_check share (tests/elf/persist.c, persist_check.c): Linux
 * metadata that must survive a reboot, under $TMPDIR/lxss-persist. persist makes them (and
 * syncs); persist_check, run later in the same boot or in the next one on the same disk
 * (generator/src/vm/README.md: --payload-image), finds them as they were made. The oracles
 * run persist_check after persist (its metadata says after=persist). */
#ifndef LXPERSIST_H
#define LXPERSIST_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "lxscratch.h"
#include "lxtap.h"

#define PERSIST_CHECKS 9

static char persist_dir[512];

static const char *persist_at(const char *name)
{
	return lx_scratch_path(persist_dir, name);
}

/* /tmp/lxss-persist-<build>-<twin>: the same for persist and persist_check of one build (the
 * directory of the program file, hashed) and twin (-glibc, -dyn), apart from the others; not
 * under $TMPDIR, which an oracle gives each program of its own */
static void persist_init(const char *argv0)
{
	char exe[600] = "";
	unsigned hash = 2166136261u;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = 0;
	char *slash = strrchr(exe, '/');
	for (const char *p = exe; slash && p < slash; p++)
		hash = (hash ^ (unsigned char)*p) * 16777619u;
	const char *base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
	const char *twin = strchr(base, '-') ? strchr(base, '-') : "";
	snprintf(persist_dir, sizeof persist_dir, "/tmp/lxss-persist-%08x%s", hash, twin);
}

static int persist_is(const char *name, int follow, mode_t mode, uid_t uid, gid_t gid, dev_t rdev)
{
	struct stat st;
	const char *path = persist_at(name);
	if ((follow ? stat(path, &st) : lstat(path, &st)) != 0) {
		printf("# %s: %s\n", path, strerror(errno));
		return 0;
	}
	int ok = st.st_mode == mode && st.st_uid == uid && st.st_gid == gid && st.st_rdev == rdev;
	if (!ok)
		printf("# %s: mode %o uid %u gid %u rdev %llx\n", path, st.st_mode, st.st_uid, st.st_gid,
		       (unsigned long long)st.st_rdev);
	return ok;
}

/* the state persist leaves: PERSIST_CHECKS checks */
static void persist_check_all(const char *when)
{
	char name[200];
	snprintf(name, sizeof name, "%s: a set-user-ID file given to 123:456", when);
	tap_ok(persist_is("suid", 1, S_IFREG | 04711, 123, 456, 0), name);
	snprintf(name, sizeof name, "%s: a character device node 1:3 owned by 5:5", when);
	tap_ok(persist_is("null", 1, S_IFCHR | 0640, 5, 5, makedev(1, 3)), name);
	snprintf(name, sizeof name, "%s: a FIFO", when);
	tap_ok(persist_is("fifo", 1, S_IFIFO | 0604, 0, 0, 0), name);
	snprintf(name, sizeof name, "%s: a symbolic link owned by 7:8, its target's ids untouched", when);
	tap_ok(persist_is("link", 0, S_IFLNK | 0777, 7, 8, 0) && persist_is("suid", 1, S_IFREG | 04711, 123, 456, 0), name);
	snprintf(name, sizeof name, "%s: a renamed directory 0700 and its file 0600 of 9:9", when);
	tap_ok(persist_is("d", 1, S_IFDIR | 0700, 0, 0, 0) && persist_is("d/x", 1, S_IFREG | 0600, 9, 9, 0), name);
	snprintf(name, sizeof name, "%s: the last of 1200 chmods of one file counts", when);
	tap_ok(persist_is("many", 1, S_IFREG | 0640, 0, 0, 0), name);
	struct stat st;
	snprintf(name, sizeof name, "%s: a file removed stays removed; made again, it is new", when);
	tap_ok(lstat(persist_at("gone"), &st) == -1 && errno == ENOENT && persist_is("again", 1, S_IFREG | 0644, 0, 0, 0), name);
	struct stat st2;
	snprintf(name, sizeof name, "%s: two names of a 0612 file: one inode, st_nlink 2, its 2 bytes", when);
	tap_ok(persist_is("hl1", 1, S_IFREG | 0612, 0, 0, 0) && persist_is("hl2", 1, S_IFREG | 0612, 0, 0, 0) &&
	       stat(persist_at("hl1"), &st) == 0 && stat(persist_at("hl2"), &st2) == 0 && st.st_ino == st2.st_ino &&
	       st.st_nlink == 2 && st2.st_size == 2, name);
	snprintf(name, sizeof name, "%s: names that differ only in case: case and Case, cd and CD/x, each its own", when);
	tap_ok(persist_is("case", 1, S_IFREG | 0601, 0, 0, 0) && persist_is("Case", 1, S_IFREG | 0604, 0, 0, 0) &&
	       persist_is("cd", 1, S_IFDIR | 0755, 0, 0, 0) && persist_is("CD", 1, S_IFDIR | 0700, 0, 0, 0) &&
	       persist_is("CD/x", 1, S_IFREG | 0640, 0, 0, 0) && stat(persist_at("case"), &st) == 0 &&
	       stat(persist_at("Case"), &st2) == 0 && st.st_size == 1 && st2.st_size == 2 &&
	       stat(persist_at("CD/x"), &st) == 0 && st.st_size == 3 && lstat(persist_at("cd/x"), &st) == -1, name);
}

#endif
