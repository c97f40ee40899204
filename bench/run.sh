#!/usr/bin/env bash
# fanguard benchmark: what an open costs with no listener, with fanguardd, and with ClamAV's
# clamd + clamonacc, all in one run on one fresh tmpfs. See bench/README.md.
#
#   bench/run.sh [--smoke] [--build DIR] [--out FILE] [--no-clamav] [--keep] [--layout L] [--mode M]
#
#   --smoke      ~10 s: small counts, no Python workload, clamonacc only if already installed.
#                Exits non-zero if fanguardd does not start, does not deny EICAR, or any
#                measured open fails. Prints only (writes no results file).
#   --build DIR  fanguard build tree (default: the repo's build/, built first if missing;
#                env FANGUARD_BUILD works too)
#   --out FILE   results file of a full run (default: bench/results/latest.txt)
#   --no-clamav  skip clamd + clamonacc
#   --keep       keep the scratch folder (logs, configs) after the run
#   --layout L   how fanguardd runs its plugins: shared (default: one sandboxed scanner process
#                for all three), per-plugin (a scanner process each) or thread (inside the daemon)
#   --mode M     fanguardd's verdict.mode: block (default) or report (nothing denied: EICAR must
#                then open in every folder and be logged as WOULD DENY)
#   --scan-ahead fanguardd (not --base's) with scan.scan_ahead = true
#   --base DIR   also run the fanguardd of another build tree (e.g. the commit before a change)
#                as a listener of its own, same config, own fresh files: before/after in one run
#   --db DIR     a database made by bench/gen_db.py (DIR/clamav, DIR/yara) instead of the repo's
#                own signatures, for fanguardd and clamd alike (bench/realdb.sh uses it)
#   --no-workload  skip the stdlib read and compileall rows
#
# Runs as root. It re-executes itself inside `unshare --mount --propagation private`, mounts a
# fresh tmpfs there and marks (fanguardd and clamonacc alike) nothing but that tmpfs. Every
# daemon runs under `timeout -s KILL`; only the PIDs started here are ever signalled.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/.." && pwd)

SMOKE=0
DB=""
NO_WORKLOAD=0
WITH_CLAMAV=1
KEEP=0
LAYOUT=shared
MODE=block
BUILD=${FANGUARD_BUILD:-$SRC/build}
OUT=""
BASE=""
SCAN_AHEAD=0
ARGS=("$@")
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) SMOKE=1 ;;
	--no-clamav) WITH_CLAMAV=0 ;;
	--keep) KEEP=1 ;;
	--build) BUILD=${2:?--build needs a folder}; shift ;;
	--out) OUT=${2:?--out needs a file}; shift ;;
	--layout) LAYOUT=${2:?--layout needs shared, per-plugin or thread}; shift ;;
	--mode) MODE=${2:?--mode needs block or report}; shift ;;
	--base) BASE=${2:?--base needs a build folder}; shift ;;
	--scan-ahead) SCAN_AHEAD=1 ;;
	--db) DB=${2:?--db needs a folder made by bench/gen_db.py}; shift ;;
	--no-workload) NO_WORKLOAD=1 ;;
	-h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench: unknown argument $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done
BUILD=$(cd "$BUILD" 2>/dev/null && pwd || echo "$BUILD")
case $LAYOUT in
shared) SCAN_OPTS="" ; OWN=0 ;;
per-plugin) SCAN_OPTS="" ; OWN=1 ;;
thread) SCAN_OPTS='isolation = "thread"' ; OWN=0 ;;
*) echo "bench: --layout must be shared, per-plugin or thread" >&2; exit 2 ;;
esac
case $MODE in block | report) ;; *) echo "bench: --mode must be block or report" >&2; exit 2 ;; esac
[ -n "$OUT" ] || OUT="$HERE/results/latest.txt"

die() { echo "bench: $*" >&2; exit 1; }
say() { printf '%s\n' "$*"; }

[ "$(id -u)" -eq 0 ] || die "run as root (fanotify needs CAP_SYS_ADMIN)"

