/*
 * PROJECT:     lxss for ReactOS - native clients of \Device\lxss in the tests
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Sending an lxcore IOCTL and packing the blobs of IOCTL_LXSS_CREATE_PROCESS;
 *              used by lxtestrun.c and tests/security/lxsectest.c
 */

#ifndef _LXREQ_H_
#define _LXREQ_H_

static NTSTATUS
LxIoctl(HANDLE Device, ULONG Code, PVOID In, ULONG InLength, PVOID Out, ULONG OutLength)
{
    IO_STATUS_BLOCK Iosb;

    return NtDeviceIoControlFile(Device, NULL, NULL, NULL, &Iosb, Code, In, InLength, Out,
                                 OutLength);
}

/* Appends Length bytes to the request buffer and describes them in Blob. */
static VOID
PutBlob(PUCHAR Base, PULONG Used, PLXSS_BLOB Blob, const VOID *Data, ULONG Length)
{
    Blob->Offset = *Used;
    Blob->Length = Length;
    RtlCopyMemory(Base + *Used, Data, Length);
    *Used += Length;
}

#endif /* _LXREQ_H_ */
