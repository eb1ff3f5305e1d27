#!/usr/bin/env bash
# Configures and builds Xenith. Usage: tools/build.sh [release|asan]  (default release)
# Release goes to build/, the sanitizer build (AddressSanitizer + UBSan) to build-asan/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
flavour=${1:-release}
werror=OFF
[[ "${CI:-}" == "true" ]] && werror=ON

case "$flavour" in
  release) dir="$root/build"; args=(-DCMAKE_BUILD_TYPE=Release) ;;
  # -O1 -g1 (line tables) instead of RelWithDebInfo's -O2 -g: half the compile time for the same
  # reports with file:line, and this build only runs the unit tests.
  asan)    dir="$root/build-asan"; args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DXENITH_SANITIZE=ON) ;;
  *) echo "tools/build.sh: unknown flavour '$flavour' (expected release or asan)" >&2; exit 2 ;;
esac

cmake -S "$root" -B "$dir" -G Ninja "${args[@]}" -DXENITH_WERROR=$werror >/dev/null
ninja -C "$dir" -j"$(nproc)" >&2
echo "$dir"
