// Assembles `lxgen test`'s own boot disk from a ReactOS build's output, without the livecd
// target (which stops on modules Debian's toolchain cannot link):
//   - every file of the build's livecd path list that the build produced (missing GUI
//     modules are simply left out), except freeldr.ini and the hives, which are replaced;
//   - hives made with the build's own mkhive from the same inputs as the livecd's
//     (registry.inf + livecd.inf + caroots.inf + hiveinst.inf) plus lxss-test.inf, which sets
//     Session Manager\BootExecute to the runner (livecd.inf empties it);
//   - a freeldr.ini that boots at once with the kernel debugger on COM1 (/KDSERIAL so KDBG
//     reads its commands from the serial line, not the keyboard);
//   - a hard disk image, not a CD: an MBR with the build's dosmbr.bin code and one active FAT16
//     partition whose boot sector is the build's fat.bin (freeldr.sys in its root), filled with
//     mtools. A CD does not work next to a payload hard disk: the build's isoboot.bin then waits
//     5 s and boots the hard disk, and the regtest isobtrt.bin boots the hard disk at once.
// The image is cached under .lxss/vm/media/ and rebuilt when any input changes; QEMU opens it
// with snapshot=on, so a run never changes it.
import { createHash } from 'node:crypto';
import {
  closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync,
  symlinkSync, writeFileSync, writeSync,
} from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parsePathList, type PathListEntry, type ReactosBuild } from './reactos-build.ts';
import { checkBootFiles } from './boot-files.ts';
import { checkHives, lintInf } from './hive-check.ts';

export const RUNNER_IMAGE = 'lxtestrun';

export interface BootMediumOptions {
  /** Extra words for the kernel command line. */
  extraBootOptions?: string[];
  /** Boot the multiprocessor kernel: ntkrnlmp.exe as ntoskrnl.exe, halmacpi.dll as hal.dll. */
  smp?: boolean;
  /** A runner executable to put on the medium instead of the build's own. */
  runner?: string;
  /** Extra files (path on the disk -> host file), replacing the build's of the same name. */
  extraFiles?: PathListEntry[];
  /** Extra registry .inf files for mkhive, merged after everything else. */
  extraInfs?: string[];
  /** The runner returns after its plan instead of powering off (lxgen test --until). */
  continueBoot?: boolean;
  /** Force a rebuild even if the cache looks fresh. */
  rebuild?: boolean;
  log?: (msg: string) => void;
}

export interface BootMedium {
  image: string;
  /** Where the runner on the medium comes from. */
  runner: string | null;
  reused: boolean;
  files: number;
  /** Livecd entries whose file the build did not produce. */
  missing: string[];
  hasRunner: boolean;
  hasLxcore: boolean;
}

/** How much newer the uniprocessor kernel or HAL may be before the multiprocessor one is stale. */
const STALE_MS = 120_000;

/** The files `--smp` boots instead of the uniprocessor kernel and HAL (dest -> livecd entry). */
export const SMP_SUBSTITUTES: Record<string, string> = {
  'reactos/system32/ntoskrnl.exe': 'reactos/system32/ntkrnlmp.exe',
  'reactos/system32/hal.dll': 'reactos/system32/halmacpi.dll',
};

/**
 * Replaces the kernel and the HAL by the multiprocessor ones of the same list (ntkrnlmp.exe,
 * halmacpi.dll), which stay on the disk under their own names too.
 */
export function substituteSmpFiles(keep: PathListEntry[]): PathListEntry[] {
  return keep.map((e) => {
    const from = SMP_SUBSTITUTES[e.dest.toLowerCase()];
    if (!from) return e;
    const src = keep.find((k) => k.dest.toLowerCase() === from)?.src;
    const target = from.endsWith('.exe') ? 'ntkrnlmp' : 'halmacpi';
    if (!src) throw new Error(`--smp: the build has not produced ${from.split('/').pop()} (ninja ${target})`);
    // Both come from the same sources, but are separate targets: after `ninja ntoskrnl` (or
    // hal) alone the multiprocessor one is stale, and may not even match pico.h any more.
    if (existsSync(e.src) && existsSync(src) && statSync(e.src).mtimeMs - statSync(src).mtimeMs > STALE_MS)
      throw new Error(`--smp: ${src} is older than ${e.src}, built from the same sources: build it again (ninja -C <build> ${target})`);
    return { dest: e.dest, src };
  });
}

