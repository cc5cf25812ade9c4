/*
 * PROJECT:     lxss for ReactOS - lximport
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     gzip decompression (lxinflate.h): canonical Huffman decoding by code
 *              lengths as RFC 1951 describes it, a 32 KiB window written out as it fills
 */

#include "lxinflate.h"
#include "lxio.h"

#include <stdint.h>
#include <string.h>

#define WINDOW 32768u

typedef struct gz
{
    lxio io;
    uint32_t bitbuf;
    int bitcnt;
    unsigned char win[WINDOW * 2];
    size_t fill, hist;
    uint32_t crc, size;         /* of the member's output */
} gz;

typedef struct huff
{
    short count[16];
    short symbol[288];
} huff;

#define die(g, ...) lxio_die(&(g)->io, __VA_ARGS__)
#define byte(g) lxio_byte(&(g)->io)
#define need_byte(g) lxio_need(&(g)->io)

static int bits(gz *g, int n)
{
    while (g->bitcnt < n) {
        g->bitbuf |= (uint32_t)need_byte(g) << g->bitcnt;
        g->bitcnt += 8;
    }
    int v = (int)(g->bitbuf & ((1u << n) - 1));
    g->bitbuf >>= n;
    g->bitcnt -= n;
    return v;
}

/* output of the member: its CRC-32 goes along */
static void write_out(gz *g, const unsigned char *p, size_t n)
{
    g->crc = lxio_crc32(g->crc, p, n);
    lxio_write(&g->io, p, n);
}

/* win holds the output: fill bytes, of which those from `hist` on are not written yet.
 * When it is full, they are written and the last WINDOW bytes (what a distance can reach)
 * move to its start. */
static void put(gz *g, unsigned char c)
{
    g->win[g->fill++] = c;
    g->size++;
    if (g->fill == sizeof g->win) {
        write_out(g, g->win + g->hist, g->fill - g->hist);
        memmove(g->win, g->win + g->fill - WINDOW, WINDOW);
        g->fill = g->hist = WINDOW;
    }
}

static void build(gz *g, huff *h, const short *length, int n)
{
    short offs[16];
    memset(h->count, 0, sizeof h->count);
    for (int s = 0; s < n; s++)
        h->count[length[s]]++;
    int left = 1;
    for (int len = 1; len < 16; len++) {
        left <<= 1;
        left -= h->count[len];
        if (left < 0)
            die(g, "a damaged gzip stream (over-subscribed Huffman code)");
    }
    offs[1] = 0;
    for (int len = 1; len < 15; len++)
        offs[len + 1] = (short)(offs[len] + h->count[len]);
    for (int s = 0; s < n; s++)
        if (length[s])
            h->symbol[offs[length[s]]++] = (short)s;
}

static int decode(gz *g, const huff *h)
{
    int code = 0, first = 0, index = 0;
    for (int len = 1; len < 16; len++) {
        code |= bits(g, 1);
        int count = h->count[len];
        if (code - count < first)
            return h->symbol[index + (code - first)];
        index += count;
        first += count;
        first <<= 1;
        code <<= 1;
    }
    die(g, "a damaged gzip stream (no such Huffman code)");
    return -1;
}

