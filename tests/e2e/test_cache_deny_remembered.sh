# A deny is remembered: the second open of the same unchanged file is refused without a scan,
# and still logged with the threat and the process.
. "$(dirname "$0")/lib.sh"
fg_setup
printf 'evil TINY-PLUGIN-MARKER-3e9d payload\n' >"$MNT/evil.txt"
fg_write_config "$WORK/fanguard.conf" marker
fg_start "$WORK/fanguard.conf"

expect_open EPERM "$MNT/evil.txt"
expect_open EPERM "$MNT/evil.txt"
expect_open EPERM "$MNT/evil.txt"
fg_counts
[ "$EV_SCANNED" -eq 1 ] || fail "scanned $EV_SCANNED times, want 1"
[ "$EV_CACHED" -eq 2 ] || fail "$EV_CACHED answers from the cache, want 2"
expect_log "DENY open of $MNT/evil.txt by pid [0-9]+ .*marker: .*remembered from an earlier scan"
fg_stop
pass
