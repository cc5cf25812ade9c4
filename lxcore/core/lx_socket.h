/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Socket details every family shares: AF_UNIX addresses (paths, abstract names,
 *              autobind names) and control messages (struct cmsghdr on i386)
 *
 * As Linux's net/unix/af_unix.c (unix_validate_addr, unix_mkname_bsd, unix_autobind) and
 * net/core/scm.c (__scm_send, put_cmsg, scm_detach_fds): a path address is kept with its
 * terminating NUL (getsockname gives 2 + strlen + 1 bytes), an abstract one with exactly the
 * length given. A control buffer is a run of headers {len, level, type} of 12 bytes, each
 * padded to 4 bytes.
 */

#ifndef LX_SOCKET_H
#define LX_SOCKET_H

#include "lx_types.h"

#define LX_AF_UNIX              1
#define LX_UNIX_PATH_MAX        108
#define LX_SOCKADDR_UN_SIZE     110     /* sa_family_t + sun_path[108] */
#define LX_SUN_PATH_OFFSET      2

typedef struct lx_unix_addr
{
    uint32_t length;                    /* bytes of addr that are the address, 0: none */
    int abstract;                       /* sun_path[0] == 0 */
    uint8_t addr[LX_SOCKADDR_UN_SIZE + 1];  /* sockaddr_un; a path is NUL-terminated */
} lx_unix_addr;

/* A bind/connect/sendto address: 0, or -EINVAL (short, long or not AF_UNIX) */
int lx_unix_addr_parse(const void *addr, uint32_t length, lx_unix_addr *out);
/* bind with only the family: an autobind name, "\0" and 5 hex digits of Number */
void lx_unix_addr_autobind(uint32_t number, lx_unix_addr *out);
/* The two names are the same address */
int lx_unix_addr_equal(const lx_unix_addr *a, const lx_unix_addr *b);

/* struct cmsghdr on i386 */
#define LX_CMSG_HEADER          12u
#define LX_CMSG_ALIGN(n)        (((n) + 3u) & ~3u)
#define LX_CMSG_SPACE(n)        (LX_CMSG_HEADER + LX_CMSG_ALIGN(n))
#define LX_CMSG_LEN(n)          (LX_CMSG_HEADER + (n))
#define LX_SOL_SOCKET           1
#define LX_SCM_RIGHTS           1
#define LX_SCM_CREDENTIALS      2
#define LX_SCM_MAX_FD           253
#define LX_MSG_CTRUNC           0x8

typedef struct lx_cmsg
{
    int32_t level;
    int32_t type;
    const uint8_t *data;
    uint32_t length;                    /* bytes of data */
} lx_cmsg;

/* The next message of a sent control buffer from *Offset: 1 and *Msg, 0 at the end, or
 * -EINVAL for a malformed header */
int lx_cmsg_next(const uint8_t *control, uint32_t size, uint32_t *offset, lx_cmsg *msg);
/* Appends a received message to Out (Size bytes, *Used so far); what does not fit is cut and
 * LX_MSG_CTRUNC set in *Flags (put_cmsg). Returns the data bytes stored. */
uint32_t lx_cmsg_put(uint8_t *out, uint32_t size, uint32_t *used, int32_t level, int32_t type,
                     const void *data, uint32_t length, uint32_t *flags);
/* How many descriptors of Count fit in the rest of the buffer (scm_detach_fds) */
uint32_t lx_cmsg_fds_room(uint32_t size, uint32_t used, uint32_t count);

/* AF_INET (net/ipv4/af_inet.c): struct sockaddr_in is 16 bytes, port and address in network
 * byte order, as TDI's TDI_ADDRESS_IP keeps them */
#define LX_AF_UNSPEC            0
#define LX_AF_INET              2
#define LX_SOCKADDR_IN_SIZE     16u
#define LX_INADDR_ANY           0u

typedef struct lx_inet_addr
{
    uint16_t port;                      /* network byte order */
    uint32_t addr;                      /* network byte order */
} lx_inet_addr;

/* The uses of an address, for the checks Linux makes on each */
#define LX_INET_ADDR_BIND       0       /* AF_UNSPEC with INADDR_ANY allowed (inet_bind) */
#define LX_INET_ADDR_CONNECT    1       /* AF_UNSPEC: dissolve (the caller checks family) */
#define LX_INET_ADDR_SENDTO     2
/* 0 and *Out, or -EINVAL (short), -EAFNOSUPPORT (another family) */
int lx_inet_addr_parse(const void *addr, uint32_t length, int use, lx_inet_addr *out);
/* sockaddr_in of Addr into Out (16 bytes); returns 16 */
uint32_t lx_inet_addr_put(const lx_inet_addr *addr, uint8_t *out);
/* The family of a connect address (AF_UNSPEC dissolves a datagram association): -1 if short */
int lx_sockaddr_family(const void *addr, uint32_t length);

/* An NTSTATUS of the NT network stack (AFD, TDI) as a negative Linux errno; 0 for success */
int lx_socket_status_to_errno(uint32_t status);

#endif /* LX_SOCKET_H */
