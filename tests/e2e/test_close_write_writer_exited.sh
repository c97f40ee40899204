# A detection after close_write names its writer: fanguardd reads it when the event comes, so a
# short-lived writer (gone by the time the verdict does, the scan being held back by a plugin
# that sleeps) is still named, or, if it was gone even then, named as exited ("uid ?, exe ?
# (exited)", unit_test_procinfo; "exe ?" alone while it is exiting: its memory, and so its
# executable, goes before its pid), never "uid -1, exe ?", which read like a bug or a process
# without a uid.
. "$(dirname "$0")/lib.sh"
fg_setup
EVENTS='"close_write"' SLEEP_MS=1500 fg_write_config "$WORK/fanguard.conf" marker sleepy
fg_start "$WORK/fanguard.conf"

sh -c 'printf "x TINY-PLUGIN-MARKER-3e9d x\n" >"$1"' sh "$MNT/dropped.txt"
fg_wait_log "DETECTED after write of $MNT/dropped.txt by pid [0-9]+ \((uid \?, exe \? \(exited\)|uid 0, exe (/[^)]*|\?))\): marker: Tiny.Marker"
if grep -q 'uid -1' "$DAEMON_LOG"; then fail "the log still says uid -1"; fi

# a writer still running is named as before
sh -c 'printf "x TINY-PLUGIN-MARKER-3e9d x\n" >"$1"; sleep 5' sh "$MNT/held.txt" &
writer=$!
fg_wait_log "DETECTED after write of $MNT/held.txt by pid [0-9]+ \(uid 0, exe /[^)]*\): marker"
kill "$writer" 2>/dev/null || true
wait "$writer" 2>/dev/null || true
fg_stop
pass
