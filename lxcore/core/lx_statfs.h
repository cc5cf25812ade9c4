/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     statfs/fstatfs/statfs64/fstatfs64: the Linux i386 layouts and the file system
 *              magic numbers for NT file system names
 *
 * struct statfs (64 bytes) has 32-bit counts; struct statfs64 (84 bytes on i386: packed,
 * 4-byte aligned) 64-bit ones (include/uapi/asm-generic/statfs.h). A count that does not fit
 * struct statfs is EOVERFLOW, as in Linux's put_compat_statfs.
 */

#ifndef LX_STATFS_H
#define LX_STATFS_H

#include "lx_types.h"

#define LX_STATFS_SIZE      64
#define LX_STATFS64_SIZE    84

/* f_type values (include/uapi/linux/magic.h) */
#define LX_MSDOS_SUPER_MAGIC    0x00004D44u
#define LX_NTFS_SB_MAGIC        0x5346544Eu
#define LX_EXT4_SUPER_MAGIC     0x0000EF53u
#define LX_BTRFS_SUPER_MAGIC    0x9123683Eu
#define LX_ISOFS_SUPER_MAGIC    0x00009660u
#define LX_UDF_SUPER_MAGIC      0x15013346u
#define LX_PROC_SUPER_MAGIC     0x00009FA0u
#define LX_TMPFS_MAGIC          0x01021994u
#define LX_DEVPTS_SUPER_MAGIC   0x00001CD1u
#define LX_PIPEFS_MAGIC         0x50495045u
#define LX_SOCKFS_MAGIC         0x534F434Bu
#define LX_ANON_INODE_FS_MAGIC  0x09041934u
#define LX_DEVPTS_SUPER_MAGIC   0x00001CD1u

/* f_flags (statvfs's ST_*): ST_VALID says the field is filled */
#define LX_ST_RDONLY        0x0001u
#define LX_ST_VALID         0x0020u

typedef struct lx_statfs_info
{
    uint32_t type, bsize, namelen, frsize, flags;
    uint64_t blocks, bfree, bavail, files, ffree;
    uint32_t fsid[2];
} lx_statfs_info;

/* f_type for an NT file system name (FileFsAttributeInformation, ASCII): 0 if unknown. */
uint32_t lx_fs_magic(const char *nt_name, size_t length);

/* Writes struct statfs into out[LX_STATFS_SIZE]: 0, or -EOVERFLOW. */
int lx_statfs_pack(uint8_t out[LX_STATFS_SIZE], const lx_statfs_info *info);

/* Writes struct statfs64 into out[LX_STATFS64_SIZE]. */
void lx_statfs64_pack(uint8_t out[LX_STATFS64_SIZE], const lx_statfs_info *info);

#endif /* LX_STATFS_H */
