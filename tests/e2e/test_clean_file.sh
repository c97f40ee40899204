# A clean file opens normally and reads back byte-identical; so does an empty one.
. "$(dirname "$0")/lib.sh"
fg_setup
: >"$WORK/blocklist.sha256"
fg_write_config "$WORK/fanguard.conf" clamav yara hash
fg_start "$WORK/fanguard.conf"

head -c 1048576 /dev/urandom >"$WORK/clean.bin"
cp "$WORK/clean.bin" "$MNT/clean.bin"
expect_open ok "$MNT/clean.bin"
cmp "$WORK/clean.bin" "$MNT/clean.bin" || fail "clean file did not read back identical"
: >"$MNT/empty"
expect_open ok "$MNT/empty"
printf 'just some text\n' >"$MNT/notes.txt"
[ "$(cat "$MNT/notes.txt")" = "just some text" ] || fail "text file changed"
expect_no_log "DENY"
expect_no_log "scan error"
fg_stop
pass
