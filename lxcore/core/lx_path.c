/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Linux path resolution and Linux <-> NT name translation (see lx_path.h)
 */

#include "lx_path.h"

int lx_path_resolve(const char *cwd, const char *path, char *out, size_t out_size,
                    unsigned *flags)
{
    size_t len = 0, plen, i;
    const char *parts[2];
    unsigned f = 0;
    int p;

    if (flags)
        *flags = 0;
    if (path == NULL || out == NULL || out_size < 2)
        return -LX_EINVAL;

    plen = 0;
    while (path[plen] && plen < LX_PATH_MAX)
        plen++;
    if (plen == 0)
        return -LX_ENOENT;
    if (plen >= LX_PATH_MAX)
        return -LX_ENAMETOOLONG;
    if (path[plen - 1] == '/')
        f |= LX_PATH_TRAILING_SLASH;

    if (path[0] != '/')
    {
        if (cwd == NULL || cwd[0] != '/')
            return -LX_EINVAL;
        parts[0] = cwd;
    }
    else
    {
        parts[0] = "";
    }
    parts[1] = path;

    out[0] = '/';
    len = 1;
    for (p = 0; p < 2; p++)
    {
        const char *s = parts[p];
        i = 0;
        for (;;)
        {
            size_t start, clen;

            while (s[i] == '/')
                i++;
            if (s[i] == '\0')
                break;
            start = i;
            while (s[i] != '/' && s[i] != '\0')
                i++;
            clen = i - start;
            if (clen > LX_NAME_MAX)
                return -LX_ENAMETOOLONG;
            if (clen == 1 && s[start] == '.')
                continue;
            if (clen == 2 && s[start] == '.' && s[start + 1] == '.')
            {
                /* drop the last component (never above "/") */
                if (len > 1)
                {
                    while (len > 1 && out[len - 1] != '/')
                        len--;
                    if (len > 1)
                        len--;      /* the separator, unless it is the root */
                }
                continue;
            }
            /* append "/" + component */
            if (len > 1)
            {
                if (len + 1 >= out_size || len + 1 >= LX_PATH_MAX)
                    return -LX_ENAMETOOLONG;
                out[len++] = '/';
            }
            if (len + clen >= out_size || len + clen >= LX_PATH_MAX)
                return -LX_ENAMETOOLONG;
            lx_copy(out + len, s + start, clen);
            len += clen;
        }
    }
    out[len] = '\0';
    if (flags)
        *flags = f;
    return (int)len;
}

static int lx_is_forbidden_ascii(uint32_t c)
{
    return (c >= 0x01 && c <= 0x1F) || c == '"' || c == '*' || c == ':' || c == '<' ||
           c == '>' || c == '?' || c == '\\' || c == '|';
}

/* Code points that lx_nt_name_to_linux() would decode as an escape. */
static int lx_is_escape_code_point(uint32_t cp)
{
    if (cp >= LX_ESCAPE_BASE && cp < LX_ESCAPE_BASE + 0x80)
    {
        uint32_t c = cp - LX_ESCAPE_BASE;
        return lx_is_forbidden_ascii(c) || c == '.' || c == ' ';
    }
    /* U+F101..U+F17F: an ASCII byte of a cased name; U+F180..U+F1FF: any other byte */
    return cp > LX_ESCAPE_BYTE_BASE && cp <= LX_ESCAPE_BYTE_BASE + 0xFF;
}

/* Decodes one UTF-8 sequence at s[0..len). Returns its length and sets *cp, or 0 if the byte
 * at s[0] does not start a valid (shortest-form, non-surrogate, <= U+10FFFF) sequence. */
static size_t lx_utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
    uint32_t c = s[0], v;
    size_t n, k;

    if (c < 0x80)
    {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF)
    {
        n = 2;
        v = c & 0x1F;
    }
    else if (c >= 0xE0 && c <= 0xEF)
    {
        n = 3;
        v = c & 0x0F;
    }
    else if (c >= 0xF0 && c <= 0xF4)
    {
        n = 4;
        v = c & 0x07;
    }
    else
    {
        return 0;
    }
    if (n > len)
        return 0;
    for (k = 1; k < n; k++)
    {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[k] & 0x3F);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10FFFF ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

