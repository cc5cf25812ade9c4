/* lxss-test: group=basic needs=execve-stack,auxv timeout=10 */
/* args: the initial stack the kernel builds: argc/argv/envp/auxv layout and the aux
 * vector entries a static musl program relies on (AT_PAGESZ, AT_RANDOM, AT_PHDR,
 * AT_PHENT, AT_PHNUM, AT_ENTRY, AT_UID/EUID/GID/EGID, AT_EXECFN). */
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>
#include "lxtap.h"

extern char **environ;
extern void _start(void);

int main(int argc, char **argv, char **envp)
{
	tap_plan(14);
	tap_ok(argc >= 1, "argc >= 1");
	tap_ok(argv[argc] == NULL, "argv[argc] is NULL");
	tap_ok(envp == argv + argc + 1, "envp follows argv's NULL");
	tap_ok(environ == envp, "environ is envp");
	int ne = 0;
	while (envp[ne]) ne++;
	Elf32_auxv_t *aux = (Elf32_auxv_t *)(envp + ne + 1);
	int naux = 0, has_pagesz = 0;
	for (; aux[naux].a_type != AT_NULL && naux < 64; naux++)
		if (aux[naux].a_type == AT_PAGESZ) has_pagesz = 1;
	tap_ok(has_pagesz && naux < 64, "auxv follows envp's NULL and ends with AT_NULL");
	tap_eq(getauxval(AT_PAGESZ), 4096, "AT_PAGESZ is 4096");
	tap_eq(sysconf(_SC_PAGESIZE), 4096, "sysconf(_SC_PAGESIZE) agrees");
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	int nonzero = 0;
	if (rnd)
		for (int i = 0; i < 16; i++) nonzero |= rnd[i];
	tap_ok(rnd && nonzero, "AT_RANDOM points at 16 readable, not all-zero bytes");
	const Elf32_Phdr *ph = (const Elf32_Phdr *)getauxval(AT_PHDR);
	unsigned long phnum = getauxval(AT_PHNUM);
	int has_load = 0;
	for (unsigned long i = 0; ph && i < phnum; i++)
		if (ph[i].p_type == PT_LOAD) has_load = 1;
	tap_ok(ph && phnum > 0 && has_load, "AT_PHDR/AT_PHNUM describe the program headers (a PT_LOAD)");
	tap_eq(getauxval(AT_PHENT), sizeof(Elf32_Phdr), "AT_PHENT is sizeof(Elf32_Phdr)");
	tap_ok(getauxval(AT_ENTRY) == (unsigned long)(uintptr_t)_start, "AT_ENTRY is _start");
	tap_ok(getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid(), "AT_UID/AT_EUID match getuid/geteuid");
	tap_ok(getauxval(AT_GID) == getgid() && getauxval(AT_EGID) == getegid(), "AT_GID/AT_EGID match getgid/getegid");
	const char *fn = (const char *)getauxval(AT_EXECFN);
	int strings_ok = fn && fn[0];
	for (int i = 0; i < argc; i++) strings_ok &= argv[i] != NULL;
	tap_ok(strings_ok, "AT_EXECFN is a string and every argv entry is set");
	return tap_done();
}
