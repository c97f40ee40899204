# A reload does not make the machine cold: the files verdicted lately are scanned again in the
# background under the new signatures, so their next opens cost no event; a file the new
# signatures detect is denied although it was clean before. Scan-ahead is off here, so only the
# re-scans can have verdicted the files again.
. "$(dirname "$0")/lib.sh"
fg_setup
: >"$WORK/blocklist.sha256"
mkdir "$MNT/a" "$MNT/b"
for i in 1 2 3 4 5; do printf 'recent %s\n' "$i" >"$MNT/a/r$i"; done
printf 'innocent until the update\n' >"$MNT/b/later-bad.txt"
SCAN_EXTRA='scan_ahead = false' fg_write_config "$WORK/fanguard.conf" hash
fg_start "$WORK/fanguard.conf"

metric() {
	timeout 20 "$FANGUARD" stats --prometheus -c "$WORK/fanguard.conf" |
		awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }'
}
wait_metric() {
	for _ in $(seq 1 400); do
		[ "$(metric "$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	fail "$1 never reached $2 (is $(metric "$1"))"
}

for i in 1 2 3 4 5; do expect_open ok "$MNT/a/r$i"; done
expect_open ok "$MNT/b/later-bad.txt"
sha256sum "$MNT/b/later-bad.txt" >"$WORK/blocklist.sha256"
timeout 60 "$FANGUARD" reload -c "$WORK/fanguard.conf" >/dev/null || fail "reload"
expect_log 'reload: done'
expect_log 'reload: 6 file\(s\) verdicted lately are scanned again'
wait_metric 'fanguard_background_scans_total{kind="rescan"}' 6
[ "$(metric 'fanguard_background_kept_total{kind="rescan",verdict="clean"}')" -eq 5 ] ||
	fail "want the 5 clean files kept after their re-scan"
expect_log "DETECTED by a re-scan after reload: $MNT/b/later-bad.txt: hash: Hash.Blocklist"
fg_counts
before=$EV_TOTAL
for i in 1 2 3 4 5; do expect_open ok "$MNT/a/r$i"; done
fg_counts
[ "$EV_TOTAL" -eq "$before" ] || fail "opens after the re-scans made $((EV_TOTAL - before)) event(s), want 0"
expect_open EPERM "$MNT/b/later-bad.txt"
expect_log "DENY open of $MNT/b/later-bad.txt .*hash: Hash.Blocklist"
fg_stop

# rescan_after_reload = 0: after a reload the same files are cold again
SCAN_EXTRA='scan_ahead = false rescan_after_reload = 0' fg_write_config "$WORK/off.conf" hash
fg_start "$WORK/off.conf"
expect_open ok "$MNT/a/r1"
timeout 60 "$FANGUARD" reload -c "$WORK/off.conf" >/dev/null || fail "reload"
expect_log 'reload: done'
fg_counts
before=$EV_TOTAL
expect_open ok "$MNT/a/r1"
fg_counts
[ "$EV_TOTAL" -eq $((before + 1)) ] || fail "rescan_after_reload = 0: r1 was not cold after the reload"
fg_stop
pass
