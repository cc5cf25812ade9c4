/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The file layer: open file descriptions and their operations, the descriptor
 *              table, poll tables, the file kinds and the /proc and /dev tables
 *
 * Every open file description (LX_FILE) carries the operations table of its kind and the
 * kind's private state. The generic entry points (LxFileRead, LxFilePoll, ...) check what is
 * common (access mode, O_PATH, positional I/O) and call the kind's operation; a kind that
 * lacks an operation gets Linux's answer for it (EINVAL for read/write/truncate/fsync,
 * ESPIPE for seek, ENOTDIR for getdents, ENOTTY for ioctl, ENODEV for mmap, the default
 * poll mask). Only a kind's own file knows its private state. The kinds:
 *   fs/ntfile.c    NT files (regular files and O_PATH opens) through kernel handles
 *   fs/ntdir.c     NT directories (getdents64)
 *   fs/stream.c    the launcher's handles (pipes, the console as a terminal, redirections)
 *   fs/pipe.c      lxcore's own pipes
 *   fs/devmem.c    /dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom
 *   fs/debugout.c  the debug stdio ("lxss[pid]: ..." lines on the kernel debug port)
 *   fs/procfs.c    generated /proc files (and the /proc table)
 *   fs/unix.c      AF_UNIX sockets (fs/socket.c: what every socket family shares)
 * fs/devfs.c is the /dev table, fs/path.c the path lookups and opens, fs/ntio.c the NT I/O
 * the NT-backed kinds share, fs/poll.c poll tables and the poll engine.
 */

#ifndef _LXFS_H_
#define _LXFS_H_

#include "lxkernel.h"

/* poll events (Linux's values) */
#define LX_POLLIN           0x0001
#define LX_POLLPRI          0x0002
#define LX_POLLOUT          0x0004
#define LX_POLLERR          0x0008
#define LX_POLLHUP          0x0010
#define LX_POLLNVAL         0x0020
#define LX_POLLRDNORM       0x0040
#define LX_POLLWRNORM       0x0100
#define LX_POLLRDHUP        0x2000
#define LX_DEFAULT_POLLMASK (LX_POLLIN | LX_POLLOUT | LX_POLLRDNORM | LX_POLLWRNORM)

/* linux_dirent64.d_type, the FIONREAD ioctl, SIGPIPE (what several kinds use) */
#define LX_DT_FIFO          1
#define LX_DT_CHR           2
#define LX_DT_DIR           4
#define LX_DT_BLK           6
#define LX_DT_REG           8
#define LX_DT_LNK           10
#define LX_DT_SOCK          12
#define LX_FIONREAD         0x541B
/* terminal ioctls (asm-generic/ioctls.h) */
#define LX_TCGETS           0x5401
#define LX_TCSETS           0x5402
#define LX_TCSETSW          0x5403
#define LX_TCSETSF          0x5404
#define LX_TCSBRK           0x5409
#define LX_TCXONC           0x540A
#define LX_TCFLSH           0x540B
#define LX_TIOCSCTTY        0x540E
#define LX_TIOCGPGRP        0x540F
#define LX_TIOCSPGRP        0x5410
#define LX_TIOCOUTQ         0x5411
#define LX_TIOCGWINSZ       0x5413
#define LX_TIOCSWINSZ       0x5414
#define LX_TIOCNOTTY        0x5422
#define LX_TIOCGSID         0x5429
#define LX_TIOCGPTN         0x80045430
#define LX_TIOCSPTLCK       0x40045431
#define LX_SIGPIPE          13

#define LX_MAX_IO           0x7FFFF000
#define LX_SEEK_SET         0
#define LX_SEEK_CUR         1
#define LX_SEEK_END         2

/* LX_FILE.Flags */
#define LX_FILE_PREAD       0x0001  /* pread/pwrite allowed (a position means something) */
#define LX_FILE_EPOLLED     0x0002  /* an epoll has watched it: its release tells eventpoll.c */

/* What mmap of a file gives (LX_FILE_OPERATIONS.Mmap) */
#define LX_MMAP_ANONYMOUS   0       /* zero-filled memory, as MAP_ANONYMOUS (/dev/zero) */
#define LX_MMAP_COPY        1       /* a private copy of the file's bytes, read through Read */
#define LX_MMAP_SHARED      2       /* a view of the file's shared memory (*Memory, referenced) */
#define LX_MMAP_EMPTY       3       /* MAP_SHARED of a file with no bytes: nothing to touch */

typedef struct _LX_POLL_TABLE LX_POLL_TABLE, *PLX_POLL_TABLE;

/* fchmod, futimens: what to change (LX_SETATTR_*) */
#define LX_SETATTR_MODE     0x1
#define LX_SETATTR_TIMES    0x2
#define LX_SETATTR_OWNER    0x4     /* Uid, Gid (LX_ID_KEEP: unchanged) */
typedef struct _LX_SETATTR
{
    ULONG Valid;
    ULONG Mode;                     /* permission bits */
    ULONG Uid, Gid;                 /* the new owner (LX_ID_KEEP: unchanged) */
    LARGE_INTEGER AccessTime;       /* NT times; 0: unchanged */
    LARGE_INTEGER WriteTime;
} LX_SETATTR, *PLX_SETATTR;

typedef const struct _LX_FILE_OPERATIONS *PCLX_FILE_OPERATIONS;
typedef const struct _LX_SOCKET_OPERATIONS *PCLX_SOCKET_OPERATIONS;

