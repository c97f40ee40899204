# Shared helpers for the end-to-end tests. Each test runs as
#   unshare --mount --propagation private -- bash test_X.sh
# so the tmpfs it mounts, and the fanotify marks on it, exist only in its own
# mount namespace and vanish with it. Daemons run under `timeout` and only the
# PIDs started here are ever signalled.
set -euo pipefail

: "${FANGUARD_BUILD:?set by CTest}" "${FANGUARD_SRC:?set by CTest}" "${FG_PROBE:?set by CTest}"
FANGUARDD="$FANGUARD_BUILD/sbin/fanguardd"
FANGUARD="$FANGUARD_BUILD/bin/fanguard"
DATA="$FANGUARD_SRC/tests/data"
TEST_NAME=$(basename "$0" .sh)
EICAR='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
DAEMON_PID=""
DAEMON_LOG=""
FG_LYINGFS_PIDS=() # the servers fg_mount_lyingfs started, and their folders
FG_LYINGFS_DIRS=()

# True when the daemon was built with AddressSanitizer. Not `ldd | grep -q`: under pipefail,
# grep's early exit can kill ldd with SIGPIPE and turn a match into a failure.
fg_sanitized_build() {
	case "$(ldd "$FANGUARDD")" in *libasan*) return 0 ;; esac
	return 1
}

fg_in_private_namespace() {
	# Our mount namespace must differ from PID 1's, or a mark could reach the host.
	[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ]
}

fg_cleanup() {
	local rc=$?
	fg_unmount_lyingfs
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill -TERM "$DAEMON_PID" 2>/dev/null || true
		wait "$DAEMON_PID" 2>/dev/null || true
	fi
	if [ -n "${MNT:-}" ] && mountpoint -q "$MNT"; then
		umount "$MNT" || true
	fi
	# whatever else a test mounted below WORK (a failed test may not have unmounted it)
	if [ -n "${WORK:-}" ]; then
		awk -v w="$WORK/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
			while read -r m; do umount -l "$m" 2>/dev/null || true; done
	fi
	[ -n "${WORK:-}" ] && [ -z "${FG_KEEP_WORK:-}" ] && rm -rf "$WORK"
	exit "$rc"
}

fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	if [ -n "$DAEMON_LOG" ] && [ -f "$DAEMON_LOG" ]; then
		echo "---- daemon log ----" >&2
		tail -n 60 "$DAEMON_LOG" >&2
	fi
	exit 1
}

pass() {
	echo "PASS: $TEST_NAME"
}

# Sets WORK (scratch, unmarked) and MNT (a fresh tmpfs, the only thing ever marked).
fg_setup() {
	fg_in_private_namespace || fail "not in a private mount namespace; refusing to mark anything"
	WORK=$(mktemp -d /tmp/fanguard-e2e.XXXXXX)
	trap fg_cleanup EXIT
	MNT="$WORK/mnt"
	mkdir "$MNT"
	mount -t tmpfs -o size=64m,mode=0755 fanguard-test "$MNT"
	DAEMON_LOG="$WORK/daemon.log"
}

# Writes a config watching $MNT to $1. Variables: POLICY EVENTS EXCLUDE TIMEOUT_MS ON_TIMEOUT
# ON_ERROR MAX_SIZE (watch.max_file_size, unset: none); remaining arguments are plugin blocks (see fg_plugin_block).
fg_write_config() {
	local file=$1
	shift
	{
		cat <<CONF
watch {
  paths = {"$MNT"}
  exclude = {${EXCLUDE:-}}
  events = {${EVENTS:-"open", "exec", "close_write"}}
  ${MAX_SIZE:+max_file_size = $MAX_SIZE}
  ${WATCH_EXTRA:-}
}
verdict {
  policy = "${POLICY:-any-deny}"
  timeout_ms = ${TIMEOUT_MS:-10000}
  on_timeout = "${ON_TIMEOUT:-allow}"
  on_error = "${ON_ERROR:-allow}"
  ${VERDICT_EXTRA:-}
}
scan { workers = ${WORKERS:-2} cache_size = ${CACHE_SIZE:-65536} ${SCAN_EXTRA:-} }
log { level = "info" }
control { socket = "$WORK/control.sock" }
CONF
		for block in "$@"; do
			fg_plugin_block "$block"
		done
	} >"$file"
}

