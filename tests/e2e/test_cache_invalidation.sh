# A cached clean verdict dies with any change to the file: write(2), truncate(2), and a write
# through a shared mapping (which clears no ignore mark; close_write does).
. "$(dirname "$0")/lib.sh"
fg_setup
# the hash plugin blocks whatever the file will contain after each change
printf 'AAAAAAAAAAAAAAAA' >"$WORK/after-truncate"
printf 'AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB' >"$MNT/truncated.bin"
printf 'clean\n' >"$MNT/appended.txt"
printf 'clean\nBAD\n' >"$WORK/after-append"
printf 'XXXXXXXXXXXXXXXX' >"$MNT/mapped.bin"
printf 'XXXXMMAPXXXXXXXX' >"$WORK/after-mmap"
printf 'clean\nsize kept' >"$MNT/overwritten.txt"
printf 'clean\nSIZE KEPT' >"$WORK/after-overwrite"
for f in after-truncate after-append after-mmap after-overwrite; do
	sha256sum "$WORK/$f"
done >"$WORK/blocklist.sha256"
fg_write_config "$WORK/fanguard.conf" hash
fg_start "$WORK/fanguard.conf"

for f in truncated.bin appended.txt mapped.bin overwritten.txt; do
	expect_open ok "$MNT/$f"
	expect_open ok "$MNT/$f"   # now answered from the cache
done
fg_counts
[ "$EV_TOTAL" -eq 4 ] || fail "second opens reached the daemon: $EV_TOTAL events for 4 files"

truncate -s 16 "$MNT/truncated.bin"
expect_open EPERM "$MNT/truncated.bin"

printf 'BAD\n' >>"$MNT/appended.txt"
expect_open EPERM "$MNT/appended.txt"

# same size, same second: only the content and the nanosecond times change
printf 'SIZE KEPT' | dd of="$MNT/overwritten.txt" bs=1 seek=6 conv=notrunc status=none
expect_open EPERM "$MNT/overwritten.txt"

[ "$("$FG_PROBE" mmapwrite "$MNT/mapped.bin" 4 MMAP)" = ok ] || fail "mmap write failed"
# the close_write that voids the mark is queued before our next open: allow for reading it
for _ in $(seq 1 100); do
	[ "$("$FG_PROBE" open "$MNT/mapped.bin" || true)" = EPERM ] && break
	sleep 0.05
done
expect_open EPERM "$MNT/mapped.bin"
expect_log "DENY open of $MNT/mapped.bin .*hash: Hash.Blocklist"
fg_stop
pass
