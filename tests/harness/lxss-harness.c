/*
 * lxss-harness: runs a static i386 ELF linked against the lxss-patched musl on Linux.
 *
 * The patched musl enters the kernel with `int $0x2e`, EAX = LXSS_SYSCALL_BASE + nr,
 * EDX = address of the argument array (interface 3 of docs/ARCHITECTURE).  On Linux that
 * instruction raises #GP, delivered as SIGSEGV (si_code SI_KERNEL) with EIP at the
 * instruction.  Under ptrace the harness catches each one, checks the bytes are CD 2E,
 * reads the arguments from the child's memory and performs the requested Linux system
 * call in the child's own context: it loads the native i386 registers (EAX = nr,
 * EBX..EBP = arguments) and points EIP at an `int $0x80` in the child's vDSO (the
 * gadget), which the program itself never executes.  At the syscall-exit stop it puts
 * back the registers of the trap, EIP after the `int $0x2e`, EAX = the result, and
 * poisons ECX/EDX (which the ReactOS trap does not preserve either).  So fork, clone,
 * execve, mmap and signals really happen in the traced program.
 *
 *  - fork/vfork/clone: every new task is followed (PTRACE_O_TRACE{FORK,VFORK,CLONE});
 *    it starts after the kernel's clone with EIP in the gadget and is given the
 *    parent's trap registers with EAX = 0 and its own ESP.
 *  - execve: a successful one replaces the image, so nothing is restored; the new
 *    image's vDSO gadget is looked up again.
 *  - sigreturn/rt_sigreturn: the kernel restored the registers from the signal frame;
 *    nothing is restored.
 *  - interrupted calls (-ERESTART*): orig_eax is set to the trap's EAX so that Linux's
 *    restart logic rewinds EIP onto the `int $0x2e` with EAX = base + nr, i.e. the
 *    program traps again after the signal handler, as it would under lxcore.
 *  - signals other than the trap's SIGSEGV are delivered unchanged, and job control
 *    works: the program is seized (PTRACE_SEIZE), a group-stop is left stopped with
 *    PTRACE_LISTEN until SIGCONT.
 *  - SIGSEGV is kept unblocked: Linux delivers the trap's #GP with force_sig, which,
 *    when SIGSEGV is blocked (inside a SIGSEGV handler, or while libc blocks all
 *    signals around fork/pthread_create), resets the program's SIGSEGV handler to
 *    SIG_DFL. So the harness removes SIGSEGV from the sets passed to rt_sigprocmask,
 *    sigprocmask, rt_sigsuspend and from sa_mask in rt_sigaction, and adds SA_NODEFER
 *    to a SIGSEGV handler (the program's memory is patched for the call and restored
 *    after it). Visible differences from Linux: an old mask never shows SIGSEGV
 *    blocked, a SIGSEGV handler can be re-entered, and SIG_IGN for SIGSEGV does not
 *    survive the first trap.
 *  - a native system call (int $0x80/sysenter/syscall executed by the program rather
 *    than by the harness's gadget) kills the run: exit status 125 and a message.
 *  - a program the traced one execs that is not built against the patched musl (the
 *    system's /bin/sh, say) runs natively: a task whose new image makes a native system
 *    call before any trap, or whose image has no i386 vDSO gadget (an x86_64 program), is
 *    detached and left to Linux, with all it starts.
 *
 * Usage: lxss-harness [-v] [-c] [-e NR[,NR...]] [--] ELF [args...]
 *   -v   trace every trapped system call on stderr
 *   -c   print the number of trapped system calls on stderr at the end
 *   -e   answer these syscall numbers with -ENOSYS without performing them (to exercise
 *        fallback paths, e.g. -e 243 makes musl use modify_ldt for its thread pointer)
 * Exit status: the program's exit status (128 + signal if it was killed by a signal),
 * 125 on a harness-detected violation, 126/127 if the program could not be started.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef LXSS_SYSCALL_BASE
#include "lxss_trap.h"
#endif

#ifndef PTRACE_SEIZE
#define PTRACE_SEIZE 0x4206
#endif
#ifndef PTRACE_LISTEN
#define PTRACE_LISTEN 0x4208
#endif
#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

#if defined(__x86_64__)
#define R_EAX(r) ((r).rax)
#define R_EBX(r) ((r).rbx)
#define R_ECX(r) ((r).rcx)
#define R_EDX(r) ((r).rdx)
#define R_ESI(r) ((r).rsi)
#define R_EDI(r) ((r).rdi)
#define R_EBP(r) ((r).rbp)
#define R_ESP(r) ((r).rsp)
#define R_EIP(r) ((r).rip)
#define R_ORIG(r) ((r).orig_rax)
#elif defined(__i386__)
#define R_EAX(r) ((r).eax)
#define R_EBX(r) ((r).ebx)
#define R_ECX(r) ((r).ecx)
#define R_EDX(r) ((r).edx)
#define R_ESI(r) ((r).esi)
#define R_EDI(r) ((r).edi)
#define R_EBP(r) ((r).ebp)
#define R_ESP(r) ((r).esp)
#define R_EIP(r) ((r).eip)
#define R_ORIG(r) ((r).orig_eax)
#else
#error "lxss-harness runs i386 programs from an x86_64 or i386 host"
#endif

/* i386 Linux system call numbers the harness treats specially. */
#define NR_restart_syscall 0
#define NR_exit 1
#define NR_fork 2
#define NR_execve 11
#define NR_sigreturn 119
#define NR_clone 120
#define NR_rt_sigreturn 173
#define NR_sigprocmask 126
#define NR_rt_sigaction 174
#define NR_rt_sigprocmask 175
#define NR_rt_sigsuspend 179
#define NR_vfork 190
#define NR_exit_group 252
#define NR_execveat 358
#define NR_clone3 435

