/* lxss-test: group=process needs=execve,fork,wait4,pipe2 timeout=60 */
/* script: execve of "#!" scripts as Linux's binfmt_script runs them. This program is also
 * the interpreter (with LXSS_AS_INTERP in its environment, which run() sets: it prints its
 * arguments, AT_EXECFN and /proc/self/exe). Checked: interpreter + the rest of the line as one argument + the script's
 * name as execve got it + the original arguments after argv[0]; no argument; a "#!" line
 * without a newline; a script whose interpreter is a script (the inner interpreter's name as
 * the "#!" line wrote it); /bin/sh running a script with $0 and $1 and its exit status;
 * ENOENT for a missing interpreter and for "/bin/sh\r" (a CRLF line), ENOEXEC for "#!" alone,
 * ELOOP for scripts that name each other. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxtap.h"

#define NAME_MAX_HERE 1024
static char self[NAME_MAX_HERE], dir[256];

/* Runs path with argv in a child; its stdout (at most size - 1 bytes) in out, its wait status
 * as the result (exit 100 + errno when the execve failed). */
static int run(const char *path, char *const argv[], char *out, size_t size)
{
	int p[2];
	if (pipe(p) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		setenv("LXSS_AS_INTERP", "1", 1);
		execv(path, argv);
		_exit(100 + errno);
	}
	close(p[1]);
	size_t n = 0;
	ssize_t r;
	while (n + 1 < size && (r = read(p[0], out + n, size - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(p[0]);
	int st = -1;
	waitpid(pid, &st, 0);
	return st;
}

static void write_script(const char *name, const char *text, size_t len, char *path)
{
	snprintf(path, NAME_MAX_HERE + 300, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	write(fd, text, len);
	close(fd);
	chmod(path, 0755);
}

static int exec_errno(int st)
{
	return WIFEXITED(st) && WEXITSTATUS(st) >= 100 ? WEXITSTATUS(st) - 100 : -1;
}

/* Writes a script and executes it: the execve's errno (-1: it ran). */
static int exec_error_of(const char *name, const char *text)
{
	char path[NAME_MAX_HERE + 300], out[256];
	char *argv[] = {(char *)name, 0};
	write_script(name, text, strlen(text), path);
	return exec_errno(run(path, argv, out, sizeof out));
}

int main(int argc, char **argv)
{
	if (getenv("LXSS_AS_INTERP")) {
		char exe[NAME_MAX_HERE] = "";
		readlink("/proc/self/exe", exe, sizeof exe - 1);
		for (int i = 1; i < argc; i++)
			printf("[%s]", argv[i]);
		printf(" execfn=%s exe=%s\n", (const char *)getauxval(AT_EXECFN), exe);
		return 0;
	}

	tap_plan(12);
	char real[PATH_MAX];
	if (realpath("/proc/self/exe", real) && strlen(real) < sizeof self)
		strcpy(self, real);
	else
		snprintf(self, sizeof self, "%s", argv[0]);
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/lxss-script-XXXXXX", tmp && *tmp ? tmp : ".");
	if (!mkdtemp(dir)) {
		snprintf(dir, sizeof dir, "lxss-script-XXXXXX");
		mkdtemp(dir);
	}

	char path[NAME_MAX_HERE + 300], path2[NAME_MAX_HERE + 300], text[2 * NAME_MAX_HERE], out[4096], want[8192];
	int st;

	/* 1-2: interpreter, one argument with spaces inside, the script's name, the arguments */
	int n = snprintf(text, sizeof text, "#!%s --as-interp  x  y \t\nignored\n", self);
	write_script("s1", text, (size_t)n, path);
	char *a1[] = {"whatever-argv0", "a", "b c", 0};
	st = run(path, a1, out, sizeof out);
	char *tail = strstr(out, " execfn=");
	snprintf(want, sizeof want, "[--as-interp  x  y][%s][a][b c]", path);
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 0 && tail && strncmp(out, want, (size_t)(tail - out)) == 0 &&
			   strlen(want) == (size_t)(tail - out),
		   "interpreter, the rest of the line as one argument, the script, argv[1..]",
		   "status 0x%x, got \"%s\", expected \"%s\"", st, out, want);
	snprintf(want, sizeof want, " execfn=%s exe=%s\n", path, self);
	tap_ok_why(tail && strcmp(tail, want) == 0, "AT_EXECFN is the script, /proc/self/exe the interpreter",
		   "got \"%s\", expected \"%s\"", tail ? tail : out, want);

	/* 3: a script without an argument on its line, and no newline at all */
	n = snprintf(text, sizeof text, "#!%s", self);
	write_script("s2", text, (size_t)n, path);
	char *a2[] = {"x", "an-argument", 0};
	st = run(path, a2, out, sizeof out);
	snprintf(want, sizeof want, "[%s][an-argument] execfn=%s exe=%s\n", path, path, self);
	tap_ok_why(WIFEXITED(st) && strcmp(out, want) == 0, "a \"#!\" line without argument or newline",
		   "status 0x%x, got \"%s\", expected \"%s\"", st, out, want);

	/* 4: a script whose interpreter is a script */
	n = snprintf(text, sizeof text, "#!%s --as-interp\n", self);
	write_script("inner", text, (size_t)n, path);
	n = snprintf(text, sizeof text, "#!%s\n", path);
	write_script("outer", text, (size_t)n, path2);
	char *a4[] = {"o", "z", 0};
	st = run(path2, a4, out, sizeof out);
	snprintf(want, sizeof want, "[--as-interp][%s][%s][z] execfn=%s exe=%s\n", path, path2, path2, self);
	tap_ok_why(WIFEXITED(st) && strcmp(out, want) == 0, "an interpreter that is a script itself",
		   "status 0x%x, got \"%s\", expected \"%s\"", st, out, want);

	/* 5-6: /bin/sh */
	n = snprintf(text, sizeof text, "#!/bin/sh\necho \"$0|$1|$#\"\nexit 3\n");
	write_script("sh1", text, (size_t)n, path);
	char *a5[] = {"sh1", "first", "second", 0};
	st = run(path, a5, out, sizeof out);
	snprintf(want, sizeof want, "%s|first|2\n", path);
	tap_ok_why(strcmp(out, want) == 0, "/bin/sh runs the script: $0 is its name, $1 and $# its arguments",
		   "got \"%s\", expected \"%s\"", out, want);
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 3, "its exit status", "status 0x%x", st);

	/* 7: "#!/bin/sh -e": the option reaches the shell */
	n = snprintf(text, sizeof text, "#!/bin/sh -e\nfalse\necho not reached\n");
	write_script("sh2", text, (size_t)n, path);
	char *a7[] = {"sh2", 0};
	st = run(path, a7, out, sizeof out);
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 1 && out[0] == '\0', "#!/bin/sh -e stops at the first failure",
		   "status 0x%x, output \"%s\"", st, out);

	/* 8-12: errors */
	tap_eq(exec_error_of("bad1", "#!/nonexistent/interpreter\n"), ENOENT, "a missing interpreter: ENOENT");
	tap_eq(exec_error_of("crlf", "#!/bin/sh\r\necho hi\r\n"), ENOENT, "a CRLF line names \"/bin/sh\\r\": ENOENT");
	tap_eq(exec_error_of("empty", "#!\n"), ENOEXEC, "\"#!\" with no interpreter: ENOEXEC");
	snprintf(path, sizeof path, "%s/loopb", dir);
	n = snprintf(text, sizeof text, "#!%s/loopa\n", dir);
	write_script("loopb", text, (size_t)n, path);
	n = snprintf(text, sizeof text, "#!%s\n", path);
	tap_eq(exec_error_of("loopa", text), ELOOP, "scripts naming each other: ELOOP");
	tap_eq(exec_error_of("text", "plain text\n"), ENOEXEC, "a file that is neither ELF nor script: ENOEXEC");

	const char *names[] = {"s1", "s2", "inner", "outer", "sh1", "sh2", "bad1", "crlf", "empty", "loopa", "loopb", "text"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	return tap_done();
}
