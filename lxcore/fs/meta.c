/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Linux metadata of NT files: mode, owner, file type and device number, kept
 *              in a table in memory and in a journal on the volume
 *
 * FAT has no home for a Linux mode, owner or file type. lxcore keeps them per root
 * directory (a distribution, or the test disk) in a hash table keyed by the root and the
 * resolved Linux path, updated by chmod, chown, mknod, creation, rename, unlink and rmdir.
 * A path the table does not know is root's, with a mode from its NT attributes.
 *
 * Every change is also appended to the root's journal, LX_META_FILE_NAME in the root
 * directory (format: core/lx_meta.h), on disk before the call returns. The journal is
 * opened write-through and grows in zero-filled steps of LX_META_GROWTH, so an append only
 * writes data into clusters the file already has: the cache manager writes them through,
 * and no directory entry or FAT sector (which FAT writes lazily) has to reach the disk for
 * the record to count. The first use of a root replays its journal up to the first record
 * that is not whole (zeros, or one cut short by a power failure): at worst the last change
 * is lost. What follows that point is zeroed before new records go there, so the bytes of a
 * torn record never join a later one. A journal that has grown past twice its
 * live paths is rewritten compactly: the new one is written and flushed as
 * LX_META_TEMP_NAME, then renamed over the old one; a load that finds only the new one (the
 * power failed between the two steps of the rename) takes it, one that finds both deletes
 * the new one (it may be incomplete). A volume that cannot hold the journal (read-only,
 * full) keeps the table in memory only. Linux programs cannot reach the journal: its path
 * is refused (LxMetaReservedPath). An append opens the journal and closes it again: lxcore
 * holds no file of a root open, so a distribution's directory can be deleted; a journal an
 * append finds gone (made anew) means the root was reset, and its table entries go.
 *
 * One ERESOURCE guards the table and the journals: shared for lookups, exclusive for
 * changes and the first load. Journal I/O happens with it held and normal kernel APCs off
 * (KeEnterCriticalRegion), never at APC_LEVEL: no caller holds a fast mutex.
 */

#include "lxfs.h"
#include "lx_meta.h"

#define NDEBUG
#include <debug.h>

typedef struct _LX_META
{
    LIST_ENTRY Link;            /* in its bucket */
    ULONGLONG RootHash;
    LX_META_INFO Info;
    CHAR Path[ANYSIZE_ARRAY];
} LX_META, *PLX_META;

/* a root directory whose journal has been loaded */
typedef struct _LX_META_STORE
{
    LIST_ENTRY Link;
    ULONGLONG RootHash;
    BOOLEAN Persistent;         /* FALSE: this root's table lives in memory only */
    UNICODE_STRING JournalName; /* the journal's NT path (pool) when Persistent */
    HANDLE Journal;             /* open while it is loaded or appended to, else NULL */
    ULONGLONG Size;             /* where the next record goes */
    ULONGLONG Allocated;        /* the file's size: zeros from Size on */
    ULONG Records;
    BOOLEAN Cased;              /* a name of this root has been stored cased */
} LX_META_STORE, *PLX_META_STORE;

/* Hashed by root and path: a program that makes ten thousand files must not walk them all on
 * each open, stat or unlink (tests/bench/guest-table.ts found that). A subtree (rmdir, rename)
 * is a walk of every bucket. */
#define LX_META_BUCKETS     1024
#define LX_META_JOURNAL_MAX (64 * 1024 * 1024)
#define LX_META_GROWTH      (64 * 1024)

static ERESOURCE LxMetaLock;
static LIST_ENTRY LxMetaBuckets[LX_META_BUCKETS];
static LIST_ENTRY LxMetaStores;
static BOOLEAN LxMetaReady;

VOID
LxInitializeMetadata(VOID)
{
    ULONG i;

    ExInitializeResourceLite(&LxMetaLock);
    for (i = 0; i < LX_META_BUCKETS; i++)
        InitializeListHead(&LxMetaBuckets[i]);
    InitializeListHead(&LxMetaStores);
    LxMetaReady = TRUE;
}

/* A path of the process (Path, under its chroot) as a path of its Root, whose table holds
 * the metadata: Path itself without a chroot, else a pool buffer in *Allocated (free it with
 * LxMetaFreePath), or NULL (no memory, too long) */
static
PCSTR
LxMetaRootPath(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Path,
    _Out_ PCHAR *Allocated)
{
    *Allocated = NULL;
    if (Process->RootPrefix == NULL)
        return Path;
    *Allocated = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (*Allocated == NULL || LxRootPathOf(Process, Path, *Allocated) < 0)
        return NULL;
    return *Allocated;
}

static
VOID
LxMetaFreePath(
    _In_opt_ PCHAR Allocated)
{
    if (Allocated != NULL)
        ExFreePoolWithTag(Allocated, LX_TAG_TEMP);
}

BOOLEAN
LxMetaReservedPath(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Resolved)
{
    PCHAR Allocated;
    PCSTR RootPath = LxMetaRootPath(Process, Resolved, &Allocated);
    BOOLEAN Reserved = RootPath != NULL &&
                       (lx_path_is_under(RootPath, "/" LX_META_FILE_NAME) ||
                        lx_path_is_under(RootPath, "/" LX_META_TEMP_NAME) ||
                        lx_path_is_under(RootPath, LX_INODES_DIR));

    LxMetaFreePath(Allocated);
    return Reserved;
}

/* ---------------------------------------------------------------------------------------- */
/* The table                                                                               */

static
ULONGLONG
LxRootHash(
    _In_ PLX_PROCESS Process)
{
    ULONGLONG Hash = 14695981039346656037ULL;
    USHORT i;

    for (i = 0; i < Process->Root.Length / sizeof(WCHAR); i++)
        Hash = (Hash ^ RtlUpcaseUnicodeChar(Process->Root.Buffer[i])) * 1099511628211ULL;
    return Hash;
}

static
PLIST_ENTRY
LxMetaBucket(
    _In_ ULONGLONG RootHash,
    _In_ PCSTR Path,
    _In_ SIZE_T Length)
{
    ULONGLONG Hash = RootHash;
    SIZE_T i;

    for (i = 0; i < Length; i++)
        Hash = (Hash ^ (UCHAR)Path[i]) * 1099511628211ULL;
    return &LxMetaBuckets[(ULONG)(Hash ^ (Hash >> 32)) % LX_META_BUCKETS];
}