#define POISON_ECX 0xc1c1c1c1u
#define POISON_EDX 0xd1d1d1d1u

enum task_state {
	T_RUNNING,      /* running program code */
	T_TO_GADGET,    /* registers point at the gadget; waiting for its syscall-entry stop */
	T_IN_SYSCALL,   /* between syscall-entry and syscall-exit stops of the gadget */
	T_NEW_UNMATCHED,/* new task stopped before its creator's PTRACE_EVENT was seen */
	T_NEW_WAITING,  /* creator's event seen, the new task's first stop not yet */
};

struct task {
	pid_t tid;
	int used;
	enum task_state state;
	uint32_t gadget;            /* address of `int $0x80` in this task's vDSO */
	struct user_regs_struct trap;/* registers at the int $0x2e */
	uint32_t nr;                /* Linux syscall number of the trap in progress */
	int exec_seen;              /* PTRACE_EVENT_EXEC during this syscall */
	int foreign_ok;             /* exec'd an image that has not trapped yet: a native
				       system call means a native program, not a violation */
	int initial_exec;           /* the harness's own exec of the program under test */
	int poison;
	uint32_t patch_addr;        /* program memory patched for this call (0: none) */
	uint32_t patch_orig[5];
	size_t patch_words;
};

static struct task *tasks;
static size_t ntasks, captasks;
static int verbose, count_calls, main_detached;
static unsigned char enosys[0x1000];
static unsigned long ncalls;
static pid_t main_pid;

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("lxss-harness: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(125);
}

static void violation(pid_t tid, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "lxss-harness: VIOLATION in task %d: ", (int)tid);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	for (size_t i = 0; i < ntasks; i++)
		if (tasks[i].used) kill(tasks[i].tid, SIGKILL);
	kill(main_pid, SIGKILL);
	exit(125);
}

static struct task *find_task(pid_t tid)
{
	for (size_t i = 0; i < ntasks; i++)
		if (tasks[i].used && tasks[i].tid == tid) return &tasks[i];
	return NULL;
}

static struct task *add_task(pid_t tid)
{
	struct task *t = NULL;
	for (size_t i = 0; i < ntasks; i++)
		if (!tasks[i].used) { t = &tasks[i]; break; }
	if (!t) {
		if (ntasks == captasks) {
			captasks = captasks ? captasks * 2 : 16;
			tasks = realloc(tasks, captasks * sizeof *tasks);
			if (!tasks) die("out of memory");
		}
		t = &tasks[ntasks++];
	}
	memset(t, 0, sizeof *t);
	t->used = 1;
	t->tid = tid;
	t->state = T_RUNNING;
	return t;
}

