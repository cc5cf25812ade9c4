/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     AF_UNIX addresses and control messages (lx_socket.h)
 */

#include "lx_socket.h"
#include "lx_errno.h"

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
