/* lxss-test: group=inet needs=socket,bind,listen,connect,accept4,shutdown,getpeername,poll timeout=60 */
/* TCP between a Linux program and a native NT one in the same boot: under lxcore the test
 * runner (tests/runner/lxtestrun.c, AFD endpoints as msafd drives them) listens on 127.0.0.1
 * and passes its port in LXSS_NT_PEER. Its protocol, one line per connection: "ECHO" (then
 * everything sent comes back until the sender shuts its side down) or "CALL <port>" (the peer
 * connects to 127.0.0.1:<port>, sends "hello from NT\n" and answers "OK\n"). On Linux, where
 * there is no NT program, a child of this test speaks the same protocol, so the oracle checks
 * the test; under lxcore (uname's release ends in "-lxss") the NT peer must be there. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxtap.h"
#include "lxstream.h"

#define SA(a) ((struct sockaddr *)(a))
#define ECHO_BYTES (256 * 1024)

static const char hello[] = "hello from NT\n";

static struct sockaddr_in loopback(unsigned short port)
{
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* The Linux stand-in for the NT peer: the same protocol, connections one after the other */
static void stand_in(int listener)
{
	static char buf[16384];
	char line[32];
	ssize_t n;
	int s;

	while ((s = accept(listener, NULL, NULL)) >= 0) {
		if (read_line(s, line, sizeof line) == 0) {
			if (strcmp(line, "ECHO") == 0) {
				while ((n = recv(s, buf, sizeof buf, 0)) > 0)
					if (send_all(s, buf, (size_t)n) < 0)
						break;
			} else if (strncmp(line, "CALL ", 5) == 0) {
				struct sockaddr_in to = loopback((unsigned short)atoi(line + 5));
				int c = socket(AF_INET, SOCK_STREAM, 0);
				if (connect(c, SA(&to), sizeof to) == 0 && send_all(c, hello, sizeof hello - 1) == 0)
					send_all(s, "OK\n", 3);
				close(c);
			}
		}
		close(s);
	}
	_exit(0);
}

static int peer_connect(unsigned short port)
{
	struct sockaddr_in a = loopback(port);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s >= 0 && connect(s, SA(&a), sizeof a) != 0) {
		close(s);
		return -1;
	}
	return s;
}

int main(void)
{
	const char *env = getenv("LXSS_NT_PEER");
	static unsigned char out[ECHO_BYTES], back[ECHO_BYTES];
	struct utsname u;
	unsigned short port = 0;
	pid_t child = -1;
	int s, under_lxcore;

	tap_plan(7);
	uname(&u);
	under_lxcore = strstr(u.release, "-lxss") != NULL;
	if (env) {
		port = (unsigned short)atoi(env);
		tap_printf("# peer: the native NT test runner on port %u\n", port);
	} else if (!under_lxcore) {
		struct sockaddr_in a = loopback(0);
		socklen_t l = sizeof a;
		int listener = socket(AF_INET, SOCK_STREAM, 0);
		if (bind(listener, SA(&a), sizeof a) == 0 && listen(listener, 4) == 0 && getsockname(listener, SA(&a), &l) == 0) {
			port = ntohs(a.sin_port);
			child = fork();
			if (child == 0)
				stand_in(listener);
		}
		close(listener);
		tap_printf("# peer: a Linux stand-in (no NT program on Linux) on port %u\n", port);
	}
	tap_ok_why(port != 0, "the peer is there (under lxcore: LXSS_NT_PEER from the runner)", "release %s", u.release);

	/* ECHO: 256 KiB there and back, sent while it comes back */
	s = peer_connect(port);
	tap_ok(s >= 0, "connect to the peer");
	{
		size_t got = 0, i;
		ssize_t n;
		for (i = 0; i < sizeof out; i++)
			out[i] = (unsigned char)(i * 31 + (i >> 10));
		if (s >= 0 && fork() == 0) {
			/* a child sends while the parent reads: neither side's window fills for good */
			_exit(send_all(s, "ECHO\n", 5) == 0 && send_all(s, out, sizeof out) == 0 && shutdown(s, SHUT_WR) == 0 ? 0 : 1);
		}
		while (s >= 0 && got < sizeof back && (n = recv(s, back + got, sizeof back - got, 0)) > 0)
			got += (size_t)n;
		wait(NULL);
		tap_ok_why(got == sizeof out && memcmp(out, back, sizeof out) == 0, "256 KiB echoed back whole and in order",
			   "%zu bytes back", got);
		tap_ok(s >= 0 && recv(s, back, 1, 0) == 0, "then the peer's end (0)");
		if (s >= 0)
			close(s);
	}

	/* CALL: the peer connects to our listener */
	{
		struct sockaddr_in a = loopback(0), from;
		socklen_t l = sizeof a;
		char line[64], buf[32] = "";
		struct pollfd p;
		int listener = socket(AF_INET, SOCK_STREAM, 0), t = -1;

		bind(listener, SA(&a), sizeof a);
		listen(listener, 1);
		getsockname(listener, SA(&a), &l);
		s = peer_connect(port);
		snprintf(line, sizeof line, "CALL %u\n", ntohs(a.sin_port));
		if (s >= 0)
			send_all(s, line, strlen(line));
		p.fd = listener;
		p.events = POLLIN;
		if (poll(&p, 1, 10000) == 1) {
			l = sizeof from;
			t = accept(listener, SA(&from), &l);
		}
		tap_ok(t >= 0 && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "the peer connects to our listener from 127.0.0.1");
		if (t >= 0) {
			size_t got = 0;
			ssize_t n;
			while (got < sizeof buf - 1 && (n = recv(t, buf + got, sizeof buf - 1 - got, 0)) > 0)
				got += (size_t)n;
		}
		tap_ok_why(strcmp(buf, hello) == 0, "and says hello, then ends", "got \"%s\"", buf);
		tap_ok(s >= 0 && read_line(s, line, sizeof line) == 0 && strcmp(line, "OK") == 0, "the peer answers OK");
		if (t >= 0)
			close(t);
		if (s >= 0)
			close(s);
		close(listener);
	}
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	return tap_done();
}
