/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     I/O and attributes of NT kernel handles, shared by the NT-backed file kinds
 *              (ntfile.c, ntdir.c, stream.c)
 *
 * Data moves through a kernel bounce buffer, so a bad user buffer is -EFAULT and never
 * reaches a file system driver.
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

#define LX_IO_CHUNK             0x10000

/* ntoskrnl exports it; the NDK's iofuncs.h declaring it does not mix with ntifs.h */
NTSYSAPI NTSTATUS NTAPI ZwCancelIoFile(_In_ HANDLE FileHandle, _Out_ PIO_STATUS_BLOCK IoStatusBlock);

/*
 * Waits for I/O pending on an asynchronous handle (a launcher's pipe). A signal the thread
 * handles, or its termination, cancels the I/O (the request still completes, with
 * STATUS_CANCELLED or with what it got before, since IoStatus and the buffer belong to it).
 */
static
NTSTATUS
LxWaitPendingIo(
    _In_ HANDLE Handle,
    _Inout_ PIO_STATUS_BLOCK IoStatus,
    _Out_ PBOOLEAN Interrupted)
{
    PFILE_OBJECT FileObject;
    PVOID Object;
    NTSTATUS Status;

    *Interrupted = FALSE;
    Status = ObReferenceObjectByHandle(Handle, 0, *IoFileObjectType, KernelMode,
                                       (PVOID *)&FileObject, NULL);
    if (!NT_SUCCESS(Status))
    {
        ZwWaitForSingleObject(Handle, FALSE, NULL);
        return IoStatus->Status;
    }
    Object = &FileObject->Event;
    if (LxWaitInterruptible(1, &Object, NULL) == STATUS_ALERTED)
    {
        IO_STATUS_BLOCK CancelStatus;

        *Interrupted = TRUE;
        ZwCancelIoFile(Handle, &CancelStatus);
        KeWaitForSingleObject(&FileObject->Event, Executive, KernelMode, FALSE, NULL);
    }
    ObDereferenceObject(FileObject);
    return IoStatus->Status;
}

/*
 * read(2) (Write FALSE) or write(2) of a handle: at Position, else at File->Offset
 * (Seekable) or at the object's own position (streams); O_APPEND writes at the end. A
 * short transfer ends a read of a stream (no blocking for more) and any write.
 */
