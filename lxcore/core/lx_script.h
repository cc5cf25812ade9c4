/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     "#!" scripts as Linux's binfmt_script reads them
 */

#ifndef LX_SCRIPT_H
#define LX_SCRIPT_H

#include "lx_types.h"

#define LX_SCRIPT_HEAD      256     /* bytes of the file looked at (BINPRM_BUF_SIZE) */
#define LX_SCRIPT_DEPTH     4       /* interpreters that are scripts themselves (ELOOP after) */

/*
 * Parses the first LX_SCRIPT_HEAD bytes of a file (zero-filled past its end, as Linux reads
 * them) as a "#!" line: the interpreter is the first word after "#!" (spaces and tabs
 * skipped; a word ends at a space, tab or NUL), and what follows it up to the end of the
 * line, trimmed, is one optional argument (up to a NUL). Without a newline in the head the
 * line is the first 255 bytes, and counts only if the interpreter's name ends inside them.
 * Returns 0 with the interpreter at head + *interp (*interp_len bytes) and the argument at
 * head + *arg (*arg_len bytes, 0: none), or -LX_ENOEXEC: not a script, or no (whole)
 * interpreter name.
 */
int lx_script_parse(const char head[LX_SCRIPT_HEAD], size_t *interp, size_t *interp_len,
                    size_t *arg, size_t *arg_len);

#endif /* LX_SCRIPT_H */
