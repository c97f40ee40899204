# `fanguard scheduled-scan` (what fanguard-scan.service runs), without a daemon: a tree with a
# detected file is found, quarantined (schedule { quarantine }) and evented (log { events });
# the next run skips the unchanged files (counted) and scans a changed one; a signature
# change (a new ClamAV signature file) makes every file due and finds what it now detects;
# --full scans everything; `fanguard status` shows the last run; a damaged state is not used.
. "$(dirname "$0")/lib.sh"
tree="$WORK/tree"
mkdir -p "$tree/a/b" "$WORK/db" "$WORK/var"
chmod 700 "$WORK/var"
cp "$DATA/clamav/eicar.ndb" "$WORK/db/"
for i in $(seq 1 40); do echo "clean file $i" >"$tree/a/f$i"; done
printf '%s' "$EICAR" >"$tree/a/b/eicar.com"
cat >"$WORK/fanguard.conf" <<CONF
watch { paths = {} }
log { events = "$WORK/events.json" }
control { socket = "$WORK/control.sock" }
quarantine { dir = "$WORK/quarantine" }
schedule {
  paths = {"$tree"}
  state = "$WORK/var/scan-state"
  progress = "$WORK/progress"
  quarantine = true
}
plugin clamav { database = {"$WORK/db"} }
CONF
run() { # $1: expected exit status; the rest: options
	local want=$1 rc=0
	shift
	timeout 120 "$FANGUARD" scheduled-scan -c "$WORK/fanguard.conf" "$@" >"$WORK/out" 2>&1 || rc=$?
	[ "$rc" -eq "$want" ] || fail "scheduled-scan $*: exit $rc, expected $want"
}
counts() { # $1 scanned, $2 unchanged
	expect_out "^scheduled scan done: $1 files scanned, $2 unchanged skipped"
}

# the first run: everything scanned, the EICAR file found, moved, evented
run 1
counts 41 0
expect_out "eicar\.com: .*FOUND"
[ ! -e "$tree/a/b/eicar.com" ] || fail "the detected file was not moved into quarantine"
expect_out "eicar\.com: moved to quarantine as "
grep '"event":"detected"' "$WORK/events.json" >"$WORK/out" || fail "no detected event"
expect_out '"kind":"scan"'
expect_out "\"path\":\"$tree/a/b/eicar.com\""
expect_out '"action":"quarantined"'
expect_out '"quarantine_id":"[0-9TZ]+-[0-9a-f]+"'
"$FANGUARD" quarantine -c "$WORK/fanguard.conf" list >"$WORK/out" 2>&1
expect_out "$tree/a/b/eicar.com"
st=$(stat -c '%u %a' "$WORK/var/scan-state")
[ "$st" = "0 600" ] || fail "the state file is '$st' (owner, mode), not root's 0600"

# the second run: nothing changed, nothing scanned
run 0
counts 0 40
# one file changed: that one alone is scanned
echo "one more line" >>"$tree/a/f7"
run 0
counts 1 39
# a new file and a removed one
echo "new" >"$tree/a/new"
rm "$tree/a/f8"
run 0
counts 1 39

# a signature change: every file is due, and the file the new signature describes is found
# although it did not change (a hash signature of f3's content)
set -- $(md5sum "$tree/a/f3")
echo "$1:$(stat -c %s "$tree/a/f3"):Fanguard.Test.Scheduled" >"$WORK/db/new.hdb"
run 1
counts 40 0
expect_out "a/f3: .*Fanguard\.Test\.Scheduled.* FOUND"
rm "$WORK/db/new.hdb"
run 0
counts 39 0
run 0
counts 0 39

# --full scans everything, and the state then holds for the next incremental run
run 0 --full
counts 39 0
expect_out "full pass"
run 0
counts 0 39

# status shows the last run, with or without a daemon
rc=0
"$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/out" 2>&1 || rc=$?
expect_out "^scheduled scan: finished at .*: 39 of ~?39 \(100%\) files, 39 unchanged skipped, 0 found"

# a damaged state file is not trusted: every file is scanned again, and it is replaced
printf 'X' | dd of="$WORK/var/scan-state" bs=1 seek=100 conv=notrunc 2>/dev/null
run 0
counts 39 0
expect_out "state .*: damaged"
run 0
counts 0 39
pass
