# A detection after close_write whose writer has exited by the time the verdict comes names it
# as exited ("uid ?, exe ? (exited)"), not as "uid -1, exe ?", which read like a bug or a
# process without a uid. The scan is held back by a plugin that sleeps, so the writer, a
# short-lived process, is gone when the daemon looks it up.
. "$(dirname "$0")/lib.sh"
fg_setup
EVENTS='"close_write"' SLEEP_MS=1500 fg_write_config "$WORK/fanguard.conf" marker sleepy
fg_start "$WORK/fanguard.conf"

sh -c 'printf "x TINY-PLUGIN-MARKER-3e9d x\n" >"$1"' sh "$MNT/dropped.txt"
fg_wait_log "DETECTED after write of $MNT/dropped.txt by pid [0-9]+ \(uid \?, exe \? \(exited\)\): marker: Tiny.Marker"
if grep -q 'uid -1' "$DAEMON_LOG"; then fail "the log still says uid -1"; fi

# a writer still running is named as before
sh -c 'printf "x TINY-PLUGIN-MARKER-3e9d x\n" >"$1"; sleep 5' sh "$MNT/held.txt" &
writer=$!
fg_wait_log "DETECTED after write of $MNT/held.txt by pid [0-9]+ \(uid 0, exe /[^)]*\): marker"
kill "$writer" 2>/dev/null || true
wait "$writer" 2>/dev/null || true
fg_stop
pass
