/*
 * PROJECT:     lxss for ReactOS - lximport
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     gzip decompression (RFC 1952 around RFC 1951 deflate) from one descriptor to
 *              another, so lximport takes .tar.gz without a library (C99 + POSIX)
 */

#ifndef LXINFLATE_H
#define LXINFLATE_H

#include <stddef.h>

/* Decompresses the gzip stream (one member or more) read from in, after the Prefix bytes
 * already read from it (PrefixSize, at most 64 KiB), and writes it to out. Checks each
 * member's CRC-32 and size. 0, or -1 with a message in err. */
int lx_gunzip(int in, const void *prefix, size_t prefix_size, int out, char *err, size_t errsize);

#endif /* LXINFLATE_H */
