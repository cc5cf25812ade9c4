/* lxcore/core/lx_socket.c: AF_UNIX addresses and control messages, against what Linux's
 * af_unix.c and scm.c give (lengths of getsockname, cut control messages). */
#include <stdio.h>
#include <string.h>

#include "lx_socket.h"
#include "lx_errno.h"
#include "tap.h"

static int parse(const char *path, uint32_t pathlen, uint32_t extra, lx_unix_addr *out)
{
    uint8_t buf[128] = { 1, 0 };
    memcpy(buf + 2, path, pathlen);
    return lx_unix_addr_parse(buf, 2 + pathlen + extra, out);
}

static const uint8_t inet_unix_family[110] = { 1, 0, '/', 'x' };

int main(void)
{
    lx_unix_addr a, b;
    uint8_t ctl[64], out[64];
    uint32_t off, used, flags, n;
    lx_cmsg m;
    int fds[3] = { 3, 4, 5 };

    tap_ok(parse("/tmp/s", 6, 0, &a) == 0 && a.length == 2 + 6 + 1 && !a.abstract && strcmp((char *)a.addr + 2, "/tmp/s") == 0,
           "a path without its NUL: kept with one (length 2 + 6 + 1)");
    tap_ok(parse("/tmp/s\0junk", 11, 0, &b) == 0 && b.length == 9 && lx_unix_addr_equal(&a, &b),
           "a path ends at its first NUL: the same address");
    tap_ok(parse("\0abc", 4, 0, &a) == 0 && a.abstract && a.length == 6 && parse("\0abc\0", 5, 0, &b) == 0 && b.length == 7 && !lx_unix_addr_equal(&a, &b),
           "abstract names keep exactly their length (a trailing NUL makes another name)");
    tap_ok(parse("", 0, 0, &a) == -LX_EINVAL && parse("x", 1, 108, &a) == -LX_EINVAL && parse("x", 1, 107, &a) == 0,
           "2 bytes (family only) and more than 110 are EINVAL; 110 is fine");
    {
        uint8_t inet[16] = { 2, 0, 1, 2 };
        tap_ok(lx_unix_addr_parse(inet, 16, &a) == -LX_EINVAL, "another family is EINVAL");
    }
    lx_unix_addr_autobind(0x1a2b, &a);
    tap_ok(a.length == 8 && a.abstract && memcmp(a.addr + 2, "\0" "01a2b", 6) == 0, "autobind: \\0 and 5 hex digits, length 8");

    /* control messages: SCM_RIGHTS of 2 fds then SCM_CREDENTIALS */
    memset(ctl, 0, sizeof ctl);
    {
        uint32_t h1[3] = { 12 + 8, 1, 1 }, h2[3] = { 12 + 12, 1, 2 };
        memcpy(ctl, h1, 12); memcpy(ctl + 12, fds, 8);
        memcpy(ctl + 20, h2, 12);
    }
    off = 0;
    tap_ok(lx_cmsg_next(ctl, 44, &off, &m) == 1 && m.level == 1 && m.type == 1 && m.length == 8 && off == 20,
           "first message: SCM_RIGHTS with 8 bytes, next at 20");
    tap_ok(lx_cmsg_next(ctl, 44, &off, &m) == 1 && m.type == 2 && m.length == 12 && lx_cmsg_next(ctl, 44, &off, &m) == 0,
           "second: SCM_CREDENTIALS with 12 bytes, then the end");
    off = 0;
    tap_ok(lx_cmsg_next(ctl, 19, &off, &m) == -LX_EINVAL, "a length past the buffer is EINVAL");
    {
        uint32_t bad[3] = { 8, 1, 1 };
        memcpy(ctl, bad, 12);
        off = 0;
        tap_ok(lx_cmsg_next(ctl, 44, &off, &m) == -LX_EINVAL, "a length below the header is EINVAL");
        off = 0;
        tap_ok(lx_cmsg_next(ctl, 11, &off, &m) == 0, "fewer bytes than a header: no message");
    }

    /* receiving: a room of 24 bytes takes 3 fds of 3 */
    used = 0; flags = 0;
    tap_ok(lx_cmsg_fds_room(24, 0, 3) == 3 && lx_cmsg_fds_room(20, 0, 3) == 2 && lx_cmsg_fds_room(12, 0, 3) == 0,
           "room for descriptors: 24 bytes 3, 20 bytes 2, a bare header none");
    n = lx_cmsg_put(out, 24, &used, 1, 1, fds, 12, &flags);
    tap_ok(n == 12 && used == 24 && flags == 0, "a message that fits: stored whole, no MSG_CTRUNC");
    n = lx_cmsg_put(out, 24, &used, 1, 2, fds, 12, &flags);
    tap_ok(n == 0 && (flags & LX_MSG_CTRUNC), "no room for a header: MSG_CTRUNC");
    used = 0; flags = 0;
    n = lx_cmsg_put(out, 20, &used, 1, 2, fds, 12, &flags);
    tap_ok(n == 8 && used == 20 && (flags & LX_MSG_CTRUNC) && ((uint32_t *)out)[0] == 20, "a cut message: its length is what fits, MSG_CTRUNC");

    /* AF_INET addresses: network byte order kept as given */
    {
        static const uint8_t sin[16] = { 2, 0, 0x1f, 0x90, 127, 0, 0, 1 };
        uint8_t back[16], unspec[16] = { 0 };
        lx_inet_addr ia;

        tap_ok(lx_inet_addr_parse(sin, 16, LX_INET_ADDR_CONNECT, &ia) == 0 &&
               ia.port == 0x901f && ia.addr == 0x0100007f, "sockaddr_in 127.0.0.1:8080: port and address as in memory");
        tap_ok(lx_inet_addr_put(&ia, back) == 16 && memcmp(back, sin, 16) == 0, "and back to the same 16 bytes");
        tap_ok(lx_inet_addr_parse(sin, 15, LX_INET_ADDR_CONNECT, &ia) == -LX_EINVAL, "15 bytes: EINVAL");
        tap_ok(lx_inet_addr_parse(unspec, 16, LX_INET_ADDR_BIND, &ia) == 0 && ia.addr == 0,
               "bind: AF_UNSPEC with INADDR_ANY is taken as AF_INET");
        tap_ok(lx_inet_addr_parse(unspec, 16, LX_INET_ADDR_SENDTO, &ia) == -LX_EAFNOSUPPORT,
               "sendto: AF_UNSPEC is EAFNOSUPPORT");
        unspec[4] = 127;
        tap_ok(lx_inet_addr_parse(unspec, 16, LX_INET_ADDR_BIND, &ia) == -LX_EAFNOSUPPORT,
               "bind: AF_UNSPEC with another address is EAFNOSUPPORT");
        tap_ok(lx_inet_addr_parse(inet_unix_family, 110, LX_INET_ADDR_CONNECT, &ia) == -LX_EAFNOSUPPORT,
               "AF_UNIX: EAFNOSUPPORT");
        tap_ok(lx_sockaddr_family(sin, 1) == -1 && lx_sockaddr_family(sin, 2) == 2, "the family needs 2 bytes");
    }
    tap_ok(lx_socket_status_to_errno(0xC0000236u) == -LX_ECONNREFUSED &&
           lx_socket_status_to_errno(0xC000013Cu) == -LX_ECONNRESET &&
           lx_socket_status_to_errno(0xC000020Au) == -LX_EADDRINUSE &&
           lx_socket_status_to_errno(0xC00000D8u) == -LX_EAGAIN, "network statuses: refused, reset, in use, would block");
    tap_ok(lx_socket_status_to_errno(0) == 0 && lx_socket_status_to_errno(0xC0000034u) == -LX_ENOENT,
           "success is 0; other statuses as the file layer maps them");
    return tap_done();
}
