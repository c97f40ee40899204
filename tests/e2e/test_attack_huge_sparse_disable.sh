# ATTACK (unprivileged): README's "Slow scans are a lever" says huge sparse files keep scan
# threads busy until the hung-scanner kill. A sparse terabyte costs nothing; watch.max_file_size
# defaults to none and hash has no limit, so its SHA-256 walked every zero. One such open per
# scan thread held the shared "plugins" scanner (clamav, yara and hash together) until it was
# killed as hung, and that kill counted toward restart_limit: an ordinary user who repeated it
# restart_limit times within restart_window_s DISABLED the scanner, and from then on every
# plugin voted an error and every file of every user was allowed (on_error = allow): another
# user then read EICAR. (timeout_ms 2000 keeps the test short; restart_limit 2 so that two
# rounds show the whole attack.) Expected: files this large never get the scanner killed (the
# digest and YARA give up within the scan's budget, 1.5 x timeout_ms, with error votes), and
# the victim's EICAR is denied.
. "$(dirname "$0")/lib.sh"
fg_setup
fg_victim_setup
TIMEOUT_MS=2000 WORKERS=2 SCAN_EXTRA="restart_limit = 2" fg_write_config "$WORK/fanguard.conf" clamav yara hash
fg_start "$WORK/fanguard.conf"
for i in 1 2; do # holes only: truncate(2) opens nothing
	as_attacker bash -c ': >"$1"' _ "$MNT/drop/huge-$i"
	[ "$(as_attacker "$FG_PROBE" truncate "$MNT/drop/huge-$i" $((1 << 40)))" = ok ] || fail "truncate"
done
hung='\]: scanner plugins \(pid [0-9]+\) hung \(a scan ran past twice timeout_ms\), killed'
# rounds of two opens (one per scan thread); on the old code each ended in a hung-scanner kill
for round in $(seq 1 3); do
	for i in 1 2; do as_attacker timeout 20 "$FG_PROBE" open "$MNT/drop/huge-$i" >/dev/null 2>&1 & done
	for _ in $(seq 1 80); do [ "$(fg_count_log "$hung")" -ge "$round" ] && break; sleep 0.1; done
	[ "$(fg_count_log "$hung")" -ge "$round" ] && fg_wait_scanner_back "$round"
done
n=$(fg_count_log "$hung")
fg_victim_denied "$n hung kills from huge sparse opens"
[ "$n" -eq 0 ] || fail "huge sparse files got the scanner killed $n times"
fg_stop
pass
