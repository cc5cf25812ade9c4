/* lxcore/core/lx_statfs.c on i386 (-m32): the struct statfs / statfs64 layouts of the kernel's
 * own headers, lx_statfs_pack/lx_statfs64_pack giving byte for byte what this Linux kernel's
 * statfs and statfs64 system calls write for "/", EOVERFLOW, and the NT name -> magic map. */
#define _GNU_SOURCE
#include <asm/statfs.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lx_statfs.h"
#include "tap.h"

int main(void)
{
    struct statfs64 k64;
    struct statfs k32;
    uint8_t mine[LX_STATFS64_SIZE];
    lx_statfs_info info;

    TAP_EQ(sizeof(void *), 4, "built for i386 (-m32)");
    TAP_EQ(sizeof(struct statfs), LX_STATFS_SIZE, "struct statfs is 64 bytes");
    TAP_EQ(sizeof(struct statfs64), LX_STATFS64_SIZE, "struct statfs64 is 84 bytes (packed, 4-aligned)");
    TAP_EQ(offsetof(struct statfs64, f_blocks), 8, "statfs64.f_blocks");
    TAP_EQ(offsetof(struct statfs64, f_fsid), 48, "statfs64.f_fsid");
    TAP_EQ(offsetof(struct statfs64, f_flags), 64, "statfs64.f_flags");
    TAP_EQ(offsetof(struct statfs, f_fsid), 28, "statfs.f_fsid");
    TAP_EQ(offsetof(struct statfs, f_flags), 44, "statfs.f_flags");

    /* what the kernel writes, unpacked and packed again */
    memset(&k64, 0xAA, sizeof(k64));
    tap_ok(syscall(SYS_statfs64, "/", sizeof(k64), &k64) == 0, "statfs64(\"/\") on this kernel");
    info.type = (uint32_t)k64.f_type;
    info.bsize = (uint32_t)k64.f_bsize;
    info.blocks = k64.f_blocks;
    info.bfree = k64.f_bfree;
    info.bavail = k64.f_bavail;
    info.files = k64.f_files;
    info.ffree = k64.f_ffree;
    memcpy(info.fsid, &k64.f_fsid, sizeof(info.fsid));
    info.namelen = (uint32_t)k64.f_namelen;
    info.frsize = (uint32_t)k64.f_frsize;
    info.flags = (uint32_t)k64.f_flags;
    lx_statfs64_pack(mine, &info);
    tap_ok(memcmp(mine, &k64, LX_STATFS64_SIZE) == 0, "lx_statfs64_pack writes the kernel's bytes");
    memset(&k32, 0xAA, sizeof(k32));
    if (syscall(SYS_statfs, "/", &k32) == 0) {
        tap_ok(lx_statfs_pack(mine, &info) == 0 && memcmp(mine, &k32, LX_STATFS_SIZE) == 0,
               "lx_statfs_pack writes the kernel's statfs bytes");
    } else {
        tap_ok(lx_statfs_pack(mine, &info) == -LX_EOVERFLOW, "statfs overflows here, and lx_statfs_pack says so too");
    }

    /* EOVERFLOW: counts beyond 32 bits, except an unlimited f_files */
    info.blocks = 1ull << 32;
    TAP_EQ(lx_statfs_pack(mine, &info), -LX_EOVERFLOW, "f_blocks of 2^32 is EOVERFLOW");
    info.blocks = 100;
    info.bfree = info.bavail = 50;
    info.files = info.ffree = ~(uint64_t)0;
    TAP_EQ(lx_statfs_pack(mine, &info), 0, "unlimited f_files/f_ffree (~0) fit");
    info.files = 1ull << 33;
    TAP_EQ(lx_statfs_pack(mine, &info), -LX_EOVERFLOW, "f_files of 2^33 is EOVERFLOW");

    TAP_EQ(lx_fs_magic("FAT32", 5), LX_MSDOS_SUPER_MAGIC, "FAT32 is vfat's MSDOS_SUPER_MAGIC");
    TAP_EQ(lx_fs_magic("FAT", 3), LX_MSDOS_SUPER_MAGIC, "FAT");
    TAP_EQ(lx_fs_magic("NTFS", 4), LX_NTFS_SB_MAGIC, "NTFS");
    TAP_EQ(lx_fs_magic("BTRFS", 5), LX_BTRFS_SUPER_MAGIC, "BTRFS");
    TAP_EQ(lx_fs_magic("FAT3", 4), 0, "a prefix of a known name is unknown");
    TAP_EQ(lx_fs_magic("FAT32X", 6), 0, "a longer name is unknown");
    return tap_done();
}
