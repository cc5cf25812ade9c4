/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: user and group identity: real, effective and saved ids and
 *              their setters, with Linux's rules (core/lx_cred.c); every process starts as
 *              root, uid 0 / gid 0
 */

#include "lxsys.h"

static
PLX_PROCESS
LxIdentityProcess(VOID)
{
    return LxCurrentProcess();
}

#define LX_CRED_USER(Process)    (&(Process)->Cred.User)
#define LX_CRED_GROUP(Process)   (&(Process)->Cred.Group)

LONG NTAPI LxSysGetuid(VOID) { return (LONG)(USHORT)LxIdentityProcess()->Cred.User.real; }
LONG NTAPI LxSysGeteuid(VOID) { return (LONG)(USHORT)LxIdentityProcess()->Cred.User.effective; }
LONG NTAPI LxSysGetgid(VOID) { return (LONG)(USHORT)LxIdentityProcess()->Cred.Group.real; }
LONG NTAPI LxSysGetegid(VOID) { return (LONG)(USHORT)LxIdentityProcess()->Cred.Group.effective; }
LONG NTAPI LxSysGetuid32(VOID) { return (LONG)LxIdentityProcess()->Cred.User.real; }
LONG NTAPI LxSysGeteuid32(VOID) { return (LONG)LxIdentityProcess()->Cred.User.effective; }
LONG NTAPI LxSysGetgid32(VOID) { return (LONG)LxIdentityProcess()->Cred.Group.real; }
LONG NTAPI LxSysGetegid32(VOID) { return (LONG)LxIdentityProcess()->Cred.Group.effective; }

/* A 16-bit id of the old calls: (old_uid_t)-1 means "keep", as -1 for the 32-bit ones */
static
ULONG
LxWideId(
    _In_ USHORT Id)
{
    return Id == 0xFFFF ? LX_ID_KEEP : Id;
}

/* The setters: the caller's effective uid 0 is the privilege (CAP_SETUID, CAP_SETGID) */
static
LONG
LxSetRes(
    _In_ BOOLEAN Group,
    _In_ ULONG Real,
    _In_ ULONG Effective,
    _In_ ULONG Saved)
{
    PLX_PROCESS Process = LxIdentityProcess();

    return lx_ids_setres(Group ? LX_CRED_GROUP(Process) : LX_CRED_USER(Process),
                         Process->Cred.User.effective == 0, Real, Effective, Saved);
}

static
LONG
LxSetRe(
    _In_ BOOLEAN Group,
    _In_ ULONG Real,
    _In_ ULONG Effective)
{
    PLX_PROCESS Process = LxIdentityProcess();

    return lx_ids_setre(Group ? LX_CRED_GROUP(Process) : LX_CRED_USER(Process),
                        Process->Cred.User.effective == 0, Real, Effective);
}

static
LONG
LxSetOne(
    _In_ BOOLEAN Group,
    _In_ ULONG Id)
{
    PLX_PROCESS Process = LxIdentityProcess();

    return lx_ids_set(Group ? LX_CRED_GROUP(Process) : LX_CRED_USER(Process),
                      Process->Cred.User.effective == 0, Id);
}

LONG NTAPI LxSysSetuid(LX_OLD_UID Uid) { return LxSetOne(FALSE, LxWideId(Uid)); }
LONG NTAPI LxSysSetgid(LX_OLD_GID Gid) { return LxSetOne(TRUE, LxWideId(Gid)); }
LONG NTAPI LxSysSetuid32(LX_UID Uid) { return LxSetOne(FALSE, Uid); }
LONG NTAPI LxSysSetgid32(LX_GID Gid) { return LxSetOne(TRUE, Gid); }

LONG NTAPI LxSysSetreuid(LX_OLD_UID Ruid, LX_OLD_UID Euid)
{
    return LxSetRe(FALSE, LxWideId(Ruid), LxWideId(Euid));
}

LONG NTAPI LxSysSetregid(LX_OLD_GID Rgid, LX_OLD_GID Egid)
{
    return LxSetRe(TRUE, LxWideId(Rgid), LxWideId(Egid));
}

LONG NTAPI LxSysSetreuid32(LX_UID Ruid, LX_UID Euid) { return LxSetRe(FALSE, Ruid, Euid); }
LONG NTAPI LxSysSetregid32(LX_GID Rgid, LX_GID Egid) { return LxSetRe(TRUE, Rgid, Egid); }

LONG NTAPI LxSysSetresuid(LX_OLD_UID Ruid, LX_OLD_UID Euid, LX_OLD_UID Suid)
{
    return LxSetRes(FALSE, LxWideId(Ruid), LxWideId(Euid), LxWideId(Suid));
}

LONG NTAPI LxSysSetresgid(LX_OLD_GID Rgid, LX_OLD_GID Egid, LX_OLD_GID Sgid)
{
    return LxSetRes(TRUE, LxWideId(Rgid), LxWideId(Egid), LxWideId(Sgid));
}

