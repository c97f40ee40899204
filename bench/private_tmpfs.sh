# Sourced by bench scripts once they run inside `unshare --mount --propagation private`:
#   bench_private_tmpfs NAME PARENT_NS
# refuses to go on unless this mount namespace is neither PID 1's nor PARENT_NS (the one the
# script was started in), then sets WORK (scratch) and MNT (a fresh 1 GiB tmpfs in it, the only
# thing a daemon started here may mark), and TPID (the `timeout` PID of the daemon running, if
# any), all removed on exit. Also sets OB, the fg_openbench of BUILD (compiled if missing).
bench_private_tmpfs() {
	local myns
	myns=$(readlink /proc/self/ns/mnt)
	if [ "$myns" = "$(readlink /proc/1/ns/mnt)" ] || [ "$myns" = "${2:-}" ]; then
		echo "$1: not in a private mount namespace; refusing to mark anything" >&2
		exit 1
	fi
	WORK=$(mktemp -d "/tmp/fg-$1.XXXXXX")
	MNT=$WORK/mnt
	mkdir "$MNT"
	mount -t tmpfs -o size=1g,mode=0755 "fg-$1" "$MNT"
	TPID=""
	trap bench_private_cleanup EXIT
	trap 'exit 130' INT TERM
	OB="$BUILD/bench/fg_openbench"
	[ -x "$OB" ] || { cc -O2 -pthread -o "$WORK/fg_openbench" "$HERE/openbench.c" && OB="$WORK/fg_openbench"; }
}

bench_private_cleanup() {
	if [ -n "$TPID" ]; then kill -KILL "$TPID" 2>/dev/null || true; wait "$TPID" 2>/dev/null || true; fi
	umount "$MNT" 2>/dev/null || true
	rm -rf "$WORK"
}
