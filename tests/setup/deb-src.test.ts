// generator/apt-deb-src.sh: the deb-src entries setup.sh writes are derived from the machine's own
// apt sources (fixtures under tests/setup/fixtures name only example hosts), and lxss itself
// names no package mirror.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'generator/apt-deb-src.sh');
const fixture = (name: string) => join(ROOT, 'tests/setup/fixtures', name);

function derive(args: string[]) {
  const r = spawnSync('sh', [SCRIPT, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const HEADER =
  '# deb-src for the Debian bookworm source packages lxss uses (musl), derived by\n' +
  "# generator/apt-deb-src.sh from the deb entries of this machine's apt sources.\n";

const DEBIAN12 =
  HEADER +
  'Types: deb-src\n' +
  'URIs: http://mirror.example/debian\n' +
  'Suites: bookworm bookworm-updates\n' +
  'Components: main\n' +
  'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n';

describe('apt-deb-src.sh', () => {
  it("copies Debian 12's deb822 main archive stanza as deb-src (the security stanza is not bookworm or bookworm-updates)", () => {
    const r = derive(['-c', 'bookworm', fixture('debian12.sources')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(DEBIAN12);
  });

  it('reads one-line sources.list entries, with and without [options]', () => {
    const r = derive(['-c', 'bookworm', fixture('sources.list')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      HEADER +
        'Types: deb-src\n' +
        'URIs: http://mirror.example/debian\n' +
        'Suites: bookworm\n' +
        'Components: main contrib non-free-firmware\n' +
        '\n' +
        'Types: deb-src\n' +
        'URIs: http://mirror.example/debian\n' +
        'Suites: bookworm-updates\n' +
        'Components: main contrib non-free-firmware\n' +
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n',
    );
  });

  it('ignores third-party repositories (nodesource, cloud-sdk-bookworm, a "bookworm stable" repo)', () => {
    const r = derive(['-c', 'bookworm', fixture('nodesource.sources'), fixture('debian12.sources'), fixture('cloud-sdk.list')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(DEBIAN12);
  });

  it('keeps an inline Signed-By key and skips Enabled: no stanzas', () => {
    const r = derive(['-c', 'bookworm', fixture('inline-key.sources')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      HEADER +
        'Types: deb-src\n' +
        'URIs: http://mirror.example/debian\n' +
        'Suites: bookworm\n' +
        'Components: main\n' +
        'Signed-By:\n' +
        ' -----BEGIN PGP PUBLIC KEY BLOCK-----\n' +
        ' .\n' +
        ' mDMEZXhhbXBsZS1rZXktbm90LWEtcmVhbC1vbmU=\n' +
        ' =AbCd\n' +
        ' -----END PGP PUBLIC KEY BLOCK-----\n',
    );
  });

  it('takes the codename from os-release', () => {
    const r = derive(['-o', fixture('os-release'), fixture('debian12.sources')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(DEBIAN12);
  });

  it('fails with what to add by hand when no source serves this Debian release', () => {
    const r = derive(['-c', 'bookworm', fixture('nodesource.sources'), fixture('cloud-sdk.list'), fixture('bullseye.sources')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no apt entry serves Debian bookworm');
    expect(r.stderr).toContain('Add the deb-src entry by hand');
    expect(r.stderr).toMatch(/Types: deb-src\n\s+URIs: <the URI of your Debian mirror>\n\s+Suites: bookworm bookworm-updates\n/);
    const none = derive(['-c', 'bookworm', fixture('no-such-file.list')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no readable source files');
  });

  it('fails clearly without a codename', () => {
    const r = derive(['-o', fixture('no-such-os-release'), fixture('debian12.sources')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('cannot tell the Debian release');
  });

  it('writes a file apt reads as deb-src Sources targets', (ctx) => {
    if (spawnSync('apt-get', ['--version']).status !== 0) ctx.skip();
    const dir = mkdtempSync(join(tmpdir(), 'lxss-deb-src-'));
    try {
      mkdirSync(join(dir, 'parts'));
      mkdirSync(join(dir, 'lists'));
      writeFileSync(join(dir, 'parts/lxss-deb-src.sources'), derive(['-c', 'bookworm', fixture('debian12.sources')]).stdout);
      const r = spawnSync(
        'apt-get',
        [
          '-o', `Dir::Etc::SourceParts=${join(dir, 'parts')}`,
          '-o', 'Dir::Etc::SourceList=/dev/null',
          '-o', `Dir::State::Lists=${join(dir, 'lists')}`,
          'indextargets', '--no-release-info', '--format', '$(TARGET_OF) $(SITE) $(RELEASE) $(COMPONENT) $(IDENTIFIER)',
        ],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim().split('\n').sort()).toEqual([
        'deb-src http://mirror.example/debian bookworm main Sources',
        'deb-src http://mirror.example/debian bookworm-updates main Sources',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('lxss names no package mirror', () => {
  it('setup.sh, apt-deb-src.sh and the fixtures name example hosts only', () => {
    const files = ['generator/setup.sh', 'generator/apt-deb-src.sh', ...['debian12.sources', 'sources.list', 'nodesource.sources', 'cloud-sdk.list', 'bullseye.sources', 'inline-key.sources'].map((f) => `tests/setup/fixtures/${f}`)];
    for (const f of files) {
      const hosts = [...readFileSync(join(ROOT, f), 'utf8').matchAll(/[a-z][a-z0-9+.-]*:\/\/([^/\s"'<>]+)/gi)].map((m) => m[1]!);
      expect(hosts.filter((h) => !/(^|\.)example$/.test(h)), f).toEqual([]);
    }
  });
});
