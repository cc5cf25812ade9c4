/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Hard links on file systems without them (FAT)
 *
 * The first link() of a file moves its NT file into LX_INODES_DIR of the root, as its
 * "inode" /.lxss-inodes/XXXXXXXX (a random number), which keeps the data and, in the
 * metadata table (meta.c), the mode, owner, type and device number. Each of its names is
 * then an empty NT file whose table entry has LX_META_HARDLINK in its mode and the inode's
 * number as its rdev. What reaches a file through a name (open, stat, exec, truncate, times:
 * LxNtPathOf and LxMetaGet) reaches the inode; what changes names (unlink, rename: LxOpenNtName,
 * LxNtNamePathOf) changes the name's own file. stat gives every name the inode's number and
 * their count as st_nlink; the inode goes with its last name. Linux programs cannot reach
 * LX_INODES_DIR (LxMetaReservedPath). The journal records these entries like any other, so
 * the links survive a reboot; a power cut between the steps of a link() can leave the data
 * in an inode no name stands for (never a name without its data).
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

/* Opens Path's own NT file (the name: Path is the process's, or its Root's with OfRoot, as
 * the inodes are, whatever the process's chroot) with Access, Disposition and Options; a new
 * file is a normal one */
static
LONG
LxOpenName(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Path,
    _In_ BOOLEAN OfRoot,
    _In_ ULONG Access,
    _In_ ULONG Disposition,
    _In_ ULONG Options,
    _Out_ PHANDLE Handle)
{
    lx_nt_open Open;

    RtlZeroMemory(&Open, sizeof(Open));
    Open.desired_access = Access | LX_NT_SYNCHRONIZE | LX_NT_FILE_READ_ATTRIBUTES;
    Open.share_access = LX_NT_FILE_SHARE_READ | LX_NT_FILE_SHARE_WRITE | LX_NT_FILE_SHARE_DELETE;
    Open.disposition = Disposition;
    Open.options = LX_NT_FILE_SYNCHRONOUS_IO_NONALERT | Options;
    return OfRoot ? LxOpenNtRoot(Process, Path, &Open, FILE_ATTRIBUTE_NORMAL, Handle, NULL) :
                    LxOpenNtName(Process, Path, &Open, FILE_ATTRIBUTE_NORMAL, Handle, NULL);
}

/* Makes Path's file (Disposition: FILE_CREATE, or FILE_OPEN_IF where it may be there) and
 * closes it again */
static
LONG
LxMakeFile(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Path,
    _In_ BOOLEAN OfRoot,
    _In_ ULONG Disposition,
    _In_ ULONG Options)
{
    HANDLE Handle;
    LONG Result = LxOpenName(Process, Path, OfRoot, 0, Disposition, Options, &Handle);

    if (Result == 0)
        ZwClose(Handle);
    return Result;
}

/* A new name of Inode: its empty NT file, then its table entry. -EEXIST when it is there. */
static
LONG
LxMakeName(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _In_ ULONG Inode)
{
    LONG Result = LxMakeFile(Process, Resolved, FALSE, LX_NT_FILE_CREATE,
                             LX_NT_FILE_NON_DIRECTORY_FILE);

    if (Result == 0)
        LxMetaSetHardLink(Process, Resolved, Inode);
    return Result;
}

/* Old's first hard link: its file becomes a new inode (its metadata St with it) and Old a
 * name of it. The inode's number in *Inode. */
