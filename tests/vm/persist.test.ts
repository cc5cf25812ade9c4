// Linux metadata survives a power failure (issue 13): the first boot runs tests/elf/persist
// (files with a set-user-ID mode, owners, a device node, a FIFO, a link's own owner, a renamed
// directory, 1,200 chmods of one file, a removed and a remade name) and persist_check, and lxgen
// cuts the power the moment the results are in (--power-cut: no shutdown, nothing the guest
// caches is written); the second boot of the same payload disk (--payload-image) runs
// persist_check alone, which finds everything as persist left it: lxcore replayed its
// metadata journal (lxcore/fs/meta.c), and compacted it (1,200 records for a dozen paths),
// which the serial log says ("metadata journal compacted"). Runs when a ReactOS build is configured, else prints one SKIP line.
// The refusal of a disk that is not a payload disk runs wherever mtools is.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { replanPayloadImage } from '../../generator/src/vm/payload.ts';
import { buildSkipReason, lxgen } from './guest.ts';

const mtools = spawnSync('mdir', ['--version'], { stdio: 'ignore' }).status === 0;
if (!mtools) console.log('SKIP --payload-image refusal: mtools is not installed (run generator/setup.sh)');

describe.skipIf(!mtools)('lxgen test --payload-image', () => {
  it('refuses a missing file and one that is not a payload disk, saying what to give', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lxss-replan-'));
    await expect(replanPayloadImage(path.join(dir, 'none.img'), [])).rejects.toThrow(/no such file .*--keep/);
    const junk = path.join(dir, 'junk.img');
    writeFileSync(junk, Buffer.alloc(2 * 1024 * 1024));
    await expect(replanPayloadImage(junk, [])).rejects.toThrow(/not a payload disk of lxgen test.*--keep/);
  });
});

const reason = buildSkipReason();
if (reason) console.log(`SKIP metadata across a power cut and a reboot in the guest: ${reason}`);

describe.skipIf(reason !== null)('Linux metadata across a power cut and a reboot (guest)', () => {
  it('is all there at the second boot of the same disk', async () => {
    const first = await lxgen(['test', '--filter', 'file/persist*', '--keep', '--power-cut']);
    expect(first.stdout, first.stdout.slice(-3000)).toMatch(/2 tests: 2 passed, 0 failed.* -> OK/);
    expect(first.stdout).toMatch(/power cut by lxgen at the results/);
    const kept = /kept: (\S+) \(serial\.log, payload\.img\)/.exec(first.stdout)?.[1];
    expect(kept, 'the first run kept its payload disk').toBeTruthy();
    const second = await lxgen(['test', '--filter', 'file/persist_check', '--payload-image', path.join(kept!, 'payload.img'), '--keep']);
    expect(second.stdout, second.stdout.slice(-3000)).toMatch(/PASS\s+1 file\/persist_check/);
    expect(second.stdout).toMatch(/1 tests: 1 passed, 0 failed.* -> OK/);
    expect(second.exitCode).toBe(0);
    const keptAgain = /kept: (\S+) \(serial\.log/.exec(second.stdout)?.[1];
    expect(readFileSync(path.join(keptAgain!, 'serial.log'), 'latin1'), 'the second boot compacted the journal').toMatch(/metadata journal compacted: \d+ records -> \d+/);
    for (const dir of [kept!, keptAgain!]) rmSync(dir, { recursive: true, force: true });
  }, 900_000);
});
