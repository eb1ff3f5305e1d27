#!/usr/bin/env bash
# Installs every Debian package Xenith's build, tests, benchmarks and guest kit need.
# Idempotent: a machine that already has them all returns at once.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  # libraries (the README says why each one is here)
  libfdt-dev libxbyak-dev liburing-dev libslirp-dev libglib2.0-dev nlohmann-json3-dev libcli11-dev
  libfmt-dev libspdlog-dev libgtest-dev libgmock-dev libbenchmark-dev
  # ISA tests: cross assembler and the reference emulator and firmware
  binutils-riscv64-linux-gnu gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
  qemu-system-misc opensbi u-boot-qemu
  # guest kit: kernel and busybox builds, images
  linux-source-6.1 flex bison bc libssl-dev libelf-dev cpio xz-utils dpkg-dev
  e2fsprogs e2tools fakeroot
  # end-to-end tests and benchmarks
  iproute2 bridge-utils iputils-ping procps python3 hyperfine tmux device-tree-compiler qemu-user
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
