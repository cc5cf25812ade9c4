/* Tiny TAP 13 helper for the lxcore/core host test drivers (parsed by tests/lxcore/core.test.ts). */
#ifndef LX_TEST_TAP_H
#define LX_TEST_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_n, tap_failed;

static void tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;
    tap_n++;
    if (!cond)
        tap_failed++;
    printf("%sok %d - ", cond ? "" : "not ", tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* Compares two integer values and prints both on mismatch. */
#define TAP_EQ(got, want, name)                                                        \
    do {                                                                               \
        long long _g = (long long)(got), _w = (long long)(want);                       \
        tap_ok(_g == _w, "%s", name);                                                  \
        if (_g != _w)                                                                  \
            printf("#   got 0x%llx (%lld), want 0x%llx (%lld)\n", (unsigned long long)_g, \
                   _g, (unsigned long long)_w, _w);                                    \
    } while (0)

static int tap_done(void)
{
    printf("1..%d\n", tap_n);
    fflush(stdout);
    return tap_failed ? 1 : 0;
}

#endif
