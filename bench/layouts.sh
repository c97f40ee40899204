#!/usr/bin/env bash
# Cold opens under each plugin layout, side by side in one run, on a generated database: does
# the sandboxed scanner process cost what the same engine costs in the daemon's threads?
# See bench/README.md ("Plugin layouts on a realistic database").
#
#   bench/layouts.sh [--scale large|full|smoke] [--db DIR] [--build DIR] [--base DIR]
#                    [--files N] [--rounds R] [--out FILE]
#
#   --scale S    the generated database (bench/gen_db.py; default large: 2.6 million hashes,
#                60,000 body and 8,000 logical signatures, the shape of issue 15's report)
#   --db DIR     where it lives (default /var/tmp/fanguard-bench-db-SCALE; made when missing)
#   --build DIR  fanguard build tree (default: the repo's build/)
#   --base DIR   also run this build tree's fanguardd in the `shared` layout (before/after)
#   --files N    fresh 4 KiB files read once each, one after another, per daemon (default 200)
#   --rounds R   rounds; in each, every layout runs once, in turn (default 3)
#   --out FILE   also write the report there
#
# Only the clamav plugin is loaded. For each daemon: p50 and mean of one cold open + read, and
# the page faults the scanning process (the scanner, or the daemon itself with threads) took per
# scanned file, from /proc/PID/stat. Runs as root in its own mount namespace on a fresh tmpfs;
# every daemon runs under `timeout -s KILL` and only the PIDs started here are signalled.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
SCALE=large
BUILD=${FANGUARD_BUILD:-$SRC/build}
BASE=""
DB=""
FILES=200
ROUNDS=3
OUT=""
ARGS=("$@")
while [ $# -gt 0 ]; do
	case $1 in
	--scale) SCALE=${2:?--scale needs large, full or smoke}; shift ;;
	--db) DB=${2:?--db needs a folder}; shift ;;
	--build) BUILD=${2:?--build needs a folder}; shift ;;
	--base) BASE=${2:?--base needs a build folder}; shift ;;
	--files) FILES=${2:?--files needs a number}; shift ;;
	--rounds) ROUNDS=${2:?--rounds needs a number}; shift ;;
	--out) OUT=${2:?--out needs a file}; shift ;;
	-h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "layouts: unknown argument $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done
