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
#define LX_NGROUPS  64          /* supplementary groups a process may have (Linux: 65536) */

typedef struct lx_ids
{
    uint32_t real, effective, saved, fs;
} lx_ids;

/* The ids a program runs with after exec, as Linux's bprm_fill_uid and
 * cap_bprm_creds_from_file: a set-user-ID program (Mode, owned by Uid) makes its owner the
 * effective and file-system uid, a set-group-ID one with group execute its group (Gid) the
 * effective and file-system gid; the saved ids are then the effective ones. */
void lx_ids_exec(lx_ids *user, lx_ids *group, uint32_t mode, uint32_t uid, uint32_t gid);

/* supplementary groups, ascending (as Linux's groups_sort keeps them) */
typedef struct lx_groups
{
    uint32_t count;
    uint32_t gid[LX_NGROUPS];
} lx_groups;

/* setgroups: Count gids from List, sorted; -EINVAL past LX_NGROUPS (Linux's NGROUPS_MAX is
 * larger: a partial limit). The caller checks the privilege. */
int lx_groups_set(lx_groups *groups, const uint32_t *list, uint32_t count);
/* Linux's in_group_p: Gid is the file-system gid or one of the supplementary groups */
int lx_in_group(uint32_t fsgid, const lx_groups *groups, uint32_t gid);

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
 * owner, the group's for a member of its group (the file-system gid or a supplementary
 * group: Groups, which may be NULL), the others' for the rest. File-system uid 0 may read and write anything and
 * search any directory, and execute a file with any execute bit (CAP_DAC_OVERRIDE).
 * Want is LX_MAY_* bits. 0 or -EACCES. */
int lx_may_access(uint32_t fsuid, uint32_t fsgid, const lx_groups *groups, uint32_t mode,
                  uint32_t uid, uint32_t gid, uint32_t want);

#endif /* LX_CRED_H */
