# The clamd plugin in its sandboxed scanner process (own process, unprivileged, seccomp that
# allows it client sockets) asks a real clamd of our own, past a dead first server: EICAR and
# a ClamAV-marker file are denied with clamd's threat names, a clean file opens intact; then
# the same through clamd's Unix socket; and a clamd restarted while its back-off has long to
# run is used again at once (a probe), not after backoff_ms.
. "$(dirname "$0")/lib.sh"
. "$FANGUARD_SRC/tests/clamd_lib.sh"
fg_setup
trap 'clamd_stop; fg_cleanup' EXIT
clamd_start "$WORK/clamd"
DEAD=$(clamd_dead_port) || fail "no free port"
head -c 4096 /dev/urandom >"$WORK/other.bin"
sha256sum "$WORK/other.bin" >"$WORK/blocklist.sha256"
fg_write_config "$WORK/fanguard.conf" hash
cat >>"$WORK/fanguard.conf" <<CONF
plugin clamd {
  servers = {"tcp:127.0.0.1:$DEAD", "tcp:127.0.0.1:$CLAMD_PORT"}
  timeout_ms = 5000
}
CONF
fg_start "$WORK/fanguard.conf"
# a plugin that needs the network gets a scanner process of its own: hash keeps the strict filter
expect_log "fanguardd/clamd\[info\]: plugin clamd: 2 clamd server\(s\)"
expect_no_log "may open network sockets"

fg_put "$MNT/eicar.com" "$EICAR"
printf 'xx FANGUARD-CLAMAV-TEST-%s yy\n' 'MARKER-7f3a' >"$MNT/marker.txt"
head -c 4096 /dev/urandom >"$WORK/clean.bin"
cp "$WORK/clean.bin" "$MNT/clean.bin"
expect_open EPERM "$MNT/eicar.com"
expect_open EPERM "$MNT/marker.txt"
expect_open ok "$MNT/clean.bin"
cmp -s "$WORK/clean.bin" "$MNT/clean.bin" || fail "clean file reads back different"
expect_log "DENY open of $MNT/eicar.com .*clamd: Fanguard.Test.EICAR.UNOFFICIAL"
expect_log "DENY open of $MNT/marker.txt .*clamd: Fanguard.Test.ClamMarker.UNOFFICIAL"
# the dead server was tried from inside the sandbox: refused by the kernel, not by seccomp
expect_log "clamd tcp:127.0.0.1:$DEAD failed \(connect: Connection refused\)"
expect_no_log "Operation not permitted|Address family not supported"
fg_stop

# the same over clamd's Unix socket (the scanner user must reach it: open the folders to it)
chmod o+x "$WORK" "$WORK/clamd"
sed -i "s|servers = .*|servers = {\"unix:$CLAMD_SOCKET\"}|" "$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
printf 'again %s\n' "$EICAR" >"$MNT/eicar2.com"
expect_open EPERM "$MNT/eicar2.com"
expect_open ok "$MNT/clean.bin"
expect_log "DENY open of $MNT/eicar2.com .*clamd: Fanguard.Test.EICAR.UNOFFICIAL"
expect_no_log "Operation not permitted|Address family not supported|Permission denied"
fg_stop

# the only server goes away: its votes are errors (on_error = allow lets the open through);
# back again, it is used on the next scan although its back-off has ten minutes to run
sed -i "s|timeout_ms = 5000|timeout_ms = 5000\n  backoff_ms = 600000|" "$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
clamd_stop
printf 'while down %s\n' "$EICAR" >"$MNT/eicar3.com"
expect_open ok "$MNT/eicar3.com"
expect_log "clamd unix:$CLAMD_SOCKET failed .*skipping it for 600000 ms"
expect_log "no clamd server answered"
clamd_start "$WORK/clamd"
printf 'after restart %s\n' "$EICAR" >"$MNT/eicar4.com"
expect_open EPERM "$MNT/eicar4.com"
expect_log "clamd unix:$CLAMD_SOCKET answers again"
expect_log "DENY open of $MNT/eicar4.com .*clamd: Fanguard.Test.EICAR.UNOFFICIAL"
fg_stop
clamd_stop
pass
