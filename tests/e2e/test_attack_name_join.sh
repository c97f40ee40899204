# ATTACK (unprivileged): verdicts of rules on the name are not cached (FG_RESULT_NOT_CACHEABLE),
# but an open still joins a scan of the same inode already in flight (single-flight, keyed by
# inode) and takes its verdict. A user opens a clean-named hard link of a file while its scan
# runs and, at the same moment, the link named evil.txt: the evil.txt open waits on the clean
# name's scan and is allowed, although the rule Evil_File_Name denies evil.txt when it is
# scanned on its own. (A slow scan stands in for a large file: any plugin taking a second.)
# Expected: the evil.txt open is denied.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
mkdir -m 1777 "$MNT/drop"
fg_write_config "$WORK/fanguard.conf"
cat >>"$WORK/fanguard.conf" <<CONF
plugin yara { rules = {"$DATA/yara-fidelity/on_access.yar"} }
plugin sleepy { path = "$FANGUARD_TEST_PLUGIN_DIR/sleepy.so" delay_ms = 1500 match = "SLOWSCAN" scanner = "slow" }
CONF
fg_start "$WORK/fanguard.conf"
expect_log "rules read filename, filepath, extension or owner: verdicts are not cached"
attacker() { setpriv --reuid=65533 --regid=65533 --clear-groups -- "$@"; }

attacker bash -c 'printf "same harmless words SLOWSCAN\n" >"$1"; ln "$1" "$2"' _ \
	"$MNT/drop/clean.txt" "$MNT/drop/evil.txt"
sleep 2 # the close_write scan of the new file is over
# alone, the evil name is denied
got=$(attacker "$FG_PROBE" open "$MNT/drop/evil.txt" || true)
[ "$got" = EPERM ] || fail "evil.txt alone: '$got' (expected EPERM)"
# the clean name first, the evil one while its scan runs
( attacker "$FG_PROBE" open "$MNT/drop/clean.txt" >"$WORK/clean.out" || true ) &
opener=$!
sleep 0.4
got=$(attacker "$FG_PROBE" open "$MNT/drop/evil.txt" || true)
wait "$opener"
[ "$(cat "$WORK/clean.out")" = ok ] || fail "clean.txt: $(cat "$WORK/clean.out")"
[ "$got" = EPERM ] || fail "evil.txt opened while clean.txt (same inode) was being scanned: '$got' (expected EPERM)"
fg_stop
pass
