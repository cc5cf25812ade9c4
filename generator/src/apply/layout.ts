// Where the project's own sources go in a ReactOS tree. `lxgen apply` installs them,
// `lxgen refresh` leaves INSTALL_ROOT out of the exported patches, `lxgen status` compares them.
// Documented in reactos-patches/README.md.
import type { SourceFile } from './sources.ts';

/** Folder of the ReactOS tree that holds everything the project installs. */
export const INSTALL_ROOT = 'subsystems/lxss';

/** Trailer that marks the commit `lxgen apply` makes for the installed sources. */
export const INSTALLED_TRAILER = 'Lxss-Installed-Sources';

export interface InstallRule {
  /** Folder in the project (relative to its root). */
  from: string;
  /** Folder in the ReactOS tree (relative to its root). */
  to: string;
  /** Sub-folders of `from` (relative to `from`) that another rule installs. */
  exclude?: string[];
}

export const DEFAULT_LAYOUT: InstallRule[] = [
  { from: 'reactos-patches/tree', to: INSTALL_ROOT },
  { from: 'lxcore', to: `${INSTALL_ROOT}/lxcore` },
  { from: 'psxss', to: `${INSTALL_ROOT}/psxss`, exclude: ['lxrun', 'lximport'] },
  { from: 'psxss/lxrun', to: `${INSTALL_ROOT}/lxrun` },
  { from: 'tests/runner', to: `${INSTALL_ROOT}/runner` },
];

/**
 * Where a file lxgen builds (not a source) goes in the tree: lximport, the Linux program
 * `lxrun --import` runs, which ReactOS's build cannot make (generator/src/musl/lximport.ts).
 * reactos-patches/tree/CMakeLists.txt puts it in system32 of the tree's own boot media.
 */
export const LXIMPORT_TREE_PATH = `${INSTALL_ROOT}/lximport/lximport`;

/** The built lximport (generator/src/musl/lximport.ts) as a file apply installs */
export function lximportInstall(file: string): SourceFile {
  return { treePath: LXIMPORT_TREE_PATH, absPath: file, mode: '100755' };
}
