// The host's side of the hostpeer ELF test (generator/src/vm/hostpeer.ts) against a fake guest
// on the host's loopback: it retries while nothing answers, checks the echo, says OK with the
// block's hash, and reports a bad echo.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { fnv1a, freeLoopbackPort, HOST_PEER_BYTES, peerBlock, startHostPeer } from '../../generator/src/vm/hostpeer.ts';

/** A guest program as tests/elf/hostpeer.c is, echoing the block (damaged if asked). */
function fakeGuest(port: number, damage: boolean): Promise<{ verdict: Promise<string>; close: () => void }> {
  let settle: (v: string) => void = () => {};
  const verdict = new Promise<string>((r) => (settle = r));
  const srv = net.createServer((sock) => {
    srv.close();    // one connection: later attempts are refused, as when the program has ended
    let buf = Buffer.alloc(0);
    let need = -1;
    let echoed = false;
    sock.write('lxss-hostpeer 1\n');
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (need < 0) {
        const nl = buf.indexOf(10);
        if (nl < 0) return;
        need = Number(/^DATA (\d+)$/.exec(buf.subarray(0, nl).toString())?.[1] ?? -1);
        buf = buf.subarray(nl + 1);
      }
      if (!echoed && buf.length >= need) {
        const echo = Buffer.from(buf.subarray(0, need));
        if (damage) echo[100] = echo[100]! ^ 1;
        sock.write(echo);
        echoed = true;
        buf = buf.subarray(need);
      }
      if (echoed && buf.indexOf(10) >= 0) settle(buf.subarray(0, buf.indexOf(10)).toString());
    });
    sock.on('end', () => sock.end());
  });
  return new Promise((resolve) => srv.listen(port, '127.0.0.1', () => resolve({ verdict, close: () => srv.close(() => {}) })));
}

describe('host peer', () => {
  it('makes a fixed block and hashes it with FNV-1a', () => {
    expect(fnv1a(new TextEncoder().encode('a'))).toBe(0xe40c292c);
    expect(peerBlock(16)).toEqual(peerBlock(16));
    expect(new Set(peerBlock(4096)).size).toBeGreaterThan(200);
  });

  it('retries until the guest listens, then exchanges the block and says OK with its hash', async () => {
    const port = await freeLoopbackPort();
    const peer = startHostPeer(port);
    await new Promise((r) => setTimeout(r, 500));   // nothing listens yet: connections refused
    const guest = await fakeGuest(port, false);
    const verdict = await guest.verdict;
    const report = await peer.stop();
    guest.close();
    expect(verdict).toBe(`OK ${fnv1a(peerBlock(HOST_PEER_BYTES)).toString(16).padStart(8, '0')}`);
    expect(report).toEqual({ exchanges: 1, errors: [] });
  }, 20_000);

  it('says BAD and reports it when the echo differs', async () => {
    const port = await freeLoopbackPort();
    const guest = await fakeGuest(port, true);
    const peer = startHostPeer(port);
    const verdict = await guest.verdict;
    const report = await peer.stop();
    guest.close();
    expect(verdict).toBe('BAD echo differs');
    expect(report.exchanges).toBe(0);
    expect(report.errors).toEqual(['the echo differs from what was sent']);
  }, 20_000);
});
