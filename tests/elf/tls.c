/* lxss-test: group=tls needs=set_thread_area,clone,futex timeout=20 */
/* tls: __thread variables (initialised and zero) in the main thread and in several
 * threads, each seeing its own copy; the thread pointer (%gs) differs per thread. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include "lxtap.h"

static __thread int tls_init = 1234;
static __thread int tls_zero;
static __thread char tls_buf[64] = "main";

#define NT 4
struct res {
	int saw_init, saw_zero, own_ok;
	uintptr_t addr;
};
static struct res res[NT];

static void *worker(void *p)
{
	int i = (int)(intptr_t)p;
	res[i].saw_init = tls_init;
	res[i].saw_zero = tls_zero;
	tls_init = 100 + i;
	tls_zero = 200 + i;
	tls_buf[0] = (char)('a' + i);
	for (volatile int spin = 0; spin < 100000; spin++) {
	}
	res[i].own_ok = tls_init == 100 + i && tls_zero == 200 + i && tls_buf[0] == 'a' + i &&
		strcmp(tls_buf + 1, "ain") == 0;
	res[i].addr = (uintptr_t)&tls_init;
	return NULL;
}

int main(void)
{
	tap_plan(8);
	tap_eq(tls_init, 1234, "main: initialised __thread variable");
	tap_eq(tls_zero, 0, "main: zero __thread variable");
	tap_ok(strcmp(tls_buf, "main") == 0, "main: initialised __thread array");
	tls_init = 99;
	pthread_t t[NT];
	int created = 0;
	for (int i = 0; i < NT; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) == 0) created++;
	for (int i = 0; i < created; i++) pthread_join(t[i], NULL);
	tap_eq(created, NT, "created the threads");
	int init_ok = 1, own_ok = 1, distinct = 1;
	for (int i = 0; i < NT; i++) {
		init_ok &= res[i].saw_init == 1234 && res[i].saw_zero == 0;
		own_ok &= res[i].own_ok;
		distinct &= res[i].addr != (uintptr_t)&tls_init;
		for (int j = 0; j < i; j++) distinct &= res[i].addr != res[j].addr;
	}
	tap_ok(init_ok, "threads start with the initial TLS image");
	tap_ok(own_ok, "threads see their own writes");
	tap_ok(distinct, "each thread's variable has its own address");
	tap_ok(tls_init == 99 && tls_zero == 0 && strcmp(tls_buf, "main") == 0, "main's copy untouched by threads");
	return tap_done();
}
