#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install packages, build Xenith, build the guest
# kit (once), start a private xend, and boot the bundled example domain with `xm create -c`.
# Log in as root (no password); Ctrl-] detaches, `poweroff` in the guest ends the domain.
# The example host lives in build/example-host (its own config, state, run and log dirs), so
# this never touches /etc/xen or a system xend.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tools/install-deps.sh
build=$(tools/build.sh release)
guest=$(tools/guest/build.sh --print-dir)

host="$build/example-host"
export XENITH_CONFIG_DIR="$host/etc/xen" XENITH_STATE_DIR="$host/state" \
       XENITH_RUN_DIR="$host/run" XENITH_LOG_DIR="$host/log"
mkdir -p "$XENITH_CONFIG_DIR" "$XENITH_STATE_DIR" "$XENITH_RUN_DIR" "$XENITH_LOG_DIR"
export PATH="$build/src:$PATH"

# The example config, pointed at this machine's guest kit.
sed -e "s|^kernel *=.*|kernel  = \"$guest/Image\"|" \
    -e "s|^ramdisk *=.*|ramdisk = \"$guest/initramfs.cpio.gz\"|" \
    examples/xenith-example > "$XENITH_CONFIG_DIR/xenith-example"

xend status >/dev/null 2>&1 || xend start
trap 'xm destroy xenith-example >/dev/null 2>&1 || true; xend stop >/dev/null 2>&1 || true' EXIT
xm list
echo "Booting the example domain: log in as root; Ctrl-] detaches; 'poweroff' ends it." >&2
xm create -c xenith-example
