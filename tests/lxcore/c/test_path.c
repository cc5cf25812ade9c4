/* Host tests for lxcore/core/lx_path.c: resolution, NT translation, escapes, limits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lx_path.h"
#include "tap.h"

static char out[LX_PATH_MAX];

static void check_resolve(const char *cwd, const char *path, const char *want, unsigned want_flags)
{
    unsigned flags = 99;
    int rc = lx_path_resolve(cwd, path, out, sizeof(out), &flags);
    tap_ok(rc == (int)strlen(want) && strcmp(out, want) == 0 && flags == want_flags,
           "resolve(%s, %s) = %s (got %d \"%s\" flags %u)", cwd ? cwd : "NULL", path, want, rc,
           rc >= 0 ? out : "", flags);
}

static void check_resolve_err(const char *cwd, const char *path, int want, const char *name)
{
    int rc = lx_path_resolve(cwd, path, out, sizeof(out), NULL);
    tap_ok(rc == want, "%s (got %d, want %d)", name, rc, want);
}

static void test_resolve(void)
{
    char *p;
    size_t i;

    check_resolve("/", "a//b/./c/", "/a/b/c", LX_PATH_TRAILING_SLASH);
    check_resolve("/home/u", "../x", "/home/x", 0);
    check_resolve("/", "../../..", "/", 0);
    check_resolve("/a/b", ".", "/a/b", 0);
    check_resolve("/x", "a/..", "/x", 0);
    check_resolve(NULL, "/a/b/../../../c", "/c", 0);
    check_resolve(NULL, "////", "/", LX_PATH_TRAILING_SLASH);
    check_resolve("/", "...", "/...", 0);
    check_resolve("/", ".hidden/..x", "/.hidden/..x", 0);
    check_resolve("/a/", "b", "/a/b", 0);
    check_resolve("/usr//lib/", "./../bin//sh", "/usr/bin/sh", 0);
    check_resolve_err("/", "", -LX_ENOENT, "empty path is ENOENT");
    check_resolve_err(NULL, "rel", -LX_EINVAL, "relative path without cwd");

    p = malloc(LX_PATH_MAX + 10);
    /* a 255-byte component is fine, 256 is too long */
    p[0] = '/';
    memset(p + 1, 'n', 255);
    p[256] = 0;
    tap_ok(lx_path_resolve(NULL, p, out, sizeof(out), NULL) == 256, "255-byte component ok");
    p[256] = 'n';
    p[257] = 0;
    check_resolve_err(NULL, p, -LX_ENAMETOOLONG, "256-byte component ENAMETOOLONG");
    /* a 4095-byte path is fine, 4096 is too long */
    for (i = 0; i < LX_PATH_MAX - 1; i++)
        p[i] = (i % 2) ? 'a' : '/';
    p[LX_PATH_MAX - 1] = 0;
    /* ends in "/": the resolved form drops it */
    tap_ok(lx_path_resolve(NULL, p, out, sizeof(out), NULL) == LX_PATH_MAX - 2, "4095-byte path ok");
    p[LX_PATH_MAX - 1] = 'a';
    p[LX_PATH_MAX] = 0;
    check_resolve_err(NULL, p, -LX_ENAMETOOLONG, "4096-byte path ENAMETOOLONG");
    /* cwd + relative path that together exceed PATH_MAX */
    for (i = 0; i < 3000; i++)
        p[i] = (i % 2) ? 'a' : '/';
    p[3000] = 0;
    {
        char rel[2001];
        for (i = 0; i < 2000; i++)
            rel[i] = (i % 2) ? '/' : 'b';
        rel[2000] = 0;
        check_resolve_err(p, rel, -LX_ENAMETOOLONG, "cwd + path beyond PATH_MAX");
    }
    /* small output buffer */
    tap_ok(lx_path_resolve(NULL, "/abcdef", out, 4, NULL) == -LX_ENAMETOOLONG, "small buffer");
    free(p);
}

static const uint16_t root[] = { '\\', 'S', 'y', 's', 't', 'e', 'm', 'R', 'o', 'o', 't', '\\',
                                 'l', 'x', 's', 's', '\\', 'r', 'o', 'o', 't', 'f', 's', '\\' };
#define ROOT_LEN 23 /* without the trailing backslash */

static uint16_t nt[LX_NT_PATH_MAX];

