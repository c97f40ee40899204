#!/usr/bin/env bash
# `fanguard scheduled-scan` over a tree of N files (default 10,000), the first run against the
# incremental one over the unchanged tree, for each signature set (--db) and each mode: local
# (schedule { daemon = "no" }: this process loads the plugins) and daemon (fanguardd, started
# here, scans; the command only walks). Per set and mode: R first runs (state removed before
# each; in daemon mode the daemon is restarted before each, untimed, so no verdict of a
# previous round is remembered), R incremental runs, one --full; the wall clock of the whole
# command, the command's own CPU (user+sys), and at the end a table of the medians with the
# incremental run as a share of the first.
#
#   bench/scheduled_scan.sh [--files N] [--rounds R] [--db SET]... [--modes local,daemon] [--build DIR]
#
#   --db SET   repo (default): conf/signatures + conf/rules (4 ClamAV signatures, a few rules);
#              a bench/gen_db.py folder (SET/clamav + SET/yara, e.g. /var/tmp/fanguard-bench-db-full);
#              or any ClamAV database folder (with the repo's rules). Repeat for several sets.
#
# Runs as root in its own mount namespace (unshare --mount --propagation private), with the
# tree on a fresh tmpfs mounted there, the only thing the daemon marks; the daemon runs under
# `timeout -s KILL` and only the PIDs started here are signalled. Files: 4 KiB of random text
# each, in 100 folders.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
BUILD=${FANGUARD_BUILD:-$SRC/build}
FILES=10000 ROUNDS=3 MODES=local,daemon
SETS=()
ARGS=("$@")
while [ $# -gt 0 ]; do
	case $1 in
	--files) FILES=$2; shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--db) SETS+=("$2"); shift 2 ;;
	--modes) MODES=$2; shift 2 ;;
	--build) BUILD=$2; shift 2 ;;
	-h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "usage: $0 [--files N] [--rounds R] [--db SET]... [--modes local,daemon] [--build DIR]" >&2; exit 2 ;;
	esac
