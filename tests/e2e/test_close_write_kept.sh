# A file written and closed is scanned once: the close_write scan's clean verdict is cached and
# ignore-marked, so the open that follows raises no event at all. Not while another writer still
# holds the file (a second descriptor, or a shared writable mapping whose writes clear no ignore
# mark): the second writer's EICAR must be denied at the next open. Report mode keeps its
# meaning: a written EICAR is logged, its opens allowed and logged as would-deny.
. "$(dirname "$0")/lib.sh"
fg_setup
printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
CLEAN=$(printf 'a%.0s' $(seq 1 68))   # as long as EICAR: an overwrite changes no size
fg_write_config "$WORK/fanguard.conf" hash
fg_start "$WORK/fanguard.conf"

metric() { # the value of one Prometheus series (exact name and labels)
	timeout 20 "$FANGUARD" stats --prometheus -c "$WORK/fanguard.conf" |
		awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }'
}
wait_metric() { # name, minimum value
	for _ in $(seq 1 200); do
		[ "$(metric "$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	fail "$1 never reached $2 (is $(metric "$1"))"
}
SCANNED='fanguard_background_scans_total{kind="close_write"}'
KEPT='fanguard_background_kept_total{kind="close_write",verdict="clean"}'
WRITER='fanguard_background_not_kept_total{why="open_for_write"}'

# 1. written, closed, scanned once: the next opens are no event
printf 'fresh clean content\n' >"$MNT/written.txt"
wait_metric "$KEPT" 1
fg_counts
before=$EV_TOTAL
for _ in 1 2 3; do expect_open ok "$MNT/written.txt"; done
fg_counts
[ "$EV_TOTAL" -eq "$before" ] || fail "opens after a clean close_write scan made $((EV_TOTAL - before)) event(s), want 0"

# 2. a second writer with its own descriptor: it is open for writing when the first closes, so
#    the clean verdict is not kept; the write(2) that follows would clear a mark anyway
scanned=$(metric "$SCANNED")
writers=$(metric "$WRITER")
timeout -s KILL 60 python3 - "$MNT/two-fds.txt" "$CLEAN" "$EICAR" "$WORK/go-fd" <<'PY' &
import os, sys, time
path, clean, eicar, go = sys.argv[1:]
b = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)     # the second writer, kept open
os.write(b, clean.encode())
a = os.open(path, os.O_WRONLY)                       # the first writer: writes, closes
os.write(a, clean.encode())
os.close(a)
while not os.path.exists(go):
    time.sleep(0.02)
os.pwrite(b, eicar.encode(), 0)                      # the second writer keeps writing
open(go + ".done", "w").close()
time.sleep(30)
PY
PY1=$!
wait_metric "$SCANNED" $((scanned + 1))
touch "$WORK/go-fd"
for _ in $(seq 1 200); do [ -e "$WORK/go-fd.done" ] && break; sleep 0.05; done
expect_open EPERM "$MNT/two-fds.txt"
[ "$(metric "$WRITER")" -gt "$writers" ] || fail "the clean verdict of two-fds.txt was kept while a writer held it"
kill "$PY1" 2>/dev/null || true
wait "$PY1" 2>/dev/null || true
# its last close (at exit) is a close_write of EICAR: settled before part 3 counts scans
expect_log "DETECTED after write of $MNT/two-fds.txt"

# 3. a second writer through a shared writable mapping (its descriptor already closed): its
#    writes clear no ignore mark, and no close_write comes until it unmaps
scanned=$(metric "$SCANNED")
writers=$(metric "$WRITER")
timeout -s KILL 60 python3 - "$MNT/mapped.txt" "$CLEAN" "$EICAR" "$WORK/go-map" <<'PY' &
import mmap, os, sys, time
path, clean, eicar, go = sys.argv[1:]
b = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
os.write(b, clean.encode())
m = mmap.mmap(b, len(clean))                         # shared, writable
os.close(b)                                          # the mapping keeps the file open for writing
a = os.open(path, os.O_WRONLY)
os.write(a, clean.encode())
os.close(a)                                          # close_write: scanned clean
while not os.path.exists(go):
    time.sleep(0.02)
m[0:len(eicar)] = eicar.encode()                     # written through the mapping
open(go + ".done", "w").close()
time.sleep(30)
PY
PY2=$!
wait_metric "$SCANNED" $((scanned + 1))
touch "$WORK/go-map"
for _ in $(seq 1 200); do [ -e "$WORK/go-map.done" ] && break; sleep 0.05; done
expect_open EPERM "$MNT/mapped.txt"
expect_log "DENY open of $MNT/mapped.txt .*hash: Hash.Blocklist"
[ "$(metric "$WRITER")" -gt "$writers" ] || fail "the clean verdict of mapped.txt was kept while a mapping held it"
kill "$PY2" 2>/dev/null || true
wait "$PY2" 2>/dev/null || true
fg_stop

# 4. report mode: a written EICAR is logged and remembered, its open allowed as a would-deny;
#    a written clean file still costs no event at its next open
VERDICT_EXTRA='mode = "report"' fg_write_config "$WORK/report.conf" hash
fg_start "$WORK/report.conf"
printf '%s' "$EICAR" >"$MNT/report-eicar.com"
expect_log "DETECTED after write of $MNT/report-eicar.com"
wait_metric 'fanguard_background_kept_total{kind="close_write",verdict="detected"}' 1
expect_open ok "$MNT/report-eicar.com"
expect_log "WOULD DENY open of $MNT/report-eicar.com"
printf 'clean in report mode\n' >"$MNT/report-clean.txt"
wait_metric "$KEPT" 1
fg_counts
before=$EV_TOTAL
expect_open ok "$MNT/report-clean.txt"
fg_counts
[ "$EV_TOTAL" -eq "$before" ] || fail "report mode: the open after a clean close_write scan was an event"
fg_stop
pass
