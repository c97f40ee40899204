# verdict.mode = "report": nothing is denied. EICAR opens and reads back byte-identical, and
# the deny it would have been is logged (WOULD DENY), evented ("would_deny") and counted
# (status, Prometheus), from a scan and again from the verdict remembered for the unchanged
# file. A switch to block by `fanguard reload` (no restart) denies the same file.
. "$(dirname "$0")/lib.sh"
fg_setup
printf '%s' "$EICAR" >"$MNT/eicar.com"
printf 'clean bytes\n' >"$MNT/clean.txt"
VERDICT_EXTRA='mode = "report"' fg_write_config "$WORK/fanguard.conf" clamav
sed -i "s|^log { level = \"info\" }|log { level = \"info\" events = \"$WORK/events.jsonl\" }|" \
	"$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"

# 1. a scan's deny: answered allow, logged, evented, counted
cat "$MNT/eicar.com" >"$WORK/read.out" || fail "EICAR not readable in report mode"
printf '%s' "$EICAR" | cmp -s - "$WORK/read.out" || fail "EICAR read back differs"
expect_log "WOULD DENY open of $MNT/eicar.com by pid [0-9]+ \(uid 0, exe [^)]*cat\): clamav: .*EICAR.*report mode: allowed"
expect_no_log "\]: DENY "
for _ in $(seq 1 100); do grep -q would_deny "$WORK/events.jsonl" && break; sleep 0.05; done
ev=$(grep -F '"event":"would_deny"' "$WORK/events.jsonl" | grep -F '"reason":"detected"' | sed -n 1p)
[ -n "$ev" ] || fail "no would_deny event: $(cat "$WORK/events.jsonl")"
for want in "\"path\":\"$MNT/eicar.com\"" '"verdict":"allow"' '"action":"allowed"' '"plugin":"clamav"' \
	'"exe":"/usr/bin/cat"'; do
	grep -qF -- "$want" <<<"$ev" || fail "would_deny event lacks $want: $ev"
done
[ "$(cat "$MNT/clean.txt")" = "clean bytes" ] || fail "clean file does not read back"

# 2. the verdict is remembered as the deny it is: the next open is a would-deny from the cache
expect_open ok "$MNT/eicar.com"
expect_log "WOULD DENY open of $MNT/eicar.com .*verdict remembered from an earlier scan; report mode: allowed"
for _ in $(seq 1 100); do grep -q '"reason":"cache"' "$WORK/events.jsonl" && break; sleep 0.05; done
grep -F '"event":"would_deny"' "$WORK/events.jsonl" | grep -qF '"reason":"cache"' ||
	fail "no would_deny event from the cache: $(cat "$WORK/events.jsonl")"

# 3. counted in status and metrics
"$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/status.out" || fail "status failed"
grep -q "^mode: $MNT report (verdict.mode)$" "$WORK/status.out" || fail "status: $(cat "$WORK/status.out")"
grep -Eq '^report mode: 2 would-deny' "$WORK/status.out" || fail "status: $(grep -i report "$WORK/status.out")"
"$FANGUARD" stats --prometheus -c "$WORK/fanguard.conf" >"$WORK/stats.out" || fail "stats failed"
grep -q '^fanguard_would_deny_total 2$' "$WORK/stats.out" || fail "stats: $(grep would "$WORK/stats.out")"

# 4. roll-out done: block by reload, no restart
sed -i 's|mode = "report"|mode = "block"|' "$WORK/fanguard.conf"
"$FANGUARD" reload -c "$WORK/fanguard.conf" >/dev/null || fail "reload failed"
fg_wait_log 'verdict.mode block'
fg_wait_log 'reload: done'
expect_open EPERM "$MNT/eicar.com"
expect_log "\]: DENY open of $MNT/eicar.com"
[ "$(cat "$MNT/clean.txt")" = "clean bytes" ] || fail "clean file does not read back after the switch"
fg_stop
pass
