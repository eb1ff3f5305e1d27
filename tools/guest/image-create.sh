#!/bin/bash
# Make a domain in one command: a bootable sparse ext4 root image for guest NAME
# and its Xen-style domain config file.
#
# usage: image-create.sh NAME [--size 1G] [--hostname H]
#                        [--ip ADDR/PREFIX [--gateway GW] | --dhcp]
#                        [--memory MB] [--vcpus N] [--out DIR] [--config-dir DIR] [--force]
#
#   --size       image size (bytes, or with K/M/G/T suffix, powers of 1024); default 1G, min 32M
#   --hostname   guest hostname; default NAME
#   --ip/--gateway  static IPv4 for eth0; --dhcp (default) uses udhcpc
#   --memory     MiB, default 128;  --vcpus 1..8, default 1
#   --out        image directory; default $XENITH_IMAGE_DIR, else $XENITH_STATE_DIR/images,
#                else /var/lib/xenith/images (root) or ${XDG_DATA_HOME:-~/.local/share}/xenith/images
#   --config-dir where the config NAME goes; default ${XENITH_CONFIG_DIR:-/etc/xen}
#   --force      replace an existing image and config
#
# Writes OUT/NAME.img and CONFIG_DIR/NAME; refuses to overwrite either without --force.
# No root needed: mke2fs -d under fakeroot, no loop mounts. On any failure nothing new
# is left behind. The kernel comes from the guest kit (tools/guest/build.sh, built if missing).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=image-create
die() { echo "$prog: error: $*" >&2; exit 1; }
usage() { echo "usage: $prog NAME [--size 1G] [--hostname H] [--ip ADDR/PREFIX [--gateway GW] | --dhcp] [--memory MB] [--vcpus N] [--out DIR] [--config-dir DIR] [--force]" >&2; exit 2; }