# ---- outside the namespace: tools and binaries --------------------------------------------
if [ "${FG_BENCH_IN_NS:-}" != 1 ]; then
	for tool in unshare timeout mount umount python3 tar find pgrep cc; do
		command -v "$tool" >/dev/null || die "missing tool: $tool"
	done
	# clamdscan (its own package) is how the script asks clamd whether it is up
	if [ "$WITH_CLAMAV" = 1 ] && ! { command -v clamd && command -v clamonacc && command -v clamdscan; } >/dev/null; then
		if [ "$SMOKE" = 1 ]; then
			say "bench: clamd/clamonacc not installed; --smoke skips them"
		else
			say "bench: installing clamav-daemon and clamdscan (clamd, clamonacc) with apt-get"
			if apt-get install -y clamav-daemon clamdscan >/dev/null 2>&1 ||
				{ apt-get update >/dev/null 2>&1 && apt-get install -y clamav-daemon clamdscan >/dev/null 2>&1; }; then
				# the package may start the system's clamd: this benchmark runs its own
				if [ -d /run/systemd/system ]; then
					systemctl disable --now clamav-daemon.socket clamav-daemon.service \
						clamav-clamonacc.service >/dev/null 2>&1 || true
				fi
			else
				say "bench: could not install clamav-daemon; clamonacc figures will be missing"
			fi
		fi
	fi
	for p in clamd clamonacc; do
		if pgrep -x "$p" >/dev/null; then
			say "bench: WARNING: a $p this script did not start is running (PID $(pgrep -x "$p" | tr '\n' ' ')); stop it for clean figures"
		fi
	done
	if [ ! -x "$BUILD/sbin/fanguardd" ]; then
		say "bench: no $BUILD/sbin/fanguardd; building"
		bash "$SRC/scripts/build.sh" "$BUILD" >/dev/null || die "build failed"
	fi
	exec unshare --mount --propagation private -- \
		env FG_BENCH_IN_NS=1 FG_BENCH_PARENT_NS="$(readlink /proc/self/ns/mnt)" \
		bash "$HERE/run.sh" "${ARGS[@]}"
fi

# ---- inside the private mount namespace ------------------------------------------------
MYNS=$(readlink /proc/self/ns/mnt)
[ "$MYNS" != "$(readlink /proc/1/ns/mnt)" ] && [ "$MYNS" != "${FG_BENCH_PARENT_NS:-}" ] ||
	die "not in a private mount namespace; refusing to mark anything"

EICAR='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
EICAR_NAME=zz-eicar.com
FANGUARDD="$BUILD/sbin/fanguardd"
FANGUARD="$BUILD/bin/fanguard"
[ -x "$FANGUARDD" ] || die "no $FANGUARDD (build with scripts/build.sh $BUILD)"

if [ "$SMOKE" = 1 ]; then
	N_SMALL=200 N_LARGE=10 N_PAR=200 WORKLOAD=0
else
	N_SMALL=2000 N_LARGE=200 N_PAR=2000 WORKLOAD=1
fi
N_SAME=8
[ "$NO_WORKLOAD" = 0 ] || WORKLOAD=0
# the signatures both listeners load: the repo's own, or a generated database (--db)
if [ -n "$DB" ]; then
	[ -d "$DB/clamav" ] && [ -d "$DB/yara" ] || die "--db $DB: no clamav/ and yara/ in it (bench/gen_db.py makes them)"
	CLAMAV_DB="$DB/clamav" YARA_RULES="$DB/yara"
	DAEMON_TIMEOUT=1800
	# a big database scans a MiB in ~0.1-1 s, and clamonacc scans each 1 MiB file ~10 times:
	# fewer large and parallel files keep the run within minutes
	[ "$SMOKE" = 1 ] || { N_LARGE=20 N_PAR=500; }
	OB_TIMEOUT=600
else
	CLAMAV_DB="$SRC/conf/signatures" YARA_RULES="$SRC/conf/rules"
fi
OB_TIMEOUT=180     # seconds for one measuring command
DAEMON_TIMEOUT=900 # seconds any daemon may live (1800 with --db)

LISTENERS=(none fanguardd)
if [ -n "$BASE" ]; then
	[ -x "$BASE/sbin/fanguardd" ] || die "no $BASE/sbin/fanguardd (--base)"
	LISTENERS+=(fanguardd_base)
fi
HAVE_CLAMAV=0
CLAMD_USER=clamav
if [ "$WITH_CLAMAV" = 1 ] && command -v clamd >/dev/null && command -v clamonacc >/dev/null &&
	command -v clamdscan >/dev/null; then
	if id -u "$CLAMD_USER" >/dev/null 2>&1; then
		HAVE_CLAMAV=1
		LISTENERS+=(clamonacc)
	else
		say "bench: no user $CLAMD_USER for clamd; skipping clamd + clamonacc"
	fi
fi

WORK=$(mktemp -d /tmp/fg-bench.XXXXXX)
MNT="$WORK/mnt"
FG_TPID="" CLAMD_TPID="" ONACC_TPID=""

