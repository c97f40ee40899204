# Soak: 4 processes open, write and re-read files for SOAK_SECONDS (60 by default) under the
# daemon. Every open is answered (none hangs or fails), no descriptor leaks (the daemon's fd
# count returns to where it started), and resident memory stays stable.
. "$(dirname "$0")/lib.sh"
fg_setup
SECONDS_TO_RUN=${SOAK_SECONDS:-60}
: >"$WORK/blocklist.sha256"
fg_write_config "$WORK/fanguard.conf" clamav yara hash marker
fg_start "$WORK/fanguard.conf"
fds() { ls "/proc/$1/fd" | wc -l; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
total_rss() {
	local sum=0 p
	for p in "$FANGUARDD_PID" $(pgrep -P "$FANGUARDD_PID"); do sum=$((sum + $(rss_kb "$p"))); done
	echo "$sum"
}
fds_before=$(fds "$FANGUARDD_PID")

worker() {
	local id=$1 end=$2 n=0 f
	mkdir -p "$MNT/w$id"
	while [ "$(date +%s)" -lt "$end" ]; do
		f="$MNT/w$id/f$((n % 50))"
		printf 'round %s of worker %s\n' "$n" "$id" >"$f" || { echo "write $f failed"; return 1; }
		"$FG_PROBE" open "$f" >/dev/null || { echo "open $f failed"; return 1; }
		cat "$f" >/dev/null || { echo "re-read $f failed"; return 1; }
		if [ $((n % 97)) -eq 0 ]; then
			# a known-bad file refuses even opens for writing: replace it, don't rewrite it
			rm -f "$MNT/w$id/evil"
			printf 'x TINY-PLUGIN-MARKER-3e9d x\n' >"$MNT/w$id/evil"
			[ "$("$FG_PROBE" open "$MNT/w$id/evil" || true)" = EPERM ] || { echo "evil allowed"; return 1; }
		fi
		n=$((n + 1))
	done
	echo "$n" >"$WORK/done$id"
}

end=$(( $(date +%s) + SECONDS_TO_RUN ))
warm_end=$(( $(date +%s) + SECONDS_TO_RUN / 6 + 1 ))
pids=()
for id in 1 2 3 4; do
	worker "$id" "$end" >"$WORK/worker$id.log" 2>&1 &
	pids+=($!)
done
while [ "$(date +%s)" -lt "$warm_end" ]; do sleep 0.5; done
rss_warm=$(total_rss)
for p in "${pids[@]}"; do
	timeout $((SECONDS_TO_RUN + 60)) tail --pid="$p" -f /dev/null || fail "a worker hung"
	wait "$p" || fail "worker failed: $(cat "$WORK"/worker*.log)"
done
rss_end=$(total_rss)
ops=0
for id in 1 2 3 4; do ops=$((ops + $(cat "$WORK/done$id"))); done
sleep 0.5   # let the last close_write scans finish and their descriptors close
fds_after=$(fds "$FANGUARDD_PID")
fg_counts
echo "soak: ${SECONDS_TO_RUN}s, $ops write+open+read rounds, $EV_TOTAL events ($EV_SCANNED scanned)," \
	"fds $fds_before -> $fds_after, RSS (daemon + scanners) ${rss_warm} kB -> ${rss_end} kB"
[ "$fds_after" -eq "$fds_before" ] || fail "descriptor leak: $fds_before before, $fds_after after"
# stable: at most a quarter more than after warm-up, plus a little slack for allocator noise.
# Not judged under AddressSanitizer: its quarantine keeps freed memory on purpose (leaks are
# what LeakSanitizer and the plain build's run of this test are for).
if fg_sanitized_build; then
	echo "RSS growth not judged under AddressSanitizer"
else
	[ "$rss_end" -le $((rss_warm + rss_warm / 4 + 4096)) ] || fail "RSS grew from $rss_warm to $rss_end kB"
fi
grep -q "timed out" "$DAEMON_LOG" && ! grep -q ", 0 timed out" "$DAEMON_LOG" && fail "events timed out"
fg_stop
pass
