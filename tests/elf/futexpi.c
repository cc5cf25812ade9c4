/* lxss-test: group=threads needs=futex,set_robust_list,clone,exit timeout=30 */
/* futexpi: priority-inheritance and robust mutexes. PTHREAD_PRIO_INHERIT is available (the C
 * library probes FUTEX_LOCK_PI), a contended PI mutex counts right, FUTEX_LOCK_PI on one's own
 * lock is EDEADLK, TRYLOCK_PI on another's EAGAIN, UNLOCK_PI by a non-owner EPERM; a robust
 * process-shared mutex (plain and PI) whose owner thread ends without unlocking it (a raw exit, no C library
 * cleanup) is given to the next locker with EOWNERDEAD, and made consistent again. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lxtap.h"

/* linux/futex.h */
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8

#define THREADS 4
#define ROUNDS 2000

static pthread_mutex_t pi;
static long counter;

static void *count(void *p)
{
	(void)p;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&pi);
		long c = counter;
		if ((i & 63) == 0)
			sched_yield(); /* let the others pile up in FUTEX_LOCK_PI */
		counter = c + 1;
		pthread_mutex_unlock(&pi);
	}
	return 0;
}

static long futex(volatile uint32_t *uaddr, int op) { return syscall(SYS_futex, uaddr, op, 0, 0, 0, 0); }

static volatile uint32_t word;
static void *hold_word(void *p)
{
	(void)p;
	word = (uint32_t)syscall(SYS_gettid);
	for (;;)
		pause();
	return 0;
}

/* Locks the robust mutex and leaves the thread without unlocking it or running any C library
 * cleanup: only the kernel's robust list walk can release it. */
static void *die_holding(void *m)
{
	pthread_mutex_lock(m);
	syscall(SYS_exit, 0);
	return 0;
}

static int owner_dead_then_consistent(int protocol)
{
	pthread_mutexattr_t a;
	pthread_mutex_t m;
	pthread_t t;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	/* process-shared: musl leaves private robust mutexes to its own pthread_exit, and hands
	 * only shared ones to the kernel's robust list */
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setprotocol(&a, protocol);
	pthread_mutex_init(&m, &a);
	pthread_attr_t ta;
	pthread_attr_init(&ta);
	pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
	pthread_create(&t, &ta, die_holding, &m);
	usleep(200000); /* it has the lock and is gone */
	int r = pthread_mutex_lock(&m);
	if (r != EOWNERDEAD)
		return 100 + r;
	if (pthread_mutex_consistent(&m) != 0 || pthread_mutex_unlock(&m) != 0)
		return 2;
	if (pthread_mutex_lock(&m) != 0 || pthread_mutex_unlock(&m) != 0)
		return 3;
	return 0;
}

int main(void)
{
	tap_plan(7);
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	int r = pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	tap_ok_why(r == 0, "PTHREAD_PRIO_INHERIT is available", "error %d", r);
	pthread_mutex_init(&pi, &a);

	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&th[i], 0, count, 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], 0);
	tap_ok_why(counter == THREADS * ROUNDS, "a contended PI mutex serialises", "counter %ld", counter);

	static volatile uint32_t mine;
	mine = 0;
	tap_ok(futex(&mine, FUTEX_LOCK_PI) == 0 && mine == (uint32_t)syscall(SYS_gettid), "FUTEX_LOCK_PI of a free word takes it");
	tap_ok(futex(&mine, FUTEX_LOCK_PI) == -1 && errno == EDEADLK, "FUTEX_LOCK_PI of one's own lock is EDEADLK");
	pthread_t holder;
	pthread_create(&holder, 0, hold_word, 0);
	while (word == 0)
		usleep(1000);
	tap_ok(futex(&word, FUTEX_TRYLOCK_PI) == -1 && errno == EAGAIN && futex(&word, FUTEX_UNLOCK_PI) == -1 && errno == EPERM,
	       "TRYLOCK_PI of another's lock is EAGAIN, UNLOCK_PI by a non-owner EPERM");

	r = owner_dead_then_consistent(PTHREAD_PRIO_NONE);
	tap_ok_why(r == 0, "a robust mutex whose owner died: EOWNERDEAD, then consistent", "code %d", r);
	r = owner_dead_then_consistent(PTHREAD_PRIO_INHERIT);
	tap_ok_why(r == 0, "the same for a robust PI mutex", "code %d", r);
	return tap_done();
}
