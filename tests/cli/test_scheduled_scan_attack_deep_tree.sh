# Attack on `fanguard scheduled-scan` (and `fanguard scan`, which walks the same way): an
# ordinary user nests 2,000 folders in his home (any user may, below PATH_MAX) and puts EICAR
# at the bottom. Before the fix the walk, one call and 8 KiB of stack per level, overflowed the
# stack and root's scan died with SIGSEGV at every run (nothing after that tree scanned, no
# summary); with the usual soft limit of 1024 open files (systemd's default for services) it
# instead failed with EMFILE below level 1,000 and the EICAR file was never scanned. Now the
# walk keeps its paths on the heap and raises its soft limit of open files (one per level) to
# what PATH_MAX allows: the bottom is reached, the EICAR found.
. "$(dirname "$0")/lib.sh"
need_setpriv
make_user_tree
tree="$WORK/tree"
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
write_schedule_conf "$tree"
# over the 2,000-folder-deep tree, with systemd's soft limit of open files: exit 1 (found)
(ulimit -Sn 1024 && expect_scheduled_scan 1 --local)
expect_out "/eicar\.com: .*FOUND"
expect_out "^scheduled scan done: 2 files scanned, 0 unchanged skipped, 1 found, 0 quarantined, 0 errors"
pass
