# Files a plugin loads as root (signatures, rules, hash lists) pass the same trust check as the
# config: an ordinary user who can write the hash allowlist would trust their own EICAR.
# Start-up refuses such a file with file:line; a reload refuses it and keeps the old lists.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
: >"$WORK/allow.sha256"
write_config() {
	fg_write_config "$WORK/fanguard.conf" clamav
	echo "plugin hash { blocklist = {\"$WORK/blocklist.sha256\"} allowlist = {\"$1\"} }" \
		>>"$WORK/fanguard.conf"
}

# 1. start-up: a world-writable allowlist owned by nobody is refused, naming the file and line
cp "$WORK/allow.sha256" "$WORK/evil-allow.sha256"
chown 65534 "$WORK/evil-allow.sha256"
chmod 0666 "$WORK/evil-allow.sha256"
write_config "$WORK/evil-allow.sha256"
line=$(grep -n 'allowlist = ' "$WORK/fanguard.conf" | cut -d: -f1)
rc=0
timeout -s KILL 60 "$FANGUARDD" -c "$WORK/fanguard.conf" >"$WORK/refused.log" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "writable allowlist: expected exit 1, got $rc: $(cat "$WORK/refused.log")"
grep -q "fanguard.conf:$line: refusing plugin hash allowlist $WORK/evil-allow.sha256: .* is owned by uid 65534, not root" \
	"$WORK/refused.log" || fail "writable allowlist: $(cat "$WORK/refused.log")"
# a folder of signatures with one file anyone may change is refused the same way
mkdir "$WORK/sigs" && cp "$DATA"/clamav/* "$WORK/sigs/" && chmod 0666 "$WORK/sigs/$(ls "$WORK/sigs" | head -1)"
fg_write_config "$WORK/sigs.conf"
echo "plugin clamav { database = {\"$WORK/sigs\"} }" >>"$WORK/sigs.conf"
rc=0
timeout -s KILL 60 "$FANGUARDD" -t -c "$WORK/sigs.conf" >"$WORK/sigs.log" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "writable signature file: expected exit 1, got $rc: $(cat "$WORK/sigs.log")"
grep -q "refusing plugin clamav database $WORK/sigs/.* is writable by group or others" "$WORK/sigs.log" ||
	fail "writable signature file: $(cat "$WORK/sigs.log")"

# 2. running: root's allowlist, EICAR denied; then it becomes the attacker's and they trust EICAR
write_config "$WORK/allow.sha256"
fg_start "$WORK/fanguard.conf"
fg_put "$MNT/eicar.com" "$EICAR"
chmod 0644 "$MNT/eicar.com"
attacker() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
[ "$(attacker "$FG_PROBE" open "$MNT/eicar.com" || true)" = EPERM ] || fail "EICAR not denied at start"
chown 65534 "$WORK/allow.sha256"
chmod 0666 "$WORK/allow.sha256"
attacker bash -c 'printf "%s" "$1" | sha256sum >"$2"' _ "$EICAR" "$WORK/allow.sha256" ||
	fail "the attacker could not write the allowlist"
kill -HUP "$FANGUARDD_PID"
expect_log 'reload FAILED: .*refusing plugin hash allowlist .*allow.sha256: .* is owned by uid 65534, not root'
[ "$(attacker "$FG_PROBE" open "$MNT/eicar.com" || true)" = EPERM ] ||
	fail "EICAR readable after a reload with the attacker's allowlist"
fg_stop

# 3. a YARA rule file root trusts may `include` another file: the included file passes the same
#    check (host API check_data_file, ABI 1.2), since the user who can write it could empty it
#    and turn the rules off; an include root controls still works
mkdir -m 0755 "$WORK/rules" "$WORK/userdir"
chown 65534 "$WORK/userdir"
cp "$DATA/yara/rules/test.yar" "$WORK/rules/included.yar"
printf 'include "included.yar"\n' >"$WORK/rules/main.yar"
chmod 0644 "$WORK/rules/"*.yar
fg_write_config "$WORK/yara.conf"
echo "plugin yara { rules = {\"$WORK/rules/main.yar\"} }" >>"$WORK/yara.conf"
timeout -s KILL 60 "$FANGUARDD" -t -c "$WORK/yara.conf" >"$WORK/yara-ok.log" 2>&1 ||
	fail "a trusted include was refused: $(cat "$WORK/yara-ok.log")"
cp "$DATA/yara/rules/test.yar" "$WORK/userdir/evil.yar"
chown 65534 "$WORK/userdir/evil.yar"
printf 'include "%s/userdir/evil.yar"\n' "$WORK" >"$WORK/rules/main.yar"
rc=0
timeout -s KILL 60 "$FANGUARDD" -t -c "$WORK/yara.conf" >"$WORK/yara-bad.log" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "an include the user owns: expected exit 1, got $rc: $(cat "$WORK/yara-bad.log")"
grep -q "$WORK/rules/main.yar: include \"$WORK/userdir/evil.yar\": .*is owned by uid 65534" \
	"$WORK/yara-bad.log" || fail "an include the user owns: $(cat "$WORK/yara-bad.log")"
pass
