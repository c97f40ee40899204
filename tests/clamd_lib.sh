# A private clamd for the clamd plugin's tests, sourced after cli/lib.sh or e2e/lib.sh.
# It listens on 127.0.0.1:$CLAMD_PORT (a free port) and on $CLAMD_SOCKET, loads only the
# project's own signatures (tests/data/clamav), runs under `timeout`, and only its PID is
# ever signalled. The Debian package's own clamd/freshclam services are never touched.
CLAMD_BIN=${CLAMD_BIN:-/usr/sbin/clamd}
CLAMD_PID=""

# True if something accepts TCP connections on 127.0.0.1:$1.
clamd_port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Sends zPING to 127.0.0.1:$1 and checks for PONG.
clamd_pings() {
	(
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf 'zPING\0' >&3
		IFS= read -r -d '' -t 2 reply <&3 || exit 1
		[ "$reply" = "PONG" ]
	) 2>/dev/null
}

# Prints a TCP port on 127.0.0.1 that nothing listens on (for a "dead server").
clamd_dead_port() {
	local port
	for _ in $(seq 1 50); do
		port=$((20000 + RANDOM % 40000))
		clamd_port_busy "$port" || { echo "$port"; return 0; }
	done
	return 1
}

# Starts clamd with a config in $1 (a folder of its own) plus the lines in CLAMD_EXTRA_CONF;
# sets CLAMD_PORT and CLAMD_SOCKET.
clamd_start() {
	local dir=$1
	[ -x "$CLAMD_BIN" ] || fail "$CLAMD_BIN missing: scripts/install-deps.sh installs clamav-daemon"
	mkdir -p "$dir/db" "$dir/tmp"
	cp "$DATA"/clamav/*.ndb "$DATA"/clamav/*.hdb "$DATA"/clamav/*.hsb "$dir/db/"
	CLAMD_SOCKET="$dir/clamd.sock"
	for _ in $(seq 1 5); do # another process may take the port between check and bind
		CLAMD_PORT=$(clamd_dead_port) || fail "no free TCP port for clamd"
		cat >"$dir/clamd.conf" <<CONF
Foreground yes
TCPSocket $CLAMD_PORT
TCPAddr 127.0.0.1
LocalSocket $CLAMD_SOCKET
LocalSocketMode 666
DatabaseDirectory $dir/db
TemporaryDirectory $dir/tmp
LogTime yes
${CLAMD_EXTRA_CONF:-}
CONF
		timeout -s KILL 170 "$CLAMD_BIN" -c "$dir/clamd.conf" >"$dir/clamd.log" 2>&1 &
		CLAMD_PID=$!
		for _ in $(seq 1 600); do
			clamd_pings "$CLAMD_PORT" && return 0
			kill -0 "$CLAMD_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$CLAMD_PID" 2>/dev/null && fail "clamd does not answer PING after 60 s"
		CLAMD_PID=""
		grep -q 'bind' "$dir/clamd.log" || { cat "$dir/clamd.log" >&2; fail "clamd did not start"; }
	done
	fail "clamd could not bind a port"
}

# Stops the clamd we started (timeout(1) passes TERM on to it). Keeps $? for an EXIT trap.
clamd_stop() {
	local rc=$?
	if [ -n "$CLAMD_PID" ] && kill -0 "$CLAMD_PID" 2>/dev/null; then
		kill -TERM "$CLAMD_PID" 2>/dev/null || true
		wait "$CLAMD_PID" 2>/dev/null || true
	fi
	CLAMD_PID=""
	return "$rc"
}
