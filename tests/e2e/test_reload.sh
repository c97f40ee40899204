# Live reload (SIGHUP): new signatures take over without a gap and void every cached verdict;
# a broken rule file fails the reload loudly and leaves the old rules scanning; opens in a loop
# during 20 reloads all get answered.
. "$(dirname "$0")/lib.sh"
fg_setup
mkdir "$WORK/rules"
cp "$DATA/yara/rules/test.yar" "$WORK/rules/"
printf 'innocent today\n' >"$MNT/later-bad.txt"
printf 'x TINY-PLUGIN-MARKER-3e9d x\n' >"$MNT/evil.txt"
: >"$WORK/blocklist.sha256"
fg_write_config "$WORK/fanguard.conf" hash marker
printf 'plugin yara { rules = {"%s/rules"} }\n' "$WORK" >>"$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"

reloads_done() { grep -c 'reload: done' "$DAEMON_LOG" || true; }
reloads_failed() { grep -c 'reload FAILED' "$DAEMON_LOG" || true; }
# SIGHUP, then 0 when the reload took over, 1 when it failed
reload() {
	local done_before failed_before
	done_before=$(reloads_done)
	failed_before=$(reloads_failed)
	kill -HUP "$FANGUARDD_PID"
	for _ in $(seq 1 400); do
		[ "$(reloads_done)" -gt "$done_before" ] && return 0
		[ "$(reloads_failed)" -gt "$failed_before" ] && return 1
		sleep 0.05
	done
	fail "reload never finished"
}

# a verdict cached with the old signatures does not survive new ones
expect_open ok "$MNT/later-bad.txt"
expect_open ok "$MNT/later-bad.txt"           # answered by the kernel's ignore mark now
sha256sum "$MNT/later-bad.txt" >"$WORK/blocklist.sha256"
reload || fail "reload failed: $(grep 'reload FAILED' "$DAEMON_LOG")"
expect_open EPERM "$MNT/later-bad.txt"
expect_log "DENY open of $MNT/later-bad.txt .*hash: Hash.Blocklist"
# status names what the new scanners loaded: one hash now, none before
timeout 20 "$FANGUARD" status -c "$WORK/fanguard.conf" | grep -q '^plugins: .*hash [^ ]* (1 signatures' ||
	fail "status after the reload: $(timeout 20 "$FANGUARD" status -c "$WORK/fanguard.conf" | grep '^plugins:')"

# a broken rule file: the reload fails with file and line, the old rules keep working
printf 'rule broken {\n  condition:\n    and and\n}\n' >"$WORK/rules/broken.yar"
if reload; then fail "a reload with a broken rule file succeeded"; fi
expect_log "reload FAILED: .*broken.yar:3"
expect_log "the previous signatures and rules stay in use"
expect_open EPERM "$MNT/evil.txt"
rm "$WORK/rules/broken.yar"

# opens in a loop (fresh files, so each is a scan) during 20 reloads: every one answered
mkdir "$MNT/loop"
for i in $(seq 1 3000); do printf 'file %s\n' "$i" >"$MNT/loop/f$i"; done
seq 1 3000 | sed "s|^|$MNT/loop/f|" >"$WORK/list"
( for _ in 1 2 3 4 5 6; do "$FG_PROBE" openlist "$WORK/list"; done >"$WORK/loop.out" ) &
opener=$!
for i in $(seq 1 20); do
	reload || fail "reload $i failed"
	expect_open EPERM "$MNT/evil.txt"
done
timeout 120 tail --pid="$opener" -f /dev/null || fail "the opener hung"
wait "$opener" || fail "the opener failed"
while read -r _ ok _ eperm _ other _ max_ms; do
	[ "$ok" -eq 3000 ] && [ "$eperm" -eq 0 ] && [ "$other" -eq 0 ] ||
		fail "opens during reloads: ok $ok eperm $eperm other $other"
	[ "$max_ms" -lt 10000 ] || fail "an open took $max_ms ms during reloads"
done <"$WORK/loop.out"
[ "$(reloads_done)" -ge 21 ] || fail "only $(reloads_done) reloads completed"
expect_no_log "timed out: [1-9]"
fg_counts
echo "20 reloads during $((6 * 3000)) opens; $EV_TOTAL events"
fg_stop
pass
