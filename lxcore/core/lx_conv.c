/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Linux <-> NT conversions (see lx_conv.h)
 */

#include "lx_conv.h"

int lx_open_flags_to_nt(uint32_t flags, lx_nt_open *o)
{
    uint32_t acc = flags & LX_O_ACCMODE;

    lx_zero(o, sizeof(*o));
    if ((flags & LX_O_TMPFILE) == LX_O_TMPFILE)
        return -LX_EOPNOTSUPP;

    o->share_access = LX_NT_FILE_SHARE_READ | LX_NT_FILE_SHARE_WRITE | LX_NT_FILE_SHARE_DELETE;
    o->options = LX_NT_FILE_SYNCHRONOUS_IO_NONALERT;
    o->desired_access = LX_NT_SYNCHRONIZE | LX_NT_FILE_READ_ATTRIBUTES;
    o->cloexec = (flags & LX_O_CLOEXEC) ? 1 : 0;

    if (flags & LX_O_PATH)
    {
        /* O_PATH ignores everything but O_DIRECTORY, O_NOFOLLOW and O_CLOEXEC. */
        o->path_only = 1;
        o->disposition = LX_NT_FILE_OPEN;
        if (flags & LX_O_DIRECTORY)
            o->options |= LX_NT_FILE_DIRECTORY_FILE;
        if (flags & LX_O_NOFOLLOW)
            o->options |= LX_NT_FILE_OPEN_REPARSE_POINT;
        o->status_flags = LX_O_PATH | (flags & (LX_O_DIRECTORY | LX_O_NOFOLLOW));
        return 0;
    }

    switch (acc)
    {
        case LX_O_RDONLY:
            o->desired_access |= LX_NT_FILE_READ_DATA;
            break;
        case LX_O_WRONLY:
            o->desired_access |= LX_NT_FILE_WRITE_DATA | LX_NT_FILE_APPEND_DATA;
            break;
        case LX_O_RDWR:
            o->desired_access |= LX_NT_FILE_READ_DATA | LX_NT_FILE_WRITE_DATA |
                                 LX_NT_FILE_APPEND_DATA;
            break;
        default:
            /* 3: "no access, but check both" (used for ioctl-only opens). */
            break;
    }

    if ((flags & LX_O_CREAT) && (flags & LX_O_EXCL))
        o->disposition = LX_NT_FILE_CREATE;
    else if ((flags & LX_O_CREAT) && (flags & LX_O_TRUNC))
        o->disposition = LX_NT_FILE_OVERWRITE_IF;
    else if (flags & LX_O_CREAT)
        o->disposition = LX_NT_FILE_OPEN_IF;
    else if (flags & LX_O_TRUNC)
        o->disposition = LX_NT_FILE_OVERWRITE;
    else
        o->disposition = LX_NT_FILE_OPEN;

    /* O_TRUNC on a read-only open still truncates on Linux. */
    if ((flags & LX_O_TRUNC) && acc == LX_O_RDONLY)
        o->desired_access |= LX_NT_FILE_WRITE_DATA;

    if (flags & LX_O_DIRECTORY)
    {
        if (flags & LX_O_CREAT)
            return -LX_EINVAL;  /* Linux 6.4+: O_CREAT|O_DIRECTORY is EINVAL */
        o->options |= LX_NT_FILE_DIRECTORY_FILE;
    }
    else if (acc == LX_O_WRONLY || acc == LX_O_RDWR || (flags & LX_O_CREAT))
    {
        /* writing a directory or creating one through open(): EISDIR */
        o->options |= LX_NT_FILE_NON_DIRECTORY_FILE;
    }
    if ((flags & LX_O_SYNC) || (flags & LX_O_DSYNC))
        o->options |= LX_NT_FILE_WRITE_THROUGH;
    if (flags & LX_O_NOFOLLOW)
        o->options |= LX_NT_FILE_OPEN_REPARSE_POINT;

    o->status_flags = flags & (LX_O_ACCMODE | LX_O_APPEND | LX_O_NONBLOCK | LX_O_DSYNC |
                               LX_O_ASYNC | LX_O_DIRECT | LX_O_LARGEFILE | LX_O_NOATIME |
                               LX_O_SYNC | LX_O_DIRECTORY | LX_O_NOFOLLOW);
    return 0;
}

uint32_t lx_mode_to_nt_attributes(uint32_t mode, uint32_t umask)
{
    uint32_t effective = mode & ~umask & 07777;
    if ((effective & 0222) == 0)
        return LX_NT_FILE_ATTRIBUTE_READONLY;
    return LX_NT_FILE_ATTRIBUTE_NORMAL;
}

