/* lxss-test: group=file needs=chmod,chown32,lchown32,mknod,symlink,rename,link,fsync,fdatasync,syncfs,sync,stat64,lstat64 timeout=30 */
/* persist: makes files whose Linux metadata (mode with set-user-ID, owner, a device node, a
 * FIFO, a link's own owner, a renamed directory, a file chmodded 1,200 times (past the
 * journal's compaction threshold), one removed and one made again, a file with two names,
 * names that differ only in case)
 * lxcore keeps in its journal, syncs, and finds them so in this process; persist_check finds
 * them again later, after a reboot when the disk is booted again (tests/elf/lxpersist.h). */
#define _GNU_SOURCE
#include "lxpersist.h"

int main(int argc, char **argv)
{
	(void)argc;
	tap_plan(2 + PERSIST_CHECKS);
	persist_init(argv[0]);
	const char *names[] = {"suid", "null", "fifo", "link", "d/x", "many", "again", "gone", "d0/x", "hl1", "hl2", "case", "Case", "CD/x", 0};
	for (int i = 0; names[i]; i++)
		unlink(persist_at(names[i]));
	rmdir(persist_at("d"));
	rmdir(persist_at("d0"));
	rmdir(persist_at("cd"));
	rmdir(persist_at("CD"));
	rmdir(persist_dir);
	umask(022);
	int ok = mkdir(persist_dir, 0755) == 0;
	int fd = open(persist_at("suid"), O_CREAT | O_WRONLY, 0755);
	ok = ok && fd >= 0 && write(fd, "#!/bin/sh\n", 10) == 10 && close(fd) == 0;
	ok = ok && chown(persist_at("suid"), 123, 456) == 0 && chmod(persist_at("suid"), 04711) == 0;
	ok = ok && mknod(persist_at("null"), S_IFCHR | 0640, makedev(1, 3)) == 0 && chown(persist_at("null"), 5, 5) == 0;
	ok = ok && mknod(persist_at("fifo"), S_IFIFO | 0604, 0) == 0;
	ok = ok && symlink("suid", persist_at("link")) == 0 && lchown(persist_at("link"), 7, 8) == 0;
	ok = ok && mkdir(persist_at("d0"), 0700) == 0 && (fd = open(persist_at("d0/x"), O_CREAT | O_WRONLY, 0600)) >= 0 &&
	     close(fd) == 0 && chown(persist_at("d0/x"), 9, 9) == 0 && rename(persist_at("d0"), persist_at("d")) == 0;
	ok = ok && (fd = open(persist_at("many"), O_CREAT | O_WRONLY, 0600)) >= 0 && close(fd) == 0;
	/* more records than lxcore compacts past (1,024, fewer than half of them live): the next
	 * boot's first use of the disk rewrites the journal */
	for (int i = 0; ok && i < 1200; i++)
		ok = chmod(persist_at("many"), i == 1199 ? 0640 : (mode_t)(i & 0777)) == 0;
	ok = ok && (fd = open(persist_at("gone"), O_CREAT | O_WRONLY, 0600)) >= 0 && close(fd) == 0 &&
	     chown(persist_at("gone"), 1, 1) == 0 && unlink(persist_at("gone")) == 0;
	ok = ok && (fd = open(persist_at("again"), O_CREAT | O_WRONLY, 0600)) >= 0 && close(fd) == 0 &&
	     chown(persist_at("again"), 3, 3) == 0 && unlink(persist_at("again")) == 0 &&
	     (fd = open(persist_at("again"), O_CREAT | O_WRONLY, 0644)) >= 0 && close(fd) == 0;
	ok = ok && (fd = open(persist_at("hl1"), O_CREAT | O_WRONLY, 0600)) >= 0 && write(fd, "hl", 2) == 2 &&
	     close(fd) == 0 && chmod(persist_at("hl1"), 0612) == 0 && link(persist_at("hl1"), persist_at("hl2")) == 0;
	ok = ok && (fd = open(persist_at("case"), O_CREAT | O_EXCL | O_WRONLY, 0601)) >= 0 && write(fd, "a", 1) == 1 &&
	     close(fd) == 0 && (fd = open(persist_at("Case"), O_CREAT | O_EXCL | O_WRONLY, 0604)) >= 0 &&
	     write(fd, "bb", 2) == 2 && close(fd) == 0 && mkdir(persist_at("cd"), 0755) == 0 &&
	     mkdir(persist_at("CD"), 0700) == 0 && (fd = open(persist_at("CD/x"), O_CREAT | O_EXCL | O_WRONLY, 0640)) >= 0 &&
	     write(fd, "ccc", 3) == 3 && close(fd) == 0;
	tap_ok(ok, "make the files and set their metadata");
	int p[2];
	fd = open(persist_at("again"), O_WRONLY);
	errno = 0;
	tap_ok(fd >= 0 && write(fd, "x", 1) == 1 && fsync(fd) == 0 && fdatasync(fd) == 0 && syncfs(fd) == 0 &&
		       pipe(p) == 0 && fsync(p[1]) == -1 && errno == EINVAL,
	       "fsync, fdatasync and syncfs of a file; fsync of a pipe is EINVAL");
	close(fd);
	sync();     /* what persist_check finds after a power cut says whether it worked */
	persist_check_all("now");
	return tap_done();
}
