# ATTACK (unprivileged): scan.memory_limit_mb was checked against the scanner's whole resident
# size, which counts the pages of the files it maps. Files over 1 MiB are mapped, and the
# SHA-256 and YARA read every page of them, so a user's own big files, opened at once (one per
# scan thread), put the shared scanner over the limit: it was killed "for memory", its scans
# failed, and restart_limit such kills within restart_window_s DISABLED it; then every plugin
# voted an error and another user read EICAR (on_error = allow). Found with the defaults
# (4096 MiB, two 2.1 GiB files on a 5 GiB tmpfs); here the limit is 128 MiB and the files
# 200 MiB, the same lever at a smaller scale. Expected: the pages of the files being scanned do
# not count against memory_limit_mb (it is meant for leaks: anonymous memory), so no kill; the
# victim's EICAR is denied.
. "$(dirname "$0")/lib.sh"
fg_setup
fg_victim_setup
mount -o remount,size=640m "$MNT"
TIMEOUT_MS=5000 WORKERS=2 SCAN_EXTRA="memory_limit_mb = 128" fg_write_config "$WORK/fanguard.conf" clamav yara hash
# made before the daemon starts only to keep the test short (their close_write scans would
# count too); fallocate: every page allocated, so not sparse, and quick to make
for i in 1 2; do as_attacker fallocate -l $((200 * 1024 * 1024)) "$MNT/drop/big-$i"; done
fg_start "$WORK/fanguard.conf"
memory='\]: scanner plugins \(pid [0-9]+\) used more memory than memory_limit_mb, killed'
for round in $(seq 1 6); do
	# a new size each round (truncate(2), no open; shorter by whole pages, so not sparse): a scan
	# that did finish is not remembered, and its ignore mark goes
	for i in 1 2; do as_attacker "$FG_PROBE" truncate "$MNT/drop/big-$i" $((200 * 1024 * 1024 - round * 4096)) >/dev/null; done
	openers=()
	for i in 1 2; do
		as_attacker timeout 30 "$FG_PROBE" open "$MNT/drop/big-$i" >/dev/null 2>&1 &
		openers+=($!)
	done
	wait "${openers[@]}" || true
	[ "$(fg_count_log "$memory")" -ge "$round" ] && fg_wait_scanner_back "$round"
done
n=$(fg_count_log "$memory")
fg_victim_denied "$n memory kills from mapped big files"
[ "$n" -eq 0 ] || fail "a user's own big files got the scanner killed for memory $n times"
rm -f "$MNT/drop/big-1" "$MNT/drop/big-2"
fg_stop
pass
