/* lxss-test: group=file needs=open,read,write,close,stat64,lstat64,chmod,mkdir,rmdir,unlink,rename,link,symlink,readlink,mknod,getdents64 timeout=30 */
/* casenames: names that differ only in case are different files, as on every Linux file
 * system (lxcore stores such a name "cased" on FAT, which folds case). In one directory:
 * makefile and Makefile made with O_CREAT|O_EXCL, then MAKEFILE with plain O_CREAT and
 * MakeFile with O_CREAT|O_TRUNC (neither opens nor truncates the others), each keeps its own
 * data and mode; mkdir of Dir beside dir, each with its own x inside, and a file DIR beside
 * both; a symbolic link, a FIFO and a hard link beside a name that differs only in case;
 * getdents lists every name exactly once and as it was made; unlink of one leaves the other;
 * rename onto a name another file folds to keeps both, rename of a file to its own name in
 * another case renames it, rename of a cased name elsewhere; rmdir of Dir leaves dir. What is
 * gone is checked in the listing: on FAT a lookup of a name nobody has in that case still
 * finds the other one (lxcore/README.md). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lxscratch.h"
#include "lxtap.h"

static char dir[512];

static const char *at(const char *name)
{
	return lx_scratch_path(dir, name);
}

static int put(const char *name, int flags, const char *text, mode_t mode)
{
	return lx_file_put(at(name), flags, text, mode);
}

static int has(const char *name, const char *text)
{
	return lx_file_is(at(name), text);
}

static int mode_of(const char *name)
{
	struct stat st;
	return lstat(at(name), &st) == 0 ? (int)st.st_mode : -1;
}

/* how many times each of names[] is listed in sub (a directory of dir, "" for dir); -1 when a
 * name is listed that is not in names[] */
static int listing(const char *sub, const char *const *names, int count, int *seen)
{
	DIR *d = opendir(*sub ? at(sub) : dir);
	struct dirent *e;
	int i, stray = 0;

	for (i = 0; i < count; i++)
		seen[i] = 0;
	while (d && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		for (i = 0; i < count && strcmp(e->d_name, names[i]) != 0; i++)
			;
		if (i < count)
			seen[i]++;
		else
			stray++;
	}
	if (d)
		closedir(d);
	return d ? stray : -1;
}

static int listed_once(const char *sub, const char *const *names, int count)
{
	int seen[16], i;
	if (listing(sub, names, count, seen) != 0)
		return 0;
	for (i = 0; i < count; i++)
		if (seen[i] != 1)
			return 0;
	return 1;
}

