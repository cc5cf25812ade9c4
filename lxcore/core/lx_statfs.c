/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     statfs/fstatfs/statfs64/fstatfs64 layouts and file system magic numbers
 */

#include "lx_statfs.h"

static int name_is(const char *name, size_t length, const char *want)
{
    size_t i;

    for (i = 0; i < length && want[i]; i++)
        if (name[i] != want[i])
            return 0;
    return i == length && want[i] == 0;
}

uint32_t lx_fs_magic(const char *nt_name, size_t length)
{
    static const struct { const char *name; uint32_t magic; } map[] = {
        { "FAT", LX_MSDOS_SUPER_MAGIC },
        { "FAT32", LX_MSDOS_SUPER_MAGIC },
        { "FATX", LX_MSDOS_SUPER_MAGIC },
        { "NTFS", LX_NTFS_SB_MAGIC },
        { "EXT2", LX_EXT4_SUPER_MAGIC },
        { "EXT3", LX_EXT4_SUPER_MAGIC },
        { "EXT4", LX_EXT4_SUPER_MAGIC },
        { "BTRFS", LX_BTRFS_SUPER_MAGIC },
        { "CDFS", LX_ISOFS_SUPER_MAGIC },
        { "UDF", LX_UDF_SUPER_MAGIC },
    };
    size_t i;

    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (name_is(nt_name, length, map[i].name))
            return map[i].magic;
    return 0;
}

int lx_statfs_pack(uint8_t out[LX_STATFS_SIZE], const lx_statfs_info *info)
{
    /* f_files/f_ffree of ~0 stand for "no limit" and pass, as in put_compat_statfs */
    if (info->blocks > 0xFFFFFFFFu || info->bfree > 0xFFFFFFFFu || info->bavail > 0xFFFFFFFFu ||
        (info->files > 0xFFFFFFFFu && info->files != ~(uint64_t)0) ||
        (info->ffree > 0xFFFFFFFFu && info->ffree != ~(uint64_t)0))
        return -LX_EOVERFLOW;
    lx_zero(out, LX_STATFS_SIZE);
    lx_put32(out + 0, info->type);
    lx_put32(out + 4, info->bsize);
    lx_put32(out + 8, (uint32_t)info->blocks);
    lx_put32(out + 12, (uint32_t)info->bfree);
    lx_put32(out + 16, (uint32_t)info->bavail);
    lx_put32(out + 20, (uint32_t)info->files);
    lx_put32(out + 24, (uint32_t)info->ffree);
    lx_put32(out + 28, info->fsid[0]);
    lx_put32(out + 32, info->fsid[1]);
    lx_put32(out + 36, info->namelen);
    lx_put32(out + 40, info->frsize);
    lx_put32(out + 44, info->flags);
    return 0;
}

void lx_statfs64_pack(uint8_t out[LX_STATFS64_SIZE], const lx_statfs_info *info)
{
    lx_zero(out, LX_STATFS64_SIZE);
    lx_put32(out + 0, info->type);
    lx_put32(out + 4, info->bsize);
    lx_put64(out + 8, info->blocks);
    lx_put64(out + 16, info->bfree);
    lx_put64(out + 24, info->bavail);
    lx_put64(out + 32, info->files);
    lx_put64(out + 40, info->ffree);
    lx_put32(out + 48, info->fsid[0]);
    lx_put32(out + 52, info->fsid[1]);
    lx_put32(out + 56, info->namelen);
    lx_put32(out + 60, info->frsize);
    lx_put32(out + 64, info->flags);
}
