/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Linux i386 FPU state: the initial state and the signal frame's struct _fpstate
 */

#include "lx_fpu.h"

void lx_fpu_init(uint8_t fx[LX_FXSAVE_SIZE])
{
    lx_zero(fx, LX_FXSAVE_SIZE);
    lx_put16(fx + LX_FX_CW, LX_FPU_INIT_CW);
    lx_put32(fx + LX_FX_MXCSR, LX_FPU_INIT_MXCSR);
}

uint32_t lx_fpu_full_tag(const uint8_t fx[LX_FXSAVE_SIZE])
{
    uint32_t top = (lx_get16(fx + LX_FX_SW) >> 11) & 7;
    uint32_t abridged = fx[LX_FX_TW];
    uint32_t tag, full = 0xFFFF0000u;
    int i;

    for (i = 0; i < 8; i++)
    {
        /* physical register i is ST((i - top) & 7) */
        const uint8_t *st = fx + LX_FX_ST0 + 16 * ((i - top) & 7);
        uint16_t exponent = lx_get16(st + 8) & 0x7FFF;
        uint32_t low = lx_get32(st), high = lx_get32(st + 4);

        if (!(abridged & (1u << i)))
            tag = 3;                            /* empty */
        else if (exponent == 0x7FFF)
            tag = 2;                            /* special: NaN, infinity */
        else if (exponent == 0)
            tag = (low | high) == 0 ? 1 : 2;    /* zero, or denormal */
        else
            tag = (high & 0x80000000u) ? 0 : 2; /* valid, or unnormal */
        full |= tag << (2 * i);
    }
    return full;
}

uint8_t lx_fpu_abridged_tag(uint16_t tag)
{
    uint32_t t = (uint16_t)~tag;

    t = (t | (t >> 1)) & 0x5555;    /* each pair: 01 unless empty (11) */
    t = (t | (t >> 1)) & 0x3333;
    t = (t | (t >> 2)) & 0x0F0F;
    t = (t | (t >> 4)) & 0x00FF;
    return (uint8_t)t;
}

void lx_fpstate_from_fxsave(uint8_t fp[LX_FPSTATE_SIZE], const uint8_t fx[LX_FXSAVE_SIZE])
{
    int i;

    lx_zero(fp, LX_FPSTATE_SIZE);
    lx_put32(fp + 0, 0xFFFF0000u | lx_get16(fx + LX_FX_CW));
    lx_put32(fp + 4, 0xFFFF0000u | lx_get16(fx + LX_FX_SW));
    lx_put32(fp + 8, lx_fpu_full_tag(fx));
    lx_put32(fp + 12, lx_get32(fx + LX_FX_FIP));
    lx_put32(fp + 16, lx_get16(fx + LX_FX_FCS) | ((uint32_t)lx_get16(fx + LX_FX_FOP) << 16));
    lx_put32(fp + 20, lx_get32(fx + LX_FX_FOO));
    lx_put32(fp + 24, lx_get32(fx + LX_FX_FOS));
    for (i = 0; i < 8; i++)
        lx_copy(fp + 28 + 10 * i, fx + LX_FX_ST0 + 16 * i, 10);
    lx_put16(fp + LX_FPSTATE_STATUS, lx_get16(fx + LX_FX_SW));
    lx_put16(fp + LX_FPSTATE_MAGIC, LX_FP_MAGIC_FXSR);
    lx_copy(fp + LX_FPSTATE_FXSR, fx, LX_FXSAVE_SIZE);
}

void lx_fxsave_from_fpstate(uint8_t fx[LX_FXSAVE_SIZE], const uint8_t *fp, size_t fp_len)
{
    int i;

    if (fp_len >= LX_FPSTATE_SIZE && lx_get16(fp + LX_FPSTATE_MAGIC) == LX_FP_MAGIC_FXSR)
        lx_copy(fx, fp + LX_FPSTATE_FXSR, LX_FXSAVE_SIZE);
    lx_put16(fx + LX_FX_CW, lx_get16(fp + 0));
    lx_put16(fx + LX_FX_SW, lx_get16(fp + 4));
    fx[LX_FX_TW] = lx_fpu_abridged_tag(lx_get16(fp + 8));
    fx[LX_FX_TW + 1] = 0;
    lx_put16(fx + LX_FX_FOP, (uint16_t)(lx_get32(fp + 16) >> 16));
    lx_put32(fx + LX_FX_FIP, lx_get32(fp + 12));
    lx_put32(fx + LX_FX_FCS, lx_get16(fp + 16));
    lx_put32(fx + LX_FX_FOO, lx_get32(fp + 20));
    lx_put32(fx + LX_FX_FOS, lx_get16(fp + 24));   /* the selector; the reserved half 0 */
    for (i = 0; i < 8; i++)
        lx_copy(fx + LX_FX_ST0 + 16 * i, fp + 28 + 10 * i, 10);
}
