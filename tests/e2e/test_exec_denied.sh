# With only exec events, a matching executable can be read but not executed.
. "$(dirname "$0")/lib.sh"
fg_setup
: >"$WORK/blocklist.sha256"
EVENTS='"exec"' fg_write_config "$WORK/fanguard.conf" yara
fg_start "$WORK/fanguard.conf"

cp /bin/true "$MNT/evil"
printf 'FANGUARD-EXEC-MARKER-55d1' >>"$MNT/evil"
cp /bin/true "$MNT/good"
expect_open ok "$MNT/evil"
got=$("$FG_PROBE" exec "$MNT/evil" || true)
[ "$got" = "EPERM" ] || fail "exec of evil: expected EPERM, got '$got'"
"$MNT/good" || fail "a clean executable did not run"
expect_log "DENY exec of $MNT/evil .*yara: Fanguard_Test_ElfMarker"
fg_stop
pass