int main(void)
{
	char buf[64];

	if (lx_scratch_dir(dir, sizeof dir, "casenames", 0) != 0)
		return 1;
	umask(022);
	tap_plan(13);

	tap_ok(put("makefile", O_CREAT | O_EXCL, "lower", 0600) == 0 &&
	       put("Makefile", O_CREAT | O_EXCL, "upper", 0640) == 0 &&
	       has("makefile", "lower") && has("Makefile", "upper"),
	       "O_CREAT|O_EXCL of Makefile beside makefile: two files, each with its data");

	tap_ok(put("MAKEFILE", O_CREAT, "caps", 0644) == 0 && has("MAKEFILE", "caps") &&
	       has("makefile", "lower") && has("Makefile", "upper"),
	       "O_CREAT of MAKEFILE makes a third file, not opening the others");

	tap_ok(put("MakeFile", O_CREAT | O_TRUNC, "mixed", 0604) == 0 && has("MakeFile", "mixed") &&
	       has("makefile", "lower") && has("Makefile", "upper") && has("MAKEFILE", "caps"),
	       "O_CREAT|O_TRUNC of MakeFile truncates none of the others");

	tap_ok((mode_of("makefile") & 07777) == 0600 && (mode_of("Makefile") & 07777) == 0640 &&
	       chmod(at("Makefile"), 0444) == 0 && (mode_of("Makefile") & 07777) == 0444 &&
	       (mode_of("makefile") & 07777) == 0600,
	       "each name keeps its own mode; chmod of one leaves the other");

	tap_ok(mkdir(at("dir"), 0755) == 0 && mkdir(at("Dir"), 0700) == 0 &&
	       put("dir/x", O_CREAT | O_EXCL, "in dir", 0644) == 0 &&
	       put("Dir/x", O_CREAT | O_EXCL, "in Dir", 0644) == 0 &&
	       has("dir/x", "in dir") && has("Dir/x", "in Dir") &&
	       (mode_of("Dir") & 07777) == 0700 && S_ISDIR(mode_of("Dir")),
	       "mkdir of Dir beside dir: two directories, each with its own x");

	tap_ok(put("DIR", O_CREAT, "file", 0644) == 0 && S_ISREG(mode_of("DIR")) && has("DIR", "file") &&
	       S_ISDIR(mode_of("dir")) && S_ISDIR(mode_of("Dir")),
	       "O_CREAT of a file DIR beside the directories dir and Dir makes a file");

	errno = 0;
	int eexist = mkdir(at("Dir"), 0755) == -1 && errno == EEXIST;
	errno = 0;
	tap_ok(eexist && open(at("Makefile"), O_CREAT | O_EXCL | O_WRONLY, 0644) == -1 && errno == EEXIST,
	       "the same name in the same case again: EEXIST");

	int made = symlink("target-1", at("link")) == 0 && symlink("target-2", at("LINK")) == 0 &&
		   mknod(at("fifo"), S_IFIFO | 0644, 0) == 0 && mknod(at("FIFO"), S_IFIFO | 0600, 0) == 0 &&
		   link(at("makefile"), at("hard")) == 0 && link(at("Makefile"), at("HARD")) == 0;
	ssize_t n = readlink(at("LINK"), buf, sizeof buf);
	tap_ok(made && n == 8 && memcmp(buf, "target-2", 8) == 0 && S_ISLNK(mode_of("link")) &&
	       S_ISFIFO(mode_of("FIFO")) && (mode_of("FIFO") & 07777) == 0600 &&
	       (mode_of("fifo") & 07777) == 0644 && has("hard", "lower") && has("HARD", "upper"),
	       "symlink, mknod (FIFO) and link beside a name in another case");

	static const char *const all[] = { "makefile", "Makefile", "MAKEFILE", "MakeFile", "dir", "Dir", "DIR",
					   "link", "LINK", "fifo", "FIFO", "hard", "HARD" };
	tap_ok(listed_once("", all, 13), "getdents lists each of the 13 names once, as it was made");

	static const char *const after_unlink[] = { "makefile", "Makefile", "MakeFile", "dir", "Dir", "DIR",
						    "link", "LINK", "fifo", "FIFO", "hard", "HARD" };
	tap_ok(unlink(at("MAKEFILE")) == 0 && listed_once("", after_unlink, 12) &&
	       has("makefile", "lower") && has("Makefile", "upper") && has("MakeFile", "mixed"),
	       "unlink of MAKEFILE: gone from the directory, the other three keep their data");

	/* rename onto a name another file folds to: both stay; back out of the folded name */
	static const char *const both[] = { "x", "X" }, *const one[] = { "x" };
	tap_ok(put("other", O_CREAT | O_EXCL, "other", 0644) == 0 &&
	       rename(at("other"), at("dir/X")) == 0 && has("dir/X", "other") && has("dir/x", "in dir") &&
	       listed_once("dir", both, 2) && rename(at("dir/X"), at("moved")) == 0 && has("moved", "other") &&
	       listed_once("dir", one, 1) && has("dir/x", "in dir"),
	       "rename onto X beside x keeps both; renamed away again, x is still there");

	static const char *const renamed[] = { "Solo.TXT" };
	tap_ok(mkdir(at("solo"), 0755) == 0 && put("solo/solo.txt", O_CREAT | O_EXCL, "solo", 0644) == 0 &&
	       rename(at("solo/solo.txt"), at("solo/Solo.TXT")) == 0 && has("solo/Solo.TXT", "solo") &&
	       listed_once("solo", renamed, 1),
	       "rename of a file to its own name in another case: one file, listed in the new case");

	static const char *const left[] = { "makefile", "Makefile", "MakeFile", "dir", "DIR", "link", "LINK",
					    "fifo", "FIFO", "hard", "HARD", "moved", "solo" };
	tap_ok(unlink(at("Dir/x")) == 0 && rmdir(at("Dir")) == 0 && listed_once("", left, 13) &&
	       has("dir/x", "in dir") && listed_once("dir", one, 1),
	       "rmdir of Dir leaves dir and its x");
	return tap_done();
}
