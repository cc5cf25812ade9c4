/* lxss-test: group=process needs=execve,fork,wait4,pipe,dup2 timeout=60 */
/* userland: Debian's own dynamically linked programs do real work: bash with a loop over
 * seq, a pipe into sort and head, a function and arithmetic, command substitution, printf |
 * sort | uniq -c | tr, a here-string into grep -c and sed, wc -l, ls -d, cat of a file bash
 * wrote, a tar round trip, gzip | gzip -d, find | sort | awk. lxgen test puts bash,
 * coreutils' programs, sed, grep, tar, gzip, find and mawk (Debian 12 i386) and their
 * libraries in the root; on Linux the system's own do the same. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include "lxspawn.h"
#include "lxtap.h"

static char *const env[] = { "PATH=/bin:/usr/bin", "LC_ALL=C", NULL };

/* bash -c SCRIPT: its output in out; TRUE when it exited 0 and printed Want */
static int bash(const char *script, const char *want, char *out, size_t size)
{
	int st = lx_run((char *[]){ "/bin/bash", "-c", (char *)script, NULL }, env, out, size);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 && strcmp(out, want) == 0;
}

int main(void)
{
	static char out[4096];

	tap_plan(10);
	tap_ok_why(bash("for i in $(seq 1 5); do echo \"line $i\"; done | sort -r | head -n 2", "line 5\nline 4\n", out, sizeof out),
		   "bash: a for loop over seq, piped into sort -r and head", "printed %.60s", out);
	tap_ok_why(bash("f() { echo $(( $1 * 7 )); }; x=$(f 6); echo \"${x}!\"", "42!\n", out, sizeof out),
		   "bash: a function, arithmetic, command substitution", "printed %.60s", out);
	tap_ok_why(bash("printf 'b\\na\\nb\\n' | sort | uniq -c | tr -s ' '", " 1 a\n 2 b\n", out, sizeof out),
		   "printf | sort | uniq -c | tr", "printed %.60s", out);
	tap_ok_why(bash("grep -c x <<< $'x\\ny\\nx'; sed 's/a/b/g' <<< aaa", "2\nbbb\n", out, sizeof out),
		   "grep -c and sed on here-strings", "printed %.60s", out);
	tap_ok_why(bash("seq 1 1000 | wc -l", "1000\n", out, sizeof out), "seq | wc -l", "printed %.60s", out);
	tap_ok_why(bash("ls -d /bin", "/bin\n", out, sizeof out), "ls -d /bin", "printed %.60s", out);
	tap_ok_why(bash("f=/tmp/userland.$$; echo written > $f && cat $f && rm $f && [ ! -e $f ] && echo gone", "written\ngone\n", out, sizeof out),
		   "a file bash writes, cat reads and rm removes", "printed %.60s", out);
	tap_ok_why(bash("d=/tmp/tar.$$; mkdir -p $d/src $d/out && echo one > $d/src/a && echo two > $d/src/b && "
			"tar -C $d -cf $d/x.tar src && tar --no-same-owner -C $d/out -xf $d/x.tar && "
			"cat $d/out/src/a $d/out/src/b && rm -r $d", "one\ntwo\n", out, sizeof out),
		   "tar: an archive made and unpacked elsewhere, the files as they were", "printed %.60s", out);
	tap_ok_why(bash("echo hello | gzip | gzip -d", "hello\n", out, sizeof out), "gzip | gzip -d", "printed %.60s", out);
	tap_ok_why(bash("d=/tmp/find.$$; mkdir -p $d/x/y && touch $d/x/y/z.txt $d/x/w.txt $d/x/v.c && "
			"find $d -name '*.txt' | sort | awk -F/ '{print $NF}' && seq 1 10 | awk '{s += $1} END {print s}' && rm -r $d",
			"w.txt\nz.txt\n55\n", out, sizeof out),
		   "find -name | sort | awk, and awk summing", "printed %.60s", out);
	return tap_done();
}
