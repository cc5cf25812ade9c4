/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Linux i386 FPU state: the initial state and the signal frame's struct _fpstate
 *
 * The x87/SSE state is kept as the FXSAVE image the CPU writes (512 bytes: control word,
 * status word, abridged tag byte, ..., MXCSR, ST0-7 in 16-byte slots, XMM0-7). A Linux i386
 * signal frame carries it as struct _fpstate (arch/x86/include/uapi/asm/sigcontext.h, 32-bit):
 * first the FNSAVE-format environment and registers (112 bytes), then status and magic
 * (0x0000: the FXSR part follows; 0xFFFF: FNSAVE data only), then the FXSAVE image itself.
 * The conversions follow arch/x86/kernel/fpu/regset.c (convert_from_fxsr, convert_to_fxsr).
 */

#ifndef LX_FPU_H
#define LX_FPU_H

#include "lx_types.h"

#define LX_FXSAVE_SIZE          512
#define LX_FREGS_SIZE           112     /* struct fregs_state / user_i387_ia32_struct */
#define LX_FPSTATE_STATUS       108     /* u16 status, a copy of the status word */
#define LX_FPSTATE_MAGIC        110     /* u16 magic */
#define LX_FPSTATE_FXSR         LX_FREGS_SIZE   /* the FXSAVE image */
#define LX_FPSTATE_SIZE         (LX_FREGS_SIZE + LX_FXSAVE_SIZE)  /* 624 */
#define LX_FP_MAGIC_FXSR        0x0000
#define LX_FP_MAGIC_FNSAVE_ONLY 0xFFFF

/* Linux's initial state (fpstate_init_fx, fpu__init_cpu): all exceptions masked, 64-bit
 * precision, round to nearest; SSE likewise. */
#define LX_FPU_INIT_CW          0x037F
#define LX_FPU_INIT_MXCSR       0x1F80

/* FXSAVE image offsets */
#define LX_FX_CW                0
#define LX_FX_SW                2
#define LX_FX_TW                4       /* abridged: one bit a register, 1 = not empty */
#define LX_FX_FOP               6
#define LX_FX_FIP               8
#define LX_FX_FCS               12
#define LX_FX_FOO               16
#define LX_FX_FOS               20
#define LX_FX_MXCSR             24
#define LX_FX_ST0               32      /* 8 slots of 16 bytes, 10 used */

/* Fills an FXSAVE image with Linux's initial state. */
void lx_fpu_init(uint8_t fx[LX_FXSAVE_SIZE]);

/* Writes the struct _fpstate of a signal frame for the state in fx (magic 0: FXSR). */
void lx_fpstate_from_fxsave(uint8_t fp[LX_FPSTATE_SIZE], const uint8_t fx[LX_FXSAVE_SIZE]);

/* The state sigreturn restores from a struct _fpstate: as Linux does for 32-bit frames, the
 * FXSAVE image (when magic says it is there; else fx keeps its SSE part) overlaid with the
 * FNSAVE part (control, status and tag words, instruction and operand pointers, ST0-7).
 * fp_len is LX_FPSTATE_SIZE, or LX_FREGS_SIZE when only the FNSAVE part was readable. */
void lx_fxsave_from_fpstate(uint8_t fx[LX_FXSAVE_SIZE], const uint8_t *fp, size_t fp_len);

/* The full (FNSAVE) tag word of an FXSAVE image, Linux's twd_fxsr_to_i387. */
uint32_t lx_fpu_full_tag(const uint8_t fx[LX_FXSAVE_SIZE]);

/* The abridged (FXSAVE) tag byte of a full tag word, Linux's twd_i387_to_fxsr. */
uint8_t lx_fpu_abridged_tag(uint16_t tag);

#endif /* LX_FPU_H */
