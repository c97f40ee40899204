# A clean file is scanned once: later opens are answered in the kernel (an ignore mark),
# so they never reach the daemon as events at all.
. "$(dirname "$0")/lib.sh"
fg_setup
: >"$WORK/blocklist.sha256"
printf 'clean content\n' >"$MNT/clean.txt"     # created before start: no event
fg_write_config "$WORK/fanguard.conf" hash
fg_start "$WORK/fanguard.conf"
grep -q 'cache: kernel ignore marks' "$DAEMON_LOG" || fail "no kernel cache in the ready line"

expect_open ok "$MNT/clean.txt"
fg_counts
[ "$EV_TOTAL" -eq 1 ] && [ "$EV_SCANNED" -eq 1 ] || fail "first open: $EV_TOTAL events, $EV_SCANNED scanned"
for _ in $(seq 1 50); do expect_open ok "$MNT/clean.txt"; done
cmp -s "$MNT/clean.txt" <(printf 'clean content\n') || fail "content changed"
fg_counts
[ "$EV_TOTAL" -eq 1 ] || fail "51 opens of an unchanged clean file made $EV_TOTAL events, want 1"

# with the cache turned off every open is an event and a scan: the counter above can count
fg_stop
CACHE_SIZE=0 fg_write_config "$WORK/nocache.conf" hash
fg_start "$WORK/nocache.conf"
for _ in $(seq 1 5); do expect_open ok "$MNT/clean.txt"; done
fg_counts
[ "$EV_TOTAL" -eq 5 ] && [ "$EV_SCANNED" -eq 5 ] || fail "no cache: $EV_TOTAL events, $EV_SCANNED scanned, want 5"
fg_stop
pass
