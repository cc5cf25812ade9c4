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
# binutils-mingw-w64-i686 and linux-libc-dev for the lxgen sync tests (stub assembly, unistd_32.h).
PKGS="gcc gcc-multilib binutils make dpkg-dev xz-utils mtools dosfstools qemu-system-x86 binutils-mingw-w64-i686 linux-libc-dev"
command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs"
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"

missing=
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done

# musl 1.2.3 comes from Debian 12's source package, so deb-src must be enabled.
need_src=1
if grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then need_src=0; fi

if [ -n "$missing" ] || [ $need_src = 1 ]; then
    if [ $need_src = 1 ]; then
        echo "setup: enabling deb-src for bookworm (needed for the musl source package)"
        printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
            | $SUDO tee /etc/apt/sources.list.d/lxss-deb-src.sources >/dev/null
    fi
    echo "setup: installing${missing:- nothing (apt index refresh only)}"
    $SUDO apt-get update -q
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
