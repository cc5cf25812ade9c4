/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Linux path -> NT path translation
 *
 * Two steps:
 *  1. lx_path_resolve(): lexical resolution of a Linux path against the cwd: repeated slashes,
 *     "." and ".." (".." at "/" stays at "/"), Linux limits (PATH_MAX 4096 with the NUL,
 *     NAME_MAX 255 bytes per component -> -ENAMETOOLONG), empty path -> -ENOENT.
 *     ".." is resolved lexically: symbolic links are the VFS's business, which calls this
 *     again after substituting a link's target.
 *  2. lx_path_to_nt(): prefixes the NT directory that stands for "/" and converts every
 *     component from UTF-8 to UTF-16, escaping what NT file names cannot hold:
 *       - bytes 0x01..0x1F and  " * : < > ? \ |  ->  U+F000 + byte
 *       - a trailing '.' or ' ' of a component  ->  U+F02E / U+F020 (FAT and NTFS strip them)
 *       - a byte that is not part of valid UTF-8 (Linux names are bytes)  ->  U+F100 + byte
 *     A name stored "cased" has every byte escaped to U+F100 + byte (lx_linux_name_to_nt_cased):
 *     on a file system that folds case (FAT), such a name matches no other, so two Linux names
 *     that differ only in case can both be stored. Which names are stored so is the caller's
 *     knowledge (the metadata journal), asked per component by lx_path_to_nt_cased().
 *     lx_nt_name_to_linux() undoes all of that. The mapping is one-to-one because a Linux name that
 *     already contains one of those private-use code points is refused with -EINVAL.
 *     Limits: 255 UTF-16 units per component, 32767 units in all (UNICODE_STRING) ->
 *     -ENAMETOOLONG.
 */

#ifndef LX_PATH_H
#define LX_PATH_H

#include "lx_types.h"

#define LX_PATH_MAX             4096    /* bytes, including the terminating NUL */
#define LX_NAME_MAX             255     /* bytes per Linux path component */
#define LX_NT_NAME_MAX          255     /* UTF-16 units per NT file name component */
#define LX_NT_PATH_MAX          32767   /* UTF-16 units in a UNICODE_STRING */

#define LX_PATH_TRAILING_SLASH  0x1     /* the path ended in '/' (must name a directory) */

#define LX_ESCAPE_BASE          0xF000u /* forbidden ASCII character c -> LX_ESCAPE_BASE + c */
#define LX_ESCAPE_BYTE_BASE     0xF100u /* invalid UTF-8 byte b -> LX_ESCAPE_BYTE_BASE + b */

/* Resolves 'path' against 'cwd' (an absolute, already resolved Linux path; may be NULL when
 * path is absolute) into 'out' (NUL-terminated, always absolute, no "." / ".." / "//" and no
 * trailing slash except for "/"). Returns the length of out, or -LX_ENOENT (empty path),
 * -LX_ENAMETOOLONG, -LX_EINVAL (relative path with no cwd). *flags gets LX_PATH_*. */
int lx_path_resolve(const char *cwd, const char *path, char *out, size_t out_size,
                    unsigned *flags);

/* Builds root + "\" + escaped components of 'abs_path' (a resolved absolute Linux path) in
 * 'out' (out_cap UTF-16 units, not NUL-terminated). Trailing backslashes of root are ignored;
 * "/" gives root + "\" (a volume's root directory, not the volume). Returns 0 and the length
 * in *out_len, or -LX_ENAMETOOLONG,
 * -LX_EINVAL (a name holds an escape code point), -LX_ENOENT (abs_path not absolute). */
int lx_path_to_nt(const uint16_t *root, size_t root_len, const char *abs_path,
                  uint16_t *out, size_t out_cap, size_t *out_len);

/* Converts one NT file name (UTF-16, 'len' units) back into a Linux name (UTF-8, undoing the
 * escapes) in 'out' with a NUL. Returns the byte length or -LX_ENAMETOOLONG. Unpaired
 * surrogates are written as their 3-byte (WTF-8) forms. */
int lx_nt_name_to_linux(const uint16_t *name, size_t len, char *out, size_t out_size);

/* Converts one Linux name component (bytes, 'len' of them) into an escaped NT name.
 * Returns the number of UTF-16 units, or -LX_ENAMETOOLONG / -LX_EINVAL. */
int lx_linux_name_to_nt(const char *name, size_t len, uint16_t *out, size_t out_cap);

/* The same, cased: every byte becomes U+F100 + byte. The same refusals as
 * lx_linux_name_to_nt (a name holding an escape code point, one over NAME_MAX bytes). */
int lx_linux_name_to_nt_cased(const char *name, size_t len, uint16_t *out, size_t out_cap);

/* Whether the component of abs_path that ends at byte 'end' (abs_path[0..end) is the path up
 * to and including it) is stored cased. */
typedef int (*lx_cased_fn)(void *ctx, const char *abs_path, size_t end);

/* lx_path_to_nt, storing the components 'cased' says so of with lx_linux_name_to_nt_cased
 * ('cased' NULL: none). */
int lx_path_to_nt_cased(const uint16_t *root, size_t root_len, const char *abs_path,
                        lx_cased_fn cased, void *ctx,
                        uint16_t *out, size_t out_cap, size_t *out_len);

/* Whether the resolved path 'path' is 'top' or lies below it ("/proc" for "/proc/self"). */
int lx_path_is_under(const char *path, const char *top);

/* Reads a symbolic link for lx_path_walk: returns the target's length (target NUL-terminated)
 * when 'resolved' is a link, -LX_EINVAL when it is not (a directory, or not known), -LX_ENOTDIR
 * when it is neither a link nor a directory (the walk then fails with -LX_ENOTDIR if more
 * components or a trailing slash follow), -LX_ENOENT when it does not exist, another -errno
 * to abort the walk. */
typedef int (*lx_readlink_fn)(void *ctx, const char *resolved, char *target, size_t target_size);

#define LX_MAX_SYMLINKS         40
#define LX_WALK_SCRATCH         (2 * LX_PATH_MAX)

/* Resolves 'path' against 'base' (absolute, resolved) component by component, asking
 * 'readlink' about every component reached (the last one only when follow_last or the path
 * ends in '/'), and substituting link targets as Linux does: "link/.." is the parent of the
 * link's target, an absolute target restarts at "/", at most LX_MAX_SYMLINKS links
 * (-LX_ELOOP). /proc, /dev and names below them are never asked about. 'scratch' is
 * LX_WALK_SCRATCH bytes. Returns the length of 'out' (LX_PATH_MAX bytes) or -errno. */
int lx_path_walk(const char *base, const char *path, int follow_last, char *out,
                 unsigned *flags, lx_readlink_fn readlink, void *ctx, char *scratch);

#endif /* LX_PATH_H */
