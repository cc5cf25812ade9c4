/*
 * PROJECT:     lxss for ReactOS - lximport
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     xz decompression (lxunxz.h): the .xz container (stream header, blocks, index,
 *              footer, as the xz file format 1.1.0 describes them) around LZMA2 chunks, each
 *              an LZMA range-coded chunk or stored bytes, into a dictionary written out as it
 *              fills
 */

#include "lxunxz.h"
#include "lxio.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DICT_MAX    (64u << 20)     /* xz -9's dictionary */
#define PROB_INIT   1024            /* probabilities are 11 bits: one half */
#define STATES      12
#define LIT_STATES  7               /* states below this one follow a literal */

typedef struct lenc
{
    uint16_t choice, choice2;
    uint16_t low[16][8], mid[16][8], high[256];
} lenc;

/* the LZMA model: every probability, reset together */
typedef struct model
{
    uint16_t is_match[STATES][16], is_rep[STATES], is_rep0[STATES], is_rep1[STATES];
    uint16_t is_rep2[STATES], is_rep0_long[STATES][16];
    uint16_t pos_slot[4][64], pos_special[114], align[16];
    lenc match_len, rep_len;
    uint16_t literal[0x300 << 4];   /* lc + lp is at most 4 in LZMA2 */
} model;

typedef struct xz
{
    lxio io;                        /* io.consumed: for the block and index sizes */
    /* the dictionary: the output since the last reset, circular; [start, pos) is not
     * written out yet */
    unsigned char *dict;
    uint32_t dsize, pos, start, total;
    int full, dict_ready;
    /* the block's check over its output */
    int check;
    uint32_t crc32;
    uint64_t crc64, usize;
    /* range decoder and its chunk's compressed bytes left */
    uint32_t range, code, left;
    /* LZMA */
    unsigned lc, lp, pb;
    int props_ready;
    uint32_t state, rep[4];
    model m;
} xz;

#define die(x, ...) lxio_die(&(x)->io, __VA_ARGS__)
#define byte(x) lxio_byte(&(x)->io)
#define need_byte(x) lxio_need(&(x)->io)
#define crc32_of lxio_crc32

static uint64_t crc64_table[256];

static void crc64_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint64_t d = n;
        for (int k = 0; k < 8; k++)
            d = d & 1 ? 0xC96C5795D7870F42ull ^ (d >> 1) : d >> 1;
        crc64_table[n] = d;
    }
}

