/* lxss-test: group=basic needs=write,getpid,exit_group timeout=10 exit=7 */
/*
 * hello_asm: the proof program for the kernel plumbing. No libc: every system call is a
 * bare `int $0x2e` with EAX = LXSS_SYSCALL_BASE + nr and EDX = the argument array on the
 * stack (interface 3). It
 *   1. writes "hello\n" with write(1, "hello\n", 6),
 *   2. calls getpid and prints the result in decimal,
 *   3. calls break (17), a syscall that stays unimplemented (-ENOSYS) in lxcore as on
 *      Linux, and prints the result in decimal and hex (expected -38 0xffffffda),
 *   4. exits with exit_group(7) (1 if a check failed).
 * Its output is TAP so a serial log shows pass/fail and the raw values.
 * Build: gcc -m32 -static -no-pie -nostdlib -I musl-patches/generated -o hello_asm hello_asm.S
 * With -DLXSS_INT80 (`lxgen elf --stock`) it is its unmodified-Linux twin: the same checks,
 * every system call a native `int $0x80` with the number in EAX and arguments in EBX, ECX, EDX.
 */
#include "lxss_trap.h"

#define NR(n) $(LXSS_SYSCALL_BASE + (n))
#define SYS_exit_group 252
#define SYS_write 4
#define SYS_getpid 20
#define SYS_break 17

	.section .rodata
hdr:	.ascii "TAP version 13\n1..3\n"
hdr_end:
hello:	.ascii "hello\n"
ok1:	.ascii "ok 1 - write(1, \"hello\\n\", 6) returned 6\n"
ok1_end:
nok1:	.ascii "not ok 1 - write(1, \"hello\\n\", 6) did not return 6\n"
nok1_end:
ok2:	.ascii "ok 2 - getpid = "
ok2_end:
nok2:	.ascii "not ok 2 - getpid = "
nok2_end:
ok3:	.ascii "ok 3 - break (17) = "
ok3_end:
nok3:	.ascii "not ok 3 - break (17) = "
nok3_end:
sp:	.ascii " "
nl:	.ascii "\n"
hexdig:	.ascii "0123456789abcdef"

	.text
/* long sys3(long nr, long a, long b, long c): the trap with a 3-word argument array,
 * which is the caller's own argument area (a, b, c are contiguous on the stack). */
	.type sys3,@function
sys3:
#ifdef LXSS_INT80
	pushl %ebx
	movl 8(%esp),%eax
	movl 12(%esp),%ebx
	movl 16(%esp),%ecx
	movl 20(%esp),%edx
	int $0x80
	popl %ebx
#else
	movl 4(%esp),%eax
	addl $LXSS_SYSCALL_BASE,%eax
	leal 8(%esp),%edx
	int $LXSS_TRAP_VECTOR
#endif
	ret

/* void print(const char *s, long len) */
	.type print,@function
print:
	pushl 8(%esp)           /* len */
	pushl 8(%esp)           /* s (the stack moved by 4) */
	pushl $1
	pushl $SYS_write
	call sys3
	addl $16,%esp
	ret

#include "../lxtap_asm.h"

/* void print_hex(unsigned long v): "0x" and 8 digits */
	.type print_hex,@function
print_hex:
	pushl %ebx
	subl $12,%esp
	movl 20(%esp),%eax
	movw $0x7830,(%esp)     /* "0x" */
	movl $9,%ecx
1:	movl %eax,%ebx
	andl $15,%ebx
	movb hexdig(%ebx),%dl
	movb %dl,(%esp,%ecx)
	shrl $4,%eax
	decl %ecx
	cmpl $1,%ecx
	jne 1b
	movl %esp,%eax
	pushl $10
	pushl %eax
	call print
	addl $20,%esp
	popl %ebx
	ret

	.globl _start
	.type _start,@function
_start:
	xorl %ebp,%ebp
	xorl %edi,%edi          /* EDI: number of failed checks */
	pushl $(hdr_end - hdr)
	pushl $hdr
	call print
	addl $8,%esp

	/* 1: write(1, "hello\n", 6) */
	pushl $6
	pushl $hello
	pushl $1
	pushl $SYS_write
	call sys3
	addl $16,%esp
	cmpl $6,%eax
	jne 1f
	pushl $(ok1_end - ok1)
	pushl $ok1
	jmp 2f
1:	incl %edi
	pushl $(nok1_end - nok1)
	pushl $nok1
2:	call print
	addl $8,%esp

	/* 2: getpid */
	pushl $0
	pushl $0
	pushl $0
	pushl $SYS_getpid
	call sys3
	addl $16,%esp
	movl %eax,%esi
	testl %eax,%eax
	jle 1f
	pushl $(ok2_end - ok2)
	pushl $ok2
	jmp 2f
1:	incl %edi
	pushl $(nok2_end - nok2)
	pushl $nok2
2:	call print
	addl $8,%esp
	pushl %esi
	call print_dec
	addl $4,%esp
	pushl $1
	pushl $nl
	call print
	addl $8,%esp

	/* 3: break (17) must be -ENOSYS */
	pushl $0
	pushl $0
	pushl $0
	pushl $SYS_break
	call sys3
	addl $16,%esp
	movl %eax,%esi
	cmpl $-38,%eax
	jne 1f
	pushl $(ok3_end - ok3)
	pushl $ok3
	jmp 2f
1:	incl %edi
	pushl $(nok3_end - nok3)
	pushl $nok3
2:	call print
	addl $8,%esp
	pushl %esi
	call print_dec
	addl $4,%esp
	pushl $1
	pushl $sp
	call print
	addl $8,%esp
	pushl %esi
	call print_hex
	addl $4,%esp
	pushl $1
	pushl $nl
	call print
	addl $8,%esp

	/* exit_group(7), or 1 if a check failed */
	movl $7,%eax
	testl %edi,%edi
	jz 1f
	movl $1,%eax
1:
#ifdef LXSS_INT80
	movl %eax,%ebx
	movl $SYS_exit_group,%eax
	int $0x80
#else
	pushl %eax
	movl %esp,%edx
	movl NR(SYS_exit_group),%eax
	int $LXSS_TRAP_VECTOR
#endif
	hlt

	.section .note.GNU-stack,"",@progbits
