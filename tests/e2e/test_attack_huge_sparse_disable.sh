# ATTACK (unprivileged): README's "Slow scans are a lever" says huge sparse files keep scan
# threads busy until the hung-scanner kill; it does not say what the kill does. A sparse
# terabyte costs nothing; watch.max_file_size defaults to none and hash has no limit, so its
# SHA-256 walks every zero. One such open per scan thread holds the shared "plugins" scanner
# (clamav, yara and hash together) until it is killed as hung, and that kill counts toward
# restart_limit: an ordinary user who repeats it restart_limit times within restart_window_s
# DISABLES the scanner, and from then on every plugin votes an error and every file of every
# user is allowed (on_error = allow): here another user then reads EICAR. (timeout_ms 2000 to
# keep the test short; with the default 5000 it takes ~11 s a round; restart_limit 2 so that two
# rounds show the whole attack.) Expected: files this large never get the scanner killed (the
# digest and YARA give up within the scan's budget, 1.5 x timeout_ms, with error votes), and
# the victim's EICAR is denied.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
TIMEOUT_MS=2000 WORKERS=2 SCAN_EXTRA="restart_limit = 2" fg_write_config "$WORK/fanguard.conf" clamav yara hash
mkdir -m 1777 "$MNT/drop"
printf '%s' "$EICAR" >"$MNT/victim-eicar.com"
printf '%s' "$EICAR" >"$MNT/victim-later.com" # not opened before: no remembered verdict
chmod 0644 "$MNT/victim-eicar.com" "$MNT/victim-later.com"
fg_start "$WORK/fanguard.conf"
attacker() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
victim() { setpriv --reuid=65533 --regid=65533 --clear-groups -- "$@"; }
got=$(victim "$FG_PROBE" open "$MNT/victim-eicar.com" || true)
[ "$got" = EPERM ] || fail "EICAR before the attack: '$got'"

for i in 1 2; do # holes only: truncate(2) opens nothing
	attacker bash -c ': >"$1"' _ "$MNT/drop/huge-$i"
	[ "$(attacker "$FG_PROBE" truncate "$MNT/drop/huge-$i" $((1 << 40)))" = ok ] || fail "truncate"
done
kills() { grep -Ec '\]: scanner plugins \(pid [0-9]+\) hung \(a scan ran past twice timeout_ms\), killed' "$DAEMON_LOG" || true; }
restarts() { grep -c 'scanner plugins ready (pid [0-9]*) after a restart' "$DAEMON_LOG" || true; }
# rounds of two opens (one per scan thread), each round ending in a hung-scanner kill
for round in $(seq 1 3); do
	grep -q "SCANNER plugins DISABLED" "$DAEMON_LOG" && break
	for i in 1 2; do attacker timeout 20 "$FG_PROBE" open "$MNT/drop/huge-$i" >/dev/null 2>&1 & done
	for _ in $(seq 1 80); do [ "$(kills)" -ge "$round" ] && break; sleep 0.1; done
	[ "$(kills)" -ge "$round" ] || continue # no kill this round
	for _ in $(seq 1 100); do
		{ [ "$(restarts)" -ge "$round" ] || grep -q "SCANNER plugins DISABLED" "$DAEMON_LOG"; } && break
		sleep 0.1
	done
done
n=$(kills)
grep -q "SCANNER plugins DISABLED" "$DAEMON_LOG" && echo "note: scanner disabled after $n hung kills" >&2
got=$(victim "$FG_PROBE" open "$MNT/victim-later.com" || true)
[ "$got" = EPERM ] || fail "victim's EICAR after $n hung kills from huge sparse opens: '$got' (expected EPERM)"
[ "$n" -eq 0 ] || fail "huge sparse files got the scanner killed $n times"
fg_stop
pass
