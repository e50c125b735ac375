#!/usr/bin/env bash
# Run every libFuzzer target in BUILD_DIR for SECONDS each, starting from the
# seed corpus in tests/fuzz/corpus/NAME plus the project's own scripts and
# catalogs (copied, so the repository stays clean). Exits non-zero on the first crash, leak or timeout.
#   tests/fuzz/run.sh build-fuzz 30        # CI smoke run
#   tests/fuzz/run.sh build-fuzz 3600      # a long run
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR SECONDS}
seconds=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
# UndefinedBehaviorSanitizer only prints by default: make a report a crash.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
for exe in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$exe" ] || continue
  name=$(basename "$exe")
  corpus="$work/$name"
  mkdir -p "$corpus"
  seeds="$here/corpus/${name#fuzz_}"
  [ -d "$seeds" ] && cp -r "$seeds"/. "$corpus"/
  # Files the project already has are seeds too, read from where they live
  # rather than copied into corpus/.
  root="$here/../.."
  case $name in
    fuzz_script) cp "$root"/scripts/policy/*.lua "$root"/scripts/report/*.lua \
                    "$root"/tests/data/report/*.lua "$corpus"/ ;;
    fuzz_csv) cp "$root"/samples/catalogs/*.csv "$corpus"/ ;;
  esac
  echo "fuzz: $name for ${seconds}s"
  if ! "$exe" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$work/" "$corpus" >"$work/$name.log" 2>&1; then
    tail -n 60 "$work/$name.log"
    for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
      [ -e "$a" ] && { echo "artifact: $a"; xxd "$a" | head -20; }
    done
    status=1
  else
    grep -E 'stat::number_of_executed_units|Done [0-9]+ runs' "$work/$name.log" | tail -n 2
  fi
done
exit $status
