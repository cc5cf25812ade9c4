/* lxss-test: group=inet needs=socket,bind,listen,accept4,getpeername,getsockname,poll timeout=120 */
/* TCP between a Linux program in the guest and the host, through the guest's network card and
 * QEMU's user network, restricted to the host's loopback (restrict=on, hostfwd from
 * 127.0.0.1): under lxcore (uname's release ends in "-lxss") the program listens on port
 * 7777 of every address, which `lxgen test` forwards from a loopback port of the host, and
 * the host (generator/src/vm/hostpeer.ts) connects. The protocol: the program says
 * "lxss-hostpeer 1\n", the host "DATA <n>\n" and n bytes, which come back; then the host says
 * "OK <fnv1a-32 of the bytes>\n" and closes. The peer is QEMU's host address 10.0.2.2 and the
 * program's end is the card's 10.0.2.15. On Linux, where no QEMU forwards anything, a child
 * of this test plays the host on 127.0.0.1. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"
#include "lxstream.h"

#define SA(a) ((struct sockaddr *)(a))
#define GUEST_PORT 7777
#define BLOCK (256 * 1024)
#define BANNER "lxss-hostpeer 1\n"

static unsigned char block[BLOCK], echo[BLOCK];

/* hostpeer.ts's peerBlock: a fixed xorshift32 sequence */
static void make_block(unsigned char *out, size_t n)
{
	uint32_t x = 0x6c787373;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		out[i] = (unsigned char)x;
	}
}

static uint32_t fnv1a(const unsigned char *p, size_t n)
{
	uint32_t h = 0x811c9dc5u;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x01000193u;
	}
	return h;
}

/* the host's side (Linux only): connect, take the banner, send the block, check its echo */
static void play_host(unsigned short port)
{
	struct sockaddr_in a;
	char line[64];
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, SA(&a), sizeof a) != 0 || read_line(fd, line, sizeof line) != 0 ||
	    strcmp(line, "lxss-hostpeer 1") != 0)
		_exit(1);
	snprintf(line, sizeof line, "DATA %d\n", BLOCK);
	if (send_all(fd, line, strlen(line)) != 0 || send_all(fd, block, BLOCK) != 0 ||
	    recv_all(fd, echo, BLOCK) != 0)
		_exit(2);
	if (memcmp(echo, block, BLOCK) != 0)
		snprintf(line, sizeof line, "BAD echo differs\n");
	else
		snprintf(line, sizeof line, "OK %08x\n", fnv1a(block, BLOCK));
	send_all(fd, line, strlen(line));
	close(fd);
	_exit(0);
}

int main(void)
{
	struct utsname u;
	struct sockaddr_in a, peer, local;
	socklen_t len = sizeof a;
	struct pollfd p;
	char line[64], addr[32];
	int lxss, fd, conn = -1, n = 0, status, stale = 0;
	unsigned int hash = 0;
	pid_t child = -1;
	char c;

	tap_plan(6);
	uname(&u);
	lxss = strstr(u.release, "-lxss") != NULL;
	make_block(block, BLOCK);

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(lxss ? GUEST_PORT : 0);
	a.sin_addr.s_addr = htonl(lxss ? INADDR_ANY : INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	tap_ok(fd >= 0 && bind(fd, SA(&a), sizeof a) == 0 && listen(fd, 1) == 0 &&
	       getsockname(fd, SA(&a), &len) == 0,
	       lxss ? "listening on port 7777 of every address" : "listening on a loopback port");
	if (!lxss) {
		child = fork();
		if (child == 0)
			play_host(ntohs(a.sin_port));
	} else {
		tap_printf("# waiting for the host: lxgen test forwards a loopback port of the host to port 7777\n");
	}

	/* a connection QEMU made while nothing listened here may come in late, after the host gave
	 * it up: such a one ends before its DATA line, and the next is taken */
	p.fd = fd;
	p.events = POLLIN;
	for (time_t deadline = time(NULL) + 90; conn < 0 && time(NULL) < deadline;) {
		if (poll(&p, 1, 1000) != 1)
			continue;
		conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (conn >= 0 && (send_all(conn, BANNER, strlen(BANNER)) != 0 ||
				  read_line(conn, line, sizeof line) != 0 || sscanf(line, "DATA %d", &n) != 1)) {
			close(conn);
			conn = -1;
			stale++;
		}
	}
	tap_ok(conn >= 0 && n == BLOCK, "the host connects (within 90 s) and announces 256 KiB after the banner");
	if (stale)
		tap_printf("# %d connection(s) the host had given up\n", stale);
	if (conn < 0)
		return tap_done();

	len = sizeof peer;
	getpeername(conn, SA(&peer), &len);
	inet_ntop(AF_INET, &peer.sin_addr, addr, sizeof addr);
	tap_ok(strcmp(addr, lxss ? "10.0.2.2" : "127.0.0.1") == 0, lxss ? "the peer is QEMU's host address, 10.0.2.2" : "the peer is 127.0.0.1");
	if (strcmp(addr, lxss ? "10.0.2.2" : "127.0.0.1") != 0)
		tap_printf("# peer %s\n", addr);
	len = sizeof local;
	getsockname(conn, SA(&local), &len);
	inet_ntop(AF_INET, &local.sin_addr, addr, sizeof addr);
	tap_ok(strcmp(addr, lxss ? "10.0.2.15" : "127.0.0.1") == 0, lxss ? "this end is the network card's 10.0.2.15" : "this end is 127.0.0.1");

	tap_ok(n == BLOCK && recv_all(conn, echo, BLOCK) == 0 && send_all(conn, echo, BLOCK) == 0 &&
	       read_line(conn, line, sizeof line) == 0 && sscanf(line, "OK %x", &hash) == 1 &&
	       hash == fnv1a(echo, BLOCK) && memcmp(echo, block, BLOCK) == 0,
	       "256 KiB from the host echoed back: the host says OK with the block's hash");
	tap_ok(recv(conn, &c, 1, 0) == 0, "then the host closes: end of file");
	close(conn);
	close(fd);
	if (child > 0)
		waitpid(child, &status, 0);
	return tap_done();
}
