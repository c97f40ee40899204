#!/usr/bin/env bash
# One command from a fresh Debian 12 checkout: install dependencies, build, and run
# fanguardd in the foreground on the bundled config (Ctrl-C stops it). Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
exec build/sbin/fanguardd -c conf/fanguard.conf "$@"
