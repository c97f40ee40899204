# Signature updates are picked up by themselves (signatures.auto_reload, like clamd's SelfCheck):
# a ClamAV .ndb renamed into the database folder (as freshclam renames its downloads into
# place), a hash list replaced by rename and a YARA rule file edited in place each make a newly
# written file denied, with no SIGHUP and no `fanguard reload`. A broken update keeps the old
# set (its detections still work), and the log, status and health say that the reload failed;
# fixing it is picked up too.
. "$(dirname "$0")/lib.sh"
fg_setup
mkdir "$WORK/db" "$WORK/rules" "$WORK/staging"
cp "$DATA/clamav/eicar.ndb" "$WORK/db/"
cp "$DATA/yara/rules/test.yar" "$WORK/rules/"
: >"$WORK/blocklist.sha256"
fg_write_config "$WORK/fanguard.conf" hash
cat >>"$WORK/fanguard.conf" <<CONF
plugin clamav { database = {"$WORK/db"} }
plugin yara { rules = {"$WORK/rules"} }
signatures { auto_reload = true settle_s = 1 }
CONF
fg_start "$WORK/fanguard.conf"
expect_log 'signatures: reloaded by themselves 1 s after their files change; [0-9]+ folder\(s\) watched'

reloads_done() { grep -c 'reload: done' "$DAEMON_LOG" || true; }
reloads_failed() { grep -c 'reload FAILED' "$DAEMON_LOG" || true; }
# Waits, without any signal or command, until one more reload ended: 0 done, 1 failed.
await_reload() {
	local done_before=$1 failed_before=$2
	for _ in $(seq 1 600); do
		[ "$(reloads_done)" -gt "$done_before" ] && return 0
		[ "$(reloads_failed)" -gt "$failed_before" ] && return 1
		sleep 0.05
	done
	fail "no reload within 30 s of the change"
}

# 1. a ClamAV body signature renamed into the database folder
sig='FANGUARD-AUTO-RELOAD-NDB-5c1e'
hex=$(printf '%s' "$sig" | od -An -tx1 | tr -d ' \n')
fg_put "$MNT/ndb-before.txt" "x $sig x"
expect_open ok "$MNT/ndb-before.txt"
printf 'Fanguard.Test.AutoNdb:0:*:%s\n' "$hex" >"$WORK/staging/auto.ndb"
d=$(reloads_done) f=$(reloads_failed)
mv "$WORK/staging/auto.ndb" "$WORK/db/auto.ndb"
await_reload "$d" "$f" || fail "the reload after the .ndb failed: $(grep 'reload FAILED' "$DAEMON_LOG")"
expect_log "signature data changed \($WORK/db/auto.ndb\): reloading"
fg_put "$MNT/ndb-after.txt" "x $sig x"
expect_open EPERM "$MNT/ndb-after.txt"
expect_log "DENY open of $MNT/ndb-after.txt .*clamav: Fanguard.Test.AutoNdb"

# 2. a hash list replaced by rename (its folder holds other files, which do not count)
fg_put "$MNT/hash-target.bin" 'a file only the new hash list knows'
sha256sum "$MNT/hash-target.bin" >"$WORK/staging/blocklist.new"
d=$(reloads_done) f=$(reloads_failed)
mv "$WORK/staging/blocklist.new" "$WORK/blocklist.sha256"
await_reload "$d" "$f" || fail "the reload after the hash list failed"
expect_log "signature data changed \($WORK/blocklist.sha256\): reloading"
expect_open EPERM "$MNT/hash-target.bin"

# 3. a YARA rule file edited in place
fg_put "$MNT/yara-after.txt" 'x FANGUARD-AUTO-RELOAD-YARA-77d0 x'
d=$(reloads_done) f=$(reloads_failed)
printf 'rule auto_reload_in_place { strings: $a = "FANGUARD-AUTO-RELOAD-YARA-77d0" condition: $a }\n' \
	>>"$WORK/rules/test.yar"
await_reload "$d" "$f" || fail "the reload after the rule edit failed"
fg_put "$MNT/yara-after2.txt" 'x FANGUARD-AUTO-RELOAD-YARA-77d0 x'
expect_open EPERM "$MNT/yara-after2.txt"
expect_log "DENY open of $MNT/yara-after2.txt .*yara: auto_reload_in_place"

# 4. a broken update: the reload fails, the old set stays, and everyone is told
d=$(reloads_done) f=$(reloads_failed)
printf 'rule broken {\n  condition:\n    and and\n}\n' >"$WORK/staging/broken.yar"
mv "$WORK/staging/broken.yar" "$WORK/rules/broken.yar"
if await_reload "$d" "$f"; then fail "a broken rule file was loaded"; fi
expect_log "reload FAILED: .*broken.yar:3"
fg_put "$MNT/ndb-still.txt" "x $sig x"
expect_open EPERM "$MNT/ndb-still.txt" # the set that was loaded still detects
rc=0
timeout 20 "$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/status" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || fail "status after a failed reload exited $rc"
grep -q '^signatures: last reload FAILED at .*broken.yar:3.*stays in use$' "$WORK/status" ||
	fail "status does not say the reload failed: $(grep '^signatures' "$WORK/status")"
grep -q '^health: DEGRADED: .*reload_failed: the last reload failed' "$WORK/status" ||
	fail "status health: $(grep '^health' "$WORK/status")"
rc=0
timeout 20 "$FANGUARD" health -c "$WORK/fanguard.conf" >"$WORK/health" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "health after a failed reload exited $rc: $(cat "$WORK/health")"
grep -q '^problem: reload_failed: .*broken.yar:3' "$WORK/health" || fail "health: $(cat "$WORK/health")"

# 5. the fix is picked up, and health is ok again
d=$(reloads_done) f=$(reloads_failed)
rm "$WORK/rules/broken.yar"
await_reload "$d" "$f" || fail "the reload after the fix failed"
rc=0
timeout 20 "$FANGUARD" health -c "$WORK/fanguard.conf" >"$WORK/health" 2>&1 || rc=$?
[ "$rc" -eq 0 ] && [ "$(cat "$WORK/health")" = ok ] || fail "health after the fix: $rc $(cat "$WORK/health")"
timeout 20 "$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/status" 2>&1 || fail "status failed"
grep -Eq '^signatures: loaded .*; reloads: 4 done, 1 failed$' "$WORK/status" ||
	fail "status: $(grep '^signatures' "$WORK/status")"
grep -Eq '^signatures: .*\(1 folder\(s\) watched|folder\(s\) watched, [0-9]+ automatic reload\(s\)\)' "$WORK/status" ||
	fail "status: $(grep '^signatures' "$WORK/status")"
expect_no_log 'SIGHUP|control socket: reload requested'
fg_stop
pass
