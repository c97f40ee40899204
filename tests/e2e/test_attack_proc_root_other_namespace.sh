# Issue 16, item 4: another process's mount namespace through /proc/PID/root. A process running
# as nobody inside a mount namespace root made (a container, a service with PrivateTmp=) shows
# that namespace's filesystem at /proc/PID/root/...; nobody may read it there (the process is
# his). The watched filesystem is visible in it through the namespace's copy of the mount, and a
# bind of a watched folder over another place (as PrivateTmp= does): each read of a detected
# file that way is denied, as from inside, and a clean file reads back.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
# no close_write scans: each file reaches its first open with no verdict of the cache
EVENTS='"open", "exec"' fg_write_config "$WORK/fanguard.conf" clamav hash
fg_start "$WORK/fanguard.conf"
mkdir -m 0755 "$MNT/private" "$WORK/tmp"
for f in "$MNT/eicar.com" "$MNT/private/bound.com"; do
	fg_put "$f" "$EICAR"
done
fg_put "$MNT/clean.txt" "clean bytes"
chmod 0644 "$MNT/eicar.com" "$MNT/private/bound.com" "$MNT/clean.txt"

# root's namespace, a process of nobody's in it; the bind is made before it starts
mkfifo "$WORK/ready"
unshare --mount --propagation private sh -c \
	'mount --bind "$1/private" "$2" && echo >"$3" && exec setpriv --reuid=65534 --regid=65534 --clear-groups sleep 120' \
	_ "$MNT" "$WORK/tmp" "$WORK/ready" &
NS_PID=$!
read -r _ <"$WORK/ready"
for _ in $(seq 1 100); do
	[ "$(stat -c %u "/proc/$NS_PID" 2>/dev/null)" = 65534 ] && break
	sleep 0.05
done
[ "$(stat -c %u "/proc/$NS_PID")" = 65534 ] || fail "the namespace's process is not nobody's"
[ "$(readlink "/proc/$NS_PID/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] || fail "no namespace of its own"
root="/proc/$NS_PID/root"

# 1. the namespace's copy of the watched mount
got=$(as_attacker "$FG_PROBE" open "$root$MNT/eicar.com" || true)
[ "$got" = EPERM ] || fail "EICAR through $root$MNT: '$got' (expected EPERM)"
expect_log "DENY open of .*eicar.com \(through a mount of another namespace\) by pid [0-9]+ \(uid 65534"

# 2. the folder bound elsewhere in that namespace (its path there is outside watch.paths)
got=$(as_attacker "$FG_PROBE" open "$root$WORK/tmp/bound.com" || true)
[ "$got" = EPERM ] || fail "EICAR through the namespace's bind at $root$WORK/tmp: '$got' (expected EPERM)"
expect_log "DENY open of .*bound.com \(through a mount of another namespace\) by pid [0-9]+ \(uid 65534"

# 3. a clean file reads back that way
[ "$(as_attacker cat "$root$MNT/clean.txt")" = "clean bytes" ] || fail "a clean file does not read back"

# and the detected files are still denied by their own names
expect_open EPERM "$MNT/eicar.com"
expect_open EPERM "$MNT/private/bound.com"
kill "$NS_PID"
wait "$NS_PID" 2>/dev/null || true
fg_stop
pass
