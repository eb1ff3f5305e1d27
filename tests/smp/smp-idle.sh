#!/bin/bash
# An idle VCPUS-way guest costs ~0 host CPU: after boot, with every CPU of the guest idle
# (the guest runs `sleep`), the engine process's CPU time over 5 s must stay under a generous
# bound (XENITH_SMP_IDLE_MAX_PERCENT of one core, default 20). The precise figure is printed.
. "$(dirname "$0")/lib.sh"
window=5
max_percent=${XENITH_SMP_IDLE_MAX_PERCENT:-20}
log=$work/log
engine_cmd "$vcpus" "xenith.test=smp-idle smp.idle=$((window + 10))"
"${CMD[@]}" </dev/null >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT

deadline=$((SECONDS + TIMEOUT))
until grep -q '^smp-idle: sleeping' "$log"; do
	kill -0 "$pid" 2>/dev/null || { tail -30 "$log" >&2; fail "engine exited before the guest went idle"; }
	[ $SECONDS -lt $deadline ] || { tail -30 "$log" >&2; fail "guest not idle within ${TIMEOUT}s"; }
	sleep 0.2
done
sleep 1 # let the shell's fork/exec of sleep settle

# utime+stime (fields 14, 15 of /proc/PID/stat, clock ticks) of the whole process, and the
# per-thread run time in ns from /proc/PID/task/*/schedstat (more precise).
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
run_ns() { cat /proc/"$pid"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%d", s }'; }
hz=$(getconf CLK_TCK)
t0=$(ticks) n0=$(run_ns) w0=$(date +%s.%N)
sleep "$window"
t1=$(ticks) n1=$(run_ns) w1=$(date +%s.%N)
kill -0 "$pid" 2>/dev/null || fail "engine exited during the measurement window"
read -r percent ms precise <<<"$(awk -v a="$t0" -v b="$t1" -v na="$n0" -v nb="$n1" -v hz="$hz" -v wa="$w0" -v wb="$w1" \
	'BEGIN { w = wb - wa; printf "%.2f %.1f %.3f", 100 * (b - a) / hz / w, 1000 * (b - a) / hz, 100 * (nb - na) / 1e9 / w }')"
info "$(engine_name) vcpus=$vcpus idle: ${ms} ms CPU in ${window} s = ${percent}% of one core (schedstat: ${precise}%)"
threads=$(ls /proc/"$pid"/task | wc -l)
awk -v p="$percent" -v m="$max_percent" 'BEGIN { exit !(p < m) }' ||
	fail "idle guest used ${percent}% of a host core over ${window} s (bound ${max_percent}%, $threads threads)"
pass "$(engine_name) vcpus=$vcpus: idle guest uses ${percent}% of one host core (${precise}% by schedstat, $threads threads)"