export function freeldrIni(extra: string[] = []): string {
  const options = ['/DEBUG', '/DEBUGPORT=COM1', '/BAUDRATE=115200', '/SOS', '/FASTDETECT', '/MININT', '/KDSERIAL', ...extra];
  return [
    '[FREELOADER]',
    'DefaultOS=LxssTest',
    'TimeOut=0',
    '',
    '[Display]',
    'TitleText=ReactOS lxss test',
    'MinimalUI=Yes',
    '',
    '[Operating Systems]',
    'LxssTest="ReactOS (lxss test runner)"',
    '',
    '[LxssTest]',
    'BootType=Windows2003',
    'SystemPath=\\reactos',
    `Options=${options.join(' ')}`,
    '',
  ].join('\r\n');
}

/** The Tcpip service as network setup writes it (REG_DWORD, REG_SZ, REG_EXPAND_SZ) */
const TCPIP_SERVICE: [string, string, string][] = [
  ['Type', '0x00010001', '0x00000001'],
  ['Start', '0x00010001', '0x00000001'],
  ['ErrorControl', '0x00010001', '0x00000001'],
  ['Group', '0x00000000', '"PNP_TDI"'],
  ['ImagePath', '0x00020000', '"system32\\drivers\\tcpip.sys"'],
];

/**
 * The VM's network card (qemu.ts: QEMU's AMD PCnet on PCI slot 3, on its user-mode network)
 * installed as network setup would install it, since PnP's user-mode installers run after
 * BootExecute: the kernel loads pcnet.sys for the device whose Enum key names the PCNet
 * service; NDIS names the adapter \Device\{GUID} from its class key's Linkage\Export (and
 * needs the Enum key's Driver value to find that key); tcpip.sys binds to it and reads its
 * static address from Tcpip\Parameters\Interfaces\{GUID} (EnableDHCP 0: no DHCP client runs
 * this early). The instance id is pci.sys's slot (device 3, function 0: "03") after the
 * parent's ParentIdPrefix, "level&crc32(parent's instance path)": PCI_HAL\PNP0A03\0 at level 2
 * with the uniprocessor HAL, ACPI\PNP0A03\0 at level 3 with the multiprocessor one (--smp).
 */
export const NIC = {
  guid: '{6C6C7373-0001-4E49-4300-4C5853534E45}',
  address: '10.0.2.15',
  mask: '255.255.255.0',
  gateway: '10.0.2.2',
  hardwareId: 'PCI\\VEN_1022&DEV_2000&SUBSYS_00000000&REV_10',
  instances: ['2&b3ac4ede&03', '3&609b8881&03'],
};

const NET_CLASS = '{4D36E972-E325-11CE-BFC1-08002BE10318}';

function nicRegistry(): string[] {
  const svc = 'SYSTEM\\CurrentControlSet\\Services';
  const cls = `SYSTEM\\CurrentControlSet\\Control\\Class\\${NET_CLASS}\\0000`;
  const ifc = `${svc}\\Tcpip\\Parameters\\Interfaces\\${NIC.guid}`;
  const lines = [
    '; the network card (QEMU\'s PCnet, PCI slot 3), installed as network setup would',
    `HKLM,"${svc}\\PCNet","Type",0x00010001,0x00000001`,
    `HKLM,"${svc}\\PCNet","Start",0x00010001,0x00000003`,
    `HKLM,"${svc}\\PCNet","ErrorControl",0x00010001,0x00000001`,
    `HKLM,"${svc}\\PCNet","Group",0x00000000,"NDIS"`,
    `HKLM,"${svc}\\PCNet","ImagePath",0x00020000,"system32\\drivers\\pcnet.sys"`,
  ];
  for (const instance of NIC.instances) {
    const key = `SYSTEM\\CurrentControlSet\\Enum\\${NIC.hardwareId}\\${instance}`;
    lines.push(
      `HKLM,"${key}","Service",0x00000000,"PCNet"`,
      `HKLM,"${key}","ClassGUID",0x00000000,"${NET_CLASS}"`,
      `HKLM,"${key}","Driver",0x00000000,"${NET_CLASS}\\0000"`,
      `HKLM,"${key}","ConfigFlags",0x00010001,0x00000000`,
    );
  }
  lines.push(
    `HKLM,"${cls}","DriverDesc",0x00000000,"AMD PCNet Ethernet Adapter"`,
    `HKLM,"${cls}","NetCfgInstanceId",0x00000000,"${NIC.guid}"`,
    `HKLM,"${cls}","Characteristics",0x00010001,0x00000004`,
    `HKLM,"${cls}\\Linkage","Export",0x00000000,"\\Device\\${NIC.guid}"`,
    `HKLM,"${cls}\\Linkage","RootDevice",0x00000000,"${NIC.guid}"`,
    `HKLM,"${cls}\\Linkage","UpperBind",0x00000000,"Tcpip"`,
    `HKLM,"${ifc}","EnableDHCP",0x00010001,0x00000000`,
    `HKLM,"${ifc}","IPAddress",0x00010000,"${NIC.address}"`,
    `HKLM,"${ifc}","SubnetMask",0x00010000,"${NIC.mask}"`,
    `HKLM,"${ifc}","DefaultGateway",0x00010000,"${NIC.gateway}"`,
  );
  return lines;
}

