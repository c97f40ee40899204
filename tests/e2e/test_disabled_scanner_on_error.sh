# A scanner that is disabled after a crash loop must not turn into a silent allow: its plugins
# vote errors, so with on_error = "deny" a file nobody but that scanner could judge is denied,
# before and after the scanner is disabled (killing the scanner is the attacker's way there).
. "$(dirname "$0")/lib.sh"
fg_setup
printf 'clean\n' >"$MNT/clean.txt"
CACHE_SIZE=0 ON_ERROR=deny fg_write_config "$WORK/fanguard.conf"
printf 'plugin faulty { path = "%s/faulty.so" scanner = "faulty" fault = "abort" every = 1 }\n' \
	"$FANGUARD_TEST_PLUGIN_DIR" >>"$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
for _ in $(seq 1 40); do
	expect_open EPERM "$MNT/clean.txt" # a crash is an error vote: on_error = deny
	grep -q 'SCANNER faulty DISABLED' "$DAEMON_LOG" && break
	sleep 0.2
done
expect_log 'SCANNER faulty DISABLED'
for _ in 1 2 3; do
	expect_open EPERM "$MNT/clean.txt"
done
expect_log 'SCANNER faulty DISABLED: it failed 5 times within 60 s; its plugins \(faulty\) vote errors from now on, decided by on_error'
expect_log "DENY open of $MNT/clean.txt by pid [0-9]+ .*faulty: scanner faulty is DISABLED .* \(on_error = deny\)"
# and it is loud: status exits 3 and says why, a gauge says so
rc=0
timeout 20 "$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/status" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || fail "status with a disabled scanner exited $rc: $(cat "$WORK/status")"
grep -qx 'health: DEGRADED: scanner_disabled: scanner faulty is disabled' "$WORK/status" || fail "status: $(tail -3 "$WORK/status")"
timeout 20 "$FANGUARD" stats --prometheus -c "$WORK/fanguard.conf" >"$WORK/metrics" || fail "stats failed"
grep -qx 'fanguard_scanner_disabled{scanner="faulty"} 1' "$WORK/metrics" ||
	fail "no disabled gauge: $(grep fanguard_scanner "$WORK/metrics")"
fg_stop
pass
