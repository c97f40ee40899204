# A scanner killed from outside is restarted without counting toward disabling it: only root
# (or the kernel's OOM killer) can SIGKILL the scanners' own user, so such a death is not the
# plugins' failure. Killed more times than restart_limit, the scanner still scans; the deaths
# are logged as kills from outside and counted apart from crashes.
. "$(dirname "$0")/lib.sh"
fg_setup
SCAN_EXTRA='restart_limit = 3' fg_write_config "$WORK/fanguard.conf" clamav
fg_start "$WORK/fanguard.conf"

scanner_pid() { pgrep -P "$FANGUARDD_PID" -x fanguardd | head -1 || true; }
for round in 1 2 3 4 5; do
	old=$(scanner_pid)
	[ -n "$old" ] || fail "no scanner before kill $round"
	kill -KILL "$old"
	# its restart: a new scanner process says ready
	for _ in $(seq 1 200); do
		new=$(scanner_pid)
		[ -n "$new" ] && [ "$new" != "$old" ] &&
			grep -q "scanner plugins ready (pid $new) after a restart" "$DAEMON_LOG" && break
		sleep 0.05
	done
	[ -n "$new" ] && [ "$new" != "$old" ] || fail "the scanner was not restarted after kill $round"
done
expect_no_log "DISABLED"
expect_log "scanner plugins \(pid [0-9]+\) killed by signal 9 \(KILL\) from outside fanguardd"
fg_put "$MNT/eicar.com" "$EICAR"
expect_open EPERM "$MNT/eicar.com"
"$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/status.txt" ||
	fail "fanguard status says degraded: $(cat "$WORK/status.txt")"
grep -Eq "scanner plugins \(clamav\): ready, .* 0 crashes, 5 restarts, .* 5 killed from outside" \
	"$WORK/status.txt" || fail "status: $(grep '^scanner' "$WORK/status.txt")"
fg_stop
pass
