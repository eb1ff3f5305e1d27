#!/bin/bash
# xenith-vm's bad-input contract: one line naming the file or option, exit status 1.
set -u
vm=$1
dir=$(mktemp -d /tmp/xenith-bad.XXXXXX)
trap 'rm -rf "$dir"' EXIT
failures=0

# expect_error WHAT PATTERN ARGS...: exit 1, exactly one line on stderr matching PATTERN.
expect_error() {
	local what=$1 pattern=$2
	shift 2
	"$vm" "$@" </dev/null >"$dir/out" 2>"$dir/err"
	local rc=$? lines
	lines=$(wc -l <"$dir/err")
	if [ $rc -ne 1 ] || [ "$lines" -ne 1 ] || ! grep -q -- "$pattern" "$dir/err"; then
		echo "FAIL: $what: exit $rc, stderr:" >&2
		cat "$dir/err" >&2
		failures=$((failures + 1))
	else
		echo "ok: $what: $(cat "$dir/err")"
	fi
}

# A well-formed RISC-V Image header with a 4 KiB body: text_offset 0x200000, image_size 4 KiB
# (or $1 bytes).
make_image() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
size = int(sys.argv[2])
hdr = struct.pack('<IIQQQIIQ8s4sI', 0x0000006f, 0, 0x200000, size, 0, 2, 0, 0, b'RISCV\0\0\0', b'RSC\x05', 0)
open(sys.argv[1], 'wb').write(hdr + b'\0' * (4096 - len(hdr)))
PY
}

make_image "$dir/Image" 4096
make_image "$dir/Huge" $((200 << 20))
printf 'not a kernel at all, just text that is long enough to hold a header.......\n' >"$dir/text"
printf '\177ELF\002\001\001' >"$dir/bad.elf"
head -c $((15 << 20)) /dev/zero >"$dir/initrd"

expect_error "unknown option" "--frobnicate" --frobnicate
expect_error "bad number" "--memory" --kernel "$dir/Image" --memory lots
expect_error "missing kernel" "kernel $dir/nope: No such file" --kernel "$dir/nope"
expect_error "kernel not an Image" "kernel $dir/text: not a RISC-V Linux Image" --kernel "$dir/text"
expect_error "kernel is a directory" "kernel $dir: not a regular file" --kernel "$dir"
expect_error "missing initrd" "initrd $dir/nope: No such file" --kernel "$dir/Image" --initrd "$dir/nope"
expect_error "missing bios" "bios $dir/nope: No such file" --bios "$dir/nope"
expect_error "truncated bios ELF" "bios $dir/bad.elf: truncated ELF header" --bios "$dir/bad.elf"
expect_error "kernel larger than RAM" "give more --memory" --kernel "$dir/Huge" --memory 64
expect_error "initrd does not fit" "initrd $dir/initrd:.*give more --memory" --kernel "$dir/Image" --initrd "$dir/initrd" --memory 16 --append x
expect_error "too little memory" "--memory 4" --kernel "$dir/Image" --memory 4
expect_error "too many vcpus" "--vcpus 1000" --kernel "$dir/Image" --vcpus 1000
expect_error "unknown console" "--console tty9" --kernel "$dir/Image" --console tty9
expect_error "nothing to boot" "nothing to boot"

[ $failures -eq 0 ] || { echo "FAIL: $failures bad-input cases" >&2; exit 1; }
echo "PASS: every bad input gave one line and exit 1"