static
PLX_META
LxMetaFind(
    _In_ ULONGLONG RootHash,
    _In_ PCSTR Path,
    _In_ SIZE_T Length)
{
    PLIST_ENTRY Bucket = LxMetaBucket(RootHash, Path, Length), Entry;

    for (Entry = Bucket->Flink; Entry != Bucket; Entry = Entry->Flink)
    {
        PLX_META Meta = CONTAINING_RECORD(Entry, LX_META, Link);
        if (Meta->RootHash == RootHash && strncmp(Meta->Path, Path, Length) == 0 &&
            Meta->Path[Length] == ANSI_NULL)
        {
            return Meta;
        }
    }
    return NULL;
}

/* TRUE if Meta is Path or lies below it */
static
BOOLEAN
LxMetaUnder(
    _In_ PLX_META Meta,
    _In_ ULONGLONG RootHash,
    _In_ PCSTR Path,
    _In_ SIZE_T Length)
{
    return Meta->RootHash == RootHash && strncmp(Meta->Path, Path, Length) == 0 &&
           (Meta->Path[Length] == ANSI_NULL || Meta->Path[Length] == '/');
}

static
ULONG
LxMetaApplySet(
    _In_ ULONGLONG RootHash,
    _In_ PCSTR Path,
    _In_ SIZE_T Length,
    _In_ const LX_META_INFO *Info)
{
    PLX_META Meta = LxMetaFind(RootHash, Path, Length);

    if (Meta == NULL)
    {
        Meta = ExAllocatePoolWithTag(PagedPool, FIELD_OFFSET(LX_META, Path) + Length + 1,
                                     LX_TAG_META);
        if (Meta == NULL)
            return 0;
        Meta->RootHash = RootHash;
        RtlCopyMemory(Meta->Path, Path, Length);
        Meta->Path[Length] = ANSI_NULL;
        InsertHeadList(LxMetaBucket(RootHash, Path, Length), &Meta->Link);
    }
    Meta->Info = *Info;
    return 1;
}

/* Forgets Path, and with Tree everything below it. */
static
VOID
LxMetaApplyRemove(
    _In_ ULONGLONG RootHash,
    _In_ PCSTR Path,
    _In_ SIZE_T Length,
    _In_ BOOLEAN Tree)
{
    PLIST_ENTRY Entry, Next;
    PLX_META Meta;
    ULONG i;

    Meta = LxMetaFind(RootHash, Path, Length);
    if (Meta != NULL)
    {
        RemoveEntryList(&Meta->Link);
        ExFreePoolWithTag(Meta, LX_TAG_META);
    }
    for (i = 0; Tree && i < LX_META_BUCKETS; i++)
    {
        for (Entry = LxMetaBuckets[i].Flink; Entry != &LxMetaBuckets[i]; Entry = Next)
        {
            Meta = CONTAINING_RECORD(Entry, LX_META, Link);
            Next = Entry->Flink;
            if (LxMetaUnder(Meta, RootHash, Path, Length))
            {
                RemoveEntryList(&Meta->Link);
                ExFreePoolWithTag(Meta, LX_TAG_META);
            }
        }
    }
}

/* Moves the entries of OldPath (and below it) to NewPath, dropping what NewPath held. */
static
VOID
LxMetaApplyRename(
    _In_ ULONGLONG RootHash,
    _In_ PCSTR OldPath,
    _In_ SIZE_T OldLength,
    _In_ PCSTR NewPath,
    _In_ SIZE_T NewLength)
{
    LIST_ENTRY Moved;
    PLIST_ENTRY Entry, Next;
    ULONG i;

    LxMetaApplyRemove(RootHash, NewPath, NewLength, TRUE);
    InitializeListHead(&Moved);
    for (i = 0; i < LX_META_BUCKETS; i++)
    {
        for (Entry = LxMetaBuckets[i].Flink; Entry != &LxMetaBuckets[i]; Entry = Next)
        {
            PLX_META Meta = CONTAINING_RECORD(Entry, LX_META, Link), New;
            SIZE_T Tail;

            Next = Entry->Flink;
            if (!LxMetaUnder(Meta, RootHash, OldPath, OldLength))
                continue;
            Tail = strlen(Meta->Path + OldLength);
            New = ExAllocatePoolWithTag(PagedPool,
                                        FIELD_OFFSET(LX_META, Path) + NewLength + Tail + 1,
                                        LX_TAG_META);
            RemoveEntryList(&Meta->Link);
            if (New != NULL && NewLength + Tail < LX_PATH_MAX)
            {
                New->RootHash = RootHash;
                New->Info = Meta->Info;
                RtlCopyMemory(New->Path, NewPath, NewLength);
                RtlCopyMemory(New->Path + NewLength, Meta->Path + OldLength, Tail + 1);
                InsertHeadList(&Moved, &New->Link);
            }
            else if (New != NULL)
            {
                ExFreePoolWithTag(New, LX_TAG_META);
            }
            ExFreePoolWithTag(Meta, LX_TAG_META);
        }
    }
    /* into their buckets only now: the walk above must not meet them again */
    while (!IsListEmpty(&Moved))
    {
        PLX_META Meta = CONTAINING_RECORD(RemoveHeadList(&Moved), LX_META, Link);
        InsertHeadList(LxMetaBucket(RootHash, Meta->Path, strlen(Meta->Path)), &Meta->Link);
    }
}

/* The SET record of Path's whole state */
static
VOID
LxMetaSetRecord(
    _Out_ lx_meta_record *Record,
    _In_ PCSTR Path,
    _In_ const LX_META_INFO *Info)
{
    RtlZeroMemory(Record, sizeof(*Record));
    Record->op = LX_META_OP_SET;
    Record->path = Path;
    Record->path_len = (USHORT)strlen(Path);
    Record->mode = Info->Mode;
    Record->uid = Info->Uid;
    Record->gid = Info->Gid;
    Record->rdev = Info->Rdev;
}

