# Shared helpers for the `fanguard scan` tests: real engines, real files, no fanotify.
set -euo pipefail

: "${FANGUARD_BUILD:?set by CTest}" "${FANGUARD_SRC:?set by CTest}"
FANGUARD=${FANGUARD:-"$FANGUARD_BUILD/bin/fanguard"}
DATA="$FANGUARD_SRC/tests/data"
TEST_NAME=$(basename "$0" .sh)
EICAR='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
WORK=$(mktemp -d /tmp/fanguard-cli.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	[ -f "$WORK/out" ] && { echo "---- output ----" >&2; cat "$WORK/out" >&2; }
	exit 1
}

pass() {
	echo "PASS: $TEST_NAME"
}

# Runs `fanguard scan ARGS` into $WORK/out (stdout+stderr) and checks the exit status.
expect_scan() {
	local want=$1 rc=0
	shift
	timeout 120 "$FANGUARD" scan "$@" >"$WORK/out" 2>&1 || rc=$?
	[ "$rc" -eq "$want" ] || fail "fanguard scan $*: exit $rc, expected $want"
}

# Runs `fanguard quarantine ARGS` into $WORK/out and checks the exit status.
expect_quarantine() {
	local want=$1 rc=0
	shift
	timeout 60 "$FANGUARD" quarantine "$@" >"$WORK/out" 2>&1 || rc=$?
	[ "$rc" -eq "$want" ] || fail "fanguard quarantine $*: exit $rc, expected $want"
}

expect_out() {
	grep -Eq -- "$1" "$WORK/out" || fail "output lacks: $1"
}

expect_no_out() {
	if grep -Eq -- "$1" "$WORK/out"; then fail "output unexpectedly has: $1"; fi
}