static void drop_task(pid_t tid)
{
	struct task *t = find_task(tid);
	if (t) t->used = 0;
}

static int live_tasks(void)
{
	int n = 0;
	for (size_t i = 0; i < ntasks; i++) n += tasks[i].used;
	return n;
}

/* ESRCH: a stopped task can be killed meanwhile (exit_group of another thread, a SIGKILL):
 * what is done to it no longer matters, and waitpid reports its end. */
static void getregs(pid_t tid, struct user_regs_struct *r)
{
	if (ptrace(PTRACE_GETREGS, tid, 0, r) == 0) return;
	if (errno != ESRCH) die("PTRACE_GETREGS %d: %s", (int)tid, strerror(errno));
	memset(r, 0, sizeof(*r));
}

static void setregs(pid_t tid, struct user_regs_struct *r)
{
	if (ptrace(PTRACE_SETREGS, tid, 0, r) < 0 && errno != ESRCH)
		die("PTRACE_SETREGS %d: %s", (int)tid, strerror(errno));
}

static void resume(pid_t tid, int sig)
{
	/* ESRCH: the task was killed meanwhile (e.g. exit_group of another thread). */
	if (ptrace(PTRACE_SYSCALL, tid, 0, (void *)(long)sig) < 0 && errno != ESRCH)
		die("PTRACE_SYSCALL %d: %s", (int)tid, strerror(errno));
}

/* Reads up to len bytes of the child's memory; returns the number of bytes read. */
static size_t peek(pid_t tid, uint32_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len) return len;
	/* Partial or failed (e.g. the array ends at an unmapped page): word by word. */
	size_t done = n > 0 ? (size_t)n : 0;
	while (done < len) {
		errno = 0;
		long w = ptrace(PTRACE_PEEKDATA, tid, (void *)(uintptr_t)((addr + done) & ~3u), 0);
		if (errno) break;
		size_t off = (addr + done) & 3u, k = 4 - off;
		if (k > len - done) k = len - done;
		memcpy((char *)buf + done, (char *)&w + off, k);
		done += k;
	}
	return done;
}

/* Finds `int $0x80` (CD 80) inside the task's [vdso] mapping; 0 if there is none and
 * 'optional' (an x86_64 image). */
