/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     AF_UNIX addresses and control messages (lx_socket.h)
 */

#include "lx_socket.h"
#include "lx_errno.h"
#include "lx_conv.h"

int
lx_unix_addr_parse(const void *addr, uint32_t length, lx_unix_addr *out)
{
    const uint8_t *in = addr;
    uint32_t i;

    out->length = 0;
    out->abstract = 0;
    if (length <= LX_SUN_PATH_OFFSET || length > LX_SOCKADDR_UN_SIZE)
        return -LX_EINVAL;
    if ((in[0] | (in[1] << 8)) != LX_AF_UNIX)
        return -LX_EINVAL;
    for (i = 0; i < length; i++)
        out->addr[i] = in[i];
    out->addr[length] = 0;
    if (in[LX_SUN_PATH_OFFSET] == 0)
    {
        out->abstract = 1;
        out->length = length;
        return 0;
    }
    /* a path ends at its first NUL, and the address keeps one */
    for (i = LX_SUN_PATH_OFFSET; i < length && out->addr[i] != 0; i++)
        ;
    out->addr[i] = 0;
    out->length = i + 1;
    return 0;
}

void
lx_unix_addr_autobind(uint32_t number, lx_unix_addr *out)
{
    static const char hex[] = "0123456789abcdef";
    int i;

    out->addr[0] = LX_AF_UNIX;
    out->addr[1] = 0;
    out->addr[2] = 0;
    for (i = 0; i < 5; i++)
        out->addr[3 + i] = (uint8_t)hex[(number >> (4 * (4 - i))) & 0xF];
    out->addr[8] = 0;
    out->length = 8;
    out->abstract = 1;
}

int
lx_unix_addr_equal(const lx_unix_addr *a, const lx_unix_addr *b)
{
    uint32_t i;

    if (a->length != b->length || a->abstract != b->abstract || a->length == 0)
        return 0;
    for (i = 0; i < a->length; i++)
    {
        if (a->addr[i] != b->addr[i])
            return 0;
    }
    return 1;
}

int
lx_cmsg_next(const uint8_t *control, uint32_t size, uint32_t *offset, lx_cmsg *msg)
{
    uint32_t at = *offset, len;

    if (at >= size || size - at < LX_CMSG_HEADER)
        return 0;
    len = lx_get32(control + at);
    if (len < LX_CMSG_HEADER || len > size - at)
        return -LX_EINVAL;
    msg->level = (int32_t)lx_get32(control + at + 4);
    msg->type = (int32_t)lx_get32(control + at + 8);
    msg->data = control + at + LX_CMSG_HEADER;
    msg->length = len - LX_CMSG_HEADER;
    /* the next header starts at the aligned end (past the buffer: no more) */
    if (LX_CMSG_ALIGN(len) > size - at)
        *offset = size;
    else
        *offset = at + LX_CMSG_ALIGN(len);
    return 1;
}

uint32_t
lx_cmsg_put(uint8_t *out, uint32_t size, uint32_t *used, int32_t level, int32_t type,
            const void *data, uint32_t length, uint32_t *flags)
{
    uint32_t room = size - *used, cmlen = LX_CMSG_LEN(length), stored, i;
    uint8_t *p = out + *used;

    if (*used > size || room < LX_CMSG_HEADER)
    {
        *flags |= LX_MSG_CTRUNC;
        return 0;
    }
    if (room < cmlen)
    {
        *flags |= LX_MSG_CTRUNC;
        cmlen = room;
    }
    lx_put32(p, cmlen);
    lx_put32(p + 4, (uint32_t)level);
    lx_put32(p + 8, (uint32_t)type);
    stored = cmlen - LX_CMSG_HEADER;
    for (i = 0; i < stored; i++)
        p[LX_CMSG_HEADER + i] = ((const uint8_t *)data)[i];
    *used += LX_CMSG_SPACE(length) < room ? LX_CMSG_SPACE(length) : room;
    return stored;
}

uint32_t
lx_cmsg_fds_room(uint32_t size, uint32_t used, uint32_t count)
{
    uint32_t room;

    if (used > size || size - used <= LX_CMSG_HEADER)
        return 0;
    room = (size - used - LX_CMSG_HEADER) / 4;
    return room < count ? room : count;
}

int
lx_sockaddr_family(const void *addr, uint32_t length)
{
    const uint8_t *bytes = addr;

    if (length < 2)
        return -1;
    return bytes[0] | (bytes[1] << 8);
}

