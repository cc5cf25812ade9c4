/*
 * PROJECT:     lxss for ReactOS - native clients of \Device\lxss in the tests
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Sending lxcore IOCTLs: the blobs of IOCTL_LXSS_CREATE_PROCESS, waiting for and
 *              signalling a process; used by lxtestrun.c and tests/security/lxsectest.c
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

/* Waits for a Linux process for at most Milliseconds (LXSS_WAIT_INFINITE: no limit) */
static NTSTATUS
LxWaitProcess(HANDLE Device, ULONG Pid, ULONG Milliseconds, PLXSS_WAIT_PROCESS_OUT Waited)
{
    LXSS_WAIT_PROCESS_IN Wait;

    RtlZeroMemory(&Wait, sizeof(Wait));
    Wait.Size = sizeof(Wait);
    Wait.Pid = Pid;
    Wait.TimeoutMilliseconds = Milliseconds;
    RtlZeroMemory(Waited, sizeof(*Waited));
    Waited->Size = sizeof(*Waited);
    return LxIoctl(Device, IOCTL_LXSS_WAIT_PROCESS, &Wait, sizeof(Wait), Waited, sizeof(*Waited));
}

static NTSTATUS
LxSignalProcess(HANDLE Device, ULONG Pid, ULONG Signal)
{
    LXSS_SIGNAL_PROCESS_IN Kill;

    RtlZeroMemory(&Kill, sizeof(Kill));
    Kill.Size = sizeof(Kill);
    Kill.Pid = Pid;
    Kill.Signal = Signal;
    return LxIoctl(Device, IOCTL_LXSS_SIGNAL_PROCESS, &Kill, sizeof(Kill), NULL, 0);
}

#endif /* _LXREQ_H_ */
