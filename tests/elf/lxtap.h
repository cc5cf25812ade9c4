/* lxtap.h: minimal TAP 13 reporting for the lxss ELF tests.
 *
 * Every test program prints "TAP version 13", a plan "1..N", then one line per check,
 * "ok N - name" or "not ok N - name # why", and exits 0 only if all N checks ran and
 * passed (tap_done()). Lines are written with a single write(2) each, never through a
 * stdio buffer, so a fork()ed child can never repeat a parent's pending output and the
 * lines arrive whole on a serial port.
 *
 *   tap_plan(n);
 *   tap_ok(cond, "name");                      // "# errno=..." added on failure
 *   tap_eq(got, want, "name");                  // long values, both shown on failure
 *   tap_ok_why(cond, "name", "fmt", ...);      // own failure text
 *   return tap_done();
 */
#ifndef LXTAP_H
#define LXTAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int tap_planned, tap_count, tap_failed;

static void tap_write(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(1, s, n);
		if (w <= 0) {
			if (w < 0 && errno == EINTR) continue;
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

static void tap_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void tap_printf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0) return;
	if ((size_t)n >= sizeof buf) {
		n = sizeof buf - 1;
		buf[n - 1] = '\n';
	}
	tap_write(buf, (size_t)n);
}

static void tap_plan(int n)
{
	tap_planned = n;
	tap_printf("TAP version 13\n1..%d\n", n);
}

static int tap_ok_why(int cond, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int tap_ok_why(int cond, const char *name, const char *fmt, ...)
{
	tap_count++;
	if (cond) {
		tap_printf("ok %d - %s\n", tap_count, name);
		return 1;
	}
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	tap_failed++;
	tap_printf("not ok %d - %s # %s\n", tap_count, name, why);
	return 0;
}

#define tap_ok(cond, name) \
	tap_ok_why(!!(cond), (name), "failed: %s (errno %d: %s)", #cond, errno, strerror(errno))

#define tap_eq(got, want, name)                                                                  \
	do {                                                                                     \
		long tap_g_ = (long)(got), tap_w_ = (long)(want);                                \
		int tap_e_ = errno;                                                              \
		tap_ok_why(tap_g_ == tap_w_, (name), "%s = %ld, expected %ld (errno %d: %s)", #got, \
			tap_g_, tap_w_, tap_e_, strerror(tap_e_));                               \
	} while (0)

/* -1 with the given errno. */
#define tap_errno(expr, want_errno, name)                                                       \
	do {                                                                                     \
		errno = 0;                                                                       \
		long tap_r_ = (long)(expr);                                                      \
		int tap_e_ = errno;                                                              \
		tap_ok_why(tap_r_ == -1 && tap_e_ == (want_errno), (name),                       \
			"%s = %ld errno %d (%s), expected -1 errno %d (%s)", #expr, tap_r_, tap_e_, \
			strerror(tap_e_), (int)(want_errno), strerror(want_errno));              \
	} while (0)

/* Runs this program again in a fork child with one argument, argv[0] or /proc/self/exe,
 * and returns the child's wait status (exit status 99: the execve failed). */
static inline int tap_run_self(const char *argv0, const char *arg)
{
	int st = -1;
	pid_t pid = fork();
	if (pid == 0) {
		const char *self = strchr(argv0, '/') ? argv0 : "/proc/self/exe";
		char *const argv[] = {(char *)self, (char *)arg, 0};
		execv(self, argv);
		_exit(99);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	return st;
}

static int tap_done(void)
{
	if (tap_count != tap_planned) {
		tap_printf("# planned %d checks, ran %d\n", tap_planned, tap_count);
		return 1;
	}
	return tap_failed ? 1 : 0;
}

#endif
