/*
 * PROJECT:     lxss for ReactOS - lximport
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Unpacking a tar stream with Linux system calls (lxtar.h)
 */

#define _GNU_SOURCE
#include "lxtar.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define BLOCK 512
#define NAME_MAX_TAR 4096

typedef struct lxtar
{
    int fd;
    const char *dest;
    lxtar_stats *stats;
    char *err;
    size_t errsize;
    /* directories get their mode and time last: their files go in first */
    struct lxtar_dir { char *path; mode_t mode; long long mtime; } *dirs;
    size_t ndirs, capdirs;
} lxtar;

static int fail(lxtar *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->err, t->errsize, fmt, ap);
    va_end(ap);
    return -1;
}

/* reads exactly n bytes; 0 at a clean end before any, -1 cut short or error */
static int read_all(lxtar *t, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(t->fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return fail(t, "reading the archive: %s", strerror(errno));
        if (r == 0)
            return got == 0 ? 0 : fail(t, "the archive is cut short at byte %llu", t->stats->bytes + got);
        got += (size_t)r;
    }
    t->stats->bytes += n;
    return 1;
}

static unsigned long long num(const unsigned char *p, size_t len)
{
    unsigned long long v = 0;
    size_t i = 0;
    if (p[0] & 0x80) {
        v = p[0] & 0x7f;
        for (i = 1; i < len; i++)
            v = v * 256 + p[i];
        return v;
    }
    while (i < len && (p[i] == ' ' || p[i] == 0))
        i++;
    for (; i < len && p[i] >= '0' && p[i] <= '7'; i++)
        v = v * 8 + (p[i] - '0');
    return v;
}

static int checksum_ok(const unsigned char *h)
{
    unsigned long sum = 0;
    for (int i = 0; i < BLOCK; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
    return sum == num(h + 148, 8);
}

/* dest + "/" + name, name checked: relative, no "..", no empty result */
static int target(lxtar *t, const char *name, char *out, size_t size)
{
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    while (*name == '/')
        name++;
    if (*name == 0 || strcmp(name, ".") == 0)
        return snprintf(out, size, "%s", t->dest) < (int)size ? 1 : fail(t, "a name too long");
    for (const char *p = name; *p;) {
        const char *e = strchr(p, '/');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == 2 && p[0] == '.' && p[1] == '.')
            return fail(t, "%s: a name with \"..\" is refused", name);
        p += l + (e != NULL);
    }
    if (snprintf(out, size, "%s/%s", strcmp(t->dest, "/") ? t->dest : "", name) >= (int)size)
        return fail(t, "%s: the name is too long", name);
    size_t l = strlen(out);
    while (l > 1 && out[l - 1] == '/')
        out[--l] = 0;
    return 1;
}

static int skip(lxtar *t, unsigned long long size)
{
    char buf[BLOCK];
    unsigned long long left = (size + BLOCK - 1) / BLOCK * BLOCK;
    while (left) {
        if (read_all(t, buf, BLOCK) != 1)
            return -1;
        left -= BLOCK;
    }
    return 0;
}

/* makes the parent directories of path (0755, root's: the archive gives them later) */
static void parents(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        mkdir(path, 0755);
        *p = '/';
    }
}

static int copy_file(lxtar *t, const char *from, const char *to)
{
    char buf[65536];
    int in = open(from, O_RDONLY), out;
    ssize_t n;
    if (in < 0)
        return fail(t, "%s: hard link to %s, which cannot be read: %s", to, from, strerror(errno));
    unlink(to);
    out = open(to, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    if (out < 0) {
        close(in);
        return fail(t, "%s: %s", to, strerror(errno));
    }
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) {
            n = -1;
            break;
        }
    close(in);
    close(out);
    return n < 0 ? fail(t, "%s: copying %s: %s", to, from, strerror(errno)) : 0;
}

static int own(lxtar *t, const char *path, unsigned long long uid, unsigned long long gid, mode_t mode, int link)
{
    if ((link ? lchown(path, (uid_t)uid, (gid_t)gid) : chown(path, (uid_t)uid, (gid_t)gid)) != 0)
        return fail(t, "%s: chown %llu:%llu: %s", path, uid, gid, strerror(errno));
    /* after chown, which clears set-user-ID */
    if (!link && chmod(path, mode) != 0)
        return fail(t, "%s: chmod %o: %s", path, (unsigned)mode, strerror(errno));
    return 0;
}

static void set_time(const char *path, long long mtime, int link)
{
    struct timespec ts[2] = {{mtime, 0}, {mtime, 0}};
    utimensat(AT_FDCWD, path, ts, link ? AT_SYMLINK_NOFOLLOW : 0);
}