static uint64_t crc64_of(uint64_t crc, const unsigned char *p, size_t n)
{
    crc = ~crc;
    while (n--)
        crc = crc64_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static void need_bytes(xz *x, unsigned char *p, size_t n)
{
    while (n--)
        *p++ = (unsigned char)need_byte(x);
}

static uint32_t le32(const unsigned char *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* a variable-length integer of the container: 7 bits a byte, at most 9 bytes, from p
 * (within end); *used gets its length */
static uint64_t vli(xz *x, const unsigned char *p, const unsigned char *end, size_t *used)
{
    uint64_t v = 0;
    for (size_t i = 0; i < 9 && p + i < end; i++) {
        v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
        if (!(p[i] & 0x80)) {
            if (i > 0 && p[i] == 0)
                break;
            *used = i + 1;
            return v;
        }
    }
    die(x, "a damaged xz stream (bad integer in a header)");
    return 0;
}

/* the same, read from the input, its bytes added to *crc */
static uint64_t read_vli(xz *x, uint32_t *crc)
{
    unsigned char b[9];
    for (size_t i = 0; i < 9; i++) {
        b[i] = (unsigned char)need_byte(x);
        *crc = crc32_of(*crc, &b[i], 1);
        if (!(b[i] & 0x80)) {
            size_t used;
            return vli(x, b, b + i + 1, &used);
        }
    }
    die(x, "a damaged xz stream (bad integer in the index)");
    return 0;
}

/* the block's output: its check goes along */
static void write_out(xz *x, const unsigned char *p, size_t n)
{
    if (x->check == 1)
        x->crc32 = crc32_of(x->crc32, p, n);
    else if (x->check == 4)
        x->crc64 = crc64_of(x->crc64, p, n);
    lxio_write(&x->io, p, n);
}

static void flush(xz *x)
{
    write_out(x, x->dict + x->start, x->pos - x->start);
    x->start = x->pos;
}

static void put(xz *x, unsigned char c)
{
    x->dict[x->pos++] = c;
    x->total++;
    x->usize++;
    if (x->pos == x->dsize) {
        flush(x);
        x->pos = x->start = 0;
        x->full = 1;
    }
}

/* the byte dist + 1 back (0: the last one) */
static unsigned char back(xz *x, uint32_t dist)
{
    if (dist >= (x->full ? x->dsize : x->pos))
        die(x, "a damaged xz stream (distance before the start)");
    return x->dict[dist < x->pos ? x->pos - dist - 1 : x->dsize + x->pos - dist - 1];
}

/* ---- the range decoder ---- */

static int rc_byte(xz *x)
{
    if (x->left == 0)
        die(x, "a damaged xz stream (an LZMA2 chunk runs past its size)");
    x->left--;
    return need_byte(x);
}

static void rc_normalize(xz *x)
{
    if (x->range < (1u << 24)) {
        x->range <<= 8;
        x->code = (x->code << 8) | (uint32_t)rc_byte(x);
    }
}

static void rc_init(xz *x)
{
    if (rc_byte(x) != 0)
        die(x, "a damaged xz stream (an LZMA2 chunk's first byte)");
    x->code = 0;
    for (int i = 0; i < 4; i++)
        x->code = (x->code << 8) | (uint32_t)rc_byte(x);
    x->range = 0xFFFFFFFFu;
}

static int bit(xz *x, uint16_t *p)
{
    uint32_t bound;
    rc_normalize(x);
    bound = (x->range >> 11) * *p;
    if (x->code < bound) {
        x->range = bound;
        *p += (2048 - *p) >> 5;
        return 0;
    }
    x->range -= bound;
    x->code -= bound;
    *p -= *p >> 5;
    return 1;
}

static uint32_t tree(xz *x, uint16_t *probs, int n)
{
    uint32_t m = 1;
    for (int i = 0; i < n; i++)
        m = (m << 1) | (uint32_t)bit(x, &probs[m]);
    return m - (1u << n);
}

static uint32_t reverse_tree(xz *x, uint16_t *probs, int n)
{
    uint32_t m = 1, sym = 0;
    for (int i = 0; i < n; i++) {
        uint32_t b = (uint32_t)bit(x, &probs[m]);
        m = (m << 1) | b;
        sym |= b << i;
    }
    return sym;
}

static uint32_t direct(xz *x, int n)
{
    uint32_t r = 0;
    while (n--) {
        rc_normalize(x);
        x->range >>= 1;
        x->code -= x->range;
        uint32_t t = 0u - (x->code >> 31);
        r = (r << 1) + (t + 1);
        x->code += x->range & t;
    }
    return r;
}

/* ---- LZMA ---- */

static void reset_state(xz *x)
{
    uint16_t *p = (uint16_t *)&x->m;
    for (size_t i = 0; i < sizeof x->m / sizeof *p; i++)
        p[i] = PROB_INIT;
    x->state = 0;
    x->rep[0] = x->rep[1] = x->rep[2] = x->rep[3] = 0;
}

static uint32_t length(xz *x, lenc *l, uint32_t pos_state)
{
    if (!bit(x, &l->choice))
        return 2 + tree(x, l->low[pos_state], 3);
    if (!bit(x, &l->choice2))
        return 10 + tree(x, l->mid[pos_state], 3);
    return 18 + tree(x, l->high, 8);
}

static uint32_t distance(xz *x, uint32_t len)
{
    uint32_t slot = tree(x, x->m.pos_slot[len - 2 < 3 ? len - 2 : 3], 6);
    if (slot < 4)
        return slot;
    int n = (int)(slot >> 1) - 1;
    uint32_t dist = (2 | (slot & 1)) << n;
    if (slot < 14)
        return dist + reverse_tree(x, x->m.pos_special + dist - slot - 1, n);
    dist += direct(x, n - 4) << 4;
    return dist + reverse_tree(x, x->m.align, 4);
}

static void literal(xz *x)
{
    uint32_t prev = x->total ? back(x, 0) : 0;
    uint16_t *probs = x->m.literal +
        0x300 * ((((x->total & ((1u << x->lp) - 1)) << x->lc) + (prev >> (8 - x->lc))));
    uint32_t sym = 1;

    if (x->state >= LIT_STATES) {
        /* after a match: the byte at the last distance steers the first bits */
        uint32_t match = (uint32_t)back(x, x->rep[0]) << 1, offset = 0x100;
        do {
            uint32_t match_bit = match & offset;
            match <<= 1;
            if (bit(x, &probs[offset + match_bit + sym])) {
                sym = (sym << 1) | 1;
                offset = match_bit;
            } else {
                sym <<= 1;
                offset &= ~match_bit;
            }
        } while (sym < 0x100);
    } else {
        do
            sym = (sym << 1) | (uint32_t)bit(x, &probs[sym]);
        while (sym < 0x100);
    }
    put(x, (unsigned char)sym);
    x->state = x->state < 4 ? 0 : x->state < 10 ? x->state - 3 : x->state - 6;
}

/* one LZMA chunk of unpacked bytes; no match crosses its end */
static void lzma_chunk(xz *x, uint32_t unpacked)
{
    uint32_t end = x->total + unpacked;
    uint32_t pb_mask = (1u << x->pb) - 1;

    rc_init(x);
    while (x->total != end) {
        uint32_t ps = x->total & pb_mask, len;
        if (!bit(x, &x->m.is_match[x->state][ps])) {
            literal(x);
            continue;
        }
        if (!bit(x, &x->m.is_rep[x->state])) {
            x->state = x->state < LIT_STATES ? 7 : 10;
            len = length(x, &x->m.match_len, ps);
            uint32_t dist = distance(x, len);
            if (dist == 0xFFFFFFFFu)
                die(x, "a damaged xz stream (an end marker inside LZMA2)");
            x->rep[3] = x->rep[2];
            x->rep[2] = x->rep[1];
            x->rep[1] = x->rep[0];
            x->rep[0] = dist;
        } else {
            if (!bit(x, &x->m.is_rep0[x->state])) {
                if (!bit(x, &x->m.is_rep0_long[x->state][ps])) {
                    x->state = x->state < LIT_STATES ? 9 : 11;
                    put(x, back(x, x->rep[0]));
                    continue;
                }
            } else {
                uint32_t d;
                if (!bit(x, &x->m.is_rep1[x->state])) {
                    d = x->rep[1];
                } else {
                    if (!bit(x, &x->m.is_rep2[x->state])) {
                        d = x->rep[2];
                    } else {
                        d = x->rep[3];
                        x->rep[3] = x->rep[2];
                    }
                    x->rep[2] = x->rep[1];
                }
                x->rep[1] = x->rep[0];
                x->rep[0] = d;
            }
            x->state = x->state < LIT_STATES ? 8 : 11;
            len = length(x, &x->m.rep_len, ps);
        }
        if (len > end - x->total)
            die(x, "a damaged xz stream (a match past its chunk)");
        while (len--)
            put(x, back(x, x->rep[0]));
    }
    rc_normalize(x);
    if (x->left != 0 || x->code != 0)
        die(x, "a damaged xz stream (an LZMA2 chunk ends wrong)");
}

/* the LZMA2 data of one block, to its end marker */
static void lzma2(xz *x)
{
    for (int first = 1;; first = 0) {
        int control = need_byte(x);
        if (control == 0)
            return;
        if (control == 1 || control == 2) {
            /* stored bytes; 1 resets the dictionary */
            uint32_t size = ((uint32_t)need_byte(x) << 8);
            size = (size | (uint32_t)need_byte(x)) + 1;
            if (control == 1) {
                flush(x);
                x->pos = x->start = x->total = 0;
                x->full = 0;
                x->dict_ready = 1;
            } else if (!x->dict_ready) {
                die(x, "a damaged xz stream (no dictionary reset first)");
            }
            while (size--)
                put(x, (unsigned char)need_byte(x));
            continue;
        }
        if (control < 0x80)
            die(x, "a damaged xz stream (LZMA2 control byte 0x%02x)", control);
        uint32_t unpacked = ((uint32_t)(control & 0x1f) << 16);
        unpacked |= (uint32_t)need_byte(x) << 8;
        unpacked = (unpacked | (uint32_t)need_byte(x)) + 1;
        x->left = (uint32_t)need_byte(x) << 8;
        x->left = (x->left | (uint32_t)need_byte(x)) + 1;
        int reset = (control >> 5) & 3;
        if (reset == 3) {
            flush(x);
            x->pos = x->start = x->total = 0;
            x->full = 0;
            x->dict_ready = 1;
        } else if (!x->dict_ready || (first && reset < 3)) {
            die(x, "a damaged xz stream (no dictionary reset first)");
        }
        if (reset >= 2) {
            int p = need_byte(x);
            if (p >= 9 * 5 * 5)
                die(x, "a damaged xz stream (LZMA properties 0x%02x)", p);
            x->lc = (unsigned)(p % 9);
            x->lp = (unsigned)(p / 9 % 5);
            x->pb = (unsigned)(p / 45);
            if (x->lc + x->lp > 4)
                die(x, "a damaged xz stream (lc + lp above 4)");
            x->props_ready = 1;
        } else if (!x->props_ready) {
            die(x, "a damaged xz stream (no LZMA properties)");
        }
        if (reset >= 1)
            reset_state(x);
        lzma_chunk(x, unpacked);
    }
}

static size_t check_size(int check)
{
    return check == 0 ? 0 : (size_t)4 << ((check - 1) / 3);
}

/* one block, whose header's first byte (its size / 4 - 1) is h; its unpadded and
 * uncompressed sizes go into *unpadded and *uncompressed */
static void block(xz *x, int h, uint64_t *unpadded, uint64_t *uncompressed)
{
    unsigned char hdr[1024], check[64];
    size_t hsize = ((size_t)h + 1) * 4, used;
    uint64_t csize = UINT64_MAX, usize = UINT64_MAX;

    hdr[0] = (unsigned char)h;
    need_bytes(x, hdr + 1, hsize - 1);
    if (crc32_of(0, hdr, hsize - 4) != le32(hdr + hsize - 4))
        die(x, "a damaged xz stream (a block header's CRC-32)");
    const unsigned char *p = hdr + 2, *end = hdr + hsize - 4;
    int flags = hdr[1];
    if (flags & 0x3c)
        die(x, "a damaged xz stream (reserved block flags)");
    if (flags & 0x40) {
        csize = vli(x, p, end, &used);
        p += used;
    }
    if (flags & 0x80) {
        usize = vli(x, p, end, &used);
        p += used;
    }
    uint64_t id = vli(x, p, end, &used);
    p += used;
    uint64_t psize = vli(x, p, end, &used);
    p += used;
    if ((flags & 3) != 0 || id != 0x21 || psize != 1 || p >= end)
        die(x, "an xz filter lximport does not know (filter 0x%llx%s): unpack the archive with xz -d "
            "and give the .tar", (unsigned long long)id, (flags & 3) ? " and more" : "");
    int d = *p++;
    while (p < end)
        if (*p++ != 0)
            die(x, "a damaged xz stream (block header padding)");
    if (d > 40)
        die(x, "a damaged xz stream (dictionary size 0x%02x)", d);
    uint32_t dsize = d == 40 ? 0xFFFFFFFFu : (2u | (d & 1)) << (d / 2 + 11);
    if (dsize > DICT_MAX)
        die(x, "the archive needs a %u MiB dictionary; lximport takes up to %u MiB (xz -9): "
            "unpack it with xz -d and give the .tar", dsize >> 20, DICT_MAX >> 20);
    if (x->dict == NULL || x->dsize != dsize) {
        free(x->dict);
        x->dict = malloc(dsize);
        if (x->dict == NULL)
            die(x, "no memory for a %u MiB dictionary", dsize >> 20);
        x->dsize = dsize;
    }
    x->pos = x->start = x->total = 0;
    x->full = x->dict_ready = x->props_ready = 0;
    x->crc32 = 0;
    x->crc64 = 0;
    x->usize = 0;

    uint64_t at = x->io.consumed;
    lzma2(x);
    flush(x);
    uint64_t compressed = x->io.consumed - at;
    if ((csize != UINT64_MAX && csize != compressed) || (usize != UINT64_MAX && usize != x->usize))
        die(x, "a damaged xz stream (a block's sizes do not match its header)");
    for (uint64_t pad = (hsize + compressed) & 3; pad && pad < 4; pad++)
        if (need_byte(x) != 0)
            die(x, "a damaged xz stream (block padding)");
    size_t cs = check_size(x->check);
    need_bytes(x, check, cs);
    if ((x->check == 1 && le32(check) != x->crc32) ||
        (x->check == 4 && (le32(check) | (uint64_t)le32(check + 4) << 32) != x->crc64))
        die(x, "the xz stream is damaged (a block's %s does not match)", x->check == 1 ? "CRC-32" : "CRC-64");
    *unpadded = hsize + compressed + cs;
    *uncompressed = x->usize;
}

/* one stream after its magic: header flags, blocks, index, footer */
static void stream(xz *x)
{
    unsigned char b[12];
    uint64_t *records = NULL;
    size_t count = 0, cap = 0;

    need_bytes(x, b, 6);
    if (b[0] != 0 || (b[1] & 0xf0) || crc32_of(0, b, 2) != le32(b + 2))
        die(x, "a damaged xz stream (stream header)");
    x->check = b[1];
    if (x->check == 10)
        die(x, "an xz archive with a SHA-256 check, which lximport does not verify: unpack it with "
            "xz -d and give the .tar (or make it with xz's default check)");
    if (x->check != 0 && x->check != 1 && x->check != 4)
        die(x, "an xz archive with check type %d, which lximport does not know", x->check);
    int flags = b[1];

    for (;;) {
        int h = need_byte(x);
        if (h == 0)
            break;
        if (count + 2 > cap) {
            cap = cap ? cap * 2 : 16;
            records = realloc(records, cap * sizeof *records);
            if (records == NULL)
                die(x, "no memory for the xz index");
        }
        block(x, h, &records[count], &records[count + 1]);
        count += 2;
    }

    /* the index: its indicator (0, read above), then the records of the blocks */
    uint64_t index_at = x->io.consumed - 1;
    unsigned char zero = 0;
    uint32_t crc = crc32_of(0, &zero, 1);
    if (read_vli(x, &crc) != count / 2)
        die(x, "a damaged xz stream (the index counts other blocks)");
    for (size_t i = 0; i < count; i++)
        if (read_vli(x, &crc) != records[i])
            die(x, "a damaged xz stream (the index does not match the blocks)");
    free(records);
    while ((x->io.consumed - index_at) & 3) {
        unsigned char c = (unsigned char)need_byte(x);
        if (c != 0)
            die(x, "a damaged xz stream (index padding)");
        crc = crc32_of(crc, &c, 1);
    }
    uint64_t index_size = x->io.consumed - index_at + 4;
    need_bytes(x, b, 4);
    if (le32(b) != crc)
        die(x, "a damaged xz stream (the index's CRC-32)");

    need_bytes(x, b, 12);
    if (crc32_of(0, b + 4, 6) != le32(b) || (uint64_t)(le32(b + 4) + 1) * 4 != index_size ||
        b[8] != 0 || b[9] != flags || b[10] != 'Y' || b[11] != 'Z')
        die(x, "a damaged xz stream (stream footer)");
}

int lx_unxz(int in, const void *prefix, size_t prefix_size, int out, char *err, size_t errsize)
{
    static xz x;
    static const unsigned char magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };

    memset(&x, 0, sizeof x);
    lxio_init(&x.io, in, prefix, prefix_size, out, "xz", err, errsize);
    crc64_init();
    if (setjmp(x.io.fail)) {
        free(x.dict);
        return -1;
    }
    for (int streams = 0;; streams++) {
        unsigned char b[6];
        int c = byte(&x);
        /* stream padding: zero bytes, four at a time */
        while (streams > 0 && c == 0) {
            for (int i = 0; i < 3; i++)
                if (need_byte(&x) != 0)
                    die(&x, "a damaged xz stream (stream padding)");
            c = byte(&x);
        }
        if (c < 0 && streams > 0)
            break;
        if (c < 0)
            die(&x, "the xz stream is cut short");
        if (streams > 0 && c != magic[0])
            die(&x, "data after the xz stream");
        b[0] = (unsigned char)c;
        need_bytes(&x, b + 1, 5);
        if (memcmp(b, magic, 6) != 0)
            die(&x, streams ? "data after the xz stream" : "not an xz stream");
        stream(&x);
    }
    free(x.dict);
    return 0;
}
