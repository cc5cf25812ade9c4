/* lxss-test: group=file needs=mkdir,mknod,symlink,link,chown32,lchown32,chmod,utimensat_time64,pipe timeout=30 */
/* import: lximport's unpacker (psxss/lximport/lxtar.c, what `lxrun --import` runs in a new
 * distribution) fed a tar archive through a pipe: ustar and pax long names, a set-user-ID
 * file of another owner, a read-only directory that still gets its files, a symbolic link
 * with its own owner, a hard link (a copy where link() cannot make one: lxcore on FAT), a
 * FIFO and a character device, times; then a cut archive, a damaged header and a ".." name
 * are refused with a message. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxscratch.h"
#include "lxtap.h"
#include "../../psxss/lximport/lxtar.h"
#include "../../psxss/lximport/lxtar.c"

static unsigned char ar[1 << 16];
static size_t used;

static void octal(unsigned char *p, size_t len, unsigned long long v)
{
	snprintf((char *)p, len, "%0*llo", (int)len - 1, v);
}

static void entry(const char *name, char type, unsigned mode, unsigned uid, unsigned gid, const char *link,
		  const char *data, unsigned major, unsigned minor)
{
	unsigned char *h = ar + used;
	size_t size = data ? strlen(data) : 0;
	memset(h, 0, 512);
	if (strlen(name) > 99) {
		/* a pax header with the path */
		char rec[600];
		int body = (int)strlen(name) + 7, len = body + 1;
		while (snprintf(NULL, 0, "%d", len) + body != len)
			len = snprintf(NULL, 0, "%d", len) + body;
		snprintf(rec, sizeof rec, "%d path=%s\n", len, name);
		entry("././@PaxHeader", 'x', 0644, 0, 0, "", rec, 0, 0);
		h = ar + used;
		name = "truncated-by-pax";
	}
	memcpy(h, name, strlen(name));
	octal(h + 100, 8, mode);
	octal(h + 108, 8, uid);
	octal(h + 116, 8, gid);
	octal(h + 124, 12, size);
	octal(h + 136, 12, 1000000000);
	memset(h + 148, ' ', 8);
	h[156] = (unsigned char)type;
	memcpy(h + 157, link, strlen(link));
	memcpy(h + 257, "ustar\0" "00", 8);
	octal(h + 329, 8, major);
	octal(h + 337, 8, minor);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	used += 512;
	if (size) {
		memcpy(ar + used, data, size);
		used += (size + 511) / 512 * 512;
	}
}

/* unpacks ar[0..len) into dest through a pipe; the error text in err */
static int unpack(const char *dest, size_t len, char *err, size_t errsize, lxtar_stats *st)
{
	int p[2];
	if (pipe(p) != 0)
		return -2;
	pid_t c = fork();
	if (c == 0) {
		close(p[0]);
		ssize_t w = write(p[1], ar, len);
		_exit(w == (ssize_t)len ? 0 : 1);
	}
	close(p[1]);
	int r = lxtar_extract(p[0], dest, st, err, errsize);
	close(p[0]);
	waitpid(c, NULL, 0);
	return r;
}

static int is(const char *path, int follow, mode_t mode, uid_t uid, gid_t gid)
{
	struct stat s;
	if ((follow ? stat(path, &s) : lstat(path, &s)) != 0)
		return 0;
	if (s.st_mode != mode || s.st_uid != uid || s.st_gid != gid)
		printf("# %s: mode %o uid %u gid %u\n", path, s.st_mode, s.st_uid, s.st_gid);
	return s.st_mode == mode && s.st_uid == uid && s.st_gid == gid;
}