die() { echo "layouts: $*" >&2; exit 1; }
case $SCALE in large | full | smoke) ;; *) die "--scale must be large, full or smoke" ;; esac
[[ $FILES =~ ^[1-9][0-9]*$ && $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "--files and --rounds take positive numbers"
[ "$(id -u)" -eq 0 ] || die "run as root"
BUILD=$(cd "$BUILD" && pwd)
[ -z "$BASE" ] || BASE=$(cd "$BASE" && pwd)
[ -n "$DB" ] || DB=/var/tmp/fanguard-bench-db-$SCALE

if [ "${FG_LAYOUTS_IN_NS:-}" != 1 ]; then
	for b in "$BUILD" $BASE; do [ -x "$b/sbin/fanguardd" ] || die "no sbin/fanguardd in $b"; done
	if ! grep -qs "^scale=$SCALE " "$DB/counts.txt"; then
		rm -rf "$DB"
		python3 "$HERE/gen_db.py" "$DB" --scale "$SCALE" || die "gen_db.py failed"
	fi
	FG_LAYOUTS_IN_NS=1 FG_LAYOUTS_PARENT_NS="$(readlink /proc/self/ns/mnt)" \
		exec unshare --mount --propagation private -- bash "$0" "${ARGS[@]}" --db "$DB"
fi

# ---- inside the private mount namespace ------------------------------------------------
. "$HERE/private_tmpfs.sh"
bench_private_tmpfs layouts "${FG_LAYOUTS_PARENT_NS:-}"
mkdir "$MNT/watched"

# RUNS: "name build layout"
RUNS=("shared $BUILD shared" "thread $BUILD thread")
[ -z "$BASE" ] || RUNS=("base-shared $BASE shared" "${RUNS[@]}")

conf() { # FILE LAYOUT
	local scan="workers = 1"
	[ "$2" = thread ] && scan="$scan isolation = \"thread\""
	cat >"$1" <<CONF
watch { paths = {"$MNT/watched"} events = {"open"} }
verdict { policy = "any-deny" timeout_ms = 60000 on_timeout = "allow" on_error = "allow" }
scan { $scan }
log { level = "info" }
control { socket = "$WORK/control.sock" }
plugin clamav { database = {"$DB/clamav"} }
signatures { auto_reload = false }
CONF
}
minflt() { awk '{ print $10 }' "/proc/$1/stat"; } # field 10 of stat: minor faults

# one daemon: prints "p50_us mean_us faults_per_file"
one() { # BUILD LAYOUT TAG
	local build=$1 layout=$2 dir=$MNT/watched/$3 log=$WORK/$3.log main scanning f0 f1 line
	"$OB" mkfiles "$dir" "$FILES" 4096 >/dev/null # before the daemon: no close_write to scan
	conf "$WORK/conf" "$layout"
	timeout -s KILL 900 "$build/sbin/fanguardd" -c "$WORK/conf" >"$log" 2>&1 &
	TPID=$!
	for _ in $(seq 1 3000); do
		grep -q ' ready: ' "$log" && break
		kill -0 "$TPID" 2>/dev/null || { cat "$log" >&2; die "fanguardd ($layout) exited before ready"; }
		sleep 0.1
	done
	main=$(pgrep -P "$TPID" -x fanguardd)
	scanning=$(pgrep -P "$main" | head -n 1 || true)
	[ "$layout" = thread ] && scanning=$main
	[ -n "$scanning" ] || die "no scanner process under fanguardd ($layout)"
	f0=$(minflt "$scanning")
	line=$("$OB" seq "$dir" "$FILES")
	f1=$(minflt "$scanning")
	kill -TERM "$TPID"
	wait "$TPID" || true
	TPID=""
	rm -rf "$dir"
	awk -v l="$line" -v d=$((f1 - f0)) -v n="$FILES" 'BEGIN {
		split(l, kv, " "); for (i in kv) { split(kv[i], p, "="); v[p[1]] = p[2] }
		printf "%s %s %.0f\n", v["p50_us"], v["mean_us"], d / n }'
}

REPORT=()
note() { printf '%s\n' "$*"; REPORT+=("$*"); }
note "layouts: $(date -u '+%F %H:%M UTC'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) (the machine may be shared)"
note "database: $(cat "$DB/counts.txt"); clamav plugin only, $FILES cold 4 KiB opens per daemon, $ROUNDS rounds"
note "fanguard: $BUILD ($(git -C "$SRC" describe --always --dirty 2>/dev/null || echo unknown))${BASE:+; base: $BASE}"
declare -A P50 MEAN FLT
for ((r = 1; r <= ROUNDS; r++)); do
	for run in "${RUNS[@]}"; do
		read -r name build layout <<<"$run"
		read -r p50 mean flt < <(one "$build" "$layout" "$name-$r")
		note "round $r $name: p50 ${p50} us, mean ${mean} us, ${flt} page faults per file"
		P50[$name]+="$p50 "
		MEAN[$name]+="$mean "
		FLT[$name]+="$flt "
	done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
thread_p50=$(median "${P50[thread]}")
note ""
note "| layout | cold 4 KiB open p50 (median of rounds) | mean | page faults per file | p50 vs thread |"
note "|---|---|---|---|---|"
for run in "${RUNS[@]}"; do
	read -r name _ _ <<<"$run"
	p=$(median "${P50[$name]}")
	note "| $name | $p us | $(median "${MEAN[$name]}") us | $(median "${FLT[$name]}") | $(awk -v a="$p" -v b="$thread_p50" 'BEGIN { printf "%.2fx", a / b }') |"
done
[ -z "$OUT" ] || printf '%s\n' "${REPORT[@]}" >"$OUT"
