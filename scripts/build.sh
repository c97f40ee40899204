#!/usr/bin/env bash
# Configures and builds into the given folder (default build/). Extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFANGUARD_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"
