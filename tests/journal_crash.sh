#!/usr/bin/env bash
# Kill a journal writer with SIGKILL at random points, many times over, and
# check that every acknowledged record survives and the journal verifies.
# CI runs 200 rounds as part of ctest (test_journal_crash); this runs more.
#   tests/journal_crash.sh BUILD_DIR [ROUNDS] [SEED]
set -euo pipefail
build=${1:?usage: journal_crash.sh BUILD_DIR [ROUNDS] [SEED]}
rounds=${2:-1000}
seed=${3:-$RANDOM$RANDOM}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
exe=$(cd "$build" && pwd)/tests/test_journal_crash
echo "journal crash test: $rounds rounds, seed $seed"
cd "$work"
BOXCAR_CRASH_ROUNDS=$rounds BOXCAR_CRASH_SEED=$seed "$exe"
