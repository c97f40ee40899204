#!/usr/bin/env bash
# A scheduled scan of a tree of N files (default 10,000): three first runs (no state), three
# incremental ones (nothing changed: every file skipped) and a full one (--full), each timed
# (wall clock of the whole command); then the median incremental run as a share of the
# median first one. Local scanning (schedule { daemon = "no" }) with the repo's own
# signatures and rules (clamav on conf/signatures, yara on conf/rules), or --db DIR for another
# ClamAV database folder. Files are 4 KiB of random text each, in 100 folders, on a fresh
# folder under /tmp (not a tmpfs of ours: no daemon runs, nothing is marked).
#   bench/scheduled_scan.sh [--files N] [--db DIR] [--build DIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${FANGUARD_BUILD:-$repo/build}
files=10000
db="$repo/conf/signatures"
while [ $# -gt 0 ]; do
	case $1 in
	--files) files=$2; shift 2 ;;
	--db) db=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	*) echo "usage: $0 [--files N] [--db DIR] [--build DIR]" >&2; exit 2 ;;
	esac
done
fanguard="$build/bin/fanguard"
[ -x "$fanguard" ] || { echo "no $fanguard: scripts/build.sh first" >&2; exit 2; }
work=$(mktemp -d /tmp/fanguard-bench-sched.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
mkdir -p "$work/var" && chmod 700 "$work/var"
python3 - "$work/tree" "$files" <<'PY'
import os, random, string, sys
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(14)
for i in range(n):
    d = os.path.join(root, "d%02d" % (i % 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.txt" % i), "w") as f:
        f.write("".join(rnd.choices(string.ascii_letters + " \n", k=4096)))
PY
cat >"$work/fanguard.conf" <<CONF
watch { paths = {} }
control { socket = "$work/control.sock" }
schedule {
  paths = {"$work/tree"}
  state = "$work/var/scan-state"
  progress = "$work/progress"
  daemon = "no"
}
plugin clamav { database = {"$db"} }
plugin yara { rules = {"$repo/conf/rules"} }
CONF
timed() { # label, options: prints the label, the seconds and the summary line
	local t0 t1
	t0=$(date +%s.%N)
	"$fanguard" scheduled-scan -c "$work/fanguard.conf" "${@:2}" >"$work/out" 2>&1 || true
	t1=$(date +%s.%N)
	secs=$(echo "$t1 - $t0" | bc)
	printf '%-15s %8.3f s   %s\n' "$1" "$secs" "$(grep '^scheduled scan' "$work/out")"
}
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
echo "fanguard scheduled-scan, $files files of 4 KiB, $(nproc) CPUs (load $(cut -d' ' -f1 /proc/loadavg)), database $db"
firsts=() seconds=()
for round in 1 2 3; do
	rm -f "$work/var/scan-state" # a first run: no state
	timed "first #$round"; firsts+=("$secs")
done
for round in 1 2 3; do
	timed "incremental #$round"; seconds+=("$secs")
done
timed full --full
first=$(median "${firsts[@]}") second=$(median "${seconds[@]}")
echo "median first $first s, median incremental $second s:" \
	"incremental / first = $(echo "scale=2; 100 * $second / $first" | bc)%"