int main(void)
{
	char dir[512], path[1200], err[600], longname[300];
	lxtar_stats st;
	tap_plan(11);
	if (lx_scratch_dir(dir, sizeof dir, "import", 0) != 0)
		return 1;
	snprintf(longname, sizeof longname, "./usr/share/%0120d/%0100d", 0, 0);
	entry("./", '5', 0755, 0, 0, "", NULL, 0, 0);
	entry("./usr/", '5', 0755, 0, 0, "", NULL, 0, 0);
	entry("./usr/bin/", '5', 0555, 0, 0, "", NULL, 0, 0);
	entry("./usr/bin/su", '0', 04755, 0, 0, "", "#!/bin/sh\n", 0, 0);
	entry("./usr/bin/tool", '0', 0750, 1000, 100, "", "tool data\n", 0, 0);
	entry("./usr/bin/sh", '2', 0777, 7, 8, "dash", NULL, 0, 0);
	entry("./usr/bin/tool2", '1', 0, 0, 0, "./usr/bin/tool", NULL, 0, 0);
	entry("./dev/", '5', 0755, 0, 0, "", NULL, 0, 0);
	entry("./dev/null", '3', 0666, 0, 0, "", NULL, 1, 3);
	entry("./dev/fifo", '6', 0600, 0, 0, "", NULL, 0, 0);
	entry(longname, '0', 0644, 0, 0, "", "long\n", 0, 0);
	memset(ar + used, 0, 1024);
	used += 1024;

	int r = unpack(dir, used, err, sizeof err, &st);
	tap_ok_why(r == 0, "unpack an archive through a pipe", "%s", err);
	snprintf(path, sizeof path, "%s/usr/bin/su", dir);
	tap_ok(is(path, 1, S_IFREG | 04755, 0, 0), "a set-user-ID file keeps its mode");
	snprintf(path, sizeof path, "%s/usr/bin/tool", dir);
	tap_ok(is(path, 1, S_IFREG | 0750, 1000, 100), "a file keeps another owner and its mode");
	snprintf(path, sizeof path, "%s/usr/bin", dir);
	tap_ok(is(path, 1, S_IFDIR | 0555, 0, 0), "a read-only directory got its files, then its mode");
	snprintf(path, sizeof path, "%s/usr/bin/sh", dir);
	char target[64] = "";
	tap_ok(is(path, 0, S_IFLNK | 0777, 7, 8) && readlink(path, target, sizeof target - 1) == 4 && !strcmp(target, "dash"),
	       "a symbolic link with its own owner");
	snprintf(path, sizeof path, "%s/usr/bin/tool2", dir);
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	tap_ok(is(path, 1, S_IFREG | 0750, 1000, 100) && fd >= 0 && read(fd, buf, sizeof buf) == 10 && !strncmp(buf, "tool data\n", 10),
	       "a hard link (or its copy) has the data, mode and owner");
	close(fd);
	struct stat s;
	snprintf(path, sizeof path, "%s/dev/null", dir);
	int dev = stat(path, &s) == 0 && S_ISCHR(s.st_mode) && s.st_rdev == makedev(1, 3);
	snprintf(path, sizeof path, "%s/dev/fifo", dir);
	tap_ok(dev && stat(path, &s) == 0 && S_ISFIFO(s.st_mode) && (s.st_mode & 0777) == 0600, "a character device and a FIFO");
	snprintf(path, sizeof path, "%s/%s", dir, longname + 2);
	tap_ok(stat(path, &s) == 0 && s.st_size == 5 && s.st_mtime == 1000000000, "a pax long name, and the time");

	char err2[600];
	size_t whole = used;
	r = unpack(dir, whole - 1024 - 300, err2, sizeof err2, &st);
	tap_ok_why(r == -1 && strstr(err2, "cut short"), "a cut archive is refused", "r %d: %s", r, err2);
	ar[0] ^= 0x40;
	r = unpack(dir, whole, err2, sizeof err2, &st);
	ar[0] ^= 0x40;
	tap_ok_why(r == -1 && strstr(err2, "damaged header"), "a damaged header is refused", "r %d: %s", r, err2);
	used = 0;
	entry("./../escape", '0', 0644, 0, 0, "", "x\n", 0, 0);
	memset(ar + used, 0, 1024);
	used += 1024;
	r = unpack(dir, used, err2, sizeof err2, &st);
	snprintf(path, sizeof path, "%s/../escape", dir);
	tap_ok_why(r == -1 && strstr(err2, "\"..\"") && access(path, F_OK) != 0, "a \"..\" name is refused", "r %d: %s", r, err2);

	/* remove what was made: the read-only directory first writable again */
	snprintf(path, sizeof path, "%s/usr/bin", dir);
	chmod(path, 0755);
	const char *files[] = {"usr/bin/su", "usr/bin/tool", "usr/bin/sh", "usr/bin/tool2", "dev/null", "dev/fifo", longname + 2, 0};
	for (int i = 0; files[i]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/%s", dir, longname + 2);
	*strrchr(path, '/') = 0;
	rmdir(path);
	const char *dirs[] = {"usr/share", "usr/bin", "usr", "dev", "", 0};
	for (int i = 0; dirs[i]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, dirs[i]);
		rmdir(path);
	}
	return tap_done();
}
