/* lxspawn.h: runs a program for an ELF test and captures what it prints.
 *
 *   int st = lx_run(argv, envp, out, sizeof out);   // wait status; stdout in out, NUL-ended
 *
 * envp NULL keeps the caller's environment. Stdin is /dev/null-like (closed pipe). */
#ifndef LXSPAWN_H
#define LXSPAWN_H

#include <sys/wait.h>
#include <unistd.h>

static int lx_run(char *const argv[], char *const envp[], char *out, size_t size)
{
	int p[2], in[2], st = -1;
	ssize_t n, got = 0;

	if (pipe(p) != 0 || pipe(in) != 0)
		return -1;
	pid_t c = fork();
	if (c == 0) {
		dup2(p[1], 1);
		dup2(in[0], 0);
		close(p[0]);
		close(in[1]);
		if (envp)
			execve(argv[0], argv, envp);
		else
			execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	close(in[0]);
	close(in[1]);
	while (got < (ssize_t)size - 1 && (n = read(p[0], out + got, size - 1 - got)) > 0)
		got += n;
	out[got] = 0;
	close(p[0]);
	waitpid(c, &st, 0);
	return st;
}

#endif /* LXSPAWN_H */
