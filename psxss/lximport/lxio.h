/*
 * PROJECT:     lxss for ReactOS - lximport
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     What the decompressors share (C99 + POSIX): buffered input from a descriptor
 *              after bytes already read, output to another, CRC-32, and failing with a
 *              message through a longjmp
 */

#ifndef LXIO_H
#define LXIO_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lxio
{
    int in, out;
    unsigned char ibuf[65536];
    size_t ipos, ilen;
    uint64_t consumed;          /* input bytes taken */
    const char *format;         /* "gzip", "xz": "the <format> stream is cut short" */
    char *err;
    size_t errsize;
    jmp_buf fail;               /* lxio_die jumps here: the caller setjmp's it */
} lxio;

/* Starts io on in (Prefix: PrefixSize bytes already read from it, at most 64 KiB) and out,
 * failures described in err */
void lxio_init(lxio *io, int in, const void *prefix, size_t prefix_size, int out,
               const char *format, char *err, size_t errsize);
/* The message into err, then longjmp(io->fail, 1) */
void lxio_die(lxio *io, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* The next input byte, -1 at the end of the input */
int lxio_byte(lxio *io);
/* The next input byte; the end of the input is "the <format> stream is cut short" */
int lxio_need(lxio *io);
/* All of [p, p + n) to the output */
void lxio_write(lxio *io, const unsigned char *p, size_t n);
/* CRC-32 (gzip's and xz's) of n bytes at p, continuing crc (0 to start) */
uint32_t lxio_crc32(uint32_t crc, const unsigned char *p, size_t n);

#endif /* LXIO_H */
