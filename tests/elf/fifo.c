/* lxss-test: group=pipes needs=mknod,open,read,write,close,poll,fork,wait4,fstat64,stat64,unlink,rt_sigaction,alarm timeout=30 */
/* fifo: named pipes (mkfifo). A FIFO node is S_IFIFO; opening its read end without O_NONBLOCK
 * waits for a writer and its write end for a reader (a fork child meets its parent there),
 * O_NONBLOCK gives the read end at once (read: end of file, poll: no POLLHUP before a writer
 * came) and the write end ENXIO while no reader exists; O_RDWR never waits; bytes written go
 * to the reader, in order; fstat of an end is the node's (type and inode); a pipe's bytes are
 * gone when its last end closes; a blocked open is interrupted by a signal (EINTR); the node
 * may be unlinked while open. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxscratch.h"
#include "lxtap.h"

static void on_alarm(int sig)
{
	(void)sig;
}

int main(void)
{
	char dir[512];
	if (lx_scratch_dir(dir, sizeof dir, "fifo", 0) != 0)
		return 1;
	const char *path = lx_scratch_path(dir, "fifo");
	struct stat st, fst;

	tap_plan(12);

	tap_ok(mkfifo(path, 0640) == 0 && stat(path, &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0640,
	       "mkfifo makes an S_IFIFO node of mode 0640");

	errno = 0;
	tap_ok(open(path, O_WRONLY | O_NONBLOCK) == -1 && errno == ENXIO,
	       "O_WRONLY|O_NONBLOCK with no reader: ENXIO");

	int rd = open(path, O_RDONLY | O_NONBLOCK);
	char buf[64];
	struct pollfd pfd = { rd, POLLIN, 0 };
	tap_ok(rd >= 0 && read(rd, buf, sizeof buf) == 0 && poll(&pfd, 1, 0) == 0,
	       "O_RDONLY|O_NONBLOCK opens at once; read: end of file; poll: nothing (no POLLHUP before a writer)");

	int wr = open(path, O_WRONLY | O_NONBLOCK);
	ssize_t n = wr >= 0 ? write(wr, "hello", 5) : -1;
	memset(buf, 0, sizeof buf);
	tap_ok(wr >= 0 && n == 5 && read(rd, buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0,
	       "with a reader, O_WRONLY|O_NONBLOCK opens; what it writes is read");

	tap_ok(fstat(rd, &fst) == 0 && S_ISFIFO(fst.st_mode) && fst.st_ino == st.st_ino,
	       "fstat of an end: S_IFIFO, the node's inode");
	close(wr);
	pfd.revents = 0;
	tap_ok(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP) && read(rd, buf, sizeof buf) == 0,
	       "the writer gone: POLLHUP, end of file");
	close(rd);

	/* a child opens the write end and waits for its parent, who opens the read end */
	pid_t pid = fork();
	if (pid == 0) {
		int w = open(path, O_WRONLY);
		if (w < 0)
			_exit(2);
		for (int i = 0; i < 100; i++)
			if (write(w, "0123456789", 10) != 10)
				_exit(3);
		_exit(0);
	}
	usleep(100000);
	rd = open(path, O_RDONLY);
	size_t total = 0;
	int inorder = 1;
	while (rd >= 0 && (n = read(rd, buf, 7)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			inorder &= buf[i] == '0' + (int)((total + i) % 10);
		total += n;
	}
	int status = -1;
	tap_ok(rd >= 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	       total == 1000 && inorder, "blocking opens meet: a child's 1000 bytes, in order, then end of file");
	if (rd >= 0)
		close(rd);

	int both = open(path, O_RDWR);
	tap_ok(both >= 0 && write(both, "abc", 3) == 3 && read(both, buf, 3) == 3 && memcmp(buf, "abc", 3) == 0,
	       "O_RDWR opens without waiting and reads what it wrote");
	if (both >= 0) {
		write(both, "left", 4);
		close(both);
	}
	both = open(path, O_RDWR | O_NONBLOCK);
	errno = 0;
	tap_ok(both >= 0 && read(both, buf, sizeof buf) == -1 && errno == EAGAIN,
	       "bytes left in a FIFO are gone once its last end closed");
	if (both >= 0)
		close(both);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);     /* no SA_RESTART */
	alarm(1);
	errno = 0;
	int blocked = open(path, O_RDONLY);
	int eintr = blocked == -1 && errno == EINTR;
	alarm(0);
	tap_ok(eintr, "a blocked open is interrupted by a signal: EINTR");

	rd = open(path, O_RDONLY | O_NONBLOCK);
	wr = open(path, O_WRONLY);
	tap_ok(rd >= 0 && wr >= 0 && unlink(path) == 0 && write(wr, "still", 5) == 5 &&
	       read(rd, buf, sizeof buf) == 5 && memcmp(buf, "still", 5) == 0,
	       "the node unlinked while open: the pipe still works");
	errno = 0;
	tap_ok(stat(path, &st) == -1 && errno == ENOENT, "and its name is gone");
	close(rd);
	close(wr);
	rmdir(dir);
	return tap_done();
}
