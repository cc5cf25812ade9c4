/* lxstream.h: whole transfers on a stream socket for the ELF tests that talk to a peer
 * (ntpeer, hostpeer): all of a buffer sent or received, or a line read byte by byte. */
#ifndef LXSTREAM_H
#define LXSTREAM_H

#include <stddef.h>
#include <sys/socket.h>

/* 0, or -1 when the connection failed first */
static inline int send_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t r = send(fd, p, n, MSG_NOSIGNAL);
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static inline int recv_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	while (n) {
		ssize_t r = recv(fd, p, n, 0);
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* a line without its newline, NUL-terminated; -1 when the connection ended first */
static inline int read_line(int fd, char *line, size_t size)
{
	size_t used = 0;
	while (used + 1 < size) {
		if (recv(fd, line + used, 1, 0) != 1)
			return -1;
		if (line[used] == '\n')
			break;
		used++;
	}
	line[used] = 0;
	return 0;
}

#endif
