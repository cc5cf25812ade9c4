/* lxcore/core/lx_lock.c: the ranges struct flock names, conflicts, and an owner's lock set
 * after locks and unlocks (replace, split, merge), against hand-worked results. */
#include <stdio.h>
#include <string.h>

#include "lx_lock.h"
#include "tap.h"

#define EOF_ LX_LOCK_EOF

/* Applies one operation to a set and compares with the expected "W0-99 R100-EOF" text. */
static void check_apply(const char *name, const lx_lock_range *own, size_t n, uint64_t first, uint64_t last, short type,
                        const char *want)
{
    lx_lock_range out[16];
    char got[256] = "";
    size_t count = lx_lock_apply(own, n, first, last, type, out), i;

    for (i = 0; i < count; i++)
    {
        char one[64];
        if (out[i].last == EOF_)
            snprintf(one, sizeof one, "%s%c%llu-EOF", i ? " " : "", out[i].type == LX_F_WRLCK ? 'W' : 'R',
                     (unsigned long long)out[i].first);
        else
            snprintf(one, sizeof one, "%s%c%llu-%llu", i ? " " : "", out[i].type == LX_F_WRLCK ? 'W' : 'R',
                     (unsigned long long)out[i].first, (unsigned long long)out[i].last);
        strcat(got, one);
    }
    tap_ok(strcmp(got, want) == 0 && count <= n + 2, "%s: %s", name, want);
    if (strcmp(got, want) != 0)
        printf("#   got \"%s\"\n", got);
}

static void check_range(const char *name, int64_t base, int64_t start, int64_t len, int want_rc, uint64_t want_first,
                        uint64_t want_last)
{
    uint64_t first = 0, last = 0;
    int rc = lx_lock_range_of(base, start, len, &first, &last);
    tap_ok(rc == want_rc && (rc < 0 || (first == want_first && last == want_last)), "range %s", name);
}

int main(void)
{
    const lx_lock_range w0_99[] = {{0, 99, LX_F_WRLCK}};
    const lx_lock_range two_w[] = {{0, 39, LX_F_WRLCK}, {60, 99, LX_F_WRLCK}};
    const lx_lock_range r0_9[] = {{0, 9, LX_F_RDLCK}};
    const lx_lock_range w0_eof[] = {{0, EOF_, LX_F_WRLCK}};
    const lx_lock_range w10_19[] = {{10, 19, LX_F_WRLCK}};
    const lx_lock_range r_w[] = {{0, 9, LX_F_RDLCK}, {20, 29, LX_F_WRLCK}};
    const lx_lock_range three[] = {{0, 9, LX_F_RDLCK}, {10, 19, LX_F_WRLCK}, {20, 29, LX_F_RDLCK}};
    lx_lock_range r;

    check_range("0+0, len 0: the whole file", 0, 0, 0, 0, 0, EOF_);
    check_range("10, len 5", 0, 10, 5, 0, 10, 14);
    check_range("SEEK_CUR 100 - 10, len 5", 100, -10, 5, 0, 90, 94);
    check_range("10, len -5: the 5 bytes before", 0, 10, -5, 0, 5, 9);
    check_range("a start before 0 is EINVAL", 0, -1, 1, -LX_EINVAL, 0, 0);
    check_range("len -5 from 3 reaches before 0: EINVAL", 0, 3, -5, -LX_EINVAL, 0, 0);
    check_range("an end beyond 2^63 is EINVAL", 0, INT64_MAX - 1, 10, -LX_EINVAL, 0, 0);
    check_range("base + start overflowing is EINVAL", INT64_MAX, 1, 1, -LX_EINVAL, 0, 0);

    r = (lx_lock_range){10, 19, LX_F_RDLCK};
    tap_ok(!lx_lock_conflicts(&r, 15, 30, LX_F_RDLCK), "read locks share");
    tap_ok(lx_lock_conflicts(&r, 15, 30, LX_F_WRLCK), "a write lock conflicts with a read lock");
    r.type = LX_F_WRLCK;
    tap_ok(lx_lock_conflicts(&r, 0, 10, LX_F_RDLCK), "a read lock conflicts with a write lock (one byte shared)");
    tap_ok(!lx_lock_conflicts(&r, 20, EOF_, LX_F_WRLCK), "disjoint ranges never conflict");

    check_apply("a first lock", NULL, 0, 0, 99, LX_F_WRLCK, "W0-99");
    check_apply("unlocking the middle splits", w0_99, 1, 40, 59, LX_F_UNLCK, "W0-39 W60-99");
    check_apply("locking the hole merges all three", two_w, 2, 40, 59, LX_F_WRLCK, "W0-99");
    check_apply("a read lock inside a write lock", w0_99, 1, 10, 19, LX_F_RDLCK, "W0-9 R10-19 W20-99");
    check_apply("adjacent read locks merge", r0_9, 1, 10, 19, LX_F_RDLCK, "R0-19");
    check_apply("unlocking to EOF trims a lock to EOF", w0_eof, 1, 100, EOF_, LX_F_UNLCK, "W0-99");
    check_apply("unlocking everything", w10_19, 1, 0, EOF_, LX_F_UNLCK, "");
    check_apply("a write lock over a read and a write lock", r_w, 2, 5, 25, LX_F_WRLCK, "R0-4 W5-29");
    check_apply("upgrading the middle of three", three, 3, 10, 19, LX_F_RDLCK, "R0-29");
    check_apply("a lock to EOF swallows what follows", three, 3, 15, EOF_, LX_F_WRLCK, "R0-9 W10-EOF");
    check_apply("unlocking nothing held", w10_19, 1, 30, 40, LX_F_UNLCK, "W10-19");
    return tap_done();
}
