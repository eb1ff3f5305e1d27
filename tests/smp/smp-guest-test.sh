#!/bin/bash
# Runs one SMP guest test (smp-atomics, smp-litmus, smp-hotplug, smp-clock) and requires
# exit 0 and its "NAME: PASS" line; the test's own lines (counts, histograms) are shown.
# usage: smp-guest-test.sh ENGINE VCPUS OVERLAY TEST [KERNEL_ARGS...]
. "$(dirname "$0")/lib.sh"
[ $# -ge 1 ] || fail "usage: $0 ENGINE VCPUS OVERLAY TEST [KERNEL_ARGS...]"
test=$1
shift
prog=${test#smp-}
boot_test "$work/log" "$vcpus" "$test" "$*"
sed -n '/^xenith-guest: ready/,$p' "$work/log" | grep -vE '^\[ *[0-9]+\.[0-9]+\] ' | grep -vE '^run [0-9]+ .* ok$'
# a kernel oops or fatal signal anywhere is a failure even if the script said PASS
if grep -qE 'Oops|BUG:|unhandled signal|Kernel panic' "$work/log"; then
	grep -E -A3 'Oops|BUG:|unhandled signal|Kernel panic' "$work/log" | head -20 >&2
	fail "kernel reported a fault during $test"
fi
expect_test_exit "$work/log" "$test"
grep -qE "^($prog|$test): PASS$" "$work/log" || fail "$test exited 0 but printed no '$prog: PASS' line"
pass "$(engine_name) vcpus=$vcpus $test ($SECONDS_TAKEN s)"
