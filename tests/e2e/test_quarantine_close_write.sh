# quarantine { on_close_write = "quarantine" }: EICAR written into the watched tmpfs is moved
# into quarantine by the daemon itself (gone from its place, present in quarantine, event log
# action "quarantined" with the ID). The quarantine folder sits on the watched mount and is not
# scanned, so `fanguard quarantine restore` works while the daemon runs; the restored file has
# its writer's owner and is still denied on open. A quarantine the daemon cannot write to (a
# read-only mount) leaves the file in place and logs "quarantine-failed".
. "$(dirname "$0")/lib.sh"
fg_setup
Q="$MNT/.quarantine"
fg_write_config "$WORK/fanguard.conf" clamav
sed -i "s|^log { level = \"info\" }|log { level = \"info\" events = \"$WORK/events.jsonl\" }|" \
	"$WORK/fanguard.conf"
printf 'quarantine { dir = "%s" on_close_write = "quarantine" }\n' "$Q" >>"$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
expect_log "moved into the quarantine at $Q"
[ "$(stat -c '%u %a' "$Q")" = "0 700" ] || fail "quarantine folder: $(stat -c '%u %a' "$Q")"

# Waits (bounded) until a path is gone.
wait_gone() {
	for _ in $(seq 1 200); do
		[ -e "$1" ] || return 0
		sleep 0.05
	done
	fail "$1 still there after 10 s"
}

event_line() { grep -F "\"path\":\"$1\"" "$WORK/events.jsonl" | grep -F "\"kind\":\"close_write\"" | tail -n 1; }

mkdir "$MNT/drop"
# someone else's file (an empty one scans clean), then EICAR written into it
install -o 4321 -g 8765 -m 0604 /dev/null "$MNT/drop/eicar.com"
printf '%s' "$EICAR" >>"$MNT/drop/eicar.com"
wait_gone "$MNT/drop/eicar.com"
fg_wait_log "QUARANTINED $MNT/drop/eicar.com as [0-9]{8}T[0-9]{6}Z-[0-9a-f]{16} \(clamav: Fanguard.Test.EICAR.UNOFFICIAL\)"
id=$(grep -oE "QUARANTINED $MNT/drop/eicar.com as [0-9TZa-f-]+" "$DAEMON_LOG" | tail -n 1 | sed 's/.* as //')
[ -f "$Q/$id.data" ] && [ -f "$Q/$id.meta" ] || fail "item $id not in $Q: $(ls -A "$Q")"
[ "$(printf '%s' "$EICAR" | sha256sum | cut -c1-64)" = "$(sha256sum <"$Q/$id.data" | cut -c1-64)" ] ||
	fail "quarantined bytes differ"
grep -qx "uid=4321" "$Q/$id.meta" || fail "owner not recorded: $(cat "$Q/$id.meta")"

for _ in $(seq 1 100); do [ -n "$(event_line "$MNT/drop/eicar.com")" ] && break; sleep 0.05; done
ev=$(event_line "$MNT/drop/eicar.com")
for want in '"event":"detected"' '"action":"quarantined"' "\"quarantine_id\":\"$id\"" \
	'"plugin":"clamav"' '"verdict":"none"'; do
	grep -qF -- "$want" <<<"$ev" || fail "event lacks $want: $ev"
done
if command -v python3 >/dev/null; then
	python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$WORK/events.jsonl" ||
		fail "not JSON lines: $(cat "$WORK/events.jsonl")"
fi

# the CLI reads the quarantine on the watched mount while the daemon runs: not scanned, not denied
"$FANGUARD" quarantine -c "$WORK/fanguard.conf" list >"$WORK/list.out" 2>&1 || fail "list: $(cat "$WORK/list.out")"
grep -qE "^$id  .*clamav:Fanguard.Test.EICAR.UNOFFICIAL  $MNT/drop/eicar.com$" "$WORK/list.out" ||
	fail "list: $(cat "$WORK/list.out")"
"$FANGUARD" quarantine -c "$WORK/fanguard.conf" restore "$id" >"$WORK/restore.out" 2>&1 ||
	fail "restore with the daemon running: $(cat "$WORK/restore.out")"
[ "$(stat -c '%u:%g %a' "$MNT/drop/eicar.com")" = "4321:8765 604" ] ||
	fail "restored owner/mode $(stat -c '%u:%g %a' "$MNT/drop/eicar.com")"
expect_open EPERM "$MNT/drop/eicar.com"   # back in place, and still denied
fg_stop

# the daemon cannot write its quarantine: the file stays, the event says why
mkdir "$WORK/ro"
mount -t tmpfs -o size=1m,mode=0755 fg-quarantine-ro "$WORK/ro"
mkdir -m 0700 "$WORK/ro/q"
mount -o remount,ro "$WORK/ro"
sed -i "s|dir = \"$Q\"|dir = \"$WORK/ro/q\"|" "$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
rm -f "$MNT/drop/eicar.com"
fg_put "$MNT/drop/stays.com" "$EICAR"
fg_wait_log "quarantine of $MNT/drop/stays.com failed: .*Read-only file system"
[ -f "$MNT/drop/stays.com" ] || fail "file lost after a failed quarantine"
for _ in $(seq 1 100); do [ -n "$(event_line "$MNT/drop/stays.com")" ] && break; sleep 0.05; done
ev=$(event_line "$MNT/drop/stays.com")
for want in '"action":"quarantine-failed"' '"quarantine_error":"'; do
	grep -qF -- "$want" <<<"$ev" || fail "event lacks $want: $ev"
done
fg_stop
pass
