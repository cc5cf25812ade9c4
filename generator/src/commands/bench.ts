// `lxgen bench`: system call overhead of the trap harness (tests/bench/syscall-overhead.ts).
import { bench } from '../../../tests/bench/syscall-overhead.ts';

export const summary = 'benchmark a getpid loop natively and through the int $0x2e trap harness';
export const usage = `usage: lxgen bench [calls] [runs]

Runs tests/bench/getpid_loop.c built natively (glibc) and with lxgen cc (through the trap
harness) runs times (default 5) and prints ns per getpid and the median ratio.`;

export async function run(args: string[]): Promise<number> {
  const [calls, runs] = args.map(Number);
  if (args.some((a) => !/^\d+$/.test(a))) {
    console.error(usage);
    return 2;
  }
  await bench(calls || undefined, runs || undefined);
  return 0;
}
