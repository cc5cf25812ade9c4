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

#define LX_MAY_EXEC     1
#define LX_MAY_WRITE    2
#define LX_MAY_READ     4

/* Linux's generic_permission for a file of this mode and owner: the owner's bits for its
 * owner, the group's for a member of its group (the file-system gid: no supplementary
 * groups), the others' for the rest. File-system uid 0 may read and write anything and
 * search any directory, and execute a file with any execute bit (CAP_DAC_OVERRIDE).
 * Want is LX_MAY_* bits. 0 or -EACCES. */
int lx_may_access(uint32_t fsuid, uint32_t fsgid, uint32_t mode, uint32_t uid, uint32_t gid,
                  uint32_t want);

#endif /* LX_CRED_H */
