/*
 * Shared by the libc-free assembly tests (tests/elf/asm/*.S): print_dec, for TAP output.
 * The including file defines print(const char *s, long len), its own write(1, s, len).
 */

/* void print_dec(long v) */
	.type print_dec,@function
print_dec:
	pushl %ebx
	pushl %esi
	subl $16,%esp
	movl 28(%esp),%eax      /* v */
	leal 16(%esp),%esi      /* end of the buffer */
	movl %eax,%ebx          /* keep the sign */
	testl %eax,%eax
	jns 1f
	negl %eax
1:	movl $10,%ecx
2:	xorl %edx,%edx
	divl %ecx
	addb $'0',%dl
	decl %esi
	movb %dl,(%esi)
	testl %eax,%eax
	jnz 2b
	testl %ebx,%ebx
	jns 3f
	decl %esi
	movb $'-',(%esi)
3:	leal 16(%esp),%eax
	subl %esi,%eax
	pushl %eax
	pushl %esi
	call print
	addl $24,%esp
	popl %esi
	popl %ebx
	ret
