/* lxss-test: group=identity needs=open,openat,unlink,rename,mkdir,execve,setresuid32,setresgid32,chmod,chown32 timeout=30 */
/* perms: Linux's permission checks by mode bits and owners. As an ordinary user (uid 1000,
 * gid 1000): root's 0600 file cannot be read, root's 0644 one read but not written, its own
 * 0400 file neither written nor truncated, a file of group 1000 with mode 0640 read but not
 * written; nothing inside root's 0700 directory reached (search permission on the way), a file
 * in its 0711 directory opened by name but the directory not listed; nothing made or removed in root's 0755 directory (files, directories, renames);
 * in a sticky 01777 directory its own file removed but another's refused (EPERM). execve
 * needs an execute bit, even for root. A set-user-ID root program run by the user has
 * effective uid 0, real uid 1000, saved uid 0 and AT_SECURE; without the bit it stays the
 * user's. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxscratch.h"
#include "lxtap.h"

static char dir[512];

static const char *at(const char *name)
{
	return lx_scratch_path(dir, name);
}

static int make(const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	int fd = open(at(name), O_CREAT | O_WRONLY | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "data", 4) != 4 || close(fd) != 0)
		return 0;
	return chown(at(name), uid, gid) == 0 && chmod(at(name), mode) == 0;
}

/* errno of open(name, flags) as the user, or 0 */
static int open_errno(const char *name, int flags)
{
	int fd = open(at(name), flags, 0644);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* the user's part: each check one bit of the exit status */
static int as_user(void)
{
	int bad = 0, bit = 0;
#define U(cond) (bad |= (cond) ? 0 : 1 << bit, bit++)
	if (setresgid(1000, 1000, 1000) != 0 || setresuid(1000, 1000, 1000) != 0)
		return 255;
	U(open_errno("root-0600", O_RDONLY) == EACCES);
	U(open_errno("root-0644", O_RDONLY) == 0 && open_errno("root-0644", O_WRONLY) == EACCES);
	struct stat st;
	U(open_errno("own-0400", O_WRONLY) == EACCES && open_errno("own-0400", O_RDONLY | O_TRUNC) == EACCES &&
	  stat(at("own-0400"), &st) == 0 && st.st_size == 4);
	U(open_errno("group-0640", O_RDONLY) == 0 && open_errno("group-0640", O_RDWR) == EACCES);
	U(open_errno("rootdir/new", O_CREAT | O_WRONLY) == EACCES && mkdir(at("rootdir/newdir"), 0755) == -1 && errno == EACCES);
	U(unlink(at("rootdir/f")) == -1 && errno == EACCES && rename(at("own-0400"), at("rootdir/moved")) == -1 && errno == EACCES);
	U(open_errno("sticky/mine", O_CREAT | O_WRONLY) == 0 && unlink(at("sticky/mine")) == 0);
	U(unlink(at("sticky/roots")) == -1 && errno == EPERM);
	U(access(at("root-0600"), R_OK) == -1 && errno == EACCES && access(at("root-0644"), R_OK) == 0 &&
	  access(at("root-0644"), W_OK) == -1 && errno == EACCES);
	U(chdir(at("private")) == -1 && errno == EACCES && chdir(at("rootdir")) == 0);
	U(open_errno("private/f", O_RDONLY) == EACCES && stat(at("private/f"), &st) == -1 && errno == EACCES &&
	  stat(at("private/missing"), &st) == -1 && errno == EACCES);
	DIR *d = opendir(at("passage"));
	U(open_errno("passage/f", O_RDONLY) == 0 && d == NULL && errno == EACCES);
	return bad;
#undef U
}

/* what `prog ids` prints when uid/gid 1000 runs it */
static void user_runs(const char *prog, char *out, size_t size)
{
	int p[2], status;
	ssize_t n;
	if (pipe(p) != 0) {
		out[0] = 0;
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		if (setresgid(1000, 1000, 1000) == 0 && setresuid(1000, 1000, 1000) == 0)
			execv(prog, (char *[]){(char *)prog, "ids", NULL});
		_exit(5);
	}
	close(p[1]);
	n = read(p[0], out, size - 1);
	out[n > 0 ? n : 0] = 0;
	close(p[0]);
	waitpid(pid, &status, 0);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "ids") == 0) {
		uid_t r, e, s;
		getresuid(&r, &e, &s);
		printf("%u %u %u %lu\n", r, e, s, getauxval(AT_SECURE));
		return 0;
	}
	tap_plan(17);
	if (lx_scratch_dir(dir, sizeof dir, "perms", 1) != 0)
		return 1;
	chmod(dir, 0755);
	int ok = make("root-0600", 0600, 0, 0) && make("root-0644", 0644, 0, 0) && make("own-0400", 0400, 1000, 1000) &&
		 make("group-0640", 0640, 0, 1000) && mkdir(at("rootdir"), 0755) == 0 && make("rootdir/f", 0644, 1000, 1000) &&
		 mkdir(at("sticky"), 0777) == 0 && chmod(at("sticky"), 01777) == 0 && make("sticky/roots", 0666, 0, 0) &&
		 mkdir(at("private"), 0700) == 0 && make("private/f", 0644, 0, 0) &&
		 mkdir(at("passage"), 0711) == 0 && make("passage/f", 0644, 0, 0);
	tap_ok(ok, "set up files and directories of root and of uid 1000");
	pid_t pid = fork();
	if (pid == 0)
		_exit(as_user());
	int status = -1;
	waitpid(pid, &status, 0);
	int bad = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
	const char *names[] = {
		"the user cannot read root's 0600 file",
		"the user reads root's 0644 file but cannot write it",
		"the user can neither write nor truncate its own 0400 file",
		"a member of the group reads a 0640 file but cannot write it",
		"the user makes nothing in root's 0755 directory (file, directory)",
		"the user removes and renames nothing into root's 0755 directory",
		"the user makes and removes its own file in a sticky 01777 directory",
		"the user cannot remove root's file from a sticky directory (EPERM)",
		"access(2) by the mode bits: R_OK of root's 0600 file EACCES, of its 0644 file 0, W_OK EACCES",
		"the user cannot chdir into root's 0700 directory, can into its 0755 one",
		"a file inside root's 0700 directory: open and stat EACCES (a missing one too)",
		"root's 0711 directory: the user opens a file in it by name, cannot list it",
	};
	for (int i = 0; i < 12; i++)
		tap_ok_why(bad != 255 && !(bad & (1 << i)), names[i], "status 0x%x", status);

	/* execve and set-user-ID: a copy of this program */
	char self[700], out[256];
	snprintf(self, sizeof self, "%s", at("prog"));
	int in = open("/proc/self/exe", O_RDONLY), fd = open(self, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	ssize_t n;
	char buf[65536];
	while (in >= 0 && fd >= 0 && (n = read(in, buf, sizeof buf)) > 0)
		if (write(fd, buf, n) != n)
			break;
	close(in);
	close(fd);
	char *args[] = {self, "ids", NULL};
	errno = 0;
	pid = fork();
	if (pid == 0) {
		execv(self, args);
		_exit(errno == EACCES ? 3 : 4);
	}
	waitpid(pid, &status, 0);
	tap_ok_why(WIFEXITED(status) && WEXITSTATUS(status) == 3, "execve of a 0644 file is EACCES, even for root", "status 0x%x", status);
	tap_ok(access(self, X_OK) == -1 && errno == EACCES && access(self, R_OK | W_OK) == 0, "access: root may read and write it, not execute it");

	chmod(self, 04755);
	user_runs(self, out, sizeof out);
	tap_ok_why(strcmp(out, "1000 0 0 1\n") == 0, "a set-user-ID root program runs with effective and saved uid 0 and AT_SECURE",
		   "printed \"%s\" (real effective saved secure)", out);
	chmod(self, 0755);
	user_runs(self, out, sizeof out);
	tap_ok_why(strcmp(out, "1000 1000 1000 0\n") == 0, "without the bit it runs as the user", "printed \"%s\"", out);

	const char *files[] = {"root-0600", "root-0644", "own-0400", "group-0640", "rootdir/f", "sticky/roots", "prog",
				"private/f", "passage/f", 0};
	for (int i = 0; files[i]; i++)
		unlink(at(files[i]));
	rmdir(at("rootdir"));
	rmdir(at("sticky"));
	rmdir(at("private"));
	rmdir(at("passage"));
	rmdir(dir);
	return tap_done();
}
