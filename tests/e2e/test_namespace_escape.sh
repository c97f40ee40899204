# Mount copies must not escape: an ordinary user's new user+mount namespace (`unshare -Urm`)
# copies every mount, an overlayfs mount (a container's root) reads its layers through private
# mounts, a bind mount is another mount of the same filesystem, and a filesystem mounted below
# a watch path after start is new. A detected file stays unreadable through each of them, and
# a clean one reads back.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
# no close_write scans: a file written here must reach its first open unverdicted (a clean
# close_write verdict is kept and ignore-marked, and that open would then be no event)
EVENTS='"open", "exec"' fg_write_config "$WORK/fanguard.conf" clamav yara hash
fg_start "$WORK/fanguard.conf"
fg_put "$MNT/eicar.com" "$EICAR"
fg_put "$MNT/clean.txt" "clean bytes"
chmod 0644 "$MNT/eicar.com" "$MNT/clean.txt"
attacker() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
attacker_reads() { attacker "$@" 2>/dev/null; }

# 1. an unprivileged user namespace with copies of every mount
if attacker_reads unshare -Urm cat "$MNT/eicar.com" >/dev/null; then
	fail "EICAR read through a user+mount namespace copy"
fi
[ "$(attacker_reads unshare -Urm cat "$MNT/clean.txt")" = "clean bytes" ] ||
	fail "a clean file does not read back in a user namespace"
expect_log "DENY open of .*eicar.com \(through a mount of another namespace\) by pid [0-9]+ \(uid 65534"

# 2. overlayfs with the watched filesystem as its lower layer (made in our namespace by root,
#    and by the user in a user namespace of their own)
mkdir -p "$MNT/lower" "$WORK/upper" "$WORK/ovwork" "$WORK/merged"
fg_put "$MNT/lower/evil.txt" "$EICAR"
fg_put "$MNT/lower/fine.txt" "fine"
chmod 0755 "$MNT/lower"; chmod 0644 "$MNT/lower/evil.txt" "$MNT/lower/fine.txt"
mount -t overlay overlay -o "lowerdir=$MNT/lower,upperdir=$WORK/upper,workdir=$WORK/ovwork" \
	"$WORK/merged" || fail "cannot mount the overlay"
if cat "$WORK/merged/evil.txt" >/dev/null 2>&1; then fail "EICAR read through overlayfs"; fi
[ "$(cat "$WORK/merged/fine.txt")" = fine ] || fail "a clean file does not read back through overlayfs"
umount "$WORK/merged"
mkdir -m 0777 "$WORK/user-ov"
if attacker bash -c 'cd "$1" && mkdir -p u w m && unshare -Urm sh -c "mount -t overlay overlay -o lowerdir=$2,upperdir=u,workdir=w m && cat m/evil.txt"' \
	_ "$WORK/user-ov" "$MNT/lower" >"$WORK/user-ov.out" 2>&1; then
	fail "EICAR read through the user's own overlayfs: $(cat "$WORK/user-ov.out")"
fi
grep -q 'Operation not permitted' "$WORK/user-ov.out" || fail "user overlay: $(cat "$WORK/user-ov.out")"

# 3. a bind mount of the watched tree at an unwatched place, made by root: the kernel sees the
#    opens (the filesystem is marked); outside watch.paths the path rules still say allow
fg_put "$MNT/fresh.txt" "fresh"
mkdir "$WORK/bound"
mount --bind "$MNT" "$WORK/bound"
fg_counts
before=$EV_TOTAL
cat "$WORK/bound/fresh.txt" >/dev/null
fg_counts
[ "$EV_TOTAL" -gt "$before" ] || fail "an open through a bind mount raised no event"
umount "$WORK/bound"

# 4. a filesystem mounted below the watch path after start is marked too
mkdir "$MNT/late"
mount -t tmpfs -o size=1m,mode=0755 fanguard-late "$MNT/late"
fg_wait_log 'mount table changed: 1 new mark'
fg_put "$MNT/late/eicar.com" "$EICAR"
chmod 0644 "$MNT/late/eicar.com"
expect_open EPERM "$MNT/late/eicar.com"
umount "$MNT/late"

fg_counts
grep -E '\]: events: .* [1-9][0-9]* through other namespaces' "$DAEMON_LOG" >/dev/null ||
	fail "no event counted as through another namespace's mount"
fg_stop
pass
