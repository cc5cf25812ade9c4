/* lxss-test: group=inet needs=socket,bind,connect,listen,accept4,sendto,recvfrom,sendmsg,recvmsg,shutdown,getsockopt,setsockopt,getsockname,getpeername,poll,epoll_wait timeout=60 */
/* AF_INET over the loopback: TCP (bind to port 0 and the port it picked, listen, blocking and
 * non-blocking connect with EINPROGRESS + poll + SO_ERROR, ECONNREFUSED both ways, accept4
 * flags and the peer's address, MSG_PEEK, MSG_DONTWAIT, 1 MiB from a child with a checksum,
 * shutdown and EOF, EPIPE after the peer closed, SO_RCVTIMEO, EADDRINUSE, options), UDP
 * (sendto/recvfrom with the sender's address, MSG_PEEK, truncation and MSG_TRUNC, a connected
 * socket's default destination and filter, EDESTADDRREQ, EMSGSIZE), readiness through poll and
 * epoll, and the errno Linux gives for bad arguments and addresses. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"

#ifndef SO_DOMAIN
#define SO_DOMAIN 39
#endif
#ifndef SO_PROTOCOL
#define SO_PROTOCOL 38
#endif

#define SA(a) ((struct sockaddr *)(a))

static void on_alarm(int sig)
{
	(void)sig;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static struct sockaddr_in loopback(unsigned short port)
{
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int getint(int fd, int level, int name)
{
	int v = -12345;
	socklen_t l = sizeof v;
	if (getsockopt(fd, level, name, &v, &l) < 0)
		return -12345;
	return v;
}

/* A listener on 127.0.0.1 at a port the kernel picks; *addr gets its address */
static int listener(struct sockaddr_in *addr)
{
	socklen_t l = sizeof *addr;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	*addr = loopback(0);
	if (fd < 0 || bind(fd, SA(addr), sizeof *addr) < 0 || listen(fd, 8) < 0 ||
	    getsockname(fd, SA(addr), &l) < 0)
		return -1;
	return fd;
}

/* A port nobody listens on: bound, read, closed */
static unsigned short free_port(void)
{
	struct sockaddr_in a = loopback(0);
	socklen_t l = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bind(fd, SA(&a), sizeof a);
	getsockname(fd, SA(&a), &l);
	close(fd);
	return ntohs(a.sin_port);
}

static int wait_events(int fd, short events, int ms)
{
	struct pollfd p = { fd, events, 0 };
	return poll(&p, 1, ms) == 1 ? p.revents : 0;
}

