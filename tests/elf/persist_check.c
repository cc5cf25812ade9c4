/* lxss-test: group=file needs=stat64,lstat64 timeout=20 after=persist */
/* persist_check: the files persist made, with their metadata as it left them: run after it
 * in the same boot, or in the next boot of the same disk (the metadata journal survived the
 * reboot). It leaves them there (tests/elf/lxpersist.h). */
#define _GNU_SOURCE
#include "lxpersist.h"

int main(int argc, char **argv)
{
	(void)argc;
	tap_plan(PERSIST_CHECKS);
	persist_init(argv[0]);
	persist_check_all("later");
	return tap_done();
}
