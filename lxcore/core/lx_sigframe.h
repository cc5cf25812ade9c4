/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Linux i386 signal frame layouts (arch/x86/include/asm/sigframe.h, ia32)
 *
 * Shared by the driver's signal delivery (lxcore/kernel/signal.c) and the host test that checks
 * them against the i386 C library's struct sigcontext / ucontext_t.
 */

#ifndef LX_SIGFRAME_H
#define LX_SIGFRAME_H

#include "lx_types.h"

#define LX_SIGCONTEXT_SIZE  88
#define LX_FPSTATE32_SIZE   624
#define LX_SIGINFO_SIZE     128

/* struct sigframe_ia32 */
#define LX_SF_SIG           4
#define LX_SF_SC            8
#define LX_SF_EXTRAMASK     (LX_SF_SC + LX_SIGCONTEXT_SIZE + LX_FPSTATE32_SIZE)   /* 720 */
#define LX_SF_RETCODE       (LX_SF_EXTRAMASK + 4)                                   /* 724 */
#define LX_SF_SIZE          (LX_SF_RETCODE + 8)                                     /* 732 */

/* struct rt_sigframe_ia32 */
#define LX_RT_SIG           4
#define LX_RT_PINFO         8
#define LX_RT_PUC           12
#define LX_RT_INFO          16
#define LX_RT_UC            (LX_RT_INFO + LX_SIGINFO_SIZE)          /* 144 */
#define LX_UC_STACK         8                                       /* in struct ucontext */
#define LX_UC_MCONTEXT      20
#define LX_UC_SIGMASK       (LX_UC_MCONTEXT + LX_SIGCONTEXT_SIZE)   /* 108 */
#define LX_RT_RETCODE       (LX_RT_UC + LX_UC_SIGMASK + 8)          /* 260 */
#define LX_RT_SIZE          (LX_RT_RETCODE + 8)                     /* 268 */

/* struct sigcontext (ia32), the uc_mcontext of ucontext_t: 22 words */
typedef struct lx_sigcontext
{
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint32_t trapno, err, eip, cs, eflags, esp_at_signal, ss;
    uint32_t fpstate, oldmask, cr2;
} lx_sigcontext;

/* Where a signal frame of 'size' bytes goes below 'sp': Linux aligns it so that ESP + 4 is
 * 16-byte aligned when the handler starts (as right after a call). */
static inline uint32_t lx_sigframe_address(uint32_t sp, uint32_t size)
{
    return ((sp - size + 4) & ~(uint32_t)15) - 4;
}

#endif /* LX_SIGFRAME_H */
