# Under systemd (Type=notify, WatchdogSec): READY=1 once the marks are in place, WATCHDOG=1
# pings from the event loop, STOPPING=1 on SIGTERM. A datagram socket stands in for systemd.
. "$(dirname "$0")/lib.sh"
fg_setup
: >"$WORK/blocklist.sha256"
fg_write_config "$WORK/fanguard.conf" hash
"$FG_PROBE" notify-listen "$WORK/notify" 1000 2 >"$WORK/notes" &   # ends 2 s after the last
listener=$!
for _ in $(seq 1 100); do grep -q listening "$WORK/notes" && break; sleep 0.05; done
NOTIFY_SOCKET="$WORK/notify" WATCHDOG_USEC=200000 fg_start "$WORK/fanguard.conf"
for _ in $(seq 1 100); do [ "$(grep -c WATCHDOG=1 "$WORK/notes")" -ge 3 ] && break; sleep 0.05; done
fg_stop
timeout 10 tail --pid="$listener" -f /dev/null || true
kill "$listener" 2>/dev/null || true
[ "$(sed -n 2p "$WORK/notes")" = "READY=1" ] || fail "first message was not READY=1: $(cat "$WORK/notes")"
[ "$(grep -c '^WATCHDOG=1$' "$WORK/notes")" -ge 3 ] || fail "too few watchdog pings: $(cat "$WORK/notes")"
grep -q '^STOPPING=1$' "$WORK/notes" || fail "no STOPPING=1: $(cat "$WORK/notes")"
pass
