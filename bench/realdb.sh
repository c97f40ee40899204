#!/usr/bin/env bash
# fanguard with a database shaped like ClamAV's official one, side by side with clamd on the same
# database: load time to ready, RSS of each process, peak RSS during a reload (per plugin
# layout), `fanguard scan` vs clamscan throughput, then bench/run.sh --db for cold and warm opens
# against clamd + clamonacc. See bench/README.md ("A realistic database").
#
#   bench/realdb.sh [--scale full|smoke] [--build DIR] [--db DIR] [--no-clamav] [--no-opens]
#
#   --scale S    full (default): 3 million hashes, 40,000 body, 4,000 logical signatures, 300
#                YARA rules, ~10 minutes on 2 CPUs; smoke: a hundredth, ~1-2 minutes
#   --db DIR     where the generated database lives (default /var/tmp/fanguard-bench-db-SCALE);
#                made by bench/gen_db.py unless DIR/counts.txt says it holds this scale
#   --build DIR  fanguard build tree (default: the repo's build/)
#   --no-clamav  fanguard only
#   --no-opens   skip the bench/run.sh part (cold and warm opens)
#
# Runs as root, in its own mount namespace on a fresh tmpfs, like bench/run.sh; every daemon runs
# under `timeout -s KILL` and only the PIDs started here are signalled.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
SCALE=full
BUILD=${FANGUARD_BUILD:-$SRC/build}
DB=""
WITH_CLAMAV=1
OPENS=1
ARGS=("$@")
while [ $# -gt 0 ]; do
	case $1 in
	--scale) SCALE=${2:?--scale needs full or smoke}; shift ;;
	--build) BUILD=${2:?--build needs a folder}; shift ;;
	--db) DB=${2:?--db needs a folder}; shift ;;
	--no-clamav) WITH_CLAMAV=0 ;;
	--no-opens) OPENS=0 ;;
	-h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "realdb: unknown argument $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done
case $SCALE in full | smoke) ;; *) echo "realdb: --scale must be full or smoke" >&2; exit 2 ;; esac
BUILD=$(cd "$BUILD" && pwd)
[ -n "$DB" ] || DB=/var/tmp/fanguard-bench-db-$SCALE
say() { printf '%s\n' "$*"; }
die() { echo "realdb: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root"
OUT="$HERE/results/realdb-$SCALE.txt"

if [ "${FG_REALDB_IN_NS:-}" != 1 ]; then
	[ -x "$BUILD/sbin/fanguardd" ] && [ -x "$BUILD/bin/fanguard" ] || die "no fanguardd/fanguard in $BUILD"
	if ! grep -qs "^scale=$SCALE " "$DB/counts.txt"; then
		rm -rf "$DB"
		t0=$(date +%s%N)
		python3 "$HERE/gen_db.py" "$DB" --scale "$SCALE" || die "gen_db.py failed"
		echo "generated_s=$(awk -v n=$(($(date +%s%N) - t0)) 'BEGIN { printf "%.1f", n / 1e9 }')" >"$DB/generated.txt"
	fi
	FG_REALDB_IN_NS=1 FG_REALDB_PARENT_NS="$(readlink /proc/self/ns/mnt)" \
		unshare --mount --propagation private -- bash "$HERE/realdb.sh" "${ARGS[@]}" --db "$DB"
	rc=$?
	if [ "$OPENS" = 1 ]; then
		extra=()
		[ "$SCALE" = smoke ] && extra+=(--smoke)
		[ "$WITH_CLAMAV" = 1 ] || extra+=(--no-clamav)
		bash "$HERE/run.sh" --build "$BUILD" --db "$DB" --no-workload --out "$HERE/results/realdb-$SCALE-opens.txt" "${extra[@]}" || rc=$?
	fi
	exit "$rc"
fi

# ---- inside the private mount namespace ------------------------------------------------
. "$HERE/private_tmpfs.sh"
bench_private_tmpfs realdb "${FG_REALDB_PARENT_NS:-}"
DAEMON_TIMEOUT=1200
N_SMALL=2000 N_LARGE=20
[ "$SCALE" = smoke ] && N_SMALL=200 N_LARGE=10
mkdir "$MNT/scan"
"$OB" mkfiles "$MNT/scan/small" "$N_SMALL" 4096
"$OB" mkfiles "$MNT/scan/large" "$N_LARGE" 1048576
mkdir "$MNT/watched"
REPORT=()
note() { say "$*"; REPORT+=("$*"); }
secs_since() { awk -v n=$(($(date +%s%N) - $1)) 'BEGIN { printf "%.2f", n / 1e9 }'; }
rss_of() { # kB; 0 for a process that is gone (one ends during a reload)
	local v
	v=$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || true)
	echo "${v:-0}"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
# the PIDs under a timeout(1) PID: its child and that child's children (scanners)
tree_pids() {
	local main
	main=$(pgrep -P "$1" | head -n 1 || true)
	[ -n "$main" ] || return 0
	echo "$main"
	pgrep -P "$main" || true
}
sum_rss() {
	local s=0 p
	for p in $(tree_pids "$1"); do s=$((s + $(rss_of "$p"))); done
	echo "$s"
}
# samples the RSS sum of TPID's tree every 50 ms until LOG has PATTERN (max 600 s): the peak, kB
peak_until() {
	local log=$1 pattern=$2 peak=0 s i
	for ((i = 0; i < 12000; i++)); do
		s=$(sum_rss "$TPID")
		[ "$s" -le "$peak" ] || peak=$s
		grep -q "$pattern" "$log" && break
		kill -0 "$TPID" 2>/dev/null || break
		sleep 0.05
	done
	echo "$peak"
}

note "realdb: $(date -u '+%F %H:%M UTC'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) (the machine may be shared)"
note "database: $(cat "$DB/counts.txt") (generated in $(sed 's/generated_s=//' "$DB/generated.txt" 2>/dev/null || echo '?') s; $(du -sh "$DB" | cut -f1) on disk)"
note "fanguard: $BUILD, source $(git -C "$SRC" describe --always --dirty 2>/dev/null || echo unknown)"

fg_conf() { # FILE LAYOUT
	local scan="" own=0
	case $2 in thread) scan='isolation = "thread"' ;; per-plugin) own=1 ;; esac
	cat >"$1" <<CONF