static
LONG
LxMakeInode(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Old,
    _In_ const struct _LX_STAT64 *St,
    _Out_ PULONG Inode)
{
    CHAR InodePath[LX_INODE_PATH_MAX];
    UNICODE_STRING InodeNt = { 0, 0, NULL };
    NTSTATUS Status = STATUS_OBJECT_NAME_COLLISION;
    HANDLE Handle;
    ULONG Try;
    LONG Result;

    *Inode = 0;
    /* the inodes' directory, made the first time */
    Result = LxMakeFile(Process, LX_INODES_DIR, TRUE, LX_NT_FILE_OPEN_IF, LX_NT_FILE_DIRECTORY_FILE);
    if (Result < 0)
        return Result;

    Result = LxOpenName(Process, Old, FALSE, LX_NT_DELETE, LX_NT_FILE_OPEN,
                        LX_NT_FILE_NON_DIRECTORY_FILE | LX_NT_FILE_OPEN_REPARSE_POINT, &Handle);
    if (Result < 0)
        return Result;
    /* a number no inode has yet */
    for (Try = 0; Try < 16 && Status == STATUS_OBJECT_NAME_COLLISION; Try++)
    {
        LxGetRandomBytes((PUCHAR)Inode, sizeof(*Inode));
        if (*Inode == 0)
            continue;
        LxInodePath(*Inode, InodePath);
        Result = LxNtRootPathOf(Process, InodePath, &InodeNt);
        if (Result < 0)
            break;
        Status = LxNtRename(Handle, &InodeNt, FALSE);
        ExFreePoolWithTag(InodeNt.Buffer, LX_TAG_TEMP);
    }
    ZwClose(Handle);
    if (Result < 0)
        return Result;
    if (!NT_SUCCESS(Status))
        return LxStatusToErrno(Status);

    /* the inode's metadata first: a name never stands for an inode without it */
    LxMetaSetInode(Process, *Inode, St->StMode, St->StUid, St->StGid, St->StRdev);
    Result = LxMakeName(Process, Old, *Inode);
    if (Result < 0)
        DbgPrint("lxss: link: %s is now inode %08lx, but its name could not be made again "
                 "(error %ld)\n", Old, *Inode, Result);
    return Result;
}

/*
 * link(Old, New) of resolved paths on the NT file system: New becomes another name of Old's
 * file, which must not be a directory (EPERM); New must not exist (EEXIST), and making it needs
 * write and search permission on its directory.
 */
LONG
LxHardLink(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Old,
    _In_ PCSTR New)
{
    struct _LX_STAT64 St;
    ULONG Inode;
    LONG Result;

    Result = LxCheckPermission(Process, Old, 0, &St);
    if (Result < 0)
        return Result;
    if ((St.StMode & LX_S_IFMT) == LX_S_IFDIR)
        return -LX_EPERM;
    Result = LxCheckPermission(Process, New, 0, NULL);
    if (Result == 0 && !LxNameIsStored(Process, New))
        Result = -LX_ENOENT;    /* only another name, differing in case, is there */
    if (Result != -LX_ENOENT)
        return Result < 0 ? Result : -LX_EEXIST;
    Result = LxCheckNameChange(Process, New, FALSE);
    if (Result < 0)
        return Result;
    if (!LxMetaHardLinkOf(Process, Old, &Inode))
    {
        Result = LxMakeInode(Process, Old, &St, &Inode);
        if (Result < 0)
            return Result;
    }
    return LxMakeName(Process, New, Inode);
}

/* A name of Inode went (unlink, rename over it): the inode goes with its last name. Its file
 * stays while open, as Linux keeps an unlinked file's data for those who have it open. */
VOID
LxHardLinkGone(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Inode)
{
    CHAR InodePath[LX_INODE_PATH_MAX];
    HANDLE Handle;
    NTSTATUS Status;

    if (LxMetaNamesOf(Process, Inode) != 0)
        return;
    LxInodePath(Inode, InodePath);
    if (LxOpenName(Process, InodePath, TRUE, LX_NT_DELETE | LX_NT_FILE_WRITE_ATTRIBUTES,
                   LX_NT_FILE_OPEN, LX_NT_FILE_NON_DIRECTORY_FILE | LX_NT_FILE_OPEN_REPARSE_POINT,
                   &Handle) == 0)
    {
        Status = LxNtDeleteFile(Handle);
        ZwClose(Handle);
        if (!NT_SUCCESS(Status))
            DbgPrint("lxss: cannot delete inode %s, status 0x%08lx\n", InodePath, Status);
    }
    LxMetaRemoveInode(Process, Inode);
}