struct _LX_FILE
{
    LONG RefCount;
    PCLX_FILE_OPERATIONS Ops;
    PVOID Private;              /* the kind's own state */
    ULONG StatusFlags;          /* LX_O_ACCMODE | O_APPEND | O_NONBLOCK ... */
    ULONG Mode;                 /* LX_S_IFMT bits of what it is (directory, FIFO...) */
    ULONG Flags;                /* LX_FILE_* */
    FAST_MUTEX Lock;            /* serialises Offset updates and the kind's cursor */
    LONGLONG Offset;
    PCHAR Path;                 /* resolved Linux path (openat, fchdir, fd names), or NULL */
    LIST_ENTRY EpollItems;      /* the epoll items watching it (eventpoll.c, under its lock) */
};

typedef struct _LX_FILE_OPERATIONS
{
    PCSTR Kind;
    /* Position: pread/pwrite's, or NULL for the file offset */
    LONG (*Read)(_In_ PLX_FILE File, _In_ ULONG_PTR Buffer, _In_ SIZE_T Count, _In_opt_ PLONGLONG Position);
    LONG (*Write)(_In_ PLX_FILE File, _In_ ULONG_PTR Buffer, _In_ SIZE_T Count, _In_opt_ PLONGLONG Position);
    LONG (*Seek)(_In_ PLX_FILE File, _In_ LONGLONG Offset, _In_ ULONG Whence, _Out_ PLONGLONG NewOffset);
    LONG (*Getdents)(_In_ PLX_FILE File, _In_ ULONG_PTR Buffer, _In_ ULONG Count);
    LONG (*Ioctl)(_In_ PLX_FILE File, _In_ ULONG Cmd, _In_ ULONG_PTR Arg);
    /* The ready events; with a table, also registers the file's wait queue(s) in it */
    ULONG (*Poll)(_In_ PLX_FILE File, _In_opt_ PLX_POLL_TABLE Table);
    /* Shared: MAP_SHARED (else MAP_PRIVATE); LX_MMAP_SHARED gives *Memory */
    LONG (*Mmap)(_In_ PLX_FILE File, _In_ BOOLEAN Shared, _Out_ PLX_SHARED_MEMORY *Memory);
    LONG (*Stat)(_In_ PLX_FILE File, _Out_ struct _LX_STAT64 *St);
    LONG (*Statfs)(_In_ PLX_FILE File, _Out_ lx_statfs_info *Info);
    LONG (*Truncate)(_In_ PLX_FILE File, _In_ LONGLONG Length);
    LONG (*Fsync)(_In_ PLX_FILE File);
    LONG (*Setattr)(_In_ PLX_FILE File, _In_ const LX_SETATTR *Attr);
    /* What makes two descriptions the same file (record locks): volume, index, size */
    LONG (*Identity)(_In_ PLX_FILE File, _Out_ PULONGLONG Volume, _Out_ PULONGLONG Index, _Out_opt_ PULONGLONG Size);
    /* The name readlink gives for /proc/self/fd/N */
    LONG (*Name)(_In_ PLX_FILE File, _Out_writes_(Size) PCHAR Buffer, _In_ ULONG Size);
    VOID (*Close)(_In_ PLX_FILE File);      /* a descriptor naming it was closed */
    VOID (*Release)(_In_ PLX_FILE File);    /* the last reference is gone */
    PCLX_SOCKET_OPERATIONS Socket;          /* a socket's family operations, else NULL */
} LX_FILE_OPERATIONS;

/* file.c: descriptions and the generic operations */
PLX_FILE LxAllocateFile(_In_ PCLX_FILE_OPERATIONS Ops, _In_ ULONG StatusFlags, _In_ ULONG Mode,
                        _In_ SIZE_T PrivateSize);
VOID LxReferenceFile(_In_ PLX_FILE File);
VOID LxDereferenceFile(_In_ PLX_FILE File);
ULONG LxFileMax(VOID);
ULONG LxFileCount(VOID);
BOOLEAN LxFilesExhausted(VOID);
LONG LxNoFile(VOID);
ULONG LxFileCounts(_Out_writes_(Max) struct _LXSS_FILE_COUNT *Kinds, _In_ ULONG Max, _Out_ PULONG Total);
BOOLEAN LxFileIsDirectory(_In_ PLX_FILE File);
LONG LxFileRead(_In_ PLX_FILE File, _In_ ULONG_PTR Buffer, _In_ SIZE_T Count, _In_opt_ PLONGLONG Position);
LONG LxFileWrite(_In_ PLX_FILE File, _In_ ULONG_PTR Buffer, _In_ SIZE_T Count, _In_opt_ PLONGLONG Position);
LONG LxFileSeek(_In_ PLX_FILE File, _In_ LONGLONG Offset, _In_ ULONG Whence, _Out_ PLONGLONG NewOffset);
LONG LxFileGetdents(_In_ PLX_FILE File, _In_ ULONG_PTR Buffer, _In_ ULONG Count);
LONG LxFileIoctl(_In_ PLX_FILE File, _In_ ULONG Cmd, _In_ ULONG_PTR Arg);
ULONG LxFilePoll(_In_ PLX_FILE File, _In_opt_ PLX_POLL_TABLE Table);
LONG LxFileMmap(_In_ PLX_FILE File, _In_ BOOLEAN Shared, _Out_ PLX_SHARED_MEMORY *Memory);
LONG LxFileStat(_In_ PLX_FILE File, _Out_ struct _LX_STAT64 *St);
LONG LxFileStatfs(_In_ PLX_FILE File, _Out_ lx_statfs_info *Info);
LONG LxFileTruncate(_In_ PLX_FILE File, _In_ LONGLONG Length);
LONG LxFileFsync(_In_ PLX_FILE File);
LONG LxFileSetattr(_In_ PLX_FILE File, _In_ const LX_SETATTR *Attr);
LONG LxFileIdentity(_In_ PLX_FILE File, _Out_ PULONGLONG Volume, _Out_ PULONGLONG Index,
                    _Out_opt_ PULONGLONG Size);
