# Issue 16, item 2: the excluded program's name can be faked. exclude_exe = /usr/bin/tar, and
# in a mount namespace of his own a user bind-mounts cat over /usr/bin/tar, then opens a
# detected file through a folder descriptor taken before unshare (so the event comes from the
# daemon's own mount): /proc/PID/exe reads "/usr/bin/tar". A program is what it runs: its
# executable must be the file the configured path names in the daemon's namespace (device and
# inode). Denied as the user, and as root in a private mount namespace (a container's root
# running its image's /usr/bin/tar); the real tar run by root in such a namespace stays excluded.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
fg_write_config "$WORK/fanguard.conf" clamav
sed -i '/^  exclude = /a\  exclude_exe = {"/usr/bin/tar"}' "$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
fg_put "$MNT/eicar.com" "$EICAR"
chmod 0644 "$MNT/eicar.com"
# shellcheck disable=SC2016 # expanded by the inner shell
fake='mount --bind /bin/cat /usr/bin/tar && exec /usr/bin/tar /proc/self/fd/3/eicar.com'

# 1. the user, in his own user and mount namespace
if as_attacker sh -c 'exec 3<"$1" && exec unshare -Urm sh -c "$2"' _ "$MNT" "$fake" \
	>"$WORK/user.out" 2>"$WORK/user.err"; then
	fail "cat mounted over /usr/bin/tar by the user read EICAR: $(cat "$WORK/user.out")"
fi
grep -q 'Operation not permitted' "$WORK/user.err" || fail "user's fake tar: $(cat "$WORK/user.err")"
expect_log "DENY open of $MNT/eicar.com by pid [0-9]+ \(uid 65534, exe /usr/bin/tar\)"

# 2. root in a private mount namespace: not a question of uid, only of what runs
sleep 1.1 # the "is not excluded" line is rate-limited to one a second
if unshare --mount --propagation private sh -c "$fake" 3<"$MNT" >"$WORK/root.out" 2>"$WORK/root.err"; then
	fail "cat mounted over /usr/bin/tar by root read EICAR: $(cat "$WORK/root.out")"
fi
grep -q 'Operation not permitted' "$WORK/root.err" || fail "root's fake tar: $(cat "$WORK/root.err")"
expect_log "/usr/bin/tar \(pid [0-9]+\) is not excluded: what it runs is not the file /usr/bin/tar names here"
expect_log "DENY open of $MNT/eicar.com by pid [0-9]+ \(uid 0, exe /usr/bin/tar\)"
mountpoint -q /usr/bin/tar && fail "the bind mount leaked out of its namespace"

# 3. the real tar in such a namespace is the same file: still excluded
unshare --mount --propagation private tar -cf - -C /proc/self/fd/3 eicar.com 3<"$MNT" >"$WORK/real.tar" ||
	fail "root's real tar in another mount namespace could not read EICAR"
[ "$(tar -xOf "$WORK/real.tar" eicar.com)" = "$EICAR" ] || fail "root's real tar archived something else"
fg_stop
pass
