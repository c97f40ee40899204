# ATTACK (unprivileged): many FUSE mounts, then one mounted again in place of another. nobody
# mounts 40 of his own lying FUSE filesystems (they serve the scanners a harmless script and
# everyone else EICAR) in folders of his inside a watched path and runs the script on the last
# one; then unmounts it and mounts another in the same folder, which usually gets the same
# anonymous device number, and runs it again. A fixed table of such mounts (32) once left the
# 33rd out of watch.user_fuse; a filesystem remembered as marked by its device number once left
# the new one unmarked. Expected: every exec denied (watch.user_fuse = "deny_exec", the default).
. "$(dirname "$0")/lib.sh"
fg_need_user_fuse
fg_setup
fg_victim_setup
N=40
fg_user_fuse_folders $(seq -f 'fs%g' 1 "$N")
EVENTS='"open", "exec"' fg_write_config "$WORK/fanguard.conf" clamav hash
fg_start "$WORK/fanguard.conf"

# nobody's exec of the last mount's script; the daemon marks a mount when it reads the mount
# table, so the exec is denied once it has: tried until EPERM (for 5 s), the last answer in $got
exec_last() {
	got=""
	for _ in $(seq 1 100); do
		got=$(as_attacker "$FG_PROBE" exec "$MNT/drop/fs$N/tool" 2>&1 || true)
		[ "$got" = EPERM ] && return 0
		sleep 0.05
	done
}
for i in $(seq 1 "$N"); do fg_mount_lyingfs "$MNT/drop/fs$i"; done
exec_last
[ "$got" = EPERM ] || fail "exec on the ${N}th user FUSE mount: '$got' (expected EPERM)"

dev_before=$(as_attacker stat -c %d "$MNT/drop/fs$N")
as_attacker fusermount3 -u "$MNT/drop/fs$N"
fg_mount_lyingfs "$MNT/drop/fs$N"
dev_after=$(as_attacker stat -c %d "$MNT/drop/fs$N")
echo "device numbers of the last mount: $dev_before, then $dev_after"
exec_last
[ "$got" = EPERM ] || fail "exec on the FUSE mount made in the last one's place: '$got' (expected EPERM)"
expect_log "DENY exec of $MNT/drop/fs$N/tool by pid [0-9]+ \(uid 65534"
fg_victim_denied "forty FUSE mounts"
fg_unmount_lyingfs
fg_stop
pass
