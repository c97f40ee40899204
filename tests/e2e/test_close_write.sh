# close_write scans what was just written and logs a detection (it cannot deny).
. "$(dirname "$0")/lib.sh"
fg_setup
: >"$WORK/blocklist.sha256"
EVENTS='"close_write"' fg_write_config "$WORK/fanguard.conf" clamav
fg_start "$WORK/fanguard.conf"

fg_put "$MNT/dropped.txt" "$EICAR"
fg_wait_log "DETECTED after write of $MNT/dropped.txt .*clamav: Fanguard.Test.EICAR.UNOFFICIAL"
expect_open ok "$MNT/dropped.txt"   # open events are off: the file stays readable
fg_stop
pass