int
lx_inet_addr_parse(const void *addr, uint32_t length, int use, lx_inet_addr *out)
{
    const uint8_t *bytes = addr;
    int family = lx_sockaddr_family(addr, length);

    if (length < LX_SOCKADDR_IN_SIZE)
        return -LX_EINVAL;
    out->port = (uint16_t)(bytes[2] | (bytes[3] << 8));
    out->addr = (uint32_t)bytes[4] | ((uint32_t)bytes[5] << 8) |
                ((uint32_t)bytes[6] << 16) | ((uint32_t)bytes[7] << 24);
    if (family == LX_AF_INET)
        return 0;
    /* inet_bind: AF_UNSPEC is taken for AF_INET when the address is INADDR_ANY */
    if (use == LX_INET_ADDR_BIND && family == LX_AF_UNSPEC && out->addr == LX_INADDR_ANY)
        return 0;
    return -LX_EAFNOSUPPORT;
}

uint32_t
lx_inet_addr_put(const lx_inet_addr *addr, uint8_t *out)
{
    uint32_t i;

    out[0] = LX_AF_INET;
    out[1] = 0;
    out[2] = (uint8_t)addr->port;
    out[3] = (uint8_t)(addr->port >> 8);
    for (i = 0; i < 4; i++)
        out[4 + i] = (uint8_t)(addr->addr >> (8 * i));
    for (i = 8; i < LX_SOCKADDR_IN_SIZE; i++)
        out[i] = 0;
    return LX_SOCKADDR_IN_SIZE;
}

/* What AFD and tcpip.sys (TCPTranslateError, the TDI completions) give */
static const struct
{
    uint32_t status;
    int err;
} lx_socket_status_table[] =
{
    { 0xC0000005u, LX_EFAULT },         /* STATUS_ACCESS_VIOLATION: a buffer AFD could not lock */
    { 0xC000000Du, LX_EINVAL },         /* STATUS_INVALID_PARAMETER */
    { 0xC0000043u, LX_EADDRINUSE },     /* STATUS_SHARING_VIOLATION */
    { 0xC00000B5u, LX_ETIMEDOUT },      /* STATUS_IO_TIMEOUT */
    { 0xC00000BCu, LX_ECONNREFUSED },   /* STATUS_REMOTE_NOT_LISTENING */
    { 0xC00000D8u, LX_EAGAIN },         /* STATUS_CANT_WAIT */
    { 0xC0000102u, LX_ETIMEDOUT },      /* STATUS_TIMEOUT (lwIP's ERR_TIMEOUT) */
    { 0xC0000128u, LX_EPIPE },          /* STATUS_FILE_CLOSED: sending after shutdown */
    { 0xC000013Bu, LX_ECONNABORTED },   /* STATUS_LOCAL_DISCONNECT */
    { 0xC000013Cu, LX_ECONNRESET },     /* STATUS_REMOTE_DISCONNECT */
    { 0xC0000140u, LX_ENOTCONN },       /* STATUS_INVALID_CONNECTION */
    { 0xC0000141u, LX_EADDRNOTAVAIL },  /* STATUS_INVALID_ADDRESS */
    { 0xC0000207u, LX_EADDRNOTAVAIL },  /* STATUS_INVALID_ADDRESS_COMPONENT */
    { 0xC0000209u, LX_EADDRINUSE },     /* STATUS_TOO_MANY_ADDRESSES */
    { 0xC000020Au, LX_EADDRINUSE },     /* STATUS_ADDRESS_ALREADY_EXISTS */
    { 0xC000020Cu, LX_ECONNRESET },     /* STATUS_CONNECTION_DISCONNECTED */
    { 0xC000020Du, LX_ECONNRESET },     /* STATUS_CONNECTION_RESET */
    { 0xC0000236u, LX_ECONNREFUSED },   /* STATUS_CONNECTION_REFUSED */
    { 0xC0000237u, LX_EPIPE },          /* STATUS_GRACEFUL_DISCONNECT */
    { 0xC0000238u, LX_EISCONN },        /* STATUS_ADDRESS_ALREADY_ASSOCIATED */
    { 0xC000023Au, LX_ENOTCONN },       /* STATUS_CONNECTION_INVALID */
    { 0xC000023Bu, LX_EISCONN },        /* STATUS_CONNECTION_ACTIVE */
    { 0xC000023Cu, LX_ENETUNREACH },    /* STATUS_NETWORK_UNREACHABLE */
    { 0xC000023Du, LX_EHOSTUNREACH },   /* STATUS_HOST_UNREACHABLE */
    { 0xC000023Fu, LX_ECONNREFUSED },   /* STATUS_PORT_UNREACHABLE */
    { 0xC0000241u, LX_ECONNABORTED },   /* STATUS_CONNECTION_ABORTED */
};

int
lx_socket_status_to_errno(uint32_t status)
{
    size_t i;

    if (status < 0x80000000u)
        return 0;
    for (i = 0; i < sizeof(lx_socket_status_table) / sizeof(lx_socket_status_table[0]); i++)
    {
        if (lx_socket_status_table[i].status == status)
            return -lx_socket_status_table[i].err;
    }
    return lx_ntstatus_to_errno(status);
}
