#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install packages, build Xenith, build the guest
# kit (once), then boot the bundled example domain with its console on this terminal.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tools/install-deps.sh
build=$(tools/build.sh release)
guest=$(tools/guest/build.sh --print-dir)
echo "Booting the example domain (examples/). Quit with Ctrl-A x." >&2
exec "$build/src/xenith-vm" --kernel "$guest/Image" --initrd "$guest/initramfs.cpio.gz" \
  --memory 256 --append "console=ttyS0 panic=-1"
