#!/bin/bash
# (b) An image made by image-create.sh boots on QEMU virt with root=/dev/vda
# (virtio-blk-device on virtio-mmio), reaches the marker, and init configured
# hostname, a read-write root and the static eth0 address from the image.
. "$(dirname "$0")/lib.sh"
kit=$(kit_dir)
XENITH_GUEST_DIR=$kit "$repo/tools/guest/image-create.sh" tb1 --size 128M --hostname guest-b \
  --ip 10.0.2.15/24 --gateway 10.0.2.2 --out "$work/img" --config-dir "$work/etc" 2>"$work/create.log" \
  || { cat "$work/create.log" >&2; fail "image-create.sh failed"; }
qemu_run "$work/console" -kernel "$kit/Image" \
  -append "root=/dev/vda ro console=ttyS0 panic=-1 xenith.test=netinfo" \
  -drive "file=$work/img/tb1.img,if=none,format=raw,id=hd0" -device virtio-blk-device,drive=hd0 \
  -netdev user,id=n0 -device virtio-net-device,netdev=n0
marker=$(marker_check "$work/console.txt")
for want in 'hostname: guest-b' 'root: /dev/root ext4 rw' 'eth0: 10.0.2.15/24' 'gateway: 10.0.2.2' \
            'xenith-guest: test netinfo exit=0'; do
  grep -qxF "$want" "$work/console.txt" || { tail -30 "$work/console.txt" >&2; fail "console lacks '$want'"; }
done
pass "$marker; QEMU ${QEMU_SECONDS}s"