/* Translates path and compares the part after the root with want (UTF-16, want_len units). */
static void check_nt(const char *path, const uint16_t *want, size_t want_len, const char *name)
{
    size_t len = 0;
    int rc = lx_path_to_nt(root, sizeof(root) / 2, path, nt, LX_NT_PATH_MAX, &len);
    int ok = rc == 0 && len == ROOT_LEN + want_len && memcmp(nt, root, ROOT_LEN * 2) == 0 &&
             memcmp(nt + ROOT_LEN, want, want_len * 2) == 0;
    tap_ok(ok, "%s (rc %d, len %u)", name, rc, (unsigned)len);
    if (!ok && rc == 0)
    {
        size_t i;
        printf("#   got:");
        for (i = ROOT_LEN; i < len; i++)
            printf(" %04x", nt[i]);
        printf("\n");
    }
}

/* the test's "journal": the second component of a path is stored cased */
static int cased_asked;
static int cased_second(void *ctx, const char *abs_path, size_t end)
{
    size_t i, slashes = 0;

    (void)ctx;
    cased_asked++;
    for (i = 0; i < end; i++)
        slashes += abs_path[i] == '/';
    return slashes == 2;
}

static void test_nt(void)
{
    static const uint16_t w_bin_sh[] = { '\\', 'b', 'i', 'n', '\\', 's', 'h' };
    static const uint16_t w_colon[] = { '\\', 'a', 0xF03A, 'b' };
    static const uint16_t w_forbidden[] = { '\\', 'x', 0xF03F, 0xF02A, 0xF03C, 0xF03E, 0xF07C,
                                            0xF022, 0xF05C, 0xF001, 0xF01F };
    static const uint16_t w_dot[] = { '\\', 'd', 'o', 't', 0xF02E };
    static const uint16_t w_space[] = { '\\', 'a', ' ', 'b', 0xF020 };
    static const uint16_t w_lead[] = { '\\', '.', 'h', 'i', 'd', 'e' };
    static const uint16_t w_e[] = { '\\', 0xE9 };
    static const uint16_t w_emoji[] = { '\\', 0xD83D, 0xDE00 };
    static const uint16_t w_bytes[] = { '\\', 0xF1FF, 0xF1FE };
    static const uint16_t w_overlong[] = { '\\', 0xF1C0, 0xF1AF };
    static const uint16_t w_surrogate[] = { '\\', 0xF1ED, 0xF1A0, 0xF180 };
    static const uint16_t w_pua_ok[] = { '\\', 0xF0C1 };
    static const uint16_t w_cased[] = { '\\', 'd', '\\', 0xF14D, 0xF161, 0xF13A, 0xF1C3, 0xF1A9,
                                        '\\', 'x' };
    size_t len;
    int rc;
    char *p;

    rc = lx_path_to_nt(root, sizeof(root) / 2, "/", nt, LX_NT_PATH_MAX, &len);
    tap_ok(rc == 0 && len == ROOT_LEN + 1 && memcmp(nt, root, ROOT_LEN * 2) == 0 &&
           nt[ROOT_LEN] == '\\', "\"/\" is the root directory: root + one backslash");
    rc = lx_path_to_nt(root, ROOT_LEN, "//", nt, LX_NT_PATH_MAX, &len);
    tap_ok(rc == 0 && len == ROOT_LEN + 1 && nt[ROOT_LEN] == '\\',
           "\"//\" with a root without backslash: the same");
    check_nt("/bin/sh", w_bin_sh, 7, "/bin/sh");
    check_nt("/a:b", w_colon, 4, "colon escaped");
    check_nt("/x?*<>|\"\\\x01\x1f", w_forbidden, 11, "forbidden characters escaped");
    check_nt("/dot.", w_dot, 5, "trailing dot escaped");
    check_nt("/a b ", w_space, 5, "trailing space escaped, inner space kept");
    check_nt("/.hide", w_lead, 6, "leading dot kept");
    check_nt("/\xC3\xA9", w_e, 2, "UTF-8 e-acute");
    check_nt("/\xF0\x9F\x98\x80", w_emoji, 3, "supplementary plane -> surrogate pair");
    check_nt("/\xFF\xFE", w_bytes, 3, "invalid UTF-8 bytes escaped");
    check_nt("/\xC0\xAF", w_overlong, 3, "overlong UTF-8 escaped byte by byte");
    check_nt("/\xED\xA0\x80", w_surrogate, 4, "UTF-8 surrogate escaped byte by byte");
    check_nt("/\xEF\x83\x81", w_pua_ok, 2, "private-use U+F0C1 is not an escape: kept");
    rc = lx_path_to_nt(root, sizeof(root) / 2, "/\xEF\x85\x81", nt, LX_NT_PATH_MAX, &len);
    TAP_EQ(rc, -LX_EINVAL, "literal escape code point U+F141 (a cased name's 'A') refused");
    rc = lx_path_to_nt(root, sizeof(root) / 2, "/\xEF\x84\x80", nt, LX_NT_PATH_MAX, &len);
    tap_ok(rc == 0 && len == ROOT_LEN + 2 && nt[ROOT_LEN + 1] == 0xF100,
           "U+F100 is no escape (no byte 0 in a name): kept");

    /* cased components: every byte to U+F100 + byte, only where the callback says so */
    rc = lx_path_to_nt_cased(root, sizeof(root) / 2, "/d/Ma:\xC3\xA9/x", cased_second, NULL,
                             nt, LX_NT_PATH_MAX, &len);
    tap_ok(rc == 0 && len == ROOT_LEN + 10 && memcmp(nt + ROOT_LEN, w_cased, sizeof(w_cased)) == 0,
           "a cased component has every byte escaped, the others stay plain");
    tap_ok(cased_asked == 3, "the callback is asked once per component (%d)", cased_asked);
    {
        char back[64];
        int m = lx_nt_name_to_linux(nt + ROOT_LEN + 3, 5, back, sizeof(back));
        tap_ok(m == 5 && memcmp(back, "Ma:\xC3\xA9", 5) == 0, "a cased name decodes to its bytes");
    }
    rc = lx_path_to_nt_cased(root, sizeof(root) / 2, "/d/a\xEF\x80\xBA/x", cased_second, NULL,
                             nt, LX_NT_PATH_MAX, &len);
    TAP_EQ(rc, -LX_EINVAL, "a cased name holding an escape code point is refused too");
    rc = lx_path_to_nt(root, sizeof(root) / 2, "/a\xEF\x80\xBA", nt, LX_NT_PATH_MAX, &len);
    TAP_EQ(rc, -LX_EINVAL, "literal escape code point U+F03A refused");
    rc = lx_path_to_nt(root, sizeof(root) / 2, "/\xEF\x86\x90", nt, LX_NT_PATH_MAX, &len);
    TAP_EQ(rc, -LX_EINVAL, "literal escape code point U+F190 refused");
    rc = lx_path_to_nt(root, sizeof(root) / 2, "rel", nt, LX_NT_PATH_MAX, &len);
    TAP_EQ(rc, -LX_ENOENT, "relative path refused");
    rc = lx_path_to_nt(root, sizeof(root) / 2, "/bin/sh", nt, 26, &len);
    TAP_EQ(rc, -LX_ENAMETOOLONG, "output capacity exceeded");
    rc = lx_path_to_nt(root, 0, "/", nt, LX_NT_PATH_MAX, &len);
    tap_ok(rc == 0 && len == 1 && nt[0] == '\\', "empty root: \"/\" -> \"\\\"");

    /* 255 x U+00E9 is 510 bytes: over NAME_MAX as Linux counts bytes */
    p = malloc(1024);
    p[0] = '/';
    memset(p + 1, 'x', 255);
    p[256] = 0;
    rc = lx_path_to_nt(root, sizeof(root) / 2, p, nt, LX_NT_PATH_MAX, &len);
    tap_ok(rc == 0 && len == ROOT_LEN + 256, "255-unit NT component ok");
    memset(p + 1, '.', 254);
    p[255] = '.';
    rc = lx_path_to_nt(root, sizeof(root) / 2, p, nt, LX_NT_PATH_MAX, &len);
    tap_ok(rc == 0, "255 dots (last escaped) still fits");
    {
        /* 85 emoji = 340 bytes > 255: refused before conversion; 63 emoji = 252 bytes = 126 units */
        int i;
        for (i = 0; i < 63; i++)
            memcpy(p + 1 + 4 * i, "\xF0\x9F\x98\x80", 4);
        p[1 + 4 * 63] = 0;
        rc = lx_path_to_nt(root, sizeof(root) / 2, p, nt, LX_NT_PATH_MAX, &len);
        tap_ok(rc == 0 && len == ROOT_LEN + 1 + 126, "63 emoji = 126 units");
        for (i = 0; i < 64; i++)
            memcpy(p + 1 + 4 * i, "\xF0\x9F\x98\x80", 4);
        p[1 + 4 * 64] = 0;
        rc = lx_path_to_nt(root, sizeof(root) / 2, p, nt, LX_NT_PATH_MAX, &len);
        TAP_EQ(rc, -LX_ENAMETOOLONG, "64 emoji = 256 bytes: ENAMETOOLONG");
    }
    free(p);
}

