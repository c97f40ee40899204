# Per-path policy: block by default, `policy "MNT/home" { mode = "report" }`. The same EICAR is
# denied under the block path and allowed (and logged as a would-deny) under the report path;
# status shows each path's mode. Attacks on the report path: a hard link from it to a file of
# the block path must not make the block name allow (the would-deny is remembered as a deny),
# and an ordinary user reaching the report path through a mount copy of their own namespace
# (`unshare -Urm`) or by a name longer than PATH_MAX gets the strictest mode: denied.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
mkdir -m 0755 "$MNT/upload" "$MNT/home"
mkdir -m 1777 "$MNT/home/drop"
fg_write_config "$WORK/fanguard.conf" clamav
cat >>"$WORK/fanguard.conf" <<CONF
policy "$MNT/home" {
  mode = "report"
}
CONF
fg_start "$WORK/fanguard.conf"
for f in upload/eicar.com home/eicar.com home/userns.com upload/linked.com upload/linked2.com; do
	fg_put "$MNT/$f" "$EICAR"
	chmod 0644 "$MNT/$f"
done

# 1. the same content: denied under upload, read back under home
expect_open EPERM "$MNT/upload/eicar.com"
expect_log "\]: DENY open of $MNT/upload/eicar.com"
cat "$MNT/home/eicar.com" >"$WORK/read.out" || fail "EICAR under the report path not readable"
printf '%s' "$EICAR" | cmp -s - "$WORK/read.out" || fail "EICAR read back differs"
expect_log "WOULD DENY open of $MNT/home/eicar.com .*report mode: allowed"
expect_no_log "\]: DENY open of $MNT/home/eicar.com"

# 2. status: each watched path's mode, and the mode of paths that cannot be trusted
"$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/status.out" || fail "status failed"
grep -qx "mode: $MNT block (verdict.mode)" "$WORK/status.out" || fail "status: $(grep mode "$WORK/status.out")"
grep -qx "mode: $MNT/home report (policy at $WORK/fanguard.conf:[0-9]*)" "$WORK/status.out" ||
	fail "status: $(grep mode "$WORK/status.out")"
grep -q "^mode: files reached through other namespaces' mounts .* block" "$WORK/status.out" ||
	fail "status: $(grep mode "$WORK/status.out")"

# 3. a hard link in the report path to a block path's file: opened there first (allowed,
#    would-deny), the block name is still denied — from the remembered deny, not a new scan
ln "$MNT/upload/linked.com" "$MNT/home/link.com"
expect_open ok "$MNT/home/link.com"
expect_log "WOULD DENY open of $MNT/home/link.com"
expect_open EPERM "$MNT/upload/linked.com"
expect_log "\]: DENY open of $MNT/upload/linked.com .*verdict remembered from an earlier scan"
#    and the other way round: denied under its block name first, the report name allows
ln "$MNT/upload/linked2.com" "$MNT/home/link2.com"
expect_open EPERM "$MNT/upload/linked2.com"
expect_open ok "$MNT/home/link2.com"
expect_log "WOULD DENY open of $MNT/home/link2.com .*verdict remembered"
expect_open EPERM "$MNT/upload/linked2.com"

# 4. an ordinary user's mount copy of the report path: no trusted path, so the strictest mode
attacker() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
if attacker unshare -Urm cat "$MNT/home/userns.com" >/dev/null 2>&1; then
	fail "EICAR under the report path read through a user namespace while another path blocks"
fi
expect_log "\]: DENY open of $MNT/home/userns.com \(through a mount of another namespace\)"

# 5. a name past PATH_MAX below the report path: no name to look the mode up by, so block
attacker bash "$FG_DEEP" make "$MNT/home/drop" sh -c 'printf "%s" "$1" >eicar.com 2>/dev/null' _ "$EICAR" ||
	fail "the attacker could not build the deep tree"
got=$(attacker bash "$FG_DEEP" enter "$MNT/home/drop" "$FG_PROBE" open eicar.com || true)
[ "$got" = EPERM ] || fail "EICAR past PATH_MAX under the report path: expected EPERM, got '$got'"
expect_log '\]: DENY open of \(name too long to read'
fg_stop
pass