static void tcp_basics(void)
{
	struct sockaddr_in a, b, got;
	socklen_t l;
	char buf[64];
	int s, c, t, flags;

	s = socket(AF_INET, SOCK_STREAM, 0);
	tap_ok(s >= 0 && getint(s, SOL_SOCKET, SO_TYPE) == SOCK_STREAM && getint(s, SOL_SOCKET, SO_DOMAIN) == AF_INET &&
	       getint(s, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_TCP, "socket(AF_INET, SOCK_STREAM): SO_TYPE, SO_DOMAIN, SO_PROTOCOL");
	l = sizeof got;
	memset(&got, 0xAA, sizeof got);
	tap_ok(getsockname(s, SA(&got), &l) == 0 && l == 16 && got.sin_family == AF_INET && got.sin_port == 0 &&
	       got.sin_addr.s_addr == 0, "getsockname of a new socket: 0.0.0.0:0, 16 bytes");
	tap_ok(wait_events(s, POLLIN | POLLOUT, 0) == (POLLOUT | POLLHUP), "a new stream socket polls POLLOUT|POLLHUP");
	a = loopback(0);
	l = sizeof a;
	tap_ok(bind(s, SA(&a), sizeof a) == 0 && getsockname(s, SA(&a), &l) == 0 && a.sin_port != 0 &&
	       a.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "bind to 127.0.0.1:0 picks a port, getsockname shows it");
	b = loopback(0);
	tap_ok(bind(s, SA(&b), sizeof b) < 0 && errno == EINVAL, "a second bind: EINVAL");
	t = socket(AF_INET, SOCK_STREAM, 0);
	tap_ok(bind(t, SA(&a), sizeof a) < 0 && errno == EADDRINUSE, "bind to a port in use: EADDRINUSE");
	tap_ok(bind(t, SA(&b), 8) < 0 && errno == EINVAL, "bind with 8 bytes of address: EINVAL");
	b.sin_family = AF_UNIX;
	tap_ok(bind(t, SA(&b), sizeof b) < 0 && errno == EAFNOSUPPORT, "bind with AF_UNIX's family: EAFNOSUPPORT");
	tap_ok(accept(t, NULL, NULL) < 0 && errno == EINVAL, "accept on a socket that does not listen: EINVAL");
	close(t);

	tap_ok(listen(s, 8) == 0 && getint(s, SOL_SOCKET, SO_ACCEPTCONN) == 1, "listen: SO_ACCEPTCONN 1");
	tap_ok(wait_events(s, POLLIN, 0) == 0, "a listener without a connection is not readable");
	flags = fcntl(s, F_GETFL);
	fcntl(s, F_SETFL, flags | O_NONBLOCK);
	tap_ok(accept(s, NULL, NULL) < 0 && errno == EAGAIN, "non-blocking accept with none pending: EAGAIN");
	fcntl(s, F_SETFL, flags);
	{
		/* a handled signal ends a blocking accept with EINTR and no descriptor */
		struct sigaction sa, old;
		struct itimerval it = { { 0, 0 }, { 0, 100000 } };
		int r, e, lowest = dup(0), next;
		close(lowest);
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_alarm;
		sigaction(SIGALRM, &sa, &old);
		setitimer(ITIMER_REAL, &it, NULL);
		r = accept(s, NULL, NULL);
		e = errno;
		next = dup(0);
		close(next);
		tap_ok_why(r < 0 && e == EINTR && next == lowest, "a blocking accept interrupted by a handled signal: EINTR, no descriptor made",
			   "r=%d errno=%d, lowest free descriptor %d before, %d after", r, e, lowest, next);
		sigaction(SIGALRM, &old, NULL);
	}

	c = socket(AF_INET, SOCK_STREAM, 0);
	tap_ok(connect(c, SA(&a), sizeof a) == 0, "blocking connect to the listener");
	l = sizeof got;
	tap_ok(getpeername(c, SA(&got), &l) == 0 && l == 16 && got.sin_port == a.sin_port &&
	       got.sin_addr.s_addr == a.sin_addr.s_addr, "getpeername: the listener's address");
	l = sizeof b;
	tap_ok(getsockname(c, SA(&b), &l) == 0 && b.sin_port != 0 && b.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	       "the client got a local port on 127.0.0.1");
	tap_ok(connect(c, SA(&a), sizeof a) < 0 && errno == EISCONN, "connect again: EISCONN");
	tap_ok(wait_events(s, POLLIN, 2000) & POLLIN, "the listener polls readable");
	l = sizeof got;
	t = accept4(s, SA(&got), &l, SOCK_NONBLOCK | SOCK_CLOEXEC);
	tap_ok(t >= 0 && l == 16 && got.sin_port == b.sin_port && got.sin_addr.s_addr == b.sin_addr.s_addr &&
	       (fcntl(t, F_GETFL) & O_NONBLOCK) && (fcntl(t, F_GETFD) & FD_CLOEXEC),
	       "accept4: the client's address, SOCK_NONBLOCK and SOCK_CLOEXEC");
	tap_ok(recv(t, buf, sizeof buf, 0) < 0 && errno == EAGAIN, "recv on an empty non-blocking socket: EAGAIN");
	tap_ok(send(c, "hello", 5, 0) == 5, "send 5 bytes");
	tap_ok(wait_events(t, POLLIN, 2000) & POLLIN, "the peer polls readable");
	memset(buf, 0, sizeof buf);
	tap_ok(recv(t, buf, sizeof buf, MSG_PEEK) == 5 && memcmp(buf, "hello", 5) == 0, "MSG_PEEK sees them");
	memset(buf, 0, sizeof buf);
	tap_ok(recv(t, buf, sizeof buf, 0) == 5 && memcmp(buf, "hello", 5) == 0, "and recv takes them");
	tap_ok(write(t, "back", 4) == 4 && read(c, buf, sizeof buf) == 4 && memcmp(buf, "back", 4) == 0,
	       "write and read work on the connection");
	tap_ok(lseek(t, 0, SEEK_SET) < 0 && errno == ESPIPE, "lseek on a socket: ESPIPE");
	{
		void *volatile unmapped = (void *)16;     /* hidden from the compiler's checks */
		tap_ok(write(c, unmapped, 13) < 0 && errno == EFAULT, "write from an unmapped buffer: EFAULT (the fuzzer's write(fd, 0x10, 13))");
	}

	tap_ok(shutdown(c, SHUT_WR) == 0, "shutdown(SHUT_WR)");
	tap_ok(wait_events(t, POLLIN, 2000) & POLLIN, "the peer polls readable at the FIN");
	tap_ok(recv(t, buf, sizeof buf, 0) == 0, "and reads the end (0)");
	tap_ok(send(t, "after", 5, 0) == 5 && recv(c, buf, sizeof buf, 0) == 5, "the other way still works");
	close(c);
	{
		int i, err = 0;
		long r = 0;
		for (i = 0; i < 50 && r >= 0; i++) {
			r = send(t, "x", 1, MSG_NOSIGNAL);
			err = errno;
			sleep_ms(20);
		}
		tap_ok_why(r < 0 && (err == EPIPE || err == ECONNRESET), "sending to a closed peer ends in EPIPE or ECONNRESET",
			   "r=%ld errno=%d after %d sends", r, err, i);
	}
	close(t);
	close(s);
}

static void tcp_connect_modes(void)
{
	struct sockaddr_in a, none = loopback(free_port());
	int s, c, r, t, err;
	socklen_t l;
	long t0;

	c = socket(AF_INET, SOCK_STREAM, 0);
	errno = 0;
	tap_ok(connect(c, SA(&none), sizeof none) < 0 && errno == ECONNREFUSED, "blocking connect to a closed port: ECONNREFUSED");
	close(c);

	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	r = connect(c, SA(&none), sizeof none);
	err = errno;
	tap_ok(r < 0 && (err == EINPROGRESS || err == ECONNREFUSED), "non-blocking connect to a closed port: EINPROGRESS (or at once ECONNREFUSED)");
	if (r < 0 && err == EINPROGRESS) {
		int ev = wait_events(c, POLLOUT, 3000);
		tap_ok_why((ev & POLLOUT) && (ev & POLLERR), "then poll: POLLOUT|POLLERR", "revents=%#x", ev);
		tap_ok(getint(c, SOL_SOCKET, SO_ERROR) == ECONNREFUSED && getint(c, SOL_SOCKET, SO_ERROR) == 0,
		       "SO_ERROR: ECONNREFUSED once, then 0");
	} else {
		tap_ok(1, "then poll: POLLOUT|POLLERR (refused at once)");
		tap_ok(1, "SO_ERROR: ECONNREFUSED once, then 0 (refused at once)");
	}
	close(c);

	s = listener(&a);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	r = connect(c, SA(&a), sizeof a);
	err = errno;
	tap_ok(r == 0 || err == EINPROGRESS, "non-blocking connect to the listener: 0 or EINPROGRESS");
	tap_ok((wait_events(c, POLLOUT, 3000) & (POLLOUT | POLLERR)) == POLLOUT && getint(c, SOL_SOCKET, SO_ERROR) == 0,
	       "then POLLOUT without POLLERR, SO_ERROR 0");
	tap_ok(connect(c, SA(&a), sizeof a) == 0, "connect once more after it completed: 0 (the end is reported)");
	tap_ok(connect(c, SA(&a), sizeof a) < 0 && errno == EISCONN, "and then EISCONN");
	t = accept(s, NULL, NULL);
	{
		struct timeval tv = { 0, 200000 };
		char buf[8];
		tap_ok(setsockopt(t, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0, "SO_RCVTIMEO 200 ms");
		t0 = now_ms();
		r = recv(t, buf, sizeof buf, 0);
		err = errno;
		t0 = now_ms() - t0;
		tap_ok_why(r < 0 && err == EAGAIN && t0 >= 150, "recv times out with EAGAIN", "r=%d errno=%d after %ld ms", r, err, t0);
	}
	l = sizeof a;
	tap_ok(getsockname(t, SA(&a), &l) == 0 && a.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "the accepted socket's name is on 127.0.0.1");
	close(t);
	close(c);
	close(s);
}

/* 1 MiB from a child, checksummed, and epoll readiness */
static void tcp_bulk(void)
{
	struct sockaddr_in a;
	int s = listener(&a), t, ep, status = -1;
	struct epoll_event ev = { EPOLLIN, { .u64 = 77 } }, out[2];
	unsigned long sum = 0, want = 0, total = 0;
	static char buf[65536];
	pid_t pid;
	long i, r;

	for (i = 0; i < (1 << 20); i++)
		want += (unsigned char)(i * 7 + (i >> 8));
	pid = fork();
	if (pid == 0) {
		int c = socket(AF_INET, SOCK_STREAM, 0);
		static char out[1 << 20];
		for (i = 0; i < (1 << 20); i++)
			out[i] = (char)(i * 7 + (i >> 8));
		if (connect(c, SA(&a), sizeof a) < 0)
			_exit(2);
		sleep_ms(200);      /* the parent waits in epoll_wait first */
		for (i = 0; i < (1 << 20); i += r) {
			r = send(c, out + i, (1 << 20) - i, 0);
			if (r <= 0)
				_exit(3);
		}
		close(c);
		_exit(0);
	}
	t = accept(s, NULL, NULL);
	ep = epoll_create1(EPOLL_CLOEXEC);
	tap_ok(t >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, t, &ev) == 0, "an accepted socket joins an epoll set");
	r = epoll_wait(ep, out, 2, 5000);
	tap_ok(r == 1 && out[0].data.u64 == 77 && (out[0].events & EPOLLIN), "epoll_wait wakes when the child's data arrives");
	while ((r = recv(t, buf, sizeof buf, 0)) > 0) {
		for (i = 0; i < r; i++)
			sum += (unsigned char)buf[i];
		total += (unsigned long)r;
	}
	waitpid(pid, &status, 0);
	tap_ok_why(r == 0 && total == (1u << 20) && sum == want && status == 0, "1 MiB from a child arrives whole and in order",
		   "r=%ld total=%lu sum=%lu want=%lu status=%#x", r, total, sum, want, status);
	close(ep);
	close(t);
	close(s);
}

static void tcp_options(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1, ttl = 10;
	struct linger lg = { 1, 5 }, lg2;
	socklen_t l = sizeof lg2;

	tap_ok(getint(s, IPPROTO_TCP, TCP_NODELAY) == 0 && setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0 &&
	       getint(s, IPPROTO_TCP, TCP_NODELAY) == 1, "TCP_NODELAY: 0, set, 1");
	tap_ok(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 && getint(s, SOL_SOCKET, SO_REUSEADDR) == 1 &&
	       setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) == 0 && getint(s, SOL_SOCKET, SO_KEEPALIVE) == 1,
	       "SO_REUSEADDR and SO_KEEPALIVE set and read back");
	tap_ok(getint(s, IPPROTO_IP, IP_TTL) == 64 && setsockopt(s, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) == 0 &&
	       getint(s, IPPROTO_IP, IP_TTL) == 10, "IP_TTL: 64, set 10");
	tap_ok(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0 && getsockopt(s, SOL_SOCKET, SO_LINGER, &lg2, &l) == 0 &&
	       l == sizeof lg2 && lg2.l_onoff == 1 && lg2.l_linger == 5, "SO_LINGER set and read back");
	tap_ok(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &(int){ 8192 }, sizeof(int)) == 0 && getint(s, SOL_SOCKET, SO_RCVBUF) == 16384,
	       "SO_RCVBUF 8192 reads back doubled");
	tap_ok(setsockopt(s, IPPROTO_TCP, 9999, &one, sizeof one) < 0 && errno == ENOPROTOOPT, "an unknown TCP option: ENOPROTOOPT");
	close(s);
}

