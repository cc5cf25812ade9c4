/* lxss-test: group=basic needs=brk,set_thread_area,set_tid_address,readlink,uname,openat,statx,fork,wait4,clone,futex,rt_sigaction,rt_sigreturn timeout=30 exit=5 */
/*
 * hello_glibc: an unmodified static glibc program (gcc -m32 -static, Debian's libc6-dev-i386),
 * built only for the stock suite (`lxgen elf --stock`). glibc's startup makes more calls than
 * musl's: brk, set_thread_area (TLS), set_tid_address, set_robust_list, rseq (-ENOSYS is
 * fine), ugetrlimit, readlink("/proc/self/exe"), getrandom, mprotect (RELRO), statx on
 * stdout; its system calls go through call *%gs:0x10 (int $0x80 without AT_SYSINFO) and its
 * signal restorers trap with int $0x80. Exits 5 when every check passes (so the exit status
 * is checked too), 1 otherwise.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxtap.h"

static __thread int tls_value = 7;
static volatile sig_atomic_t got_signal;

static void on_usr1(int sig)
{
	got_signal = sig;
}

static void *thread_main(void *arg)
{
	tls_value += (int)(long)arg;
	return (void *)(long)(tls_value * 2);
}

int main(void)
{
	tap_plan(10);

	/* 1: stdio to stdout (buffered, flushed before the next TAP line) */
	int n = printf("# hello from glibc %s\n", gnu_get_libc_version());
	tap_ok(n > 0 && fflush(stdout) == 0, "printf + fflush through glibc's stdio");

	/* 2: a file written with stdio and read back */
	FILE *f = fopen("glibc.txt", "w");
	int wrote = f != NULL && fputs("line from glibc\n", f) >= 0 && fclose(f) == 0;
	char buf[64] = {0};
	f = fopen("glibc.txt", "r");
	int got = f != NULL && fgets(buf, sizeof buf, f) != NULL;
	if (f) fclose(f);
	unlink("glibc.txt");
	tap_ok_why(wrote && got && strcmp(buf, "line from glibc\n") == 0, "fopen/fputs/fgets of a file", "wrote %d got %d '%s'", wrote, got, buf);

	/* 3: uname */
	struct utsname u;
	tap_ok_why(uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0, "uname sysname is Linux", "sysname '%s'", u.sysname);

	/* 4: readlink /proc/self/exe (glibc's startup reads it too) */
	char exe[256] = {0};
	ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
	tap_ok_why(l > 0 && strstr(exe, "hello_glibc") != NULL, "readlink /proc/self/exe names this program", "%zd '%s'", l, exe);

	/* 5: malloc, small (brk) and large (mmap) */
	char *small = malloc(100), *large = malloc(4 << 20);
	int mem_ok = small && large;
	if (mem_ok) {
		memset(small, 1, 100);
		memset(large, 2, 4 << 20);
		mem_ok = large[(4 << 20) - 1] == 2;
	}
	free(small);
	free(large);
	tap_ok(mem_ok, "malloc 100 bytes and 4 MiB");

	/* 6: fork, the child's exit status through waitpid */
	pid_t pid = fork();
	if (pid == 0) _exit(42);
	int status = 0;
	pid_t w = pid > 0 ? waitpid(pid, &status, 0) : -1;
	tap_ok_why(w == pid && WIFEXITED(status) && WEXITSTATUS(status) == 42, "fork + waitpid: child exit status 42", "pid %d w %d status 0x%x", pid, w, status);

	/* 7: a thread (clone3 is -ENOSYS in lxcore: glibc falls back to clone), its own TLS */
	pthread_t t;
	void *ret = NULL;
	int rc = pthread_create(&t, NULL, thread_main, (void *)5L);
	if (rc == 0) rc = pthread_join(t, &ret);
	tap_ok_why(rc == 0 && (long)ret == 24, "pthread_create/join, thread-local value in the thread", "rc %d ret %ld", rc, (long)ret);

	/* 8: the main thread's TLS is untouched by the thread's */
	tap_eq(tls_value, 7, "main thread's __thread value");

	/* 9: a signal handler and glibc's own restorer (sigreturn through int $0x80) */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	int sret = sigaction(SIGUSR1, &sa, NULL);
	if (sret == 0) raise(SIGUSR1);
	tap_ok_why(sret == 0 && got_signal == SIGUSR1, "sigaction + raise(SIGUSR1) runs the handler and returns", "sigaction %d got %d", sret, (int)got_signal);

	/* 10: getpid/getppid */
	tap_ok(getpid() > 0 && getppid() >= 0, "getpid > 0");

	return tap_done() == 0 ? 5 : 1;
}