LONG NTAPI LxSysSetresuid32(LX_UID Ruid, LX_UID Euid, LX_UID Suid)
{
    return LxSetRes(FALSE, Ruid, Euid, Suid);
}

LONG NTAPI LxSysSetresgid32(LX_GID Rgid, LX_GID Egid, LX_GID Sgid)
{
    return LxSetRes(TRUE, Rgid, Egid, Sgid);
}

/* getresuid / getresgid: the real, effective and saved ids */
static
LONG
LxPutResIds(
    _In_ const lx_ids *Ids,
    _In_ ULONG_PTR Real,
    _In_ ULONG_PTR Effective,
    _In_ ULONG_PTR Saved)
{
    LONG Result;

    Result = LxCopyToUser(Real, &Ids->real, sizeof(Ids->real));
    if (Result == 0)
        Result = LxCopyToUser(Effective, &Ids->effective, sizeof(Ids->effective));
    if (Result == 0)
        Result = LxCopyToUser(Saved, &Ids->saved, sizeof(Ids->saved));
    return Result;
}

LONG
NTAPI
LxSysGetresuid32(
    LX_UID *Ruid,
    LX_UID *Euid,
    LX_UID *Suid)
{
    return LxPutResIds(LX_CRED_USER(LxIdentityProcess()), (ULONG_PTR)Ruid, (ULONG_PTR)Euid,
                       (ULONG_PTR)Suid);
}

LONG
NTAPI
LxSysGetresgid32(
    LX_GID *Rgid,
    LX_GID *Egid,
    LX_GID *Sgid)
{
    return LxPutResIds(LX_CRED_GROUP(LxIdentityProcess()), (ULONG_PTR)Rgid, (ULONG_PTR)Egid,
                       (ULONG_PTR)Sgid);
}

/*
 * Supplementary groups (core/lx_cred.c keeps them sorted): getgroups gives their number for a
 * size of 0, else copies them (EINVAL when they do not fit); setgroups needs effective uid 0
 * (CAP_SETGID) and takes up to LX_NGROUPS. The 16-bit calls give a gid above 65535 as 65534
 * (overflowgid), as Linux's.
 */
static
LONG
LxGetGroups(
    _In_ LONG Size,
    _In_ ULONG_PTR List,
    _In_ BOOLEAN Old)
{
    const lx_groups *Groups = &LxIdentityProcess()->Cred.Groups;
    ULONG i;
    LONG Result = 0;

    if (Size < 0)
        return -LX_EINVAL;
    if (Size == 0)
        return (LONG)Groups->count;
    if ((ULONG)Size < Groups->count)
        return -LX_EINVAL;
    for (i = 0; i < Groups->count && Result == 0; i++)
    {
        USHORT Short = Groups->gid[i] > 0xFFFF ? 65534 : (USHORT)Groups->gid[i];

        Result = Old ? LxCopyToUser(List + i * sizeof(Short), &Short, sizeof(Short)) :
                       LxCopyToUser(List + i * sizeof(ULONG), &Groups->gid[i], sizeof(ULONG));
    }
    return Result < 0 ? Result : (LONG)Groups->count;
}

static
LONG
LxSetGroups(
    _In_ LONG Size,
    _In_ ULONG_PTR List,
    _In_ BOOLEAN Old)
{
    PLX_PROCESS Process = LxIdentityProcess();
    uint32_t Gids[LX_NGROUPS];
    ULONG i;
    LONG Result = 0;

    if (Process->Cred.User.effective != 0)
        return -LX_EPERM;
    if (Size < 0 || Size > LX_NGROUPS)
        return -LX_EINVAL;
    for (i = 0; i < (ULONG)Size && Result == 0; i++)
    {
        USHORT Short;

        if (Old)
        {
            Result = LxCopyFromUser(&Short, List + i * sizeof(Short), sizeof(Short));
            Gids[i] = LxWideId(Short);
        }
        else
        {
            Result = LxCopyFromUser(&Gids[i], List + i * sizeof(Gids[i]), sizeof(Gids[i]));
        }
    }
    if (Result < 0)
        return Result;
    return lx_groups_set(&Process->Cred.Groups, Gids, (ULONG)Size);
}

LONG
NTAPI
LxSysGetgroups32(
    LONG Gidsetsize,
    LX_GID *Grouplist)
{
    return LxGetGroups(Gidsetsize, (ULONG_PTR)Grouplist, FALSE);
}

LONG
NTAPI
LxSysSetgroups32(
    LONG Gidsetsize,
    LX_GID *Grouplist)
{
    return LxSetGroups(Gidsetsize, (ULONG_PTR)Grouplist, FALSE);
}


LONG
NTAPI
LxSysGetgroups(
    LONG Gidsetsize,
    LX_OLD_GID *Grouplist)
{
    return LxGetGroups(Gidsetsize, (ULONG_PTR)Grouplist, TRUE);
}

LONG
NTAPI
LxSysSetgroups(
    LONG Gidsetsize,
    LX_OLD_GID *Grouplist)
{
    return LxSetGroups(Gidsetsize, (ULONG_PTR)Grouplist, TRUE);
}
