/* lxss-test: group=rootfs needs=execve,mmap2,mprotect,munmap,clone libc=musl-dynamic timeout=30 */
/* musldyn: a program dynamically linked against Debian's musl (musl-dev:i386), whose
 * interpreter is /lib/ld-musl-i386.so.1 (package musl in the Debian rootfs): the loader was
 * mapped apart from the program (AT_BASE), the program is a PIE naming that loader; printf
 * and malloc work; a thread runs and is joined (musl's dynamic TLS); dlopen of the C library
 * by its soname and dlsym find strlen; /proc/self/maps shows the loader's file. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include "lxtap.h"

static __thread int tls = 5;

static void *worker(void *arg)
{
	tls += *(int *)arg;
	return (void *)(long)tls;
}

int main(void)
{
	tap_plan(6);
	unsigned long base = getauxval(AT_BASE), entry = getauxval(AT_ENTRY);
	tap_ok_why(base != 0 && (base < entry ? entry - base : base - entry) > 0x10000, "the loader is mapped apart from the program (AT_BASE)",
		   "AT_BASE %#lx AT_ENTRY %#lx", base, entry);
	/* the program's own PT_INTERP, read from its mapped headers (AT_PHDR, bias from PT_PHDR) */
	const Elf32_Phdr *ph = (const Elf32_Phdr *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM), bias = 0;
	const char *interp = "";
	for (unsigned long i = 0; i < n; i++)
		if (ph[i].p_type == PT_PHDR)
			bias = (unsigned long)ph - ph[i].p_vaddr;
	for (unsigned long i = 0; i < n; i++)
		if (ph[i].p_type == PT_INTERP)
			interp = (const char *)(bias + ph[i].p_vaddr);
	tap_ok_why(strcmp(interp, "/lib/ld-musl-i386.so.1") == 0 && bias != 0, "a PIE whose PT_INTERP is musl's loader",
		   "interpreter \"%s\", load bias %#lx", interp, bias);
	char *p = malloc(1000);
	snprintf(p, 1000, "%s %d", "musl", 42);
	tap_ok(strcmp(p, "musl 42") == 0, "malloc and snprintf through the shared C library");
	free(p);
	pthread_t t;
	int add = 10;
	void *ret = NULL;
	tap_ok(pthread_create(&t, NULL, worker, &add) == 0 && pthread_join(t, &ret) == 0 && (long)ret == 15 && tls == 5,
	       "a thread with its own __thread copy, joined");
	void *h = dlopen("libc.so", RTLD_NOW);
	size_t (*len)(const char *) = h ? (size_t (*)(const char *))dlsym(h, "strlen") : NULL;
	tap_ok_why(len && len("lxss") == 4, "dlopen(libc.so) and dlsym(strlen)", "%s", h ? "no strlen" : dlerror());
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int seen = 0;
	while (f && fgets(line, sizeof line, f))
		seen |= strstr(line, "ld-musl-i386.so.1") != NULL || strstr(line, "i386-linux-musl/libc.so") != NULL;
	if (f)
		fclose(f);
	tap_ok(seen, "/proc/self/maps names the loader's file");
	return tap_done();
}
