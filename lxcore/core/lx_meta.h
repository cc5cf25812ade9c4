/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The on-disk journal of Linux metadata (mode, owner, file type, device number)
 *
 * FAT has no place for a Linux mode, owner or file type, so lxcore keeps them in one journal
 * per root directory, the file LX_META_FILE_NAME in that directory: a 16-byte header and
 * records appended one by one, each the complete state of one path after a change, or the
 * removal or rename of a path and everything below it. Replaying the records in order gives
 * the table lxcore holds in memory. Every record ends in a CRC-32 of its bytes, so a record
 * cut short by a power failure, or never written, ends the replay there: at worst the last
 * change is lost, never the ones before it. lxcore truncates such a tail and rewrites the
 * journal compactly (only SET records of the live paths) when it has grown well past them.
 *
 * Header:  "LXSSMETA" (8 bytes), u32 version (1), u32 0.
 * Record (little-endian, a multiple of 4 bytes, at most LX_META_RECORD_MAX):
 *   u32 size       the whole record, CRC included
 *   u8  op         LX_META_OP_*
 *   u8  0
 *   u16 path_len   bytes of path (no NUL)
 *   u32 mode       SET: st_mode, type bits included (0 type bits: the NT file's own type);
 *                  bit 31 set: the path is a hard link's name, rdev its inode's number, whose
 *                  metadata is that of the path /.lxss-inodes/<8 hex digits of it>;
 *                  bit 30 set: the NT name of the path's last component is stored cased
 *                  (core/lx_path.h: every byte as U+F100 + byte), because another name in
 *                  its directory differs from it only in case; bit 29 set with it: the
 *                  record is there only for that (the file's metadata is NT's default)
 *   u32 uid, gid   SET: the owner
 *   u32 rdev       SET: a device node's number as mknod takes it and stat gives it (Linux's
 *                  new_encode_dev: minor bits 0-7 and 20-31, major bits 8-19)
 *   u16 path2_len  RENAME: bytes of the new path; else 0
 *   u16 0
 *   path, path2    absolute resolved Linux paths (as lx_path_resolve gives them)
 *   0..3 zero bytes to a multiple of 4
 *   u32 crc        CRC-32 (IEEE 802.3, as zlib's crc32) of every byte before it
 */

#ifndef LX_META_H
#define LX_META_H

#include "lx_types.h"

#define LX_META_FILE_NAME       ".lxss-meta"        /* in the root directory */
#define LX_META_TEMP_NAME       ".lxss-meta.new"    /* a compaction being written */
#define LX_META_HEADER_SIZE     16
#define LX_META_VERSION         1
#define LX_META_RECORD_FIXED    28                  /* before the paths */
#define LX_META_RECORD_MAX      (LX_META_RECORD_FIXED + 2 * 4096 + 8)

#define LX_META_OP_SET          1   /* path has mode, uid, gid, rdev */
#define LX_META_OP_REMOVE       2   /* path is gone */
#define LX_META_OP_REMOVE_TREE  3   /* path and everything below it are gone */
#define LX_META_OP_RENAME       4   /* path and everything below it are now at path2 */

typedef struct lx_meta_record
{
    uint8_t op;
    uint32_t mode, uid, gid, rdev;
    const char *path;           /* not NUL-terminated: path_len bytes */
    uint16_t path_len;
    const char *path2;
    uint16_t path2_len;
} lx_meta_record;

uint32_t lx_crc32(uint32_t crc, const void *data, size_t size);

/* Writes the journal header into buf (LX_META_HEADER_SIZE bytes). */
void lx_meta_write_header(uint8_t *buf);
/* Whether buf (avail bytes) starts with a valid header: 1, or 0. */
int lx_meta_check_header(const uint8_t *buf, size_t avail);

/* The size of the record for paths of these lengths. */
size_t lx_meta_record_size(size_t path_len, size_t path2_len);
/* Encodes rec into buf (cap bytes). Returns its size, or 0 if it does not fit or is not
 * valid (an op out of range, a path that is not absolute or longer than 4095 bytes, a path2
 * with another op than RENAME or none with it). */
size_t lx_meta_encode(uint8_t *buf, size_t cap, const lx_meta_record *rec);
/* Decodes the record at buf (avail bytes to the end of the journal). Returns its size (rec's
 * paths point into buf), or 0 where the replay stops: the end, a record cut short, a bad
 * CRC, or fields no encoder writes. */
size_t lx_meta_decode(const uint8_t *buf, size_t avail, lx_meta_record *rec);

/* Whether a journal of `records` records holding `live` paths is worth rewriting. */
int lx_meta_should_compact(uint32_t records, uint32_t live);

#endif /* LX_META_H */
