# `fanguard scan --exclude` (paths, patterns, names anywhere; relative to the current folder)
# and the config's watch.exclude skip what they match; Ctrl-C (SIGINT) stops a scan, prints the
# summary of what was scanned and exits 130; on a terminal the progress line shows the total
# and an ETA, and is cleared before the summary.
. "$(dirname "$0")/lib.sh"
mkdir -p "$WORK/tree/keep" "$WORK/tree/cache/deep" "$WORK/tree/img"
for f in tree/keep/eicar.com tree/cache/deep/eicar.com tree/img/disk.iso tree/top.iso; do
	printf '%s' "$EICAR" >"$WORK/$f"
done
printf 'plugin clamav { database = {"%s/clamav"} }\n' "$DATA" >"$WORK/fg.conf"

# without exclusions: four detections
expect_scan 1 -c "$WORK/fg.conf" "$WORK/tree"
expect_out "^Infected files: 4$"

# a folder (relative to the current folder) and a name pattern anywhere
(cd "$WORK" && timeout 120 "$FANGUARD" scan -c fg.conf --exclude tree/cache --exclude '*.iso' tree) \
	>"$WORK/out" 2>&1 && rc=0 || rc=$?
[ "$rc" -eq 1 ] || fail "exit $rc, expected 1"
expect_out "^tree/keep/eicar.com: clamav:Fanguard.Test.EICAR.UNOFFICIAL FOUND$"
expect_out "^tree/cache: skipped, excluded$"
expect_out "^tree/img/disk.iso: skipped, excluded$"
expect_out "^tree/top.iso: skipped, excluded$"
expect_out "^Infected files: 1$"
expect_no_out "cache/deep/eicar.com"

# an absolute glob with **, and -i hides the skipped lines
expect_scan 1 -c "$WORK/fg.conf" -i --exclude "$WORK/**/deep" "$WORK/tree"
expect_out "^Infected files: 3$"
expect_no_out "skipped"

# the config's watch.exclude is honoured too
printf 'watch { exclude = {"tree/keep", "%s/tree/**/*.iso"} }\nplugin clamav { database = {"%s/clamav"} }\n' \
	"$WORK" "$DATA" >"$WORK/excl.conf"
expect_scan 1 -c "$WORK/excl.conf" "$WORK/tree"
expect_out "^$WORK/tree/keep: skipped, excluded$"
expect_out "^Infected files: 1$"
expect_out "^$WORK/tree/cache/deep/eicar.com: clamav"

# a bad pattern is refused, naming it
expect_scan 2 -c "$WORK/fg.conf" --exclude '/srv/[oops' "$WORK/tree"
expect_out "^fanguard scan: --exclude '/srv/\[oops': bad pattern"

# Ctrl-C: a plugin that takes 300 ms a file, 40 files, one thread; interrupted after a result
mkdir "$WORK/slow"
for i in $(seq 1 40); do printf 'file %s\n' "$i" >"$WORK/slow/f$i"; done
printf 'plugin sleepy { path = "%s/sleepy.so" delay_ms = 300 }\n' "$FANGUARD_TEST_PLUGIN_DIR" >"$WORK/slow.conf"
timeout 120 "$FANGUARD" scan -c "$WORK/slow.conf" -j 1 "$WORK/slow" >"$WORK/out" 2>&1 &
scan=$!
for _ in $(seq 1 600); do
	grep -q ': OK$' "$WORK/out" && break
	sleep 0.05
done
grep -q ': OK$' "$WORK/out" || fail "no result before the interrupt"
kill -INT "$scan"
rc=0
wait "$scan" || rc=$?
[ "$rc" -eq 130 ] || fail "exit $rc after SIGINT, expected 130"
expect_out "^----------- SCAN SUMMARY -----------$"
expect_out "^Interrupted: yes"
n=$(sed -n 's/^Scanned files: //p' "$WORK/out")
[ -n "$n" ] && [ "$n" -ge 1 ] && [ "$n" -lt 40 ] || fail "scanned $n files of 40 before the interrupt"
[ "$(grep -c ': OK$' "$WORK/out")" -eq "$n" ] || fail "the summary counts $n, the lines say otherwise"

# on a terminal (script(1) gives one): the total and an ETA, and the line cleared at the end
printf 'plugin sleepy { path = "%s/sleepy.so" delay_ms = 100 }\n' "$FANGUARD_TEST_PLUGIN_DIR" >"$WORK/tty.conf"
TERM=xterm timeout 120 script -qec "'$FANGUARD' scan -c '$WORK/tty.conf' -j 1 '$WORK/slow'" /dev/null \
	>"$WORK/tty.raw" 2>&1 || true
tr '\r' '\n' <"$WORK/tty.raw" >"$WORK/out"
expect_out "[0-9]+/40 files  [0-9]+%  ETA [0-9]+:[0-9]{2}  "
expect_out "^Scanned files: 40$"
# the last progress line is erased (\r ESC[K) before the summary is written
grep -aPzq '\r\x1b\[K(\r?\n)+----------- SCAN SUMMARY' "$WORK/tty.raw" || fail "progress line not cleared before the summary"
pass
