# A plugin that segfaults on every 5th scan: its scanner is restarted each time (the limit is
# raised so it is never disabled), the other plugin's detections still deny.
FAULT=segv EVERY=5 SCAN_EXTRA="restart_limit = 1000" UNTIL="scanner faulty ready \(pid [0-9]+\) after a restart" UNTIL_COUNT=3 \
	. "$(dirname "$0")/fault_common.sh"
# (under AddressSanitizer the segfault is reported and ends in abort)
expect_log "scanner faulty \(pid [0-9]+\) (killed by signal (11|6) \((SEGV|ABRT)\)|exited with status 1)"
expect_no_log "DISABLED"
grep -Eq "scanner faulty \(faulty\): [a-z]+, .*, ([3-9]|[1-9][0-9]+) restarts" "$DAEMON_LOG" ||
	fail "the scanner was not restarted again and again"
fg_stop
pass
