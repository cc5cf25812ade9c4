/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     NT security for Linux processes: the caller's token, who may use
 *              \Device\lxss and who may act on a process
 */

/*
 * A Linux process acts with the NT rights of whoever started it, never with the kernel's:
 * - its pico process gets the requester's effective token as its primary token
 *   (LxCaptureCallerToken); fork's children inherit it as any NT child does;
 * - lxcore opens every file for it with an access check against that token
 *   (IO_FORCE_ACCESS_CHECK, fs/path.c, fs/vfs.c, kernel/loader.c);
 * - \Device\lxss admits SYSTEM, Administrators and interactive users only
 *   (LxSecureDevice), and a process may be waited for or signalled through it only by its
 *   own NT user, SYSTEM or an administrator (LxCallerMayControl).
 * psxss (SYSTEM) impersonates its client around each request, so the client's token is the
 * one seen here.
 */

#include "lxnt.h"

/* The caller's effective token, referenced: its impersonation token if it has one (which
 * must allow impersonation, not merely identification), else its primary token. */
static
NTSTATUS
LxReferenceCallerToken(
    _Out_ PACCESS_TOKEN *Token)
{
    SECURITY_SUBJECT_CONTEXT Subject;
    NTSTATUS Status = STATUS_SUCCESS;

    *Token = NULL;
    SeCaptureSubjectContext(&Subject);
    if (Subject.ClientToken != NULL)
    {
        if (Subject.ImpersonationLevel < SecurityImpersonation)
            Status = STATUS_BAD_IMPERSONATION_LEVEL;
        else
            *Token = Subject.ClientToken;
    }
    else
    {
        *Token = Subject.PrimaryToken;
    }
    if (*Token != NULL)
        ObReferenceObject(*Token);
    SeReleaseSubjectContext(&Subject);
    return Status;
}

/* SYSTEM, or a member of Administrators (enabled) */
static
BOOLEAN
LxTokenIsPrivileged(
    _In_ PACCESS_TOKEN Token)
{
    PTOKEN_USER User;
    BOOLEAN Privileged;

    if (SeTokenIsAdmin(Token))
        return TRUE;
    if (!NT_SUCCESS(SeQueryInformationToken(Token, TokenUser, (PVOID *)&User)))
        return FALSE;
    Privileged = RtlEqualSid(User->User.Sid, SeExports->SeLocalSystemSid);
    ExFreePool(User);
    return Privileged;
}

