# Every denied open is logged with its own pid, uid and program, also an open that waited on
# a scan of the same file already running for the same user (single-flight) and was answered
# with that scan's verdict: one DENY line and one event-log record per opener. Twice: the
# waiter answered with the scan's verdict in time, and the waiter answered with a verdict that
# came after the leader's own deadline had let the leader through (on_timeout).
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
# setpriv itself, not a function: $! must be the pid that opens (setpriv execs fg_probe)
AS_USER=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
printf 'SLOWSCAN evil\n' >"$MNT/evil"
chmod 0644 "$MNT/evil"

# Two opens by uid 65534 of $MNT/evil, the second $1 s after the first; sets LEADER and WAITER
# (their pids: setpriv execs fg_probe) and checks what each was answered.
two_opens() {
	"${AS_USER[@]}" "$FG_PROBE" open "$MNT/evil" >"$WORK/leader.out" &
	LEADER=$!
	sleep "$1"
	"${AS_USER[@]}" "$FG_PROBE" open "$MNT/evil" >"$WORK/waiter.out" &
	WAITER=$!
	wait "$LEADER" || true
	wait "$WAITER" || true
	[ "$(cat "$WORK/leader.out")" = "$2" ] || fail "the first open got '$(cat "$WORK/leader.out")'"
	[ "$(cat "$WORK/waiter.out")" = EPERM ] || fail "the joined open got '$(cat "$WORK/waiter.out")'"
	fg_counts
	[ "$EV_JOINED" -eq 1 ] || fail "$EV_JOINED opens waited on the running scan, want 1"
}

# the waiter's own DENY line and its own event-log record
expect_waiter_logged() {
	expect_log "DENY open of $MNT/evil by pid $WAITER \(uid 65534, exe $FG_PROBE\): sleepy: "
	grep -q "\"event\":\"deny\".*\"findings\":\[{\"plugin\":\"sleepy\".*\"pid\":$WAITER,\"uid\":65534,\"exe\":\"$FG_PROBE\"" \
		"$WORK/events.jsonl" || fail "no event-log record of the joined open (pid $WAITER): $(cat "$WORK/events.jsonl")"
}

# 1. the scan's verdict comes in time for both
SLEEP_MS=1500 SLEEP_EXTRA='match = "SLOWSCAN" detect = true' fg_write_config "$WORK/a.conf" sleepy
sed -i "s|^log { level = \"info\" }|log { level = \"info\" events = \"$WORK/events.jsonl\" }|" "$WORK/a.conf"
fg_start "$WORK/a.conf"
two_opens 0.5 EPERM
expect_log "DENY open of $MNT/evil by pid $LEADER \(uid 65534, exe $FG_PROBE\): sleepy: "
grep -q "\"pid\":$LEADER," "$WORK/events.jsonl" || fail "no event-log record of the first open"
expect_waiter_logged
fg_stop

# 2. the scan takes 2 s, the deadline is 1.5 s: the first open is let through at its deadline;
#    the second, 1 s later, is still waiting when the verdict comes, and is denied by it
rm -f "$WORK/events.jsonl"
SLEEP_MS=2000 SLEEP_EXTRA='match = "SLOWSCAN" detect = true' TIMEOUT_MS=1500 \
	fg_write_config "$WORK/b.conf" sleepy
sed -i "s|^log { level = \"info\" }|log { level = \"info\" events = \"$WORK/events.jsonl\" }|" "$WORK/b.conf"
fg_start "$WORK/b.conf"
two_opens 1 ok
expect_log "no verdict for open of $MNT/evil \(pid $LEADER\) within 1500 ms: answered allow"
expect_log "LATE DETECTION in open of $MNT/evil by pid $LEADER "
expect_waiter_logged
fg_stop
pass
