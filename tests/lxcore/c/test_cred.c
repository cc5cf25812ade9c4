/* lxcore/core/lx_cred.c: setresuid, setreuid and setuid rules for root and for others,
 * against the results Linux's kernel/sys.c gives. */
#include <stdio.h>

#include "lx_cred.h"
#include "lx_errno.h"
#include "tap.h"

static int same(const lx_ids *ids, uint32_t r, uint32_t e, uint32_t s)
{
    return ids->real == r && ids->effective == e && ids->saved == s && ids->fs == e;
}

int main(void)
{
    lx_ids ids;

    ids = (lx_ids){ 0, 0, 0, 0 };
    tap_ok(lx_ids_setres(&ids, 1, 1000, 1000, 1000) == 0 && same(&ids, 1000, 1000, 1000), "root: setresuid to anything");
    tap_ok(lx_ids_setres(&ids, 0, 0, LX_ID_KEEP, LX_ID_KEEP) == -LX_EPERM && same(&ids, 1000, 1000, 1000), "user: setresuid to root is EPERM, nothing changes");
    ids = (lx_ids){ 1000, 0, 0, 0 };
    tap_ok(lx_ids_setres(&ids, 1, LX_ID_KEEP, 1000, LX_ID_KEEP) == 0 && same(&ids, 1000, 1000, 0), "setuid program: drop the effective id, keep the saved root");
    tap_ok(lx_ids_setres(&ids, 0, LX_ID_KEEP, 0, LX_ID_KEEP) == 0 && same(&ids, 1000, 0, 0), "and take it back from the saved id");
    ids = (lx_ids){ 1000, 1000, 1000, 1000 };
    tap_ok(lx_ids_set(&ids, 0, 2000) == -LX_EPERM, "user: setuid to another id is EPERM");
    ids = (lx_ids){ 1000, 0, 0, 0 };
    tap_ok(lx_ids_set(&ids, 1, 1000) == 0 && same(&ids, 1000, 1000, 1000), "root: setuid sets real, effective and saved");
    ids = (lx_ids){ 1000, 2000, 3000, 2000 };
    tap_ok(lx_ids_set(&ids, 0, 3000) == 0 && same(&ids, 1000, 3000, 3000), "user: setuid to the saved id sets the effective one only");
    ids = (lx_ids){ 1000, 2000, 2000, 2000 };
    tap_ok(lx_ids_setre(&ids, 0, 2000, 1000) == 0 && same(&ids, 2000, 1000, 1000), "user: setreuid swaps real and effective, saving the new effective");
    tap_ok(lx_ids_setre(&ids, 0, 3000, LX_ID_KEEP) == -LX_EPERM, "user: setreuid to an unrelated real id is EPERM");
    tap_ok(lx_ids_set(&ids, 1, LX_ID_KEEP) == -LX_EINVAL, "setuid(-1) is EINVAL");

    tap_ok(lx_may_access(0, 0, NULL, 0100000, 5, 5, LX_MAY_READ | LX_MAY_WRITE) == 0, "root reads and writes a file of mode 0");
    tap_ok(lx_may_access(0, 0, NULL, 0100644, 0, 0, LX_MAY_EXEC) == -LX_EACCES, "root may not execute a file with no execute bit");
    tap_ok(lx_may_access(0, 0, NULL, 0100001, 5, 5, LX_MAY_EXEC) == 0, "root executes a file with any execute bit");
    tap_ok(lx_may_access(0, 0, NULL, 0040000, 5, 5, LX_MAY_EXEC) == 0, "root searches a directory of mode 0");
    tap_ok(lx_may_access(1000, 100, NULL, 0100406, 1000, 100, LX_MAY_READ) == 0 &&
           lx_may_access(1000, 100, NULL, 0100406, 1000, 100, LX_MAY_WRITE) == -LX_EACCES,
           "the owner gets the owner's bits only (r--), not the others' rw-");
    tap_ok(lx_may_access(1000, 100, NULL, 0100460, 1000, 100, LX_MAY_WRITE) == -LX_EACCES,
           "the owner is refused what the group may (Linux does not fall through)");
    tap_ok(lx_may_access(1001, 100, NULL, 0100460, 1000, 100, LX_MAY_WRITE) == 0, "a member of the group gets the group's bits");
    tap_ok(lx_may_access(1001, 101, NULL, 0100664, 1000, 100, LX_MAY_READ | LX_MAY_WRITE) == -LX_EACCES &&
           lx_may_access(1001, 101, NULL, 0100664, 1000, 100, LX_MAY_READ) == 0, "anyone else gets the others' bits");
    tap_ok(lx_may_access(1001, 101, NULL, 0040775, 1000, 100, LX_MAY_WRITE | LX_MAY_EXEC) == -LX_EACCES,
           "an outsider may not create in a 0775 directory");

    lx_groups groups;
    uint32_t list[] = { 300, 7, 100, 42 };
    tap_ok(lx_groups_set(&groups, list, 4) == 0 && groups.count == 4 && groups.gid[0] == 7 &&
           groups.gid[1] == 42 && groups.gid[2] == 100 && groups.gid[3] == 300,
           "setgroups keeps the groups sorted");
    tap_ok(lx_in_group(5, &groups, 5) && lx_in_group(5, &groups, 42) && lx_in_group(5, &groups, 300) &&
           !lx_in_group(5, &groups, 41) && !lx_in_group(5, NULL, 42),
           "in_group: the file-system gid or a supplementary group");
    tap_ok(lx_may_access(1001, 101, &groups, 0100460, 1000, 100, LX_MAY_WRITE) == 0 &&
           lx_may_access(1001, 101, &groups, 0100460, 1000, 99, LX_MAY_WRITE) == -LX_EACCES,
           "a supplementary group gives the group's bits");
    uint32_t many[LX_NGROUPS + 1] = { 0 };
    tap_ok(lx_groups_set(&groups, many, LX_NGROUPS) == 0 &&
           lx_groups_set(&groups, many, LX_NGROUPS + 1) == -LX_EINVAL && groups.count == LX_NGROUPS,
           "more than LX_NGROUPS groups: EINVAL, the old ones stay");
    tap_ok(lx_groups_set(&groups, many, 0) == 0 && groups.count == 0, "setgroups(0) drops them all");

    lx_ids user = { 1000, 1000, 1000, 1000 }, group = { 100, 100, 100, 100 };
    lx_ids_exec(&user, &group, 0104755, 0, 0);
    tap_ok(same(&user, 1000, 0, 0) && group.effective == 100 && group.saved == 100,
           "exec of a set-user-ID root program: effective and saved uid 0, the gids stay");
    user = (lx_ids){ 1000, 1000, 1000, 1000 };
    lx_ids_exec(&user, &group, 0102755, 0, 42);
    tap_ok(same(&user, 1000, 1000, 1000) && group.real == 100 && group.effective == 42 && group.saved == 42 &&
           group.fs == 42, "set-group-ID with group execute: effective and saved gid the file's");
    group = (lx_ids){ 100, 100, 7, 100 };
    lx_ids_exec(&user, &group, 0102745, 0, 42);
    tap_ok(group.effective == 100 && group.saved == 100, "set-group-ID without group execute: no change, saved = effective");
    return tap_done();
}
