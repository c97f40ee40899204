# watch.exclude_uid: a process of an excluded user (real and effective uid) reads EICAR; root is
# denied, and so is a process whose real uid is excluded but whose effective uid is not.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"   # the excluded user must reach the files

# an unknown user stops start-up with file:line
fg_write_config "$WORK/bad-user.conf" clamav
sed -i '/^  exclude = /a\  exclude_uid = {"daemon", "fanguard-no-such-user"}' "$WORK/bad-user.conf"
line=$(grep -n fanguard-no-such-user "$WORK/bad-user.conf" | cut -d: -f1)
rc=0
timeout -s KILL 60 "$FANGUARDD" -c "$WORK/bad-user.conf" >"$WORK/refused.log" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "unknown user: expected exit 1, got $rc: $(cat "$WORK/refused.log")"
grep -q "bad-user.conf:$line: option 'exclude_uid': \"fanguard-no-such-user\" is neither a known user" \
	"$WORK/refused.log" || fail "unknown user: $(cat "$WORK/refused.log")"

fg_write_config "$WORK/fanguard.conf" clamav
sed -i '/^  exclude = /a\  exclude_uid = {"daemon", "4242"}' "$WORK/fanguard.conf"
grep -q exclude_uid "$WORK/fanguard.conf" || fail "config lacks exclude_uid"
fg_start "$WORK/fanguard.conf"

fg_put "$MNT/eicar.txt" "$EICAR"
chmod 0644 "$MNT/eicar.txt"
as() { setpriv "$@" --clear-groups "$FG_PROBE" open "$MNT/eicar.txt" || true; }

[ "$(as --reuid=daemon --regid=daemon)" = ok ] || fail "user daemon (by name) was not excluded"
[ "$(as --reuid=4242 --regid=4242)" = ok ] || fail "uid 4242 (by number) was not excluded"
expect_open EPERM "$MNT/eicar.txt"
[ "$(as --reuid=4243 --regid=4243)" = EPERM ] || fail "uid 4243 was not denied"
# real uid excluded, effective uid root: scanned
[ "$(as --ruid=daemon)" = EPERM ] || fail "real uid daemon with effective uid root was not denied"
expect_log "DENY open of $MNT/eicar.txt by pid [0-9]+ \(uid 4243,"
expect_no_log "DENY open of $MNT/eicar.txt by pid [0-9]+ \(uid 4242,"
expect_log "DENY open of $MNT/eicar.txt by pid [0-9]+ \(uid 1,"    # the log names the real uid
[ "$(grep -c "DENY open of $MNT/eicar.txt by pid [0-9]* (uid 1," "$DAEMON_LOG")" -eq 1 ] ||
	fail "user daemon was denied more than once"

kill -USR1 "$FANGUARDD_PID"
fg_wait_log 'exclusions: 0 by path, 0 by executable, 2 by user'
timeout 20 "$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/status" || fail "status failed"
for want in '^excluding uid: 1$' '^excluding uid: 4242$' '^exclusions: 0 by path, 0 by executable, 2 by user'; do
	grep -Eq -- "$want" "$WORK/status" || fail "status lacks '$want': $(cat "$WORK/status")"
done
fg_stop
pass
