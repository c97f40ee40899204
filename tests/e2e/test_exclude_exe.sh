# watch.exclude_exe: a program excluded by path or by glob reads EICAR; the same file opened by
# any other program is still denied, also right after the excluded one read it (an exclusion by
# program puts no ignore mark on the file). A program whose executable was deleted while it ran
# is not excluded any more.
. "$(dirname "$0")/lib.sh"
fg_setup
# the copies live in WORK, outside the marked tmpfs
mkdir "$WORK/trusted" "$WORK/untrusted"
cp /bin/cat "$WORK/backup-cat"
cp /bin/cat "$WORK/trusted/cat"
cp /bin/cat "$WORK/untrusted/cat"
cp /bin/sh "$WORK/trusted/sh"
fg_write_config "$WORK/fanguard.conf" clamav
sed -i "/^  exclude = /a\\  exclude_exe = {\"$WORK/backup-cat\", \"$WORK/trusted/*\"}" \
	"$WORK/fanguard.conf"
grep -q exclude_exe "$WORK/fanguard.conf" || fail "config lacks exclude_exe"
fg_start "$WORK/fanguard.conf"

fg_put "$MNT/eicar.txt" "$EICAR"
[ "$("$WORK/backup-cat" "$MNT/eicar.txt")" = "$EICAR" ] || fail "excluded backup-cat could not read EICAR"
expect_open EPERM "$MNT/eicar.txt"
[ "$("$WORK/trusted/cat" "$MNT/eicar.txt")" = "$EICAR" ] || fail "excluded trusted/cat could not read EICAR"
expect_open EPERM "$MNT/eicar.txt"
if "$WORK/untrusted/cat" "$MNT/eicar.txt" >/dev/null 2>"$WORK/untrusted.err"; then
	fail "untrusted/cat read EICAR"
fi
grep -q 'Operation not permitted' "$WORK/untrusted.err" || fail "untrusted/cat: $(cat "$WORK/untrusted.err")"
if cat "$MNT/eicar.txt" >/dev/null 2>&1; then
	fail "the system's cat read EICAR"
fi
expect_log "DENY open of $MNT/eicar.txt by pid [0-9]+ \(uid 0, exe [^)]*/untrusted/cat\)"
expect_no_log "DENY open of $MNT/eicar.txt by pid [0-9]+ \(uid 0, exe $WORK/(backup-cat|trusted/cat)\)"

# A fresh file: the excluded program opens it first, unscanned; then anyone else is scanned.
fg_put "$MNT/fresh.txt" "$EICAR"
"$WORK/trusted/cat" "$MNT/fresh.txt" >/dev/null || fail "excluded cat could not read fresh.txt"
expect_open EPERM "$MNT/fresh.txt"

# The excluded shell opens the file itself (a builtin with a redirection), before and after
# its executable is deleted.
mkfifo "$WORK/go"
"$WORK/trusted/sh" -c 'read _ <"$1"; if true <"$2" 2>/dev/null; then echo opened; else echo denied; fi' \
	_ "$WORK/go" "$MNT/eicar.txt" >"$WORK/deleted.out" &
SH_PID=$!
"$WORK/trusted/sh" -c 'if true <"$1" 2>/dev/null; then echo opened; else echo denied; fi' _ "$MNT/eicar.txt" \
	>"$WORK/live.out"
[ "$(cat "$WORK/live.out")" = opened ] || fail "excluded sh: $(cat "$WORK/live.out")"
rm "$WORK/trusted/sh"
echo go >"$WORK/go"
wait "$SH_PID"
[ "$(cat "$WORK/deleted.out")" = denied ] || fail "sh with a deleted executable: $(cat "$WORK/deleted.out")"

kill -USR1 "$FANGUARDD_PID"
fg_wait_log 'exclusions: 0 by path, [4-9] by executable, 0 by user'
timeout 20 "$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/status" || fail "status failed"
for want in "^excluding programs: $WORK/backup-cat\$" "^excluding programs: $WORK/trusted/\*\$"; do
	grep -Eq -- "$want" "$WORK/status" || fail "status lacks '$want': $(cat "$WORK/status")"
done
fg_stop
pass
