/* lxss-test: group=file needs=link,linkat,unlink,rename,open,read,write,stat64,lstat64,fstat64,chmod,chown32,symlink,readlink,getdents64,execve,fork,wait4 timeout=30 */
/* hardlinks: link(2) on the file system the tests run on (lxcore emulates hard links on FAT).
 * Two names of one file: the same inode number, st_nlink 2, the same mode and data, a write
 * through one read through the other, chmod and chown through one seen through the other;
 * EEXIST, EPERM (a directory) and ENOENT; a third name, then unlink of the first (the others
 * keep the data, st_nlink drops); rename of one name onto another of the same file does
 * nothing; rename of another file over a name; the last name's unlink ends the file, but an
 * open descriptor still reads it; a link to a symbolic link is one (readlink); a program run
 * through its second name; getdents lists the names with their type and stat's inode. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxscratch.h"
#include "lxspawn.h"
#include "lxtap.h"

static char dir[512];

static const char *at(const char *name)
{
	return lx_scratch_path(dir, name);
}

static int put(const char *name, const char *text, mode_t mode)
{
	return lx_file_put(at(name), O_CREAT | O_TRUNC, text, mode);
}

static int has(const char *name, const char *text)
{
	return lx_file_is(at(name), text);
}

/* the type getdents gives name in dir, or -1 when it is not listed; its d_ino in *ino */
static int listed_ino(const char *name, ino_t *ino)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int type = -1;
	while (d && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, name) == 0) {
			type = e->d_type;
			*ino = e->d_ino;
		}
	if (d)
		closedir(d);
	return type;
}

static int listed(const char *name)
{
	ino_t ino;
	return listed_ino(name, &ino);
}

int main(int argc, char **argv)
{
	struct stat a, b, c;

	if (argc > 1 && strcmp(argv[1], "ran") == 0) {
		printf("ran as %s\n", argv[0]);
		return 7;
	}
	if (lx_scratch_dir(dir, sizeof dir, "hardlinks", 0) != 0)
		return 1;
	umask(022);
	tap_plan(16);

	int made = put("f", "data", 0640) == 0 && link(at("f"), at("g")) == 0;
	tap_ok(made && stat(at("f"), &a) == 0 && stat(at("g"), &b) == 0 && a.st_ino == b.st_ino &&
	       a.st_nlink == 2 && b.st_nlink == 2 && (b.st_mode & 07777) == 0640 && b.st_size == 4 &&
	       S_ISREG(b.st_mode), "link: both names have one inode, st_nlink 2, the mode and size");

	int fd = open(at("g"), O_WRONLY | O_APPEND);
	int wrote = fd >= 0 && write(fd, "+more", 5) == 5;
	if (fd >= 0)
		close(fd);
	tap_ok(wrote && has("f", "data+more"), "a write through one name is read through the other");

	tap_ok(chmod(at("g"), 0604) == 0 && chown(at("g"), 123, 456) == 0 && stat(at("f"), &a) == 0 &&
	       (a.st_mode & 07777) == 0604 && a.st_uid == 123 && a.st_gid == 456,
	       "chmod and chown through one name show through the other");

	errno = 0;
	int eexist = link(at("f"), at("g")) == -1 && errno == EEXIST;
	mkdir(at("d"), 0755);
	errno = 0;
	int eperm = link(at("d"), at("d2")) == -1 && errno == EPERM;
	errno = 0;
	tap_ok(eexist && eperm && link(at("missing"), at("m2")) == -1 && errno == ENOENT,
	       "link onto a name that exists: EEXIST; of a directory: EPERM; of nothing: ENOENT");

	tap_ok(link(at("g"), at("h")) == 0 && stat(at("h"), &c) == 0 && c.st_nlink == 3 &&
	       c.st_ino == a.st_ino, "a third name: st_nlink 3");

	tap_ok(unlink(at("f")) == 0 && stat(at("g"), &b) == 0 && b.st_nlink == 2 && has("h", "data+more") &&
	       stat(at("f"), &a) == -1 && errno == ENOENT, "unlink of one name: the others keep the data, st_nlink 2");

	tap_ok(rename(at("g"), at("h")) == 0 && stat(at("g"), &a) == 0 && stat(at("h"), &b) == 0 &&
	       b.st_nlink == 2, "rename of a name onto another name of the same file does nothing");

	tap_ok(put("other", "other", 0644) == 0 && rename(at("other"), at("h")) == 0 && has("h", "other") &&
	       stat(at("g"), &a) == 0 && a.st_nlink == 1 && has("g", "data+more"),
	       "rename of another file over a name: that name is the other file, st_nlink 1");

	fd = open(at("g"), O_RDONLY);
	char buf[32] = { 0 };
	int gone = unlink(at("g")) == 0 && open(at("g"), O_RDONLY) == -1 && errno == ENOENT;
	tap_ok(gone && fd >= 0 && read(fd, buf, sizeof buf) == 9 && strcmp(buf, "data+more") == 0,
	       "the last name's unlink ends the file; an open descriptor still reads it");
	if (fd >= 0)
		close(fd);

	tap_ok(symlink("some/target", at("s")) == 0 && link(at("s"), at("s2")) == 0 &&
	       lstat(at("s2"), &a) == 0 && S_ISLNK(a.st_mode) && a.st_nlink == 2 &&
	       readlink(at("s2"), buf, sizeof buf) == 11 && memcmp(buf, "some/target", 11) == 0,
	       "a link to a symbolic link is one: readlink gives its target, st_nlink 2");

	ino_t ix = 0, iy = 1;
	tap_ok(put("x", "x", 0644) == 0 && link(at("x"), at("y")) == 0 && listed_ino("x", &ix) == DT_REG &&
	       listed_ino("y", &iy) == DT_REG && ix == iy && stat(at("y"), &a) == 0 && a.st_ino == iy &&
	       listed("s2") == DT_LNK, "getdents: both names regular files with the inode stat gives; the symbolic link's a link");
	tap_ok(listed(".lxss-inodes") == -1, "no inode directory shows in the listing");

	/* this program, copied, run through a second name */
	int in = open("/proc/self/exe", O_RDONLY), out = open(at("prog"), O_CREAT | O_WRONLY | O_TRUNC, 0755);
	char copy[65536];
	ssize_t n;
	int copied = in >= 0 && out >= 0;
	while (copied && (n = read(in, copy, sizeof copy)) > 0)
		copied = write(out, copy, n) == n;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	char printed[256];
	int st = copied && link(at("prog"), at("prog2")) == 0 ?
		 lx_run((char *[]){ (char *)at("prog2"), "ran", NULL }, NULL, printed, sizeof printed) : -1;
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 7 && strstr(printed, "ran as") != NULL,
		   "a program runs through its second name", "status 0x%x", st);

	tap_ok(unlink(at("prog")) == 0 && stat(at("prog2"), &a) == 0 && a.st_nlink == 1 && (a.st_mode & 0777) == 0755,
	       "after the first name's unlink the second keeps the mode, st_nlink 1");

	errno = 0;
	int dir_link = linkat(AT_FDCWD, at("d"), AT_FDCWD, at("d3"), 0) == -1 && errno == EPERM;
	tap_ok(dir_link, "linkat of a directory: EPERM");
	tap_ok(unlink(at("h")) == 0 && unlink(at("s")) == 0 && unlink(at("s2")) == 0 && unlink(at("x")) == 0 &&
	       unlink(at("y")) == 0 && unlink(at("prog2")) == 0 && rmdir(at("d")) == 0 && rmdir(dir) == 0,
	       "every name unlinked, the directory removed");
	return tap_done();
}
