/* lxss-test: group=process needs=vfork,execve,wait4,kill timeout=60 */
/* vfork: the parent sleeps until its child execs or exits and sees what the child wrote;
 * waitpid reports the child's _exit status (0, 1, 42, 255), the status of the program it
 * exec'd, a SIGKILL the exec'd program sends itself, and 127 after a failed exec; then the
 * same through /bin/sh -c (exit n, kill -9 $$), which a Linux system has. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"

static const char *self;

static int wait_for(pid_t pid)
{
	int st = -1;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static int vfork_exit(int code)
{
	pid_t pid = vfork();
	if (pid == 0)
		_exit(code);
	return wait_for(pid);
}

static int vfork_exec(const char *path, char *const argv[])
{
	pid_t pid = vfork();
	if (pid == 0) {
		execv(path, argv);
		_exit(127);
	}
	return wait_for(pid);
}

static int exited_with(int st, int code)
{
	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == code;
}

static int killed_by(int st, int sig)
{
	return st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == sig;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strncmp(argv[1], "exit", 4) == 0)
		return atoi(argv[1] + 4);
	if (argc == 2 && strcmp(argv[1], "kill9") == 0) {
		kill(getpid(), SIGKILL);
		return 1;
	}
	self = strchr(argv[0], '/') ? argv[0] : "/proc/self/exe";

	tap_plan(12);

	/* 1: the parent waits for the child and sees its writes */
	volatile int shared = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = vfork();
	if (pid == 0) {
		struct timespec nap = {0, 100 * 1000 * 1000};
		nanosleep(&nap, 0);
		shared = 1234;
		_exit(0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	int st = wait_for(pid);
	tap_ok_why(shared == 1234 && ms >= 90 && exited_with(st, 0),
		   "the parent resumes after the child's _exit and sees its write",
		   "shared %d after %ld ms, status 0x%x", shared, ms, st);

	/* 2-5: _exit codes */
	int codes[] = {0, 1, 42, 255};
	for (int i = 0; i < 4; i++) {
		st = vfork_exit(codes[i]);
		tap_ok_why(exited_with(st, codes[i]), "a vfork child's _exit(n) is reported as exit n",
			   "_exit(%d): status 0x%x", codes[i], st);
	}

	/* 6-8: after exec */
	char *exit7[] = {(char *)self, "exit7", 0};
	st = vfork_exec(self, exit7);
	tap_ok_why(exited_with(st, 7), "the exec'd program's exit status", "status 0x%x", st);
	char *kill9[] = {(char *)self, "kill9", 0};
	st = vfork_exec(self, kill9);
	tap_ok_why(killed_by(st, SIGKILL), "the exec'd program killed by SIGKILL", "status 0x%x", st);
	char *missing[] = {"/nonexistent/program", 0};
	st = vfork_exec(missing[0], missing);
	tap_ok_why(exited_with(st, 127), "a failed exec, then _exit(127)", "status 0x%x", st);

	/* 9-12: through the shell */
	char *sh_exit0[] = {"/bin/sh", "-c", "exit 0", 0};
	char *sh_exit3[] = {"/bin/sh", "-c", "exit 3", 0};
	char *sh_kill[] = {"/bin/sh", "-c", "kill -9 $$", 0};
	char *sh_child[] = {"/bin/sh", "-c", "sh -c 'exit 5'; exit $?", 0};
	errno = 0;
	st = vfork_exec("/bin/sh", sh_exit0);
	tap_ok_why(exited_with(st, 0), "/bin/sh -c 'exit 0'", "status 0x%x (access: %s)", st,
		   access("/bin/sh", X_OK) == 0 ? "/bin/sh is there" : strerror(errno));
	st = vfork_exec("/bin/sh", sh_exit3);
	tap_ok_why(exited_with(st, 3), "/bin/sh -c 'exit 3'", "status 0x%x", st);
	st = vfork_exec("/bin/sh", sh_kill);
	tap_ok_why(killed_by(st, SIGKILL), "/bin/sh -c 'kill -9 $$' is reported killed by SIGKILL",
		   "status 0x%x", st);
	st = vfork_exec("/bin/sh", sh_child);
	tap_ok_why(exited_with(st, 5), "a shell's own child's status passed on", "status 0x%x", st);

	return tap_done();
}
