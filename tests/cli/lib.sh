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

# The scheduled-scan tests' attacker: nobody, without supplementary groups.
need_setpriv() {
	command -v setpriv >/dev/null || fail "setpriv missing (util-linux)"
}
as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }

# $WORK/tree to scan, and $WORK/var for the state, root's alone (0700: a state folder others
# may write is refused).
make_scan_dirs() {
	mkdir -p "$WORK/tree" "$WORK/var"
	chmod 700 "$WORK/var"
}

# make_scan_dirs, with the tree the user's own and $WORK open to him (he writes there).
make_user_tree() {
	make_scan_dirs
	chmod 755 "$WORK"
	chown 65534:65534 "$WORK/tree"
}

# Writes $WORK/fanguard.conf for `fanguard scheduled-scan`: no watch paths, the state in
# $WORK/var, the progress in $WORK/progress.
#   $1: the path to scan; $2: the plugin section after "plugin " (clamav with the test
#   signatures if empty); $3: more schedule lines (optional); CONTROL_SOCKET: the control
#   socket ($WORK/control.sock unless set)
write_schedule_conf() {
	local plugin=${2:-"clamav { database = {\"$DATA/clamav\"} }"}

	cat >"$WORK/fanguard.conf" <<CONF
watch { paths = {} }
control { socket = "${CONTROL_SOCKET:-$WORK/control.sock}" }
schedule {
  paths = {"$1"}
  state = "$WORK/var/scan-state"
  progress = "$WORK/progress"
${3:+  $3
}}
plugin $plugin
CONF
}

# Runs `fanguard scheduled-scan -c $WORK/fanguard.conf ARGS` into $WORK/out and checks the
# exit status ($1).
expect_scheduled_scan() {
	local want=$1 rc=0
	shift
	timeout 120 "$FANGUARD" scheduled-scan -c "$WORK/fanguard.conf" "$@" >"$WORK/out" 2>&1 || rc=$?
	[ "$rc" -eq "$want" ] || fail "scheduled-scan $*: exit $rc, expected $want"
}
