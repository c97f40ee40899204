# ATTACK (unprivileged): FUSE lets a filesystem see who reads it. nobody mounts his own FUSE
# filesystem (fusermount3, no allow_other) on a folder he owns inside a watched path; it serves a
# harmless script to the scanners' user and the same script with EICAR in it to everyone else,
# and nobody runs it. Without allow_other not even root may look into such a mount, so the
# daemon could neither mark it nor read what it serves to others. Expected: exec of a file on a
# FUSE mount made by a user other than root is denied (watch.user_fuse = "deny_exec", the
# default), and `fanguard status` lists the mount; with watch.user_fuse = "scan" it is not
# (the setting is what decides).
. "$(dirname "$0")/lib.sh"
fg_need_user_fuse
fg_setup
fg_victim_setup
fg_user_fuse_folders fs

run_attack() { # $1: watch.user_fuse, "" for the default; sets ATTACK: what nobody's exec said
	WATCH_EXTRA="${1:+user_fuse = \"$1\"}" EVENTS='"open", "exec"' fg_write_config "$WORK/fanguard.conf" clamav hash
	fg_start "$WORK/fanguard.conf"
	fg_mount_lyingfs "$MNT/drop/fs"
	# the lie: the owner reads EICAR
	as_attacker cat "$MNT/drop/fs/tool" | grep -q EICAR || fail "the filesystem does not serve EICAR to its owner"
	ATTACK=$(as_attacker "$FG_PROBE" exec "$MNT/drop/fs/tool" 2>&1 || true)
	"$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/status" 2>&1 || true
	fg_unmount_lyingfs
	fg_victim_denied "a lying FUSE mount"
	fg_stop
}

run_attack "" # the default: deny_exec
[ "$ATTACK" = EPERM ] || fail "nobody ran the script his own FUSE filesystem serves: '$ATTACK' (expected EPERM)"
expect_log "DENY exec of $MNT/drop/fs/tool by pid [0-9]+ \(uid 65534, .*\): a FUSE filesystem mounted by uid 65534 \(watch.user_fuse = deny_exec\)"
grep -q "user FUSE mount $MNT/drop/fs (fuse.fg_lyingfs, mounted by uid 65534): exec denied" "$WORK/status" ||
	fail "status does not list the mount: $(cat "$WORK/status")"

# the setting decides: "scan" lets the exec go to the scanners (and the lie works on them)
run_attack scan
[ "$ATTACK" != EPERM ] || fail "with user_fuse = scan the exec was denied all the same"
echo "with user_fuse = scan the exec said: $ATTACK"
pass
