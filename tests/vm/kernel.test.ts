// Kernel failure detection in the serial log: ReactOS's bugcheck and KDBG formats.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeFailure, isDebuggerPrompt, scanKernelLog } from '../../generator/src/tap/kernel.ts';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('kernel failure scanner', () => {
  it('reads a Fatal System Error with its parameters and the driver at fault', () => {
    const s = scanKernelLog(fixture('bugcheck.serial.txt'));
    const f = s.primary();
    expect(f).toMatchObject({
      kind: 'bugcheck',
      code: 0x1e,
      stop: '0x0000001E',
      name: 'KMODE_EXCEPTION_NOT_HANDLED',
      params: ['0xC0000005', '0xF7A3B2C1', '0x00000000', '0xDEADBEEF'],
      driver: 'lxcore.sys',
    });
    expect(s.failures.map((x) => x.kind)).toEqual(['bugcheck', 'debugger']);
    expect(describeFailure(f!)).toBe(
      'bugcheck STOP 0x0000001E KMODE_EXCEPTION_NOT_HANDLED (0xC0000005, 0xF7A3B2C1, 0x00000000, 0xDEADBEEF), driver at fault: lxcore.sys',
    );
  });

  it('reads the blue screen STOP line and does not count it twice', () => {
    const s = scanKernelLog(
      [
        '*** Fatal System Error: 0x0000007f',
        '                       (0x00000008,0x00000000,0x00000000,0x00000000)',
        '',
        '*** STOP: 0x0000007F (0x00000008,0x00000000,0x00000000,0x00000000)',
      ].join('\n'),
    );
    expect(s.failures).toHaveLength(1);
    expect(s.primary()).toMatchObject({ stop: '0x0000007F', name: 'UNEXPECTED_KERNEL_MODE_TRAP' });
    const only = scanKernelLog('\r\n\r\n*** STOP: 0x000000D1 (0x00000000,0x00000002,0x00000000,0xF7B01234)\r\n');
    expect(only.primary()).toMatchObject({ code: 0xd1, params: ['0x00000000', '0x00000002', '0x00000000', '0xF7B01234'] });
  });

  it('names unknown STOP codes by number only', () => {
    const f = scanKernelLog('*** Fatal System Error: 0x00001234\n   (0x1,0x2,0x3,0x4)\n').primary();
    expect(f).toMatchObject({ name: null, params: ['0x00000001', '0x00000002', '0x00000003', '0x00000004'] });
  });

  it('recognises KDBG entries, assertions and prompts', () => {
    const s = scanKernelLog(
      'Entered debugger on last-chance exception (Exception Code: 0xc0000005) (Page Fault)\n' +
        '*** Assertion failed: Irql <= APC_LEVEL\n',
    );
    expect(s.failures.map((f) => f.kind === 'debugger' && f.reason)).toEqual([
      'last-chance exception (Exception Code: 0xc0000005) (Page Fault)',
      'assertion failed: Irql <= APC_LEVEL',
    ]);
    expect(isDebuggerPrompt('kdb:> ')).toBe(true);
    expect(isDebuggerPrompt('Break repeatedly, break Once, Ignore, terminate Process or terminate Thread (boipt)? ')).toBe(true);
    expect(isDebuggerPrompt('kdb is not a prompt')).toBe(false);
  });

  it('records user process kills without calling them system failures', () => {
    const s = scanKernelLog(fixture('mixed.serial.txt'));
    expect(s.failures).toEqual([]);
    expect(s.kills).toMatchObject([{ image: 'hello_segv', exceptionCode: 'c0000005', address: '08049a31' }]);
  });

  it('finds nothing in a clean log', () => {
    expect(scanKernelLog(fixture('pass-all.serial.txt')).primary()).toBeNull();
  });
});
