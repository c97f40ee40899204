# A plugin built in the test tree from the public header alone loads and decides.
. "$(dirname "$0")/lib.sh"
fg_setup
fg_write_config "$WORK/fanguard.conf" marker
fg_start "$WORK/fanguard.conf"
expect_log "plugin marker: looking for \"TINY-PLUGIN-MARKER-3e9d\""
fg_put "$MNT/x.dat" "...TINY-PLUGIN-MARKER-3e9d..."
fg_put "$MNT/y.dat" "nothing here"
expect_open EPERM "$MNT/x.dat"
expect_open ok "$MNT/y.dat"
expect_log "DENY open of $MNT/x.dat .*marker: Tiny.Marker"
fg_stop
pass
