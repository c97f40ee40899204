# ATTACK (unprivileged): a FUSE server that never answers. nobody mounts his own FUSE
# filesystem on a folder of his inside a watched path; it answers his own requests and leaves
# everyone else's (root's included) unanswered for ever. He opens its file, which raises a
# permission event; if fanguardd's event thread asked the filesystem anything about it (its
# attributes, or the open behind the event's descriptor), that thread would wait for ever, and
# with it every open on the watched filesystems. Expected: the FUSE guard aborts the stalling
# connection within a second, other users' opens on the watched tmpfs are answered, and the
# daemon stops cleanly.
. "$(dirname "$0")/lib.sh"
fg_need_user_fuse
fg_setup
fg_victim_setup
fg_user_fuse_folders fs
printf 'clean\n' >"$MNT/clean.txt"
chmod 0644 "$MNT/clean.txt"
EVENTS='"open", "exec"' fg_write_config "$WORK/fanguard.conf" clamav hash
fg_start "$WORK/fanguard.conf"
# it answers nobody's requests only; fg_cleanup kills it if the test fails
fg_mount_lyingfs "$MNT/drop/fs" FG_LYINGFS_STALL=1
sleep 0.5 # the daemon marks it when it reads the mount table

# the attacker's own open and exec: whatever becomes of them, they must not hold the daemon
as_attacker timeout 20 cat "$MNT/drop/fs/tool" >/dev/null 2>&1 &
reader=$!
as_attacker timeout 20 "$FG_PROBE" exec "$MNT/drop/fs/tool" >/dev/null 2>&1 &
runner=$!
sleep 1
got=$(timeout 10 "$FG_PROBE" open "$MNT/clean.txt" || echo "no answer in 10 s")
[ "$got" = ok ] || fail "a clean file on the watched tmpfs while the FUSE server stalls: '$got'"
fg_victim_denied "a stalling FUSE server"
expect_log "FUSE filesystem on $MNT/drop/fs \(mounted by uid 65534\) left [0-9]+ request\(s\) unanswered .*: its connection is aborted"
grep -q "stalling a request of uid" "$WORK/lyingfs.log" && echo "the server left a request unanswered: $(grep -c stalling "$WORK/lyingfs.log")"
wait "$reader" "$runner" 2>/dev/null || true
fg_unmount_lyingfs
fg_stop
pass
