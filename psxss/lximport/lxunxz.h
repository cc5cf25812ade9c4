/*
 * PROJECT:     lxss for ReactOS - lximport
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     xz decompression (the .xz container around LZMA2) from one descriptor to
 *              another, so lximport takes .tar.xz without a library (C99 + POSIX)
 */

#ifndef LXUNXZ_H
#define LXUNXZ_H

#include <stddef.h>

/* Decompresses the xz stream (one or more streams, with stream padding) read from in, after
 * the Prefix bytes already read from it (PrefixSize, at most 64 KiB), and writes it to out.
 * Checks the headers' and the index's CRC-32, each block's check (none, CRC-32 or CRC-64;
 * SHA-256 is refused), the index against the blocks and the footer. Only the LZMA2 filter,
 * with a dictionary of at most 64 MiB (xz -9's). 0, or -1 with a message in err. */
int lx_unxz(int in, const void *prefix, size_t prefix_size, int out, char *err, size_t errsize);

#endif /* LXUNXZ_H */