static void udp(void)
{
	struct sockaddr_in a = loopback(0), b = loopback(0), c = loopback(0), from;
	int x = socket(AF_INET, SOCK_DGRAM, 0), y = socket(AF_INET, SOCK_DGRAM, 0), z = socket(AF_INET, SOCK_DGRAM, 0);
	socklen_t l = sizeof a;
	char buf[64];
	struct iovec iov = { buf, 4 };
	struct msghdr m;
	long r;

	tap_ok(getint(x, SOL_SOCKET, SO_TYPE) == SOCK_DGRAM && getint(x, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_UDP &&
	       (wait_events(x, POLLIN | POLLOUT, 0) & (POLLIN | POLLOUT)) == POLLOUT, "a UDP socket: SOCK_DGRAM, IPPROTO_UDP, writable");
	tap_ok(bind(x, SA(&a), sizeof a) == 0 && getsockname(x, SA(&a), &l) == 0 && a.sin_port != 0 &&
	       bind(y, SA(&b), sizeof b) == 0 && getsockname(y, SA(&b), &l) == 0 && bind(z, SA(&c), sizeof c) == 0 &&
	       getsockname(z, SA(&c), &l) == 0, "three UDP sockets bound to 127.0.0.1:0");
	tap_ok(sendto(x, "dgram1", 6, 0, SA(&b), sizeof b) == 6, "sendto 6 bytes");
	tap_ok(wait_events(y, POLLIN, 2000) & POLLIN, "the receiver polls readable");
	l = sizeof from;
	memset(&from, 0, sizeof from);
	r = recvfrom(y, buf, sizeof buf, MSG_PEEK, SA(&from), &l);
	tap_ok(r == 6 && l == 16 && from.sin_port == a.sin_port && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	       "recvfrom with MSG_PEEK: 6 bytes and the sender's address");
	memset(buf, 0, sizeof buf);
	tap_ok(recvfrom(y, buf, sizeof buf, 0, NULL, NULL) == 6 && memcmp(buf, "dgram1", 6) == 0, "the datagram is still there");
	tap_ok(recv(y, buf, sizeof buf, MSG_DONTWAIT) < 0 && errno == EAGAIN, "then none: EAGAIN");

	sendto(x, "0123456789", 10, 0, SA(&b), sizeof b);
	wait_events(y, POLLIN, 2000);
	memset(&m, 0, sizeof m);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	r = recvmsg(y, &m, 0);
	tap_ok(r == 4 && (m.msg_flags & MSG_TRUNC) && memcmp(buf, "0123", 4) == 0, "a datagram cut to 4 bytes: MSG_TRUNC");
	tap_ok(recv(y, buf, sizeof buf, MSG_DONTWAIT) < 0 && errno == EAGAIN, "and the rest of it is gone");

	tap_ok(send(x, "x", 1, 0) < 0 && errno == EDESTADDRREQ, "send without a destination: EDESTADDRREQ");
	{
		static char big[70000];
		tap_ok(sendto(x, big, sizeof big, 0, SA(&b), sizeof b) < 0 && errno == EMSGSIZE, "a 70000-byte datagram: EMSGSIZE");
	}
	tap_ok(connect(y, SA(&a), sizeof a) == 0 && send(y, "to-x", 4, 0) == 4 && recv(x, buf, sizeof buf, 0) == 4 &&
	       memcmp(buf, "to-x", 4) == 0, "a connected UDP socket sends to its peer without an address");
	sendto(z, "from-z", 6, 0, SA(&b), sizeof b);
	sleep_ms(100);
	sendto(x, "from-x", 6, 0, SA(&b), sizeof b);
	memset(buf, 0, sizeof buf);
	tap_ok(recv(y, buf, sizeof buf, 0) == 6 && memcmp(buf, "from-x", 6) == 0, "and receives only from it");
	l = sizeof from;
	tap_ok(getpeername(y, SA(&from), &l) == 0 && from.sin_port == a.sin_port, "getpeername of the connected UDP socket");
	from.sin_family = AF_UNSPEC;
	tap_ok(connect(y, SA(&from), sizeof from) == 0 && getpeername(y, SA(&from), &l) < 0 && errno == ENOTCONN,
	       "connect(AF_UNSPEC) dissolves it: ENOTCONN");
	close(x);
	close(y);
	close(z);
}

static void bad_arguments(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0), f = open("/dev/null", O_RDONLY);
	struct sockaddr_in a = loopback(0);
	socklen_t l = sizeof a;
	char buf[8];

	tap_ok(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP) < 0 && errno == EPROTONOSUPPORT, "SOCK_STREAM with IPPROTO_UDP: EPROTONOSUPPORT");
	tap_ok(socket(AF_INET, SOCK_SEQPACKET, 0) < 0 && errno == ESOCKTNOSUPPORT, "AF_INET SOCK_SEQPACKET: ESOCKTNOSUPPORT");
	tap_ok(connect(s, (void *)1, sizeof a) < 0 && errno == EFAULT, "connect from a bad address pointer: EFAULT");
	tap_ok(connect(f, SA(&a), sizeof a) < 0 && errno == ENOTSOCK, "connect on a file: ENOTSOCK");
	tap_ok(getsockname(s, SA(&a), (socklen_t *)1) < 0 && errno == EFAULT, "getsockname with a bad length pointer: EFAULT");
	tap_ok(getpeername(s, SA(&a), &l) < 0 && errno == ENOTCONN, "getpeername unconnected: ENOTCONN");
	tap_ok(recv(s, buf, sizeof buf, 0) < 0 && errno == ENOTCONN, "recv on an unconnected stream: ENOTCONN");
	tap_ok(send(s, buf, 1, MSG_NOSIGNAL) < 0 && errno == EPIPE, "send on an unconnected stream: EPIPE");
	tap_ok(sendto(u, buf, 4, 0, SA(&a), sizeof a) < 0 && errno == EINVAL, "sendto port 0: EINVAL");
	a.sin_port = htons(9);
	tap_ok(sendto(u, (void *)1, 4, 0, SA(&a), sizeof a) < 0 && errno == EFAULT, "sendto from a bad buffer: EFAULT");
	tap_ok(shutdown(s, SHUT_RDWR) < 0 && errno == ENOTCONN, "shutdown unconnected: ENOTCONN");
	tap_ok(shutdown(s, 7) < 0 && errno == EINVAL, "shutdown with how 7: EINVAL");
	{
		/* a port below 1024 is root's (CAP_NET_BIND_SERVICE) */
		pid_t pid = fork();
		int status = -1;
		if (pid == 0) {
			struct sockaddr_in low = loopback(1023);
			int t = socket(AF_INET, SOCK_STREAM, 0);
			if (setuid(65534) != 0 && getuid() == 0)
				_exit(2);
			_exit(bind(t, SA(&low), sizeof low) < 0 && errno == EACCES ? 0 : 1);
		}
		waitpid(pid, &status, 0);
		tap_ok(status == 0, "bind to port 1023 as uid 65534: EACCES");
	}
	close(s);
	close(u);
	close(f);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	tap_plan(80);
	tcp_basics();
	tcp_connect_modes();
	tcp_bulk();
	tcp_options();
	udp();
	bad_arguments();
	return tap_done();
}