LONG LxFileName(_In_ PLX_FILE File, _Out_writes_(Size) PCHAR Buffer, _In_ ULONG Size);
/* Helpers for kinds */
LONG LxSeekWithin(_In_ PLX_FILE File, _In_ LONGLONG Offset, _In_ ULONG Whence, _In_ LONGLONG End,
                  _Out_ PLONGLONG NewOffset);
LONG LxSeekLocked(_In_ PLX_FILE File, _In_ LONGLONG Offset, _In_ ULONG Whence, _In_ LONGLONG End,
                  _Out_ PLONGLONG NewOffset);
LONG LxNoSeek(_In_ PLX_FILE File, _In_ LONGLONG Offset, _In_ ULONG Whence, _Out_ PLONGLONG NewOffset);
VOID LxStatfsDefaults(_Out_ lx_statfs_info *Info, _In_ ULONG Type);
VOID LxStatCharDevice(_Out_ struct _LX_STAT64 *St, _In_ ULONG Major, _In_ ULONG Minor, _In_ ULONG Mode);
LONG LxAnonInodeStat(_In_ PLX_FILE File, _Out_ struct _LX_STAT64 *St);
LONG LxAnonInodeStatfs(_In_ PLX_FILE File, _Out_ lx_statfs_info *Info);
/* Waits for a wake of Queue, Lock released: 0, -EAGAIN when NonBlock or the deadline
 * (LxMonotonicTime, 0: none) passed, -EINTR for a signal; LxFileWaitUnlock: non-blocking as
 * the description is, no deadline */
LONG LxWaitUnlock(_Inout_ PLX_WAIT_QUEUE Queue, _Inout_ PFAST_MUTEX Lock, _In_ BOOLEAN NonBlock,
                  _In_ ULONGLONG Deadline);
LONG LxFileWaitUnlock(_In_ PLX_FILE File, _Inout_ PLX_WAIT_QUEUE Queue, _Inout_ PFAST_MUTEX Lock);
/* Appends one linux_dirent64 record to Out (OutSize bytes); FALSE when it does not fit */
LONG LxDirentsToUser(_In_ ULONG_PTR Buffer, _In_reads_bytes_(Used) const UCHAR *Out, _In_ ULONG Used,
                     _In_ LONG Result);
BOOLEAN LxEmitDirent(_Inout_ PUCHAR Out, _Inout_ PULONG Used, _In_ ULONG OutSize, _In_ ULONGLONG Inode,
                     _In_ LONGLONG Offset, _In_ UCHAR Type, _In_ PCSTR Name, _In_ ULONG NameLength);
LONG LxDirectoryReadWrite(_In_ PLX_FILE File, _In_ ULONG_PTR Buffer, _In_ SIZE_T Count,
                          _In_opt_ PLONGLONG Position);     /* -EISDIR */

/* eventfd.c */
LONG LxCreateEventfd(_In_ ULONG Initial, _In_ BOOLEAN Semaphore, _In_ ULONG StatusFlags,
                     _Out_ PLX_FILE *File);

/* timerfd.c: times in 100 ns units */
LONG LxCreateTimerfd(_In_ LONG Clock, _In_ ULONG StatusFlags, _Out_ PLX_FILE *File);
BOOLEAN LxFileIsTimerfd(_In_ PLX_FILE File);
VOID LxTimerfdGet(_In_ PLX_FILE File, _Out_ PULONGLONG Value, _Out_ PULONGLONG Interval);
LONG LxTimerfdSet(_In_ PLX_FILE File, _In_ ULONG Flags, _In_ ULONGLONG Value,
                  _In_ ULONGLONG Interval, _Out_ PULONGLONG OldValue,
                  _Out_ PULONGLONG OldInterval);

/* signalfd.c */
LONG LxCreateSignalfd(_In_ ULONGLONG Mask, _In_ ULONG StatusFlags, _Out_ PLX_FILE *File);
BOOLEAN LxFileIsSignalfd(_In_ PLX_FILE File);
VOID LxSetSignalfdMask(_In_ PLX_FILE File, _In_ ULONGLONG Mask);

/* eventpoll.c: epoll (struct epoll_event is packed on i386: 12 bytes) */
#define LX_EPOLL_CTL_ADD    1
#define LX_EPOLL_CTL_DEL    2
#define LX_EPOLL_CTL_MOD    3
#include <pshpack4.h>
struct _LX_EPOLL_EVENT
{
    ULONG Events;
    ULONGLONG Data;
};
#include <poppack.h>
C_ASSERT(sizeof(struct _LX_EPOLL_EVENT) == 12);
VOID LxInitializeEpoll(VOID);
LONG LxCreateEpoll(_Out_ PLX_FILE *File);
BOOLEAN LxFileIsEpoll(_In_ PLX_FILE File);
LONG LxEpollCtl(_In_ PLX_FILE File, _In_ LONG Op, _In_ LONG Fd, _In_ PLX_FILE Target,
                _In_ const struct _LX_EPOLL_EVENT *Event);
LONG LxEpollWait(_In_ PLX_FILE File, _In_ ULONG_PTR Events, _In_ LONG Max,
                 _In_opt_ PLONGLONG Timeout);
VOID LxEpollForgetFile(_In_ PLX_FILE File);

/* socket.c: what every socket family shares. A socket is a file kind whose operations
 * table names its family's socket operations (LX_FILE_OPERATIONS.Socket); the system calls
 * (sys/net.c) reach the family through LxSocket* below. Addresses are kernel copies. */
