/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     POSIX record lock ranges
 */

#include "lx_lock.h"

int lx_lock_range_of(int64_t base, int64_t start, int64_t len, uint64_t *first, uint64_t *last)
{
    int64_t from;

    if ((start > 0 && base > INT64_MAX - start) || (start < 0 && base < INT64_MIN - start))
        return -LX_EINVAL;
    from = base + start;
    if (len < 0)
    {
        /* the -len bytes before from */
        if (len == INT64_MIN || from + len < 0)
            return -LX_EINVAL;
        *first = (uint64_t)(from + len);
        *last = (uint64_t)from - 1;
        return 0;
    }
    if (from < 0)
        return -LX_EINVAL;
    *first = (uint64_t)from;
    if (len == 0)
        *last = LX_LOCK_EOF;
    else if (len - 1 > INT64_MAX - from)
        return -LX_EINVAL;
    else
        *last = (uint64_t)from + (uint64_t)len - 1;
    return 0;
}

int lx_lock_conflicts(const lx_lock_range *r, uint64_t first, uint64_t last, short type)
{
    return r->first <= last && first <= r->last && (type == LX_F_WRLCK || r->type == LX_F_WRLCK);
}

/* Whether [a1, a2] and [b1, b2] overlap or are adjacent */
static int touch(uint64_t a1, uint64_t a2, uint64_t b1, uint64_t b2)
{
    return (a2 == LX_LOCK_EOF || b1 <= a2 + 1) && (b2 == LX_LOCK_EOF || a1 <= b2 + 1);
}

static void add(lx_lock_range *out, size_t *count, uint64_t first, uint64_t last, short type)
{
    size_t i = *count;

    /* insertion by first: the sets are small */
    while (i > 0 && out[i - 1].first > first)
    {
        out[i] = out[i - 1];
        i--;
    }
    out[i].first = first;
    out[i].last = last;
    out[i].type = type;
    (*count)++;
}

size_t lx_lock_apply(const lx_lock_range *own, size_t n, uint64_t first, uint64_t last, short type,
                     lx_lock_range *out)
{
    size_t i, count = 0;

    for (i = 0; i < n; i++)
    {
        const lx_lock_range *r = &own[i];

        if (type != LX_F_UNLCK && r->type == type && touch(first, last, r->first, r->last))
        {
            /* the same type, touching: merged into the new range */
            first = r->first < first ? r->first : first;
            last = r->last > last ? r->last : last;
            continue;
        }
        if (r->last < first || r->first > last)
        {
            add(out, &count, r->first, r->last, r->type);   /* untouched */
            continue;
        }
        /* overlapped by the new range: what sticks out on either side stays */
        if (r->first < first)
            add(out, &count, r->first, first - 1, r->type);
        if (r->last > last)
            add(out, &count, last + 1, r->last, r->type);
    }
    if (type != LX_F_UNLCK)
        add(out, &count, first, last, type);
    return count;
}
