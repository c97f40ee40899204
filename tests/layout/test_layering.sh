#!/usr/bin/env bash
# core/'s layering and include graph (docs/architecture.md): the real tree passes,
# and two small trees that break the rules are caught, so the check itself can fail.
set -euo pipefail
src=${FANGUARD_SRC:?set FANGUARD_SRC}
check="$src/tests/layout/check_layering.py"
fail() { echo "FAIL: $*"; exit 1; }

python3 "$check" "$src/core" || fail "core/ breaks the layering or has an include cycle (above)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{common,scanner,daemon,cli}
printf '#include "daemon/b.h"\n' >"$tmp/daemon/a.c"
printf '#include "daemon/a.h"\n' >"$tmp/daemon/b.c"
touch "$tmp/daemon/a.h" "$tmp/daemon/b.h"
out=$(python3 "$check" "$tmp" || true)
grep -q 'include cycle: daemon/a -> daemon/b -> daemon/a' <<<"$out" || fail "a two-module cycle was not caught: $out"

rm -f "$tmp"/daemon/*
printf '#include "daemon/monitor.h"\n' >"$tmp/common/log.c"
printf '#include "daemon/monitor.h"\n' >"$tmp/cli/scan.c"
out=$(python3 "$check" "$tmp" || true)
grep -q 'common/log.c includes daemon/monitor.h' <<<"$out" || fail "common -> daemon not caught: $out"
grep -q 'cli/scan.c includes daemon/monitor.h' <<<"$out" || fail "cli -> daemon not caught: $out"
echo "PASS: layering and include graph"
