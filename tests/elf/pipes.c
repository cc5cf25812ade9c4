/* lxss-test: group=pipes needs=pipe,pipe2,read,write,close,fcntl64,clone,wait4 timeout=20 */
/* pipes: data through a pipe in order, EOF after the writer closes, EPIPE/SIGPIPE
 * when the reader is gone, O_NONBLOCK EAGAIN, O_CLOEXEC, and a pipe across fork. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxtap.h"

int main(void)
{
	tap_plan(11);
	int p[2];
	tap_eq(pipe(p), 0, "pipe");
	tap_eq(write(p[1], "abc", 3), 3, "write 3 bytes");
	tap_eq(write(p[1], "defg", 4), 4, "write 4 more");
	char buf[16] = { 0 };
	tap_ok(read(p[0], buf, sizeof buf) == 7 && memcmp(buf, "abcdefg", 7) == 0, "read returns them in order");
	close(p[1]);
	tap_eq(read(p[0], buf, sizeof buf), 0, "read after the writer closed: EOF");
	close(p[0]);

	tap_eq(pipe(p), 0, "second pipe");
	signal(SIGPIPE, SIG_IGN);
	close(p[0]);
	tap_errno(write(p[1], "x", 1), EPIPE, "write with no reader: EPIPE");
	close(p[1]);

	tap_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0, "pipe2(O_NONBLOCK|O_CLOEXEC)");
	tap_errno(read(p[0], buf, 1), EAGAIN, "read of an empty non-blocking pipe: EAGAIN");
	tap_ok(fcntl(p[0], F_GETFD) == FD_CLOEXEC && (fcntl(p[1], F_GETFL) & O_NONBLOCK), "flags are set");
	close(p[0]);
	close(p[1]);

	/* Across fork: the child writes 100 KB (more than a pipe buffer), the parent reads it. */
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		static char big[100000];
		for (unsigned i = 0; i < sizeof big; i++) big[i] = (char)(i * 7);
		size_t off = 0;
		while (off < sizeof big) {
			ssize_t w = write(p[1], big + off, sizeof big - off);
			if (w <= 0) _exit(2);
			off += (size_t)w;
		}
		_exit(0);
	}
	close(p[1]);
	static char got[100000];
	size_t total = 0;
	ssize_t n;
	while ((n = read(p[0], got + total, sizeof got - total)) > 0) total += (size_t)n;
	int st = -1, same = total == sizeof got;
	for (unsigned i = 0; same && i < sizeof got; i++) same = got[i] == (char)(i * 7);
	waitpid(pid, &st, 0);
	tap_ok_why(pid > 0 && same && WIFEXITED(st) && WEXITSTATUS(st) == 0, "100 KB from a forked child through a pipe",
		"pid %d, got %zu bytes, same %d, status %#x", (int)pid, total, same, st);
	close(p[0]);
	return tap_done();
}
