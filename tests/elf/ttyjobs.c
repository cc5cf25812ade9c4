/* lxss-test: group=tty needs=open,read,write,ioctl,setsid,setpgid,kill,wait4,rt_sigaction,rt_sigprocmask,nanosleep,mmap2 timeout=90 */
/* Job control on a terminal, as a shell does it on a pty: ^Z typed on the master stops the
 * foreground job (SIGTSTP); with SIGTTOU blocked the shell takes the terminal back from the
 * background (tcsetpgrp); a job continued in the background that reads the terminal stops
 * with SIGTTIN, and brought to the foreground and continued its read goes on and gets the
 * line typed; SIGTTIN ignored makes such a read EIO; with TOSTOP a background write stops
 * with SIGTTOU, without it goes through; tcsetattr from the background stops with SIGTTOU;
 * hang-ups: the master's close sends the session leader SIGHUP, a leader's end sends its
 * terminal's foreground group SIGHUP, and a stopped group orphaned by its parent's end gets
 * SIGHUP and SIGCONT. A session leader child runs each scenario and reports one byte per
 * check. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"
#include "lxwait.h"

static volatile int *phase;
static int report_fd, note_fd;

static void wait_phase(int p)
{
	while (*phase < p)
		sleep_ms(2);
}

static void report(int ok)
{
	if (write(report_fd, ok ? "1" : "0", 1) != 1)
		_exit(99);
}

static int stopped_by(int status, int sig)
{
	return status != -1 && WIFSTOPPED(status) && WSTOPSIG(status) == sig;
}

static void on_hup(int sig)
{
	(void)sig;
	if (write(note_fd, "H", 1) != 1)
		_exit(98);
	_exit(0);
}

/* A new session whose controlling terminal is a new pty: the master in *M, the slave returned */
static int new_session(int *m)
{
	char name[64];
	int s;

	if (setsid() < 0)
		return -1;
	*m = posix_openpt(O_RDWR | O_NOCTTY);
	if (*m < 0 || grantpt(*m) != 0 || unlockpt(*m) != 0 || ptsname_r(*m, name, sizeof name) != 0)
		return -1;
	s = open(name, O_RDWR);   /* without O_NOCTTY: the session's terminal */
	return s;
}

/* a job in a group of its own, made the terminal's foreground by the leader */
static pid_t start_job(int s, int foreground, void (*body)(int s))
{
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		body(s);
		_exit(97);
	}
	setpgid(pid, pid);
	if (foreground)
		tcsetpgrp(s, pid);
	return pid;
}

/* ^Z, then bg, SIGTTIN, fg: the job reads the line typed meanwhile */
static void job_reader(int s)
{
	char buf[16];
	ssize_t n;

	wait_phase(1);
	n = read(s, buf, sizeof buf);
	_exit(n == 4 && memcmp(buf, "abc\n", 4) == 0 ? 0 : 1);
}

static void scenario_stop_and_fg(void)
{
	int m, s = new_session(&m), status;
	sigset_t ttou;
	pid_t job;

	job = start_job(s, 1, job_reader);
	sleep_ms(50);
	if (write(m, "\x1a", 1) != 1)   /* ^Z */
		_exit(96);
	status = wait_for(job, WUNTRACED, 5000);
	report(stopped_by(status, SIGTSTP));

	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, NULL);
	report(tcsetpgrp(s, getpgrp()) == 0 && tcgetpgrp(s) == getpgrp());
	sigprocmask(SIG_UNBLOCK, &ttou, NULL);

	*phase = 1;
	kill(job, SIGCONT);     /* bg */
	status = wait_for(job, WUNTRACED, 5000);
	report(stopped_by(status, SIGTTIN));

	if (write(m, "abc\n", 4) != 4)
		_exit(96);
	tcsetpgrp(s, job);      /* fg */
	kill(job, SIGCONT);
	status = wait_for(job, 0, 5000);
	report(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	_exit(0);
}

static void job_ignoring_ttin(int s)
{
	char c;

	signal(SIGTTIN, SIG_IGN);
	_exit(read(s, &c, 1) == -1 && errno == EIO ? 0 : 1);
}

static void job_writer(int s)
{
	wait_phase(1);
	_exit(write(s, "bg\n", 3) == 3 ? 0 : 1);
}

static void job_tcsetattr(int s)
{
	struct termios t;

	tcgetattr(s, &t);
	_exit(tcsetattr(s, TCSANOW, &t) == 0 ? 0 : 1);
}