NTSTATUS
LxCaptureCallerToken(
    _Out_ PHANDLE PrimaryToken,
    _Out_ PBOOLEAN Privileged)
{
    OBJECT_ATTRIBUTES ObjectAttributes;
    PACCESS_TOKEN Token;
    HANDLE Handle;
    NTSTATUS Status;

    PAGED_CODE();

    *PrimaryToken = NULL;
    *Privileged = FALSE;
    Status = LxReferenceCallerToken(&Token);
    if (!NT_SUCCESS(Status))
        return Status;
    *Privileged = LxTokenIsPrivileged(Token);
    Status = ObOpenObjectByPointer(Token, OBJ_KERNEL_HANDLE, NULL, TOKEN_DUPLICATE,
                                   *SeTokenObjectType, KernelMode, &Handle);
    ObDereferenceObject(Token);
    if (!NT_SUCCESS(Status))
        return Status;
    InitializeObjectAttributes(&ObjectAttributes, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    Status = ZwDuplicateToken(Handle, TOKEN_ALL_ACCESS, &ObjectAttributes, FALSE, TokenPrimary,
                              PrimaryToken);
    ZwClose(Handle);
    if (!NT_SUCCESS(Status))
        *PrimaryToken = NULL;
    return Status;
}

/* Whether the caller may act on a process running with Target's token (NULL: a process
 * without one yet, which only SYSTEM and administrators may touch) */
BOOLEAN
LxCallerMayControl(
    _In_opt_ PEPROCESS Target)
{
    PACCESS_TOKEN Caller, Owner;
    PTOKEN_USER CallerUser = NULL, OwnerUser = NULL;
    BOOLEAN Allowed = FALSE;

    PAGED_CODE();

    if (!NT_SUCCESS(LxReferenceCallerToken(&Caller)))
        return FALSE;
    Allowed = LxTokenIsPrivileged(Caller);
    if (Allowed || Target == NULL)
    {
        ObDereferenceObject(Caller);
        return Allowed;
    }
    Owner = PsReferencePrimaryToken(Target);
    if (NT_SUCCESS(SeQueryInformationToken(Caller, TokenUser, (PVOID *)&CallerUser)) &&
        NT_SUCCESS(SeQueryInformationToken(Owner, TokenUser, (PVOID *)&OwnerUser)))
    {
        Allowed = RtlEqualSid(CallerUser->User.Sid, OwnerUser->User.Sid);
    }
    if (CallerUser != NULL)
        ExFreePool(CallerUser);
    if (OwnerUser != NULL)
        ExFreePool(OwnerUser);
    PsDereferencePrimaryToken(Owner);
    ObDereferenceObject(Caller);
    return Allowed;
}

NTSTATUS
LxSecureDevice(
    _In_ PDEVICE_OBJECT DeviceObject)
{
    SECURITY_DESCRIPTOR Descriptor;
    PSID Sids[3];
    ACCESS_MASK Masks[3];
    ULONG AclLength, i;
    PACL Acl;
    NTSTATUS Status;

    PAGED_CODE();

    /* SYSTEM and Administrators: everything; interactive users: open and send requests */
    Sids[0] = SeExports->SeLocalSystemSid;
    Masks[0] = GENERIC_ALL;
    Sids[1] = SeExports->SeAliasAdminsSid;
    Masks[1] = GENERIC_ALL;
    Sids[2] = SeExports->SeInteractiveSid;
    Masks[2] = GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE;

    AclLength = sizeof(ACL);
    for (i = 0; i < RTL_NUMBER_OF(Sids); i++)
        AclLength += sizeof(ACCESS_ALLOWED_ACE) - sizeof(ULONG) + RtlLengthSid(Sids[i]);
    Acl = ExAllocatePoolWithTag(PagedPool, AclLength, LX_TAG_TEMP);
    if (Acl == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    Status = RtlCreateAcl(Acl, AclLength, ACL_REVISION);
    for (i = 0; NT_SUCCESS(Status) && i < RTL_NUMBER_OF(Sids); i++)
        Status = RtlAddAccessAllowedAce(Acl, ACL_REVISION, Masks[i], Sids[i]);
    if (NT_SUCCESS(Status))
        Status = RtlCreateSecurityDescriptor(&Descriptor, SECURITY_DESCRIPTOR_REVISION);
    if (NT_SUCCESS(Status))
        Status = RtlSetDaclSecurityDescriptor(&Descriptor, TRUE, Acl, FALSE);
    if (NT_SUCCESS(Status))
        Status = ObSetSecurityObjectByPointer(DeviceObject, DACL_SECURITY_INFORMATION,
                                              &Descriptor);
    ExFreePoolWithTag(Acl, LX_TAG_TEMP);
    return Status;
}

/* Opens an NT file or directory for a Linux process or a requester: the access is checked
 * against the current thread's token as for a user-mode open. */
NTSTATUS
LxCreateFileChecked(
    _Out_ PHANDLE Handle,
    _In_ ACCESS_MASK DesiredAccess,
    _In_ POBJECT_ATTRIBUTES ObjectAttributes,
    _Out_ PIO_STATUS_BLOCK IoStatus,
    _In_ ULONG FileAttributes,
    _In_ ULONG ShareAccess,
    _In_ ULONG Disposition,
    _In_ ULONG CreateOptions)
{
    PAGED_CODE();

    /* the arguments are lxcore's (no probing as for a user-mode caller); the access check is
     * the one a user-mode open gets, in the object namespace and in the file system */
    ObjectAttributes->Attributes |= OBJ_FORCE_ACCESS_CHECK;
    return IoCreateFile(Handle, DesiredAccess, ObjectAttributes, IoStatus, NULL,
                        FileAttributes, ShareAccess, Disposition, CreateOptions, NULL, 0,
                        CreateFileTypeNone, NULL,
                        IO_NO_PARAMETER_CHECKING | IO_FORCE_ACCESS_CHECK);
}

/* Whether the current thread's token may reach what is below an NT directory, named
 * without its trailing separator (a volume's root too: "\Device\Harddisk1\Partition1"):
 * a root directory given by a requester must pass this before any Linux path is resolved
 * in it. */
NTSTATUS
LxCheckDirectoryAccess(
    _In_ PCUNICODE_STRING Directory)
{
    OBJECT_ATTRIBUTES ObjectAttributes;
    IO_STATUS_BLOCK IoStatus;
    UNICODE_STRING Path;
    HANDLE Handle;
    NTSTATUS Status;

    PAGED_CODE();

    Path.MaximumLength = Directory->Length + sizeof(WCHAR);
    Path.Buffer = ExAllocatePoolWithTag(PagedPool, Path.MaximumLength, LX_TAG_TEMP);
    if (Path.Buffer == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlCopyMemory(Path.Buffer, Directory->Buffer, Directory->Length);
    Path.Buffer[Directory->Length / sizeof(WCHAR)] = L'\\';
    Path.Length = Path.MaximumLength;

    InitializeObjectAttributes(&ObjectAttributes, &Path, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE,
                               NULL, NULL);
    Status = LxCreateFileChecked(&Handle, FILE_TRAVERSE | SYNCHRONIZE, &ObjectAttributes,
                                 &IoStatus, 0, FILE_SHARE_READ | FILE_SHARE_WRITE |
                                 FILE_SHARE_DELETE, FILE_OPEN,
                                 FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT);
    if (NT_SUCCESS(Status))
        ZwClose(Handle);
    ExFreePoolWithTag(Path.Buffer, LX_TAG_TEMP);
    return Status;
}

/* ZwQueryFullAttributesFile as a user-mode caller would get it: the file is opened for its
 * attributes with the access check of LxCreateFileChecked (a kernel-mode query has none) */
NTSTATUS
LxQueryAttributesChecked(
    _In_ POBJECT_ATTRIBUTES ObjectAttributes,
    _Out_ PFILE_NETWORK_OPEN_INFORMATION Info)
{
    IO_STATUS_BLOCK IoStatus;
    HANDLE Handle;
    NTSTATUS Status;

    PAGED_CODE();

    Status = LxCreateFileChecked(&Handle, FILE_READ_ATTRIBUTES | SYNCHRONIZE, ObjectAttributes,
                                 &IoStatus, 0, FILE_SHARE_READ | FILE_SHARE_WRITE |
                                 FILE_SHARE_DELETE, FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = ZwQueryInformationFile(Handle, &IoStatus, Info, sizeof(*Info),
                                    FileNetworkOpenInformation);
    ZwClose(Handle);
    return Status;
}
