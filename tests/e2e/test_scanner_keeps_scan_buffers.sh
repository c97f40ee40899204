# A scanner process keeps libclamav's per-scan matcher buffers between scans instead of faulting
# them in again for every file (issue 15: with thousands of logical signatures those buffers are
# megabytes, and glibc gave them back to the kernel after each scan: ~800 page faults a 4 KiB file,
# the sandboxed scanner 1.3-4x slower than the same engine in the daemon's threads).
# The page faults of the scanner process are counted, not timed.
. "$(dirname "$0")/lib.sh"
fg_setup

# 8,000 logical signatures (random, so none matches): libclamav's per-scan state for them is ~2 MiB
mkdir "$WORK/db"
python3 - "$WORK/db/many.ldb" <<'PY'
import random, sys
rng = random.Random(15)
with open(sys.argv[1], "w") as f:
    for i in range(8000):
        subs = [rng.randbytes(rng.randint(6, 12)).hex() for _ in range(3)]
        f.write("Test.Logic.%d;Engine:51-255,Target:0;0&1&2;%s\n" % (i, ";".join(subs)))
PY
cp "$DATA/clamav/"* "$WORK/db/"
fg_write_config "$WORK/fanguard.conf"
echo "plugin clamav { database = {\"$WORK/db\"} }" >>"$WORK/fanguard.conf"
sed -i 's/events = {[^}]*}/events = {"open"}/' "$WORK/fanguard.conf"

N=60
mkdir "$MNT/files"
for i in $(seq 1 "$N"); do head -c 4096 /dev/urandom >"$MNT/files/f$i"; done
fg_start "$WORK/fanguard.conf"
scanner=$(pgrep -P "$FANGUARDD_PID" | head -n 1 || true)
[ -n "$scanner" ] || fail "no scanner process"

minflt() { awk '{ print $10 }' "/proc/$scanner/stat"; }
# the first scans may grow the heap for good; count the ones after
for i in 1 2 3 4 5; do expect_open ok "$MNT/files/f$i"; done
before=$(minflt)
for i in $(seq 6 "$N"); do expect_open ok "$MNT/files/f$i"; done
after=$(minflt)
per_file=$(((after - before) / (N - 5)))
echo "scanner page faults per cold 4 KiB open: $per_file"
# fresh buffers would be ~500 pages a scan; what a kept heap still faults is a few pages.
# AddressSanitizer's allocator is not glibc's (and quarantines what is freed): not measured there.
fg_sanitized_build || [ "$per_file" -lt 100 ] || fail "the scanner faulted $per_file pages per scanned file: its scan buffers are given back to the kernel after every scan"

# the engine is still the one that finds things
printf '%s' "$EICAR" >"$MNT/files/eicar.com"
expect_open EPERM "$MNT/files/eicar.com"
fg_stop
pass