static void scenario_background(void)
{
	int m, s = new_session(&m), status;
	struct termios t;
	pid_t job;

	job = start_job(s, 0, job_ignoring_ttin);
	status = wait_for(job, WUNTRACED, 5000);
	report(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0);

	tcgetattr(s, &t);
	t.c_lflag |= TOSTOP;
	tcsetattr(s, TCSANOW, &t);
	*phase = 1;
	job = start_job(s, 0, job_writer);
	status = wait_for(job, WUNTRACED, 5000);
	report(stopped_by(status, SIGTTOU));
	kill(job, SIGKILL);
	waitpid(job, NULL, 0);

	t.c_lflag &= ~TOSTOP;
	tcsetattr(s, TCSANOW, &t);
	job = start_job(s, 0, job_writer);
	status = wait_for(job, WUNTRACED, 5000);
	report(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0);

	job = start_job(s, 0, job_tcsetattr);
	status = wait_for(job, WUNTRACED, 5000);
	report(stopped_by(status, SIGTTOU));
	kill(job, SIGKILL);
	waitpid(job, NULL, 0);
	_exit(0);
}

/* the master's close: SIGHUP to the session leader (on_hup notes it); the last holder of the
 * master is a child of the leader, which closes it by ending */
static void scenario_master_close(void)
{
	int m, s = new_session(&m);
	pid_t holder;

	(void)s;
	signal(SIGHUP, on_hup);
	holder = fork();
	if (holder == 0) {
		wait_phase(3);
		_exit(0);
	}
	close(m);
	*phase = 3;
	for (;;)
		pause();
}

static void job_hup(int s)
{
	(void)s;
	signal(SIGHUP, on_hup);
	*phase = 2;
	for (;;)
		pause();
}

/* a leader's end: SIGHUP to its terminal's foreground group */
static void scenario_leader_exit(void)
{
	int m, s = new_session(&m);

	start_job(s, 1, job_hup);
	wait_phase(2);
	_exit(0);
}

static void stopped_hup(int s)
{
	(void)s;
	signal(SIGHUP, on_hup);
	raise(SIGSTOP);
	_exit(1);
}

/* a stopped group orphaned by its parent's end: SIGHUP, then SIGCONT (on_hup runs) */
static void scenario_orphaned(void)
{
	pid_t job = start_job(-1, 0, stopped_hup);

	wait_for(job, WUNTRACED, 5000);
	_exit(0);
}

static int reports(int fd, int n, const char **names)
{
	char got[8];
	for (int i = 0; i < n; i++) {
		struct pollfd p = { fd, POLLIN, 0 };
		int ok = poll(&p, 1, 10000) == 1 && read(fd, &got[i], 1) == 1 && got[i] == '1';
		tap_ok(ok, names[i]);
	}
	return 0;
}

static int note(int fd, long ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char c;
	return poll(&p, 1, (int)ms) == 1 && read(fd, &c, 1) == 1 && c == 'H';
}

static pid_t run(void (*scenario)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		scenario();
		_exit(95);
	}
	return pid;
}

int main(void)
{
	int rep[2], notes[2];
	pid_t pid;
	static const char *fg_names[] = {
		"^Z typed on the master stops the foreground job (WSTOPSIG SIGTSTP)",
		"the leader takes the terminal back from the background with SIGTTOU blocked (tcsetpgrp)",
		"continued in the background, the job's read stops it with SIGTTIN",
		"brought to the foreground and continued, its read goes on and gets the line typed",
	};
	static const char *bg_names[] = {
		"a background read with SIGTTIN ignored: EIO",
		"a background write under TOSTOP stops the job with SIGTTOU",
		"without TOSTOP a background write goes through",
		"tcsetattr from the background stops the job with SIGTTOU",
	};

	tap_plan(11);
	phase = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (phase == MAP_FAILED || pipe(rep) != 0 || pipe(notes) != 0)
		return tap_done();
	report_fd = rep[1];
	note_fd = notes[1];

	*phase = 0;
	pid = run(scenario_stop_and_fg);
	reports(rep[0], 4, fg_names);
	wait_for(pid, 0, 5000);

	*phase = 0;
	pid = run(scenario_background);
	reports(rep[0], 4, bg_names);
	wait_for(pid, 0, 5000);

	/* hang-ups */
	*phase = 0;
	pid = run(scenario_master_close);
	tap_ok(note(notes[0], 5000), "the master's last close sends the session leader SIGHUP");
	wait_for(pid, 0, 5000);

	*phase = 0;
	pid = run(scenario_leader_exit);
	tap_ok(note(notes[0], 5000), "a session leader's end sends its terminal's foreground group SIGHUP");
	wait_for(pid, 0, 5000);

	pid = run(scenario_orphaned);
	tap_ok(note(notes[0], 5000), "a stopped group orphaned by its parent's end gets SIGHUP and SIGCONT");
	wait_for(pid, 0, 5000);
	return tap_done();
}
