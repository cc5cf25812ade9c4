// reactos-patches/: BASE (the ReactOS commit the series applies to), series (patch file
// names in apply order, '#' comments) and the format-patch files themselves.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const BASE_FILE = 'BASE';
export const SERIES_FILE = 'series';
/** Header line `lxgen refresh` writes at the top of the series file. */
export const SERIES_HEADER = [
  '# lxss patch series for ReactOS: one git format-patch file per line, in apply order.',
  '# Base commit in BASE. Written by `lxgen refresh`; applied by `lxgen apply`.',
];

export interface SeriesPatch {
  /** File name inside the patches directory. */
  name: string;
  file: string;
  /** The patch exactly as stored (a diff of a non-UTF-8 file must reach git unchanged). */
  bytes: Buffer;
  /** The same, decoded as UTF-8 (for reading headers and messages). */
  text: string;
  /** Subject line as written in the mail header (for messages). */
  subject: string;
}

export interface Series {
  dir: string;
  base: string;
  patches: SeriesPatch[];
}

export class SeriesError extends Error {}

/** Reads and validates a patch series; throws SeriesError naming the exact problem. */
export function readSeries(dir: string): Series {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new SeriesError(`patch directory ${dir} does not exist`);
  }
  const baseFile = path.join(dir, BASE_FILE);
  if (!existsSync(baseFile)) throw new SeriesError(`${baseFile} is missing (it names the base commit)`);
  const base = readFileSync(baseFile, 'utf8').trim();
  if (!/^[0-9a-f]{40}$/.test(base)) {
    throw new SeriesError(`${baseFile} must hold one full 40-hex commit id, found '${base.slice(0, 60)}'`);
  }
  const seriesFile = path.join(dir, SERIES_FILE);
  const patches: SeriesPatch[] = [];
  if (!existsSync(seriesFile)) throw new SeriesError(`${seriesFile} is missing`);
  const seen = new Set<string>();
  readFileSync(seriesFile, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.replace(/#.*$/, '').trim();
      if (!line) return;
      const where = `${seriesFile}:${i + 1}`;
      if (/\s/.test(line)) throw new SeriesError(`${where}: one patch file name per line, found '${line}'`);
      if (line.includes('/') || line.startsWith('.')) {
        throw new SeriesError(`${where}: '${line}' must be a plain file name in ${dir}`);
      }
      if (seen.has(line)) throw new SeriesError(`${where}: '${line}' is listed twice`);
      seen.add(line);
      const file = path.join(dir, line);
      if (!existsSync(file)) throw new SeriesError(`${where}: patch file ${line} does not exist`);
      const bytes = readFileSync(file);
      const text = bytes.toString('utf8');
      const subject = /^Subject: (.*)$/m.exec(text)?.[1];
      if (!/^From:/m.test(text) || subject === undefined || !/^Date:/m.test(text)) {
        throw new SeriesError(`${where}: ${line} is not a git format-patch mail (needs From:, Date:, Subject: headers)`);
      }
      if (!/^diff --git /m.test(text)) throw new SeriesError(`${where}: ${line} contains no diff`);
      patches.push({ name: line, file, bytes, text, subject });
    });
  return { dir, base, patches };
}

/** The series file's text for a list of patch names. */
export function seriesText(names: string[]): string {
  return [...SERIES_HEADER, ...names].join('\n') + '\n';
}
