/* lxss-test: group=identity needs=uname,getpid,getppid,gettid,getuid32,geteuid32,getgid32,getegid32 timeout=10 */
/* identity: uname fields, process and thread ids, user and group ids. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxtap.h"

int main(void)
{
	tap_plan(9);
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
	return tap_done();
}
