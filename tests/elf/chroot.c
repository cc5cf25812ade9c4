/* lxss-test: group=file needs=chroot,chdir,getcwd,open,read,chmod,symlink,readlink,link,stat64,execve,fork,wait4,setresuid32 timeout=30 */
/* chroot: a root process's "/" becomes a directory. Refused to an ordinary user (EPERM), for
 * a file (ENOTDIR) and for nothing (ENOENT). Inside (a fork child): the working directory
 * below the new root is seen from it, "/.." is "/" and nothing outside is reachable, an
 * absolute symbolic link resolves inside, a program there runs; a chmod, a symbolic link and
 * a hard link made inside are what the parent sees outside. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxscratch.h"
#include "lxtap.h"

static char dir[512];

static const char *at(const char *name)
{
	return lx_scratch_path(dir, name);
}

static int has(const char *path, const char *text)
{
	return lx_file_is(path, text);
}

static int put(const char *path, const char *text)
{
	return lx_file_put(path, O_CREAT | O_TRUNC, text, 0644);
}

/* the child inside the jail: each check one bit of the exit status */
static int inside(int dynamic)
{
	int bad = 0, bit = 0;
	char cwd[256];
#define U(cond) (bad |= (cond) ? 0 : 1 << bit, bit++)
	char jail[700];
	if (!realpath(at("jail"), jail) || chdir(at("jail/sub")) != 0 || chroot(jail) != 0)
		return 255;
	U(getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, "/sub") == 0);
	U(has("/sub/f", "inside") && has("f", "inside") && has("/../../sub/f", "inside"));
	U(open("/../outer", O_RDONLY) == -1 && errno == ENOENT);
	U(has("/abs", "inside"));
	U(chmod("/sub/f", 0604) == 0 && symlink("f", "/sub/l") == 0 && link("/sub/f", "/sub/g") == 0);
	/* a dynamically linked build has no libraries in the jail: it cannot run there */
	pid_t pid = dynamic ? -1 : fork();
	if (pid == 0) {
		execl("/prog", "/prog", "jailed", (char *)NULL);
		_exit(99);
	}
	int st = -1;
	U(dynamic || (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 5));
	return bad;
#undef U
}

int main(int argc, char **argv)
{
	struct stat a, b;

	if (argc > 1 && strcmp(argv[1], "jailed") == 0)
		return has("/sub/f", "inside") ? 5 : 6;
	/* under /tmp, searchable: the ordinary user must reach the jail to be refused */
	if (lx_scratch_dir(dir, sizeof dir, "chroot", 1) != 0)
		return 1;
	chmod(dir, 0755);
	tap_plan(9);

	/* the jail: jail/sub/f, an absolute link to it, this program as jail/prog */
	int in = open("/proc/self/exe", O_RDONLY), out;
	int made = mkdir(at("jail"), 0755) == 0 && mkdir(at("jail/sub"), 0755) == 0 &&
		   put(at("jail/sub/f"), "inside") == 0 && put(at("outer"), "outer") == 0 &&
		   symlink("/sub/f", at("jail/abs")) == 0 && in >= 0 &&
		   (out = open(at("jail/prog"), O_CREAT | O_WRONLY | O_TRUNC, 0755)) >= 0;
	char copy[65536];
	ssize_t n;
	while (made && (n = read(in, copy, sizeof copy)) > 0)
		made = write(out, copy, n) == n;
	if (made)
		close(out);
	if (in >= 0)
		close(in);
	tap_ok(made, "a jail: a directory, a file, an absolute symbolic link, a program");

	errno = 0;
	int enotdir = chroot(at("outer")) == -1 && errno == ENOTDIR;
	errno = 0;
	tap_ok(enotdir && chroot(at("missing")) == -1 && errno == ENOENT, "chroot of a file: ENOTDIR; of nothing: ENOENT");

	pid_t pid = fork();
	if (pid == 0) {
		if (setresuid(1000, 1000, 1000) != 0)
			_exit(2);
		_exit(chroot(at("jail")) == -1 && errno == EPERM ? 0 : 1);
	}
	int st = -1;
	tap_ok(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "an ordinary user's chroot: EPERM");

	pid = fork();
	if (pid == 0)
		_exit(inside(getauxval(AT_BASE) != 0));
	st = -1;
	waitpid(pid, &st, 0);
	int bad = WIFEXITED(st) ? WEXITSTATUS(st) : 255;
	const char *names[] = {
		"inside: the working directory below the new root is /sub",
		"inside: its file by absolute, relative and /../.. paths",
		"inside: nothing outside the new root is reachable",
		"inside: an absolute symbolic link resolves within",
	};
	for (int i = 0; i < 4; i++)
		tap_ok_why(bad != 255 && !(bad & (1 << i)), names[i], "status 0x%x", st);
	tap_ok_why(bad != 255 && !(bad & 48), "a program inside runs (a static build); a chmod, a symbolic link and a hard link made inside",
		   "status 0x%x", st);

	char target[32] = { 0 };
	tap_ok(stat(at("jail/sub/f"), &a) == 0 && (a.st_mode & 07777) == 0604 &&
	       readlink(at("jail/sub/l"), target, sizeof target) == 1 && target[0] == 'f' &&
	       stat(at("jail/sub/g"), &b) == 0 && b.st_ino == a.st_ino && a.st_nlink == 2,
	       "outside, the chmod, the symbolic link and the hard link are there");

	const char *names2[] = {"jail/sub/f", "jail/sub/g", "jail/sub/l", "jail/abs", "jail/prog", "outer", 0};
	for (int i = 0; names2[i]; i++)
		unlink(at(names2[i]));
	rmdir(at("jail/sub"));
	rmdir(at("jail"));
	rmdir(dir);
	return tap_done();
}