uint32_t lx_nt_attributes_to_mode(uint32_t attributes)
{
    uint32_t mode;

    if (attributes & LX_NT_FILE_ATTRIBUTE_REPARSE_POINT)
        return LX_S_IFLNK | 0777;
    if (attributes & LX_NT_FILE_ATTRIBUTE_DIRECTORY)
        mode = LX_S_IFDIR | 0755;
    else
        mode = LX_S_IFREG | 0755;
    if (attributes & LX_NT_FILE_ATTRIBUTE_READONLY)
        mode &= ~(uint32_t)0222;
    return mode;
}

typedef struct lx_status_map
{
    uint32_t status;
    uint16_t err;
} lx_status_map;

static const lx_status_map lx_status_table[] =
{
    { 0x00000101u, LX_EINTR },          /* STATUS_ALERTED */
    { 0x000000C0u, LX_EINTR },          /* STATUS_USER_APC */
    { 0x00000102u, LX_ETIMEDOUT },      /* STATUS_TIMEOUT */
    { 0x80000005u, LX_EOVERFLOW },      /* STATUS_BUFFER_OVERFLOW */
    { 0x80000006u, LX_ENOENT },         /* STATUS_NO_MORE_FILES */
    { 0x80000011u, LX_EBUSY },          /* STATUS_DEVICE_BUSY */
    { 0xC0000001u, LX_EIO },            /* STATUS_UNSUCCESSFUL */
    { 0xC0000002u, LX_ENOSYS },         /* STATUS_NOT_IMPLEMENTED */
    { 0xC0000003u, LX_EINVAL },         /* STATUS_INVALID_INFO_CLASS */
    { 0xC0000004u, LX_EINVAL },         /* STATUS_INFO_LENGTH_MISMATCH */
    { 0xC0000005u, LX_EFAULT },         /* STATUS_ACCESS_VIOLATION */
    { 0xC0000008u, LX_EBADF },          /* STATUS_INVALID_HANDLE */
    { 0xC000000Bu, LX_ESRCH },          /* STATUS_INVALID_CID */
    { 0xC000000Du, LX_EINVAL },         /* STATUS_INVALID_PARAMETER */
    { 0xC000000Eu, LX_ENXIO },          /* STATUS_NO_SUCH_DEVICE */
    { 0xC000000Fu, LX_ENOENT },         /* STATUS_NO_SUCH_FILE */
    { 0xC0000010u, LX_EINVAL },         /* STATUS_INVALID_DEVICE_REQUEST */
    { 0xC0000011u, LX_EIO },            /* STATUS_END_OF_FILE (callers turn it into 0) */
    { 0xC0000017u, LX_ENOMEM },         /* STATUS_NO_MEMORY */
    { 0xC0000018u, LX_ENOMEM },         /* STATUS_CONFLICTING_ADDRESSES */
    { 0xC0000019u, LX_EINVAL },         /* STATUS_NOT_MAPPED_VIEW */
    { 0xC000001Au, LX_EINVAL },         /* STATUS_UNABLE_TO_FREE_VM */
    { 0xC000001Cu, LX_ENOSYS },         /* STATUS_INVALID_SYSTEM_SERVICE */
    { 0xC0000022u, LX_EACCES },         /* STATUS_ACCESS_DENIED */
    { 0xC0000023u, LX_ERANGE },         /* STATUS_BUFFER_TOO_SMALL */
    { 0xC0000024u, LX_EBADF },          /* STATUS_OBJECT_TYPE_MISMATCH */
    { 0xC0000033u, LX_ENOENT },         /* STATUS_OBJECT_NAME_INVALID */
    { 0xC0000034u, LX_ENOENT },         /* STATUS_OBJECT_NAME_NOT_FOUND */
    { 0xC0000035u, LX_EEXIST },         /* STATUS_OBJECT_NAME_COLLISION */
    { 0xC000003Au, LX_ENOENT },         /* STATUS_OBJECT_PATH_NOT_FOUND */
    { 0xC000003Bu, LX_ENOENT },         /* STATUS_OBJECT_PATH_SYNTAX_BAD */
    { 0xC0000043u, LX_EBUSY },          /* STATUS_SHARING_VIOLATION */
    { 0xC0000045u, LX_EINVAL },         /* STATUS_INVALID_PAGE_PROTECTION */
    { 0xC0000054u, LX_EAGAIN },         /* STATUS_FILE_LOCK_CONFLICT */
    { 0xC0000056u, LX_ENOENT },         /* STATUS_DELETE_PENDING */
    { 0xC0000061u, LX_EPERM },          /* STATUS_PRIVILEGE_NOT_HELD */
    { 0xC000007Bu, LX_ENOEXEC },        /* STATUS_INVALID_IMAGE_FORMAT */
    { 0xC000007Fu, LX_ENOSPC },         /* STATUS_DISK_FULL */
    { 0xC0000095u, LX_EOVERFLOW },      /* STATUS_INTEGER_OVERFLOW */
    { 0xC0000098u, LX_EIO },            /* STATUS_FILE_INVALID */
    { 0xC000009Au, LX_ENOMEM },         /* STATUS_INSUFFICIENT_RESOURCES */
    { 0xC00000A0u, LX_ENOMEM },         /* STATUS_MEMORY_NOT_ALLOCATED */
    { 0xC00000A2u, LX_EROFS },          /* STATUS_MEDIA_WRITE_PROTECTED */
    { 0xC00000B1u, LX_EPIPE },          /* STATUS_PIPE_CLOSING */
    { 0xC00000B5u, LX_ETIMEDOUT },      /* STATUS_IO_TIMEOUT */
    { 0xC00000BAu, LX_EISDIR },         /* STATUS_FILE_IS_A_DIRECTORY */
    { 0xC00000BBu, LX_EOPNOTSUPP },     /* STATUS_NOT_SUPPORTED */
    { 0xC00000D4u, LX_EXDEV },          /* STATUS_NOT_SAME_DEVICE */
    { 0xC00000D9u, LX_EAGAIN },         /* STATUS_PIPE_EMPTY */
    { 0xC0000101u, LX_ENOTEMPTY },      /* STATUS_DIRECTORY_NOT_EMPTY */
    { 0xC0000103u, LX_ENOTDIR },        /* STATUS_NOT_A_DIRECTORY */
    { 0xC0000106u, LX_ENAMETOOLONG },   /* STATUS_NAME_TOO_LONG */
    { 0xC000010Au, LX_ESRCH },          /* STATUS_PROCESS_IS_TERMINATING */
    { 0xC000011Fu, LX_EMFILE },         /* STATUS_TOO_MANY_OPENED_FILES */
    { 0xC0000120u, LX_EINTR },          /* STATUS_CANCELLED */
    { 0xC0000121u, LX_EPERM },          /* STATUS_CANNOT_DELETE */
    { 0xC0000123u, LX_ENOENT },         /* STATUS_FILE_DELETED */
    { 0xC000012Du, LX_ENOMEM },         /* STATUS_COMMITMENT_LIMIT */
    { 0xC0000141u, LX_EFAULT },         /* STATUS_INVALID_ADDRESS */
    { 0xC000014Bu, LX_EPIPE },          /* STATUS_PIPE_BROKEN */
    { 0xC0000225u, LX_ENOENT },         /* STATUS_NOT_FOUND */
    { 0xC0000275u, LX_EINVAL },         /* STATUS_NOT_A_REPARSE_POINT */
    { 0xC0000904u, LX_EFBIG },          /* STATUS_FILE_TOO_LARGE */
};

