#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time on a copy of its committed corpus.
# Usage: run_fuzzer.sh FUZZER CORPUS_DIR WORK_DIR [libFuzzer flags...]
# FANGUARD_FUZZ_SECONDS (default 20) bounds the run. New inputs and crash
# artifacts land in WORK_DIR (the build tree), never in the source tree. Any
# crash, leak, timeout, out-of-memory or sanitizer report fails the test.
set -euo pipefail
fuzzer=$1 corpus=$2 work=$3
shift 3
seconds=${FANGUARD_FUZZ_SECONDS:-20}

rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts" "$work/tmp"
cp -- "$corpus"/* "$work/corpus/"
export TMPDIR="$work/tmp"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:abort_on_error=1:symbolize=1"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:halt_on_error=1"

echo "fuzzing $(basename "$fuzzer") for ${seconds}s on $(ls "$work/corpus" | wc -l) seeds"
rc=0
# -close_fd_mask=1: libconfuse's lexer echoes characters it cannot match to stdout
"$fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 -close_fd_mask=1 \
	-artifact_prefix="$work/artifacts/" "$@" "$work/corpus" || rc=$?
if [ "$rc" -ne 0 ] || [ -n "$(ls -A "$work/artifacts")" ]; then
	echo "FAILED: $(basename "$fuzzer") exited $rc; reproducers in $work/artifacts:" >&2
	ls -l "$work/artifacts" >&2
	echo "reproduce with: $fuzzer $work/artifacts/FILE" >&2
	exit 1
fi
echo "$(basename "$fuzzer"): no crash, leak or sanitizer report; corpus now $(ls "$work/corpus" | wc -l) inputs"
