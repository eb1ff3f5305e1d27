#!/bin/bash
# Runs one bare-metal ISA test ELF on qemu-system-riscv64 and on xenith-vm and compares them.
#
# usage: run_isa_test.sh XENITH_VM TEST.elf    compare QEMU with xenith-vm
#        run_isa_test.sh --qemu-only TEST.elf  check the test itself on QEMU
#
# The verdict is the SiFive test finisher's code, which both emulators turn into their exit
# status (pass -> 0, fail -> code). QEMU must pass (otherwise the test is wrong), and
# xenith-vm must give the same exit status and the same UART output, byte for byte.
set -u

TIMEOUT=${ISA_TIMEOUT:-10}
QEMU=${QEMU:-qemu-system-riscv64}

if [ $# -ne 2 ]; then
  echo "usage: $0 XENITH_VM|--qemu-only TEST.elf" >&2
  exit 2
fi
vm=$1
elf=$2
name=$(basename "$elf" .elf)
if [ ! -f "$elf" ]; then
  echo "$name: test image $elf does not exist (build the isa_tests target)" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/isa-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT

describe_status() {
  case $1 in
    0) echo "0 (pass)" ;;
    124) echo "124 (timed out after ${TIMEOUT}s)" ;;
    *) echo "$1" ;;
  esac
}

timeout "$TIMEOUT" "$QEMU" -M virt -bios "$elf" -nographic -m 128 \
  </dev/null >"$work/qemu.out" 2>"$work/qemu.err"
qemu_rc=$?
if [ $qemu_rc -ne 0 ]; then
  echo "$name: QEMU itself reports failure, status $(describe_status $qemu_rc): the test is wrong"
  echo "--- QEMU UART output:"
  cat "$work/qemu.out"
  echo "--- QEMU stderr:"
  cat "$work/qemu.err"
  exit 1
fi

if [ "$vm" = "--qemu-only" ]; then
  cat "$work/qemu.out"
  echo "$name: passes on QEMU"
  exit 0
fi

if [ ! -x "$vm" ]; then
  echo "$name: xenith-vm binary $vm is not executable" >&2
  exit 2
fi
# Twice: as domains run (blocks compiled once hot), and with every block compiled at its first
# entry, so code that runs once is checked in the JIT too.
status=0
for mode in default jit-first; do
  extra=()
  [ "$mode" = jit-first ] && extra=(--jit-hot-entries 1)
  timeout "$TIMEOUT" "$vm" --bios "$elf" --memory 128 "${extra[@]}" \
    </dev/null >"$work/vm.out" 2>"$work/vm.err"
  vm_rc=$?
  failed=0
  if [ $vm_rc -ne $qemu_rc ]; then
    echo "$name ($mode): exit status differs: QEMU $(describe_status $qemu_rc), xenith-vm $(describe_status $vm_rc)"
    failed=1
  fi
  if ! cmp -s "$work/qemu.out" "$work/vm.out"; then
    echo "$name ($mode): UART output differs (--- QEMU, +++ xenith-vm):"
    diff -u --label qemu --label xenith-vm "$work/qemu.out" "$work/vm.out" | head -n 80
    failed=1
  fi
  if [ $failed -ne 0 ]; then
    status=1
    if [ -s "$work/vm.err" ]; then
      echo "--- xenith-vm stderr:"
      head -n 40 "$work/vm.err"
    fi
  fi
done
if [ $status -ne 0 ]; then
  exit 1
fi
echo "$name: QEMU and xenith-vm agree ($(wc -l <"$work/qemu.out") lines, status $qemu_rc)"
exit 0
