/* lxss-test: group=file needs=open,read,getpid timeout=10 */
/* procself: a process reads what exec gave it through /proc: /proc/self/cmdline (the
 * argument strings, each with its NUL), /proc/self/environ, /proc/self/auxv (the auxiliary
 * vector: AT_PAGESZ 4096, AT_ENTRY, AT_NULL last), and the same files as /proc/<pid>/; then
 * what ps reads of another process: /proc lists the live pids, /proc/<pid> is a directory,
 * a child's stat (pid, (comm), state, ppid), status and cmdline; /proc/self is a link;
 * /proc/self/maps places the stack and a new mapping; what top reads of the system
 * (/proc/stat, uptime, loadavg, meminfo); chdir into /proc (as ps and top do), ENOTDIR for a
 * /proc file. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxtap.h"

extern char **environ;

static ssize_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t got = 0, n;

	if (fd < 0)
		return -1;
	while ((size_t)got < size && (n = read(fd, buf + got, size - got)) > 0)
		got += n;
	close(fd);
	return got;
}

int main(int argc, char **argv)
{
	static char buf[65536], want[65536], other[65536];
	size_t wlen = 0;
	ssize_t n;
	char path[64];

	if (argc == 1) {
		/* run again with known arguments and environment */
		char *args[] = { argv[0], "one", "", "three words", NULL };
		char *env[] = { "LXSS_A=1", "LXSS_B=two", NULL };
		execve(argv[0], args, env);
		return 99;
	}
	tap_plan(18);
	for (int i = 0; i < argc; i++) {
		memcpy(want + wlen, argv[i], strlen(argv[i]) + 1);
		wlen += strlen(argv[i]) + 1;
	}
	n = slurp("/proc/self/cmdline", buf, sizeof buf);
	tap_ok_why(n == (ssize_t)wlen && memcmp(buf, want, wlen) == 0, "/proc/self/cmdline: the arguments, NUL after each",
		   "read %zd, want %zu", n, wlen);

	wlen = 0;
	for (char **e = environ; *e; e++) {
		memcpy(want + wlen, *e, strlen(*e) + 1);
		wlen += strlen(*e) + 1;
	}
	n = slurp("/proc/self/environ", buf, sizeof buf);
	tap_ok_why(n == (ssize_t)wlen && memcmp(buf, want, wlen) == 0 && strstr(buf, "LXSS_A=1") == buf,
		   "/proc/self/environ: the environment exec gave", "read %zd, want %zu", n, wlen);

	n = slurp("/proc/self/auxv", buf, sizeof buf);
	uint32_t *aux = (uint32_t *)buf;
	int pagesz = 0, entry = 0, last_null = n >= 8 && n % 8 == 0 && aux[n / 4 - 2] == 0;
	for (ssize_t i = 0; i + 1 < n / 4; i += 2) {
		if (aux[i] == AT_PAGESZ)
			pagesz = aux[i + 1] == 4096;
		if (aux[i] == AT_ENTRY)
			entry = aux[i + 1] == (uint32_t)getauxval(AT_ENTRY);
	}
	tap_ok_why(pagesz && entry && last_null, "/proc/self/auxv: AT_PAGESZ 4096, AT_ENTRY as getauxval says, AT_NULL last",
		   "read %zd, pagesz %d entry %d null %d", n, pagesz, entry, last_null);

	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)getpid());
	ssize_t m = slurp(path, other, sizeof other);
	n = slurp("/proc/self/cmdline", buf, sizeof buf);
	tap_ok_why(m == n && m > 0 && memcmp(other, buf, m) == 0, "/proc/<pid>/cmdline is /proc/self/cmdline", "%zd vs %zd", m, n);
	snprintf(path, sizeof path, "/proc/%d/auxv", (int)getpid());
	m = slurp(path, other, sizeof other);
	n = slurp("/proc/self/auxv", buf, sizeof buf);
	tap_ok_why(m == n && m > 0 && memcmp(other, buf, m) == 0, "/proc/<pid>/auxv is /proc/self/auxv", "%zd vs %zd", m, n);
	snprintf(path, sizeof path, "/proc/%d/exe", (int)getpid());
	char a[256] = "", b[256] = "";
	ssize_t la = readlink(path, a, sizeof a - 1), lb = readlink("/proc/self/exe", b, sizeof b - 1);
	tap_ok_why(la > 0 && la == lb && memcmp(a, b, la) == 0, "/proc/<pid>/exe is /proc/self/exe", "%zd vs %zd", la, lb);

	/* a child that waits for us: what ps reads of it */
	int p[2];
	pipe(p);
	pid_t child = fork();
	if (child == 0) {
		char c;
		close(p[1]);
		read(p[0], &c, 1);      /* until we close our end */
		_exit(0);
	}
	close(p[0]);
	char me[16], kid[16];
	snprintf(me, sizeof me, "%d", (int)getpid());
	snprintf(kid, sizeof kid, "%d", (int)child);

	DIR *d = opendir("/proc");
	int saw_me = 0, saw_kid = 0, saw_self = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		saw_me |= strcmp(e->d_name, me) == 0;
		saw_kid |= strcmp(e->d_name, kid) == 0;
		saw_self |= strcmp(e->d_name, "self") == 0;
	}
	if (d)
		closedir(d);
	tap_ok_why(saw_me && saw_kid && saw_self, "/proc lists this pid, the child's and self", "me %d child %d self %d", saw_me, saw_kid, saw_self);

	struct stat st;
	snprintf(path, sizeof path, "/proc/%d", (int)child);
	tap_ok_why(stat(path, &st) == 0 && S_ISDIR(st.st_mode), "/proc/<pid> is a directory", "mode %o", (unsigned)st.st_mode);

	snprintf(path, sizeof path, "/proc/%d/stat", (int)child);
	n = slurp(path, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	int spid = 0, sppid = 0;
	char state = 0, *close_paren = strrchr(buf, ')');
	int fields = close_paren ? sscanf(close_paren + 2, "%c %d", &state, &sppid) : 0;
	sscanf(buf, "%d", &spid);
	tap_ok_why(n > 0 && spid == child && fields == 2 && sppid == getpid() && strchr("RSD", state) &&
		   strstr(buf, "(procself") == strchr(buf, '('),
		   "a child's /proc/<pid>/stat: its pid, (comm), state, our pid as its parent", "%.80s", buf);

	snprintf(path, sizeof path, "/proc/%d/status", (int)child);
	n = slurp(path, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	char want_ppid[32], want_pid[32];
	snprintf(want_ppid, sizeof want_ppid, "\nPPid:\t%d\n", (int)getpid());
	snprintf(want_pid, sizeof want_pid, "\nPid:\t%d\n", (int)child);
	tap_ok_why(n > 0 && strncmp(buf, "Name:\tprocself", 14) == 0 && strstr(buf, want_pid) && strstr(buf, want_ppid),
		   "a child's /proc/<pid>/status: Name, Pid, PPid", "%.80s", buf);

	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)child);
	m = slurp(path, other, sizeof other);
	n = slurp("/proc/self/cmdline", buf, sizeof buf);
	char link[32] = "";
	ssize_t ll = readlink("/proc/self", link, sizeof link - 1);
	tap_ok_why(m == n && m > 0 && memcmp(other, buf, m) == 0 && ll > 0 && strcmp(link, me) == 0,
		   "a child's cmdline (read from its memory) is ours; /proc/self links to our pid", "%zd vs %zd, self -> %s", m, n, link);
	close(p[1]);
	waitpid(child, NULL, 0);

	/* /proc/self/maps: the line holding a stack variable is [stack]; a fresh mapping's is
	 * readable and writable */
	volatile int local = 1;
	char *fresh = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	n = slurp("/proc/self/maps", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	int stack_ok = 0, fresh_ok = 0;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long lo, hi;
		char perms[8] = "";
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3)
			continue;
		if ((unsigned long)(uintptr_t)&local >= lo && (unsigned long)(uintptr_t)&local < hi)
			stack_ok = strstr(line, "[stack]") != NULL;
		if ((unsigned long)(uintptr_t)fresh >= lo && (unsigned long)(uintptr_t)fresh < hi)
			fresh_ok = perms[0] == 'r' && perms[1] == 'w';
	}
	tap_ok_why(n > 0 && stack_ok && fresh_ok, "/proc/self/maps: the stack is [stack], a new mapping rw",
		   "read %zd, stack %d, mapping %d", n, stack_ok, fresh_ok);

	/* what top and uptime read of the whole system */
	{
		unsigned long long user, nice, sys, idle;
		double up = 0, idl = -1, l1, l5, l15;
		unsigned long total = 0, avail = ~0ul;
		int run = 0, all = 0, last = 0;
		char *p;

		n = slurp("/proc/stat", buf, sizeof buf - 1);
		buf[n > 0 ? n : 0] = 0;
		tap_ok(n > 0 && sscanf(buf, "cpu %llu %llu %llu %llu", &user, &nice, &sys, &idle) == 4 &&
		       user + sys + idle > 0 && strstr(buf, "\ncpu0 ") && strstr(buf, "\nbtime ") &&
		       strstr(buf, "\nctxt "),
		       "/proc/stat: the cpu line and cpu0 (user, nice, system, idle ticks), ctxt, btime");
		n = slurp("/proc/uptime", buf, sizeof buf - 1);
		buf[n > 0 ? n : 0] = 0;
		tap_ok(n > 0 && sscanf(buf, "%lf %lf", &up, &idl) == 2 && up > 0 && idl >= 0,
		       "/proc/uptime: seconds up and idle");
		n = slurp("/proc/loadavg", buf, sizeof buf - 1);
		buf[n > 0 ? n : 0] = 0;
		tap_ok(n > 0 && sscanf(buf, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &run, &all, &last) == 6 &&
		       run >= 1 && all >= run && last > 0,
		       "/proc/loadavg: three averages, running/all, the last pid");
		n = slurp("/proc/meminfo", buf, sizeof buf - 1);
		buf[n > 0 ? n : 0] = 0;
		p = strstr(buf, "MemAvailable:");
		tap_ok(n > 0 && sscanf(buf, "MemTotal: %lu kB", &total) == 1 && p &&
		       sscanf(p, "MemAvailable: %lu kB", &avail) == 1 && total > 0 && avail <= total,
		       "/proc/meminfo: MemTotal, MemAvailable no more than it");
	}

	/* ps and top start with chdir("/proc") and read relative names */
	{
		char cwd[64] = "";
		int fd;
		tap_ok(chdir("/proc") == 0 && getcwd(cwd, sizeof cwd) && strcmp(cwd, "/proc") == 0 &&
		       (fd = open("self/status", O_RDONLY)) >= 0 && close(fd) == 0,
		       "chdir(\"/proc\"), getcwd, and a relative open of self/status");
		errno = 0;
		tap_ok(chdir("/proc/self/status") == -1 && errno == ENOTDIR && chdir("/") == 0,
		       "chdir to a /proc file: ENOTDIR");
	}
	return tap_done();
}