static
VOID
LxMetaApply(
    _In_ ULONGLONG RootHash,
    _In_ const lx_meta_record *Record)
{
    LX_META_INFO Info;

    switch (Record->op)
    {
        case LX_META_OP_SET:
            Info.Mode = Record->mode;
            Info.Uid = Record->uid;
            Info.Gid = Record->gid;
            Info.Rdev = Record->rdev;
            LxMetaApplySet(RootHash, Record->path, Record->path_len, &Info);
            break;
        case LX_META_OP_REMOVE:
        case LX_META_OP_REMOVE_TREE:
            LxMetaApplyRemove(RootHash, Record->path, Record->path_len,
                              Record->op == LX_META_OP_REMOVE_TREE);
            break;
        case LX_META_OP_RENAME:
            LxMetaApplyRename(RootHash, Record->path, Record->path_len,
                              Record->path2, Record->path2_len);
            break;
    }
}

static
ULONG
LxMetaCountLive(
    _In_ ULONGLONG RootHash)
{
    PLIST_ENTRY Entry;
    ULONG i, Live = 0;

    for (i = 0; i < LX_META_BUCKETS; i++)
    {
        for (Entry = LxMetaBuckets[i].Flink; Entry != &LxMetaBuckets[i]; Entry = Entry->Flink)
        {
            if (CONTAINING_RECORD(Entry, LX_META, Link)->RootHash == RootHash)
                Live++;
        }
    }
    return Live;
}

/* ---------------------------------------------------------------------------------------- */
/* The journal                                                                             */

/* Opens a journal file; *Created tells whether FILE_OPEN_IF made it */
static
NTSTATUS
LxMetaOpen(
    _In_ PUNICODE_STRING Name,
    _In_ ULONG Disposition,
    _Out_ PHANDLE Handle,
    _Out_opt_ PBOOLEAN Created)
{
    OBJECT_ATTRIBUTES ObjectAttributes;
    IO_STATUS_BLOCK IoStatus;
    NTSTATUS Status;

    InitializeObjectAttributes(&ObjectAttributes, Name, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE,
                               NULL, NULL);
    Status = ZwCreateFile(Handle, FILE_READ_DATA | FILE_WRITE_DATA | DELETE | SYNCHRONIZE,
                          &ObjectAttributes, &IoStatus, NULL,
                          FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM, FILE_SHARE_READ,
                          Disposition,
                          FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT |
                              FILE_WRITE_THROUGH,
                          NULL, 0);
    if (Created != NULL)
        *Created = NT_SUCCESS(Status) && IoStatus.Information == FILE_CREATED;
    return Status;
}

static
NTSTATUS
LxMetaWrite(
    _In_ HANDLE Handle,
    _In_ ULONGLONG Offset,
    _In_reads_bytes_(Length) const VOID *Data,
    _In_ ULONG Length)
{
    IO_STATUS_BLOCK IoStatus;
    LARGE_INTEGER At;
    NTSTATUS Status;

    At.QuadPart = (LONGLONG)Offset;
    Status = ZwWriteFile(Handle, NULL, NULL, NULL, &IoStatus, (PVOID)Data, Length, &At, NULL);
    if (NT_SUCCESS(Status) && IoStatus.Information != Length)
        Status = STATUS_DISK_FULL;
    return Status;
}

static
NTSTATUS
LxMetaSetEnd(
    _In_ HANDLE Handle,
    _In_ ULONGLONG Size)
{
    FILE_END_OF_FILE_INFORMATION End;
    IO_STATUS_BLOCK IoStatus;

    End.EndOfFile.QuadPart = (LONGLONG)Size;
    return ZwSetInformationFile(Handle, &IoStatus, &End, sizeof(End), FileEndOfFileInformation);
}

/* Writes zeros over [From, To) of the journal, write-through. */
static
NTSTATUS
LxMetaZero(
    _In_ HANDLE Handle,
    _In_ ULONGLONG From,
    _In_ ULONGLONG To)
{
    NTSTATUS Status = STATUS_SUCCESS;
    PVOID Zeros;

    Zeros = ExAllocatePoolWithTag(PagedPool, LX_META_GROWTH, LX_TAG_TEMP);
    if (Zeros == NULL)
        return STATUS_NO_MEMORY;
    RtlZeroMemory(Zeros, LX_META_GROWTH);
    while (From < To && NT_SUCCESS(Status))
    {
        ULONG Length = (ULONG)min(To - From, LX_META_GROWTH);
        Status = LxMetaWrite(Handle, From, Zeros, Length);
        From += Length;
    }
    ExFreePoolWithTag(Zeros, LX_TAG_TEMP);
    return Status;
}

/* Forgets every entry of a root (its journal is gone) */
static
VOID
LxMetaForgetRoot(
    _In_ ULONGLONG RootHash)
{
    PLIST_ENTRY Entry, Next;
    ULONG i;

    for (i = 0; i < LX_META_BUCKETS; i++)
    {
        for (Entry = LxMetaBuckets[i].Flink; Entry != &LxMetaBuckets[i]; Entry = Next)
        {
            PLX_META Meta = CONTAINING_RECORD(Entry, LX_META, Link);
            Next = Entry->Flink;
            if (Meta->RootHash == RootHash)
            {
                RemoveEntryList(&Meta->Link);
                ExFreePoolWithTag(Meta, LX_TAG_META);
            }
        }
    }
}

/* Appends one record (already applied to the table) to the store's journal, growing it first
 * when the record does not fit in its zeros. The journal is opened for the append and closed
 * after it, so lxcore holds no file of a root open: a distribution's directory can be
 * deleted or renamed. If the journal is gone (made anew by the open), what the table knew of
 * the root went with it. A failure leaves the table in memory only for this root: a journal
 * with a record missing would be wrong after a reboot. */
