/* lxss-test: group=file needs=chmod,fchmod,chown32,lchown32,fchown32,mknod,mknodat,stat64,lstat64,fstat64,rename,symlink,setresuid32,setresgid32 timeout=20 */
/* owners: Linux metadata of files beyond the permission bits, which lxcore keeps in its
 * journal (lxcore/fs/meta.c): a new file's owner is the creator's, chmod and chown as root
 * (chown clears set-user-ID, and set-group-ID where the group may execute, but not on a
 * directory), lchown changes the link and not its target, fchown, rename keeps a file's and
 * a directory's children's metadata, a name made again starts afresh; mknod of a character
 * device (the null device behind it), a FIFO, a plain file, and Linux's EPERM/EINVAL/EEXIST;
 * an ordinary user may not chmod root's file, give its own away or make a device, and its
 * new files are its own. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxscratch.h"
#include "lxtap.h"

static char dir[512];

static const char *at(const char *name)
{
	return lx_scratch_path(dir, name);
}

static int st_is(const char *path, int follow, mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st;
	if ((follow ? stat(path, &st) : lstat(path, &st)) != 0)
		return 0;
	if (st.st_mode != mode || st.st_uid != uid || st.st_gid != gid)
		printf("# %s: mode %o uid %u gid %u\n", path, st.st_mode, st.st_uid, st.st_gid);
	return st.st_mode == mode && st.st_uid == uid && st.st_gid == gid;
}

/* the ordinary user's part, in a child: its exit status is the number of failed checks */
static int as_user(void)
{
	int bad = 0;
	if (setresgid(1000, 1000, 1000) != 0 || setresuid(1000, 1000, 1000) != 0)
		return 100;
	errno = 0;
	bad += !(chmod(at("root-file"), 0777) == -1 && errno == EPERM);
	bad += !(chown(at("root-file"), 1000, 1000) == -1 && errno == EPERM);
	int fd = open(at("user-file"), O_CREAT | O_WRONLY, 0640);
	bad += !(fd >= 0 && st_is(at("user-file"), 1, S_IFREG | 0640, 1000, 1000));
	close(fd);
	bad += !(chown(at("user-file"), 1000, 1000) == 0);
	errno = 0;
	bad += !(chown(at("user-file"), 0, -1) == -1 && errno == EPERM);
	errno = 0;
	bad += !(mknod(at("user-null"), S_IFCHR | 0666, makedev(1, 3)) == -1 && errno == EPERM);
	bad += !(chmod(at("user-file"), 0600) == 0 && st_is(at("user-file"), 1, S_IFREG | 0600, 1000, 1000));
	return bad;
}

