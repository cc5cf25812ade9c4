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
 *     lx_nt_name_to_linux() undoes that. The mapping is one-to-one because a Linux name that
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
 * 'out' (out_cap UTF-16 units, not NUL-terminated). A trailing backslash of root is ignored;
 * "/" gives root itself. Returns 0 and the length in *out_len, or -LX_ENAMETOOLONG,
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

#endif /* LX_PATH_H */
