# A reload (`fanguard reload` or SIGHUP) applies new exclusions without a restart: a folder
# added to watch.exclude opens unscanned at once, and once it is taken out again its files are
# scanned again (the ignore marks its exclusion left are dropped). Settings only a restart can
# apply are named in the log; a broken config keeps the exclusions in force.
. "$(dirname "$0")/lib.sh"
fg_setup
MAX_SIZE=10485760 fg_write_config "$WORK/fanguard.conf" clamav
fg_start "$WORK/fanguard.conf"
mkdir "$MNT/build"
fg_put "$MNT/build/eicar.com" "$EICAR"
expect_open EPERM "$MNT/build/eicar.com"

reloads_done() { grep -c 'reload: done' "$DAEMON_LOG" || true; }
wait_reload_done() { # $1: how many reloads have finished by now
	for _ in $(seq 1 200); do
		[ "$(reloads_done)" -ge "$1" ] && return 0
		sleep 0.05
	done
	fail "reload $1 did not finish"
}

# add the folder and a user to the exclusions, and change a setting a reload cannot apply
sed -i "s|^  exclude = {.*}|  exclude = {\"$MNT/build\"}\n  exclude_uid = {\"4242\"}|" "$WORK/fanguard.conf"
sed -i 's|^  max_file_size = .*|  max_file_size = 20971520|' "$WORK/fanguard.conf"
timeout 20 "$FANGUARD" reload -c "$WORK/fanguard.conf" >"$WORK/reload" || fail "reload: $(cat "$WORK/reload")"
fg_wait_log "reload: exclusions: 1 path\(s\), 0 program\(s\), 1 user\(s\)"
fg_wait_log "reload: watch.max_file_size changed in $WORK/fanguard.conf; restart fanguardd to apply it"
expect_open ok "$MNT/build/eicar.com"
wait_reload_done 1
timeout 20 "$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/status" || fail "status failed"
grep -qx "excluding: $MNT/build" "$WORK/status" || fail "status lacks the new exclusion: $(cat "$WORK/status")"
grep -qx "excluding uid: 4242" "$WORK/status" || fail "status lacks the new uid: $(cat "$WORK/status")"

# out again, by SIGHUP: the file is scanned (its ignore mark from the exclusion is gone)
sed -i "s|^  exclude = {.*}|  exclude = {}|" "$WORK/fanguard.conf"
kill -HUP "$FANGUARDD_PID"
fg_wait_log "reload: exclusions: 0 path\(s\), 0 program\(s\), 1 user\(s\)"
expect_open EPERM "$MNT/build/eicar.com"
wait_reload_done 2

# a broken config: `fanguard reload` (which reads it to find the socket) names file and line;
# SIGHUP logs the same, and the exclusions stay
sed -i "s|^  exclude = {.*}|  exclude = {\"$MNT/build\"}\n  no_such_key = 1|" "$WORK/fanguard.conf"
timeout 20 "$FANGUARD" reload -c "$WORK/fanguard.conf" >"$WORK/reload2" 2>&1 &&
	fail "reload accepted a broken config: $(cat "$WORK/reload2")"
grep -q "$WORK/fanguard.conf:[0-9]*: .*no_such_key" "$WORK/reload2" || fail "reload said: $(cat "$WORK/reload2")"
kill -HUP "$FANGUARDD_PID"
fg_wait_log "reload: $WORK/fanguard.conf:[0-9]+: .*no_such_key.*; the exclusions stay as they were"
expect_open EPERM "$MNT/build/eicar.com"
sed -i '/no_such_key/d' "$WORK/fanguard.conf" # status reads the file too (not reloaded: no change)
rc=0
timeout 20 "$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/status2" || rc=$?
# the scanners' reload failed on the same file: degraded (3) until a reload succeeds
[ "$rc" -eq 3 ] && grep -q '^health: DEGRADED: reload_failed: .*no_such_key' "$WORK/status2" ||
	fail "status after a failed reload: exit $rc, $(grep '^health' "$WORK/status2")"
grep -q "^excluding: " "$WORK/status2" && fail "a broken config changed the exclusions: $(cat "$WORK/status2")"
fg_stop
pass
