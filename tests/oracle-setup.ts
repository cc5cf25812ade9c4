// vitest globalSetup: says once, at the start of `npm test`, where i386 programs will run
// (generator/src/oracle: natively, or in Debian's i386 kernel under QEMU) and why.
import { oracle } from '../generator/src/oracle/index.ts';

export default function setup(): void {
  console.log(oracle().line);
}
