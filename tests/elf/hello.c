/* lxss-test: group=basic needs=write,exit_group timeout=10 */
/* hello: the smallest libc program: stdout via write and stdio, atexit, exit status 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lxtap.h"

static void at_exit_handler(void)
{
	/* Runs from exit() after main returns; proves the atexit path works. */
	tap_write("# atexit handler ran\n", 21);
}

int main(int argc, char **argv)
{
	tap_plan(5);
	static const char msg[] = "# hello from lxss\n";
	tap_eq(write(1, msg, sizeof msg - 1), sizeof msg - 1, "write(1) returns the byte count");
	int n = printf("# hello via printf %d\n", 42);
	tap_ok(n == 22 && fflush(stdout) == 0, "printf + fflush");
	tap_ok(argc >= 1 && argv[0] && argv[0][0], "argv[0] is a non-empty string");
	tap_eq(atexit(at_exit_handler), 0, "atexit registers a handler");
	tap_eq(write(-1, msg, 1), -1, "write to fd -1 fails");
	return tap_done();
}
