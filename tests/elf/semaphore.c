/* lxss-test: group=process needs=ipc,fork,wait4 timeout=30 */
/* semaphore: System V semaphore sets between processes. semget by key (IPC_EXCL, a larger
 * set than exists is EINVAL), SETVAL/GETVAL (ERANGE), SETALL/GETALL, semop applying all its
 * operations at once or none (IPC_NOWAIT: EAGAIN, nothing changed), waiting until another
 * process makes it possible (GETNCNT counts the waiter), semtimedop's timeout (EAGAIN),
 * SEM_UNDO undone at exit, GETPID, IPC_STAT, EFBIG, and IPC_RMID waking a waiter with EIDRM. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static int op(int id, unsigned short num, short delta, short flags)
{
	struct sembuf b = {.sem_num = num, .sem_op = delta, .sem_flg = flags};
	return semop(id, &b, 1);
}

static long ms_since(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

int main(void)
{
	tap_plan(13);
	key_t key = (key_t)(0x4c590000 + (getpid() & 0xFFFF));
	int id = semget(key, 3, IPC_CREAT | IPC_EXCL | 0600);
	tap_ok(id >= 0 && semget(key, 0, 0) == id && semget(key, 5, 0) == -1 && errno == EINVAL,
	       "semget makes a set of 3; the key finds it; asking for 5 is EINVAL");
	tap_ok(semctl(id, 0, SETVAL, (union semun){.val = 5}) == 0 && semctl(id, 0, GETVAL) == 5 &&
		       semctl(id, 0, SETVAL, (union semun){.val = 40000}) == -1 && errno == ERANGE,
	       "SETVAL/GETVAL, and ERANGE above 32767");
	unsigned short set[3] = {1, 2, 3}, got[3] = {0, 0, 0};
	tap_ok(semctl(id, 0, SETALL, (union semun){.array = set}) == 0 && semctl(id, 0, GETALL, (union semun){.array = got}) == 0 &&
		       memcmp(set, got, sizeof set) == 0,
	       "SETALL/GETALL");

	struct sembuf both[2] = {{0, -1, 0}, {1, +1, 0}};
	tap_ok(semop(id, both, 2) == 0 && semctl(id, 0, GETVAL) == 0 && semctl(id, 1, GETVAL) == 3, "semop of two operations at once");
	struct sembuf blocked[2] = {{1, -1, 0}, {0, -1, IPC_NOWAIT}};
	tap_ok(semop(id, blocked, 2) == -1 && errno == EAGAIN && semctl(id, 1, GETVAL) == 3,
	       "one operation that would wait (IPC_NOWAIT): EAGAIN, and none is applied");
	tap_ok(op(id, 0, 0, 0) == 0 && op(id, 5, 1, 0) == -1 && errno == EFBIG, "waiting for zero on a zero passes; sem_num 5 is EFBIG");

	/* sem 2 is 3; taking 4 waits until a child adds 1 */
	pid_t pid = fork();
	if (pid == 0) {
		usleep(200000);
		int waiting = semctl(id, 2, GETNCNT);
		_exit(op(id, 2, 1, 0) == 0 && waiting == 1 ? 0 : 1);
	}
	int r = op(id, 2, -4, 0);
	int st = 0;
	waitpid(pid, &st, 0);
	tap_ok(r == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 && semctl(id, 2, GETVAL) == 0,
	       "semop waits for another process's increment (GETNCNT counts the waiter)");
	tap_ok(semctl(id, 2, GETPID) == pid || semctl(id, 2, GETPID) == getpid(), "GETPID names a process that operated on it");

	struct timespec t0, timeout = {0, 100000000};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct sembuf take = {2, -1, 0};
	r = semtimedop(id, &take, 1, &timeout);
	long ms = ms_since(&t0);
	tap_ok_why(r == -1 && errno == EAGAIN && ms >= 80, "semtimedop gives up after its timeout with EAGAIN", "r %d errno %d after %ld ms", r, errno, ms);

	/* SEM_UNDO: a child's decrement is undone when it ends */
	pid = fork();
	if (pid == 0)
		_exit(op(id, 1, -2, SEM_UNDO) == 0 && semctl(id, 1, GETVAL) == 1 ? 0 : 1);
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0 && semctl(id, 1, GETVAL) == 3, "SEM_UNDO: the child's -2 is undone at its exit");

	struct semid_ds ds;
	tap_ok(semctl(id, 0, IPC_STAT, (union semun){.buf = &ds}) == 0 && ds.sem_nsems == 3, "IPC_STAT: 3 semaphores");

	pid = fork();
	if (pid == 0) {
		errno = 0;
		_exit(op(id, 0, -1, 0) == -1 && errno == EIDRM ? 0 : 1);
	}
	usleep(200000);
	tap_ok(semctl(id, 0, IPC_RMID) == 0, "IPC_RMID");
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0 && semctl(id, 0, GETVAL) == -1 && errno == EINVAL,
	       "the waiting child gets EIDRM; the id is gone (EINVAL)");
	return tap_done();
}
