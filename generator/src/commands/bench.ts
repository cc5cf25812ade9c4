// `lxgen bench`: system call overhead of the trap harness (tests/bench/syscall-overhead.ts).
import { bench } from '../../../tests/bench/syscall-overhead.ts';
import { oracle } from '../oracle/index.ts';

export const summary = 'benchmark a getpid loop natively and through the int $0x2e trap harness (--vm: in the i386 oracle VM)';
export const usage = `usage: lxgen bench [--vm] [calls] [runs]

Runs tests/bench/getpid_loop.c built natively (glibc) and with lxgen cc (through the trap
harness) runs times (default 5) and prints ns per getpid and the median ratio. --vm runs
both in Debian's i386 kernel under qemu-system-i386 (TCG, one boot): for hosts whose kernel
cannot run i386 programs; its figures are TCG's, comparable only with each other.`;

export async function run(args: string[]): Promise<number> {
  const vm = args[0] === '--vm';
  if (vm) args = args.slice(1);
  const [calls, runs] = args.map(Number);
  if (args.some((a) => !/^\d+$/.test(a))) {
    console.error(usage);
    return 2;
  }
  if (!vm && !oracle().hostRunsI386) {
    console.error(`lxgen bench: ${oracle().probe}; measure in the Linux i386 VM instead: lxgen bench --vm ${args.join(' ')}`.trimEnd());
    return 1;
  }
  await bench(calls || undefined, runs || undefined, vm ? 'vm' : 'native');
  return 0;
}
