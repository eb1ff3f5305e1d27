#!/bin/bash
# A VCPUS-way guest boots, and nproc, /proc/cpuinfo and sysfs all say VCPUS; a process
# pinned to each CPU runs there.
. "$(dirname "$0")/lib.sh"
boot_test "$work/log" "$vcpus" smp-info
expect_test_exit "$work/log" smp-info
grep '^smp-info:' "$work/log"
field() { sed -n "s/^smp-info: $1=//p" "$work/log" | head -1; }
last=$((vcpus - 1))
seq_csv=$(seq -s, 0 "$last")
range=$([ "$last" = 0 ] && echo 0 || echo "0-$last")
[ "$(field nproc)" = "$vcpus" ] || fail "nproc says $(field nproc), expected $vcpus"
[ "$(field cpuinfo-processors)" = "$vcpus" ] || fail "/proc/cpuinfo lists $(field cpuinfo-processors) processors, expected $vcpus"
# The boot hart becomes CPU 0 and OpenSBI on QEMU boots Linux on whichever hart wins its
# lottery, so the hart ids are compared as a set: each of 0..VCPUS-1 exactly once.
harts_sorted=$(field cpuinfo-harts | tr , '\n' | sort -n | paste -sd,)
[ "$harts_sorted" = "$seq_csv" ] || fail "/proc/cpuinfo harts are $(field cpuinfo-harts), expected each of $seq_csv once"
[ "$(field online)" = "$range" ] || fail "/sys/devices/system/cpu/online is $(field online), expected $range"
[ "$(field possible)" = "$range" ] || fail "/sys/devices/system/cpu/possible is $(field possible), expected $range"
[ "$(field ran-on)" = "$seq_csv" ] || fail "pinned processes ran on CPUs $(field ran-on), expected $seq_csv"
pass "$(engine_name) vcpus=$vcpus: nproc=$vcpus, cpuinfo and sysfs agree ($SECONDS_TAKEN s)"
