/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Linux <-> NT conversions: open flags, file modes, NTSTATUS -> errno, time
 *
 * NT values (access masks, dispositions, NTSTATUS codes) appear here as plain numbers, which
 * are part of the stable NT ABI, so this file needs no NT header and is tested on the host.
 */

#ifndef LX_CONV_H
#define LX_CONV_H

#include "lx_types.h"

/* Linux i386 open(2) flags (asm-generic/fcntl.h, octal). */
#define LX_O_ACCMODE    00000003
#define LX_O_RDONLY     00000000
#define LX_O_WRONLY     00000001
#define LX_O_RDWR       00000002
#define LX_O_CREAT      00000100
#define LX_O_EXCL       00000200
#define LX_O_NOCTTY     00000400
#define LX_O_TRUNC      00001000
#define LX_O_APPEND     00002000
#define LX_O_NONBLOCK   00004000
#define LX_O_DSYNC      00010000
#define LX_O_ASYNC      00020000
#define LX_O_DIRECT     00040000
#define LX_O_LARGEFILE  00100000
#define LX_O_DIRECTORY  00200000
#define LX_O_NOFOLLOW   00400000
#define LX_O_NOATIME    01000000
#define LX_O_CLOEXEC    02000000
#define LX_O_SYNC       04010000
#define LX_O_PATH       010000000
#define LX_O_TMPFILE    020200000

/* Linux st_mode bits. */
#define LX_S_IFMT       0170000
#define LX_S_IFSOCK     0140000
#define LX_S_IFLNK      0120000
#define LX_S_IFREG      0100000
#define LX_S_IFBLK      0060000
#define LX_S_IFDIR      0040000
#define LX_S_IFCHR      0020000
#define LX_S_IFIFO      0010000
#define LX_S_ISUID      0004000
#define LX_S_ISGID      0002000
#define LX_S_IXGRP      0000010

/* NT numbers used by the conversions. */
#define LX_NT_FILE_READ_DATA            0x00000001u
#define LX_NT_FILE_WRITE_DATA           0x00000002u
#define LX_NT_FILE_APPEND_DATA          0x00000004u
#define LX_NT_FILE_READ_EA              0x00000008u
#define LX_NT_FILE_WRITE_EA             0x00000010u
#define LX_NT_FILE_EXECUTE              0x00000020u
#define LX_NT_FILE_READ_ATTRIBUTES      0x00000080u
#define LX_NT_FILE_WRITE_ATTRIBUTES     0x00000100u
#define LX_NT_DELETE                    0x00010000u
#define LX_NT_READ_CONTROL              0x00020000u
#define LX_NT_SYNCHRONIZE               0x00100000u

#define LX_NT_FILE_SHARE_READ           0x1u
#define LX_NT_FILE_SHARE_WRITE          0x2u
#define LX_NT_FILE_SHARE_DELETE         0x4u

#define LX_NT_FILE_SUPERSEDE            0u
#define LX_NT_FILE_OPEN                 1u
#define LX_NT_FILE_CREATE               2u
#define LX_NT_FILE_OPEN_IF              3u
#define LX_NT_FILE_OVERWRITE            4u
#define LX_NT_FILE_OVERWRITE_IF         5u

#define LX_NT_FILE_DIRECTORY_FILE           0x00000001u
#define LX_NT_FILE_WRITE_THROUGH            0x00000002u
#define LX_NT_FILE_SYNCHRONOUS_IO_NONALERT  0x00000020u
#define LX_NT_FILE_NON_DIRECTORY_FILE       0x00000040u
#define LX_NT_FILE_OPEN_REPARSE_POINT       0x00200000u

#define LX_NT_FILE_ATTRIBUTE_READONLY       0x00000001u
#define LX_NT_FILE_ATTRIBUTE_HIDDEN         0x00000002u
#define LX_NT_FILE_ATTRIBUTE_SYSTEM         0x00000004u
#define LX_NT_FILE_ATTRIBUTE_DIRECTORY      0x00000010u
#define LX_NT_FILE_ATTRIBUTE_ARCHIVE        0x00000020u
#define LX_NT_FILE_ATTRIBUTE_NORMAL         0x00000080u
#define LX_NT_FILE_ATTRIBUTE_REPARSE_POINT  0x00000400u

/* What NtCreateFile needs for a Linux open(), plus what lxcore keeps in the fd. */
typedef struct lx_nt_open
{
    uint32_t desired_access;
    uint32_t share_access;
    uint32_t disposition;
    uint32_t options;
    uint32_t status_flags;  /* file description flags kept for F_GETFL: accmode|APPEND|NONBLOCK...*/
    uint32_t cloexec;       /* fd flag FD_CLOEXEC */
    uint32_t path_only;     /* O_PATH */
} lx_nt_open;

/* Returns 0 or -LX_EINVAL / -LX_EOPNOTSUPP (O_TMPFILE). */
int lx_open_flags_to_nt(uint32_t flags, lx_nt_open *out);

/* File attributes for a file created with 'mode' under 'umask'. */
uint32_t lx_mode_to_nt_attributes(uint32_t mode, uint32_t umask);

/* st_mode for an NT file with these attributes (no per-file Linux metadata yet). */
uint32_t lx_nt_attributes_to_mode(uint32_t attributes);

/* NTSTATUS -> negative Linux errno (success and informational codes give 0; unknown errors
 * give -LX_EIO). */
int lx_ntstatus_to_errno(uint32_t status);

/* Time: NT counts 100 ns intervals since 1601-01-01 UTC, Linux seconds since 1970. */
#define LX_NT_UNIX_EPOCH_DELTA  116444736000000000LL  /* 100 ns units from 1601 to 1970 */

typedef struct lx_timespec64
{
    int64_t sec;
    int32_t nsec;
} lx_timespec64;

void lx_nt_time_to_timespec(int64_t nt_time, lx_timespec64 *ts);
int64_t lx_timespec_to_nt_time(const lx_timespec64 *ts);

/* Converts a Linux relative timeout into NT's negative relative 100 ns interval (rounded up,
 * so a sleep never ends early). Returns 0 or -LX_EINVAL (nsec out of [0, 1e9) or sec < 0). */
int lx_timespec_to_nt_relative(int64_t sec, int64_t nsec, int64_t *nt_interval);

#endif /* LX_CONV_H */
