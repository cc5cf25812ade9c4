/* lxcore/core/lx_fpu.c against the CPU itself (i386, -m32): the struct _fpstate layout of
 * the C library's <signal.h>, Linux's initial state, and the FXSAVE <-> FNSAVE conversions
 * compared with what FXSAVE, FNSAVE and FRSTOR do to the same x87 registers. */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lx_fpu.h"
#include "tap.h"

static uint8_t fx_area[LX_FXSAVE_SIZE] __attribute__((aligned(16)));

static void fxsave(uint8_t *out)
{
    __asm__ volatile("fxsave %0" : "=m"(*(uint8_t(*)[512])fx_area));
    memcpy(out, fx_area, LX_FXSAVE_SIZE);
}

static void fxrstor(const uint8_t *in)
{
    memcpy(fx_area, in, LX_FXSAVE_SIZE);
    __asm__ volatile("fxrstor %0" : : "m"(*(uint8_t(*)[512])fx_area));
}

static void fnsave(uint8_t out[108]) { __asm__ volatile("fnsave %0" : "=m"(*(uint8_t(*)[108])out)); }
static void frstor(const uint8_t in[108]) { __asm__ volatile("frstor %0" : : "m"(*(const uint8_t(*)[108])in)); }

static uint16_t u16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t u32(const uint8_t *p) { return u16(p) | (uint32_t)u16(p + 2) << 16; }

/* Some CPUs' FXSAVE leaves the last instruction and operand pointers out (AMD's without a
 * pending exception; QEMU's TCG always): those are compared only where FXSAVE wrote them. */
static int fxsave_has_pointers;

/* The fields both formats define: the FNSAVE part of a struct _fpstate. */
static int same_fregs(const uint8_t *a, const uint8_t *b, const char *what)
{
    int ok = u16(a) == u16(b) && u16(a + 4) == u16(b + 4) && u16(a + 8) == u16(b + 8) &&
             (!fxsave_has_pointers || (u32(a + 12) == u32(b + 12) && u32(a + 16) == u32(b + 16) &&
                                       u32(a + 20) == u32(b + 20) && u16(a + 24) == u16(b + 24))) &&
             memcmp(a + 28, b + 28, 80) == 0;
    tap_ok(ok, "%s", what);
    if (!ok)
        printf("#   cw %04x/%04x sw %04x/%04x tag %04x/%04x fip %08x/%08x fcs %08x/%08x\n", u16(a), u16(b),
               u16(a + 4), u16(b + 4), u16(a + 8), u16(b + 8), u32(a + 12), u32(b + 12), u32(a + 16), u32(b + 16));
    return ok;
}

/* The fields an FXSAVE image defines, apart from MXCSR_MASK and the reserved bytes. */
static int same_fxsave(const uint8_t *a, const uint8_t *b, const char *what)
{
    int ok = memcmp(a, b, fxsave_has_pointers ? 24 : 6) == 0 && u32(a + 24) == u32(b + 24) &&
             memcmp(a + 32, b + 32, 256) == 0;
    tap_ok(ok, "%s", what);
    for (int i = 0; !ok && i < 288; i++)
        if ((i < 28 || i >= 32) && a[i] != b[i])
            printf("#   byte %d: %02x, want %02x\n", i, a[i], b[i]);
    return ok;
}

/* A state with every tag class: valid, zero, special (NaN, infinity, denormal), empty,
 * a non-zero TOP, an operand pointer from the last load, a non-default control word. */
static void load_mixed_state(void)
{
    static const long double values[] = {1.5L, 0.0L, __builtin_nanl(""), __builtin_infl(), 3.6451995318824746025e-4951L};
    static const uint16_t cw = 0x0E7F; /* round up, 64-bit precision */
    __asm__ volatile("fninit\n\tfldcw %0" : : "m"(cw));
    for (unsigned i = 0; i < sizeof values / sizeof values[0]; i++)
        __asm__ volatile("fldt %0" : : "m"(values[i]));
    __asm__ volatile("fldpi\n\tfincstp" ::: "memory"); /* TOP moves, one register stays full */
}

