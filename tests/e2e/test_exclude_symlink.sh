# An exclusion in a folder an ordinary user may write: they replace it with `ln -s` to the
# watched root and wait for a reload. The exclusion must not grow to the link's target: it
# stays as written, the log says why, and EICAR elsewhere on the mount is still denied.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
mkdir -m 1777 "$MNT/drop"
mkdir "$MNT/secret"
attacker() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
attacker mkdir "$MNT/drop/cache"
EXCLUDE="\"$MNT/drop/cache\""
fg_write_config "$WORK/fanguard.conf" clamav
fg_start "$WORK/fanguard.conf"

fg_put "$MNT/secret/eicar.com" "$EICAR"
chmod 0644 "$MNT/secret/eicar.com"
[ "$(attacker "$FG_PROBE" open "$MNT/secret/eicar.com" || true)" = EPERM ] || fail "not denied at start"
attacker bash -c 'printf "%s" "$1" >"$2"' _ "$EICAR" "$MNT/drop/cache/mine.com" || true
[ "$(attacker "$FG_PROBE" open "$MNT/drop/cache/mine.com" || true)" = ok ] ||
	fail "the exclusion itself does not work"

# the swap, then a reload
attacker rmdir "$MNT/drop/cache" 2>/dev/null || attacker rm -rf "$MNT/drop/cache"
attacker ln -s "$MNT" "$MNT/drop/cache"
kill -HUP "$FANGUARDD_PID"
fg_wait_log 'reload: exclusions: 1 path'
[ "$(attacker "$FG_PROBE" open "$MNT/secret/eicar.com" || true)" = EPERM ] ||
	fail "EICAR readable after the exclusion was pointed at the mount"
[ "$(attacker "$FG_PROBE" open "$MNT/drop/cache/secret/eicar.com" || true)" = EPERM ] ||
	fail "EICAR readable through the symlinked exclusion"
expect_log "option 'exclude': $MNT/drop/cache is not resolved through $MNT/drop/cache is a symlink owned by uid 65534; kept as written"
timeout 20 "$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/status" || fail "status failed"
grep -qx "excluding: $MNT/drop/cache" "$WORK/status" || fail "status: $(grep excluding "$WORK/status")"

# a fresh start with the link in place starts, with the same warning (no denial of service)
fg_stop
fg_start "$WORK/fanguard.conf"
expect_log "$MNT/drop/cache is not resolved through"
[ "$(attacker "$FG_PROBE" open "$MNT/secret/eicar.com" || true)" = EPERM ] || fail "not denied after restart"
fg_stop
pass
