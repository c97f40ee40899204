# Eight processes opening the same file at once wait for one scan, not eight.
. "$(dirname "$0")/lib.sh"
fg_setup
printf 'shared\n' >"$MNT/shared.txt"
SLEEP_MS=800 WORKERS=4 fg_write_config "$WORK/fanguard.conf" sleepy
fg_start "$WORK/fanguard.conf"
pids=()
for i in $(seq 1 8); do
	( "$FG_PROBE" open "$MNT/shared.txt" >"$WORK/r$i" || true ) &
	pids+=($!)
done
for p in "${pids[@]}"; do
	timeout 20 tail --pid="$p" -f /dev/null || fail "an opener never returned"
done
for i in $(seq 1 8); do
	[ "$(cat "$WORK/r$i")" = ok ] || fail "opener $i got '$(cat "$WORK/r$i")'"
done
fg_counts
[ "$EV_SCANNED" -eq 1 ] || fail "8 concurrent opens scanned $EV_SCANNED times, want 1"
[ "$EV_JOINED" -eq 7 ] || fail "$EV_JOINED opens waited on the running scan, want 7"
fg_stop
pass
