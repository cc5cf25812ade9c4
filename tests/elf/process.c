/* lxss-test: group=process needs=fork,vfork,clone,execve,wait4,exit_group,kill,getppid,pipe,nanosleep timeout=30 */
/* process: fork (copy-on-write), vfork, execve with arguments and environment, wait4
 * exit statuses and termination signals, WNOHANG, ECHILD. The program re-executes
 * itself (argv[0], or /proc/self/exe) with "--child <code>" to test execve. An orphan is
 * reparented when its parent ends (getppid() no longer names the parent). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxtap.h"

static int cow_value = 1;

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--child") == 0) {
		const char *e = getenv("LXSS_EXEC_TEST");
		return e && strcmp(e, "yes") == 0 ? atoi(argv[2]) : 99;
	}
	const char *self = strchr(argv[0], '/') ? argv[0] : "/proc/self/exe";
	tap_plan(13);

	pid_t pid = fork();
	if (pid == 0) {
		cow_value = 2;
		_exit(cow_value == 2 ? 3 : 4);
	}
	int st = -1;
	struct rusage ru;
	pid_t w = wait4(pid, &st, 0, &ru);
	tap_ok(pid > 0 && w == pid, "fork, wait4 returns the child's pid");
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 3, "child's exit status 3", "status %#x", st);
	tap_eq(cow_value, 1, "the child's write did not change the parent's memory");

	pid = fork();
	if (pid == 0) {
		kill(getpid(), SIGTERM);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	tap_ok_why(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "child killed by SIGTERM is reported so", "status %#x", st);

	char *cargv[] = { (char *)self, "--child", "37", NULL };
	char *cenv[] = { "LXSS_EXEC_TEST=yes", NULL };
	pid = fork();
	if (pid == 0) {
		execve(self, cargv, cenv);
		_exit(98);
	}
	waitpid(pid, &st, 0);
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 37, "fork + execve(self, args, env) exits 37",
		"status %#x (98: execve failed, 99: env not passed)", st);

	pid = fork();
	if (pid == 0) {
		char *nargv[] = { "/nonexistent-lxss", NULL };
		execve(nargv[0], nargv, cenv);
		_exit(errno == ENOENT ? 10 : 11);
	}
	waitpid(pid, &st, 0);
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 10, "execve of a missing file fails with ENOENT", "status %#x", st);

	pid = vfork();
	if (pid == 0) _exit(5);
	waitpid(pid, &st, 0);
	tap_ok_why(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 5, "vfork + _exit(5)", "pid %d status %#x", (int)pid, st);

	pid = vfork();
	if (pid == 0) {
		execve(self, cargv, cenv);
		_exit(98);
	}
	waitpid(pid, &st, 0);
	tap_ok_why(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 37, "vfork + execve exits 37", "status %#x", st);

	int p[2];
	pipe(p);
	pid = fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 ? 6 : 7);
	}
	close(p[0]);
	tap_eq(waitpid(pid, &st, WNOHANG), 0, "WNOHANG while the child runs returns 0");
	close(p[1]);
	tap_ok(waitpid(-1, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 6, "wait for any child reaps it");
	tap_errno(waitpid(-1, &st, 0), ECHILD, "no children left: ECHILD");

	pid = fork();
	if (pid == 0) exit(200);
	waitpid(pid, &st, 0);
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 200, "exit(200) status is 200", "status %#x", st);

	/* a grandchild whose parent ends is reparented (to init, or a subreaper on Linux) */
	int q[2];
	pipe(q);
	pid = fork();
	if (pid == 0) {
		pid_t middle = getpid();
		if (fork() == 0) {
			char r = 'n';
			for (int i = 0; i < 200 && getppid() == middle; i++)
				usleep(10000);
			if (getppid() != middle)
				r = 'y';
			write(q[1], &r, 1);
			_exit(0);
		}
		_exit(0);
	}
	close(q[1]);
	waitpid(pid, &st, 0);
	char r = 0;
	ssize_t rn = read(q[0], &r, 1);
	close(q[0]);
	tap_ok_why(rn == 1 && r == 'y', "an orphan is reparented when its parent ends", "read %zd '%c'", rn, r ? r : '?');
	return tap_done();
}
