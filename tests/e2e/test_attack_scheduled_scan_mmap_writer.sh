# Attack on `fanguard scheduled-scan` through the daemon: an ordinary user keeps his clean file
# mapped shared and writable while the scheduled scan (the daemon's scanners) finds it clean,
# then writes EICAR through the mapping, which moves neither mtime nor ctime. Before the fix
# the state remembered the clean verdict for that stat and every later run skipped the file.
# The daemon now tells the client whether anyone had the file open for writing between its
# fstat and the read (a read lease); such a clean verdict is not remembered. The same attack
# without the daemon: cli_scheduled_scan_attack_mmap_writer.
. "$(dirname "$0")/lib.sh"
fg_setup
[ -x /usr/bin/python3 ] || fail "/usr/bin/python3 is needed for the attacker's mapping"
chmod 0711 "$WORK"
mkdir -p "$MNT/tree" "$WORK/var"
chmod 700 "$WORK/var"
chown 65534:65534 "$MNT/tree"
fg_write_config "$WORK/fanguard.conf" clamav
cat >>"$WORK/fanguard.conf" <<CONF
signatures { auto_reload = false }
schedule {
  paths = {"$MNT/tree"}
  state = "$WORK/var/scan-state"
  progress = "$WORK/progress"
}
CONF
fg_start "$WORK/fanguard.conf"
clean=$(printf 'a%.0s' $(seq 1 68)) # EICAR's size
for f in quiet mapped; do as_attacker sh -c "printf '%s' '$clean' >'$MNT/tree/$f'"; done

# the user maps his file shared and writable and writes EICAR through it when told (.go)
cp "$FANGUARD_SRC/tests/e2e/fg_mmap_writer.py" "$WORK/writer.py"
chmod 644 "$WORK/writer.py"
as_attacker timeout 120 /usr/bin/python3 "$WORK/writer.py" "$MNT/tree/mapped" "$MNT/tree/.ready" \
	"$MNT/tree/.go" "$EICAR" &
writer=$!
for _ in $(seq 1 600); do [ -e "$MNT/tree/.ready" ] && break; sleep 0.05; done
[ -e "$MNT/tree/.ready" ] || fail "the writer did not start"
rm -f "$MNT/tree/.ready"
before=$(stat -c '%s %Y %y %z' "$MNT/tree/mapped")

run() { # expected exit status
	local rc=0
	timeout 120 "$FANGUARD" scheduled-scan --daemon -c "$WORK/fanguard.conf" >"$WORK/out" 2>&1 || rc=$?
	[ "$rc" -eq "$1" ] || fail "scheduled-scan: exit $rc, expected $1: $(cat "$WORK/out")"
}
out_has() { grep -Eq -- "$1" "$WORK/out" || fail "output lacks '$1': $(cat "$WORK/out")"; }

run 0
out_has "^scheduled scan done: 2 files scanned, 0 unchanged.*scanned by fanguardd"
touch "$MNT/tree/.go"
wait "$writer" || fail "the writer failed"
rm -f "$MNT/tree/.go"
[ "$(stat -c '%s %Y %y %z' "$MNT/tree/mapped")" = "$before" ] ||
	fail "the mapping's write moved the file's times: the premise of the attack does not hold"
run 1
out_has "mapped: .*FOUND"
out_has "^scheduled scan done: 1 files scanned, 1 unchanged.*scanned by fanguardd"
fg_stop
pass
