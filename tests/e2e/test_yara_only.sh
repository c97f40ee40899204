# A file that only a YARA rule matches is denied, and the log names the rule.
. "$(dirname "$0")/lib.sh"
fg_setup
: >"$WORK/blocklist.sha256"
fg_write_config "$WORK/fanguard.conf" clamav yara hash
fg_start "$WORK/fanguard.conf"

fg_put "$MNT/doc.txt" "harmless words FANGUARD-YARA-TEST-MARKER-91c2 more words"
expect_open EPERM "$MNT/doc.txt"
expect_log "DENY open of $MNT/doc.txt .*yara: Fanguard_Test_YaraMarker"
expect_no_log "DENY open of $MNT/doc.txt .*clamav:"
fg_stop
pass