#define LX_AF_INET6         10
#define LX_SOCK_STREAM      1
#define LX_SOCK_DGRAM       2
#define LX_SOCK_RAW         3
#define LX_SOCK_SEQPACKET   5
#define LX_SOCK_TYPE_MASK   0xF
#define LX_SOCKADDR_MAX     128         /* sockaddr_storage */
#define LX_SHUT_RD          0
#define LX_SHUT_WR          1
#define LX_SHUT_RDWR        2
/* send/recv flags */
#define LX_MSG_OOB          0x1
#define LX_MSG_PEEK         0x2
#define LX_MSG_TRUNC        0x20
#define LX_MSG_DONTWAIT     0x40
#define LX_MSG_EOR          0x80
#define LX_MSG_WAITALL      0x100
#define LX_MSG_NOSIGNAL     0x4000
#define LX_MSG_CMSG_CLOEXEC 0x40000000
/* SOL_SOCKET options */
#define LX_SO_DEBUG         1
#define LX_SO_REUSEADDR     2
#define LX_SO_TYPE          3
#define LX_SO_ERROR         4
#define LX_SO_DONTROUTE     5
#define LX_SO_BROADCAST     6
#define LX_SO_SNDBUF        7
#define LX_SO_RCVBUF        8
#define LX_SO_KEEPALIVE     9
#define LX_SO_OOBINLINE     10
#define LX_SO_LINGER        13
#define LX_SO_REUSEPORT     15
#define LX_SO_PASSCRED      16
#define LX_SO_PEERCRED      17
#define LX_SO_RCVLOWAT      18
#define LX_SO_SNDLOWAT      19
#define LX_SO_RCVTIMEO_OLD  20
#define LX_SO_SNDTIMEO_OLD  21
#define LX_SO_ACCEPTCONN    30
#define LX_SO_PEERSEC       31
#define LX_SO_SNDBUFFORCE   32
#define LX_SO_RCVBUFFORCE   33
#define LX_SO_PROTOCOL      38
#define LX_SO_DOMAIN        39
#define LX_SO_RCVTIMEO_NEW  66
#define LX_SO_SNDTIMEO_NEW  67

/* struct ucred */
typedef struct _LX_UCRED
{
    ULONG Pid;
    ULONG Uid;
    ULONG Gid;
} LX_UCRED, *PLX_UCRED;

/* What travels beside the bytes: descriptors (SCM_RIGHTS, referenced) and credentials */
typedef struct _LX_SCM
{
    ULONG FileCount;
    PLX_FILE *Files;            /* pool, LX_TAG_FILE; NULL when FileCount is 0 */
    BOOLEAN HasCreds;
    LX_UCRED Creds;
} LX_SCM, *PLX_SCM;

/* A message in the kernel: the user's buffers (checked), the address (a kernel copy: the
 * destination of a send, room for the source of a receive) and what travels beside */
typedef struct _LX_MSG
{
    struct _LX_IOVEC *Iov;              /* struct iovec: user memory */
    ULONG IovCount;
    SIZE_T Length;                      /* of all the buffers */
    PUCHAR Name;                        /* NULL: none given / not wanted */
    ULONG NameLength;                   /* send: given; receive: stored (0: none) */
    LX_SCM Scm;                         /* send: to pass; receive: what came */
    ULONG Flags;                        /* receive: msg_flags (MSG_TRUNC, MSG_CTRUNC) */
} LX_MSG, *PLX_MSG;

typedef struct _LX_SOCKET_OPERATIONS
{
    LONG (*Bind)(_In_ PLX_FILE File, _In_reads_bytes_(Length) const UCHAR *Address, _In_ ULONG Length);
    LONG (*Connect)(_In_ PLX_FILE File, _In_reads_bytes_(Length) const UCHAR *Address, _In_ ULONG Length);
    LONG (*Listen)(_In_ PLX_FILE File, _In_ LONG Backlog);
    /* Flags: SOCK_NONBLOCK for the new description */
    LONG (*Accept)(_In_ PLX_FILE File, _In_ ULONG Flags, _Out_ PLX_FILE *NewFile);
    /* getsockname (Peer FALSE) / getpeername: *Length in: room (LX_SOCKADDR_MAX), out: the
     * address's length */
    LONG (*GetName)(_In_ PLX_FILE File, _In_ BOOLEAN Peer, _Out_writes_bytes_(LX_SOCKADDR_MAX) PUCHAR Address,
                    _Out_ PULONG Length);
    LONG (*SendMsg)(_In_ PLX_FILE File, _Inout_ PLX_MSG Msg, _In_ ULONG Flags);
    LONG (*RecvMsg)(_In_ PLX_FILE File, _Inout_ PLX_MSG Msg, _In_ ULONG Flags);
    LONG (*Shutdown)(_In_ PLX_FILE File, _In_ LONG How);
    LONG (*SetOption)(_In_ PLX_FILE File, _In_ LONG Level, _In_ LONG Name,
                      _In_reads_bytes_(Length) const UCHAR *Value, _In_ ULONG Length);
    /* *Length in: room, out: bytes stored */
    LONG (*GetOption)(_In_ PLX_FILE File, _In_ LONG Level, _In_ LONG Name,
                      _Out_writes_bytes_(*Length) PUCHAR Value, _Inout_ PULONG Length);
} LX_SOCKET_OPERATIONS;

PCLX_SOCKET_OPERATIONS LxSocketOf(_In_ PLX_FILE File);     /* NULL: not a socket */
LONG LxCreateSocket(_In_ LONG Family, _In_ LONG Type, _In_ LONG Protocol, _Out_ PLX_FILE *File);
LONG LxCreateSocketPair(_In_ LONG Family, _In_ LONG Type, _In_ LONG Protocol,
                        _Out_ PLX_FILE *First, _Out_ PLX_FILE *Second);
/* The message's bytes from/to its buffers at Offset; -EFAULT */
LONG LxMsgCopyIn(_In_ PLX_MSG Msg, _In_ SIZE_T Offset, _Out_writes_bytes_(Count) PVOID Buffer,
                 _In_ SIZE_T Count);
