/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The on-disk journal of Linux metadata: record encoding and checking
 */

#include "lx_meta.h"

static const char lx_meta_magic[8] = { 'L', 'X', 'S', 'S', 'M', 'E', 'T', 'A' };

uint32_t lx_crc32(uint32_t crc, const void *data, size_t size)
{
    const uint8_t *p = data;
    size_t i;
    int bit;

    crc = ~crc;
    for (i = 0; i < size; i++)
    {
        crc ^= p[i];
        for (bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

static uint32_t get16(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return get16(p) | (get16(p + 2) << 16);
}

void lx_meta_write_header(uint8_t *buf)
{
    size_t i;

    for (i = 0; i < sizeof(lx_meta_magic); i++)
        buf[i] = (uint8_t)lx_meta_magic[i];
    put32(buf + 8, LX_META_VERSION);
    put32(buf + 12, 0);
}

int lx_meta_check_header(const uint8_t *buf, size_t avail)
{
    size_t i;

    if (avail < LX_META_HEADER_SIZE)
        return 0;
    for (i = 0; i < sizeof(lx_meta_magic); i++)
    {
        if (buf[i] != (uint8_t)lx_meta_magic[i])
            return 0;
    }
    return get32(buf + 8) == LX_META_VERSION && get32(buf + 12) == 0;
}

size_t lx_meta_record_size(size_t path_len, size_t path2_len)
{
    return ((LX_META_RECORD_FIXED + path_len + path2_len + 3) & ~(size_t)3) + 4;
}

/* an absolute path of 1..4095 bytes with no NUL */
static int lx_meta_path_ok(const char *path, size_t len)
{
    size_t i;

    if (path == 0 || len == 0 || len > 4095 || path[0] != '/')
        return 0;
    for (i = 0; i < len; i++)
    {
        if (path[i] == '\0')
            return 0;
    }
    return 1;
}

static int lx_meta_record_ok(const lx_meta_record *rec)
{
    if (rec->op < LX_META_OP_SET || rec->op > LX_META_OP_RENAME)
        return 0;
    if (!lx_meta_path_ok(rec->path, rec->path_len))
        return 0;
    if (rec->op == LX_META_OP_RENAME)
        return lx_meta_path_ok(rec->path2, rec->path2_len);
    if (rec->path2_len != 0)
        return 0;
    /* only a SET carries fields */
    return rec->op == LX_META_OP_SET ||
           (rec->mode == 0 && rec->uid == 0 && rec->gid == 0 && rec->rdev == 0);
}

size_t lx_meta_encode(uint8_t *buf, size_t cap, const lx_meta_record *rec)
{
    size_t size, at, i;

    if (!lx_meta_record_ok(rec))
        return 0;
    size = lx_meta_record_size(rec->path_len, rec->path2_len);
    if (size > cap)
        return 0;
    put32(buf, (uint32_t)size);
    buf[4] = rec->op;
    buf[5] = 0;
    put16(buf + 6, rec->path_len);
    put32(buf + 8, rec->mode);
    put32(buf + 12, rec->uid);
    put32(buf + 16, rec->gid);
    put32(buf + 20, rec->rdev);
    put16(buf + 24, rec->path2_len);
    put16(buf + 26, 0);
    at = LX_META_RECORD_FIXED;
    for (i = 0; i < rec->path_len; i++)
        buf[at++] = (uint8_t)rec->path[i];
    for (i = 0; i < rec->path2_len; i++)
        buf[at++] = (uint8_t)rec->path2[i];
    while (at < size - 4)
        buf[at++] = 0;
    put32(buf + at, lx_crc32(0, buf, at));
    return size;
}

size_t lx_meta_decode(const uint8_t *buf, size_t avail, lx_meta_record *rec)
{
    size_t size, at;

    if (avail < LX_META_RECORD_FIXED + 4)
        return 0;
    size = get32(buf);
    if (size < LX_META_RECORD_FIXED + 4 || size > LX_META_RECORD_MAX || (size & 3) || size > avail)
        return 0;
    if (get32(buf + size - 4) != lx_crc32(0, buf, size - 4))
        return 0;
    if (buf[5] != 0 || get16(buf + 26) != 0)
        return 0;
    rec->op = buf[4];
    rec->path_len = (uint16_t)get16(buf + 6);
    rec->mode = get32(buf + 8);
    rec->uid = get32(buf + 12);
    rec->gid = get32(buf + 16);
    rec->rdev = get32(buf + 20);
    rec->path2_len = (uint16_t)get16(buf + 24);
    if (lx_meta_record_size(rec->path_len, rec->path2_len) != size)
        return 0;
    at = LX_META_RECORD_FIXED;
    rec->path = (const char *)buf + at;
    rec->path2 = rec->path2_len ? (const char *)buf + at + rec->path_len : 0;
    for (at += rec->path_len + rec->path2_len; at < size - 4; at++)
    {
        if (buf[at] != 0)
            return 0;
    }
    return lx_meta_record_ok(rec) ? size : 0;
}

int lx_meta_should_compact(uint32_t records, uint32_t live)
{
    return records > 1024 && records / 2 > live;
}
