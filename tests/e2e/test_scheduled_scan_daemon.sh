# `fanguard scheduled-scan` with a daemon running: by default (schedule { daemon = "auto" })
# the daemon's scanners scan (one copy of the signatures); the detection is moved into the
# quarantine by the daemon and evented; the next run skips the unchanged files; a reload of
# new signatures makes every file due and finds what they now detect; with the daemon
# stopped the same command scans by itself.
. "$(dirname "$0")/lib.sh"
fg_setup
mkdir -p "$MNT/tree/sub" "$WORK/db" "$WORK/var"
chmod 700 "$WORK/var"
cp "$DATA/clamav/eicar.ndb" "$WORK/db/"
fg_write_config "$WORK/fanguard.conf"
cat >>"$WORK/fanguard.conf" <<CONF
plugin clamav { database = {"$WORK/db"} }
signatures { auto_reload = false }
quarantine { dir = "$MNT/quarantine" }
schedule {
  paths = {"$MNT/tree"}
  state = "$WORK/var/scan-state"
  progress = "$WORK/progress"
  quarantine = true
}
CONF
sed -i "s|^log { level = \"info\" }|log { level = \"info\" events = \"$WORK/events.json\" }|" "$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
for i in $(seq 1 30); do printf 'clean %s\n' "$i" >"$MNT/tree/sub/clean$i.txt"; done
printf '%s' "$EICAR" >"$MNT/tree/eicar.com"

run() { # expected exit status, then options
	local want=$1 rc=0
	shift
	timeout 120 "$FANGUARD" scheduled-scan -c "$WORK/fanguard.conf" "$@" >"$WORK/out" 2>&1 || rc=$?
	[ "$rc" -eq "$want" ] || fail "scheduled-scan $*: exit $rc, expected $want: $(cat "$WORK/out")"
}
out_has() { grep -Eq -- "$1" "$WORK/out" || fail "output lacks '$1': $(cat "$WORK/out")"; }

run 1
out_has "^scheduled scan done: 31 files scanned, 0 unchanged skipped, 1 found, 1 quarantined.*scanned by fanguardd"
[ ! -e "$MNT/tree/eicar.com" ] || fail "the daemon did not move the detected file"
expect_log "FOUND by an on-demand scan .*$MNT/tree/eicar.com"
grep -q "\"event\":\"detected\",\"kind\":\"scan\",\"path\":\"$MNT/tree/eicar.com\"" "$WORK/events.json" ||
	fail "no detected event: $(cat "$WORK/events.json")"

run 0
out_has "^scheduled scan done: 0 files scanned, 30 unchanged skipped.*scanned by fanguardd"

# new signatures, loaded by the daemon: every file is due, and clean7 is now found
set -- $(md5sum "$MNT/tree/sub/clean7.txt")
echo "$1:$(stat -c %s "$MNT/tree/sub/clean7.txt"):Fanguard.Test.Scheduled" >"$WORK/db/new.hdb"
"$FANGUARD" reload -c "$WORK/fanguard.conf" >/dev/null || fail "reload refused"
for _ in $(seq 1 600); do
	"$FANGUARD" status -c "$WORK/fanguard.conf" 2>/dev/null | grep -q "reloads: 1 done" && break
	sleep 0.05
done
run 1
out_has "^scheduled scan done: 30 files scanned, 0 unchanged skipped, 1 found.*scanned by fanguardd"
out_has "clean7\.txt: .*Fanguard\.Test\.Scheduled.* FOUND"

# without the daemon the command scans by itself (another signature set: every file is due)
fg_stop
run 0
out_has "^scheduled scan done: 29 files scanned, 0 unchanged skipped.*scanned here"
run 0
out_has "^scheduled scan done: 0 files scanned, 29 unchanged skipped.*scanned here"
# --daemon insists on the daemon and says why it cannot have it
run 2 --daemon
out_has "control.sock"
pass
