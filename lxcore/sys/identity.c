/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: user and group identity (every Linux process runs as root,
 *              uid 0 / gid 0, for now)
 */

#include "lxp.h"

static
PLX_PROCESS
LxIdentityProcess(VOID)
{
    return LxCurrentProcess();
}

LONG NTAPI LxSysGetuid(VOID) { return (LONG)(USHORT)LxIdentityProcess()->Uid; }
LONG NTAPI LxSysGeteuid(VOID) { return (LONG)(USHORT)LxIdentityProcess()->Uid; }
LONG NTAPI LxSysGetgid(VOID) { return (LONG)(USHORT)LxIdentityProcess()->Gid; }
LONG NTAPI LxSysGetegid(VOID) { return (LONG)(USHORT)LxIdentityProcess()->Gid; }
LONG NTAPI LxSysGetuid32(VOID) { return (LONG)LxIdentityProcess()->Uid; }
LONG NTAPI LxSysGeteuid32(VOID) { return (LONG)LxIdentityProcess()->Uid; }
LONG NTAPI LxSysGetgid32(VOID) { return (LONG)LxIdentityProcess()->Gid; }
LONG NTAPI LxSysGetegid32(VOID) { return (LONG)LxIdentityProcess()->Gid; }

LONG
NTAPI
LxSysGetresuid32(
    LX_UID *Ruid,
    LX_UID *Euid,
    LX_UID *Suid)
{
    ULONG Uid = LxIdentityProcess()->Uid;
    LONG Result;

    Result = LxCopyToUser((ULONG_PTR)Ruid, &Uid, sizeof(Uid));
    if (Result == 0)
        Result = LxCopyToUser((ULONG_PTR)Euid, &Uid, sizeof(Uid));
    if (Result == 0)
        Result = LxCopyToUser((ULONG_PTR)Suid, &Uid, sizeof(Uid));
    return Result;
}

LONG
NTAPI
LxSysGetresgid32(
    LX_GID *Rgid,
    LX_GID *Egid,
    LX_GID *Sgid)
{
    ULONG Gid = LxIdentityProcess()->Gid;
    LONG Result;

    Result = LxCopyToUser((ULONG_PTR)Rgid, &Gid, sizeof(Gid));
    if (Result == 0)
        Result = LxCopyToUser((ULONG_PTR)Egid, &Gid, sizeof(Gid));
    if (Result == 0)
        Result = LxCopyToUser((ULONG_PTR)Sgid, &Gid, sizeof(Gid));
    return Result;
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

LONG
NTAPI
LxSysUmask(
    LONG Mask)
{
    PLX_PROCESS Process = LxCurrentProcess();
    ULONG Old = Process->Umask;

    Process->Umask = (ULONG)Mask & 0777;
    return (LONG)Old;
}
