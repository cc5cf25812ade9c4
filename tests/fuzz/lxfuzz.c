/* lxfuzz: a system call fuzzer for lxcore, run in the guest by `lxgen test --fuzz` (and on
 * Linux by `lxgen run`, the same program through the trap harness).
 *
 * Its configuration is the file lxfuzz.conf beside it ("CALLS SEED WORKERS [TRACE [LO HI]]":
 * LO..HI narrows the call numbers, 0 0 is all of them), since the guest's runner passes no
 * arguments. The parent forks WORKERS workers; worker w makes CALLS / WORKERS calls, spread
 * over FUZZ_THREADS threads (the first draws from the random stream seeded SEED + w, the
 * others from streams of their own), while a racer thread runs race sequences beside them:
 * a pipe's read end closed while another thread reads it, pages unmapped while the kernel
 * writes into them for another thread, a fork while another thread blocks, and a SIGALRM to
 * each calling thread between sequences. A call is a number over the whole table and beyond
 * it, with six arguments drawn from values that break kernels (0, -1, small numbers,
 * INT_MIN/MAX, page sizes, valid, misaligned, unmapped and kernel addresses, a descriptor of
 * each kind it holds: file, directory, pipe ends, /dev/null, /proc/cpuinfo, an eventfd, an
 * epoll watching the pipe and the eventfd, a periodic timerfd, a signalfd, AF_UNIX stream
 * and datagram socket pairs, a listening socket with an abstract name, a TCP listener on
 * 127.0.0.1 with a connection to it (both ends), a bound UDP socket, a pty's master and slave).
 * An interval timer interrupts blocking calls. Calls that would reach outside the worker
 * (signals to other processes) are aimed at the worker itself; ending calls (exit, execve,
 * sigreturn, munmap of its own memory...) stay in, and a worker they end is replaced by the
 * next seed, which the summary counts. A worker that makes no progress for 20 seconds is a
 * hang: its seed, call count and each thread's call in progress are printed, and the run
 * fails (unless a thread is in a sigreturn, whose fuzzed frame may send it anywhere: it is
 * replaced). The calls in progress are kept in shared memory for that report; the hung
 * worker is then killed with SIGKILL, and lxcore, which records the fuzzer's calls (lxgen
 * test --fuzz), prints its last 16 calls as it saw them ("lxrecent: ..."). The seeds make
 * each thread's calls reproducible, not the order in which threads interleave them.
 * Exit status 0: no hang. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 8
#define TABLE_LIMIT 460     /* a little beyond the i386 table */
#define HANG_SECONDS 20
#define FUZZ_THREADS 3      /* threads of a worker that make random calls, its first among them */

struct slot {
	volatile unsigned long done;     /* calls made, by all its threads */
	volatile unsigned long seed;
	volatile long nr[FUZZ_THREADS];  /* each thread's call in progress (-1: none) */
	volatile unsigned long args[FUZZ_THREADS][6];
	volatile unsigned long distinct[(TABLE_LIMIT + 31) / 32];
	volatile unsigned long races;    /* race sequences the racer thread finished */
	volatile unsigned long raced;    /* and began (a fuzzed call may end the worker first) */
	volatile long race;              /* the sequence in progress (-1: none) */
	volatile unsigned long finished; /* FINISHED when the worker made all its calls */
};

/* A worker's exit status 0 alone does not say it finished: a fuzzed exit(0) gives it too */
#define FINISHED 0x46494e49UL

static struct slot *slots;
static __thread uint64_t rng;      /* each thread draws from its own stream */
static unsigned long number_lo, number_hi;   /* lxfuzz.conf's fifth and sixth: 0 0 = all */
static int trace;           /* lxfuzz.conf's fourth field: print the calls that change the
			       address space or make processes, before they are made */