# Stops what we started: clamonacc before clamd (clamonacc holds the fanotify group; without
# clamd its scans would wait for their timeout), then unmounts our tmpfs.
stop_pid() { # TIMEOUT_PID SECONDS [NAME]: TERM, wait, then KILL. timeout(1) forwards TERM to its
	# child; for KILL the child's PID is taken first, while it is still timeout's child.
	local pid=$1 secs=$2 name=${3:-} i children
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	children=$(pgrep -P "$pid" 2>/dev/null || true)
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < secs * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		# shellcheck disable=SC2086 # a list of PIDs
		kill -KILL $children "$pid" 2>/dev/null || true
		[ -z "$name" ] || NOTE[$name]+="did not exit within ${secs} s of SIGTERM (killed); "
		say "  $name${name:+: }did not exit within ${secs} s of SIGTERM; killed"
	fi
	wait "$pid" 2>/dev/null || true
}
cleanup() {
	local rc=$?
	stop_pid "$ONACC_TPID" 5
	stop_pid "$CLAMD_TPID" 10
	stop_pid "$FG_TPID" 10
	if mountpoint -q "$MNT" 2>/dev/null; then umount "$MNT" || umount -l "$MNT" || true; fi
	if [ "$KEEP" = 1 ]; then echo "bench: scratch kept in $WORK"; else rm -rf "$WORK"; fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir "$MNT"
mount -t tmpfs -o size=4g,mode=0755 fg-bench "$MNT"

OB="$BUILD/bench/fg_openbench"
if [ ! -x "$OB" ] || [ "$HERE/openbench.c" -nt "$OB" ]; then
	OB="$WORK/fg_openbench"
	cc -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 -pthread \
		"$HERE/openbench.c" -o "$OB" || die "cannot compile bench/openbench.c"
fi

declare -A RAW=() VALID=() RSS=() NOTE=()
FAILED=0
kv() { sed -nE "s/^(.* )?$2=([^ ]*).*/\\2/p" <<<"$1"; }

# ob KEY ARGS...: one fg_openbench measurement, kept in RAW[KEY]; a failure is counted.
ob() {
	local key=$1 out rc=0
	shift
	out=$(timeout -s KILL "$OB_TIMEOUT" "$OB" "$@" 2>"$WORK/ob.err") || rc=$?
	RAW[$key]=$out
	printf '  %-28s %s\n' "$key" "$out"
	if [ "$rc" -ne 0 ]; then
		say "  !! $key failed (status $rc): $(head -c 400 "$WORK/ob.err")"
		FAILED=$((FAILED + 1))
	fi
}

# ---- data: everything is created before any listener starts -----------------------------
# Debian's own Python and its standard library (not a pyenv or venv one first on PATH)
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=$(command -v python3)
PY_SRC=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
copy_stdlib() {
	mkdir -p "$1"
	tar -C "$PY_SRC" --exclude=__pycache__ --exclude=site-packages --exclude=dist-packages -cf - . |
		tar -C "$1" -xf -
}
say "bench: creating test files on a fresh tmpfs ($MNT)"
for L in "${LISTENERS[@]}"; do
	d="$MNT/$L"
	mkdir "$d"
	"$OB" mkfiles "$d/small" "$N_SMALL" 4096
	"$OB" mkfiles "$d/large" "$N_LARGE" 1048576
	"$OB" mkfiles "$d/par2" "$N_PAR" 4096
	"$OB" mkfiles "$d/par4" "$N_PAR" 4096
	"$OB" mkfiles "$d/same" 1 1048576
	# on the marked filesystem but outside fanguardd's watch path (it watches $MNT/fanguardd)
	mkdir -p "$MNT/outside"
	"$OB" mkfiles "$MNT/outside/$L" "$N_SMALL" 4096
	[ "$L" != none ] || { mkdir -p "$MNT/bare" && "$OB" mkfiles "$MNT/bare/small" "$N_SMALL" 4096; }
	printf 'clean\n' >"$d/clean.txt"
	if [ "$WORKLOAD" = 1 ]; then
		copy_stdlib "$d/py_read"
		copy_stdlib "$d/py_comp"
		find "$d/py_read" -type f >"$WORK/$L.pylist"
	fi
	# An EICAR file in every folder: a listener counts as blocking only once all are denied
	# (clamonacc marks folder by folder, asynchronously, after it starts).
	find "$d" -type d -print0 | while IFS= read -r -d '' dir; do printf '%s' "$EICAR" >"$dir/$EICAR_NAME"; done
done
PY_FILES=0
if [ "$WORKLOAD" = 1 ]; then PY_FILES=$(wc -l <"$WORK/none.pylist"); fi

# ---- listeners ------------------------------------------------------------------------
# The build of a fanguardd listener: fanguardd_base is --base's.
fg_build_of() { if [ "$1" = fanguardd_base ]; then echo "$BASE"; else echo "$BUILD"; fi; }
# fanguardd's configuration for listener $2 (default fanguardd) into $1; `fanguard scan` (the
# bare engines) reads the same file.
write_fanguard_conf() {
	local L=${2:-fanguardd}
	cat >"$1" <<CONF
watch {
  paths = {"$MNT/$L"}
  events = {"open", "exec", "close_write"}
  max_file_size = 26214400
}
verdict {
  policy = "any-deny"
  timeout_ms = 5000
  on_timeout = "allow"
  on_error = "allow"
  mode = "$MODE"
}
log { level = "info" }
control { socket = "$WORK/$L.sock" }
scan { $SCAN_OPTS $( [ "$SCAN_AHEAD" = 1 ] && [ "$L" = fanguardd ] && echo 'scan_ahead = true') }
plugin clamav { database = {"$CLAMAV_DB"} $( [ "$OWN" = 1 ] && echo 'scanner = "clamav"') }
plugin yara   { rules = {"$YARA_RULES"} $( [ "$OWN" = 1 ] && echo 'scanner = "yara"') }
plugin hash   { blocklist = {"$SRC/conf/hashes/blocklist.sha256"} $( [ "$OWN" = 1 ] && echo 'scanner = "hash"') }
CONF
}
start_fanguardd() {
	local L=${1:-fanguardd} conf i t0
	conf="$WORK/$L.conf"
	FG_LOG="$WORK/$L.log"
	FG_CONF=$conf
	FG_CLI="$(fg_build_of "$L")/bin/fanguard"
	write_fanguard_conf "$conf" "$L"
	: >"$FG_LOG"
	t0=$(date +%s%N)
	timeout -s KILL "$DAEMON_TIMEOUT" "$(fg_build_of "$L")/sbin/fanguardd" -c "$conf" >>"$FG_LOG" 2>&1 &
	FG_TPID=$!
	for ((i = 0; i < 12000; i++)); do
		if grep -q ' ready: ' "$FG_LOG"; then
			RAW[$L.ready]="ready_s=$(awk -v n=$(($(date +%s%N) - t0)) 'BEGIN { printf "%.2f", n / 1e9 }')"
			return 0
		fi
		kill -0 "$FG_TPID" 2>/dev/null || break
		sleep 0.05
	done
	say "!! fanguardd did not start:"
	tail -n 20 "$FG_LOG" | sed 's/^/   /'
	return 1
}
fanguardd_pids() { # the daemon and its scanner processes
	local main
	main=$(pgrep -P "$FG_TPID" -x fanguardd | head -n 1 || true)
	[ -n "$main" ] || return 0
	echo "$main"
	pgrep -P "$main" || true
}
stop_fanguardd() {
	local L=${1:-fanguardd} rc=0
	kill -TERM "$FG_TPID" 2>/dev/null || true
	wait "$FG_TPID" || rc=$?
	FG_TPID=""
	if [ "$rc" -ne 0 ]; then
		NOTE[$L]+="exited with status $rc after SIGTERM; "
		FAILED=$((FAILED + 1))
	fi
	NOTE[$L.counters]=$(grep -E '\]: events [0-9]+:' "$FG_LOG" | tail -n 1 | sed -E 's/^.*\]: //' || true)
	NOTE[$L.background]=$(grep -E '\]: background: ' "$FG_LOG" | tail -n 1 | sed -E 's/^.*\]: //' || true)
	grep -E 'latency: ' "$FG_LOG" | sed -E 's/^.*\]: latency: /  latency: /' >"$WORK/$L.latency" || true
}

start_clamonacc() {
	local cw="$WORK/clamav" i
	mkdir -p "$cw/db" "$cw/tmp"
	# the very same ClamAV signature file fanguardd's clamav plugin loads
	find "$CLAMAV_DB" -maxdepth 1 -type f -exec cp {} "$cw/db/" \;
	# clamd loads YARA rules from its database folder too
	[ -z "$DB" ] || cp "$YARA_RULES"/*.yar "$cw/db/"
	# clamd runs as the clamav user, as Debian's own clamd.conf has it
	chmod 0711 "$WORK"
	chown -R "$CLAMD_USER" "$cw"
	cat >"$cw/clamd.conf" <<CONF
Foreground yes
User $CLAMD_USER
LocalSocket $cw/clamd.sock
LocalSocketMode 600
DatabaseDirectory $cw/db
TemporaryDirectory $cw/tmp
PidFile $cw/clamd.pid
LogTime yes
# on-access: clamonacc reads these from clamd's config.
# Prevention (deny) needs OnAccessIncludePath: with OnAccessMountPath clamonacc cannot block.
OnAccessIncludePath $MNT
OnAccessPrevention yes
# clamonacc refuses to start without a UID exclusion; exclude clamd's user (recommended
# against scan loops), not root: the benchmark runs as root and must be scanned.
OnAccessExcludeUname $CLAMD_USER
OnAccessExcludeRootUID no
OnAccessMaxFileSize 25M
CONF
	: >"$WORK/clamd.log"
	: >"$WORK/clamonacc.log"
	local t0
	t0=$(date +%s%N)
	timeout -s KILL "$DAEMON_TIMEOUT" clamd --config-file="$cw/clamd.conf" >>"$WORK/clamd.log" 2>&1 &
	CLAMD_TPID=$!
	for ((i = 0; i < 12000; i++)); do
		[ -S "$cw/clamd.sock" ] && clamdscan --config-file="$cw/clamd.conf" --ping 1 >/dev/null 2>&1 && break
		kill -0 "$CLAMD_TPID" 2>/dev/null || break
		sleep 0.05
	done
	RAW[clamonacc.ready]="ready_s=$(awk -v n=$(($(date +%s%N) - t0)) 'BEGIN { printf "%.2f", n / 1e9 }')"
	if ! clamdscan --config-file="$cw/clamd.conf" --ping 1 >/dev/null 2>&1; then
		say "!! clamd did not start:"
		tail -n 20 "$WORK/clamd.log" | sed 's/^/   /'
		return 1
	fi
	# --fdpass: clamd scans the descriptor of the fanotify event and never opens the file
	# itself (clamd runs as root here: an open of its own would raise another event).
	timeout -s KILL "$DAEMON_TIMEOUT" clamonacc --foreground --fdpass \
		--config-file="$cw/clamd.conf" --log="$WORK/clamonacc.log" >>"$WORK/clamonacc.out" 2>&1 &
	ONACC_TPID=$!
	sleep 0.2
	kill -0 "$ONACC_TPID" 2>/dev/null || {
		say "!! clamonacc did not start:"
		tail -n 20 "$WORK/clamonacc.log" "$WORK/clamonacc.out" | sed 's/^/   /'
		return 1
	}
}
stop_clamonacc() {
	stop_pid "$ONACC_TPID" 5 clamonacc
	ONACC_TPID=""
	stop_pid "$CLAMD_TPID" 10 clamd
	CLAMD_TPID=""
}

# Every EICAR file of this listener's sets must fail with EPERM (waiting up to 30 s for a
# listener to place its marks), and a clean file must open. "none" must open them all.
verify_blocking() {
	local L=$1 want=EPERM f got i n
	local -a left still
	[ "$L" = none ] && want=ok
	[ "${L%_base}" = fanguardd ] && [ "$MODE" = report ] && want=ok
	mapfile -t left < <(find "$MNT/$L" -name "$EICAR_NAME")
	n=${#left[@]}
	for ((i = 0; i < 300; i++)); do
		still=()
		for f in "${left[@]}"; do
			got=$(timeout -s KILL 30 "$OB" probe "$f" || true)
			[ "$got" = "$want" ] || still+=("$f")
		done
		left=("${still[@]+"${still[@]}"}")
		if [ ${#left[@]} -eq 0 ] || [ "$want" = ok ]; then break; fi
		sleep 0.1
	done
	if [ ${#left[@]} -gt 0 ]; then
		say "!! $L is NOT blocking: ${#left[@]} of $n EICAR file(s) not answered with $want (e.g. ${left[0]}); its figures are NOT valid"
		return 1
	fi
	got=$(timeout -s KILL 30 "$OB" probe "$MNT/$L/clean.txt" || true)
	if [ "$got" != ok ]; then
		say "!! $L: a clean file did not open ($got); its figures are NOT valid"
		return 1
	fi
	if [ "${L%_base}" = fanguardd ] && [ "$MODE" = report ]; then
		grep -q 'WOULD DENY' "$FG_LOG" ||
			{ say "!! $L (report mode): EICAR opened but no WOULD DENY was logged"; return 1; }
		say "  verified (report mode): EICAR opens in all $n folders and is logged as WOULD DENY"
	elif [ "$L" != none ]; then
		say "  verified: EICAR denied with EPERM in all $n folders, a clean file opens"
	fi
	return 0
}

rss_kb() { # sum of VmRSS (kB) of the PIDs given
	local sum=0 p v
	for p in "$@"; do
		v=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
		sum=$((sum + ${v:-0}))
	done
	echo "$sum"
}

# The bare engines on files of the same kind: `fanguard scan -j 1` (one thread: open, read,
# SHA-256, every plugin, in the CLI's own process) over N_SMALL fresh 4 KiB files, with the
# configuration fanguardd gets. Its own clock starts after the engines are loaded, so the
# per-file figure is the engines' and the file's, nothing of start-up.
measure_bare_engines() {
	local conf="$WORK/bare.conf" out rc=0 secs files
	write_fanguard_conf "$conf"
	out=$(timeout -s KILL "$OB_TIMEOUT" "$FANGUARD" scan -c "$conf" -j 1 --json --no-progress \
		"$MNT/bare/small" 2>"$WORK/bare.err" | tail -n 1) || rc=$?
	secs=$(sed -nE 's/.*"seconds":([0-9.]+).*/\1/p' <<<"$out")
	files=$(sed -nE 's/.*"scanned_files":([0-9]+).*/\1/p' <<<"$out")
	if [ "$rc" -ne 0 ] || [ -z "$secs" ] || [ "${files:-0}" -ne "$N_SMALL" ]; then
		say "  !! bare engines failed (status $rc, $files files): $(head -c 400 "$WORK/bare.err")"
		FAILED=$((FAILED + 1))
		return 0
	fi
	RAW[bare.small]="files=$files seconds=$secs per_file_us=$(awk -v s="$secs" -v n="$files" 'BEGIN { printf "%.1f", s * 1e6 / n }')"
	printf '  %-28s %s\n' bare.small "${RAW[bare.small]}"
}

measure() {
	local L=$1 d="$MNT/$1" t0 t1 rc
	ob "$L.small_cold" seq "$d/small" "$N_SMALL"
	ob "$L.small_warm" seq "$d/small" "$N_SMALL"
	ob "$L.large_cold" seq "$d/large" "$N_LARGE"
	ob "$L.large_warm" seq "$d/large" "$N_LARGE"
	ob "$L.par2" par "$d/par2" "$N_PAR" 2
	ob "$L.par4" par "$d/par4" "$N_PAR" 4
	ob "$L.same" same "$d/same/f0" "$N_SAME"
	# the filesystem is marked whole: the first open outside the watch path is an event,
	# answered at once with an ignore mark; the second must cost nothing
	ob "$L.outside_first" seq "$MNT/outside/$L" "$N_SMALL"
	ob "$L.outside_second" seq "$MNT/outside/$L" "$N_SMALL"
	if [ "$WORKLOAD" = 1 ]; then
		ob "$L.py_read" list "$WORK/$L.pylist"
		ob "$L.py_warm" list "$WORK/$L.pylist"
		rc=0
		t0=$(date +%s%N)
		timeout -s KILL 300 env -u PYTHONDONTWRITEBYTECODE "$PYTHON" -m compileall -q "$d/py_comp" \
			>"$WORK/$L.compileall.log" 2>&1 || rc=$?
		t1=$(date +%s%N)
		RAW[$L.py_comp]="compileall status=$rc pyc=$(find "$d/py_comp" -name '*.pyc' | wc -l) total_ms=$(((t1 - t0) / 1000000))"
		printf '  %-28s %s\n' "$L.py_comp" "${RAW[$L.py_comp]}"
		# a listener must not change the outcome: same status, same number of .pyc files
		if [ "$L" != none ] && { [ "$(kv "${RAW[$L.py_comp]}" status)" != "$(kv "${RAW[none.py_comp]:-}" status)" ] ||
			[ "$(kv "${RAW[$L.py_comp]}" pyc)" != "$(kv "${RAW[none.py_comp]:-}" pyc)" ]; }; then
			say "  !! compileall under $L differs from no listener: $(head -c 400 "$WORK/$L.compileall.log")"
			FAILED=$((FAILED + 1))
		fi
		# a signature reload (fanguardd: new scanners, every verdict and mark dropped), then
		# 10 s for whatever the listener does meanwhile, then the stdlib tree read again
		if [ "${L%_base}" = fanguardd ]; then
			local done_before
			done_before=$(grep -c 'reload: done' "$FG_LOG" || true)
			timeout 60 "$FG_CLI" reload -c "$FG_CONF" >/dev/null 2>&1 || say "  !! $L: reload failed"
			for ((i = 0; i < 600; i++)); do
				[ "$(grep -c 'reload: done' "$FG_LOG" || true)" -gt "$done_before" ] && break
				sleep 0.05
			done
		fi
		sleep 10
		ob "$L.py_reload" list "$WORK/$L.pylist"
	fi
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
say "bench: $(date -u '+%F %H:%M UTC'), kernel $(uname -r), $(nproc) CPUs; N small=$N_SMALL large=$N_LARGE par=$N_PAR"
for L in "${LISTENERS[@]}"; do
	say "== $L"
	case $L in
	none) measure_bare_engines ;;
	fanguardd | fanguardd_base)
		if ! start_fanguardd "$L"; then
			FAILED=$((FAILED + 1))
			VALID[$L]=0
			NOTE[$L]+="did not start; "
			continue
		fi
		;;
	clamonacc)
		if ! start_clamonacc; then
			VALID[$L]=0
			NOTE[$L]+="did not start; "
			stop_clamonacc
			continue
		fi
		;;
	esac
	if verify_blocking "$L"; then VALID[$L]=1; else VALID[$L]=0; NOTE[$L]+="not blocking; "; fi
	if [ "${L%_base}" = fanguardd ] && [ "${VALID[$L]}" = 1 ]; then
		# the check opened an EICAR in every folder: a cold open each, whose scan-ahead would
		# warm the sets before their cold pass. A fresh daemon (a new fanotify group: no marks,
		# an empty cache) measures; the same config was just shown to block.
		stop_fanguardd "$L"
		start_fanguardd "$L" || { FAILED=$((FAILED + 1)); VALID[$L]=0; NOTE[$L]+="did not restart; "; }
	fi
	measure "$L"
	case $L in
	fanguardd | fanguardd_base)
		mapfile -t pids < <(fanguardd_pids)
		RSS[$L]=$(rss_kb "${pids[@]}")
		RSS[$L.main]=$(rss_kb "${pids[0]:-}")
		RSS[$L.procs]=${#pids[@]}
		stop_fanguardd "$L"
		;;
	clamonacc)
		# shellcheck disable=SC2046 # one PID or none
		RSS[$L.clamd]=$(rss_kb $(pgrep -P "$CLAMD_TPID" -x clamd || true))
		# shellcheck disable=SC2046
		RSS[$L.onacc]=$(rss_kb $(pgrep -P "$ONACC_TPID" -x clamonacc || true))
		RSS[$L]=$((${RSS[$L.clamd]} + ${RSS[$L.onacc]}))
		stop_clamonacc
		;;
	esac
