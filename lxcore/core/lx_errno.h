/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Linux errno values (asm-generic/errno-base.h + errno.h, i386 uses these)
 *
 * lxcore returns these negated (-LX_ENOEXEC) to Linux programs. The names carry an LX_ prefix
 * so this header can be included next to a C library's errno.h on the host.
 */

#ifndef LX_ERRNO_H
#define LX_ERRNO_H

#define LX_EPERM            1
#define LX_ENOENT           2
#define LX_ESRCH            3
#define LX_EINTR            4
#define LX_EIO              5
#define LX_ENXIO            6
#define LX_E2BIG            7
#define LX_ENOEXEC          8
#define LX_EBADF            9
#define LX_ECHILD           10
#define LX_EAGAIN           11
#define LX_ENOMEM           12
#define LX_EACCES           13
#define LX_EFAULT           14
#define LX_ENOTBLK          15
#define LX_EBUSY            16
#define LX_EEXIST           17
#define LX_EXDEV            18
#define LX_ENODEV           19
#define LX_ENOTDIR          20
#define LX_EISDIR           21
#define LX_EINVAL           22
#define LX_ENFILE           23
#define LX_EMFILE           24
#define LX_ENOTTY           25
#define LX_ETXTBSY          26
#define LX_EFBIG            27
#define LX_ENOSPC           28
#define LX_ESPIPE           29
#define LX_EROFS            30
#define LX_EMLINK           31
#define LX_EPIPE            32
#define LX_EDOM             33
#define LX_ERANGE           34
#define LX_EDEADLK          35
#define LX_ENAMETOOLONG     36
#define LX_ENOLCK           37
#define LX_ENOSYS           38
#define LX_ENOTEMPTY        39
#define LX_ELOOP            40
#define LX_ENOMSG           42
#define LX_EIDRM            43
#define LX_ENODATA          61
#define LX_ETIME            62
#define LX_EOVERFLOW        75
#define LX_ELIBBAD          80
#define LX_EILSEQ           84
#define LX_ENOTSOCK         88
#define LX_EDESTADDRREQ     89
#define LX_EMSGSIZE         90
#define LX_EPROTOTYPE       91
#define LX_ENOPROTOOPT      92
#define LX_EPROTONOSUPPORT  93
#define LX_ESOCKTNOSUPPORT  94
#define LX_EOPNOTSUPP       95
#define LX_EAFNOSUPPORT     97
#define LX_EADDRINUSE       98
#define LX_EADDRNOTAVAIL    99
#define LX_ENETUNREACH      101
#define LX_ECONNABORTED     103
#define LX_ECONNRESET       104
#define LX_ENOBUFS          105
#define LX_EISCONN          106
#define LX_ENOTCONN         107
#define LX_ETIMEDOUT        110
#define LX_ECONNREFUSED     111
#define LX_EHOSTUNREACH     113
#define LX_EALREADY         114
#define LX_EINPROGRESS      115
#define LX_ESTALE           116
#define LX_EDQUOT           122
#define LX_ECANCELED        125

/* "ENOENT" for LX_ENOENT; NULL for a value not listed here (lx_errno.c) */
const char *lx_errno_name(int error);

#endif /* LX_ERRNO_H */
