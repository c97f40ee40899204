# A plugin that hangs cannot hold an open past timeout_ms: on_timeout answers it.
. "$(dirname "$0")/lib.sh"
fg_setup
printf 'data\n' >"$WORK/payload"

for decision in allow deny; do
	TIMEOUT_MS=300 ON_TIMEOUT=$decision SLEEP_MS=20000 \
		fg_write_config "$WORK/$decision.conf" sleepy
	# Created before the daemon starts: creating it is itself an open the sleepy plugin would stall.
	cp "$WORK/payload" "$MNT/slow-$decision"
	fg_start "$WORK/$decision.conf"
	start=$(date +%s%N)
	if [ "$decision" = allow ]; then want=ok; else want=EPERM; fi
	expect_open "$want" "$MNT/slow-$decision"
	elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	# The bound is generous against a loaded machine; the plugin itself sleeps 20 s.
	[ "$elapsed_ms" -lt 5000 ] || fail "open took $elapsed_ms ms with timeout_ms = 300"
	fg_wait_log "no verdict for open of $MNT/slow-$decision .*within 300 ms: answered $decision"
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID" || true   # its stuck worker may make shutdown report a stuck scan
	DAEMON_PID=""
done
pass
