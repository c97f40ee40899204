# `fanguard stats --prometheus` is what an SRE can aggregate across hosts: `promtool check
# metrics` finds nothing to say about it; latencies are histograms (cumulative buckets ending
# in +Inf, which equals _count) rather than summaries; every scanner has a state series; the
# late-verdict, too-large and skipped counters, the signature age per plugin and the health
# gauges are there.
. "$(dirname "$0")/lib.sh"
if ! command -v promtool >/dev/null; then
	echo "SKIP: promtool is not installed and this test cannot install it (scripts/install-deps.sh installs Debian's prometheus package, which has it)"
	exit 77
fi
fg_setup
printf 'x TINY-PLUGIN-MARKER-3e9d x\n' >"$MNT/evil.txt"
printf 'clean\n' >"$MNT/clean.txt"
head -c 4096 /dev/zero >"$MNT/big.bin"
: >"$WORK/blocklist.sha256"
MAX_SIZE=1024 fg_write_config "$WORK/fanguard.conf" hash marker
fg_start "$WORK/fanguard.conf"
expect_open EPERM "$MNT/evil.txt"
expect_open ok "$MNT/clean.txt"
expect_open ok "$MNT/big.bin" # over watch.max_file_size: on_too_large = allow

timeout 20 "$FANGUARD" stats --prometheus -c "$WORK/fanguard.conf" >"$WORK/metrics" || fail "stats failed"
promtool check metrics <"$WORK/metrics" >"$WORK/promtool.out" 2>&1 ||
	fail "promtool check metrics: $(cat "$WORK/promtool.out")"
[ ! -s "$WORK/promtool.out" ] || fail "promtool check metrics says: $(cat "$WORK/promtool.out")"

grep -qx '# TYPE fanguard_scan_stage_seconds histogram' "$WORK/metrics" || fail "stages are not a histogram"
grep -qx '# TYPE fanguard_answer_latency_seconds histogram' "$WORK/metrics" || fail "no answer latency histogram"
grep -q 'quantile=' "$WORK/metrics" && fail "a summary is left: $(grep quantile= "$WORK/metrics" | head -3)"
# each histogram series: buckets never decrease, +Inf equals _count
awk '
	/_bucket\{/ {
		key = $1; sub(/le="[^"]*"/, "", key); sub(/_bucket/, "", key)
		if (key in last && $2 < last[key]) { print "decreasing: " $0; bad = 1 }
		last[key] = $2
		if ($1 ~ /le="\+Inf"/) inf[key] = $2
		next
	}
	/_count/ && !/^#/ { key = $1; sub(/_count/, "", key); sub(/\{/, "{", key); cnt[key] = $2 }
	END {
		n = 0
		for (k in inf) {
			n++
			c = k; sub(/,?\}$/, "}", c); sub(/\{\}$/, "", c); sub(/\{,/, "{", c)
			if (!(c in cnt)) { print "no _count for " k; bad = 1 }
			else if (cnt[c] != inf[k]) { print "+Inf " inf[k] " != _count " cnt[c] " for " c; bad = 1 }
		}
		if (n < 4) { print "only " n " histograms"; bad = 1 }
		exit bad
	}' "$WORK/metrics" >"$WORK/shape" || fail "histogram shape: $(cat "$WORK/shape")"
grep -qx 'fanguard_scan_stage_seconds_bucket{stage="plugin",plugin="marker",le="+Inf"} 2' "$WORK/metrics" ||
	fail "marker's scans: $(grep 'plugin="marker"' "$WORK/metrics" | tail -3)"
for want in 'fanguard_scanner_state{scanner="plugins",state="ready"} 1' \
	'fanguard_scanner_state{scanner="plugins",state="disabled"} 0' \
	'fanguard_too_large_total 0' 'fanguard_events_total{outcome="too_large"} 1' \
	'fanguard_late_verdicts_total{found="detection"} 0' \
	'fanguard_health_ok 1' 'fanguard_health_problem{cause="scanner_disabled"} 0' \
	'fanguard_signatures{plugin="hash"} 0'; do
	grep -qxF "$want" "$WORK/metrics" || fail "metrics lack '$want'"
done
grep -Eq '^fanguard_signature_age_seconds\{plugin="hash"\} [0-9]+$' "$WORK/metrics" ||
	fail "no signature age: $(grep signature "$WORK/metrics")"
grep -Eq '^fanguard_plugin_skipped_total\{plugin="marker"\} [0-9]+$' "$WORK/metrics" || fail "no skipped counter"
fg_stop
pass