static
VOID
LxMetaAppend(
    _In_ PLX_META_STORE Store,
    _In_ const lx_meta_record *Record)
{
    UCHAR Header[LX_META_HEADER_SIZE];
    BOOLEAN Created;
    NTSTATUS Status;
    PUCHAR Buffer;
    SIZE_T Size;

    if (!Store->Persistent)
        return;
    if (KeGetCurrentIrql() != PASSIVE_LEVEL)
    {
        Status = STATUS_INVALID_DEVICE_STATE;   /* no synchronous I/O here: see LxMetaAcquire */
        goto Failed;
    }
    Buffer = ExAllocatePoolWithTag(PagedPool, LX_META_RECORD_MAX, LX_TAG_TEMP);
    if (Buffer == NULL)
    {
        Status = STATUS_NO_MEMORY;
        goto Failed;
    }
    Status = LxMetaOpen(&Store->JournalName, FILE_OPEN_IF, &Store->Journal, &Created);
    if (!NT_SUCCESS(Status))
    {
        ExFreePoolWithTag(Buffer, LX_TAG_TEMP);
        Store->Journal = NULL;
        goto Failed;
    }
    if (Created)
    {
        LxMetaForgetRoot(Store->RootHash);
        LxMetaApply(Store->RootHash, Record);
        lx_meta_write_header(Header);
        Status = LxMetaWrite(Store->Journal, 0, Header, sizeof(Header));
        Store->Size = Store->Allocated = sizeof(Header);
        Store->Records = 0;
    }
    Size = lx_meta_encode(Buffer, LX_META_RECORD_MAX, Record);
    if (NT_SUCCESS(Status) && Size == 0)
        Status = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(Status) && Store->Size + Size > Store->Allocated)
    {
        Status = LxMetaZero(Store->Journal, Store->Allocated,
                            Store->Allocated + LX_META_GROWTH);
        if (NT_SUCCESS(Status))
            Store->Allocated += LX_META_GROWTH;
    }
    if (NT_SUCCESS(Status))
        Status = LxMetaWrite(Store->Journal, Store->Size, Buffer, (ULONG)Size);
    ExFreePoolWithTag(Buffer, LX_TAG_TEMP);
    ZwClose(Store->Journal);
    Store->Journal = NULL;
    if (NT_SUCCESS(Status))
    {
        Store->Size += Size;
        Store->Records++;
        return;
    }

Failed:
    DPRINT1("lxcore: metadata journal: a write failed (0x%lx); this root's changes stay in memory\n",
            Status);
    Store->Persistent = FALSE;
}

/* Applies a record to the table (lock held exclusive) and, with Append, to the journal */
static
VOID
LxMetaCommit(
    _In_opt_ PLX_META_STORE Store,
    _In_ ULONGLONG RootHash,
    _In_ const lx_meta_record *Record,
    _In_ BOOLEAN Append)
{
    LxMetaApply(RootHash, Record);
    if (Store == NULL)
        return;
    if (Record->op == LX_META_OP_SET && (Record->mode & LX_META_CASED))
        Store->Cased = TRUE;
    if (Append)
        LxMetaAppend(Store, Record);
}

/* Writes every live entry of the root as a SET record into a new journal (Temp), flushed. */
static
NTSTATUS
LxMetaWriteCompact(
    _In_ ULONGLONG RootHash,
    _In_ HANDLE Temp,
    _Out_ PULONGLONG Size,
    _Out_ PULONG Records)
{
    PLIST_ENTRY Entry;
    PUCHAR Buffer;
    ULONG Used, i;
    NTSTATUS Status = STATUS_SUCCESS;
    const ULONG Chunk = 256 * 1024;

    *Size = 0;
    *Records = 0;
    Buffer = ExAllocatePoolWithTag(PagedPool, Chunk, LX_TAG_TEMP);
    if (Buffer == NULL)
        return STATUS_NO_MEMORY;
    lx_meta_write_header(Buffer);
    Used = LX_META_HEADER_SIZE;
    for (i = 0; i < LX_META_BUCKETS && NT_SUCCESS(Status); i++)
    {
        for (Entry = LxMetaBuckets[i].Flink; Entry != &LxMetaBuckets[i]; Entry = Entry->Flink)
        {
            PLX_META Meta = CONTAINING_RECORD(Entry, LX_META, Link);
            lx_meta_record Record;
            SIZE_T n;

            if (Meta->RootHash != RootHash)
                continue;
            LxMetaSetRecord(&Record, Meta->Path, &Meta->Info);
            if (Chunk - Used < LX_META_RECORD_MAX)
            {
                Status = LxMetaWrite(Temp, *Size, Buffer, Used);
                if (!NT_SUCCESS(Status))
                    break;
                *Size += Used;
                Used = 0;
            }
            n = lx_meta_encode(Buffer + Used, Chunk - Used, &Record);
            Used += (ULONG)n;
            *Records += n ? 1 : 0;
        }
    }
    if (NT_SUCCESS(Status) && Used)
    {
        Status = LxMetaWrite(Temp, *Size, Buffer, Used);
        *Size += Used;
    }
    ExFreePoolWithTag(Buffer, LX_TAG_TEMP);
    if (NT_SUCCESS(Status))
        Status = LxMetaSetEnd(Temp, *Size);
    return Status;
}

/* Rewrites the store's journal with only its live paths (see the top of the file). */
static
VOID
LxMetaCompact(
    _In_ PLX_PROCESS Process,
    _Inout_ PLX_META_STORE Store,
    _In_ PUNICODE_STRING JournalName)
{
    UNICODE_STRING TempName;
    ULONGLONG Size;
    ULONG Records;
    HANDLE Temp;
    NTSTATUS Status;

    if (LxNtRootPathOf(Process, "/" LX_META_TEMP_NAME, &TempName) < 0)
        return;
    Status = LxMetaOpen(&TempName, FILE_OVERWRITE_IF, &Temp, NULL);
    ExFreePoolWithTag(TempName.Buffer, LX_TAG_TEMP);
    if (!NT_SUCCESS(Status))
        return;
    Status = LxMetaWriteCompact(Store->RootHash, Temp, &Size, &Records);
    if (NT_SUCCESS(Status))
    {
        ZwClose(Store->Journal);
        Store->Journal = NULL;
        Status = LxNtRename(Temp, JournalName, TRUE);
    }
    if (!NT_SUCCESS(Status))
    {
        DPRINT1("lxcore: metadata journal: compaction failed (0x%lx)\n", Status);
        LxSetDeleteDisposition(Temp);
        ZwClose(Temp);
        if (Store->Journal == NULL)
            LxMetaOpen(JournalName, FILE_OPEN, &Store->Journal, NULL);
        return;
    }
    DPRINT1("lxcore: metadata journal compacted: %lu records -> %lu\n", Store->Records, Records);
    Store->Journal = Temp;
    Store->Size = Store->Allocated = Size;
    Store->Records = Records;
}

/* Reads the journal (at most LX_META_JOURNAL_MAX bytes) and replays it into the table.
 * Returns the length of its valid part, or 0 when it is not a journal (a new file: the
 * caller writes the header); *Dirty is the end of the non-zero bytes after that part. */
