/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     POSIX record lock ranges: what a struct flock names, conflicts, and the set of
 *              ranges one owner holds after a new lock or unlock
 *
 * Ranges are inclusive byte ranges [first, last]; LX_LOCK_EOF as last means "to the end of
 * the file, however it grows" (l_len 0). An owner's ranges never overlap: a new lock replaces
 * what the owner held on its range (splitting what sticks out) and merges with adjacent or
 * overlapping ranges of the same type, as Linux's posix_lock_inode does.
 */

#ifndef LX_LOCK_H
#define LX_LOCK_H

#include "lx_types.h"

#define LX_LOCK_EOF     (~(uint64_t)0)
#define LX_F_RDLCK      0
#define LX_F_WRLCK      1
#define LX_F_UNLCK      2

typedef struct lx_lock_range
{
    uint64_t first, last;
    short type;                 /* LX_F_RDLCK or LX_F_WRLCK */
} lx_lock_range;

/* The range of a struct flock: l_start relative to base (0, the file offset or its size by
 * l_whence), l_len bytes from there (0: to the end, negative: the bytes before). 0 or
 * -LX_EINVAL (the range would start before 0, or overflows). */
int lx_lock_range_of(int64_t base, int64_t start, int64_t len, uint64_t *first, uint64_t *last);

/* Whether a lock of type on [first, last] conflicts with another owner's range r. */
int lx_lock_conflicts(const lx_lock_range *r, uint64_t first, uint64_t last, short type);

/* The ranges one owner holds after setting [first, last] to type (LX_F_UNLCK: none) over its
 * ranges own[0..n): written to out (sorted by first), at most n + 2 of them. Returns how many. */
size_t lx_lock_apply(const lx_lock_range *own, size_t n, uint64_t first, uint64_t last, short type,
                     lx_lock_range *out);

#endif /* LX_LOCK_H */