static uint32_t rng = 0xC0FFEEu;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void test_round_trip(void)
{
    static const char *names[] = { "plain", "a:b", "q?", "dot.", "sp ", "tab\t", "e\xC3\xA9",
                                   "\xF0\x9F\x98\x80", "\xFF", "x\x80y", "..a", "back\\slash",
                                   "pipe|", "\"quoted\"" };
    size_t i;
    int bad = 0, refused = 0, n = 0, it;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    {
        uint16_t w[300];
        char back[300];
        int k = lx_linux_name_to_nt(names[i], strlen(names[i]), w, 300);
        int m = k >= 0 ? lx_nt_name_to_linux(w, (size_t)k, back, sizeof(back)) : k;
        tap_ok(k >= 0 && m == (int)strlen(names[i]) && strcmp(back, names[i]) == 0,
               "round trip of name %u", (unsigned)i);
    }
    /* random byte strings (no '/' or NUL) must round-trip or be refused with EINVAL */
    for (it = 0; it < 20000; it++)
    {
        char name[256], back[300];
        uint16_t w[300];
        size_t len = 1 + rnd() % 40, j;
        int k, m;

        for (j = 0; j < len; j++)
        {
            uint8_t c;
            do
                c = (uint8_t)rnd();
            while (c == 0 || c == '/');
            name[j] = (char)c;
        }
        name[len] = 0;
        k = lx_linux_name_to_nt(name, len, w, 300);
        if (k == -LX_EINVAL)
        {
            refused++;
            continue;
        }
        n++;
        m = k >= 0 ? lx_nt_name_to_linux(w, (size_t)k, back, sizeof(back)) : k;
        if (m != (int)len || memcmp(back, name, len) != 0)
            bad++;
        /* cased: the same name back, and nothing a case-folding file system could fold */
        k = lx_linux_name_to_nt_cased(name, len, w, 300);
        m = k >= 0 ? lx_nt_name_to_linux(w, (size_t)k, back, sizeof(back)) : k;
        if (k != (int)len || m != (int)len || memcmp(back, name, len) != 0)
            bad++;
        for (j = 0; k > 0 && j < (size_t)k; j++)
            bad += w[j] <= 0xF100 || w[j] > 0xF1FF;
        k = lx_linux_name_to_nt(name, len, w, 300);
        for (j = 0; k > 0 && j < (size_t)k; j++)
        {
            uint16_t u = w[j];
            if (u == 0 || u == '/' || u == '\\' || u == ':' || u == '*' || u == '?' ||
                u == '"' || u == '<' || u == '>' || u == '|' || u < 0x20)
                bad++;
        }
        if (k > 0 && (w[k - 1] == '.' || w[k - 1] == ' '))
            bad++;
    }
    tap_ok(bad == 0, "20000 random names: %d round-tripped, %d refused, %d bad", n, refused, bad);
}

