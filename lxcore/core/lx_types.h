/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Basic types and tiny freestanding helpers for lxcore/core
 *
 * lxcore/core is C99 with no NT headers and no C library calls, so the same sources build in
 * the ReactOS kernel (ntoskrnl's CRT headers provide stdint.h/stddef.h) and on the host.
 */

#ifndef LX_TYPES_H
#define LX_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "lx_errno.h"

static inline void lx_copy(void *dst, const void *src, size_t n)
{
    uint8_t *d = (uint8_t *)dst;
    const uint8_t *s = (const uint8_t *)src;
    while (n--)
        *d++ = *s++;
}

static inline void lx_zero(void *dst, size_t n)
{
    uint8_t *d = (uint8_t *)dst;
    while (n--)
        *d++ = 0;
}

/* Little-endian fields of Linux structures laid out byte by byte */
static inline uint16_t lx_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t lx_get32(const uint8_t *p)
{
    return (uint32_t)lx_get16(p) | ((uint32_t)lx_get16(p + 2) << 16);
}

static inline void lx_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void lx_put32(uint8_t *p, uint32_t v)
{
    lx_put16(p, (uint16_t)v);
    lx_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void lx_put64(uint8_t *p, uint64_t v)
{
    lx_put32(p, (uint32_t)v);
    lx_put32(p + 4, (uint32_t)(v >> 32));
}

static inline size_t lx_strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static inline uint32_t lx_round_down(uint32_t v, uint32_t align)
{
    return v & ~(align - 1);
}

/* Rounds up; returns 0 (and sets *overflow) if the result would not fit in 32 bits. */
static inline uint32_t lx_round_up(uint32_t v, uint32_t align, int *overflow)
{
    uint64_t r = ((uint64_t)v + align - 1) & ~(uint64_t)(align - 1);
    if (r > 0xFFFFFFFFu)
    {
        *overflow = 1;
        return 0;
    }
    return (uint32_t)r;
}

#endif /* LX_TYPES_H */
