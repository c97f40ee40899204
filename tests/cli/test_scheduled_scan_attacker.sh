# What an ordinary user (nobody, through setpriv) cannot do to `fanguard scheduled-scan`: have
# a file they changed skipped by putting its size and mtime back (`touch -d`: the ctime still
# moves), or by putting another file of the same size and mtime in its place (another inode
# and ctime); have a detection remembered (detections are scanned again every run); write,
# replace or forge the state file. A state file another user owns or others may write is not
# used (every file is scanned and the file replaced); a state folder a user may write is
# refused outright; a progress file the user wrote is not shown by `fanguard status`.
. "$(dirname "$0")/lib.sh"
need_setpriv
make_user_tree
tree="$WORK/tree"
# clean files of EICAR's size (68 bytes), owned by the user
clean=$(printf 'a%.0s' $(seq 1 68))
for f in f1 f2 f3; do as_user sh -c "printf '%s' '$clean' >'$tree/$f'"; done
write_schedule_conf "$tree"
run() { expect_scheduled_scan "$1"; } # $1: expected exit status
run 0
expect_out "^scheduled scan done: 3 files scanned, 0 unchanged"
run 0
expect_out "^scheduled scan done: 0 files scanned, 3 unchanged"

# 1. EICAR written into f1, then its mtime (and size) put back
mtime=$(stat -c %y "$tree/f1")
as_user sh -c "printf '%s' '$EICAR' >'$tree/f1' && touch -d '$mtime' '$tree/f1'"
[ "$(stat -c '%s %y' "$tree/f1")" = "68 $mtime" ] || fail "the test could not restore size and mtime"
run 1
expect_out "f1: .*FOUND"
expect_out "^scheduled scan done: 1 files scanned, 2 unchanged"

# 2. another file, same size and mtime, renamed over f2
mtime=$(stat -c %y "$tree/f2")
as_user sh -c "printf '%s' '$EICAR' >'$tree/.f2.new' && touch -d '$mtime' '$tree/.f2.new' && mv '$tree/.f2.new' '$tree/f2'"
run 1
expect_out "f2: .*FOUND"
# 3. detections are never remembered: found again, unchanged
expect_out "f1: .*FOUND"
run 1
expect_out "f1: .*FOUND"
expect_out "f2: .*FOUND"
expect_out "^scheduled scan done: 2 files scanned, 1 unchanged"

# 4. the state is root's alone: the user can neither read, write, replace nor add to it
for attempt in "cat '$WORK/var/scan-state'" "printf x >>'$WORK/var/scan-state'" \
	"printf x >'$WORK/var/forged'" "mv '$WORK/var/scan-state' '$WORK/var/old'"; do
	if as_user sh -c "$attempt" 2>/dev/null; then fail "the user could: $attempt"; fi
done
[ "$(stat -c '%U %a' "$WORK/var/scan-state")" = "root 600" ] || fail "the state is not root's 0600"

# 5. a state file the user could have written (theirs, or writable by others) is not used
chown 65534 "$WORK/var/scan-state"
run 1
expect_out "state .*: owned by uid 65534, not by uid 0; scanning every file"
expect_out "^scheduled scan done: 3 files scanned, 0 unchanged"
[ "$(stat -c '%u %a' "$WORK/var/scan-state")" = "0 600" ] || fail "the state was not replaced by root's"
chmod 0666 "$WORK/var/scan-state"
run 1
expect_out "state .*: writable by others \(mode 0666\)"
expect_out "^scheduled scan done: 3 files scanned, 0 unchanged"

# 6. a state folder the user may write: refused, nothing scanned
mkdir "$WORK/uservar" && chown 65534 "$WORK/uservar" && chmod 700 "$WORK/uservar"
sed -i "s|state = .*|state = \"$WORK/uservar/scan-state\"|" "$WORK/fanguard.conf"
run 2
expect_out "uservar"
expect_no_out "^scheduled scan done"

# 7. a progress file the user put where root's would go (a sticky folder, like /tmp): status
# does not show the user's forged line as the scan's
mkdir -m 1777 "$WORK/sticky"
sed -i "s|progress = .*|progress = \"$WORK/sticky/progress\"|; s|state = .*|state = \"$WORK/var/scan-state\"|" "$WORK/fanguard.conf"
as_user sh -c "printf 'state finished\npid 1\nstarted 1\nupdated 1\ndone 3\ntotal 3\nfound 0\nerrors 0\n' >'$WORK/sticky/progress'"
timeout 20 "$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/out" 2>&1 || true
expect_out "progress file $WORK/sticky/progress not shown: not root's own regular file \(owned by uid 65534"
expect_no_out "^scheduled scan: finished"
pass
