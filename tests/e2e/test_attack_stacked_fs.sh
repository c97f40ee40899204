# Issue 16, regression test (this held when the issue was filed): a passthrough FUSE
# filesystem (tests/e2e/fg_passfs.c) on an unwatched folder, serving a watched folder: its
# reads are its own opens of the backing files, which fanguardd sees. Mounted by root
# (allow_other) and by nobody himself (fusermount3). A detected file read through it by an
# ordinary user (nobody) is denied, and a clean file reads back through it. (overlayfs inside
# the watched tree: test_attack_overlay_in_tree.sh; with its mount point outside:
# test_namespace_escape.sh.)
. "$(dirname "$0")/lib.sh"
[ -n "${FG_PASSFS:-}" ] && [ -x "${FG_PASSFS:-}" ] && command -v fusermount3 >/dev/null || {
	echo "SKIP: no fg_passfs or fusermount3 (libfuse3-dev, fuse3: scripts/install-deps.sh)"
	exit 77
}
[ -e /dev/fuse ] || { echo "SKIP: no /dev/fuse"; exit 77; }
fg_setup
chmod 0711 "$WORK"
printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
# no close_write scans: each file reaches its first open, through FUSE, unverdicted
EVENTS='"open", "exec"' fg_write_config "$WORK/fanguard.conf" clamav yara hash
fg_start "$WORK/fanguard.conf"

fg_user_fuse_setup
back="$MNT/back"
mkdir -m 0755 "$back"
for who in root nobody; do
	fg_put "$back/$who-evil.com" "$EICAR"
	fg_put "$back/$who-fine.txt" "fine for $who"
done
chmod 0644 "$back"/*
mkdir -m 0755 "$WORK/fuse-root" "$WORK/fuse-nobody"
chown 65534:65534 "$WORK/fuse-nobody"
# waits until a FUSE filesystem is mounted on $1
wait_fuse() {
	for _ in $(seq 1 100); do
		grep -q " $1 .* - fuse" /proc/self/mountinfo && return 0
		sleep 0.05
	done
	fail "nothing mounted on $1"
}
"$FG_PASSFS" "$back" "$WORK/fuse-root" -f -o allow_other 2>"$WORK/passfs-root.log" &
root_fs=$!
as_attacker "$FG_PASSFS" "$back" "$WORK/fuse-nobody" -f 2>"$WORK/passfs-nobody.log" &
nobody_fs=$!
wait_fuse "$WORK/fuse-root"
wait_fuse "$WORK/fuse-nobody"
for who in root nobody; do
	got=$(as_attacker "$FG_PROBE" open "$WORK/fuse-$who/$who-evil.com" || true)
	[ "$got" = EPERM ] || fail "EICAR read through $who's passthrough FUSE: '$got' (expected EPERM)"
	[ "$(as_attacker cat "$WORK/fuse-$who/$who-fine.txt")" = "fine for $who" ] ||
		fail "a clean file does not read back through $who's passthrough FUSE"
	grep -q "open /$who-evil.com: Operation not permitted" "$WORK/passfs-$who.log" ||
		fail "$who's FUSE server's open was not the one denied: $(cat "$WORK/passfs-$who.log")"
done
expect_log "DENY open of $back/root-evil.com by pid [0-9]+ \(uid 0"
expect_log "DENY open of $back/nobody-evil.com by pid [0-9]+ \(uid 65534"
umount "$WORK/fuse-root"
as_attacker fusermount3 -u "$WORK/fuse-nobody"
wait "$root_fs" "$nobody_fs" || true

fg_stop
pass
