/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     VFS pieces on top of NT files: symbolic links and the component-by-component
 *              path walk that follows them (Linux metadata: meta.c)
 *
 * Symbolic links are regular NT files with the SYSTEM attribute whose contents are
 * "!<symlink>" followed by the target bytes and a NUL (the format older Cygwin versions
 * wrote, so such links are readable from both sides). The walk resolves one component at a
 * time, so "link/.." goes to the parent of the link's target as on Linux; at most 40 links
 * are followed (-ELOOP).
 *
 * A path without ".." is first taken as written and checked with one NT query
 * (LxWalkFindsNoLinks): most paths name no link, and the walk costs an NT open per component.
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

static const CHAR LxSymlinkMagic[] = "!<symlink>";
#define LX_SYMLINK_MAGIC_LENGTH (sizeof(LxSymlinkMagic) - 1)

/* ---------------------------------------------------------------------------------------- */
/* Symbolic links                                                                          */

/* Whether a file with these attributes may be one of lxcore's links (read it to know) */
static
BOOLEAN
LxMayBeSymlink(
    _In_ const FILE_NETWORK_OPEN_INFORMATION *Info)
{
    return (Info->FileAttributes & FILE_ATTRIBUTE_SYSTEM) &&
           !(Info->FileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
           Info->EndOfFile.QuadPart > (LONGLONG)LX_SYMLINK_MAGIC_LENGTH &&
           Info->EndOfFile.QuadPart <= LX_SYMLINK_MAGIC_LENGTH + LX_PATH_MAX;
}

/* Reads the target of a symlink. Returns its length (Target NUL-terminated), -EINVAL when
 * the name exists but is not a link (*NotDirectory: and is not a directory either), or
 * another -errno (-ENOENT...). */
static
LONG
LxReadSymlinkOf(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _Out_writes_(TargetSize) PCHAR Target,
    _In_ ULONG TargetSize,
    _Out_opt_ PBOOLEAN NotDirectory)
{
    FILE_NETWORK_OPEN_INFORMATION Info;
    OBJECT_ATTRIBUTES ObjectAttributes;
    IO_STATUS_BLOCK IoStatus;
    UNICODE_STRING NtPath;
    LARGE_INTEGER Offset;
    HANDLE Handle;
    NTSTATUS Status;
    ULONG Size;
    PCHAR Data;
    LONG Result;

    if (NotDirectory)
        *NotDirectory = FALSE;
    if (strcmp(Resolved, "/") == 0)
        return -LX_EINVAL;
    Result = LxNtPathOf(Process, Resolved, &NtPath);
    if (Result < 0)
        return Result;
    InitializeObjectAttributes(&ObjectAttributes, &NtPath,
                               OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    Status = LxQueryAttributesChecked(&ObjectAttributes, &Info);
    if (!NT_SUCCESS(Status))
    {
        ExFreePoolWithTag(NtPath.Buffer, LX_TAG_TEMP);
        /* missing: ENOENT; anything else (access, sharing, a file system without this
         * query): "not a link", so the walk goes on and the real open reports the error */
        Result = LxStatusToErrno(Status);
        return (Result == -LX_ENOENT || Result == -LX_ENOTDIR) ? Result : -LX_EINVAL;
    }
    if (NotDirectory)
        *NotDirectory = !(Info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY);
    if (!LxMayBeSymlink(&Info))
    {
        ExFreePoolWithTag(NtPath.Buffer, LX_TAG_TEMP);
        return -LX_EINVAL;
    }

    Status = LxCreateFileChecked(&Handle, FILE_READ_DATA | SYNCHRONIZE, &ObjectAttributes,
                                 &IoStatus, 0,
                                 FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                 FILE_OPEN,
                                 FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT);
    ExFreePoolWithTag(NtPath.Buffer, LX_TAG_TEMP);
    if (!NT_SUCCESS(Status))
        return -LX_EINVAL;  /* a SYSTEM file we cannot read is treated as a plain file */

    Size = (ULONG)Info.EndOfFile.QuadPart;
    Data = ExAllocatePoolWithTag(PagedPool, Size + 1, LX_TAG_TEMP);
    if (Data == NULL)
    {
        ZwClose(Handle);
        return -LX_ENOMEM;
    }
    Offset.QuadPart = 0;
    Status = ZwReadFile(Handle, NULL, NULL, NULL, &IoStatus, Data, Size, &Offset, NULL);
    ZwClose(Handle);
    if (!NT_SUCCESS(Status) || IoStatus.Information < LX_SYMLINK_MAGIC_LENGTH + 1 ||
        RtlCompareMemory(Data, LxSymlinkMagic, LX_SYMLINK_MAGIC_LENGTH) != LX_SYMLINK_MAGIC_LENGTH)
    {
        ExFreePoolWithTag(Data, LX_TAG_TEMP);
        return -LX_EINVAL;
    }
    Data[IoStatus.Information] = ANSI_NULL;
    Result = (LONG)strlen(Data + LX_SYMLINK_MAGIC_LENGTH);
    if (Result == 0 || (ULONG)Result >= TargetSize)
    {
        ExFreePoolWithTag(Data, LX_TAG_TEMP);
        return Result == 0 ? -LX_EINVAL : -LX_ENAMETOOLONG;
    }
    RtlCopyMemory(Target, Data + LX_SYMLINK_MAGIC_LENGTH, Result + 1);
    ExFreePoolWithTag(Data, LX_TAG_TEMP);
    return Result;
}

LONG
LxReadSymlink(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _Out_writes_(TargetSize) PCHAR Target,
    _In_ ULONG TargetSize)
{
    return LxReadSymlinkOf(Process, Resolved, Target, TargetSize, NULL);
}

/* Creates a symlink file at Resolved (which must not exist) pointing at Target. */
LONG
LxCreateSymlink(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _In_ PCSTR Target)
{
    IO_STATUS_BLOCK IoStatus;
    LARGE_INTEGER Offset;
    lx_nt_open Open;
    HANDLE Handle;
    NTSTATUS Status;
    SIZE_T Length = strlen(Target);
    PCHAR Data;
    LONG Result;

    Data = ExAllocatePoolWithTag(PagedPool, LX_SYMLINK_MAGIC_LENGTH + Length + 1, LX_TAG_TEMP);
    if (Data == NULL)
        return -LX_ENOMEM;
    RtlCopyMemory(Data, LxSymlinkMagic, LX_SYMLINK_MAGIC_LENGTH);
    RtlCopyMemory(Data + LX_SYMLINK_MAGIC_LENGTH, Target, Length + 1);

    RtlZeroMemory(&Open, sizeof(Open));
    Open.desired_access = LX_NT_FILE_WRITE_DATA | LX_NT_SYNCHRONIZE | LX_NT_FILE_READ_ATTRIBUTES;
    Open.share_access = LX_NT_FILE_SHARE_READ | LX_NT_FILE_SHARE_WRITE | LX_NT_FILE_SHARE_DELETE;
    Open.disposition = LX_NT_FILE_CREATE;
    Open.options = LX_NT_FILE_NON_DIRECTORY_FILE | LX_NT_FILE_SYNCHRONOUS_IO_NONALERT;
    Result = LxOpenNt(Process, Resolved, &Open, FILE_ATTRIBUTE_SYSTEM, &Handle, NULL);
    if (Result == 0)
    {
        Offset.QuadPart = 0;
        Status = ZwWriteFile(Handle, NULL, NULL, NULL, &IoStatus, Data,
                             (ULONG)(LX_SYMLINK_MAGIC_LENGTH + Length + 1), &Offset, NULL);
        if (!NT_SUCCESS(Status))
        {
            Result = LxStatusToErrno(Status);
            /* do not leave a half-written link behind */
            LxSetDeleteDisposition(Handle);
        }
        ZwClose(Handle);
        if (Result == 0)
            LxMetaCreate(Process, Resolved, LX_S_IFLNK | 0777, 0);
    }
    ExFreePoolWithTag(Data, LX_TAG_TEMP);
    return Result;
}

/* ---------------------------------------------------------------------------------------- */
/* Path walk                                                                               */

static
int
LxWalkReadlink(
    _In_ void *Context,
    _In_ const char *Resolved,
    _Out_writes_(TargetSize) char *Target,
    _In_ size_t TargetSize)
{
    BOOLEAN NotDirectory;
    LONG Result = LxReadSymlinkOf((PLX_PROCESS)Context, Resolved, Target, (ULONG)TargetSize,
                                  &NotDirectory);

    /* a file that is not a link: the walk needs to know it is not a directory either */
    return (Result == -LX_EINVAL && NotDirectory) ? -LX_ENOTDIR : Result;
}

/* The walk's reader for a path taken as it is written: no component is a link */
static
int
LxWalkNoLinks(
    _In_ void *Context,
    _In_ const char *Resolved,
    _Out_writes_(TargetSize) char *Target,
    _In_ size_t TargetSize)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Resolved);
    UNREFERENCED_PARAMETER(Target);
    UNREFERENCED_PARAMETER(TargetSize);
    return -LX_EINVAL;
}

