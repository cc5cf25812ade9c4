/* lxscratch.h: an ELF test's scratch directory, and a path under it.
 *
 *   char dir[512];
 *   if (lx_scratch_dir(dir, sizeof dir, "name", NULL) != 0) return 1;
 *   const char *p = lx_scratch_path(dir, "sub/name");
 *
 * lx_scratch_path has four buffers in turn, so up to four such paths can be used in one call. */
#ifndef LXSCRATCH_H
#define LXSCRATCH_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#endif /* LXSCRATCH_H */