int main(void)
{
    uint8_t fx[LX_FXSAVE_SIZE], fx2[LX_FXSAVE_SIZE], real_fx[LX_FXSAVE_SIZE], fp[LX_FPSTATE_SIZE];
    uint8_t real_fn[108], other_fn[108];
    uint32_t mxcsr = 0x7F80;

    TAP_EQ(sizeof(void *), 4, "built for i386 (-m32)");
    TAP_EQ(sizeof(struct _fpstate), LX_FPSTATE_SIZE, "libc struct _fpstate is 624 bytes");
    TAP_EQ(offsetof(struct _fpstate, status), LX_FPSTATE_STATUS, "_fpstate.status");
    TAP_EQ(offsetof(struct _fpstate, magic), LX_FPSTATE_MAGIC, "_fpstate.magic");
    TAP_EQ(offsetof(struct _fpstate, _fxsr_env), LX_FPSTATE_FXSR, "_fpstate._fxsr_env: the FXSAVE image");
    TAP_EQ(offsetof(struct _fpstate, mxcsr), LX_FPSTATE_FXSR + LX_FX_MXCSR, "_fpstate.mxcsr");
    TAP_EQ(offsetof(struct _fpstate, _fxsr_st), LX_FPSTATE_FXSR + LX_FX_ST0, "_fpstate._fxsr_st");

    /* the initial state is what FNINIT + LDMXCSR(0x1F80) give */
    lx_fpu_init(fx);
    {
        uint32_t m = LX_FPU_INIT_MXCSR;
        __asm__ volatile("fninit\n\tldmxcsr %0" : : "m"(m));
        fxsave(real_fx);
        memset(real_fx + LX_FX_ST0, 0, 128); /* FNINIT empties the registers, it leaves their bits */
        memset(real_fx + 160, 0, 128);       /* nor does it touch the XMM registers */
    }
    same_fxsave(fx, real_fx, "lx_fpu_init is FNINIT's x87 state with MXCSR 0x1F80");
    TAP_EQ(u16(fx + LX_FX_CW), 0x037F, "initial control word 0x037F");

    /* FXSAVE -> struct _fpstate: its FNSAVE part is what FNSAVE writes */
    __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
    load_mixed_state();
    fxsave(real_fx);
    fnsave(real_fn);
    fxsave_has_pointers = u32(real_fx + LX_FX_FIP) != 0;
    if (!fxsave_has_pointers)
        printf("# this CPU's FXSAVE writes no instruction/operand pointers: not compared\n");
    lx_fpstate_from_fxsave(fp, real_fx);
    same_fregs(fp, real_fn, "_fpstate's FNSAVE part equals FNSAVE of the same registers (every tag class)");
    TAP_EQ(u16(fp + LX_FPSTATE_MAGIC), LX_FP_MAGIC_FXSR, "magic 0: the FXSR part follows");
    TAP_EQ(u16(fp + LX_FPSTATE_STATUS), u16(real_fx + LX_FX_SW), "status is the status word");
    TAP_EQ(u32(fp + 0) >> 16, 0xFFFF, "cw's upper half is 0xFFFF, as Linux writes it");
    tap_ok(memcmp(fp + LX_FPSTATE_FXSR, real_fx, LX_FXSAVE_SIZE) == 0, "the FXSAVE image follows unchanged");

    /* struct _fpstate -> FXSAVE (what sigreturn loads) */
    lx_fxsave_from_fpstate(fx, fp, LX_FPSTATE_SIZE);
    same_fxsave(fx, real_fx, "round trip FXSAVE -> _fpstate -> FXSAVE");

    /* a handler that edits the FNSAVE part (cw) changes what is restored, as on Linux */
    fp[0] = 0x7F;
    fp[1] = 0x02;
    lx_fxsave_from_fpstate(fx, fp, LX_FPSTATE_SIZE);
    TAP_EQ(u16(fx + LX_FX_CW), 0x027F, "the FNSAVE part's control word wins over the FXSAVE image's");

    /* FNSAVE-only frame (magic 0xFFFF, 112 bytes readable): the x87 part comes from it, SSE
     * stays; compare with FRSTOR of the same bytes followed by FXSAVE */
    {
        uint32_t m2 = 0x1F80;
        __asm__ volatile("fninit\n\tldmxcsr %0" : : "m"(m2));
        fxsave(fx2); /* the state before: SSE part kept */
        load_mixed_state();
        fnsave(other_fn);
        memcpy(fp, other_fn, 108);
        fp[LX_FPSTATE_MAGIC] = 0xFF;
        fp[LX_FPSTATE_MAGIC + 1] = 0xFF;
        memcpy(fx, fx2, LX_FXSAVE_SIZE);
        lx_fxsave_from_fpstate(fx, fp, LX_FREGS_SIZE);
        fxrstor(fx2);
        frstor(other_fn);
        fxsave(real_fx);
        same_fxsave(fx, real_fx, "FNSAVE-only frame: the state FRSTOR loads, MXCSR and XMM kept");
    }

    /* tag words: every full tag word's abridged form, against the definition */
    {
        int bad = 0;
        for (uint32_t t = 0; t < 0x10000 && !bad; t++) {
            uint8_t want = 0;
            for (int i = 0; i < 8; i++)
                if (((t >> (2 * i)) & 3) != 3)
                    want |= (uint8_t)(1u << i);
            bad = lx_fpu_abridged_tag((uint16_t)t) != want;
        }
        tap_ok(!bad, "lx_fpu_abridged_tag of all 65536 tag words");
    }
    {
        uint8_t empty[LX_FXSAVE_SIZE];
        lx_fpu_init(empty);
        TAP_EQ(lx_fpu_full_tag(empty), 0xFFFFFFFF, "initial state: every register empty (tag 0xFFFF)");
    }
    return tap_done();
}
