#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ and runs the fuzz_* CTest
# tests: each fuzzer on a copy of its committed corpus (tests/fuzz/corpus/) for
# SECONDS (default 20), failing on any crash, leak, timeout or sanitizer report.
# Usage: scripts/fuzz.sh [SECONDS]
# New inputs and crash artifacts land in build-fuzz/tests/fuzz/fuzz_*-run/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
case $seconds in
'' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac
dir=build-fuzz

CC=clang cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFANGUARD_FUZZ=ON >/dev/null
cmake --build "$dir" -j "$(nproc)" --target fuzz_config fuzz_hashlist
rc=0
(cd "$dir" && FANGUARD_FUZZ_SECONDS=$seconds \
	ctest --output-on-failure -j 2 -L '^fuzz$' --timeout $((seconds + 300))) || rc=$?
# what each fuzzer did (ctest shows a passing test's output only in its log)
grep -hE '^fuzzing |^#[0-9]+[[:space:]]+DONE|^stat::(number_of_executed_units|average_exec_per_sec)' \
	"$dir/Testing/Temporary/LastTest.log" 2>/dev/null || true
exit $rc
