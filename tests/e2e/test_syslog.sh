# log { syslog = true }: the daemon's lines, and its sandboxed scanners' lines, reach syslog
# (as well as stderr), with the right priority. This namespace gets a /dev of its own (a tmpfs
# with fresh null/zero/random nodes and a /dev/log socket of ours): the host's /dev is never
# written to, and whatever syslog daemon the host runs never sees these lines.
. "$(dirname "$0")/lib.sh"
fg_setup
LISTENER_PID=""
syslog_cleanup() {
	local rc=$?
	if [ -n "$LISTENER_PID" ]; then
		kill "$LISTENER_PID" 2>/dev/null || true
		wait "$LISTENER_PID" 2>/dev/null || true
	fi
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill -TERM "$DAEMON_PID" 2>/dev/null || true
		wait "$DAEMON_PID" 2>/dev/null || true
	fi
	DAEMON_PID=""
	# Lazily: anything still holding a file there (even this shell's own 2>/dev/null, or a
	# scanner not quite gone) would make a plain umount fail, and rm -rf below with it.
	umount -l /dev 2>/dev/null || true
	umount -l "$WORK/dev" 2>/dev/null || true
	(exit "$rc")
	fg_cleanup
}
trap syslog_cleanup EXIT

mkdir "$WORK/dev"
mount -t tmpfs -o size=1m,mode=0755 fanguard-dev "$WORK/dev"
mknod -m 666 "$WORK/dev/null" c 1 3
mknod -m 666 "$WORK/dev/zero" c 1 5
mknod -m 666 "$WORK/dev/random" c 1 8
mknod -m 666 "$WORK/dev/urandom" c 1 9
ln -s /proc/self/fd "$WORK/dev/fd"
ln -s /proc/self/fd/0 "$WORK/dev/stdin"
ln -s /proc/self/fd/1 "$WORK/dev/stdout"
ln -s /proc/self/fd/2 "$WORK/dev/stderr"
mkdir -m 1777 "$WORK/dev/shm"

# a datagram socket like journald's /dev/log: one line per message in $WORK/syslog
timeout -s KILL 170 python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(65536).rstrip(b"\n") + b"\n")
' "$WORK/dev/log" "$WORK/syslog" &
LISTENER_PID=$!
for _ in $(seq 1 100); do [ -S "$WORK/dev/log" ] && break; sleep 0.05; done
[ -S "$WORK/dev/log" ] || fail "syslog listener did not start"
mount --bind "$WORK/dev" /dev
: >"$WORK/syslog"

: >"$WORK/blocklist.sha256"
fg_write_config "$WORK/fanguard.conf" clamav yara hash
sed -i 's|log { level = "info" }|log { level = "info" syslog = true }|' "$WORK/fanguard.conf"
grep -q 'syslog = true' "$WORK/fanguard.conf" || fail "config has no syslog = true"
fg_start "$WORK/fanguard.conf"
fg_put "$MNT/eicar.com" "$EICAR"
expect_open EPERM "$MNT/eicar.com"
expect_log "DENY open of $MNT/eicar.com"

in_syslog() {
	for _ in $(seq 1 100); do
		grep -Eq -- "$1" "$WORK/syslog" && return 0
		sleep 0.05
	done
	fail "syslog lacks: $1 (it has: $(head -c 2000 "$WORK/syslog"))"
}
# LOG_DAEMON is facility 3: <27> error, <28> warning, <29> notice, <30> info
in_syslog "^<29>.* fanguardd\[$FANGUARDD_PID\]: ready: "
in_syslog "^<28>.* fanguardd\[$FANGUARDD_PID\]: DENY open of $MNT/eicar.com .*clamav: "
# a scanner's own start-up line, from inside its sandbox (it is not the monitor's pid)
scanner_line=$(grep -Eo 'fanguardd/[a-z]+\[info\]: .*' "$DAEMON_LOG" | sed -n 1p)
[ -n "$scanner_line" ] || fail "no scanner line on stderr to look for"
ident=${scanner_line%%\[*}
text=${scanner_line#*]: }
grep -F -- "$ident[" "$WORK/syslog" | grep -Fc -- "]: $text" >/dev/null ||
	fail "scanner line '$scanner_line' not in syslog: $(head -c 2000 "$WORK/syslog")"
grep -F -- "$ident[$FANGUARDD_PID]" "$WORK/syslog" && fail "scanner line carries the monitor's pid"
fg_stop
in_syslog "^<29>.* fanguardd\[$FANGUARDD_PID\]: stopped"
pass