static
ULONGLONG
LxMetaReplay(
    _Inout_ PLX_META_STORE Store,
    _Out_ PULONGLONG Dirty)
{
    FILE_STANDARD_INFORMATION Standard;
    IO_STATUS_BLOCK IoStatus;
    LARGE_INTEGER At;
    lx_meta_record Record;
    PUCHAR Data;
    SIZE_T Length, Used, n;
    NTSTATUS Status;

    *Dirty = 0;
    Status = ZwQueryInformationFile(Store->Journal, &IoStatus, &Standard, sizeof(Standard),
                                    FileStandardInformation);
    if (!NT_SUCCESS(Status))
        return 0;
    Store->Allocated = (ULONGLONG)Standard.EndOfFile.QuadPart;
    if (Store->Allocated < LX_META_HEADER_SIZE)
        return 0;
    Length = (SIZE_T)min(Standard.EndOfFile.QuadPart, LX_META_JOURNAL_MAX);
    Data = ExAllocatePoolWithTag(PagedPool, Length, LX_TAG_TEMP);
    if (Data == NULL)
        return 0;
    At.QuadPart = 0;
    Status = ZwReadFile(Store->Journal, NULL, NULL, NULL, &IoStatus, Data, (ULONG)Length, &At,
                        NULL);
    if (!NT_SUCCESS(Status) || IoStatus.Information != Length ||
        !lx_meta_check_header(Data, Length))
    {
        ExFreePoolWithTag(Data, LX_TAG_TEMP);
        return 0;
    }
    for (Used = LX_META_HEADER_SIZE; (n = lx_meta_decode(Data + Used, Length - Used, &Record)) != 0;
         Used += n)
    {
        LxMetaCommit(Store, Store->RootHash, &Record, FALSE);
        Store->Records++;
    }
    for (n = Length; n > Used && Data[n - 1] == 0; n--)
        ;
    if (n > Used)
    {
        DPRINT1("lxcore: metadata journal: %Iu bytes of a record that is not whole dropped\n",
                n - Used);
        *Dirty = n;
    }
    ExFreePoolWithTag(Data, LX_TAG_TEMP);
    return Used;
}

/* Opens and replays the journal of a root not seen yet (lock held exclusive). */
static
PLX_META_STORE
LxMetaLoad(
    _In_ PLX_PROCESS Process,
    _In_ ULONGLONG RootHash)
{
    UNICODE_STRING JournalName, TempName;
    PLX_META_STORE Store;
    HANDLE Temp;
    NTSTATUS Status;
    ULONGLONG Dirty;
    UCHAR Header[LX_META_HEADER_SIZE];

    Store = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Store), LX_TAG_META);
    if (Store == NULL)
        return NULL;
    RtlZeroMemory(Store, sizeof(*Store));
    Store->RootHash = RootHash;
    InsertTailList(&LxMetaStores, &Store->Link);
    if (LxNtRootPathOf(Process, "/" LX_META_FILE_NAME, &JournalName) < 0)
        return Store;
    if (LxNtRootPathOf(Process, "/" LX_META_TEMP_NAME, &TempName) == 0)
    {
        /* a compaction the power cut: the new journal alone is whole, next to the old one
         * it may not be */
        if (NT_SUCCESS(LxMetaOpen(&TempName, FILE_OPEN, &Temp, NULL)))
        {
            if (!NT_SUCCESS(LxMetaOpen(&JournalName, FILE_OPEN, &Store->Journal, NULL)))
            {
                LxNtRename(Temp, &JournalName, TRUE);
            }
            else
            {
                ZwClose(Store->Journal);
                Store->Journal = NULL;
                LxSetDeleteDisposition(Temp);
            }
            ZwClose(Temp);
        }
        ExFreePoolWithTag(TempName.Buffer, LX_TAG_TEMP);
    }

    Status = LxMetaOpen(&JournalName, FILE_OPEN_IF, &Store->Journal, NULL);
    if (!NT_SUCCESS(Status))
    {
        /* a CD, a full or read-only volume: this root's metadata lives in memory only */
        Store->Journal = NULL;
        ExFreePoolWithTag(JournalName.Buffer, LX_TAG_TEMP);
        return Store;
    }
    Store->Size = LxMetaReplay(Store, &Dirty);
    if (Store->Size == 0)
    {
        /* a new journal (or a file that is not one: started again) */
        lx_meta_write_header(Header);
        Status = LxMetaSetEnd(Store->Journal, 0);
        if (NT_SUCCESS(Status))
            Status = LxMetaWrite(Store->Journal, 0, Header, sizeof(Header));
        Store->Size = Store->Allocated = sizeof(Header);
    }
    else if (Dirty > Store->Size)
    {
        Status = LxMetaZero(Store->Journal, Store->Size, Dirty);
    }
    if (!NT_SUCCESS(Status))
    {
        DPRINT1("lxcore: metadata journal cannot be written (0x%lx): in memory only\n", Status);
        ZwClose(Store->Journal);
        Store->Journal = NULL;
    }
    else if (lx_meta_should_compact(Store->Records, LxMetaCountLive(RootHash)))
    {
        LxMetaCompact(Process, Store, &JournalName);
    }
    /* appends open it again (LxMetaAppend): no handle stays open; the store keeps its name
     * in a buffer of its size (LxNtPathOf's is the largest NT path) */
    if (Store->Journal != NULL)
    {
        ZwClose(Store->Journal);
        Store->Journal = NULL;
        Store->JournalName.Buffer = ExAllocatePoolWithTag(PagedPool, JournalName.Length,
                                                          LX_TAG_META);
        if (Store->JournalName.Buffer != NULL)
        {
            RtlCopyMemory(Store->JournalName.Buffer, JournalName.Buffer, JournalName.Length);
            Store->JournalName.Length = Store->JournalName.MaximumLength = JournalName.Length;
            Store->Persistent = TRUE;
        }
    }
    ExFreePoolWithTag(JournalName.Buffer, LX_TAG_TEMP);
    return Store;
}

static
PLX_META_STORE
LxMetaFindStore(
    _In_ ULONGLONG RootHash)
{
    PLIST_ENTRY Entry;

    for (Entry = LxMetaStores.Flink; Entry != &LxMetaStores; Entry = Entry->Flink)
    {
        PLX_META_STORE Store = CONTAINING_RECORD(Entry, LX_META_STORE, Link);
        if (Store->RootHash == RootHash)
            return Store;
    }
    return NULL;
}

