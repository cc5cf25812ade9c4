// Benchmark in the ReactOS guest: what idle descriptors cost epoll_wait and poll through
// lxcore (issue 12, item 6, in part). tests/bench/epoll_bench.c watches 1,000 idle and 10
// active eventfds; RUNS copies run in one boot with `lxgen test --manifest`. Prints each run's
// figures (ns per call, from the serial log), the medians and two ratios from the same boot:
//   epoll_wait_all / epoll_wait_active   what 1,000 idle items add (near 1: nothing)
//   poll_all / epoll_wait_all            what epoll saves over poll on the same descriptors
// TCG figures: compare them with each other, not with hardware.
//   npx tsx tests/bench/guest-epoll.ts --build /work/ros-build [--runs 3] [--smp N]
import { median, runGuestBench } from './guest-bench.ts';

const { runs, smp, figures } = await runGuestBench({
  program: 'epoll_bench',
  needs: ['epoll_wait', 'poll', 'eventfd2'],
  tag: 'EPOLLBENCH',
  keys: ['epoll_wait_all', 'epoll_wait_active', 'poll_all'],
});
const all = median(figures.get('epoll_wait_all')!);
const active = median(figures.get('epoll_wait_active')!);
const poll = median(figures.get('poll_all')!);
console.log(
  `guest (1,000 idle + 10 active eventfds, median of ${runs}${smp ? `, --smp ${smp}` : ''}): ` +
    `epoll_wait ${all.toFixed(1)} ns, epoll_wait over the 10 active only ${active.toFixed(1)} ns, poll ${poll.toFixed(1)} ns; ` +
    `epoll_wait_all/epoll_wait_active ${(all / active).toFixed(2)}, poll/epoll_wait ${(poll / all).toFixed(2)}`,
);