name="" size=1G hostname="" ip="" gateway="" dhcp=0 memory=128 vcpus=1 out="" confdir="" force=0
need() { [ $# -ge 2 ] && [ -n "$2" ] || die "option $1 needs a value"; }
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,20s/^# \{0,1\}//p' "$0"; exit 0 ;;
    --size) need "$@"; size=$2; shift 2 ;;
    --hostname) need "$@"; hostname=$2; shift 2 ;;
    --ip) need "$@"; ip=$2; shift 2 ;;
    --gateway) need "$@"; gateway=$2; shift 2 ;;
    --dhcp) dhcp=1; shift ;;
    --memory) need "$@"; memory=$2; shift 2 ;;
    --vcpus) need "$@"; vcpus=$2; shift 2 ;;
    --out) need "$@"; out=$2; shift 2 ;;
    --config-dir) need "$@"; confdir=$2; shift 2 ;;
    --force) force=1; shift ;;
    --size=*|--hostname=*|--ip=*|--gateway=*|--memory=*|--vcpus=*|--out=*|--config-dir=*)
      o=${1%%=*}; v=${1#*=}; shift; set -- "$o" "$v" "$@" ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [ -z "$name" ] || die "unexpected argument '$1' (NAME already given as '$name')"; name=$1; shift ;;
  esac
done

# ---------------------------------------------------------------- validate everything first
[ -n "$name" ] || usage
[[ $name =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$ ]] || die "bad domain name '$name' (letters, digits, '.', '_', '-'; at most 64; must start with a letter or digit)"
[[ $size =~ ^([0-9]+)([KkMmGgTt]?)$ ]] || die "bad size '$size' (use e.g. 512M, 1G, 2G)"
n=${BASH_REMATCH[1]}; unit=${BASH_REMATCH[2]}
[ ${#n} -le 15 ] || die "bad size '$size' (too large)"
case $unit in ""|b) mult=1 ;; [Kk]) mult=1024 ;; [Mm]) mult=$((1024**2)) ;; [Gg]) mult=$((1024**3)) ;; [Tt]) mult=$((1024**4)) ;; esac
bytes=$((10#$n * mult))
[ $bytes -ge $((32 * 1024**2)) ] || die "bad size '$size' (minimum 32M)"
[ $bytes -le $((16 * 1024**4)) ] || die "bad size '$size' (maximum 16T)"

hint=""; [ -n "$hostname" ] || hint="; NAME is not a valid hostname, give --hostname"
hostname=${hostname:-$name}
[[ $hostname =~ ^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$ ]] && [ ${#hostname} -le 253 ] \
  || die "bad hostname '$hostname' (letters, digits, '-', dot-separated labels$hint)"

is_ipv4() { [[ $1 =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] || return 1
  local o; for o in "${BASH_REMATCH[@]:1}"; do [ $((10#$o)) -le 255 ] || return 1; done; }
if [ -n "$ip" ]; then
  [ $dhcp = 0 ] || die "--ip and --dhcp are mutually exclusive"
  [[ $ip == */* ]] || die "bad --ip '$ip' (use ADDR/PREFIX, e.g. 192.168.1.10/24)"
  addr=${ip%/*}; prefix=${ip#*/}
  is_ipv4 "$addr" || die "bad --ip '$ip' (address is not IPv4 dotted quad)"
  [[ $prefix =~ ^[0-9]{1,2}$ ]] && [ $((10#$prefix)) -ge 1 ] && [ $((10#$prefix)) -le 32 ] || die "bad --ip '$ip' (prefix must be 1..32)"
  prefix=$((10#$prefix))
  m=$(( (0xffffffff << (32 - prefix)) & 0xffffffff ))
  netmask="$((m >> 24 & 255)).$((m >> 16 & 255)).$((m >> 8 & 255)).$((m & 255))"
  if [ -n "$gateway" ]; then is_ipv4 "$gateway" || die "bad --gateway '$gateway' (not an IPv4 address)"; fi
else
  [ -z "$gateway" ] || die "--gateway needs --ip (with --dhcp the gateway comes from DHCP)"
  dhcp=1
fi
[[ $memory =~ ^[0-9]{1,7}$ ]] && [ $((10#$memory)) -ge 32 ] || die "bad --memory '$memory' (MiB, at least 32)"
memory=$((10#$memory))
[[ $vcpus =~ ^[0-9]{1,2}$ ]] && [ $((10#$vcpus)) -ge 1 ] && [ $((10#$vcpus)) -le 8 ] || die "bad --vcpus '$vcpus' (1..8; the kit kernel has NR_CPUS=8)"
vcpus=$((10#$vcpus))

if [ -z "$out" ]; then
  if [ -n "${XENITH_IMAGE_DIR:-}" ]; then out=$XENITH_IMAGE_DIR
  elif [ -n "${XENITH_STATE_DIR:-}" ]; then out=$XENITH_STATE_DIR/images
  elif [ "$(id -u)" = 0 ]; then out=/var/lib/xenith/images
  else out=${XDG_DATA_HOME:-$HOME/.local/share}/xenith/images; fi
fi
confdir=${confdir:-${XENITH_CONFIG_DIR:-/etc/xen}}

# ---------------------------------------------------------------- cleanup on failure
made=()            # paths this run created; removed (in reverse) unless we succeed
ok=0
cleanup() {
  local i
  [ $ok = 1 ] && return
  for ((i = ${#made[@]} - 1; i >= 0; i--)); do rm -rf -- "${made[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mkdirs() { # create DIR and parents, recording the ones we made
  local d=$1 todo=()
  while [ ! -e "$d" ]; do todo=("$d" "${todo[@]}"); d=$(dirname "$d"); done
  [ -d "$d" ] || die "cannot create directory '$1': '$d' is not a directory"
  for d in "${todo[@]}"; do
    mkdir "$d" 2>/dev/null || die "cannot create directory '$d'"
    made+=("$d")
  done
}
mkdirs "$out"; mkdirs "$confdir"
out=$(cd "$out" && pwd); confdir=$(cd "$confdir" && pwd)
img=$out/$name.img; cfg=$confdir/$name
if [ $force = 0 ]; then
  [ ! -e "$img" ] && [ ! -L "$img" ] || die "image '$img' already exists (use --force to replace it)"
  [ ! -e "$cfg" ] && [ ! -L "$cfg" ] || die "config '$cfg' already exists (use --force to replace it)"
fi
[ ! -d "$img" ] || die "'$img' is a directory"
[ ! -d "$cfg" ] || die "'$cfg' is a directory"
img_tmp=$out/.$name.img.tmp.$$; cfg_tmp=$confdir/.$name.tmp.$$
( : > "$img_tmp" ) 2>/dev/null || die "cannot write to image directory '$out'"
made+=("$img_tmp")
( : > "$cfg_tmp" ) 2>/dev/null || die "cannot write to config directory '$confdir'"
made+=("$cfg_tmp")
avail=$(df -P -B1 "$out" 2>/dev/null | awk 'NR==2 {print $4}')
[ -z "$avail" ] || [ "$avail" -ge $((64 * 1024**2)) ] || die "less than 64 MiB free in '$out'"

# ---------------------------------------------------------------- the kit
kit=$("$here/build.sh" --print-dir) || die "guest kit build failed (tools/guest/build.sh)"
[ -s "$kit/Image" ] && [ -x "$kit/busybox" ] || die "guest kit at '$kit' is incomplete"

# ---------------------------------------------------------------- root file system
stage=$(mktemp -d "${TMPDIR:-/tmp}/xenith-image.XXXXXX") || die "cannot create a temporary directory"
made+=("$stage")
root=$stage/root
"$here/lib/rootfs.sh" stage "$kit/busybox" "$root" || die "staging the root file system failed"

echo "$hostname" > "$root/etc/hostname"
cat > "$root/etc/hosts" <<EOF
127.0.0.1	localhost
127.0.1.1	$hostname ${hostname%%.*}
EOF
cat > "$root/etc/fstab" <<'EOF'
# <file system> <mount point> <type> <options> <dump> <pass>
# The domain's first disk: xvda in the domain config, /dev/vda inside the guest.
/dev/vda        /             ext4     defaults,noatime         0 1
proc            /proc         proc     defaults                 0 0
sysfs           /sys          sysfs    defaults                 0 0
devpts          /dev/pts      devpts   gid=5,mode=620           0 0
tmpfs           /run          tmpfs    mode=0755,nosuid,nodev   0 0
tmpfs           /tmp          tmpfs    mode=1777,nosuid,nodev   0 0
EOF
{
  echo "# Read by /etc/init.d/rcS (and busybox ifup). Written by image-create."
  echo "auto lo"
  echo "iface lo inet loopback"
  echo
  echo "auto eth0"
  if [ $dhcp = 1 ]; then
    echo "iface eth0 inet dhcp"
  else
    echo "iface eth0 inet static"
    echo "	address $addr"
    echo "	netmask $netmask"
    [ -z "$gateway" ] || echo "	gateway $gateway"
  fi
} > "$root/etc/network/interfaces"
echo "hvc0 ttyS0" > "$root/etc/xenith/consoles"
find "$root/etc" -newer "$root/bin/busybox" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-1700000000}" {} +

# Deterministic ext4: UUID and hash seed derived from the name, fixed time.
uuid=$(printf 'xenith-image %s' "$name" | sha256sum | sed -E 's/^(.{8})(.{4}).(.{3}).(.{3})(.{12}).*/\1-\2-4\3-8\4-\5/')
label=${name:0:16}
truncate -s "$bytes" "$img_tmp" || die "cannot create a $size sparse file in '$out'"
E2FSPROGS_FAKE_TIME=${SOURCE_DATE_EPOCH:-1700000000} fakeroot -- sh -c '
  set -e
  chown -hR 0:0 "$1"
  mke2fs -q -F -t ext4 -L "$3" -U "$4" -E "hash_seed=$4,root_owner=0:0,lazy_journal_init=1" -d "$1" "$2"
' sh "$root" "$img_tmp" "$label" "$uuid" >"$stage/mke2fs.log" 2>&1 \
  || die "mke2fs failed: $(tr '\n' ' ' < "$stage/mke2fs.log")"
# mke2fs -d copies each file's ctime (touch cannot set it) and atime (reading the
# staged files moves it): clamp both with debugfs
# so the same arguments give a byte-identical image.
(cd "$root" && find . -mindepth 1 | sed 's|^\.||') | \
  awk -v t="@${SOURCE_DATE_EPOCH:-1700000000}" 'BEGIN { print "sif / ctime " t; print "sif / atime " t }
    { print "sif \"" $0 "\" ctime " t; print "sif \"" $0 "\" atime " t }' >"$stage/ctime.cmds"
E2FSPROGS_FAKE_TIME=${SOURCE_DATE_EPOCH:-1700000000} debugfs -w -f "$stage/ctime.cmds" "$img_tmp" >"$stage/debugfs.log" 2>&1 \
  || die "debugfs failed: $(tail -3 "$stage/debugfs.log" | tr '\n' ' ')"

# ---------------------------------------------------------------- domain config
cat > "$cfg_tmp" <<EOF
#  -*- mode: conf; -*-
# Xenith domain "$name", written by tools/guest/image-create.sh
# (later: xm image create). Start it with:  xm create -c $name
#
# A PV domain: Xenith loads the guest kit's kernel directly and the guest runs on
# its ext4 root disk. There is no ramdisk: every driver the domain needs (virtio
# blk/net/console, ext4, ...) is built into the kernel, which mounts root= itself.
# (The kit's initramfs would work too, mounting root= and switching to it, but
# only makes the boot longer.)

name   = "$name"
kernel = "$kit/Image"

memory = $memory
vcpus  = $vcpus

# The image's first disk. xvda is what a Xen user writes; Xenith attaches it as the
# first virtio-blk device, which the guest sees as /dev/vda (the image's fstab says so).
disk = [ 'tap:aio:$img,xvda,w' ]
root = "/dev/xvda ro"
extra = "console=hvc0 earlycon=sbi"

# One network interface, eth0 in the guest: $( [ $dhcp = 1 ] && echo "DHCP" || echo "static $addr/$prefix${gateway:+ via $gateway}" ).
vif = [ '' ]

on_poweroff = 'destroy'
on_reboot   = 'restart'
on_crash    = 'restart'
EOF

mv -f "$img_tmp" "$img"
mv -f "$cfg_tmp" "$cfg"
rm -rf "$stage"
ok=1
echo "$prog: created $img ($size, sparse) and $cfg" >&2
