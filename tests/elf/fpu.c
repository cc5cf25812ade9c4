/* lxss-test: group=fpu needs=rt_sigaction,rt_sigprocmask,setitimer,kill,fork,clone,execve,wait4,futex timeout=30 */
/* fpu: the x87 and SSE state Linux gives a program. A new program starts with control word
 * 0x037F (64-bit precision) and MXCSR 0x1F80, so long double is 64-bit and printf/strtod of
 * doubles are exact; fork and threads inherit the state, execve resets it; a signal handler
 * starts with the initial state, sees the interrupted one in uc_mcontext.fpregs (the i386
 * struct _fpstate with its FXSR part, magic 0) and sigreturn brings it back, also across
 * timer signals that interrupt x87 arithmetic in flight. */
#define _GNU_SOURCE
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include "lxtap.h"

#define LINUX_CW 0x037F
#define LINUX_MXCSR 0x1F80
/* round toward zero, 64-bit precision, all exceptions masked; MXCSR likewise round toward zero */
#define ODD_CW 0x0C7F
#define ODD_MXCSR 0x7F80

static unsigned get_cw(void)
{
	unsigned short cw;
	__asm__ volatile("fnstcw %0" : "=m"(cw));
	return cw;
}
static void set_cw(unsigned short cw) { __asm__ volatile("fldcw %0" : : "m"(cw)); }
static unsigned get_mxcsr(void)
{
	unsigned m;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	return m;
}
static void set_mxcsr(unsigned m) { __asm__ volatile("ldmxcsr %0" : : "m"(m)); }

