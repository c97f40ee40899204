# SIGTERM while opens wait on a slow plugin: every opener gets an answer, the daemon exits 0.
. "$(dirname "$0")/lib.sh"
fg_setup
TIMEOUT_MS=3000 SLEEP_MS=300 fg_write_config "$WORK/fanguard.conf" sleepy
for i in $(seq 1 20); do
	printf 'file %s\n' "$i" >"$WORK/f$i"
	: >"$MNT/f$i"   # exists before the openers below race the copies
done
fg_start "$WORK/fanguard.conf"
# Each copy's create-open is one event queued behind the slow plugin (2 workers, 300 ms each).
pids=()
for i in $(seq 1 20); do
	cp "$WORK/f$i" "$MNT/f$i" &
	pids+=($!)
done
for i in $(seq 1 20); do
	( "$FG_PROBE" open "$MNT/f$i" >"$WORK/r$i" || true ) &
	pids+=($!)
done
sleep 0.3   # let the events reach the daemon; most are still waiting on the plugin
kill -TERM "$DAEMON_PID"
for p in "${pids[@]}"; do
	timeout 20 tail --pid="$p" -f /dev/null || fail "an opener never returned"
done
rc=0
wait "$DAEMON_PID" || rc=$?
DAEMON_PID=""
[ "$rc" -eq 0 ] || fail "daemon exit status $rc"
for i in $(seq 1 20); do
	[ "$(cat "$WORK/r$i")" = ok ] || fail "opener $i got '$(cat "$WORK/r$i")'"
done
expect_log "received SIGTERM"
# The stop must have found work in flight, or this test proved nothing.
expect_log "answering [1-9][0-9]* event\\(s\\) still in flight"
expect_log "stopped"
pass
