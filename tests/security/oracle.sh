#!/bin/sh
# Linux as the oracle for tests/security/accessprobe.c: the files lxsectest.c makes in the
# guest, as root's files with Linux modes, probed by a user who is not root. Prints the
# probe's exit status for that user (expected 45) and for root (expected 0).
# Needs root (to make the files and change user) and a kernel that runs i386 programs.
# Usage: tests/security/oracle.sh ACCESSPROBE
set -eu
probe=$(readlink -f "$1")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
cd "$dir"
echo secret > adminonly.txt && chmod 644 adminonly.txt
mkdir private && chmod 700 private
echo inner > private/inner.txt && chmod 600 private/inner.txt
echo open > open.txt && chmod 666 open.txt
cp "$probe" ./accessprobe && chmod 755 ./accessprobe
set +e
setpriv --reuid=nobody --regid=nogroup --clear-groups ./accessprobe
echo "user: $?"
./accessprobe
echo "root: $?"