/* A fake file system of symbolic links for lx_path_walk */
static const char *fake_links[][2] = {
    { "/lnk", "a/b" },
    { "/x/lnk", "/y/z" },
    { "/loop1", "/loop2" },
    { "/loop2", "/loop1" },
    { "/d/l", "../e" },
    { "/m", "/a/../b" },
    { "/home/u/lnk2", "/t" },
    { "/self", "." },
    { "/up", ".." },
    { "/deny", "@EACCES" },
};
static int fake_calls;

static int fake_readlink(void *ctx, const char *resolved, char *target, size_t size)
{
    size_t i;
    (void)ctx;
    fake_calls++;
    if (strncmp(resolved, "/chain", 6) == 0)
    {
        /* /chainN -> /chainN+1, up to /chain<limit> which is not a link */
        int n = atoi(resolved + 6), limit = *(int *)ctx;
        if (n >= limit)
            return -LX_EINVAL;
        snprintf(target, size, "/chain%d", n + 1);
        return (int)strlen(target);
    }
    if (strcmp(resolved, "/long") == 0)
    {
        memset(target, 'q', size - 1);
        target[0] = '/';
        target[size - 1] = 0;
        return (int)size - 1;
    }
    for (i = 0; i < sizeof(fake_links) / sizeof(fake_links[0]); i++)
    {
        if (strcmp(resolved, fake_links[i][0]) == 0)
        {
            if (strcmp(fake_links[i][1], "@EACCES") == 0)
                return -LX_EACCES;
            snprintf(target, size, "%s", fake_links[i][1]);
            return (int)strlen(target);
        }
    }
    if (strncmp(resolved, "/missing", 8) == 0)
        return -LX_ENOENT;
    if (strcmp(resolved, "/file") == 0)
        return -LX_ENOTDIR;     /* a regular file: neither a link nor a directory */
    return -LX_EINVAL;
}