done

# ---- report ---------------------------------------------------------------------------
# cell METRIC_VALUE BASE_VALUE DIRECTION: "value (ratio×)"; ratio = how many times slower than
# no listener (times: value/base; throughput: base/value).
ratio() {
	awk -v v="$1" -v b="$2" -v dir="$3" 'BEGIN {
		if (v == "" || b == "" || v + 0 <= 0 || b + 0 <= 0) { print ""; exit }
		r = (dir == "up") ? b / v : v / b
		f = (r >= 100) ? "%.0fx" : ((r >= 10) ? "%.1fx" : "%.2fx")
		printf f, r }'
}
fmt() { # number formatting: keep it short
	awk -v v="$1" 'BEGIN { if (v == "") { print "-"; exit }
		if (v + 0 >= 1000) printf "%.0f", v; else if (v + 0 >= 100) printf "%.0f", v; else printf "%.1f", v }'
}
ROWS=()
row() { # LABEL KEY FIELD [up]
	local label=$1 key=$2 field=$3 dir=${4:-down} line L v b cell
	line=$(printf '%-40s' "$label")
	b=$(kv "${RAW[none.$key]:-}" "$field")
	for L in "${LISTENERS[@]}"; do
		v=$(kv "${RAW[$L.$key]:-}" "$field")
		cell=$(fmt "$v")
		if [ "$L" != none ] && [ -n "$v" ]; then
			cell="$cell ($(ratio "$v" "$b" "$dir"))"
			[ "${VALID[$L]:-0}" = 1 ] || cell="$cell INVALID"
		fi
		line+=$(printf '%-22s' "$cell")
	done
	ROWS+=("$line")
}
header=$(printf '%-40s' "metric")
for L in "${LISTENERS[@]}"; do
	case $L in
	none) header+=$(printf '%-22s' "no listener") ;;
	fanguardd) header+=$(printf '%-22s' "fanguardd") ;;
	fanguardd_base) header+=$(printf '%-22s' "fanguardd (--base)") ;;
	clamonacc) header+=$(printf '%-22s' "clamd+clamonacc") ;;
	esac
