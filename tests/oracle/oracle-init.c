/*
 * oracle-init: PID 1 of the Linux i386 oracle VM (generator/src/oracle/vm.ts).
 *
 * The host cannot run i386 programs, so lxgen boots Debian's own i386 kernel in
 * qemu-system-i386 with an initramfs holding this program, the programs to run (each at
 * the absolute path it has on the host) and /oracle/jobs, one job a line:
 *
 *   ID <TAB> TIMEOUT_MS <TAB> TTY <TAB> STDOUT <TAB> STDIN <TAB> ARGV0 [<TAB> ARGV1 ...]
 *
 *   TTY     "-" (stdin /dev/null, stdout and stderr pipes) or "ROWSxCOLS": stdin, stdout
 *           and stderr are the slave of a new pseudo-terminal of that size, which is the
 *           job's controlling terminal; what it writes is read from the master as stdout
 *   STDOUT  "pipe", or "null" for stdout on /dev/null (the other descriptors unchanged)
 *   STDIN   "-", or "DELAY_MS,CLOSE,HEXTEXT": stdin is a pipe (with TTY: the terminal) into
 *           which TEXT is written DELAY_MS after the start; CLOSE 1 then closes the pipe
 *
 * Each job runs in a fresh scratch directory under /tmp (its cwd and $TMPDIR) as the leader of its own
 * session, under a timeout after which its process group is killed. Results go to the
 * second serial port (ttyS1; ttyS0 is the kernel console), one record a job:
 *
 *   @@LXSS-ORACLE job ID STATUS SIGNAL TIMEDOUT MS OUTLEN ERRLEN\n<stdout bytes><stderr bytes>\n
 *
 * STATUS is the exit status, or 128 + the signal that killed the job (SIGNAL, else 0).
 * The run opens with "@@LXSS-ORACLE ready UPTIME_MS" and ends with "@@LXSS-ORACLE done";
 * then the VM powers off. Built with gcc -m32 -static (glibc).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 64

static int out_fd = -1;

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

static void report(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		write_all(out_fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

/* A growing byte buffer for one job's output. */
struct buf {
	char *data;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return; /* keep what fitted: the host sees a short output */
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

/* Reads what is there; returns 0 at end of file (or EIO from a pty master). */
static int drain(int fd, struct buf *b)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0)
		return 0;
	buf_add(b, chunk, (size_t)n);
	return 1;
}

struct job {
	char *id;
	long timeout_ms;
	int rows, cols; /* 0: no terminal */
	int stdout_null;
	long stdin_delay_ms; /* -1: no delayed stdin */
	int stdin_close;
	char stdin_text[64];
	size_t stdin_len;
	char *argv[MAX_ARGS + 1];
};

static int parse_stdin(const char *spec, struct job *j)
{
	j->stdin_delay_ms = -1;
	if (strcmp(spec, "-") == 0)
		return 0;
	const char *hex = NULL;
	if (sscanf(spec, "%ld,%d,", &j->stdin_delay_ms, &j->stdin_close) != 2 || !(hex = strchr(strchr(spec, ',') + 1, ',')))
		return -1;
	hex++;
	for (j->stdin_len = 0; hex[0] && hex[1] && j->stdin_len < sizeof(j->stdin_text); hex += 2) {
		unsigned int byte;
		if (sscanf(hex, "%2x", &byte) != 1)
			return -1;
		j->stdin_text[j->stdin_len++] = (char)byte;
	}
	return *hex ? -1 : 0;
}

static int parse_job(char *line, struct job *j)
{
	char *field[5 + MAX_ARGS];
	int n = 0;
	for (char *p = line; n < 5 + MAX_ARGS;) {
		field[n++] = p;
		p = strchr(p, '\t');
		if (!p)
			break;
		*p++ = '\0';
	}
	if (n < 6)
		return -1;
	memset(j, 0, sizeof(*j));
	j->id = field[0];
	j->timeout_ms = atol(field[1]);
	if (strcmp(field[2], "-") != 0 && sscanf(field[2], "%dx%d", &j->rows, &j->cols) != 2)
		return -1;
	j->stdout_null = strcmp(field[3], "null") == 0;
	if (parse_stdin(field[4], j) != 0)
		return -1;
	for (int i = 5; i < n; i++)
		j->argv[i - 5] = field[i];
	return 0;
}