/**
 * Registry settings the runner needs, on top of the livecd's. With `continueBoot` the runner
 * is started as "lxtestrun continue": it returns after its plan and the boot goes on.
 */
export function lxssTestInf(continueBoot = false): string {
  return [
    '[Version]',
    'Signature = "$Windows NT$"',
    '',
    '[AddReg]',
    '; lxgen test: run the test runner from smss before anything else starts',
    `HKLM,"SYSTEM\\CurrentControlSet\\Control\\Session Manager","BootExecute",0x00010000,"${RUNNER_IMAGE}${continueBoot ? ' continue' : ''}"`,
    '; the VM has no BusLogic SCSI adapter: do not spend a second probing for one',
    'HKLM,"SYSTEM\\CurrentControlSet\\Services\\BusLogic","Start",0x00010001,0x00000004',
    '; TCP/IP (AF_INET sockets): the service network setup installs with an adapter',
    ...TCPIP_SERVICE.map(([name, type, value]) => `HKLM,"SYSTEM\\CurrentControlSet\\Services\\Tcpip","${name}",${type},${value}`),
    ...nicRegistry(),
    '',
  ].join('\r\n');
}

const HIVES = ['system', 'software', 'default', 'sam', 'security'];

export function hiveInputs(build: ReactosBuild, lxssInf: string): string[] {
  const bd = path.join(build.sourceDir, 'boot', 'bootdata');
  return [build.registryInf, path.join(bd, 'livecd.inf'), path.join(bd, 'caroots.inf'), path.join(bd, 'hiveinst.inf'), lxssInf];
}

/** The entries of the livecd list that go on our medium, and those the build lacks. */
export function selectFiles(entries: PathListEntry[]): { keep: PathListEntry[]; missing: string[] } {
  const keep: PathListEntry[] = [];
  const missing: string[] = [];
  for (const e of entries) {
    const lower = e.dest.toLowerCase();
    if (lower === 'freeldr.ini' || lower.startsWith('reactos/system32/config/')) continue;
    if (!existsSync(e.src)) {
      missing.push(e.dest);
      continue;
    }
    keep.push(e);
  }
  return { keep, missing };
}

function fingerprint(parts: (string | PathListEntry)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    if (typeof p === 'string') {
      h.update(`s:${p}\n`);
    } else {
      const st = statSync(p.src);
      h.update(`f:${p.dest}=${p.src}:${st.size}:${st.mtimeMs}\n`);
    }
  }
  return h.digest('hex').slice(0, 16);
}


const SECTOR = 512;
const PART_START = 2048; // 1 MiB

/** MBR: the build's dosmbr.bin boot code, one active FAT16 (LBA) partition from 1 MiB. */
export function bootMbr(dosmbr: Buffer, totalSectors: number): Buffer {
  const mbr = Buffer.alloc(SECTOR);
  dosmbr.copy(mbr, 0, 0, 440);
  const e = 446;
  mbr[e] = 0x80; // active: dosmbr boots it
  mbr.set([0xfe, 0xff, 0xff], e + 1);
  mbr[e + 4] = 0x0e; // FAT16, LBA
  mbr.set([0xfe, 0xff, 0xff], e + 5);
  mbr.writeUInt32LE(PART_START, e + 8);
  mbr.writeUInt32LE(totalSectors - PART_START, e + 12);
  mbr.writeUInt32LE(0x52454143, 440); // disk signature
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  return mbr;
}

