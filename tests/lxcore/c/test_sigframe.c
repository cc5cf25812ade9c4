/* The Linux i386 signal frame layout of lxcore/core/lx_sigframe.h against the i386 C
 * library's own struct sigcontext, ucontext_t and siginfo_t (the same kernel ABI). */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ucontext.h>

#include "lx_sigframe.h"
#include "tap.h"

#define SC_FIELD(f) TAP_EQ(offsetof(lx_sigcontext, f), offsetof(struct sigcontext, f), "sigcontext." #f)

int main(void)
{
    uint32_t sp;

    TAP_EQ(sizeof(void *), 4, "built for i386 (-m32)");
    TAP_EQ(sizeof(lx_sigcontext), LX_SIGCONTEXT_SIZE, "lx_sigcontext is 88 bytes");
    TAP_EQ(sizeof(struct sigcontext), LX_SIGCONTEXT_SIZE, "libc struct sigcontext is 88 bytes");
    SC_FIELD(gs); SC_FIELD(fs); SC_FIELD(es); SC_FIELD(ds);
    SC_FIELD(edi); SC_FIELD(esi); SC_FIELD(ebp); SC_FIELD(esp);
    SC_FIELD(ebx); SC_FIELD(edx); SC_FIELD(ecx); SC_FIELD(eax);
    SC_FIELD(trapno); SC_FIELD(err); SC_FIELD(eip); SC_FIELD(cs);
    SC_FIELD(eflags); SC_FIELD(esp_at_signal); SC_FIELD(ss);
    SC_FIELD(fpstate); SC_FIELD(oldmask); SC_FIELD(cr2);
    TAP_EQ(offsetof(lx_sigcontext, eip), REG_EIP * 4, "gregs[REG_EIP]");
    TAP_EQ(offsetof(lx_sigcontext, esp_at_signal), REG_UESP * 4, "gregs[REG_UESP]");
    TAP_EQ(offsetof(lx_sigcontext, eax), REG_EAX * 4, "gregs[REG_EAX]");
    TAP_EQ(offsetof(ucontext_t, uc_stack), LX_UC_STACK, "ucontext uc_stack");
    TAP_EQ(offsetof(ucontext_t, uc_mcontext), LX_UC_MCONTEXT, "ucontext uc_mcontext");
    TAP_EQ(offsetof(ucontext_t, uc_sigmask), LX_UC_SIGMASK, "ucontext uc_sigmask");
    TAP_EQ(sizeof(mcontext_t), LX_SIGCONTEXT_SIZE, "mcontext_t is a sigcontext");
    TAP_EQ(sizeof(siginfo_t), LX_SIGINFO_SIZE, "siginfo_t is 128 bytes");
    TAP_EQ(offsetof(siginfo_t, si_code), 8, "si_code at 8");
    TAP_EQ(offsetof(siginfo_t, si_addr), 12, "si_addr at 12");
    TAP_EQ(offsetof(siginfo_t, si_pid), 12, "si_pid at 12");
    TAP_EQ(LX_RT_UC, 144, "rt_sigframe: uc after pretcode, sig, pinfo, puc, info");
    TAP_EQ(LX_RT_SIZE, 268, "rt_sigframe size");
    TAP_EQ(LX_SF_EXTRAMASK, 720, "sigframe: extramask after sc and the unused fpstate");
    TAP_EQ(LX_SF_SIZE, 732, "sigframe size");
    for (sp = 0x7FFBFFF0u; sp > 0x7FFBFF00u; sp -= 7)
    {
        uint32_t a = lx_sigframe_address(sp, LX_RT_SIZE);
        if (((a + 4) & 15) != 0 || a + LX_RT_SIZE > sp || sp - (a + LX_RT_SIZE) > 16)
        {
            tap_ok(0, "frame address for sp 0x%x", sp);
            return tap_done();
        }
    }
    tap_ok(1, "frame addresses: below sp, within 16 bytes of it, ESP+4 16-byte aligned");
    return tap_done();
}
