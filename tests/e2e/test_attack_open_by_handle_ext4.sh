# Issue 16, item 5: open by handle on a disk filesystem. On ext4 below a watched path, root's
# open_by_handle_at of a file whose dentry is not cached gives the daemon a disconnected
# dentry, whose name reads "/": no path rule may judge it (the root is not watched, so it was
# allowed and ignore-marked, and an ordinary user then read the file by its real name with no
# event). Such an event is scanned and never marked unscanned: the open by handle is denied,
# the user's open by path still is, and a clean file opened by handle reads back.
. "$(dirname "$0")/lib.sh"
: "${FG_HANDLE:?set by CTest}"
command -v mkfs.ext4 >/dev/null || fail "mkfs.ext4 is needed (e2fsprogs, scripts/install-deps.sh)"
fg_setup
chmod 0711 "$WORK"
# the image lives in WORK (unwatched), attached to a loop device by mount, mounted in our
# private namespace below the watched tmpfs; fg_cleanup unmounts it, which frees the device
truncate -s 16M "$WORK/disk.img"
mkfs.ext4 -q -F "$WORK/disk.img" || fail "mkfs.ext4 failed"
mkdir "$MNT/disk"
mount -o loop "$WORK/disk.img" "$MNT/disk" || fail "cannot mount the ext4 image"
printf '%s' "$EICAR" >"$MNT/disk/eicar.com"
printf 'clean bytes' >"$MNT/disk/clean.txt"
chmod 0644 "$MNT/disk/eicar.com" "$MNT/disk/clean.txt"
for f in eicar.com clean.txt; do
	"$FG_HANDLE" save "$MNT/disk/$f" "$WORK/$f.handle" >/dev/null || fail "no handle for $f"
done
# a fresh superblock: no dentry of either file is cached, so their opens by handle are
# disconnected (and the daemon, started next, has no verdict of them)
umount "$MNT/disk"
mount -o loop "$WORK/disk.img" "$MNT/disk" || fail "cannot mount the ext4 image again"
EVENTS='"open", "exec"' fg_write_config "$WORK/fanguard.conf" clamav
fg_start "$WORK/fanguard.conf"
grep -q 'on 2 mark(s)' "$DAEMON_LOG" || fail "the ext4 filesystem below the watch path is not marked"

# 1. root opens EICAR by handle: scanned and denied
got=$("$FG_HANDLE" open "$MNT/disk" "$WORK/eicar.com.handle" || true)
[ "$got" = EPERM ] || fail "open_by_handle_at of EICAR: '$got' (expected EPERM)"
expect_log "DENY open of \(name not attributable: device [0-9]+:[0-9]+, inode [0-9]+\) by pid [0-9]+ \(uid 0"

# 2. no ignore mark was left: an ordinary user's open by its name is denied
got=$(as_attacker "$FG_PROBE" open "$MNT/disk/eicar.com" || true)
[ "$got" = EPERM ] || fail "the user's open of $MNT/disk/eicar.com after the open by handle: '$got' (expected EPERM)"

# 3. a clean file opened by handle reads back, scanned
fg_counts
scanned=$EV_SCANNED
[ "$("$FG_HANDLE" open "$MNT/disk" "$WORK/clean.txt.handle")" = "clean bytes" ] ||
	fail "a clean file opened by handle does not read back"
fg_counts
[ "$EV_SCANNED" -gt "$scanned" ] || fail "the clean file opened by handle was not scanned"
grep -E '\]: events: .* [1-9][0-9]* without a readable name \(scanned\)' "$DAEMON_LOG" >/dev/null ||
	fail "no event counted as without a readable name"
fg_stop
umount "$MNT/disk"
pass