LONG
LxNtTransfer(
    _In_ PLX_FILE File,
    _In_ HANDLE Handle,
    _In_ BOOLEAN Seekable,
    _In_ BOOLEAN Write,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    PUCHAR Bounce;
    SIZE_T Done = 0;
    LONG Result = 0;
    BOOLEAN Interrupted = FALSE;

    if (Count == 0 && Write)
        return 0;
    Bounce = ExAllocatePoolWithTag(PagedPool, LX_IO_CHUNK, LX_TAG_TEMP);
    if (Bounce == NULL)
        return -LX_ENOMEM;

    if (Seekable && Position == NULL)
        ExAcquireFastMutex(&File->Lock);
    while (Done < Count)
    {
        ULONG Chunk = (ULONG)min(Count - Done, LX_IO_CHUNK);
        IO_STATUS_BLOCK IoStatus;
        LARGE_INTEGER ByteOffset;
        NTSTATUS Status;

        ByteOffset.QuadPart = (Position ? *Position : File->Offset) + Done;
        if (Write)
        {
            Result = LxCopyFromUser(Bounce, Buffer + Done, Chunk);
            if (Result < 0)
                break;
            if (Position == NULL && (File->StatusFlags & LX_O_APPEND))
            {
                ByteOffset.HighPart = -1;
                ByteOffset.LowPart = FILE_WRITE_TO_END_OF_FILE;
            }
            Status = ZwWriteFile(Handle, NULL, NULL, NULL, &IoStatus, Bounce, Chunk,
                                 Seekable ? &ByteOffset : NULL, NULL);
        }
        else
        {
            Status = ZwReadFile(Handle, NULL, NULL, NULL, &IoStatus, Bounce, Chunk,
                                Seekable ? &ByteOffset : NULL, NULL);
        }
        if (Status == STATUS_PENDING)
        {
            /* a handle opened for asynchronous I/O (a launcher's pipe): wait for it */
            Status = LxWaitPendingIo(Handle, &IoStatus, &Interrupted);
            if (Interrupted && Status == STATUS_CANCELLED && Done == 0)
                break;
        }
        if (!Write && (Status == STATUS_END_OF_FILE || Status == STATUS_PIPE_BROKEN))
            break;
        if (!NT_SUCCESS(Status))
        {
            if (Write)
                Result = (Status == STATUS_PIPE_BROKEN || Status == STATUS_PIPE_CLOSING) ?
                         -LX_EPIPE : LxStatusToErrno(Status);
            else if (Done == 0)
                Result = LxStatusToErrno(Status);
            break;
        }
        if (!Write && IoStatus.Information != 0)
        {
            Result = LxCopyToUser(Buffer + Done, Bounce, IoStatus.Information);
            if (Result < 0)
                break;
        }
        Done += IoStatus.Information;
        if (IoStatus.Information < Chunk || (!Write && !Seekable))
            break;  /* short: do not block for more (pipes, consoles) */
    }
    if (Seekable && Position == NULL)
    {
        LONGLONG End;

        if (!Write || !(File->StatusFlags & LX_O_APPEND))
            File->Offset += Done;
        else if (LxNtEndOfFile(Handle, &End) == 0)
            File->Offset = End;
        ExReleaseFastMutex(&File->Lock);
    }
    ExFreePoolWithTag(Bounce, LX_TAG_TEMP);
    if (Done != 0)
        return (LONG)Done;
    if (Interrupted)
        return LxInterruptedCall(TRUE);
    return Result;
}