static void child_exec(const struct job *j, const char *scratch, int in, int out, int err, int tty)
{
	setsid();
	if (tty >= 0)
		ioctl(tty, TIOCSCTTY, 0);
	dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	char tmpdir[300];
	snprintf(tmpdir, sizeof(tmpdir), "TMPDIR=%s", scratch);
	char *envp[] = {"PATH=/usr/bin:/bin", "HOME=/", "TERM=xterm", tmpdir, NULL};
	if (chdir(scratch) != 0)
		_exit(126);
	signal(SIGPIPE, SIG_DFL);
	execve(j->argv[0], j->argv, envp);
	dprintf(2, "oracle-init: cannot run %s: %s\n", j->argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static void run_job(const struct job *j, int index)
{
	char scratch[64];
	snprintf(scratch, sizeof(scratch), "/tmp/lxss-oracle-job-%d", index);
	mkdir(scratch, 0777);

	int devnull = open("/dev/null", O_RDWR);
	int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, in_pipe[2] = {-1, -1};
	int master = -1, slave = -1;
	if (j->stdin_delay_ms >= 0 && !j->rows && pipe(in_pipe) != 0) {
		report("@@LXSS-ORACLE job %s 126 0 0 0 0 0\n\n", j->id);
		close(devnull);
		return;
	}
	if (j->rows) {
		struct winsize ws = {.ws_row = (unsigned short)j->rows, .ws_col = (unsigned short)j->cols};
		if (openpty(&master, &slave, NULL, NULL, &ws) != 0) {
			report("@@LXSS-ORACLE job %s 126 0 0 0 0 0\n\n", j->id);
			close(devnull);
			return;
		}
	} else if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) {
		report("@@LXSS-ORACLE job %s 126 0 0 0 0 0\n\n", j->id);
		close(devnull);
		return;
	}

	long long started = now_ms();
	pid_t pid = fork();
	if (pid == 0) {
		if (j->rows)
			child_exec(j, scratch, slave, j->stdout_null ? devnull : slave, slave, slave);
		else
			child_exec(j, scratch, in_pipe[0] >= 0 ? in_pipe[0] : devnull, j->stdout_null ? devnull : out_pipe[1],
				   err_pipe[1], -1);
	}
	close(devnull);
	if (in_pipe[0] >= 0)
		close(in_pipe[0]);
	/* where the delayed stdin line goes: the pipe, or the terminal's master (typed input) */
	int feed = j->stdin_delay_ms < 0 ? -1 : j->rows ? master : in_pipe[1];
	if (j->rows) {
		close(slave);
	} else {
		close(out_pipe[1]);
		close(err_pipe[1]);
	}

	struct buf out = {0}, err = {0};
	struct pollfd pfd[2];
	int nfd = 0;
	if (j->rows) {
		pfd[nfd++] = (struct pollfd){.fd = master, .events = POLLIN};
	} else {
		pfd[nfd++] = (struct pollfd){.fd = out_pipe[0], .events = POLLIN};
		pfd[nfd++] = (struct pollfd){.fd = err_pipe[0], .events = POLLIN};
	}
	int open_fds = nfd, exited = pid < 0, timed_out = 0, status = 0;
	if (pid < 0)
		status = 126 << 8;
	/* Done when the job has exited and its output ends (as node's 'close' event). A pty
	 * master gives no EOF while a background descendant keeps the slave open, so there
	 * the job's own exit ends the collection once the master is empty. */
	long long deadline = started + j->timeout_ms;
	while (open_fds > 0 || !exited) {
		if (feed >= 0 && now_ms() >= started + j->stdin_delay_ms) {
			write_all(feed, j->stdin_text, j->stdin_len);
			if (j->stdin_close && feed == in_pipe[1]) {
				close(in_pipe[1]);
				in_pipe[1] = -1;
			}
			feed = -1;
		}
		long left = (long)(deadline - now_ms());
		if (left <= 0 && !timed_out) {
			timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			deadline = now_ms() + 2000; /* let the pipes drain and the job be reaped */
			left = 2000;
		} else if (left <= 0) {
			break;
		}
		int r = poll(pfd, (nfds_t)nfd, open_fds > 0 ? (int)(left < 50 ? left : 50) : 50);
		for (int i = 0; r > 0 && i < nfd; i++) {
			if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (!drain(pfd[i].fd, i == 0 ? &out : &err)) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open_fds--;
			}
		}
		if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
			exited = 1;
			if (j->rows && open_fds > 0) {
				struct pollfd p = {.fd = master, .events = POLLIN};
				while (poll(&p, 1, 100) > 0 && drain(master, &out))
					;
				close(master);
				open_fds = 0;
			}
		}
	}
	long long ms = now_ms() - started;
	if (in_pipe[1] >= 0)
		close(in_pipe[1]);
	for (int i = 0; i < nfd; i++)
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
	if (!exited)
		waitpid(pid, &status, 0);
	/* Reap what the job left behind (orphans are reparented to us). */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;

	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	int code = sig ? 128 + sig : WEXITSTATUS(status);
	report("@@LXSS-ORACLE job %s %d %d %d %lld %zu %zu\n", j->id, code, sig, timed_out, ms, out.len, err.len);
	write_all(out_fd, out.data ? out.data : "", out.len);
	write_all(out_fd, err.data ? err.data : "", err.len);
	write_all(out_fd, "\n", 1);
	free(out.data);
	free(err.data);
}