static int traced(long nr)
{
	switch (nr) {
	case SYS_brk: case SYS_mmap: case SYS_mmap2: case SYS_munmap: case SYS_mremap:
	case SYS_mprotect: case SYS_madvise: case SYS_remap_file_pages: case SYS_shmat:
	case SYS_shmdt: case SYS_shmget: case SYS_shmctl: case SYS_ipc: case SYS_fork:
	case SYS_vfork: case SYS_clone: case SYS_execve: case SYS_execveat: case SYS_mlock:
	case SYS_munlock: case SYS_mlockall: case SYS_munlockall: case SYS_set_thread_area:
	case SYS_modify_ldt: case SYS_sigreturn: case SYS_rt_sigreturn:
		return 1;
	default:
		return 0;
	}
}

static uint32_t next32(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ULL) >> 32);
}

static int fds[32], nfds;
static const unsigned long long no_signals[2];   /* an empty sigset (and room after it) */
static unsigned char buffer[3 * 4096];

static unsigned long pick_arg(void)
{
	static const unsigned long fixed[] = {
		0, 1, 2, 3, 4, 8, 16, 64, 255, 256, 4095, 4096, 4097, 65536, 0x7fffffffUL, 0x80000000UL,
		0xffffffffUL, 0xfffffffeUL, 0xffff0000UL, 0xc0000000UL, 0x7ffeffffUL, 0x10, 0x1000, 0xbfffffffUL,
	};
	switch (next32() % 8) {
	case 0:
	case 1:
		return fixed[next32() % (sizeof fixed / sizeof fixed[0])];
	case 2:
		return (unsigned long)(buffer + (next32() % 2) * 4096);            /* valid, page aligned */
	case 3:
		return (unsigned long)(buffer + 1 + next32() % 4000);              /* valid, misaligned */
	case 4:
		return nfds ? (unsigned long)fds[next32() % nfds] : 0;           /* a descriptor */
	case 5:
		return next32() % 64;
	case 6:
		return 1UL << (next32() % 32);                                    /* one flag bit */
	default:
		return next32();
	}
}

