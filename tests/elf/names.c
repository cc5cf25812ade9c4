/* lxss-test: group=inet needs=open,read,socket,bind,listen,connect,accept4,getsockname timeout=30 */
/* names: the name service files a Linux root has, read by the C library with no network:
 * getaddrinfo("localhost", "http") gives 127.0.0.1 port 80 from /etc/hosts and
 * /etc/services, a numeric host needs no file, getservbyname/getservbyport, a missing name
 * fails (EAI_NONAME, or another error without a reachable DNS server). Then what a client
 * does: every address getaddrinfo("localhost") gives in turn until one works (::1 first where
 * IPv6 is there), a server listening on it and a TCP exchange with itself. The root of a run
 * needs /etc/hosts and /etc/services (lxgen test writes minimal ones). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "lxtap.h"

/* A listener on Ai's address at a port the kernel picks, a client connected to it and a
 * "ping" from one to the other: 1 when it all worked */
static int exchange(const struct addrinfo *ai)
{
	struct sockaddr_storage name;
	socklen_t l = sizeof name;
	char buf[8] = "";
	int s, c = -1, t = -1, ok = 0;

	s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (s < 0)
		return 0;
	if (bind(s, ai->ai_addr, ai->ai_addrlen) == 0 && listen(s, 1) == 0 &&
	    getsockname(s, (struct sockaddr *)&name, &l) == 0 &&
	    (c = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) >= 0 &&
	    connect(c, (struct sockaddr *)&name, l) == 0 && (t = accept(s, NULL, NULL)) >= 0 &&
	    send(c, "ping", 4, 0) == 4 && recv(t, buf, 4, MSG_WAITALL) == 4)
		ok = memcmp(buf, "ping", 4) == 0;
	if (t >= 0)
		close(t);
	if (c >= 0)
		close(c);
	close(s);
	return ok;
}

int main(void)
{
	struct addrinfo hints, *res = NULL, *ai;
	char text[64] = "";
	int rc, port = -1, v4 = 0;

	tap_plan(6);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo("localhost", "http", &hints, &res);
	for (ai = res; rc == 0 && ai; ai = ai->ai_next) {
		struct sockaddr_in *in = (struct sockaddr_in *)ai->ai_addr;
		if (ai->ai_family == AF_INET && in->sin_addr.s_addr == htonl(INADDR_LOOPBACK)) {
			v4 = 1;
			port = ntohs(in->sin_port);
			inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
		}
	}
	if (res)
		freeaddrinfo(res);
	tap_ok_why(rc == 0 && v4 && port == 80, "getaddrinfo(localhost, http): 127.0.0.1 port 80",
		   "rc %d (%s), address %s port %d", rc, rc ? gai_strerror(rc) : "", text, port);

	res = NULL;
	rc = getaddrinfo("10.1.2.3", "8080", &hints, &res);
	tap_ok_why(rc == 0 && res && ((struct sockaddr_in *)res->ai_addr)->sin_port == htons(8080) &&
		   ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr == inet_addr("10.1.2.3"),
		   "getaddrinfo of a numeric host and port", "rc %d", rc);
	if (res)
		freeaddrinfo(res);

	struct servent *se = getservbyname("ssh", "tcp");
	tap_ok_why(se && ntohs(se->s_port) == 22, "getservbyname(ssh, tcp) is 22", "%p", (void *)se);
	se = getservbyport(htons(53), "udp");
	tap_ok_why(se && strcmp(se->s_name, "domain") == 0, "getservbyport(53, udp) is domain", "%s", se ? se->s_name : "(none)");

	res = NULL;
	hints.ai_flags = 0;
	rc = getaddrinfo("no-such-host.invalid", NULL, &hints, &res);
	/* EAI_NONAME, or EAI_AGAIN/EAI_FAIL/EAI_SYSTEM when no DNS server can be asked */
	tap_ok_why(rc != 0, "a name that is nowhere fails", "rc %d", rc);
	if (res)
		freeaddrinfo(res);

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	res = NULL;
	rc = getaddrinfo("localhost", "0", &hints, &res);
	{
		int tried = 0, done = 0;
		for (ai = rc == 0 ? res : NULL; ai && !done; ai = ai->ai_next) {
			tried++;
			done = exchange(ai);
		}
		tap_ok_why(done, "getaddrinfo(localhost) then TCP to itself on the first address that works",
			   "rc %d, %d addresses tried", rc, tried);
	}
	if (res)
		freeaddrinfo(res);
	return tap_done();
}
