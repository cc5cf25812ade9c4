// Benchmark in the ReactOS guest: AF_UNIX stream sockets against lxcore's pipes between two
// Linux processes (issue 12, item 6, in part: the baseline is lxcore's own pipe, not yet a
// native NT program or TCP). tests/bench/unix_bench.c; RUNS copies run in one boot with `lxgen
// test --manifest`. Prints each run's figures (from the serial log), the medians and the
// ratios from the same boot:
//   unix_mib_s / pipe_mib_s     throughput, 16 MiB in 64 KiB writes (1: as fast as a pipe)
//   unix_rtt_us / pipe_rtt_us   a 1-byte round trip (1: as fast as a pipe)
// TCG figures: compare them with each other, not with hardware.
//   npx tsx tests/bench/guest-unix.ts --build /work/ros-build [--runs 3] [--smp N]
import { median, runGuestBench } from './guest-bench.ts';

const KEYS = ['unix_mib_s', 'pipe_mib_s', 'unix_rtt_us', 'pipe_rtt_us'];
const { runs, smp, figures } = await runGuestBench({ program: 'unix_bench', needs: ['socketpair', 'pipe', 'fork'], tag: 'UNIXBENCH', keys: KEYS });
const [unixT, pipeT, unixR, pipeR] = KEYS.map((k) => median(figures.get(k)!)) as [number, number, number, number];
console.log(
  `guest (two processes, median of ${runs}${smp ? `, --smp ${smp}` : ''}): ` +
    `AF_UNIX ${unixT.toFixed(2)} MiB/s, pipe ${pipeT.toFixed(2)} MiB/s, unix/pipe ${(unixT / pipeT).toFixed(2)}; ` +
    `round trip AF_UNIX ${unixR.toFixed(1)} us, pipe ${pipeR.toFixed(1)} us, unix/pipe ${(unixR / pipeR).toFixed(2)}`,
);
