# A filesystem mounted below a watch path, unmounted, and another mounted in its place: the new
# one is marked too. Anonymous device numbers (tmpfs, FUSE — which an ordinary user may mount on
# a folder of his own with fusermount) are handed out lowest-free-first, so the new filesystem
# usually has the old one's number; a daemon that remembered marked filesystems by that number
# took the new one for marked, and nothing on it raised an event: EICAR read back unscanned.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
mkdir -m 0755 "$MNT/sub"
mount -t tmpfs -o size=4m,mode=0755 fg-sub-one "$MNT/sub"
EVENTS='"open", "exec"' fg_write_config "$WORK/fanguard.conf" clamav
fg_start "$WORK/fanguard.conf"
grep -q 'on 2 mark(s)' "$DAEMON_LOG" || fail "the tmpfs below the watch path is not marked at start"
printf '%s' "$EICAR" >"$MNT/sub/one.com"
chmod 0644 "$MNT/sub/one.com"
got=$(as_attacker "$FG_PROBE" open "$MNT/sub/one.com" || true)
[ "$got" = EPERM ] || fail "EICAR on the first tmpfs: '$got' (expected EPERM)"

dev_before=$(stat -c %d "$MNT/sub")
umount "$MNT/sub"
mount -t tmpfs -o size=4m,mode=0755 fg-sub-two "$MNT/sub"
dev_after=$(stat -c %d "$MNT/sub")
echo "device numbers: $dev_before, then $dev_after"
[ "$dev_before" = "$dev_after" ] || echo "note: the kernel gave the new tmpfs another number; the test still checks it is marked"
printf '%s' "$EICAR" >"$MNT/sub/two.com"
chmod 0644 "$MNT/sub/two.com"
# the daemon reads the mount table when it changes (POLLPRI): wait for the mark, bounded
got=""
for _ in $(seq 1 100); do
	got=$(as_attacker "$FG_PROBE" open "$MNT/sub/two.com" || true)
	[ "$got" = EPERM ] && break
	sleep 0.05
done
[ "$got" = EPERM ] || fail "EICAR on the tmpfs mounted in the first one's place: '$got' (expected EPERM): not marked"
fg_stop
umount "$MNT/sub"
pass
