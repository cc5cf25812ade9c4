/* lxscratch.h: an ELF test's scratch directory, and a path under it.
 *
 *   char dir[512];
 *   if (lx_scratch_dir(dir, sizeof dir, "name", NULL) != 0) return 1;
 *   const char *p = lx_scratch_path(dir, "sub/name");
 *
 * lx_scratch_path has four buffers in turn, so up to four such paths can be used in one call.
 * lx_file_put and lx_file_is write a file's text and compare it. */
#ifndef LXSCRATCH_H
#define LXSCRATCH_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* A new directory Top/lxss-NAME-XXXXXX into dir: Top is $TMPDIR (else "."), or "/tmp" when
 * Shared (an ordinary user must reach it: an oracle's $TMPDIR is its own 0700 directory).
 * 0, or -1 after printing "Bail out!" */
static inline int lx_scratch_dir(char *dir, size_t size, const char *name, int shared)
{
	const char *top = shared ? "/tmp" : getenv("TMPDIR");
	snprintf(dir, size, "%s/lxss-%s-XXXXXX", top && *top ? top : ".", name);
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static inline const char *lx_scratch_path(const char *dir, const char *name)
{
	static char buf[4][700];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

/* Writes text into path, opened O_WRONLY | flags (O_CREAT ... with mode): 0, or -1 */
static inline int lx_file_put(const char *path, int flags, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | flags, mode);
	if (fd < 0)
		return -1;
	int ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

/* Whether path holds exactly text (at most 255 bytes of it) */
static inline int lx_file_is(const char *path, const char *text)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return 0;
	buf[n] = 0;
	return strcmp(buf, text) == 0;
}

#endif /* LXSCRATCH_H */
