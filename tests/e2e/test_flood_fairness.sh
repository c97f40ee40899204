# One user's flood cannot make another user's open wait past its deadline: an ordinary user
# holds 40 opens of slow-to-scan files at once (each scan takes 1 s, two scan threads), and
# another user's open of EICAR right after is still scanned and denied (not answered by
# on_timeout), and a clean file of theirs reads. The flooder holds its share of max_inflight
# (a quarter) and no more: its opens beyond it are answered by on_overload (deny).
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
FLOOD=40
SLEEP_MS=1000 SLEEP_EXTRA='match = "SLOWSCAN"' TIMEOUT_MS=6000 SCAN_EXTRA='max_inflight = 64' \
	fg_write_config "$WORK/fanguard.conf" clamav sleepy
# before the daemon starts: writing them would be scanned too (close_write)
for i in $(seq 1 "$FLOOD"); do printf 'SLOWSCAN %s\n' "$i" >"$MNT/flood-$i"; done
printf '%s' "$EICAR" >"$MNT/victim-eicar.com"
printf 'quick\n' >"$MNT/victim-clean.txt"
chmod 0644 "$MNT"/*
fg_start "$WORK/fanguard.conf"
attacker() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
victim() { setpriv --reuid=65533 --regid=65533 --clear-groups -- "$@"; }

pids=()
for i in $(seq 1 "$FLOOD"); do
	attacker cat "$MNT/flood-$i" >/dev/null 2>"$WORK/flood-$i.err" &
	pids+=($!)
done
# the flood is in: 16 of its opens wait for their scans (its share: 64 / 4)
for _ in $(seq 1 100); do
	fg_counts
	inflight=$(grep '\]: events: ' "$DAEMON_LOG" | tail -n 1 | sed -E 's/.* ([0-9]+) in flight.*/\1/')
	[ "$inflight" -ge 16 ] && break
	sleep 0.1
done
[ "$inflight" -ge 16 ] || fail "the flood never held 16 opens in flight ($inflight)"

if victim cat "$MNT/victim-eicar.com" >/dev/null 2>"$WORK/victim.err"; then
	fail "the victim read EICAR while another user flooded the scanners"
fi
[ "$(victim cat "$MNT/victim-clean.txt")" = quick ] || fail "the victim's clean file does not read"
expect_log "DENY open of $MNT/victim-eicar.com by pid [0-9]+ \(uid 65533"
expect_no_log "no verdict for open of $MNT/victim-eicar.com"
# the 17th open of the flood found the share full
expect_log "OVERLOAD: uid 65534 holds its share of the scan queue \(16 events and scans\)"

denied=0
for pid in "${pids[@]}"; do wait "$pid" || denied=$((denied + 1)); done
# 16 held (clean: they read), the rest turned away; a few may find a share freed meanwhile
[ "$denied" -ge $((FLOOD - 16 - 4)) ] || fail "only $denied of the flood's $FLOOD opens were denied"
[ "$denied" -lt "$FLOOD" ] || fail "every open of the flood was denied: none was held"
grep -l 'Operation not permitted' "$WORK"/flood-*.err >/dev/null || fail "no flood open got EPERM"
fg_counts
grep -Eq "overload: 0 events beyond max_inflight \(64\), [0-9]+ beyond their user's share \(16\), answered deny" \
	"$DAEMON_LOG" || fail "no overload figures in the counters"
fg_stop
pass