done
ROWS+=("$header")
for pass in cold warm; do
	row "4 KiB x$N_SMALL $pass: p50 us" "small_$pass" p50_us
	row "4 KiB x$N_SMALL $pass: p99 us" "small_$pass" p99_us
	row "4 KiB x$N_SMALL $pass: total ms" "small_$pass" total_ms
done
for pass in cold warm; do
	row "1 MiB x$N_LARGE $pass: p50 us" "large_$pass" p50_us
	row "1 MiB x$N_LARGE $pass: p99 us" "large_$pass" p99_us
	row "1 MiB x$N_LARGE $pass: total ms" "large_$pass" total_ms
done
row "2 readers, 4 KiB cold: files/s" par2 files_per_s up
row "4 readers, 4 KiB cold: files/s" par4 files_per_s up
row "$N_SAME openers, 1 new 1 MiB file: max us" same max_us
row "4 KiB outside watch.paths, 1st open: p50 us" outside_first p50_us
row "4 KiB outside watch.paths, 2nd open: p50 us" outside_second p50_us
row "4 KiB outside watch.paths, 2nd: total ms" outside_second total_ms
if [ "$WORKLOAD" = 1 ]; then
	row "stdlib read ($PY_FILES files): total ms" py_read total_ms
	row "stdlib read: p99 us" py_read p99_us
	row "stdlib re-read (warm): total ms" py_warm total_ms
	row "stdlib re-read 10 s after reload: ms" py_reload total_ms
	row "compileall stdlib: total ms" py_comp total_ms
