#!/usr/bin/env bash
# Regenerates the committed golden table (fpu_golden_small.txt) from real RISC-V semantics:
# cross-compiles fpu_golden_gen.c and runs it under qemu-riscv64. `full` instead prints the
# large table (what the unit test builds at test time) to stdout; `random COUNT SEED` prints a
# stress table of random operands, to replay with XENITH_FPU_GOLDEN_TABLE=FILE unit_fpu.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mode=${1:-small}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
riscv64-linux-gnu-gcc -static -O2 -Wall -o "$tmp/gen" "$here/fpu_golden_gen.c"
if [[ $mode == small ]]; then
  qemu-riscv64 "$tmp/gen" small > "$here/fpu_golden_small.txt"
  echo "wrote $here/fpu_golden_small.txt ($(wc -l < "$here/fpu_golden_small.txt") cases)" >&2
else
  qemu-riscv64 "$tmp/gen" "$@"
fi