int main(void)
{
	tap_plan(18);
	if (lx_scratch_dir(dir, sizeof dir, "owners", 1) != 0)
		return 1;
	chmod(dir, 0777);
	umask(022);
	uid_t uid = geteuid();
	gid_t gid = getegid();

	int fd = open(at("f"), O_CREAT | O_RDWR, 0666);
	tap_ok(fd >= 0 && st_is(at("f"), 1, S_IFREG | 0644, uid, gid), "a new file: mode 0666 & ~umask, the creator's ids");
	tap_ok(chmod(at("f"), 04755) == 0 && st_is(at("f"), 1, S_IFREG | 04755, uid, gid), "chmod 04755");
	tap_ok(chown(at("f"), 1000, 100) == 0 && st_is(at("f"), 1, S_IFREG | 0755, 1000, 100),
	       "chown as root gives the file away and clears set-user-ID");
	tap_ok(chmod(at("f"), 02755) == 0 && chown(at("f"), -1, -1) == 0 && st_is(at("f"), 1, S_IFREG | 0755, 1000, 100),
	       "chown(-1, -1) clears set-group-ID of a group-executable file");
	tap_ok(fchown(fd, 2000, 2001) == 0 && st_is(at("f"), 1, S_IFREG | 0755, 2000, 2001), "fchown");
	close(fd);

	tap_ok(mkdir(at("d"), 02777) == 0 && st_is(at("d"), 1, S_IFDIR | 0755, uid, gid) && chmod(at("d"), 02775) == 0 &&
		       chown(at("d"), 5, 6) == 0 && st_is(at("d"), 1, S_IFDIR | 02775, 5, 6),
	       "mkdir drops set-group-ID from its mode; chown of a directory keeps it");
	tap_ok(symlink("f", at("l")) == 0 && lchown(at("l"), 7, 8) == 0 && st_is(at("l"), 0, S_IFLNK | 0777, 7, 8) &&
		       st_is(at("f"), 1, S_IFREG | 0755, 2000, 2001),
	       "lchown changes the link, not its target");

	fd = open(at("d/x"), O_CREAT | O_WRONLY, 0600);
	close(fd);
	tap_ok(chown(at("d/x"), 9, 9) == 0 && rename(at("d"), at("e")) == 0 && st_is(at("e/x"), 1, S_IFREG | 0600, 9, 9) &&
		       rename(at("f"), at("g")) == 0 && st_is(at("g"), 1, S_IFREG | 0755, 2000, 2001),
	       "rename keeps a file's and a directory's children's metadata");
	tap_ok(unlink(at("g")) == 0 && (fd = open(at("g"), O_CREAT | O_WRONLY, 0600)) >= 0 &&
		       st_is(at("g"), 1, S_IFREG | 0600, uid, gid),
	       "a name made again after unlink starts afresh");
	close(fd);

	struct stat st;
	tap_ok(mknod(at("null"), S_IFCHR | 0666, makedev(1, 3)) == 0 && stat(at("null"), &st) == 0 && S_ISCHR(st.st_mode) &&
		       (st.st_mode & 07777) == 0644 && st.st_rdev == makedev(1, 3),
	       "mknod of a character device: its type, mode and number");
	fd = open(at("null"), O_RDWR);
	char c;
	tap_ok(fd >= 0 && write(fd, "12345", 5) == 5 && read(fd, &c, 1) == 0, "the node opens the null device");
	close(fd);
	tap_ok(mknodat(AT_FDCWD, at("fifo"), S_IFIFO | 0600, 0) == 0 && stat(at("fifo"), &st) == 0 && S_ISFIFO(st.st_mode) &&
		       (st.st_mode & 07777) == 0600,
	       "mknodat of a FIFO");
	tap_ok(mknod(at("plain"), 0640, 0) == 0 && st_is(at("plain"), 1, S_IFREG | 0640, uid, gid), "mknod without a type makes a regular file");
	DIR *d = opendir(dir);
	struct dirent *de;
	int types = 0;
	while (d && (de = readdir(d)) != NULL) {
		types |= (!strcmp(de->d_name, "null") && de->d_type == DT_CHR) ? 1 : 0;
		types |= (!strcmp(de->d_name, "fifo") && de->d_type == DT_FIFO) ? 2 : 0;
		types |= (!strcmp(de->d_name, "plain") && de->d_type == DT_REG) ? 4 : 0;
	}
	if (d)
		closedir(d);
	tap_ok_why(types == 7, "readdir gives the nodes' types (DT_CHR, DT_FIFO, DT_REG)", "found mask %d", types);
	tap_errno(mknod(at("dir"), S_IFDIR | 0755, 0), EPERM, "mknod of a directory is EPERM");
	tap_errno(mknod(at("plain"), S_IFREG | 0644, 0), EEXIST, "mknod of an existing name is EEXIST");

	fd = open(at("root-file"), O_CREAT | O_WRONLY, 0644);
	close(fd);
	pid_t pid = fork();
	if (pid == 0)
		_exit(as_user());
	int status = -1;
	waitpid(pid, &status, 0);
	tap_ok_why(WIFEXITED(status) && WEXITSTATUS(status) == 0, "an ordinary user: EPERM for root's file, a device or giving away; its files are its own",
		   "status 0x%x (exit: failed checks)", status);
	tap_ok(st_is(at("root-file"), 1, S_IFREG | 0644, uid, gid), "root's file is unchanged");

	const char *names[] = {"null", "fifo", "plain", "root-file", "user-file", "g", "l", "e/x", "e", 0};
	for (int i = 0; names[i]; i++)
		(i == 8 ? rmdir : unlink)(at(names[i]));
	rmdir(dir);
	return tap_done();
}
