# Shared by the test_fault_*.sh scripts: rounds of 1,000 opens from 4 processes while the
# `faulty` plugin misbehaves (FAULT, EVERY) beside the healthy `marker` plugin. Every open must
# be answered within timeout_ms + slack with the verdict the policy says (marker files denied,
# clean files allowed since on_error = allow), and the daemon must keep running. Rounds repeat
# (the cache is off, so every open scans) until the log shows UNTIL.
. "$(dirname "$0")/lib.sh"
fg_setup
: "${FAULT:?}" "${EVERY:=1}" "${EXTRA:=}"
TIMEOUT=1000
SLACK_MS=1500   # generous for a loaded CI machine; the figure itself is printed
mkdir "$MNT/files"
for i in $(seq 0 999); do
	if [ $((i % 10)) -eq 0 ]; then
		printf 'bad %s TINY-PLUGIN-MARKER-3e9d\n' "$i" >"$MNT/files/f$i"
	else
		printf 'clean %s\n' "$i" >"$MNT/files/f$i"
	fi
done
for p in 0 1 2 3; do
	seq $((p * 250)) $((p * 250 + 249)) | sed "s|^|$MNT/files/f|" >"$WORK/list$p"
done
CACHE_SIZE=0 TIMEOUT_MS=$TIMEOUT fg_write_config "$WORK/fanguard.conf" marker
printf 'plugin faulty { path = "%s/faulty.so" scanner = "faulty" fault = "%s" every = %s %s }\n' \
	"$FANGUARD_TEST_PLUGIN_DIR" "$FAULT" "$EVERY" "$EXTRA" >>"$WORK/fanguard.conf"
[ -z "${SCAN_EXTRA:-}" ] || sed -i "s|^scan {|scan { $SCAN_EXTRA|" "$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"

# One round: 4 processes open 250 files each (every 10th carries the marker).
open_round() {
	local pids=() p ok eperm other max_ms
	for p in 0 1 2 3; do
		timeout 300 "$FG_PROBE" openlist "$WORK/list$p" >"$WORK/out$p" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || fail "an opener failed or hung (status $?)"; done
	for p in 0 1 2 3; do
		read -r _ ok _ eperm _ other _ max_ms <"$WORK/out$p"
		[ "$other" -eq 0 ] || fail "opener $p: $other opens failed with another error"
		[ "$eperm" -eq 25 ] || fail "opener $p: $eperm marker files denied, want 25 ($(cat "$WORK/out$p"))"
		[ "$ok" -eq 225 ] || fail "opener $p: $ok clean files allowed, want 225 ($(cat "$WORK/out$p"))"
		[ "$max_ms" -le $((TIMEOUT + SLACK_MS)) ] || fail "opener $p: an open took $max_ms ms"
		if [ "$max_ms" -gt "$worst" ]; then worst=$max_ms; fi
	done
	opens=$((opens + 1000))
}

# Rounds until the log shows what the test is about (UNTIL, at least UNTIL_COUNT times).
start=$(date +%s%N)
opens=0 worst=0 rounds=0
while :; do
	open_round
	rounds=$((rounds + 1))
	[ -z "${UNTIL:-}" ] && break
	[ "$(grep -Ec -- "$UNTIL" "$DAEMON_LOG" || true)" -ge "${UNTIL_COUNT:-1}" ] && break
	[ "$rounds" -lt "${MAX_ROUNDS:-60}" ] || fail "after $rounds rounds the log still lacks: $UNTIL"
done
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
kill -0 "$FANGUARDD_PID" || fail "fanguardd died"
fg_counts
echo "fault=$FAULT every=$EVERY: $opens opens in $elapsed ms, slowest $worst ms," \
	"$EV_SCANNED events scanned"
{ grep -E ': scanner faulty \(pid|DISABLED' "$DAEMON_LOG" || true; } | sed -n 's/^/  /; 1,8p'
{ grep -E 'scanner faulty \(faulty\):' "$DAEMON_LOG" || true; } | sed -n 's/^/  /; $p'
