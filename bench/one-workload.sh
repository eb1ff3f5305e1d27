#!/bin/bash
# Runs one of the kit's CPU workloads alone on one or more xenith-vm binaries, interleaved, for
# profiling and A/B comparisons of the interpreter. The guest kit is used unchanged: a small cpio
# archive appended to its initramfs adds /etc/xenith/tests/one, which the kit's xenith.test hook
# runs (Linux unpacks concatenated archives, as bench/iobench.py does for iobench).
#
#   bench/one-workload.sh [-w ashloop|sha256|gzip|bc|forkexec] [-n N] [-r ROUNDS] [-p PREFIX] BINARY...
#
# -n is the workload's size (ashloop: iterations, default 200000; sha256, gzip: MiB; bc: scale;
# forkexec: iterations). -p runs each binary under PREFIX (e.g. "valgrind --tool=callgrind").
# Per run it prints the guest's own time for the workload, the host user/system CPU seconds of
# the whole process (boot included, from /usr/bin/time) and the guest instructions retired
# (xenith-vm's exit line), so two binaries can be checked to have done the same work.
set -euo pipefail

work=ashloop n= rounds=1 prefix=
while getopts "w:n:r:p:" o; do
	case $o in
	w) work=$OPTARG ;;
	n) n=$OPTARG ;;
	r) rounds=$OPTARG ;;
	p) prefix=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-w WORK] [-n N] [-r ROUNDS] [-p PREFIX] BINARY..." >&2; exit 2; }
guest=${XENITH_GUEST_DIR:-$HOME/.cache/xenith/guest/current}
[ -f "$guest/Image" ] || { echo "no guest kit in $guest (tools/guest/build.sh)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/xenith-one-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/root/etc/xenith/tests"
# The same workload bodies as the kit's /etc/xenith/tests/bench.
cat >"$tmp/root/etc/xenith/tests/one" <<'EOF'
#!/bin/sh
for w in $(cat /proc/cmdline); do
	case "$w" in xenith.one.work=*) work=${w#*=} ;; xenith.one.n=*) n=${w#*=} ;; esac
done
now() { read -r u _ </proc/uptime; echo "$u"; }
case $work in
sha256) n=${n:-64} ;; gzip) n=${n:-32} ;; bc) n=${n:-1500} ;; forkexec) n=${n:-1000} ;; *) n=${n:-200000} ;;
esac
# gzip's input as the kit's bench makes it (busybox repeated), prepared before the clock starts.
if [ "$work" = gzip ]; then
	i=0; while [ $i -lt "$n" ]; do cat /bin/busybox; i=$((i + 1)); done | head -c $((n * 1048576)) >/tmp/one-gzip.dat
fi
t0=$(now)
case $work in
ashloop)  i=0; while [ $i -lt $n ]; do i=$((i + 1)); done ;;
sha256)   dd if=/dev/zero bs=1048576 count=$n 2>/dev/null | sha256sum >/dev/null ;;
gzip)     gzip -c /tmp/one-gzip.dat >/dev/null ;;
bc)       echo "scale=$n; 4*a(1)" | bc -l >/dev/null ;;
forkexec) i=0; while [ $i -lt $n ]; do /bin/true; i=$((i + 1)); done ;;
esac
t1=$(now)
awk -v a="$t0" -v b="$t1" -v n="$work-$n" 'BEGIN { printf "one %s %.2f\n", n, b - a }'
EOF
chmod +x "$tmp/root/etc/xenith/tests/one"
(cd "$tmp/root" && printf '%s\n' etc etc/xenith etc/xenith/tests etc/xenith/tests/one |
	cpio --quiet -o -H newc -R 0:0 | gzip -n >"$tmp/one.cpio.gz")
cat "$guest/initramfs.cpio.gz" "$tmp/one.cpio.gz" >"$tmp/initrd.gz"

append="console=ttyS0 panic=-1 xenith.test=one xenith.one.work=$work${n:+ xenith.one.n=$n}"
printf '%-40s %8s %8s %8s %14s\n' binary guest_s user_s sys_s instret
for ((r = 0; r < rounds; r++)); do
	k=0
	for bin in "$@"; do
		k=$((k + 1))
		log="$tmp/run-$r-$k.log"
		# shellcheck disable=SC2086
		/usr/bin/time -f 'time %U %S' -o "$tmp/time" $prefix "$bin" --kernel "$guest/Image" \
			--initrd "$tmp/initrd.gz" --memory 256 --vcpus 1 --log-level info --append "$append" >"$log" 2>&1 || true
		g=$(sed -n 's/^one [^ ]* \([0-9.]*\).*/\1/p' "$log" | tail -1)
		ins=$(sed -n 's/.*; \([0-9]*\) guest instructions retired.*/\1/p' "$log" | tail -1)
		read -r _ u s <"$tmp/time"
		printf '%-40s %8s %8s %8s %14s\n' "$bin" "${g:-?}" "$u" "$s" "${ins:-?}"
		[ -n "$g" ] || tail -5 "$log" >&2
	done
done