watch { paths = {"$MNT/watched"} events = {"open", "exec"} max_file_size = 26214400 }
verdict { policy = "any-deny" timeout_ms = 5000 on_timeout = "allow" on_error = "allow" }
log { level = "info" }
control { socket = "$WORK/control.sock" }
signatures { auto_reload = false }
scan { $scan }
plugin clamav { database = {"$DB/clamav"} $([ $own = 1 ] && echo 'scanner = "clamav"') }
plugin yara   { rules = {"$DB/yara"} $([ $own = 1 ] && echo 'scanner = "yara"') }
plugin hash   { blocklist = {"$SRC/conf/hashes/blocklist.sha256"} $([ $own = 1 ] && echo 'scanner = "hash"') }
CONF
}

# ---- fanguardd: each layout ----
for layout in shared per-plugin thread; do
	conf=$WORK/fg-$layout.conf log=$WORK/fg-$layout.log
	fg_conf "$conf" "$layout"
	: >"$log"
	t0=$(date +%s%N)
	timeout -s KILL "$DAEMON_TIMEOUT" "$BUILD/sbin/fanguardd" -c "$conf" >>"$log" 2>&1 &
	TPID=$!
	peak=$(peak_until "$log" ' ready: ')
	if ! grep -q ' ready: ' "$log"; then
		note "!! fanguardd ($layout) did not start: $(tail -n 5 "$log")"
		kill -KILL "$TPID" 2>/dev/null || true; wait "$TPID" 2>/dev/null || true; TPID=""
		continue
	fi
	ready=$(secs_since "$t0")
	sleep 1
	procs=""
	for p in $(tree_pids "$TPID"); do procs+="$(tr '\0' ' ' <"/proc/$p/cmdline" | awk '{print ($2 == "--scanner") ? "scanner " $3 : "monitor"}') $(mib "$(rss_of "$p")") MiB, "; done
	steady=$(sum_rss "$TPID")
	main=$(pgrep -P "$TPID" | head -n 1)
	if [ "$layout" = thread ]; then
		# SIGHUP reloads only scanner processes: threads need a restart (one copy, and a gap)
		note "fanguardd $layout: ready in $ready s (peak $(mib "$peak") MiB while loading); RSS $(mib "$steady") MiB = ${procs%, }; no reload (needs isolation = process: a restart)"
		kill -TERM "$TPID" 2>/dev/null || true
		wait "$TPID" 2>/dev/null || true
		TPID=""
		continue
	fi
	t0=$(date +%s%N)
	kill -HUP "$main"
	rpeak=$(peak_until "$log" 'reload: done')
	rtime=$(secs_since "$t0")
	grep -q 'reload: done' "$log" || note "!! fanguardd ($layout): reload did not finish: $(grep -i reload "$log" | tail -n 3)"
	sleep 1
	after=$(sum_rss "$TPID")
	note "fanguardd $layout: ready in $ready s (peak $(mib "$peak") MiB while loading); RSS $(mib "$steady") MiB = ${procs%, }; reload: $rtime s to done, peak $(mib "$rpeak") MiB (+$(mib $((rpeak - steady))) MiB), $(mib "$after") MiB after"
	kill -TERM "$TPID" 2>/dev/null || true
	wait "$TPID" 2>/dev/null || true
	TPID=""
