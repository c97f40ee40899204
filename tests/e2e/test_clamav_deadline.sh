# libclamav has no per-scan time limit; the clamav plugin stops a scan at the host's deadline
# (1.5 x timeout_ms) between layers, with an error vote, before the scanner would be killed as
# hung (which fails every scan it holds and counts toward disabling it). A tar of 3,000
# members, EICAR last, takes libclamav ~100 ms here; timeout_ms 10 leaves it 15 ms. The
# stopped layer is reported as an error, never as clean: a clean answer would enter libclamav's
# clean cache and EICAR would stay hidden at the next scan. libclamav's own max_scantime (by
# default half of timeout_ms, e2e_attack_zip_bomb_deadline) is set back to libclamav's 120 s
# here, so that the plugin's own check is what stops the scan.
. "$(dirname "$0")/lib.sh"
fg_setup
mkdir "$WORK/m"
for i in $(seq 1 3000); do echo "member $i" >"$WORK/m/f$i.txt"; done
printf '%s' "$EICAR" >"$WORK/m/zz-eicar.com"
(cd "$WORK" && tar cf "$MNT/many.tar" m) || fail "cannot make the tar"
CLAMAV_EXTRA="max_scantime = 120000" TIMEOUT_MS=10 ON_ERROR=deny fg_write_config "$WORK/fanguard.conf" clamav
fg_start "$WORK/fanguard.conf"
# the open is answered at the deadline (on_timeout allow); the scan ends later, as an error
"$FG_PROBE" open "$MNT/many.tar" >/dev/null || true
expect_log "scan error on open $MNT/many.tar: clamav: ClamAV scan stopped: it ran past the scan's deadline"
# the same bytes again: still stopped or found, never clean from libclamav's cache
"$FG_PROBE" open "$MNT/many.tar" >/dev/null || true
for _ in $(seq 1 100); do
	[ "$(grep -c "on open $MNT/many.tar" "$DAEMON_LOG")" -ge 2 ] && break
	sleep 0.05
done
expect_no_log "ALLOW.*many.tar|clean.*many.tar"
[ "$(grep -Ec "scan error on open $MNT/many.tar: clamav: ClamAV scan stopped|DENY open of $MNT/many.tar" "$DAEMON_LOG")" -ge 2 ] ||
	fail "second scan of many.tar neither stopped nor denied"
expect_no_log "hung \(a scan ran past twice timeout_ms\)"
fg_stop
pass
