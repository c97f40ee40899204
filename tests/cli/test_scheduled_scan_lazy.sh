# `fanguard scheduled-scan` without a daemon loads the plugins only when a file needs a scan:
# a run over an unchanged tree opens none of its files and reads no signature file (strace
# sees every open of the process), and says "plugins not loaded"; a changed file is then
# scanned with the current signatures (found), and a new signature file, read at that
# deferred start, finds an unchanged file it describes. A database that no longer loads still
# fails the run (exit 2, the file and line named) although its loading was deferred.
. "$(dirname "$0")/lib.sh"
command -v strace >/dev/null || fail "strace missing (scripts/install-deps.sh)"
make_scan_dirs
tree="$WORK/tree"
mkdir -p "$tree/a" "$WORK/db"
cp "$DATA/clamav/eicar.ndb" "$WORK/db/"
for i in $(seq 1 20); do echo "clean file $i" >"$tree/a/f$i"; done
write_schedule_conf "$tree" "clamav { database = {\"$WORK/db\"} }" 'daemon = "no"'
run() { # $1: expected exit status; every open of every thread goes to $WORK/opens
	local want=$1 rc=0
	# LeakSanitizer cannot work under ptrace: an ASan build's leak check is off for this one
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		timeout 120 strace -f -qq -e trace=open,openat,openat2 -o "$WORK/opens" \
		"$FANGUARD" scheduled-scan -c "$WORK/fanguard.conf" >"$WORK/out" 2>&1 || rc=$?
	[ "$rc" -eq "$want" ] || fail "scheduled-scan: exit $rc, expected $want"
}
opened() { grep -Eq -- "$1" "$WORK/opens"; }

# the first run loads the signatures (the strace check can see them read) and scans all
run 0
expect_out "^scheduled scan done: 20 files scanned, 0 unchanged skipped.*scanned here\)"
opened 'eicar\.ndb"' || fail "the first run did not read the database (or strace misses opens)"
opened '"f7"' || fail "the first run did not open the files (or strace misses opens)"

# nothing changed: no file opened, no signature read, and the line says so
run 0
expect_out "^scheduled scan done: 0 files scanned, 20 unchanged skipped.*plugins not loaded\)"
if opened 'eicar\.ndb"'; then fail "an unchanged tree's run read the database"; fi
if opened '"f[0-9]+"'; then fail "an unchanged tree's run opened a file: $(grep '"f[0-9]*"' "$WORK/opens" | head -1)"; fi

# one file changed to EICAR: the signatures load and find it
printf '%s' "$EICAR" >"$tree/a/f7"
run 1
expect_out "^scheduled scan done: 1 files scanned, 19 unchanged skipped, 1 found.*scanned here\)"
expect_out "a/f7: clamav:Fanguard\.Test\.EICAR.* FOUND"
opened 'eicar\.ndb"' || fail "the changed file was scanned without loading the database"
rm "$tree/a/f7"
run 0
expect_out "plugins not loaded"

# a new signature (the hash of f3, unchanged): every file due, the new set loaded, f3 found
set -- $(md5sum "$tree/a/f3")
echo "$1:$(stat -c %s "$tree/a/f3"):Fanguard.Test.Lazy" >"$WORK/db/new.hdb"
run 1
expect_out "^scheduled scan done: 19 files scanned, 0 unchanged skipped, 1 found"
expect_out "a/f3: .*Fanguard\.Test\.Lazy.* FOUND"
opened 'new\.hdb"' || fail "the new signature file was not read"
rm "$WORK/db/new.hdb" "$tree/a/f3"
run 0
run 0
expect_out "^scheduled scan done: 0 files scanned, 18 unchanged skipped.*plugins not loaded\)"

# a database that no longer loads: every file is due, the deferred start fails, the run too
echo "not a signature" >"$WORK/db/broken.ndb"
run 2
expect_out "broken\.ndb:1: Malformed database"
expect_out "^scheduled scan FAILED, the plugins did not start: 0 files scanned"
# nothing was recorded clean: with the database repaired every file is scanned
rm "$WORK/db/broken.ndb"
run 0
expect_out "^scheduled scan done: 18 files scanned, 0 unchanged skipped"
pass
