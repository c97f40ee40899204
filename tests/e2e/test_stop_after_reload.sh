# A clean stop after reloads logs nothing at error priority: the scanners the daemon replaced
# (retiring) or stops itself are not failures, whatever signal ends them. An admin alerting on
# errors was paged at every restart after a signature update ("killed by signal 9 (KILL); its
# pending scans count as errors"): scanners started for a `fanguard reload` were forked by the
# control socket's thread, and their parent-death signal killed them when that thread ended at
# the stop. Reloads by SIGHUP and by `fanguard reload`, each checked.
. "$(dirname "$0")/lib.sh"
fg_setup
: >"$WORK/blocklist.sha256"
printf 'x TINY-PLUGIN-MARKER-3e9d x\n' >"$MNT/evil.txt"
# two scanner processes (marker in its own), so more than one retires at each reload
SCAN_EXTRA='seccomp = true' fg_write_config "$WORK/fanguard.conf" hash
printf 'plugin marker { path = "%s/marker.so" scanner = "second" }\n' \
	"$FANGUARD_TEST_PLUGIN_DIR" >>"$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"

reloads_done() { grep -c 'reload: done' "$DAEMON_LOG" || true; }
for how in control signal control; do
	before=$(reloads_done)
	if [ "$how" = signal ]; then
		kill -HUP "$FANGUARDD_PID"
	else
		"$FANGUARD" reload -c "$WORK/fanguard.conf" >/dev/null || fail "fanguard reload failed"
	fi
	for _ in $(seq 1 400); do
		[ "$(reloads_done)" -gt "$before" ] && break
		sleep 0.05
	done
	[ "$(reloads_done)" -gt "$before" ] || fail "reload by $how never finished"
	expect_open EPERM "$MNT/evil.txt"
done
# settings the running scanners were set up with wait for a restart, and the log says so
sed -i 's|workers = 2|workers = 1|; s|seccomp = true|seccomp = false|' "$WORK/fanguard.conf"
"$FANGUARD" reload -c "$WORK/fanguard.conf" >/dev/null || fail "fanguard reload failed"
fg_wait_log "reload: scan.workers, scan.seccomp changed in $WORK/fanguard.conf; restart fanguardd to apply them"
fg_stop
if grep -E 'fanguardd\[(error|crit|alert|emerg)\]' "$DAEMON_LOG"; then
	fail "a clean stop after reloads logged at error priority"
fi
# a scan thread leaving after a reload must not abort its process (pthread_exit needs
# libgcc_s, which the sandbox cannot open), killing its siblings' last scans
if grep -E 'libgcc_s|pthread_exit' "$DAEMON_LOG"; then
	fail "a retiring scanner's thread could not exit cleanly"
fi
pass
