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
  asan)    dir="$root/build-asan"; args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DXENITH_SANITIZE=ON) ;;
  *) echo "tools/build.sh: unknown flavour '$flavour' (expected release or asan)" >&2; exit 2 ;;
esac

cmake -S "$root" -B "$dir" -G Ninja "${args[@]}" -DXENITH_WERROR=$werror >/dev/null
ninja -C "$dir" -j"$(nproc)" >&2
echo "$dir"
