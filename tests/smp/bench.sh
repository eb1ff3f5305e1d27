#!/bin/bash
# SMP measurements (not a test): boot time to the ready marker for each vCPU count, and a
# parallel workload (sha256 of 64 MiB of zeros, alone and two at once) on 1 and 2 vCPUs.
# usage: bench.sh XENITH_VM|qemu "1 2 4" OVERLAY.cpio.gz
# For QEMU MTTCG: XENITH_SMP_QEMU_ACCEL=tcg,thread=multi bench.sh qemu "1 2" OVERLAY
# Prints "bench ENGINE vcpus=N NAME SECONDS" lines; host-cpu is the engine process's user+sys.
# Set BENCH_SKIP_BOOT=1 to measure only the parallel workload.
. "$(dirname "$0")/lib.sh"
name=$(engine_name)${XENITH_SMP_QEMU_ACCEL:+($XENITH_SMP_QEMU_ACCEL)}
for n in $vcpus; do
	[ -z "${BENCH_SKIP_BOOT:-}" ] || break
	boot_test "$work/boot" "$n" poweroff
	expect_test_exit "$work/boot" poweroff
	up=$(sed -n 's/^xenith-guest: ready uptime=//p' "$work/boot")
	echo "bench $name vcpus=$n boot-to-marker-guest-uptime $up"
	echo "bench $name vcpus=$n boot-to-poweroff-wall $SECONDS_TAKEN"
	echo "bench $name vcpus=$n boot-to-poweroff-host-cpu $HOST_CPU"
done
for n in $vcpus; do
	[ "$n" -le 2 ] || continue
	boot_test "$work/par" "$n" smp-bench
	expect_test_exit "$work/par" smp-bench
	sed -n "s/^bench /bench $name vcpus=$n /p" "$work/par"
	echo "bench $name vcpus=$n boot+sha256-runs-host-cpu $HOST_CPU (wall $SECONDS_TAKEN)"
done
