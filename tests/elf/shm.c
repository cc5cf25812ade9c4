/* lxss-test: group=memory needs=shmget,shmat,shmdt,shmctl,mmap2,fork,wait4 timeout=60 */
/* shm: memory shared between processes. System V segments: shmget by key (IPC_CREAT,
 * IPC_EXCL, a larger size than the segment's is EINVAL, ENOENT), shmat/shmdt, a fork child
 * writing what the parent reads and the reverse, another process attaching by key, IPC_STAT
 * (size, creator and last pids, shm_nattch counting every attachment, fork's included),
 * SHM_RDONLY faulting on a write, IPC_RMID of an attached segment (SHM_DEST, the key freed,
 * usable until the last detach), shmdt of a non-attached address. MAP_SHARED anonymous
 * memory (and of /dev/zero): seen by a fork child both ways; MAP_PRIVATE stays private.
 * Kernel addresses are refused: shmat and MAP_FIXED at 0xffffe000 ENOMEM (beyond every i386
 * task's size), a hint there placed below. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxtap.h"

#define SIZE 20000 /* not a page multiple: shm_segsz keeps it */

/* a page no i386 task may map: above 3 GiB natively, at 4 GiB less two pages under a 64-bit
 * kernel (TASK_SIZE_32 is 4 GiB less one), above 2 GiB in lxcore */
#define KERNEL_HALF 0xffffe000UL

/* struct ipc_perm's key: "key" in musl, "__key" in glibc */
#ifdef __GLIBC__
#define PERM_KEY(perm) ((perm).__key)
#else
#define PERM_KEY(perm) ((perm).key)
#endif

static int child_status(pid_t pid)
{
	int st = -1;
	waitpid(pid, &st, 0);
	return st;
}

