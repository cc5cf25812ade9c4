// registryHasLxcoreService: lxgen test refuses a build whose registry.inf predates subsystems/lxss.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registryHasLxcoreService } from '../../generator/src/vm/reactos-build.ts';

function utf16(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

describe('registry.inf lxcore service check', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lxss-reginf-'));
  const file = path.join(dir, 'registry.inf');
  const line = 'HKLM,"SYSTEM\\CurrentControlSet\\Services\\lxcore","Start",0x00010001,0x00000000\r\n';
  const other = 'HKLM,"SYSTEM\\CurrentControlSet\\Services\\lxcorefoo","Start",0x00010001,0x00000000\r\n';

  it('finds the service key in a UTF-16 registry.inf', () => {
    writeFileSync(file, utf16(`[AddReg]\r\n${line}`));
    expect(registryHasLxcoreService(file)).toBe(true);
  });
  it('does not take another service with the same prefix for it', () => {
    writeFileSync(file, utf16(`[AddReg]\r\n${other}`));
    expect(registryHasLxcoreService(file)).toBe(false);
  });
  it('reads an 8-bit file too', () => {
    writeFileSync(file, `[AddReg]\r\n${line}`);
    expect(registryHasLxcoreService(file)).toBe(true);
    writeFileSync(file, '[AddReg]\r\n');
    expect(registryHasLxcoreService(file)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