LONG
LxNtEndOfFile(
    _In_ HANDLE Handle,
    _Out_ PLONGLONG End)
{
    FILE_STANDARD_INFORMATION Standard;
    IO_STATUS_BLOCK IoStatus;
    NTSTATUS Status;

    Status = ZwQueryInformationFile(Handle, &IoStatus, &Standard, sizeof(Standard),
                                    FileStandardInformation);
    if (!NT_SUCCESS(Status))
        return LxStatusToErrno(Status);
    *End = Standard.EndOfFile.QuadPart;
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* stat, statfs, identity, times                                                           */

ULONGLONG
LxPathInode(
    _In_ PCSTR Path)
{
    ULONGLONG Hash = 14695981039346656037ULL;   /* FNV-1a 64 */

    while (*Path)
        Hash = (Hash ^ (UCHAR)*Path++) * 1099511628211ULL;
    return (Hash & 0x7FFFFFFFFFFFFFFFULL) | 1;
}

/* stat of a handle; Path (resolved) gives the recorded mode and the inode number */
/* The Linux metadata Process's root keeps for Path (mode, owner, a node's type and number)
 * over what St has from NT; a hard link's name has its inode's, which every name shares
 * with its inode number, and their count as links */
VOID
LxNtApplyMeta(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Path,
    _Inout_ struct _LX_STAT64 *St)
{
    LX_META_INFO Meta;

    if (!LxMetaGet(Process, Path, &Meta))
        return;
    St->StMode = (Meta.Mode & LX_S_IFMT ? Meta.Mode & LX_S_IFMT : St->StMode & LX_S_IFMT) |
                 (Meta.Mode & 07777);
    St->StUid = Meta.Uid;
    St->StGid = Meta.Gid;
    St->StRdev = Meta.Rdev;
    if (Meta.Nlink != 0)
    {
        CHAR InodePath[LX_INODE_PATH_MAX];

        LxInodePath(Meta.Inode, InodePath);
        St->StNlink = Meta.Nlink;
        St->StIno = LxPathInode(InodePath);
        St->StIno32 = (ULONG)St->StIno;
    }
}

LONG
LxNtStat(
    _In_ HANDLE Handle,
    _In_opt_ PCSTR Path,
    _Out_ struct _LX_STAT64 *St)
{
    FILE_BASIC_INFORMATION Basic;
    FILE_STANDARD_INFORMATION Standard;
    FILE_INTERNAL_INFORMATION Internal;
    IO_STATUS_BLOCK IoStatus;
    lx_timespec64 Ts;
    NTSTATUS Status;

    Status = ZwQueryInformationFile(Handle, &IoStatus, &Standard, sizeof(Standard),
                                    FileStandardInformation);
    if (!NT_SUCCESS(Status))
        return LxStatusToErrno(Status);
    Status = ZwQueryInformationFile(Handle, &IoStatus, &Basic, sizeof(Basic),
                                    FileBasicInformation);
    if (!NT_SUCCESS(Status))
        RtlZeroMemory(&Basic, sizeof(Basic));
    /* with a path the inode is its hash (below): one query less, which stat notices */
    if (Path != NULL || !NT_SUCCESS(ZwQueryInformationFile(Handle, &IoStatus, &Internal,
                                                           sizeof(Internal), FileInternalInformation)))
        Internal.IndexNumber.QuadPart = 0;

    St->StMode = lx_nt_attributes_to_mode((Basic.FileAttributes & ~FILE_ATTRIBUTE_REPARSE_POINT) |
                                          (Standard.Directory ? FILE_ATTRIBUTE_DIRECTORY : 0));
    St->StUid = St->StGid = 0;
    St->StRdev = 0;
    St->StNlink = Standard.NumberOfLinks ? Standard.NumberOfLinks : 1;
    St->StSize = Standard.Directory ? 4096 : Standard.EndOfFile.QuadPart;
    St->StBlocks = (ULONGLONG)Standard.AllocationSize.QuadPart / 512;
    St->StDev = 0x801;
    /* FAT has no file ids: a hash of the resolved path keeps inode numbers stable, distinct
     * and equal to what getdents64 reports */
    St->StIno = Path ? LxPathInode(Path) : (ULONGLONG)Internal.IndexNumber.QuadPart;
    if (St->StIno == 0)
        St->StIno = 1;
    St->StIno32 = (ULONG)St->StIno;
    lx_nt_time_to_timespec(Basic.LastAccessTime.QuadPart, &Ts);
    St->StAtime = (ULONG)Ts.sec;
    St->StAtimeNsec = (ULONG)Ts.nsec;
    lx_nt_time_to_timespec(Basic.LastWriteTime.QuadPart, &Ts);
    St->StMtime = (ULONG)Ts.sec;
    St->StMtimeNsec = (ULONG)Ts.nsec;
    lx_nt_time_to_timespec(Basic.ChangeTime.QuadPart ? Basic.ChangeTime.QuadPart :
                           Basic.LastWriteTime.QuadPart, &Ts);
    St->StCtime = (ULONG)Ts.sec;
    St->StCtimeNsec = (ULONG)Ts.nsec;
    if (Path != NULL)
        LxNtApplyMeta(LxCurrentProcess(), Path, St);
    return 0;
}

/* statfs of a handle's volume: sizes, serial number (f_fsid), file system name (f_type) */
LONG
LxNtStatfs(
    _In_ HANDLE Handle,
    _Out_ lx_statfs_info *Info)
{
    union
    {
        FILE_FS_FULL_SIZE_INFORMATION FullSize;
        FILE_FS_SIZE_INFORMATION Size;
        FILE_FS_VOLUME_INFORMATION Volume;
        UCHAR Buffer[sizeof(FILE_FS_ATTRIBUTE_INFORMATION) + 32 * sizeof(WCHAR)];
    } U;
    PFILE_FS_ATTRIBUTE_INFORMATION Attribute = (PFILE_FS_ATTRIBUTE_INFORMATION)U.Buffer;
    IO_STATUS_BLOCK IoStatus;
    CHAR Name[32];
    ULONG i, Length;
    NTSTATUS Status;

    LxStatfsDefaults(Info, 0);
    Status = ZwQueryVolumeInformationFile(Handle, &IoStatus, &U.FullSize,
                                          sizeof(U.FullSize), FileFsFullSizeInformation);
    if (NT_SUCCESS(Status))
    {
        Info->bsize = U.FullSize.SectorsPerAllocationUnit * U.FullSize.BytesPerSector;
        Info->blocks = (ULONGLONG)U.FullSize.TotalAllocationUnits.QuadPart;
        Info->bfree = (ULONGLONG)U.FullSize.ActualAvailableAllocationUnits.QuadPart;
        Info->bavail = (ULONGLONG)U.FullSize.CallerAvailableAllocationUnits.QuadPart;
    }
    else
    {
        Status = ZwQueryVolumeInformationFile(Handle, &IoStatus, &U.Size, sizeof(U.Size),
                                              FileFsSizeInformation);
        if (!NT_SUCCESS(Status))
            return LxStatusToErrno(Status);
        Info->bsize = U.Size.SectorsPerAllocationUnit * U.Size.BytesPerSector;
        Info->blocks = (ULONGLONG)U.Size.TotalAllocationUnits.QuadPart;
        Info->bfree = Info->bavail = (ULONGLONG)U.Size.AvailableAllocationUnits.QuadPart;
    }
    Info->frsize = Info->bsize;

    /* the volume serial number is what tells file systems apart: f_fsid */
    Status = ZwQueryVolumeInformationFile(Handle, &IoStatus, &U.Volume, sizeof(U.Volume),
                                          FileFsVolumeInformation);
    if (NT_SUCCESS(Status) || Status == STATUS_BUFFER_OVERFLOW)
        Info->fsid[0] = U.Volume.VolumeSerialNumber;

    Status = ZwQueryVolumeInformationFile(Handle, &IoStatus, Attribute, sizeof(U.Buffer),
                                          FileFsAttributeInformation);
    if (NT_SUCCESS(Status) || Status == STATUS_BUFFER_OVERFLOW)
    {
        Length = min(Attribute->FileSystemNameLength / sizeof(WCHAR), (ULONG)sizeof(Name));
        for (i = 0; i < Length; i++)
        {
            WCHAR c = Attribute->FileSystemName[i];
            Name[i] = c < 0x80 ? (CHAR)c : '?';
        }
        Info->type = lx_fs_magic(Name, Length);
        if (Attribute->MaximumComponentNameLength != 0)
            Info->namelen = Attribute->MaximumComponentNameLength;
        if (Attribute->FileSystemAttributes & FILE_READ_ONLY_VOLUME)
            Info->flags |= LX_ST_RDONLY;
    }
    return 0;
}

/* The volume serial number and file index: the same file whichever name opened it */
LONG
LxNtIdentity(
    _In_ HANDLE Handle,
    _Out_ PULONGLONG Volume,
    _Out_ PULONGLONG Index,
    _Out_opt_ PULONGLONG Size)
{
    FILE_FS_VOLUME_INFORMATION VolumeInfo;
    FILE_INTERNAL_INFORMATION Internal;
    IO_STATUS_BLOCK IoStatus;
    NTSTATUS Status;
    LONGLONG End;

    if (Size)
        *Size = 0;
    Status = ZwQueryInformationFile(Handle, &IoStatus, &Internal, sizeof(Internal),
                                    FileInternalInformation);
    if (!NT_SUCCESS(Status))
        return LxStatusToErrno(Status);
    Status = ZwQueryVolumeInformationFile(Handle, &IoStatus, &VolumeInfo,
                                          sizeof(VolumeInfo), FileFsVolumeInformation);
    if (!NT_SUCCESS(Status) && Status != STATUS_BUFFER_OVERFLOW)
        return LxStatusToErrno(Status);
    *Volume = VolumeInfo.VolumeSerialNumber;
    *Index = (ULONGLONG)Internal.IndexNumber.QuadPart;
    if (Size && LxNtEndOfFile(Handle, &End) == 0)
        *Size = (ULONGLONG)End;
    return 0;
}

/* FAT's range, a day inside it either way so that no time zone takes it out again */
#define LX_FAT_TIME_MIN     119600928000000000LL    /* 1980-01-02 00:00 UTC */
#define LX_FAT_TIME_MAX     159991200000000000LL    /* 2107-12-30 00:00 UTC */

/* Moves a time to be set (0: unchanged) into FAT's range; returns 1 if it changed it. */
static
ULONG
LxClampFatTime(
    _Inout_ PLARGE_INTEGER Time)
{
    if (Time->QuadPart != 0 && Time->QuadPart < LX_FAT_TIME_MIN)
    {
        Time->QuadPart = LX_FAT_TIME_MIN;
        return 1;
    }
    if (Time->QuadPart > LX_FAT_TIME_MAX)
    {
        Time->QuadPart = LX_FAT_TIME_MAX;
        return 1;
    }
    return 0;
}

/* utimensat: access and write times (0 leaves one alone), ctime = the write time */
LONG
LxNtSetTimes(
    _In_ HANDLE Handle,
    _In_ const LX_SETATTR *Attr)
{
    FILE_BASIC_INFORMATION Basic;
    IO_STATUS_BLOCK IoStatus;
    NTSTATUS Status;

    RtlZeroMemory(&Basic, sizeof(Basic));
    Basic.LastAccessTime = Attr->AccessTime;
    Basic.LastWriteTime = Attr->WriteTime;
    Basic.ChangeTime = Basic.LastWriteTime;
    Status = ZwSetInformationFile(Handle, &IoStatus, &Basic, sizeof(Basic),
                                  FileBasicInformation);
    if (Status == STATUS_INVALID_PARAMETER && LxClampFatTime(&Basic.LastAccessTime) +
                                              LxClampFatTime(&Basic.LastWriteTime) != 0)
    {
        /* a time the file system cannot hold (FAT: 1980-2107): clamped, as Linux's vfat does */
        Basic.ChangeTime = Basic.LastWriteTime;
        Status = ZwSetInformationFile(Handle, &IoStatus, &Basic, sizeof(Basic),
                                      FileBasicInformation);
    }
    return NT_SUCCESS(Status) ? 0 : LxStatusToErrno(Status);
}

/* ---------------------------------------------------------------------------------------- */
/* Operations every NT-backed kind shares (its private state starts with LX_NT_OBJECT)     */

HANDLE
LxNtHandle(
    _In_ PLX_FILE File)
{
    return ((PLX_NT_OBJECT)File->Private)->Handle;
}

LONG
LxNtObjectStatfs(
    _In_ PLX_FILE File,
    _Out_ lx_statfs_info *Info)
{
    return LxNtStatfs(LxNtHandle(File), Info);
}

/* Marks an open handle delete-on-close. */
NTSTATUS
LxSetDeleteDisposition(
    _In_ HANDLE Handle)
{
    FILE_DISPOSITION_INFORMATION Disposition;
    IO_STATUS_BLOCK IoStatus;

    Disposition.DeleteFile = TRUE;
    return ZwSetInformationFile(Handle, &IoStatus, &Disposition, sizeof(Disposition),
                                FileDispositionInformation);
}

/* Unlinks the file behind Handle (opened with DELETE) when it closes: a read-only one too,
 * as Linux unlinks whatever its directory lets go (its attributes are made normal first) */
NTSTATUS
LxNtDeleteFile(
    _In_ HANDLE Handle)
{
    NTSTATUS Status = LxSetDeleteDisposition(Handle);

    if (Status == STATUS_CANNOT_DELETE)
    {
        FILE_BASIC_INFORMATION Basic;
        IO_STATUS_BLOCK IoStatus;

        RtlZeroMemory(&Basic, sizeof(Basic));
        Basic.FileAttributes = FILE_ATTRIBUTE_NORMAL;
        if (NT_SUCCESS(ZwSetInformationFile(Handle, &IoStatus, &Basic, sizeof(Basic),
                                            FileBasicInformation)))
            Status = LxSetDeleteDisposition(Handle);
    }
    return Status;
}

/* Renames the file behind Handle (opened with DELETE) to the NT path NewName, over a file
 * already there when Replace */
NTSTATUS
LxNtRename(
    _In_ HANDLE Handle,
    _In_ PCUNICODE_STRING NewName,
    _In_ BOOLEAN Replace)
{
    ULONG Size = FIELD_OFFSET(FILE_RENAME_INFORMATION, FileName) + NewName->Length;
    PFILE_RENAME_INFORMATION Rename = ExAllocatePoolWithTag(PagedPool, Size, LX_TAG_TEMP);
    IO_STATUS_BLOCK IoStatus;
    NTSTATUS Status;

    if (Rename == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    Rename->ReplaceIfExists = Replace;
    Rename->RootDirectory = NULL;
    Rename->FileNameLength = NewName->Length;
    RtlCopyMemory(Rename->FileName, NewName->Buffer, NewName->Length);
    Status = ZwSetInformationFile(Handle, &IoStatus, Rename, Size, FileRenameInformation);
    ExFreePoolWithTag(Rename, LX_TAG_TEMP);
    return Status;
}

/* IRP_MJ_FLUSH_BUFFERS for the file behind Handle, as NtFlushBuffersFile sends it (the
 * kernel does not export ZwFlushBuffersFile). Called at PASSIVE_LEVEL. */
static
NTSTATUS
LxFlushFileObject(
    _In_ PFILE_OBJECT FileObject)
{
    PDEVICE_OBJECT Device = IoGetRelatedDeviceObject(FileObject);
    IO_STATUS_BLOCK IoStatus;
    KEVENT Event;
    NTSTATUS Status;
    PIRP Irp;

    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    Irp = IoBuildSynchronousFsdRequest(IRP_MJ_FLUSH_BUFFERS, Device, NULL, 0, NULL, &Event,
                                       &IoStatus);
    if (Irp == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    IoGetNextIrpStackLocation(Irp)->FileObject = FileObject;
    Status = IoCallDriver(Device, Irp);
    if (Status == STATUS_PENDING)
    {
        KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, NULL);
        Status = IoStatus.Status;
    }
    return Status;
}

/* Flushes the file behind Handle and then its whole volume: FAT writes a file's directory
 * entry and the FAT itself only when its volume is flushed, and Linux's fsync on vfat makes
 * them durable too. The volume is opened by the name of the device the file lives on. */
LONG
LxFlushNtFile(
    _In_ HANDLE Handle,
    _In_ BOOLEAN FileToo)
{
    POBJECT_NAME_INFORMATION Name = NULL;
    OBJECT_ATTRIBUTES ObjectAttributes;
    IO_STATUS_BLOCK IoStatus;
    PFILE_OBJECT FileObject, VolumeObject;
    HANDLE Volume;
    ULONG Length;
    NTSTATUS Status;

    Status = ObReferenceObjectByHandle(Handle, 0, *IoFileObjectType, KernelMode,
                                       (PVOID *)&FileObject, NULL);
    if (!NT_SUCCESS(Status))
        return LxStatusToErrno(Status);
    if (FileToo)
        Status = LxFlushFileObject(FileObject);
    if (NT_SUCCESS(Status))
    {
        Length = sizeof(OBJECT_NAME_INFORMATION) + 512 * sizeof(WCHAR);
        Name = ExAllocatePoolWithTag(PagedPool, Length, LX_TAG_TEMP);
        Status = Name ? ObQueryNameString(FileObject->DeviceObject, Name, Length, &Length) :
                        STATUS_NO_MEMORY;
    }
    ObDereferenceObject(FileObject);
    if (NT_SUCCESS(Status))
    {
        InitializeObjectAttributes(&ObjectAttributes, &Name->Name, OBJ_KERNEL_HANDLE, NULL, NULL);
        Status = ZwCreateFile(&Volume, SYNCHRONIZE | FILE_WRITE_DATA, &ObjectAttributes,
                              &IoStatus, NULL, 0, FILE_SHARE_READ | FILE_SHARE_WRITE,
                              FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
    }
    if (NT_SUCCESS(Status))
    {
        Status = ObReferenceObjectByHandle(Volume, 0, *IoFileObjectType, KernelMode,
                                           (PVOID *)&VolumeObject, NULL);
        if (NT_SUCCESS(Status))
        {
            Status = LxFlushFileObject(VolumeObject);
            ObDereferenceObject(VolumeObject);
        }
        ZwClose(Volume);
    }
    if (Name != NULL)
        ExFreePoolWithTag(Name, LX_TAG_TEMP);
    /* a volume that cannot be written (a CD) has nothing to flush */
    if (Status == STATUS_MEDIA_WRITE_PROTECTED || Status == STATUS_ACCESS_DENIED)
        Status = STATUS_SUCCESS;
    return NT_SUCCESS(Status) ? 0 : LxStatusToErrno(Status);
}

/* fsync and fdatasync: the file's data and what FAT needs to find it (LxFlushNtFile) */
LONG
LxNtObjectFsync(
    _In_ PLX_FILE File)
{
    return LxFlushNtFile(LxNtHandle(File), TRUE);
}

/* fchmod and fchown record the mode and owner for the file's path (meta.c); futimens sets
 * the handle's times */
LONG
LxNtObjectSetattr(
    _In_ PLX_FILE File,
    _In_ const LX_SETATTR *Attr)
{
    LONG Result = 0;

    if (Attr->Valid & (LX_SETATTR_MODE | LX_SETATTR_OWNER))
    {
        struct _LX_STAT64 St;

        if (File->Path == NULL)
            return -LX_EPERM;
        Result = LxNtStat(LxNtHandle(File), NULL, &St);
        if (Result == 0)
            Result = LxMetaSetattr(LxCurrentProcess(), File->Path, St.StMode, Attr);
        if (Result < 0)
            return Result;
    }
    if (Attr->Valid & LX_SETATTR_TIMES)
    {
        Result = LxNtSetTimes(LxNtHandle(File), Attr);
        if (Result == -LX_EACCES)
            Result = -LX_EPERM;     /* a descriptor opened without attribute access */
    }
    return Result;
}

LONG
LxNtObjectIdentity(
    _In_ PLX_FILE File,
    _Out_ PULONGLONG Volume,
    _Out_ PULONGLONG Index,
    _Out_opt_ PULONGLONG Size)
{
    return LxNtIdentity(LxNtHandle(File), Volume, Index, Size);
}

VOID
LxNtObjectRelease(
    _In_ PLX_FILE File)
{
    ZwClose(LxNtHandle(File));
}

/* A new description of an NT-backed kind holding Handle (closed if there is no memory) */
LONG
LxCreateNtObjectFile(
    _In_ PCLX_FILE_OPERATIONS Ops,
    _In_ ULONG StatusFlags,
    _In_ ULONG Mode,
    _In_ SIZE_T PrivateSize,
    _In_ HANDLE Handle,
    _Out_ PLX_FILE *File)
{
    PLX_FILE New = LxAllocateFile(Ops, StatusFlags, Mode, PrivateSize);

    *File = New;
    if (New == NULL)
    {
        ZwClose(Handle);
        return LxNoFile();
    }
    ((PLX_NT_OBJECT)New->Private)->Handle = Handle;
    return 0;
}
