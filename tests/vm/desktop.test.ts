// Integration (issue 14): the console as a Linux terminal in the booted desktop, driven by
// keys: `lxgen test --scenario tests/desktop/terminal.scn` (bash's line editing and history,
// Ctrl+C, Ctrl+Z and fg, stty -a, vi, less, top). Runs when a ReactOS build is configured,
// otherwise prints one SKIP line. Screenshots go to a temporary directory (the ones under
// docs/terminal/ are made by the same scenario run from the command line).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSkipReason, lxgen } from './guest.ts';

const reason = buildSkipReason();
if (reason) console.log(`SKIP the desktop terminal scenario: ${reason}`);

describe.skipIf(reason !== null)('the console as a Linux terminal (guest desktop, keys through QMP)', () => {
  it(
    'bash, job control, stty, vi, less and top in lxrun\'s terminal pass every wait of tests/desktop/terminal.scn',
    async () => {
      const shots = mkdtempSync(path.join(os.tmpdir(), 'lxss-desktop-'));
      const r = await lxgen(['test', '--scenario', 'tests/desktop/terminal.scn', '--screenshot-dir', shots, '--timeout', '900']);
      const out = `${r.stdout}\n${r.stderr}`;
      expect(out, out.slice(-4000)).toMatch(/scenario tests\/desktop\/terminal\.scn: \d+ steps passed -> OK/);
      expect(r.exitCode, out.slice(-2000)).toBe(0);
      expect(existsSync(path.join(shots, 'docs/terminal/vi.png'))).toBe(true);
      expect(existsSync(path.join(shots, 'docs/terminal/top.png'))).toBe(true);
    },
    1_200_000,
  );
});