static void open_fds(void)
{
	int p[2];
	char name[64];
	nfds = 0;
	snprintf(name, sizeof name, "lxfuzz-%d", (int)getpid());
	if ((fds[nfds] = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600)) >= 0)
		nfds++;
	unlink(name);
	if ((fds[nfds] = open(".", O_RDONLY | O_DIRECTORY)) >= 0)
		nfds++;
	if (pipe(p) == 0) {
		fds[nfds++] = p[0];
		fds[nfds++] = p[1];
	}
	if ((fds[nfds] = open("/dev/null", O_RDWR)) >= 0)
		nfds++;
	if ((fds[nfds] = open("/proc/cpuinfo", O_RDONLY)) >= 0)
		nfds++;
	/* the event kinds: raw calls, so that a C library without their wrappers builds too */
	int efd = (int)syscall(SYS_eventfd2, 1, 0);
	if (efd >= 0)
		fds[nfds++] = efd;
	int ep = (int)syscall(SYS_epoll_create1, 0);
	if (ep >= 0) {
		uint32_t ev[3] = { 1 /* EPOLLIN */, 0, 0 };   /* struct epoll_event, packed */
		syscall(SYS_epoll_ctl, ep, 1 /* ADD */, p[0], ev);
		if (efd >= 0)
			syscall(SYS_epoll_ctl, ep, 1, efd, ev);
		fds[nfds++] = ep;
	}
	int tfd = (int)syscall(SYS_timerfd_create, 1 /* CLOCK_MONOTONIC */, 0);
	if (tfd >= 0) {
		int32_t its[4] = { 0, 1000000, 0, 1000000 };   /* every 1 ms (32-bit itimerspec) */
		syscall(325 /* timerfd_settime */, tfd, 0, its, NULL);
		fds[nfds++] = tfd;
	}
	uint64_t usr1 = 1ULL << (SIGUSR1 - 1);
	int sfd = (int)syscall(SYS_signalfd4, -1, &usr1, 8, 0);
	if (sfd >= 0)
		fds[nfds++] = sfd;
	/* AF_UNIX sockets: both ends of a stream and a datagram pair, and a listener */
	int sv[2];
	if (syscall(SYS_socketpair, 1 /* AF_UNIX */, 1 /* SOCK_STREAM */, 0, sv) == 0) {
		fds[nfds++] = sv[0];
		fds[nfds++] = sv[1];
	}
	if (syscall(SYS_socketpair, 1, 2 /* SOCK_DGRAM */, 0, sv) == 0) {
		fds[nfds++] = sv[0];
		fds[nfds++] = sv[1];
	}
	int ls = (int)syscall(SYS_socket, 1, 1, 0);
	if (ls >= 0) {
		char addr[32] = { 1, 0, 0 };    /* sun_family AF_UNIX, an abstract name */
		int len = 3 + snprintf(addr + 3, sizeof addr - 3, "lxfuzz-%d", (int)getpid());
		syscall(SYS_bind, ls, addr, len);
		syscall(SYS_listen, ls, 4);
		fds[nfds++] = ls;
	}
	/* AF_INET (where the kernel has it): a TCP listener, a connection to it, a UDP socket */
	int tl = (int)syscall(SYS_socket, 2 /* AF_INET */, 1, 0);
	if (tl >= 0) {
		uint8_t in[16] = { 2, 0, 0, 0, 127, 0, 0, 1 };     /* 127.0.0.1, port 0 */
		uint32_t inlen = sizeof in;
		int c = -1, t = -1;
		if (syscall(SYS_bind, tl, in, 16) == 0 && syscall(SYS_listen, tl, 4) == 0 &&
		    syscall(SYS_getsockname, tl, in, &inlen) == 0 &&
		    (c = (int)syscall(SYS_socket, 2, 1, 0)) >= 0 && syscall(SYS_connect, c, in, 16) == 0)
			t = (int)syscall(SYS_accept4, tl, NULL, NULL, 0);
		fds[nfds++] = tl;
		if (c >= 0)
			fds[nfds++] = c;
		if (t >= 0)
			fds[nfds++] = t;
	}
	int us = (int)syscall(SYS_socket, 2, 2 /* SOCK_DGRAM */, 0);
	if (us >= 0) {
		uint8_t in[16] = { 2, 0, 0, 0, 127, 0, 0, 1 };
		syscall(SYS_bind, us, in, 16);
		fds[nfds++] = us;
	}
	/* a pty: the master and its slave */
	int pm = open("/dev/ptmx", O_RDWR | O_NOCTTY);
	if (pm >= 0) {
		unsigned int n = 0, unlock = 0;
		char name[32];
		fds[nfds++] = pm;
		if (ioctl(pm, 0x80045430 /* TIOCGPTN */, &n) == 0 && ioctl(pm, 0x40045431 /* TIOCSPTLCK */, &unlock) == 0) {
			snprintf(name, sizeof name, "/dev/pts/%u", n);
			int ps = open(name, O_RDWR | O_NOCTTY);
			if (ps >= 0)
				fds[nfds++] = ps;
		}
	}
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* What interrupts blocking calls: SIGALRM every 20 ms, handled, unblocked, no SA_RESTART.
 * Set again after any call that may have changed it, so that a call only blocks for good
 * where the kernel is wrong. */
static void arm_interrupts(void)
{
	struct sigaction sa;
	struct itimerval it = {{0, 20000}, {0, 20000}};
	sigset_t alarm;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, 0);
	sigemptyset(&alarm);
	sigaddset(&alarm, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &alarm, 0);
	setitimer(ITIMER_REAL, &it, 0);
}

static int touches_interrupts(long nr)
{
	switch (nr) {
	case SYS_rt_sigaction:
	case SYS_sigaction:
	case SYS_signal:
	case SYS_rt_sigprocmask:
	case SYS_sigprocmask:
	case SYS_ssetmask:
	case SYS_setitimer:
	case SYS_alarm:
	case SYS_sigaltstack:
		return 1;
	default:
		return 0;
	}
}

