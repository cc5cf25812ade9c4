/*
 * PROJECT:     lxss for ReactOS - lximport
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The Linux program `lxrun --import` runs in a new distribution's root: it
 *              unpacks the tar, tar.gz or tar.xz archive on its stdin there, through lxcore
 *
 *   lximport [DIR] < ARCHIVE.tar[.gz|.xz]      (DIR defaults to /)
 *
 * A child reads stdin and writes the plain tar stream into a pipe (lxinflate.c when the
 * archive is gzip'ed, lxunxz.c when it is xz'ed); this process unpacks it (lxtar.c). Exit
 * status 0 with a summary line on stdout, or 1 with the reason on stderr.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxinflate.h"
#include "lxtar.h"
#include "lxunxz.h"

static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* the feeding child: stdin to out as a plain tar stream */
static int feed(int out)
{
    static unsigned char buf[65536];
    char err[300];
    size_t have = 0;
    ssize_t n;

    while (have < 6 && (n = read(0, buf + have, sizeof buf - have)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "lximport: reading the archive: %s\n", strerror(errno));
            return 1;
        }
        have += (size_t)n;
    }
    if (have >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) {
        if (lx_gunzip(0, buf, have, out, err, sizeof err) != 0) {
            fprintf(stderr, "lximport: %s\n", err);
            return 1;
        }
        return 0;
    }
    if (have >= 6 && !memcmp(buf, "\xfd" "7zXZ\0", 6)) {
        if (lx_unxz(0, buf, have, out, err, sizeof err) != 0) {
            fprintf(stderr, "lximport: %s\n", err);
            return 1;
        }
        return 0;
    }
    do {
        if (write_all(out, buf, have) != 0)
            return 1;
        while ((n = read(0, buf, sizeof buf)) < 0 && errno == EINTR)
            ;
        have = n > 0 ? (size_t)n : 0;
    } while (n > 0);
    return n < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
    lxtar_stats st;
    char err[600];
    int p[2], status = 0;

    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        fprintf(stderr, "usage: lximport [DIR] < ARCHIVE.tar[.gz|.xz]\n");
        return 2;
    }
    umask(0);
    signal(SIGPIPE, SIG_IGN);
    if (pipe(p) != 0) {
        fprintf(stderr, "lximport: pipe: %s\n", strerror(errno));
        return 1;
    }
    pid_t child = fork();
    if (child < 0) {
        fprintf(stderr, "lximport: fork: %s\n", strerror(errno));
        return 1;
    }
    if (child == 0) {
        close(p[0]);
        _exit(feed(p[1]));
    }
    close(p[1]);
    close(0);
    int r = lxtar_extract(p[0], argc == 2 ? argv[1] : "/", &st, err, sizeof err);
    close(p[0]);
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 1;   /* the feeder said why */
    if (r != 0) {
        fprintf(stderr, "lximport: %s\n", err);
        return 1;
    }
    printf("lximport: %lu files, %lu directories, %lu symbolic links, %lu hard links (%lu as copies), "
           "%lu device nodes and FIFOs; %llu bytes of archive\n",
           st.files, st.dirs, st.symlinks, st.hardlinks + st.copied_links, st.copied_links, st.nodes, st.bytes);
    return 0;
}
