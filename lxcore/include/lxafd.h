/*
 * PROJECT:     lxss for ReactOS - lxcore.sys and the native test programs
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     AFD's IOCTLs and structures (sdk/include/reactos/drivers/afd/shared.h) for code
 *              that has no winsock2.h: lxcore (a kernel-mode AFD client, nt/afd.c) and the
 *              native programs that drive AFD as msafd.dll does (tests/runner/ntafd.h)
 *
 * Include <tdi.h> first.
 */

#ifndef _LXAFD_H_
#define _LXAFD_H_

/* What afd/shared.h takes from winsock2.h */
typedef UINT_PTR SOCKET;
typedef struct sockaddr
{
    USHORT sa_family;
    CHAR sa_data[14];
} SOCKADDR, *LPSOCKADDR;
typedef struct _WSABUF
{
    ULONG len;
    PCHAR buf;
} WSABUF, *LPWSABUF;
typedef PVOID LPCONDITIONPROC;   /* only in msafd's request structures */
typedef PVOID LPQOS;
#include <drivers/afd/shared.h>

#endif /* _LXAFD_H_ */
