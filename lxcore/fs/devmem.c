/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     File kinds: the memory character devices /dev/null, /dev/zero, /dev/full,
 *              /dev/random and /dev/urandom (major 1, as Linux's drivers/char/mem.c)
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

static const struct
{
    PCSTR Name;
    ULONG Minor;
} LxMemDevices[] =
{
    [LX_DEV_NULL] = { "/dev/null", 3 },
    [LX_DEV_ZERO] = { "/dev/zero", 5 },
    [LX_DEV_FULL] = { "/dev/full", 7 },
    [LX_DEV_RANDOM] = { "/dev/random", 8 },
    [LX_DEV_URANDOM] = { "/dev/urandom", 9 },
};

typedef struct _LX_MEM_DEVICE
{
    ULONG Device;               /* LX_DEV_* */
} LX_MEM_DEVICE, *PLX_MEM_DEVICE;

static
ULONG
LxMemDevice(
    _In_ PLX_FILE File)
{
    return ((PLX_MEM_DEVICE)File->Private)->Device;
}

static
LONG
LxMemDeviceRead(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    UCHAR Bytes[256];
    SIZE_T Done = 0;
    LONG Result;

    UNREFERENCED_PARAMETER(Position);
    switch (LxMemDevice(File))
    {
        case LX_DEV_NULL:
            return 0;
        case LX_DEV_ZERO:
        case LX_DEV_FULL:
            Result = LxZeroUser(Buffer, Count);
            return Result < 0 ? Result : (LONG)Count;
        default:
            break;
    }
    while (Done < Count)
    {
        ULONG n = (ULONG)min(Count - Done, sizeof(Bytes));

        LxGetRandomBytes(Bytes, n);
        Result = LxCopyToUser(Buffer + Done, Bytes, n);
        if (Result < 0)
            return Done ? (LONG)Done : Result;
        Done += n;
    }
    return (LONG)Done;
}

/* Writes are discarded, except that /dev/full is always full */
static
LONG
LxMemDeviceWrite(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    UNREFERENCED_PARAMETER(Buffer);
    UNREFERENCED_PARAMETER(Position);
    return LxMemDevice(File) == LX_DEV_FULL ? -LX_ENOSPC : (LONG)Count;
}

/* /dev/zero maps as anonymous memory; the others cannot be mapped */
static
LONG
LxMemDeviceMmap(
    _In_ PLX_FILE File,
    _In_ BOOLEAN Shared,
    _Out_ PLX_SHARED_MEMORY *Memory)
{
    UNREFERENCED_PARAMETER(Shared);
    UNREFERENCED_PARAMETER(Memory);
    return LxMemDevice(File) == LX_DEV_ZERO ? LX_MMAP_ANONYMOUS : -LX_ENODEV;
}

static
LONG
LxMemDeviceStat(
    _In_ PLX_FILE File,
    _Out_ struct _LX_STAT64 *St)
{
    LxStatCharDevice(St, 1, LxMemDevices[LxMemDevice(File)].Minor, 0666);
    return 0;
}

static
LONG
LxMemDeviceStatfs(
    _In_ PLX_FILE File,
    _Out_ lx_statfs_info *Info)
{
    UNREFERENCED_PARAMETER(File);
    LxStatfsDefaults(Info, LX_TMPFS_MAGIC);     /* devtmpfs */
    return 0;
}

static
LONG
LxMemDeviceName(
    _In_ PLX_FILE File,
    _Out_writes_(Size) PCHAR Buffer,
    _In_ ULONG Size)
{
    return NT_SUCCESS(RtlStringCbCopyA(Buffer, Size, LxMemDevices[LxMemDevice(File)].Name)) ?
           0 : -LX_ENAMETOOLONG;
}

static const LX_FILE_OPERATIONS LxMemDeviceOperations =
{
    .Kind = "memory device",
    .Read = LxMemDeviceRead,
    .Write = LxMemDeviceWrite,
    .Seek = LxNoSeek,
    .Mmap = LxMemDeviceMmap,
    .Stat = LxMemDeviceStat,
    .Statfs = LxMemDeviceStatfs,
    .Name = LxMemDeviceName,
};

LONG
LxCreateMemDevice(
    _In_ ULONG Device,
    _In_ ULONG StatusFlags,
    _Out_ PLX_FILE *File)
{
    PLX_FILE New;

    ASSERT(Device < RTL_NUMBER_OF(LxMemDevices));
    New = LxAllocateFile(&LxMemDeviceOperations, StatusFlags, LX_S_IFCHR, sizeof(LX_MEM_DEVICE));
    *File = New;
    if (New == NULL)
        return LxNoFile();
    New->Flags = LX_FILE_PREAD;
    ((PLX_MEM_DEVICE)New->Private)->Device = Device;
    return 0;
}
