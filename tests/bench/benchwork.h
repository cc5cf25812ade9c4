/*
 * PROJECT:     lxss for ReactOS - benchmarks
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The work each row of the comparison table does, shared by the Linux program
 *              (tests/bench/lxbench.c: lxcore in the guest, and Debian's i386 kernel) and the
 *              native NT program (tests/bench/ntbench.c), so both sides do the same amount
 *
 * Each program prints one line per row and round, "<TAG>: <key> <figure>", where the figure is
 * a cost (time per unit of work, lower is better) in the unit the key names:
 *     null_ns      one system call (getpid; NtTestAlert)
 *     spawn_us     create a process running the same program, which exits at once, and wait
 *                  for it (fork+execve+wait4; RtlCreateUserProcess+NtWaitForSingleObject)
 *     create_us    create and close an empty file in a directory of BENCH_FILES files
 *     stat_us      the attributes of one of those files by path (stat; NtQueryFullAttributesFile)
 *     walk_us      one entry of a listing of that directory (getdents64; NtQueryDirectoryFile)
 *     write_us_mib one MiB of a BENCH_FILE_MIB MiB file written in BENCH_CHUNK writes
 *     read_us_mib  one MiB of it read back the same way (from the cache: nothing else ran)
 *     pipe_us_mib  one MiB through a pipe from a second thread (pipe; an NPFS named pipe)
 *     thread_us    create a thread that returns at once and wait for it
 *     futex_us     one round trip between two threads (futex wake+wait; an NT event pair)
 *     tcp_us_mib   one MiB over a TCP connection on 127.0.0.1 from a second thread (a Linux
 *                  socket through lxcore and afd.sys; an AFD endpoint driven as msafd does)
 *     tcp_rtt_us   one 1-byte round trip over that connection between two threads
 * and, from the Linux program only (lxcore against Linux; where the futex row's time goes):
 *     futex_wake_ns    FUTEX_WAKE of a word nobody waits on
 *     futex_eagain_ns  FUTEX_WAIT whose value has changed (EAGAIN at once)
 *     unix_us_mib      tcp_us_mib's work over an AF_UNIX socketpair (NT has no AF_UNIX)
 *     unix_rtt_us      tcp_rtt_us's work over it
 */

#ifndef _BENCHWORK_H_
#define _BENCHWORK_H_

#define BENCH_ROUNDS        3
#define BENCH_NULL_CALLS    100000
#define BENCH_SPAWNS        50
#define BENCH_FILES         10000
#define BENCH_WALKS         3
#define BENCH_FILE_MIB      64
#define BENCH_PIPE_MIB      64
#define BENCH_CHUNK         (64 * 1024)
#define BENCH_THREADS       500
#define BENCH_ROUND_TRIPS   10000
#define BENCH_SOCK_MIB      16
#define BENCH_SOCK_TRIPS    2000

/* The argument that makes the program the spawn row's child: it exits at once */
#define BENCH_CHILD_ARG     "child"

#endif /* _BENCHWORK_H_ */