LONG LxMsgCopyOut(_In_ PLX_MSG Msg, _In_ SIZE_T Offset, _In_reads_bytes_(Count) const VOID *Buffer,
                  _In_ SIZE_T Count);
/* A sent control buffer (kernel copy) into Scm: descriptors referenced, credentials checked */
LONG LxScmFromControl(_In_ PLX_PROCESS Process, _In_reads_bytes_(Size) const UCHAR *Control,
                      _In_ ULONG Size, _Out_ PLX_SCM Scm);
/* A received Scm into a control buffer (kernel, Size bytes): credentials (the family sets
 * HasCreds only for a receiver with SO_PASSCRED), descriptors installed in the process;
 * *Used bytes written, MSG_CTRUNC in *Flags. Scm is emptied. */
VOID LxScmToControl(_In_ PLX_PROCESS Process, _Inout_ PLX_SCM Scm, _In_ BOOLEAN Cloexec,
                    _Out_writes_bytes_(Size) PUCHAR Control, _In_ ULONG Size,
                    _Out_ PULONG Used, _Inout_ PULONG Flags);
VOID LxScmRelease(_Inout_ PLX_SCM Scm);
VOID LxCurrentUcred(_Out_ PLX_UCRED Creds);
/* Helpers for socket kinds */
LONG LxSocketStat(_In_ PLX_FILE File, _Out_ struct _LX_STAT64 *St);
LONG LxSocketStatfs(_In_ PLX_FILE File, _Out_ lx_statfs_info *Info);
LONG LxSocketName(_In_ PLX_FILE File, _Out_writes_(Size) PCHAR Buffer, _In_ ULONG Size);
/* read(2)/write(2) of a socket: its family's RecvMsg/SendMsg without flags */
LONG LxSocketRead(_In_ PLX_FILE File, _In_ ULONG_PTR Buffer, _In_ SIZE_T Count, _In_opt_ PLONGLONG Position);
LONG LxSocketWrite(_In_ PLX_FILE File, _In_ ULONG_PTR Buffer, _In_ SIZE_T Count, _In_opt_ PLONGLONG Position);
/* A send that found its connection closed: Done if some was sent, else -EPIPE (and SIGPIPE
 * without MSG_NOSIGNAL) */
LONG LxSocketPipeError(_In_ SIZE_T Done, _In_ ULONG Flags);
/* O_NONBLOCK or MSG_DONTWAIT */
BOOLEAN LxSocketNonBlock(_In_ PLX_FILE File, _In_ ULONG Flags);
/* SO_RCVTIMEO/SO_SNDTIMEO (100 ns, 0: none) as a LxMonotonicTime deadline, 0: none */
ULONGLONG LxSocketDeadline(_In_ ULONGLONG Timeout);
/* A wait's -EINTR as the call's result: restarted unless it had a timeout (sock_intr_errno) */
LONG LxSocketInterrupted(_In_ LONG Result, _In_ ULONGLONG Deadline);
/* What every family keeps alike: SO_RCVTIMEO/SO_SNDTIMEO (100 ns, 0: none) and SO_LINGER */
typedef struct _LX_SOCKET_TIMES
{
    ULONGLONG RcvTimeo;
    ULONGLONG SndTimeo;
    LONG Linger[2];             /* struct linger: l_onoff (0 or 1), l_linger */
} LX_SOCKET_TIMES, *PLX_SOCKET_TIMES;
/* setsockopt/getsockopt of those (SOL_SOCKET): FALSE for another option. Get: *Size bytes of
 * Data (16 at most) */
BOOLEAN LxSocketSetTimes(_Inout_ PLX_SOCKET_TIMES Times, _In_ LONG Name,
                         _In_reads_bytes_(Length) const UCHAR *Value, _In_ ULONG Length,
                         _Out_ PLONG Result);
BOOLEAN LxSocketGetTimes(_In_ const LX_SOCKET_TIMES *Times, _In_ LONG Name,
                         _Out_writes_bytes_(16) PUCHAR Data, _Out_ PULONG Size);
/* SO_RCVTIMEO/SO_SNDTIMEO values: struct timeval of 32-bit (_OLD) or 64-bit (_NEW) fields */
LONG LxSocketGetTimeval(_In_reads_bytes_(Length) const UCHAR *Value, _In_ ULONG Length,
                        _In_ BOOLEAN Time64, _Out_ PULONGLONG Timeout);
ULONG LxSocketPutTimeval(_Out_writes_bytes_(16) PUCHAR Value, _In_ ULONGLONG Timeout,
                         _In_ BOOLEAN Time64);

/* inet.c: AF_INET through the NT network stack (nt/afd.c) */
LONG LxCreateInetSocket(_In_ LONG Type, _In_ LONG Protocol, _Out_ PLX_FILE *File);

/* pty.c: pseudo-terminals (/dev/ptmx, /dev/pts/N) */
VOID LxInitializePtys(VOID);
VOID LxPtySessionEnds(_In_ PLX_PROCESS Leader);
BOOLEAN LxPtyResizeSession(_In_ ULONG Session, _In_ USHORT Rows, _In_ USHORT Columns);
LONG LxStartTerminal(_In_ PLX_PROCESS Process, _In_opt_ HANDLE Input, _In_opt_ HANDLE Output,
                     _In_ USHORT Rows, _In_ USHORT Columns, _Out_ PLX_FILE *Slave);
LONG LxCreatePty(_In_ ULONG StatusFlags, _Out_ PLX_FILE *File);
LONG LxOpenPtySlave(_In_ PLX_PROCESS Process, _In_ ULONG Index, _In_ ULONG StatusFlags,
                    _In_ BOOLEAN NoCtty, _Out_ PLX_FILE *File);
BOOLEAN LxOpenControllingPty(_In_ PLX_PROCESS Process, _In_ ULONG StatusFlags, _Out_ PLX_FILE *File,
                             _Out_ PLONG Result);

