# Once an empty file was scanned clean (every vote real and cacheable), opens of other empty files
# are answered by that verdict without a scan (issue 13: compileall's new temporary .pyc files).
# What must not follow from it: a file emptied of nothing is still scanned once it has content
# (an attacker's empty file written after its open, through the fd the open gave), a YARA rule on
# the name still sees every empty file (its votes are never cached), a signature matching empty
# content is never learned as clean, and a reload forgets the verdict.
. "$(dirname "$0")/lib.sh"
fg_setup
printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
chmod 0711 "$WORK"
chmod 1777 "$MNT"

# N: opens of empty files answered by the empty-file verdict, from the counters (SIGUSR1)
empty_answered() {
	fg_counts
	grep 'opens of empty files answered' "$DAEMON_LOG" | tail -n 1 |
		sed -E 's/.* ([0-9]+) opens of empty files answered.*/\1/'
}
# creates empty files until one open is answered by the verdict (learning is on the monitor's
# thread, after the first empty file's answer); bounded
learn_empty() {
	for i in $(seq 1 50); do
		: >"$MNT/learn-$1-$i"
		[ "$(empty_answered)" -gt 0 ] && return 0
	done
	fail "no empty file's open was answered by the empty-file verdict after 50 new empty files"
}

# 1. learned, then used: a new empty file is no scan
fg_write_config "$WORK/fanguard.conf" clamav yara hash
fg_start "$WORK/fanguard.conf"
learn_empty a
fg_counts
scanned=$EV_SCANNED
n=$(empty_answered)
: >"$MNT/another-empty"
: >"$MNT/third-empty"
[ "$(empty_answered)" -ge $((n + 2)) ] || fail "opens of empty files were not answered by the empty-file verdict"
fg_counts
[ "$EV_SCANNED" -eq "$scanned" ] || fail "an empty file was scanned after the empty-file verdict was known"

# 2. the attacker: an empty file opened (answered at once), EICAR written through that descriptor,
#    which stays open (no close_write yet). Another open sees content: scanned, denied.
n=$(empty_answered)
timeout -s KILL 60 setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	/usr/bin/python3 - "$MNT/trap.txt" "$EICAR" >"$WORK/trap.ready" <<'PY' &
import os, sys, time
path, eicar = sys.argv[1:]
fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)   # an empty file's open
os.write(fd, eicar.encode())
print("written", flush=True)
time.sleep(30)
PY
TRAP=$!
for _ in $(seq 1 200); do grep -q written "$WORK/trap.ready" && break; sleep 0.05; done
grep -q written "$WORK/trap.ready" || fail "the attacker's writer did not start"
[ "$(empty_answered)" -gt "$n" ] || fail "the attacker's empty file was not answered by the empty-file verdict"
expect_open EPERM "$MNT/trap.txt"
as_attacker "$FG_PROBE" open "$MNT/trap.txt" >"$WORK/trap.out" || true
[ "$(cat "$WORK/trap.out")" = EPERM ] || fail "the attacker's own open of its written EICAR: $(cat "$WORK/trap.out")"
kill "$TRAP" 2>/dev/null || true
wait "$TRAP" 2>/dev/null || true
expect_open EPERM "$MNT/trap.txt" # after its close_write too

# 3. a reload forgets it: the first empty file after it is scanned
fg_counts
scanned=$EV_SCANNED
n=$(empty_answered)
timeout 20 "$FANGUARD" reload -c "$WORK/fanguard.conf" >/dev/null || fail "reload failed"
fg_wait_log 'reload: done'
: >"$MNT/after-reload"
fg_counts
[ "$EV_SCANNED" -gt "$scanned" ] || fail "the first empty file after a reload was not scanned"
[ "$(empty_answered)" -eq "$n" ] || fail "an empty file was answered by the verdict of the old signatures"
fg_stop

# 4. a YARA rule on the name: its votes are never cached, so no empty-file verdict is learned
#    and an empty file by that name is denied however many clean empty files came before
echo 'rule Evil_Empty_Name { condition: filename == "evil.txt" }' >"$WORK/name.yar"
fg_write_config "$WORK/name.conf" clamav hash
echo "plugin yara { rules = {\"$WORK/name.yar\"} }" >>"$WORK/name.conf"
fg_start "$WORK/name.conf"
for i in $(seq 1 10); do : >"$MNT/name-$i"; done
: >"$MNT/evil.txt" 2>/dev/null || true # its creating open is denied; the file exists, empty
[ -e "$MNT/evil.txt" ] && [ ! -s "$MNT/evil.txt" ] || fail "evil.txt was not created empty"
expect_open EPERM "$MNT/evil.txt"
[ "$(empty_answered)" -eq 0 ] || fail "an empty-file verdict was learned from votes on the name"
fg_stop

# 5. a signature on empty content (its SHA-256 on the blocklist): never learned as clean
: | sha256sum >>"$WORK/blocklist.sha256"
fg_write_config "$WORK/empty-sig.conf" hash
fg_start "$WORK/empty-sig.conf"
for i in $(seq 1 5); do : >"$MNT/sig-$i" 2>/dev/null || true; done
for i in $(seq 1 5); do expect_open EPERM "$MNT/sig-$i"; done
[ "$(empty_answered)" -eq 0 ] || fail "an empty-file verdict was learned while empty content is a detection"
fg_stop
pass