/* Takes the lock (shared, or exclusive for a change) with the process's root loaded.
 * Returns its store (NULL: no memory for one; the table is still usable). */
static
PLX_META_STORE
LxMetaAcquire(
    _In_ PLX_PROCESS Process,
    _In_ ULONGLONG RootHash,
    _In_ BOOLEAN Exclusive)
{
    PLX_META_STORE Store;

    KeEnterCriticalRegion();
    if (!Exclusive)
    {
        ExAcquireResourceSharedLite(&LxMetaLock, TRUE);
        Store = LxMetaFindStore(RootHash);
        if (Store != NULL)
            return Store;
        ExReleaseResourceLite(&LxMetaLock);
    }
    ExAcquireResourceExclusiveLite(&LxMetaLock, TRUE);
    Store = LxMetaFindStore(RootHash);
    /* journal I/O needs PASSIVE_LEVEL (synchronous I/O completes through an APC): a caller
     * above it gets the table alone until a later call loads the journal */
    if (Store == NULL && KeGetCurrentIrql() == PASSIVE_LEVEL)
        Store = LxMetaLoad(Process, RootHash);
    if (!Exclusive)
        ExConvertExclusiveToSharedLite(&LxMetaLock);
    return Store;
}

static
VOID
LxMetaRelease(VOID)
{
    ExReleaseResourceLite(&LxMetaLock);
    KeLeaveCriticalRegion();
}

/* Applies a change to the table and appends it to the journal. */
static
VOID
LxMetaChange(
    _In_ PLX_PROCESS Process,
    _In_ const lx_meta_record *Record)
{
    ULONGLONG RootHash = LxRootHash(Process);
    PLX_META_STORE Store;

    Store = LxMetaAcquire(Process, RootHash, TRUE);
    LxMetaCommit(Store, RootHash, Record, TRUE);
    LxMetaRelease();
}

/* ---------------------------------------------------------------------------------------- */
/* What the file layer calls                                                               */

VOID
LxInodePath(
    _In_ ULONG Inode,
    _Out_writes_(LX_INODE_PATH_MAX) PCHAR Path)
{
    RtlStringCbPrintfA(Path, LX_INODE_PATH_MAX, LX_INODES_DIR "/%08lx", Inode);
}

/* How many names of the root RootHash stand for Inode (lock held) */
static
ULONG
LxMetaCountNames(
    _In_ ULONGLONG RootHash,
    _In_ ULONG Inode)
{
    PLIST_ENTRY Entry;
    ULONG i, Names = 0;

    for (i = 0; i < LX_META_BUCKETS; i++)
    {
        for (Entry = LxMetaBuckets[i].Flink; Entry != &LxMetaBuckets[i]; Entry = Entry->Flink)
        {
            PLX_META Meta = CONTAINING_RECORD(Entry, LX_META, Link);

            if (Meta->RootHash == RootHash && (Meta->Info.Mode & LX_META_HARDLINK) &&
                Meta->Info.Rdev == Inode)
                Names++;
        }
    }
    return Names;
}

/* Path's metadata. A hard link's name gives its inode's, with how many names it has. */
BOOLEAN
LxMetaGet(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Path,
    _Out_ PLX_META_INFO Info)
{
    CHAR InodePath[LX_INODE_PATH_MAX];
    ULONGLONG RootHash;
    PLX_META Meta;
    PCHAR Allocated;

    if (!LxMetaReady || Process == NULL)
        return FALSE;
    Path = LxMetaRootPath(Process, Path, &Allocated);
    if (Path == NULL)
    {
        LxMetaFreePath(Allocated);
        return FALSE;
    }
    RootHash = LxRootHash(Process);
    LxMetaAcquire(Process, RootHash, FALSE);
    Meta = LxMetaFind(RootHash, Path, strlen(Path));
    if (Meta != NULL && (Meta->Info.Mode & LX_META_HARDLINK))
    {
        ULONG Inode = Meta->Info.Rdev;

        LxInodePath(Inode, InodePath);
        Meta = LxMetaFind(RootHash, InodePath, strlen(InodePath));
        if (Meta != NULL)
        {
            *Info = Meta->Info;
            Info->Nlink = LxMetaCountNames(RootHash, Inode);
            Info->Inode = Inode;
        }
    }
    else if (Meta != NULL && (Meta->Info.Mode & LX_META_NAME_ONLY))
    {
        Meta = NULL;
    }
    else if (Meta != NULL)
    {
        *Info = Meta->Info;
        Info->Mode &= ~LX_META_CASED;
        Info->Nlink = Info->Inode = 0;
    }
    LxMetaRelease();
    LxMetaFreePath(Allocated);
    return Meta != NULL;
}

/* Whether Path is a hard link's name (its own entry, not followed), and of which inode */
BOOLEAN
LxMetaHardLinkOf(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Path,
    _Out_ PULONG Inode)
{
    ULONGLONG RootHash;
    PLX_META Meta;
    PCHAR Allocated;
    BOOLEAN Found = FALSE;

    *Inode = 0;
    if (!LxMetaReady || Process == NULL)
        return FALSE;
    Path = LxMetaRootPath(Process, Path, &Allocated);
    if (Path != NULL)
    {
        RootHash = LxRootHash(Process);
        LxMetaAcquire(Process, RootHash, FALSE);
        Meta = LxMetaFind(RootHash, Path, strlen(Path));
        if (Meta != NULL && (Meta->Info.Mode & LX_META_HARDLINK))
        {
            *Inode = Meta->Info.Rdev;
            Found = TRUE;
        }
        LxMetaRelease();
    }
    LxMetaFreePath(Allocated);
    return Found;
}

/* How many names Inode has in the process's root */
ULONG
LxMetaNamesOf(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Inode)
{
    ULONGLONG RootHash;
    ULONG Names;

    if (!LxMetaReady)
        return 0;
    RootHash = LxRootHash(Process);
    LxMetaAcquire(Process, RootHash, FALSE);
    Names = LxMetaCountNames(RootHash, Inode);
    LxMetaRelease();
    return Names;
}

