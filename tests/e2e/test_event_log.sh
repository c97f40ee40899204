# The JSON event log: one object per line for a deny, a remembered deny, a detection after a
# write, a scan error and a timeout, with the documented fields; created 0600, never through a
# symlink. A log rotated away (renamed, or removed) is followed by a new file at its path; a
# full disk is reported, and so are the lines it cost once writes work again.
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

# rotation as logrotate does it (rename, no signal): the next line starts a new 0600 file
mv "$WORK/events.jsonl" "$WORK/events.jsonl.1"
printf '%s' "$EICAR" >"$MNT/after-rotation.com"
expect_open EPERM "$MNT/after-rotation.com"
for _ in $(seq 1 100); do [ -s "$WORK/events.jsonl" ] && break; sleep 0.05; done
grep -qF "\"path\":\"$MNT/after-rotation.com\"" "$WORK/events.jsonl" ||
	fail "no line in the new event log after a rotation"
grep -qF "after-rotation" "$WORK/events.jsonl.1" && fail "line went to the rotated file"
[ "$(stat -c %a "$WORK/events.jsonl")" = 600 ] || fail "new event log mode $(stat -c %a "$WORK/events.jsonl")"
# a symlink put at the path is not followed: lines stay with the file already open
mv "$WORK/events.jsonl" "$WORK/events.jsonl.2"
ln -s "$WORK/target" "$WORK/events.jsonl"
printf '%s' "$EICAR" >"$MNT/behind-symlink.com"
expect_open EPERM "$MNT/behind-symlink.com"
expect_log "event log $WORK/events.jsonl: .*symlink: refused\); events still go to the file it named before"
[ ! -e "$WORK/target" ] || fail "the event log followed a symlink"
for _ in $(seq 1 100); do grep -qF behind-symlink "$WORK/events.jsonl.2" && break; sleep 0.05; done
grep -qF behind-symlink "$WORK/events.jsonl.2" || fail "line lost while the path was a symlink"
rm "$WORK/events.jsonl"
printf '%s' "$EICAR" >"$MNT/symlink-gone.com"
expect_open EPERM "$MNT/symlink-gone.com"
expect_log "event log $WORK/events.jsonl: writing to it again"
for _ in $(seq 1 100); do grep -qF symlink-gone "$WORK/events.jsonl" 2>/dev/null && break; sleep 0.05; done
grep -qF symlink-gone "$WORK/events.jsonl" || fail "no new event log once the symlink was gone"
fg_stop

# a symlink in place of the log is refused, and the daemon does not start
rm "$WORK/events.jsonl"
ln -s /etc/passwd "$WORK/events.jsonl"
timeout -s KILL 60 "$FANGUARDD" -c "$WORK/fanguard.conf" >"$WORK/refused.log" 2>&1 && fail "started with a symlinked event log"
grep -q "event log $WORK/events.jsonl: .*symlink: refused" "$WORK/refused.log" || fail "$(cat "$WORK/refused.log")"
# so is a second name of another file (a hard link)
rm "$WORK/events.jsonl"
: >"$WORK/precious"
ln "$WORK/precious" "$WORK/events.jsonl"
timeout -s KILL 60 "$FANGUARDD" -c "$WORK/fanguard.conf" >"$WORK/refused.log" 2>&1 && fail "started with a hard-linked event log"
grep -q "event log $WORK/events.jsonl: has 2 names (hard links): refused" "$WORK/refused.log" || fail "$(cat "$WORK/refused.log")"
[ ! -s "$WORK/precious" ] || fail "wrote into a hard-linked file"
rm "$WORK/events.jsonl" "$WORK/precious"

# a full disk: the failure is logged once, and the count of lost lines when writes work again
mkdir "$WORK/small"
mount -t tmpfs -o size=64k fanguard-small "$WORK/small"
sed -i "s|events = \"$WORK/events.jsonl\"|events = \"$WORK/small/events.jsonl\"|" "$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
dd if=/dev/zero of="$WORK/small/fill" bs=4k 2>/dev/null || true
printf '%s' "$EICAR" >"$MNT/disk-full1.com"
printf '%s' "$EICAR" >"$MNT/disk-full2.com"
expect_open EPERM "$MNT/disk-full1.com"
expect_open EPERM "$MNT/disk-full2.com"
expect_log "event log $WORK/small/events.jsonl: write failed: No space left on device"
# each event line is attempted before its DETECTED/DENY line is logged (core/pipeline.c)
for f in disk-full1 disk-full2; do
	expect_log "DETECTED after write of $MNT/$f.com"
	expect_log "DENY open of $MNT/$f.com"
done
rm "$WORK/small/fill"
printf '%s' "$EICAR" >"$MNT/disk-free.com"
expect_open EPERM "$MNT/disk-free.com"
expect_log "event log: writing again; [0-9]+ event line\(s\) were lost"
lost=$(grep -Eo "writing again; [0-9]+ event" "$DAEMON_LOG" | grep -Eo "[0-9]+")
# each bad file gave two lines: its detection after the write, and the denied open
[ "$lost" -eq 4 ] || fail "$lost lines counted lost, expected 4"
[ "$(grep -c "write failed" "$DAEMON_LOG")" -eq 1 ] || fail "write failure logged more than once"
grep -qF disk-free "$WORK/small/events.jsonl" || fail "no line once the disk had room"
fg_stop
pass