static int fmt_is(const char *want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fmt_is(const char *want, const char *fmt, ...)
{
	char got[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(got, sizeof got, fmt, ap);
	va_end(ap);
	if (strcmp(got, want) == 0)
		return 1;
	tap_printf("# got \"%s\", want \"%s\"\n", got, want);
	return 0;
}

static uint64_t bits_of(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	return u;
}

/* What the SA_SIGINFO handler saw. */
static volatile unsigned h_cw, h_mxcsr, h_saved_cw, h_saved_mxcsr, h_magic, h_has_fpregs;

static void on_usr1(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ctx;
	const unsigned char *fp = (const unsigned char *)uc->uc_mcontext.fpregs;
	h_cw = get_cw();
	h_mxcsr = get_mxcsr();
	h_has_fpregs = fp != NULL;
	if (fp) {
		/* struct _fpstate (i386): cw at 0, status/magic at 108/110, mxcsr at 136 */
		h_saved_cw = *(const uint32_t *)fp & 0xFFFF;
		h_magic = *(const uint16_t *)(fp + 110);
		h_saved_mxcsr = *(const uint32_t *)(fp + 136);
	}
	/* leave a different state behind: sigreturn must undo it */
	set_cw(0x007F); /* 24-bit precision */
	set_mxcsr(LINUX_MXCSR | 0x8040); /* FZ and DAZ */
}

/* Timer signals during x87 arithmetic: the handler clobbers every x87 register and the
 * control word; the interrupted loop must not notice. */
static volatile int ticks;
static void on_alrm(int sig)
{
	(void)sig;
	volatile long double x = 3.0L;
	for (int i = 0; i < 8; i++)
		x = 1.0L / (x * 7.0L + (long double)i / 3.0L);
	set_cw(0x007F);
	ticks++;
}

static long double series(long n)
{
	long double s = 0, t = 1;
	for (long i = 1; i <= n; i++) {
		t = t * 0.999999L + 1.0L / (long double)i;
		s += t / (long double)(i + 1);
	}
	return s;
}

static void *thread_state(void *p)
{
	(void)p;
	return (void *)(uintptr_t)((get_cw() == ODD_CW) && (get_mxcsr() == ODD_MXCSR));
}

int main(int argc, char **argv)
{
	unsigned cw0 = get_cw(), mxcsr0 = get_mxcsr();

	if (argc > 1 && strcmp(argv[1], "--exec-child") == 0)
		return cw0 == LINUX_CW && mxcsr0 == LINUX_MXCSR ? 0 : 1;

	tap_plan(19);
	tap_ok_why(cw0 == LINUX_CW, "initial x87 control word is 0x037F", "got %#x", cw0);
	tap_ok_why(mxcsr0 == LINUX_MXCSR, "initial MXCSR is 0x1F80", "got %#x", mxcsr0);

	/* 64-bit precision: musl's printf and strtod work in long double */
	volatile long double one = 1.0L, eps = LDBL_EPSILON;
	tap_ok(one + eps != one, "long double has a 64-bit mantissa (1 + LDBL_EPSILON != 1)");
	tap_ok(fmt_is("1.1000000000000001", "%.16f", 1.1), "printf %.16f of 1.1");
	tap_ok(fmt_is("3.141592653589793116", "%.18f", M_PI), "printf %.18f of M_PI");
	tap_ok(fmt_is("0.1000000000000000000013552527156068805425", "%.40Lf", 0.1L), "printf %.40Lf of 0.1L");
	long double tenth = strtold("0.1", NULL);
	uint64_t mant;
	uint16_t sexp;
	memcpy(&mant, &tenth, 8);
	memcpy(&sexp, (char *)&tenth + 8, 2);
	tap_ok_why(mant == 0xCCCCCCCCCCCCCCCDull && sexp == 0x3FFB, "strtold(\"0.1\") bit pattern",
		   "mantissa %#llx exponent %#x", (unsigned long long)mant, sexp);
	tap_ok_why(bits_of(strtod("4.9406564584124654e-324", NULL)) == 1, "strtod of the smallest denormal",
		   "bits %#llx", (unsigned long long)bits_of(strtod("4.9406564584124654e-324", NULL)));
	tap_ok_why(bits_of(strtod("2.2250738585072011e-308", NULL)) == 0x000FFFFFFFFFFFFFull, "strtod of the largest denormal",
		   "bits %#llx", (unsigned long long)bits_of(strtod("2.2250738585072011e-308", NULL)));
	long double scanned = 0;
	sscanf("1.0000000000000000001", "%Lf", &scanned);
	tap_ok(scanned > 1.0L, "sscanf %Lf keeps 1 + 1e-19 above 1");

	/* a handler starts with the initial state and sigreturn restores the interrupted one */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, 0);
	set_cw(ODD_CW);
	set_mxcsr(ODD_MXCSR);
	raise(SIGUSR1);
	unsigned cw_after = get_cw(), mxcsr_after = get_mxcsr();
	set_cw(LINUX_CW);
	set_mxcsr(LINUX_MXCSR);
	tap_ok_why(h_cw == LINUX_CW && h_mxcsr == LINUX_MXCSR, "a signal handler starts with the initial FPU state",
		   "cw %#x mxcsr %#x", h_cw, h_mxcsr);
	tap_ok_why(h_has_fpregs && h_saved_cw == ODD_CW && h_saved_mxcsr == ODD_MXCSR && h_magic == 0,
		   "uc_mcontext.fpregs holds the interrupted state (FXSR frame, magic 0)",
		   "fpregs %u cw %#x mxcsr %#x magic %#x", h_has_fpregs, h_saved_cw, h_saved_mxcsr, h_magic);
	tap_ok_why(cw_after == ODD_CW && mxcsr_after == ODD_MXCSR, "sigreturn restores the control word and MXCSR",
		   "cw %#x mxcsr %#x", cw_after, mxcsr_after);

	/* x87 registers in flight across timer signals */
	long double want = series(400000);
	struct sigaction sb;
	memset(&sb, 0, sizeof sb);
	sb.sa_handler = on_alrm;
	sigaction(SIGALRM, &sb, 0);
	struct itimerval it = {{0, 2000}, {0, 2000}};
	setitimer(ITIMER_REAL, &it, 0);
	long double got = want;
	int rounds = 0, differ = 0;
	while (ticks < 20 && rounds < 2000) {
		got = series(400000);
		differ |= got != want;
		rounds++;
	}
	struct itimerval off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &off, 0);
	tap_ok_why(!differ && ticks >= 20, "x87 arithmetic is unchanged by timer signals whose handler uses the FPU",
		   "%d signals in %d rounds, results differ: %d", ticks, rounds, differ);
	tap_ok_why(get_cw() == LINUX_CW, "the control word survived the timer signals", "cw %#x", get_cw());

	/* fork and threads inherit the state */
	set_cw(ODD_CW);
	set_mxcsr(ODD_MXCSR);
	pid_t pid = fork();
	if (pid == 0)
		_exit(get_cw() == ODD_CW && get_mxcsr() == ODD_MXCSR ? 0 : 1);
	int st = -1;
	waitpid(pid, &st, 0);
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a fork child inherits the control word and MXCSR", "status %#x", st);
	pthread_t th;
	void *inherited = 0;
	pthread_create(&th, 0, thread_state, 0);
	pthread_join(th, &inherited);
	tap_ok(inherited != 0, "a new thread inherits the control word and MXCSR");

	/* execve resets it */
	st = tap_run_self(argv[0], "--exec-child");
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 0, "execve starts the new program with the initial FPU state",
		   "status %#x (1: inherited, 99: execve failed)", st);
	set_cw(LINUX_CW);
	set_mxcsr(LINUX_MXCSR);
	tap_ok(fmt_is("2.718281828459045091", "%.18f", M_E), "printf after all that: %.18f of M_E");
	return tap_done();
}
