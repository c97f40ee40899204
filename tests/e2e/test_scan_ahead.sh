# Scan-ahead: a cold open in a folder has the folder's other regular files scanned in the
# background, so their first opens cost no event; an EICAR among them is found before anyone
# opens it, logged, and denied at its first open. Bounded (scan_ahead_files per folder), never
# on excluded files, FIFOs or symlinks; scan_ahead = false turns it off.
. "$(dirname "$0")/lib.sh"
fg_setup
printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
mkdir "$MNT/dir" "$MNT/big"
for i in $(seq -w 0 19); do printf 'clean %s\n' "$i" >"$MNT/dir/f$i"; done
printf '%s' "$EICAR" >"$MNT/dir/z_eicar.com"
printf 'excluded\n' >"$MNT/dir/skip_a"
printf 'excluded\n' >"$MNT/dir/skip_b"
mkfifo "$MNT/dir/fifo"                 # a FIFO: opening it for reading would block
ln -s /etc/passwd "$MNT/dir/link"      # a symlink out of the watched tree
for i in $(seq -w 0 39); do printf 'big %s\n' "$i" >"$MNT/big/g$i"; done
EXCLUDE="\"$MNT/dir/skip_*\"" SCAN_EXTRA='scan_ahead = true scan_ahead_files = 24' fg_write_config "$WORK/fanguard.conf" hash
fg_start "$WORK/fanguard.conf"

metric() {
	timeout 20 "$FANGUARD" stats --prometheus -c "$WORK/fanguard.conf" |
		awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }'
}
OPENED='fanguard_scan_ahead_files_total{outcome="opened"}'
# every file the walker opened is settled: scanned, known already, or refused by the filter
settled() {
	local m
	m=$(timeout 20 "$FANGUARD" stats --prometheus -c "$WORK/fanguard.conf")
	awk -v want="$1" '
		$1 == "fanguard_scan_ahead_files_total{outcome=\"opened\"}" { o = $2 }
		$1 == "fanguard_background_scans_total{kind=\"scan_ahead\"}" { s = $2 }
		$1 ~ /outcome="(verdicted_already|not_scanned_by_filter|dropped)"/ { k += $2 }
		END { exit !(o >= want && s + k == o) }' <<<"$m"
}
wait_settled() {
	for _ in $(seq 1 400); do settled "$1" && return 0; sleep 0.05; done
	fail "scan-ahead never settled at $1 opened files ($(metric "$OPENED") opened)"
}

# the cold open of f00: the other 22 regular files of dir are opened (readdir's first 24
# entries hold them all; the FIFO and the symlink are skipped), the two excluded not scanned
expect_open ok "$MNT/dir/f00"
wait_settled 22
[ "$(metric 'fanguard_scan_ahead_files_total{outcome="not_scanned_by_filter"}')" -eq 2 ] ||
	fail "the two excluded files were not refused by the filter"
[ "$(metric 'fanguard_scan_ahead_files_total{outcome="skipped"}')" -ge 2 ] || fail "FIFO and symlink not skipped"
expect_log "DETECTED by scan-ahead: $MNT/dir/z_eicar.com: hash: Hash.Blocklist"
fg_counts
before=$EV_TOTAL
for i in $(seq -w 1 19); do expect_open ok "$MNT/dir/f$i"; done
fg_counts
[ "$EV_TOTAL" -eq "$before" ] || fail "first opens of files scanned ahead made $((EV_TOTAL - before)) event(s), want 0"
expect_open EPERM "$MNT/dir/z_eicar.com"
expect_log "DENY open of $MNT/dir/z_eicar.com .*hash: Hash.Blocklist.* \(verdict remembered"
# an excluded file was never scanned ahead: its open is an event (answered unscanned)
expect_open ok "$MNT/dir/skip_a"
fg_counts
[ "$EV_TOTAL" -eq $((before + 2)) ] || fail "the excluded file's open was no event: it got a mark"

# bounded: of big's 40 files, only the 24 readdir gives first are opened
opened=$(metric "$OPENED")
expect_open ok "$MNT/big/g00"
wait_settled $((opened + 24))
[ "$(metric "$OPENED")" -eq $((opened + 24)) ] || fail "scan-ahead opened $(($(metric "$OPENED") - opened)) files of big, want 24"
fg_stop

# off (the default): the same cold open scans nothing else
rm -f "$MNT/dir/fifo"
EXCLUDE="\"$MNT/dir/skip_*\"" fg_write_config "$WORK/off.conf" hash
fg_start "$WORK/off.conf"
printf 'new\n' >"$MNT/big/new.txt"   # a cold open after start: the daemon is up
expect_open ok "$MNT/big/g01"
fg_counts
before=$EV_TOTAL
expect_open ok "$MNT/big/g02"
fg_counts
[ "$EV_TOTAL" -eq $((before + 1)) ] || fail "scan_ahead = false: g02 was no event"
[ "$(metric "$OPENED")" -eq 0 ] || fail "scan_ahead = false still opened files"
fg_stop
pass