int lx_ntstatus_to_errno(uint32_t status)
{
    size_t i;

    for (i = 0; i < sizeof(lx_status_table) / sizeof(lx_status_table[0]); i++)
    {
        if (lx_status_table[i].status == status)
            return -(int)lx_status_table[i].err;
    }
    if (status < 0x80000000u)
        return 0;
    return -LX_EIO;
}

void lx_nt_time_to_timespec(int64_t nt_time, lx_timespec64 *ts)
{
    int64_t t = nt_time - LX_NT_UNIX_EPOCH_DELTA;
    int64_t sec = t / 10000000;
    int64_t rem = t % 10000000;

    if (rem < 0)
    {
        rem += 10000000;
        sec--;
    }
    ts->sec = sec;
    ts->nsec = (int32_t)(rem * 100);
}

int64_t lx_timespec_to_nt_time(const lx_timespec64 *ts)
{
    return ts->sec * 10000000 + ts->nsec / 100 + LX_NT_UNIX_EPOCH_DELTA;
}

int lx_timespec_to_nt_relative(int64_t sec, int64_t nsec, int64_t *nt_interval)
{
    const int64_t max_sec = 0x7FFFFFFFFFFFFFFFLL / 10000000 - 1;

    if (sec < 0 || nsec < 0 || nsec >= 1000000000)
        return -LX_EINVAL;
    if (sec > max_sec)
        sec = max_sec;
    *nt_interval = -(sec * 10000000 + (nsec + 99) / 100);
    return 0;
}
