/* lxss-test: group=basic needs=getpid,write,exit_group timeout=10 */
/*
 * regs_asm: the register contract of the system call gate, libc-free.
 *   default (patched convention, interface 3): int $0x2e, EAX = LXSS_SYSCALL_BASE + nr,
 *     EDX = argument array; EBX, ESI, EDI, EBP and ESP must survive, ECX/EDX may not.
 *   -DLXSS_INT80 (`lxgen elf --stock`, the Linux i386 convention): int $0x80, EAX = nr,
 *     arguments in EBX, ECX, EDX; EBX, ECX, EDX, ESI, EDI, EBP and ESP must all survive
 *     (musl's inline __syscallN rely on it: they keep values in ECX/EDX across the trap).
 * Checks: 1 getpid > 0, 2 write(1, msg, len) = len, 3 number 1000 (no such call) = -ENOSYS,
 * each with every preserved register intact; with -DLXSS_INT80 also 4: number -1 = -ENOSYS.
 * Exit status 0 if all pass, else 1. A broken register is named by a mask in the TAP line:
 * 1 ESP, 2 ESI, 4 EDI, 8 EBP, 16 EBX, 32 ECX, 64 EDX.
 */
#include "lxss_trap.h"

#define SYS_exit_group 252
#define SYS_write 4
#define SYS_getpid 20

	.data
result:	.long 0
bad:	.long 0
saved_esp: .long 0
exp_ebx: .long 0
exp_ecx: .long 0
exp_edx: .long 0
args:	.long 0, 0, 0
failed:	.long 0

	.section .rodata
#ifdef LXSS_INT80
hdr:	.ascii "TAP version 13\n1..4\n"
#else
hdr:	.ascii "TAP version 13\n1..3\n"
#endif
hdr_end:
msg:	.ascii "# hello through the gate\n"
msg_end:
okm:	.ascii "ok "
notm:	.ascii "not ok "
d1:	.ascii "1 - getpid > 0, registers preserved: result "
d1_end:
d2:	.ascii "2 - write(1, msg, 25) = 25, registers preserved: result "
d2_end:
d3:	.ascii "3 - system call 1000 = -ENOSYS, registers preserved: result "
d3_end:
d4:	.ascii "4 - system call -1 = -ENOSYS, registers preserved: result "
d4_end:
maskm:	.ascii ", bad register mask "
maskm_end:
nl:	.ascii "\n"

	.text
/* long gate(long nr, long a1, long a2, long a3): the system call with register patterns in
 * every register the convention preserves; leaves the result in `result` and the mask of
 * registers that changed in `bad`. */
	.type gate,@function
gate:
	pushl %ebx
	pushl %esi
	pushl %edi
	pushl %ebp
	movl 20(%esp),%eax
	movl 24(%esp),%ebx
	movl 28(%esp),%ecx
	movl 32(%esp),%edx
	movl %esp,saved_esp
	movl $0x33333333,%esi
	movl $0x44444444,%edi
	movl $0x55555555,%ebp
#ifdef LXSS_INT80
	movl %ebx,exp_ebx
	movl %ecx,exp_ecx
	movl %edx,exp_edx
	int $0x80
#else
	movl %ebx,args
	movl %ecx,args+4
	movl %edx,args+8
	movl $0x11111111,%ebx
	movl %ebx,exp_ebx
	addl $LXSS_SYSCALL_BASE,%eax
	movl $args,%edx
	int $LXSS_TRAP_VECTOR
#endif
	movl %eax,result
	xorl %eax,%eax
	cmpl saved_esp,%esp
	je 1f
	orl $1,%eax
1:	cmpl $0x33333333,%esi
	je 1f
	orl $2,%eax
1:	cmpl $0x44444444,%edi
	je 1f
	orl $4,%eax
1:	cmpl $0x55555555,%ebp
	je 1f
	orl $8,%eax
1:	cmpl exp_ebx,%ebx
	je 1f
	orl $16,%eax
1:
#ifdef LXSS_INT80
	cmpl exp_ecx,%ecx
	je 1f
	orl $32,%eax
1:	cmpl exp_edx,%edx
	je 1f
	orl $64,%eax
1:
#endif
	movl saved_esp,%esp
	movl %eax,bad
	popl %ebp
	popl %edi
	popl %esi
	popl %ebx
	movl result,%eax
	ret

/* void print(const char *s, long len): write(1, s, len) through gate's convention */
	.type print,@function
print:
	pushl 8(%esp)
	pushl 8(%esp)
	pushl $1
	pushl $SYS_write
	call gate
	addl $16,%esp
	ret

#include "../lxtap_asm.h"

/* void report(int ok, const char *desc, long len, long value, long mask) */
	.type report,@function
report:
	pushl %ebx
	movl 8(%esp),%eax
	testl %eax,%eax
	jz 1f
	pushl $3
	pushl $okm
	jmp 2f
1:	incl failed
	pushl $7
	pushl $notm
2:	call print
	addl $8,%esp
	pushl 16(%esp)          /* len */
	pushl 16(%esp)          /* desc (the stack moved by 4) */
	call print
	addl $8,%esp
	pushl 20(%esp)          /* value */
	call print_dec
	addl $4,%esp
	pushl $(maskm_end - maskm)
	pushl $maskm
	call print
	addl $8,%esp
	pushl 24(%esp)          /* mask */
	call print_dec
	addl $4,%esp
	pushl $1
	pushl $nl
	call print
	addl $8,%esp
	popl %ebx
	ret

/* check(nr, a1, a2, a3, expected-kind, expected, desc, desclen): one numbered check;
 * kind 0: result == expected, kind 1: result > 0 */
.macro CHECK nr, a1, a2, a3, kind, expected, desc, desc_end
	pushl \a3
	pushl \a2
	pushl \a1
	pushl \nr
	call gate
	addl $16,%esp
	movl bad,%ebx
	xorl %ecx,%ecx
	.if \kind
	cmpl $0,%eax
	jle 8f
	.else
	cmpl \expected,%eax
	jne 8f
	.endif
	testl %ebx,%ebx
	jnz 8f
	incl %ecx
8:	pushl %ebx
	pushl %eax
	pushl $(\desc_end - \desc)
	pushl $\desc
	pushl %ecx
	call report
	addl $20,%esp
.endm

	.globl _start
	.type _start,@function
_start:
	xorl %ebp,%ebp
	pushl $(hdr_end - hdr)
	pushl $hdr
	call print
	addl $8,%esp

	CHECK $SYS_getpid, $0, $0, $0, 1, $0, d1, d1_end
	CHECK $SYS_write, $1, $msg, $(msg_end - msg), 0, $(msg_end - msg), d2, d2_end
	CHECK $1000, $0, $0, $0, 0, $-38, d3, d3_end
#ifdef LXSS_INT80
	CHECK $-1, $0, $0, $0, 0, $-38, d4, d4_end
#endif

	/* exit_group(0), or 1 if a check failed */
	xorl %ebx,%ebx
	cmpl $0,failed
	je 1f
	movl $1,%ebx
1:
#ifdef LXSS_INT80
	movl $SYS_exit_group,%eax
	int $0x80
#else
	movl %ebx,args
	movl $args,%edx
	movl $(LXSS_SYSCALL_BASE + SYS_exit_group),%eax
	int $LXSS_TRAP_VECTOR
#endif
	hlt

	.section .note.GNU-stack,"",@progbits