fi
# the engines alone, timed in this run (no listener): what a cold open is held to (issue 13: 1.2x)
bare=$(kv "${RAW[bare.small]:-}" per_file_us)
if [ -n "$bare" ]; then
	line=$(printf '%-40s%-22s' "bare engines, 4 KiB: us per file" "$(fmt "$bare")")
	for L in "${LISTENERS[@]}"; do
		[ "$L" = fanguardd ] || continue
		v=$(kv "${RAW[fanguardd.small_cold]:-}" p50_us)
		t=$(kv "${RAW[fanguardd.small_cold]:-}" total_ms)
		[ -n "$v" ] && line+="fanguardd cold 4 KiB: p50 $(ratio "$v" "$bare" down), mean $(ratio "$(awk -v t="$t" -v n="$N_SMALL" 'BEGIN { print t * 1000 / n }')" "$bare" down) the bare engines"
	done
	ROWS+=("$line")
fi
line=$(printf '%-40s%-22s' "start to ready (s)" "-")
for L in "${LISTENERS[@]}"; do
	[ "$L" = none ] || line+=$(printf '%-22s' "$(kv "${RAW[$L.ready]:-}" ready_s)")
done
ROWS+=("$line")
rssline=$(printf '%-40s%-22s' "RSS after the run (MiB)" "-")
for L in "${LISTENERS[@]}"; do
	case $L in
	fanguardd | fanguardd_base) rssline+=$(printf '%-22s' "$(awk -v k="${RSS[$L]:-0}" 'BEGIN{printf "%.1f", k/1024}') (${RSS[$L.procs]:-0} procs)") ;;
	clamonacc) rssline+=$(printf '%-22s' "$(awk -v k="${RSS[$L]:-0}" 'BEGIN{if (k > 0) printf "%.1f", k/1024; else print "-"}')") ;;
	esac