/* Whether a name of the process's Root has been stored cased (fs/path.c asks the table
 * about each component only then) */
BOOLEAN
LxMetaHasCased(
    _In_ PLX_PROCESS Process)
{
    PLX_META_STORE Store;
    BOOLEAN Cased;

    if (!LxMetaReady)
        return FALSE;
    Store = LxMetaAcquire(Process, LxRootHash(Process), FALSE);
    Cased = Store != NULL && Store->Cased;
    LxMetaRelease();
    return Cased;
}

/* Whether the first Length bytes of RootPath (a path of the process's Root) name a name
 * stored cased */
BOOLEAN
LxMetaIsCased(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR RootPath,
    _In_ SIZE_T Length)
{
    ULONGLONG RootHash = LxRootHash(Process);
    PLX_META Meta;
    BOOLEAN Cased;

    if (!LxMetaReady)
        return FALSE;
    LxMetaAcquire(Process, RootHash, FALSE);
    Meta = LxMetaFind(RootHash, RootPath, Length);
    Cased = Meta != NULL && (Meta->Info.Mode & LX_META_CASED);
    LxMetaRelease();
    return Cased;
}

/* Path's NT name is now stored cased, or as it is: its entry says so (an entry made only for
 * that holds no metadata, and goes when the name is stored as it is again) */
VOID
LxMetaSetCased(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Path,
    _In_ BOOLEAN Cased)
{
    ULONGLONG RootHash = LxRootHash(Process);
    PLX_META_STORE Store;
    lx_meta_record Record;
    LX_META_INFO Info;
    PLX_META Meta;
    PCHAR Allocated;

    if (!LxMetaReady)
        return;
    Path = LxMetaRootPath(Process, Path, &Allocated);
    if (Path == NULL || strlen(Path) >= LX_PATH_MAX)
    {
        LxMetaFreePath(Allocated);
        return;
    }
    Store = LxMetaAcquire(Process, RootHash, TRUE);
    Meta = LxMetaFind(RootHash, Path, strlen(Path));
    if (Meta != NULL)
        Info = Meta->Info;
    else
        RtlZeroMemory(&Info, sizeof(Info));
    if (Cased && !(Info.Mode & LX_META_CASED))
    {
        Info.Mode |= LX_META_CASED | (Meta == NULL ? LX_META_NAME_ONLY : 0);
        LxMetaSetRecord(&Record, Path, &Info);
        LxMetaCommit(Store, RootHash, &Record, TRUE);
    }
    else if (!Cased && (Info.Mode & LX_META_NAME_ONLY))
    {
        RtlZeroMemory(&Record, sizeof(Record));
        Record.op = LX_META_OP_REMOVE;
        Record.path = Path;
        Record.path_len = (USHORT)strlen(Path);
        LxMetaCommit(Store, RootHash, &Record, TRUE);
    }
    else if (!Cased && (Info.Mode & LX_META_CASED))
    {
        Info.Mode &= ~LX_META_CASED;
        LxMetaSetRecord(&Record, Path, &Info);
        LxMetaCommit(Store, RootHash, &Record, TRUE);
    }
    LxMetaRelease();
    LxMetaFreePath(Allocated);
}

/* Sets the metadata of Path, a path of the process's Root (a cased name stays cased) */
static
VOID
LxMetaSet(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Path,
    _In_ const LX_META_INFO *Info)
{
    ULONGLONG RootHash = LxRootHash(Process);
    PLX_META_STORE Store;
    lx_meta_record Record;
    LX_META_INFO Set = *Info;
    PLX_META Meta;

    if (!LxMetaReady || strlen(Path) >= LX_PATH_MAX)
        return;
    Store = LxMetaAcquire(Process, RootHash, TRUE);
    Meta = LxMetaFind(RootHash, Path, strlen(Path));
    if (Meta != NULL)
        Set.Mode |= Meta->Info.Mode & LX_META_CASED;
    LxMetaSetRecord(&Record, Path, &Set);
    LxMetaCommit(Store, RootHash, &Record, TRUE);
    LxMetaRelease();
}

/* LxMetaSet of a path of the process (under its chroot) */
static
VOID
LxMetaSetProcessPath(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Path,
    _In_ const LX_META_INFO *Info)
{
    PCHAR Allocated;

    Path = LxMetaRootPath(Process, Path, &Allocated);
    if (Path != NULL)
        LxMetaSet(Process, Path, Info);
    LxMetaFreePath(Allocated);
}

/* Path is now a name of Inode */
VOID
LxMetaSetHardLink(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Path,
    _In_ ULONG Inode)
{
    LX_META_INFO Info;

    RtlZeroMemory(&Info, sizeof(Info));
    Info.Mode = LX_META_HARDLINK;
    Info.Rdev = Inode;
    LxMetaSetProcessPath(Process, Path, &Info);
}

/* Inode's file has this metadata (its file's, as it was before its first hard link) */
VOID
LxMetaSetInode(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Inode,
    _In_ ULONG Mode,
    _In_ ULONG Uid,
    _In_ ULONG Gid,
    _In_ ULONG Rdev)
{
    CHAR InodePath[LX_INODE_PATH_MAX];
    LX_META_INFO Info;

    RtlZeroMemory(&Info, sizeof(Info));
    Info.Mode = Mode;
    Info.Uid = Uid;
    Info.Gid = Gid;
    Info.Rdev = Rdev;
    LxInodePath(Inode, InodePath);
    LxMetaSet(Process, InodePath, &Info);
}

/* chmod and chown of Path, whose mode is DefaultMode when the table does not know it, as
 * Linux's chmod_common/chown_common and notify_change: only root or the owner may chmod (a
 * set-group-ID bit is dropped when the caller is not in the file's group); only root may give
 * a file away, the owner may change its group to one the caller is in; a chown of anything but
 * a directory clears set-user-ID, and set-group-ID where the group may execute. 0 or -EPERM. */
