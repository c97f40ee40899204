# `fanguard health` exits 0 and prints "ok" on a healthy daemon, and 1 with a "problem: CAUSE:"
# line for each cause of degraded protection it reports: signatures older than max_age_days,
# a failed reload, another on-access agent running (an executable named clamonacc), a scan
# decided at its deadline without a slow scanner's vote lately, a disabled scanner;
# fanguard_health_* say the same. 2 when the daemon cannot be asked.
. "$(dirname "$0")/lib.sh"
fg_setup
mkdir "$WORK/rules"
cp "$DATA/yara/rules/test.yar" "$WORK/rules/"
: >"$WORK/blocklist.sha256"
touch -d '10 days ago' "$WORK/blocklist.sha256" "$WORK/rules/test.yar"
TIMEOUT_MS=500 fg_write_config "$WORK/fanguard.conf" hash
cat >>"$WORK/fanguard.conf" <<CONF
plugin yara { rules = {"$WORK/rules"} }
plugin sleepy { path = "$FANGUARD_TEST_PLUGIN_DIR/sleepy.so" scanner = "slow" delay_ms = 1500 match = "SLOW-HEALTH-9f2" }
signatures { auto_reload = false max_age_days = 1 }
CONF
cp "$WORK/fanguard.conf" "$WORK/base.conf"

# health: its exit status into HRC, its output into $WORK/health
health() {
	HRC=0
	timeout 20 "$FANGUARD" health -c "$WORK/fanguard.conf" >"$WORK/health" 2>&1 || HRC=$?
}
expect_healthy() {
	health
	[ "$HRC" -eq 0 ] && [ "$(cat "$WORK/health")" = ok ] || fail "health: exit $HRC, $(cat "$WORK/health")"
}
# expect_problem CAUSE REGEX: exit 1, DEGRADED, and a problem line of that cause matching REGEX
expect_problem() {
	health
	[ "$HRC" -eq 1 ] || fail "health exited $HRC, not 1, with $1: $(cat "$WORK/health")"
	head -n 1 "$WORK/health" | grep -qx DEGRADED || fail "health: $(cat "$WORK/health")"
	grep -Eq "^problem: $1: $2" "$WORK/health" || fail "health lacks $1 ($2): $(cat "$WORK/health")"
	timeout 20 "$FANGUARD" stats --prometheus -c "$WORK/fanguard.conf" >"$WORK/metrics" || fail "stats"
	grep -qx 'fanguard_health_ok 0' "$WORK/metrics" && grep -qx "fanguard_health_problem{cause=\"$1\"} 1" "$WORK/metrics" ||
		fail "gauges for $1: $(grep fanguard_health "$WORK/metrics")"
}
reloads() { grep -Ec "$1" "$DAEMON_LOG" || true; }
reload() {
	local before
	before=$(reloads 'reload: done|reload FAILED')
	timeout 20 "$FANGUARD" reload -c "$WORK/fanguard.conf" >/dev/null || fail "reload refused"
	for _ in $(seq 1 400); do
		[ "$(reloads 'reload: done|reload FAILED')" -gt "$before" ] && return 0
		sleep 0.05
	done
	fail "reload never ended"
}

# no daemon: 2
health
[ "$HRC" -eq 2 ] || fail "health with no daemon exited $HRC: $(cat "$WORK/health")"
grep -q 'cannot reach fanguardd' "$WORK/health" || fail "health with no daemon: $(cat "$WORK/health")"

fg_start "$WORK/fanguard.conf"
# stale signatures: the data files are 10 days old, max_age_days = 1
expect_problem signatures_stale 'hash signatures are 10 days old \(newest file .*; max_age_days = 1\)'
grep -q '^problem: signatures_stale: yara signatures are 10 days old' "$WORK/health" || fail "yara: $(cat "$WORK/health")"
expect_log 'signatures of hash are 10 days old .*more than signatures.max_age_days = 1'
touch "$WORK/blocklist.sha256" "$WORK/rules/test.yar"
reload # the age is the loaded set's: read again after a reload took over
expect_healthy
timeout 20 "$FANGUARD" stats --prometheus -c "$WORK/fanguard.conf" >"$WORK/metrics" || fail "stats"
grep -qx 'fanguard_health_ok 1' "$WORK/metrics" || fail "health gauge: $(grep fanguard_health "$WORK/metrics")"

# a failed reload
printf 'rule broken {\n  condition:\n    and and\n}\n' >"$WORK/rules/broken.yar"
reload
expect_problem reload_failed 'the last reload failed \(.*broken.yar:3.*\); older signatures stay in use'
rm "$WORK/rules/broken.yar"
reload
expect_healthy

# another on-access agent: a process whose executable is named clamonacc
cp /bin/sleep "$WORK/clamonacc"
"$WORK/clamonacc" 120 &
agent=$!
trap 'rc=$?; kill "$agent" 2>/dev/null || true; set +e; (exit "$rc"); fg_cleanup' EXIT
expect_problem other_agent "another on-access agent is running: clamonacc \(pid $agent\)"
kill "$agent"
wait "$agent" 2>/dev/null || true
expect_healthy

# an open decided at its deadline without the slow scanner's vote (sleepy takes 1.5 s, timeout_ms is 500)
fg_put "$MNT/slow.txt" 'SLOW-HEALTH-9f2'
expect_open ok "$MNT/slow.txt"
expect_problem timeouts '[1-9][0-9]* scan\(s\) decided at the deadline without some scanner.s votes in the last [0-9]+ s'
rc=0
timeout 20 "$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/status" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || fail "status while degraded exited $rc"
grep -Eq '^health: DEGRADED: .*timeouts: ' "$WORK/status" || fail "status: $(grep '^health' "$WORK/status")"
fg_stop

# a disabled scanner (a plugin that aborts on every scan, in a scanner of its own)
cp "$WORK/base.conf" "$WORK/fanguard.conf"
printf 'plugin faulty { path = "%s/faulty.so" scanner = "faulty" fault = "abort" every = 1 }\n' \
	"$FANGUARD_TEST_PLUGIN_DIR" >>"$WORK/fanguard.conf"
printf 'clean\n' >"$MNT/clean.txt"
fg_start "$WORK/fanguard.conf"
for _ in $(seq 1 40); do
	cp "$MNT/clean.txt" "$MNT/clean-$RANDOM.txt" 2>/dev/null || true
	grep -q 'SCANNER faulty DISABLED' "$DAEMON_LOG" && break
	sleep 0.2
done
expect_log 'SCANNER faulty DISABLED'
expect_problem scanner_disabled 'scanner faulty is disabled'
fg_stop
pass