int lx_linux_name_to_nt(const char *name, size_t len, uint16_t *out, size_t out_cap)
{
    const uint8_t *s = (const uint8_t *)name;
    size_t i = 0, n = 0;

    if (len > LX_NAME_MAX)
        return -LX_ENAMETOOLONG;
    while (i < len)
    {
        uint32_t cp;
        size_t k = lx_utf8_decode(s + i, len - i, &cp);

        if (k == 0)
        {
            cp = LX_ESCAPE_BYTE_BASE + s[i];
            k = 1;
        }
        else if (lx_is_escape_code_point(cp))
        {
            return -LX_EINVAL;
        }
        else if (cp < 0x80 && lx_is_forbidden_ascii(cp))
        {
            cp = LX_ESCAPE_BASE + cp;
        }
        else if ((cp == '.' || cp == ' ') && i + 1 == len)
        {
            cp = LX_ESCAPE_BASE + cp;
        }
        i += k;

        if (cp >= 0x10000)
        {
            if (n + 2 > out_cap || n + 2 > LX_NT_NAME_MAX)
                return -LX_ENAMETOOLONG;
            cp -= 0x10000;
            out[n++] = (uint16_t)(0xD800 + (cp >> 10));
            out[n++] = (uint16_t)(0xDC00 + (cp & 0x3FF));
        }
        else
        {
            if (n + 1 > out_cap || n + 1 > LX_NT_NAME_MAX)
                return -LX_ENAMETOOLONG;
            out[n++] = (uint16_t)cp;
        }
    }
    return (int)n;
}

int lx_linux_name_to_nt_cased(const char *name, size_t len, uint16_t *out, size_t out_cap)
{
    size_t i;
    int n = lx_linux_name_to_nt(name, len, out, out_cap);

    /* the same refusals; then one unit per byte, which NAME_MAX (255) bytes always fit */
    if (n < 0)
        return n;
    if (len > out_cap)
        return -LX_ENAMETOOLONG;
    for (i = 0; i < len; i++)
        out[i] = (uint16_t)(LX_ESCAPE_BYTE_BASE + (uint8_t)name[i]);
    return (int)len;
}

int lx_path_to_nt(const uint16_t *root, size_t root_len, const char *abs_path,
                  uint16_t *out, size_t out_cap, size_t *out_len)
{
    return lx_path_to_nt_cased(root, root_len, abs_path, NULL, NULL, out, out_cap, out_len);
}

int lx_path_to_nt_cased(const uint16_t *root, size_t root_len, const char *abs_path,
                        lx_cased_fn cased, void *ctx,
                        uint16_t *out, size_t out_cap, size_t *out_len)
{
    size_t n, i = 0;
    size_t cap = out_cap < LX_NT_PATH_MAX ? out_cap : LX_NT_PATH_MAX;

    if (abs_path == NULL || abs_path[0] != '/')
        return -LX_ENOENT;
    while (root_len > 0 && root[root_len - 1] == '\\')
        root_len--;
    if (root_len > cap)
        return -LX_ENAMETOOLONG;
    lx_copy(out, root, root_len * sizeof(uint16_t));
    n = root_len;

    for (;;)
    {
        size_t start, clen;
        int k;

        while (abs_path[i] == '/')
            i++;
        if (abs_path[i] == '\0')
            break;
        start = i;
        while (abs_path[i] != '/' && abs_path[i] != '\0')
            i++;
        clen = i - start;
        if (n + 1 > cap)
            return -LX_ENAMETOOLONG;
        out[n++] = '\\';
        if (cased != NULL && cased(ctx, abs_path, i))
            k = lx_linux_name_to_nt_cased(abs_path + start, clen, out + n, cap - n);
        else
            k = lx_linux_name_to_nt(abs_path + start, clen, out + n, cap - n);
        if (k < 0)
            return k;
        n += (size_t)k;
    }
    if (n == root_len)
    {
        /* "/" itself: the root directory with a trailing backslash, so that a volume
         * (\Device\HarddiskVolume1) opens as its root directory, not as the raw device */
        if (n + 1 > cap)
            return -LX_ENAMETOOLONG;
        out[n++] = '\\';
    }
    *out_len = n;
    return 0;
}