/* Whether Path has a ".." component: the link walk gives it the meaning of the links before */
static
BOOLEAN
LxHasDotDot(
    _In_ PCSTR Path)
{
    PCSTR p;

    for (p = strstr(Path, ".."); p != NULL; p = strstr(p + 2, ".."))
    {
        if ((p == Path || p[-1] == '/') && (p[2] == ANSI_NULL || p[2] == '/'))
            return TRUE;
    }
    return FALSE;
}

/*
 * Whether Resolved, the path as written (LxWalkNoLinks), is what the walk that follows links
 * would give, from one NT query instead of one for each component. It is when NT reaches the
 * file, or all of it but a missing last name (STATUS_OBJECT_NAME_NOT_FOUND), since NT goes
 * through directories only and lxcore's links are files; and when the last component is not
 * a link to follow. Anything else (a missing or non-directory component on the way, a link,
 * a file named with a trailing slash) is left to the walk, which gives Linux's answer.
 * /proc and /dev, which the walk never asks NT about, are what they are written as.
 */
static
BOOLEAN
LxWalkFindsNoLinks(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved,
    _In_ BOOLEAN FollowLast,
    _In_ ULONG PathFlags)
{
    FILE_NETWORK_OPEN_INFORMATION Info;
    OBJECT_ATTRIBUTES ObjectAttributes;
    UNICODE_STRING NtPath;
    NTSTATUS Status;

    if (strcmp(Resolved, "/") == 0 || lx_path_is_under(Resolved, "/proc") ||
        lx_path_is_under(Resolved, "/dev"))
        return TRUE;
    if (LxNtPathOf(Process, Resolved, &NtPath) < 0)
        return FALSE;
    InitializeObjectAttributes(&ObjectAttributes, &NtPath,
                               OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    Status = LxQueryAttributesChecked(&ObjectAttributes, &Info);
    ExFreePoolWithTag(NtPath.Buffer, LX_TAG_TEMP);
    if (Status == STATUS_OBJECT_NAME_NOT_FOUND)
        return TRUE;
    if (!NT_SUCCESS(Status))
        return FALSE;
    if (Info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY)
        return TRUE;
    if (PathFlags & LX_PATH_TRAILING_SLASH)
        return FALSE;
    return !FollowLast || !LxMayBeSymlink(&Info);
}

/* Resolves Path against Base following symbolic links (lx_path_walk in lxcore/core does the
 * walking; this supplies the link reader). Out is LX_PATH_MAX bytes. A path without ".." is
 * first taken as written and checked with one NT query (LxWalkFindsNoLinks): most paths name
 * no link, and a walk asks NT about every component. */
LONG
LxWalkPath(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Base,
    _In_ PCSTR Path,
    _In_ BOOLEAN FollowLast,
    _Out_writes_(LX_PATH_MAX) PCHAR Out,
    _Out_opt_ PULONG Flags)
{
    PCHAR Scratch;
    unsigned PathFlags = 0;
    LONG Result;

    Scratch = ExAllocatePoolWithTag(PagedPool, LX_WALK_SCRATCH, LX_TAG_TEMP);
    if (Scratch == NULL)
        return -LX_ENOMEM;
    if (!LxHasDotDot(Path))
    {
        Result = lx_path_walk(Base, Path, FollowLast, Out, &PathFlags, LxWalkNoLinks, NULL,
                              Scratch);
        if (Result >= 0 && LxWalkFindsNoLinks(Process, Out, FollowLast, PathFlags))
            goto Done;
        PathFlags = 0;
    }
    Result = lx_path_walk(Base, Path, FollowLast, Out, &PathFlags, LxWalkReadlink, Process,
                          Scratch);

Done:
    ExFreePoolWithTag(Scratch, LX_TAG_TEMP);
    if (Flags)
        *Flags = PathFlags;
    return Result;
}
