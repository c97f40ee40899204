# ATTACK (unprivileged): a 6 KiB nested zip bomb (1,000 zips of 8 MiB of zeros, 3 levels, with
# EICAR as the last member) keeps libclamav busy ~20 s: with libclamav's own max_scantime
# (120 s) the scan outlasts timeout_ms, the open is answered by on_timeout (allow) and the
# attacker reads the archive, payload included (the plugin's own deadline check then stops the
# scan with an error vote, on_error allow). Expected: max_scantime defaults to half of
# timeout_ms and alert_exceeds_scan_limits (default on) makes libclamav's stop a verdict:
# the open is denied as Heuristics.Limits.Exceeded.*, as clamscan --alert-exceeds-max names
# the same file with the same limit. A file over max_file_size is still not alerted on.
. "$(dirname "$0")/lib.sh"
fg_setup
fg_victim_setup
printf '%s' "$EICAR" >"$WORK/eicar.com"
python3 "$(dirname "$0")/bomb.py" "$MNT/drop/bomb.zip" 8 10 3 "$WORK/eicar.com" ||
	fail "cannot make the bomb"
chown 65534:65534 "$MNT/drop/bomb.zip"
size=$(stat -c %s "$MNT/drop/bomb.zip")
[ "$size" -lt 16384 ] || fail "the bomb is $size bytes, not a small file"

# clamscan on the same file: the limit stops it, and only the heuristic alert names it
DB="$DATA/clamav"
got=$(timeout 60 clamscan --no-summary --disable-cache -d "$DB" --max-scantime=2000 \
	"$MNT/drop/bomb.zip" 2>&1 || true)
case $got in *": OK"*) ;; *) fail "clamscan without --alert-exceeds-max: '$got'" ;; esac
got=$(timeout 60 clamscan --no-summary --disable-cache -d "$DB" --max-scantime=2000 \
	--alert-exceeds-max "$MNT/drop/bomb.zip" 2>&1 || true)
case $got in *"Heuristics.Limits.Exceeded."*" FOUND"*) ;; *) fail "clamscan --alert-exceeds-max: '$got'" ;; esac

# 4 s to answer an open; the scan alone takes ~20 s with libclamav's own limits
TIMEOUT_MS=4000 ON_TIMEOUT=allow ON_ERROR=allow EVENTS='"open", "exec"' \
	fg_write_config "$WORK/fanguard.conf" clamav
fg_start "$WORK/fanguard.conf"
got=$(as_attacker "$FG_PROBE" open "$MNT/drop/bomb.zip" || true)
[ "$got" = EPERM ] || fail "attacker's open of the bomb: '$got' (expected EPERM)"
expect_log "DENY open of $MNT/drop/bomb.zip .*clamav: Heuristics\.Limits\.Exceeded\.Max"
expect_no_log "no verdict for open of .*bomb.zip|ClamAV scan stopped"
fg_victim_denied "the bomb"
expect_log "plugin clamav: limits, .*max_scantime 2000, .*\(max_scantime: half of timeout_ms\)"
fg_stop
pass
