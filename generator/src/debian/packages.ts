// Debian 12 i386 packages the project needs only the files of (never installed on the host):
// fetched with `apt-get download <pkg>:i386` into .lxss/downloads and unpacked with dpkg-deb
// under .lxss/. The i386 architecture comes from generator/setup.sh (dpkg --add-architecture).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILD_DIR } from '../paths.ts';

export type Log = (line: string) => void;

const DOWNLOADS = path.join(BUILD_DIR, 'downloads');
const UNPACKED = path.join(BUILD_DIR, 'debian');

/** Runs a tool to completion; its stdout, or an error with its output. */
export function run(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: opts.cwd, maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (status ${r.status}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Throws with what to do when dpkg has no i386 architecture. */
export function requireI386Architecture(what: string): void {
  if (!run('dpkg', ['--print-foreign-architectures']).split('\n').includes('i386'))
    throw new Error(`${what} needs Debian's i386 packages, and the i386 architecture is not set up: run sh generator/setup.sh`);
}

/** The .deb of pkg:i386 (or of pkg, for an Architecture: all package such as ncurses-base)
 * in .lxss/downloads, downloaded when missing. */
export function downloadI386(pkg: string, log: Log, what: string): string {
  requireI386Architecture(what);
  mkdirSync(DOWNLOADS, { recursive: true });
  const isDeb = (f: string) => f.startsWith(`${pkg}_`) && (f.endsWith('_i386.deb') || f.endsWith('_all.deb'));
  const find = () => readdirSync(DOWNLOADS).find(isDeb);
  const have = find();
  if (have) return path.join(DOWNLOADS, have);
  log(`${what}: fetching ${pkg}:i386 with apt-get download`);
  // into a directory of its own, then renamed: a concurrent lxgen never reads half a .deb
  const tmp = mkdtempSync(path.join(DOWNLOADS, `.${pkg}-`));
  try {
    const download = (name: string) => run('apt-get', ['download', '-q', '-o', 'APT::Sandbox::User=root', name], { cwd: tmp });
    try {
      download(`${pkg}:i386`);
    } catch (err) {
      if (!/has no candidate/.test((err as Error).message)) throw err;
      download(pkg);    // Architecture: all
    }
    const deb = readdirSync(tmp).find(isDeb);
    if (!deb) throw new Error(`apt-get download ${pkg}:i386 left no .deb (run apt-get update, or sh generator/setup.sh)`);
    renameSync(path.join(tmp, deb), path.join(DOWNLOADS, deb));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return path.join(DOWNLOADS, find()!);
}

/** The files of pkg:i386, unpacked once into .lxss/debian/<pkg>/ (its root). Unpacked
 * beside it and renamed into place, so a concurrent lxgen never sees half of it. */
export function unpackedI386(pkg: string, log: Log, what: string): string {
  const dir = path.join(UNPACKED, pkg);
  if (existsSync(dir)) return dir;
  const deb = downloadI386(pkg, log, what);
  mkdirSync(UNPACKED, { recursive: true });
  const tmp = mkdtempSync(path.join(UNPACKED, `.${pkg}-`));
  try {
    run('dpkg-deb', ['-x', deb, tmp]);
    renameSync(tmp, dir);
  } catch (err) {
    if (!existsSync(dir)) throw err; // else another lxgen unpacked it first
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/**
 * Debian's static i386 busybox (package busybox-static): the /bin/sh of the systems the ELF
 * tests run on where the project makes the root file system (the guest's payload disk, the
 * i386 oracle VM). Returns the path of its bin/busybox.
 */
export function busyboxStatic(log: Log): string {
  const bin = path.join(unpackedI386('busybox-static', log, '/bin/sh for the ELF tests'), 'bin', 'busybox');
  if (!existsSync(bin)) throw new Error(`busybox-static:i386 unpacked without bin/busybox (${bin})`);
  return bin;
}

/** A file of an i386 root file system: where it goes (relative, '/' separated) and the host file. */
export interface RootFile {
  diskPath: string;
  file: string;
}

/** A file of an unpacked pkg:i386 as a root file at its own path (a symbolic link in the
 * package becomes the file it names: FAT and cpio roots get the bytes). */
function packageFile(pkg: string, p: string, log: Log): RootFile {
  const root = unpackedI386(pkg, log, 'the i386 root');
  const f = path.join(root, p);
  if (!existsSync(f)) throw new Error(`${pkg}:i386 has no ${p} (${root}): remove that directory to unpack it again`);
  return { diskPath: p, file: realpathSync(f) };
}

/** What a dynamically linked glibc program needs in its root: Debian's i386 loader, C
 * library and libgcc_s (glibc dlopens it for pthread_cancel), as real files at the paths
 * programs name (/lib/ld-linux.so.2 is a symbolic link in the package). */
export function dynamicRuntimeI386(log: Log): RootFile[] {
  return [
    packageFile('libc6', 'lib/ld-linux.so.2', log),
    packageFile('libc6', 'lib/i386-linux-gnu/libc.so.6', log),
    packageFile('libgcc-s1', 'lib/i386-linux-gnu/libgcc_s.so.1', log),
  ];
}

/** Some of Debian's own dynamically linked i386 userland, at the paths Debian installs them:
 * bash, coreutils' commonest programs, sed, grep, tar, gzip, find and awk (mawk), with the
 * libraries they need. What the ELF test userland runs (a real shell with pipes, loops and
 * functions, archives). */
export function debianUserlandI386(log: Log): RootFile[] {
  const file = (pkg: string, p: string) => packageFile(pkg, p, log);
  return [
    file('bash', 'bin/bash'),
    ...['bin/cat', 'bin/echo', 'bin/ls', 'bin/mkdir', 'bin/rm', 'bin/touch', 'usr/bin/head', 'usr/bin/seq', 'usr/bin/sort', 'usr/bin/tr', 'usr/bin/uniq', 'usr/bin/wc'].map((p) => file('coreutils', p)),
    file('sed', 'bin/sed'),
    file('grep', 'bin/grep'),
    file('tar', 'bin/tar'),
    file('gzip', 'bin/gzip'),
    file('findutils', 'usr/bin/find'),
    // awk is an alternative (a link) in Debian: mawk, the default, at its name
    { ...file('mawk', 'usr/bin/mawk'), diskPath: 'usr/bin/awk' },
    file('libc6', 'lib/i386-linux-gnu/libm.so.6'),
    file('libtinfo6', 'lib/i386-linux-gnu/libtinfo.so.6'),
    file('libselinux1', 'lib/i386-linux-gnu/libselinux.so.1'),
    file('libpcre2-8-0', 'usr/lib/i386-linux-gnu/libpcre2-8.so.0'),
    file('libacl1', 'usr/lib/i386-linux-gnu/libacl.so.1'),
  ];
}

/** The name service files a Linux root has (what the C libraries read for getaddrinfo and
 * getservbyname): minimal ones, written once under .lxss/etc. */
export function nameServiceFiles(): RootFile[] {
  const dir = path.join(BUILD_DIR, 'etc');
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {
    hosts: '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n',
    // glibc reads this before it asks DNS; nothing answers on this address
    'resolv.conf': 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n',
    'nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files dns\nservices: files\nprotocols: files\n',
    services: [
      'ftp\t\t21/tcp', 'ssh\t\t22/tcp', 'telnet\t\t23/tcp', 'smtp\t\t25/tcp\t\tmail',
      'domain\t\t53/tcp', 'domain\t\t53/udp', 'http\t\t80/tcp\t\twww', 'pop3\t\t110/tcp',
      'ntp\t\t123/udp', 'imap2\t\t143/tcp\t\timap', 'https\t\t443/tcp', 'https\t\t443/udp',
      'syslog\t\t514/udp', 'http-alt\t8080/tcp\twebcache', '',
    ].join('\n'),
    protocols: 'ip\t0\tIP\nicmp\t1\tICMP\ntcp\t6\tTCP\nudp\t17\tUDP\nipv6\t41\tIPv6\nipv6-icmp\t58\tIPv6-ICMP\n',
  };
  return Object.entries(files).map(([name, text]) => {
    const file = path.join(dir, name);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
    return { diskPath: `etc/${name}`, file };
  });
}

/** An interactive root for the desktop scenarios (vm/scenario.ts): the test root, busybox as
 * /bin/sh and under the names of the applets the scenarios run (vi, less, top, stty: FAT
 * holds no links, so copies), and xterm's terminfo entry (ncurses-base) for bash's readline
 * (lxrun's TERM is xterm) */
export function interactiveRootI386(log: Log): RootFile[] {
  const busybox = busyboxStatic(log);
  return [
    ...testRootI386(log),
    packageFile('coreutils', 'bin/sleep', log),
    ...['bin/sh', 'bin/busybox', 'bin/vi', 'bin/less', 'bin/top', 'bin/stty', 'bin/clear'].map((diskPath) => ({ diskPath, file: busybox })),
    packageFile('ncurses-base', 'lib/terminfo/x/xterm', log),
    // the directories a shell session writes to: /tmp, and /root (HOME)
    ...['tmp/.keep', 'root/.keep'].map((diskPath) => ({ diskPath, file: emptyFile() })),
  ];
}

/** An empty file under .lxss (a directory's only entry in a root made of files) */
function emptyFile(): string {
  const file = path.join(BUILD_DIR, 'etc', 'empty');
  mkdirSync(path.dirname(file), { recursive: true });
  if (!existsSync(file)) writeFileSync(file, '');
  return file;
}

/** Everything of an i386 Linux root the tests run in besides /bin/sh: the dynamic runtime,
 * Debian's userland and /etc's name service files (the guest's payload and the Linux VM
 * oracle's initramfs hold the same) */
export function testRootI386(log: Log): RootFile[] {
  return [...dynamicRuntimeI386(log), ...debianUserlandI386(log), ...nameServiceFiles()];
}
