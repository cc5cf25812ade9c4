/* bbrun: starts busybox's own testsuite (Debian's busybox source package, testsuite/runtest)
 * with the busybox binary beside it, the same way on Linux and in the guest, where no
 * launcher passes arguments: the layout is <dir>/bbrun, <dir>/busybox, <dir>/.config (the
 * build's configuration, which runtest reads) and <dir>/testsuite/, and <dir>/applets may
 * list the applets to test (one line, space separated; all of them when absent). It runs
 * "<dir>/busybox sh runtest [applets]" in <dir>/testsuite with PATH=<dir>:/bin and TMPDIR
 * pointing into the layout, and exits with runtest's status. Built against stock musl. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_APPLETS 512

int main(int argc, char **argv)
{
	char dir[PATH_MAX], busybox[PATH_MAX + 16], suite[PATH_MAX + 16], list[PATH_MAX + 16];
	char path[PATH_MAX + 16], tmp[PATH_MAX + 16];
	static char applets[16384];
	char *args[MAX_APPLETS + 4];
	int n = 0;

	(void)argc;
	if (!realpath(argv[0], dir)) {
		fprintf(stderr, "bbrun: cannot resolve %s: %s\n", argv[0], strerror(errno));
		return 126;
	}
	*strrchr(dir, '/') = '\0';
	if (dir[0] == '\0')
		strcpy(dir, "/");
	snprintf(busybox, sizeof busybox, "%s/busybox", dir);
	snprintf(suite, sizeof suite, "%s/testsuite", dir);
	snprintf(list, sizeof list, "%s/applets", dir);
	snprintf(path, sizeof path, "PATH=%s:/bin:/usr/bin", dir);
	snprintf(tmp, sizeof tmp, "%s/tmp", dir);

	args[n++] = busybox;
	args[n++] = "sh";
	args[n++] = "runtest";
	FILE *f = fopen(list, "r");
	if (f) {
		size_t len = fread(applets, 1, sizeof applets - 1, f);
		applets[len] = '\0';
		fclose(f);
		for (char *save = NULL, *a = strtok_r(applets, " \t\r\n", &save); a && n < MAX_APPLETS + 3;
		     a = strtok_r(NULL, " \t\r\n", &save))
			args[n++] = a;
	}
	args[n] = NULL;

	if (chdir(suite) != 0) {
		fprintf(stderr, "bbrun: cannot enter %s: %s\n", suite, strerror(errno));
		return 126;
	}
	putenv(path);
	setenv("TMPDIR", tmp, 1);
	setenv("HOME", tmp, 1);
	unsetenv("VERBOSE");
	execv(busybox, args);
	fprintf(stderr, "bbrun: cannot execute %s: %s\n", busybox, strerror(errno));
	return 127;
}
