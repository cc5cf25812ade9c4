/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Linux credentials (lx_cred.h)
 */

#include "lx_cred.h"
#include "lx_errno.h"

/* Whether an unprivileged caller may set an id to Id: one of its current ids */
static int lx_id_allowed(const lx_ids *ids, uint32_t id)
{
    return id == LX_ID_KEEP || id == ids->real || id == ids->effective || id == ids->saved;
}

int lx_ids_setres(lx_ids *ids, int privileged, uint32_t real, uint32_t effective, uint32_t saved)
{
    if (!privileged &&
        (!lx_id_allowed(ids, real) || !lx_id_allowed(ids, effective) || !lx_id_allowed(ids, saved)))
        return -LX_EPERM;
    if (real != LX_ID_KEEP)
        ids->real = real;
    if (effective != LX_ID_KEEP)
        ids->effective = effective;
    if (saved != LX_ID_KEEP)
        ids->saved = saved;
    ids->fs = ids->effective;
    return 0;
}

int lx_ids_setre(lx_ids *ids, int privileged, uint32_t real, uint32_t effective)
{
    lx_ids next = *ids;

    if (real != LX_ID_KEEP)
    {
        /* the real id may become the effective one, or stay */
        if (!privileged && real != ids->real && real != ids->effective)
            return -LX_EPERM;
        next.real = real;
    }
    if (effective != LX_ID_KEEP)
    {
        if (!privileged && !lx_id_allowed(ids, effective))
            return -LX_EPERM;
        next.effective = effective;
    }
    /* a new real id, or an effective id other than the old real one, is saved */
    if (real != LX_ID_KEEP || (effective != LX_ID_KEEP && effective != ids->real))
        next.saved = next.effective;
    next.fs = next.effective;
    *ids = next;
    return 0;
}

int lx_ids_set(lx_ids *ids, int privileged, uint32_t id)
{
    if (id == LX_ID_KEEP)
        return -LX_EINVAL;
    if (privileged)
    {
        ids->real = ids->effective = ids->saved = ids->fs = id;
        return 0;
    }
    if (id != ids->real && id != ids->saved)
        return -LX_EPERM;
    ids->effective = ids->fs = id;
    return 0;
}

void lx_ids_exec(lx_ids *user, lx_ids *group, uint32_t mode, uint32_t uid, uint32_t gid)
{
    if (mode & 04000)
        user->effective = user->fs = uid;
    if ((mode & 02010) == 02010)
        group->effective = group->fs = gid;
    user->saved = user->effective;
    group->saved = group->effective;
}

int lx_groups_set(lx_groups *groups, const uint32_t *list, uint32_t count)
{
    uint32_t i, j;

    if (count > LX_NGROUPS)
        return -LX_EINVAL;
    for (i = 0; i < count; i++)
    {
        uint32_t gid = list[i];

        /* insertion sort: a few dozen at most */
        for (j = i; j > 0 && groups->gid[j - 1] > gid; j--)
            groups->gid[j] = groups->gid[j - 1];
        groups->gid[j] = gid;
    }
    groups->count = count;
    return 0;
}

int lx_in_group(uint32_t fsgid, const lx_groups *groups, uint32_t gid)
{
    uint32_t low = 0, high;

    if (gid == fsgid)
        return 1;
    if (groups == NULL)
        return 0;
    high = groups->count;
    while (low < high)
    {
        uint32_t mid = low + (high - low) / 2;

        if (groups->gid[mid] == gid)
            return 1;
        if (groups->gid[mid] < gid)
            low = mid + 1;
        else
            high = mid;
    }
    return 0;
}

int lx_may_access(uint32_t fsuid, uint32_t fsgid, const lx_groups *groups, uint32_t mode,
                  uint32_t uid, uint32_t gid, uint32_t want)
{
    uint32_t bits;

    if (fsuid == 0)
    {
        /* execute needs some execute bit, except to search a directory */
        if ((want & LX_MAY_EXEC) && (mode & 0170000) != 0040000 && !(mode & 0111))
            return -LX_EACCES;
        return 0;
    }
    if (fsuid == uid)
        bits = (mode >> 6) & 7;
    else if (lx_in_group(fsgid, groups, gid))
        bits = (mode >> 3) & 7;
    else
        bits = mode & 7;
    return (bits & want) == want ? 0 : -LX_EACCES;
}