static const short lbase[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const short lext[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const short dbase[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const short dext[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

static void codes(gz *g, const huff *lc, const huff *dc)
{
    for (;;) {
        int sym = decode(g, lc);
        if (sym < 256) {
            put(g, (unsigned char)sym);
        } else if (sym == 256) {
            return;
        } else {
            sym -= 257;
            if (sym >= 29)
                die(g, "a damaged gzip stream (bad length code)");
            int len = lbase[sym] + bits(g, lext[sym]);
            int ds = decode(g, dc);
            if (ds >= 30)
                die(g, "a damaged gzip stream (bad distance code)");
            size_t dist = (size_t)(dbase[ds] + bits(g, dext[ds]));
            if (dist > g->fill)
                die(g, "a damaged gzip stream (distance before the start)");
            while (len--)
                put(g, g->win[g->fill - dist]);
        }
    }
}

static void block(gz *g, int type)
{
    static huff lc, dc;
    short lengths[320];
    if (type == 0) {
        g->bitbuf = 0;
        g->bitcnt = 0;
        int a = need_byte(g), b = need_byte(g), c = need_byte(g), d = need_byte(g);
        unsigned len = (unsigned)(a | b << 8), nlen = (unsigned)(c | d << 8);
        if (len != (~nlen & 0xffff))
            die(g, "a damaged gzip stream (stored block length)");
        while (len--)
            put(g, (unsigned char)need_byte(g));
        return;
    }
    if (type == 1) {
        int s = 0;
        for (; s < 144; s++) lengths[s] = 8;
        for (; s < 256; s++) lengths[s] = 9;
        for (; s < 280; s++) lengths[s] = 7;
        for (; s < 288; s++) lengths[s] = 8;
        build(g, &lc, lengths, 288);
        for (s = 0; s < 30; s++) lengths[s] = 5;
        build(g, &dc, lengths, 30);
        codes(g, &lc, &dc);
        return;
    }
    if (type != 2)
        die(g, "a damaged gzip stream (block type 3)");
    static const short order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    int nlen = bits(g, 5) + 257, ndist = bits(g, 5) + 1, ncode = bits(g, 4) + 4;
    if (nlen > 286 || ndist > 30)
        die(g, "a damaged gzip stream (too many codes)");
    int i = 0;
    for (; i < ncode; i++) lengths[order[i]] = (short)bits(g, 3);
    for (; i < 19; i++) lengths[order[i]] = 0;
    build(g, &lc, lengths, 19);
    for (i = 0; i < nlen + ndist;) {
        int sym = decode(g, &lc);
        if (sym < 16) {
            lengths[i++] = (short)sym;
            continue;
        }
        int len = 0, rep;
        if (sym == 16) {
            if (i == 0)
                die(g, "a damaged gzip stream (repeat with nothing before)");
            len = lengths[i - 1];
            rep = 3 + bits(g, 2);
        } else if (sym == 17) {
            rep = 3 + bits(g, 3);
        } else {
            rep = 11 + bits(g, 7);
        }
        if (i + rep > nlen + ndist)
            die(g, "a damaged gzip stream (too many lengths)");
        while (rep--)
            lengths[i++] = (short)len;
    }
    if (lengths[256] == 0)
        die(g, "a damaged gzip stream (no end-of-block code)");
    build(g, &lc, lengths, nlen);
    build(g, &dc, lengths + nlen, ndist);
    codes(g, &lc, &dc);
}

int lx_gunzip(int in, const void *prefix, size_t prefix_size, int out, char *err, size_t errsize)
{
    static gz g;
    memset(&g, 0, sizeof g);
    lxio_init(&g.io, in, prefix, prefix_size, out, "gzip", err, errsize);
    if (setjmp(g.io.fail))
        return -1;
    for (int member = 0;; member++) {
        int c = byte(&g);
        if (c < 0 && member > 0)
            break;
        if (c != 0x1f || need_byte(&g) != 0x8b)
            die(&g, member ? "data after the gzip stream" : "not a gzip stream");
        if (need_byte(&g) != 8)
            die(&g, "a gzip stream of another compression method");
        int flags = need_byte(&g);
        for (int i = 0; i < 6; i++)
            need_byte(&g);
        if (flags & 4) {
            int xlen = need_byte(&g);
            xlen |= need_byte(&g) << 8;
            while (xlen--)
                need_byte(&g);
        }
        if (flags & 8)
            while (need_byte(&g) != 0)
                ;
        if (flags & 16)
            while (need_byte(&g) != 0)
                ;
        if (flags & 2) {
            need_byte(&g);
            need_byte(&g);
        }
        g.crc = 0;
        g.size = 0;
        g.bitbuf = 0;
        g.bitcnt = 0;
        int last;
        do {
            last = bits(&g, 1);
            block(&g, bits(&g, 2));
        } while (!last);
        g.bitbuf = 0;
        g.bitcnt = 0;
        /* the member's output is all written, its CRC-32 complete */
        write_out(&g, g.win + g.hist, g.fill - g.hist);
        g.hist = g.fill;
        uint32_t crc = 0, size = 0;
        for (int i = 0; i < 4; i++)
            crc |= (uint32_t)need_byte(&g) << (8 * i);
        for (int i = 0; i < 4; i++)
            size |= (uint32_t)need_byte(&g) << (8 * i);
        if (crc != g.crc || size != g.size)
            die(&g, "the gzip stream is damaged (its CRC-32 or size does not match)");
    }
    return 0;
}
