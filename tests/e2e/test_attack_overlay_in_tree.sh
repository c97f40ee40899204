# Issue 16, "overlay inside the watched tree" (listed as holding when the issue was filed): an
# overlayfs whose layers and mount point are all inside the watched tree, made by root (as a
# container runtime does below /var/lib). Through it, nobody reads and runs a lower-layer
# file, and creates a file (it lands in the upper layer) and reads it back: the detected ones
# are denied, the clean ones work.
#
# Before the fix (2026-12, Linux 6.18) the overlay, mounted below a watch path, was marked too
# and the first event on an overlay file deadlocked the daemon. The kernel opens the event's
# descriptor inside fanotify_read() (dentry_open_nonotify), overlayfs opens the real file of
# the lower layer for it (ovl_open -> backing_file_open), and that open raised a permission
# event on the marked lower filesystem, queued to fanguardd's own group and waited for by the
# very thread that would read it. From then on every open on the watched filesystems blocked
# until fanguardd was killed. Now no overlay is marked: an open through it is the opener's
# open of the layer's file, seen on the layer's (marked) filesystem. Each step here is bounded
# (30 s) so a deadlock says so instead of hanging.
#
# A second overlay, with a lower layer outside the watch paths (a tmpfs of this test's own,
# never marked), is warned about and shown in status; its lower layer on the watched tmpfs is
# still scanned through it.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
# no close_write scans: each file reaches its first open, through the overlay, unverdicted
EVENTS='"open", "exec"' fg_write_config "$WORK/fanguard.conf" clamav yara hash
fg_start "$WORK/fanguard.conf"

# A step that has not returned in 30 s means fanguardd no longer answers: it is killed (by its
# PID, which we started) so the test ends, and the test fails.
bounded() { # $1: what; the rest: the command, run as nobody; prints its output
	local what=$1 rc=0
	shift
	timeout 30 setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@" || rc=$?
	if [ "$rc" -eq 124 ]; then
		kill -KILL "$FANGUARDD_PID" 2>/dev/null || true
		fail "$what did not return in 30 s: fanguardd stopped answering (killed)"
	fi
	return "$rc"
}

ov="$MNT/ov"
mkdir -p "$ov/lower/drop" "$ov/upper" "$ov/work" "$ov/merged"
chmod 0755 "$ov" "$ov/lower" "$ov/merged"
chmod 1777 "$ov/lower/drop"
fg_put "$ov/lower/evil.txt" "$EICAR"
fg_put "$ov/lower/fine.txt" "fine"
cp /bin/true "$ov/lower/evil-true"
printf '%s' "$EICAR" >>"$ov/lower/evil-true"
cp /bin/true "$ov/lower/good-true"
chmod 0644 "$ov/lower/evil.txt" "$ov/lower/fine.txt"
chmod 0755 "$ov/lower/evil-true" "$ov/lower/good-true"
mount -t overlay overlay -o "lowerdir=$ov/lower,upperdir=$ov/upper,workdir=$ov/work" "$ov/merged" ||
	fail "cannot mount the overlay"
got=$(bounded "a read through the overlay" "$FG_PROBE" open "$ov/merged/evil.txt" || true)
[ "$got" = EPERM ] || fail "EICAR of the lower layer read through the overlay: '$got' (expected EPERM)"
[ "$(bounded "a clean read through the overlay" cat "$ov/merged/fine.txt")" = fine ] ||
	fail "a clean file does not read back through the overlay"
got=$(bounded "an exec through the overlay" "$FG_PROBE" exec "$ov/merged/evil-true" 2>&1 || true)
[ "$got" = EPERM ] || fail "the detected program ran through the overlay: '$got' (expected EPERM)"
bounded "a clean exec through the overlay" "$ov/merged/good-true" ||
	fail "a clean program does not run through the overlay"
bounded "a write through the overlay" sh -c 'printf "%s" "$1" >"$2"' _ "$EICAR" "$ov/merged/drop/new.com" ||
	fail "nobody cannot write through the overlay"
[ -e "$ov/upper/drop/new.com" ] || fail "the new file is not in the upper layer"
got=$(bounded "a read of a new file through the overlay" "$FG_PROBE" open "$ov/merged/drop/new.com" || true)
[ "$got" = EPERM ] || fail "EICAR written through the overlay read back: '$got' (expected EPERM)"
bounded "a clean write through the overlay" sh -c 'printf "new fine" >"$1"' _ "$ov/merged/drop/new.txt"
[ "$(bounded "a clean read of a new file" cat "$ov/merged/drop/new.txt")" = "new fine" ] ||
	fail "a clean file written through the overlay does not read back"
