/* jobprobe MODE: one behaviour each, for the i386 oracle's own tests (tests/oracle).
 *   exit N    exit status N            segv     killed by SIGSEGV
 *   sleep     never ends (timeout)     big N    N bytes on stdout, "err" on stderr
 *   env       cwd == $TMPDIR, stdin /dev/null-like (EOF), writes a file in cwd
 *   tty       isatty(0/1/2) and the window size, as "tty 0 1 1 33x111"
 *   fork      a child writes after its parent has exited (output collected to the end) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "exit"))
		return atoi(argv[2]);
	if (!strcmp(mode, "segv"))
		return *(volatile int *)0;
	if (!strcmp(mode, "sleep"))
		for (;;)
			pause();
	if (!strcmp(mode, "big")) {
		long n = atol(argv[2]);
		for (long i = 0; i < n; i++)
			putchar('a' + (int)(i % 26));
		fputs("err", stderr);
		return 0;
	}
	if (!strcmp(mode, "env")) {
		char cwd[512];
		const char *tmp = getenv("TMPDIR");
		char c;
		FILE *f = fopen("written", "w");
		printf("cwd-is-tmpdir %d stdin-eof %d file %d\n", getcwd(cwd, sizeof(cwd)) && tmp && !strcmp(cwd, tmp),
		       read(0, &c, 1) == 0, f != NULL && fputs("x", f) >= 0 && fclose(f) == 0);
		return 0;
	}
	if (!strcmp(mode, "tty")) {
		struct winsize ws = {0};
		ioctl(0, TIOCGWINSZ, &ws);
		printf("tty %d %d %d %ux%u\n", isatty(0), isatty(1), isatty(2), ws.ws_row, ws.ws_col);
		return 0;
	}
	if (!strcmp(mode, "fork")) {
		if (fork() == 0) {
			usleep(300000);
			puts("child after parent");
			return 0;
		}
		puts("parent");
		return 3;
	}
	fprintf(stderr, "usage: jobprobe exit N|segv|sleep|big N|env|tty|fork\n");
	return 2;
}
