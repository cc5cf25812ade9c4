/* lxss-test: group=pipes needs=ipc,fork,wait4 timeout=30 */
/* msgqueue: System V message queues between processes. msgget by key (IPC_CREAT, IPC_EXCL,
 * ENOENT) and IPC_PRIVATE; msgsnd/msgrcv in order, by type, MSG_EXCEPT, the lowest type with a
 * negative one, E2BIG and MSG_NOERROR, ENOMSG with IPC_NOWAIT; a receiver blocked until a
 * child sends; a full queue is EAGAIN with IPC_NOWAIT; msgctl IPC_STAT (counts, pids, bytes)
 * and IPC_SET of msg_qbytes; IPC_RMID wakes a blocked receiver with EIDRM. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lxtap.h"

struct msg {
	long type;
	char text[64];
};

static int snd(int q, long type, const char *text, int flags)
{
	struct msg m = {.type = type};
	strcpy(m.text, text);
	return msgsnd(q, &m, strlen(text) + 1, flags);
}

int main(void)
{
	tap_plan(14);
	key_t key = (key_t)(0x4c580000 + (getpid() & 0xFFFF));
	int q = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
	tap_ok(q >= 0, "msgget(IPC_CREAT|IPC_EXCL) makes a queue");
	tap_ok(msgget(key, 0) == q && msgget(key, IPC_CREAT | IPC_EXCL | 0600) == -1 && errno == EEXIST,
	       "the key finds it; IPC_EXCL on it is EEXIST");
	tap_ok(msgget((key_t)0x4c58ffff, 0) == -1 && errno == ENOENT, "an unknown key without IPC_CREAT is ENOENT");
	int p = msgget(IPC_PRIVATE, 0600);
	tap_ok(p >= 0 && p != q, "IPC_PRIVATE is always a new queue");

	struct msg m;
	snd(q, 1, "one", 0);
	snd(q, 2, "two", 0);
	snd(q, 3, "three", 0);
	tap_ok(msgrcv(q, &m, sizeof m.text, 0, 0) == 4 && m.type == 1 && strcmp(m.text, "one") == 0, "type 0: the first message");
	tap_ok(msgrcv(q, &m, sizeof m.text, 3, 0) == 6 && strcmp(m.text, "three") == 0, "type 3: the first of that type");
	snd(q, 5, "five", 0);
	snd(q, 4, "four", 0);
	tap_ok(msgrcv(q, &m, sizeof m.text, 2, MSG_EXCEPT) == 5 && m.type == 5, "MSG_EXCEPT: the first of another type");
	tap_ok(msgrcv(q, &m, sizeof m.text, -4, 0) == 4 && m.type == 2, "type -4: the lowest type up to 4");
	tap_ok(msgrcv(q, &m, 2, 0, IPC_NOWAIT) == -1 && errno == E2BIG && msgrcv(q, &m, 2, 0, MSG_NOERROR) == 2 && m.type == 4 &&
		       memcmp(m.text, "fo", 2) == 0,
	       "a message too big is E2BIG, or cut with MSG_NOERROR");
	tap_ok(msgrcv(q, &m, sizeof m.text, 0, IPC_NOWAIT) == -1 && errno == ENOMSG, "an empty queue with IPC_NOWAIT is ENOMSG");

	/* a receiver blocks until another process sends */
	pid_t pid = fork();
	if (pid == 0) {
		usleep(200000);
		_exit(snd(q, 7, "late", 0) == 0 ? 0 : 1);
	}
	ssize_t n = msgrcv(q, &m, sizeof m.text, 7, 0);
	int st = 0;
	waitpid(pid, &st, 0);
	struct msqid_ds ds;
	tap_ok(n == 5 && strcmp(m.text, "late") == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 && msgctl(q, IPC_STAT, &ds) == 0 &&
		       ds.msg_lspid == pid && ds.msg_lrpid == getpid() && ds.msg_qnum == 0,
	       "msgrcv waits for another process's msgsnd; IPC_STAT names both pids");

	/* a full queue */
	ds.msg_qbytes = 16;
	int ok = msgctl(q, IPC_SET, &ds) == 0 && msgctl(q, IPC_STAT, &ds) == 0 && ds.msg_qbytes == 16;
	ok = ok && snd(q, 1, "0123456789", IPC_NOWAIT) == 0 && snd(q, 1, "0123456789", IPC_NOWAIT) == -1 && errno == EAGAIN;
	tap_ok(ok && ds.msg_qbytes == 16, "IPC_SET msg_qbytes 16: a second 11-byte message is EAGAIN");

	/* IPC_RMID wakes a blocked receiver */
	pid = fork();
	if (pid == 0) {
		struct msg c;
		errno = 0;
		_exit(msgrcv(p, &c, sizeof c.text, 0, 0) == -1 && errno == EIDRM ? 0 : 1);
	}
	usleep(200000);
	tap_ok(msgctl(p, IPC_RMID, 0) == 0, "IPC_RMID");
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0 && msgsnd(p, &m, 1, 0) == -1 && errno == EINVAL,
	       "the blocked receiver gets EIDRM; the id is gone (EINVAL)");
	msgctl(q, IPC_RMID, 0);
	return tap_done();
}
