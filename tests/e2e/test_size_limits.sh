# Size limits are each plugin's own. Padding a file past one engine's limit (a sparse file costs
# nothing) hides it from that engine only: a 30 MiB file ending in EICAR is denied by all three
# plugins (libclamav's own limit is 100 MiB), a 150 MiB one by yara and hash while clamav skips
# it. A file over every plugin's limit is handled by verdict.on_too_large (allow by default,
# logged and counted; deny on request), and so is one over the optional watch.max_file_size.
. "$(dirname "$0")/lib.sh"
fg_setup
status() { timeout 20 "$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/status" || fail "status failed"; }
metrics() { timeout 20 "$FANGUARD" stats --prometheus -c "$WORK/fanguard.conf" >"$WORK/metrics" || fail "stats failed"; }
padded() { # FILE MiB TEXT: TEXT after MiB mebibytes of holes
	truncate -s "${2}M" "$1"
	printf '%s' "$3" >>"$1"
}

padded "$WORK/eicar-30m" 30 "$EICAR"
padded "$WORK/yara-150m" 150 "$(printf 'FANGUARD-YARA-TEST-MARKER-%s' 91c2)"
sha256sum "$WORK/eicar-30m" "$WORK/yara-150m" | sed 's|  .*/|  Padded.|' >"$WORK/blocklist.sha256"
EVENTS='"open", "exec"' fg_write_config "$WORK/fanguard.conf" clamav yara hash
fg_start "$WORK/fanguard.conf"
expect_log "ready: .*clamav [^(]*\([0-9]+ signatures, max_file_size [0-9]+\), yara [^(]*\([0-9]+ signatures, no max_file_size\)"
cp --sparse=always "$WORK/eicar-30m" "$MNT/eicar-30m"
expect_open EPERM "$MNT/eicar-30m"
expect_log "DENY open of $MNT/eicar-30m .*clamav: [^;]*EICAR[^;]*; yara: Fanguard_Test_EICAR; hash: [^;]*Padded.eicar-30m"
cp --sparse=always "$WORK/yara-150m" "$MNT/yara-150m"
expect_open EPERM "$MNT/yara-150m"
expect_log "DENY open of $MNT/yara-150m .*: yara: Fanguard_Test_YaraMarker; hash: [^;]*Padded.yara-150m"
expect_no_log "DENY open of $MNT/yara-150m .*clamav:"
status
grep -Eq "^too large: 0 files .*; clamav skipped 1, yara skipped 0, hash skipped 0$" "$WORK/status" ||
	fail "status: $(grep 'too large' "$WORK/status")"
fg_stop

# one plugin, a 1 MiB limit: a 2 MiB file is over every limit
marker="TINY-PLUGIN-MARKER-3e9d"
padded "$MNT/big-marked" 2 "$marker"
fg_put "$MNT/small-marked" "$marker"
marker_block() { echo "plugin marker { path = \"$FANGUARD_TEST_PLUGIN_DIR/marker.so\" max_file_size = 1048576 }"; }
fg_write_config "$WORK/fanguard.conf"
marker_block >>"$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
expect_open EPERM "$MNT/small-marked"
expect_open ok "$MNT/big-marked"
expect_log "not scanned, larger than every plugin's max_file_size \([0-9]+ bytes\): $MNT/big-marked, allowed \(on_too_large = allow\)"
status
grep -Eq "^too large: 1 files over every plugin's max_file_size \(on_too_large = allow\); marker skipped 1$" "$WORK/status" ||
	fail "status: $(grep 'too large' "$WORK/status")"
metrics
grep -Eq '^fanguard_too_large_total 1$' "$WORK/metrics" || fail "metrics: $(grep too_large "$WORK/metrics")"
grep -Eq '^fanguard_plugin_skipped_total\{plugin="marker"\} 1$' "$WORK/metrics" ||
	fail "metrics: $(grep skipped "$WORK/metrics")"
# the daemon's on-demand scans say the same
timeout 60 "$FANGUARD" scan --daemon -c "$WORK/fanguard.conf" "$MNT/big-marked" >"$WORK/od.out" 2>&1 ||
	fail "scan --daemon: $(cat "$WORK/od.out")"
grep -q "big-marked: skipped, marker: not scanned: 2097175 bytes, over its max_file_size (1048576)" "$WORK/od.out" ||
	fail "scan --daemon: $(cat "$WORK/od.out")"
fg_stop

# on_too_large = deny: the same file is denied, with an event naming the reason
VERDICT_EXTRA='on_too_large = "deny"' fg_write_config "$WORK/fanguard.conf"
marker_block >>"$WORK/fanguard.conf"
# one log section (a second one is refused): the event log goes into the one there is
sed -i "s|^log { level = \"info\" }|log { level = \"info\" events = \"$WORK/events.jsonl\" }|" "$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
expect_open EPERM "$MNT/big-marked"
expect_log "DENY open of $MNT/big-marked .*not scanned, larger than every plugin's max_file_size \(on_too_large = deny\)"
for _ in $(seq 1 100); do grep -q '"reason":"too_large"' "$WORK/events.jsonl" 2>/dev/null && break; sleep 0.05; done
grep -q "\"event\":\"deny\".*\"path\":\"$MNT/big-marked\".*\"reason\":\"too_large\"" "$WORK/events.jsonl" ||
	fail "event log: $(cat "$WORK/events.jsonl" 2>/dev/null)"
expect_open EPERM "$MNT/small-marked"
fg_stop

# the optional overall cap, checked before any scan, follows the same policy
MAX_SIZE=1024 VERDICT_EXTRA='on_too_large = "deny"' fg_write_config "$WORK/fanguard.conf" marker
fg_start "$WORK/fanguard.conf"
padded "$MNT/clean-2k" 0 "$(head -c 2048 /dev/zero | tr '\0' x)"
expect_open EPERM "$MNT/clean-2k"
expect_log "not scanned, larger than watch.max_file_size \(1024 bytes\): $MNT/clean-2k, denied"
fg_put "$MNT/clean-small" "hello"
expect_open ok "$MNT/clean-small"
fg_stop

# the CLI reports a file over every limit as skipped, names the limit, and scans the rest
printf 'plugin marker { path = "%s/marker.so" max_file_size = 1048576 }\n' "$FANGUARD_TEST_PLUGIN_DIR" >"$WORK/cli.conf"
rc=0
timeout 60 "$FANGUARD" scan -c "$WORK/cli.conf" "$MNT/big-marked" "$MNT/small-marked" >"$WORK/cli.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "fanguard scan exited $rc: $(cat "$WORK/cli.out")"
grep -q "big-marked: skipped, marker: not scanned: 2097175 bytes, over its max_file_size (1048576)" "$WORK/cli.out" ||
	fail "CLI: $(cat "$WORK/cli.out")"
grep -q "small-marked: marker:Tiny.Marker FOUND" "$WORK/cli.out" || fail "CLI: $(cat "$WORK/cli.out")"
pass
