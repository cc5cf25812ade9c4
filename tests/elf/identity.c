/* lxss-test: group=identity needs=uname,getpid,getppid,gettid,getuid32,geteuid32,getgid32,getegid32,setresuid32,getresuid32,setresgid32,getresgid32,setuid32,setreuid32,kill timeout=10 */
/* identity: uname fields, process and thread ids, user and group ids; a root child taking
 * other ids (setresgid/setresuid, then setuid/setreuid as an ordinary user within its real
 * and saved ids, EPERM outside them) and losing the right to signal root's processes. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxtap.h"

int main(void)
{
	tap_plan(15);
	struct utsname u;
	tap_eq(uname(&u), 0, "uname");
	tap_ok(strcmp(u.sysname, "Linux") == 0, "sysname is Linux");
	tap_ok(u.release[0] >= '2' && u.release[0] <= '9' && strchr(u.release, '.'), "release looks like a version");
	tap_ok(strcmp(u.machine, "i686") == 0 || strcmp(u.machine, "i386") == 0 || strcmp(u.machine, "x86_64") == 0,
		"machine is i686/i386 (x86_64 on a 64-bit Linux host)");
	pid_t pid = getpid();
	tap_ok(pid > 0 && syscall(SYS_gettid) == pid, "getpid > 0 and the main thread's tid equals it");
	pid_t ppid = getppid();
	tap_ok(ppid > 0 && ppid != pid, "getppid > 0 and differs from getpid");
	int p[2];
	pipe(p);
	pid_t c = fork();
	if (c == 0) {
		pid_t v[2] = { getpid(), getppid() };
		write(p[1], v, sizeof v);
		_exit(0);
	}
	pid_t v[2] = { 0, 0 };
	read(p[0], v, sizeof v);
	waitpid(c, NULL, 0);
	tap_ok(c > 0 && v[0] == c && v[1] == pid, "a child sees its own pid and us as its parent");
	tap_ok(getuid() == geteuid() && (long)getuid() >= 0, "getuid/geteuid agree");
	tap_ok(getgid() == getegid() && (long)getgid() >= 0, "getgid/getegid agree");

	/* a root child becomes an ordinary user, step by step */
	long r[12];
	memset(r, 0x55, sizeof r);
	if (getuid() == 0 && pipe(p) == 0 && (c = fork()) == 0) {
		uid_t a, b, d;
		gid_t ga, gb, gd;
		long w[12];
		w[0] = setresgid(100, 200, 300);
		w[1] = getresgid(&ga, &gb, &gd) == 0 && ga == 100 && gb == 200 && gd == 300;
		w[2] = setresuid(1000, 1001, 1002);
		w[3] = getresuid(&a, &b, &d) == 0 && a == 1000 && b == 1001 && d == 1002;
		w[4] = setuid(1000);    /* unprivileged: the effective id only */
		w[5] = getresuid(&a, &b, &d) == 0 && a == 1000 && b == 1000 && d == 1002;
		w[6] = setuid(0) == -1 ? errno : 0;
		w[7] = setreuid(-1, 1002);      /* to the saved id */
		w[8] = geteuid() == 1002 && getuid() == 1000;
		w[9] = setresuid(-1, 5, -1) == -1 ? errno : 0;
		w[10] = kill(getppid(), 0) == -1 ? errno : 0;
		w[11] = setresgid(-1, 100, -1);
		write(p[1], w, sizeof w);
		_exit(0);
	}
	if (getuid() == 0) {
		read(p[0], r, sizeof r);
		waitpid(c, NULL, 0);
	}
	tap_ok_why(r[0] == 0 && r[1] == 1, "root: setresgid(100, 200, 300), read back by getresgid", "%ld %ld", r[0], r[1]);
	tap_ok_why(r[2] == 0 && r[3] == 1, "root: setresuid(1000, 1001, 1002), read back by getresuid", "%ld %ld", r[2], r[3]);
	tap_ok_why(r[4] == 0 && r[5] == 1, "an ordinary user's setuid(real id) changes the effective id only", "%ld %ld", r[4], r[5]);
	tap_ok_why(r[6] == EPERM && r[9] == EPERM, "setuid(0) and setresuid to a foreign id: EPERM", "%ld %ld", r[6], r[9]);
	tap_ok_why(r[7] == 0 && r[8] == 1, "setreuid(-1, saved id) is allowed", "%ld %ld", r[7], r[8]);
	tap_ok_why(r[10] == EPERM && r[11] == 0, "the user may not signal root's process, may setresgid within its ids", "%ld %ld", r[10], r[11]);
	return tap_done();
}
