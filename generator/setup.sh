#!/bin/sh
# Sets up a fresh Debian 12 machine for lxss: system packages, the musl source package and
# the npm dependencies. Safe to run again; it only installs what is missing.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SUDO=
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "setup: not root and no sudo; install the packages listed in generator/setup.sh by hand" >&2
    fi
fi

# Host packages: node for lxgen; gcc-multilib/binutils for the i386 musl and ELF tests;
# dpkg-dev for `apt-get source musl`; mtools/qemu for `lxgen test` boot media and VMs;
# binutils-mingw-w64-i686 and linux-libc-dev for the lxgen sync tests (stub assembly, unistd_32.h);
# btrfs-progs for the guest security test's disk (a volume whose files keep NT security
# descriptors, generator/src/vm/acl-disk.ts).
PKGS="gcc gcc-multilib binutils make dpkg-dev xz-utils mtools dosfstools qemu-system-x86 binutils-mingw-w64-i686 linux-libc-dev btrfs-progs"
command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs"
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"

missing=
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done

# musl 1.2.3 comes from Debian 12's source package, so deb-src must be enabled. lxss names no
# mirror: the deb-src entries are derived from this machine's own deb entries for its Debian
# release (generator/apt-deb-src.sh), and setup stops with what to add by hand if there are none.
APT_SOURCES="/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources"
need_src=1
# shellcheck disable=SC2086 # the globs are meant to expand
if grep -qsE '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' $APT_SOURCES; then need_src=0; fi

# lxgen fetches i386 Debian packages (linux-image-686:i386 and others) with apt-get download,
# which needs the i386 package lists; nothing i386 is installed on the host by setup.
need_i386=0
dpkg --print-foreign-architectures | grep -qx i386 || need_i386=1

need_update=0
if [ -n "$missing" ] || [ $need_src = 1 ] || [ $need_i386 = 1 ]; then need_update=1; fi
# Also when an earlier run changed the sources but its apt-get update did not complete: apt has
# no i386 package list or no source package list yet.
# shellcheck disable=SC2016 # $(FILENAME) is apt's format field, not a shell expansion
apt_lists() { apt-get indextargets --format '$(FILENAME)' "$@" 2>/dev/null || true; }
[ -n "$(apt_lists 'Identifier: Packages' 'Architecture: i386')" ] || need_update=1
[ -n "$(apt_lists 'Identifier: Sources')" ] || need_update=1

if [ $need_src = 1 ]; then
    if ! src=$(sh "$ROOT/generator/apt-deb-src.sh"); then
        echo "setup: deb-src is not enabled and cannot be derived from the apt sources (see above)" >&2
        exit 1
    fi
    echo "setup: enabling deb-src (needed for the musl source package) in /etc/apt/sources.list.d/lxss-deb-src.sources"
    printf '%s\n' "$src" | $SUDO tee /etc/apt/sources.list.d/lxss-deb-src.sources >/dev/null
fi
if [ $need_i386 = 1 ]; then
    echo "setup: adding the i386 architecture to dpkg (for the i386 package lists)"
    $SUDO dpkg --add-architecture i386
fi
if [ $need_update = 1 ]; then
    echo "setup: installing${missing:- nothing (apt index refresh only)}"
    # A list that failed to download (a mirror caught mid-sync, an unreachable third-party
    # source) makes apt-get update exit non-zero although the lists lxss needs may be there:
    # go on with what apt has; a package that cannot be found then fails the install below.
    $SUDO apt-get update -q || echo "setup: apt-get update reported errors (above); going on with the package lists apt has" >&2
    [ -z "$missing" ] || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi

# The musl source tarball (checked against its pinned sha256 by lxgen when it is used).
mkdir -p "$ROOT/.lxss/downloads"
if [ ! -f "$ROOT/.lxss/downloads/musl_1.2.3.orig.tar.gz" ]; then
    echo "setup: fetching the musl 1.2.3 source package"
    (cd "$ROOT/.lxss/downloads" && apt-get source --download-only -q musl=1.2.3-1 >/dev/null 2>&1 \
        || apt-get source --download-only -q musl >/dev/null)
fi

cd "$ROOT"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "setup: installing npm dependencies"
    # package-lock.json lists the optional packages of every platform (esbuild, rollup, fsevents),
    # so npm install honours it and leaves it byte-identical (npm ci would accept it as well).
    # npm install rather than ci because it updates an existing node_modules instead of deleting it.
    npm install --no-audit --no-fund
fi