async function mtool(cmd: string, args: string[]): Promise<void> {
  await execa(cmd, args, { all: true, env: { MTOOLS_SKIP_CHECK: '1' } }).catch((e) => {
    const msg = (e as { code?: string }).code === 'ENOENT' ? `${cmd} not found: install mtools` : (e as { all?: string }).all ?? String(e);
    throw new Error(`${cmd} failed: ${msg.slice(-2000)}`);
  });
}

/** Directory names lower-cased (FAT is case-insensitive: "Fonts" and "fonts" are one folder). */
function stagePath(dest: string): string {
  const parts = dest.split('/').filter(Boolean);
  return parts.map((p, i) => (i < parts.length - 1 ? p.toLowerCase() : p)).join('/');
}

/**
 * The medium's files before anything is left out: every livecd entry (built or not), with
 * --smp's kernel and HAL, the runner and --add files in place of the build's.
 */
export function plannedFiles(listed: PathListEntry[], opts: Pick<BootMediumOptions, 'smp' | 'runner' | 'extraFiles'>): PathListEntry[] {
  const planned = opts.smp ? substituteSmpFiles(listed) : [...listed];
  const replace = (e: PathListEntry) => {
    const i = planned.findIndex((k) => k.dest.toLowerCase() === e.dest.toLowerCase());
    if (i >= 0) planned.splice(i, 1);
    planned.push(e);
  };
  if (opts.runner) replace({ dest: `reactos/system32/${RUNNER_IMAGE}.exe`, src: opts.runner });
  for (const extra of opts.extraFiles ?? []) {
    if (!existsSync(extra.src)) throw new Error(`extra file ${extra.src} does not exist`);
    replace(extra);
  }
  return planned;
}

