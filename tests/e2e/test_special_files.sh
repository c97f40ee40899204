# Files that are not plain small files are handled without hangs or scans gone wrong:
# empty, sparse, larger than max_file_size, FIFO, device node, and (for the CLI) /proc files.
. "$(dirname "$0")/lib.sh"
fg_setup
: >"$MNT/empty"
truncate -s 8M "$MNT/sparse-small"                 # holes read as zeros: scanned
truncate -s 2G "$MNT/sparse-huge"                  # over max_file_size: allowed unscanned
mkfifo "$MNT/fifo"
mknod "$MNT/null" c 1 3
printf 'x TINY-PLUGIN-MARKER-3e9d x\n' >"$MNT/evil.txt"
MAX_SIZE=$((64 * 1024 * 1024)) fg_write_config "$WORK/fanguard.conf" marker
fg_start "$WORK/fanguard.conf"

expect_open ok "$MNT/empty"
expect_open ok "$MNT/sparse-small"
start=$(date +%s%N)
timeout 20 head -c 1 "$MNT/sparse-huge" >/dev/null || fail "reading the huge sparse file failed"
[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 5000 ] || fail "the huge file was slow to open"
expect_log "not scanned, larger than watch.max_file_size .*sparse-huge, allowed"
# a FIFO opened for reading and writing does not block; it is not a regular file: no scan
timeout 10 bash -c "exec 3<>'$MNT/fifo'" || fail "opening the FIFO hung or failed"
timeout 10 head -c 1 "$MNT/null" >/dev/null || fail "reading the device node failed"
expect_open EPERM "$MNT/evil.txt"   # and protection still works
fg_counts
[ "$EV_SCANNED" -eq 3 ] || fail "scanned $EV_SCANNED files, want 3 (empty, sparse-small, evil)"
fg_stop

# the CLI: /proc files report size 0 but have content; devices and FIFOs in a tree are skipped
printf 'plugin marker { path = "%s/marker.so" }\n' "$FANGUARD_TEST_PLUGIN_DIR" >"$WORK/cli.conf"
timeout 60 "$FANGUARD" scan -c "$WORK/cli.conf" /proc/self/status /proc/version >"$WORK/cli.out" 2>&1 ||
	fail "fanguard scan of /proc files: $(cat "$WORK/cli.out")"
grep -q "^Scanned files: 2$" "$WORK/cli.out" || fail "/proc scan: $(cat "$WORK/cli.out")"
timeout 60 "$FANGUARD" scan -c "$WORK/cli.conf" "$MNT" >"$WORK/cli.out" 2>&1 && fail "evil.txt not found"
grep -q "evil.txt: marker:Tiny.Marker FOUND" "$WORK/cli.out" || fail "tree scan: $(cat "$WORK/cli.out")"
pass
