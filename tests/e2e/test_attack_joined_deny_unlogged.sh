# ATTACK (audit trail): README promises "Every deny is logged with path, plugin(s), threat
# name(s), pid, uid and executable". An open that joins a scan already running for the same
# file (single-flight) is answered with that scan's verdict by the monitor, and only the
# leader's event is logged: a user who opens a malicious file while someone else's open of it
# is being scanned is denied with no DENY line (and no event-log record) naming them. An
# attacker who wants their own attempts kept out of the log opens the file right after a
# colleague or a cron job does. Expected: one DENY line per denied open, naming each opener.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
fg_write_config "$WORK/fanguard.conf" clamav
cat >>"$WORK/fanguard.conf" <<CONF
plugin sleepy { path = "$FANGUARD_TEST_PLUGIN_DIR/sleepy.so" delay_ms = 1500 match = "EICAR" scanner = "slow" }
CONF
sed -i "s|^log { level = \"info\" }|log { level = \"info\" events = \"$WORK/events.jsonl\" }|" "$WORK/fanguard.conf"
printf '%s' "$EICAR" >"$MNT/eicar.com"
chmod 0644 "$MNT/eicar.com"
fg_start "$WORK/fanguard.conf"
first() { setpriv --reuid=65533 --regid=65533 --clear-groups -- "$@"; }
attacker() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
( first "$FG_PROBE" open "$MNT/eicar.com" >"$WORK/first.out" || true ) &
opener=$!
sleep 0.5
got=$(attacker "$FG_PROBE" open "$MNT/eicar.com" || true)
wait "$opener"
[ "$(cat "$WORK/first.out")" = EPERM ] || fail "first opener: $(cat "$WORK/first.out")"
[ "$got" = EPERM ] || fail "joined opener: '$got'"
expect_log "DENY open of $MNT/eicar.com by pid [0-9]+ \(uid 65533"
sleep 1
grep -Eq "DENY open of $MNT/eicar.com by pid [0-9]+ \(uid 65534" "$DAEMON_LOG" ||
	fail "the joined open of uid 65534 was denied with no DENY line naming it"
grep -q '"uid":65534' "$WORK/events.jsonl" || fail "no event-log record of uid 65534's denied open"
fg_stop
pass
