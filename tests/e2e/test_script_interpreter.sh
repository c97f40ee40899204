# `sh evil.sh` never execs evil.sh, it opens it: open events catch what exec-only scanning misses.
. "$(dirname "$0")/lib.sh"
fg_setup
: >"$WORK/blocklist.sha256"
fg_write_config "$WORK/fanguard.conf" yara
fg_start "$WORK/fanguard.conf"

cat >"$MNT/evil.sh" <<SH
# FANGUARD-SCRIPT-MARKER-0b7e
touch "$WORK/evil-ran"
SH
cat >"$MNT/good.sh" <<SH
touch "$WORK/good-ran"
SH
if sh "$MNT/evil.sh" 2>"$WORK/sh.err"; then fail "sh ran evil.sh"; fi
[ ! -e "$WORK/evil-ran" ] || fail "evil.sh ran"
grep -q "Operation not permitted" "$WORK/sh.err" || fail "sh said: $(cat "$WORK/sh.err")"
sh "$MNT/good.sh" || fail "good.sh failed"
[ -e "$WORK/good-ran" ] || fail "good.sh did not run"
expect_log "DENY open of $MNT/evil.sh .*yara: Fanguard_Test_ScriptMarker"
fg_stop
pass
