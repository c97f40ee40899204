# EICAR is denied on open by every engine; the log says who, what and which process.
. "$(dirname "$0")/lib.sh"
fg_setup
printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
fg_write_config "$WORK/fanguard.conf" clamav yara hash
fg_start "$WORK/fanguard.conf"

fg_put "$MNT/eicar.com" "$EICAR"
expect_open EPERM "$MNT/eicar.com"
# an ordinary tool sees the same refusal
if cat "$MNT/eicar.com" >/dev/null 2>"$WORK/cat.err"; then fail "cat read EICAR"; fi
grep -q "Operation not permitted" "$WORK/cat.err" || fail "cat error was: $(cat "$WORK/cat.err")"

expect_log "DENY open of $MNT/eicar.com by pid [0-9]+ \(uid 0, exe [^)]*fg_probe\)"
expect_log "DENY open of $MNT/eicar.com .*clamav: Fanguard.Test.EICAR.UNOFFICIAL"
expect_log "DENY open of $MNT/eicar.com .*yara: Fanguard_Test_EICAR"
expect_log "DENY open of $MNT/eicar.com .*hash: Hash.Blocklist"
expect_log "DENY open of $MNT/eicar.com by pid [0-9]+ \(uid 0, exe [^)]*/cat\)"
fg_stop
pass
