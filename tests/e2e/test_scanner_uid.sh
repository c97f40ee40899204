# The scanners run as a user of their own: an ordinary user (here nobody, the scanners' user
# before) cannot signal them, so cannot kill them five times a minute until they are disabled.
. "$(dirname "$0")/lib.sh"
fg_setup
printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
fg_write_config "$WORK/fanguard.conf" clamav hash
fg_start "$WORK/fanguard.conf"

scan_uid=$(id -u fanguard-scan) || fail "no fanguard-scan user (scripts/install-deps.sh creates it)"
scanner=$(pgrep -P "$FANGUARDD_PID" -x fanguardd | head -1)
[ -n "$scanner" ] || fail "no scanner process"
[ "$(awk '/^Uid:/ {print $2, $3}' "/proc/$scanner/status")" = "$scan_uid $scan_uid" ] ||
	fail "scanner $scanner runs as $(awk '/^Uid:/' "/proc/$scanner/status"), not fanguard-scan"
[ "$scan_uid" != 65534 ] || fail "fanguard-scan is nobody"
# no process but fanguard's scanners runs as that user (other tests' daemons may run meanwhile)
others=$(ps -e -o pid=,uid=,ppid= | awk -v u="$scan_uid" '$2 == u {print $3}' | sort -u |
	while read -r parent; do
		[ "$(cat "/proc/$parent/comm" 2>/dev/null)" = fanguardd ] || echo "child of $parent"
	done)
[ -z "$others" ] || fail "processes other than fanguard's scanners run as fanguard-scan: $others"

attacker() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
for sig in KILL STOP TERM; do
	if attacker kill -s "$sig" "$scanner" 2>"$WORK/kill.err"; then
		fail "nobody could send SIG$sig to the scanner"
	fi
	grep -q "Operation not permitted" "$WORK/kill.err" || fail "kill -s $sig: $(cat "$WORK/kill.err")"
done
kill -0 "$scanner" || fail "the scanner died"
expect_no_log "scanner plugins \(pid $scanner\) killed by signal"
fg_put "$MNT/eicar.com" "$EICAR"
expect_open EPERM "$MNT/eicar.com"
fg_stop
pass
