# ATTACK (unprivileged): below PATH_MAX the daemon has no name for the opened file (its path is
# "(name too long to read: ...)") and the yara plugin then sets filename, filepath and
# extension to "": a rule on the name (LOKI's filename == "...", extension == ".hta") matches
# nothing there. Any user makes such a path with 22 nested folders and opens (or executes) the
# file by a relative name; a program run as ./evil.txt even keeps that name. Expected: a file
# named evil.txt is not allowed unexamined by the rule that denies evil.txt elsewhere (denied,
# or at least an error vote decided by on_error = deny, as here).
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
mkdir -m 1777 "$MNT/drop"
ON_ERROR=deny fg_write_config "$WORK/fanguard.conf"
echo "plugin yara { rules = {\"$DATA/yara-fidelity/on_access.yar\"} }" >>"$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
attacker() { setpriv --reuid=65533 --regid=65533 --clear-groups -- "$@"; }
attacker bash -c 'printf "same harmless words\n" >"$1/seed" && mv "$1/seed" "$1/evil.txt"' _ "$MNT/drop"
got=$(attacker "$FG_PROBE" open "$MNT/drop/evil.txt" || true)
[ "$got" = EPERM ] || fail "evil.txt at a short path: '$got' (expected EPERM: the rule works)"

attacker bash "$FG_DEEP" make "$MNT/drop" \
	sh -c 'printf "same harmless words\n" >seed && mv seed evil.txt' ||
	fail "the attacker could not build the tree"
got=$(attacker bash "$FG_DEEP" enter "$MNT/drop" "$FG_PROBE" open evil.txt || true)
[ "$got" = EPERM ] || fail "evil.txt past PATH_MAX: '$got' (expected EPERM; the rule saw filename \"\")"
fg_stop
pass
