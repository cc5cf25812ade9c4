/* lxcore/core/lx_meta.c: the metadata journal's records, encoded, decoded and refused as a
 * replay after a power failure must refuse them. `test_meta dump FILE` prints a journal's
 * records (the host writer's files are checked with it: tests/generator). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lx_meta.h"
#include "tap.h"

static lx_meta_record set_rec(const char *path, uint32_t mode)
{
    lx_meta_record r;
    memset(&r, 0, sizeof(r));
    r.op = LX_META_OP_SET;
    r.path = path;
    r.path_len = (uint16_t)strlen(path);
    r.mode = mode;
    r.uid = 1000;
    r.gid = 100;
    r.rdev = 0x0103;
    return r;
}

static int dump(const char *file)
{
    static uint8_t buf[1 << 24];
    lx_meta_record r;
    size_t n, at, used;
    FILE *f = fopen(file, "rb");

    if (f == NULL)
        return 2;
    n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    if (!lx_meta_check_header(buf, n))
    {
        printf("bad header\n");
        return 1;
    }
    for (at = LX_META_HEADER_SIZE; (used = lx_meta_decode(buf + at, n - at, &r)) != 0; at += used)
    {
        printf("%u %.*s %o %u %u %u", r.op, r.path_len, r.path, r.mode, r.uid, r.gid, r.rdev);
        if (r.path2_len)
            printf(" %.*s", r.path2_len, r.path2);
        printf("\n");
    }
    printf("end %zu of %zu\n", at, n);
    return 0;
}

int main(int argc, char **argv)
{
    static uint8_t buf[2 * LX_META_RECORD_MAX], big[5000];
    lx_meta_record r, d;
    size_t n, m;

    if (argc == 3 && strcmp(argv[1], "dump") == 0)
        return dump(argv[2]);

    tap_ok(lx_crc32(0, "123456789", 9) == 0xCBF43926u, "CRC-32 check value of \"123456789\"");
    lx_meta_write_header(buf);
    tap_ok(lx_meta_check_header(buf, LX_META_HEADER_SIZE), "header: written and recognised");
    tap_ok(!lx_meta_check_header(buf, LX_META_HEADER_SIZE - 1), "header: short is refused");
    buf[8] = 2;
    tap_ok(!lx_meta_check_header(buf, LX_META_HEADER_SIZE), "header: another version is refused");

    r = set_rec("/usr/bin/passwd", 0104755);
    n = lx_meta_encode(buf, sizeof(buf), &r);
    tap_ok(n == lx_meta_record_size(15, 0) && n % 4 == 0 && n == 48, "SET: 28 + 15 path bytes + pad + CRC = 48");
    m = lx_meta_decode(buf, n, &d);
    tap_ok(m == n && d.op == LX_META_OP_SET && d.mode == 0104755 && d.uid == 1000 && d.gid == 100 &&
           d.rdev == 0x0103 && d.path_len == 15 && memcmp(d.path, "/usr/bin/passwd", 15) == 0 && d.path2_len == 0,
           "SET: decoded field by field");
    tap_ok(lx_meta_decode(buf, n - 1, &d) == 0, "a record cut short ends the replay");
    tap_ok(lx_meta_decode(buf, 31, &d) == 0, "a record shorter than its fixed part ends the replay");
    buf[30] ^= 1;
    tap_ok(lx_meta_decode(buf, n, &d) == 0, "a flipped path bit fails the CRC");
    buf[30] ^= 1;
    buf[9] ^= 0x80;
    tap_ok(lx_meta_decode(buf, n, &d) == 0, "a flipped mode bit fails the CRC");
    buf[9] ^= 0x80;
    memset(buf + n, 0, 64);
    tap_ok(lx_meta_decode(buf + n, 64, &d) == 0, "zeros after the last record (a preallocated tail) end the replay");

    /* the flags above the mode (lxcore's fs/lxfs.h): a hard link's name (bit 31), a cased
     * name (bit 30), an entry only for that (bit 29) */
    r = set_rec("/d/Makefile", 0x60000000u);
    n = lx_meta_encode(buf, sizeof(buf), &r);
    m = lx_meta_decode(buf, n, &d);
    tap_ok(n != 0 && m == n && d.mode == 0x60000000u, "SET: bits 29 and 30 of the mode are kept");
    r = set_rec("/d/MAKEFILE", 0xC0000000u);
    n = lx_meta_encode(buf, sizeof(buf), &r);
    m = lx_meta_decode(buf, n, &d);
    tap_ok(n != 0 && m == n && d.mode == 0xC0000000u, "SET: bits 30 and 31 of the mode are kept");

    memset(&r, 0, sizeof(r));
    r.op = LX_META_OP_RENAME;
    r.path = "/a/b";
    r.path_len = 4;
    r.path2 = "/c";
    r.path2_len = 2;
    n = lx_meta_encode(buf, sizeof(buf), &r);
    m = lx_meta_decode(buf, sizeof(buf), &d);
    tap_ok(n == 40 && m == n && d.op == LX_META_OP_RENAME && memcmp(d.path, "/a/b", 4) == 0 &&
           d.path2_len == 2 && memcmp(d.path2, "/c", 2) == 0, "RENAME: both paths");
    r.path2_len = 0;
    tap_ok(lx_meta_encode(buf, sizeof(buf), &r) == 0, "RENAME without a new path is refused");
    r.op = LX_META_OP_REMOVE;
    r.path2_len = 2;
    tap_ok(lx_meta_encode(buf, sizeof(buf), &r) == 0, "REMOVE with a second path is refused");
    r.path2_len = 0;
    r.mode = 0644;
    tap_ok(lx_meta_encode(buf, sizeof(buf), &r) == 0, "REMOVE with fields is refused");
    r.mode = 0;
    r.op = 9;
    tap_ok(lx_meta_encode(buf, sizeof(buf), &r) == 0, "an unknown op is refused");
    r.op = LX_META_OP_REMOVE_TREE;
    r.path = "rel";
    r.path_len = 3;
    tap_ok(lx_meta_encode(buf, sizeof(buf), &r) == 0, "a relative path is refused");
    r.path = "/x\0y";
    r.path_len = 4;
    tap_ok(lx_meta_encode(buf, sizeof(buf), &r) == 0, "a path holding a NUL is refused");

    memset(big, 'a', sizeof(big) - 1);
    big[0] = '/';
    r = set_rec((const char *)big, 0644);
    r.path_len = 4095;
    n = lx_meta_encode(buf, sizeof(buf), &r);
    tap_ok(n != 0 && lx_meta_decode(buf, n, &d) == n && d.path_len == 4095, "a 4095-byte path round-trips");
    r.path_len = 4096;
    tap_ok(lx_meta_encode(buf, sizeof(buf), &r) == 0, "a 4096-byte path is refused");
    r.path_len = 100;
    tap_ok(lx_meta_encode(buf, 100, &r) == 0, "a record larger than the buffer is not written");

    /* a record whose size field is consistent and CRC right but whose op is unknown: a
     * writer of a later version; the replay stops rather than guess */
    r = set_rec("/f", 0644);
    n = lx_meta_encode(buf, sizeof(buf), &r);
    buf[4] = 7;
    memcpy(buf + n - 4, &(uint32_t){ lx_crc32(0, buf, n - 4) }, 4);
    tap_ok(lx_meta_decode(buf, n, &d) == 0, "an unknown op with a right CRC stops the replay");

    tap_ok(!lx_meta_should_compact(1000, 1), "compaction: not below 1024 records");
    tap_ok(lx_meta_should_compact(5000, 2000) && !lx_meta_should_compact(5000, 2600),
           "compaction: when fewer than half of the records are live paths");
    return tap_done();
}