# the layer's file is opened through the layer's private mount: its path is not believed
expect_log "DENY open of .*evil.txt .*by pid [0-9]+ \(uid 65534"
expect_log "DENY exec of .*evil-true .*by pid [0-9]+ \(uid 65534"
expect_log "overlay on $ov/merged: not marked"
expect_no_log "overlay on $ov/merged: .*outside the watch paths"

# An overlay whose upper layer is on the watched tmpfs and whose lower layers are one on it and
# one outside the watch paths (its own tmpfs below WORK, which nothing marks).
outside="$WORK/outside"
mkdir -p "$outside" "$MNT/ov2/lower" "$MNT/ov2/upper" "$MNT/ov2/work" "$MNT/ov2/merged"
mount -t tmpfs -o size=4m,mode=0755 fanguard-outside "$outside"
fg_put "$outside/other.txt" "other"
fg_put "$MNT/ov2/lower/evil2.txt" "$EICAR"
fg_put "$MNT/ov2/lower/fine2.txt" "fine2"
chmod 0755 "$MNT/ov2" "$MNT/ov2/lower" "$MNT/ov2/merged"
chmod 0644 "$MNT/ov2/lower/evil2.txt" "$MNT/ov2/lower/fine2.txt" "$outside/other.txt"
mount -t overlay overlay \
	-o "lowerdir=$MNT/ov2/lower:$outside,upperdir=$MNT/ov2/upper,workdir=$MNT/ov2/work" \
	"$MNT/ov2/merged" || fail "cannot mount the second overlay"
fg_wait_log "overlay on $MNT/ov2/merged: not marked \(that would deadlock the daemon\); its layer $outside is outside the watch paths, so files it gives are not scanned"
got=$(bounded "a read through the second overlay" "$FG_PROBE" open "$MNT/ov2/merged/evil2.txt" || true)
[ "$got" = EPERM ] || fail "EICAR of the watched lower layer read through the second overlay: '$got' (expected EPERM)"
[ "$(bounded "a clean read through the second overlay" cat "$MNT/ov2/merged/fine2.txt")" = fine2 ] ||
	fail "a clean file does not read back through the second overlay"
[ "$(bounded "a read of the outside layer" cat "$MNT/ov2/merged/other.txt")" = other ] ||
	fail "a file of the outside layer does not read back"
expect_log "DENY open of .*evil2.txt .*by pid [0-9]+ \(uid 65534"
timeout 20 "$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/status" 2>&1 || fail "status failed"
grep -qF "overlay mount $MNT/ov2/merged: not marked (that would deadlock the daemon); its layer $outside is outside the watch paths" "$WORK/status" ||
	fail "status does not show the overlay with a layer outside: $(cat "$WORK/status")"
grep -qF "overlay mount $ov/merged: not marked (that would deadlock the daemon); opens through it are seen on its layers' filesystems" "$WORK/status" ||
	fail "status does not show the overlay with watched layers: $(cat "$WORK/status")"
# once per mount: another change of the mount table warns no more
mkdir "$MNT/later" && mount -t tmpfs -o size=1m fanguard-later "$MNT/later"
fg_wait_log "mount table changed: 1 new mark"
[ "$(fg_count_log "overlay on $MNT/ov2/merged: .*outside the watch paths")" -eq 1 ] ||
	fail "the overlay with a layer outside was warned about more than once"
umount "$MNT/later" "$MNT/ov2/merged" "$outside"
fg_stop

# A watch path that is itself on an overlay: refused with a warning, not marked (the first
# open through it would deadlock the daemon), and opens through it still answered.
watched_mnt=$MNT
MNT="$ov/merged" fg_write_config "$WORK/on-overlay.conf" hash
MNT=$watched_mnt
fg_start "$WORK/on-overlay.conf"
expect_log "the watch path $ov/merged is on an overlay: not marked \(that would deadlock the daemon\)"
[ "$(bounded "a read through an overlay that is a watch path" cat "$ov/merged/fine.txt")" = fine ] ||
	fail "a clean file does not read back through an overlay that is a watch path"
timeout 20 "$FANGUARD" status -c "$WORK/on-overlay.conf" >"$WORK/status" 2>&1 || true
grep -qF "not marked whole: $ov/merged" "$WORK/status" ||
	fail "status does not show the watch path on an overlay: $(cat "$WORK/status")"
fg_stop
umount "$ov/merged"
pass
