/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     System calls: System V message queues and semaphores (msgget, msgsnd, msgrcv, msgctl,
 *              semget, semop, semtimedop, semctl, and the ipc multiplexer); the objects are
 *              kernel/ipc.c's
 */

#include "lxsys.h"

#define NDEBUG
#include <debug.h>

/* ipc(2) calls */
#define LX_IPCOP_SEMOP      1
#define LX_IPCOP_SEMGET     2
#define LX_IPCOP_SEMCTL     3
#define LX_IPCOP_SEMTIMEDOP 4
#define LX_IPCOP_MSGSND     11
#define LX_IPCOP_MSGRCV     12
#define LX_IPCOP_MSGGET     13
#define LX_IPCOP_MSGCTL     14
#define LX_IPCOP_SHMAT      21
#define LX_IPCOP_SHMDT      22
#define LX_IPCOP_SHMGET     23
#define LX_IPCOP_SHMCTL     24

LONG
NTAPI
LxSysMsgget(
    LX_KEY Key,
    LONG Msgflg)
{
    return LxMsgget(Key, Msgflg);
}

LONG
NTAPI
LxSysMsgsnd(
    LONG Msqid,
    LX_MSGBUF *Msgp,
    SIZE_T Msgsz,
    LONG Msgflg)
{
    return LxMsgsnd(Msqid, (ULONG_PTR)Msgp, Msgsz, Msgflg);
}

LONG
NTAPI
LxSysMsgrcv(
    LONG Msqid,
    LX_MSGBUF *Msgp,
    SIZE_T Msgsz,
    LONG Msgtyp,
    LONG Msgflg)
{
    return LxMsgrcv(Msqid, (ULONG_PTR)Msgp, Msgsz, Msgtyp, Msgflg);
}

LONG
NTAPI
LxSysMsgctl(
    LONG Msqid,
    LONG Cmd,
    LX_MSQID_DS *Buf)
{
    return LxMsgctl(Msqid, Cmd, (ULONG_PTR)Buf);
}

/* ipc(2): the low 16 bits of Call name the operation, the high ones its version */
LONG
NTAPI
LxSysIpc(
    ULONG Call,
    LONG First,
    ULONG_PTR Second,
    ULONG_PTR Third,
    PVOID Ptr,
    LONG Fifth)
{
    ULONG Version = Call >> 16;

    switch (Call & 0xFFFF)
    {
        case LX_IPCOP_MSGSND:
            return LxMsgsnd(First, (ULONG_PTR)Ptr, Second, (LONG)Third);

        case LX_IPCOP_MSGRCV:
            if (Version == 0)
            {
                /* struct ipc_kludge { struct msgbuf *msgp; long msgtyp; } */
                ULONG Kludge[2];
                LONG Result = LxCopyFromUser(Kludge, (ULONG_PTR)Ptr, sizeof(Kludge));

                if (Result < 0)
                    return Result;
                return LxMsgrcv(First, Kludge[0], Second, (LONG)Kludge[1], (LONG)Third);
            }
            return LxMsgrcv(First, (ULONG_PTR)Ptr, Second, Fifth, (LONG)Third);

        case LX_IPCOP_MSGGET:
            return LxMsgget(First, (LONG)Second);

        case LX_IPCOP_MSGCTL:
            return LxMsgctl(First, (LONG)Second, (ULONG_PTR)Ptr);

        case LX_IPCOP_SEMOP:
            return LxSemop(First, (ULONG_PTR)Ptr, (ULONG)Second, 0, FALSE);

        case LX_IPCOP_SEMTIMEDOP:
            return LxSemop(First, (ULONG_PTR)Ptr, (ULONG)Second, (ULONG_PTR)Fifth, FALSE);

        case LX_IPCOP_SEMGET:
            return LxSemget(First, (LONG)Second, (LONG)Third);

        case LX_IPCOP_SEMCTL:
        {
            /* the union semun is passed by address here */
            ULONG Arg;
            LONG Result;

            if (Ptr == NULL)
                return -LX_EINVAL;
            Result = LxCopyFromUser(&Arg, (ULONG_PTR)Ptr, sizeof(Arg));
            return Result < 0 ? Result : LxSemctl(First, (LONG)Second, (LONG)Third, Arg);
        }

        case LX_IPCOP_SHMAT:
        {
            /* the address goes to *Third; the call itself returns 0 */
            LONG Result;
            ULONG Address;

            if (Version == 1)
                return -LX_EINVAL;      /* iBCS2's, never for Linux programs */
            Result = LxShmat(First, (ULONG_PTR)Ptr, (LONG)Second);
            if (Result < 0 && Result > -4096)
                return Result;
            Address = (ULONG)Result;
            return LxCopyToUser(Third, &Address, sizeof(Address));
        }

        case LX_IPCOP_SHMDT:
            return LxShmdt((ULONG_PTR)Ptr);

        case LX_IPCOP_SHMGET:
            return LxShmget(First, Second, (LONG)Third);

        case LX_IPCOP_SHMCTL:
            return LxShmctl(First, (LONG)Second, (ULONG_PTR)Ptr);

        default:
            return -LX_ENOSYS;
    }
}

LONG
NTAPI
LxSysSemget(
    LX_KEY Key,
    LONG Nsems,
    LONG Semflg)
{
    return LxSemget(Key, Nsems, Semflg);
}

LONG
NTAPI
LxSysSemctl(
    LONG Semid,
    LONG Semnum,
    LONG Cmd,
    ULONG_PTR Arg)
{
    return LxSemctl(Semid, Semnum, Cmd, Arg);
}

LONG
NTAPI
LxSysSemtimedopTime64(
    LONG Semid,
    LX_SEMBUF *Sops,
    ULONG Nsops,
    const LX_KERNEL_TIMESPEC *Timeout)
{
    return LxSemop(Semid, (ULONG_PTR)Sops, Nsops, (ULONG_PTR)Timeout, TRUE);
}
