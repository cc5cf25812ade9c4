/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Linux permission checks of files: mode bits and owners (meta.c) against the
 *              process's file-system ids (core/lx_cred.c lx_may_access)
 *
 * These come on top of NT's own checks of the caller's token (nt/security.c), which stay
 * the first word. A file the metadata journal does not know is root's, with its NT default
 * mode (0755, 0555 when read-only), so ordinary users may read and run it but not change it.
 * Search (x) permission is checked on the directories above a resolved path (LxCheckSearch),
 * not on those a walk went through before a symbolic link took it elsewhere.
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

/* The mode and owner of Resolved, as stat gives them (Process need not be the current one:
 * the launcher checks the program it starts) */
static
LONG
LxStatForPermission(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _Out_ struct _LX_STAT64 *St)
{
    lx_nt_open Open;
    HANDLE Handle;
    LONG Result;

    lx_open_flags_to_nt(LX_O_PATH, &Open);
    Result = LxOpenNt(Process, Resolved, &Open, 0, &Handle, NULL);
    if (Result < 0)
        return Result;
    Result = LxNtStat(Handle, NULL, St);
    ZwClose(Handle);
    if (Result == 0)
        LxNtApplyMeta(Process, Resolved, St);
    return Result;
}

/*
 * Linux's may_lookup on the way to Resolved: search permission on each directory above its
 * last component, from Base down when Resolved lies under Base (a relative path: Linux starts
 * at the current or given directory), else from "/". A directory on the way that is missing
 * or no directory is left to the operation, which gives ENOENT or ENOTDIR. Root passes, and
 * /proc and /dev are searchable by all. 0 or -EACCES.
 */
LONG
LxCheckSearch(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Base,
    _In_ PCSTR Resolved)
{
    struct _LX_STAT64 St;
    SIZE_T BaseLength = strlen(Base), i;
    PCHAR Prefix;
    LONG Result = 0;

    if (Process->Cred.User.fs == 0 || Resolved[0] != '/' ||
        lx_path_is_under(Resolved, "/proc") || lx_path_is_under(Resolved, "/dev"))
        return 0;
    if (BaseLength == 1 || !lx_path_is_under(Resolved, Base) || strcmp(Resolved, Base) == 0)
        BaseLength = 0;
    Prefix = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (Prefix == NULL)
        return -LX_ENOMEM;
    for (i = BaseLength; Resolved[i] != ANSI_NULL && Result == 0; i++)
    {
        /* each directory name ends at a '/' with more after it; "/" is its own */
        if (Resolved[i] != '/' || Resolved[i + 1] == ANSI_NULL)
            continue;
        RtlCopyMemory(Prefix, Resolved, i == 0 ? 1 : i);
        Prefix[i == 0 ? 1 : i] = ANSI_NULL;
        Result = LxCheckPermission(Process, Prefix, LX_MAY_EXEC, &St);
        if (Result == -LX_EACCES && (St.StMode & LX_S_IFMT) != LX_S_IFDIR)
            Result = 0;
        if (Result != -LX_EACCES)
            Result = Result < 0 ? 1 : 0;    /* not there: the operation says so */
    }
    ExFreePoolWithTag(Prefix, LX_TAG_TEMP);
    return Result > 0 ? 0 : Result;
}

/* Whether the process may do Want (LX_MAY_*) to Resolved: 0, -EACCES, or the error of
 * looking at it (-ENOENT when it does not exist). *Found gets what was found when not NULL. */
LONG
LxCheckPermission(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _In_ ULONG Want,
    _Out_opt_ struct _LX_STAT64 *Found)
{
    struct _LX_STAT64 St;
    LONG Result;

    Result = LxStatForPermission(Process, Resolved, &St);
    if (Result < 0)
        return Result;
    if (Found != NULL)
        *Found = St;
    return lx_may_access(Process->Cred.User.fs, Process->Cred.Group.fs, &Process->Cred.Groups,
                         St.StMode, St.StUid, St.StGid, Want);
}

/* Making or removing the name Resolved: write and search permission on the directory that
 * holds it; removing (or renaming) from a sticky directory (/tmp) also needs to own the file
 * or the directory (-EPERM), as Linux's may_delete. Root passes. */
LONG
LxCheckNameChange(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _In_ BOOLEAN Removing)
{
    struct _LX_STAT64 Dir, Child;
    PCHAR Parent;
    PCHAR Slash;
    LONG Result;

    if (Process->Cred.User.fs == 0)
        return 0;
    Parent = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (Parent == NULL)
        return -LX_ENOMEM;
    RtlStringCbCopyA(Parent, LX_PATH_MAX, Resolved);
    Slash = strrchr(Parent, '/');
    if (Slash == Parent)
        Slash[1] = ANSI_NULL;       /* a name in "/" */
    else if (Slash != NULL)
        *Slash = ANSI_NULL;
    Result = LxCheckPermission(Process, Parent, LX_MAY_WRITE | LX_MAY_EXEC, &Dir);
    ExFreePoolWithTag(Parent, LX_TAG_TEMP);
    if (Result == 0 && Removing && (Dir.StMode & 01000) && Process->Cred.User.fs != Dir.StUid &&
        LxStatForPermission(Process, Resolved, &Child) == 0 &&
        Process->Cred.User.fs != Child.StUid)
    {
        Result = -LX_EPERM;
    }
    return Result;
}