/* The random calls of one thread of a worker: CALLS of them from the stream seeded SEED,
 * thread T's in-progress call kept in the worker's slot for a hang report */
static void fuzz_calls(struct slot *s, int t, unsigned long seed, unsigned long calls)
{
	rng = seed * 0x9E3779B97F4A7C15ULL + 1;
	for (unsigned long i = 0; i < calls; i++) {
		long nr = number_hi != 0 ? (long)(number_lo + next32() % (number_hi - number_lo + 1)) :
					   (long)(next32() % TABLE_LIMIT);
		unsigned long a[6];
		for (int k = 0; k < 6; k++)
			a[k] = pick_arg();
		switch (nr) {
		case SYS_kill:
		case SYS_tkill:
		case SYS_rt_sigqueueinfo:
			a[0] = (unsigned long)getpid();   /* only ourselves */
			break;
		case SYS_tgkill:
		case SYS_rt_tgsigqueueinfo:
			a[0] = (unsigned long)getpid();
			a[1] = (unsigned long)gettid();
			break;
		case SYS_rt_sigsuspend:
		case SYS_ppoll:
			/* a temporary mask that blocks SIGALRM waits for good on Linux too */
			a[nr == SYS_ppoll ? 3 : 0] = (unsigned long)no_signals;
			break;
		case SYS_sigsuspend:
			a[2] &= ~(1UL << (SIGALRM - 1));
			break;
		case SYS_pselect6:
			a[5] = 0;
			break;
		case SYS_exit:
		case SYS_exit_group:
		case SYS_fork:
		case SYS_vfork:
		case SYS_clone:
		case SYS_execve:
		case SYS_execveat:
			if (next32() % 1000 != 0)
				continue;                         /* rare, not excluded */
			break;
		}
		s->nr[t] = nr;
		for (int k = 0; k < 6; k++)
			s->args[t][k] = a[k];
		if (trace && traced(nr))
			dprintf(2, "lxfuzz: seed %lu call %lu: %ld(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n", seed, i, nr, a[0], a[1],
				a[2], a[3], a[4], a[5]);
		long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		if (r == 0 && (nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone))
			_exit(0);                                 /* a child of the fuzzer: done */
		if (touches_interrupts(nr))
			arm_interrupts();
		__sync_fetch_and_or(&s->distinct[nr / 32], 1UL << (nr % 32));
		s->nr[t] = -1;
		__sync_fetch_and_add(&s->done, 1);
	}
}

struct fuzz_thread {
	struct slot *slot;
	int index;
	unsigned long seed, calls;
	volatile pid_t tid;
	volatile int done;      /* its calls are made */
};

static struct fuzz_thread threads[FUZZ_THREADS];
static volatile int racing;

static void *fuzz_thread(void *arg)
{
	struct fuzz_thread *f = arg;

	f->tid = gettid();
	fuzz_calls(f->slot, f->index, f->seed, f->calls);
	f->done = 1;
	return NULL;
}

/* A helper of a race sequence: its descriptor or region, and whether it is through */
struct helper {
	int fd;
	void *region;
	volatile int over;
};

static void *read_one(void *arg)
{
	struct helper *h = arg;
	char c;

	read(h->fd, &c, 1);
	h->over = 1;
	return NULL;
}

/* Reads /dev/zero into the helper's pages until one read fails (they were unmapped) */
static void *fill_pages(void *arg)
{
	struct helper *h = arg;
	int zero = open("/dev/zero", O_RDONLY);

	for (int i = 0; zero >= 0 && i < 64; i++)
		if (read(zero, h->region, 4096) < 0)
			break;
	if (zero >= 0)
		close(zero);
	h->over = 1;
	return NULL;
}

/* Starts a detached helper; a fuzzed call may wreck what a join waits for (set_tid_address,
 * the pipe's descriptors), so the racer waits for it a while instead */
static int start_helper(void *(*fn)(void *), struct helper *h)
{
	pthread_attr_t attr;
	pthread_t id;
	int r;

	h->over = 0;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&id, &attr, fn, h);
	pthread_attr_destroy(&attr);
	return r;
}

