# A package upgrade puts another fanguardd at the daemon's path while it runs (dpkg renames the
# new file over the old). Scanners the running monitor starts afterwards, after a crash or for a
# reload, must still be its own image: here the new "binary" is a script that exits at once, so a
# scanner started from the path would never come up.
. "$(dirname "$0")/lib.sh"
fg_setup
mkdir "$WORK/sbin"
cp "$FANGUARDD" "$WORK/sbin/fanguardd"
FANGUARDD="$WORK/sbin/fanguardd"
fg_write_config "$WORK/fanguard.conf" marker
fg_start "$WORK/fanguard.conf"
MARK='x TINY-PLUGIN-MARKER-3e9d x'

printf '#!/bin/sh\necho "the replaced binary ran" >&2\nexit 3\n' >"$WORK/sbin/fanguardd.new"
chmod 755 "$WORK/sbin/fanguardd.new"
mv -f "$WORK/sbin/fanguardd.new" "$WORK/sbin/fanguardd"

# a scanner crash: the monitor starts a new one
scanner=$(pgrep -P "$FANGUARDD_PID" -x fanguardd) || fail "no scanner process"
kill -KILL "$scanner"
expect_log "scanner plugins \(pid $scanner\) killed by signal 9"
for _ in $(seq 1 200); do
	[ "$(grep -c 'scanner plugins ready (pid' "$DAEMON_LOG")" -ge 2 ] && break
	sleep 0.05
done
[ "$(grep -c 'scanner plugins ready (pid' "$DAEMON_LOG")" -ge 2 ] || fail "no scanner came back"
fg_put "$MNT/after-crash" "$MARK"
expect_open EPERM "$MNT/after-crash"

# a reload starts new scanners too
timeout 20 "$FANGUARD" reload -c "$WORK/fanguard.conf" >"$WORK/reload" || fail "reload failed: $(cat "$WORK/reload")"
fg_wait_log "reload: done"
fg_put "$MNT/after-reload" "$MARK"
expect_open EPERM "$MNT/after-reload"
expect_no_log "the replaced binary ran|reload FAILED"
fg_stop
pass
