# A scheduled scan stopped half-way (SIGTERM, as systemd stops fanguard-scan.service) saves
# what it did and exits 143; the next run goes on where it stopped: the files done are
# skipped (counted), the others scanned, none twice. An interrupted --full pass goes on as a
# full pass in the next run, even without --full. While it runs `fanguard status` shows the
# files done of the total and an ETA. The sleepy test plugin makes each scan take 100 ms.
. "$(dirname "$0")/lib.sh"
: "${FANGUARD_TEST_PLUGIN_DIR:?set by CTest}"
make_scan_dirs
tree="$WORK/tree"
N=60
for i in $(seq 1 $N); do echo "file $i" >"$tree/f$i"; done
write_schedule_conf "$tree" "sleepy { path = \"$FANGUARD_TEST_PLUGIN_DIR/sleepy.so\" delay_ms = 100 }"
progress_done() { sed -n 's/^done //p' "$WORK/progress" 2>/dev/null || echo 0; }

# starts a run in the background, waits until it has done $1 files and status shows them with
# the total, stops it with SIGTERM; sets DONE_BEFORE_STOP to the files its summary counts
run_and_stop() {
	local at=$1 rc=0
	shift
	rm -f "$WORK/progress"
	timeout 120 "$FANGUARD" scheduled-scan -c "$WORK/fanguard.conf" -j 1 "$@" >"$WORK/run.out" 2>&1 &
	local pid=$!
	for _ in $(seq 1 1200); do
		[ "$(progress_done)" -ge "$at" ] && break
		kill -0 "$pid" 2>/dev/null || { cp "$WORK/run.out" "$WORK/out"; fail "the scan ended early"; }
		sleep 0.05
	done
	[ "$(progress_done)" -ge "$at" ] || fail "the scan did not get to $at files"
	"$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/out" 2>&1 || true
	expect_out "^scheduled scan: running \(pid [0-9]+, .*\): [0-9]+ of ~?$N \([0-9]+%\) files, ETA [0-9]+m[0-9]{2}s"
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	cp "$WORK/run.out" "$WORK/out"
	[ "$rc" -eq 143 ] || fail "a scan stopped by SIGTERM exited $rc, not 143"
	expect_out "^scheduled scan STOPPED, goes on at the next run: [0-9]+ files scanned"
	DONE_BEFORE_STOP=$(sed -n 's/^scheduled scan STOPPED.*: \([0-9]*\) files scanned, \([0-9]*\) unchanged.*/\1 \2/p' "$WORK/out")
	"$FANGUARD" status -c "$WORK/fanguard.conf" >"$WORK/out" 2>&1 || true
	expect_out "^scheduled scan: INTERRUPTED at .*the next run goes on where it stopped"
}
run_to_end() { expect_scheduled_scan 0 -j 4 "$@"; }

# an incremental pass stopped after 10 files: the next run scans only the rest
run_and_stop 10
set -- $DONE_BEFORE_STOP
done1=$1
[ "$done1" -ge 10 ] && [ "$done1" -lt $N ] || fail "stopped after $done1 files"
run_to_end
expect_out "^scheduled scan done: $((N - done1)) files scanned, $done1 unchanged skipped"

# a full pass stopped after 20 files goes on as a full pass, without --full
run_and_stop 20 --full
set -- $DONE_BEFORE_STOP
done2=$1
[ "$2" -eq 0 ] || fail "a full pass skipped $2 files"
run_to_end
expect_out "^scheduled scan done: $((N - done2)) files scanned, $done2 unchanged skipped.*full pass, resumed"
# and once done, the next run is incremental again
run_to_end
expect_out "^scheduled scan done: 0 files scanned, $N unchanged skipped.*incremental pass"
pass
