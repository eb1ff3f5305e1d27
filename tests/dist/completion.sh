#!/usr/bin/env bash
# dist/xm.bash-completion and docs/man/xm.1.md against xm's subcommand table (`xm help`), and
# what the completion offers for each kind of argument, with a stub `xm list`.
# usage: completion.sh XM_BINARY COMPLETION_FILE MAN_PAGE
set -uo pipefail
xm_binary=$1 completion=$2 man=$3
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

table=$("$xm_binary" help | awk 'NR > 2 && /^ [a-z]/ { print $1 }' | sort)
[ -n "$table" ] || { echo "FAIL: '$xm_binary help' listed no subcommands"; exit 1; }

# shellcheck source=/dev/null
source "$completion"
offered=$(COMP_WORDS=(xm ""); COMP_CWORD=1; _xm; printf '%s\n' "${COMPREPLY[@]}" | sort)
[ "$offered" = "$table" ] || fail "the completion's subcommands differ from xm help's:
$(diff <(echo "$table") <(echo "$offered"))"
for cmd in $table; do
  [ "$cmd" = help ] && continue
  grep -q "\*\*$cmd\*\*" "$man" || fail "$man does not describe $cmd"
done

# A stub xend: two running domains, one managed domain that is not running.
xm() {
  case "$1" in
  list) printf '%s\n' \
    "Name                                      ID Mem(MiB) VCPUs State  Time(s)" \
    "Domain-0                                   0    24105     2 r-----      0.0" \
    "web                                        1      128     2 -b----      3.1" \
    "db                                         2      256     1 r-----      9.9" \
    "kept                                           128     1 ------      0.0" ;;
  vcpu-list) printf '%s\n' \
    "Name                              ID  VCPU   CPU State   Time(s) CPU Affinity" \
    "web                                1     0     0   -b-       1.0 any cpu" \
    "web                                1     1     1   -b-       1.0 any cpu" ;;
  esac
}
export XENITH_CONFIG_DIR=$(mktemp -d)
trap 'rm -rf "$XENITH_CONFIG_DIR"' EXIT
touch "$XENITH_CONFIG_DIR/web" "$XENITH_CONFIG_DIR/xend-config.sxp"

expect() { # expect "WANTED WORDS" xm ARGS... (the last argument is the word being completed)
  local want=$1; shift
  local got
  got=$(COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _xm; printf '%s\n' "${COMPREPLY[@]}" | sort | xargs)
  want=$(printf '%s\n' $want | sort | xargs)
  [ "$got" = "$want" ] || fail "[$*] offered '$got', expected '$want'"
}
expect "web db kept" xm console ""
expect "web db kept" xm destroy ""
expect "kept" xm start ""
expect "-p -c" xm start -
expect "kept" xm delete ""
expect "web" xm create w
expect "-c -p -n" xm create -
expect "web" xm new w
expect "" xm new -
expect "-w -a" xm shutdown -
expect "-l --long web db kept" xm list ""
expect "-s web db kept" xm uptime ""
expect "-c --clear" xm dmesg -
expect "-L -C --live --crash" xm dump-core -
expect "web db kept" xm dump-core -L ""
expect "0 1 all" xm vcpu-pin web ""
expect "all" xm vcpu-pin web 0 ""
expect "web db kept" xm sched-credit -d ""
expect "-b -i -d" xm top -

[ "$failures" = 0 ] && echo "PASS: completion and man page match xm's subcommands" || exit 1