done
[ ${#SETS[@]} -gt 0 ] || SETS=(repo)
BUILD=$(cd "$BUILD" && pwd)
FANGUARD="$BUILD/bin/fanguard" FANGUARDD="$BUILD/sbin/fanguardd"
[ -x "$FANGUARD" ] && [ -x "$FANGUARDD" ] || { echo "no $FANGUARD or $FANGUARDD: scripts/build.sh first" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "scheduled_scan: run as root (the daemon, the tmpfs)" >&2; exit 2; }
if [ "${FG_SCHED_IN_NS:-}" != 1 ]; then
	FG_SCHED_IN_NS=1 FG_SCHED_PARENT_NS="$(readlink /proc/self/ns/mnt)" \
		exec unshare --mount --propagation private -- bash "$0" "${ARGS[@]}"
fi

# ---- inside the private mount namespace ------------------------------------------------
. "$HERE/private_tmpfs.sh"
bench_private_tmpfs sched "${FG_SCHED_PARENT_NS:-}"
DAEMON_TIMEOUT=3600
mkdir -p "$WORK/var" && chmod 700 "$WORK/var"
python3 - "$MNT/tree" "$FILES" <<'PY'
import os, random, string, sys
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(14)
for i in range(n):
    d = os.path.join(root, "d%02d" % (i % 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.txt" % i), "w") as f:
        f.write("".join(rnd.choices(string.ascii_letters + " \n", k=4096)))
PY

plugins_of() { # SET: the plugin blocks
	local clamav=$1 rules=$SRC/conf/rules
	if [ "$1" = repo ]; then
		clamav=$SRC/conf/signatures
	elif [ -d "$1/clamav" ]; then
		clamav=$1/clamav rules=$1/yara
	fi
	printf 'plugin clamav { database = {"%s"} }\nplugin yara { rules = {"%s"} }\n' "$clamav" "$rules"
}
write_config() { # SET MODE
	cat >"$WORK/fanguard.conf" <<CONF
watch { paths = {"$MNT"} events = {"open", "exec"} }
log { level = "info" }
control { socket = "$WORK/control.sock" }
signatures { auto_reload = false }
schedule {
  paths = {"$MNT/tree"}
  state = "$WORK/var/scan-state"
  progress = "$WORK/progress"
  daemon = "$([ "$2" = daemon ] && echo yes || echo no)"
}
$(plugins_of "$1")
CONF
}
daemon_start() {
	: >"$WORK/daemon.log"
	timeout -s KILL "$DAEMON_TIMEOUT" "$FANGUARDD" -c "$WORK/fanguard.conf" >>"$WORK/daemon.log" 2>&1 &
	TPID=$!
	until grep -q ' ready: ' "$WORK/daemon.log"; do
		kill -0 "$TPID" 2>/dev/null || { echo "fanguardd exited: $(tail -n 5 "$WORK/daemon.log")" >&2; exit 1; }
		sleep 0.1
	done
}
daemon_stop() {
	[ -n "$TPID" ] || return 0
	kill -TERM "$TPID" 2>/dev/null || true
	wait "$TPID" 2>/dev/null || true
	TPID=""
}
timed() { # LABEL OPTIONS...: sets secs and cpu, prints a line
	local t0 t1 TIMEFORMAT='%U %S' times
	t0=$(date +%s%N)
	{ time "$FANGUARD" scheduled-scan -c "$WORK/fanguard.conf" "${@:2}" >"$WORK/out" 2>&1 || true; } 2>"$WORK/times"
	t1=$(date +%s%N)
	secs=$(awk -v n=$((t1 - t0)) 'BEGIN { printf "%.3f", n / 1e9 }')
	cpu=$(awk '{ printf "%.3f", $1 + $2 }' "$WORK/times")
	printf '  %-15s %8.3f s  cpu %6.3f s  %s\n' "$1" "$secs" "$cpu" "$(grep '^scheduled scan' "$WORK/out" || tail -n 1 "$WORK/out")"
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }

echo "fanguard scheduled-scan, $FILES files of 4 KiB on a tmpfs, $(nproc) CPUs (load $(cut -d' ' -f1 /proc/loadavg)), $ROUNDS rounds"
table=()
for set in "${SETS[@]}"; do
	for mode in ${MODES//,/ }; do
		write_config "$set" "$mode"
		echo "== $set, $mode"
		firsts=() incs=() fcpus=() icpus=()
		for round in $(seq 1 "$ROUNDS"); do
			rm -f "$WORK/var/scan-state" # a first run: no state
			if [ "$mode" = daemon ]; then daemon_stop; daemon_start; fi
			timed "first #$round"
			firsts+=("$secs") fcpus+=("$cpu")
		done
		for round in $(seq 1 "$ROUNDS"); do
			timed "incremental #$round"
			incs+=("$secs") icpus+=("$cpu")
		done
		timed full --full
		daemon_stop
		first=$(median "${firsts[@]}") inc=$(median "${incs[@]}")
		table+=("$(awk -v s="$set" -v m="$mode" -v f="$first" -v i="$inc" -v fc="$(median "${fcpus[@]}")" \
			-v ic="$(median "${icpus[@]}")" 'BEGIN {
			r = 100 * i / f
			printf "%-40s %-6s %9.3f %9.3f %7.3f %7.3f %7.2f%%  %s", s, m, f, i, fc, ic, r,
				r <= 5 ? "met" : sprintf("not met (%.1fx the target)", r / 5) }')")
	done
done
echo
echo "medians: wall clock (first, incremental) and the command's own CPU (user+sys)"
printf '%-40s %-6s %9s %9s %7s %7s %8s  %s\n' "signatures" "mode" "first s" "incr s" "cpu 1st" "cpu inc" "incr/1st" "<= 5%"
printf '%s\n' "${table[@]}"