fg_plugin_block() {
	case $1 in
	clamav) echo "plugin clamav { database = {\"$DATA/clamav\"} ${CLAMAV_EXTRA:-} }" ;;
	yara) echo "plugin yara { rules = {\"$DATA/yara/rules\"} }" ;;
	hash) echo "plugin hash { blocklist = {\"$WORK/blocklist.sha256\"} }" ;;
	marker) echo "plugin marker { path = \"$FANGUARD_TEST_PLUGIN_DIR/marker.so\" }" ;;
	sleepy) echo "plugin sleepy { path = \"$FANGUARD_TEST_PLUGIN_DIR/sleepy.so\" delay_ms = ${SLEEP_MS:-20000} touch = ${SLEEP_TOUCH:-false} ${SLEEP_EXTRA:-} }" ;;
	*) fail "unknown plugin block $1" ;;
	esac
}

# Starts fanguardd on config $1 and waits for its ready line (or its exit).
fg_start() {
	: >"$DAEMON_LOG"
	timeout -s KILL 170 "$FANGUARDD" -c "$1" >>"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	for _ in $(seq 1 600); do
		if grep -q ' ready: ' "$DAEMON_LOG"; then
			# DAEMON_PID is timeout(1), which forwards TERM but not USR1
			FANGUARDD_PID=$(pgrep -P "$DAEMON_PID" -x fanguardd)
			return 0
		fi
		kill -0 "$DAEMON_PID" 2>/dev/null || fail "fanguardd exited before ready"
		sleep 0.05
	done
	fail "fanguardd not ready after 30 s"
}

# Stops the daemon we started with SIGTERM and checks it exited cleanly.
fg_stop() {
	local rc=0
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID" || rc=$?
	DAEMON_PID=""
	[ "$rc" -eq 0 ] || fail "fanguardd exited with status $rc after SIGTERM"
	grep -q 'stopped' "$DAEMON_LOG" || fail "no 'stopped' line after SIGTERM"
}

# Asks the running daemon for its counters (SIGUSR1) and sets EV_TOTAL, EV_CACHED, EV_SCANNED,
# EV_JOINED from the "events N: ..." line it logs.
fg_counts() {
	local before line
	before=$(grep -c '\]: events [0-9]*:' "$DAEMON_LOG" || true)
	kill -USR1 "$FANGUARDD_PID"
	for _ in $(seq 1 200); do
		[ "$(grep -c '\]: events [0-9]*:' "$DAEMON_LOG" || true)" -gt "$before" ] && break
		sleep 0.05
	done
	line=$(grep '\]: events [0-9]*:' "$DAEMON_LOG" | tail -n 1)
	[ -n "$line" ] || fail "no counters after SIGUSR1"
	EV_TOTAL=$(sed -E 's/.*\]: events ([0-9]+):.*/\1/' <<<"$line")
	EV_CACHED=$(sed -E 's/.* ([0-9]+) from the verdict cache.*/\1/' <<<"$line")
	EV_SCANNED=$(sed -E 's/.* ([0-9]+) scanned,.*/\1/' <<<"$line")
	EV_JOINED=$(sed -E 's/.* ([0-9]+) waited on a scan.*/\1/' <<<"$line")
}

# Waits (bounded) until the daemon log matches an extended regex.
fg_wait_log() {
	for _ in $(seq 1 200); do
		grep -Eq -- "$1" "$DAEMON_LOG" && return 0
		sleep 0.05
	done
	fail "log never matched: $1"
}

# Asserts fg_probe's answer for `open` of a file: "ok" or an errno name such as EPERM.
expect_open() {
	local want=$1 file=$2 got
	got=$("$FG_PROBE" open "$file" || true)
	[ "$got" = "$want" ] || fail "open $file: expected $want, got '$got'"
}

# The log is written by a thread of its own: a line may land just after the answer it explains.
expect_log() {
	for _ in $(seq 1 100); do
		grep -Eq -- "$1" "$DAEMON_LOG" && return 0
		sleep 0.05
	done
	fail "log lacks: $1"
}

expect_no_log() {
	if grep -Eq -- "$1" "$DAEMON_LOG"; then
		fail "log unexpectedly has: $1"
	fi
}

# Writes its arguments to a file (on the watched mount, the creating open scans an empty file).
fg_put() {
	local dest=$1
	shift
	printf '%s' "$@" >"$dest"
}

# 22 nested folders of 200-character names, a path past PATH_MAX: see deep.sh
FG_DEEP="$(dirname "${BASH_SOURCE[0]}")/deep.sh"

# ---- attacks that try to switch protection off for everyone (test_attack_*_disable.sh) ----
# The attacker (nobody) and a victim (uid 65533), each an ordinary user.
as_attacker() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
as_victim() { setpriv --reuid=65533 --regid=65533 --clear-groups -- "$@"; }

