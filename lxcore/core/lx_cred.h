/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Linux credentials: real, effective, saved and file-system user and group ids,
 *              and the rules of setuid, setreuid and setresuid (and their gid twins)
 *
 * As Linux's kernel/sys.c: a caller with effective uid 0 (CAP_SETUID/CAP_SETGID, which root
 * has) may set any id; any other may only set an id to one of its current real, effective
 * or saved ids. The file-system id follows the effective id. -1 (LX_ID_KEEP) leaves an id
 * as it is.
 */

#ifndef LX_CRED_H
#define LX_CRED_H

#include "lx_types.h"

#define LX_ID_KEEP  0xFFFFFFFFu

typedef struct lx_ids
{
    uint32_t real, effective, saved, fs;
} lx_ids;

/* setresuid/setresgid on Ids; Privileged: the caller's effective uid is 0. 0 or -EPERM. */
int lx_ids_setres(lx_ids *ids, int privileged, uint32_t real, uint32_t effective, uint32_t saved);
/* setreuid/setregid: a new real id saves the new effective id as Linux does. 0 or -EPERM. */
int lx_ids_setre(lx_ids *ids, int privileged, uint32_t real, uint32_t effective);
/* setuid/setgid: privileged, all of real, effective and saved; else the effective one only
 * (to the real or saved id). 0 or -EPERM (-EINVAL for -1). */
int lx_ids_set(lx_ids *ids, int privileged, uint32_t id);

#endif /* LX_CRED_H */
