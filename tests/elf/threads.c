/* lxss-test: group=threads needs=clone,futex,set_thread_area,set_tid_address,munmap,exit timeout=30 */
/* threads: pthread create/join with return values, a mutex-protected counter, a
 * condition variable handshake, detached threads (which unmap their own stack on exit),
 * pthread_self/gettid distinctness, and cancellation of a thread blocked in read()
 * (a cancellation point: the cancel signal finds it between __cp_begin and __cp_end).
 * futex is underneath all of them. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lxtap.h"

#define NT 4
#define ITER 20000

static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static int ready, go, detached_done;
static pid_t tids[NT];

static void *adder(void *p)
{
	int i = (int)(intptr_t)p;
	tids[i] = (pid_t)syscall(SYS_gettid);
	for (int k = 0; k < ITER; k++) {
		pthread_mutex_lock(&mtx);
		counter++;
		pthread_mutex_unlock(&mtx);
	}
	return (void *)(intptr_t)(i * 10);
}

static void *waiter(void *p)
{
	(void)p;
	pthread_mutex_lock(&mtx);
	ready = 1;
	pthread_cond_signal(&cond);
	while (!go) pthread_cond_wait(&cond, &mtx);
	pthread_mutex_unlock(&mtx);
	return (void *)42;
}

static int cancel_pipe[2];
static volatile int cancel_reached;

static void *blocked_reader(void *p)
{
	(void)p;
	char c;
	cancel_reached = 1;
	read(cancel_pipe[0], &c, 1); /* never gets data: cancelled here */
	return (void *)1;
}

static void *detached(void *p)
{
	(void)p;
	pthread_mutex_lock(&mtx);
	detached_done++;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&mtx);
	return NULL;
}

int main(void)
{
	tap_plan(9);
	pthread_t t[NT];
	int created = 0;
	for (int i = 0; i < NT; i++)
		if (pthread_create(&t[i], NULL, adder, (void *)(intptr_t)i) == 0) created++;
	tap_eq(created, NT, "pthread_create x4");
	int rets_ok = 1;
	for (int i = 0; i < created; i++) {
		void *ret = NULL;
		rets_ok &= pthread_join(t[i], &ret) == 0 && ret == (void *)(intptr_t)(i * 10);
	}
	tap_ok(rets_ok, "pthread_join returns each thread's value");
	tap_eq(counter, (long)NT * ITER, "mutex-protected counter is exact");
	int distinct = 1;
	pid_t me = (pid_t)syscall(SYS_gettid);
	for (int i = 0; i < NT; i++) {
		distinct &= tids[i] > 0 && tids[i] != me;
		for (int j = 0; j < i; j++) distinct &= tids[i] != tids[j];
	}
	tap_ok(distinct, "every thread has its own tid");

	pthread_t wt;
	pthread_create(&wt, NULL, waiter, NULL);
	pthread_mutex_lock(&mtx);
	while (!ready) pthread_cond_wait(&cond, &mtx);
	go = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&mtx);
	void *wret = NULL;
	tap_ok(pthread_join(wt, &wret) == 0 && wret == (void *)42, "condition variable handshake");

	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	int dcreated = 0;
	for (int i = 0; i < 3; i++) {
		pthread_t d;
		if (pthread_create(&d, &a, detached, NULL) == 0) dcreated++;
	}
	pthread_mutex_lock(&mtx);
	while (detached_done < dcreated) pthread_cond_wait(&cond, &mtx);
	pthread_mutex_unlock(&mtx);
	tap_ok(dcreated == 3 && detached_done == 3, "three detached threads ran");
	usleep(50000); /* let them finish unmapping their stacks (__unmapself) */

	pipe(cancel_pipe);
	pthread_t ct;
	void *cret = NULL;
	int crc = pthread_create(&ct, NULL, blocked_reader, NULL);
	while (crc == 0 && !cancel_reached) usleep(1000);
	usleep(20000); /* let it block in read */
	int cancelled = crc == 0 && pthread_cancel(ct) == 0 && pthread_join(ct, &cret) == 0;
	tap_ok_why(cancelled && cret == PTHREAD_CANCELED, "pthread_cancel of a thread blocked in read()",
		"create %d, cancelled %d, ret %p", crc, cancelled, cret);

	pthread_t s = pthread_self();
	tap_ok(pthread_equal(s, pthread_self()) && !pthread_equal(s, wt), "pthread_self/pthread_equal");
	tap_eq(pthread_mutex_trylock(&mtx), 0, "trylock an unlocked mutex");
	pthread_mutex_unlock(&mtx);
	return tap_done();
}
