/*
 * PROJECT:     lxss for ReactOS - lximport
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Unpacking a tar stream with Linux system calls, so that everything lands
 *              in lxcore's file layer: modes, owners, symbolic links, device nodes, FIFOs
 *              and times (C99 + POSIX; also built for the host's tests)
 */

#ifndef LXTAR_H
#define LXTAR_H

#include <stddef.h>

typedef struct lxtar_stats
{
    unsigned long files, dirs, symlinks, hardlinks, copied_links, nodes;
    unsigned long long bytes;   /* archive bytes read */
} lxtar_stats;

/* Unpacks the tar archive read from fd (ustar, GNU long names, pax path/linkpath/size/
 * uid/gid/mtime) under the directory dest. Entries keep their mode (set-user-ID too),
 * owner and time; a hard link whose link() fails is made a copy; names with ".." or that
 * leave dest are refused. Returns 0, or -1 with a message in err (a cut or damaged
 * archive, an entry that cannot be made). */
int lxtar_extract(int fd, const char *dest, lxtar_stats *stats, char *err, size_t errsize);

#endif /* LXTAR_H */