static int exited0(int st)
{
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Two pipes for a lock-step dialogue with a child. */
static int to_child[2], to_parent[2];

static void say(int fd)
{
	char c = 1;
	write(fd, &c, 1);
}

static void hear(int fd)
{
	char c;
	read(fd, &c, 1);
}

/* A fork child writes into shared memory at p; the parent checks, writes back, the child
 * checks. 0 when both saw the other's write. */
static int share_with_child(volatile unsigned char *p, const char *what)
{
	pipe(to_child);
	pipe(to_parent);
	pid_t pid = fork();
	if (pid == 0) {
		p[100] = 0xA5;
		say(to_parent[1]);
		hear(to_child[0]);
		_exit(p[200] == 0x5A ? 0 : 1);
	}
	hear(to_parent[0]);
	int parent_saw = p[100] == 0xA5;
	p[200] = 0x5A;
	say(to_child[1]);
	int st = child_status(pid);
	for (int i = 0; i < 2; i++) {
		close(to_child[i]);
		close(to_parent[i]);
	}
	return tap_ok_why(parent_saw && exited0(st), what, "parent saw the child's write: %d, child status 0x%x",
			  parent_saw, st);
}

int main(void)
{
	tap_plan(22);
	key_t key = (key_t)(0x4C580000 | (getpid() & 0xFFFF));

	/* 1-4: shmget */
	int id = shmget(key, SIZE, IPC_CREAT | IPC_EXCL | 0600);
	tap_ok(id >= 0, "shmget(key, IPC_CREAT | IPC_EXCL) creates a segment");
	tap_errno(shmget(key, SIZE, IPC_CREAT | IPC_EXCL | 0600), EEXIST, "again with IPC_EXCL: EEXIST");
	tap_eq(shmget(key, 100, 0), id, "shmget of the key without IPC_CREAT finds it (smaller size)");
	tap_errno(shmget(key, SIZE + 1, 0), EINVAL, "asking more than its size: EINVAL");

	/* 5-6: attach, share with a fork child */
	unsigned char *p = shmat(id, NULL, 0);
	tap_ok(p != (void *)-1 && p[0] == 0 && p[SIZE - 1] == 0, "shmat maps it, zero-filled");
	if (p == (void *)-1)
		return tap_done();
	memset(p, 0, 4096);
	share_with_child(p, "a fork child and the parent see each other's writes in a segment");

	/* 7: another process attaching by key sees the data */
	strcpy((char *)p + 1000, "shared by key");
	pid_t pid = fork();
	if (pid == 0) {
		int cid = shmget(key, 0, 0);
		char *q = shmat(cid, NULL, SHM_RDONLY);
		_exit(q != (void *)-1 && strcmp(q + 1000, "shared by key") == 0 ? 0 : 1);
	}
	int st = child_status(pid);
	tap_ok_why(exited0(st), "a process attaching by key reads what the parent wrote", "status 0x%x", st);

	/* 8-10: IPC_STAT */
	struct shmid_ds ds;
	memset(&ds, 0, sizeof ds);
	tap_ok(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_segsz == SIZE && ds.shm_cpid == getpid() &&
		       PERM_KEY(ds.shm_perm) == key && (ds.shm_perm.mode & 0777) == 0600,
	       "IPC_STAT: size, key, mode and creator");
	tap_eq(ds.shm_nattch, 1, "shm_nattch counts the parent's attachment");
	pipe(to_child);
	pid = fork();
	if (pid == 0) {
		hear(to_child[0]);
		_exit(0);
	}
	memset(&ds, 0, sizeof ds);
	shmctl(id, IPC_STAT, &ds);
	long with_child = ds.shm_nattch;
	say(to_child[1]);
	child_status(pid);
	close(to_child[0]);
	close(to_child[1]);
	memset(&ds, 0, sizeof ds);
	shmctl(id, IPC_STAT, &ds);
	tap_ok_why(with_child == 2 && ds.shm_nattch == 1, "a fork child's inherited attachment counts until it exits",
		   "nattch %ld with the child, %ld after", with_child, (long)ds.shm_nattch);

	/* 11: SHM_RDONLY */
	pid = fork();
	if (pid == 0) {
		volatile char *r = shmat(id, NULL, SHM_RDONLY);
		if (r == (void *)-1)
			_exit(2);
		r[0] = 1;
		_exit(3);
	}
	st = child_status(pid);
	tap_ok_why(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a write through an SHM_RDONLY attachment: SIGSEGV",
		   "status 0x%x", st);

	/* 12-15: IPC_RMID while attached */
	tap_eq(shmctl(id, IPC_RMID, NULL), 0, "IPC_RMID of an attached segment");
	memset(&ds, 0, sizeof ds);
	tap_ok(shmctl(id, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & SHM_DEST) && PERM_KEY(ds.shm_perm) == IPC_PRIVATE,
	       "it stays, marked SHM_DEST, its key freed");
	p[3000] = 7;
	tap_errno(shmget(key, SIZE, 0), ENOENT, "the key finds nothing now");
	tap_ok(shmdt(p) == 0 && shmctl(id, IPC_STAT, &ds) == -1 && errno == EINVAL,
	       "the last shmdt removes it (IPC_STAT: EINVAL)");

	/* 16-19: no shared memory in the kernel's half (found by the fuzzer: a view mapped there
	 * overwrote page tables) */
	int kid = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	errno = 0;
	void *k = shmat(kid, (void *)KERNEL_HALF, 0);
	tap_ok_why(k == (void *)-1 && errno == ENOMEM, "shmat in the kernel's half: ENOMEM", "got %p errno %d", k, errno);
	/* at 3 GiB (64 KiB aligned): the kernel's half on i386 and in lxcore, user space under a
	 * 64-bit kernel: refused, or memory that holds what is written */
	errno = 0;
	volatile unsigned char *h = shmat(kid, (void *)0xc0000000UL, 0);
	int high_ok = h == (void *)-1 ? (errno == ENOMEM || errno == EINVAL) : (h[0] = 0x5a, h[0] == 0x5a && shmdt((void *)h) == 0);
	tap_ok_why(high_ok, "shmat at 0xc0000000: refused, or usable memory", "got %p errno %d", (void *)h, errno);
	shmctl(kid, IPC_RMID, NULL);
	errno = 0;
	k = mmap((void *)KERNEL_HALF, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	tap_ok_why(k == MAP_FAILED && errno == ENOMEM, "mmap(MAP_SHARED | MAP_FIXED) in the kernel's half: ENOMEM",
		   "got %p errno %d", k, errno);
	k = mmap((void *)KERNEL_HALF, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	tap_ok_why(k != MAP_FAILED && (unsigned long)k < KERNEL_HALF, "a hint in the kernel's half is placed below it",
		   "got %p", k);

	/* 20: shmdt of what is not an attachment */
	tap_errno(shmdt((char *)p + 4096), EINVAL, "shmdt of an address that is no attachment: EINVAL");

	/* 21-22: MAP_SHARED anonymous and /dev/zero; MAP_PRIVATE stays private */
	unsigned char *m = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		tap_ok(0, "mmap(MAP_SHARED | MAP_ANONYMOUS)");
	else
		share_with_child(m, "MAP_SHARED | MAP_ANONYMOUS memory is shared with a fork child");
	int zero = open("/dev/zero", O_RDWR);
	unsigned char *z = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, zero, 0);
	unsigned char *v = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	close(zero);
	pid = fork();
	if (pid == 0) {
		z[10] = 9;
		v[10] = 9;
		_exit(0);
	}
	child_status(pid);
	tap_ok_why(z != MAP_FAILED && v != MAP_FAILED && z[10] == 9 && v[10] == 0,
		   "MAP_SHARED of /dev/zero is shared too, MAP_PRIVATE is not",
		   "shared %d private %d", z != MAP_FAILED ? z[10] : -1, v != MAP_FAILED ? v[10] : -1);
	return tap_done();
}