done
ROWS+=("$rssline")

{
	say ""
	say "fanguard open benchmark: $(date -u '+%F %H:%M UTC'), $(nproc) CPUs, kernel $(uname -r)"
	say "load average at start: $LOAD_START (other work on the machine skews the figures)"
	say "fanguardd: $FANGUARDD (built $(date -u -r "$FANGUARDD" '+%F %H:%M UTC'); source tree $SRC at $(git -C "$SRC" describe --always --dirty 2>/dev/null || echo unknown))"
	[ -z "$BASE" ] || say "fanguardd (--base): $BASE/sbin/fanguardd (built $(date -u -r "$BASE/sbin/fanguardd" '+%F %H:%M UTC'))"
	say "fanguardd plugin layout: $LAYOUT (--layout)"
	[ "$HAVE_CLAMAV" = 1 ] && say "clamd: $(clamd --version 2>/dev/null | head -n 1)"
	if [ -n "$DB" ]; then
		say "Signatures: generated ($(cat "$DB/counts.txt" 2>/dev/null)): fanguardd clamav=$CLAMAV_DB, yara=$YARA_RULES, hash=conf/hashes; clamd=both"
	else
		say "Signatures: fanguardd clamav=conf/signatures, yara=conf/rules, hash=conf/hashes; clamd=conf/signatures/*.ndb"
	fi
	say "Ratios in parentheses: times slower than no listener. Files are fresh (never opened) for each"
	say "listener's cold pass; warm = the same files opened again."
	say ""
	printf '%s\n' "${ROWS[@]}"
	say ""
	for L in "${LISTENERS[@]}"; do
		[ "$L" != none ] || continue
		if [ "${VALID[$L]:-0}" = 1 ]; then
			if [ "${L%_base}" = fanguardd ] && [ "$MODE" = report ]; then
				say "$L: report mode verified (EICAR opens in every folder, logged as WOULD DENY)${NOTE[$L]:+; ${NOTE[$L]}}"
			else
				say "$L: blocking verified (EICAR denied with EPERM in every folder)${NOTE[$L]:+; ${NOTE[$L]}}"
			fi
		else
			say "$L: NOT VALID: ${NOTE[$L]:-}"
		fi
	done
	if [ "${RSS[fanguardd.procs]:-0}" -gt 0 ]; then
		say "RSS fanguardd: monitor $((${RSS[fanguardd.main]} / 1024)) MiB + $((${RSS[fanguardd.procs]} - 1)) scanner process(es) = $((${RSS[fanguardd]} / 1024)) MiB"
	fi
	if [ "${RSS[clamonacc]:-0}" -gt 0 ]; then
		say "RSS clamd $((${RSS[clamonacc.clamd]} / 1024)) MiB + clamonacc $((${RSS[clamonacc.onacc]} / 1024)) MiB"
	fi
	for L in fanguardd fanguardd_base; do
		[ -n "${NOTE[$L.counters]:-}" ] || continue
		say "$L counters at exit: ${NOTE[$L.counters]}"
		[ -z "${NOTE[$L.background]:-}" ] || say "$L ${NOTE[$L.background]}"
		cat "$WORK/$L.latency" 2>/dev/null || true
	done
	say ""
	say "raw:"
	for k in $(printf '%s\n' "${!RAW[@]}" | sort); do printf '  %-24s %s\n' "$k" "${RAW[$k]}"; done
} >"$WORK/report.txt"
cat "$WORK/report.txt"

if [ "$SMOKE" = 0 ]; then
	mkdir -p "$(dirname "$OUT")"
	cp "$WORK/report.txt" "$OUT"
	say "bench: results written to $OUT"
fi
if [ "$FAILED" -gt 0 ]; then
	say "bench: $FAILED measurement(s) failed"
	exit 1
fi
if [ "$SMOKE" = 1 ] && [ "${VALID[fanguardd]:-0}" != 1 ]; then
	say "bench: fanguardd did not block EICAR"
	exit 1
fi
exit 0
