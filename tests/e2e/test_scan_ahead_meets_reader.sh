# Scan-ahead and a reader going through a folder meet in the middle: the walk starts at the end
# of the folder farther from the file whose open sent it, so a reader in creation order (tmpfs
# lists a folder newest first) does not find each next file being scanned by the background and
# scan it a second time. Each scan takes 300 ms (the sleepy test plugin), so the two go at the
# same pace; the scans are counted, not timed.
. "$(dirname "$0")/lib.sh"
fg_setup
N=10
mkdir "$MNT/dir"
for i in $(seq 0 $((N - 1))); do printf 'clean %s\n' "$i" >"$MNT/dir/f$i"; done
SLEEP_MS=300 SCAN_EXTRA='scan_ahead = true' fg_write_config "$WORK/fanguard.conf" sleepy
fg_start "$WORK/fanguard.conf"

metric() {
	timeout 20 "$FANGUARD" stats --prometheus -c "$WORK/fanguard.conf" |
		awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }'
}
for i in $(seq 0 $((N - 1))); do expect_open ok "$MNT/dir/f$i"; done
# every file the walker opened is settled (scanned, known already, refused), then counted
settled() {
	timeout 20 "$FANGUARD" stats --prometheus -c "$WORK/fanguard.conf" | awk '
		$1 == "fanguard_scan_ahead_files_total{outcome=\"opened\"}" { o = $2 }
		$1 == "fanguard_background_scans_total{kind=\"scan_ahead\"}" { s = $2 }
		$1 ~ /outcome="(verdicted_already|not_scanned_by_filter|dropped)"/ { k += $2 }
		END { exit !(o > 0 && s + k == o) }'
}
for _ in $(seq 1 100); do settled && break; sleep 0.1; done
fg_counts
ahead=$(metric 'fanguard_background_scans_total{kind="scan_ahead"}')
echo "scans: $EV_SCANNED by the reader's opens, $ahead ahead, for $N files"
[ "$ahead" -ge 2 ] || fail "scan-ahead scanned $ahead files: it did not run beside the reader"
# meeting in the middle costs at most the files both reach at once
[ $((EV_SCANNED + ahead)) -le $((N + 2)) ] ||
	fail "$((EV_SCANNED + ahead)) scans for $N files: the reader and scan-ahead scanned the same files"
fg_stop
pass