export async function assembleBootMedium(build: ReactosBuild, workDir: string, opts: BootMediumOptions = {}): Promise<BootMedium> {
  const log = opts.log ?? (() => {});
  mkdirSync(workDir, { recursive: true });
  const planned = plannedFiles(parsePathList(readFileSync(build.livecdList, 'utf8')), opts);
  const bootsect = path.join(build.dir, 'boot', 'freeldr', 'bootsect');
  const fatBin = path.join(bootsect, 'fat.bin');
  const dosmbrBin = path.join(bootsect, 'dosmbr.bin');
  const ini = freeldrIni(opts.extraBootOptions);
  const inf = lxssTestInf(opts.continueBoot);
  const infPath = path.join(workDir, 'lxss-test.inf');
  writeFileSync(infPath, inf);
  const lint = (opts.extraInfs ?? []).flatMap((f) => lintInf(path.resolve(f)));
  if (lint.length) throw new Error(`--inf refused (mkhive would not do what these lines say):\n  ${lint.join('\n  ')}`);
  const inputs = [...hiveInputs(build, infPath), ...(opts.extraInfs ?? []).map((f) => path.resolve(f))];
  // Refuse a build that lacks anything the boot needs, naming the ninja targets (boot-files.ts).
  checkBootFiles(
    {
      files: planned,
      hiveInputs: inputs,
      buildFiles: [
        { src: dosmbrBin, why: 'MBR boot code' },
        { src: fatBin, why: 'FAT16 partition boot sector (loads freeldr.sys)' },
      ],
      smp: opts.smp,
    },
    build.dir,
  );

  const { keep, missing } = selectFiles(planned);
  const runnerDest = `reactos/system32/${RUNNER_IMAGE}.exe`;
  const runnerSrc = keep.find((e) => e.dest.toLowerCase() === runnerDest)?.src ?? null;
  const hasRunner = runnerSrc !== null;
  const hasLxcore = keep.some((e) => e.dest.toLowerCase() === 'reactos/system32/drivers/lxcore.sys');
  const freeldr = keep.find((e) => e.dest.toLowerCase() === 'loader/freeldr.sys');
  const key = fingerprint([
    'hdd-v1',
    ...(opts.extraInfs ?? []).map((src) => ({ dest: 'extra-inf', src: path.resolve(src) })),
    ini,
    inf,
    ...keep,
    ...[...inputs.slice(0, 4), fatBin, dosmbrBin, build.mkhive].map((src) => ({ dest: 'input', src })),
  ]);
  const image = path.join(workDir, `boot-${key}.img`);
  const result = { image, runner: runnerSrc, files: keep.length, missing, hasRunner, hasLxcore };
  if (existsSync(image) && !opts.rebuild) return { ...result, reused: true };

  // Hives, with the build's own mkhive.
  const hiveDir = path.join(workDir, `hives-${key}`);
  rmSync(hiveDir, { recursive: true, force: true });
  mkdirSync(hiveDir, { recursive: true });
  log(`making hives with ${build.mkhive}`);
  await execa(build.mkhive, [`-h:${HIVES.map((h) => h.toUpperCase()).join(',')}`, `-d:${hiveDir}`, ...inputs], { all: true }).catch((e) => {
    throw new Error(`mkhive failed: ${(e as { all?: string }).all ?? e}`);
  });
  for (const h of HIVES) if (!existsSync(path.join(hiveDir, h))) throw new Error(`mkhive did not write ${h} in ${hiveDir}`);
  // A corrupt hive stops FreeLdr at a message box (or the kernel later): refuse it here.
  const problems = checkHives(hiveDir, inputs, (opts.extraInfs ?? []).map((f) => path.resolve(f)));
  if (problems.length) {
    rmSync(hiveDir, { recursive: true, force: true });
    throw new Error(`the hives ${build.mkhive} made are wrong, so nothing was booted:\n  ${problems.join('\n  ')}`);
  }

  // Staging tree of symlinks named as on the disk.
  const stage = path.join(workDir, `stage-${key}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const iniPath = path.join(hiveDir, 'freeldr.ini');
  writeFileSync(iniPath, ini);
  const entries: PathListEntry[] = [
    ...keep,
    { dest: 'freeldr.sys', src: freeldr!.src }, // fat.bin loads FREELDR.SYS from the root
    { dest: 'freeldr.ini', src: iniPath },
    ...HIVES.map((h) => ({ dest: `reactos/system32/config/${h}`, src: path.join(hiveDir, h) })),
  ];
  let bytes = 0;
  for (const e of entries) {
    const target = path.join(stage, stagePath(e.dest));
    const st = statSync(e.src);
    if (st.isDirectory()) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(target), { recursive: true });
    rmSync(target, { force: true });
    symlinkSync(e.src, target);
    bytes += st.size;
  }

  // Disk: MBR + FAT16 partition with fat.bin, then the files.
  const totalMiB = Math.ceil((bytes * 1.25) / (1 << 20)) + 48;
  if (totalMiB > 1900) throw new Error(`boot files need ${totalMiB} MiB, more than a FAT16 partition holds`);
  const total = totalMiB * 2048;
  const tmp = `${image}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    ftruncateSync(fd, total * SECTOR);
    writeSync(fd, bootMbr(readFileSync(dosmbrBin), total), 0, SECTOR, 0);
  } finally {
    closeSync(fd);
  }
  const part = `${tmp}@@${PART_START * SECTOR}`;
  log(`writing ${image} (${keep.length} files from the build, ${(bytes / (1 << 20)).toFixed(0)} MiB; ${missing.length} not built)`);
  await mtool('mformat', ['-i', part, '-B', fatBin, '-T', String(total - PART_START), '-h', '16', '-s', '63', '-H', String(PART_START), '-v', 'REACTOS', '::']);
  const top = readdirSync(stage).map((f) => path.join(stage, f));
  await mtool('mcopy', ['-i', part, '-s', '-D', 'o', '-Q', ...top, '::/']);
  renameSync(tmp, image);
  rmSync(stage, { recursive: true, force: true });
  for (const f of readdirSync(workDir)) {
    if (/^(boot|hives|stage|freeldr)-[0-9a-f]{16}/.test(f) && !f.includes(key)) rmSync(path.join(workDir, f), { recursive: true, force: true });
  }
  return { ...result, reused: false };
}
