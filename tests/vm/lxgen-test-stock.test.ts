// Integration: unmodified Linux i386 binaries in the guest. Builds the stock suite (the
// tests/elf programs against unpatched musl: `lxgen elf --stock`, .lxss/elf-stock/) and runs
// `lxgen test --stock` against the configured ReactOS build: every system call of these
// programs enters through int $0x80 (musl's int $128 and its call *%gs:16 fallback, since
// lxcore gives no AT_SYSINFO), lxcore/entry/pico.c's full-frame path. Without a build
// ($LXSS_REACTOS_BUILD or ~/.config/lxss/config.json) or QEMU, one SKIP line.
import { describe, expect, it } from 'vitest';
import { buildSkipReason, lxgen } from './guest.ts';
import { buildElfSuite, readManifest } from '../../generator/src/elf/suite.ts';

const reason = buildSkipReason();
if (reason) console.log(`SKIP lxgen test --stock (unmodified binaries in the guest): ${reason}`);

describe('lxgen test --stock (integration)', () => {
  it.skipIf(reason !== null)(
    'boots the build and passes every stock (int $0x80) ELF test',
    async () => {
      await buildElfSuite({ variant: 'stock', log: (l) => console.log(l) });
      // group rootfs needs Debian's root file system: lxgen test runs it only with --rootfs
      const names = readManifest('stock').filter((e) => e.group !== 'rootfs').map((e) => `${e.group}/${e.name}`);
      const r = await lxgen(['test', '--stock']);
      console.log(r.stdout.split('\n').slice(-40).join('\n'));
      if (r.stderr) console.log(r.stderr);
      expect(r.stdout).toMatch(new RegExp(`${names.length} tests: ${names.length} passed, 0 failed`));
      for (const n of names) expect(r.stdout).toMatch(new RegExp(`PASS +\\d+ ${n}\\n`));
      expect(r.exitCode).toBe(0);
    },
    900_000,
  );
});