/* unix.c: AF_UNIX */
VOID LxInitializeUnixSockets(VOID);
LONG LxCreateUnixSocket(_In_ LONG Type, _Out_ PLX_FILE *File);
LONG LxCreateUnixPair(_In_ LONG Type, _Out_ PLX_FILE *First, _Out_ PLX_FILE *Second);

/* fdtable.c: the per-process descriptor table */
PLX_FILE LxGetFile(_In_ PLX_PROCESS Process, _In_ ULONG Fd);   /* referenced or NULL */
LONG LxInstallFile(_In_ PLX_PROCESS Process, _In_ PLX_FILE File, _In_ ULONG MinFd,
                   _In_ BOOLEAN Cloexec);   /* takes over the caller's reference */
LONG LxReplaceFile(_In_ PLX_PROCESS Process, _In_ PLX_FILE File, _In_ ULONG Fd,
                   _In_ BOOLEAN Cloexec);   /* takes over the caller's reference */
LONG LxCloseFd(_In_ PLX_PROCESS Process, _In_ ULONG Fd);
VOID LxCloseAllFiles(_In_ PLX_PROCESS Process);
ULONG LxFdLimit(_In_ PLX_PROCESS Process);
LONG LxGetCloexec(_In_ PLX_PROCESS Process, _In_ ULONG Fd);
VOID LxSetCloexec(_In_ PLX_PROCESS Process, _In_ ULONG Fd, _In_ BOOLEAN Cloexec);

/* poll.c: poll tables (kinds call LxPollWait or LxPollRecheck from their Poll operation). A
 * table's owner decides what a registration does: the poll engine wakes one event, an epoll
 * item (eventpoll.c) puts itself on its ready list. */
typedef VOID (*PLX_POLL_QUEUE_ROUTINE)(_Inout_ PLX_POLL_TABLE Table, _Inout_ PLX_WAIT_QUEUE Queue);
struct _LX_POLL_TABLE
{
    PLX_POLL_QUEUE_ROUTINE Queue;   /* registers one wait of the table's owner on a queue */
    BOOLEAN Recheck;                /* a file that cannot wake: its owner asks again */
};
VOID LxPollWait(_Inout_ PLX_POLL_TABLE Table, _Inout_ PLX_WAIT_QUEUE Queue);
VOID LxPollRecheck(_Inout_ PLX_POLL_TABLE Table);
/* One entry of poll(2); Fd < 0 is skipped */
typedef struct _LX_POLL_ITEM
{
    LONG Fd;
    SHORT Events;
    SHORT Revents;
} LX_POLL_ITEM, *PLX_POLL_ITEM;
LONG LxPollFiles(_In_ PLX_PROCESS Process, _Inout_updates_(Count) PLX_POLL_ITEM Items,
                 _In_ ULONG Count, _In_opt_ PLONGLONG Timeout);    /* -EINTR when a signal came */

/* path.c: Linux paths, the NT names behind them, and opening them */
#define LX_AT_FDCWD (-100)
LONG LxResolveUserPath(_In_ PLX_PROCESS Process, _In_ LONG Dfd, _In_ const CHAR *UserPath,
                       _Out_writes_(LX_PATH_MAX) PCHAR Resolved, _Out_opt_ PULONG Flags,
                       _In_ BOOLEAN FollowLast);
LONG LxResolvePath(_In_ PLX_PROCESS Process, _In_ LONG Dfd, _In_ const CHAR *UserPath,
                   _In_ BOOLEAN FollowLast, _Out_opt_ PULONG Flags, _Out_ PCHAR *Resolved);
VOID LxFreePath(_In_opt_ PCHAR Resolved);
LONG LxNtPathOf(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved, _Out_ PUNICODE_STRING NtPath);
LONG LxNtNamePathOf(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved, _Out_ PUNICODE_STRING NtPath);
LONG LxNtRootPathOf(_In_ PLX_PROCESS Process, _In_ PCSTR RootPath, _Out_ PUNICODE_STRING NtPath);
BOOLEAN LxNameIsStored(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved);
LONG LxNtTargetPathOf(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved, _In_ HANDLE Self,
                      _Out_ PUNICODE_STRING NtPath, _Out_ PBOOLEAN Cased);
LONG LxRootPathOf(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved,
                  _Out_writes_(LX_PATH_MAX) PCHAR Out);
LONG LxOpenNt(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved, _In_ const lx_nt_open *Open,
              _In_ ULONG Attributes, _Out_ PHANDLE Handle, _Out_opt_ PULONG_PTR Information);
LONG LxOpenNtName(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved, _In_ const lx_nt_open *Open,
                  _In_ ULONG Attributes, _Out_ PHANDLE Handle, _Out_opt_ PULONG_PTR Information);
LONG LxOpenNtRoot(_In_ PLX_PROCESS Process, _In_ PCSTR RootPath, _In_ const lx_nt_open *Open,
                  _In_ ULONG Attributes, _Out_ PHANDLE Handle, _Out_opt_ PULONG_PTR Information);
LONG LxOpenPath(_In_ PLX_PROCESS Process, _In_ LONG Dfd, _In_ const CHAR *UserPath,
                _In_ ULONG Flags, _In_ ULONG Mode, _Out_ PLX_FILE *File, _Out_ PBOOLEAN Cloexec);

/* ntio.c: I/O and attributes of kernel handles, shared by the NT-backed kinds */
/* read(2) (Write FALSE) or write(2) of a handle: at Position, else at File->Offset (Seekable)
 * or at the object's own position (streams) */
LONG LxNtTransfer(_In_ PLX_FILE File, _In_ HANDLE Handle, _In_ BOOLEAN Seekable, _In_ BOOLEAN Write,
                  _In_ ULONG_PTR Buffer, _In_ SIZE_T Count, _In_opt_ PLONGLONG Position);
