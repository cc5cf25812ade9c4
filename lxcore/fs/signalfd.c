/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     signalfd: the signals of a mask, pending for the reading thread or its
 *              process, read as struct signalfd_siginfo
 *
 * A read takes signals as sigtimedwait does (the lowest first, real-time ones in the order
 * sent, each with its siginfo), as many as the buffer holds; it blocks, or gives EAGAIN, when
 * none is pending. Readiness is the polling thread's, as on Linux; the wait queue is the
 * process's (LX_PROCESS.SignalWait), woken whenever a signal is queued to it or its threads.
 */

#include "lxfs.h"

#define NDEBUG
#include <debug.h>

#define LX_SI_TIMER     (-2)
#define LX_SI_SIGIO     (-5)
#define LX_SIGPOLL      29

typedef struct _LX_SIGNALFD
{
    ULONGLONG Mask;             /* File->Lock */
} LX_SIGNALFD, *PLX_SIGNALFD;

/* struct signalfd_siginfo: 128 bytes */
#include <pshpack4.h>
typedef struct _LX_SIGNALFD_SIGINFO
{
    ULONG Signo;
    LONG Errno;
    LONG Code;
    ULONG Pid;
    ULONG Uid;
    LONG Fd;
    ULONG Tid;
    ULONG Band;
    ULONG Overrun;
    ULONG Trapno;
    LONG Status;
    LONG Int;
    ULONGLONG Ptr;
    ULONGLONG Utime;
    ULONGLONG Stime;
    ULONGLONG Addr;
    USHORT AddrLsb;
    UCHAR Pad[46];
} LX_SIGNALFD_SIGINFO;
#include <poppack.h>
C_ASSERT(sizeof(LX_SIGNALFD_SIGINFO) == 128);

/* The siginfo union's words in signalfd's fields, by the layout Linux gives the signal and
 * code (siginfo_layout) */
static
VOID
LxFillSignalfdInfo(
    _In_ ULONG Sig,
    _In_ const lx_sigfields *Info,
    _Out_ LX_SIGNALFD_SIGINFO *Out)
{
    RtlZeroMemory(Out, sizeof(*Out));
    Out->Signo = Sig;
    Out->Code = Info->code;
    if (Info->code == LX_SI_TIMER)
    {
        Out->Tid = Info->word[0];
        Out->Overrun = Info->word[1];
        Out->Ptr = Out->Int = (LONG)Info->word[2];
    }
    else if (Info->code == LX_SI_SIGIO || (Info->code > 0 && Info->code != LX_SI_KERNEL &&
                                           Sig == LX_SIGPOLL))
    {
        Out->Band = Info->word[0];
        Out->Fd = (LONG)Info->word[1];
    }
    else if (Info->code > 0 && Info->code != LX_SI_KERNEL && Sig == LX_SIGCHLD)
    {
        Out->Pid = Info->word[0];
        Out->Uid = Info->word[1];
        Out->Status = (LONG)Info->word[2];
        Out->Utime = Info->word[3];
        Out->Stime = Info->word[4];
    }
    else if (Info->code > 0 && Info->code != LX_SI_KERNEL)
    {
        Out->Addr = Info->word[0];      /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
    }
    else
    {
        /* kill, tkill, sigqueue, the kernel: sender and, for a queued value, the value */
        Out->Pid = Info->word[0];
        Out->Uid = Info->word[1];
        if (Info->code < 0)
            Out->Ptr = Out->Int = (LONG)Info->word[2];
    }
}

static
ULONGLONG
LxSignalfdMask(
    _In_ PLX_FILE File)
{
    PLX_SIGNALFD Sfd = File->Private;
    ULONGLONG Mask;

    ExAcquireFastMutex(&File->Lock);
    Mask = Sfd->Mask;
    ExReleaseFastMutex(&File->Lock);
    return Mask;
}

static
LONG
LxSignalfdRead(
    _In_ PLX_FILE File,
    _In_ ULONG_PTR Buffer,
    _In_ SIZE_T Count,
    _In_opt_ PLONGLONG Position)
{
    PLX_THREAD Thread = LxCurrentThread();
    PLX_PROCESS Process = LxCurrentProcess();
    ULONGLONG Mask = LxSignalfdMask(File);
    LX_SIGNALFD_SIGINFO Out;
    ULONG Done = 0;
    LONG Result;

    UNREFERENCED_PARAMETER(Position);
    if (Count < sizeof(Out))
        return -LX_EINVAL;
    for (;;)
    {
        LX_WAITER Waiter;
        PVOID Object = &Waiter.Event;
        NTSTATUS Status;

        while (Done + sizeof(Out) <= Count)
        {
            lx_sigfields Info;
            ULONG Sig = LxDequeueSignal(Thread, Mask, &Info);

            if (Sig == 0)
                break;
            LxFillSignalfdInfo(Sig, &Info, &Out);
            Result = LxCopyToUser(Buffer + Done, &Out, sizeof(Out));
            if (Result < 0)
                return Done != 0 ? (LONG)Done : Result;
            Done += sizeof(Out);
        }
        if (Done != 0)
            return (LONG)Done;
        if (File->StatusFlags & LX_O_NONBLOCK)
            return -LX_EAGAIN;
        /* on the queue before looking again, so that a signal in between is not missed */
        LxPrepareWait(&Waiter, &Process->SignalWait);
        if (LxPendingSignals(Thread) & Mask)
        {
            LxFinishWait(&Waiter);
            continue;
        }
        Status = LxWaitInterruptible(1, &Object, NULL);
        LxFinishWait(&Waiter);
        if (Status == STATUS_ALERTED)
            return LxInterruptedCall(TRUE);
    }
}

static
ULONG
LxSignalfdPoll(
    _In_ PLX_FILE File,
    _In_opt_ PLX_POLL_TABLE Table)
{
    PLX_THREAD Thread = LxCurrentThread();

    if (Thread == NULL)
        return 0;
    if (Table != NULL)
        LxPollWait(Table, &Thread->Process->SignalWait);
    return (LxPendingSignals(Thread) & LxSignalfdMask(File)) ? LX_POLLIN | LX_POLLRDNORM : 0;
}

static const LX_FILE_OPERATIONS LxSignalfdOperations =
{
    .Kind = "signalfd",
    .Read = LxSignalfdRead,
    .Seek = LxNoSeek,
    .Poll = LxSignalfdPoll,
    .Stat = LxAnonInodeStat,
    .Statfs = LxAnonInodeStatfs,
};

BOOLEAN
LxFileIsSignalfd(
    _In_ PLX_FILE File)
{
    return File->Ops == &LxSignalfdOperations;
}

/* signalfd on an existing description: its new mask (SIGKILL and SIGSTOP never in it) */
VOID
LxSetSignalfdMask(
    _In_ PLX_FILE File,
    _In_ ULONGLONG Mask)
{
    PLX_SIGNALFD Sfd = File->Private;

    ExAcquireFastMutex(&File->Lock);
    Sfd->Mask = Mask & ~((1ULL << (LX_SIGKILL - 1)) | (1ULL << (19 - 1)));
    ExReleaseFastMutex(&File->Lock);
}

LONG
LxCreateSignalfd(
    _In_ ULONGLONG Mask,
    _In_ ULONG StatusFlags,
    _Out_ PLX_FILE *File)
{
    *File = LxAllocateFile(&LxSignalfdOperations, LX_O_RDWR | (StatusFlags & LX_O_NONBLOCK), 0,
                           sizeof(LX_SIGNALFD));
    if (*File == NULL)
        return LxNoFile();
    LxSetSignalfdMask(*File, Mask);
    return 0;
}
