#!/usr/bin/env bash
# Every global symbol that libboxcar.a defines must be either public API
# (bx_ prefix, default visibility, exported by the shared library) or
# internal (bxi_ prefix, hidden visibility). Anything else can collide with a
# name in the firmware or program that links the static library.
#
#   check_symbols.sh libboxcar.a libboxcar.so
set -euo pipefail
static=$1
shared=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The shared library's exported API.
nm -D --defined-only "$shared" | awk '{print $NF}' | sort -u >"$tmp/api"
# Global and weak symbols the archive's members define, with visibility:
# readelf -s columns: Num Value Size Type Bind Vis Ndx Name.
readelf -sW "$static" |
  awk '$5 ~ /^(GLOBAL|WEAK)$/ && $7 != "UND" && $8 != "" {print $8, $6}' |
  sort -u >"$tmp/defs"

bad=0
while read -r name vis; do
  case "$name" in
    bxi_*)
      if [ "$vis" != HIDDEN ]; then
        echo "internal symbol with $vis visibility: $name"; bad=1
      fi ;;
    bx_*)
      if ! grep -qxF "$name" "$tmp/api"; then
        echo "bx_ symbol not exported by the shared library (internal? name it bxi_): $name"; bad=1
      fi ;;
    *)
      echo "global symbol without the bx_ or bxi_ prefix: $name ($vis)"; bad=1 ;;
  esac
done <"$tmp/defs"
n=$(wc -l <"$tmp/defs")
if [ "$bad" -ne 0 ]; then
  echo "check_symbols: $static leaks names (of $n global symbols)"
  exit 1
fi
echo "check_symbols: $n global symbols, all bx_ API or hidden bxi_ internals"