static int add_dir(lxtar *t, const char *path, mode_t mode, long long mtime)
{
    if (t->ndirs == t->capdirs) {
        size_t cap = t->capdirs ? t->capdirs * 2 : 256;
        void *p = realloc(t->dirs, cap * sizeof *t->dirs);
        if (!p)
            return fail(t, "out of memory");
        t->dirs = p;
        t->capdirs = cap;
    }
    t->dirs[t->ndirs].path = strdup(path);
    t->dirs[t->ndirs].mode = mode;
    t->dirs[t->ndirs].mtime = mtime;
    return t->dirs[t->ndirs++].path ? 0 : fail(t, "out of memory");
}

/* pax records "len key=value\n": path, linkpath, size, uid, gid, mtime */
static void pax(const char *data, size_t size, char *name, char *link, unsigned long long *vals, int *have)
{
    size_t at = 0;
    static const char *keys[] = {"size", "uid", "gid", "mtime"};
    while (at < size) {
        char *end;
        unsigned long len = strtoul(data + at, &end, 10);
        if (len == 0 || at + len > size || *end != ' ')
            return;
        const char *kv = end + 1, *eq = memchr(kv, '=', data + at + len - kv);
        if (eq) {
            size_t klen = (size_t)(eq - kv), vlen = (size_t)(data + at + len - 1 - (eq + 1));
            if (klen == 4 && !memcmp(kv, "path", 4) && vlen < NAME_MAX_TAR) {
                memcpy(name, eq + 1, vlen);
                name[vlen] = 0;
            } else if (klen == 8 && !memcmp(kv, "linkpath", 8) && vlen < NAME_MAX_TAR) {
                memcpy(link, eq + 1, vlen);
                link[vlen] = 0;
            }
            for (int k = 0; k < 4; k++)
                if (klen == strlen(keys[k]) && !memcmp(kv, keys[k], klen)) {
                    vals[k] = strtoull(eq + 1, NULL, 10);
                    have[k] = 1;
                }
        }
        at += len;
    }
}