static size_t lx_utf8_encode(uint32_t cp, uint8_t *o)
{
    if (cp < 0x80)
    {
        o[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800)
    {
        o[0] = (uint8_t)(0xC0 | (cp >> 6));
        o[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000)
    {
        o[0] = (uint8_t)(0xE0 | (cp >> 12));
        o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (uint8_t)(0xF0 | (cp >> 18));
    o[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

int lx_nt_name_to_linux(const uint16_t *name, size_t len, char *out, size_t out_size)
{
    size_t i = 0, n = 0;

    while (i < len)
    {
        uint32_t cp = name[i++];
        uint8_t tmp[4];
        size_t k;

        if (cp >= 0xD800 && cp <= 0xDBFF && i < len && name[i] >= 0xDC00 && name[i] <= 0xDFFF)
        {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (name[i++] - 0xDC00u);
        }
        if (lx_is_escape_code_point(cp))
        {
            tmp[0] = (uint8_t)(cp >= LX_ESCAPE_BYTE_BASE ? cp - LX_ESCAPE_BYTE_BASE :
                                                           cp - LX_ESCAPE_BASE);
            k = 1;
        }
        else
        {
            k = lx_utf8_encode(cp, tmp);
        }
        if (n + k + 1 > out_size || n + k > LX_NAME_MAX)
            return -LX_ENAMETOOLONG;
        lx_copy(out + n, tmp, k);
        n += k;
    }
    if (n + 1 > out_size)
        return -LX_ENAMETOOLONG;
    out[n] = '\0';
    return (int)n;
}

int lx_path_is_under(const char *path, const char *top)
{
    while (*top)
    {
        if (*path++ != *top++)
            return 0;
    }
    return *path == '\0' || *path == '/';
}

/* "/proc", "/dev" and everything below them are lxcore's own names, never NT files */
static int lx_is_virtual(const char *p)
{
    return lx_path_is_under(p, "/proc") || lx_path_is_under(p, "/dev");
}

int lx_path_walk(const char *base, const char *path, int follow_last, char *out,
                 unsigned *flags, lx_readlink_fn readlink, void *ctx, char *scratch)
{
    char *pending = scratch;                /* what remains to be walked */
    char *target = scratch + LX_PATH_MAX;   /* a link's target, then the new pending */
    size_t cur, path_len, pos = 0;
    unsigned links = 0, path_flags = 0;
    int rc;

    if (flags)
        *flags = 0;
    if (path == NULL || out == NULL || scratch == NULL)
        return -LX_EINVAL;
    path_len = 0;
    while (path[path_len] && path_len < LX_PATH_MAX)
        path_len++;
    if (path_len == 0)
        return -LX_ENOENT;
    if (path_len >= LX_PATH_MAX)
        return -LX_ENAMETOOLONG;
    if (path[path_len - 1] == '/')
        path_flags |= LX_PATH_TRAILING_SLASH;
    lx_copy(pending, path, path_len + 1);

    if (path[0] == '/')
    {
        out[0] = '/';
        out[1] = '\0';
    }
    else
    {
        if (base == NULL || base[0] != '/')
            return -LX_EINVAL;
        rc = lx_path_resolve(NULL, base, out, LX_PATH_MAX, NULL);
        if (rc < 0)
            return rc;
    }
    cur = lx_strlen(out);

    for (;;)
    {
        size_t start, len, saved, look, tlen, rest;
        int last;

        while (pending[pos] == '/')
            pos++;
        if (pending[pos] == '\0')
            break;
        start = pos;
        while (pending[pos] != '/' && pending[pos] != '\0')
            pos++;
        len = pos - start;
        look = pos;
        while (pending[look] == '/')
            look++;
        last = pending[look] == '\0';
        if (len > LX_NAME_MAX)
            return -LX_ENAMETOOLONG;
        if (len == 1 && pending[start] == '.')
            continue;
        if (len == 2 && pending[start] == '.' && pending[start + 1] == '.')
        {
            while (cur > 1 && out[cur - 1] != '/')
                cur--;
            if (cur > 1)
                cur--;
            out[cur] = '\0';
            continue;
        }

        saved = cur;
        if (cur + 1 + len >= LX_PATH_MAX)
            return -LX_ENAMETOOLONG;
        if (cur > 1)
            out[cur++] = '/';
        lx_copy(out + cur, pending + start, len);
        cur += len;
        out[cur] = '\0';

        if (last && !follow_last && !(path_flags & LX_PATH_TRAILING_SLASH))
            continue;
        if (lx_is_virtual(out) || readlink == NULL)
            continue;

        rc = readlink(ctx, out, target, LX_PATH_MAX);
        if (rc == -LX_ENOTDIR && (!last || (path_flags & LX_PATH_TRAILING_SLASH)))
            return -LX_ENOTDIR;     /* a file where a directory must be: "file/x", "file/" */
        if (rc == -LX_EINVAL || rc == -LX_ENOENT || rc == -LX_ENOTDIR)
            continue;   /* not a link, or missing: the caller's open reports that */
        if (rc < 0)
            return rc;
        if (++links > LX_MAX_SYMLINKS)
            return -LX_ELOOP;

        /* pending = target + "/" + rest (built in 'target', then copied back) */
        tlen = (size_t)rc;
        rest = lx_strlen(pending + pos);
        if (tlen + 1 + rest >= LX_PATH_MAX)
            return -LX_ENAMETOOLONG;
        target[tlen] = '/';
        lx_copy(target + tlen + 1, pending + pos, rest + 1);
        lx_copy(pending, target, tlen + 1 + rest + 1);
        pos = 0;
        if (pending[0] == '/')
        {
            cur = 1;
            out[0] = '/';
            out[1] = '\0';
        }
        else
        {
            cur = saved;
            out[cur] = '\0';
        }
    }

    if (cur == 0)
    {
        out[0] = '/';
        out[1] = '\0';
        cur = 1;
    }
    if (flags)
        *flags = path_flags;
    return (int)cur;
}