static void wait_helper(struct helper *h)
{
	struct timespec nap = {0, 10 * 1000 * 1000};

	for (int i = 0; i < 50 && !h->over; i++)
		sched_yield();
	for (int i = 0; i < 200 && !h->over; i++)
		nanosleep(&nap, 0);
}

/* Lets the helper reach its blocking call (one processor: it runs when the racer yields) */
static void let_helper_run(void)
{
	sched_yield();
	sched_yield();
}

/* A pipe whose read end a helper is (most likely) blocked reading; not 0: none, and the
 * helper's record is done with */
static int start_reader(struct helper *h, int p[2])
{
	if (pipe(p) != 0) {
		h->over = 1;
		return -1;
	}
	h->fd = p[0];
	if (start_helper(read_one, h) != 0) {
		h->over = 1;
		return -1;
	}
	let_helper_run();
	return 0;
}

/* The racer: sequences that race with another thread, and a SIGALRM to each fuzzing thread
 * between them (the interval timer's signal goes to one thread of the process only). */
static void *racer(void *arg)
{
	struct slot *s = arg;

	rng = s->seed * 0x2545F4914F6CDD1DULL + 7;
	while (racing) {
		/* a helper left waiting keeps its record: a new one each time, never freed */
		struct helper *h = calloc(1, sizeof(*h));
		int p[2] = { -1, -1 };

		if (h == NULL)
			break;
		s->race = next32() % 3;
		s->raced++;
		switch (s->race) {
		case 0:         /* close a pipe's read end while another thread reads it */
			if (start_reader(h, p) != 0)
				break;
			close(p[0]);
			p[0] = -1;
			write(p[1], "x", 1);
			wait_helper(h);
			break;
		case 1:         /* unmap pages while the kernel writes into them for another thread */
			h->region = mmap(0, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (h->region == MAP_FAILED || start_helper(fill_pages, h) != 0) {
				h->over = 1;
				break;
			}
			let_helper_run();
			munmap(h->region, 65536);
			wait_helper(h);
			break;
		default:        /* fork while another thread blocks in a read */
			if (start_reader(h, p) != 0)
				break;
			pid_t child = fork();
			if (child == 0)
				_exit(0);
			if (child > 0)
				waitpid(child, NULL, 0);
			write(p[1], "x", 1);
			wait_helper(h);
			break;
		}
		if (h->over) {
			if (p[0] >= 0)
				close(p[0]);
			free(h);
		}
		if (p[1] >= 0)
			close(p[1]);
		for (int t = 0; t < FUZZ_THREADS; t++)
			if (threads[t].tid > 0)
				syscall(SYS_tgkill, getpid(), threads[t].tid, SIGALRM);
		s->race = -1;
		s->races++;
	}
	return NULL;
}

/* A worker: FUZZ_THREADS threads make its CALLS (the first from SEED's stream, the others
 * from streams of their own), while a racer thread runs race sequences beside them */
static void worker(int index, unsigned long seed, unsigned long calls)
{
	struct slot *s = &slots[index];
	pthread_t ids[FUZZ_THREADS], race;

	s->seed = seed;
	s->race = -1;
	for (int t = 0; t < FUZZ_THREADS; t++)
		s->nr[t] = -1;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	arm_interrupts();
	open_fds();
	for (int t = 0; t < FUZZ_THREADS; t++) {
		threads[t].slot = s;
		threads[t].index = t;
		threads[t].seed = t == 0 ? seed : seed * 1000003UL + 500000UL + (unsigned long)t;
		threads[t].calls = calls / FUZZ_THREADS + (t == 0 ? calls % FUZZ_THREADS : 0);
		threads[t].tid = 0;
		threads[t].done = 0;
	}
	racing = 1;
	pthread_create(&race, NULL, racer, s);
	for (int t = 1; t < FUZZ_THREADS; t++)
		if (pthread_create(&ids[t], NULL, fuzz_thread, &threads[t]) != 0)
			threads[t].done = 1;
	fuzz_thread(&threads[0]);
	/* Waits for the others' calls, not with a join (a fuzzed set_tid_address breaks what it
	 * waits on). The timer's SIGALRM goes to one thread only: each one still in a call gets
	 * its own, so that a call waiting for a signal (pause...) ends. A thread that a fuzzed
	 * exit ended is gone (ESRCH). exit_group ends the racer and any helper. */
	for (int t = 1; t < FUZZ_THREADS; t++) {
		struct timespec nap = {0, 20 * 1000 * 1000};

		while (!threads[t].done) {
			if (threads[t].tid > 0 && syscall(SYS_tgkill, getpid(), threads[t].tid, SIGALRM) != 0 &&
			    errno == ESRCH)
				break;
			nanosleep(&nap, 0);
		}
	}
	racing = 0;
	s->finished = FINISHED;
	_exit(0);
}

/* Whether a thread of the worker is in a sigreturn (of a fuzzed frame) */
static int astray(const struct slot *s)
{
	for (int t = 0; t < FUZZ_THREADS; t++)
		if (s->nr[t] == SYS_sigreturn || s->nr[t] == SYS_rt_sigreturn)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long calls = 20000, seed = (unsigned long)time(0), workers = 4;
	char conf[PATH_MAX];
	(void)argc;

	if (!getenv("LXSS_TEST")) {
		fprintf(stderr, "lxfuzz: refusing to run outside the guest or the oracle VM (LXSS_TEST=1 is not set):\n"
				"random system calls as root can reach other processes of this machine\n");
		return 2;
	}
	snprintf(conf, sizeof conf, "%s", argv[0]);
	char *slash = strrchr(conf, '/');
	snprintf(slash ? slash + 1 : conf, sizeof conf - (size_t)(slash ? slash + 1 - conf : 0), "lxfuzz.conf");
	FILE *f = fopen(conf, "r");
	if (f) {
		if (fscanf(f, "%lu %lu %lu %d %lu %lu", &calls, &seed, &workers, &trace, &number_lo, &number_hi) < 1)
			fprintf(stderr, "lxfuzz: %s: expected CALLS [SEED [WORKERS [TRACE [LO HI]]]]\n", conf);
		fclose(f);
	}
	if (workers < 1 || workers > MAX_WORKERS)
		workers = 4;
	if (number_hi >= TABLE_LIMIT)
		number_hi = TABLE_LIMIT - 1;
	if (number_lo > number_hi)
		number_lo = number_hi = 0;
	slots = mmap(0, sizeof(struct slot) * MAX_WORKERS, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED) {
		perror("lxfuzz: mmap");
		return 2;
	}
	printf("lxfuzz: %lu calls, seed %lu, %lu workers\n", calls, seed, workers);
	fflush(stdout);

	/* replacement workers take seeds of their own: SEED * 1000003 + 1, + 2, ... */
	unsigned long per = calls / workers, made = 0, replaced = 0, races = 0, raced = 0, next_seed = seed * 1000003UL + 1;
	unsigned long distinct[(TABLE_LIMIT + 31) / 32] = {0};
	pid_t pids[MAX_WORKERS];
	unsigned long remaining[MAX_WORKERS], last_done[MAX_WORKERS];
	time_t last_progress[MAX_WORKERS];
	int hangs = 0, live = 0;
	unsigned long stops = 0;

	for (unsigned long w = 0; w < workers; w++) {
		remaining[w] = per;
		slots[w].done = 0;
		pids[w] = fork();
		if (pids[w] == 0)
			worker((int)w, seed + w, per);
		last_done[w] = 0;
		last_progress[w] = time(0);
		live++;
	}
	while (live > 0) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG | WUNTRACED);
		if (pid > 0 && WIFSTOPPED(st)) {
			/* a fuzzed stop signal (SIGSTOP from tkill, kill, raise): continued, as a
			 * shell's user would, so the worker goes on instead of looking hung */
			kill(pid, SIGCONT);
			stops++;
			continue;
		}
		if (pid <= 0) {
			struct timespec nap = {0, 200 * 1000 * 1000};
			nanosleep(&nap, 0);
			for (unsigned long w = 0; w < workers; w++) {
				if (pids[w] <= 0)
					continue;
				if (slots[w].done != last_done[w]) {
					last_done[w] = slots[w].done;
					last_progress[w] = time(0);
				} else if (time(0) - last_progress[w] > HANG_SECONDS && astray(&slots[w])) {
					/* a sigreturn of a fuzzed frame sends a thread to any address with
					 * any signal mask (on Linux too): a loop there is the worker's, not
					 * the kernel's. It is killed and replaced, as a call that ended it. */
					printf("lxfuzz: worker %lu (seed %lu) went astray after a fuzzed sigreturn: replaced\n",
					       w, slots[w].seed);
					fflush(stdout);
					kill(pids[w], SIGKILL);
					last_progress[w] = time(0);
				} else if (time(0) - last_progress[w] > HANG_SECONDS) {
					printf("lxfuzz: HANG: worker %lu (seed %lu) after %lu calls; its threads' calls in progress "
					       "follow, then its last calls as lxcore recorded them (lxrecent)\n",
					       w, slots[w].seed, slots[w].done);
					for (int t = 0; t < FUZZ_THREADS; t++)
						printf("lxfuzz:   thread %d: call %ld (%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n", t,
						       slots[w].nr[t], slots[w].args[t][0], slots[w].args[t][1], slots[w].args[t][2],
						       slots[w].args[t][3], slots[w].args[t][4], slots[w].args[t][5]);
					printf("lxfuzz:   racer: sequence %ld (-1: between them)\n", slots[w].race);
					fflush(stdout);
					hangs++;
					kill(pids[w], SIGKILL);
					last_progress[w] = time(0);
				}
			}
			continue;
		}
		for (unsigned long w = 0; w < workers; w++) {
			if (pids[w] != pid)
				continue;
			unsigned long done = slots[w].done;
			int overwritten = done > remaining[w];
			if (overwritten) {
				/* a fuzzed call wrote over the shared slot: its counts mean nothing */
				printf("lxfuzz: worker %lu reported %lu calls of %lu: its slot was overwritten\n", w, done,
				       remaining[w]);
				done = remaining[w];
			}
			made += done;
			races += slots[w].races;
			raced += slots[w].raced;
			for (int k = 0; !overwritten && k < (TABLE_LIMIT + 31) / 32; k++)
				distinct[k] |= slots[w].distinct[k];
			remaining[w] = remaining[w] > done ? remaining[w] - done - 1 : 0;
			if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0 && slots[w].finished == FINISHED) && remaining[w] > 0) {
				/* the worker ended itself (a fatal call, a signal, a fuzzed exit): the next
				 * seed goes on */
				slots[w].finished = 0;
				replaced++;
				slots[w].done = 0;
				slots[w].races = 0;
				slots[w].raced = 0;
				last_done[w] = 0;
				last_progress[w] = time(0);
				unsigned long s = next_seed++;
				unsigned long n = remaining[w];
				pids[w] = fork();
				if (pids[w] == 0)
					worker((int)w, s, n);
				if (trace)
					printf("lxfuzz: worker %lu: seed %lu in pid %d\n", w, s, (int)pids[w]);
			} else {
				pids[w] = 0;
				live--;
			}
		}
	}
	int reached = 0;
	for (int k = 0; k < (TABLE_LIMIT + 31) / 32; k++)
		reached += __builtin_popcountl(distinct[k]);
	printf("lxfuzz: %lu calls made, %d distinct numbers, %lu race sequences begun and %lu finished, "
	       "%lu workers replaced (a call ended them), %lu stopped and continued, %d hangs\n", made, reached, raced,
	       races, replaced, stops, hangs);
	return hangs ? 1 : 0;
}