LONG LxNtEndOfFile(_In_ HANDLE Handle, _Out_ PLONGLONG End);
LONG LxNtStat(_In_ HANDLE Handle, _In_opt_ PCSTR Path, _Out_ struct _LX_STAT64 *St);
VOID LxNtApplyMeta(_In_ PLX_PROCESS Process, _In_ PCSTR Path, _Inout_ struct _LX_STAT64 *St);
LONG LxNtStatfs(_In_ HANDLE Handle, _Out_ lx_statfs_info *Info);
LONG LxNtIdentity(_In_ HANDLE Handle, _Out_ PULONGLONG Volume, _Out_ PULONGLONG Index,
                  _Out_opt_ PULONGLONG Size);
LONG LxNtSetTimes(_In_ HANDLE Handle, _In_ const LX_SETATTR *Attr);
ULONGLONG LxPathInode(_In_ PCSTR Path);
/* The private state of every NT-backed kind starts with this; the operations below use it */
typedef struct _LX_NT_OBJECT
{
    HANDLE Handle;              /* kernel handle, closed at release */
} LX_NT_OBJECT, *PLX_NT_OBJECT;
HANDLE LxNtHandle(_In_ PLX_FILE File);
LONG LxNtObjectStatfs(_In_ PLX_FILE File, _Out_ lx_statfs_info *Info);
LONG LxNtObjectFsync(_In_ PLX_FILE File);
LONG LxFlushNtFile(_In_ HANDLE Handle, _In_ BOOLEAN FileToo);
NTSTATUS LxSetDeleteDisposition(_In_ HANDLE Handle);
NTSTATUS LxNtDeleteFile(_In_ HANDLE Handle);
NTSTATUS LxNtRename(_In_ HANDLE Handle, _In_ PCUNICODE_STRING NewName, _In_ BOOLEAN Replace);
LONG LxNtObjectSetattr(_In_ PLX_FILE File, _In_ const LX_SETATTR *Attr);
LONG LxNtObjectIdentity(_In_ PLX_FILE File, _Out_ PULONGLONG Volume, _Out_ PULONGLONG Index,
                        _Out_opt_ PULONGLONG Size);
VOID LxNtObjectRelease(_In_ PLX_FILE File);
LONG LxCreateNtObjectFile(_In_ PCLX_FILE_OPERATIONS Ops, _In_ ULONG StatusFlags, _In_ ULONG Mode,
                          _In_ SIZE_T PrivateSize, _In_ HANDLE Handle, _Out_ PLX_FILE *File);

/* The kinds' constructors */
LONG LxCreateNtFile(_In_ HANDLE Handle, _In_ ULONG StatusFlags, _In_ PCHAR Path,
                    _In_ LONG SymlinkLength, _Out_ PLX_FILE *File);     /* ntfile.c, ntdir.c */
LONG LxCreateNtDirectory(_In_ HANDLE Handle, _In_ ULONG StatusFlags, _In_ PCHAR Path,
                         _Out_ PLX_FILE *File);
LONG LxCreateStreamFile(_In_ HANDLE Handle, _In_ ULONG StatusFlags, _In_ USHORT TtyRows,
                        _In_ USHORT TtyColumns, _Out_ PLX_FILE *File);  /* stream.c */
LONG LxCreatePipeFiles(_In_ ULONG Flags, _Out_ PLX_FILE *ReadEnd, _Out_ PLX_FILE *WriteEnd);
VOID LxInitializeNamedPipes(VOID);
LONG LxOpenFifo(_In_ PLX_FILE Node, _In_ ULONG StatusFlags, _Out_ PLX_FILE *File);
LONG LxCreateDebugFile(_In_ ULONG Stream, _Out_ PLX_FILE *File);         /* debugout.c */
LONG LxDebugWrite(_In_ PLX_PROCESS Process, _In_ ULONG Stream, _In_reads_(Length) PCCH Data,
                  _In_ SIZE_T Length);
VOID LxDebugFlush(_In_ PLX_PROCESS Process);

/* shmfs.c: /dev/shm, an in-memory file system */
VOID LxInitializeShmfs(VOID);
BOOLEAN LxShmfsOwns(_In_ PCSTR Resolved);
LONG LxShmfsOpen(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved, _In_ ULONG Flags, _In_ ULONG StatusFlags,
                 _In_ ULONG Mode, _Out_ PLX_FILE *File);
LONG LxShmfsUnlink(_In_ PCSTR Resolved, _In_ BOOLEAN Directory);
LONG LxShmfsLink(_In_ PCSTR OldResolved, _In_ PCSTR NewResolved);

/* devmem.c */
#define LX_DEV_NULL     0
#define LX_DEV_ZERO     1
#define LX_DEV_FULL     2
#define LX_DEV_RANDOM   3
#define LX_DEV_URANDOM  4
LONG LxCreateMemDevice(_In_ ULONG Device, _In_ ULONG StatusFlags, _Out_ PLX_FILE *File);

/* devfs.c and procfs.c: the names lxcore serves itself. Open returns TRUE when Resolved is
 * one of its names, with *Result 0 and *File, or -errno. */
BOOLEAN LxDevfsOpen(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved, _In_ ULONG StatusFlags, _In_ BOOLEAN NoCtty,
                    _Out_ PLX_FILE *File, _Out_ PLONG Result);
BOOLEAN LxDevfsIsUnderDevice(_In_ PCSTR Resolved);
LONG LxDevfsOpenNode(_In_ PLX_PROCESS Process, _In_ ULONG Rdev, _In_ ULONG StatusFlags,
                     _In_ BOOLEAN NoCtty, _Out_ PLX_FILE *File);
