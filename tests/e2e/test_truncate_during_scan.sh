# A file truncated while a plugin reads its mapping (SIGBUS) is an error verdict for that event,
# decided by on_error; the daemon keeps running and answering.
. "$(dirname "$0")/lib.sh"
fg_setup
head -c $((4 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$MNT/big.bin"   # > 1 MiB: mapped
printf 'fine\n' >"$MNT/after.txt"
for decision in deny allow; do
	cp "$MNT/big.bin" "$MNT/big-$decision.bin"
done
for decision in deny allow; do
	SLEEP_MS=700 SLEEP_TOUCH=true ON_ERROR=$decision fg_write_config "$WORK/$decision.conf" sleepy
	fg_start "$WORK/$decision.conf"
	( "$FG_PROBE" open "$MNT/big-$decision.bin" >"$WORK/r-$decision" || true ) &
	opener=$!
	sleep 0.3
	# truncate(1) would open the file and wait for the scan like any opener: use truncate(2)
	[ "$("$FG_PROBE" truncate "$MNT/big-$decision.bin" 0)" = ok ] || fail "truncate failed"
	timeout 20 tail --pid="$opener" -f /dev/null || fail "opener never returned"
	if [ "$decision" = deny ]; then want=EPERM; else want=ok; fi
	[ "$(cat "$WORK/r-$decision")" = "$want" ] || fail "on_error=$decision: opener got '$(cat "$WORK/r-$decision")'"
	fg_wait_log "scan error on open $MNT/big-$decision.bin: sleepy: file truncated while being scanned \(SIGBUS\)"
	kill -0 "$DAEMON_PID" || fail "daemon died"
	expect_open ok "$MNT/after.txt"
	fg_stop
done
pass
