# kill -9 of the daemon while 100 opens wait on a slow scan: the kernel releases every opener
# (the fanotify group dies with its last descriptor, which no scanner holds), the scanners die
# with their parent, and a restarted daemon protects again.
. "$(dirname "$0")/lib.sh"
fg_setup
for i in $(seq 1 100); do printf 'file %s\n' "$i" >"$MNT/f$i"; done
printf 'x TINY-PLUGIN-MARKER-3e9d x\n' >"$MNT/evil.txt"
TIMEOUT_MS=60000 SLEEP_MS=30000 fg_write_config "$WORK/slow.conf" sleepy
fg_start "$WORK/slow.conf"
scanners=$(pgrep -P "$FANGUARDD_PID" | tr '\n' ' ')
[ -n "$scanners" ] || fail "no scanner processes"

pids=()
for i in $(seq 1 100); do
	( "$FG_PROBE" open "$MNT/f$i" >"$WORK/r$i" 2>&1 || true ) &
	pids+=($!)
done
for _ in $(seq 1 200); do
	fg_counts
	[ "$EV_SCANNED" -ge 100 ] && break
	sleep 0.05
done
[ "$EV_SCANNED" -ge 100 ] || fail "only $EV_SCANNED opens reached the daemon"

kill -KILL "$FANGUARDD_PID"
start=$(date +%s%N)
for p in "${pids[@]}"; do
	timeout 20 tail --pid="$p" -f /dev/null || fail "an opener never returned after kill -9"
done
released_ms=$(( ($(date +%s%N) - start) / 1000000 ))
for i in $(seq 1 100); do
	[ "$(cat "$WORK/r$i")" = ok ] || fail "opener $i got '$(cat "$WORK/r$i")'"
done
wait "$DAEMON_PID" 2>/dev/null || true
DAEMON_PID=""
for _ in $(seq 1 100); do
	alive=0
	for s in $scanners; do kill -0 "$s" 2>/dev/null && alive=1; done
	[ "$alive" -eq 0 ] && break
	sleep 0.05
done
[ "$alive" -eq 0 ] || fail "scanners outlived the daemon: $scanners"
echo "100 pending opens released $released_ms ms after kill -9"

# what systemd's Restart=always does: start again, and protection is back
fg_write_config "$WORK/marker.conf" marker
fg_start "$WORK/marker.conf"
expect_open EPERM "$MNT/evil.txt"
expect_open ok "$MNT/f1"
fg_stop
pass
