/* lxwait.h: waiting for children in the ELF tests that stop and continue them (jobctl,
 * ttyjobs): a sleep that a signal does not cut short, and a bounded waitpid, so that a
 * kernel that never reports makes a check fail instead of the test hang. */
#ifndef LXWAIT_H
#define LXWAIT_H

#include <errno.h>
#include <sys/wait.h>
#include <time.h>

static inline void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* waitpid(pid, options | WNOHANG) until it reports, for at most ms: the status, or -1 */
static inline int wait_for(pid_t pid, int options, long ms)
{
	int status;
	for (long waited = 0; waited <= ms; waited += 10) {
		pid_t r = waitpid(pid, &status, options | WNOHANG);
		if (r == pid)
			return status;
		if (r < 0)
			return -1;
		sleep_ms(10);
	}
	return -1;
}

#endif
