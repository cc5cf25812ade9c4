/* Minimal TAP 13 output for the psxss host test drivers (parsed by tests/psxss/psxss.test.ts). */
#ifndef PSX_TEST_TAP_H
#define PSX_TEST_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int TapCount, TapFailed;

static void
TapOk(int Condition, const char *Format, ...)
{
    va_list Args;

    TapCount++;
    if (!Condition)
        TapFailed++;
    printf("%sok %d - ", Condition ? "" : "not ", TapCount);
    va_start(Args, Format);
    vprintf(Format, Args);
    va_end(Args);
    printf("\n");
}

#define TAP_EQ(Got, Want, Name)                                                         \
    do {                                                                                \
        long long G_ = (long long)(Got), W_ = (long long)(Want);                        \
        TapOk(G_ == W_, "%s", Name);                                                    \
        if (G_ != W_)                                                                   \
            printf("#   got %lld (0x%llx), want %lld (0x%llx)\n", G_,                   \
                   (unsigned long long)G_, W_, (unsigned long long)W_);                 \
    } while (0)

#define TAP_STR(Got, Want, Name)                                                        \
    do {                                                                                \
        const char *G_ = (Got), *W_ = (Want);                                           \
        int Same_ = (G_ && W_) ? strcmp(G_, W_) == 0 : G_ == W_;                         \
        TapOk(Same_, "%s", Name);                                                       \
        if (!Same_)                                                                     \
            printf("#   got \"%s\", want \"%s\"\n", G_ ? G_ : "(null)", W_ ? W_ : "(null)"); \
    } while (0)

static int
TapDone(void)
{
    printf("1..%d\n", TapCount);
    fflush(stdout);
    return TapFailed ? 1 : 0;
}

#endif
