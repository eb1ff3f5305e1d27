#!/bin/bash
# (c) On the host, the files image-create.sh wrote read back correctly with
# debugfs and e2cp (e2tools), and the domain config says what a Xen user expects.
. "$(dirname "$0")/lib.sh"
kit=$(kit_dir)
export XENITH_GUEST_DIR=$kit
create() { "$repo/tools/guest/image-create.sh" "$@" --out "$work/img" --config-dir "$work/etc" 2>>"$work/create.log" \
  || { cat "$work/create.log" >&2; fail "image-create.sh $* failed"; }; }
create st1 --size 64M --hostname web1.example.org --ip 192.168.7.9/23 --gateway 192.168.6.1 --memory 200 --vcpus 2
create dh1 --size 64M --dhcp
rd() { debugfs -R "cat $2" "$work/img/$1.img" 2>/dev/null; }
expect() { # expect WHAT GOT WANT
  [ "$2" = "$3" ] || { printf 'got:\n%s\nwant:\n%s\n' "$2" "$3" >&2; fail "$1 differs"; }; }

expect "st1 /etc/hostname" "$(rd st1 /etc/hostname)" "web1.example.org"
expect "dh1 /etc/hostname" "$(rd dh1 /etc/hostname)" "dh1"
expect "st1 fstab root line" "$(rd st1 /etc/fstab | awk '$2 == "/"')" \
  "/dev/vda        /             ext4     defaults,noatime         0 1"
expect "st1 eth0 stanza" "$(rd st1 /etc/network/interfaces | sed -n '/^iface eth0/,$p')" \
"iface eth0 inet static
	address 192.168.7.9
	netmask 255.255.254.0
	gateway 192.168.6.1"
expect "dh1 eth0 stanza" "$(rd dh1 /etc/network/interfaces | sed -n '/^iface eth0/,$p')" "iface eth0 inet dhcp"
expect "st1 /etc/hosts" "$(rd st1 /etc/hosts | grep 127.0.1.1)" "127.0.1.1	web1.example.org web1"
# e2tools reads the same thing
if command -v e2cp >/dev/null; then
  expect "e2cp /etc/hostname" "$(e2cp "$work/img/st1.img:/etc/hostname" - 2>/dev/null)" "web1.example.org"
fi
# consoles, gettys, init
rd st1 /etc/inittab | grep -q '^::respawn:/etc/xenith/console-getty hvc0$' || fail "inittab lacks the hvc0 getty"
rd st1 /etc/inittab | grep -q '^::respawn:/etc/xenith/console-getty ttyS0$' || fail "inittab lacks the ttyS0 getty"
expect "consoles" "$(rd st1 /etc/xenith/consoles)" "hvc0 ttyS0"
debugfs -R "stat /bin/busybox" "$work/img/st1.img" 2>/dev/null | grep -q 'User:     0   Group:     0' || fail "/bin/busybox not owned by root"
# sparse
alloc=$(du -k "$work/img/st1.img" | cut -f1)
[ "$alloc" -lt 32768 ] || fail "image is not sparse (${alloc} KiB allocated of 64 MiB)"
e2fsck -fn "$work/img/st1.img" >/dev/null 2>&1 || fail "e2fsck finds errors in st1.img"
# the domain config
c=$work/etc/st1
for want in 'name   = "st1"' "kernel = \"$kit/Image\"" 'memory = 200' 'vcpus  = 2' \
            "disk = [ 'tap:aio:$work/img/st1.img,xvda,w' ]" 'root = "/dev/xvda ro"' "vif = [ '' ]"; do
  grep -qxF "$want" "$c" || { cat "$c" >&2; fail "config lacks line: $want"; }
done
grep -q '^ramdisk' "$c" && fail "an ext4-root config must not have a ramdisk"
# reproducible: the same arguments give a byte-identical image
mkdir -p "$work/again"
"$repo/tools/guest/image-create.sh" dh1 --size 64M --dhcp --out "$work/again" --config-dir "$work/again" 2>>"$work/create.log" \
  || fail "image-create.sh dh1 (again) failed"
cmp -s "$work/img/dh1.img" "$work/again/dh1.img" || fail "two runs with the same arguments gave different images"
pass
