/* lxss-test: group=identity needs=getgroups32,setgroups32,getgroups,setgroups,setresuid32,setresgid32,open,chown32,fork,wait4,execve timeout=20 */
/* groups: supplementary groups. Root's setgroups, kept sorted by getgroups, its EINVAL for
 * a list too small and for a negative size; /proc/self/status's Groups line; the 16-bit
 * getgroups (a gid above 65535 reads as 65534); inherited by a fork child and kept by
 * execve; an ordinary user's setgroups is EPERM. A supplementary group gives the group's
 * permission bits, without it the others' apply; an owner may give its file to one of its
 * supplementary groups, not to another group. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

/* the groups as "7 42 300" */
static void list_groups(char *text, size_t size)
{
	gid_t g[128];
	int n = getgroups(128, g);
	size_t used = 0;
	text[0] = 0;
	for (int i = 0; i < n && used < size; i++)
		used += snprintf(text + used, size - used, i ? " %u" : "%u", (unsigned)g[i]);
}

static int status_groups(const char *want)
{
	char text[4096];
	int fd = open("/proc/self/status", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	text[n] = 0;
	char *line = strstr(text, "\nGroups:\t");
	if (!line)
		return 0;
	line += 9;
	char *end = strchr(line, '\n');
	if (end)
		*end = 0;
	return strcmp(line, want) == 0;
}

/* in a child: drop to uid/gid 1000 with the given groups, then run Check; its result is the
 * exit status */
static int as_user(const gid_t *groups, int count, int (*check)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		if (setgroups(count, groups) != 0 || setresgid(1000, 1000, 1000) != 0 ||
		    setresuid(1000, 1000, 1000) != 0)
			_exit(90);
		_exit(check() ? 0 : 1);
	}
	int st = -1;
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int opens_rw(void)
{
	int fd = open(at("g42"), O_RDWR);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

static int refused_rw(void)
{
	errno = 0;
	return open(at("g42"), O_RDWR) == -1 && errno == EACCES;
}

static int cannot_setgroups(void)
{
	gid_t none[1] = { 5 };
	errno = 0;
	return setgroups(1, none) == -1 && errno == EPERM;
}

static int chgrp_own(void)
{
	int fd = open(at("mine"), O_CREAT | O_RDWR, 0644);
	if (fd < 0)
		return 0;
	close(fd);
	struct stat st;
	int to42 = chown(at("mine"), (uid_t)-1, 42) == 0 && stat(at("mine"), &st) == 0 && st.st_gid == 42;
	errno = 0;
	int to43 = chown(at("mine"), (uid_t)-1, 43) == -1 && errno == EPERM;
	return to42 && to43;
}

int main(int argc, char **argv)
{
	char text[512];

	if (argc > 1 && strcmp(argv[1], "list") == 0) {
		list_groups(text, sizeof text);
		printf("%s\n", text);
		return 0;
	}

	tap_plan(11);
	if (lx_scratch_dir(dir, sizeof dir, "groups", 1) != 0)
		return 1;
	chmod(dir, 0777);

	gid_t set[] = { 300, 7, 42 };
	tap_ok(setgroups(3, set) == 0 && getgroups(0, NULL) == 3, "root: setgroups of 3 groups, getgroups(0) counts them");
	list_groups(text, sizeof text);
	tap_ok_why(strcmp(text, "7 42 300") == 0, "getgroups gives them sorted", "got \"%s\"", text);
	gid_t small[2];
	errno = 0;
	int einval = getgroups(2, small) == -1 && errno == EINVAL;
	errno = 0;
	tap_ok(einval && setgroups(-1, set) == -1 && errno == EINVAL,
	       "getgroups into a list too small, setgroups of -1 groups: EINVAL");
	tap_ok(status_groups("7 42 300 "), "/proc/self/status: Groups:\\t7 42 300 ");

	char out[256];
	int st = lx_run((char *[]){ argv[0], "list", NULL }, NULL, out, sizeof out);
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 0 && strcmp(out, "7 42 300\n") == 0,
		   "a fork child execs with the same groups", "printed \"%s\"", out);

	gid_t wide[] = { 70000, 5 };
	unsigned short old[4] = { 0 };
	long n = setgroups(2, wide) == 0 ? syscall(SYS_getgroups, 4, old) : -1;
	tap_ok_why(n == 2 && old[0] == 5 && old[1] == 65534, "16-bit getgroups: a gid above 65535 reads as 65534",
		   "%ld: %u %u", n, old[0], old[1]);
	unsigned short oldset[] = { 9, 8 };
	tap_ok(syscall(SYS_setgroups, 2, oldset) == 0 && getgroups(0, NULL) == 2 && (list_groups(text, sizeof text), strcmp(text, "8 9") == 0),
	       "16-bit setgroups");

	/* a file the group may read and write, the others nothing */
	int fd = open(at("g42"), O_CREAT | O_RDWR, 0600);
	if (fd >= 0)
		close(fd);
	int made = fd >= 0 && chown(at("g42"), 0, 42) == 0 && chmod(at("g42"), 0060) == 0;
	tap_ok(made && as_user((gid_t[]){ 42 }, 1, opens_rw), "uid 1000 with supplementary group 42 opens a 0060 file of group 42");
	tap_ok(made && as_user((gid_t[]){ 41, 43 }, 2, refused_rw), "without group 42 it is refused (EACCES)");
	tap_ok(as_user((gid_t[]){ 42 }, 1, cannot_setgroups), "an ordinary user's setgroups: EPERM");
	tap_ok(as_user((gid_t[]){ 42 }, 1, chgrp_own), "the owner gives its file to its supplementary group 42, not to 43 (EPERM)");

	unlink(at("g42"));
	unlink(at("mine"));
	rmdir(dir);
	setgroups(0, NULL);
	return tap_done();
}