done

# ---- clamd ----
if [ "$WITH_CLAMAV" = 1 ] && command -v clamd >/dev/null && command -v clamdscan >/dev/null && id -u clamav >/dev/null 2>&1; then
	cw=$WORK/clamd
	mkdir -p "$cw/db" "$cw/tmp"
	cp "$DB"/clamav/* "$DB"/yara/*.yar "$cw/db/"
	chmod 0711 "$WORK"
	chown -R clamav "$cw"
	cat >"$cw/clamd.conf" <<CONF
Foreground yes
User clamav
LocalSocket $cw/clamd.sock
DatabaseDirectory $cw/db
TemporaryDirectory $cw/tmp
LogFile $cw/clamd.log
LogTime yes
CONF
	t0=$(date +%s%N)
	timeout -s KILL "$DAEMON_TIMEOUT" clamd --config-file="$cw/clamd.conf" >"$WORK/clamd.out" 2>&1 &
	TPID=$!
	peak=0
	for ((i = 0; i < 12000; i++)); do
		s=$(sum_rss "$TPID"); [ "$s" -le "$peak" ] || peak=$s
		clamdscan --config-file="$cw/clamd.conf" --ping 1 >/dev/null 2>&1 && break
		kill -0 "$TPID" 2>/dev/null || break
		sleep 0.05
	done
	ready=$(secs_since "$t0")
	if clamdscan --config-file="$cw/clamd.conf" --ping 1 >/dev/null 2>&1; then
		sleep 1
		steady=$(sum_rss "$TPID")
		t0=$(date +%s%N)
		clamdscan --config-file="$cw/clamd.conf" --reload >/dev/null 2>&1 || true
		rpeak=$(peak_until "$cw/clamd.log" 'Database correctly reloaded')
		rtime=$(secs_since "$t0")
		sleep 1
		after=$(sum_rss "$TPID")
		note "clamd: ready in $ready s (peak $(mib "$peak") MiB while loading); RSS $(mib "$steady") MiB (one process); reload: $rtime s to done, peak $(mib "$rpeak") MiB (+$(mib $((rpeak - steady))) MiB), $(mib "$after") MiB after"
	else
		note "!! clamd did not start: $(tail -n 5 "$WORK/clamd.out")"
	fi
	kill -TERM "$TPID" 2>/dev/null || true
	wait "$TPID" 2>/dev/null || true
	TPID=""
fi

# ---- on-demand throughput: fanguard scan -j 1 vs clamscan (one thread each) ----
conf=$WORK/fg-shared.conf
for set in small large; do
	n=$N_SMALL; [ $set = large ] && n=$N_LARGE
	t0=$(date +%s%N)
	out=$(timeout -s KILL 900 "$BUILD/bin/fanguard" scan -c "$conf" -j 1 --json --no-progress "$MNT/scan/$set" | tail -n 1)
	whole=$(secs_since "$t0")
	scan_s=$(sed -nE 's/.*"seconds":([0-9.]+).*/\1/p' <<<"$out")
	fg_line="fanguard scan -j 1, $n files in $set: $scan_s s scanning ($(awk -v s="$scan_s" -v n="$n" 'BEGIN { printf "%.0f", n / s }') files/s), $whole s with loading"
	if [ "$WITH_CLAMAV" = 1 ] && command -v clamscan >/dev/null; then
		# clamscan has no clock of its own after loading: its time on one file is its loading
		t0=$(date +%s%N)
		clamscan --no-summary -d "$WORK/clamd/db" "$MNT/scan/$set/f0" >/dev/null 2>&1 || true
		one=$(secs_since "$t0")
		t0=$(date +%s%N)
		clamscan --no-summary -d "$WORK/clamd/db" -r "$MNT/scan/$set" >/dev/null 2>&1 || true
		all=$(secs_since "$t0")
		fg_line+="; clamscan: $all s with loading, $one s for one file: $(awk -v a="$all" -v o="$one" -v n="$n" 'BEGIN { d = a - o; if (d > 0) printf "%.0f files/s scanning", (n - 1) / d; else print "n/a" }')"
	fi
	note "$fg_line"
done

mkdir -p "$(dirname "$OUT")"
printf '%s\n' "${REPORT[@]}" >"$OUT"
say "realdb: written to $OUT"