static void check_walk(const char *base, const char *path, int follow, const char *want,
                       int want_rc, unsigned want_flags, const char *name)
{
    static char scratch[LX_WALK_SCRATCH];
    char walked[LX_PATH_MAX];
    unsigned flags = 99;
    int limit = 40;
    int rc = lx_path_walk(base, path, follow, walked, &flags, fake_readlink, &limit, scratch);
    int ok = want ? (rc == (int)strlen(want) && strcmp(walked, want) == 0 && flags == want_flags)
                  : rc == want_rc;
    tap_ok(ok, "walk %s: %s (got %d \"%s\")", name, want ? want : "error", rc,
           rc >= 0 ? walked : "");
}

static void test_is_under(void)
{
    tap_ok(lx_path_is_under("/proc", "/proc"), "is_under: the top itself");
    tap_ok(lx_path_is_under("/proc/self/exe", "/proc"), "is_under: below it");
    tap_ok(!lx_path_is_under("/procfs", "/proc"), "is_under: a longer name is not below it");
    tap_ok(!lx_path_is_under("/pro", "/proc"), "is_under: a prefix of it is not");
    tap_ok(lx_path_is_under("/dev/null/x", "/dev/null"), "is_under: below a device node");
}

static void test_walk(void)
{
    static char scratch[LX_WALK_SCRATCH];
    char walked[LX_PATH_MAX];
    int limit, rc, calls;

    check_walk("/", "a/b/../c", 1, "/a/c", 0, 0, "no links, lexical ..");
    check_walk("/", "/lnk/c", 1, "/a/b/c", 0, 0, "relative link in the middle");
    check_walk("/", "/x/lnk/..", 1, "/y", 0, 0, "link/.. is the parent of the target");
    check_walk("/", "/lnk", 0, "/lnk", 0, 0, "last component not followed");
    check_walk("/", "/lnk", 1, "/a/b", 0, 0, "last component followed");
    check_walk("/", "/lnk/", 0, "/a/b", 0, LX_PATH_TRAILING_SLASH, "trailing slash follows");
    check_walk("/", "/loop1", 1, NULL, -LX_ELOOP, 0, "link loop is ELOOP");
    check_walk("/", "/loop1/x", 0, NULL, -LX_ELOOP, 0, "loop in the middle is ELOOP");
    check_walk("/", "/d/l/f", 1, "/e/f", 0, 0, "relative ../ target");
    check_walk("/", "/m", 1, "/b", 0, 0, "absolute target with ..");
    check_walk("/home/u", "lnk2/x", 1, "/t/x", 0, 0, "relative path against the cwd");
    check_walk("/", "/self/self/k", 1, "/k", 0, 0, "link to .");
    check_walk("/", "/up/k", 1, "/k", 0, 0, "link to .. at the root stays at /");
    check_walk("/", "/missing/a/b", 1, "/missing/a/b", 0, 0, "missing components pass through");
    check_walk("/", "/deny/x", 1, NULL, -LX_EACCES, 0, "reader error aborts the walk");
    check_walk("/", "/file", 1, "/file", 0, 0, "a file as the last component");
    check_walk("/", "/file/x", 1, NULL, -LX_ENOTDIR, 0, "a file in the middle is ENOTDIR");
    check_walk("/", "/file/", 0, NULL, -LX_ENOTDIR, 0, "a file with a trailing slash is ENOTDIR");
    check_walk("/", "/self/file/x", 0, NULL, -LX_ENOTDIR, 0, "ENOTDIR after a link");
    check_walk("/", "/long/x", 1, NULL, -LX_ENAMETOOLONG, 0, "expansion beyond PATH_MAX");
    check_walk("/", "", 1, NULL, -LX_ENOENT, 0, "empty path ENOENT");
    check_walk(NULL, "rel", 1, NULL, -LX_EINVAL, 0, "relative path without base");

    calls = fake_calls;
    rc = lx_path_walk("/", "/proc/self/exe", 1, walked, NULL, fake_readlink, &limit, scratch);
    tap_ok(rc == 14 && fake_calls == calls, "/proc names are never looked up");

    limit = 40;
    rc = lx_path_walk("/", "/chain0", 1, walked, NULL, fake_readlink, &limit, scratch);
    tap_ok(rc > 0 && strcmp(walked, "/chain40") == 0, "40 links are followed");
    limit = 41;
    rc = lx_path_walk("/", "/chain0", 1, walked, NULL, fake_readlink, &limit, scratch);
    TAP_EQ(rc, -LX_ELOOP, "the 41st link is ELOOP");
}

int main(void)
{
    test_resolve();
    test_nt();
    test_round_trip();
    test_is_under();
    test_walk();
    return tap_done();
}
