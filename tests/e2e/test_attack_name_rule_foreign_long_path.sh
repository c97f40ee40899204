# ATTACK (unprivileged): a file whose name cannot be read gets an error vote from rules on the
# name (test_attack_name_rule_long_path), but only when the daemon's path is the
# "(name too long to read ...)" text. Opened through a mount of another namespace (any user's
# `unshare -Urm` copies every mount), a path longer than PATH_MAX is shown as
# "? (through a mount of another namespace)": the yara plugin strips the suffix, takes "?" for
# the file's path, matches filename == "?" and votes clean. Expected: evil.txt past PATH_MAX,
# opened inside a user namespace, is not found clean by name rules (here on_error = deny: EPERM).
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
mkdir -m 1777 "$MNT/drop"
ON_ERROR=deny fg_write_config "$WORK/fanguard.conf"
echo "plugin yara { rules = {\"$DATA/yara-fidelity/on_access.yar\"} }" >>"$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
attacker() { setpriv --reuid=65533 --regid=65533 --clear-groups -- "$@"; }
attacker unshare -Urm true 2>/dev/null || { echo "SKIP: no unprivileged user namespaces"; exit 0; }
attacker bash "$FG_DEEP" make "$MNT/drop" \
	sh -c 'printf "same harmless words\n" >seed && mv seed evil.txt' ||
	fail "the attacker could not build the tree"
deep_open() { # [unshare args...]: opens evil.txt at the bottom of the tree
	attacker "$@" bash "$FG_DEEP" enter "$MNT/drop" "$FG_PROBE" open evil.txt || true
}
# in the daemon's own namespace the fix holds: an error vote, on_error = deny
got=$(deep_open)
[ "$got" = EPERM ] || fail "evil.txt past PATH_MAX (own namespace): '$got' (expected EPERM)"
# through a user+mount namespace's copy of the mount
got=$(deep_open unshare -Urm)
[ "$got" = EPERM ] || fail "evil.txt past PATH_MAX through a namespace copy: '$got' (expected EPERM; yara took \"?\" for its name)"
fg_stop
pass
