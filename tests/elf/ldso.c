/* lxss-test: group=process needs=execve,wait4,fork,readlink timeout=30 */
/* ldso: where programs are loaded. A position-independent build's base moves at every exec
 * (ASLR: three runs do not all agree; Linux gives 8 bits of entropy), and so does the stack of
 * any program (Linux: 11 bits of pages on i386). glibc's dynamic loader
 * run directly, as `/lib/ld-linux.so.2 PROGRAM` does: the
 * loader is then the program (an ET_DYN with no interpreter), and it maps the program it is
 * given itself. `--version` runs it alone; a dynamically linked build of this test (-dyn)
 * also runs itself through it and checks that it was (then AT_BASE is 0: the kernel loaded
 * the loader as the program, with no interpreter). The root of a run must hold
 * /lib/ld-linux.so.2 (lxgen test puts Debian's there; Linux hosts have it with multilib). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxspawn.h"
#include "lxtap.h"

#define LDSO "/lib/ld-linux.so.2"

/* runs `self what` three times: whether what it printed was not always the same */
static int moves(const char *self, const char *what, char seen[3][32])
{
	static char out[4096];
	int moved = 0;
	for (int i = 0; i < 3; i++) {
		lx_run((char *[]){ (char *)self, (char *)what, NULL }, NULL, out, sizeof out);
		memcpy(seen[i], out, sizeof seen[i]);
		seen[i][sizeof seen[i] - 1] = 0;
		moved |= i > 0 && strcmp(seen[i], seen[0]) != 0;
	}
	return moved && seen[0][0] != 0;
}

int main(int argc, char **argv)
{
	static char out[4096];
	char self[512];
	ssize_t len;

	if (argc > 1 && strcmp(argv[1], "where") == 0) {
		printf("%lx\n", (unsigned long)(uintptr_t)&main);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "stack") == 0) {
		printf("%lx\n", (unsigned long)(uintptr_t)&argc);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "through-ldso") == 0) {
		/* the loader mapped us: the kernel ran it as the program, so AT_BASE is 0 */
		printf("via ldso base=%s\n", getauxval(AT_BASE) ? "set" : "zero");
		return 3;
	}

	tap_plan(5);
	int st = lx_run((char *[]){ LDSO, "--version", NULL }, NULL, out, sizeof out);
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 0 && strstr(out, "ld.so") != NULL,
		   LDSO " --version runs the loader as a program", "status 0x%x, printed %.60s", st, out);

	len = readlink("/proc/self/exe", self, sizeof self - 1);
	self[len > 0 ? len : 0] = 0;
	int dynamic = getauxval(AT_BASE) != 0;
	tap_ok_why(len > 0, "/proc/self/exe names this program", "readlink %zd", len);

	/* the stack moves for every program (Linux: randomize_va_space 2) */
	char stack[3][32];
	tap_ok_why(moves(self, "stack", stack), "the stack moves at every exec",
		   "argc at %.10s %.10s %.10s", stack[0], stack[1], stack[2]);

	/* ET_DYN (a PIE, static or not) moves; ET_EXEC stays where it says */
	unsigned char ehdr[18] = { 0 };
	int fd = open(self, O_RDONLY);
	if (fd >= 0) {
		read(fd, ehdr, sizeof ehdr);
		close(fd);
	}
	if (ehdr[16] == 3 /* ET_DYN */) {
		char where[3][32];
		tap_ok_why(moves(self, "where", where), "a position-independent program's base moves at every exec",
			   "main at %.10s %.10s %.10s", where[0], where[1], where[2]);
	} else {
		tap_ok(ehdr[16] == 2, "a fixed-address (ET_EXEC) build is not moved # not position-independent");
	}
	if (!dynamic) {
		tap_ok(1, "a static build does not run itself through the loader # static build");
		return tap_done();
	}
	st = lx_run((char *[]){ LDSO, self, "through-ldso", NULL }, NULL, out, sizeof out);
	tap_ok_why(WIFEXITED(st) && WEXITSTATUS(st) == 3 && strcmp(out, "via ldso base=zero\n") == 0,
		   LDSO " PROGRAM: the loader maps and runs the program", "status 0x%x, printed %.60s", st, out);
	return tap_done();
}
