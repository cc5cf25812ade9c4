/* lxscratch.h: a path under an ELF test's scratch directory.
 *
 *   const char *p = lx_scratch_path(dir, "sub/name");
 *
 * Four buffers in turn, so up to four such paths can be used in one call. */
#ifndef LXSCRATCH_H
#define LXSCRATCH_H

#include <stdio.h>

static inline const char *lx_scratch_path(const char *dir, const char *name)
{
	static char buf[4][700];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

#endif /* LXSCRATCH_H */
