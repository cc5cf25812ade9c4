/* lxss-test: group=rootfs needs=execve,fork,wait4,pipe,dup2 timeout=120 */
/* rootfs: a Debian 12 root file system at work (lxgen test --rootfs; on Linux the system's
 * own programs): shell scripts run by bash with pipes, a loop, a function and command
 * substitution; ls -ln after chown and chmod (set-user-ID kept), ls -l naming root and shadow
 * from /etc/passwd and /etc/group; cp -a keeping mode, owner and a link; a tar round trip
 * keeping them; find -exec; sort | uniq -c; sed into awk; xz and gzip round trips; ps
 * finding a sleeping child by its pid; python3 computing and writing a file; dash as /bin/sh;
 * busybox; id naming root. Each script is one `bash -c`. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include "lxspawn.h"
#include "lxtap.h"

static char *const env[] = { "PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=C", "HOME=/root", NULL };
static char out[8192];

/* bash -c "D=<scratch dir>; SCRIPT": TRUE when it exited 0 and printed Want */
static int script(const char *body, const char *want)
{
	char text[4096];
	snprintf(text, sizeof text, "set -e; D=/tmp/rootfs.$$; rm -rf $D; mkdir -p $D; cd $D; %s; cd /; rm -rf $D", body);
	int st = lx_run((char *[]){ "/bin/bash", "-c", text, NULL }, env, out, sizeof out);
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		printf("# exit status 0x%x\n", st);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 && strcmp(out, want) == 0;
}

#define CHECK(body, want, name) tap_ok_why(script(body, want), name, "printed \"%.200s\"", out)

int main(void)
{
	tap_plan(14);
	CHECK("sq() { echo $(( $1 * $1 )); }; s=0; for i in $(seq 1 10); do s=$(( s + $(sq $i) )); done; echo $s | tr 5 S",
	      "38S\n", "bash: a function, a loop over seq, command substitution, arithmetic, a pipe");
	CHECK("touch f; chown 1000:100 f; chmod 4750 f; ls -ln f | awk '{print $1, $3, $4}'",
	      "-rwsr-x--- 1000 100\n", "ls -ln after chown 1000:100 and chmod 4750");
	CHECK("ls -l /etc/shadow | awk '{print $1, $3, $4}'", "-rw-r----- root shadow\n",
	      "ls -l names the owner and group from /etc/passwd and /etc/group");
	CHECK("touch f; chown 7:8 f; chmod 640 f; ln -s f l; cp -a f g; cp -a l m; stat -c '%a %u %g' g; readlink m",
	      "640 7 8\nf\n", "cp -a keeps mode, owner and a symbolic link");
	CHECK("mkdir s o; echo data > s/f; chown 5:6 s/f; chmod 4711 s/f; ln -s f s/l; tar -cf x.tar s; "
	      "tar -C o -xpf x.tar; stat -c '%a %u %g %s' o/s/f; readlink o/s/l; cat o/s/f",
	      "4711 5 6 5\nf\ndata\n", "tar round trip keeps modes, owners and links");
	CHECK("mkdir -p a/b; touch a/f1 a/b/f2 a/g; find . -name 'f*' -type f -exec basename {} \\; | sort",
	      "f1\nf2\n", "find -exec");
	CHECK("printf 'b\\na\\nb\\nc\\nb\\n' | sort | uniq -c | awk '{print $1 $2}'", "1a\n3b\n1c\n", "sort | uniq -c");
	CHECK("echo 'x=1,y=2,z=39' | sed 's/,/\\n/g' | awk -F= '{s += $2} END {print s}'", "42\n", "sed into awk");
	CHECK("seq 1 5000 > n; xz -k n; gzip -k n; a=$(xz -dc n.xz | md5sum); b=$(gzip -dc n.gz | md5sum); "
	      "c=$(md5sum < n); [ \"$a\" = \"$c\" ] && [ \"$b\" = \"$c\" ] && echo same",
	      "same\n", "xz and gzip round trips give the same bytes");
	CHECK("sleep 30 & p=$!; ps -e -o pid=,comm= | awk -v p=$p '$1 == p {print $2}'; kill $p",
	      "sleep\n", "ps finds a sleeping child by its pid");
	CHECK("python3 -c \"open('p', 'w').write(str(sum(i * i for i in range(1000))))\"; cat p; echo",
	      "332833500\n", "python3 computes and writes a file");
	CHECK("sh -c 'x=6; echo $(( x * 7 ))'; readlink -f /bin/sh", "42\n/usr/bin/dash\n", "dash is /bin/sh");
	CHECK("busybox sh -c 'echo busybox $((1 + 1))'", "busybox 2\n", "busybox");
	CHECK("id -un; id -gn", "root\nroot\n", "id names root");
	return tap_done();
}
