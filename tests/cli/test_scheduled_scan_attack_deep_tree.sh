# Attack on `fanguard scheduled-scan` (and `fanguard scan`, which walks the same way): an
# ordinary user nests 2,000 folders in his home (any user may, below PATH_MAX) and puts EICAR
# at the bottom. Before the fix the walk, one call and 8 KiB of stack per level, overflowed the
# stack and root's scan died with SIGSEGV at every run (nothing after that tree scanned, no
# summary); with the usual soft limit of 1024 open files (systemd's default for services) it
# instead failed with EMFILE below level 1,000 and the EICAR file was never scanned. Now the
# walk keeps its paths on the heap and raises its soft limit of open files (one per level) to
# what PATH_MAX allows: the bottom is reached, the EICAR found.
. "$(dirname "$0")/lib.sh"
command -v setpriv >/dev/null || fail "setpriv missing (util-linux)"
as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
chmod 755 "$WORK"
tree="$WORK/tree"
mkdir -p "$tree" "$WORK/var"
chmod 700 "$WORK/var"
chown 65534:65534 "$tree"
echo clean >"$tree/top.txt"
as_user /usr/bin/python3 - "$tree" "$EICAR" <<'PY' || fail "the user could not make the deep tree"
import os, sys
os.chdir(sys.argv[1])
for _ in range(2000):
    os.mkdir("d")
    os.chdir("d")
with open("eicar.com", "w") as f:
    f.write(sys.argv[2])
PY
cat >"$WORK/fanguard.conf" <<CONF
watch { paths = {} }
control { socket = "$WORK/control.sock" }
schedule {
  paths = {"$tree"}
  state = "$WORK/var/scan-state"
  progress = "$WORK/progress"
}
plugin clamav { database = {"$DATA/clamav"} }
CONF
rc=0
(ulimit -Sn 1024 && exec timeout 120 "$FANGUARD" scheduled-scan --local -c "$WORK/fanguard.conf") \
	>"$WORK/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "scheduled-scan over a 2,000-folder-deep tree: exit $rc, expected 1 (found)"
expect_out "/eicar\.com: .*FOUND"
expect_out "^scheduled scan done: 2 files scanned, 0 unchanged skipped, 1 found, 0 quarantined, 0 errors"
pass
