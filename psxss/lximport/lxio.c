/*
 * PROJECT:     lxss for ReactOS - lximport
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The decompressors' input, output, CRC-32 and failure (lxio.h)
 */

#include "lxio.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void lxio_init(lxio *io, int in, const void *prefix, size_t prefix_size, int out,
               const char *format, char *err, size_t errsize)
{
    memset(io, 0, sizeof *io);
    if (prefix_size > sizeof io->ibuf)
        prefix_size = sizeof io->ibuf;
    memcpy(io->ibuf, prefix, prefix_size);
    io->ilen = prefix_size;
    io->in = in;
    io->out = out;
    io->format = format;
    io->err = err;
    io->errsize = errsize;
}

void lxio_die(lxio *io, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(io->err, io->errsize, fmt, ap);
    va_end(ap);
    longjmp(io->fail, 1);
}

int lxio_byte(lxio *io)
{
    if (io->ipos == io->ilen) {
        ssize_t n;
        do
            n = read(io->in, io->ibuf, sizeof io->ibuf);
        while (n < 0 && errno == EINTR);
        if (n < 0)
            lxio_die(io, "reading the archive: %s", strerror(errno));
        if (n == 0)
            return -1;
        io->ipos = 0;
        io->ilen = (size_t)n;
    }
    io->consumed++;
    return io->ibuf[io->ipos++];
}

int lxio_need(lxio *io)
{
    int c = lxio_byte(io);
    if (c < 0)
        lxio_die(io, "the %s stream is cut short", io->format);
    return c;
}

void lxio_write(lxio *io, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(io->out, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            lxio_die(io, "writing the unpacked stream: %s", w < 0 ? strerror(errno) : "nothing written");
        p += w;
        n -= (size_t)w;
    }
}

uint32_t lxio_crc32(uint32_t crc, const unsigned char *p, size_t n)
{
    static uint32_t table[256];

    if (table[1] == 0) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    }
    crc = ~crc;
    while (n--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}