BOOLEAN LxProcfsOpen(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved, _In_ ULONG StatusFlags,
                     _Out_ PLX_FILE *File, _Out_ PLONG Result);
/* A /proc symbolic link (/proc/self/exe, /proc/self/fd/N): its target, or -ENOENT/-EINVAL */
LONG LxProcfsReadlink(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved,
                      _Out_writes_(Size) PCHAR Target, _In_ ULONG Size);
/* The file a /proc link stands for when it is opened or executed ("/proc/self/exe": the
 * program's path): TRUE and the path in Resolved (replaced), FALSE when not such a link */
BOOLEAN LxProcfsFollowFileLink(_In_ PLX_PROCESS Process, _Inout_updates_(LX_PATH_MAX) PCHAR Resolved);
/* statfs of a path lxcore serves (/proc, /dev): TRUE and Info */
BOOLEAN LxVirtualStatfs(_In_ PCSTR Path, _Out_ lx_statfs_info *Info);

/* vfs.c: symbolic links, the path walk */
LONG LxReadSymlink(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved,
                   _Out_writes_(TargetSize) PCHAR Target, _In_ ULONG TargetSize);
LONG LxCreateSymlink(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved, _In_ PCSTR Target);
LONG LxWalkPath(_In_ PLX_PROCESS Process, _In_ PCSTR Base, _In_ PCSTR Path,
                _In_ BOOLEAN FollowLast, _Out_writes_(LX_PATH_MAX) PCHAR Out,
                _Out_opt_ PULONG Flags);

/* meta.c: Linux metadata of NT files (mode, owner, type, device number), journaled */
typedef struct _LX_META_INFO
{
    ULONG Mode;                 /* st_mode; no type bits: the NT file's own type */
    ULONG Uid, Gid;
    ULONG Rdev;                 /* a device node's number (new_encode_dev) */
    ULONG Nlink;                /* LxMetaGet of a hard link's name: its names; else 0 */
    ULONG Inode;                /* and its inode number; else 0 (not journaled) */
} LX_META_INFO, *PLX_META_INFO;

/* Hard links on a file system without them (fs/hardlink.c): a name whose table entry has
 * LX_META_HARDLINK in its mode is an empty NT file standing for the inode file
 * LX_INODES_DIR/XXXXXXXX (its rdev, 8 hex digits), which holds the data and the metadata */
#define LX_META_HARDLINK        0x80000000u
/* A name NT stores cased (core/lx_path.h; fs/path.c): LX_META_CASED in its entry's mode. An
 * entry there only to say so has LX_META_NAME_ONLY too: its file's metadata is NT's default.
 * Neither bit reaches LxMetaGet's caller. */
#define LX_META_CASED           0x40000000u
#define LX_META_NAME_ONLY       0x20000000u
#define LX_INODES_DIR           "/.lxss-inodes"
#define LX_INODE_PATH_MAX       32

VOID LxInitializeMetadata(VOID);
BOOLEAN LxMetaReservedPath(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved);
BOOLEAN LxMetaGet(_In_ PLX_PROCESS Process, _In_ PCSTR Path, _Out_ PLX_META_INFO Info);
BOOLEAN LxMetaHasCased(_In_ PLX_PROCESS Process);
BOOLEAN LxMetaIsCased(_In_ PLX_PROCESS Process, _In_ PCSTR RootPath, _In_ SIZE_T Length);
VOID LxMetaSetCased(_In_ PLX_PROCESS Process, _In_ PCSTR Path, _In_ BOOLEAN Cased);
VOID LxInodePath(_In_ ULONG Inode, _Out_writes_(LX_INODE_PATH_MAX) PCHAR Path);
/* hardlink.c */
LONG LxHardLink(_In_ PLX_PROCESS Process, _In_ PCSTR Old, _In_ PCSTR New);
VOID LxHardLinkGone(_In_ PLX_PROCESS Process, _In_ ULONG Inode);
BOOLEAN LxMetaHardLinkOf(_In_ PLX_PROCESS Process, _In_ PCSTR Path, _Out_ PULONG Inode);
ULONG LxMetaNamesOf(_In_ PLX_PROCESS Process, _In_ ULONG Inode);
VOID LxMetaSetHardLink(_In_ PLX_PROCESS Process, _In_ PCSTR Path, _In_ ULONG Inode);
VOID LxMetaRemoveInode(_In_ PLX_PROCESS Process, _In_ ULONG Inode);
VOID LxMetaSetInode(_In_ PLX_PROCESS Process, _In_ ULONG Inode, _In_ ULONG Mode, _In_ ULONG Uid,
                    _In_ ULONG Gid, _In_ ULONG Rdev);
VOID LxMetaCreate(_In_ PLX_PROCESS Process, _In_ PCSTR Path, _In_ ULONG Mode, _In_ ULONG Rdev);
LONG LxMetaSetattr(_In_ PLX_PROCESS Process, _In_ PCSTR Path, _In_ ULONG DefaultMode,
                   _In_ const LX_SETATTR *Attr);
VOID LxMetaRemove(_In_ PLX_PROCESS Process, _In_ PCSTR Path, _In_ BOOLEAN Tree);
VOID LxMetaRename(_In_ PLX_PROCESS Process, _In_ PCSTR OldPath, _In_ PCSTR NewPath);

/* perm.c: Linux permission checks by mode bits and owners */
LONG LxCheckSearch(_In_ PLX_PROCESS Process, _In_ PCSTR Base, _In_ PCSTR Resolved);
LONG LxCheckPermission(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved, _In_ ULONG Want,
                       _Out_opt_ struct _LX_STAT64 *Found);
LONG LxCheckNameChange(_In_ PLX_PROCESS Process, _In_ PCSTR Resolved, _In_ BOOLEAN Removing);

#endif /* _LXFS_H_ */