LONG
LxMetaSetattr(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Path,
    _In_ ULONG DefaultMode,
    _In_ const LX_SETATTR *Attr)
{
    ULONGLONG RootHash = LxRootHash(Process);
    CHAR InodePath[LX_INODE_PATH_MAX];
    const lx_ids *User = &Process->Cred.User, *Group = &Process->Cred.Group;
    BOOLEAN Root = User->fs == 0;
    PLX_META_STORE Store;
    lx_meta_record Record;
    LX_META_INFO Info;
    PLX_META Meta;
    PCHAR Allocated;
    ULONG Mode, Flags;
    LONG Result = 0;

    if (!LxMetaReady)
        return 0;
    Path = LxMetaRootPath(Process, Path, &Allocated);
    if (Path == NULL || strlen(Path) >= LX_PATH_MAX)
    {
        LxMetaFreePath(Allocated);
        return 0;
    }
    Store = LxMetaAcquire(Process, RootHash, TRUE);
    Meta = LxMetaFind(RootHash, Path, strlen(Path));
    if (Meta != NULL && (Meta->Info.Mode & LX_META_HARDLINK))
    {
        /* a hard link's name: its inode changes */
        LxInodePath(Meta->Info.Rdev, InodePath);
        Path = InodePath;
        Meta = LxMetaFind(RootHash, Path, strlen(Path));
    }
    /* a cased name stays so; an entry there only for that holds no metadata */
    Flags = Meta != NULL ? Meta->Info.Mode & LX_META_CASED : 0;
    if (Meta != NULL && !(Meta->Info.Mode & LX_META_NAME_ONLY))
    {
        Info = Meta->Info;
        Info.Mode &= ~LX_META_CASED;
    }
    else
    {
        Info.Mode = DefaultMode & 07777;    /* the type stays NT's */
        Info.Uid = Info.Gid = Info.Rdev = 0;
    }
    Mode = (Info.Mode & LX_S_IFMT) ? Info.Mode : (Info.Mode | (DefaultMode & LX_S_IFMT));
    if (Attr->Valid & LX_SETATTR_MODE)
    {
        if (!Root && User->fs != Info.Uid)
        {
            Result = -LX_EPERM;
            goto Done;
        }
        Info.Mode = (Info.Mode & LX_S_IFMT) | (Attr->Mode & 07777);
        if (!Root && !lx_in_group(Group->fs, &Process->Cred.Groups, Info.Gid))
            Info.Mode &= ~LX_S_ISGID;
    }
    if (Attr->Valid & LX_SETATTR_OWNER)
    {
        if (!Root &&
            ((Attr->Uid != LX_ID_KEEP && Attr->Uid != Info.Uid) ||
             (Attr->Gid != LX_ID_KEEP &&
              (User->fs != Info.Uid || !lx_in_group(Group->fs, &Process->Cred.Groups, Attr->Gid)))))
        {
            Result = -LX_EPERM;
            goto Done;
        }
        if (Attr->Uid != LX_ID_KEEP)
            Info.Uid = Attr->Uid;
        if (Attr->Gid != LX_ID_KEEP)
            Info.Gid = Attr->Gid;
        if ((Mode & LX_S_IFMT) != LX_S_IFDIR)
        {
            Info.Mode &= ~LX_S_ISUID;
            if (Info.Mode & LX_S_IXGRP)
                Info.Mode &= ~LX_S_ISGID;
        }
    }
    Info.Mode |= Flags;
    LxMetaSetRecord(&Record, Path, &Info);
    LxMetaCommit(Store, RootHash, &Record, TRUE);

Done:
    LxMetaRelease();
    LxMetaFreePath(Allocated);
    return Result;
}

/* A file the process has just made: Mode (type and permission bits, umask applied by the
 * caller), owned by its file-system ids, Rdev for a device node. */
VOID
LxMetaCreate(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Path,
    _In_ ULONG Mode,
    _In_ ULONG Rdev)
{
    LX_META_INFO Info;

    RtlZeroMemory(&Info, sizeof(Info));
    Info.Mode = Mode;
    Info.Uid = Process->Cred.User.fs;
    Info.Gid = Process->Cred.Group.fs;
    Info.Rdev = Rdev;
    LxMetaSetProcessPath(Process, Path, &Info);
}

/* Forgets Path, and with Tree everything below it (a directory). */
VOID
LxMetaRemove(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR Path,
    _In_ BOOLEAN Tree)
{
    lx_meta_record Record;
    PCHAR Allocated;

    if (!LxMetaReady)
        return;
    Path = LxMetaRootPath(Process, Path, &Allocated);
    if (Path != NULL && strlen(Path) < LX_PATH_MAX)
    {
        RtlZeroMemory(&Record, sizeof(Record));
        Record.op = Tree ? LX_META_OP_REMOVE_TREE : LX_META_OP_REMOVE;
        Record.path = Path;
        Record.path_len = (USHORT)strlen(Path);
        LxMetaChange(Process, &Record);
    }
    LxMetaFreePath(Allocated);
}

/* Forgets Inode's metadata (its last name went) */
VOID
LxMetaRemoveInode(
    _In_ PLX_PROCESS Process,
    _In_ ULONG Inode)
{
    CHAR InodePath[LX_INODE_PATH_MAX];
    lx_meta_record Record;

    if (!LxMetaReady)
        return;
    LxInodePath(Inode, InodePath);
    RtlZeroMemory(&Record, sizeof(Record));
    Record.op = LX_META_OP_REMOVE;
    Record.path = InodePath;
    Record.path_len = (USHORT)strlen(InodePath);
    LxMetaChange(Process, &Record);
}

/* Moves the entries of OldPath (and below it) to NewPath after a rename. */
VOID
LxMetaRename(
    _In_ PLX_PROCESS Process,
    _In_ PCSTR OldPath,
    _In_ PCSTR NewPath)
{
    lx_meta_record Record;
    PCHAR OldAllocated, NewAllocated;

    if (!LxMetaReady)
        return;
    OldPath = LxMetaRootPath(Process, OldPath, &OldAllocated);
    NewPath = LxMetaRootPath(Process, NewPath, &NewAllocated);
    if (OldPath != NULL && NewPath != NULL && strlen(OldPath) < LX_PATH_MAX &&
        strlen(NewPath) < LX_PATH_MAX)
    {
        RtlZeroMemory(&Record, sizeof(Record));
        Record.op = LX_META_OP_RENAME;
        Record.path = OldPath;
        Record.path_len = (USHORT)strlen(OldPath);
        Record.path2 = NewPath;
        Record.path2_len = (USHORT)strlen(NewPath);
        LxMetaChange(Process, &Record);
    }
    LxMetaFreePath(OldAllocated);
    LxMetaFreePath(NewAllocated);
}
