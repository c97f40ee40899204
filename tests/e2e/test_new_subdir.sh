# Directories created after start are covered: marks are per mount, not per directory.
. "$(dirname "$0")/lib.sh"
fg_setup
: >"$WORK/blocklist.sha256"
fg_write_config "$WORK/fanguard.conf" clamav
fg_start "$WORK/fanguard.conf"

mkdir -p "$MNT/made/after/start"
fg_put "$MNT/made/after/start/eicar.txt" "$EICAR"
expect_open EPERM "$MNT/made/after/start/eicar.txt"
expect_log "DENY open of $MNT/made/after/start/eicar.txt"
fg_stop
pass