static uint32_t find_gadget(pid_t tid, int optional)
{
	char path[64], line[512];
	snprintf(path, sizeof path, "/proc/%d/maps", (int)tid);
	FILE *f = fopen(path, "r");
	if (!f) die("cannot open %s: %s", path, strerror(errno));
	unsigned long lo = 0, hi = 0;
	int found = 0;
	while (fgets(line, sizeof line, f)) {
		if (strstr(line, "[vdso]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2) { found = 1; break; }
	}
	fclose(f);
	if (!found && optional) return 0;
	if (!found) die("task %d has no [vdso] mapping to take an int $0x80 from (vdso32 disabled?)", (int)tid);
	size_t len = hi - lo;
	unsigned char *buf = malloc(len);
	if (!buf) die("out of memory");
	size_t got = peek(tid, (uint32_t)lo, buf, len);
	uint32_t gadget = 0;
	for (size_t i = 0; i + 1 < got; i++)
		if (buf[i] == 0xcd && buf[i + 1] == 0x80) { gadget = (uint32_t)(lo + i); break; }
	free(buf);
	if (!gadget && !optional) die("no int $0x80 in task %d's vDSO", (int)tid);
	return gadget;
}

/* Leaves a task that runs a native program to Linux (the main program's status is still
 * collected by waitpid). */
static void let_go(struct task *t)
{
	if (verbose) fprintf(stderr, "[%d] runs a native program: detached\n", (int)t->tid);
	if (t->tid == main_pid) main_detached = 1;
	ptrace(PTRACE_DETACH, t->tid, 0, 0);
	drop_task(t->tid);
}

/* The program is seized (PTRACE_SEIZE), so that a group-stop shows as PTRACE_EVENT_STOP and
 * PTRACE_LISTEN can leave it stopped until SIGCONT: job control works in traced programs. */
static void seize(pid_t tid)
{
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
	if (ptrace(PTRACE_SEIZE, tid, 0, (void *)opts) < 0)
		die("PTRACE_SEIZE: %s", strerror(errno));
}

static int poke_word(pid_t tid, uint32_t addr, uint32_t val)
{
	/* PTRACE_POKEDATA writes a host long: on x86_64 hosts merge with the next word. */
	errno = 0;
	long w = ptrace(PTRACE_PEEKDATA, tid, (void *)(uintptr_t)addr, 0);
	if (errno) return -1;
	memcpy(&w, &val, 4);
	return ptrace(PTRACE_POKEDATA, tid, (void *)(uintptr_t)addr, (void *)w) < 0 ? -1 : 0;
}

/* Keeps SIGSEGV unblockable for the trap (see the header): patches the sigset or
 * k_sigaction argument of the call about to be made; unpatch() restores it. */
static void patch_signal_args(struct task *t, const uint32_t *args)
{
	const uint32_t segv = 1u << (SIGSEGV - 1);
	uint32_t addr = 0, words[5];
	size_t n = 0;
	t->patch_addr = 0;
	switch (t->nr) {
	case NR_rt_sigprocmask: /* (how, set, oldset, size) */
	case NR_sigprocmask:
		if (args[0] != SIG_UNBLOCK) addr = args[1];
		n = 1;
		break;
	case NR_rt_sigsuspend: /* (set, size) */
		addr = args[0];
		n = 1;
		break;
	case NR_rt_sigaction: /* (sig, act, oldact, size): act = handler, flags, restorer, mask[2] */
		addr = args[1];
		n = 4;
		break;
	default:
		return;
	}
	if (!addr || peek(t->tid, addr, words, n * 4) != n * 4) return;
	memcpy(t->patch_orig, words, n * 4);
	if (t->nr == NR_rt_sigaction) {
		words[3] &= ~segv;
		if (args[0] == SIGSEGV && words[0] > 1) words[1] |= 0x40000000u; /* SA_NODEFER */
	} else {
		words[0] &= ~segv;
	}
	if (!memcmp(words, t->patch_orig, n * 4)) return;
	for (size_t i = 0; i < n; i++)
		if (words[i] != t->patch_orig[i] && poke_word(t->tid, addr + 4 * i, words[i]) < 0) return;
	t->patch_addr = addr;
	t->patch_words = n;
}

static void unpatch(struct task *t)
{
	if (!t->patch_addr) return;
	for (size_t i = 0; i < t->patch_words; i++) poke_word(t->tid, t->patch_addr + 4 * i, t->patch_orig[i]);
	t->patch_addr = 0;
}

static void after_trap_regs(const struct task *t, struct user_regs_struct *cur, uint32_t result, int poison);

/* A SIGSEGV stop: if it is the int $0x2e trap, send the task into the gadget. */
static int handle_trap(struct task *t)
{
	siginfo_t si;
	if (ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si) < 0) return 0;
	if (si.si_code != SI_KERNEL) return 0;
	struct user_regs_struct r;
	getregs(t->tid, &r);
	uint32_t eip = (uint32_t)R_EIP(r);
	unsigned char insn[2];
	if (peek(t->tid, eip, insn, 2) != 2 || insn[0] != 0xcd || insn[1] != LXSS_TRAP_VECTOR) return 0;
	t->foreign_ok = 0; /* a program of ours */

	uint32_t eax = (uint32_t)R_EAX(r), nr;
	if (eax >= LXSS_SYSCALL_BASE && eax < LXSS_SYSCALL_BASE + 0x1000)
		nr = eax - LXSS_SYSCALL_BASE;
	else if (eax == NR_restart_syscall)
		nr = NR_restart_syscall; /* Linux rewound an interrupted nanosleep & co. */
	else
		violation(t->tid, "int $0x%x at %#x with EAX=%#x outside the service range",
			LXSS_TRAP_VECTOR, eip, eax);

	uint32_t args[6] = { 0 };
	peek(t->tid, (uint32_t)R_EDX(r), args, sizeof args);
	if (verbose)
		fprintf(stderr, "[%d] syscall %u (%#x, %#x, %#x, %#x, %#x, %#x) at %#x\n", (int)t->tid, nr,
			args[0], args[1], args[2], args[3], args[4], args[5], eip);
	ncalls++;

	t->trap = r;
	t->nr = nr;
	if (nr < sizeof enosys && enosys[nr]) {
		if (verbose) fprintf(stderr, "[%d] syscall %u = -38 (forced by -e)\n", (int)t->tid, nr);
		after_trap_regs(t, &r, (uint32_t)-38, t->poison);
		setregs(t->tid, &r);
		resume(t->tid, 0);
		return 1;
	}
	t->exec_seen = 0;
	t->state = T_TO_GADGET;
	patch_signal_args(t, args);
	R_EAX(r) = nr;
	R_EBX(r) = args[0];
	R_ECX(r) = args[1];
	R_EDX(r) = args[2];
	R_ESI(r) = args[3];
	R_EDI(r) = args[4];
	R_EBP(r) = args[5];
	R_EIP(r) = t->gadget;
	setregs(t->tid, &r);
	resume(t->tid, 0);
	return 1;
}

/* The registers a task gets back after its trap: the trap's, EIP past the int $0x2e. */
static void after_trap_regs(const struct task *t, struct user_regs_struct *cur, uint32_t result, int poison)
{
	struct user_regs_struct r = *cur;
	R_EBX(r) = R_EBX(t->trap);
	R_ESI(r) = R_ESI(t->trap);
	R_EDI(r) = R_EDI(t->trap);
	R_EBP(r) = R_EBP(t->trap);
	R_ECX(r) = poison ? (typeof(R_ECX(r)))POISON_ECX : R_ECX(t->trap);
	R_EDX(r) = poison ? (typeof(R_EDX(r)))POISON_EDX : R_EDX(t->trap);
	R_EIP(r) = R_EIP(t->trap) + 2;
	R_EAX(r) = result;
	r.eflags = t->trap.eflags;
	*cur = r;
}

static void syscall_exit(struct task *t)
{
	struct user_regs_struct r;
	getregs(t->tid, &r);
	int32_t res = (int32_t)R_EAX(r);
	t->state = T_RUNNING;
	unpatch(t);
	if (verbose) fprintf(stderr, "[%d] syscall %u = %d\n", (int)t->tid, t->nr, res);
	if (t->nr == NR_sigreturn || t->nr == NR_rt_sigreturn) {
		resume(t->tid, 0); /* registers came from the signal frame */
		return;
	}
	if ((t->nr == NR_execve || t->nr == NR_execveat) && (t->exec_seen || res == 0)) {
		/* a new image, with its own vDSO; the program under test must be one of ours */
		t->gadget = find_gadget(t->tid, !t->initial_exec);
		if (!t->gadget) {
			let_go(t);
			return;
		}
		t->foreign_ok = !t->initial_exec;
		t->initial_exec = 0;
		resume(t->tid, 0);
		return;
	}
	if (res <= -512 && res >= -516) {
		/* -ERESTARTSYS, -ERESTARTNOINTR, -ERESTARTNOHAND, -ERESTART_RESTARTBLOCK:
		 * let Linux's signal code decide; if it restarts, it rewinds EIP by 2 onto the
		 * int $0x2e and loads EAX from orig_eax, so the program traps again. */
		after_trap_regs(t, &r, (uint32_t)res, 0);
		R_ORIG(r) = R_EAX(t->trap);
	} else {
		after_trap_regs(t, &r, (uint32_t)res, t->poison);
	}
	setregs(t->tid, &r);
	resume(t->tid, 0);
}

/* A new task (fork/vfork/clone child) at its first stop: give it the creator's trap
 * registers, EAX = 0 (its return value) and its own stack pointer. */
static void start_new_task(struct task *t)
{
	struct user_regs_struct r;
	getregs(t->tid, &r);
	if ((uint32_t)R_EIP(r) != t->gadget + 2)
		violation(t->tid, "new task starts at %#x, not after the gadget", (uint32_t)R_EIP(r));
	after_trap_regs(t, &r, (uint32_t)R_EAX(r), t->poison);
	setregs(t->tid, &r);
	t->state = T_RUNNING;
	if (verbose) fprintf(stderr, "[%d] new task starts at %#x\n", (int)t->tid, (uint32_t)R_EIP(r));
	resume(t->tid, 0);
}

static void on_new_task_event(struct task *parent)
{
	unsigned long msg = 0;
	ptrace(PTRACE_GETEVENTMSG, parent->tid, 0, &msg);
	pid_t child = (pid_t)msg, creator = parent->tid;
	struct task *c = find_task(child);
	int had_stop = c && c->state == T_NEW_UNMATCHED;
	if (!c) {
		/* add_task may move the table (realloc): look the creator up again */
		c = add_task(child);
		parent = find_task(creator);
	}
	c->gadget = parent->gadget;
	c->trap = parent->trap;
	c->nr = parent->nr;
	c->poison = parent->poison;
	if (had_stop)
		start_new_task(c);
	else
		c->state = T_NEW_WAITING;
}

static int run(char **argv)
{
	int go[2];
	char c = 0;
	if (pipe(go) < 0) die("pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0) die("fork: %s", strerror(errno));
	if (pid == 0) {
		/* execs once seized */
		close(go[1]);
		if (read(go[0], &c, 1) != 1) _exit(126);
		close(go[0]);
		execv(argv[0], argv);
		fprintf(stderr, "lxss-harness: cannot execute %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	main_pid = pid;
	int st;
	close(go[0]);
	seize(pid);
	/* Run to the exec without syscall stops: the harness's own execve is native. */
	if (write(go[1], &c, 1) != 1) die("cannot start the program");
	close(go[1]);
	for (;;) {
		if (waitpid(pid, &st, 0) < 0) die("waitpid: %s", strerror(errno));
		if (WIFEXITED(st)) return WEXITSTATUS(st);
		if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
		if (WIFSTOPPED(st) && (st >> 8) == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) break;
		ptrace(PTRACE_CONT, pid, 0, (void *)(long)(WIFSTOPPED(st) ? WSTOPSIG(st) : 0));
	}
	struct task *t0 = add_task(pid);
	t0->gadget = find_gadget(pid, 0);
	t0->poison = getenv("LXSS_HARNESS_NO_POISON") == NULL;
	/* The exec's own syscall-exit stop comes next. */
	t0->state = T_IN_SYSCALL;
	t0->nr = NR_execve;
	t0->exec_seen = 1;
	t0->initial_exec = 1;
	resume(pid, 0);

	int main_status = -1;
	while (live_tasks() > 0) {
		pid_t tid = waitpid(-1, &st, __WALL);
		if (tid < 0) {
			if (errno == EINTR) continue;
			if (errno == ECHILD) break;
			die("waitpid: %s", strerror(errno));
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (tid == pid) main_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			if (tid == pid && WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
				fprintf(stderr, "lxss-harness: program killed by signal %d (%s)\n",
					WTERMSIG(st), strsignal(WTERMSIG(st)));
			drop_task(tid);
			continue;
		}
		if (!WIFSTOPPED(st)) continue;
		struct task *t = find_task(tid);
		int sig = WSTOPSIG(st), event = st >> 16;
		if (!t) {
			/* A new task whose creator's event has not been seen yet. */
			t = add_task(tid);
			t->state = T_NEW_UNMATCHED;
			continue;
		}
		if (t->state == T_NEW_WAITING) {
			start_new_task(t); /* its first stop (SIGSTOP) is swallowed */
			continue;
		}
		if (t->state == T_NEW_UNMATCHED) continue;

		if (sig == (SIGTRAP | 0x80)) {
			/* syscall-entry or syscall-exit stop */
			if (t->state == T_TO_GADGET) {
				struct user_regs_struct r;
				getregs(tid, &r);
				if ((uint32_t)R_EIP(r) != t->gadget + 2)
					violation(tid, "native system call %ld at %#x", (long)R_ORIG(r),
						(uint32_t)R_EIP(r) - 2);
				t->state = T_IN_SYSCALL;
				resume(tid, 0);
			} else if (t->state == T_IN_SYSCALL) {
				syscall_exit(t);
			} else if (t->foreign_ok) {
				let_go(t);
			} else {
				struct user_regs_struct r;
				getregs(tid, &r);
				violation(tid, "native system call %ld at %#x (the program must only use int $0x%x)",
					(long)R_ORIG(r), (uint32_t)R_EIP(r) - 2, LXSS_TRAP_VECTOR);
			}
			continue;
		}
		if (event == PTRACE_EVENT_STOP) {
			/* a group-stop (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU) stays stopped until SIGCONT,
			 * which ends PTRACE_LISTEN with another PTRACE_EVENT_STOP, SIGTRAP this time */
			if (sig != SIGTRAP)
				ptrace(PTRACE_LISTEN, tid, 0, 0);
			else
				resume(tid, 0);
			continue;
		}
		if (sig == SIGTRAP && event) {
			switch (event) {
			case PTRACE_EVENT_FORK:
			case PTRACE_EVENT_VFORK:
			case PTRACE_EVENT_CLONE:
				on_new_task_event(t);
				break;
			case PTRACE_EVENT_EXEC: {
				unsigned long former = 0;
				ptrace(PTRACE_GETEVENTMSG, tid, 0, &former);
				if ((pid_t)former != tid) {
					/* A non-leader thread exec'd and took over the leader's tid. */
					struct task *old = find_task((pid_t)former);
					if (old) { *t = *old; t->tid = tid; old->used = 0; }
				}
				t->exec_seen = 1;
				break;
			}
			default:
				break;
			}
			resume(tid, 0);
			continue;
		}
		/* Signal-delivery stop (or group-stop). */
		if (sig == SIGSEGV && t->state == T_RUNNING && handle_trap(t)) continue;
		if (t->state == T_TO_GADGET) {
			/* A signal arrived before the gadget ran: undo, deliver it at the int $0x2e;
			 * the program traps again when the handler returns. */
			struct user_regs_struct r;
			getregs(tid, &r);
			unpatch(t);
			after_trap_regs(t, &r, (uint32_t)R_EAX(t->trap), 0);
			R_EIP(r) -= 2;
			setregs(tid, &r);
			t->state = T_RUNNING;
			ncalls--;
		}
		siginfo_t si;
		if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) < 0 && errno == EINVAL) {
			resume(tid, 0); /* a stop with no siginfo that is no PTRACE_EVENT_STOP */
			continue;
		}
		if (verbose) {
			struct user_regs_struct r;
			getregs(tid, &r);
			fprintf(stderr, "[%d] signal %d (code %d, addr %p) delivered at %#x\n", (int)tid, sig,
				si.si_code, si.si_addr, (uint32_t)R_EIP(r));
		}
		resume(tid, sig);
	}
	if (main_detached && main_status < 0 && waitpid(pid, &st, 0) == pid)
		main_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return main_status < 0 ? 125 : main_status;
}

int main(int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) { i++; break; }
		if (!strcmp(argv[i], "-v")) verbose = 1;
		else if (!strcmp(argv[i], "-c")) count_calls = 1;
		else if (!strcmp(argv[i], "-e") && i + 1 < argc) {
			for (char *p = argv[++i]; *p;) {
				char *end;
				unsigned long nr = strtoul(p, &end, 0);
				if (end == p || nr >= sizeof enosys) {
					fprintf(stderr, "lxss-harness: bad syscall number list '%s'\n", argv[i]);
					return 2;
				}
				enosys[nr] = 1;
				p = *end == ',' ? end + 1 : end;
			}
		} else {
			fprintf(stderr, "usage: lxss-harness [-v] [-c] [-e NR,...] [--] ELF [args...]\n");
			return 2;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: lxss-harness [-v] [-c] [-e NR,...] [--] ELF [args...]\n");
		return 2;
	}
	int status = run(argv + i);
	if (count_calls) fprintf(stderr, "lxss-harness: %lu trapped system calls\n", ncalls);
	return status;
}