# Before fg_start: EICAR on the hash blocklist too (every plugin can find it), a folder anyone
# may write to ($MNT/drop), and the victim's EICAR, not opened before fg_victim_denied asks.
fg_victim_setup() {
	chmod 0711 "$WORK"
	printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
	mkdir -m 1777 "$MNT/drop"
	printf '%s' "$EICAR" >"$MNT/victim-later.com"
	chmod 0644 "$MNT/victim-later.com"
}

# The daemon log's lines that match $1 (an extended regular expression), counted.
fg_count_log() { grep -Ec -- "$1" "$DAEMON_LOG" || true; }

# Waits (up to 10 s) until the scanner killed in round $1 is back, or disabled.
fg_wait_scanner_back() {
	for _ in $(seq 1 100); do
		[ "$(fg_count_log 'scanner plugins ready \(pid [0-9]+\) after a restart')" -ge "$1" ] && return 0
		grep -q "SCANNER plugins DISABLED" "$DAEMON_LOG" && return 0
		sleep 0.1
	done
}

# After the attack ($1 says what it did): the scanner is not disabled and the victim's EICAR
# is still denied.
fg_victim_denied() {
	local got
	if grep -q "SCANNER plugins DISABLED" "$DAEMON_LOG"; then fail "$1 disabled the scanner"; fi
	got=$(as_victim "$FG_PROBE" open "$MNT/victim-later.com" || true)
	[ "$got" = EPERM ] || fail "victim's EICAR after $1: '$got' (expected EPERM)"
}

# ---- FUSE mounted by an ordinary user (test_attack_*fuse*.sh) ----
# Before fg_setup: skips (77) without the lying filesystem helper or fusermount3.
fg_need_user_fuse() {
	[ -n "${FG_LYINGFS:-}" ] && [ -x "${FG_LYINGFS:-}" ] && command -v fusermount3 >/dev/null || {
		echo "SKIP: no fg_lyingfs or fusermount3 (libfuse3-dev, fuse3: scripts/install-deps.sh)"
		exit 77
	}
	[ -e /dev/fuse ] || { echo "SKIP: no /dev/fuse"; exit 77; }
}

# /dev/fuse is 0600 on some hosts (Debian makes it 0666): libfuse opens it before it asks
# fusermount3, so an ordinary user's mount needs it open to all. A node of our own, bound over
# it in this test's mount namespace only, leaves the host's alone.
fg_user_fuse_setup() {
	if ! as_attacker test -r /dev/fuse -a -w /dev/fuse; then
		mknod -m 0666 "$WORK/fuse" c $((16#$(stat -c %t /dev/fuse))) $((16#$(stat -c %T /dev/fuse)))
		mount --bind "$WORK/fuse" /dev/fuse
	fi
}

# The FUSE attacks' start: nobody may reach $MNT ($WORK 0755), and may write the folders
# $MNT/drop/NAME... made for his mounts. After fg_setup and fg_victim_setup.
fg_user_fuse_folders() {
	fg_user_fuse_setup
	chmod 0755 "$WORK"
	local name
	for name in "$@"; do
		mkdir "$MNT/drop/$name"
		chown 65534:65534 "$MNT/drop/$name"
	done
}

# Mounts nobody's lying FUSE filesystem (fg_lyingfs: "tool", a harmless script for the
# scanners' user, EICAR for everyone else) on the folder $1 and waits until it is mounted; more
# arguments are environment assignments for the server (FG_LYINGFS_STALL=1). Not through
# as_attacker (a function: $! would be its subshell's): setpriv and env exec it, so $! is the
# server itself, which fg_unmount_lyingfs can kill.
fg_mount_lyingfs() {
	local dir=$1
	shift
	setpriv --reuid=65534 --regid=65534 --clear-groups -- env "$@" \
		"$FG_LYINGFS" "$(id -u fanguard-scan)" "$dir" -f >/dev/null 2>>"$WORK/lyingfs.log" </dev/null &
	FG_LYINGFS_PIDS+=("$!")
	FG_LYINGFS_DIRS+=("$dir")
	for _ in $(seq 1 100); do grep -q " $dir .* - fuse" /proc/self/mountinfo && return 0; sleep 0.05; done
	fail "the lying filesystem on $dir did not mount"
}

# Unmounts what fg_mount_lyingfs mounted and ends its servers; fg_cleanup calls it too. Each
# server is killed: a stalling one never ends on its own (a stalled request holds its loop).
fg_unmount_lyingfs() {
	local dir pid
	for dir in "${FG_LYINGFS_DIRS[@]}"; do
		timeout 10 fusermount3 -u -z "$dir" 2>/dev/null || umount -l "$dir" 2>/dev/null || true
	done
	for pid in "${FG_LYINGFS_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	FG_LYINGFS_PIDS=()
	FG_LYINGFS_DIRS=()
}
