/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Names of the Linux errno values lxcore knows (lx_errno.h), for traces
 */

#include "lx_errno.h"

const char *
lx_errno_name(int error)
{
    switch (error)
    {
        case LX_EPERM: return "EPERM";
        case LX_ENOENT: return "ENOENT";
        case LX_ESRCH: return "ESRCH";
        case LX_EINTR: return "EINTR";
        case LX_EIO: return "EIO";
        case LX_ENXIO: return "ENXIO";
        case LX_E2BIG: return "E2BIG";
        case LX_ENOEXEC: return "ENOEXEC";
        case LX_EBADF: return "EBADF";
        case LX_ECHILD: return "ECHILD";
        case LX_EAGAIN: return "EAGAIN";
        case LX_ENOMEM: return "ENOMEM";
        case LX_EACCES: return "EACCES";
        case LX_EFAULT: return "EFAULT";
        case LX_ENOTBLK: return "ENOTBLK";
        case LX_EBUSY: return "EBUSY";
        case LX_EEXIST: return "EEXIST";
        case LX_EXDEV: return "EXDEV";
        case LX_ENODEV: return "ENODEV";
        case LX_ENOTDIR: return "ENOTDIR";
        case LX_EISDIR: return "EISDIR";
        case LX_EINVAL: return "EINVAL";
        case LX_ENFILE: return "ENFILE";
        case LX_EMFILE: return "EMFILE";
        case LX_ENOTTY: return "ENOTTY";
        case LX_ETXTBSY: return "ETXTBSY";
        case LX_EFBIG: return "EFBIG";
        case LX_ENOSPC: return "ENOSPC";
        case LX_ESPIPE: return "ESPIPE";
        case LX_EROFS: return "EROFS";
        case LX_EMLINK: return "EMLINK";
        case LX_EPIPE: return "EPIPE";
        case LX_EDOM: return "EDOM";
        case LX_ERANGE: return "ERANGE";
        case LX_EDEADLK: return "EDEADLK";
        case LX_ENAMETOOLONG: return "ENAMETOOLONG";
        case LX_ENOLCK: return "ENOLCK";
        case LX_ENOSYS: return "ENOSYS";
        case LX_ENOTEMPTY: return "ENOTEMPTY";
        case LX_ELOOP: return "ELOOP";
        case LX_ENOMSG: return "ENOMSG";
        case LX_EIDRM: return "EIDRM";
        case LX_ENODATA: return "ENODATA";
        case LX_ETIME: return "ETIME";
        case LX_EOVERFLOW: return "EOVERFLOW";
        case LX_ELIBBAD: return "ELIBBAD";
        case LX_EILSEQ: return "EILSEQ";
        case LX_ENOTSOCK: return "ENOTSOCK";
        case LX_EDESTADDRREQ: return "EDESTADDRREQ";
        case LX_EMSGSIZE: return "EMSGSIZE";
        case LX_EPROTOTYPE: return "EPROTOTYPE";
        case LX_ENOPROTOOPT: return "ENOPROTOOPT";
        case LX_EPROTONOSUPPORT: return "EPROTONOSUPPORT";
        case LX_ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
        case LX_EOPNOTSUPP: return "EOPNOTSUPP";
        case LX_EAFNOSUPPORT: return "EAFNOSUPPORT";
        case LX_EADDRINUSE: return "EADDRINUSE";
        case LX_EADDRNOTAVAIL: return "EADDRNOTAVAIL";
        case LX_ENETUNREACH: return "ENETUNREACH";
        case LX_ECONNABORTED: return "ECONNABORTED";
        case LX_ECONNRESET: return "ECONNRESET";
        case LX_ENOBUFS: return "ENOBUFS";
        case LX_EISCONN: return "EISCONN";
        case LX_ENOTCONN: return "ENOTCONN";
        case LX_ETIMEDOUT: return "ETIMEDOUT";
        case LX_ECONNREFUSED: return "ECONNREFUSED";
        case LX_EHOSTUNREACH: return "EHOSTUNREACH";
        case LX_EALREADY: return "EALREADY";
        case LX_EINPROGRESS: return "EINPROGRESS";
        case LX_ESTALE: return "ESTALE";
        case LX_EDQUOT: return "EDQUOT";
        case LX_ECANCELED: return "ECANCELED";
        default: return 0;
    }
}
