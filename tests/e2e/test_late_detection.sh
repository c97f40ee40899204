# A scan that misses its deadline is not forgotten. The opener's open is answered by on_timeout
# (allow) at the deadline, but the scan goes on: its detection is logged as late, remembered
# (the next open of the file is denied at once, from the cache), and with late_detection =
# kill the process that opened it is killed. Both ways a verdict can be late: no plugin had
# voted at the deadline, or one had and the slow one's detection came after the decision.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
attacker() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }

# Holds the file open, as a program that read it would (sh becomes sleep: one process).
hold_open() {
	# setpriv itself, not the function: $! must be the pid that opens (setpriv execs sh)
	setpriv --reuid=65534 --regid=65534 --clear-groups -- \
		sh -c 'exec 3<"$1" && echo opened && exec sleep 30' _ "$1" >"$2" 2>&1 &
	HOLDER=$!
}

expect_killed() {
	local rc=0
	wait "$HOLDER" || rc=$?
	[ "$rc" -eq 137 ] || fail "the opener of $1 exited with $rc, not killed: $(cat "$2")"
	grep -q opened "$2" || fail "the opener of $1 was not let open it: $(cat "$2")"
	expect_log "KILLED pid $HOLDER: its open of a file found malicious after its deadline"
}

# The opener of $1 is let through at the deadline ($2 says how the log puts it), then killed;
# the late detection names $3, and the next open is denied from the cache.
expect_late_detection() {
	local file=$1 out=$WORK/$(basename "$1").out
	hold_open "$file" "$out"
	expect_log "$2"
	expect_killed "$file" "$out"
	expect_log "LATE DETECTION in open of $file by pid $HOLDER \(uid 65534.*$3"
	if attacker cat "$file" >/dev/null 2>&1; then fail "$file read after its late detection"; fi
	expect_log "DENY open of $file by pid [0-9]+ .*verdict remembered from an earlier scan"
}

# 1. one scanner: sleepy sleeps 1.5 s, then the hash blocklist detects; the deadline is 0.5 s
printf 'SLOWSCAN evil one\n' >"$MNT/late-one"
sha256sum "$MNT/late-one" >"$WORK/blocklist.sha256"
chmod 0644 "$MNT/late-one"
SLEEP_MS=1500 SLEEP_EXTRA='match = "SLOWSCAN"' TIMEOUT_MS=500 \
	VERDICT_EXTRA='late_detection = {"kill"}' fg_write_config "$WORK/one.conf" sleepy hash
fg_start "$WORK/one.conf"
expect_late_detection "$MNT/late-one" \
	"no verdict for open of $MNT/late-one .*within 500 ms: answered allow" "hash: "
fg_counts
grep -Eq "late verdicts: [1-9][0-9]* \([1-9][0-9]* detections remembered, 1 openers killed\)" \
	"$DAEMON_LOG" || fail "no late-verdict figures in the counters"
fg_stop

# 2. two scanners: hash answers at once (clean), sleepy (a scanner of its own) detects after
#    1.5 s; just before the 0.8 s deadline the event is decided without sleepy's vote
#    (an error, on_error = allow), and that vote, when it comes, is still acted on
printf 'SLOWSCAN evil two\n' >"$MNT/late-two"
: >"$WORK/blocklist.sha256"
chmod 0644 "$MNT/late-two"
SLEEP_MS=1500 SLEEP_EXTRA='match = "SLOWSCAN" detect = true scanner = "slow"' TIMEOUT_MS=800 \
	VERDICT_EXTRA='late_detection = {"kill"}' fg_write_config "$WORK/two.conf" hash sleepy
fg_start "$WORK/two.conf"
expect_late_detection "$MNT/late-two" \
	"scan error on open $MNT/late-two: sleepy: scanner slow gave no verdict within 800 ms" \
	"sleepy: Sleepy.Late.Test"
fg_stop

# 3. late_detection = {"quarantine"}: the file found malicious after its deadline is moved into
#    the quarantine (event log: late_detection, quarantined)
printf 'SLOWSCAN evil three\n' >"$MNT/late-three"
sha256sum "$MNT/late-three" >"$WORK/blocklist.sha256"
chmod 0644 "$MNT/late-three"
SLEEP_MS=1500 SLEEP_EXTRA='match = "SLOWSCAN"' TIMEOUT_MS=500 \
	VERDICT_EXTRA='late_detection = {"quarantine"}' fg_write_config "$WORK/three.conf" sleepy hash
printf 'quarantine { dir = "%s" }\nlog { events = "%s" }\n' "$WORK/q" "$WORK/events.json" \
	>>"$WORK/three.conf"
sed -i 's/^log { level = "info" }$//' "$WORK/three.conf"
fg_start "$WORK/three.conf"
[ "$(attacker cat "$MNT/late-three")" = "SLOWSCAN evil three" ] ||
	fail "the deadline did not let the first read of late-three through (on_timeout = allow)"
expect_log "QUARANTINED $MNT/late-three as "
[ ! -e "$MNT/late-three" ] || fail "late-three is still in place"
grep -q '"event":"late_detection".*"action":"quarantined"' "$WORK/events.json" ||
	fail "no late_detection event: $(cat "$WORK/events.json")"
fg_stop
pass
