# The control socket: `fanguard status`, `stats --prometheus` and `reload` against the running
# daemon; only root is answered, whatever the socket's mode.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"   # lets the unprivileged client below reach the config and the socket
printf 'x TINY-PLUGIN-MARKER-3e9d x\n' >"$MNT/evil.txt"
printf 'fine\n' >"$MNT/fine.txt"
fg_write_config "$WORK/fanguard.conf" marker
sed -i "s|control { socket = \"$WORK/control.sock\" }|control { socket = \"$WORK/ctl/control.sock\" }|" \
	"$WORK/fanguard.conf"
chmod 0644 "$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
[ "$(stat -c %a "$WORK/ctl")" = 700 ] || fail "control folder mode $(stat -c %a "$WORK/ctl")"
[ "$(stat -c %a "$WORK/ctl/control.sock")" = 600 ] || fail "control socket mode"

expect_open EPERM "$MNT/evil.txt"
expect_open ok "$MNT/fine.txt"
timeout 20 "$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/status" || fail "status failed"
for want in "^fanguardd [0-9.]+, pid [0-9]+, up " "^plugins: marker 1.0" "^watching: $MNT\$" \
	"^policy: any-deny" "^events [0-9]+: .* 2 scanned" "answers after a scan: 1 allowed, 1 denied" \
	"^latency: plugin marker n=2 " "^scanner plugins \(marker\): ready" \
	"^health: ok\$" "^marks: filesystem marks, 1 placed\$" "^kernel: vm.memfd_noexec $([ -r /proc/sys/vm/memfd_noexec ] && echo "= $(cat /proc/sys/vm/memfd_noexec): memfd files" || echo "not offered")"; do
	grep -Eq -- "$want" "$WORK/status" || fail "status lacks '$want': $(cat "$WORK/status")"
done

timeout 20 "$FANGUARD" stats --prometheus -c "$WORK/fanguard.conf" >"$WORK/metrics" || fail "stats failed"
grep -qx 'fanguard_answers_total{answer="deny"} 1' "$WORK/metrics" || fail "metrics: $(cat "$WORK/metrics")"
grep -qx 'fanguard_scanner_disabled{scanner="plugins"} 0' "$WORK/metrics" && grep -qx 'fanguard_scanner_ready{scanner="plugins"} 1' "$WORK/metrics" || fail "scanner gauges: $(grep fanguard_scanner_ "$WORK/metrics")"
grep -q '^# TYPE fanguard_scan_stage_seconds histogram$' "$WORK/metrics" || fail "no stage histogram"
grep -Eq '^fanguard_scan_stage_seconds_count\{stage="plugin",plugin="marker"\} 2$' "$WORK/metrics" ||
	fail "no marker stage count: $(grep marker "$WORK/metrics")"

# without --prometheus: the same numbers for a person, a block per metric under its help text
timeout 20 "$FANGUARD" stats -c "$WORK/fanguard.conf" >"$WORK/readable" || fail "stats failed"
grep -q '^# \|^fanguard_' "$WORK/readable" && fail "stats printed Prometheus text: $(head "$WORK/readable")"
grep -qx 'answers total: Answers to scanned permission events.' "$WORK/readable" ||
	fail "readable stats lack the answers block: $(cat "$WORK/readable")"
grep -Eq '^  answer=deny +1$' "$WORK/readable" || fail "readable stats: $(cat "$WORK/readable")"
grep -Eq '^  scanner=plugins +1$' "$WORK/readable" || fail "readable stats lack the scanner gauge"

timeout 20 "$FANGUARD" reload -c "$WORK/fanguard.conf" >"$WORK/reload" || fail "reload failed"
grep -q "reload started" "$WORK/reload" || fail "reload said: $(cat "$WORK/reload")"
fg_wait_log "reload: done"
expect_open EPERM "$MNT/evil.txt"

# a socket others can reach is still root's only: the daemon checks the caller
chmod 0666 "$WORK/ctl/control.sock"
chmod 0711 "$WORK/ctl"
rc=0
setpriv --reuid=65534 --regid=65534 --clear-groups \
	timeout 20 "$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/nobody" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "status answered uid 65534"
grep -q "permission denied: the control socket answers root only" "$WORK/nobody" ||
	fail "unprivileged client got: $(cat "$WORK/nobody")"
expect_log "control socket: refused a client with uid 65534"

fg_stop
[ ! -e "$WORK/ctl/control.sock" ] || fail "the socket outlived the daemon"
timeout 20 "$FANGUARD" status -c "$WORK/fanguard.conf" >/dev/null 2>"$WORK/down" && fail "status without a daemon"
grep -q "cannot reach fanguardd at $WORK/ctl/control.sock" "$WORK/down" || fail "$(cat "$WORK/down")"
pass
