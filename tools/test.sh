#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: installs packages, builds (Release and
# ASan/UBSan), builds the guest kit once into its cache, then runs every CTest suite.
# Ends with "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

step() { printf '\n== %s\n' "$*" >&2; }

step "Installing Debian packages (tools/install-deps.sh)"
tools/install-deps.sh || { echo "install-deps failed"; echo "0 passed, 1 failed"; exit 1; }

step "Building Release"
build=$(tools/build.sh release) || { echo "Release build failed"; echo "0 passed, 1 failed"; exit 1; }

step "Building the guest kit (cached; built only when missing)"
if guest_dir=$(tools/guest/build.sh --print-dir); then
  export XENITH_GUEST_DIR="$guest_dir"
else
  echo "guest kit build failed: tests that boot a guest will fail" >&2
fi

step "Building unit tests with AddressSanitizer and UndefinedBehaviorSanitizer"
asan_build=$(tools/build.sh asan) || { echo "ASan build failed"; echo "0 passed, 1 failed"; exit 1; }

total_pass=0
total_fail=0
run_ctest() { # run_ctest DIR LABEL-ARGS...
  local dir=$1; shift
  local log
  log=$(mktemp)
  (cd "$dir" && ctest --output-on-failure --timeout 900 -j2 "$@") 2>&1 | tee "$log"
  local line pass fail
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
  if [[ -n "$line" ]]; then
    fail=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$line")
    all=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
    pass=$((all - fail))
  elif grep -q 'No tests were found' "$log"; then
    pass=0; fail=0
  else
    pass=0; fail=1
  fi
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
  rm -f "$log"
}

step "Unit tests under ASan/UBSan"
ASAN_OPTIONS=detect_leaks=1 run_ctest "$asan_build" -L unit

step "All suites (Release): unit, ISA against QEMU, guest boots, end to end"
run_ctest "$build"

echo
echo "$total_pass passed, $total_fail failed"
[[ $total_fail -eq 0 ]]