static char *read_file(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	struct buf b = {0};
	while (drain(fd, &b))
		;
	close(fd);
	buf_add(&b, "", 1);
	return b.data;
}

/* The loopback interface up, as every Linux system's init does (the inet tests use it) */
static void loopback_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			dprintf(2, "oracle-init: lo not up: %s\n", strerror(errno));
	}
	close(fd);
}

int main(void)
{
	mkdir("/proc", 0755);
	mkdir("/dev", 0755);
	mkdir("/tmp", 01777);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mkdir("/dev/pts", 0755);
	mount("devpts", "/dev/pts", "devpts", 0, "ptmxmode=0666");
	/* POSIX shared memory and named semaphores, as a Debian system has them */
	mkdir("/dev/shm", 01777);
	mount("tmpfs", "/dev/shm", "tmpfs", 0, "mode=1777");
	symlink("/proc/self/fd", "/dev/fd");
	loopback_up();

	out_fd = open("/dev/ttyS1", O_RDWR | O_NOCTTY);
	if (out_fd < 0) {
		dprintf(2, "oracle-init: no /dev/ttyS1: %s\n", strerror(errno));
		power_off();
	}
	struct termios t;
	if (tcgetattr(out_fd, &t) == 0) {
		cfmakeraw(&t);
		cfsetspeed(&t, B115200);
		tcsetattr(out_fd, TCSANOW, &t);
	}
	signal(SIGPIPE, SIG_IGN);

	double up = 0;
	char *uptime = read_file("/proc/uptime");
	if (uptime)
		up = atof(uptime);
	free(uptime);
	report("@@LXSS-ORACLE ready %ld\n", (long)(up * 1000));

	char *jobs = read_file("/oracle/jobs");
	if (!jobs) {
		report("@@LXSS-ORACLE error no /oracle/jobs\n");
		power_off();
	}
	int index = 0;
	for (char *line = jobs, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		struct job j;
		if (parse_job(line, &j) != 0) {
			report("@@LXSS-ORACLE error malformed job line %d\n", index + 1);
			break;
		}
		run_job(&j, index++);
	}
	report("@@LXSS-ORACLE done\n");
	tcdrain(out_fd);
	power_off();
	return 0;
}
