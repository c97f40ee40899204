# Issue 16, regression tests (these held when the issue was filed): an ordinary user (nobody)
# puts a detected file's bytes into the watched tree without write(2), or rewrites a file while
# others read it, and reads it back:
#   1. cp --reflink=auto: tmpfs has no reflink, so cp tries FICLONE, gets EOPNOTSUPP and copies
#      with copy_file_range(2) (coreutils 9), which the kernel does within one filesystem only
#      (EXDEV across, and cp falls back to read and write). So the source is on the watched
#      filesystem, in a folder the admin excluded (watch.exclude), which nobody uses to stage
#      it: copied into a new file and over a file whose clean verdict is cached (ignore-marked);
#      and the detected file copied out. (A true reflink needs XFS or btrfs; neither mkfs is
#      installed here.)
#   2. copy_file_range(2) over a clean, cached file through a descriptor that stays open (no
#      close_write yet): an open while the writer still holds it is denied
# and clean bytes copied the same way read back. (O_TRUNC rewrites against concurrent readers:
# test_attack_rewrite_race.sh.)
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
EXCLUDE="\"$MNT/excluded\"" fg_write_config "$WORK/fanguard.conf" clamav yara hash
fg_start "$WORK/fanguard.conf"
mkdir -m 1777 "$MNT/drop"
python=/usr/bin/python3 # the system's: pyenv shims are root's alone
[ -x "$python" ] || fail "no $python"
# the clean bytes are as long as EICAR: a rewrite keeps the size
CLEAN=$(printf '%s' "$EICAR" | tr 'A-Z!$' 'a-z..')
[ ${#CLEAN} -eq ${#EICAR} ] || fail "the clean text is not as long as EICAR"
# nobody's own folder on the watched filesystem, excluded, with the detected and the clean bytes
mkdir -m 0700 "$MNT/excluded"
chown 65534:65534 "$MNT/excluded"
as_attacker sh -c 'printf "%s" "$1" >"$3/eicar.src"; printf "%s" "$2" >"$3/clean.src"' _ \
	"$EICAR" "$CLEAN" "$MNT/excluded"
[ "$(as_attacker cat "$MNT/excluded/eicar.src")" = "$EICAR" ] || fail "the excluded folder is scanned"
# a clean file of nobody's in the watched tree, read once so its verdict is cached
cached_clean() {
	as_attacker sh -c 'printf "%s" "$1" >"$2"' _ "$CLEAN" "$1"
	[ "$(as_attacker cat "$1")" = "$CLEAN" ] || fail "$1 does not read back"
}

# 1. cp --reflink=auto (and, where strace is, proof that it copied by copy_file_range)
cp_traced=(as_attacker)
if command -v strace >/dev/null; then
	cp_traced=(strace -f -qq -e trace=ioctl,copy_file_range -o "$WORK/cp.strace"
		setpriv --reuid=65534 --regid=65534 --clear-groups --)
fi
"${cp_traced[@]}" cp --reflink=auto "$MNT/excluded/eicar.src" "$MNT/drop/cp-new.com" ||
	fail "cp --reflink=auto into the watched tree failed"
if [ -e "$WORK/cp.strace" ]; then
	grep -Eq 'copy_file_range\(.*\) = [1-9]' "$WORK/cp.strace" ||
		fail "cp did not copy by copy_file_range: $(cat "$WORK/cp.strace")"
fi
got=$(as_attacker "$FG_PROBE" open "$MNT/drop/cp-new.com" || true)
[ "$got" = EPERM ] || fail "EICAR copied in by cp --reflink=auto: '$got' (expected EPERM)"
cached_clean "$MNT/drop/cp-over.txt"
as_attacker cp --reflink=auto "$MNT/excluded/eicar.src" "$MNT/drop/cp-over.txt" ||
	fail "cp --reflink=auto over a cached clean file failed"
got=$(as_attacker "$FG_PROBE" open "$MNT/drop/cp-over.txt" || true)
[ "$got" = EPERM ] || fail "EICAR copied over a cached clean file: '$got' (expected EPERM)"
if as_attacker cp --reflink=auto "$MNT/drop/cp-new.com" "$MNT/excluded/out.com" 2>"$WORK/cp.err"; then
	fail "cp --reflink=auto copied the detected file out of the watched tree"
fi
grep -q 'Operation not permitted' "$WORK/cp.err" || fail "cp said: $(cat "$WORK/cp.err")"
as_attacker cp --reflink=auto "$MNT/excluded/clean.src" "$MNT/drop/cp-clean.txt" ||
	fail "cp --reflink=auto of a clean file failed"
[ "$(as_attacker cat "$MNT/drop/cp-clean.txt")" = "$CLEAN" ] || fail "a clean copy does not read back"
expect_log "DENY open of $MNT/drop/cp-over.txt by pid [0-9]+ \(uid 65534"

# 2. copy_file_range(2) in place, the destination still open for writing when it is read
cfr() { # $1: source, $2: destination (exists, opened without O_TRUNC); prints what a read got
	as_attacker "$python" -c '
import os, sys
src = os.open(sys.argv[1], os.O_RDONLY)
dst = os.open(sys.argv[2], os.O_WRONLY)
n = os.copy_file_range(src, dst, 1 << 20)
assert n == os.fstat(src).st_size, "copy_file_range copied %d bytes" % n
try:  # dst is still open: no close_write has come yet
    print(open(sys.argv[2]).read())
except PermissionError:
    print("EPERM")
' "$1" "$2"
}
cached_clean "$MNT/drop/cfr-over.txt"
got=$(cfr "$MNT/excluded/eicar.src" "$MNT/drop/cfr-over.txt")
[ "$got" = EPERM ] || fail "EICAR put by copy_file_range over a cached clean file: '$got' (expected EPERM)"
got=$(as_attacker "$FG_PROBE" open "$MNT/drop/cfr-over.txt" || true)
[ "$got" = EPERM ] || fail "after the writer closed: '$got' (expected EPERM)"
cached_clean "$MNT/drop/cfr-clean.txt"
got=$(cfr "$MNT/excluded/clean.src" "$MNT/drop/cfr-clean.txt")
[ "$got" = "$CLEAN" ] || fail "clean bytes put by copy_file_range read back as '$got'"
expect_log "DENY open of $MNT/drop/cfr-over.txt by pid [0-9]+ \(uid 65534"

kill -0 "$DAEMON_PID" || fail "the daemon died"
fg_stop
pass
