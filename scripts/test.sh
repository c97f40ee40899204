#!/usr/bin/env bash
# One command from a fresh Debian 12 checkout: install dependencies, build with
# -Werror, run the whole CTest suite, then do the same under ASan+UBSan, then fuzz the
# parsers for a bounded time and smoke-test the benchmark. Run as root: the end-to-end
# tests use fanotify inside private mount namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

echo "== build (warnings are errors) and test"
scripts/build.sh build
(cd build && ctest --output-on-failure -j 2)

echo "== build with AddressSanitizer + UndefinedBehaviorSanitizer and test"
scripts/build.sh build-asan -DFANGUARD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
# Leaks are checked too; a sanitizer report fails the test that triggered it.
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j 2)

echo "== fuzz the config loader and the hash-list parser (clang, libFuzzer, bounded)"
scripts/fuzz.sh

echo "== benchmark smoke run (the figures live in bench/README.md; this checks the bench works)"
bench/run.sh --smoke --build build
