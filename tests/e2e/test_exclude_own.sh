# fanguard's own scanner processes are never scanned. A reload makes new scanners load their rules;
# here the rules live on the watched mount and carry the EICAR string in a comment, so anyone else
# is denied them. Were the new scanners' opens scanned by the running ones, they would be denied
# too and the reload would fail.
. "$(dirname "$0")/lib.sh"
fg_setup
mkdir "$MNT/rules"
{ printf '// %s\n' "$EICAR"; cat "$DATA/yara/rules/test.yar"; } >"$MNT/rules/test.yar"
fg_write_config "$WORK/fanguard.conf" clamav
printf 'plugin yara { rules = {"%s/rules"} }\n' "$MNT" >>"$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"

expect_open EPERM "$MNT/rules/test.yar"
expect_log "DENY open of $MNT/rules/test.yar .*clamav: Fanguard.Test.EICAR"

kill -HUP "$FANGUARDD_PID"
for _ in $(seq 1 400); do
	grep -q 'reload: done\|reload FAILED' "$DAEMON_LOG" && break
	sleep 0.05
done
grep -q 'reload: done' "$DAEMON_LOG" || fail "reload did not finish: $(grep 'reload FAILED' "$DAEMON_LOG")"
expect_open EPERM "$MNT/rules/test.yar"

kill -USR1 "$FANGUARDD_PID"
fg_wait_log "exclusions: .* [1-9][0-9]* events of fanguard's own processes"
fg_stop
pass
