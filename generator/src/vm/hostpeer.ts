// The host's side of tests/elf/hostpeer.c: a TCP exchange between the host and a Linux program
// in the guest, through QEMU's restricted user network (qemu.ts hostForward: 127.0.0.1:port
// on the host forwarded to the guest's HOST_PEER_GUEST_PORT). The program listens there; the
// host connects again and again (QEMU accepts at once and closes when nothing listens in the
// guest) until the program's banner comes, then sends a block and checks its echo:
//
//   guest: "lxss-hostpeer 1\n"
//   host:  "DATA <n>\n" and n bytes        guest: the same n bytes back
//   host:  "OK <fnv1a-32 of the bytes, hex>\n", or "BAD <why>\n"
//
// One exchange per connection; each program that runs (patched and stock builds) gets one.
import net from 'node:net';

export const HOST_PEER_GUEST_PORT = 7777;
export const HOST_PEER_BYTES = 256 * 1024;
const BANNER = 'lxss-hostpeer 1\n';
const RETRY_MS = 300;
/** QEMU retries its connection to a guest that does not answer: begin again sooner */
const BANNER_TIMEOUT_MS = 5_000;
const EXCHANGE_TIMEOUT_MS = 60_000;

export interface HostPeerReport {
  /** exchanges the guest's echo passed */
  exchanges: number;
  /** what went wrong in the others */
  errors: string[];
}

export function fnv1a(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of data) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** n bytes of a fixed xorshift32 sequence: the same block every time */
export function peerBlock(n: number, seed = 0x6c787373): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * One connection: resolves 'none' when no program listened (QEMU closed it before a banner),
 * 'ok' after a good exchange, or an error text.
 */
function exchangeOnce(port: number, block: Uint8Array): Promise<'none' | 'ok' | string> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let got = Buffer.alloc(0);
    let phase: 'banner' | 'echo' | 'done' = 'banner';
    const finish = (r: 'none' | 'ok' | string) => {
      if (phase === 'done') return;
      phase = 'done';
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    let timer = setTimeout(() => finish('none'), BANNER_TIMEOUT_MS);
    sock.on('error', () => finish(phase === 'banner' ? 'none' : 'connection error during the exchange'));
    sock.on('close', () => finish(phase === 'banner' ? 'none' : `closed after ${got.length} of ${block.length} echoed bytes`));
    sock.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (phase === 'banner') {
        if (got.length < BANNER.length) return;
        if (got.subarray(0, BANNER.length).toString('latin1') !== BANNER) {
          finish(`bad banner ${JSON.stringify(got.subarray(0, BANNER.length).toString('latin1'))}`);
          return;
        }
        got = got.subarray(BANNER.length);
        phase = 'echo';
        clearTimeout(timer);
        timer = setTimeout(() => finish(`no echo within ${EXCHANGE_TIMEOUT_MS / 1000} s`), EXCHANGE_TIMEOUT_MS);
        sock.write(`DATA ${block.length}\n`);
        sock.write(block);
      }
      if (phase === 'echo' && got.length >= block.length) {
        const echo = got.subarray(0, block.length);
        const ok = Buffer.compare(echo, Buffer.from(block)) === 0;
        sock.end(ok ? `OK ${fnv1a(block).toString(16).padStart(8, '0')}\n` : 'BAD echo differs\n', () => finish(ok ? 'ok' : 'the echo differs from what was sent'));
      }
    });
  });
}

/** Serves exchanges until stop() (call it once the VM has ended). */
export function startHostPeer(port: number): { stop: () => Promise<HostPeerReport> } {
  const report: HostPeerReport = { exchanges: 0, errors: [] };
  const block = peerBlock(HOST_PEER_BYTES);
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      const r = await exchangeOnce(port, block);
      if (r === 'ok') report.exchanges++;
      else if (r !== 'none') report.errors.push(r);
      if (r === 'none' && !stopping) await new Promise((res) => setTimeout(res, RETRY_MS));
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      await loop;
      return report;
    },
  };
}

/** A free TCP port on the host's loopback, for QEMU's hostfwd. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
