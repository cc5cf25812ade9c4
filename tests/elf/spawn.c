/* lxss-test: group=process needs=clone,vfork,execve,wait4,kill,setpgid,getpgid,pipe,nanosleep timeout=30 */
/* spawn: posix_spawn of a program (this one, re-executed with "child") and of a missing
 * file (ENOENT), clone(fn, stack, SIGCHLD) and clone(CLONE_VM|CLONE_VFORK) (whose write to
 * memory the parent sees, the forked child's it does not), then process
 * groups: kill(-pgid) reaches every member, kill(0) reaches our own group, and
 * waitpid(0)/waitpid(-pgid) choose children by process group. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"

extern char **environ;
static volatile sig_atomic_t usr;
static void on_usr1(int s) { (void)s; usr++; }
static volatile int vm_word;
static int fn(void *a) { vm_word = *(int *)a * 100; return *(int *)a + 1; }

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&t, &t) == -1 && errno == EINTR) {}
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0) return 42;
	tap_plan(11);
	/* Our own process group, so kill(0) below reaches only us and our children (never the
	 * program that started us); fails harmlessly (EPERM) for a session leader, which
	 * already leads its group. */
	setpgid(0, 0);
	const char *self = strchr(argv[0], '/') ? argv[0] : "/proc/self/exe";
	pid_t pid = 0;
	char *cargv[] = { "spawn", "child", NULL };
	int st = 0;

	/* posix_spawn, clone */
	int r = posix_spawn(&pid, self, NULL, NULL, cargv, environ);
	pid_t w = r == 0 ? waitpid(pid, &st, 0) : -1;
	tap_ok_why(r == 0 && w == pid && WIFEXITED(st) && WEXITSTATUS(st) == 42,
		"posix_spawn runs a program, waitpid gets its status", "posix_spawn(%s) = %d, waitpid %d status 0x%x", self,
		r, (int)w, st);
	r = posix_spawn(&pid, "/no-such-dir-lxss/no-such-file", NULL, NULL, cargv, environ);
	tap_ok_why(r == ENOENT, "posix_spawn of a missing file returns ENOENT", "returned %d", r);
	static char stack[16384] __attribute__((aligned(16)));
	int arg = 6;
	int forked_word = -1;
	vm_word = 0;
	st = 0;
	pid = clone(fn, stack + sizeof stack, SIGCHLD, &arg);
	w = pid > 0 ? waitpid(pid, &st, 0) : -1;
	tap_ok_why(pid > 0 && w == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7,
		"clone(fn, stack, SIGCHLD): the child runs fn on its stack", "pid %d errno %d waitpid %d status 0x%x",
		(int)pid, errno, (int)w, st);
	forked_word = vm_word;
	st = 0;
	pid = clone(fn, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &arg);
	w = pid > 0 ? waitpid(pid, &st, 0) : -1;
	tap_ok_why(pid > 0 && w == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7,
		"clone(CLONE_VM|CLONE_VFORK) child runs fn", "pid %d errno %d waitpid %d status 0x%x", (int)pid, errno,
		(int)w, st);
	tap_ok_why(forked_word == 0 && vm_word == 600, "the parent sees the CLONE_VM child's write, not the forked one's",
		"after clone(SIGCHLD) %d, after clone(CLONE_VM|CLONE_VFORK) %d", forked_word, (int)vm_word);

	/* kill(-pgid) */
	int p[2];
	if (pipe(p) != 0) p[0] = p[1] = -1;
	pid_t a = fork();
	if (a == 0) {
		setpgid(0, 0);
		char c;
		if (read(p[0], &c, 1) < 0) _exit(2);
		_exit(0);
	}
	setpgid(a, a);
	pid_t b = fork();
	if (b == 0) {
		setpgid(0, a);
		char c;
		if (read(p[0], &c, 1) < 0) _exit(2);
		_exit(0);
	}
	setpgid(b, a);
	sleep_ms(50);
	tap_ok(kill(-a, SIGTERM) == 0, "kill(-pgid, SIGTERM)");
	int sa = 0, sb = 0;
	waitpid(a, &sa, 0);
	waitpid(b, &sb, 0);
	tap_ok_why(WIFSIGNALED(sa) && WTERMSIG(sa) == SIGTERM && WIFSIGNALED(sb) && WTERMSIG(sb) == SIGTERM,
		"both members of the group died of SIGTERM", "status 0x%x and 0x%x", sa, sb);
	close(p[0]);
	close(p[1]);

	/* kill(0) */
	signal(SIGUSR1, on_usr1);
	usr = 0;
	pid_t c = fork();
	if (c == 0) {
		time_t t0 = time(0);
		while (!usr && time(0) - t0 < 5) {}
		_exit(usr ? 9 : 1);
	}
	sleep_ms(50);
	r = kill(0, SIGUSR1);
	tap_ok_why(r == 0 && usr == 1, "kill(0, SIGUSR1) reaches us", "kill = %d errno %d, handler ran %d times", r,
		errno, (int)usr);
	int sc = 0;
	waitpid(c, &sc, 0);
	tap_ok_why(WIFEXITED(sc) && WEXITSTATUS(sc) == 9, "and the child in our group", "status 0x%x", sc);
	signal(SIGUSR1, SIG_DFL);

	/* waitpid(0), waitpid(-pgid) */
	int q[2];
	if (pipe(q) != 0) q[0] = q[1] = -1;
	pid_t x = fork();
	if (x == 0) {
		setpgid(0, 0);
		char ch;
		if (read(q[0], &ch, 1) < 0) _exit(2);
		_exit(11);
	}
	setpgid(x, x);
	pid_t y = fork();
	if (y == 0) _exit(12);
	int sy = 0;
	w = waitpid(0, &sy, 0);
	tap_ok_why(w == y && WIFEXITED(sy) && WEXITSTATUS(sy) == 12, "waitpid(0) reaps the child of our group, not the other",
		"waitpid = %d (want %d) status 0x%x", (int)w, (int)y, sy);
	if (write(q[1], "x", 1) != 1) {}
	int sx = 0;
	w = waitpid(-x, &sx, 0);
	tap_ok_why(w == x && WIFEXITED(sx) && WEXITSTATUS(sx) == 11, "waitpid(-pgid) reaps the child of that group",
		"waitpid = %d (want %d) status 0x%x", (int)w, (int)x, sx);
	close(q[0]);
	close(q[1]);
	return tap_done();
}
