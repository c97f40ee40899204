# ATTACK (unprivileged, against a common rule style): whether the rules read filename (and so
# whether verdicts may be cached) is decided by a scan of the rule text that skips comments and
# "strings" but knows nothing of /regular expressions/. A regex holding a lone '"' (webshell
# rules are full of them: /eval\(\$_POST\["/) opens a "string" that swallows the text up to the
# next quote, and with it the word filename of a later rule (a regex holding '//', as
# /https?:\/\//, makes the rest of its line a "comment" the same way). Then the name rule's clean
# verdict is cached and kernel ignore-marked by inode, and a user who renames a file found clean
# to evil.txt opens it unscanned. Expected: the rename is denied, as evil.txt is on its own.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
mkdir -m 1777 "$MNT/drop"
mkdir -m 0755 "$WORK/rules"
cat >"$WORK/rules/web.yar" <<'YAR'
rule Php_Post_Eval { strings: $s = /eval\(\$_POST\["/ condition: $s }
rule Evil_File_Name { condition: filename == "evil.txt" }
YAR
chmod 0644 "$WORK/rules/web.yar"
fg_write_config "$WORK/fanguard.conf"
echo "plugin yara { rules = {\"$WORK/rules\"} }" >>"$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
attacker() { setpriv --reuid=65533 --regid=65533 --clear-groups -- "$@"; }

attacker bash -c 'printf "same harmless words\n" >"$1"' _ "$MNT/drop/seed"
attacker mv "$MNT/drop/seed" "$MNT/drop/evil.txt"
got=$(attacker "$FG_PROBE" open "$MNT/drop/evil.txt" || true)
[ "$got" = EPERM ] || fail "evil.txt: '$got' (expected EPERM: the rule works)"
attacker bash -c 'printf "same harmless words\n" >"$1"' _ "$MNT/drop/clean.txt"
got=$(attacker "$FG_PROBE" open "$MNT/drop/clean.txt" || true)
[ "$got" = ok ] || fail "clean.txt: '$got'"
attacker mv "$MNT/drop/clean.txt" "$MNT/drop/evil2.txt"
attacker mkdir "$MNT/drop/sub"
attacker mv "$MNT/drop/evil2.txt" "$MNT/drop/sub/evil.txt"
got=$(attacker "$FG_PROBE" open "$MNT/drop/sub/evil.txt" || true)
grep -q "rules read filename, filepath, extension or owner: verdicts are not cached" "$DAEMON_LOG" ||
	echo "note: the plugin did not see that its rules read filename" >&2
[ "$got" = EPERM ] || fail "clean.txt renamed to evil.txt: '$got' (expected EPERM; its clean verdict was cached)"
fg_stop
pass
