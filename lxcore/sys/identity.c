/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: user and group identity (every Linux process runs as root,
 *              uid 0 / gid 0, for now)
 */

#include "lxsys.h"

static
PLX_PROCESS
LxIdentityProcess(VOID)
{
    return LxCurrentProcess();
}

LONG NTAPI LxSysGetuid(VOID) { return (LONG)(USHORT)LxIdentityProcess()->Cred.Uid; }
LONG NTAPI LxSysGeteuid(VOID) { return (LONG)(USHORT)LxIdentityProcess()->Cred.Uid; }
LONG NTAPI LxSysGetgid(VOID) { return (LONG)(USHORT)LxIdentityProcess()->Cred.Gid; }
LONG NTAPI LxSysGetegid(VOID) { return (LONG)(USHORT)LxIdentityProcess()->Cred.Gid; }
LONG NTAPI LxSysGetuid32(VOID) { return (LONG)LxIdentityProcess()->Cred.Uid; }
LONG NTAPI LxSysGeteuid32(VOID) { return (LONG)LxIdentityProcess()->Cred.Uid; }
LONG NTAPI LxSysGetgid32(VOID) { return (LONG)LxIdentityProcess()->Cred.Gid; }
LONG NTAPI LxSysGetegid32(VOID) { return (LONG)LxIdentityProcess()->Cred.Gid; }

/* getresuid / getresgid: real, effective and saved ids are all the one id */
static
LONG
LxPutResIds(
    _In_ ULONG Id,
    _In_ ULONG_PTR Real,
    _In_ ULONG_PTR Effective,
    _In_ ULONG_PTR Saved)
{
    LONG Result;

    Result = LxCopyToUser(Real, &Id, sizeof(Id));
    if (Result == 0)
        Result = LxCopyToUser(Effective, &Id, sizeof(Id));
    if (Result == 0)
        Result = LxCopyToUser(Saved, &Id, sizeof(Id));
    return Result;
}

LONG
NTAPI
LxSysGetresuid32(
    LX_UID *Ruid,
    LX_UID *Euid,
    LX_UID *Suid)
{
    return LxPutResIds(LxIdentityProcess()->Cred.Uid, (ULONG_PTR)Ruid, (ULONG_PTR)Euid,
                       (ULONG_PTR)Suid);
}

LONG
NTAPI
LxSysGetresgid32(
    LX_GID *Rgid,
    LX_GID *Egid,
    LX_GID *Sgid)
{
    return LxPutResIds(LxIdentityProcess()->Cred.Gid, (ULONG_PTR)Rgid, (ULONG_PTR)Egid,
                       (ULONG_PTR)Sgid);
}

/* No supplementary groups. */
LONG
NTAPI
LxSysGetgroups32(
    LONG Gidsetsize,
    LX_GID *Grouplist)
{
    UNREFERENCED_PARAMETER(Grouplist);
    if (Gidsetsize < 0)
        return -LX_EINVAL;
    return 0;
}