int lxtar_extract(int fd, const char *dest, lxtar_stats *stats, char *err, size_t errsize)
{
    static char name[NAME_MAX_TAR], linkname[NAME_MAX_TAR], path[NAME_MAX_TAR + 512], lpath[NAME_MAX_TAR + 512];
    unsigned char h[BLOCK];
    lxtar t = {fd, dest, stats, err, errsize, NULL, 0, 0};
    int long_name = 0, long_link = 0, have[4] = {0};
    unsigned long long vals[4] = {0};
    int rc = -1;

    memset(stats, 0, sizeof *stats);
    err[0] = 0;
    for (;;) {
        int r = read_all(&t, h, BLOCK);
        if (r <= 0) {
            if (r == 0)
                fail(&t, "the archive ends without its end-of-archive blocks (cut short?)");
            goto out;
        }
        int zero = 1;
        for (int i = 0; i < BLOCK && zero; i++)
            zero = h[i] == 0;
        if (zero)
            break;
        if (!checksum_ok(h)) {
            fail(&t, "a damaged header at byte %llu (not a tar archive, or corrupt)", stats->bytes - BLOCK);
            goto out;
        }
        char type = (char)h[156];
        unsigned long long size = have[0] ? vals[0] : num(h + 124, 12);
        if (type == 'L' || type == 'K' || type == 'x') {
            char *buf = malloc(size + 1);
            unsigned long long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
            if (!buf || size > 1 << 20) {
                free(buf);
                fail(&t, "an extended header of %llu bytes is refused", size);
                goto out;
            }
            char *all = realloc(buf, padded + 1);
            if (!all) {
                free(buf);
                fail(&t, "out of memory");
                goto out;
            }
            for (unsigned long long at = 0; at < padded; at += BLOCK)
                if (read_all(&t, all + at, BLOCK) != 1) {
                    free(all);
                    goto out;
                }
            all[size] = 0;
            if (type == 'L' || type == 'K') {
                snprintf(type == 'L' ? name : linkname, NAME_MAX_TAR, "%s", all);
                if (type == 'L')
                    long_name = 1;
                else
                    long_link = 1;
            } else {
                pax(all, size, name, linkname, vals, have);
                if (strstr(all, " path="))
                    long_name = 1;
                if (strstr(all, " linkpath="))
                    long_link = 1;
            }
            free(all);
            continue;
        }
        if (type == 'g') {
            if (skip(&t, size) < 0)
                goto out;
            continue;
        }
        if (!long_name) {
            char base[101], prefix[156];
            memcpy(base, h, 100);
            base[100] = 0;
            memcpy(prefix, h + 345, 155);
            prefix[155] = 0;
            if (!memcmp(h + 257, "ustar", 5) && prefix[0])
                snprintf(name, sizeof name, "%s/%s", prefix, base);
            else
                snprintf(name, sizeof name, "%s", base);
        }
        if (!long_link) {
            memcpy(linkname, h + 157, 100);
            linkname[100] = 0;
        }
        mode_t mode = (mode_t)num(h + 100, 8) & 07777;
        unsigned long long uid = have[1] ? vals[1] : num(h + 108, 8);
        unsigned long long gid = have[2] ? vals[2] : num(h + 116, 8);
        long long mtime = have[3] ? (long long)vals[3] : (long long)num(h + 136, 12);
        long_name = long_link = 0;
        memset(have, 0, sizeof have);
        if (target(&t, name, path, sizeof path) != 1)
            goto out;
        parents(path);
        switch (type) {
        case '0': case '\0': case '7': {
            unlink(path);
            int out = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
            if (out < 0) {
                fail(&t, "%s: %s", path, strerror(errno));
                goto out;
            }
            char buf[BLOCK * 32];
            unsigned long long left = size;
            while (left) {
                size_t chunk = left > sizeof buf ? sizeof buf : (size_t)((left + BLOCK - 1) / BLOCK * BLOCK);
                size_t want = left > sizeof buf ? sizeof buf : (size_t)left;
                if (read_all(&t, buf, chunk) != 1) {
                    close(out);
                    goto out;
                }
                if (write(out, buf, want) != (ssize_t)want) {
                    fail(&t, "%s: writing: %s", path, strerror(errno));
                    close(out);
                    goto out;
                }
                left -= want;
            }
            close(out);
            if (own(&t, path, uid, gid, mode, 0) < 0)
                goto out;
            set_time(path, mtime, 0);
            stats->files++;
            break;
        }
        case '1':
            if (target(&t, linkname, lpath, sizeof lpath) != 1)
                goto out;
            unlink(path);
            if (link(lpath, path) == 0) {
                stats->hardlinks++;
            } else if (copy_file(&t, lpath, path) == 0) {
                struct stat st;
                /* the copy gets the original's mode and owner */
                if (stat(lpath, &st) != 0 || own(&t, path, st.st_uid, st.st_gid, st.st_mode & 07777, 0) < 0)
                    goto out;
                stats->copied_links++;
            } else {
                goto out;
            }
            if (skip(&t, size) < 0)
                goto out;
            break;
        case '2':
            unlink(path);
            if (symlink(linkname, path) != 0) {
                fail(&t, "%s: symlink to %s: %s", path, linkname, strerror(errno));
                goto out;
            }
            if (own(&t, path, uid, gid, mode, 1) < 0)
                goto out;
            stats->symlinks++;
            break;
        case '3': case '4': case '6': {
            mode_t kind = type == '3' ? S_IFCHR : type == '4' ? S_IFBLK : S_IFIFO;
            dev_t dev = type == '6' ? 0 : makedev((unsigned)num(h + 329, 8), (unsigned)num(h + 337, 8));
            unlink(path);
            if (mknod(path, kind | (mode & 0777), dev) != 0) {
                fail(&t, "%s: mknod: %s", path, strerror(errno));
                goto out;
            }
            if (own(&t, path, uid, gid, mode, 0) < 0)
                goto out;
            stats->nodes++;
            break;
        }
        case '5':
            if (mkdir(path, 0700) != 0 && errno != EEXIST) {
                fail(&t, "%s: mkdir: %s", path, strerror(errno));
                goto out;
            }
            if ((uid || gid) && chown(path, (uid_t)uid, (gid_t)gid) != 0) {
                fail(&t, "%s: chown: %s", path, strerror(errno));
                goto out;
            }
            chmod(path, 0700);  /* writable until its files are in */
            if (add_dir(&t, path, mode, mtime) < 0)
                goto out;
            stats->dirs++;
            if (skip(&t, size) < 0)
                goto out;
            break;
        default:
            fail(&t, "%s: entry type '%c' is not supported", path, type);
            goto out;
        }
    }
    /* the directories' own modes and times, deepest first */
    for (size_t i = t.ndirs; i-- > 0;) {
        if (chmod(t.dirs[i].path, t.dirs[i].mode) != 0) {
            fail(&t, "%s: chmod: %s", t.dirs[i].path, strerror(errno));
            goto out;
        }
        set_time(t.dirs[i].path, t.dirs[i].mtime, 0);
    }
    rc = 0;
out:
    for (size_t i = 0; i < t.ndirs; i++)
        free(t.dirs[i].path);
    free(t.dirs);
    return rc;
}
