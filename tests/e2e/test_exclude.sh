# Excluded paths are never scanned; a sibling with a similar name still is.
. "$(dirname "$0")/lib.sh"
fg_setup
: >"$WORK/blocklist.sha256"
mkdir -p "$MNT/cache" "$MNT/cache2"
EXCLUDE="\"$MNT/cache\"" fg_write_config "$WORK/fanguard.conf" clamav
fg_start "$WORK/fanguard.conf"

fg_put "$MNT/cache/eicar.txt" "$EICAR"
fg_put "$MNT/cache2/eicar.txt" "$EICAR"
expect_open ok "$MNT/cache/eicar.txt"
expect_open EPERM "$MNT/cache2/eicar.txt"
expect_no_log "$MNT/cache/eicar.txt"
fg_stop
pass
