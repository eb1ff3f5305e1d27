#!/usr/bin/env bash
# cmake --install into a temporary prefix: every file lands where dist/xend.service, xend and
# bash-completion look, and the man pages render without a groff warning.
# usage: install.sh BUILD_DIR
set -uo pipefail
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cmake --build "$build" --target man_pages >/dev/null || { echo "FAIL: building the man pages"; exit 1; }
cmake --install "$build" --prefix "$prefix" >/dev/null || { echo "FAIL: cmake --install"; exit 1; }
for f in sbin/xend sbin/xenith-vm bin/xm lib/systemd/system/xend.service \
         share/bash-completion/completions/xm share/man/man1/xm.1 share/man/man8/xend.8 \
         share/man/man1/xenith-vm.1; do
  [ -e "$prefix/$f" ] || fail "$f not installed"
done
[ -x "$prefix/sbin/xend" ] && [ -x "$prefix/sbin/xenith-vm" ] || fail "xend and xenith-vm are not executables side by side"
grep -q '^ExecStart=/usr/sbin/xend ' "$prefix/lib/systemd/system/xend.service" || fail "the unit does not run /usr/sbin/xend"
for page in share/man/man1/xm.1 share/man/man8/xend.8 share/man/man1/xenith-vm.1; do
  [ -e "$prefix/$page" ] || continue
  warnings=$(groff -man -Tutf8 -ww -z "$prefix/$page" 2>&1)
  [ -z "$warnings" ] || fail "$page: groff warns: $warnings"
  text=$(MANWIDTH=100 man -l "$prefix/$page" 2>/dev/null)
  grep -q "^SYNOPSIS" <<<"$text" || fail "$page: man shows no SYNOPSIS"
done
grep -q "vcpu-pin DOMAIN VCPU|all CPUS" <<<"$(MANWIDTH=100 man -l "$prefix/share/man/man1/xm.1" 2>/dev/null)" \
  || fail "xm.1 lost the vcpu-pin synopsis"

# Every page a page refers to (SEE ALSO: **xenith-vm**(1), rendered \fBxenith\-vm\fR(1)) is installed.
for page in "$prefix"/share/man/man*/*; do
  for ref in $(grep -o '\\fB[a-z][a-z0-9\\-]*\\fR([0-9])' "$page" | sed 's/\\f[BR]//g; s/\\//g' | sort -u); do
    name=${ref%(*} section=${ref#*(}; section=${section%)}
    [ -e "$prefix/share/man/man$section/$name.$section" ] || fail "${page#"$prefix"/} refers to $ref, which is not installed"
  done
done

[ "$failures" = 0 ] && echo "PASS: install tree and man pages" || exit 1
