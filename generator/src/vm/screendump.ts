// Evidence for hangs before the kernel prints anything (BIOS, FreeLdr): a screenshot of the
// VM's display through QMP, saved as PNG (QEMU writes PPM; the PNG encoder is a few lines).
import { createConnection } from 'node:net';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

/** Sends QMP commands over a unix socket; resolves when all were answered (or on timeout). */
export function qmp(socket: string, commands: object[], timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection(socket);
    let answered = 0;
    let buf = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      c.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    c.on('error', () => done(false));
    c.on('data', (d) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.includes('"QMP"')) {
          for (const cmd of commands) c.write(JSON.stringify(cmd) + '\n');
        } else if (line.includes('"return"') || line.includes('"error"')) {
          if (++answered === commands.length) done(!line.includes('"error"'));
        }
      }
    });
  });
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (IEEE 802.3, zlib's): PNG chunks here, lxcore's metadata journal (rootfs-stage.ts) */
export function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const x of buf) c = CRC_TABLE[(c ^ x) & 255]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Converts a binary PPM (P6, maxval 255) to PNG. */
export function ppmToPng(ppm: Buffer): Buffer {
  let i = 0;
  const token = (): string => {
    while (/\s/.test(String.fromCharCode(ppm[i]!))) i++;
    let s = '';
    while (i < ppm.length && !/\s/.test(String.fromCharCode(ppm[i]!))) s += String.fromCharCode(ppm[i++]!);
    return s;
  };
  if (token() !== 'P6') throw new Error('not a binary PPM');
  const w = Number(token());
  const h = Number(token());
  if (token() !== '255') throw new Error('PPM maxval is not 255');
  i++;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) ppm.copy(raw, y * (w * 3 + 1) + 1, i + y * w * 3, i + (y + 1) * w * 3);
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Takes a screenshot of the VM into `png`; returns the path, or null if it failed. */
export async function screendump(socket: string, png: string): Promise<string | null> {
  const ppm = `${png}.ppm`;
  const ok = await qmp(socket, [{ execute: 'qmp_capabilities' }, { execute: 'screendump', arguments: { filename: ppm } }]);
  if (!ok || !existsSync(ppm)) return null;
  try {
    writeFileSync(png, ppmToPng(readFileSync(ppm)));
    return png;
  } catch {
    return null;
  } finally {
    rmSync(ppm, { force: true });
  }
}
