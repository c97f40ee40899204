# Attack on `fanguard scheduled-scan`'s incremental state: a user keeps his own clean file
# mapped shared and writable (mmap) while root's scan finds it clean, then writes EICAR through
# that mapping. A write through a page already mapped writable changes no mtime or ctime (the
# kernel updates them when the page is first faulted in, not at each store), so the file keeps
# the (dev, inode, size, mtime, ctime) the state remembered as clean and, before the fix, was
# skipped by every later run. A clean verdict is now remembered only when nobody had the file
# open for writing (a read lease could be taken) before it was read; a file nobody writes is
# still remembered. `--local` here; e2e_attack_scheduled_scan_mmap_writer does it through the
# daemon.
. "$(dirname "$0")/lib.sh"
need_setpriv
[ -x /usr/bin/python3 ] || fail "/usr/bin/python3 is needed for the attacker's mapping"
make_user_tree
tree="$WORK/tree"
clean=$(printf 'a%.0s' $(seq 1 68)) # EICAR's size
for f in quiet mapped; do as_user sh -c "printf '%s' '$clean' >'$tree/$f'"; done
write_schedule_conf "$tree"
run() { expect_scheduled_scan "$1" --local; } # $1: expected exit status

# the user maps his file shared and writable, touches one page (the one time update), waits
cp "$FANGUARD_SRC/tests/e2e/fg_mmap_writer.py" "$WORK/writer.py"
chmod 644 "$WORK/writer.py"
as_user timeout 300 /usr/bin/python3 "$WORK/writer.py" "$tree/mapped" "$tree/.ready" "$tree/.go" "$EICAR" &
writer=$!
for _ in $(seq 1 600); do [ -e "$tree/.ready" ] && break; sleep 0.05; done
[ -e "$tree/.ready" ] || fail "the writer did not start"
rm -f "$tree/.ready"
before=$(stat -c '%s %Y %y %z' "$tree/mapped")

run 0
expect_out "^scheduled scan done: 2 files scanned, 0 unchanged"

touch "$tree/.go"
wait "$writer" || fail "the writer failed"
rm -f "$tree/.go"
# the premise: new content, the same size, mtime and ctime
[ "$(cat "$tree/mapped")" = "$EICAR" ] || fail "the writer could not write EICAR"
[ "$(stat -c '%s %Y %y %z' "$tree/mapped")" = "$before" ] ||
	fail "the mapping's write moved the file's times: the premise of the attack does not hold"

# the file written through the mapping is scanned and found; the one nobody wrote stays skipped
run 1
expect_out "mapped: .*FOUND"
expect_out "^scheduled scan done: 1 files scanned, 1 unchanged"
# with the writer gone, a clean file is remembered again
as_user sh -c "printf '%s' '$clean' >'$tree/mapped'"
run 0
expect_out "^scheduled scan done: 1 files scanned, 1 unchanged"
run 0
expect_out "^scheduled scan done: 0 files scanned, 2 unchanged"
pass
