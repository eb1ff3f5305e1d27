#!/bin/bash
# (d) image-create.sh rejects bad arguments with one clear line on stderr,
# exits non-zero, and leaves nothing behind (no image, no config, no temp files,
# no directories it created).
. "$(dirname "$0")/lib.sh"
kit=$(kit_dir)
export XENITH_GUEST_DIR=$kit
ic=$repo/tools/guest/image-create.sh
mkdir -p "$work/img" "$work/etc"
snapshot() { (cd "$work" && find img etc | sort); }
before=$(snapshot)

# bad CASE-NAME EXPECTED-STDERR-REGEX ARGS...
bad() {
  local what=$1 re=$2; shift 2
  local err rc
  err=$("$ic" "$@" 2>&1 >/dev/null); rc=$?
  [ $rc != 0 ] || fail "$what: exit 0 for: $*"
  [ "$(printf '%s\n' "$err" | grep -c .)" -le 1 ] || fail "$what: more than one line of error: $err"
  printf '%s\n' "$err" | grep -qE -- "$re" || fail "$what: error '$err' does not match /$re/"
  [ "$(snapshot)" = "$before" ] || fail "$what: left files behind: $(diff <(echo "$before") <(snapshot) | grep '^>' | tr '\n' ' ')"
  info "ok: $what -> $err"
}
O=(--out "$work/img" --config-dir "$work/etc")
bad "no name"          'usage: '                          "${O[@]}"
bad "bad name"         "bad domain name"                  'a/b' "${O[@]}"
bad "size garbage"     "bad size 'lots'"                  g1 --size lots "${O[@]}"
bad "size too small"   "bad size '1M'.*minimum"           g1 --size 1M "${O[@]}"
bad "size too big"     "bad size '99T'.*maximum"          g1 --size 99T "${O[@]}"
bad "bad ip"           "bad --ip '10.0.0.300/24'"         g1 --ip 10.0.0.300/24 "${O[@]}"
bad "ip no prefix"     "bad --ip '10.0.0.3'"              g1 --ip 10.0.0.3 "${O[@]}"
bad "ip and dhcp"      "mutually exclusive"               g1 --ip 10.0.0.3/24 --dhcp "${O[@]}"
bad "gateway alone"    "--gateway needs --ip"             g1 --gateway 10.0.0.1 "${O[@]}"
bad "bad gateway"      "bad --gateway"                    g1 --ip 10.0.0.3/24 --gateway x "${O[@]}"
bad "bad hostname"     "bad hostname 'a_b'"               g1 --hostname a_b "${O[@]}"
bad "bad memory"       "bad --memory"                     g1 --memory 12k "${O[@]}"
bad "bad vcpus"        "bad --vcpus '9'"                  g1 --vcpus 9 "${O[@]}"
bad "unknown option"   "unknown option '--colour'"        g1 --colour "${O[@]}"
bad "missing value"    "option --size needs a value"      g1 --size
# unwritable directories (works as root too: /proc refuses new entries)
bad "unwritable out"   "cannot create directory '/proc/xenith-nope"  g1 --out /proc/xenith-nope/img --config-dir "$work/etc"
bad "unwritable conf"  "cannot (create directory|write to config directory) '/proc" g1 --out "$work/img" --config-dir /proc/sys
# a created dir tree is removed again when a later step fails
bad "new dirs removed" "cannot create directory '/proc"   g1 --out "$work/img/new/deeper" --config-dir /proc/xenith-nope

# a taken name: image or config exists -> refused, existing files untouched
"$ic" taken --size 64M "${O[@]}" 2>/dev/null || fail "creating 'taken' failed"
before=$(snapshot)
sum=$(cat "$work/etc/taken" "$work/img/taken.img" | sha256sum)
bad "taken name"       "image '.*/taken.img' already exists \(use --force"  taken --size 64M "${O[@]}"
rm "$work/img/taken.img"; before=$(snapshot)
bad "taken config"     "config '.*/etc/taken' already exists \(use --force" taken --size 64M "${O[@]}"
"$ic" taken --size 64M --hostname forced "${O[@]}" --force 2>/dev/null || fail "--force did not replace 'taken'"
[ "$(debugfs -R 'cat /etc/hostname' "$work/img/taken.img" 2>/dev/null)" = forced ] || fail "--force did not write the new image"
[ -z "$(find "$work" -name '.*tmp*')" ] || fail "temp files left: $(find "$work" -name '.*tmp*')"
pass
